"""The progress law on the probability-zero chain (heavytail_sim.chain_law): the checks, on simulated and on fake
methods that break the law, and the lower-bound instances of seed 001 Thm 6."""
import dataclasses
import math

import numpy as np
import pytest
from scipy.stats import binom

from heavytail_sim import chain_law as cl
from heavytail_sim.algorithms import Algorithm
from heavytail_sim.errors import UsageError
from heavytail_sim.runner import simulate
from heavytail_sim.schedules import constant


def test_binomial_tail_is_the_negative_binomial_cdf():
    # P(Bin(k, p) >= T) = P(the T-th success comes at or before trial k): check against the NB law directly
    T, p = 4, 0.3
    k = np.arange(1, 60)
    nb = np.array([sum(binom.pmf(T - 1, j - 1, p) * p for j in range(T, kk + 1)) for kk in k])
    np.testing.assert_allclose(cl.binomial_tail(k, p, T), nb, rtol=1e-12, atol=1e-15)
    assert cl.binomial_tail([T - 1], p, T)[0] == 0.0


def test_support_violations_counts_entries_and_ignores_diverged_runs():
    s = np.array([[0, 1, 2], [3, np.inf, 1]])
    r = np.array([[0, 1, 1], [3, 0, 0]])
    assert cl.support_violations(s, r) == 2
    with pytest.raises(UsageError, match="same shape"):
        cl.support_violations(s, r[:1])


def test_reveals_gof_accepts_binomial_counts_and_rejects_a_wrong_p():
    rng = np.random.default_rng(7)
    k, p = 400, 0.03
    counts = rng.binomial(k, p, size=3000)
    good = cl.reveals_gof(counts, k, p)
    # at a fixed seed the true law gives some p-value; 0.01 is the test's level (a 1% false alarm rate)
    assert good.pvalue > 0.01 and good.dof >= 5
    # a 20% larger p shifts the mean by 2.4 against a standard error of 0.06: rejected overwhelmingly
    assert cl.reveals_gof(counts, k, 1.2 * p).pvalue < 1e-6
    with pytest.raises(UsageError, match="integers in"):
        cl.reveals_gof(np.array([0, k + 1]), k, p)


def _reveal_steps(rng, runs: int, horizon: int, p: float) -> np.ndarray:
    """Bernoulli(p) draws per run and step (the chain oracle's xi), shape (runs, horizon)."""
    return rng.random((runs, horizon)) < p


def test_hitting_law_holds_for_one_coordinate_per_reveal_and_flags_two():
    # a fake method on the chain's reveal stream: progress advances by `per` coordinates at each reveal
    rng = np.random.default_rng(11)
    T, p, H, runs = 6, 0.05, 600, 2000
    xi = _reveal_steps(rng, runs, H, p)
    reveals = np.cumsum(xi, axis=1)
    ks = np.arange(1, H + 1)

    def hits(per):
        reached = np.minimum(per * reveals, T) >= T
        first = np.where(reached.any(axis=1), reached.argmax(axis=1) + 1.0, np.inf)
        return first, np.minimum(per * reveals, T)

    honest, support1 = hits(1)
    chk = cl.hitting_dominance(honest, ks, T, p)
    assert chk.dominated and chk.matches  # exactly NB(T, p): within the DKW bands
    assert cl.support_violations(support1, reveals) == 0
    cheat, support2 = hits(2)  # two coordinates per reveal: T is reached at the ceil(T/2)-th reveal
    bad = cl.hitting_dominance(cheat, ks, T, p)
    assert not bad.dominated and bad.excess > 5 * bad.band
    assert cl.support_violations(support2, reveals) > 0
    slow, _ = hits(1)
    late = cl.hitting_dominance(slow + 50, ks, T, p)  # a slower method is allowed, but does not match NB
    assert late.dominated and not late.matches


def _chain(T=6, L=1.0, lam=1.0):
    from heavytail_sim.problems import chain

    return chain(T, L, lam)


@pytest.mark.parametrize("name", ["sgd", "adam"])
def test_engine_methods_follow_the_law(name):
    from heavytail_sim.engine import log_checkpoints
    from heavytail_sim.oracles import ProbabilityZeroOracle

    T, p, runs = 6, 0.2, 400
    H = int(4 * T / p)
    ks = log_checkpoints(H, 20)
    alg = Algorithm(name, beta1=0.9, beta2=0.999) if name == "adam" else Algorithm(name)
    res = simulate(_chain(T), ProbabilityZeroOracle(p), alg, constant(10.0 if name == "sgd" else 1.0), runs=runs,
                   steps=H, seed=5, checkpoints=ks, keep_raw=True)
    raw = res.raw
    assert cl.support_violations(raw["support"], raw["reveals"]) == 0
    assert cl.reveals_gof(raw["reveals"][-1], H, p).pvalue > 0.001  # 0.1%: two tests at one fixed seed
    chk = cl.hitting_dominance(raw["hit_step"][-1], np.arange(1, H + 1), T, p)
    assert chk.dominated and np.isfinite(raw["hit_step"][-1]).mean() > 0.9  # the law is exercised: most runs hit


def test_a_method_that_ignores_the_zero_chain_is_flagged():
    # starting with every coordinate past the progress threshold is what a method that does not respect the
    # zeros could reach: support T before any reveal, progress T at step 1, far earlier than NB(T, p) allows
    from heavytail_sim.oracles import ProbabilityZeroOracle

    T, p = 6, 0.2
    prob = dataclasses.replace(_chain(T), x0=np.full(T, 1.0))
    res = simulate(prob, ProbabilityZeroOracle(p), Algorithm("sgd"), constant(1e-3), runs=200, steps=60, seed=2,
                   checkpoints=[1, 10, 60], keep_raw=True)
    assert cl.support_violations(res.raw["support"], res.raw["reveals"]) > 0
    assert not cl.hitting_dominance(res.raw["hit_step"][-1], np.arange(1, 61), T, p).dominated


def test_instances_have_the_requested_length_and_p():
    fam = cl.chain_family(1.6, 8, 0.03, 2.0, 5)
    assert fam[0].T == 8 and fam[0].p == pytest.approx(0.03, rel=1e-8)
    assert all(i.T == int(math.floor(i.L * i.Delta / (7296 * i.eps ** 2))) for i in fam)
    ks = [i.budget for i in fam]
    assert ks == sorted(ks) and ks[-1] / ks[0] >= 10 ** 2 * 0.99
    assert len({i.sigma for i in fam}) == 1
    for i in fam:
        assert i.grad_scale == pytest.approx(2 * i.eps) and i.lower_bound_sq() == pytest.approx(2 * i.eps ** 2)


def test_instance_exponent_tends_to_table1():
    # the family's own exponent: within 0.01 of -1/2 at alpha = 2 (p <= 0.03 there), further at alpha = 1.2 where
    # the oracle's moment is not yet p^(1-alpha) (its relative correction p^(alpha-1) is ~0.3 at p = 0.003)
    assert cl.instance_exponent(cl.chain_family(2.0, 8, 0.03, 2.0, 5)) == pytest.approx(-0.5, abs=0.01)
    e12 = cl.instance_exponent(cl.chain_family(1.2, 8, 0.03, 2.0, 5))
    assert -0.25 < e12 < -0.19


def test_instance_oracle_moment_is_sigma_by_monte_carlo():
    # the engine's oracle at a point with progress 2: its noise is d_3 f (xi/p - 1) on coordinate 3 only; the
    # builder chose p so that (23 L lam/152)^alpha E|xi/p - 1|^alpha = sigma^alpha, an upper bound of the exact
    # moment |d_3 f|^alpha E|xi/p - 1|^alpha (|d_3 f| <= 23 L lam/152)
    from heavytail_sim.engine import Simulation

    alpha = 1.5
    inst = cl.instance_for_length(alpha, 5, 1.0, 1.0, 0.5)
    prob = dataclasses.replace(inst.problem(), x0=inst.lam * np.array([1.3, 0.9, 0.0, 0.0, 0.0]))
    sim = Simulation(prob, inst.oracle(), Algorithm("sgd"), constant(1e-300), runs=200_000, seed=3)
    sim.advance_to(1)
    noise = sim.state.Z - sim.state.G
    assert np.all(noise[[0, 1, 3, 4]] == 0.0)
    m = np.abs(noise[2]) ** alpha
    g = abs(prob.grad(prob.x0)[2])
    exact = g ** alpha * (inst.p * (1 / inst.p - 1) ** alpha + 1 - inst.p)
    # E|.|^(2 alpha) is finite (two-point law): the Monte Carlo mean is within 4 standard errors of the exact value
    assert abs(m.mean() - exact) < 4 * m.std() / math.sqrt(m.size)
    assert exact <= inst.sigma ** alpha * (1 + 1e-9)
    assert g <= 23 * inst.grad_scale


def test_instance_G_bounds_the_oracle_moment_everywhere_tried():
    # E||g||^alpha = p (A + b^2/p^2)^(alpha/2) + (1 - p) A^(alpha/2) exactly, at random points of every progress
    rng = np.random.default_rng(4)
    for alpha in (1.2, 2.0):
        inst = cl.instance_for_length(alpha, 6, 1.0, 1.0, 0.8)
        prob, G = inst.problem(), cl.instance_G(inst)
        worst = 0.0
        for _ in range(300):
            j = int(rng.integers(0, inst.T))  # prog_{1/4} = j: coordinates 1..j past 1/4, the rest zero
            x = np.zeros(inst.T)
            x[:j] = inst.lam * rng.uniform(0.26, 3.0, j) * rng.choice([-1, 1], j)
            grad = prob.grad(x)
            A = float(np.sum(np.delete(grad, j) ** 2)) if j < inst.T else float(np.sum(grad ** 2))
            b = float(grad[j]) if j < inst.T else 0.0
            m = inst.p * (A + b * b / inst.p ** 2) ** (alpha / 2) + (1 - inst.p) * A ** (alpha / 2)
            worst = max(worst, m / G ** alpha)
        assert 0 < worst <= 1.0


def test_sigma_for_p_and_bad_input():
    s = cl.sigma_for_p(1.8, 10, 0.01)
    assert cl.instance_for_length(1.8, 10, 1.0, 1.0, s).p == pytest.approx(0.01, rel=1e-8)
    with pytest.raises(UsageError, match="p must lie"):
        cl.sigma_for_p(1.8, 10, 1.0)
    with pytest.raises(UsageError, match="T_min"):
        cl.chain_family(1.8, 1, 0.03, 1.0, 3)
    with pytest.raises(UsageError, match="n >= 2"):
        cl.chain_family(1.8, 8, 0.03, 1.0, 1)
    with pytest.raises(UsageError, match="level"):
        cl.dkw_band(10, 1.0)


def test_tth_reveal_steps_is_the_first_step_with_T_reveals():
    ks = np.arange(1, 6)
    reveals = np.array([[0, 1, 0], [1, 1, 0], [1, 2, 0], [2, 2, 1], [3, 2, 1]], float)  # (C=5 steps, R=3 runs)
    np.testing.assert_array_equal(cl.tth_reveal_steps(ks, reveals, 2), [4.0, 3.0, np.inf])
