"""The Morris and Sobol estimators against functions whose indices are known
analytically (scripts/mobsim/sensitivity.py)."""
import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.join(os.environ.get("MOBSIM_SOURCE_DIR", "."), "scripts"))
from mobsim import sensitivity  # noqa: E402


def ishigami(unit, a=7.0, b=0.1):
    x = sensitivity.scale(unit, [-np.pi] * 3, [np.pi] * 3)
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices(a=7.0, b=0.1):
    """Analytic first-order and total indices (Ishigami & Homma 1990;
    Saltelli et al. 2008, Global Sensitivity Analysis: The Primer, 4.5)."""
    v1 = 0.5 * (1 + b * np.pi ** 4 / 5) ** 2
    v2 = a ** 2 / 8
    v13 = b ** 2 * np.pi ** 8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return np.array([v1, v2, 0.0]) / v, np.array([v1 + v13, v2, v13]) / v


def g_function(unit, a):
    """Sobol's g-function: prod (|4x - 2| + a_i) / (1 + a_i)."""
    a = np.asarray(a, dtype=float)
    return np.prod((np.abs(4 * unit - 2) + a) / (1 + a), axis=1)


def g_indices(a):
    a = np.asarray(a, dtype=float)
    v = 1 / (3 * (1 + a) ** 2)
    total_variance = np.prod(1 + v) - 1
    first = v / total_variance
    totals = np.array([v[i] * np.prod(np.delete(1 + v, i)) for i in range(len(a))]) / total_variance
    return first, totals


def test_sobol_indices_of_the_ishigami_function_within_0_02_and_inside_their_intervals():
    # n = 2^13 base rows: the estimators' sampling error is about 0.01
    # (Saltelli et al. 2010, Fig. 3); 0.02 is two of those.
    k, n = 3, 2 ** 13
    design = sensitivity.saltelli_design(k, n, seed=7)
    assert design.shape == (n * (k + 2), k)
    result = sensitivity.sobol_indices(ishigami(design), k, bootstrap=300, seed=3)
    first, total = ishigami_indices()
    np.testing.assert_allclose(result["S1"][:, 0], first, atol=0.02)
    np.testing.assert_allclose(result["ST"][:, 0], total, atol=0.02)
    # The 90% intervals are not wider than a few hundredths and hold the truth
    # widened by the same 0.02 (an interval holds it only 90% of the time).
    for key, truth in (("S1", first), ("ST", total)):
        low, high = result[key + "_low"][:, 0], result[key + "_high"][:, 0]
        assert np.all(high - low < 0.08)
        assert np.all(low - 0.02 <= truth) and np.all(truth <= high + 0.02)


def test_sobol_indices_of_the_g_function_within_0_03():
    a = [0.0, 1.0, 4.5, 9.0]
    k, n = len(a), 2 ** 13
    design = sensitivity.saltelli_design(k, n, seed=11)
    result = sensitivity.sobol_indices(g_function(design, a), k, bootstrap=100)
    first, total = g_indices(a)
    np.testing.assert_allclose(result["S1"][:, 0], first, atol=0.03)
    np.testing.assert_allclose(result["ST"][:, 0], total, atol=0.03)


def test_a_constant_output_gets_no_indices_rather_than_a_division_by_zero():
    k, n = 2, 64
    design = sensitivity.saltelli_design(k, n)
    result = sensitivity.sobol_indices(np.ones(len(design)), k, bootstrap=10)
    assert np.all(np.isnan(result["S1"])) and np.all(np.isnan(result["ST"]))


def test_morris_elementary_effects_of_a_linear_function_are_its_coefficients_exactly():
    beta = np.array([3.0, -2.0, 0.5, 0.0])
    design = sensitivity.morris_design(len(beta), trajectories=10, levels=4, seed=5)
    assert design.shape == (10 * 5, 4)
    assert design.min() >= 0.0 and design.max() <= 1.0
    mu, mu_star, sigma = sensitivity.morris_indices(design, design @ beta, len(beta))
    np.testing.assert_allclose(mu[:, 0], beta, atol=1e-12)
    np.testing.assert_allclose(mu_star[:, 0], np.abs(beta), atol=1e-12)
    np.testing.assert_allclose(sigma[:, 0], 0.0, atol=1e-12)


def test_morris_trajectories_move_one_parameter_at_a_time_by_delta():
    k, levels = 5, 4
    design = sensitivity.morris_design(k, trajectories=6, levels=levels, seed=2)
    delta = levels / (2 * (levels - 1))
    for t in range(6):
        block = design[t * (k + 1):(t + 1) * (k + 1)]
        steps = np.diff(block, axis=0)
        moved = np.abs(steps) > 1e-12
        assert np.all(moved.sum(axis=1) == 1)
        assert sorted(np.argmax(moved, axis=1)) == list(range(k))  # each parameter once
        np.testing.assert_allclose(np.abs(steps[moved]), delta)


def test_morris_ranks_the_g_function_parameters_as_their_total_indices_do():
    a = [0.0, 1.0, 4.5, 9.0, 99.0]
    k = len(a)
    design = sensitivity.morris_design(k, trajectories=50, levels=4, seed=9)
    _, mu_star, _ = sensitivity.morris_indices(design, g_function(design, a), k)
    _, total = g_indices(a)
    assert list(np.argsort(-mu_star[:, 0])) == list(np.argsort(-total))


def test_morris_sees_the_ishigami_interaction_that_first_order_indices_miss():
    # x3 acts only through its interaction with x1 (S1 = 0, ST = 0.24):
    # its elementary effects are large and change sign, so mu* > 0 and
    # sigma is of the order of mu*, while mu (signed) nearly cancels.
    design = sensitivity.morris_design(3, trajectories=200, levels=4, seed=4)
    mu, mu_star, sigma = sensitivity.morris_indices(design, ishigami(design), 3)
    assert mu_star[2, 0] > 1.0
    assert sigma[2, 0] > 0.8 * mu_star[2, 0]
    assert abs(mu[2, 0]) < 0.5 * mu_star[2, 0]


def test_odd_levels_are_refused():
    with pytest.raises(ValueError):
        sensitivity.morris_design(2, 3, levels=3)
