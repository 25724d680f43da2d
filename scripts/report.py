#!/usr/bin/python3
"""Self-contained HTML report comparing mobsim runs with a baseline.

    scripts/report.py out/baseline.h5 out/fashion.h5 [more.h5 ...] -o out/report [--title "..."]

The first file is the baseline, the others are scenarios compared with it.
Writes DIR/report.html (charts embedded as PNG data, no external resources:
it opens offline and can be mailed), every chart again as DIR/charts/*.png
and *.svg for slide decks, and DIR/effects.csv (every city x indicator
effect with its 90% range). Sections: executive summary, map of the flows,
a mobility profile for every city, a dashboard per circular scheme, and
methods and provenance.

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
import io
import math
import multiprocessing
import os
import sys
import time
import unicodedata
from dataclasses import dataclass

import numpy as np

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after selecting the backend)
from matplotlib.patches import FancyArrowPatch  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mobsim_read import open_run  # noqa: E402

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
# The baseline is always black; scenarios take the others in order, yellow
# last because it is faint on white.
BASELINE_COLOUR = "#000000"
SCENARIO_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442"]
# Map corridors and signs of change, from the same palette.
CORRIDOR_COLOURS = {"Africa → Europe": "#D55E00", "Europe → Africa": "#0072B2",
                    "within Africa": "#E69F00", "within Europe": "#009E73", "other": "#999999"}
MORE, FEWER = "#0072B2", "#D55E00"
QUANTILES = (0.05, 0.5, 0.95)
TOP_EFFECTS = 5           # sentences per scenario in the executive summary
MAP_ARCS = 45             # largest flows drawn on the baseline map ...
ARCS_PER_CORRIDOR = 6     # ... plus the largest of each corridor
CHANGE_ARCS = 40          # largest changes drawn on a change map
BAR_CATEGORIES = 8        # origins / destinations in a profile's bar charts
PNG_DPI = 80              # embedded and saved PNGs: sharp on a slide, light in the page

plt.rcParams.update({
    "font.family": "DejaVu Sans", "font.size": 12, "axes.titlesize": 13, "axes.titleweight": "bold",
    "axes.labelsize": 11, "legend.fontsize": 11, "axes.spines.top": False, "axes.spines.right": False,
    "axes.grid": True, "grid.color": "#dddddd", "grid.linewidth": 0.6,
    "svg.fonttype": "none",     # text stays text in the SVGs: editable in slide software
    "svg.hashsalt": "mobsim",   # stable ids: the same data give the same SVG
})


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
    measure: str      # "horizon" (value at the last time point) or "run" (total over the run)
    series: tuple     # /series the indicator needs


INDICATORS = [
    Indicator("population", "the population", "is", "persons", "horizon", ("population",)),
    Indicator("foreign_born_share", "the foreign-born share", "is", "percent", "horizon", ("foreign_born_share",)),
    Indicator("net_migration", "net migration", "is", "persons", "run", ("population",)),
    Indicator("unemployment_rate", "the unemployment rate", "is", "percent", "horizon", ("unemployment_rate",)),
    Indicator("youth_unemployment_rate", "the youth unemployment rate", "is", "percent", "horizon",
              ("youth_unemployment_rate",)),
    Indicator("vacancies", "open jobs", "are", "persons", "horizon", ("vacancies",)),
    Indicator("rent_index", "the rent index", "is", "index", "horizon", ("rent_index",)),
    Indicator("homeless", "homeless residents", "are", "persons", "horizon", ("homeless",)),
    Indicator("irregular_residents", "residents without legal status", "are", "persons", "horizon",
              ("irregular_residents",)),
    Indicator("remittances_received", "remittances received", "are", "EUR", "run", ("remittances_received",)),
    Indicator("returns", "return migrants leaving", "are", "persons", "run", ("returns",)),
]


def net_migration_steps(run):
    """Net migration per step and city: population change less natural
    increase. By the books-balance identity this is every move in (other
    cities, hinterland, rest of world) less every move out, whatever models
    the run selected. 0 at index 0."""
    s = run.series
    change = s.population.diff("time")
    natural = (s.births - s.deaths).isel(time=slice(1, None)) if "births" in s else 0
    net = (change - natural).reindex(time=s.time, fill_value=0)
    return net.assign_attrs(units="persons", long_name="Net migration during the step")


def indicator_values(run, ind):
    """(replicate, city) array of an indicator, or None when the run lacks
    the series it needs."""
    s = run.series
    if any(name not in s for name in ind.series):
        return None
    if ind.key == "net_migration":
        return net_migration_steps(run).sum("time").values
    da = s[ind.series[0]]
    return (da.sum("time") if ind.measure == "run" else da.isel(time=-1)).values.astype(float)


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


def is_paired(base, run):
    """Replicate r of one run matches replicate r of the other when both have
    the same replicate seeds (same run.seed and number of replicates)."""
    return (len(base.replicate_seeds) == len(run.replicate_seeds) > 0
            and bool(np.array_equal(base.replicate_seeds, run.replicate_seeds)))


# --------------------------------------------------------------------------
# Effects against the baseline

def difference_samples(base_values, scen_values, paired):
    """(samples, city) differences scenario - baseline: one per replicate
    pair when paired, otherwise every scenario replicate against every
    baseline replicate."""
    if paired:
        return scen_values - base_values
    return (scen_values[:, None, :] - base_values[None, :, :]).reshape(-1, base_values.shape[1])


def compute_effects(runs, labels):
    """One row per scenario x city x indicator (display units: percent and
    percentage points for rates)."""
    base = runs[0]
    horizon = month_year(base.series.date.values[-1])
    years = step_year_span(base)
    base_values = {ind.key: indicator_values(base, ind) for ind in INDICATORS}
    scales = ranking_scales(base, base_values)
    rows = []
    for run, label in zip(runs[1:], labels[1:]):
        paired = is_paired(base, run)
        for ind in INDICATORS:
            b, s = base_values[ind.key], indicator_values(run, ind)
            if b is None or s is None:
                continue
            factor = display_factor(ind)
            diff = difference_samples(b, s, paired) * factor
            lo, mid, hi = quantiles(diff, QUANTILES)
            b_med, s_med = np.nanmedian(b, axis=0) * factor, np.nanmedian(s, axis=0) * factor
            scale = scales[ind.key] * factor
            for c, city in enumerate(base.city_names):
                rows.append({
                    "scenario": label, "baseline": labels[0], "city": city, "indicator": ind.key,
                    "label": ind.label, "measure": f"on {horizon}" if ind.measure == "horizon" else f"total {years}",
                    "unit": "percentage points" if ind.unit == "percent" else ind.unit,
                    "baseline_median": b_med[c], "scenario_median": s_med[c],
                    "effect_median": mid[c], "effect_p05": lo[c], "effect_p95": hi[c],
                    "within_noise": bool(lo[c] <= 0 <= hi[c]),
                    "relative_effect": mid[c] / scale[c] if scale[c] > 0 else 0.0,
                    "paired": paired, "pairs": diff.shape[0], "ind": ind,
                })
    return rows


def ranking_scales(base, base_values):
    """{indicator: per-city scale} against which effects are compared to
    rank them across indicators: the baseline level, but never less than a
    floor, so that a change from 2 to 4 homeless people (or from zero) does
    not outrank everything: 0.5% of the residents for counts, 5 percentage
    points for rates, EUR 10 a resident for remittances. Net migration,
    often near zero, is judged against all moves in and out."""
    residents = base.series.population.isel(time=-1).median("replicate").values.astype(float)
    floors = {"persons": 0.005 * residents, "percent": np.full(len(residents), 0.05),
              "index": np.full(len(residents), 0.05), "EUR": 10.0 * residents}
    scales = {}
    for ind in INDICATORS:
        if base_values[ind.key] is None:
            continue
        if ind.key == "net_migration":
            scales[ind.key] = np.median(gross_migration(base), axis=0)
        else:
            level = np.abs(np.nanmedian(base_values[ind.key], axis=0))
            scales[ind.key] = np.maximum(np.nan_to_num(level), floors[ind.unit])
    return scales


def write_effects_csv(rows, path):
    columns = ["scenario", "baseline", "city", "indicator", "measure", "unit", "baseline_median", "scenario_median",
               "effect_median", "effect_p05", "effect_p95", "within_noise", "relative_effect", "paired", "pairs"]
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: (f"{v:.10g}" if isinstance(v, float) else v) for k, v in row.items()})


def top_effects(rows, scenario):
    """The scenario's largest effects outside replicate noise, and the
    largest ones within it, ranked by their size relative to the baseline."""
    mine = [r for r in rows if r["scenario"] == scenario and r["effect_median"] != 0]
    mine.sort(key=lambda r: -abs(r["relative_effect"]))
    clear = [r for r in mine if not r["within_noise"] or r["pairs"] == 1]
    noisy = [r for r in mine if r["within_noise"] and r["pairs"] > 1]
    return clear[:TOP_EFFECTS], noisy[:2]


# --------------------------------------------------------------------------
# Numbers in plain words

def round_sig(x, sig):
    if not math.isfinite(x) or x == 0:
        return x
    return round(x, sig - int(math.floor(math.log10(abs(x)))) - 1)


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
    ind, mid = row["ind"], row["effect_median"]
    direction = "higher" if mid > 0 else "lower"
    when = f"by {row['measure'][3:]}" if ind.measure == "horizon" else f"over {row['measure'][6:]}"
    about = "" if ind.unit in ("percent", "index") else "about "
    # The baseline level gives the scale; the scenario's own median is not
    # quoted because the median difference is not the difference of medians.
    return (f"In {row['city']}, {ind.label} {ind.verb} {about}{fmt_amount(mid, ind.unit)} {direction} {when} "
            f"with {row['scenario']} (baseline {fmt_level(row['baseline_median'], ind.unit)}; {range_words(row)}).")


def month_year(date):
    return f"{date.strftime('%B')} {date.year}"


def step_year_span(run):
    years = run.step_years(run.series)
    years = years[years >= 0]
    return f"{years.min()}–{years.max()}" if len(years) else "(no steps)"


# --------------------------------------------------------------------------
# Chart helpers (run in worker processes: module-level functions, plain data)

def people_formatter(value, _pos=None):
    """Compact persons for legends: 30k, 1.2M, 7,000."""
    if abs(value) >= 1e6:
        return f"{value / 1e6:.3g}M"
    if abs(value) >= 1e4:
        return f"{value / 1e3:.0f}k"
    return f"{value:,.0f}"


def number_axis(ax, unit, axis="y"):
    """Tick labels in one style along an axis (call after plotting): 25k,
    50k, 75k rather than 7,500 next to 10k; decimals only as many as the
    tick spacing needs; percent signs; euros."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    locator = MaxNLocator(5)
    target.set_major_locator(locator)
    low, high = ax.get_ylim() if axis == "y" else ax.get_xlim()
    ticks = locator.tick_values(low, high)
    step = abs(ticks[1] - ticks[0]) if len(ticks) > 1 else 1.0
    top = max(abs(low), abs(high))
    if unit == "percent" or unit == "index":
        scale, suffix = 1.0, "%" if unit == "percent" else ""
    elif top >= 1e9 and unit == "EUR":
        scale, suffix = 1e9, "bn"
    elif top >= 1e6:
        scale, suffix = 1e6, "M"
    elif top >= 1e4:
        scale, suffix = 1e3, "k"
    else:
        scale, suffix = 1.0, ""
    # As many decimals as the tick spacing needs (0.015 needs 3), no more.
    decimals = next((d for d in range(6) if abs(round(step / scale, d) - step / scale) < 1e-9 * max(1, step / scale)),
                    6)
    prefix = "€" if unit == "EUR" else ""

    def label(v, _pos=None):
        if v == 0:
            return "0"
        return f"{'−' if v < 0 else ''}{prefix}{abs(v) / scale:,.{decimals}f}{suffix}"

    target.set_major_formatter(FuncFormatter(label))


def year_axis(ax, first, last):
    """Calendar years on x, one tick a year (every other one on long runs)."""
    ax.set_xlim(first, last)
    span = last - first
    # Panels are narrow: at most about seven labels.
    step = 1 if span <= 7 else 2 if span <= 14 else 5 if span <= 35 else 10
    ticks = np.arange(math.ceil(first), math.floor(last) + 1, step)
    ax.set_xticks(ticks)
    ax.set_xticklabels([str(int(t)) for t in ticks], rotation=0)
    ax.set_xlabel("year")


def band_plot(ax, x, band, colour, label, marker=None):
    """Median line and the 5th-95th percentile band of one run."""
    lo, mid, hi = band
    ax.fill_between(x, lo, hi, color=colour, alpha=0.18, linewidth=0)
    ax.plot(x, mid, color=colour, linewidth=2.0, label=label, marker=marker, markersize=4)


def no_data(ax, title, why="not in these runs"):
    ax.set_title(title)
    ax.text(0.5, 0.5, why, transform=ax.transAxes, ha="center", va="center", color="#777777")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)


def time_panel(ax, panel, runs_meta, x, first, last):
    """A time-series panel: each run's median and band."""
    title, unit, key = panel["title"], panel["unit"], panel["key"]
    bands = [(meta, meta["data"].get(key)) for meta in runs_meta]
    if all(b is None for _, b in bands):
        return no_data(ax, title)
    for meta, band in bands:
        if band is not None:
            band_plot(ax, panel.get("x", x), band, meta["colour"], meta["label"], panel.get("marker"))
    ax.set_title(title)
    ax.set_ylabel(panel["ylabel"])
    if panel.get("zero_line"):
        ax.axhline(0, color="#888888", linewidth=0.8)
    year_axis(ax, first, last)
    number_axis(ax, unit)


def bar_panel(ax, title, xlabel, categories, runs_meta, key):
    """Horizontal bars: each run's median total per category, whiskers for
    the 90% range. Categories are ordered largest first."""
    ax.set_title(title)
    if not categories:
        return no_data(ax, title, "no moves recorded")
    n = len(runs_meta)
    height = 0.8 / n
    y = np.arange(len(categories))
    for i, meta in enumerate(runs_meta):
        lo, mid, hi = meta["data"][key]
        pos = y - 0.4 + height * (i + 0.5)
        ax.barh(pos, mid, height=height * 0.92, color=meta["colour"], alpha=0.85, label=meta["label"])
        if (hi > lo).any():  # no whiskers for a single replicate
            ax.errorbar(mid, pos, xerr=[mid - lo, hi - mid], fmt="none", ecolor="#444444", elinewidth=1, capsize=2)
    ax.set_yticks(y)
    ax.set_yticklabels(categories)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    number_axis(ax, "persons", axis="x")


def runs_legend(fig, runs_meta, y=0.955):
    handles = [Line2D([], [], color=m["colour"], linewidth=3) for m in runs_meta]
    labels = [m["label"] for m in runs_meta]
    handles.append(plt.Rectangle((0, 0), 1, 1, color="#888888", alpha=0.25))
    labels.append("shaded / whiskers: 90% range over replicates")
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, y), ncol=min(len(labels), 4),
               frameon=False, fontsize=12)


def profile_figure(job):
    """A city's mobility profile: people, moves, labour and housing."""
    runs_meta, x, years_x, first, last = job["runs"], job["x"], job["years_x"], job["first"], job["last"]
    span = job["span"]
    fig, axes = plt.subplots(3, 4, figsize=(20, 13.5))
    panels = [
        dict(key="population", title="Residents", unit="persons", ylabel="persons"),
        dict(key="foreign_born_share", title="Foreign-born share", unit="percent", ylabel="% of residents"),
        dict(key="net_migration", title="Net migration per year", unit="persons", ylabel="persons per year",
             x=years_x, marker="o", zero_line=True),
        dict(key="returns", title="Return migrants leaving, per year", unit="persons", ylabel="persons per year",
             x=years_x, marker="o"),
        None, None,  # bar charts
        dict(key="unemployment_rate", title="Unemployment rate", unit="percent", ylabel="% of labour force"),
        dict(key="youth_unemployment_rate", title="Youth unemployment rate (15-24)", unit="percent",
             ylabel="% of labour force 15-24"),
        dict(key="vacancies", title="Open jobs (vacancies)", unit="persons", ylabel="jobs"),
        dict(key="rent_index", title="Rent index (1 = target occupancy)", unit="index", ylabel="index"),
        dict(key="homeless", title="Homeless residents", unit="persons", ylabel="persons"),
        dict(key="irregular_residents", title="Residents without legal status", unit="persons", ylabel="persons"),
    ]
    for ax, panel in zip(axes.flat, panels):
        if panel is not None:
            time_panel(ax, panel, runs_meta, x, first, last)
    bar_panel(axes[1, 0], f"Arrivals by origin, {span}", "persons (total)", job["origins"], runs_meta, "arrivals")
    bar_panel(axes[1, 1], f"Departures by destination, {span}", "persons (total)", job["destinations"], runs_meta,
              "departures")
    fig.suptitle(f"{job['city']} ({job['country']}): mobility profile", fontsize=20, fontweight="bold", y=0.995)
    runs_legend(fig, runs_meta)
    fig.tight_layout(rect=(0, 0, 1, 0.93), h_pad=2.0, w_pad=1.5)
    return fig


def scheme_figure(job):
    """A circular scheme's dashboard: stock abroad and yearly flows."""
    runs_meta, first, last = job["runs"], job["first"], job["last"]
    fig, axes = plt.subplots(2, 3, figsize=(18, 10))
    panels = [
        dict(key="participants_abroad", title="Participants abroad", unit="persons", ylabel="persons"),
        dict(key="departures", title="Departures per year", unit="persons", ylabel="persons per year",
             x=job["years_x"], marker="o"),
        dict(key="returns", title="Returns home per year", unit="persons", ylabel="persons per year",
             x=job["years_x"], marker="o"),
        dict(key="overstays", title="Overstays per year", unit="persons", ylabel="persons per year",
             x=job["years_x"], marker="o"),
        dict(key="remittances", title="Remittances sent home per year", unit="EUR", ylabel="EUR per year",
             x=job["years_x"], marker="o"),
        dict(key="skill_gains", title="Returnees with a skill gain per year", unit="persons",
             ylabel="persons per year", x=job["years_x"], marker="o"),
    ]
    for ax, panel in zip(axes.flat, panels):
        time_panel(ax, panel, runs_meta, job["x"], first, last)
    fig.suptitle(f"Circular scheme {job['name']}: {job['route']}", fontsize=18, fontweight="bold", y=0.995)
    runs_legend(fig, runs_meta, y=0.95)
    fig.tight_layout(rect=(0, 0, 1, 0.91), h_pad=2.0)
    return fig


def place_labels(ax, fig, points, names, sizes, occupied):
    """City labels beside their markers, each at the first of a few
    candidate positions that overlaps nothing placed before (greedy; the
    cities of western Europe are close together). `occupied`: display boxes
    of every marker, so that labels avoid other cities' dots too."""
    renderer = fig.canvas.get_renderer()
    candidates = [(7, 3, "left", "bottom"), (7, -3, "left", "top"), (-7, 3, "right", "bottom"),
                  (-7, -3, "right", "top"), (0, 9, "center", "bottom"), (0, -9, "center", "top"),
                  (12, 0, "left", "center"), (-12, 0, "right", "center")]
    taken = list(occupied)
    axes_box = ax.get_window_extent(renderer)
    for (x, y), name in sorted(zip(points, names), key=lambda p: -p[0][1]):
        best, best_cost = None, None
        for dx, dy, ha, va in candidates:
            text = ax.annotate(name, (x, y), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va,
                               fontsize=11, fontweight="bold", color="#222222", zorder=6,
                               bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.8))
            box = text.get_window_extent(renderer)
            cost = sum(max(0, min(box.x1, t[2]) - max(box.x0, t[0])) * max(0, min(box.y1, t[3]) - max(box.y0, t[1]))
                       for t in taken)
            # Leaving the frame is as bad as covering another label.
            cost += box.width * box.height * (box.x0 < axes_box.x0 or box.x1 > axes_box.x1
                                              or box.y0 < axes_box.y0 or box.y1 > axes_box.y1)
            if best is None or cost < best_cost:
                if best is not None:
                    best[0].remove()
                best, best_cost = (text, box), cost
            else:
                text.remove()
            if cost == 0:
                break
        taken.append((best[1].x0, best[1].y0, best[1].x1, best[1].y1))


def map_extent(lon, lat, pad_lon, pad_lat):
    return (min(lon) - pad_lon, max(lon) + pad_lon, min(lat) - pad_lat, max(lat) + pad_lat)


def europe_box(job):
    """The frame of the enlarged European panel: the European cities are
    too close together to read on the whole map. None if there are few."""
    europe = [i for i, c in enumerate(job["continent"]) if c == "Europe"]
    if len(europe) < 4:
        return None
    return map_extent([job["lon"][i] for i in europe], [job["lat"][i] for i in europe], 3.0, 2.0)


def inside(box, x, y):
    return box is not None and box[0] <= x <= box[1] and box[2] <= y <= box[3]


def map_axes(fig, ax, extent, title, job, label_mask):
    """An equirectangular frame: graticule every 10 (or 5) degrees, city markers
    (area grows with population), labels for the cities in label_mask."""
    lon, lat = np.array(job["lon"]), np.array(job["lat"])
    west, east, south, north = extent
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    # Plate carrée stretched by 1/cos(mid-latitude): shapes stay right in the middle of the frame.
    ax.set_aspect(1 / math.cos(math.radians((south + north) / 2)))
    ax.set_facecolor("#f4f7fa")
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(True)
        spine.set_color("#999999")
    ax.axhline(0, color="#9fb3c4", linewidth=1.2, zorder=0)  # the equator
    spacing = 10 if max(east - west, north - south) > 45 else 5
    for g in np.arange(-180, 181, spacing):
        ax.axvline(g, color="#c8d3dc", linewidth=0.6, zorder=0)
        ax.axhline(g, color="#c8d3dc", linewidth=0.6, zorder=0)
    ax.xaxis.set_major_locator(plt.MultipleLocator(spacing))
    ax.yaxis.set_major_locator(plt.MultipleLocator(spacing))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{abs(v):.0f}°{'E' if v > 0 else 'W' if v < 0 else ''}"))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{abs(v):.0f}°{'N' if v > 0 else 'S' if v < 0 else ''}"))
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    ax.set_title(title, fontsize=14)
    sizes = marker_sizes(job["population"])
    colours = [CONTINENT_COLOURS.get(c, "#555555") for c in job["continent"]]
    ax.scatter(lon, lat, s=sizes, c=colours, edgecolors="white", linewidths=1.2, zorder=5)
    fig.canvas.draw()  # final axes position, needed to measure labels
    occupied = []
    for x, y, size in zip(lon, lat, sizes):
        cx, cy = ax.transData.transform((x, y))
        r = max(math.sqrt(size) / 2 * fig.dpi / 72, 3)
        occupied.append((cx - r, cy - r, cx + r, cy + r))
    keep = [i for i in range(len(lon)) if label_mask[i]]
    place_labels(ax, fig, [(lon[i], lat[i]) for i in keep], [job["cities"][i] for i in keep],
                 [sizes[i] for i in keep], occupied)


CONTINENT_COLOURS = {"Africa": "#8c510a", "Europe": "#35618f"}


def marker_sizes(population):
    pop = np.asarray(population, dtype=float)
    return 25 + 300 * np.sqrt(pop / pop.max()) if pop.max() > 0 else np.full(len(pop), 40.0)


def map_figure(job, arcs, draw):
    """The whole map and, when the European cities crowd it, an enlarged
    panel of Europe beside it. Each arc is drawn once: in the enlarged panel
    when both its ends lie in it, on the whole map otherwise. `draw(ax,
    arc)` draws one arc."""
    lon, lat = job["lon"], job["lat"]
    zoom = europe_box(job)
    whole = map_extent(lon, lat, 5.0, 4.0)
    if zoom is None:
        fig = plt.figure(figsize=(11, 14))
        axes = [fig.add_axes([0.08, 0.16, 0.88, 0.74])]
    else:
        fig = plt.figure(figsize=(21, 13.5))
        axes = [fig.add_axes([0.05, 0.16, 0.36, 0.74]), fig.add_axes([0.45, 0.16, 0.53, 0.74])]
    fig.suptitle(job["title"], fontsize=17, fontweight="bold")
    n = len(lon)
    label_whole = [not inside(zoom, lon[i], lat[i]) for i in range(n)]
    map_axes(fig, axes[0], whole, "Africa and Europe" if zoom else "", job, label_whole)
    if zoom is not None:
        map_axes(fig, axes[1], zoom, "Europe and the Mediterranean, enlarged", job, [True] * n)
        west, east, south, north = zoom
        axes[0].add_patch(plt.Rectangle((west, south), east - west, north - south, fill=False, ec="#555555",
                                        linestyle=":", linewidth=1.2, zorder=4))
    for arc in sorted(arcs, key=lambda a: abs(a[0])):
        o, d = arc[-2], arc[-1]
        both_in = inside(zoom, lon[o], lat[o]) and inside(zoom, lon[d], lat[d])
        draw(axes[1] if both_in else axes[0], arc)
    return fig


def draw_arc(ax, a, b, width, colour, alpha, style="-"):
    """A curved arrow from a to b; arcs bend to the right of the direction of
    travel, so that the two directions of a pair are drawn apart."""
    arrow = FancyArrowPatch(a, b, connectionstyle="arc3,rad=-0.22", arrowstyle="-|>", mutation_scale=10 + 2.5 * width,
                            linewidth=width, color=colour, alpha=alpha, linestyle=style, shrinkA=6, shrinkB=7,
                            zorder=3)
    ax.add_patch(arrow)


def arc_width(value, top):
    return 0.7 + 7.0 * math.sqrt(value / top) if top > 0 else 0.7


def width_handles(top, colour="#555555"):
    """Legend samples for arc widths: the largest, a quarter and a
    sixteenth of it, rounded."""
    samples = [v for v in (round_sig(top, 1), round_sig(top / 4, 1), round_sig(top / 16, 1)) if v > 0]
    return ([Line2D([], [], color=colour, linewidth=arc_width(v, top)) for v in samples],
            [f"{people_formatter(v)} persons" for v in samples])


def marker_handles(job):
    present = [c for c in CONTINENT_COLOURS if c in job["continent"]]
    return ([Line2D([], [], marker="o", linestyle="", markersize=11, markerfacecolor=CONTINENT_COLOURS[c],
                    markeredgecolor="white") for c in present],
            [f"city in {c}" for c in present])


def bottom_legends(fig, groups):
    """Legends side by side under the maps (never over a city)."""
    x = 0.05
    width = 0.9 / len(groups)
    for title, (handles, labels) in groups:
        fig.legend(handles, labels, title=title, loc="lower left", bbox_to_anchor=(x, 0.01, width, 0.12),
                   ncol=1 if len(labels) <= 4 else 2, fontsize=11, title_fontsize=11, frameon=False)
        x += width


def flow_map_figure(job):
    """The baseline's largest flows between cities over the run, coloured by
    corridor."""
    cont, lon, lat = job["continent"], job["lon"], job["lat"]
    arcs = job["arcs"]  # [(volume, origin index, destination index)], largest first
    top = arcs[0][0] if arcs else 0

    def draw(ax, arc):
        volume, o, d = arc
        draw_arc(ax, (lon[o], lat[o]), (lon[d], lat[d]), arc_width(volume, top),
                 CORRIDOR_COLOURS[corridor_name(cont[o], cont[d])], 0.45 + 0.45 * volume / top)

    fig = map_figure(job, arcs, draw)
    used = [c for c in CORRIDOR_COLOURS if any(corridor_name(cont[o], cont[d]) == c for _, o, d in arcs)]
    groups = [("cities (dot area: residents at the start)", marker_handles(job))]
    if arcs:
        groups += [("people moved over the run (arrow width)", width_handles(top)),
                   ("corridor", ([Line2D([], [], color=CORRIDOR_COLOURS[c], linewidth=4) for c in used], used))]
    bottom_legends(fig, groups)
    return fig


def change_map_figure(job):
    """Where a scenario moves more or fewer people than the baseline."""
    lon, lat = job["lon"], job["lat"]
    arcs = job["arcs"]  # [(change, within_noise, o, d)], largest |change| first
    top = abs(arcs[0][0]) if arcs else 0

    def draw(ax, arc):
        change, noisy, o, d = arc
        draw_arc(ax, (lon[o], lat[o]), (lon[d], lat[d]), arc_width(abs(change), top), MORE if change > 0 else FEWER,
                 0.4 if noisy else 0.85, "--" if noisy else "-")

    fig = map_figure(job, arcs, draw)
    groups = [("cities (dot area: residents at the start)", marker_handles(job))]
    if arcs:
        groups += [("change over the run (arrow width)", width_handles(top)),
                   ("change", ([Line2D([], [], color=MORE, linewidth=4), Line2D([], [], color=FEWER, linewidth=4),
                                Line2D([], [], color="#777777", linewidth=2, linestyle="--")],
                               ["more moves than the baseline", "fewer moves than the baseline",
                                "within replicate noise"]))]
    else:
        fig.text(0.5, 0.12, "no change in the moves between cities", ha="center", fontsize=14)
    bottom_legends(fig, groups)
    return fig


def select_arcs(pairs, continents):
    """The largest flows overall plus the largest of each corridor, so that
    the smaller Africa-Europe corridors show beside the big European ones."""
    chosen = pairs[:MAP_ARCS]
    for corridor in CORRIDOR_COLOURS:
        mine = [p for p in pairs if corridor_name(continents[p[1]], continents[p[2]]) == corridor]
        chosen += [p for p in mine[:ARCS_PER_CORRIDOR] if p not in chosen]
    return sorted(chosen, reverse=True)


def corridor_name(a, b):
    if {a, b} <= {"Africa", "Europe"}:
        return f"within {a}" if a == b else f"{a} → {b}"
    return "other"


def heatmap_figure(job):
    """Relative effects of one scenario: city x indicator, coloured by the
    change relative to the baseline level; cells within replicate noise are
    plain grey and carry no number."""
    rel, noisy, cities, labels = np.array(job["rel"]) * 100, np.array(job["noisy"]), job["cities"], job["labels"]
    fig, ax = plt.subplots(figsize=(15, 3.2 + 0.42 * len(cities)))
    clear = np.abs(rel[~noisy & np.isfinite(rel)])
    # Colour scale from the larger clear effects; bigger ones saturate and
    # their number says how big they are.
    limit = max(np.quantile(clear, 0.9) if clear.size else 1.0, 0.5)
    cmap = plt.get_cmap("RdBu_r").copy()
    cmap.set_bad("#e3e3e3")
    shown = np.ma.masked_where(noisy | ~np.isfinite(rel), np.clip(rel, -limit, limit))
    image = ax.imshow(shown, cmap=cmap, vmin=-limit, vmax=limit, aspect="auto")
    for (i, j), value in np.ndenumerate(rel):
        if not noisy[i, j] and np.isfinite(value) and value != 0:
            text = f"{value:+.2f}%" if abs(value) < 0.1 else f"{value:+.1f}%" if abs(value) < 10 else f"{value:+.0f}%"
            ax.text(j, i, text, ha="center", va="center", fontsize=9.5,
                    color="white" if abs(value) > 0.6 * limit else "#111111")
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels(labels, rotation=30, ha="right")
    ax.set_yticks(range(len(cities)))
    ax.set_yticklabels(cities)
    ax.set_xticks(np.arange(-0.5, len(labels)), minor=True)
    ax.set_yticks(np.arange(-0.5, len(cities)), minor=True)
    ax.grid(False)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="minor", length=0)
    ax.set_title(job["title"], fontsize=14)
    bar = fig.colorbar(image, ax=ax, fraction=0.03, pad=0.02, extend="both")
    bar.set_label("change relative to the baseline level, or its floor (%)")
    fig.tight_layout()
    return fig


CHART_BUILDERS = {"profile": profile_figure, "scheme": scheme_figure, "flow_map": flow_map_figure,
                  "change_map": change_map_figure, "heatmap": heatmap_figure}


def render_chart(task):
    """Build one chart, save it as PNG and SVG under charts/, and return the
    PNG bytes for embedding. Runs in a worker process."""
    kind, name, job, charts_dir = task
    fig = CHART_BUILDERS[kind](job)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=PNG_DPI, facecolor="white")
    png = buffer.getvalue()
    with open(os.path.join(charts_dir, name + ".png"), "wb") as f:
        f.write(png)
    fig.savefig(os.path.join(charts_dir, name + ".svg"), format="svg", facecolor="white")
    plt.close(fig)
    return name, png


def render_all(tasks, workers):
    """Charts are independent: draw them on all cores (matplotlib is
    single-threaded)."""
    if workers <= 1 or len(tasks) < 2:
        return dict(map(render_chart, tasks))
    context = multiprocessing.get_context("fork")
    with context.Pool(workers) as pool:
        return dict(pool.imap_unordered(render_chart, tasks))


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
    years = run.complete_years()
    if not years:
        steps = run.step_years(run.series)
        years = sorted(set(steps[steps >= 0].tolist()))
    return years


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
    out["net_migration"] = yearly_band(run, net_migration_steps(run), years)
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
        diff = difference_samples(base_totals.reshape(base.replicates, -1), scen_totals.reshape(run.replicates, -1),
                                  is_paired(base, run))
        lo, mid, hi = np.quantile(diff, QUANTILES, axis=0)
        n = totals.shape[0]
        changes = [(float(mid[i]), bool(lo[i] <= 0 <= hi[i]), i // n, i % n) for i in range(n * n) if mid[i] != 0]
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
        names = [short_label(k) for k in keys]
        tasks.append(("heatmap", "effects_" + slug(label), {"rel": rel, "noisy": noisy, "cities": cities,
                      "labels": names, "title": f"Effects of {label} against {labels[0]} relative to the baseline "
                                                 f"level; grey: within replicate noise"}, charts_dir))
    return tasks


def short_label(ind):
    when = "(end)" if ind.measure == "horizon" else "(total)"
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


def figure_html(name, png, caption):
    data = base64.b64encode(png).decode("ascii")
    return (f'<figure><img src="data:image/png;base64,{data}" alt="{esc(caption)}">'
            f'<figcaption>{esc(caption)} Files: <a href="charts/{esc(name)}.png">PNG</a>, '
            f'<a href="charts/{esc(name)}.svg">SVG</a>.</figcaption></figure>')


def legend_html(labels, colours):
    return " ".join(f'<span><span class="swatch" style="background:{c}"></span>{esc(label)}</span>'
                    for label, c in zip(labels, colours))


def glance_table(run, label):
    """Cities at a glance in the baseline: start and end of the run."""
    s = run.series
    first, last = month_year(s.date.values[0]), month_year(s.date.values[-1])
    net = net_migration_steps(run).sum("time").median("replicate").values

    def med(key, t, factor=1.0):
        return s[key].isel(time=t).median("replicate").values * factor if key in s else None

    columns = [("Residents " + first, med("population", 0), "persons"),
               ("Residents " + last, med("population", -1), "persons"),
               ("Foreign-born " + last, med("foreign_born_share", -1, 100), "percent"),
               ("Net migration " + step_year_span(run), net, "persons"),
               ("Unemployment " + last, med("unemployment_rate", -1, 100), "percent"),
               ("Youth unemployment " + last, med("youth_unemployment_rate", -1, 100), "percent"),
               ("Open jobs " + last, med("vacancies", -1), "persons"),
               ("Rent index " + last, med("rent_index", -1), "index"),
               ("Homeless " + last, med("homeless", -1), "persons")]
    columns = [c for c in columns if c[1] is not None]
    head = "".join(f"<th>{esc(name)}</th>" for name, _, _ in columns)
    body = []
    for c, city in enumerate(run.cities):
        cells = "".join(f"<td>{esc(fmt_level(float(values[c]), unit))}</td>" for _, values, unit in columns)
        body.append(f'<tr><td class="l"><a href="#profile-{slug(city.name)}">{esc(city.name)}</a></td>{cells}</tr>')
    return (f"<h3>Cities at a glance: {esc(label)}</h3><p>Medians over replicates.</p>"
            f'<table><tr><th class="l">City</th>{head}</tr>{"".join(body)}</table>')


def effects_table(rows, title):
    head = ("<tr><th class='l'>City</th><th class='l'>Indicator</th><th class='l'>When</th><th>Baseline</th>"
            "<th>Scenario</th><th>Effect (median)</th><th>90% range</th><th class='l'>Noise</th></tr>")
    body = []
    for r in rows:
        unit = r["ind"].unit
        noise = "within replicate noise" if r["within_noise"] and r["pairs"] > 1 else ""
        body.append(f"<tr{' class=noise' if noise else ''}><td class='l'>{esc(r['city'])}</td>"
                    f"<td class='l'>{esc(r['ind'].label)}</td><td class='l'>{esc(r['measure'])}</td>"
                    f"<td>{esc(fmt_level(r['baseline_median'], unit))}</td>"
                    f"<td>{esc(fmt_level(r['scenario_median'], unit))}</td>"
                    f"<td>{esc(fmt_signed(r['effect_median'], unit))}</td>"
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
        paired = is_paired(base, run)
        how = (f"paired by replicate ({run.replicates} pairs)" if paired else
               "not paired (different replicate seeds): every scenario replicate against every baseline one")
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


def year_end_median(run, da, year):
    try:
        return float(run.at_year_end(da, year).median("replicate"))
    except ValueError:  # the run ends before the year does
        return float("nan")


def scheme_table(members, name):
    """Yearly medians of a scheme, one table per run that has it."""
    out = []
    for run, label, _ in members:
        g = run.schemes[name]
        years = chart_years(run)
        cols = [k for k in ["applicants", "departures", "returns", "overstays", "skill_gains", "remittances"] if k in g]
        totals = {k: run.yearly_totals(g[k]).sel(year=years).median("replicate").values for k in cols}
        abroad = [year_end_median(run, g.participants_abroad, year) for year in years]
        head = "".join(f"<th>{esc(k.replace('_', ' '))}</th>" for k in cols)
        body = []
        for i, year in enumerate(years):
            cells = "".join(f"<td>{esc((fmt_eur if k == 'remittances' else fmt_people)(float(totals[k][i])))}</td>"
                            for k in cols)
            body.append(f"<tr><td class='l'>{year}</td>{cells}<td>{esc(fmt_people(abroad[i]))}</td></tr>")
        out.append(f"<table><caption>{esc(label)}: totals per year (medians over replicates)</caption>"
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
             "compared; the effect quoted is the median of these differences (which is not the difference of the "
             "medians). An effect whose 90% range includes zero is reported as within replicate noise. Effects "
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

    repo_docs = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs", "MODEL.md")
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
