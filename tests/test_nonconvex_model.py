"""Seed 000 Thm 2 on concrete problems (heavytail_sim.nonconvex_model): exact constants on a box-projected ripple
and the transient model of Thm 2's schedule."""
import math

import numpy as np
import pytest

from heavytail_sim import nonconvex_model as nm
from heavytail_sim.errors import UsageError
from heavytail_sim.problems import ripple


@pytest.mark.parametrize("h,c,w,R", [(1.0, 2.0, 3.0, 6.0), (1.0, 1.0, 2.0, 3.0), (2.0, 0.1, 1.0, 5.0)])
def test_gradient_bound_is_the_maximum_on_the_box(h, c, w, R):
    t = np.linspace(-R, R, 2_000_001)
    grid = np.max(np.abs(h * (t + c * w * np.sin(w * t))))
    M = nm.ripple_gradient_bound(h, c, w, R)
    # the grid's maximum cannot exceed the exact one; with spacing 6e-6 it is below by at most ~(spacing)^2 f'''
    assert grid <= M * (1 + 1e-12) and M - grid < 1e-6 * M


def test_box_projection_never_increases_a_ripple_term_when_R_is_at_least_cw():
    f = lambda t, c, w: t * t / 2 + c * (1 - np.cos(w * t))  # noqa: E731
    y = np.linspace(-40, 40, 400_001)
    c, w = 2.0, 3.0
    R = c * w
    assert nm.box_keeps_descent(c, w, R)
    assert np.all(f(np.clip(y, -R, R), c, w) <= f(y, c, w) + 1e-12)
    # below c w it can: just past R = 1.5 the term decreases again (t = 1.5 sits above the minimum at 1.98)
    assert not nm.box_keeps_descent(c, w, 1.5)
    assert np.any(f(np.clip(y, -1.5, 1.5), c, w) > f(y, c, w) + 1e-9)


def test_box_constants_gaussian_exact_and_bounds_ordered():
    prob = ripple(4, c=2.0, w=3.0, x0=1.0)
    k = nm.ripple_box_constants(prob, 6.0, "gaussian", 2.0, 1.0, 2.0)
    # E|M + xi|^2 = M^2 + E xi^2 with E xi^2 = 1 for the engine's unit Gaussian: B is exact in closed form
    assert k.B == pytest.approx(math.sqrt(k.M ** 2 + 1.0), rel=1e-9)
    assert k.G_lower <= k.G <= k.B_norm(4) * (1 + 1e-12)
    assert k.L == 19.0 and k.f0 == pytest.approx(float(prob.value(prob.x0)))
    # Monte Carlo of E||M 1 + xi||^2 at the worst point of the box: below G^2 (it equals d(M^2 + 1) here)
    rng = np.random.default_rng(0)
    xi = rng.standard_normal((200_000, 4))
    assert np.mean(np.sum((k.M + xi) ** 2, axis=1)) <= k.G ** 2 * 1.001  # 0.1%: 4 standard errors of the mean


def test_box_constants_heavy_tail_and_bad_input():
    prob = ripple(4, c=2.0, w=3.0, x0=1.0)
    k = nm.ripple_box_constants(prob, 6.0, "pareto", 1.8, 1.0, 1.7)
    assert k.B > k.M and k.B_quad_err < 1e-6 * k.B
    with pytest.raises(UsageError, match="R >= c w|must be >= c w"):
        nm.ripple_box_constants(prob, 5.0, "pareto", 1.8, 1.0, 1.7)
    with pytest.raises(UsageError, match="infinite"):
        nm.ripple_box_constants(prob, 6.0, "pareto", 1.5, 1.0, 1.7)
    with pytest.raises(UsageError, match="x0"):
        nm.ripple_box_constants(ripple(4, c=2.0, w=3.0, x0=7.0), 6.0, "pareto", 1.8, 1.0, 1.7)


def test_clipped_norm_moment_limits():
    from heavytail_sim.theory import clipped_second_moment

    taus = np.array([0.01, 1.0, 3.0, 1e3])
    np.testing.assert_allclose(nm.norm_clipped_moment("pareto", 1.5, 1.0, 1, taus),
                               clipped_second_moment("pareto", 1.5, 1.0, taus), rtol=1e-12)
    V = nm.norm_clipped_moment("gaussian", 2.0, 1.0, 4, taus, n=2 ** 18, seed=1)
    assert np.all(np.diff(V) >= 0)
    # every draw clipped: V = tau^2, up to the correction's Monte Carlo error (the exact part d V_1(tau) is 4 times
    # the per-coordinate clipped moment, ~tau^2 (1 - 0.008) at tau = 0.01; its sample counterpart errs by ~1e-4 of it)
    assert V[0] == pytest.approx(1e-4, rel=1e-3)
    # unclipped: E||xi||^2 = 4 exactly from the exact part; the correction's sample mean is then 0 up to rounding
    assert V[-1] == pytest.approx(4.0, rel=1e-6)


def test_model_formula_and_instability():
    out = nm.theorem2_model([100.0, 100.0], [0.01, 0.5], [2.0, 2.0], 3.0, 5.0)
    assert out[0] == pytest.approx((3.0 / (0.01 * 100) + 2.5 * 0.01 * 2.0) / (1 - 0.025))
    assert out[1] == np.inf  # curvature * eta = 2.5 >= 2: no stationary regime


@pytest.mark.parametrize("kind,a", [("gaussian", 2.0), ("stable", 1.5)])
def test_model_tends_to_table1_where_V_grows_like_tau_to_2_minus_a(kind, a):
    from heavytail_sim.theory import nonconvex_exponent

    Ks = np.geomspace(1e8, 1e10, 9)
    for alg, G in (("gclip", 2.0), ("cclip", 1.0)):
        m = nm.theorem2_model_curve(alg, kind, a, 1.0, ripple(4), G, Ks, n=2 ** 16)
        # V(tau) is tau^(2-a) up to a bounded part negligible at tau ~ 10^2-10^3: 0.01 covers the Monte Carlo V
        assert nm.log_slope(Ks, m["error"], Ks[0], Ks[-1]) == pytest.approx(nonconvex_exponent(a), abs=0.01)


def test_model_lags_for_pareto_noise():
    # the bounded part of V for Lomax noise keeps the model's exponent above Table 1's over feasible K
    from heavytail_sim.theory import nonconvex_exponent

    Ks = np.geomspace(1e3, 1e5, 7)
    m = nm.theorem2_model_curve("cclip", "pareto", 1.8, 1.0, ripple(4), 1.0, Ks)
    assert nm.log_slope(Ks, m["error"], 1e3, 1e5) > nonconvex_exponent(1.8) + 0.04


def test_slopes_of_a_power_law():
    K = np.geomspace(10, 1e5, 49)
    E = 3.0 * K ** -0.4
    assert nm.log_slope(K, E, 100, 1e4) == pytest.approx(-0.4)
    mids, s = nm.centred_local_slopes(K, E, 1.0, 5)
    assert len(mids) > 0 and np.allclose(s, -0.4) and mids.min() >= 10 ** 1.5 * (1 - 1e-9)
    with pytest.raises(UsageError, match="fewer than two"):
        nm.log_slope(K, E, 2.0, 3.0)
    with pytest.raises(UsageError, match="gclip and cclip"):
        nm.theorem2_model_curve("sgd", "gaussian", 2.0, 1.0, ripple(4), 1.0, K)
