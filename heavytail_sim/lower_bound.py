"""The one-dimensional lower-bound family of seed 000 (Thm 4, App G; SPEC section 4), computed exactly.

Everything here is exact arithmetic on the two-point oracle and on binomial laws (no sampling), except
:func:`count_estimator_errors`, which draws the jump counts of simulated runs.

Facts used throughout (seed 000 App G, eq 3-5):

* b_nu = (2 - nu) eps, gamma = (4 eps)^(1/(alpha-1)), p_nu = gamma^alpha - 2 nu gamma eps;
* the oracle at x returns x - 1/(2 gamma) with probability p_nu (a "jump") and x otherwise;
* the only thing an algorithm learns from k calls is which calls jumped, k i.i.d. Bern(p_nu) bits, so the
  jump count N ~ Bin(k, p_nu) is a sufficient statistic for nu (the likelihood depends on the bits only
  through their sum). Hence the posterior mean of b given N minimises the nu-averaged squared error over
  *all* algorithms: its risk (:func:`bayes_risk`) is the exact minimum that Thm 4's eps^2/64 bounds
  from below.
"""
from __future__ import annotations

import math

import numpy as np

from .errors import UsageError
from .problems import LowerBoundInstance, lower_bound_instance


def eps_for_k(alpha: float, k) -> np.ndarray:
    """Target accuracy eps(k) = 1 / (16 k^((alpha-1)/alpha)) used to conclude Thm 4 (seed 000 App G)."""
    # seed 000, App G (end of the proof of Thm 4): eps = 1 / (16 k^((alpha-1)/alpha))
    return 1.0 / (16.0 * np.asarray(k, float) ** ((alpha - 1.0) / alpha))


def lower_bound_value(eps) -> np.ndarray:
    """Thm 4's bound on the nu-averaged error: eps^2 / 64 (seed 000 App G, Lemma 6)."""
    # seed 000, Lemma 6: error < eps^2/64 would give a test that is right with probability >= 3/4
    return np.asarray(eps, float) ** 2 / 64.0


def jump_size(inst: LowerBoundInstance) -> float:
    """Size 1/(2 gamma) of the oracle's jump (seed 000 App G eq 4)."""
    return 1.0 / (2.0 * inst.gamma)


def oracle_mean(inst: LowerBoundInstance, x) -> np.ndarray:
    """Exact E g(x) = p (x - 1/(2 gamma)) + (1 - p) x, for x of any shape."""
    x = np.asarray(x, float)
    return inst.p * (x - jump_size(inst)) + (1.0 - inst.p) * x


def oracle_abs_moment(inst: LowerBoundInstance, x, alpha: float | None = None) -> np.ndarray:
    """Exact E|g(x)|^alpha of the two-point oracle (alpha defaults to the instance's)."""
    a = inst.alpha if alpha is None else alpha
    x = np.asarray(x, float)
    return inst.p * np.abs(x - jump_size(inst)) ** a + (1.0 - inst.p) * np.abs(x) ** a


def max_abs_moment(alpha: float, eps: float, n_grid: int = 1001) -> tuple[float, float, int]:
    """max over nu in {0,1} and x in [0, 1/2] of E|g(x)|^alpha: (value, argmax x, argmax nu).

    E|g(x)|^alpha is convex in x (a positive mix of |x - c|^alpha, alpha >= 1), so its maximum over the
    interval sits at an endpoint; the grid (which contains both endpoints) makes that checkable.
    """
    xs = np.linspace(0.0, 0.5, n_grid)
    best = (-math.inf, math.nan, -1)
    for nu in (0, 1):
        m = oracle_abs_moment(lower_bound_instance(alpha, eps, nu), xs)
        i = int(np.argmax(m))
        if m[i] > best[0]:
            best = (float(m[i]), float(xs[i]), nu)
    return best


def construction_G(alpha: float, eps: float) -> float:
    """The smallest valid G of Assumption 1 for the construction: (max_{nu,x} E|g(x)|^alpha)^(1/alpha)."""
    return max_abs_moment(alpha, eps)[0] ** (1.0 / alpha)


def _support(k: int, p_hi: float) -> np.ndarray:
    """Counts 0..n_max carrying all but < 1e-30 of the mass of Bin(k, p) for every p <= p_hi."""
    mean = k * p_hi
    n_max = int(min(k, math.ceil(mean + 40.0 * math.sqrt(mean + 1.0) + 40.0)))
    return np.arange(n_max + 1)


def count_pmfs(alpha: float, eps: float, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(n, pmf under nu = 0, pmf under nu = 1) of the jump count N ~ Bin(k, p_nu), truncated where the
    remaining mass is negligible (< 1e-30)."""
    from scipy.stats import binom

    p0 = lower_bound_instance(alpha, eps, 0).p
    p1 = lower_bound_instance(alpha, eps, 1).p
    n = _support(int(k), max(p0, p1))
    return n, binom.pmf(n, int(k), p0), binom.pmf(n, int(k), p1)


def optimal_test_success(alpha: float, eps: float, k: int) -> float:
    """Success probability of the best test of nu from k oracle calls, equal priors.

    The likelihood-ratio test on N succeeds with probability 1/2 + TV(Bin(k,p0), Bin(k,p1))/2, and no
    test does better (Neyman-Pearson / Le Cam).
    """
    _, f0, f1 = count_pmfs(alpha, eps, k)
    tv = 0.5 * float(np.sum(np.abs(f0 - f1)))
    return 0.5 + 0.5 * tv


def lemma7_bound(alpha: float, eps, k) -> np.ndarray:
    """Lemma 7's bound on any test's success probability: 1/2 + sqrt(k (4 eps)^(alpha/(alpha-1)))."""
    # seed 000, Lemma 7: Pr[nu' = nu] <= 1/2 + sqrt(k (4 eps)^(alpha/(alpha-1)))
    return 0.5 + np.sqrt(np.asarray(k, float) * (4.0 * np.asarray(eps, float)) ** (alpha / (alpha - 1.0)))


def lemma7_proof_final(alpha: float, eps, k) -> np.ndarray:
    """The last line of Lemma 7's proof, before "recalling alpha in (1, 2]":
    1/2 + sqrt(k 4^((2-alpha)/(alpha-1)) eps^(alpha/(alpha-1))) = 1/2 + sqrt(k (4 eps)^(alpha/(alpha-1))) / 4,
    i.e. KL <= chi^2 = (p0 - p1)^2 / (p0 (1 - p0)) with 1 - p0 >= 1/2. Four times tighter than the lemma."""
    # seed 000, proof of Lemma 7: 1/2 + sqrt(k (p0-p1)^2 / (8 p0 (1-p0))) <= 1/2 + sqrt(k 4^((2-a)/(a-1)) eps^(a/(a-1)))
    return 0.5 + 0.25 * np.sqrt(np.asarray(k, float) * (4.0 * np.asarray(eps, float)) ** (alpha / (alpha - 1.0)))


def lemma7_proof_bound(alpha: float, eps: float, k) -> np.ndarray:
    """The bound the proof of Lemma 7 actually derives before its last simplification:
    1/2 + sqrt(k KL(Bern p1 || Bern p0) / 8), with the exact Bernoulli KL (Pinsker + tensorisation)."""
    p0 = lower_bound_instance(alpha, eps, 0).p
    p1 = lower_bound_instance(alpha, eps, 1).p
    kl = p1 * math.log(p1 / p0) + (1 - p1) * math.log((1 - p1) / (1 - p0))
    return 0.5 + np.sqrt(np.asarray(k, float) * kl / 8.0)


def posterior_mean_b(alpha: float, eps: float, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(n, E[b | N = n]) for the fair prior on nu: the Bayes estimator of b from the jump count."""
    n, f0, f1 = count_pmfs(alpha, eps, k)
    b0, b1 = 2.0 * eps, eps  # seed 000 App G eq 3: b_nu = (2 - nu) eps
    # likelihood ratio in logs: pmfs underflow for large k while their ratio stays finite
    from scipy.stats import binom

    p0 = lower_bound_instance(alpha, eps, 0).p
    p1 = lower_bound_instance(alpha, eps, 1).p
    llr = binom.logpmf(n, int(k), p1) - binom.logpmf(n, int(k), p0)
    w1 = 1.0 / (1.0 + np.exp(-llr))  # posterior probability of nu = 1
    return n, b0 + w1 * (b1 - b0)


def bayes_risk(alpha: float, eps: float, k: int) -> float:
    """Exact minimum over all algorithms of the nu-averaged error (1/2) sum_nu E (x_hat - b_nu)^2 / 2.

    Attained by the posterior mean of b given the jump count (module docstring).
    """
    n, f0, f1 = count_pmfs(alpha, eps, k)
    _, bhat = posterior_mean_b(alpha, eps, k)
    e0 = float(np.sum(f0 * (bhat - 2.0 * eps) ** 2)) / 2.0
    e1 = float(np.sum(f1 * (bhat - eps) ** 2)) / 2.0
    return 0.5 * (e0 + e1)


def count_estimator_errors(alpha: float, eps: float, k: int, nu: int, runs: int, seed: int,
                           estimator: str = "bayes") -> np.ndarray:
    """Per-run errors f_b(x_hat) = (x_hat - b_nu)^2 / 2, shape ``(runs,)``, of a count-based estimator.

    Each run's jump count is drawn as Bin(k, p_nu) (the law of the sum of the k oracle bits) from
    ``numpy.random.default_rng(seed)``. ``estimator``: ``"bayes"`` (posterior mean, optimal for the
    nu-averaged error), ``"mle"`` (b of the more likely nu), ``"moment"`` (N / (2 gamma k), the unbiased
    estimate of b = p / (2 gamma), projected onto [0, 1/2]).
    """
    inst = lower_bound_instance(alpha, eps, nu)
    counts = np.random.default_rng(seed).binomial(int(k), inst.p, size=int(runs))
    if estimator == "bayes":
        n, bhat = posterior_mean_b(alpha, eps, k)
        xhat = np.interp(counts, n, bhat)  # counts beyond the support: the last (flat) value
    elif estimator == "mle":
        from scipy.stats import binom

        p0 = lower_bound_instance(alpha, eps, 0).p
        p1 = lower_bound_instance(alpha, eps, 1).p
        llr = binom.logpmf(counts, int(k), p1) - binom.logpmf(counts, int(k), p0)
        xhat = np.where(llr > 0, eps, 2.0 * eps)
    elif estimator == "moment":
        xhat = np.clip(counts * jump_size(inst) / k, 0.0, 0.5)
    else:
        raise UsageError(f"unknown estimator '{estimator}' (bayes, mle or moment)")
    return 0.5 * (xhat - inst.b) ** 2
