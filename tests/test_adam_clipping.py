import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from heavytail_sim import adam_clipping as ac
from heavytail_sim.algorithms import Algorithm
from heavytail_sim.engine import Simulation
from heavytail_sim.errors import UsageError
from heavytail_sim.noise import NoiseModel
from heavytail_sim.problems import quadratic, ripple
from heavytail_sim.schedules import constant

QUAD = quadratic(6, 0.01, 1.0)
QUAD_NOISE = NoiseModel("pareto", 1.5, tuple(np.geomspace(1.0, 0.01, 6)))
RIP = ripple(4, c=0.5, w=4.0)
RIP_NOISE = NoiseModel("stable", 1.5, (1.0, 0.3, 0.1, 0.01))


@given(g=st.floats(-1e3, 1e3), v=st.floats(0, 1e4), eps=st.floats(1e-10, 10.0), beta2=st.floats(0.0, 0.9999))
def test_ratio_is_the_function_of_u_and_rho(g, v, eps, beta2):
    # (*) of the module docstring against the seed's definitions of h_Adam, eta_k, tau_k, h_clip
    eta_k, tau_k = ac.clip_parameters(v, 0.3, beta2, eps)
    direct = ac.h_adam(g, v, 0.3, beta2, eps) / ac.h_clip(g, eta_k, tau_k)
    D = eps + math.sqrt(beta2 * v)
    formula = ac.ratio_formula(math.sqrt(1 - beta2) * abs(g) / D, eps / D)
    assert direct == pytest.approx(float(formula), rel=1e-12)  # same quantity, rounding only
    lo, hi = ac.ratio_interval(1.0)
    assert lo - 1e-15 <= direct <= hi + 1e-15


def test_ratio_interval_exact_constants():
    assert ac.ratio_interval(0.0) == pytest.approx((1 / math.sqrt(2), 1.0), abs=1e-15)
    assert ac.ratio_interval(1.0) == pytest.approx((0.5, 1.0), abs=1e-15)
    # attained: u = 1 at the lower end, u = 0 at the upper end
    for rho in (0.0, 0.3, 1.0):
        assert ac.ratio_formula(1.0, rho) == pytest.approx(ac.ratio_interval(rho)[0], rel=1e-14)
        assert ac.ratio_formula(0.0, rho) == pytest.approx(1.0, rel=1e-14)
    # the seed's interval contains the exact one; its upper constant 2 is never approached
    assert ac.SEED_INTERVAL[0] <= ac.ratio_interval(1.0)[0] and ac.ratio_interval(1.0)[1] < ac.SEED_INTERVAL[1]
    with pytest.raises(UsageError):
        ac.ratio_interval(1.5)


@pytest.mark.parametrize("rho_max", [0.0, 0.1, 0.5, 0.9, 1.0])
def test_ratio_interval_matches_brute_force(rho_max):
    # dense grid over u in [1e-4, 1e4] (includes u = 1) and rho in [0, rho_max]
    u = np.concatenate([np.logspace(-4, 4, 4001), [1.0]])[:, None]
    rho = np.linspace(0.0, rho_max, 201)[None, :]
    vals = ac.ratio_formula(u, rho)
    lo, hi = ac.ratio_interval(rho_max)
    assert vals.min() == pytest.approx(lo, rel=1e-12)  # the grid contains the minimiser (u = 1, rho_max)
    assert vals.max() <= hi + 1e-15
    assert vals.max() > hi - 1e-6  # u = 1e-4 gives 1 - O(u^2)


def test_kernel_matches_numpy_reference_and_engine():
    kw = dict(eta=0.05, beta2=0.99, eps=1e-3, runs=5, steps=60, seed=11)
    rec = ac.record_rmsprop_ratios(QUAD, QUAD_NOISE, **kw)
    ratio, u, rho, x = ac.rmsprop_ratios_reference(QUAD, QUAD_NOISE, **kw)
    # same draws, same operations in the same order: bit-identical on the quadratic
    np.testing.assert_array_equal(rec.x_final, x)
    assert rec.ratio_min == ratio.min() and rec.ratio_max == ratio.max()
    assert rec.ratio_min_after_first == ratio[:, 1:].min()
    assert rec.rho_max_after_first == rho[:, 1:].max()
    assert rec.u_min == u.min() and rec.u_max == u.max()
    assert rec.pairs == ratio.size == rec.counts.sum()
    # the kernel's binning rule: floor((x - lo) / width), out-of-range values to the edge bins
    lo, w, nb = ac.RATIO_EDGES[0], ac.RATIO_EDGES[1] - ac.RATIO_EDGES[0], len(ac.RATIO_EDGES) - 1
    hist = np.bincount(np.clip(((ratio - lo) / w).astype(int), 0, nb - 1).ravel(), minlength=nb)
    np.testing.assert_array_equal(rec.ratio_histogram(), hist)
    assert rec.formula_error < 1e-14  # direct ratio vs (*): rounding only
    # the kernel's trajectories are the engine's rmsprop (beta1 = 0) trajectories, bit for bit: if the
    # engine rewrites its update arithmetic, mirror it in adam_clipping._rmsprop_ratio_kernel
    sim = Simulation(QUAD, QUAD_NOISE, Algorithm("rmsprop", beta2=0.99, eps=1e-3), constant(0.05), 5, 11)
    sim.advance_to(60)
    np.testing.assert_array_equal(sim.iterates(), rec.x_final)


def test_kernel_matches_reference_on_ripple_with_stable_noise():
    kw = dict(eta=0.02, beta2=0.9, eps=1e-8, runs=3, steps=40, seed=2)
    rec = ac.record_rmsprop_ratios(RIP, RIP_NOISE, **kw)
    ratio, _, _, x = ac.rmsprop_ratios_reference(RIP, RIP_NOISE, **kw)
    # numpy's grad writes h t + h c w sin(w t), the kernel h (t + c w sin(w t)): last-bit differences only,
    # and RMSProp's normalised steps do not amplify them over 40 steps
    np.testing.assert_allclose(rec.x_final, x, rtol=1e-12, atol=1e-12)
    assert rec.ratio_min == pytest.approx(ratio.min(), rel=1e-10)


def test_simulated_range_against_exact_interval():
    # 16 runs x 2000 steps x 6 coordinates of real RMSProp, eps = 1e-8 (rho ~ 0 after step 1)
    rec = ac.record_rmsprop_ratios(QUAD, QUAD_NOISE, eta=0.01, beta2=0.99, eps=1e-8, runs=16, steps=2000, seed=4)
    lo, hi = rec.derived_interval
    # after step 1, sqrt(beta2 v) >= ~1e-4 even on the coordinate with noise scale 0.01, so rho <= ~1e-4
    # and the exact lower end 1/(rho + sqrt(1 + (1-rho)^2)) is within ~1e-4 of 1/sqrt2
    assert rec.rho_max_after_first < 1e-4
    assert lo == pytest.approx(1 / math.sqrt(2), abs=1e-4)
    assert lo - 1e-12 <= rec.ratio_min_after_first and rec.ratio_max <= hi + 1e-12
    # the ratio is 1/sqrt2 + O((u-1)^2) near u = 1 and u crosses 1 hundreds of times in 1.9e5 pairs,
    # so the observed minimum sits on the exact bound to well within 0.01
    assert rec.ratio_min_after_first < lo + 0.01
    assert rec.ratio_min >= 0.5 and rec.ratio_max <= 1.0  # inside [1/2, 1], hence inside the seed's [1/2, 2]


def test_large_eps_reaches_towards_one_half():
    # eps comparable to the small coordinates' gradients: rho near 1, the ratio goes below 1/sqrt2
    rec = ac.record_rmsprop_ratios(QUAD, QUAD_NOISE, eta=0.01, beta2=0.99, eps=0.1, runs=16, steps=2000, seed=4)
    lo, _ = rec.derived_interval
    assert rec.rho_max_after_first > 0.9
    assert 0.5 <= lo <= rec.ratio_min_after_first < 1 / math.sqrt(2)


def test_bad_input():
    with pytest.raises(UsageError):
        ac.record_rmsprop_ratios(QUAD, QUAD_NOISE, eta=0.01, eps=0.0)
    with pytest.raises(UsageError):
        ac.record_rmsprop_ratios(quadratic(2, projection="ball", radius=1.0), QUAD_NOISE, eta=0.01)
    with pytest.raises(UsageError):
        ac.record_rmsprop_ratios(QUAD, QUAD_NOISE, eta=0.01, runs=0)


def test_literal_garbled_threshold_has_no_beta2_free_bound():
    # the seed's extracted text drops the square root in tau_k; with tau_k = D / (1 - beta2) the ratio
    # tends to sqrt(1 - beta2) for large |g|, below the claimed 1/2 for beta2 = 0.99 (module docstring)
    beta2, eps, v, g = 0.99, 1e-8, 1.0, 1e6
    D = eps + math.sqrt(beta2 * v)
    ratio = ac.h_adam(g, v, 1.0, beta2, eps) / ac.h_clip(g, 1.0 / D, D / (1.0 - beta2))
    assert ratio == pytest.approx(math.sqrt(1 - beta2), rel=1e-8)  # off by O((D / (sqrt(1-beta2) g))^2) ~ 1e-10
    assert ratio < ac.SEED_INTERVAL[0]
