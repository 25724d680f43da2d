"""The golden outputs: the CI scenarios give exactly their stored reference
at one and two threads, and a change is reported by dataset, size and place."""
import os
import subprocess
import sys

import numpy as np
import pytest

SOURCE = os.environ.get("MOBSIM_SOURCE_DIR", ".")
sys.path.insert(0, os.path.join(SOURCE, "scripts"))
import golden  # noqa: E402

MOBSIM = os.environ.get("MOBSIM", "build/mobsim")


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("name", golden.CASES)
def test_ci_scenarios_reproduce_their_golden_output(tmp_path, name, threads):
    output = str(tmp_path / (name + ".h5"))
    golden.run_case(MOBSIM, name, output, threads)
    lines = golden.compare(golden.load_reference(golden.reference_path(name)), golden.read_datasets(output))
    assert not lines, (f"{name} at {threads} threads differs from scenarios/ci/golden/{name}.json.gz "
                       "(regenerate with `scripts/golden.py update` only if the change is intended):\n"
                       + "\n".join(lines))


def test_a_changed_value_is_named_with_its_series_place_and_size():
    reference = golden.load_reference(golden.reference_path("four_cities"))
    changed = {k: v.copy() for k, v in reference.items()}
    milan = list(reference["city"]).index("Milan")
    before = changed["series/population"][1, 12, milan]
    changed["series/population"][1, 12, milan] = before + 2000
    lines = golden.compare(reference, changed)
    assert len(lines) == 1, lines
    line = lines[0]
    assert line.startswith("series/population: 1 of ")
    assert "largest |change| 2000" in line
    assert "[1, 12, Milan]" in line
    assert f"{before:.6g} -> {before + 2000:.6g}" in line


def test_missing_new_and_retyped_datasets_are_reported():
    reference = golden.load_reference(golden.reference_path("four_cities"))
    changed = dict(reference)
    del changed["series/births"]
    changed["series/new_series"] = np.zeros(3)
    changed["series/deaths"] = reference["series/deaths"].astype(np.float32)
    lines = golden.compare(reference, changed)
    assert "series/births: missing from the new output" in lines
    assert "series/new_series: new dataset, not in the reference" in lines
    assert any(line.startswith("series/deaths: dtype") for line in lines), lines


def test_the_reference_round_trips_bit_for_bit(tmp_path):
    values = {"a": np.array([0.1, 1e-300, -0.0, np.nan]), "b": np.arange(6, dtype=np.int64).reshape(2, 3),
              "c": np.array(["Zürich", "Milan"], dtype=object), "d": np.array([2**63 + 5], dtype=np.uint64)}
    path = str(tmp_path / "ref.json.gz")
    golden.write_reference(path, values)
    back = golden.load_reference(path)
    assert not golden.compare(values, back)
    first = open(path, "rb").read()
    golden.write_reference(path, values)
    assert open(path, "rb").read() == first  # no time stamp: regeneration is reproducible


def test_check_fails_with_the_changes_listed(tmp_path):
    # A reference of one case against the other case's output: check must fail and name datasets.
    result = subprocess.run([sys.executable, os.path.join(SOURCE, "scripts", "golden.py"), "diff",
                             golden.reference_path("four_cities"), str(_run(tmp_path, "every_policy"))],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "city: shape" in result.stdout
    assert "series/population: shape" in result.stdout


def _run(tmp_path, name):
    output = tmp_path / (name + ".h5")
    golden.run_case(MOBSIM, name, str(output))
    return output
