"""mobsim sensitivity end to end on a small scenario: the tables it writes,
their determinism whatever the number of runs side by side, resumption
after an interruption, and refusals of bad input with nothing run."""
import csv
import os
import shutil
import subprocess

import pytest

SOURCE = os.environ.get("MOBSIM_SOURCE_DIR", ".")
MOBSIM = os.environ.get("MOBSIM", "build/mobsim")
SCENARIO = os.path.join(SOURCE, "scenarios", "ci", "four_cities.toml")
TARGETS = os.path.join(SOURCE, "scenarios", "data", "targets.toml")
# Small and short: 21 parameters, 2 trajectories (44 runs), then 2 parameters
# with a base sample of 4 (16 runs), at 1:400 over 12 months.
SMALL = ["--people-per-agent", "400", "--months", "12", "--trajectories", "2", "--sobol-parameters", "2",
         "--sobol-base", "4", "--bootstrap", "50"]


def sensitivity(*args, jobs=2):
    return subprocess.run([MOBSIM, "sensitivity", *args, "--jobs", str(jobs)], capture_output=True, text=True)


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def analysis(tmp_path_factory):
    out = tmp_path_factory.mktemp("sensitivity") / "four"
    done = sensitivity(SCENARIO, "--targets", TARGETS, "--out", str(out), *SMALL)
    assert done.returncode == 0, done.stdout + done.stderr
    return out, done.stdout


def test_the_screening_covers_every_parameter_with_a_plausible_range_and_every_output(analysis):
    out, stdout = analysis
    listed = subprocess.run([MOBSIM, "parameters", SCENARIO, "--plausible", "--format", "tsv"],
                            capture_output=True, text=True, check=True).stdout.splitlines()[1:]
    keys = {line.split("\t")[0] for line in listed}
    assert len(keys) >= 15
    morris = rows(out / "morris.csv")
    assert {r["parameter"] for r in morris} == keys
    outputs = {r["output"] for r in morris}
    assert "population@all cities" in outputs and "growth_per_year@Milan" in outputs
    assert "Morris screening: 2 trajectories x 22 = 44 runs" in stdout
    assert "Sobol indices of 2 parameters: 4 x (2 + 2) = 16 runs" in stdout
    html = (out / "sensitivity.html").read_text()
    assert "<svg" in html and "Screening table" in html and "Sobol indices" in html


def test_remittances_rise_with_the_share_of_income_sent(analysis):
    # A monotone response the model must show: more of each wage sent, more
    # remittances; with common random numbers every elementary effect is
    # positive, so mu equals mu*, and no other parameter moves them as much.
    out, _ = analysis
    effects = {r["parameter"]: r for r in rows(out / "morris.csv") if r["output"] == "remittances_sent@all cities"}
    share = effects["remittances.share_of_income"]
    assert float(share["mu"]) > 0 and float(share["mu"]) == pytest.approx(float(share["mu_star"]))
    assert max(effects.values(), key=lambda r: float(r["mu_star"]))["parameter"] == "remittances.share_of_income"


def test_the_sobol_table_has_every_output_for_each_parameter_carried_over(analysis):
    # The estimators' accuracy is tested on functions with analytic indices
    # (tests/scripts/test_sensitivity_estimators.py); at this tiny base
    # sample (n = 4) only the table's shape and Jansen's ST >= 0 (a mean of
    # squares) are meaningful.
    out, _ = analysis
    sobol = rows(out / "sobol.csv")
    morris_outputs = {r["output"] for r in rows(out / "morris.csv")}
    carried = {r["parameter"] for r in sobol}
    assert len(carried) == 2
    assert {r["output"] for r in sobol} == morris_outputs
    for r in sobol:
        if r["ST"]:
            assert float(r["ST"]) >= 0, r
        if r["ST_low"] and r["ST_high"]:
            assert float(r["ST_low"]) <= float(r["ST_high"]), r


def test_the_tables_do_not_depend_on_how_many_runs_go_side_by_side(analysis, tmp_path):
    out, _ = analysis
    other = tmp_path / "one_job"
    done = sensitivity(SCENARIO, "--targets", TARGETS, "--out", str(other), *SMALL, jobs=1)
    assert done.returncode == 0, done.stderr
    for name in ("morris.csv", "sobol.csv"):
        assert (other / name).read_bytes() == (out / name).read_bytes(), name


def test_an_interrupted_analysis_resumes_without_redoing_finished_runs(analysis, tmp_path):
    out, _ = analysis
    resumed = tmp_path / "resumed"
    shutil.copytree(out, resumed)
    for stage, i in (("morris", 3), ("morris", 40), ("sobol", 7)):
        os.remove(resumed / stage / f"point-{i:04d}.json")
    os.remove(resumed / "morris.csv")
    done = sensitivity(SCENARIO, "--targets", TARGETS, "--out", str(resumed), *SMALL)
    assert done.returncode == 0, done.stderr
    assert "60 runs (3 new)" in done.stdout
    for name in ("morris.csv", "sobol.csv"):
        assert (resumed / name).read_bytes() == (out / name).read_bytes(), name


def test_a_folder_holding_another_analysis_is_refused(analysis):
    out, _ = analysis
    done = sensitivity(SCENARIO, "--targets", TARGETS, "--out", str(out), *SMALL[:-2], "--bootstrap", "50",
                       "--seed", "2")
    assert done.returncode == 2
    assert "holds another campaign (it differs in seed)" in done.stderr


def write(tmp_path, text):
    path = tmp_path / "targets.toml"
    path.write_text(text)
    return path


GOOD = ('[[target]]\nquantity = "growth_per_year"\ncity = "Milan"\nvalue = 0.006\nuncertainty = 0.001\n'
        'discrepancy = 0.002\nsource = "a test"\n')


@pytest.mark.parametrize("text, message", [
    (GOOD.replace("growth_per_year", "growth_per_yer"),
     ":2:1: error: target[0].quantity: unknown quantity 'growth_per_yer' (did you mean 'growth_per_year'?)"),
    (GOOD.replace('"Milan"', '"Milano"'), ":3:1: error: target[0].city: unknown city 'Milano' (did you mean 'Milan'?)"),
    (GOOD.replace("uncertainty = 0.001", "uncertainty = -0.001"),
     ":5:1: error: target[0].uncertainty: must be >= 0 (a standard deviation)"),
    (GOOD.replace("value = 0.006\n", ""), ":1:1: error: target[0]: missing value"),
    (GOOD.replace('source = "a test"', 'source = "a test"\nrole = "fit"'),
     ":8:1: error: target[0].role: 'fit' is neither 'calibration' nor 'validation'"),
    (GOOD + "\n" + GOOD, ":11:1: error: target[1].city: a second target for growth_per_year in Milan"),
    (GOOD.replace("value = 0.006", "value = 0.006 0.1"), ":4:15: error:"),
    (GOOD.replace("discrepancy", "discrepency"), ":6:1: error: target[0].discrepency: unknown key"),
])
def test_a_bad_target_file_is_refused_with_file_line_column_and_nothing_is_run(tmp_path, text, message):
    path = write(tmp_path, text)
    out = tmp_path / "never"
    done = sensitivity(SCENARIO, "--targets", str(path), "--out", str(out), *SMALL)
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"{path}{message}" in done.stderr, done.stderr
    assert "nothing was run" in done.stderr
    assert not out.exists()


def test_a_bad_scenario_is_refused_with_mobsims_message(tmp_path):
    done = sensitivity(SCENARIO, "--targets", TARGETS, "--out", str(tmp_path / "never"), "--set",
                       "migration.move_constant=3", *SMALL)
    assert done.returncode == 2
    assert "migration.move_constant" in done.stderr and not (tmp_path / "never").exists()


def test_bad_options_are_refused_before_anything_runs(tmp_path):
    done = sensitivity(SCENARIO, "--targets", TARGETS, "--out", str(tmp_path / "never"), "--sobol-base", "6")
    assert done.returncode == 2 and "--sobol-base must be a power of 2" in done.stderr
    done = sensitivity(SCENARIO, "--targets", TARGETS, "--replicates", "1")
    assert done.returncode == 2 and "--replicates must be at least 2" in done.stderr


def test_help_is_the_drivers_own():
    done = subprocess.run([MOBSIM, "sensitivity", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "--trajectories" in done.stdout and "Morris screening" in done.stdout
