import math

import numpy as np
import pytest
from scipy.stats import binom

from heavytail_sim import lower_bound as lb
from heavytail_sim.noise import sample
from heavytail_sim.problems import lower_bound_instance

ALPHAS = (1.1, 1.2, 1.5, 1.8, 2.0)
EPSS = (1e-4, 1e-3, 0.01, 0.05, 0.125)
XS = np.linspace(0.0, 0.5, 501)


@pytest.mark.parametrize("alpha", ALPHAS)
@pytest.mark.parametrize("eps", EPSS)
def test_oracle_unbiased_and_moment_bounded(alpha, eps):
    for nu in (0, 1):
        inst = lower_bound_instance(alpha, eps, nu)
        # exact two-point arithmetic: only rounding (1/(2 gamma) can be ~1e6, times p ~1e-7)
        assert np.allclose(lb.oracle_mean(inst, XS), XS - inst.b, rtol=0, atol=1e-12)
        assert 0 < inst.p < 1 and 0 < inst.gamma <= 0.5
    mx, xarg, _ = lb.max_abs_moment(alpha, eps)
    assert mx <= 1.0
    assert xarg in (0.0, 0.5)  # convex in x: the maximum is at an endpoint
    # analytic endpoint values for nu = 0 (the larger p): x = 0 gives 2^-alpha, x = 1/2 gives
    # 2^-alpha ((1 - gamma)^alpha + 1 - gamma^alpha) <= 2^(1-alpha)
    g = lower_bound_instance(alpha, eps, 0).gamma
    assert mx == pytest.approx(2 ** -alpha * max(1.0, (1 - g) ** alpha + 1 - g ** alpha), rel=1e-12)


def test_engine_noise_gives_the_two_oracle_values():
    """The core's centred Bernoulli noise added to grad f_b reproduces g(x) = x - 1/(2 gamma) or x."""
    inst = lower_bound_instance(2.0, 0.1, 0)
    x = 0.3
    g = inst.problem.grad(np.array([x]))[0] + sample("bernoulli", inst.p, 1 / (2 * inst.gamma), 200_000, seed=3)
    jump = np.isclose(g, x - lb.jump_size(inst), atol=1e-12)
    assert np.all(jump | np.isclose(g, x, atol=1e-12))
    # jump frequency p = 0.16 from 2e5 draws: sd = sqrt(p(1-p)/n) = 8.2e-4, tolerance 5 sd
    assert abs(jump.mean() - inst.p) < 5 * math.sqrt(inst.p * (1 - inst.p) / g.size)


def test_lemma7_and_optimal_test():
    for alpha in (1.2, 1.5, 1.8, 2.0):
        for k in (10, 1000, 10 ** 6):
            eps = float(lb.eps_for_k(alpha, k))
            succ = lb.optimal_test_success(alpha, eps, k)
            assert 0.5 < succ <= lb.lemma7_proof_bound(alpha, eps, k) <= lb.lemma7_proof_final(alpha, eps, k)
            assert lb.lemma7_proof_final(alpha, eps, k) <= lb.lemma7_bound(alpha, eps, k)
            # at eps(k), k (4 eps)^(alpha/(alpha-1)) = 4^(-alpha/(alpha-1)): the bound does not depend on k
            assert lb.lemma7_bound(alpha, eps, k) == pytest.approx(0.5 + 4 ** (-alpha / (2 * (alpha - 1))))
    # alpha = 2: the bound equals 3/4 exactly, so Thm 4's strict "< 3/4" fails there (report finding)
    assert lb.lemma7_bound(2.0, float(lb.eps_for_k(2.0, 100)), 100) == pytest.approx(0.75, abs=1e-12)
    # ... while the proof's own last line gives 1/2 + 1/16 there: the theorem survives with room
    assert lb.lemma7_proof_final(2.0, float(lb.eps_for_k(2.0, 100)), 100) == pytest.approx(0.5625, abs=1e-12)
    # pinned exact values (binomial sums, no randomness): the best test barely beats a coin at eps(k)
    assert lb.optimal_test_success(2.0, float(lb.eps_for_k(2.0, 10 ** 4)), 10 ** 4) == pytest.approx(0.51491, abs=2e-5)
    assert lb.optimal_test_success(1.2, float(lb.eps_for_k(1.2, 10 ** 4)), 10 ** 4) == pytest.approx(0.500061, abs=2e-6)


def test_optimal_test_against_brute_force():
    """1/2 + TV/2 equals the success of the likelihood-ratio test computed by enumeration."""
    alpha, eps, k = 1.5, 0.1, 40
    p0, p1 = (lower_bound_instance(alpha, eps, nu).p for nu in (0, 1))
    n = np.arange(k + 1)
    f0, f1 = binom.pmf(n, k, p0), binom.pmf(n, k, p1)
    say1 = f1 > f0
    brute = 0.5 * f1[say1].sum() + 0.5 * f0[~say1].sum()
    assert lb.optimal_test_success(alpha, eps, k) == pytest.approx(brute, abs=1e-14)


def test_bayes_risk_is_minimal_and_above_thm4():
    for alpha in (1.2, 1.5, 2.0):
        for k in (10, 10 ** 3, 10 ** 5):
            eps = float(lb.eps_for_k(alpha, k))
            risk = lb.bayes_risk(alpha, eps, k)
            lower = float(lb.lower_bound_value(eps))
            # measured: 7.9-8.0 times eps^2/64 at every (alpha, k): the bound holds with a factor ~8 to spare
            assert 7.8 < risk / lower < 8.05
            # any other function of the count does no better: shift the posterior mean and compare
            n, f0, f1 = lb.count_pmfs(alpha, eps, k)
            _, bhat = lb.posterior_mean_b(alpha, eps, k)
            for shift in (-0.1 * eps, 0.1 * eps):
                r = 0.25 * (np.sum(f0 * (bhat + shift - 2 * eps) ** 2) + np.sum(f1 * (bhat + shift - eps) ** 2))
                assert r > risk


def test_count_estimators_monte_carlo_matches_exact():
    alpha, k = 2.0, 1000
    eps = float(lb.eps_for_k(alpha, k))
    runs = 200_000
    mc = np.mean([lb.count_estimator_errors(alpha, eps, k, nu, runs, seed=7 + nu).mean() for nu in (0, 1)])
    # errors are bounded by (eps)^2/2, so the MC mean's sd is < eps^2/(2 sqrt(runs)); 5 sd tolerance
    assert abs(mc - lb.bayes_risk(alpha, eps, k)) < 5 * eps ** 2 / (2 * math.sqrt(2 * runs))
    mle = np.mean([lb.count_estimator_errors(alpha, eps, k, nu, runs, seed=7 + nu, estimator="mle").mean()
                   for nu in (0, 1)])
    assert mle > mc
