#!/usr/bin/python3
"""Self-contained HTML report comparing mobsim runs with a baseline.

    scripts/report.py out/baseline.h5 out/fashion.h5 [more.h5 ...] -o out/report [--title "..."]

The first file is the baseline, the others are scenarios compared with it.
Writes DIR/report.html (each chart embedded as data, the smaller of its PNG
and SVG, no external resources: it opens offline and can be mailed), every
chart again as DIR/charts/*.png and *.svg for slide decks, and DIR/effects.csv (every city x indicator
effect with its 90% range). Sections: executive summary, map of the flows,
a mobility profile for every city, a dashboard per circular scheme, and
methods and provenance. The charts themselves are drawn by charts.py; the
effects follow the one definition of mobsim/effects.py (the whole run:
stocks and rates at its end, flows over every step; the mean and 90%
interval of the differences), the one `mobsim compare --whole-run` prints.

Runs must share their cities and calendar (start, step, length); otherwise
the script says why and exits with code 2. Runs made with the same
run.seed and number of replicates have the same replicate seeds, and their
replicates are compared pair by pair (replicate r with replicate r): the
draws are keyed by agent, step and purpose, so the paired difference is the
policy's effect plus the noise of the people it moves.
"""
import argparse
import base64
import csv
import datetime
import html
import math
import os
import sys
import time
import unicodedata
from dataclasses import dataclass

import numpy as np

from . import effects, schemes
from .charts import CHANGE_ARCS, render_all, round_sig, select_arcs
from .output import open_run

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
# The baseline is always black; scenarios take the others in order, yellow
# last because it is faint on white.
BASELINE_COLOUR = "#000000"
SCENARIO_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442"]
QUANTILES = (0.05, 0.5, 0.95)
TOP_EFFECTS = 5           # sentences per scenario in the executive summary
BAR_CATEGORIES = 8        # origins / destinations in a profile's bar charts


class Refused(Exception):
    """Input the report cannot be built from; the message says why (exit code 2)."""


# --------------------------------------------------------------------------
# Indicators of the executive summary

@dataclass(frozen=True)
class Indicator:
    key: str          # name in effects.csv
    label: str        # plain words, as in "In Milan, <label> <verb> ..."
    verb: str         # "is" or "are"
    unit: str         # persons, percent, index or EUR


INDICATORS = [
    Indicator("population", "the population", "is", "persons"),
    Indicator("foreign_born_share", "the foreign-born share", "is", "percent"),
    Indicator("net_migration", "net migration", "is", "persons"),
    Indicator("unemployment_rate", "the unemployment rate", "is", "percent"),
    Indicator("youth_unemployment_rate", "the youth unemployment rate", "is", "percent"),
    Indicator("vacancies", "open jobs", "are", "persons"),
    Indicator("rent_index", "the rent index", "is", "index"),
    Indicator("homeless", "homeless residents", "are", "persons"),
    Indicator("irregular_residents", "residents without legal status", "are", "persons"),
    Indicator("remittances_received", "remittances received", "are", "EUR"),
    Indicator("returns", "return migrants leaving", "are", "persons"),
]


def indicator_values(run, ind):
    """(replicate, city) array of an indicator over the whole run, or None
    when the run lacks its series."""
    if ind.key not in run.series:
        return None
    return effects.indicator_values(run, ind.key, effects.whole_run(run))


def gross_migration(run):
    """(replicate, city) total moves in and out over the run: the scale
    against which a change in net migration is judged."""
    s = run.series
    names = ["inflow", "outflow", "hinterland_inflow", "immigration_from_rest_of_world", "returns_to_rest_of_world"]
    return sum(s[n].sum("time").values for n in names if n in s).astype(float)


def display_factor(ind):
    """Rates are stored as fractions and shown in percent (effects in
    percentage points)."""
    return 100.0 if ind.unit == "percent" else 1.0


# --------------------------------------------------------------------------
# Loading and checking the files

def load_runs(paths):
    runs = []
    for path in paths:
        if not os.path.exists(path):
            raise Refused(f"{path}: no such file")
        try:
            runs.append(open_run(path))
        except (OSError, KeyError) as error:
            raise Refused(f"{path}: not a mobsim output file ({error})")
    return runs


def check_compatible(runs):
    """The comparisons need the same cities (in any order) and the same
    calendar: start, step and number of time points."""
    base = runs[0]
    for run in runs[1:]:
        if set(run.city_names) != set(base.city_names):
            only_a = sorted(set(base.city_names) - set(run.city_names))
            only_b = sorted(set(run.city_names) - set(base.city_names))
            raise Refused(f"{run.path} and {base.path} simulate different cities "
                          f"(only in the baseline: {', '.join(only_a) or '-'}; "
                          f"only in {os.path.basename(run.path)}: {', '.join(only_b) or '-'})")
        ours = (run.start, run.step_months, run.series.sizes["time"])
        theirs = (base.start, base.step_months, base.series.sizes["time"])
        if ours != theirs:
            raise Refused(f"{run.path} and {base.path} have different calendars: start {ours[0]} vs {theirs[0]}, "
                          f"step {ours[1]} vs {theirs[1]} month(s), {ours[2]} vs {theirs[2]} time points")


def align_cities(runs):
    """Put every run's cities in the baseline's order (same set, checked)."""
    order = runs[0].city_names
    for run in runs[1:]:
        if run.city_names != order:
            run.series = run.series.sel(city=order)
            run.flows = run.flows.sel(origin=order, destination=order)
            if run.flows_by_channel is not None:
                run.flows_by_channel = run.flows_by_channel.sel(origin=order, destination=order)
            by_name = {c.name: c for c in run.cities}
            run.cities = [by_name[name] for name in order]


def run_labels(runs):
    """Scenario names (run.name), made unique with the file name when two
    files share one."""
    names = [run.name or os.path.splitext(os.path.basename(run.path))[0] for run in runs]
    labels = []
    for run, name in zip(runs, names):
        stem = os.path.splitext(os.path.basename(run.path))[0]
        labels.append(name if names.count(name) == 1 else f"{name} ({stem})")
    if len(set(labels)) < len(labels):  # the same file twice
        labels = [f"{label} [{i}]" for i, label in enumerate(labels)]
    return labels


def compute_effects(runs, labels):
    """One row per scenario x city x indicator over the whole run (display
    units: percent and percentage points for rates)."""
    base = runs[0]
    horizon = month_year(base.series.date.values[-1])
    years = step_year_span(base)
    base_values = {ind.key: indicator_values(base, ind) for ind in INDICATORS}
    scales = ranking_scales(base, base_values)
    rows = []
    for run, label in zip(runs[1:], labels[1:]):
        paired = effects.is_paired(base, run)
        for ind in INDICATORS:
            b, s = base_values[ind.key], indicator_values(run, ind)
            if b is None or s is None:
                continue
            factor = display_factor(ind)
            e = effects.effect(b * factor, s * factor, paired)
            scale = scales[ind.key] * factor
            # Over calibrated draws (both runs from one draws file, paired),
            # the share of the spread that is the parameters' uncertainty.
            share = (effects.parameter_share(effects.difference_samples(b * factor, s * factor, True), base.draw)
                     if paired and over_same_draws(base, run) else np.full(len(base.city_names), np.nan))
            for c, city in enumerate(base.city_names):
                rows.append({
                    "scenario": label, "baseline": labels[0], "city": city, "indicator": ind.key,
                    "label": ind.label, "measure": f"total {years}" if base.kind(ind.key) == "flow" else f"on {horizon}",
                    "unit": "percentage points" if ind.unit == "percent" else ind.unit,
                    "baseline_mean": e.baseline.mean[c], "scenario_mean": e.scenario.mean[c],
                    "effect_mean": e.mean[c], "effect_p05": e.p05[c], "effect_p95": e.p95[c],
                    "within_noise": bool(e.within_noise[c]),
                    "relative_effect": e.mean[c] / scale[c] if scale[c] > 0 else 0.0,
                    "paired": paired, "pairs": int(e.pairs[c]), "ind": ind,
                    "parameter_share": float(share[c]),
                })
    return rows


def over_same_draws(base, run):
    """Both runs over the same calibrated parameter draws (mobsim run --draws)."""
    if base.draw is None or run.draw is None or not np.array_equal(base.draw, run.draw):
        return False
    return base.draws.keys() == run.draws.keys() and all(np.array_equal(base.draws[k], run.draws[k])
                                                         for k in base.draws)


def ranking_scales(base, base_values):
    """{indicator: per-city scale} against which effects are compared to
    rank them across indicators: the baseline level, but never less than a
    floor, so that a change from 2 to 4 homeless people (or from zero) does
    not outrank everything: 0.5% of the residents for counts, 5 percentage
    points for rates, EUR 10 a resident for remittances. Net migration,
    often near zero, is judged against all moves in and out."""
    residents = base.series.population.isel(time=-1).mean("replicate").values.astype(float)
    floors = {"persons": 0.005 * residents, "percent": np.full(len(residents), 0.05),
              "index": np.full(len(residents), 0.05), "EUR": 10.0 * residents}
    scales = {}
    for ind in INDICATORS:
        if base_values[ind.key] is None:
            continue
        if ind.key == "net_migration":
            scales[ind.key] = effects.summarise(gross_migration(base)).mean
        else:
            level = np.abs(effects.summarise(base_values[ind.key]).mean)
            scales[ind.key] = np.maximum(np.nan_to_num(level), floors[ind.unit])
    return scales


def write_effects_csv(rows, path):
    columns = ["scenario", "baseline", "city", "indicator", "measure", "unit", "baseline_mean", "scenario_mean",
               "effect_mean", "effect_p05", "effect_p95", "within_noise", "relative_effect", "paired", "pairs",
               "parameter_share"]
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: (f"{v:.10g}" if isinstance(v, float) else v) for k, v in row.items()})


def top_effects(rows, scenario):
    """The scenario's largest effects outside replicate noise, and the
    largest ones within it, ranked by their size relative to the baseline."""
    mine = [r for r in rows if r["scenario"] == scenario and r["effect_mean"] != 0]
    mine.sort(key=lambda r: -abs(r["relative_effect"]))
    clear = [r for r in mine if not r["within_noise"] or r["pairs"] == 1]
    noisy = [r for r in mine if r["within_noise"] and r["pairs"] > 1]
    return clear[:TOP_EFFECTS], noisy[:2]


# --------------------------------------------------------------------------
# Numbers in plain words

def fmt_people(x):
    """Persons: 2 significant figures below 1,000, 3 above, thousands
    separators; millions spelt out."""
    if not math.isfinite(x):
        return "n/a"
    if abs(x) >= 1e6:
        return f"{round_sig(x, 3) / 1e6:.3g} million"
    return f"{round_sig(x, 2 if abs(x) < 1000 else 3):,.0f}"


def fmt_eur(x):
    if not math.isfinite(x):
        return "n/a"
    if abs(x) >= 1e9:
        return f"EUR {round_sig(x, 3) / 1e9:.3g} billion"
    if abs(x) >= 1e6:
        return f"EUR {round_sig(x, 3) / 1e6:.3g} million"
    return f"EUR {round_sig(x, 3):,.0f}"


def point_decimals(*values):
    """Percentage points take one decimal, two when a value is below 0.05
    (so that a real but small change does not read as 0.0); the numbers of
    one range share their decimals."""
    return 1 if all(abs(v) >= 0.05 or v == 0 for v in values) else 2


def fmt_points(x, decimals=None):
    return f"{x:.{decimals if decimals is not None else point_decimals(x)}f}"


def fmt_level(value, unit):
    """A level (not a difference) in its unit."""
    if unit == "percent":
        return f"{value:.1f}%"
    if unit == "index":
        return f"{value:.3f}"
    return fmt_eur(value) if unit == "EUR" else fmt_people(value)


def fmt_amount(value, unit):
    """The size of a difference, without its sign."""
    value = abs(value)
    if unit == "percent":
        return f"{fmt_points(value)} percentage points"
    if unit == "index":
        return f"{value:.3f} points"
    return fmt_eur(value) if unit == "EUR" else fmt_people(value)


def fmt_bare(value, unit, decimals=None):
    """A difference's size without unit words (for ranges)."""
    value = abs(value)
    if unit == "percent":
        return fmt_points(value, decimals)
    if unit == "index":
        return f"{value:.3f}"
    return (fmt_eur(value) if unit == "EUR" else fmt_people(value))


def fmt_signed(value, unit):
    """A signed difference for tables: +540, -1.2 pp, +EUR 3.4 million."""
    if value == 0:
        return "0"
    sign = "+" if value > 0 else "−"
    suffix = " pp" if unit == "percent" else ""
    return f"{sign}{fmt_bare(value, unit)}{suffix}"


def range_words(row):
    """'90% range 420 to 650 lower', or the plain statement that the range
    includes no change."""
    unit, lo, hi = row["ind"].unit, row["effect_p05"], row["effect_p95"]
    d = point_decimals(lo, hi)
    if row["pairs"] == 1:
        return "a single replicate: no range"
    if lo > 0:
        return f"90% range {fmt_bare(lo, unit, d)} to {fmt_bare(hi, unit, d)} higher"
    if hi < 0:
        return f"90% range {fmt_bare(hi, unit, d)} to {fmt_bare(lo, unit, d)} lower"
    return (f"90% range {fmt_bare(lo, unit, d)} lower to {fmt_bare(hi, unit, d)} higher, which includes no change: "
            "within replicate noise")


def effect_sentence(row):
    """'In Milan, open jobs are about 540 lower by January 2035 (...) with X.'"""
    ind, mid = row["ind"], row["effect_mean"]
    direction = "higher" if mid > 0 else "lower"
    total = row["measure"].startswith("total ")
    when = f"over {row['measure'][len('total '):]}" if total else f"by {row['measure'][len('on '):]}"
    about = "" if ind.unit in ("percent", "index") else "about "
    # The baseline level gives the scale; the scenario's own level is not
    # quoted, so that the sentence states one difference.
    return (f"In {row['city']}, {ind.label} {ind.verb} {about}{fmt_amount(mid, ind.unit)} {direction} {when} "
            f"with {row['scenario']} (baseline {fmt_level(row['baseline_mean'], ind.unit)}; {range_words(row)})."
            + share_words(row))


def share_words(row):
    """Over calibrated draws: how much of the range is the parameters'
    uncertainty and how much chance, in words."""
    share = row.get("parameter_share", float("nan"))
    if not np.isfinite(share):
        return ""
    percent = int(round(10 * share)) * 10
    if percent >= 100:
        return " Nearly all of that range comes from what we do not know about the model's parameters."
    if percent <= 0:
        return " Nearly all of that range is chance; the parameters' uncertainty adds little."
    return (f" About {percent}% of that range comes from what we do not know about the model's parameters, "
            f"the rest from chance.")


def month_year(date):
    return f"{date.strftime('%B')} {date.year}"


def step_year_span(run):
    years = run.years_with_steps()
    return f"{years[0]}–{years[-1]}" if years else "(no steps)"


# --------------------------------------------------------------------------
# Chart data (computed once, vectorised over cities, in the main process)

def band_of(values):
    """(3, ...) array: 5th, 50th and 95th percentiles over the first axis
    (replicates), ignoring NaN (a rate of an empty labour force)."""
    return quantiles(values, QUANTILES)


def quantiles(values, q):
    values = np.asarray(values, dtype=float)
    # nanquantile is a slow Python loop: only where it is needed.
    return np.nanquantile(values, q, axis=0) if np.isnan(values).any() else np.quantile(values, q, axis=0)


def chart_years(run):
    """Calendar years drawn in yearly charts: the complete years, or all
    years with a step if none is complete (short runs)."""
    return run.complete_years() or run.years_with_steps()


def yearly_band(run, da, years):
    """Bands of yearly totals of a flow (replicate, time, ...) over `years`."""
    totals = run.yearly_totals(da).sel(year=years)
    return band_of(totals.values)


def profile_data(run, years):
    """Per run: bands of every profile quantity, for all cities at once;
    sliced per city later."""
    s = run.series
    out = {}
    for key in ["population", "foreign_born_share", "unemployment_rate", "youth_unemployment_rate", "vacancies",
                "rent_index", "homeless", "irregular_residents"]:
        if key in s:
            factor = 100.0 if key in ("foreign_born_share", "unemployment_rate", "youth_unemployment_rate") else 1.0
            out[key] = band_of(s[key].values * factor)
    out["net_migration"] = yearly_band(run, s.net_migration, years)
    if "returns" in s:
        out["returns"] = yearly_band(run, s.returns, years)
    # Whole-run totals by origin and destination, with the boundary flows
    # (rural hinterland, rest of the world) as extra origins/destinations.
    moves = run.flows.sum("time").values.astype(float)               # (replicate, origin, destination)
    arrivals = [moves.transpose(0, 2, 1)]                              # (replicate, city, origin)
    departures = [moves]                                               # (replicate, city, destination)
    arrival_names, departure_names = list(run.city_names), list(run.city_names)
    for key, name in [("hinterland_inflow", "rural hinterland"), ("immigration_from_rest_of_world", "rest of world")]:
        if key in s:
            arrivals.append(s[key].sum("time").values[:, :, None].astype(float))
            arrival_names.append(name)
    if "returns_to_rest_of_world" in s:
        departures.append(s.returns_to_rest_of_world.sum("time").values[:, :, None].astype(float))
        departure_names.append("rest of world")
    out["arrivals"] = band_of(np.concatenate(arrivals, axis=2))
    out["departures"] = band_of(np.concatenate(departures, axis=2))
    return out, arrival_names, departure_names


def top_categories(bands, names, city_index, city_name):
    """The largest categories (by any run's median) for one city."""
    medians = np.max([b[1, city_index] for b in bands], axis=0)
    order = [i for i in np.argsort(-medians, kind="stable") if medians[i] > 0 and names[i] != city_name]
    return order[:BAR_CATEGORIES]


def profile_jobs(runs, labels, colours, charts_dir):
    base = runs[0]
    years = chart_years(base)
    x = base.series.time.values
    data = [profile_data(run, years) for run in runs]
    arrival_names, departure_names = data[0][1], data[0][2]
    tasks = []
    for c, city in enumerate(base.cities):
        origins = top_categories([d[0]["arrivals"] for d in data], arrival_names, c, city.name)
        destinations = top_categories([d[0]["departures"] for d in data], departure_names, c, city.name)
        runs_meta = []
        for (bands, _, _), label, colour in zip(data, labels, colours):
            city_bands = {k: v[:, :, c] for k, v in bands.items() if k not in ("arrivals", "departures")}
            city_bands["arrivals"] = bands["arrivals"][:, c, origins]
            city_bands["departures"] = bands["departures"][:, c, destinations]
            runs_meta.append({"label": label, "colour": colour, "data": city_bands})
        job = {"city": city.name, "country": city.country, "runs": runs_meta, "x": x,
               "years_x": np.array(years) + 0.5, "first": x[0], "last": x[-1], "span": step_year_span(base),
               "origins": [arrival_names[i] for i in origins],
               "destinations": [departure_names[i] for i in destinations]}
        tasks.append(("profile", "profile_" + slug(city.name), job, charts_dir))
    return tasks


def map_common(run):
    pop = run.series.population.isel(time=0).median("replicate").values
    return {"cities": run.city_names, "lon": [c.longitude for c in run.cities], "lat": [c.latitude for c in run.cities],
            "continent": [c.continent for c in run.cities], "population": pop.tolist()}


def map_jobs(runs, labels, charts_dir):
    base = runs[0]
    totals = base.flows.sum("time").median("replicate").values
    pairs = [(float(totals[o, d]), o, d) for o in range(totals.shape[0]) for d in range(totals.shape[1])
             if totals[o, d] > 0]
    pairs.sort(reverse=True)
    common = map_common(base)
    arcs = select_arcs(pairs, common["continent"])
    tasks = [("flow_map", "map_baseline", dict(common, arcs=arcs,
              title=f"Moves between cities, {step_year_span(base)}, {labels[0]}: the {len(arcs)} largest flows "
                    f"(median over replicates)"), charts_dir)]
    base_totals = base.flows.sum("time").values.astype(float)
    for run, label in zip(runs[1:], labels[1:]):
        scen_totals = run.flows.sum("time").values.astype(float)
        change = effects.effect(base_totals.reshape(base.replicates, -1), scen_totals.reshape(run.replicates, -1),
                                effects.is_paired(base, run))
        n = totals.shape[0]
        changes = [(float(change.mean[i]), bool(change.within_noise[i]), i // n, i % n) for i in range(n * n)
                   if change.mean[i] != 0]
        changes.sort(key=lambda a: -abs(a[0]))
        tasks.append(("change_map", "map_change_" + slug(label), dict(common, arcs=changes[:CHANGE_ARCS],
                      title=f"Change in moves between cities, {step_year_span(base)}, {label} against "
                            f"{labels[0]}: the {min(CHANGE_ARCS, len(changes))} largest changes"),
                      charts_dir))
    return tasks


def scheme_catalogue(runs, labels, colours):
    """{scheme name: [(run, label, colour)]} over all runs, in order of
    first appearance."""
    catalogue = {}
    for run, label, colour in zip(runs, labels, colours):
        for name in run.schemes:
            catalogue.setdefault(name, []).append((run, label, colour))
    return catalogue


def scheme_jobs(catalogue, charts_dir):
    tasks = []
    for name, members in catalogue.items():
        run0 = members[0][0]
        years = chart_years(run0)
        block = run0.scenario.get("circular_schemes", {}).get(name, {})
        route = f"{block.get('origin', '?')} → {block.get('destination', '?')}, {block.get('sector', '?')}"
        runs_meta = []
        for run, label, colour in members:
            g = run.schemes[name]
            data = {"participants_abroad": band_of(g.participants_abroad.values)}
            for key in ["departures", "returns", "overstays", "remittances", "skill_gains"]:
                if key in g:
                    data[key] = yearly_band(run, g[key], years)
            runs_meta.append({"label": label, "colour": colour, "data": data})
        x = run0.series.time.values
        tasks.append(("scheme", "scheme_" + slug(name), {"name": name, "route": route, "runs": runs_meta, "x": x,
                      "years_x": np.array(years) + 0.5, "first": x[0], "last": x[-1]}, charts_dir))
    return tasks


def heatmap_jobs(rows, runs, labels, charts_dir):
    tasks = []
    cities = runs[0].city_names
    for label in labels[1:]:
        mine = [r for r in rows if r["scenario"] == label]
        keys = [ind for ind in INDICATORS if any(r["indicator"] == ind.key for r in mine)]
        if not keys:
            continue
        rel = np.full((len(cities), len(keys)), np.nan)
        noisy = np.zeros_like(rel, dtype=bool)
        for r in mine:
            i, j = cities.index(r["city"]), [k.key for k in keys].index(r["indicator"])
            rel[i, j], noisy[i, j] = r["relative_effect"], r["within_noise"] and r["pairs"] > 1
        names = [short_label(k, runs[0]) for k in keys]
        tasks.append(("heatmap", "effects_" + slug(label), {"rel": rel, "noisy": noisy, "cities": cities,
                      "labels": names, "title": f"Effects of {label} against {labels[0]} relative to the baseline "
                                                 f"level; grey: within replicate noise"}, charts_dir))
    return tasks


def short_label(ind, run):
    when = "(total)" if run.kind(ind.key) == "flow" else "(end)"
    return f"{ind.label.replace('the ', '').replace('residents without legal status', 'without legal status')} {when}"


def slug(name):
    """ASCII id for HTML anchors and file names: 'Zürich' -> 'Zurich'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in ascii_name)


# --------------------------------------------------------------------------
# HTML

CSS = """
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: #1b1b1b; margin: 0;
       background: #fafafa; }
main { max-width: 1500px; margin: 0 auto; padding: 1.5em 2em 4em; background: white; }
h1 { font-size: 1.9em; margin-bottom: 0.2em; }
h2 { border-bottom: 2px solid #0072B2; padding-bottom: 0.2em; margin-top: 2.2em; }
h3 { margin-top: 1.6em; } .meta { color: #555; } nav li { margin: 0.15em 0; }
figure { margin: 1em 0; } figure img { width: 100%; height: auto; border: 1px solid #e4e4e4; }
figcaption { color: #444; font-size: 0.92em; margin-top: 0.4em; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.92em; }
th, td { border-bottom: 1px solid #ddd; padding: 0.3em 0.6em; text-align: right; }
th { background: #f0f4f8; } td.l, th.l { text-align: left; }
.noise { color: #777; } .effects li { margin: 0.45em 0; line-height: 1.45; }
.swatch { display: inline-block; width: 1.6em; height: 0.7em; margin-right: 0.4em; vertical-align: middle; }
details { margin: 0.6em 0; } summary { cursor: pointer; color: #0072B2; }
pre { background: #f6f6f6; padding: 0.8em; overflow-x: auto; font-size: 0.8em; max-height: 40em; }
.citylinks a { margin-right: 0.8em; white-space: nowrap; }
"""


def esc(value):
    return html.escape(str(value), quote=True)


def figure_html(name, image, caption):
    """A chart embedded as data (the smaller of its PNG and SVG: `image` is
    (mime type, bytes)), with links to both files."""
    mime, content = image
    data = base64.b64encode(content).decode("ascii")
    return (f'<figure><img src="data:{mime};base64,{data}" alt="{esc(caption)}">'
            f'<figcaption>{esc(caption)} Files: <a href="charts/{esc(name)}.png">PNG</a>, '
            f'<a href="charts/{esc(name)}.svg">SVG</a>.</figcaption></figure>')


def legend_html(labels, colours):
    return " ".join(f'<span><span class="swatch" style="background:{c}"></span>{esc(label)}</span>'
                    for label, c in zip(labels, colours))


def glance_table(run, label):
    """Cities at a glance in the baseline: start and end of the run."""
    s = run.series
    first, last = month_year(s.date.values[0]), month_year(s.date.values[-1])
    period = effects.whole_run(run)

    def mean(key, factor=1.0, start=False):
        if key not in s:
            return None
        values = s[key].isel(time=0).values if start else effects.indicator_values(run, key, period)
        return effects.summarise(values * factor).mean

    columns = [("Residents " + first, mean("population", start=True), "persons"),
               ("Residents " + last, mean("population"), "persons"),
               ("Foreign-born " + last, mean("foreign_born_share", 100), "percent"),
               ("Net migration " + step_year_span(run), mean("net_migration"), "persons"),
               ("Unemployment " + last, mean("unemployment_rate", 100), "percent"),
               ("Youth unemployment " + last, mean("youth_unemployment_rate", 100), "percent"),
               ("Open jobs " + last, mean("vacancies"), "persons"),
               ("Rent index " + last, mean("rent_index"), "index"),
               ("Homeless " + last, mean("homeless"), "persons")]
    columns = [c for c in columns if c[1] is not None]
    head = "".join(f"<th>{esc(name)}</th>" for name, _, _ in columns)
    body = []
    for c, city in enumerate(run.cities):
        cells = "".join(f"<td>{esc(fmt_level(float(values[c]), unit))}</td>" for _, values, unit in columns)
        body.append(f'<tr><td class="l"><a href="#profile-{slug(city.name)}">{esc(city.name)}</a></td>{cells}</tr>')
    return (f"<h3>Cities at a glance: {esc(label)}</h3><p>Means over replicates.</p>"
            f'<table><tr><th class="l">City</th>{head}</tr>{"".join(body)}</table>')


def effects_table(rows, title):
    head = ("<tr><th class='l'>City</th><th class='l'>Indicator</th><th class='l'>When</th><th>Baseline</th>"
            "<th>Scenario</th><th>Effect (mean)</th><th>90% range</th><th class='l'>Noise</th></tr>")
    body = []
    for r in rows:
        unit = r["ind"].unit
        noise = "within replicate noise" if r["within_noise"] and r["pairs"] > 1 else ""
        body.append(f"<tr{' class=noise' if noise else ''}><td class='l'>{esc(r['city'])}</td>"
                    f"<td class='l'>{esc(r['ind'].label)}</td><td class='l'>{esc(r['measure'])}</td>"
                    f"<td>{esc(fmt_level(r['baseline_mean'], unit))}</td>"
                    f"<td>{esc(fmt_level(r['scenario_mean'], unit))}</td>"
                    f"<td>{esc(fmt_signed(r['effect_mean'], unit))}</td>"
                    f"<td>{esc(fmt_signed(r['effect_p05'], unit))} to {esc(fmt_signed(r['effect_p95'], unit))}</td>"
                    f"<td class='l'>{noise}</td></tr>")
    return f"<table><caption>{esc(title)}</caption>{head}{''.join(body)}</table>"


def summary_section(runs, labels, rows, charts):
    base = runs[0]
    parts = ['<section id="summary"><h2>Executive summary</h2>']
    if len(runs) == 1:
        parts.append(f"<p>This report describes one run, <b>{esc(labels[0])}</b>, without a comparison: "
                     "give scenario files after the baseline to see their effects.</p>")
    for run, label in zip(runs[1:], labels[1:]):
        clear, noisy = top_effects(rows, label)
        paired = effects.is_paired(base, run)
        how = (f"paired by replicate ({run.replicates} pairs)" if paired else
               "not paired (different replicate seeds): every scenario replicate against every baseline one")
        if paired and over_same_draws(base, run):
            draws = len(np.unique(base.draw))
            how += (f", over {draws} calibrated parameter draws with {run.replicates // draws} replicates each: "
                    "the ranges include what we do not know about the parameters as well as chance")
        parts.append(f'<h3 id="summary-{slug(label)}">{esc(label)} compared with {esc(labels[0])}</h3>')
        if run.description:
            parts.append(f"<p class='meta'>{esc(run.description)}</p>")
        if clear:
            parts.append("<p>Largest effects:</p><ul class='effects'>" +
                         "".join(f"<li>{esc(effect_sentence(r))}</li>" for r in clear) + "</ul>")
        else:
            parts.append("<p><b>No effect stands out from replicate noise</b> in any city or indicator.</p>")
        if noisy:
            parts.append("<p class='noise'>Large but not distinguishable from replicate noise:</p><ul class='effects "
                         "noise'>" + "".join(f"<li>{esc(effect_sentence(r))}</li>" for r in noisy) + "</ul>")
        parts.append(f"<p class='meta'>Comparison {esc(how)}. Ranges are the 5th to 95th percentiles of the "
                     "differences; with few replicates they are close to the smallest and largest difference.</p>")
        name = "effects_" + slug(label)
        if name in charts:
            parts.append(figure_html(name, charts[name], f"Effects of {label} in every city, relative to the "
                                     "baseline level (or its floor); grey cells are within replicate noise."))
        mine = sorted((r for r in rows if r["scenario"] == label), key=lambda r: (r["city"], r["indicator"]))
        parts.append("<details><summary>All effects of " + esc(label) + " (table; also in effects.csv)</summary>" +
                     effects_table(mine, f"{label} minus {labels[0]}") + "</details>")
    parts.append(glance_table(base, labels[0]))
    parts.append("</section>")
    return "".join(parts)


def map_section(runs, labels, charts):
    parts = ['<section id="map"><h2>Map of the flows between cities</h2>',
             "<p>Cities are placed by latitude and longitude (equirectangular projection, graticule every 10° or "
             "5°; the European cities are enlarged in a second panel); dot area grows with the population at the "
             "start. Arrows run from origin to destination and bend to the right "
             "of the direction of travel, so both directions of a pair show; width grows with the number of people "
             "moved over the whole run (median over replicates). Moves to and from the rural hinterland and the rest "
             "of the world are not drawn (see the city profiles).</p>"]
    for name in ["map_baseline"] + [f"map_change_{slug(label)}" for label in labels[1:]]:
        if name in charts:
            caption = ("Largest flows in the baseline, coloured by corridor." if name == "map_baseline" else
                       "Change in flows against the baseline: blue more moves, vermillion fewer; dashed where the "
                       "90% range of the change includes zero.")
            parts.append(figure_html(name, charts[name], caption))
    parts.append("</section>")
    return "".join(parts)


def profiles_section(runs, labels, colours, charts):
    base = runs[0]
    links = " ".join(f'<a href="#profile-{slug(c.name)}">{esc(c.name)}</a>' for c in base.cities)
    parts = ['<section id="profiles"><h2>City mobility profiles</h2>',
             f"<p>One profile per city: residents and foreign-born share, net migration (everyone arriving less "
             f"everyone leaving, hinterland and rest of the world included) and return migration per calendar year, "
             f"where arrivals come from and departures go to over the whole run, and the labour and housing "
             f"indicators. Lines are medians over replicates, shaded bands and whiskers the 5th to 95th "
             f"percentiles. Runs: {legend_html(labels, colours)}.</p><p class='citylinks'>{links}</p>"]
    for city in base.cities:
        name = "profile_" + slug(city.name)
        parts.append(f'<section id="profile-{slug(city.name)}"><h3>{esc(city.name)} ({esc(city.country)}, '
                     f'{esc(city.continent)})</h3>')
        parts.append(figure_html(name, charts[name], f"Mobility profile of {city.name}."))
        parts.append("</section>")
    parts.append("</section>")
    return "".join(parts)


def scheme_table(members, name):
    """Yearly means of a scheme (schemes.yearly_means, as
    scripts/scheme_report.py prints them), one table per run that has it."""
    out = []
    for run, label, _ in members:
        g = run.schemes[name]
        years = chart_years(run)
        cols = [k for k in schemes.SCHEME_FLOWS if k in g]
        means = schemes.yearly_means(run, name, years)
        head = "".join(f"<th>{esc(k.replace('_', ' '))}</th>" for k in cols)
        body = []
        for year in years:
            cells = "".join(f"<td>{esc((fmt_eur if k == 'remittances' else fmt_people)(means[year][k]))}</td>"
                            for k in cols)
            body.append(f"<tr><td class='l'>{year}</td>{cells}"
                        f"<td>{esc(fmt_people(means[year]['participants_abroad']))}</td></tr>")
        out.append(f"<table><caption>{esc(label)}: totals per year (means over replicates)</caption>"
                   f"<tr><th class='l'>year</th>{head}<th>abroad at year end</th></tr>{''.join(body)}</table>")
    return "".join(out)


def scheme_facts(block):
    """'Freetown → Milan; sector ...; quota 1,000 a year; from 2026-01; stays of 9 months'."""
    window = f"from {block.get('start', '?')}"
    if block.get("end", "9999-12") != "9999-12":  # 9999-12: no end
        window += f" to {block['end']}"
    quota = block.get("annual_quota")
    return "; ".join([f"{block.get('origin', '?')} → {block.get('destination', '?')}",
                      f"sector {block.get('sector', '?')}",
                      f"quota {fmt_people(float(quota))} a year" if quota is not None else "no quota given",
                      window, f"stays of {block.get('stay_months', '?'):g} months"
                      if isinstance(block.get("stay_months"), (int, float)) else "stay length not given"])


def schemes_section(catalogue, rows, charts):
    parts = ['<section id="schemes"><h2>Circular schemes</h2>']
    if not catalogue:
        parts.append("<p>None of the runs has a circular scheme.</p>")
    for name, members in catalogue.items():
        run0 = members[0][0]
        block = run0.scenario.get("circular_schemes", {}).get(name, {})
        parts.append(f'<section id="scheme-{slug(name)}"><h3>{esc(name)}</h3>')
        parts.append(f"<p>{esc(scheme_facts(block))}. Runs with this scheme: "
                     f"{esc(', '.join(label for _, label, _ in members))}.</p>")
        # The scheme's reach into its two cities, from the effects table.
        for _, label, _ in members:
            for city, key in [(block.get("origin"), "youth_unemployment_rate"), (block.get("origin"),
                              "remittances_received"), (block.get("destination"), "vacancies")]:
                hit = [r for r in rows if r["scenario"] == label and r["city"] == city and r["indicator"] == key]
                if hit:
                    noisy = hit[0]["within_noise"] and hit[0]["pairs"] > 1
                    parts.append(f"<p{' class=noise' if noisy else ''}>{esc(effect_sentence(hit[0]))}</p>")
        parts.append(figure_html("scheme_" + slug(name), charts["scheme_" + slug(name)],
                                 f"Circular scheme {name}: participants abroad at each month, and yearly departures, "
                                 "returns, overstays, remittances and skill gains (median and 90% range)."))
        parts.append(scheme_table(members, name))
        parts.append("</section>")
    parts.append("</section>")
    return "".join(parts)


def provenance_section(runs, labels, colours, model_link):
    parts = ['<section id="provenance"><h2>Methods and provenance</h2>',
             "<p><b>Model.</b> mobsim is an agent-based model of people living, working, renting, sending money and "
             "moving between the cities; its mechanisms, equations and parameter sources are described in "
             f'<a href="{esc(model_link)}">docs/MODEL.md</a> (in the mobsim source tree) and the output layout in '
             "docs/OUTPUT.md.</p>",
             "<p><b>Reading the numbers.</b> Counts are persons (agents times people per agent, so multiples of "
             "it). Values “by” a month are the state on the first of that month; totals “over” years add the "
             "monthly steps that ran in those calendar years. Net migration is the change in population less "
             "births plus deaths, i.e. every arrival (from other cities, the rural hinterland and the rest of the "
             "world) less every departure. Lines are medians over replicates and bands the 5th to 95th "
             "percentiles. An effect is the difference scenario minus baseline; when both runs have the same "
             "replicate seeds, replicate r is compared with replicate r (the random draws are keyed by agent, "
             "step and purpose, so the difference isolates the policy), otherwise every pair of replicates is "
             "compared; the effect quoted is the mean of these differences and its 90% range their 5th to 95th "
             "percentiles, the definition <code>mobsim compare</code> uses (docs/OUTPUT.md, “Effects”). An effect whose 90% range includes zero is reported as within replicate noise. Effects "
             "are ranked by their size relative to the baseline level, with floors so that small counts do not "
             "dominate: at least 0.5% of the residents for counts, 5 percentage points for rates, EUR 10 a "
             "resident for remittances; net migration is judged against all moves in and out. Values at the end "
             "of the run are single time points; with few replicates, ranges are close to the smallest and "
             "largest difference: run more replicates before reading small effects.</p>",
             "<table><tr><th class='l'>Run</th><th class='l'>File</th><th class='l'>Scenario</th><th>Seed</th>"
             "<th>Replicates</th><th>People per agent</th><th class='l'>mobsim</th><th class='l'>Commit</th></tr>"]
    for run, label, colour in zip(runs, labels, colours):
        parts.append(f"<tr><td class='l'><span class='swatch' style='background:{colour}'></span>{esc(label)}"
                     f"{' (baseline)' if run is runs[0] else ''}</td><td class='l'>{esc(os.path.abspath(run.path))}"
                     f"</td><td class='l'>{esc(run.name)}: {esc(run.description)}</td><td>{run.seed}</td>"
                     f"<td>{run.replicates}</td><td>{run.people_per_agent}</td><td class='l'>{esc(run.version)}</td>"
                     f"<td class='l'>{esc(run.git_commit)}</td></tr>")
    parts.append("</table>")
    for run, label in zip(runs, labels):
        seeds = ", ".join(str(int(s)) for s in run.replicate_seeds)
        parts.append(f"<h3>{esc(label)}</h3><p>Calendar: {run.series.sizes['time']} time points from {run.start}, "
                     f"steps of {run.step_months} month(s). Master seed {run.seed}; replicate seeds {esc(seeds)}."
                     f"</p><p class='meta'>History: {esc(run.attrs.get('history', ''))}</p>"
                     f"<details><summary>Resolved scenario of {esc(label)} (a valid scenario file: save it and run it "
                     f"to reproduce the run)</summary><pre>{esc(run.attrs.get('scenario', ''))}</pre></details>")
    parts.append("</section>")
    return "".join(parts)


def build_html(title, runs, labels, colours, rows, catalogue, charts, model_link):
    base = runs[0]
    toc = ['<li><a href="#summary">Executive summary</a></li>', '<li><a href="#map">Map of the flows</a></li>',
           '<li><a href="#profiles">City mobility profiles</a></li>']
    toc += [f'<li><a href="#scheme-{slug(n)}">Scheme {esc(n)}</a></li>' for n in catalogue]
    toc.append('<li><a href="#provenance">Methods and provenance</a></li>')
    generated = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    intro = (f"<p class='meta'>{len(base.cities)} cities, {month_year(base.series.date.values[0])} to "
             f"{month_year(base.series.date.values[-1])}; baseline <b>{esc(labels[0])}</b>"
             + (f", scenarios {esc(', '.join(labels[1:]))}" if len(labels) > 1 else "") +
             f". Generated {generated} by scripts/report.py.</p><p>Runs: {legend_html(labels, colours)}</p>")
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{esc(title)}</title><style>{CSS}</style></head><body><main>"
            f"<h1>{esc(title)}</h1>{intro}<nav><h2>Contents</h2><ul>{''.join(toc)}</ul></nav>"
            + summary_section(runs, labels, rows, charts) + map_section(runs, labels, charts)
            + profiles_section(runs, labels, colours, charts) + schemes_section(catalogue, rows, charts)
            + provenance_section(runs, labels, colours, model_link) + "</main></body></html>")


# --------------------------------------------------------------------------

def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog="The first file is the baseline; the others are compared with it.")
    parser.add_argument("files", nargs="+", metavar="RUN.h5", help="mobsim output files, baseline first")
    parser.add_argument("-o", "--output", required=True, metavar="DIR", help="directory for report.html and charts/")
    parser.add_argument("--title", help="report title (default: from the scenario names)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes drawing charts")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    started = time.monotonic()
    try:
        runs = load_runs(args.files)
        check_compatible(runs)
    except Refused as error:
        print(f"report.py: error: {error}", file=sys.stderr)
        return 2
    align_cities(runs)
    labels = run_labels(runs)
    colours = [BASELINE_COLOUR] + [SCENARIO_COLOURS[i % len(SCENARIO_COLOURS)] for i in range(len(runs) - 1)]
    title = args.title or ("mobsim: " + labels[0] + (" compared with " + ", ".join(labels[1:]) if len(labels) > 1
                                                      else ""))
    charts_dir = os.path.join(args.output, "charts")
    os.makedirs(charts_dir, exist_ok=True)

    rows = compute_effects(runs, labels)
    if len(runs) > 1:
        write_effects_csv(rows, os.path.join(args.output, "effects.csv"))
    catalogue = scheme_catalogue(runs, labels, colours)
    tasks = (profile_jobs(runs, labels, colours, charts_dir) + map_jobs(runs, labels, charts_dir)
             + scheme_jobs(catalogue, charts_dir) + heatmap_jobs(rows, runs, labels, charts_dir))
    charts = render_all(tasks, max(1, args.jobs))

    repo_docs = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "docs",
                             "MODEL.md")
    model_link = os.path.relpath(repo_docs, os.path.abspath(args.output)).replace(os.sep, "/")
    page = build_html(title, runs, labels, colours, rows, catalogue, charts, model_link)
    path = os.path.join(args.output, "report.html")
    with open(path, "w", encoding="utf-8") as f:
        f.write(page)
    print(f"{len(charts)} charts in {time.monotonic() - started:.1f} s")
    print(f"report: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
