"""scripts/ten_year_table.py, the acceptance table of the open-world issue:
its figures against a direct computation from the file, the observed figures
with their numbered sources, before -> after pairs, and a clear refusal of a
file it cannot read."""
import math
import os
import subprocess
import sys

import pytest

MOBSIM = os.environ.get("MOBSIM", "build/mobsim")
SOURCE = os.environ.get("MOBSIM_SOURCE_DIR", ".")
CI = os.path.abspath(os.path.join(SOURCE, "scenarios", "ci", "four_cities.toml"))
SCRIPT = os.path.join(SOURCE, "scripts", "ten_year_table.py")
sys.path.insert(0, os.path.join(SOURCE, "scripts"))
import ten_year_table  # noqa: E402
from mobsim import open_run  # noqa: E402


def run(folder, name, seed):
    scenario = folder / f"{name}.toml"
    scenario.write_text(f'base = "{CI}"\n[run]\nname = "{name}"\npeople_per_agent = 200\nreplicates = 2\n'
                        f'seed = {seed}\nduration_months = 24\n')
    out = folder / f"{name}.h5"
    subprocess.run([MOBSIM, "run", str(scenario), "-o", str(out), "-q", "--no-summary"], check=True)
    return out


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ten_year")
    return run(folder, "first", 1), run(folder, "second", 2)


def test_figures_are_those_of_the_file(files):
    first, _ = files
    r = open_run(str(first))
    s = r.series.sel(city="Milan")
    m = ten_year_table.measures(r, "Milan")
    assert m["population_end"] == pytest.approx(float(s.population.isel(time=-1).mean("replicate")))
    growth = (s.population.isel(time=-1) / s.population.isel(time=0)) ** (1 / 2.0) - 1
    assert m["growth_per_year"] == pytest.approx(float(growth.mean("replicate")))
    assert m["homeless_end"] == pytest.approx(float(s.homeless.isel(time=-1).mean("replicate")))
    # Dakar's natives leave for the rest of the world (Milan's rate is 0:
    # its emigration is all to simulated cities).
    d = r.series.sel(city="Dakar")
    dakar = ten_year_table.measures(r, "Dakar")
    per_1000 = d.emigration_to_rest_of_world.sum("time") / 2.0 / d.population.mean("time") * 1000
    assert dakar["emigration_to_rest_of_world_per_1000"] == pytest.approx(float(per_1000.mean("replicate")))
    assert dakar["emigration_abroad_per_1000"] >= dakar["emigration_to_rest_of_world_per_1000"] > 0
    assert all(v is None or math.isfinite(v) for v in m.values())


def test_table_pairs_before_and_after_and_cites_every_observed_figure(files):
    first, second = files
    out = subprocess.run([sys.executable, SCRIPT, str(second), "--before", str(first), "--markdown"],
                         capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()
    rows = {line.split(" | ")[0].lstrip("| "): line for line in lines if line.startswith("| ") and "⟹" in line and not line.startswith("| city ")}
    # One cell per column: a pair never splits a cell.
    header = next(line for line in lines if line.startswith("| city "))
    assert all(row.count(" | ") == header.count(" | ") for row in rows.values())
    assert set(rows) == {"Freetown", "Dakar", "Milan", "Paris"}
    before, after = open_run(str(first)), open_run(str(second))
    g0 = ten_year_table.measures(before, "Paris")["growth_per_year"]
    g1 = ten_year_table.measures(after, "Paris")["growth_per_year"]
    assert f"{100 * g0:+.2f}% ⟹ {100 * g1:+.2f}%" in rows["Paris"]
    # Paris's observed growth is in targets.toml: shown with a source number
    # that the list under the table resolves.
    sources = [line for line in lines if line.startswith("[")]
    cited = {int(tok.split("]")[0]) for row in rows.values() for tok in row.split("[")[1:]}
    assert cited and cited == set(range(1, len(sources) + 1))
    assert any("growth" in s.lower() or "population" in s.lower() for s in sources)


def test_an_unreadable_file_is_refused_with_exit_code_2(tmp_path):
    bad = tmp_path / "not_a_run.h5"
    bad.write_text("not hdf5")
    result = subprocess.run([sys.executable, SCRIPT, str(bad)], capture_output=True, text=True)
    assert result.returncode == 2 and "ten_year_table:" in result.stderr and result.stdout == ""
