"""The one definition of a scenario's effect, shared by `mobsim compare`
(sim/output/compare.cpp, which implements the same rules in C++ and is
tested to agree: tests/scripts/test_compare.py), the advisers' report and
the scheme report.

A **period** is a span of steps: the 12 months to the end of the run (the
horizon, `mobsim compare`'s default), a calendar year, or the whole run.
An indicator's **value** in one replicate over a period is its value at the
period's last time point for stocks and rates, and its total over the
period's steps for flows; over all cities, counts (stocks and flows) add up
and rates are not summed.

A run is summarised by the **mean** of its replicates' values and their 5th
and 95th percentiles (numpy's default linear interpolation). The **effect**
of a scenario against a baseline is the mean of the differences scenario
minus baseline, and its 90% interval the 5th and 95th percentiles of those
differences. The differences are taken replicate by replicate (**paired**)
when both runs have the same replicate seeds, since every draw is keyed by
(seed, agent, step, purpose) and replicate r of one run then shares every
draw the scenarios do not change with replicate r of the other; otherwise
every scenario replicate is set against every baseline replicate. An effect
whose interval includes zero is within replicate noise. Values that are
not numbers (a rate of an empty labour force) are left out, with the pairs
they belong to.

    import sys; sys.path.insert(0, "scripts")
    from mobsim import open_run, effects
    base, scen = open_run("out/baseline.h5"), open_run("out/fashion.h5")
    e = effects.compare(base, scen, "vacancies", effects.horizon(base))
    e.mean[base.city_names.index("Milan")], e.within_noise
"""
from dataclasses import dataclass
import warnings

import numpy as np

QUANTILES = (0.05, 0.95)


@dataclass(frozen=True)
class Period:
    """Time indices first..last (inclusive) of a run's time axis; index 0,
    the initial state, ends no step and is never in a period of flows."""
    label: str
    first: int
    last: int


def horizon(run):
    """The 12 months to the run's last time point (fewer in a shorter run),
    labelled by the date of that time point, e.g. '2035-01'."""
    last = run.series.sizes["time"] - 1
    year_steps = max(1, 12 // run.step_months)
    end = run.start_month + int(run.series["months"].values[last])
    return Period(f"{end // 12:04d}-{end % 12 + 1:02d}", last - year_steps + 1 if last >= year_steps else 1, last)


def calendar_year(run, year):
    """The steps that ran in calendar `year`, labelled '2030'. Raises
    ValueError when none did."""
    hits = np.flatnonzero(run.step_years(run.series) == year)
    if not len(hits):
        years = run.years_with_steps()
        raise ValueError(f"year {year} is outside the runs ({years[0]} to {years[-1]})")
    return Period(str(year), int(hits[0]), int(hits[-1]))


def whole_run(run):
    """Every step of the run, labelled by its first and last calendar years,
    e.g. '2025-2034'."""
    years = run.years_with_steps()
    return Period(f"{years[0]}-{years[-1]}", 1, run.series.sizes["time"] - 1)


def period_values(da, kind, period):
    """An indicator's value over `period` for every replicate (and every
    other dimension of `da`, such as city): a stock or rate at the period's
    last time point, a flow summed over its steps. Float array with
    `replicate` first and `time` gone."""
    if kind == "flow":
        values = da.isel(time=slice(period.first, period.last + 1)).sum("time")
    else:
        values = da.isel(time=period.last)
    return values.transpose("replicate", ...).values.astype(float)


def indicator_values(run, name, period, all_cities=False):
    """(replicate, city) values of the /series `name` over `period`, or
    (replicate,) totals over all cities when `all_cities` (counts only)."""
    kind = run.kind(name)
    values = period_values(run.series[name], kind, period)
    if all_cities:
        if kind == "rate":
            raise ValueError(f"{name} is a rate: rates do not add up over cities")
        return values.sum(axis=1)
    return values


def _mean_and_interval(samples):
    """Mean and 5th/95th percentiles over the first axis, leaving out NaN."""
    samples = np.asarray(samples, dtype=float)
    missing = np.isnan(samples)
    if missing.any():
        # numpy warns on all-NaN slices; their result, NaN, is what we want.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            mean = np.nanmean(samples, axis=0)
            lo, hi = np.nanquantile(samples, QUANTILES, axis=0)
        return mean, lo, hi, (~missing).sum(axis=0)
    lo, hi = np.quantile(samples, QUANTILES, axis=0)
    return samples.mean(axis=0), lo, hi, np.full(samples.shape[1:], samples.shape[0])


@dataclass
class Summary:
    """A run's mean and 90% interval over replicates (arrays over the
    dimensions after `replicate`), and how many replicates had a value."""
    mean: np.ndarray
    p05: np.ndarray
    p95: np.ndarray
    count: np.ndarray


def summarise(values):
    return Summary(*_mean_and_interval(values))


def is_paired(base, run):
    """Replicate r of one run matches replicate r of the other when both have
    the same replicate seeds (same run.seed and number of replicates)."""
    return (len(base.replicate_seeds) == len(run.replicate_seeds) > 0
            and bool(np.array_equal(base.replicate_seeds, run.replicate_seeds)))


def difference_samples(base_values, scen_values, paired):
    """Differences scenario - baseline along the first axis: one per
    replicate pair when paired, otherwise every scenario replicate against
    every baseline replicate (scenario-major order)."""
    base_values, scen_values = np.asarray(base_values, float), np.asarray(scen_values, float)
    if paired:
        return scen_values - base_values
    diff = scen_values[:, None, ...] - base_values[None, :, ...]
    return diff.reshape((-1,) + base_values.shape[1:])


@dataclass
class Effect:
    """A scenario's effect against a baseline: both runs' summaries and the
    mean and 90% interval of the differences (arrays over the dimensions
    after `replicate`)."""
    baseline: Summary
    scenario: Summary
    mean: np.ndarray
    p05: np.ndarray
    p95: np.ndarray
    pairs: np.ndarray        # differences that had a value
    paired: bool

    @property
    def within_noise(self):
        """True where the 90% interval of the differences includes zero."""
        return (self.p05 <= 0) & (self.p95 >= 0)


def effect(base_values, scen_values, paired):
    """The effect from two runs' values over a period (replicate first)."""
    mean, lo, hi, pairs = _mean_and_interval(difference_samples(base_values, scen_values, paired))
    return Effect(summarise(base_values), summarise(scen_values), mean, lo, hi, pairs, paired)


def parameter_share(samples, draw):
    """How much of the spread of `samples` (replicate first) comes from the
    parameters rather than chance, for a run over calibrated draws: the
    variance between the draws' means, less what chance alone puts there
    (the mean variance within a draw / replicates per draw), over the total
    variance; 0 to 1 (array over the other dimensions), NaN with a single
    draw, fewer than two replicates per draw, or nothing that varies. `draw` gives each
    replicate's draw (Run.draw)."""
    samples = np.asarray(samples, dtype=float)
    draw = np.asarray(draw)
    groups = [samples[draw == d] for d in np.unique(draw)]
    per_draw = min(len(g) for g in groups)
    if len(groups) < 2 or per_draw < 2:
        return np.full(samples.shape[1:], np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        means = np.array([np.nanmean(g, axis=0) for g in groups])
        within = np.nanmean(np.array([np.nanvar(g, axis=0, ddof=1) for g in groups]), axis=0)
        between = np.nanvar(means, axis=0, ddof=1) - within / per_draw
        total = np.clip(between, 0, None) + within
        return np.where(total > 0, np.clip(between, 0, None) / np.where(total > 0, total, 1), np.nan)


def compare(base, run, name, period, all_cities=False):
    """The effect of `run` against `base` on the /series `name` over
    `period`, per city (or over all cities)."""
    return effect(indicator_values(base, name, period, all_cities), indicator_values(run, name, period, all_cities),
                  is_paired(base, run))
