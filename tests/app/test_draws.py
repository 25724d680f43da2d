"""mobsim run --draws: a scenario over calibrated parameter draws in one
output, each draw's replicates identical to a plain run at its values, and
a bad draws file refused with file:line:column and nothing written."""
import os
import subprocess

import h5py
import numpy as np
import pytest

SOURCE = os.environ.get("MOBSIM_SOURCE_DIR", ".")
MOBSIM = os.environ.get("MOBSIM", "build/mobsim")
SCENARIO = os.path.join(SOURCE, "scenarios", "ci", "four_cities.toml")
DRAWS = "remittances.share_of_income,migration.return_hazard_per_year\n0.1,0.08\n0.2,0.2\n0.15,0.12\n"


def run(*args):
    return subprocess.run([MOBSIM, "run", SCENARIO, "-q", "--no-summary", *args], capture_output=True, text=True)


@pytest.fixture(scope="module")
def over_draws(tmp_path_factory):
    folder = tmp_path_factory.mktemp("draws")
    (folder / "draws.csv").write_text(DRAWS)
    out = folder / "draws.h5"
    done = run("--draws", str(folder / "draws.csv"), "--replicates", "2", "-o", str(out))
    assert done.returncode == 0, done.stderr
    return folder, out


def test_each_draws_replicates_equal_a_plain_run_at_its_values(over_draws, tmp_path):
    folder, out = over_draws
    with h5py.File(out) as f:
        assert list(f["draw"][:]) == [0, 0, 1, 1, 2, 2]
        assert list(f["draws/remittances.share_of_income"][:]) == [0.1, 0.2, 0.15]
        assert f["series/population"].shape[0] == 6
        drawn = {name: f["series/" + name][:] for name in f["series"] if name != "replicate" and
                 f["series/" + name].ndim == 3}
        seeds = f["replicate_seed"][:]
    # Draw 1 ran replicates 2 and 3 with the seeds of indices 2 and 3: a plain
    # run of six replicates at draw 1's values gives the same two.
    plain = tmp_path / "plain.h5"
    done = run("--set", "remittances.share_of_income=0.2", "--set", "migration.return_hazard_per_year=0.2",
               "--replicates", "6", "-o", str(plain))
    assert done.returncode == 0, done.stderr
    with h5py.File(plain) as f:
        assert np.array_equal(f["replicate_seed"][:], seeds)
        for name, values in drawn.items():
            assert np.array_equal(f["series/" + name][2:4], values[2:4]), name
    # Draws differ: the share of income sent moves remittances.
    sent = drawn["remittances_sent"].sum(axis=(1, 2))
    assert sent[2] > sent[4] > sent[0]


def test_the_output_does_not_depend_on_the_thread_count(over_draws, tmp_path):
    folder, out = over_draws
    again = tmp_path / "one_thread.h5"
    done = run("--draws", str(folder / "draws.csv"), "--replicates", "2", "--threads", "1", "-o", str(again))
    assert done.returncode == 0, done.stderr
    with h5py.File(out) as a, h5py.File(again) as b:
        for name in a["series"]:
            assert np.array_equal(a["series/" + name][:], b["series/" + name][:]), name


@pytest.mark.parametrize("text, message", [
    ("remittances.share_of_incme,migration.return_hazard_per_year\n0.1,0.08\n",
     ":1:1: error: remittances.share_of_incme: unknown parameter; did you mean 'remittances.share_of_income'?"),
    ("remittances.share_of_income,migration.return_hazard_per_year\n0.1,abc\n",
     ":2:5: error: migration.return_hazard_per_year: 'abc' is not a number"),
    ("remittances.share_of_income\n1.5\n", ":2:1: error: remittances.share_of_income: 1.5 is outside the valid range [0, 1]"),
    ("remittances.share_of_income,migration.return_hazard_per_year\n0.1\n",
     ":2:1: error: a draw of 1 values for 2 parameters"),
    ("remittances.share_of_income\n", ":1:1: error: no draws below the header"),
    ("models.labour\nmatching\n", ":1:1: error: models.labour: not a real parameter"),
])
def test_a_bad_draws_file_is_refused_with_its_place_and_nothing_is_written(tmp_path, text, message):
    path = tmp_path / "draws.csv"
    path.write_text(text)
    out = tmp_path / "never.h5"
    done = run("--draws", str(path), "-o", str(out))
    assert done.returncode == 2, done.stderr
    assert f"{path}{message}" in done.stderr, done.stderr
    assert not out.exists()


def test_draws_do_not_combine_with_checkpoints_or_sweeps(tmp_path):
    path = tmp_path / "draws.csv"
    path.write_text(DRAWS)
    done = run("--draws", str(path), "--checkpoint-dir", str(tmp_path / "cp"), "-o", str(tmp_path / "x.h5"))
    assert done.returncode == 2 and "--draws runs a scenario over calibrated draws" in done.stderr


def test_compare_splits_each_interval_as_the_python_effects_do(over_draws, tmp_path):
    # The share of a run's spread that the draws explain: `mobsim compare`
    # (C++) and scripts/mobsim/effects.py (the report) give the same number.
    import csv
    import io
    import sys
    sys.path.insert(0, os.path.join(SOURCE, "scripts"))
    from mobsim import effects, open_run
    _, out = over_draws
    done = subprocess.run([MOBSIM, "compare", str(out), str(out), "--format", "csv", "--indicator", "remittances_sent",
                           "--whole-run"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    rows = [r for r in csv.DictReader(io.StringIO(done.stdout)) if r["period"] == "2025-2026"]
    run = open_run(str(out))
    period = effects.whole_run(run)
    values = effects.indicator_values(run, "remittances_sent", period)
    python = effects.parameter_share(values, run.draw)
    checked = 0
    for r in rows[::2]:   # the first file's rows
        if r["city"] in run.city_names:
            c = run.city_names.index(r["city"])
            assert float(r["parameter_share"]) == pytest.approx(python[c], rel=1e-9, abs=1e-12), r["city"]
            checked += 1
    assert checked == 4
    text = subprocess.run([MOBSIM, "compare", str(out), str(out), "--indicator", "remittances_sent"],
                          capture_output=True, text=True).stdout
    assert "% parameters}" in text and "the rest from chance" in text
