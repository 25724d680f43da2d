#!/usr/bin/python3
"""Yearly report of the circular migration schemes of a run against a
baseline run: participants, returns and remittances of each scheme, and the
difference the scheme makes to youth unemployment in its origin city and to
open jobs (labour shortage) in its destination.

    scripts/scheme_report.py out/baseline.h5 out/fashion.h5

Both runs should use the same seed and number of replicates: draws are keyed
by agent, step and purpose, so replicate r of one run is paired with
replicate r of the other, and the differences are reported as the mean over
replicates with its standard error.
"""
import argparse
import sys
import tomllib

import h5py
import numpy as np


def text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def yearly(values, times, how):
    """values[replicate, time] -> {year: [replicate values]} over the steps
    run in each calendar year (index 0, the initial state, excluded):
    summed (flows), averaged (rates) or the last value (stocks)."""
    out = {}
    for year in sorted(set(times[1:] // 12)):
        idx = [i for i in range(1, len(times)) if times[i] // 12 == year]
        block = values[:, idx]
        out[year] = {"sum": block.sum(axis=1), "mean": block.mean(axis=1), "last": block[:, -1]}[how]
    return out


def mean_se(x):
    x = np.asarray(x, dtype=float)
    se = x.std(ddof=1) / np.sqrt(len(x)) if len(x) > 1 else float("nan")
    return x.mean(), se


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("baseline")
    parser.add_argument("scenario")
    parser.add_argument("--scheme", help="only this scheme")
    args = parser.parse_args(argv)

    with h5py.File(args.baseline, "r") as base, h5py.File(args.scenario, "r") as scen:
        resolved = tomllib.loads(text(scen.attrs["scenario"]))
        start_year = int(resolved["run"]["start"][:4])
        start_month = int(resolved["run"]["start"][5:7])
        if base["series/population"].shape != scen["series/population"].shape:
            sys.exit("the two runs differ in replicates, time points or cities")
        cities = [text(c) for c in scen["series/city"][:]]
        # Calendar month (counted from year 0) in which each time point's
        # step ran: the state at t is the end of the step of month t - 1.
        steps = scen["series/population"].shape[1]
        times = np.array([12 * start_year + start_month - 1 + t - 1 for t in range(steps)])
        replicates = scen["series/population"].shape[0]
        schemes = sorted(scen["schemes"].keys()) if "schemes" in scen else []
        if args.scheme:
            schemes = [s for s in schemes if s == args.scheme]
        if not schemes:
            sys.exit("no circular schemes in " + args.scenario)
        for name in schemes:
            block = resolved["circular_schemes"][name]
            origin, destination = cities.index(block["origin"]), cities.index(block["destination"])
            g = scen["schemes/" + name]
            print(f"scheme {name}: {block['origin']} -> {block['destination']}, sector {block['sector']}, "
                  f"quota {block['annual_quota']} a year from {block['start']}; {replicates} replicate(s)")
            flows = {k: yearly(g[k][:], times, "sum") for k in ["applicants", "departures", "returns", "overstays",
                                                                   "skill_gains", "remittances"]}
            abroad = yearly(g["participants_abroad"][:], times, "last")
            youth = {run: yearly(f["series/youth_unemployment_rate"][:, :, origin], times, "mean")
                     for run, f in (("base", base), ("scen", scen))}
            vacancies = {run: yearly(f["series/vacancies"][:, :, destination], times, "mean")
                         for run, f in (("base", base), ("scen", scen))}
            header = (f"{'year':>5} {'applicants':>10} {'departed':>9} {'returned':>9} {'overstay':>8} "
                      f"{'abroad':>7} {'remittances EUR':>16} {'skill gains':>11} "
                      f"{'youth unemp. ' + block['origin'] + ' (base -> scen, diff pp)':>48} "
                      f"{'open jobs ' + block['destination'] + ' (base -> scen, diff)':>44}")
            print(header)
            for year in sorted(abroad):
                y_base, y_scen = youth["base"][year], youth["scen"][year]
                d_youth, se_youth = mean_se(100 * (y_scen - y_base))
                v_base, v_scen = vacancies["base"][year], vacancies["scen"][year]
                d_vac, se_vac = mean_se(v_scen - v_base)
                pm = (lambda se: "" if np.isnan(se) else f" ± {se:.2f}")
                youth_text = f"{100 * y_base.mean():.2f}% -> {100 * y_scen.mean():.2f}%, {d_youth:+.2f}{pm(se_youth)}"
                vac_text = f"{v_base.mean():,.0f} -> {v_scen.mean():,.0f}, {d_vac:+,.0f}{pm(se_vac).replace('.00', '')}"
                print(f"{year:>5} "
                      f"{flows['applicants'][year].mean():>10,.0f} {flows['departures'][year].mean():>9,.0f} "
                      f"{flows['returns'][year].mean():>9,.0f} {flows['overstays'][year].mean():>8,.0f} "
                      f"{abroad[year].mean():>7,.0f} {flows['remittances'][year].mean():>16,.0f} "
                      f"{flows['skill_gains'][year].mean():>11,.0f} {youth_text:>48} {vac_text:>44}")
            print()


if __name__ == "__main__":
    main()
