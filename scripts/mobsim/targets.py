"""Observed targets (scenarios/data/targets.toml) and the quantities the
model produces to compare with them.

A target names a quantity (QUANTITIES below), a city, the observed value,
its observation error (`uncertainty`) and the model discrepancy
(`discrepancy`), both one standard deviation in the quantity's units, and a
role: "calibration" (fitted: history matching and sensitivity analysis use
it) or "validation" (held out). `load_targets(path)` checks the file and
raises TargetError with `file:line:column: error: target[i].key: message`
for every problem at once; `values(run, quantity, city)` computes the
simulated value of one quantity in each replicate.

Quantities (t = 0 is the initial state on run.start, T the end of the run;
"per year" divides a sum of flows over the run by its years, "per 1000" by
the mean population over the run):

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
  year per 1000 residents.
- `unemployment_rate_change`: unemployment_rate at T less at t = 0.
- `native_emigration_per_1000`: departures abroad of the native-born
  (emigration_to_rest_of_world plus moves to simulated cities of other
  countries, which are mostly natives') per year per 1000 residents.
- `immigration_from_abroad_per_1000`: arrivals from other countries
  (immigration_from_rest_of_world plus moves from simulated cities of other
  countries) per year per 1000 residents.
- `remittances_sent_per_foreign_born_eur_per_year`: remittances_sent per
  year / mean foreign_born over the run.
- `remittances_received_per_capita_eur_per_year`: remittances_received per
  year / mean population over the run.
- `work_share_of_first_permits`, `family_share_of_first_permits`: of the
  arrivals from simulated cities of other countries by a channel that needs
  a first permit (work_visa and legal_pathway for work, family_reunification
  and household_reunification for family, study_visa for study), the share
  for work, or for family; read against Eurostat's first permits by reason
  with "other reasons" (asylum, humanitarian) left out.
- `irregular_share_of_arrivals_from_africa`: arrivals from the simulated
  African cities by the irregular channel over all arrivals from them.
- `homeless_log2_ratio`: log2(homeless_T / homeless_0): 0 when unchanged, 1
  a doubling, -1 a halving (minus infinity when homelessness vanishes).
- `persons_per_household_end`: persons_per_household at T.
- `households_short_of_costs_share_first_month`: budgets_short_of_costs /
  households in the first step.
- `poverty_headcount_first_month`: persons_below_living_cost / population
  in the first step (persons in households whose income per adult
  equivalent fell below the living cost, rent not deducted), read against
  the share of people below the national poverty line, which the living
  cost is.
"""
from dataclasses import dataclass
import math
import re
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
    "immigration_from_abroad_per_1000": "arrivals from abroad per 1000 residents a year",
    "remittances_sent_per_foreign_born_eur_per_year": "remittances sent per foreign-born resident a year (EUR)",
    "remittances_received_per_capita_eur_per_year": "remittances received per resident a year (EUR)",
    "work_share_of_first_permits": "work permits among first permits for work, family and study",
    "family_share_of_first_permits": "family permits among first permits for work, family and study",
    "irregular_share_of_arrivals_from_africa": "irregular arrivals among arrivals from African cities",
    "homeless_log2_ratio": "log2 of homeless at the end / at the start",
    "persons_per_household_end": "persons per household at the end",
    "households_short_of_costs_share_first_month": "households short of their living costs and rent in the first month",
    "poverty_headcount_first_month": "residents below the poverty line (income per adult equivalent) in the first month",
}

ROLES = ("calibration", "validation")
REQUIRED = ("quantity", "city", "value", "uncertainty", "discrepancy", "source")
OPTIONAL = ("role", "period", "known_gap")

# The implausibility cut-off of history matching (Pukelsheim's three-sigma
# rule: any unimodal distribution keeps 95% of its mass within 3 sd; Vernon,
# Goldstein & Bower 2010). The plausibility suite's band is the same cut-off
# at the baseline's parameters.
CUTOFF = 3.0


@dataclass
class Target:
    quantity: str
    city: str
    value: float
    uncertainty: float   # observation error, 1 sd
    discrepancy: float   # model discrepancy, 1 sd
    source: str
    role: str = "calibration"
    period: str = ""
    known_gap: str = ""
    where: str = ""      # file:line:column of its [[target]] header

    @property
    def name(self):
        """A short unique label: quantity@city."""
        return f"{self.quantity}@{self.city}"

    @property
    def sd(self):
        """Observation error and model discrepancy together (1 sd)."""
        return math.hypot(self.uncertainty, self.discrepancy)

    @property
    def band(self):
        """CUTOFF standard deviations: the plausibility suite's tolerance."""
        return CUTOFF * self.sd


class TargetError(ValueError):
    """Problems in a target file, each `file:line:column: error: key: message`."""

    def __init__(self, messages):
        super().__init__("\n".join(messages))
        self.messages = list(messages)


def _positions(text):
    """(line, column) of each [[target]] header and of each key in its block,
    1-based, as [(header, {key: (line, column)})]. The file is a list of
    tables written one key per line, which is what this reads."""
    blocks = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip()
        if stripped.startswith("[[target]]"):
            blocks.append(((number, len(line) - len(stripped) + 1), {}))
            continue
        m = re.match(r"\s*([A-Za-z0-9_\-]+|\"[^\"]*\")\s*=", line)
        if m and blocks:
            key = m.group(1).strip('"')
            blocks[-1][1].setdefault(key, (number, m.start(1) + 1))
    return blocks


def load_targets(path, cities=None):
    """The targets of a file, in file order. `cities`, when given, is the set
    of city names a target may name (the scenario's). Raises TargetError
    listing every problem; OSError when the file cannot be read."""
    with open(path, "rb") as f:
        raw = f.read()
    text = raw.decode("utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(e))
        where = f"{path}:{m.group(1)}:{m.group(2)}" if m else f"{path}:1:1"
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(e))
        raise TargetError([f"{where}: error: {message}"]) from None
    positions = _positions(text)
    messages = []
    unknown_top = sorted(set(data) - {"target"})
    for key in unknown_top:
        messages.append(f"{path}:1:1: error: {key}: unknown key (the file holds [[target]] tables only)")
    entries = data.get("target", [])
    if not isinstance(entries, list) or not entries:
        messages.append(f"{path}:1:1: error: target: no [[target]] tables")
        entries = []
    targets, seen = [], {}
    for i, entry in enumerate(entries):
        header, keys = positions[i] if i < len(positions) else ((1, 1), {})

        def at(key=None):
            line, column = keys.get(key, header) if key else header
            return f"{path}:{line}:{column}"

        def fail(key, message):
            messages.append(f"{at(key)}: error: target[{i}]{'.' + key if key else ''}: {message}")

        before = len(messages)
        missing = [k for k in REQUIRED if k not in entry]
        if missing:
            fail(None, f"missing {', '.join(missing)}")
        for key in sorted(set(entry) - set(REQUIRED) - set(OPTIONAL)):
            fail(key, f"unknown key (one of {', '.join(REQUIRED + OPTIONAL)})")
        for key in ("quantity", "city", "source", "role", "period", "known_gap"):
            if key in entry and not isinstance(entry[key], str):
                fail(key, f"expected a string, got {type(entry[key]).__name__}")
        for key in ("value", "uncertainty", "discrepancy"):
            if key in entry:
                v = entry[key]
                if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                    fail(key, f"expected a finite number, got {v!r}")
                elif key != "value" and v < 0:
                    fail(key, f"must be >= 0 (a standard deviation), got {v!r}")
        if len(messages) > before:
            continue
        if entry["quantity"] not in QUANTITIES:
            close = _closest(entry["quantity"], QUANTITIES)
            fail("quantity", f"unknown quantity {entry['quantity']!r}"
                 + (f" (did you mean {close!r}?)" if close else f" (one of {', '.join(QUANTITIES)})"))
        if cities is not None and entry["city"] not in cities:
            close = _closest(entry["city"], cities)
            fail("city", f"unknown city {entry['city']!r}" + (f" (did you mean {close!r}?)" if close else ""))
        if not entry["source"].strip():
            fail("source", "empty: every target cites its source")
        if entry.get("role", "calibration") not in ROLES:
            fail("role", f"{entry['role']!r} is neither 'calibration' nor 'validation'")
        if entry["uncertainty"] == 0 and entry["discrepancy"] == 0:
            fail("uncertainty", "uncertainty and discrepancy are both 0: no observation is exact")
        label = f"{entry['quantity']}@{entry['city']}"
        if label in seen:
            fail("city", f"a second target for {entry['quantity']} in {entry['city']} (the first is target[{seen[label]}])")
        seen[label] = i
        if len(messages) > before:
            continue
        targets.append(Target(where=at(), **{k: (float(v) if k in ("value", "uncertainty", "discrepancy") else v)
                                              for k, v in entry.items()}))
    if messages:
        raise TargetError(messages)
    return targets


def known_cities():
    """Every city of the project's data (scenarios/data/cities.toml)."""
    import os
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                        "scenarios", "data", "cities.toml")
    with open(path, "rb") as f:
        return set(tomllib.load(f).get("cities", {}))


def targets_for_run(path, run):
    """(targets, left out) of a file for the cities a run simulates: a city
    of the project's data that the run does not simulate is left out; a name
    in neither, or a target whose quantity needs a series the run's models do
    not produce, is a TargetError."""
    simulated = set(run.city_names)
    every = load_targets(path, cities=simulated | known_cities())
    kept = [t for t in every if t.city in simulated]
    problems = []
    for t in kept:
        try:
            values(run, t.quantity, t.city)
        except KeyError as e:
            problems.append(f"{t.where}: error: target {t.name}: needs the series {e}, which this scenario does "
                            "not produce (its model is off)")
        except (ValueError, ZeroDivisionError, FloatingPointError):
            pass  # a one-step probe need not give every value
    if problems:
        raise TargetError(problems)
    return kept, [t for t in every if t.city not in simulated]


def _closest(word, names):
    import difflib
    found = difflib.get_close_matches(word, list(names), n=1, cutoff=0.6)
    return found[0] if found else None


def _years(run):
    return (run.series.sizes["time"] - 1) * run.step_months / 12.0


def _country_of(run):
    return {c.name: c.country for c in run.cities}


def values(run, quantity, city, fertile_years=35):
    """The simulated quantity in each replicate (numpy array, one value per
    replicate; for homeless_log2_ratio each replicate's own ratio)."""
    s = run.series.sel(city=city)
    last = s.sizes["time"] - 1
    years = _years(run)
    if quantity == "growth_per_year":
        ratio = s.population.isel(time=last) / s.population.isel(time=0)
        out = ratio ** (1.0 / years) - 1.0
    elif quantity == "foreign_born_share_start":
        out = s.foreign_born_share.isel(time=0)
    elif quantity == "youth_to_total_unemployment_end":
        out = s.youth_unemployment_rate.isel(time=last) / s.unemployment_rate.isel(time=last)
    elif quantity == "total_fertility_rate_first_year":
        steps = 12 // run.step_months
        births = s.births.isel(time=slice(1, steps + 1)).sum("time")
        women = s.women_of_fertile_age.isel(time=slice(0, steps)).mean("time")
        out = births / women * fertile_years
    elif quantity == "refugees_and_asylum_seekers_per_1000_start":
        out = (s.refugees.isel(time=0) + s.asylum_seekers.isel(time=0)) / s.population.isel(time=0) * 1000
    elif quantity == "unemployment_rate_change":
        out = s.unemployment_rate.isel(time=last) - s.unemployment_rate.isel(time=0)
    elif quantity in ("net_internal_migration_per_1000", "native_emigration_per_1000",
                      "immigration_from_abroad_per_1000"):
        population = s.population.mean("time")
        country = _country_of(run)
        abroad = [c for c in run.flows.origin.values if country[c] != country[city]]
        if quantity == "net_internal_migration_per_1000":
            count = s.hinterland_inflow.sum("time") - s.internal_out_migration.sum("time")
        elif quantity == "native_emigration_per_1000":
            count = s.emigration_to_rest_of_world.sum("time") + \
                run.flows.sel(origin=city, destination=abroad).sum(("time", "destination"))
        else:
            count = s.immigration_from_rest_of_world.sum("time") + \
                run.flows.sel(origin=abroad, destination=city).sum(("time", "origin"))
        out = count / years / population * 1000
    elif quantity in ("work_share_of_first_permits", "family_share_of_first_permits",
                      "irregular_share_of_arrivals_from_africa"):
        out = _channel_share(run, quantity, city)
    elif quantity == "remittances_sent_per_foreign_born_eur_per_year":
        out = s.remittances_sent.sum("time") / years / s.foreign_born.mean("time")
    elif quantity == "remittances_received_per_capita_eur_per_year":
        out = s.remittances_received.sum("time") / years / s.population.mean("time")
    elif quantity == "households_short_of_costs_share_first_month":
        out = s.budgets_short_of_costs.isel(time=1) / s.households.isel(time=1)
    elif quantity == "poverty_headcount_first_month":
        out = s.persons_below_living_cost.isel(time=1) / s.population.isel(time=1)
    elif quantity == "persons_per_household_end":
        out = s.persons_per_household.isel(time=last)
    elif quantity == "homeless_log2_ratio":
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.log2(s.homeless.isel(time=last) / s.homeless.isel(time=0))
    else:
        raise ValueError(f"unknown quantity {quantity!r}")
    return np.asarray(out, dtype=float).ravel()


PERMIT_CHANNELS = {"work": ("work_visa", "legal_pathway"),
                   "family": ("family_reunification", "household_reunification"),
                   "study": ("study_visa",)}


def _channel_share(run, quantity, city):
    """Shares of arrivals into `city` by channel over the run, per replicate."""
    flows = run.flows_by_channel
    if flows is None:
        raise KeyError("flows_by_channel")
    channels = set(flows.channel.values)
    by = {c.name: c for c in run.cities}
    if quantity == "irregular_share_of_arrivals_from_africa":
        origins = [c for c in flows.origin.values if by[c].continent == "Africa" and c != city]
        arrivals = flows.sel(origin=origins, destination=city).sum(("time", "origin"))
        if "irregular" not in channels:
            raise KeyError("irregular (channel)")
        return arrivals.sel(channel="irregular") / arrivals.sum("channel")
    origins = [c for c in flows.origin.values if by[c].country != by[city].country]
    arrivals = flows.sel(origin=origins, destination=city).sum(("time", "origin"))

    def total(kind):
        present = [c for c in PERMIT_CHANNELS[kind] if c in channels]
        return arrivals.sel(channel=present).sum("channel") if present else 0.0 * arrivals.isel(channel=0)

    permits = total("work") + total("family") + total("study")
    return total("work" if quantity == "work_share_of_first_permits" else "family") / permits


def fertile_years_of(run):
    demography = run.scenario.get("demography", {})
    if "fertile_max_age_years" in demography:
        return demography["fertile_max_age_years"] - demography["fertile_min_age_years"] + 1
    return 35


def mean_value(run, quantity, city, fertile_years=35):
    """The value a run gives for a quantity: the mean over replicates, except
    for homeless_log2_ratio, the log2 ratio of the replicates' means (a city
    with few homeless agents has replicates with none)."""
    if quantity == "homeless_log2_ratio":
        s = run.series.sel(city=city)
        last = s.sizes["time"] - 1
        start = float(s.homeless.isel(time=0).mean("replicate"))
        end = float(s.homeless.isel(time=last).mean("replicate"))
        if start <= 0:
            return float("nan")
        return math.log2(end / start) if end > 0 else float("-inf")
    return float(np.mean(values(run, quantity, city, fertile_years)))


__all__ = ["QUANTITIES", "ROLES", "CUTOFF", "Target", "TargetError", "load_targets", "targets_for_run", "values",
           "mean_value",
           "fertile_years_of"]
