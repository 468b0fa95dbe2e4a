"""Exponent fitting, bootstrap intervals, local slopes and the verdict rule (heavytail_sim.rates)."""
import math

import numpy as np
import pytest

from heavytail_sim.rates import (bootstrap_curves, fit_exponent, fit_slope, local_slope_bands, local_slopes,
                                 verdict, window_mask)


def test_fit_slope_recovers_an_exact_power_law():
    k = np.geomspace(1, 1e6, 61)
    y = 3.0 * k ** -0.7
    slope, icpt = fit_slope(k, y)
    assert slope == pytest.approx(-0.7, abs=1e-12)
    assert math.exp(icpt) == pytest.approx(3.0, rel=1e-10)


def test_fit_slope_is_nan_on_non_positive_or_infinite_values():
    k = np.array([1.0, 10.0, 100.0])
    assert math.isnan(fit_slope(k, np.array([1.0, np.inf, 0.1]))[0])
    assert math.isnan(fit_slope(k, np.array([1.0, 0.0, 0.1]))[0])


def test_window_mask_keeps_the_last_decades_including_edges():
    k = np.array([1, 10, 100, 1000, 10000])
    assert window_mask(k, 2.0).tolist() == [False, False, True, True, True]
    assert window_mask(k, 1.5).tolist() == [False, False, False, True, True]


def test_window_restricts_the_fit_to_the_asymptote():
    # a curve that bends at k = 100: slope -2 before, -0.5 after
    k = np.geomspace(1, 1e4, 41)
    y = np.where(k < 100, 100.0 ** 1.5 * k ** -2.0, k ** -0.5)
    assert fit_slope(k, y, window_mask(k, 2.0))[0] == pytest.approx(-0.5, abs=1e-12)


def test_local_slopes_of_a_piecewise_power_law():
    k = np.geomspace(1, 1e4, 81)  # 20 per decade: every half-decade window has 11 points
    y = np.where(k <= 100, 100.0 ** 0.5 * k ** -1.0, k ** -0.5)
    mids, s = local_slopes(k, y, 0.5)
    assert len(mids) == 8 and np.all(np.diff(mids) > 0)
    # windows entirely above / below the bend at 100 see the exact exponents
    assert np.allclose(s[mids > 100], -0.5, atol=1e-12)
    assert np.allclose(s[mids < 100], -1.0, atol=1e-12)


def _synthetic(b, R, C=31, seed=0):
    """Per-run errors k^b * Z_r * W_{c,r}: a run effect (correlated across k) and log-normal noise."""
    rng = np.random.default_rng(seed)
    k = np.geomspace(10, 1e5, C)
    z = rng.exponential(size=R)
    w = rng.lognormal(0.0, 0.5, size=(C, R))
    return k, (k ** b)[:, None] * z[None, :] * w


def test_bootstrap_mean_replicates_match_resampled_means():
    # multinomial counts must give the same distribution as index resampling: compare mean and spread
    k, raw = _synthetic(-0.5, 300, C=5, seed=1)
    reps = bootstrap_curves(raw, statistic="mean", n_boot=4000, seed=2)
    rng = np.random.default_rng(3)
    idx = rng.integers(0, 300, size=(4000, 300))
    ref = raw[:, idx].mean(axis=2).T
    # 4000 replicates: the sd of each replicate sd estimate is ~1.1%; 6% allows 5 sigma
    assert np.allclose(reps.mean(0), raw.mean(1), rtol=0.01)
    assert np.allclose(reps.std(0), ref.std(0), rtol=0.06)


def test_bootstrap_mean_is_infinite_when_a_resample_holds_a_diverged_run():
    raw = np.ones((3, 50))
    raw[:, 7] = np.inf
    reps = bootstrap_curves(raw, statistic="mean", n_boot=200, seed=0)
    holds = np.isinf(reps[:, 0])
    # P(a resample misses run 7) = (49/50)^50 = 0.36: both cases occur among 200 replicates
    assert holds.any() and (~holds).any()
    assert np.all(reps[~holds] == 1.0)


def test_fit_exponent_interval_covers_the_truth_and_shrinks_with_runs():
    covered, widths = 0, {}
    for rep in range(20):
        k, raw = _synthetic(-0.6, 200, seed=10 + rep)
        fit = fit_exponent(k, raw, statistic="mean", decades=2.0, n_boot=300, seed=rep)
        covered += fit.ci_low <= -0.6 <= fit.ci_high
        widths.setdefault(200, []).append(fit.half_width)
    # nominal 95%: P(Binomial(20, 0.95) <= 15) < 0.02, so >= 16 of 20 must cover
    assert covered >= 16
    k, raw = _synthetic(-0.6, 3200, seed=99)
    big = fit_exponent(k, raw, statistic="mean", decades=2.0, n_boot=300, seed=1)
    # 16x the runs: half-width ~1/4; 0.45 leaves room for the bootstrap's own noise
    assert big.half_width < 0.45 * np.median(widths[200])
    assert big.k_lo == pytest.approx(1e3, rel=1e-9) and big.k_hi == pytest.approx(1e5, rel=1e-9)


def test_fit_exponent_median_and_unpaired_horizons():
    k, raw = _synthetic(-0.4, 400, C=7, seed=5)
    med = fit_exponent(k, raw, statistic="median", decades=2.0, n_boot=200, seed=0)
    assert med.ci_low <= -0.4 <= med.ci_high  # fixed seeds; exact data exponent -0.4
    # independent runs per horizon: a list of arrays of different sizes
    cols = [raw[c, : 100 + 20 * c] for c in range(raw.shape[0])]
    unp = fit_exponent(k, cols, statistic="mean", decades=2.0, n_boot=200, seed=0, paired=False)
    assert unp.ci_low <= -0.4 <= unp.ci_high
    assert unp.slope == pytest.approx(fit_slope(k, [c.mean() for c in cols], window_mask(k, 2.0))[0])


def test_local_slope_bands_bracket_the_point_estimates():
    k, raw = _synthetic(-0.8, 300, seed=4)
    mids, s, lo, hi = local_slope_bands(k, raw, statistic="mean", width=0.5, n_boot=100, seed=0)
    assert mids.shape == s.shape == lo.shape == hi.shape and len(mids) >= 6
    assert np.all(lo <= s + 1e-12) and np.all(s <= hi + 1e-12)


def test_verdict_rule():
    assert verdict(-0.86, -0.889, 0.05) == "agrees"
    assert verdict(-0.80, -0.889, 0.05) == "disagrees"
    assert verdict(-0.60, -0.47, 0.05, "upper") == "faster (bound holds)"
    assert verdict(-0.30, -0.47, 0.05, "upper") == "disagrees"
    assert verdict(math.nan, -0.5, 0.05) == "n/a"
