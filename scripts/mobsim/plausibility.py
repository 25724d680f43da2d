"""The plausibility suite: a baseline run read against published figures.

Each check in scenarios/data/observed.toml names a quantity the model
produces for one city, the observed value with its source, and a tolerance
(absolute, in the units of the quantity). `evaluate(run, checks)` computes
the simulated value of each (the mean over replicates, with its standard
error) and says whether it lies within the tolerance widened by K_SIGMA
standard errors (below). A check marked `known_gap` names the part of the
model that does not yet reproduce the figure: it is reported, not enforced.

Quantities (t = 0 is the initial state on run.start, T the end of the run):

- `growth_per_year`: (population_T / population_0) ** (1 / years) - 1.
- `foreign_born_share_start`: foreign_born_share at t = 0.
- `youth_to_total_unemployment_end`: youth_unemployment_rate /
  unemployment_rate at T.
- `total_fertility_rate_first_year`: births in the first twelve months /
  mean women_of_fertile_age over them * fertile years (35 by default).
- `refugees_and_asylum_seekers_per_1000_start`: (refugees + asylum_seekers)
  / population * 1000 at t = 0.
- `net_internal_migration_per_1000`: arrivals from the rest of the country
  (hinterland_inflow) less departures to it (internal_out_migration) per
  year per 1000 residents, over the run.
- `unemployment_rate_change`: unemployment_rate at T less at t = 0.
- `native_emigration_per_1000`: departures abroad of the native-born
  (emigration_to_rest_of_world plus moves to simulated cities of other
  countries, which are mostly natives') per year per 1000 residents, over the
  run.
- `homeless_log2_ratio`: log2(homeless_T / homeless_0): 0 when unchanged, 1
  a doubling, -1 a halving (minus infinity when homelessness vanishes).
- `persons_per_household_end`: persons_per_household at T.
- `households_short_of_costs_share_first_month`: budgets_short_of_costs /
  households in the first step (households whose income fell short of their
  living costs and rent).
- `poverty_headcount_first_month`: persons_below_living_cost / population
  in the first step (persons in households whose income per adult
  equivalent fell below the living cost, rent not deducted), read against
  the share of people below the national poverty line, which the living
  cost is.
"""
from dataclasses import dataclass
import math
import statistics
import tomllib

import numpy as np

QUANTITIES = {
    "growth_per_year": "population growth per year over the run",
    "foreign_born_share_start": "foreign-born share of residents at the start",
    "youth_to_total_unemployment_end": "youth (15-24) / total unemployment rate at the end",
    "total_fertility_rate_first_year": "births per woman in the first year",
    "refugees_and_asylum_seekers_per_1000_start": "refugees and asylum seekers per 1000 residents at the start",
    "net_internal_migration_per_1000": "net arrivals from the rest of the country per 1000 residents a year",
    "unemployment_rate_change": "change of the unemployment rate over the run",
    "native_emigration_per_1000": "emigration of the native-born per 1000 residents a year",
    "homeless_log2_ratio": "log2 of homeless at the end / at the start",
    "persons_per_household_end": "persons per household at the end",
    "households_short_of_costs_share_first_month": "households short of their living costs and rent in the first month",
    "poverty_headcount_first_month": "residents below the poverty line (income per adult equivalent) in the first month",
}


@dataclass
class Check:
    quantity: str
    city: str
    value: float
    tolerance: float
    source: str
    role: str = "validation"
    period: str = ""
    known_gap: str = ""
    where: str = ""


# A check passes when the simulated mean is within the tolerance of the
# observed figure, widened by K_SIGMA standard errors of that mean over the
# replicates: the tolerance is for the model against the world, the widening
# for the run's own sampling noise (at the suite's coarse scale a city's
# youth-to-total unemployment ratio moves by several tenths between seeds),
# so that a change that shifts a figure by less than its noise does not fail
# the suite by chance, nor one that shifts it by more pass by chance.
K_SIGMA = 2.0


@dataclass
class Result:
    check: Check
    simulated: float            # mean over replicates
    standard_error: float = 0.0  # of that mean: sample standard deviation / sqrt(replicates); 0 with one replicate

    @property
    def difference(self):
        return self.simulated - self.check.value

    @property
    def allowed(self):
        """The tolerance with the run's noise: tolerance + K_SIGMA x standard error."""
        return self.check.tolerance + K_SIGMA * self.standard_error

    @property
    def within(self):
        return not math.isnan(self.simulated) and abs(self.difference) <= self.allowed


def load_checks(path):
    """The checks of an observed-figures file, in file order. Raises
    ValueError naming the check and key on a malformed entry."""
    with open(path, "rb") as f:
        data = tomllib.load(f)
    checks = []
    for i, entry in enumerate(data.get("check", [])):
        where = f"{path}: check[{i}]"
        missing = [k for k in ("quantity", "city", "value", "tolerance", "source") if k not in entry]
        if missing:
            raise ValueError(f"{where}: missing {', '.join(missing)}")
        unknown = set(entry) - {"quantity", "city", "value", "tolerance", "source", "role", "period", "known_gap"}
        if unknown:
            raise ValueError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        if entry["quantity"] not in QUANTITIES:
            raise ValueError(f"{where}.quantity: unknown quantity {entry['quantity']!r} "
                             f"(one of {', '.join(QUANTITIES)})")
        if not entry["source"].strip():
            raise ValueError(f"{where}.source: empty")
        if entry.get("role", "validation") not in ("calibration", "validation"):
            raise ValueError(f"{where}.role: {entry['role']!r} is neither 'calibration' nor 'validation'")
        checks.append(Check(where=where, **entry))
    return checks


def _mean(da):
    """Mean over replicates and its standard error (0 with one replicate or
    where a replicate's value is not finite)."""
    values = [float(v) for v in da.values.ravel()]
    mean = float(da.mean("replicate"))
    if len(values) < 2 or not all(math.isfinite(v) for v in values):
        return mean, 0.0
    spread = statistics.stdev(values)
    return mean, spread / math.sqrt(len(values))


def simulated(run, quantity, city, fertile_years=35):
    """(mean over replicates, its standard error) of one quantity for one city."""
    s = run.series.sel(city=city)
    last = s.sizes["time"] - 1
    if quantity == "growth_per_year":
        years = last * run.step_months / 12.0
        ratio = s.population.isel(time=last) / s.population.isel(time=0)
        return _mean(ratio ** (1.0 / years) - 1.0)
    if quantity == "foreign_born_share_start":
        return _mean(s.foreign_born_share.isel(time=0))
    if quantity == "youth_to_total_unemployment_end":
        return _mean(s.youth_unemployment_rate.isel(time=last) / s.unemployment_rate.isel(time=last))
    if quantity == "total_fertility_rate_first_year":
        steps = 12 // run.step_months
        births = s.births.isel(time=slice(1, steps + 1)).sum("time")
        women = s.women_of_fertile_age.isel(time=slice(0, steps)).mean("time")
        return _mean(births / women * fertile_years)
    if quantity == "refugees_and_asylum_seekers_per_1000_start":
        return _mean((s.refugees.isel(time=0) + s.asylum_seekers.isel(time=0)) / s.population.isel(time=0) * 1000)
    if quantity == "unemployment_rate_change":
        return _mean(s.unemployment_rate.isel(time=last) - s.unemployment_rate.isel(time=0))
    if quantity in ("net_internal_migration_per_1000", "native_emigration_per_1000"):
        years = last * run.step_months / 12.0
        population = s.population.mean("time")
        if quantity == "net_internal_migration_per_1000":
            leaving = s.hinterland_inflow.sum("time") - s.internal_out_migration.sum("time")
        else:
            country = {c.name: c.country for c in run.cities}
            abroad = [d for d in run.flows.destination.values if country[d] != country[city]]
            leaving = s.emigration_to_rest_of_world.sum("time") + \
                run.flows.sel(origin=city, destination=abroad).sum(("time", "destination"))
        return _mean(leaving / years / population * 1000)
    if quantity == "households_short_of_costs_share_first_month":
        return _mean(s.budgets_short_of_costs.isel(time=1) / s.households.isel(time=1))
    if quantity == "poverty_headcount_first_month":
        return _mean(s.persons_below_living_cost.isel(time=1) / s.population.isel(time=1))
    if quantity == "persons_per_household_end":
        return _mean(s.persons_per_household.isel(time=last))
    if quantity == "homeless_log2_ratio":
        # The ratio of the replicates' means (a city with few homeless agents
        # has replicates with none); its noise from the replicates' own ratios.
        start, end = float(s.homeless.isel(time=0).mean("replicate")), float(s.homeless.isel(time=last).mean("replicate"))
        if start <= 0:
            return float("nan"), 0.0
        _, noise = _mean(np.log2(s.homeless.isel(time=last) / s.homeless.isel(time=0)))
        return (math.log2(end / start) if end > 0 else float("-inf")), noise
    raise ValueError(f"unknown quantity {quantity!r}")


def evaluate(run, checks):
    fertile_years = 35
    demography = run.scenario.get("demography", {})
    if "fertile_max_age_years" in demography:
        fertile_years = demography["fertile_max_age_years"] - demography["fertile_min_age_years"] + 1
    return [Result(c, *simulated(run, c.quantity, c.city, fertile_years)) for c in checks]


def _fmt(quantity, x):
    if isinstance(x, float) and math.isnan(x):
        return "n/a"
    if isinstance(x, float) and math.isinf(x):
        return "-inf (vanished)" if x < 0 else "inf"
    if quantity == "refugees_and_asylum_seekers_per_1000_start":
        return f"{x:.1f}"
    if quantity in ("growth_per_year",):
        return f"{100 * x:+.2f}%"
    if quantity in ("foreign_born_share_start", "households_short_of_costs_share_first_month",
                    "poverty_headcount_first_month"):
        return f"{100 * x:.1f}%"
    return f"{x:.2f}"


def markdown(results, run_description):
    """docs/VALIDATION.md: every check, simulated against observed, with its
    source; the checks outside their tolerance are listed first."""
    lines = [
        "# Validation: the baseline against published figures",
        "",
        "Generated by `scripts/validation.py` (do not edit by hand; `tests/validation` fails when this file "
        "is stale). The plausibility suite (`ctest -L validation`) runs the baseline as stated below and "
        "compares each quantity with the observed figure in `scenarios/data/observed.toml`. A check passes "
        f"when the simulated mean over the replicates is within its tolerance widened by {K_SIGMA:g} standard "
        "errors of that mean (the run's own noise, column \"noise\"); a check marked as a known gap is reported and not enforced, with the part of "
        "the model that does not yet reproduce it.",
        "",
        f"Run: {run_description}",
        "",
    ]
    passed = sum(r.within for r in results)
    gaps = [r for r in results if not r.within and r.check.known_gap]
    failed = [r for r in results if not r.within and not r.check.known_gap]
    lines += [f"{passed} of {len(results)} checks within tolerance; {len(gaps)} known gaps; "
              f"{len(failed)} failing.", ""]
    for title, chosen in (("Known gaps", gaps), ("Failing", failed)):
        if chosen:
            lines += [f"## {title}", ""]
            lines += [f"- {r.check.city}, {QUANTITIES[r.check.quantity]}: simulated {_fmt(r.check.quantity, r.simulated)}"
                      f", observed {_fmt(r.check.quantity, r.check.value)}"
                      + (f" ({r.check.known_gap})" if r.check.known_gap else "") for r in chosen]
            lines.append("")
    for quantity, meaning in QUANTITIES.items():
        rows = [r for r in results if r.check.quantity == quantity]
        if not rows:
            continue
        lines += [f"## {meaning[0].upper() + meaning[1:]}", "",
                  "| city | simulated | observed | tolerance | noise (2 SE) | within | role | period | source |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for r in rows:
            c = r.check
            in_points = quantity in ("growth_per_year", "foreign_born_share_start")
            tol = f"±{100 * c.tolerance:.2f} pp" if in_points else f"±{_fmt(quantity, c.tolerance)}"
            widening = K_SIGMA * r.standard_error
            noise = f"±{100 * widening:.2f} pp" if in_points else f"±{_fmt(quantity, widening)}"
            mark = "yes" if r.within else ("known gap" if c.known_gap else "**no**")
            lines.append(f"| {c.city} | {_fmt(quantity, r.simulated)} | {_fmt(quantity, c.value)} | {tol} | {noise} | {mark} "
                         f"| {c.role} | {c.period} | {c.source} |")
        lines.append("")
    return "\n".join(lines)


def summary_table(results):
    """One line per check for a terminal."""
    out = []
    for r in results:
        c = r.check
        mark = "ok " if r.within else ("gap" if c.known_gap else "BAD")
        out.append(f"{mark} {c.city:12s} {c.quantity:36s} simulated {_fmt(c.quantity, r.simulated):>10s} "
                   f"observed {_fmt(c.quantity, c.value):>10s} tolerance {c.tolerance:g} "
                   f"+ {K_SIGMA:g} SE {K_SIGMA * r.standard_error:.3g}")
    return "\n".join(out)


__all__ = ["QUANTITIES", "K_SIGMA", "Check", "Result", "load_checks", "evaluate", "markdown", "summary_table"]
