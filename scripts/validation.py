#!/usr/bin/python3
"""The plausibility suite: run the baseline and read it against the
published figures in scenarios/data/targets.toml (docs/VALIDATION.md).

Usage:
  scripts/validation.py [--mobsim build/mobsim] [--write | --check]
  scripts/validation.py --from OUT.h5      (evaluate an existing run)

Without --from it runs scenarios/baseline.toml at the suite's settings
(RUN_SETTINGS below: 1 agent per 50 residents, 4 replicates, the whole
2025-2035 horizon) into a temporary file, and (without --calibrated-from)
scenarios/calibrated/baseline.toml, the baseline with the parameters of
history matching, at the same settings for the held-out targets. Prints one line per target.
--write rewrites docs/VALIDATION.md; --check fails when it differs from what
this run gives. Exit code 0 when every enforced target is within its
band (and the doc is current with --check), 1 otherwise, 2 on bad usage
or a malformed target file.
"""
import argparse
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from mobsim import open_run  # noqa: E402
from mobsim import plausibility  # noqa: E402

TARGETS = os.path.join(ROOT, "scenarios", "data", "targets.toml")
DOC = os.path.join(ROOT, "docs", "VALIDATION.md")
SCENARIO = os.path.join(ROOT, "scenarios", "baseline.toml")
# The baseline with the parameters of history matching (mobsim calibrate,
# docs/CALIBRATION.md), read against the held-out targets.
CALIBRATED = os.path.join(ROOT, "scenarios", "calibrated", "baseline.toml")
# Coarse enough for well under a minute on two cores, fine enough that the
# smallest city (Entebbe) has over a thousand agents; four replicates, so
# that the standard error that widens each tolerance rests on three degrees
# of freedom rather than one.
RUN_SETTINGS = {"people_per_agent": 50, "replicates": 4}


def run_baseline(mobsim, output, threads=None, scenario=SCENARIO):
    command = [mobsim, "run", scenario, "-o", output, "--overwrite", "--no-summary",
               "--replicates", str(RUN_SETTINGS["replicates"]),
               "--set", f"run.people_per_agent={RUN_SETTINGS['people_per_agent']}"]
    if threads:
        command += ["--threads", str(threads)]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


def describe(run, scenario="scenarios/baseline.toml"):
    return (f"`{scenario}`, seed {run.seed}, {run.people_per_agent} residents per agent, "
            f"{len(run.replicate_seeds)} replicates, {run.start} for {run.series.sizes['time'] - 1} months "
            f"(simulated values are means over replicates).")


def document(baseline, calibrated, targets):
    """docs/VALIDATION.md: the baseline against every target, then the
    held-out targets before and after calibration."""
    results = plausibility.evaluate(baseline, targets)
    after = plausibility.evaluate(calibrated, targets)
    return (plausibility.markdown(results, describe(baseline)) + "\n"
            + plausibility.held_out_markdown(results, after, describe(calibrated, "scenarios/calibrated/baseline.toml")))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mobsim", default=os.path.join(ROOT, "build", "mobsim"))
    parser.add_argument("--from", dest="existing", help="evaluate this output file of the baseline instead of running")
    parser.add_argument("--calibrated-from", dest="calibrated",
                        help="and this output file of the calibrated baseline (scenarios/calibrated/baseline.toml)")
    parser.add_argument("--targets", default=TARGETS)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", action="store_true", help="rewrite docs/VALIDATION.md")
    group.add_argument("--check", action="store_true", help="fail when docs/VALIDATION.md is stale")
    args = parser.parse_args(argv)
    try:
        targets = plausibility.load_targets(args.targets)
    except plausibility.TargetError as e:
        print(e, file=sys.stderr)
        return 2
    except OSError as e:
        print(f"validation.py: {e}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        path, calibrated_path = args.existing, args.calibrated
        if path is None:
            path = os.path.join(tmp, "baseline.h5")
            run_baseline(args.mobsim, path)
        if calibrated_path is None:
            calibrated_path = os.path.join(tmp, "calibrated.h5")
            run_baseline(args.mobsim, calibrated_path, scenario=CALIBRATED)
        text = document(open_run(path), open_run(calibrated_path), targets)
        results = plausibility.evaluate(open_run(path), targets)
    print(plausibility.summary_table(results))
    status = 0
    failing = [r for r in results if not r.within and not r.target.known_gap]
    if failing:
        print(f"{len(failing)} target(s) outside their band", file=sys.stderr)
        status = 1
    if args.write:
        with open(DOC, "w") as f:
            f.write(text)
    elif args.check:
        current = open(DOC).read() if os.path.exists(DOC) else ""
        if current != text:
            print("docs/VALIDATION.md is stale: regenerate with scripts/validation.py --write", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
