"""Table 1 exponents, theorem bounds, the ball constant G and the clipped second moment (theory.py)."""
import math

import numpy as np
import pytest

from heavytail_sim import theory
from heavytail_sim.errors import UsageError
from heavytail_sim.noise import abs_moment, sample


@pytest.mark.parametrize("alpha, sc, nc", [(1.5, -2 / 3, -0.4), (1.2, -1 / 3, -0.25), (2.0, -1.0, -0.5),
                                           (3.0, -1.0, -0.5)])
def test_table1_exponents(alpha, sc, nc):
    # hand values: -2(a-1)/a and -2(a-1)/(3a-2); the alpha >= 2 column is -1 and -1/2
    assert theory.strongly_convex_exponent(alpha) == pytest.approx(sc)
    assert theory.nonconvex_exponent(alpha) == pytest.approx(nc)


def test_exponents_are_continuous_at_alpha_two_and_reject_alpha_one():
    assert theory.strongly_convex_exponent(2 - 1e-9) == pytest.approx(-1.0, abs=1e-8)
    assert theory.nonconvex_exponent(2 - 1e-9) == pytest.approx(-0.5, abs=1e-8)
    with pytest.raises(UsageError):
        theory.strongly_convex_exponent(1.0)


def test_sgd_laws():
    assert theory.sgd_sample_mean_growth(1.5) == pytest.approx(1 / 3)
    assert theory.sgd_median_exponent(1.5) == pytest.approx(-2 / 3)
    with pytest.raises(UsageError):
        theory.sgd_sample_mean_growth(2.0)


def test_theorem_bounds_at_alpha_two():
    # alpha = 2: Thm 1 is 16 G^2/(mu (k+1)), Thm 2 is 4 G (L f0 / K)^(1/2)
    assert theory.theorem1_bound(9, 2.0, 3.0, 0.5) == pytest.approx(16 * 9 / (0.5 * 10))
    assert theory.theorem2_bound(100, 2.0, 3.0, 5.0, 2.0) == pytest.approx(4 * 3 * math.sqrt(10 / 100))
    k = np.array([1, 10, 100])
    b = theory.theorem1_bound(k, 1.5, 1.0, 1.0)
    assert np.allclose(np.diff(np.log(b)) / np.diff(np.log(k + 1.0)), -2 * 0.5 / 1.5)


@pytest.mark.parametrize("kind, a, p", [("pareto", 1.5, 1.2), ("pareto", 1.8, 1.7), ("gaussian", 2.0, 2.0)])
def test_shifted_moment_at_zero_is_the_exact_absolute_moment(kind, a, p):
    val, err = theory.shifted_abs_moment(0.0, kind, a, 1.3, p)
    assert val == pytest.approx(abs_moment(kind, a, 1.3, p), rel=1e-7)
    assert err < 1e-6 * val


def test_shifted_moment_is_infinite_at_or_above_the_tail_index():
    assert theory.shifted_abs_moment(1.0, "pareto", 1.5, 1.0, 1.5)[0] == math.inf


def test_ball_G_matches_monte_carlo_where_its_variance_is_finite():
    # p = 0.6 * a < a/2 is not needed for the value, but the MC standard error is valid only for 2p < a,
    # so take a = 2.5 (Pareto) and p = 1.2: E|X|^2.4 finite
    G, err = theory.ball_G(1.0, 2.0, "pareto", 2.5, 1.0, 1.2)
    Gmc, se = theory.ball_G_monte_carlo(1.0, 2.0, "pareto", 2.5, 1.0, 1.2, n=400_000, seed=3)
    assert err < 1e-8
    assert abs(G - Gmc) < 4 * se  # 4 standard errors: a false alarm has probability < 1e-4


def test_ball_G_increases_with_radius_and_exceeds_the_noise_moment():
    g1 = theory.ball_G(1.0, 1.0, "pareto", 1.6, 1.0, 1.5)[0]
    g2 = theory.ball_G(1.0, 2.0, "pareto", 1.6, 1.0, 1.5)[0]
    g0 = abs_moment("pareto", 1.6, 1.0, 1.5) ** (1 / 1.5)
    assert g0 < g1 < g2


@pytest.mark.parametrize("kind, a", [("pareto", 1.4), ("stable", 1.7), ("gaussian", 2.0)])
def test_clipped_second_moment_matches_samples(kind, a):
    tau = np.array([0.5, 3.0, 20.0])
    v = theory.clipped_second_moment(kind, a, 1.5, tau)
    x2 = np.minimum(sample(kind, a, 1.5, 400_000, 7)[:, None] ** 2, tau ** 2)
    se = x2.std(axis=0) / math.sqrt(x2.shape[0])
    assert np.all(np.abs(v - x2.mean(axis=0)) < 4 * se + 1e-3 * v)  # 4 SE (+0.1% for the stable grid)


def test_clipped_second_moment_grows_like_tau_to_two_minus_a():
    a = 1.5
    t = np.array([1e6, 1e8])
    v = theory.clipped_second_moment("stable", a, 1.0, t)
    # V ~ 4 C tau^(2-a)/(2-a) for the two-sided tail 2 C t^-a
    lead = 4 * math.gamma(a) * math.sin(math.pi * a / 2) / math.pi / (2 - a) * t ** (2 - a)
    assert np.allclose(v / lead, 1.0, atol=2e-3)


def test_transient_exponent_tends_to_table1():
    a = 1.6
    far = theory.transient_exponent("pareto", a, 1.0, 1e3, 1 / a, 1e8, 1e10)
    near = theory.transient_exponent("pareto", a, 1.0, 1.0, 1 / a, 1e2, 1e4)
    target = theory.strongly_convex_exponent(a)
    assert abs(far - target) < 0.005
    assert near - target > 0.05  # the bounded part of V slows the early decay (Pareto bulk)


def test_theorem2_sigma_bound_rate_and_floor():
    # the bound at the intended threshold decays like K^(-2(a-1)/(3a-2)) once the K-dependent entry is the max;
    # the printed threshold leaves a floor (2 4^a + 4) sigma^(2a) tau^(2-2a) at the constant tau
    K = np.array([1e12, 1e14])
    a, sigma = 1.5, 0.1
    b = theory.theorem2_sigma_bound(K, a, sigma, 1.0, 1.0)
    assert np.log(b[1] / b[0]) / np.log(100.0) == pytest.approx(theory.nonconvex_exponent(a), rel=1e-9)
    flat = theory.theorem2_sigma_bound(np.array([1e12, 1e20]), a, sigma, 1.0, 1.0, reading="printed")
    tau = max(2.0, 48**2 * sigma**3, 8 * sigma)
    assert flat[1] == pytest.approx((2 * 4**a + 4) * sigma ** (2 * a) * tau ** (2 - 2 * a), rel=1e-6)
    with pytest.raises(UsageError):
        theory.theorem2_sigma_bound(10, 1.5, -1.0, 1.0, 1.0)


def test_theorem4_bound_is_theorem1s():
    k = np.array([1, 10, 1000])
    assert np.allclose(theory.theorem4_bound(k, 1.3, 2.0, 0.5), theory.theorem1_bound(k, 1.3, 2.0, 0.5), rtol=1e-14)


def test_nonconvex_lower_bound_instance_fields():
    inst = theory.nonconvex_lower_bound_instance(2.0, 1e-3, 1.0, 1.0, 1.0)
    T, lam, p, queries = inst  # unpacks as (T, lam, p, queries)
    assert T == math.floor(1 / (4 * 152 * 12 * 1e-6)) and lam == pytest.approx(2 * 152 * 1e-3)
    # alpha = 2: E|xi/p - 1|^2 = (1 - p)/p, so (46 eps)^2 (1 - p)/p = sigma^2 gives p = 1/(1 + sigma^2/(46 eps)^2)
    assert p == pytest.approx(1 / (1 + 1 / (46e-3) ** 2), rel=1e-10)
    assert queries == pytest.approx((T - math.log(2)) / (2 * p), rel=1e-12)
