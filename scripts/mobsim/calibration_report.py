"""The page of `mobsim calibrate` (calibration.html): wave-by-wave shrinkage,
the emulators' diagnostics, the calibrated values and each target's
observed value against the calibrated ensemble, all in one self-contained
HTML file."""
import html
import math

import numpy as np

from .sensitivity_report import svg_text, html_table, plt


def _f(x, digits=3):
    return "–" if x is None or (isinstance(x, float) and not math.isfinite(x)) else f"{x:.{digits}g}"


def shrinkage_chart(wave_rows):
    fig, ax = plt.subplots(figsize=(5, 3))
    waves = [r["wave"] for r in wave_rows]
    volume = [max(r["volume"], 1e-12) for r in wave_rows]
    ax.semilogy([0] + waves, [1.0] + volume, marker="o")
    ax.set_xticks([0] + waves)
    ax.set_xlabel("wave")
    ax.set_ylabel("share of the plausible ranges left")
    ax.set_title("Non-implausible region after each wave", fontsize=10)
    return svg_text(fig)


def targets_chart(rows):
    shown = [r for r in rows if math.isfinite(r["before"]) and r["sd"] > 0]
    if not shown:
        return ""
    shown.sort(key=lambda r: (r["role"], r["target"]))
    fig, ax = plt.subplots(figsize=(7, 0.16 * len(shown) + 1.2))
    y = np.arange(len(shown))
    before = [(r["before"] - r["observed"]) / r["sd"] for r in shown]
    after = [(r["simulated"] - r["observed"]) / r["sd"] for r in shown]
    low = [(r["low"] - r["observed"]) / r["sd"] for r in shown]
    high = [(r["high"] - r["observed"]) / r["sd"] for r in shown]
    ax.axvspan(-3, 3, color="#e8f3e8")
    ax.hlines(y, low, high, color="#1f77b4", lw=1.5, label="calibrated ensemble, 90% range")
    ax.plot(after, y, "o", color="#1f77b4", ms=3, label="calibrated ensemble, mean")
    ax.plot(before, y, "x", color="#d62728", ms=4, label="scenario's own values")
    ax.set_yticks(y, [("(held out) " if r["role"] == "validation" else "") + r["target"] for r in shown], fontsize=5)
    ax.set_xlabel("(simulated - observed) / sd of observation error and discrepancy (green: within 3)")
    lim = np.nanmax(np.abs(np.concatenate([before, low, high]))) if shown else 3
    ax.set_xlim(-min(max(lim, 4) * 1.05, 30), min(max(lim, 4) * 1.05, 30))
    ax.legend(fontsize=7, loc="lower right")
    return svg_text(fig)


def region_chart(parameters, to_point, draws_unit):
    k = len(parameters)
    if k < 2 or not len(draws_unit):
        return ""
    pairs = [(i, i + 1) for i in range(0, min(k - 1, 6), 2)]
    fig, axes = plt.subplots(1, len(pairs), figsize=(4 * len(pairs), 3.4), squeeze=False)
    for ax, (i, j) in zip(axes[0], pairs):
        pi, pj = parameters[i], parameters[j]
        values = np.array([[to_point(u)[pi.key], to_point(u)[pj.key]] for u in draws_unit])
        ax.scatter(values[:, 0], values[:, 1], s=12)
        ax.set_xlim(pi.low, pi.high)
        ax.set_ylim(pj.low, pj.high)
        ax.set_xlabel(pi.key, fontsize=8)
        ax.set_ylabel(pj.key, fontsize=8)
        ax.tick_params(labelsize=7)
    fig.suptitle("Calibrated draws over the plausible ranges (axes: the whole range)", fontsize=9)
    fig.tight_layout()
    return svg_text(fig)


def write_html(path, summary, parameters, to_point, wave_rows, waves, rows, draws_unit, best):
    fitted = [r for r in rows if r["role"] == "calibration"]
    held = [r for r in rows if r["role"] == "validation"]
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>mobsim calibration</title>",
        "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;line-height:1.4}"
        "table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}"
        "td:first-child,th:first-child{text-align:left}svg{max-width:100%;height:auto}</style></head><body>",
        f"<h1>Calibration of {html.escape(summary['scenario'])}</h1>",
        f"<p>History matching of {len(parameters)} behavioural parameters against {len(fitted)} observed targets "
        f"({len(held)} more held out for validation), in {len(wave_rows)} waves of runs at "
        f"1:{summary['people_per_agent']} with {summary['replicates']} replicates; "
        f"{sum(r['runs'] for r in wave_rows)} runs in the waves and {summary['draws']} calibrated draws, "
        f"{summary['wall_seconds']:.0f} s in all on {summary['jobs']} runs side by side. The waves stopped because "
        f"{html.escape(summary['stop_reason'])}.</p>",
        "<h2>Waves</h2>", shrinkage_chart(wave_rows),
        html_table(["wave", "runs", "emulators", "trusted (leave-one-out)", "non-implausible share of the wave's box",
                "share of the plausible ranges", "seconds"],
               [[r["wave"], r["runs"], r["emulators"], r["trusted"], _f(r["non_implausible_share_of_box"]),
                 _f(r["volume"]), f"{r['seconds']:.0f}"] for r in wave_rows]),
        "<p>A point is ruled out when, for more than one target, the observed value lies more than 3 standard "
        "deviations from the emulator's prediction, counting observation error, model discrepancy, the replicates' "
        "chance and the emulator's own uncertainty. An emulator is trusted when at least 90% of its leave-one-out "
        "standardised errors are within 3.</p>",
    ]
    if best is not None:
        values = to_point(best)
        parts += ["<h2>Calibrated values</h2>",
                  html_table(["parameter", "scenario", "plausible range", "calibrated (least implausible)",
                          "draws: 5% to 95%"],
                         [[p.key, _f(p.value, 4), f"[{p.low:g}, {p.high:g}]", _f(values[p.key], 4),
                           _draw_range(p, to_point, draws_unit)] for p in parameters]),
                  region_chart(parameters, to_point, draws_unit)]
    else:
        worst = sorted(fitted, key=lambda r: -abs(r["before"] - r["observed"]) / max(r["sd"], 1e-300))
        parts += ["<h2>No parameter values remain</h2>",
                  "<p>Every point of the plausible ranges is implausible for at least two targets: the model, as it "
                  "stands, cannot meet them within their stated errors. The targets furthest from the scenario's "
                  "values: " + ", ".join(html.escape(r["target"]) for r in worst[:8]) + ".</p>"]
    parts += ["<h2>Targets: observed against the calibrated ensemble</h2>", targets_chart(rows),
              "<h2>Emulator diagnostics</h2>",
              html_table(["wave", "emulators", "constant", "trusted", "median share of LOO errors within 3"],
                     [[w.number, len(w.emulators), sum(e.gp is None for e in w.emulators),
                       sum(e.trusted for e in w.emulators),
                       _f(float(np.median([e.loo_within_share for e in w.emulators])) if w.emulators else float("nan"))]
                      for w in waves]),
              "<h2>Validation on held-out targets</h2>",
              f"<p>Averaged relative difference (ARD) over the held-out targets without a known gap: "
              f"{_f(summary['ard_before'])} with the scenario's own values, {_f(summary['ard_after'])} with the "
              "calibrated ensemble.</p>",
              html_table(["target", "observed", "sd", "before", "calibrated mean", "90% range", "within 3 sd", "known gap"],
                     [[r["target"], _f(r["observed"]), _f(r["sd"]), _f(r["before"]), _f(r["simulated"]),
                       f"{_f(r['low'])} to {_f(r['high'])}", "yes" if r["within"] else "no",
                       "yes" if r["known_gap"] else ""] for r in held]),
              "</body></html>"]
    with open(path, "w") as f:
        f.write("\n".join(p for p in parts if p))


def _draw_range(p, to_point, draws_unit):
    if not len(draws_unit):
        return "–"
    values = np.array([to_point(u)[p.key] for u in draws_unit])
    return f"{np.percentile(values, 5):.4g} to {np.percentile(values, 95):.4g}"


__all__ = ["write_html"]
