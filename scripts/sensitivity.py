#!/usr/bin/python3
"""mobsim sensitivity: which behavioural parameters move the observed targets
and the headline series, and by how much (docs/CALIBRATION.md).

Usage (through the mobsim program, which passes --mobsim itself):
  build/mobsim sensitivity SCENARIO --targets scenarios/data/targets.toml [--out DIR] [options]

1. Morris screening over every behavioural parameter of the scenario's
   models that declares a plausible range (`mobsim parameters SCENARIO
   --plausible`): `--trajectories` trajectories of k + 1 runs each.
2. Sobol first-order and total indices, with bootstrap intervals, for the
   `--sobol-parameters` parameters that matter most in the screening (the
   others stay at the scenario's values): n (k' + 2) runs, n =
   `--sobol-base`.

Every run uses the scenario's seed (common random numbers), at
`--people-per-agent` and `--replicates`, `--jobs` side by side with one
thread each. Writes DIR/morris.csv, DIR/sobol.csv, DIR/sensitivity.html and
the runs' reduced outputs (DIR/morris, DIR/sobol: rerunning the same command
reuses them, so an interrupted analysis resumes). Exit code 0 on success, 2
on bad input (scenario, targets, options) with nothing run.
"""
import argparse
import csv
import os
import sys
import time
import warnings

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from mobsim import sensitivity as gsa  # noqa: E402
from mobsim.campaign import add_campaign_options, open_campaign, output_matrix, output_names  # noqa: E402
from mobsim.sensitivity_report import write_html  # noqa: E402


def parse(argv):
    p = argparse.ArgumentParser(prog="mobsim sensitivity", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    add_campaign_options(p, ROOT, "sensitivity")
    p.add_argument("--trajectories", type=int, default=6, help="Morris trajectories (default 6)")
    p.add_argument("--levels", type=int, default=4, help="Morris grid levels, even (default 4)")
    p.add_argument("--sobol-parameters", type=int, default=5,
                   help="parameters carried from the screening into the Sobol stage (default 5; 0: no Sobol stage)")
    p.add_argument("--sobol-base", type=int, default=32, help="Sobol base sample n, a power of 2 (default 32)")
    p.add_argument("--bootstrap", type=int, default=1000, help="bootstrap resamples of the Sobol indices")
    args = p.parse_args(argv)
    problems = []
    for name in ("people_per_agent", "replicates", "trajectories", "sobol_base", "bootstrap", "jobs"):
        if getattr(args, name) < 1:
            problems.append(f"--{name.replace('_', '-')} must be at least 1")
    if args.replicates < 2:
        problems.append("--replicates must be at least 2 (the replicate noise is part of the analysis)")
    if args.levels < 2 or args.levels % 2:
        problems.append("--levels must be even and at least 2")
    if args.sobol_base & (args.sobol_base - 1):
        problems.append("--sobol-base must be a power of 2 (the Sobol sequence's balance)")
    if args.sobol_parameters < 0:
        problems.append("--sobol-parameters must be 0 or more")
    if problems:
        p.error("; ".join(problems))
    return args


def select(names, mu_star, spread, count):
    """The `count` parameters with the largest mean normalised mu* (mu* over
    the output's spread across the screening runs) over the outputs that
    vary, keeping only those above a tenth of the largest."""
    normalised = mu_star / spread[None, :]
    varying = np.isfinite(normalised).all(axis=0)
    score = normalised[:, varying].mean(axis=1) if varying.any() else np.zeros(len(names))
    order = [i for i in np.argsort(-score, kind="stable") if score[i] >= 0.1 * score.max() and score[i] > 0]
    return order[:count], score


def main(argv=None):
    args = parse(argv)
    started = time.monotonic()
    say = (lambda *a: None) if args.quiet else (lambda *a: print(*a, flush=True))
    opened = open_campaign(args, "sensitivity", lambda available: available,
                           lambda parameters: {"trajectories": args.trajectories, "levels": args.levels,
                                               "sobol_parameters": args.sobol_parameters, "sobol_base": args.sobol_base,
                                               "seed": args.seed, "parameters": [p.key for p in parameters]})
    if opened is None:
        return 2
    campaign, parameters, left_out = opened
    folder = campaign.folder

    k = len(parameters)
    low = np.array([p.low for p in parameters])
    high = np.array([p.high for p in parameters])
    base = {p.key: p.value for p in parameters}
    progress = None if args.quiet else report_progress

    if left_out:
        say(f"  {len(left_out)} targets of cities this scenario does not simulate left out")
    say(f"mobsim sensitivity: {args.scenario}, {k} parameters with a plausible range, {len(campaign.targets)} targets; "
        f"1:{args.people_per_agent}, {args.replicates} replicates per point, {args.jobs} runs side by side")
    unit = gsa.morris_design(k, args.trajectories, args.levels, seed=args.seed)
    points = gsa.scale(unit, low, high)
    say(f"Morris screening: {args.trajectories} trajectories x {k + 1} = {len(points)} runs")
    morris_results = campaign.run_stage("morris", [dict(zip(base, row)) for row in points], progress)
    names = output_names(morris_results, campaign.targets)
    y, variance = output_matrix(morris_results, names)
    mu, mu_star, sigma = gsa.morris_indices(unit, y, k)
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)   # outputs defined at one point or none
        spread = np.nanstd(y, axis=0, ddof=1)
        noise = np.nanmean(variance, axis=0) / args.replicates   # variance of a point's mean from the replicates
    spread[spread == 0] = np.nan
    noise_share = noise / spread ** 2
    chosen, score = select([p.key for p in parameters], mu_star, spread, args.sobol_parameters)
    say(f"  {time.monotonic() - started:.0f} s; most influential: "
        + ", ".join(f"{parameters[i].key} ({score[i]:.2f})" for i in chosen))

    sobol = None
    if chosen:
        kk = len(chosen)
        unit_s = gsa.saltelli_design(kk, args.sobol_base, seed=args.seed)
        scaled = gsa.scale(unit_s, low[chosen], high[chosen])
        sobol_points = [{**base, **{parameters[i].key: v for i, v in zip(chosen, row)}} for row in scaled]
        say(f"Sobol indices of {kk} parameters: {args.sobol_base} x ({kk} + 2) = {len(sobol_points)} runs")
        sobol_results = campaign.run_stage("sobol", sobol_points, progress)
        ys, _ = output_matrix(sobol_results, names)
        sobol = gsa.sobol_indices(ys, kk, bootstrap=args.bootstrap, seed=args.seed)

    write_tables(folder, parameters, names, mu, mu_star, sigma, spread, noise_share, chosen, sobol)
    wall = time.monotonic() - started
    summary = {"scenario": args.scenario, "people_per_agent": args.people_per_agent, "replicates": args.replicates,
               "jobs": args.jobs, "runs": {s: len(morris_results) if s == "morris" else len(sobol_points)
                                           for s in campaign.wall_seconds},
               "new_runs": campaign.new_runs, "stage_seconds": campaign.wall_seconds, "wall_seconds": wall}
    write_html(os.path.join(folder, "sensitivity.html"), summary, parameters, names, campaign.targets, mu_star, sigma,
               spread, noise_share, score, chosen, sobol)
    total_runs = sum(summary["runs"].values())
    say(f"done in {wall:.0f} s: {total_runs} runs ({sum(campaign.new_runs.values())} new) at 1:{args.people_per_agent}; "
        f"{os.path.join(folder, 'sensitivity.html')}, morris.csv, sobol.csv")
    return 0


def report_progress(stage, done, total):
    """A line rewritten in place on a terminal; every tenth of the runs in a log."""
    if sys.stdout.isatty():
        print(f"\r  {stage}: {done}/{total} runs", end="\n" if done == total else "", flush=True)
    elif done == total or done * 10 // total != (done - 1) * 10 // total:
        print(f"  {stage}: {done}/{total} runs", flush=True)


def write_tables(folder, parameters, names, mu, mu_star, sigma, spread, noise_share, chosen, sobol):
    with open(os.path.join(folder, "morris.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["output", "parameter", "low", "high", "mu", "mu_star", "sigma", "mu_star_over_spread",
                    "output_spread", "replicate_noise_share"])
        for j, out in enumerate(names):
            for i, p in enumerate(parameters):
                w.writerow([out, p.key, p.low, p.high, _g(mu[i, j]), _g(mu_star[i, j]), _g(sigma[i, j]),
                            _g(mu_star[i, j] / spread[j]), _g(spread[j]), _g(noise_share[j])])
    with open(os.path.join(folder, "sobol.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["output", "parameter", "S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high"])
        if sobol is not None:
            for j, out in enumerate(names):
                for a, i in enumerate(chosen):
                    w.writerow([out, parameters[i].key] + [_g(sobol[key][a, j]) for key in
                                                           ("S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high")])


def _g(x):
    return "" if not np.isfinite(x) else f"{x:.6g}"


if __name__ == "__main__":
    sys.exit(main())
