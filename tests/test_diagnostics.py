"""Tests for heavytail_sim.diagnostics: stream kernel vs reference, variance, modes, skewness."""
import math

import numpy as np
import pytest

from heavytail_sim.diagnostics import count_modes, kde_curve, noise_stream, noise_stream_reference, skewness
from heavytail_sim.errors import UsageError
from heavytail_sim.noise import NoiseModel


@pytest.mark.parametrize("noise", [NoiseModel("gaussian"), NoiseModel("stable", 1.4, 0.5)])
def test_stream_equals_reference(noise):
    a = noise_stream(noise, 3, 60, [1, 9, 60], keep=15, reps=3, seed=5)
    b = noise_stream(noise, 3, 60, [1, 9, 60], keep=15, reps=3, seed=5)
    ref = noise_stream_reference(noise, 3, 60, [1, 9, 60], keep=15, reps=3, seed=5)
    for k in ("variance", "norms", "coords"):
        assert np.array_equal(a[k], b[k])
        # the reference sums in another order (cumsum over all vectors): agreement to rounding only
        np.testing.assert_allclose(a[k], ref[k], rtol=1e-10, atol=1e-12, err_msg=k)


def test_gaussian_variance_converges():
    d, n = 5, 200_000
    s = noise_stream(NoiseModel("gaussian"), d, n, [n], reps=2, seed=3)
    # Var ||x||^2 = 2d for N(0, I_d): the estimate's SE is sqrt(2d/n) = 0.007; allow 4 SE
    assert np.all(np.abs(s["variance"][:, -1] - d) < 4 * math.sqrt(2 * d / n))


def test_stable_variance_keeps_growing():
    # alpha = 1.2: (1/n) sum ||x||^2 grows like n^(2/1.2 - 1) = n^0.67; over three decades the median of
    # 4 streams must grow at least 10x (theory ~100x; the slack covers one stream's big early jump)
    n = 100_000
    s = noise_stream(NoiseModel("stable", 1.2), 2, n, [100, n], reps=4, seed=8)
    assert np.median(s["variance"][:, 1] / s["variance"][:, 0]) > 10


def test_count_modes_and_kde():
    rng = np.random.default_rng(0)
    n = 40_000
    one = rng.standard_normal(n)
    two = np.r_[rng.normal(-2, 0.5, n // 2), rng.normal(2, 0.5, n // 2)]
    three = np.r_[rng.normal(-3, 0.4, n // 3), rng.normal(0, 0.4, n // 3), rng.normal(3, 0.4, n // 3)]
    assert count_modes(one)[0] == 1
    k, where = count_modes(two)
    assert k == 2 and np.allclose(where, [-2, 2], atol=0.15)
    assert count_modes(three)[0] == 3
    # a Cauchy sample must not inflate the bandwidth (robust spread): the mode stays sharp at 0
    k, where = count_modes(rng.standard_cauchy(n))
    assert k == 1 and abs(where[0]) < 0.1
    grid, dens = kde_curve(two)
    assert np.sum(dens) * (grid[1] - grid[0]) == pytest.approx(1.0, abs=1e-3)


def test_skewness():
    rng = np.random.default_rng(2)
    x = rng.exponential(size=100_000)
    sk, se = skewness(x)
    # exponential law: skewness 2; the batch-means SE is ~0.05 here, allow 4 SE
    assert abs(sk - 2.0) < 4 * se and se < 0.1
    sk, se = skewness(rng.standard_normal(100_000))
    assert abs(sk) < 4 * se
    with pytest.raises(UsageError):
        skewness(np.ones(50))
