"""summarize: order statistics with diverged runs as +inf, never NaN, numpy's values when nothing diverged."""
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from heavytail_sim.errors import UsageError
from heavytail_sim.statistics import (fraction_diverged, max_diverged_for_finite, quantile_name,
                                      summarize)

EPS = np.finfo(float).eps
DECIMAL_QS = [0.0, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 1.0]


def reference_quantile(row, q: float) -> float:
    """The documented rule, slowly: sort (non-finite -> inf), position h = q (R - 1), exact interpolation."""
    xs = sorted(v if math.isfinite(v) else math.inf for v in row)
    R = len(xs)
    h_float = (R - 1) * q  # the definition computes h in floating point ...
    if abs(h_float - round(h_float)) <= 4 * EPS * max(h_float, 1.0):  # ... and snaps it within 4 ulps
        h = Fraction(round(h_float))
    else:
        h = Fraction(h_float)
    j = math.floor(h)
    g = h - j
    if g == 0:
        return xs[j]
    lo, hi = xs[j], xs[j + 1]
    if math.isinf(lo) or math.isinf(hi):
        return math.inf  # an inf order statistic with a non-zero weight
    return float((1 - g) * Fraction(lo) + g * Fraction(hi))


def _close(got: float, ref: float, row) -> bool:
    if math.isinf(ref) or math.isinf(got):
        return got == ref
    # numpy's two-sided lerp rounds twice: within a few ulps of the larger finite neighbour
    scale = max([abs(v) for v in row if math.isfinite(v)] + [1e-300])
    return abs(got - ref) <= 8 * EPS * scale


@st.composite
def diverging_runs(draw, max_runs=40):
    """A row of non-negative errors with 0, 1, some or all runs diverged (inf or NaN)."""
    R = draw(st.integers(1, max_runs))
    row = draw(arrays(float, R, elements=st.floats(0, 1e6, allow_nan=False, allow_infinity=False)))
    n = draw(st.sampled_from(["none", "one", "some", "all"]))
    n = {"none": 0, "one": min(1, R), "all": R}.get(n) if n != "some" else draw(st.integers(0, R))
    where = draw(st.permutations(range(R)))[:n]
    for i in where:
        row[i] = draw(st.sampled_from([np.inf, np.nan]))
    return row


quantile_levels = st.one_of(st.sampled_from(DECIMAL_QS), st.floats(0, 1))


@given(diverging_runs(), quantile_levels)
def test_matches_the_slow_reference(row, q):
    got = summarize(row, quantiles=(q,))
    diverged = int(np.sum(~np.isfinite(row)))
    assert got["nonfinite"] == diverged
    assert got["mean"] == np.inf if diverged else got["mean"] == pytest.approx(math.fsum(row) / len(row), rel=1e-12)
    for name, level in (("median", 0.5), (quantile_name(q), q)):
        value = float(got[name])
        assert not math.isnan(value)
        assert _close(value, reference_quantile(row, level), row), (name, level, value)
        # finite exactly when at most its share of the runs diverged
        assert math.isfinite(value) == (diverged <= max_diverged_for_finite(level, len(row)))


@given(arrays(float, st.tuples(st.integers(1, 3), st.integers(1, 50)),
              elements=st.floats(0, 1e6, allow_nan=False, allow_infinity=False)), quantile_levels)
def test_without_divergence_equals_numpy_exactly(values, q):
    got = summarize(values, quantiles=(q, 0.1, 0.9))
    assert np.array_equal(got[quantile_name(q)], np.quantile(values, q, axis=-1))
    assert np.array_equal(got["q10"], np.quantile(values, 0.1, axis=-1))
    assert np.array_equal(got["median"], np.quantile(values, 0.5, axis=-1))
    assert np.array_equal(got["mean"], np.mean(values, axis=-1))
    assert np.all(got["nonfinite"] == 0)


@given(st.lists(diverging_runs(max_runs=12), min_size=6, max_size=6))
def test_vectorised_over_leading_axes_equals_row_by_row(rows):
    R = min(len(r) for r in rows)
    block = np.array([r[:R] for r in rows]).reshape(2, 3, R)
    got = summarize(block)
    for idx in np.ndindex(2, 3):
        one = summarize(block[idx])
        for name in ("mean", "median", "q10", "q90", "nonfinite"):
            assert np.array_equal(got[name][idx], one[name]), name


def test_one_diverged_run_of_eleven():
    row = np.r_[np.arange(10.0), np.inf]  # sorted: 0, 1, ..., 9, inf
    got = summarize(row)
    # h = 0.9 * 10 = 9 exactly: all weight on x_9 = 9, the largest finite value (numpy gives NaN here)
    assert got["q90"] == 9.0 and got["q10"] == 1.0 and got["median"] == 5.0
    assert got["mean"] == np.inf and got["nonfinite"] == 1
    assert max_diverged_for_finite(0.9, 11) == 1
    two = summarize(np.r_[np.arange(9.0), np.inf, np.inf])  # x_9 = inf now carries the whole weight
    assert two["q90"] == np.inf and two["median"] == 5.0 and two["nonfinite"] == 2


def test_interpolation_touching_a_diverged_run_is_inf():
    got = summarize(np.r_[np.arange(9.0), np.inf])  # R = 10: h = 8.1 puts weight 0.1 on x_9 = inf
    assert got["q90"] == np.inf and got["median"] == 4.5 and got["q10"] == pytest.approx(0.9)
    # R = 2, one diverged: the median (h = 0.5) weighs the inf run by 1/2
    assert summarize([3.0, np.inf])["median"] == np.inf


def test_all_diverged_is_inf_everywhere_and_never_nan():
    got = summarize(np.full((3, 7), np.inf), quantiles=(0.0, 0.1, 0.9, 1.0))
    for name in ("mean", "median", "q00", "q10", "q90", "q100"):
        assert np.all(got[name] == np.inf), name
    assert np.all(got["nonfinite"] == 7)
    nan_rows = summarize(np.full(5, np.nan))
    assert nan_rows["q10"] == np.inf and nan_rows["nonfinite"] == 5


def test_nan_inputs_count_as_diverged():
    base = np.array([0.5, 2.0, 1.0, 7.0, 3.0])
    with_nan, with_inf = base.copy(), base.copy()
    with_nan[[1, 3]] = np.nan
    with_inf[[1, 3]] = np.inf
    a, b = summarize(with_nan, (0.1, 0.5, 0.9)), summarize(with_inf, (0.1, 0.5, 0.9))
    assert a.keys() == b.keys()
    for name in a:
        assert np.array_equal(a[name], b[name]), name
    assert a["nonfinite"] == 2 and a["q90"] == np.inf and a["q10"] == pytest.approx(0.5 + 0.4 * 0.5)


def test_decimal_levels_behave_as_written():
    # q = 0.28 with R = 26: 0.28 * 25 is 7.000000000000001 in floating point, read as position 7; so the
    # threshold of every percentile level is floor((1 - q)(R - 1)) in exact decimal arithmetic
    for k in range(101):
        for R in range(1, 202):
            limit = math.floor((1 - Fraction(k, 100)) * (R - 1))
            assert max_diverged_for_finite(k / 100, R) == limit, (k, R)
    row = np.r_[np.arange(8.0), np.full(18, np.inf)]  # 18 of 26 diverged: exactly the q28 share
    assert summarize(row, quantiles=(0.28,))["q28"] == 7.0
    assert summarize(np.r_[np.arange(7.0), np.full(19, np.inf)], quantiles=(0.28,))["q28"] == np.inf


def test_fraction_diverged_and_validation():
    assert np.array_equal(fraction_diverged([[1.0, np.inf, np.nan, 2.0], [0.0, 1.0, 2.0, 3.0]]), [0.5, 0.0])
    with pytest.raises(UsageError, match="quantiles"):
        summarize([1.0, 2.0], quantiles=(1.5,))
    with pytest.raises(UsageError, match="quantiles"):
        summarize([1.0, 2.0], quantiles=(float("nan"),))
    with pytest.raises(UsageError, match="at least one run"):
        summarize(np.empty((3, 0)))
    assert quantile_name(0.05) == "q05" and quantile_name(0.9) == "q90"
