"""Seed 000, App A: SGD with step sizes fixed in advance does not converge in expectation under
infinite-variance noise. Every displayed step of the argument is a claim.

Model: f(x) = (x - a)^2 / 2 in one dimension (each coordinate of the seed's ||x - a||^2 / 2 separately),
x_0 = 0, g(x) = x - a + xi with i.i.d. noises xi_1, xi_2, ... of mean 0 and variance s, where the
gradient queried at x_{j-1} carries xi_j. An iterate is an affine function of the noises, stored as
(constant, [coefficient of xi_1, ..., xi_k]); means, variances and covariances follow exactly.
"""
from __future__ import annotations

import itertools
from typing import Callable

import numpy as np
import sympy as sp

from .registry import Readings, count, equal, ge, le
from .registry import claim as _claim
from .symbolic import sample_points

SEED = "000"
K = 3
ETAS = sp.symbols("eta1:4", real=True)
a, s = sp.Symbol("a", real=True), sp.Symbol("s", positive=True)  # optimum, noise variance
POINTS = sample_points({ETAS[0]: (-1, 2), ETAS[1]: (-1, 2), ETAS[2]: (-1, 2), a: (-3, 3), s: (0.5, 3)}, n=6, seed=50)


def claim(id: str, location: str, statement: str, **kw):
    """Register a seed 000 claim."""
    return _claim(id, SEED, location, statement, **kw)


Affine = tuple  # (constant, tuple of noise coefficients)


def sgd_iterates(etas=ETAS, x0=0) -> tuple[list[Affine], list[Affine]]:
    """Iterates x_0..x_k and queried gradients g(x_0)..g(x_{k-1}) of SGD x_j = x_{j-1} - eta_j g(x_{j-1})."""
    k = len(etas)
    x: Affine = (sp.sympify(x0), (sp.Integer(0),) * k)
    xs, gs = [x], []
    for j, e in enumerate(etas):
        const, c = x
        g = (const - a, tuple(ci + (1 if i == j else 0) for i, ci in enumerate(c)))  # g(x_j-1) = x - a + xi_j
        gs.append(g)
        x = (sp.expand(const - e * g[0]), tuple(sp.expand(ci - e * gi) for ci, gi in zip(c, g[1])))
        xs.append(x)
    return xs, gs


def mean(v: Affine) -> sp.Expr:
    return v[0]


def var(v: Affine) -> sp.Expr:
    return sp.expand(s * sum(c**2 for c in v[1]))


def cov(v: Affine, w: Affine) -> sp.Expr:
    return sp.expand(s * sum(c * d for c, d in zip(v[1], w[1])))


def combination(weights, vectors: list[Affine]) -> Affine:
    """sum_j w_j v_j for affine forms."""
    const = sum(w * v[0] for w, v in zip(weights, vectors))
    coeffs = tuple(sum(w * v[1][i] for w, v in zip(weights, vectors)) for i in range(len(vectors[0][1])))
    return (sp.expand(const), tuple(sp.expand(c) for c in coeffs))


@claim("000-appA-linear", "App A",
       "Starting from x_0 = 0, the SGD output is the linear combination x_k = sum_{j=1..k} eta_j g(x_j) of the stochastic gradients.",
       mutant={"sign": -1, "query_offset": 1})
def _linear(sign: int = 1, query_offset: int = 0):
    xs, gs = sgd_iterates(ETAS + (sp.Symbol("eta4", real=True),))  # one extra step: g(x_k) is queried at x_k
    k = K
    stated = combination([sign * e for e in ETAS], [gs[j - query_offset] for j in range(1, k + 1)])
    computed = xs[k]
    fix = "x_k = -sum_j eta_j g(x_(j-1)): a linear combination with fixed weights -eta_j of the gradients queried at x_0..x_(k-1)"
    return [equal(f"constant part of x_{k}", computed[0], stated[0], points=POINTS, corrected=fix),
            equal(f"coefficients of xi_1..xi_{k + 1} in x_{k}", list(computed[1]), list(stated[1]), points=POINTS, corrected=fix)]


@claim("000-appA-identity", "App A", "For f(x) = (1/2)||x - a||^2 (printed '2||x - a||^2'), E f(x_k) - f(a) = E||x_k - a||^2.",
       mutant={"ratio": sp.Rational(1, 2)})
def _identity(ratio: sp.Expr = sp.Integer(1)):
    xs, _ = sgd_iterates()
    xk = xs[K]
    e_sq = sp.expand((mean(xk) - a) ** 2 + var(xk))  # E (x_k - a)^2
    e_f = sp.expand(e_sq / 2)  # E f(x_k) - f(a) with f = (x - a)^2/2, f(a) = 0
    return equal("(E f(x_k) - f(a)) / E||x_k - a||^2", sp.simplify(e_f / e_sq), ratio, points=POINTS,
                 corrected="E f(x_k) - f(a) = {computed} E||x_k - a||^2 (with the literal f = 2||x - a||^2 the factor is 2)")


@claim("000-appA-bias-variance", "App A", "E||x_k - a||^2 >= E||x_k - E x_k||^2.", mutant={"direction": "<="})
def _bias_variance(direction: str = ">="):
    xs, _ = sgd_iterates()
    xk = xs[K]
    rel = ge if direction == ">=" else le
    return rel("E||x_k - a||^2", sp.expand((mean(xk) - a) ** 2 + var(xk)), var(xk), points=POINTS)


@claim("000-appA-independence", "App A",
       "The terms eta_j (g(x_j) - E g(x_j)) are independent random variables (the variance of their sum is the sum of variances).",
       mutant={"covariance": -ETAS[0] * s}, mc=True)
def _independence(covariance: sp.Expr = sp.Integer(0)):
    _, gs = sgd_iterates()
    return equal("Cov(g(x_0), g(x_1))", cov(gs[0], gs[1]), covariance, points=POINTS,
                 corrected="Cov(g(x_0), g(x_1)) = {computed}: g(x_1) depends on xi_1 through x_1; the independent terms are the noises xi_j")


def _weights(etas) -> list[sp.Expr]:
    """w_{k,j} = eta_j prod_{i>j} (1 - eta_i): the coefficient of -xi_j in x_k."""
    return [etas[j] * sp.Mul(*[1 - etas[i] for i in range(j + 1, len(etas))]) for j in range(len(etas))]


SEED_SUM_VARIANCE = sp.expand(sum(e**2 * var(g) for e, g in zip(ETAS, sgd_iterates()[1])))  # sum_j eta_j^2 Var g(x_(j-1))


@claim("000-appA-sum-variance", "App A", "E(sum_j eta_j (g(x_j) - E g(x_j)))^2 = sum_j eta_j^2 E(g(x_j) - E g(x_j))^2.",
       mutant={"variance_of_sum": s * sum(w**2 for w in _weights(ETAS))}, mc=True)
def _sum_variance(variance_of_sum: sp.Expr = SEED_SUM_VARIANCE):
    xs, _ = sgd_iterates()
    return equal("Var(sum_j eta_j g(x_(j-1))) = Var x_k", var(xs[K]), variance_of_sum, points=POINTS,
                 corrected="Var x_k = sigma^2 sum_j eta_j^2 prod_(i>j) (1 - eta_i)^2 = {computed}")


V = sp.symbols("v1:4", positive=True)


@claim("000-appA-max", "App A", "sum_j eta_j^2 v_j >= (sum_i eta_i^2) max_j v_j for the variances v_j.",
       mutant={"lower": sp.Max(*[e**2 * v for e, v in zip(ETAS, V)])})
def _max(lower: sp.Expr = sum(e**2 for e in ETAS) * sp.Max(*V)):
    pts = sample_points({ETAS[0]: (-1, 2), ETAS[1]: (-1, 2), ETAS[2]: (-1, 2), V[0]: (0.5, 3), V[1]: (0.5, 3), V[2]: (0.5, 3)}, n=8, seed=51)
    return ge("sum_j eta_j^2 v_j", sum(e**2 * v for e, v in zip(ETAS, V)), lower, points=pts,
              corrected="the sum is at most (sum eta_i^2) max_j v_j; what holds (and suffices) is sum_j eta_j^2 v_j >= max_j eta_j^2 v_j")


STEP_GRID = (0, sp.Rational(1, 2), 1, 2)


def seed_condition(etas, infinite: set[int]) -> bool:
    """Seed 000 App A: some eta_i^2 > 0 and some j <= k with infinite noise variance."""
    return any(e != 0 for e in etas) and bool(infinite)


def weight_condition(etas, infinite: set[int]) -> bool:
    """Some noise with infinite variance enters x_k with a non-zero weight eta_j prod_(i>j) (1 - eta_i)."""
    return any(w != 0 for j, w in enumerate(_weights(list(etas))) if j in infinite)


def _counterexamples(condition: Callable, single_point: bool) -> tuple[int, str]:
    """Step vectors (and infinite-variance query points) where the condition holds but E f(x_k) < oo."""
    found, example, best = 0, "", -1
    for etas in itertools.product(STEP_GRID, repeat=K):
        w = _weights(list(etas))
        sets = [{j} for j in range(K)] if single_point else [set(range(K))]
        for inf in sets:
            # E f(x_k) = oo iff an infinite-variance noise enters x_k with a non-zero weight
            infinite_expectation = any(w[j] != 0 for j in inf)
            if condition(etas, inf) and not infinite_expectation:
                found += 1
                nonzero = sum(e != 0 for e in etas)
                if nonzero > best:  # report a counterexample with as many non-zero steps as possible
                    best = nonzero
                    example = f"eta = ({', '.join(map(str, etas))}), infinite variance at the query point x_{min(inf)}"
    return found, example


@claim("000-appA-conclusion", "App A",
       "If some eta_i^2 > 0 and some E||g(x_j) - grad f(x_j)||^2 = infinity (i, j <= k), then E f(x_k) = infinity.",
       mutant={"condition": weight_condition})
def _conclusion(condition: Callable = seed_condition):
    same, ex_same = _counterexamples(condition, single_point=False)
    one, ex_one = _counterexamples(condition, single_point=True)
    return Readings({
        "the noise has infinite variance at every point (one law, as in Sec 2.1)": count(
            "step vectors in {0, 1/2, 1, 2}^3 where the condition holds but E f(x_3) < oo", same, 0),
        "infinite variance at the query point x_j only, any i": count(
            "step vectors and points where the condition holds but E f(x_3) < oo", one, 0, context={"example": ex_one},
            corrected="E f(x_k) = oo iff eta_j prod_(i>j) (1 - eta_i) != 0 for some j with infinite variance ({computed} counterexamples, "
                      "e.g. {example})"),
    })


@claim("000-appA-pareto", "App A / Sec 2.1",
       "SGD with any fixed step eta > 0 on this quadratic with symmetric Pareto noise of tail index 3/2 (infinite variance) has E f(x_1) = infinity.",
       mutant={"tail_index": sp.Rational(5, 2)}, mc=True)
def _pareto(tail_index: sp.Expr = sp.Rational(3, 2)):
    tt, eta = sp.Symbol("t", positive=True), sp.Symbol("eta", positive=True)
    second = sp.integrate(tt**2 * tail_index * tt ** (-tail_index - 1), (tt, 1, sp.oo))  # E xi^2, P(|xi| > t) = t^-a
    value = ((1 - eta) ** 2 * a**2 + eta**2 * second) / 2  # x_1 - a = (1 - eta)(x_0 - a) - eta xi, x_0 = 0
    return equal("E f(x_1)", value.subs({eta: sp.Rational(1, 3), a: 1}), sp.oo, context={"E xi^2": second})


@claim("000-appA-clipping", "App A, end",
       "Gradient clipping does not use steps fixed in advance and can tackle unbounded variance: each GClip step moves at most eta_k tau_k.",
       mutant={"bound_factor": 0.5}, mc=True)
def _clipping(bound_factor: float = 1.0):
    rng = np.random.default_rng(53)
    runs, k, alpha, G, mu = 20_000, 5, 1.5, 1.0, 1.0
    etas = 4 / (mu * (np.arange(1, k + 1) + 1))  # seed 000, Thm 1 schedules
    taus = G * np.arange(1, k + 1) ** (1 / alpha)
    x = np.zeros(runs)
    for e, tau in zip(etas, taus):
        g = x - 1.0 + rng.standard_cauchy(runs)  # a = 1, infinite-variance (Cauchy) noise
        x = x - e * g * np.minimum(1.0, tau / np.maximum(np.abs(g), 1e-300))
    return le("max over 20000 runs of |x_5 - x_0| (Cauchy noise)", float(np.max(np.abs(x))), bound_factor * float(np.sum(etas * taus)),
              context={"sum_k eta_k tau_k": float(np.sum(etas * taus))})
