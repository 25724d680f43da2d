"""scripts/scheme_report.py on two small runs: the baseline CI cities and the
same with a circular scheme."""
import os
import subprocess
import sys

MOBSIM = os.environ.get("MOBSIM", "build/mobsim")
SOURCE = os.environ.get("MOBSIM_SOURCE_DIR", ".")


def run(tmp_path, name, body):
    base = os.path.abspath(os.path.join(SOURCE, "scenarios", "ci", "four_cities.toml"))
    scenario = tmp_path / f"{name}.toml"
    scenario.write_text(f'base = "{base}"\n[run]\npeople_per_agent = 100\n' + body)
    out = tmp_path / f"{name}.h5"
    subprocess.run([MOBSIM, "run", str(scenario), "-o", str(out), "-q", "--no-summary"], check=True)
    return out


def test_report_lists_each_year_with_differences(tmp_path):
    base = run(tmp_path, "base", "")
    scheme = run(tmp_path, "scheme", '''[circular_schemes.tunis_style]
origin = "Dakar"
destination = "Paris"
sector = "other_services"
start = "2025-03"
annual_quota = 1200
stay_months = 6
''')
    report = subprocess.run([sys.executable, os.path.join(SOURCE, "scripts", "scheme_report.py"), str(base),
                             str(scheme)], check=True, capture_output=True, text=True).stdout
    lines = report.splitlines()
    assert lines[0].startswith("scheme tunis_style: Dakar -> Paris, sector other_services, quota 1200 a year")
    assert "2 replicate(s)" in lines[0]
    assert "youth unemp. Dakar" in lines[1] and "open jobs Paris" in lines[1]
    rows = {int(line.split()[0]): line.split() for line in lines[2:] if line.strip()}
    assert sorted(rows) == [2025, 2026]
    for year, cells in rows.items():
        assert float(cells[2].replace(",", "")) <= 1200  # departures never above the quota
    assert float(rows[2025][2].replace(",", "")) > 0
    assert " [" in report  # 90% intervals of the differences over the two paired replicates


def test_report_refuses_runs_without_schemes(tmp_path):
    base = run(tmp_path, "base", "")
    result = subprocess.run([sys.executable, os.path.join(SOURCE, "scripts", "scheme_report.py"), str(base),
                             str(base)], capture_output=True, text=True)
    assert result.returncode != 0
    assert "no circular schemes" in result.stderr
