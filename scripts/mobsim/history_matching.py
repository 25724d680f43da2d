"""History matching with Gaussian-process emulators (Vernon, Goldstein &
Bower 2010; Andrianakis et al. 2015), the method of `mobsim calibrate`.

Parameters live in the unit cube of their plausible ranges. A wave fits one
emulator per target to the wave's runs (scikit-learn's
GaussianProcessRegressor: a constant times an anisotropic squared-
exponential kernel plus a white-noise term for the replicates' noise of
each run's mean, outputs normalised), checks it by leave-one-out, and rules
out every point x whose implausibility

    I_j(x) = |z_j - E[f_j(x)]| / sqrt(Var_emulator_j(x) + uncertainty_j^2
                                      + discrepancy_j^2 + replicate_var_j)

exceeds the cut-off (3) for more than `allowed` targets (the second-largest
implausibility, I_2M: one target may be off). replicate_var_j is the
variance of a single replicate about the mean (the world is one
realisation of it), pooled over the wave's runs. An emulator whose
leave-one-out standardised errors fall outside +-3 for more than a tenth of
the runs is not trusted: its target is left out of that wave's cut.

A target whose runs vary by less than a tenth of its observation error and
discrepancy together (INACTIVE_SHARE) is inactive for the wave: the
parameters hardly move it, so it is emulated by the runs' mean, with their
variance as the emulator's, instead of a Gaussian process (Vernon et al.
2010 select active outputs in the same spirit). Fits run in parallel on the
cores, each seeded, so the result does not depend on how many.
"""
from dataclasses import dataclass, field
import multiprocessing
import warnings

import numpy as np
from scipy.linalg import cho_solve
from scipy.stats import qmc
from sklearn.exceptions import ConvergenceWarning
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF, ConstantKernel, WhiteKernel

CUTOFF = 3.0
LOO_TRUST_SHARE = 0.9   # share of leave-one-out errors within +-3 an emulator needs
INACTIVE_SHARE = 0.1    # runs' spread below this share of the target's sd: a constant emulator


@dataclass
class Emulator:
    """One target's emulator for one wave, or a constant when the wave's runs
    do not vary it."""
    name: str
    gp: object = None
    constant: float = float("nan")
    constant_variance: float = 0.0   # the runs' variance about the constant
    noise_variance: float = 0.0      # fitted white noise, in output units^2 (the runs' mean noise)
    loo_standardised: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @property
    def loo_within_share(self):
        if not len(self.loo_standardised):
            return 1.0
        return float(np.mean(np.abs(self.loo_standardised) <= CUTOFF))

    @property
    def trusted(self):
        return self.loo_within_share >= LOO_TRUST_SHARE

    def predict(self, x):
        """(mean, variance of the mean function) at the points x (n, k)."""
        if self.gp is None:
            return np.full(len(x), self.constant), np.full(len(x), self.constant_variance)
        mean, sd = self.gp.predict(x, return_std=True)
        return mean, np.clip(sd ** 2 - self.noise_variance, 0.0, None)


def fit_emulator(name, x, y, seed, target_sd=0.0):
    """An emulator of y (n,) over the points x (n, k) in the unit cube; a
    constant when y varies by less than INACTIVE_SHARE of `target_sd`."""
    y = np.asarray(y, dtype=float)
    if np.ptp(y) <= 1e-12 * max(1.0, float(np.max(np.abs(y)))) or np.std(y) < INACTIVE_SHARE * target_sd:
        return Emulator(name, constant=float(np.mean(y)), constant_variance=float(np.var(y)))
    k = x.shape[1]
    kernel = (ConstantKernel(1.0, (1e-3, 1e3)) * RBF(length_scale=np.full(k, 0.5), length_scale_bounds=(0.05, 50.0))
              + WhiteKernel(1e-2, (1e-8, 1.0)))
    gp = GaussianProcessRegressor(kernel=kernel, normalize_y=True, n_restarts_optimizer=0, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        gp.fit(x, y)
    scale = float(gp._y_train_std)
    noise = gp.kernel_.k2.noise_level * scale ** 2
    return Emulator(name, gp=gp, noise_variance=noise, loo_standardised=_loo(gp))


def _fit(task):
    return fit_emulator(*task)


def fit_emulators(tasks, workers):
    """fit_emulator for each task (name, x, y, seed, target_sd), in order,
    on `workers` processes."""
    if workers <= 1 or len(tasks) < 2:
        return [fit_emulator(*t) for t in tasks]
    context = multiprocessing.get_context("fork")
    with context.Pool(workers) as pool:
        return pool.map(_fit, tasks, chunksize=max(1, len(tasks) // (4 * workers)))


def _loo(gp):
    """Leave-one-out standardised errors at the fitted hyperparameters, in
    closed form (Rasmussen & Williams 2006, 5.4.2): (y_i - mu_-i) / sd_-i =
    [K^-1 y]_i / sqrt([K^-1]_ii)."""
    n = len(gp.y_train_)
    k_inv = cho_solve((gp.L_, True), np.eye(n))
    alpha = k_inv @ np.asarray(gp.y_train_).ravel()
    return alpha / np.sqrt(np.diag(k_inv))


@dataclass
class Wave:
    number: int
    emulators: list
    observed: np.ndarray       # (targets,)
    variance: np.ndarray       # (targets,) observation error + discrepancy + replicate variance
    allowed: int = 1           # targets that may exceed the cut-off (I_2M)

    def implausibility(self, x):
        """(points, targets) implausibility; NaN for untrusted emulators."""
        out = np.full((len(x), len(self.emulators)), np.nan)
        for j, em in enumerate(self.emulators):
            if not em.trusted:
                continue
            mean, var = em.predict(x)
            out[:, j] = np.abs(self.observed[j] - mean) / np.sqrt(var + self.variance[j])
        return out

    def measure(self, x):
        """The implausibility that decides: the (allowed + 1)-th largest over
        trusted targets at each point."""
        imp = self.implausibility(x)
        imp = np.where(np.isnan(imp), -np.inf, imp)
        rank = min(self.allowed, imp.shape[1] - 1)
        return -np.sort(-imp, axis=1)[:, rank]

    def non_implausible(self, x):
        """Whether each point's (allowed + 1)-th largest implausibility is
        within the cut-off: measure(x) <= CUTOFF, worked out one emulator at
        a time on the points still in, so that a point out after a few
        targets costs no more predictions."""
        over = np.zeros(len(x), dtype=int)
        alive = np.arange(len(x))
        for j, em in enumerate(self.emulators):
            if not em.trusted or not len(alive):
                continue
            mean, var = em.predict(x[alive])
            exceeds = np.abs(self.observed[j] - mean) / np.sqrt(var + self.variance[j]) > CUTOFF
            over[alive[exceeds]] += 1
            alive = alive[over[alive] <= self.allowed]
        keep = np.zeros(len(x), dtype=bool)
        keep[alive] = True
        return keep


def candidates(box_low, box_high, count, seed):
    """`count` points of a scrambled Sobol sequence over the box (unit-cube
    coordinates)."""
    k = len(box_low)
    sobol = qmc.Sobol(d=k, scramble=True, seed=seed)
    m = int(np.ceil(np.log2(max(count, 2))))
    return qmc.scale(sobol.random_base2(m)[:count], box_low, box_high) if np.all(box_high > box_low) else \
        np.tile(box_low, (count, 1))


def space_filling_subset(points, count, seed):
    """`count` of `points` spread out: greedy maximin from a seeded start."""
    if len(points) <= count:
        return points
    rng = np.random.Generator(np.random.Philox(key=seed))
    chosen = [int(rng.integers(len(points)))]
    distance = np.linalg.norm(points - points[chosen[0]], axis=1)
    for _ in range(count - 1):
        nxt = int(np.argmax(distance))
        chosen.append(nxt)
        distance = np.minimum(distance, np.linalg.norm(points - points[nxt], axis=1))
    return points[sorted(chosen)]


__all__ = ["CUTOFF", "Emulator", "Wave", "fit_emulator", "fit_emulators", "candidates", "space_filling_subset"]
