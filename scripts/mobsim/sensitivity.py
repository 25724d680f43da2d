"""Global sensitivity analysis: Morris screening and Sobol indices.

Designs are in the unit hypercube [0, 1]^k (scale them to the parameters'
ranges before running); the estimators take the outputs in design order as
an array (runs, outputs) and return one value per parameter and output.
No packaged Debian library provides these estimators (SALib is not
packaged; scipy 1.10 has no `sobol_indices`), so they are written here and
tested against functions with known indices (tests/scripts/
test_sensitivity_estimators.py: Ishigami, Sobol's g-function, linear).

Morris (1991), with Campolongo, Cariboni & Saltelli's (2007) mu*: r
trajectories of k + 1 points on a p-level grid, each moving one parameter
at a time by delta = p / (2 (p - 1)); the elementary effect of parameter i
on trajectory t is (y(x + delta e_i) - y(x)) / delta (in units of the
output per whole range of the parameter); mu* is the mean of their absolute
values (importance), sigma their standard deviation (non-linearity and
interactions).

Sobol first-order S_i (the share of the output's variance explained by
parameter i alone) and total S_Ti (including all its interactions), from
the radial design of Saltelli (2002): matrices A and B of n rows from a
scrambled Sobol sequence of dimension 2k, and A_B^(i) (A with column i from
B), n (k + 2) runs. Estimators of Saltelli et al. (2010, Table 2): S_i =
mean(f(B) (f(A_B^(i)) - f(A))) / V and Jansen's S_Ti = mean((f(A) -
f(A_B^(i)))^2) / (2 V), V the variance of f over A and B together, with f
centred on its mean over A and B first.
Confidence intervals: percentiles of the estimates over bootstrap resamples
of the n rows (Archer, Saltelli & Sobol 1997).
"""
import warnings

import numpy as np
from scipy.stats import qmc


def morris_design(k, trajectories, levels=4, seed=1):
    """(trajectories * (k + 1), k) points in [0, 1]^k: each block of k + 1
    rows is one trajectory, row j + 1 differing from row j in one parameter
    by +-delta. Draws from numpy's Philox keyed by `seed`."""
    if levels < 2 or levels % 2:
        raise ValueError("Morris levels must be even and at least 2")
    rng = np.random.Generator(np.random.Philox(key=seed))
    delta = levels / (2.0 * (levels - 1))
    grid = np.arange(levels) / (levels - 1)
    rows = []
    for _ in range(trajectories):
        x = rng.choice(grid, size=k)
        rows.append(x.copy())
        for i in rng.permutation(k):
            x[i] = x[i] + delta if x[i] + delta <= 1.0 + 1e-12 else x[i] - delta
            rows.append(x.copy())
    return np.array(rows)


def morris_indices(design, outputs, k):
    """mu, mu* and sigma of the elementary effects: three arrays of shape
    (k, outputs). `design` is morris_design's, `outputs` (runs, outputs) or
    (runs,). Effects are per unit of the [0, 1] range."""
    y = np.asarray(outputs, dtype=float)
    y = y[:, None] if y.ndim == 1 else y
    x = np.asarray(design, dtype=float)
    trajectories = len(x) // (k + 1)
    effects = np.full((trajectories, k, y.shape[1]), np.nan)
    for t in range(trajectories):
        block = slice(t * (k + 1), (t + 1) * (k + 1))
        xs, ys = x[block], y[block]
        for j in range(k):
            step = xs[j + 1] - xs[j]
            i = int(np.argmax(np.abs(step)))
            effects[t, i] = (ys[j + 1] - ys[j]) / step[i]
    mu = effects.mean(axis=0)
    mu_star = np.abs(effects).mean(axis=0)
    sigma = effects.std(axis=0, ddof=1) if trajectories > 1 else np.zeros_like(mu)
    return mu, mu_star, sigma


def saltelli_design(k, n, seed=1):
    """(n (k + 2), k) points in [0, 1]^k: A (n rows), B (n rows), then
    A_B^(1) ... A_B^(k). A and B are the two halves of a scrambled Sobol
    sequence of dimension 2k (scipy.stats.qmc, seeded); n should be a power
    of 2."""
    sobol = qmc.Sobol(d=2 * k, scramble=True, seed=seed)
    base = sobol.random(n)
    a, b = base[:, :k], base[:, k:]
    blocks = [a, b]
    for i in range(k):
        ab = a.copy()
        ab[:, i] = b[:, i]
        blocks.append(ab)
    return np.vstack(blocks)


def _sobol_estimates(fa, fb, fab):
    """S1 and ST (k, outputs) from f(A), f(B) (n, outputs) and f(A_B) (k, n, outputs)."""
    variance = np.var(np.concatenate([fa, fb]), axis=0, ddof=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        first = np.mean(fb[None] * (fab - fa[None]), axis=1) / variance
        total = 0.5 * np.mean((fa[None] - fab) ** 2, axis=1) / variance
    return first, total


def sobol_indices(outputs, k, bootstrap=1000, confidence=0.9, seed=1):
    """First-order and total indices with bootstrap intervals from the
    outputs of saltelli_design's runs, in its order. Returns a dict of arrays
    of shape (k, outputs): `S1`, `ST`, and `S1_low`, `S1_high`, `ST_low`,
    `ST_high` (the central `confidence` interval over `bootstrap` resamples
    of the n rows). An output that does not vary gets NaN indices."""
    y = np.asarray(outputs, dtype=float)
    y = y[:, None] if y.ndim == 1 else y
    n = len(y) // (k + 2)
    if n * (k + 2) != len(y):
        raise ValueError(f"{len(y)} runs is not n (k + 2) for k = {k}")
    # Centred on the mean over A and B: the estimators' products then carry
    # the output's variation, not its level (an output of mean 0.03 varying
    # by 0.002 would otherwise give first-order indices of several units at
    # n = 32).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an output undefined at every point stays NaN
        y = y - np.nanmean(y[:2 * n], axis=0)
    fa, fb = y[:n], y[n:2 * n]
    fab = y[2 * n:].reshape(k, n, y.shape[1])
    first, total = _sobol_estimates(fa, fb, fab)
    rng = np.random.Generator(np.random.Philox(key=seed))
    boot_first = np.empty((bootstrap,) + first.shape)
    boot_total = np.empty_like(boot_first)
    for b in range(bootstrap):
        rows = rng.integers(0, n, size=n)
        boot_first[b], boot_total[b] = _sobol_estimates(fa[rows], fb[rows], fab[:, rows])
    tail = 100 * (1 - confidence) / 2
    low, high = tail, 100 - tail
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices of an output that does not vary
        return {"S1": first, "ST": total,
                "S1_low": np.nanpercentile(boot_first, low, axis=0), "S1_high": np.nanpercentile(boot_first, high, axis=0),
                "ST_low": np.nanpercentile(boot_total, low, axis=0), "ST_high": np.nanpercentile(boot_total, high, axis=0)}


def scale(unit_points, lower, upper):
    """Points of [0, 1]^k mapped onto [lower, upper] per column."""
    lower, upper = np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)
    return lower + np.asarray(unit_points) * (upper - lower)


__all__ = ["morris_design", "morris_indices", "saltelli_design", "sobol_indices", "scale"]
