"""Yearly report of the circular migration schemes of a run against a
baseline run: participants, returns and remittances of each scheme, and the
difference the scheme makes to youth unemployment in its origin city and to
open jobs (labour shortage) in its destination.

    scripts/scheme_report.py out/baseline.h5 out/fashion.h5 [--scheme NAME]

Every number follows mobsim/effects.py, as `mobsim compare --year Y` and
the advisers' report do: a year's flows are summed over the steps that ran
in it, stocks and rates are taken at its end, a run's figure is the mean
over replicates, and a difference is the mean of the differences scenario
minus baseline with their 5th to 95th percentiles in brackets, replicate
by replicate when both runs have the same seeds.
"""
import argparse
import sys

from . import effects
from .output import open_run

SCHEME_FLOWS = ("applicants", "departures", "returns", "overstays", "skill_gains", "remittances")


def yearly_means(run, name, years):
    """{year: {quantity: mean over replicates}} of scheme `name`: its flows
    summed over the year, `participants_abroad` at the year's end."""
    group = run.schemes[name]
    out = {}
    for year in years:
        period = effects.calendar_year(run, year)
        out[year] = {key: float(effects.summarise(effects.period_values(group[key], group[key].attrs["mobsim_kind"],
                                                                       period)).mean)
                     for key in (*SCHEME_FLOWS, "participants_abroad") if key in group}
    return out


def city_effect_text(base, scen, series, city, period, scale=1.0, decimals=0, unit=""):
    """'base -> scen, +diff [p05, p95]' for one city's /series over a period
    (no interval from a single replicate)."""
    c = base.city_names.index(city)
    e = effects.compare(base, scen, series, period)
    level, change = f",.{decimals}f", f"+,.{decimals}f"
    text = (f"{scale * e.baseline.mean[c]:{level}}{unit} -> {scale * e.scenario.mean[c]:{level}}{unit}, "
            f"{scale * e.mean[c]:{change}}")
    if scen.replicates > 1:
        text += f" [{scale * e.p05[c]:{change}}, {scale * e.p95[c]:{change}}]"
    return text


def print_scheme(base, scen, name):
    block = scen.scenario["circular_schemes"][name]
    origin, destination = block["origin"], block["destination"]
    years = scen.years_with_steps()
    print(f"scheme {name}: {origin} -> {destination}, sector {block['sector']}, "
          f"quota {block['annual_quota']} a year from {block['start']}; {scen.replicates} replicate(s)")
    youth_title = f"youth unemp. {origin} % (base -> scen, diff pp [90%])"
    jobs_title = f"open jobs {destination} (base -> scen, diff [90%])"
    print(f"{'year':>5} {'applicants':>10} {'departed':>9} {'returned':>9} {'overstay':>8} "
          f"{'abroad':>7} {'remittances EUR':>16} {'skill gains':>11} {youth_title:>52} {jobs_title:>48}")
    means = yearly_means(scen, name, years)
    for year in years:
        period = effects.calendar_year(scen, year)
        youth = city_effect_text(base, scen, "youth_unemployment_rate", origin, period, 100.0, 2, "%")
        jobs = city_effect_text(base, scen, "vacancies", destination, period)
        m = means[year]
        print(f"{year:>5} {m['applicants']:>10,.0f} {m['departures']:>9,.0f} {m['returns']:>9,.0f} "
              f"{m['overstays']:>8,.0f} {m['participants_abroad']:>7,.0f} {m['remittances']:>16,.0f} "
              f"{m['skill_gains']:>11,.0f} {youth:>52} {jobs:>48}")
    print()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("baseline")
    parser.add_argument("scenario")
    parser.add_argument("--scheme", help="only this scheme")
    args = parser.parse_args(argv)
    base, scen = open_run(args.baseline), open_run(args.scenario)
    if base.series.population.shape != scen.series.population.shape or base.city_names != scen.city_names:
        print("scheme_report.py: error: the two runs differ in replicates, time points or cities", file=sys.stderr)
        return 2
    names = sorted(scen.schemes)
    if args.scheme:
        names = [n for n in names if n == args.scheme]
    if not names:
        print(f"scheme_report.py: error: no circular schemes in {args.scenario}", file=sys.stderr)
        return 2
    for name in names:
        print_scheme(base, scen, name)
    return 0
