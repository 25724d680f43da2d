"""scripts/mobsim/effects.py, the one definition of an effect, on numbers
small enough to check by hand (its agreement with `mobsim compare` on real
runs: test_compare.py)."""
import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.join(os.environ.get("MOBSIM_SOURCE_DIR", "."), "scripts"))
from mobsim import effects  # noqa: E402


def test_paired_effect_is_the_mean_of_the_differences():
    base = np.array([[10.0], [20.0], [30.0], [40.0], [50.0]])
    scen = base + np.array([[1.0], [2.0], [3.0], [4.0], [5.0]])
    e = effects.effect(base, scen, paired=True)
    assert e.mean[0] == pytest.approx(3.0)
    assert e.p05[0] == pytest.approx(np.percentile([1, 2, 3, 4, 5], 5))
    assert e.p95[0] == pytest.approx(np.percentile([1, 2, 3, 4, 5], 95))
    assert not e.within_noise[0] and e.pairs[0] == 5
    # The same numbers unpaired: every scenario replicate against every
    # baseline one, 25 differences spread across zero.
    u = effects.effect(base, scen, paired=False)
    assert u.pairs[0] == 25 and u.mean[0] == pytest.approx(3.0) and u.within_noise[0]


def test_values_that_are_not_numbers_are_left_out_with_their_pair():
    base = np.array([[1.0, 5.0], [2.0, np.nan], [3.0, 7.0]])
    scen = np.array([[2.0, 6.0], [3.0, 9.0], [4.0, 8.0]])
    e = effects.effect(base, scen, paired=True)
    assert list(e.pairs) == [3, 2]
    assert e.mean[1] == pytest.approx(1.0)          # (6 - 5) and (8 - 7); the NaN pair is out
    assert e.baseline.mean[1] == pytest.approx(6.0)
    assert e.scenario.mean[1] == pytest.approx(23.0 / 3)
    nothing = effects.effect(np.full((2, 1), np.nan), np.ones((2, 1)), paired=True)
    assert np.isnan(nothing.mean[0]) and not nothing.within_noise[0]


def test_the_parameters_share_of_the_spread_matches_its_construction():
    # 400 draws whose means spread with sd 2, 4 replicates each with chance
    # of sd 1: the parameters' share of the variance is 4 / (4 + 1) = 0.8;
    # its estimate's error at this size is about 0.02, so 0.05 is 2.5 of it.
    rng = np.random.Generator(np.random.Philox(key=5))
    draws, per_draw = 400, 4
    draw = np.repeat(np.arange(draws), per_draw)
    samples = (rng.normal(0, 2, draws)[draw] + rng.normal(0, 1, draws * per_draw))[:, None]
    assert abs(effects.parameter_share(samples, draw)[0] - 0.8) < 0.05
    # Chance alone: the share is near 0; one draw, or one replicate a draw: undefined.
    chance = rng.normal(0, 1, (draws * per_draw, 1))
    assert effects.parameter_share(chance, draw)[0] < 0.05
    assert np.isnan(effects.parameter_share(samples[:4], draw[:4])[0])
    assert np.isnan(effects.parameter_share(samples[::4], draw[::4])[0])
