"""One source for each theory quantity: the simulator's schedules (heavytail_sim.schedules), the
lower-bound construction (heavytail_sim.problems / lower_bound) and Table 1's floats
(heavytail_sim.theory) against the sympy statements that the claims decide (proofs_check.statements).

Values are compared to 1e-12 relative: both sides evaluate the same closed forms in double precision.
"""
from __future__ import annotations

import itertools

import numpy as np
import pytest
import sympy as sp

from heavytail_sim import lower_bound, schedules, theory
from heavytail_sim.problems import lower_bound_instance
from proofs_check import statements as st

ALPHAS = (1.1, 1.5, 1.9, 2.0)
KS = np.array([1, 2, 10, 1000])


def _num(expr: sp.Expr, **values) -> float:
    """expr evaluated with its free symbols given by name."""
    return float(sp.sympify(expr).subs({s: values[s.name] for s in sp.sympify(expr).free_symbols}))


@pytest.mark.parametrize("alpha, G, mu", [(1.2, 0.7, 0.5), (1.5, 2.0, 1.0), (2.0, 3.0, 4.0)])
def test_theorem1_schedule_is_the_statement(alpha, G, mu):
    sch = schedules.theorem1(alpha, G, mu)
    for k in KS:
        assert sch.eta(k) == pytest.approx(_num(st.THM1_ETA, mu=mu, k=k), rel=1e-12)
        assert sch.tau(k) == pytest.approx(_num(st.THM1_TAU, alpha=alpha, G=G, k=k), rel=1e-12)


@pytest.mark.parametrize("alpha, G, L, f0, K", [(1.2, 0.7, 0.5, 3.0, 100), (1.5, 2.0, 1.0, 1.0, 10**4), (2.0, 3.0, 4.0, 0.2, 7)])
def test_theorem2_schedule_is_the_statement(alpha, G, L, f0, K):
    sch = schedules.theorem2(alpha, G, L, f0, K)
    vals = dict(alpha=alpha, G=G, L=L, f0=f0, K=K)
    eta = _num(st.THM2_ETA, **vals)
    assert sch.eta(5) == pytest.approx(eta, rel=1e-12) and sch.eta_power == 0
    assert sch.tau(5) == pytest.approx(_num(st.THM2_TAU, **vals), rel=1e-12) and sch.tau_power == 0
    # the CClip variant: Theorem 2's step at G = ||B||_alpha, thresholds B_i/(eta L)^(1/alpha)
    B = np.array([0.3, 1.0, 2.5])
    cc = schedules.theorem2_cclip(alpha, B, L, f0, K)
    Ba = float(np.sum(B**alpha) ** (1 / alpha))
    eta_c = _num(st.THM2_ETA, **{**vals, "G": Ba})
    assert cc.eta(1) == pytest.approx(eta_c, rel=1e-12)
    taus = cc.tau(1) * cc.tau_vector(3)
    expected = [_num(st.THM2_TAU_OF_ETA, alpha=alpha, G=b, L=L, eta=eta_c) for b in B]
    assert np.allclose(taus, expected, rtol=1e-12)


@pytest.mark.parametrize("alpha, mu", [(1.2, 0.5), (2.0, 2.0)])
def test_theorem3_schedule_is_the_statement(alpha, mu):
    B = np.array([0.5, 1.0, 3.0])
    sch = schedules.theorem3(alpha, B, mu)
    for k in KS:
        assert sch.eta(k) == pytest.approx(_num(st.THM3_ETA, mu=mu, k=k), rel=1e-12)
        expected = [_num(st.THM3_TAU, alpha=alpha, B_i=b, k=k) for b in B]
        assert np.allclose(sch.tau(k) * sch.tau_vector(3), expected, rtol=1e-12)


@pytest.mark.parametrize("alpha, eps, nu", list(itertools.product((1.2, 1.5, 2.0), (1 / 8, 1 / 64), (0, 1))))
def test_lower_bound_instance_is_the_statement(alpha, eps, nu):
    inst = lower_bound_instance(alpha, eps, nu)
    vals = dict(alpha=alpha, epsilon=eps, nu=nu)
    assert inst.gamma == pytest.approx(_num(st.LB_GAMMA, **vals), rel=1e-12)
    assert inst.p == pytest.approx(_num(st.LB_P, **vals), rel=1e-12)
    assert inst.b == pytest.approx(_num(st.LB_B, **vals), rel=1e-12)


@pytest.mark.parametrize("alpha", ALPHAS)
def test_lower_bound_eps_and_error_are_the_statement(alpha):
    eps = lower_bound.eps_for_k(alpha, KS)
    assert np.allclose(eps, [_num(st.LB_EPS_OF_K, alpha=alpha, k=k) for k in KS], rtol=1e-12)
    assert np.allclose(lower_bound.lower_bound_value(eps), [_num(st.LB_ERROR, epsilon=e) for e in eps], rtol=1e-12)


@pytest.mark.parametrize("alpha", ALPHAS + (3.0,))
def test_table1_floats_are_the_statement(alpha):
    a = min(alpha, 2.0)  # the alpha >= 2 columns are the heavy-tailed ones at alpha = 2 (claim 000-table1-standard)
    assert theory.strongly_convex_exponent(alpha) == pytest.approx(_num(st.TABLE1_SC_EXPONENT, alpha=a), rel=1e-12)
    assert theory.nonconvex_exponent(alpha) == pytest.approx(_num(st.TABLE1_NC_EXPONENT, alpha=a), rel=1e-12)
    assert theory.sgd_median_exponent(alpha) == pytest.approx(_num(st.SGD_MEDIAN_EXPONENT, alpha=a), rel=1e-12)
    if alpha < 2:
        assert theory.sgd_sample_mean_growth(alpha) == pytest.approx(_num(st.SGD_SAMPLE_MEAN_GROWTH, alpha=alpha), rel=1e-12)
    assert _num(st.TABLE1_SC_EXPONENT, alpha=2) == _num(st.TABLE1_STANDARD["strongly convex exponent"])


@pytest.mark.parametrize("alpha", ALPHAS)
def test_theorem_bounds_are_the_statement(alpha):
    got = theory.theorem1_bound(KS, alpha, 1.7, 0.4)
    assert np.allclose(got, [_num(st.THM1_BOUND, alpha=alpha, G=1.7, mu=0.4, k=k) for k in KS], rtol=1e-12)
    got2 = theory.theorem2_bound(KS, alpha, 1.7, 0.4, 2.0)
    assert np.allclose(got2, [_num(st.THM2_BOUND, alpha=alpha, G=1.7, L=0.4, f0=2.0, K=k) for k in KS], rtol=1e-12)


def test_the_claims_decide_these_statements():
    # the rate claims take exactly these expressions as their default statements
    import inspect

    from proofs_check import seed000_lower_bound, seed000_rates

    defaults = {name: p.default for fn in (seed000_rates._table1_sc, seed000_rates._table1_nc, seed000_rates._thm2,
                                           seed000_rates._thm1, seed000_lower_bound._final)
                for name, p in inspect.signature(fn).parameters.items()}
    assert defaults["exponent"] is st.TABLE1_NC_EXPONENT or defaults["exponent"] is st.TABLE1_SC_EXPONENT
    assert defaults["bound"] is st.THM2_BOUND and defaults["step"] is st.THM2_ETA and defaults["constant"] is st.THM1_CONSTANT
