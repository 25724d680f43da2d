"""The page of `mobsim sensitivity` (sensitivity.html): one self-contained
HTML file with the screening's ranking, a mu*-sigma chart, the Sobol
indices with their intervals, and the tables behind them."""
import html
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

HEADLINE_SUFFIX = "@all cities"
ADVISERS_FIRST = ("population", "returns", "remittances_received", "net_migration", "homeless", "irregular_residents",
                  "vacancies")


def svg_text(fig):
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def _panels(count, height):
    """A figure of `count` panels, three to a row; the spare ones hidden."""
    cols = min(3, count)
    rows = (count + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, height * rows), squeeze=False)
    for ax in axes.ravel()[count:]:
        ax.axis("off")
    return fig, axes


def importance_chart(parameters, score, chosen):
    order = np.argsort(score)
    fig, ax = plt.subplots(figsize=(7, 0.28 * len(parameters) + 1))
    colours = ["#1f77b4" if i in chosen else "#9ecae1" for i in order]
    ax.barh([parameters[i].key for i in order], score[order], color=colours)
    ax.set_xlabel("mean mu* / spread of the output across the screening (over the outputs that vary)")
    ax.set_title("Which parameters move the outputs (dark: carried into the Sobol stage)", fontsize=10)
    ax.tick_params(axis="y", labelsize=8)
    return svg_text(fig)


def mu_sigma_chart(parameters, names, mu_star, sigma, spread, chosen_outputs):
    fig, axes = _panels(len(chosen_outputs), 3.6)
    for ax, j in zip(axes.ravel(), chosen_outputs):
        x, y = mu_star[:, j] / spread[j], sigma[:, j] / spread[j]
        ax.scatter(x, y, s=14)
        top = np.argsort(-x)[:4]
        for i in top:
            ax.annotate(parameters[i].key.split(".")[-1], (x[i], y[i]), fontsize=7, xytext=(3, 2),
                        textcoords="offset points")
        lim = max(float(np.nanmax(x)), float(np.nanmax(y)), 1e-9) * 1.1
        ax.plot([0, lim], [0, lim], color="#bbb", lw=0.8)
        ax.set_xlim(0, lim)
        ax.set_ylim(0, lim)
        ax.set_title(names[j], fontsize=8)
        ax.set_xlabel("mu* / spread", fontsize=8)
        ax.set_ylabel("sigma / spread", fontsize=8)
        ax.tick_params(labelsize=7)
    fig.suptitle("Morris: importance (mu*) against non-linearity and interactions (sigma); "
                 "above the diagonal, interactions dominate", fontsize=9)
    fig.tight_layout()
    return svg_text(fig)


def sobol_chart(parameters, names, chosen, sobol, chosen_outputs):
    fig, axes = _panels(len(chosen_outputs), 3.2)
    labels = [parameters[i].key.split(".")[-1] for i in chosen]
    x = np.arange(len(chosen))
    for ax, j in zip(axes.ravel(), chosen_outputs):
        for offset, key, colour in ((-0.18, "S1", "#1f77b4"), (0.18, "ST", "#ff7f0e")):
            value = sobol[key][:, j]
            err = np.vstack([value - sobol[key + "_low"][:, j], sobol[key + "_high"][:, j] - value])
            ax.bar(x + offset, value, width=0.36, color=colour, label=key,
                   yerr=np.clip(np.nan_to_num(err), 0, None), capsize=2)
        ax.set_xticks(x, labels, rotation=40, ha="right", fontsize=7)
        ax.set_ylim(min(0, float(np.nanmin(sobol["S1_low"][:, j])) if np.isfinite(sobol["S1_low"][:, j]).any() else 0), 1.05)
        ax.set_title(names[j], fontsize=8)
        ax.tick_params(axis="y", labelsize=7)
    axes.ravel()[0].legend(fontsize=7)
    fig.suptitle("Sobol first-order (S1) and total (ST) indices with 90% bootstrap intervals", fontsize=9)
    fig.tight_layout()
    return svg_text(fig)


def html_table(header, rows):
    out = ["<table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header) + "</tr>"]
    for r in rows:
        out.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>")
    return "\n".join(out) + "</table>"


def _f(x, digits=2):
    return "–" if not np.isfinite(x) else f"{x:.{digits}f}"


def write_html(path, summary, parameters, names, targets, mu_star, sigma, spread, noise_share, score, chosen, sobol):
    varying = np.isfinite(spread)
    headline = [j for j, n in enumerate(names) if n.endswith(HEADLINE_SUFFIX) and varying[j]]
    # The charts show first what an adviser asks about.
    first = {f"{n}{HEADLINE_SUFFIX}": i for i, n in enumerate(ADVISERS_FIRST)}
    headline.sort(key=lambda j: (first.get(names[j], len(first)), names[j]))
    # Targets whose spread is largest relative to their observation band: the
    # ones the parameters can move far enough to matter for calibration.
    by_name = {t.name: t for t in targets}
    movable = sorted((j for j, n in enumerate(names) if n in by_name and varying[j]),
                     key=lambda j: -spread[j] / max(by_name[names[j]].sd, 1e-300))[:6]
    fixed = [n for j, n in enumerate(names) if not varying[j]]
    noisy = [n for j, n in enumerate(names) if varying[j] and noise_share[j] > 0.5]
    runs = summary["runs"]
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>mobsim sensitivity</title>",
        "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;line-height:1.4}"
        "table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}"
        "td:first-child,th:first-child{text-align:left}svg{max-width:100%;height:auto}</style></head><body>",
        f"<h1>Sensitivity of {html.escape(summary['scenario'])}</h1>",
        f"<p>{len(parameters)} behavioural parameters, each over its plausible range (docs/SCENARIO.md, Plausible "
        f"ranges); {len(targets)} observed targets and {len(headline)} headline series summed over the cities. "
        f"Runs at 1:{summary['people_per_agent']} with {summary['replicates']} replicates each, every run on the "
        f"scenario's seed (common random numbers): Morris screening {runs.get('morris', 0)} runs, Sobol stage "
        f"{runs.get('sobol', 0)} runs; {summary['jobs']} side by side; {summary['wall_seconds']:.0f} s in all "
        f"({sum(summary['new_runs'].values())} runs new in this invocation).</p>",
        "<h2>Which parameters matter</h2>", importance_chart(parameters, score, chosen),
        "<p>The score is a parameter's Morris mu* (mean absolute change of an output when the parameter moves across "
        "its range) divided by that output's spread over the screening runs, averaged over the outputs that vary. "
        f"{len(fixed)} outputs do not vary with any parameter (figures of the initial state, or inputs the "
        "parameters do not reach) and are left out. "
        + (f"For {len(noisy)} outputs, chance (the replicates' noise of a point's mean) makes up more than half "
           "of the spread across points: their indices are mostly noise." if noisy else
           "For every output that varies, the parameters' effects are larger than the replicates' noise.") + "</p>",
    ]
    shown = headline[:3] + movable[:3]
    if shown:
        parts += ["<h2>Importance against interactions</h2>",
                  mu_sigma_chart(parameters, names, mu_star, sigma, spread, shown)]
    if sobol is not None and shown:
        parts += ["<h2>Variance explained</h2>", sobol_chart(parameters, names, chosen, sobol, shown),
                  "<p>S1: the share of an output's variance over the plausible ranges that the parameter explains alone; "
                  "ST: with all its interactions. An ST well above S1 means the parameter acts through others.</p>"]
    rows = []
    for i in np.argsort(-score):
        p = parameters[i]
        j_best = int(np.nanargmax(np.where(varying, mu_star[i] / spread, -np.inf))) if varying.any() else 0
        rows.append([p.key, f"{p.value:g}", f"[{p.low:g}, {p.high:g}]", _f(score[i]), names[j_best],
                     "yes" if i in chosen else ""])
    parts += ["<h2>Screening table</h2>",
              html_table(["parameter", "value", "plausible range", "score", "output it moves most", "Sobol stage"], rows)]
    if sobol is not None:
        rows = []
        for j in headline + movable:
            for a, i in enumerate(chosen):
                rows.append([names[j], parameters[i].key,
                             f"{_f(sobol['S1'][a, j])} [{_f(sobol['S1_low'][a, j])}, {_f(sobol['S1_high'][a, j])}]",
                             f"{_f(sobol['ST'][a, j])} [{_f(sobol['ST_low'][a, j])}, {_f(sobol['ST_high'][a, j])}]"])
        parts += ["<h2>Sobol indices (headline series and the targets the parameters move most)</h2>",
                  html_table(["output", "parameter", "S1 [90%]", "ST [90%]"], rows),
                  "<p>Every output and parameter: sobol.csv and morris.csv beside this page.</p>"]
    parts.append("</body></html>")
    with open(path, "w") as f:
        f.write("\n".join(parts))


__all__ = ["write_html"]
