#!/usr/bin/python3
"""The baseline's ten-year table: for every city, what a run gives over its
whole horizon beside the published figure and its source, and, given a
second run (`--before`, e.g. the same scenario from an older binary), what
changed.

Usage:
  scripts/ten_year_table.py AFTER.h5 [--before BEFORE.h5] [--markdown]

Columns (simulated values are means over replicates): population at the
start and the end; growth per year over the run; foreign-born share at the
end; homeless at the start and the end; youth (15-24) unemployment rate at
the end; emigration of the native-born to the rest of the world (places
outside the simulated cities) per 1000 residents a year, and all their
moves abroad (to the rest of the world and to simulated cities of other
countries) per 1000. Observed figures: scenarios/data/targets.toml (growth,
foreign-born share, emigration; the same figures the plausibility suite
uses) and scenarios/data/cities.toml (the youth unemployment rate and the
homeless share the run starts from); each carries a numbered source printed
under the table. A quantity a run does not have (an older binary) is shown
as "-". With --before, each value reads before ⟹ after (→ stays start →
end).
"""
import argparse
import math
import os
import sys
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from mobsim import open_run  # noqa: E402
from mobsim import plausibility  # noqa: E402

OBSERVED = os.path.join(ROOT, "scenarios", "data", "targets.toml")
CITIES = os.path.join(ROOT, "scenarios", "data", "cities.toml")
MISSING = "-"


def _mean(da):
    return float(da.mean("replicate"))


def measures(run, city):
    """What the table shows of one city in one run: {name: float or None}."""
    s = run.series.sel(city=city)
    last = s.sizes["time"] - 1
    years = last * run.step_months / 12.0
    out = {}

    def put(name, compute):
        try:
            value = compute()
        except (KeyError, AttributeError, ValueError):
            value = None
        out[name] = value if value is None or math.isfinite(value) else None

    put("population_start", lambda: _mean(s.population.isel(time=0)))
    put("population_end", lambda: _mean(s.population.isel(time=last)))
    put("growth_per_year", lambda: plausibility.simulated(run, "growth_per_year", city)[0])
    put("foreign_born_share_end", lambda: _mean(s.foreign_born_share.isel(time=last)))
    put("homeless_start", lambda: _mean(s.homeless.isel(time=0)))
    put("homeless_end", lambda: _mean(s.homeless.isel(time=last)))
    put("youth_unemployment_end", lambda: _mean(s.youth_unemployment_rate.isel(time=last)))
    put("emigration_to_rest_of_world_per_1000",
        lambda: _mean(s.emigration_to_rest_of_world.sum("time") / years / s.population.mean("time") * 1000))
    put("emigration_abroad_per_1000", lambda: plausibility.simulated(run, "native_emigration_per_1000", city)[0])
    return out


class Sources:
    """Numbered sources of the observed figures, in order of first use."""

    def __init__(self):
        self.texts = []

    def ref(self, text):
        if text not in self.texts:
            self.texts.append(text)
        return self.texts.index(text) + 1


def observed_figures(checks, cities_data):
    """{city: {name: (value, source text)}} of the figures the table shows."""
    wanted = {"growth_per_year": "growth_per_year", "foreign_born_share_start": "foreign_born_share",
              "native_emigration_per_1000": "emigration_abroad_per_1000"}
    out = {}
    for c in checks:
        if c.quantity in wanted:
            period = f" ({c.period})" if c.period else ""
            out.setdefault(c.city, {})[wanted[c.quantity]] = (c.value, c.source + period)
    for city, data in cities_data.items():
        sources = data.get("sources", {})
        figures = out.setdefault(city, {})
        if "youth_unemployment_rate" in data:
            figures["youth_unemployment"] = (data["youth_unemployment_rate"],
                                             sources.get("youth_unemployment_rate", "cities.toml"))
        if "homeless_share" in data:
            figures["homeless_share"] = (data["homeless_share"], sources.get("homeless_share", "cities.toml"))
    return out


def _num(x, kind):
    if x is None:
        return MISSING
    if kind == "persons":
        return f"{x:,.0f}"
    if kind == "growth":
        return f"{100 * x:+.2f}%"
    if kind == "share":
        return f"{100 * x:.1f}%"
    return f"{x:.2f}"


def _obs(figure, kind, sources):
    if figure is None:
        return MISSING
    value, source = figure
    return f"{_num(value, kind)} [{sources.ref(source)}]"


def _pair(before, after, name, kind):
    a = _num(after.get(name), kind)
    if before is None:
        return a
    return f"{_num(before.get(name), kind)} ⟹ {a}"


COLUMNS = ["city", "population start → end", "growth/yr", "observed", "foreign-born end", "observed (start)",
           "homeless start → end", "observed share", "youth unemployment end", "observed (start)",
           "emigration to rest of world /1000", "all emigration abroad /1000", "observed"]


def rows(after_run, before_run, figures, sources):
    """The table's rows, one per city of the later run, as lists of strings."""
    out = []
    for city in after_run.city_names:
        after = measures(after_run, city)
        before = measures(before_run, city) if before_run is not None and city in before_run.city_names else None
        seen = figures.get(city, {})
        def span(name):
            text = f"{_num(after[name + '_start'], 'persons')} → {_num(after[name + '_end'], 'persons')}"
            if before is None:
                return text
            return f"{_num(before[name + '_start'], 'persons')} → {_num(before[name + '_end'], 'persons')} ⟹ {text}"
        out.append([
            city,
            span("population"),
            _pair(before, after, "growth_per_year", "growth"),
            _obs(seen.get("growth_per_year"), "growth", sources),
            _pair(before, after, "foreign_born_share_end", "share"),
            _obs(seen.get("foreign_born_share"), "share", sources),
            span("homeless"),
            _obs(seen.get("homeless_share"), "share", sources),
            _pair(before, after, "youth_unemployment_end", "share"),
            _obs(seen.get("youth_unemployment"), "share", sources),
            _pair(before, after, "emigration_to_rest_of_world_per_1000", "rate"),
            _pair(before, after, "emigration_abroad_per_1000", "rate"),
            _obs(seen.get("emigration_abroad_per_1000"), "rate", sources),
        ])
    return out


def render(table, sources, markdown, header):
    lines = [header, ""]
    if markdown:
        lines.append("| " + " | ".join(COLUMNS) + " |")
        lines.append("|" + "---|" * len(COLUMNS))
        lines += ["| " + " | ".join(r) + " |" for r in table]
    else:
        widths = [max(len(COLUMNS[i]), *(len(r[i]) for r in table)) for i in range(len(COLUMNS))]
        lines.append("  ".join(c.ljust(w) for c, w in zip(COLUMNS, widths)))
        lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)) for r in table]
    lines.append("")
    lines.append("Sources:")
    lines += [f"[{i}] {text}" for i, text in enumerate(sources.texts, start=1)]
    return "\n".join(lines) + "\n"


def describe(run):
    return (f"{os.path.basename(run.path)}: {run.name}, {run.people_per_agent} residents per agent, "
            f"{run.replicates} replicates, {run.start} for {run.series.sizes['time'] - 1} months, "
            f"mobsim {run.version} ({run.git_commit or 'unknown commit'})")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("after", help="the run to tabulate")
    parser.add_argument("--before", help="an earlier run of the same scenario: each value as before => after")
    parser.add_argument("--observed", default=OBSERVED)
    parser.add_argument("--cities", default=CITIES)
    parser.add_argument("--markdown", action="store_true", help="a Markdown table")
    args = parser.parse_args(argv)
    try:
        checks = plausibility.load_targets(args.observed)
        with open(args.cities, "rb") as f:
            cities_data = tomllib.load(f).get("cities", {})
        after_run = open_run(args.after)
        before_run = open_run(args.before) if args.before else None
    except (OSError, ValueError, tomllib.TOMLDecodeError) as e:
        print(f"ten_year_table: {e}", file=sys.stderr)
        return 2
    sources = Sources()
    table = rows(after_run, before_run, observed_figures(checks, cities_data), sources)
    header = (f"Before: {describe(before_run)}\nAfter: {describe(after_run)}" if before_run is not None
              else describe(after_run))
    sys.stdout.write(render(table, sources, args.markdown, header))
    return 0


if __name__ == "__main__":
    sys.exit(main())
