"""Charts of the advisers' report (scripts/report.py): a city's mobility
profile, a circular scheme's dashboard, maps of the flows and of their
change, the heat map of effects. Every builder is a module-level function of
plain data (a "job" dict), so that the charts can be drawn in worker
processes; `render_all` draws them and saves each as PNG (a 128-colour
palette) and SVG, and gives the smaller of the two for the page.

Palette: Okabe-Ito, distinguishable with the common colour-vision
deficiencies. Numbers on axes are rounded for people (25k, 1.2M, EUR 8M).
"""
import io
import math
import multiprocessing
import os

import numpy as np

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after selecting the backend)
from matplotlib.patches import FancyArrowPatch  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402
from PIL import Image  # noqa: E402

from .basemap import add_geo_axes, draw_ground  # noqa: E402

# Map corridors and signs of change, from the same palette.
CORRIDOR_COLOURS = {"Africa → Europe": "#D55E00", "Europe → Africa": "#0072B2",
                    "within Africa": "#E69F00", "within Europe": "#009E73", "other": "#999999"}
MORE, FEWER = "#0072B2", "#D55E00"
MAP_ARCS = 45             # largest flows drawn on the baseline map ...
ARCS_PER_CORRIDOR = 6     # ... plus the largest of each corridor
CHANGE_ARCS = 40          # largest changes drawn on a change map
PNG_DPI = 80              # embedded and saved PNGs: sharp on a slide, light in the page
PNG_COLOURS = 128         # palette of the PNGs (palette_png)

plt.rcParams.update({
    "font.family": "DejaVu Sans", "font.size": 12, "axes.titlesize": 13, "axes.titleweight": "bold",
    "axes.labelsize": 11, "legend.fontsize": 11, "axes.spines.top": False, "axes.spines.right": False,
    "axes.grid": True, "grid.color": "#dddddd", "grid.linewidth": 0.6,
    "svg.fonttype": "none",     # text stays text in the SVGs: editable in slide software
    "svg.hashsalt": "mobsim",   # stable ids: the same data give the same SVG
})


def round_sig(x, sig):
    """x rounded to `sig` significant digits."""
    if not math.isfinite(x) or x == 0:
        return x
    return round(x, sig - int(math.floor(math.log10(abs(x)))) - 1)


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
    """An equirectangular map (basemap.py: land, sea, coastlines, borders,
    graticule every 10 or 5 degrees), city markers (area grows with
    population), labels for the cities in label_mask."""
    lon, lat = np.array(job["lon"]), np.array(job["lat"])
    west, east, south, north = extent
    draw_ground(ax, extent, 10 if max(east - west, north - south) > 45 else 5)
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
        axes = [add_geo_axes(fig, [0.08, 0.16, 0.88, 0.74])]
    else:
        fig = plt.figure(figsize=(21, 13.5))
        axes = [add_geo_axes(fig, [0.05, 0.16, 0.36, 0.74]), add_geo_axes(fig, [0.45, 0.16, 0.53, 0.74])]
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


def palette_png(png):
    """The PNG with its colours reduced to PNG_COLOURS (median cut, no
    dithering): charts of flat colours and anti-aliased lines look the same
    at a third of the bytes."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    reduced = image.quantize(colors=PNG_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    reduced.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def render_chart(task):
    """Build one chart, save it as PNG and SVG under charts/, and return
    (name, mime type, bytes) of the smaller of the two for embedding. Runs
    in a worker process."""
    kind, name, job, charts_dir = task
    fig = CHART_BUILDERS[kind](job)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=PNG_DPI, facecolor="white")
    png = palette_png(buffer.getvalue())
    with open(os.path.join(charts_dir, name + ".png"), "wb") as f:
        f.write(png)
    svg_path = os.path.join(charts_dir, name + ".svg")
    fig.savefig(svg_path, format="svg", facecolor="white",
                metadata={"Date": None})  # no time stamp: the same data give the same file
    plt.close(fig)
    with open(svg_path, "rb") as f:
        svg = f.read()
    return (name, ("image/svg+xml", svg)) if len(svg) < len(png) else (name, ("image/png", png))


def render_all(tasks, workers):
    """Charts are independent: draw them on all cores (matplotlib is
    single-threaded)."""
    if workers <= 1 or len(tasks) < 2:
        return dict(map(render_chart, tasks))
    context = multiprocessing.get_context("fork")
    with context.Pool(workers) as pool:
        return dict(pool.imap_unordered(render_chart, tasks))
