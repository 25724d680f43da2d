"""scripts/report.py and the reader scripts/mobsim/output.py on small runs: the four CI
cities at 100 people per agent, 3 replicates, a baseline and the same with a
Freetown-Milan circular scheme (same seed, so the replicates pair up)."""
import base64
import csv
import html
import html.parser
import os
import re
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET

import h5py
import numpy as np
import pytest

MOBSIM = os.environ.get("MOBSIM", "build/mobsim")
SOURCE = os.environ.get("MOBSIM_SOURCE_DIR", ".")
SCRIPTS = os.path.join(SOURCE, "scripts")
REPORT = os.path.join(SCRIPTS, "report.py")
PYTHON = "/usr/bin/python3"
CITIES = ["Freetown", "Dakar", "Milan", "Paris"]
SCHEME = """
[run]
name = "freetown_milan"
description = "Four cities with a Freetown-Milan circular scheme"

[circular_schemes.freetown_milan]
origin = "Freetown"
destination = "Milan"
sector = "other_services"
start = "2025-03"
annual_quota = 1200
"""

sys.path.insert(0, SCRIPTS)
import mobsim  # noqa: E402
from mobsim import report  # noqa: E402


def make_run(directory, name, body="", replicates=3):
    """Run the CI cities at 100 people per agent with `body` added to the
    scenario (its own [run] keys merged into the one [run] table)."""
    base = os.path.abspath(os.path.join(SOURCE, "scenarios", "ci", "four_cities.toml"))
    run_keys = f"people_per_agent = 100\nreplicates = {replicates}\n"
    body = body.replace("[run]\n", "[run]\n" + run_keys, 1) if "[run]\n" in body else "[run]\n" + run_keys + body
    scenario = directory / f"{name}.toml"
    scenario.write_text(f'base = "{base}"\n' + body)
    out = directory / f"{name}.h5"
    subprocess.run([MOBSIM, "run", str(scenario), "-o", str(out), "-q", "--no-summary"], check=True)
    return out


def make_report(files, out_dir, *extra):
    return subprocess.run([PYTHON, REPORT, *map(str, files), "-o", str(out_dir), *extra], capture_output=True,
                          text=True)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    directory = tmp_path_factory.mktemp("runs")
    return {"base": make_run(directory, "base"), "scheme": make_run(directory, "scheme", SCHEME),
            "dir": directory}


@pytest.fixture(scope="module")
def built(runs, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    result = make_report([runs["base"], runs["scheme"]], out, "--title", "Test report")
    assert result.returncode == 0, result.stderr
    assert f"report: {out}/report.html" in result.stdout
    return out, (out / "report.html").read_text(encoding="utf-8")


class Page(html.parser.HTMLParser):
    """Ids, image sources and every src/href of a page."""

    def __init__(self):
        super().__init__()
        self.ids, self.images, self.links = set(), [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "img":
            self.images.append(attrs.get("src", ""))
        for key in ("src", "href", "xlink:href", "data", "poster"):
            if key in attrs:
                self.links.append(attrs[key])


def parse(page):
    parser = Page()
    parser.feed(page)
    return parser


def png_size(data):
    """(width, height) of PNG bytes; fails if they are not a PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_report_has_every_section(built, runs):
    _, page = built
    ids = parse(page).ids
    for section in ["summary", "map", "profiles", "schemes", "provenance", "scheme-freetown_milan"]:
        assert section in ids, section
    for city in CITIES:
        assert f"profile-{city}" in ids, city
    assert "<title>Test report</title>" in page
    assert "freetown_milan" in page and "90% range" in page
    assert "docs/MODEL.md" in page
    # Provenance: file, seeds, version, commit and the resolved scenario text.
    with h5py.File(runs["scheme"], "r") as f:
        assert str(runs["scheme"]) in page
        assert str(int(f.attrs["seed"])) in page
        assert all(str(int(seed)) in page for seed in f["replicate_seed"][:])
        assert f.attrs["git_commit"] in page and f.attrs["mobsim_version"] in page
    assert "<details>" in page and "Resolved scenario" in page and "annual_quota = 1200" in page


def test_report_is_self_contained(built):
    _, page = built
    parsed = parse(page)
    external = [link for link in parsed.links if re.match(r"\s*(https?:)?//", link)]
    assert not external, external
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", page), "CSS loads something from the network"
    assert not re.search(r"<(script|link|iframe)\b", page), "no scripts, stylesheets or frames are needed"
    assert parsed.images, "no images"
    for src in parsed.images:
        data = base64.b64decode(src.split(",", 1)[1], validate=True)
        if src.startswith("data:image/svg+xml;base64,"):
            root = ET.fromstring(data)
            assert root.tag.endswith("svg")
            assert not re.search(rb'href="(https?:)?//', data), "an embedded SVG links to the network"
        else:
            assert src.startswith("data:image/png;base64,"), src[:60]
            width, height = png_size(data)
            assert width > 200 and height > 200


def test_each_chart_is_embedded_in_its_lighter_form(built):
    # The page carries each chart as the smaller of its two files (a PNG of
    # 128 colours, or the SVG), so that it stays self-contained but loads fast.
    out, page = built
    charts = out / "charts"
    embedded = sorted(len(base64.b64decode(src.split(",", 1)[1])) for src in parse(page).images)
    lighter = sorted(min((charts / f"{p.stem}.png").stat().st_size, (charts / f"{p.stem}.svg").stat().st_size)
                     for p in charts.glob("*.png"))
    assert embedded == lighter
    for p in charts.glob("*.png"):
        with open(p, "rb") as f:
            assert f.read(26)[25] == 3, f"{p.name}: not a palette PNG"   # IHDR colour type 3: indexed


def test_maps_are_drawn_on_coastlines_and_country_borders():
    from mobsim import basemap, charts
    assert basemap.has_ground_data(), "scripts/setup.sh installs python-cartopy-data and python3-geopandas"
    job = {"title": "test", "cities": ["Dakar", "Milan", "Paris", "Hamburg", "Zürich", "Tunis"],
           "lon": [-17.4, 9.2, 2.35, 10.0, 8.5, 10.2], "lat": [14.7, 45.5, 48.9, 53.6, 47.4, 36.8],
           "continent": ["Africa", "Europe", "Europe", "Europe", "Europe", "Africa"],
           "population": [3.9e6, 1.4e6, 2.1e6, 1.9e6, 0.44e6, 1.1e6], "arcs": [(1000.0, 0, 1), (500.0, 2, 3)]}
    fig = charts.flow_map_figure(job)
    maps = [ax for ax in fig.axes if hasattr(ax, "projection")]
    assert len(maps) == 2   # the whole map and the enlarged Europe
    from cartopy.mpl.feature_artist import FeatureArtist
    for ax in maps:
        # Land polygons (GSHHS, filled) and country borders (Natural Earth, lines).
        ground = [a for a in ax.artists if isinstance(a, FeatureArtist)]
        assert len(ground) == 2
        land, borders = ground
        assert len(list(land._feature.geometries())) > 100 and len(list(borders._feature.geometries())) > 100


def test_chart_files_in_png_and_svg(built):
    out, _ = built
    charts = out / "charts"
    expected = [f"profile_{city}" for city in CITIES] + ["map_baseline", "map_change_freetown_milan",
                                                         "scheme_freetown_milan", "effects_freetown_milan"]
    for name in expected:
        png_size((charts / f"{name}.png").read_bytes())
        root = ET.parse(charts / f"{name}.svg").getroot()
        assert root.tag.endswith("svg"), name
    # Every embedded image is one of the charts.
    assert len(parse(built[1]).images) == len(list(charts.glob("*.png")))


def direct_effect(base, scheme, name, city, how):
    """Paired differences scheme - baseline straight from the files."""
    with h5py.File(base, "r") as b, h5py.File(scheme, "r") as s:
        c = [v.decode() if isinstance(v, bytes) else v for v in b["city"][:]].index(city)

        def values(f):
            if name == "foreign_born_share":
                return 100.0 * f["series/foreign_born"][:, -1, c] / f["series/population"][:, -1, c]
            data = f["series/" + name][:, :, c].astype(float)
            return data.sum(axis=1) if how == "total" else data[:, -1]

        return values(s) - values(b)


def effects(out):
    with open(out / "effects.csv", newline="", encoding="utf-8") as f:
        return {(r["city"], r["indicator"]): r for r in csv.DictReader(f)}


@pytest.mark.parametrize("city, indicator, how", [("Milan", "vacancies", "end"), ("Freetown", "foreign_born_share",
                                                   "end"), ("Freetown", "remittances_received", "total"),
                                                  ("Milan", "population", "end")])
def test_effects_agree_with_a_direct_computation(built, runs, city, indicator, how):
    row = effects(built[0])[(city, indicator)]
    diff = direct_effect(runs["base"], runs["scheme"], indicator, city, how)
    lo, hi = np.quantile(diff, [0.05, 0.95])
    assert float(row["effect_mean"]) == pytest.approx(diff.mean(), rel=1e-6, abs=1e-9)
    assert float(row["effect_p05"]) == pytest.approx(lo, rel=1e-6, abs=1e-9)
    assert float(row["effect_p95"]) == pytest.approx(hi, rel=1e-6, abs=1e-9)
    assert row["within_noise"] == str(bool(lo <= 0 <= hi))
    assert row["paired"] == "True" and row["pairs"] == "3"


def test_summary_sentences_quote_the_effects_table(built):
    out, page = built
    table = effects(out)
    summary = page[page.index('id="summary"'):page.index('id="map"')]
    sentences = [html.unescape(re.sub(r"<[^>]+>", "", s)) for s in re.findall(r"<li>(.*?)</li>", summary)]
    assert sentences, "no effects stated"
    for sentence in sentences:
        city = re.match(r"In ([^,]+), ", sentence).group(1)
        rows = [r for (c, _), r in table.items() if c == city and report.INDICATORS[
            [i.key for i in report.INDICATORS].index(r["indicator"])].label in sentence]
        assert rows, sentence
        ind = next(i for i in report.INDICATORS if i.key == rows[0]["indicator"])
        amount = report.fmt_amount(float(rows[0]["effect_mean"]), ind.unit)
        assert amount in sentence, (amount, sentence)
        assert ("within replicate noise" in sentence) == (rows[0]["within_noise"] == "True")


def test_mismatched_cities_are_refused(runs, tmp_path):
    three = make_run(runs["dir"], "three", '[world]\ncities = ["Freetown", "Dakar", "Milan"]')
    result = make_report([runs["base"], three], tmp_path / "bad")
    assert result.returncode == 2
    assert "different cities" in result.stderr and "Paris" in result.stderr
    assert not (tmp_path / "bad" / "report.html").exists()


def test_mismatched_calendars_are_refused(runs, tmp_path):
    short = make_run(runs["dir"], "short", "[run]\nduration_months = 12")
    result = make_report([runs["base"], short], tmp_path / "bad")
    assert result.returncode == 2
    assert "different calendars" in result.stderr


def test_single_file_with_one_replicate(runs, tmp_path):
    one = make_run(runs["dir"], "one", "", replicates=1)
    result = make_report([one], tmp_path / "single")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "single" / "report.html").read_text(encoding="utf-8")
    ids = parse(page).ids
    assert {"summary", "map", "provenance"} <= ids
    assert all(f"profile-{city}" in ids for city in CITIES)
    assert "without a comparison" in page
    assert not (tmp_path / "single" / "effects.csv").exists()


def test_reading_api(runs):
    run = mobsim.open_run(runs["scheme"])
    assert run.name == "freetown_milan" and run.description.startswith("Four cities")
    assert run.city_names == CITIES
    assert [(c.country, c.continent) for c in run.cities][:2] == [("Sierra Leone", "Africa"), ("Senegal", "Africa")]
    assert run.series.population.dims == ("replicate", "time", "city")
    assert run.series.population.shape == (3, 25, 4)
    assert run.flows.shape == (3, 25, 4, 4)
    assert run.flows_by_channel.dims == ("replicate", "time", "channel", "origin", "destination")
    assert run.schemes["freetown_milan"].departures.shape == (3, 25)
    assert run.scenario["circular_schemes"]["freetown_milan"]["annual_quota"] == 1200
    assert run.people_per_agent == 100 and run.replicates == 3 and len(run.replicate_seeds) == 3
    # Time: fractional calendar years, with the stored months and cftime dates kept.
    assert run.series.time.values[0] == 2025.0
    assert run.series.time.values[13] == pytest.approx(2026 + 1 / 12)
    assert list(run.series.months.values[:3]) == [0, 1, 2]
    assert (run.series.date.values[12].year, run.series.date.values[12].month) == (2026, 1)
    assert run.kind("population") == "stock" and run.kind("births") == "flow" and run.kind("rent_index") == "rate"
    share = run.series.foreign_born_share.values
    with h5py.File(runs["scheme"], "r") as f:
        returns = f["series/returns"][:]
        population = f["series/population"][:]
        np.testing.assert_allclose(share, f["series/foreign_born"][:] / population)
    # The steps that ran in 2025 end at time indices 1..12; those of 2026 at 13..24.
    np.testing.assert_array_equal(run.year_total(run.series.returns, 2025).values, returns[:, 1:13].sum(axis=1))
    np.testing.assert_array_equal(run.year_total(run.series.returns, 2026).values, returns[:, 13:25].sum(axis=1))
    np.testing.assert_array_equal(run.at_year_end(run.series.population, 2025).values, population[:, 12])
    with pytest.raises(ValueError):
        run.year_total(run.series.returns, 2027)
    yearly = run.yearly_totals(run.series.returns)
    assert list(yearly.year.values) == [2025, 2026]
    band = run.quantiles(run.series.population.sel(city="Milan"))
    assert band.dims == ("quantile", "time")
    np.testing.assert_allclose(band.sel(quantile=0.5).values, np.median(population[:, :, 2], axis=0))


def test_over_calibrated_draws_the_summary_says_how_much_of_the_range_is_the_parameters(tmp_path):
    # Both runs over the same draws (mobsim run --draws), paired replicate
    # by replicate: each effect's range splits into the parameters'
    # uncertainty and chance, said in words and kept in effects.csv.
    draws = tmp_path / "draws.csv"
    draws.write_text("migration.return_hazard_per_year,remittances.share_of_income\n0.07,0.1\n0.22,0.24\n0.12,0.15\n")
    files = []
    for name, body in (("base", ""), ("scheme", SCHEME)):
        scenario = tmp_path / f"{name}.toml"
        base = os.path.abspath(os.path.join(SOURCE, "scenarios", "ci", "four_cities.toml"))
        scenario.write_text(f'base = "{base}"\n' + body.replace("[run]\n", "[run]\npeople_per_agent = 200\n") if body
                            else f'base = "{base}"\n[run]\npeople_per_agent = 200\n')
        out = tmp_path / f"{name}.h5"
        subprocess.run([MOBSIM, "run", str(scenario), "--draws", str(draws), "--replicates", "3", "-o", str(out), "-q",
                        "--no-summary"], check=True)
        files.append(out)
    result = make_report(files, tmp_path / "report")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "report" / "report.html").read_text(encoding="utf-8")
    assert "of that range comes from what we do not know about the model's parameters" in page or \
        "Nearly all of that range" in page
    with open(tmp_path / "report" / "effects.csv", newline="") as f:
        shares = [float(r["parameter_share"]) for r in csv.DictReader(f) if r["parameter_share"] not in ("", "nan")]
    assert shares and all(0 <= s <= 1 for s in shares)
    # Remittances over the run depend on the share of income sent, which the
    # draws vary: there the parameters carry most of the spread of each run.
    run = mobsim.open_run(str(files[0]))
    sent = run.series.remittances_sent.sum(("time", "city")).values
    assert mobsim.effects.parameter_share(sent[:, None], run.draw)[0] > 0.5
