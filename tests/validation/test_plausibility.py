"""The plausibility suite: the baseline read against published figures
(scenarios/data/targets.toml). Every enforced target must be within its
band, and docs/VALIDATION.md must show what this build gives."""
import os
import subprocess
import sys

import pytest

SOURCE = os.environ.get("MOBSIM_SOURCE_DIR", ".")
sys.path.insert(0, os.path.join(SOURCE, "scripts"))
import validation  # noqa: E402
from mobsim import open_run, plausibility  # noqa: E402

MOBSIM = os.environ.get("MOBSIM", "build/mobsim")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("validation")
    base, calibrated = str(folder / "baseline.h5"), str(folder / "calibrated.h5")
    validation.run_baseline(MOBSIM, base)
    validation.run_baseline(MOBSIM, calibrated, scenario=validation.CALIBRATED)
    return base, calibrated


@pytest.fixture(scope="module")
def baseline(runs):
    return runs[0]


def test_every_enforced_target_is_within_its_band_and_the_doc_is_current(runs):
    done = subprocess.run([sys.executable, os.path.join(SOURCE, "scripts", "validation.py"), "--from", runs[0],
                           "--calibrated-from", runs[1], "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_doc_is_generated_from_a_fresh_run_not_an_old_file(runs):
    # --check on the suite's own runs (above) and on fresh ones must agree:
    # the runs are deterministic, so the doc says what any build of this tree gives.
    text = validation.document(open_run(runs[0]), open_run(runs[1]), plausibility.load_targets(validation.TARGETS))
    assert open(validation.DOC).read() == text


def test_calibration_brings_the_held_out_targets_no_further_from_the_world(runs):
    # The calibrated baseline was fitted to the other three quarters of the
    # targets; on those held out its averaged relative difference must not
    # be worse than the baseline's by more than a tenth (ARD: Suleimenova,
    # Bell & Groen 2017).
    targets = plausibility.load_targets(validation.TARGETS)
    held = [t for t in targets if t.role == "validation" and not t.known_gap]
    before = plausibility.ard(plausibility.evaluate(open_run(runs[0]), held))
    after = plausibility.ard(plausibility.evaluate(open_run(runs[1]), held))
    assert after <= 1.1 * before, (before, after)


def test_a_figure_the_model_misses_fails_the_suite(baseline, tmp_path):
    observed = tmp_path / "targets.toml"
    observed.write_text('[[target]]\nquantity = "growth_per_year"\ncity = "Milan"\nvalue = 0.05\nuncertainty = 0.001\n'
                        'discrepancy = 0.001\nsource = "a test: Milan growing 5% a year"\n')
    done = subprocess.run([sys.executable, os.path.join(SOURCE, "scripts", "validation.py"), "--from", baseline,
                           "--calibrated-from", baseline, "--targets", str(observed)], capture_output=True, text=True)
    assert done.returncode == 1
    assert "BAD Milan" in done.stdout and "1 target(s) outside their band" in done.stderr


def test_a_malformed_target_is_refused_with_its_place_and_key(tmp_path):
    observed = tmp_path / "targets.toml"
    observed.write_text('[[target]]\nquantity = "growth_per_yer"\ncity = "Milan"\nvalue = 0.01\nuncertainty = 0.001\n'
                        'discrepancy = 0.001\nsource = "x"\n')
    done = subprocess.run([sys.executable, os.path.join(SOURCE, "scripts", "validation.py"), "--from", "unused.h5",
                           "--targets", str(observed)], capture_output=True, text=True)
    assert done.returncode == 2
    assert f"{observed}:2:1: error: target[0].quantity: unknown quantity 'growth_per_yer'" in done.stderr


def test_every_observed_figure_has_a_source_and_a_role():
    for check in plausibility.load_targets(validation.TARGETS):
        assert check.source.strip(), check.where
        assert check.role in ("calibration", "validation"), check.where


def test_the_band_is_widened_by_the_runs_noise_and_by_nothing_else():
    # uncertainty 0.03, discrepancy 0.04: one sd 0.05, the band 3 sd = 0.15.
    target = plausibility.Target(quantity="growth_per_year", city="Milan", value=1.0, uncertainty=0.03,
                                 discrepancy=0.04, source="a test")
    assert abs(target.band - 0.15) < 1e-12
    # 0.25 off: outside 0.15 alone, inside 0.15 + 2 x 0.05, outside 0.15 + 2 x 0.04.
    assert not plausibility.Result(target, 1.25).within
    assert plausibility.Result(target, 1.25, standard_error=0.05).within
    assert not plausibility.Result(target, 1.25, standard_error=0.04).within
    # The standard error of the mean of four replicates: sample sd / 2.
    se = plausibility.standard_error([1.0, 2.0, 3.0, 4.0])
    assert abs(se - 1.2909944487358056 / 2) < 1e-12
    # One replicate, or one that is not finite: no widening.
    assert plausibility.standard_error([3.0]) == 0.0
    assert plausibility.standard_error([1.0, float("-inf")]) == 0.0
