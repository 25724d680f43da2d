#!/usr/bin/python3
"""mobsim calibrate: history matching of the behavioural parameters against
the observed targets, in waves with Gaussian-process emulators
(docs/CALIBRATION.md).

Usage (through the mobsim program, which passes --mobsim itself):
  build/mobsim calibrate SCENARIO --targets scenarios/data/targets.toml [--out DIR] [options]

Each wave runs a space-filling design inside what is still non-implausible
(wave 1: a Latin hypercube over the plausible ranges), fits one emulator per
calibration target, checks it by leave-one-out and rules out the parameter
values whose implausibility exceeds 3 (for more than one target). Waves
stop when the non-implausible region stops shrinking (by less than a tenth),
vanishes, or `--waves` are spent. Then `--draws` calibrated parameter sets,
spread over the region, are run as the calibrated ensemble, and the
held-out (validation) targets are read against it and against the
scenario's own values.

Writes DIR/calibrated.toml (base = SCENARIO plus the best values, with
provenance), DIR/draws.csv, DIR/region.csv, DIR/waves.csv,
DIR/emulators.csv, DIR/targets.csv and DIR/calibration.html; rerunning the
same command reuses the runs already done. Exit code 0 on success (also when
no parameter values remain: the page says which targets rule them out), 2
on bad input with nothing run.
"""
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")   # the same floating-point sums on every machine
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import csv  # noqa: E402
import math  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
from scipy.stats import qmc  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from mobsim import history_matching as hm  # noqa: E402
from mobsim import plausibility  # noqa: E402
from mobsim.calibration_report import write_html  # noqa: E402
from mobsim.campaign import CampaignError, add_campaign_options, open_campaign, output_matrix, value_text  # noqa: E402


def parse(argv):
    p = argparse.ArgumentParser(prog="mobsim calibrate", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    add_campaign_options(p, ROOT, "calibration")
    p.add_argument("--parameters", help="comma-separated keys to calibrate (default: every parameter with a "
                                        "plausible range of the scenario's models)")
    p.add_argument("--from-sensitivity", metavar="DIR",
                   help="calibrate the --top parameters of this sensitivity analysis's screening (its morris.csv)")
    p.add_argument("--top", type=int, default=6, help="with --from-sensitivity: how many (default 6)")
    p.add_argument("--waves", type=int, default=4, help="most waves (default 4)")
    p.add_argument("--runs", type=int, help="runs per wave (default: 10 per parameter, at least 20)")
    p.add_argument("--candidates", type=int, default=20000, help="points sampled to map the region (default 20000)")
    p.add_argument("--draws", type=int, default=20, help="calibrated draws run as the ensemble (default 20)")
    p.add_argument("--noise-points", type=int, default=5,
                   help="with one replicate per run: points of wave 1 run again with --noise-replicates to measure "
                        "the replicates' variance (default 5)")
    p.add_argument("--noise-replicates", type=int, default=4, help="replicates of those points (default 4)")
    p.set_defaults(replicates=1)
    args = p.parse_args(argv)
    problems = [f"--{n.replace('_', '-')} must be at least {m}" for n, m in
                (("people_per_agent", 1), ("replicates", 1), ("waves", 1), ("candidates", 100), ("draws", 1),
                 ("noise_points", 2), ("noise_replicates", 2),
                 ("jobs", 1), ("top", 1)) if getattr(args, n) < m]
    if args.runs is not None and args.runs < 5:
        problems.append("--runs must be at least 5")
    if args.parameters and args.from_sensitivity:
        problems.append("--parameters and --from-sensitivity choose the parameters two ways: give one")
    if problems:
        p.error("; ".join(problems))
    return args


def chosen_parameters(args, available):
    by_key = {p.key: p for p in available}
    if args.parameters:
        keys = [k.strip() for k in args.parameters.split(",") if k.strip()]
        unknown = [k for k in keys if k not in by_key]
        if unknown:
            raise CampaignError(f"--parameters: {', '.join(unknown)} has no plausible range in the models "
                                f"{args.scenario} selects (mobsim parameters {args.scenario} --plausible lists them)")
        return [by_key[k] for k in keys]
    if args.from_sensitivity:
        path = os.path.join(args.from_sensitivity, "morris.csv")
        try:
            with open(path, newline="") as f:
                rows = list(csv.DictReader(f))
        except OSError as e:
            raise CampaignError(f"--from-sensitivity: {e}")
        score = {}
        for r in rows:
            if r["mu_star_over_spread"]:
                score.setdefault(r["parameter"], []).append(float(r["mu_star_over_spread"]))
        ranked = sorted((k for k in score if k in by_key), key=lambda k: -np.mean(score[k]))
        return [by_key[k] for k in ranked[:args.top]]
    return list(available)


def main(argv=None):
    args = parse(argv)
    started = time.monotonic()
    say = (lambda *a: None) if args.quiet else (lambda *a: print(*a, flush=True))
    runs_for = lambda parameters: args.runs or max(20, 10 * len(parameters))  # noqa: E731
    opened = open_campaign(args, "calibration", lambda available: chosen_parameters(args, available),
                           lambda parameters: {"parameters": [p.key for p in parameters], "runs": runs_for(parameters),
                                               "waves": args.waves, "candidates": args.candidates,
                                               "draws": args.draws, "seed": args.seed,
                                               "noise": [args.noise_points, args.noise_replicates]})
    if opened is None:
        return 2
    campaign, parameters, left_out = opened
    k, runs, folder = len(parameters), runs_for(parameters), campaign.folder

    fitted = [t for t in campaign.targets if t.role == "calibration" and not t.known_gap]
    held_out = [t for t in campaign.targets if t.role == "validation"]
    low = np.array([p.low for p in parameters])
    high = np.array([p.high for p in parameters])
    to_point = lambda u: {p.key: float(v) for p, v in zip(parameters, low + u * (high - low))}  # noqa: E731
    progress = None if args.quiet else _progress
    say(f"mobsim calibrate: {args.scenario}, {k} parameters, {len(fitted)} calibration targets "
        f"({len(held_out)} held out{f', {len(left_out)} of cities not simulated left out' if left_out else ''}); "
        f"{runs} runs per wave at 1:{args.people_per_agent}, {args.replicates} replicates, {args.jobs} side by side")

    waves, wave_rows = [], []
    box_low, box_high = np.zeros(k), np.ones(k)
    volume_before = 1.0
    survivors = None
    stop_reason = f"the budget of {args.waves} waves is spent"
    for w in range(1, args.waves + 1):
        t0 = time.monotonic()
        if w == 1:
            design = qmc.LatinHypercube(d=k, seed=args.seed).random(runs)
        else:
            design = hm.space_filling_subset(survivors, runs, seed=args.seed + w)
        say(f"wave {w}: {len(design)} runs")
        results = campaign.run_stage(f"wave-{w}", [to_point(u) for u in design], progress)
        names = [t.name for t in fitted]
        means, variances = output_matrix(results, names)
        if args.replicates == 1:
            if w == 1:
                # One replicate a run: the replicates' variance comes from a
                # few of wave 1's points run again with several.
                noise_points = [to_point(u) for u in design[:args.noise_points]]
                say(f"replicate noise: {len(noise_points)} points of wave 1 with {args.noise_replicates} replicates")
                _, noise = output_matrix(campaign.run_stage("noise", noise_points, progress,
                                                            replicates=args.noise_replicates), names)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)   # an output undefined at every noise point
                    noise = np.nanmean(noise, axis=0)
            variances = np.broadcast_to(noise, means.shape)
        tasks, observed, variance = [], [], []
        for j, t in enumerate(fitted):
            ok = np.isfinite(means[:, j])
            if ok.sum() < max(5, len(design) // 2):
                continue   # the quantity is undefined at most points (e.g. no homeless left)
            tasks.append((t.name, design[ok], means[ok, j], args.seed, t.sd))
            replicate_variance = float(np.nanmean(variances[ok, j])) if np.isfinite(variances[ok, j]).any() else 0.0
            observed.append(t.value)
            variance.append(t.uncertainty ** 2 + t.discrepancy ** 2 + replicate_variance)
        emulators = hm.fit_emulators(tasks, args.jobs)
        wave = hm.Wave(w, emulators, np.array(observed), np.array(variance))
        waves.append(wave)
        pool = hm.candidates(box_low, box_high, args.candidates, seed=args.seed + 100 * w)
        keep = np.ones(len(pool), dtype=bool)
        for earlier in waves:
            keep &= earlier.non_implausible(pool)
        box_volume = float(np.prod(box_high - box_low))
        volume = box_volume * keep.mean()
        survivors = pool[keep]
        trusted = sum(e.trusted for e in emulators)
        wave_rows.append({"wave": w, "runs": len(design), "emulators": len(emulators), "trusted": trusted,
                          "non_implausible_share_of_box": float(keep.mean()), "volume": volume,
                          "box_low": box_low.tolist(), "box_high": box_high.tolist(),
                          "seconds": time.monotonic() - t0, "new_runs": campaign.new_runs[f"wave-{w}"]})
        say(f"  {trusted} of {len(emulators)} emulators trusted (leave-one-out); non-implausible: "
            f"{100 * volume:.3g}% of the plausible ranges ({time.monotonic() - t0:.0f} s)")
        if not keep.any():
            stop_reason = "no parameter values are left: the targets cannot all be met within their errors"
            break
        box_low, box_high = survivors.min(axis=0), survivors.max(axis=0)
        if w > 1 and volume > 0.9 * volume_before:
            stop_reason = f"the region stopped shrinking ({100 * volume:.3g}% after {100 * volume_before:.3g}%)"
            break
        volume_before = volume
    say(f"stopped after wave {len(waves)}: {stop_reason}")

    best = None
    draws_unit = np.zeros((0, k))
    if survivors is not None and len(survivors):
        measure = np.max([wv.measure(survivors) for wv in waves], axis=0)
        best = survivors[int(np.argmin(measure))]
        draws_unit = hm.space_filling_subset(survivors, args.draws, seed=args.seed)
    say(f"calibrated ensemble: {len(draws_unit)} draws, and the scenario's own values")
    before = campaign.run_stage("scenario", [{}], progress, replicates=max(args.replicates, args.noise_replicates))
    after = campaign.run_stage("draws", [to_point(u) for u in draws_unit], progress) if len(draws_unit) else []

    write_outputs(folder, args, parameters, to_point, waves, wave_rows, survivors, best, draws_unit, campaign,
                  fitted, held_out, before, after, stop_reason, time.monotonic() - started)
    say(f"done in {time.monotonic() - started:.0f} s; {os.path.join(folder, 'calibration.html')}")
    return 0


def _progress(stage, done, total):
    if done == total or done * 10 // total != (done - 1) * 10 // total:
        print(f"  {stage}: {done}/{total} runs", flush=True)


def ensemble(results, name):
    """Every replicate of every run in `results`, for one output."""
    values = [x for r in results for x in r.get(name, []) if x is not None]
    return np.array(values, dtype=float)


def read_against(target, values):
    """The plausibility suite's reading of an ensemble's values of a target
    (its mean, widened by two standard errors), or None without values."""
    if not len(values):
        return None
    return plausibility.Result(target, float(np.mean(values)), plausibility.standard_error(values))


def target_rows(targets, before, after):
    """One row per target, and the suite's readings of the scenario's own
    values (before) and of the calibrated ensemble (after)."""
    rows, readings = [], []
    for t in targets:
        b = ensemble(before, t.name)
        a = ensemble(after, t.name) if after else np.zeros(0)
        rb, ra = read_against(t, b), read_against(t, a)
        rows.append({"target": t.name, "role": t.role, "known_gap": bool(t.known_gap), "observed": t.value,
                     "sd": t.sd, "before": rb.simulated if rb else float("nan"),
                     "simulated": ra.simulated if ra else float("nan"),
                     "low": float(np.percentile(a, 5)) if len(a) else float("nan"),
                     "high": float(np.percentile(a, 95)) if len(a) else float("nan"),
                     "within": bool(ra and ra.within), "within_before": bool(rb and rb.within)})
        readings.append((rb, ra))
    return rows, readings


def write_outputs(folder, args, parameters, to_point, waves, wave_rows, survivors, best, draws_unit, campaign,
                  fitted, held_out, before, after, stop_reason, wall):
    keys = [p.key for p in parameters]
    with open(os.path.join(folder, "waves.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["wave", "runs", "new_runs", "emulators", "trusted", "non_implausible_share_of_box",
                    "volume_share_of_plausible_ranges", "seconds"]
                   + [f"{k}_low" for k in keys] + [f"{k}_high" for k in keys])
        for r in wave_rows:
            lo = to_point(np.array(r["box_low"]))
            hi = to_point(np.array(r["box_high"]))
            w.writerow([r["wave"], r["runs"], r["new_runs"], r["emulators"], r["trusted"],
                        f"{r['non_implausible_share_of_box']:.6g}", f"{r['volume']:.6g}", f"{r['seconds']:.1f}"]
                       + [f"{lo[k]:.6g}" for k in keys] + [f"{hi[k]:.6g}" for k in keys])
    with open(os.path.join(folder, "emulators.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["wave", "target", "kind", "trusted", "loo_within_3_share", "loo_rmse_standardised"])
        for wave in waves:
            for e in wave.emulators:
                loo = e.loo_standardised
                w.writerow([wave.number, e.name, "constant" if e.gp is None else "gaussian process",
                            "yes" if e.trusted else "no", f"{e.loo_within_share:.3f}",
                            f"{float(np.sqrt(np.mean(loo ** 2))):.3f}" if len(loo) else ""])
    for filename, points in (("region.csv", survivors if survivors is not None else np.zeros((0, len(keys)))),
                             ("draws.csv", draws_unit)):
        with open(os.path.join(folder, filename), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(keys)
            for u in points:
                p = to_point(u)
                w.writerow([value_text(p[k]) for k in keys])
    rows, readings = target_rows(fitted + held_out, before, after)
    with open(os.path.join(folder, "targets.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]) if rows else ["target"])
        w.writeheader()
        for r in rows:
            w.writerow({k: (f"{v:.6g}" if isinstance(v, float) else v) for k, v in r.items()})
    if best is not None:
        write_scenario(os.path.join(folder, "calibrated.toml"), args, campaign, parameters, to_point(best), waves,
                       wave_rows, survivors)
    validation = [r for r in rows if r["role"] == "validation"]
    scored = [reading for r, reading in zip(rows, readings) if r["role"] == "validation" and not r["known_gap"]]
    summary = {"scenario": args.scenario, "targets": args.targets, "people_per_agent": args.people_per_agent,
               "replicates": args.replicates, "jobs": args.jobs, "stop_reason": stop_reason, "wall_seconds": wall,
               "ard_before": plausibility.ard([rb for rb, _ in scored if rb]),
               "ard_after": plausibility.ard([ra for _, ra in scored if ra]),
               "draws": len(draws_unit)}
    write_html(os.path.join(folder, "calibration.html"), summary, parameters, to_point, wave_rows, waves, rows,
               draws_unit, best)
    with open(os.path.join(folder, "validation.md"), "w") as f:
        f.write(validation_markdown(summary, validation))


def validation_markdown(summary, rows):
    def fmt(x):
        return "n/a" if not math.isfinite(x) else f"{x:.4g}"
    lines = [f"Held-out targets ({len(rows)}), simulated by the scenario's own values and by the calibrated ensemble "
             f"({summary['draws']} draws x {summary['replicates']} replicates at 1:{summary['people_per_agent']}); "
             f"ARD over those without a known gap: {fmt(summary['ard_before'])} before, "
             f"{fmt(summary['ard_after'])} after calibration.", "",
             "| target | observed | sd | before | calibrated (90% range) | within 3 sd before | after | known gap |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['target']} | {fmt(r['observed'])} | {fmt(r['sd'])} | {fmt(r['before'])} | "
                     f"{fmt(r['simulated'])} ({fmt(r['low'])} to {fmt(r['high'])}) | "
                     f"{'yes' if r['within_before'] else 'no'} | {'yes' if r['within'] else 'no'} | "
                     f"{'yes' if r['known_gap'] else ''} |")
    return "\n".join(lines) + "\n"


def write_scenario(path, args, campaign, parameters, values, waves, wave_rows, survivors):
    base = os.path.relpath(os.path.abspath(args.scenario), os.path.dirname(os.path.abspath(path)))
    version = subprocess.run([args.mobsim, "--version"], capture_output=True, text=True).stdout.strip()
    lines = ["# Calibrated by history matching (mobsim calibrate, docs/CALIBRATION.md).",
             f"# Scenario: {args.scenario}; targets: {args.targets} (sha256 {campaign.identity(args.targets)['targets_digest'][:16]}...);",
             f"# {len(waves)} waves of {', '.join(str(r['runs']) for r in wave_rows)} runs at 1:{args.people_per_agent}, "
             f"{args.replicates} replicates, seed {args.seed}; {version}.",
             f"# The values are the non-implausible point of least implausibility among {len(survivors)} "
             f"sampled in the final region",
             f"# ({100 * wave_rows[-1]['volume']:.3g}% of the plausible ranges); draws.csv holds the calibrated draws "
             "that carry the parameters' uncertainty.",
             "", f"base = {toml_string(base)}", ""]
    sections = {}
    for p in parameters:
        section, key = p.key.rsplit(".", 1)
        sections.setdefault(section, []).append((key, values[p.key], p))
    for section, entries in sections.items():
        lines.append(f"[{section}]")
        for key, value, p in entries:
            lines.append(f"{key} = {value_text(value)}   # plausible [{p.low:g}, {p.high:g}], scenario {p.value:g}")
        lines.append("")
    with open(path, "w") as f:
        f.write("\n".join(lines))


def toml_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


if __name__ == "__main__":
    sys.exit(main())
