"""Seed 001's own statements (proofs_check.seed001_chain, proofs_check.seed001_theorems): pinned verdicts and
flipping mutants; the engine's chain and probability-zero oracle against the independent sympy construction of
the claims; Monte Carlo cross-checks of the distributional claims; the instance builder of Theorem 6.

Tolerances: values of F_T and its gradient agree to 1e-12 relative (both are double-precision evaluations of the
same closed forms; the engine sums T terms, rounding ~T 1e-16); Monte Carlo means within 5 standard errors (a
correct value fails with probability 6e-7; seeds are fixed).
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
import sympy as sp

from heavytail_sim import problems, theory
from heavytail_sim.algorithms import Algorithm
from heavytail_sim.engine import Simulation
from heavytail_sim.errors import UsageError
from heavytail_sim.oracles import ProbabilityZeroOracle
from heavytail_sim.schedules import constant
from proofs_check import seed001_chain as ch
from proofs_check import seed001_theorems as th
from proofs_check import statements as st
from proofs_check.inventory import ITEMS
from proofs_check.registry import Verdict, all_claims, run_claim

V, R, D = Verdict.VERIFIED, Verdict.REFUTED, Verdict.DEPENDS

# The verdict each check must compute (a change that flips one fails here).
EXPECTED: dict[str, Verdict] = {
    "001-lemma17-smooth": V, "001-lemma17-gap": V, "001-lemma17-grad-inf": V, "001-lemma17-grad-lower": V,
    "001-lemma17-zero-chain": V, "001-appG-prog-monotone": V, "001-appG-oracle-unbiased": V,
    "001-appG-oracle-zero-chain": V, "001-appG-oracle-moment": V, "001-appG-jensen-step": D, "001-thm6-lemma1": V,
    "001-thm6-instance": V, "001-thm6-queries": V, "001-thm6-rate": V, "001-thm6-matches": V,
    "001-lemma10-variance": V, "001-lemma10-bias": V, "001-lemma10-implication": V, "001-lemma11": V,
    "001-thm2-large-gradient": V, "001-thm2-step-size": V, "001-thm2-sum": V, "001-thm2-constant": V, "001-thm2": D,
    "001-table1-thm2": V, "001-thm4": V, "001-thm4-subgradient": V, "001-table1-thm4": V,
}
MODULES = {"proofs_check.seed001_chain", "proofs_check.seed001_theorems"}


@pytest.fixture(scope="module")
def outcomes():
    mine = [c for c in all_claims() if c.check.__module__ in MODULES]
    return {c.id: run_claim(c) for c in mine}


def test_every_claim_of_the_two_modules_is_pinned(outcomes):
    assert set(outcomes) == set(EXPECTED)


@pytest.mark.parametrize("claim_id", sorted(EXPECTED))
def test_verdict_and_mutant(outcomes, claim_id):
    o = outcomes[claim_id]
    assert o.result.verdict is EXPECTED[claim_id], o.result.details or o.result.evidence
    assert o.mutant is not None and o.mutant.verdict is not Verdict.CRASHED, o.mutant.details
    assert o.mutant_flips, f"{claim_id}: {o.result.verdict.value} -> mutant {o.mutant.verdict.value}: {o.mutant.evidence}"


def test_readings_name_the_false_one(outcomes):
    jensen = {r.name: r for r in outcomes["001-appG-jensen-step"].result.readings}
    wrong = [r for r in jensen.values() if r.verdict is R]
    assert [r.name for r in wrong] == [next(iter(st.LEMMA18_STEP_READINGS))]
    assert "2^(2 - alpha)" in wrong[0].corrected and "exp(3/2)" in wrong[0].corrected
    thm2 = {r.name: r.verdict for r in outcomes["001-thm2"].result.readings}
    assert thm2 == {"the printed fourth entry is the threshold": R,
                    "the printed entry is seed 000's step size eta0; the threshold is sigma/(eta0 L)^(1/alpha)": V}


def test_no_seed001_item_is_pending():
    assert not [it for it in ITEMS if it.pending]
    listed = {cid for it in ITEMS for cid in it.claims}
    assert set(EXPECTED) <= listed


# ---- the engine's chain against the claims' sympy construction --------------------------------------

@pytest.mark.parametrize("T, L, lam", [(6, 152.0, 1.0), (5, 3.0, 0.4)])
def test_engine_chain_values_and_gradients_match_sympy(T, L, lam):
    prob = problems.chain(T, L=L, lam=lam)
    value, gradient = ch.chain_numeric(T)
    x = np.vstack([ch.sample_x(300, T, seed=1) * lam, np.random.default_rng(2).uniform(-3, 3, (300, T)) * lam])
    c = L * lam * lam / float(st.CHAIN_L1)
    ref_v, ref_g = c * value(x / lam), (c / lam) * gradient(x / lam)
    np.testing.assert_allclose(prob.value(x), ref_v, rtol=1e-12, atol=1e-12 * c)
    np.testing.assert_allclose(prob.grad(x), ref_g, rtol=1e-12, atol=1e-12 * c / lam)
    # the engine's kernels: the gradient they compute at a few of the points (one engine step from each)
    for j in range(0, len(x), 150):
        _, gk = _one_query(prob, ProbabilityZeroOracle(1.0), 1, 0, x[j])
        np.testing.assert_allclose(gk[0], ref_g[j], rtol=1e-12, atol=1e-12 * c / lam)


def test_engine_chain_constants_are_the_statements():
    at0, inf, gap = ch.chain_gap()
    Tsym = sp.Symbol("T", positive=True, integer=True)
    for T in (1, 2, 7, 100):
        assert problems.chain_infimum(T) == pytest.approx(float(inf.subs(Tsym, T)), rel=1e-14)
        prob = problems.chain(T)
        assert prob.value(np.zeros(T)) - prob.fstar == pytest.approx(float(gap.subs(Tsym, T)), rel=1e-13)
    assert problems.CHAIN_LIPSCHITZ == float(st.CHAIN_L1)
    # Phi is sqrt(e) times the integral of exp(-t^2/2): its derivative and its limit at -infinity
    t = sp.Symbol("t", real=True)
    assert sp.simplify(sp.diff(st.CHAIN_PHI, st.x) - sp.sqrt(sp.E) * sp.exp(-st.x**2 / 2)) == 0
    assert sp.limit(st.CHAIN_PHI, st.x, -sp.oo) == 0
    assert sp.simplify(sp.integrate(sp.sqrt(sp.E) * sp.exp(-t**2 / 2), (t, -sp.oo, 0)) - st.CHAIN_PHI.subs(st.x, 0)) == 0


def test_derived_multiplier_moment_is_the_statement():
    assert sp.simplify(ch.multiplier_moment() - st.CHAIN_MULTIPLIER_MOMENT) == 0
    for a in (1.1, 1.5, 2.0):
        for q in (1e-9, 1e-3, 0.3, 0.999):
            exact = float(st.CHAIN_MULTIPLIER_MOMENT.subs({st.alpha: a, st.p: q}))
            assert math.exp(theory.chain_multiplier_log_moment(q, a)) == pytest.approx(exact, rel=1e-12)
            assert ProbabilityZeroOracle(q).noise_abs_moment(1.0, a) == pytest.approx(exact, rel=1e-12)


def _one_query(prob, oracle, runs, seed, x0):
    """The engine's answers at x0 for ``runs`` independent queries (one step of a negligible size): the oracle's
    answers and the kernels' gradient."""
    prob = dataclasses.replace(prob, x0=np.asarray(x0, float))
    sim = Simulation(prob, oracle, Algorithm("sgd"), constant(1e-300), runs, seed)
    sim.advance_to(1)
    return sim.state.Z.T.copy(), sim.state.G.T.copy()


def test_engine_oracle_against_the_claims_oracle_and_monte_carlo():
    """Cross-check of 001-appG-oracle-unbiased, -zero-chain and -moment with the engine's oracle (5 SE)."""
    T, p, a = 6, 0.15, 1.3
    prob = problems.chain(T)
    x0 = np.array([1.1, -0.7, 0.6, 0.1, -0.2, 0.0])  # prog_{1/4} = 3: the noisy coordinate is the 4th
    z, g = _one_query(prob, ProbabilityZeroOracle(p), 400_000, 31, x0)
    for xi in (0, 1):  # the engine's answers are the claims' oracle at xi = 0 or 1
        ref, grad = ch.oracle_answers(x0[None, :], p, xi)
        hits = np.all(np.isclose(z, ref[0], rtol=1e-12, atol=0.0), axis=1)
        assert hits.any()
    assert np.allclose(g[0], grad[0], rtol=1e-12)
    noise = z[:, 3] - grad[0, 3]
    assert np.all(z[:, [0, 1, 2, 4, 5]] == g[:, [0, 1, 2, 4, 5]])  # one noisy coordinate
    se = np.std(noise) / math.sqrt(noise.size)
    assert abs(noise.mean()) < 5 * se  # unbiased
    m = np.abs(noise) ** a
    exact = abs(grad[0, 3]) ** a * float(st.CHAIN_MULTIPLIER_MOMENT.subs({st.alpha: a, st.p: p}))
    assert abs(m.mean() - exact) < 5 * m.std() / math.sqrt(m.size)
    # the bound the claim verifies: sup |d_j F_T| = e^(3/2) at the noisy coordinate
    assert abs(grad[0, 3]) <= math.exp(1.5)


# ---- Monte Carlo cross-checks of Lemmas 10 and 11 -----------------------------------------------------

def test_lemma10_and_11_on_heavy_tailed_and_worst_case_noise():
    rng = np.random.default_rng(41)
    a, s, t = 1.5, 1.0, 4.0
    # centred symmetric Pareto noise in 2-d with E||xi||^1.5 = s^1.5 after scaling (tail index 1.8)
    r = rng.pareto(1.8, 1_000_000) + 1.0
    ang = rng.uniform(0, 2 * np.pi, r.size)
    xi = np.stack([r * np.cos(ang), r * np.sin(ang)], 1)
    xi *= s / np.mean(r**a) ** (1 / a)
    for gn in (0.0, t / 4, t / 2):
        u = np.array([gn, 0.0])
        gh = th.clip(u + xi, t)
        second, bias2 = np.mean(np.sum(gh * gh, 1)), np.sum((gh.mean(0) - u) ** 2)
        assert second <= float(st.LEMMA10_VARIANCE.subs({st.alpha: a, st.sigma: s, st.tau: t, st.gnorm: gn}))
        assert bias2 <= float(st.LEMMA10_BIAS_SQUARED.subs({st.alpha: a, st.sigma: s, st.tau: t}))
    for gn in (t / 2, t, 5 * t):  # Lemma 11 on every draw
        u = np.array([gn, 0.0])
        n = np.linalg.norm(xi, axis=1)
        inner = th.clip(u + xi, t) @ u
        assert np.all(inner >= (t / 2) * (gn - n) - t * n * (n > gn) - 1e-9)
    # the admissible laws never exceed the non-central bound c(alpha)^2 sigma^(2alpha) (tau/2)^(2-2alpha), and mean-zero
    # two-point laws approach it as sigma/tau -> 0 (their negative atom's share of the moment is (sigma/c)^(alpha(alpha-1)))
    cells, _, bias2, _ = th.lemma10_worst()
    for (a_, s_, t_, r_), b in zip(cells, bias2):
        assert b <= _sharp_bias2(a_, s_, t_) * (1 + 1e-9)
    for a_ in (1.5, 2.0):
        m = th.estimator_moments(np.array([0.5, 0.0]), a_, 1e-4, 1.0)
        assert m["bias2"].max() >= 0.95 * _sharp_bias2(a_, 1e-4, 1.0)


def _sharp_bias2(a: float, s: float, t: float) -> float:
    """[2^(a-1) c(a)]^2 s^(2a) t^(2-2a), c(a) = sup_r (r - 1)/r^a (sympy, seed000_clipping)."""
    c = float(th.sharp_bias_constant().subs({st.alpha: a, st.tau: 1}))
    return (2 ** (a - 1) * c) ** 2 * s ** (2 * a) * t ** (2 - 2 * a)


def test_simulated_worst_case_bias_law():
    """A drawn sample of the extremal two-point law has the predicted bias (5 SE)."""
    a, s, t = 1.5, 1.0, 4.0
    c_opt = a * (t / 2) / (a - 1)  # argmax of (c - tau/2)/c^alpha
    q = s**a / c_opt**a
    rng = np.random.default_rng(42)
    xi = np.where(rng.random(2_000_000) < q, c_opt, -q * c_opt / (1 - q))
    gh = np.clip(t / 2 + xi, -t, t)
    dev = gh - (t / 2 + xi)
    predicted = q * (c_opt - t / 2)  # |E g_hat - grad f|, the clipped mass times the excess
    assert abs(-dev.mean() - predicted) < 5 * dev.std() / math.sqrt(dev.size)


# ---- Theorem 6's instance builder --------------------------------------------------------------------

@pytest.mark.parametrize("alpha, eps", [(1.2, 1e-3), (1.5, 1e-3), (2.0, 2e-3), (1.5, 1e-4)])
def test_instance_builder_is_the_statement(alpha, eps):
    L, Delta, sigma = 2.0, 3.0, 0.5
    inst = theory.nonconvex_lower_bound_instance(alpha, eps, L, Delta, sigma)
    vals = {st.alpha: alpha, st.eps: eps, st.L: L, st.Delta: Delta, st.sigma: sigma}
    assert inst.T == math.floor(float(st.LBNC_T.subs(vals))) >= 1
    assert inst.lam == pytest.approx(float(st.LBNC_LAMBDA.subs(vals)), rel=1e-12)
    assert inst.queries == pytest.approx(float(st.LBNC_QUERIES.subs({st.T_chain: inst.T, st.p: inst.p})), rel=1e-12)
    # p is admissible and the smallest admissible: the moment constraint is active there
    g = lambda q: float(st.LBNC_MOMENT_CONSTRAINT.subs({**vals, st.p: q}))  # noqa: E731
    assert abs(g(inst.p)) <= 1e-9 * sigma**alpha and g(inst.p * (1 - 1e-6)) > 0
    assert inst.p == pytest.approx(ch.min_admissible_p(alpha, eps / sigma), rel=1e-9)
    # the instance the simulation builds: the engine's oracle moment at the noisy coordinate is <= sigma^alpha
    prob = problems.chain(inst.T, L=L, lam=inst.lam)
    worst = (L * inst.lam / 152 * 23) ** alpha * ProbabilityZeroOracle(inst.p).noise_abs_moment(1.0, alpha)
    assert worst <= sigma**alpha * (1 + 1e-9)
    assert prob.value(np.zeros(inst.T)) - prob.fstar <= Delta


def test_instance_builder_rejects_bad_input():
    with pytest.raises(UsageError, match="eps must be at most"):
        theory.nonconvex_lower_bound_instance(1.5, 0.1, 1.0, 1.0, 1.0)
    for bad in ({"alpha": 1.0}, {"alpha": 2.5}, {"sigma": 0.0}, {"L": -1.0}, {"Delta": math.inf}):
        kw = {"alpha": 1.5, "eps": 1e-3, "L": 1.0, "Delta": 1.0, "sigma": 1.0, **bad}
        with pytest.raises(UsageError, match=next(iter(bad))):
            theory.nonconvex_lower_bound_instance(**kw)


def test_query_count_follows_the_lower_bound_exponent():
    # queries ~ eps^(-(3 alpha - 2)/(alpha - 1)): the local slope between eps = 1e-4 and 1e-5 (T and p exact)
    for a in (1.3, 1.7):
        q1, q2 = (theory.nonconvex_lower_bound_instance(a, e, 1.0, 1.0, 1.0).queries for e in (1e-4, 1e-5))
        slope = math.log(q2 / q1) / math.log(1e-5 / 1e-4)
        assert slope == pytest.approx(float(st.LBNC_QUERY_EXPONENT.subs(st.alpha, a)), rel=2e-3)


# ---- one source: the schedules and bounds of heavytail_sim are the statements the claims decide ------

@pytest.mark.parametrize("alpha, sigma, L, f0, K", [(1.3, 0.05, 2.0, 3.0, 10**3), (1.6, 0.2, 0.5, 1.0, 10**12), (2.0, 1.0, 1.0, 1.0, 10**5)])
def test_theorem2_sigma_schedule_and_bound_are_the_statements(alpha, sigma, L, f0, K):
    from heavytail_sim import schedules

    vals = {st.alpha: alpha, st.sigma: sigma, st.L: L, st.f0: f0, st.K: K}
    fixed = [float(sp.sympify(e).subs(vals)) for e in st.THM2S_TAU_FIXED]
    for reading, entry in (("intended", st.THM2S_TAU_STAR), ("printed", st.THM2S_TAU_PRINTED_ENTRY)):
        sch = schedules.theorem2_sigma(alpha, sigma, L, f0, K, reading)
        tau = max(fixed + [float(entry.subs(vals))])
        assert sch.tau(1) == pytest.approx(tau, rel=1e-12)
        assert sch.eta(1) == pytest.approx(float(st.THM2S_ETA.subs({**vals, st.tau: tau})), rel=1e-12)
        bound = theory.theorem2_sigma_bound(K, alpha, sigma, L, f0, reading)
        assert bound == pytest.approx(float(st.THM2S_BOUND_OF_TAU.subs({**vals, st.tau: tau})), rel=1e-12)
    if float(st.THM2S_TAU_STAR.subs(vals)) >= max(fixed):  # the K-dependent entry is the max: the closed form
        assert theory.theorem2_sigma_bound(K, alpha, sigma, L, f0) == pytest.approx(float(st.THM2S_BOUND.subs(vals)), rel=1e-12)


def test_theorem4_schedule_is_the_statement():
    from heavytail_sim import schedules

    sch = schedules.theorem4_projected(1.4, 2.0, 0.5)
    for k in (1, 10, 1000):
        assert sch.eta(k) == pytest.approx(float(st.THM4_ETA.subs({st.mu: 0.5, st.k: k})), rel=1e-12)
        assert sch.tau(k) == pytest.approx(float(st.THM4_TAU.subs({st.alpha: 1.4, st.G: 2.0, st.k: k})), rel=1e-12)
        assert theory.theorem4_bound(k, 1.4, 2.0, 0.5) == pytest.approx(
            float(st.THM4_BOUND.subs({st.alpha: 1.4, st.G: 2.0, st.mu: 0.5, st.k: k})), rel=1e-12)


def test_the_claims_decide_these_statements():
    import inspect

    def defaults(fn):
        return {n: p.default for n, p in inspect.signature(fn).parameters.items()}

    assert defaults(th._thm2)["printed_entry"] is st.THM2S_TAU_PRINTED_ENTRY
    assert defaults(th._large_gradient)["entries"] is st.THM2S_TAU_FIXED
    assert defaults(th._sum)["bound"] is st.THM2S_BOUND_OF_TAU and defaults(th._thm2_constant)["bound"] is st.THM2S_BOUND
    assert defaults(th._step_size)["step"] is st.THM2S_ETA and defaults(th._thm4)["constant"] is st.THM4_CONSTANT
    assert defaults(th._lemma10_variance)["bound"] is st.LEMMA10_VARIANCE and defaults(th._lemma10_bias)["bound"] is st.LEMMA10_BIAS_SQUARED
    assert defaults(ch._queries)["exponent"] is st.LBNC_QUERY_EXPONENT and defaults(ch._thm6)["exponent"] is st.TABLE1_NC_LOWER_EXPONENT
    assert defaults(ch._instance)["lam"] is st.LBNC_LAMBDA and defaults(ch._oracle_moment)["readings"] is st.LEMMA18_STEP_READINGS
