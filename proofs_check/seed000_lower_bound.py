"""Seed 000, Theorem 4 / App G: every constant and step of the one-dimensional lower-bound construction.

The construction's expressions (gamma, p_nu, b_nu, eps(k), eps^2/64) come from
:mod:`proofs_check.statements`, the source the simulator's lower-bound study is tested against.
"""
from __future__ import annotations

import functools
import itertools

import mpmath as mp
import sympy as sp

from . import statements as st
from .registry import equal, ge, le, lt, within
from .registry import claim as _claim
from .symbolic import sample_points

SEED = "000"
alpha, eps, k, nu = st.alpha, st.eps, st.k, st.nu
x = sp.Symbol("x", nonnegative=True)


def claim(id: str, location: str, statement: str, **kw):
    """Register a seed 000 claim."""
    return _claim(id, SEED, location, statement, **kw)


GRID = list(itertools.product([mp.mpf(1) + mp.mpf(j) / 20 for j in range(1, 21)],  # alpha = 1.05 .. 2
                              [mp.mpf(1) / 8 / mp.mpf(2) ** j for j in range(0, 12)]))  # eps = 1/8 .. 1/16384
POINTS = sample_points({alpha: (1.05, 2), eps: (0.001, 0.125)}, n=4, seed=100)
POINTS_NU = [{**p, nu: v} for p in POINTS for v in (0, 1)]


def _on_grid(expr: sp.Expr, nu_value: int = 0) -> list:
    f = sp.lambdify((alpha, eps), expr.subs(nu, nu_value), "mpmath")
    return [f(a, e) for a, e in GRID]


@claim("000-lb-mu-L", "App G, after eq 2; Theorem 4", "f_b(x) = (x - b)^2/2 is 1-strongly convex and 1-smooth (mu = L = 1), with f_b(b) = 0.",
       mutant={"mu_value": 2})
def _mu_l(mu_value: int = 1, l_value: int = 1):
    bb = sp.Symbol("b", real=True)
    f = (x - bb) ** 2 / 2
    return [equal("f_b''", sp.diff(f, x, 2), mu_value), equal("f_b''", sp.diff(f, x, 2), l_value), equal("f_b(b)", f.subs(x, bb), 0)]


@claim("000-lb-gamma", "App G, noise distribution", "For eps in (0, 1/8] and alpha in (1, 2], gamma = (4 eps)^(1/(alpha-1)) lies in (0, 1/2].",
       mutant={"interval": sp.Interval.Lopen(0, sp.Rational(1, 4))})
def _gamma(interval: sp.Interval = sp.Interval.Lopen(0, sp.Rational(1, 2))):
    return within("gamma over alpha in [1.05, 2], eps in [1/16384, 1/8]", _on_grid(st.LB_GAMMA), interval)


@claim("000-lb-p-form", "App G, noise distribution", "p_nu = gamma^alpha - 2 nu gamma eps = (4 - 2 nu)(4 eps^alpha)^(1/(alpha-1)).",
       mutant={"closed_form": (4 - nu) * (4 * eps**alpha) ** (1 / (alpha - 1))})
def _p_form(closed_form: sp.Expr = (4 - 2 * nu) * (4 * eps**alpha) ** (1 / (alpha - 1))):
    return equal("p_nu", st.LB_P, closed_form, points=POINTS_NU)


@claim("000-lb-p-range", "App G, noise distribution", "p_nu lies in (0, 1).", mutant={"interval": sp.Interval.Lopen(0, sp.Rational(1, 8))})
def _p_range(interval: sp.Interval = sp.Interval.open(0, 1)):
    return within("p_0 and p_1 over the grid", _on_grid(st.LB_P, 0) + _on_grid(st.LB_P, 1), interval)


@claim("000-lb-unbiased", "App G, noise distribution",
       "g(x) = x - 1/(2 gamma) with probability p_nu, else x, is unbiased: E g = x - b_nu with b_nu = (2 - nu) eps.",
       mutant={"b_nu": (1 - nu) * eps}, mc=True)
def _unbiased(b_nu: sp.Expr = st.LB_B):
    mean = st.LB_P * (x - 1 / (2 * st.LB_GAMMA)) + (1 - st.LB_P) * x
    p_ = [{**p, x: sp.Rational(j, 7)} for j, p in enumerate(POINTS_NU)]
    return equal("E g(x)", mean, x - b_nu, points=p_)


@functools.lru_cache(maxsize=None)
def moment_terms() -> tuple[float, float, float]:
    """Max over alpha, eps, nu and x in [0, 1/2] of p|x - 1/(2 gamma)|^alpha, (1-p) x^alpha and their sum."""
    t1 = t2 = tot = mp.mpf(0)
    for (a, e), n_, xv in itertools.product(GRID, (0, 1), [mp.mpf(j) / 20 for j in range(0, 11)]):
        g_ = (4 * e) ** (1 / (a - 1))
        p = g_**a - 2 * n_ * g_ * e
        u, v = p * abs(xv - 1 / (2 * g_)) ** a, (1 - p) * xv**a
        t1, t2, tot = max(t1, u), max(t2, v), max(tot, u + v)
    return float(t1), float(t2), float(tot)


@claim("000-lb-moment", "App G, noise distribution",
       "E|g(x)|^alpha <= gamma^alpha (1/(2 gamma))^alpha + x^alpha <= 1/2 + 1/2 = 1 for x in [0, 1/2] (so G = B <= 1).",
       mutant={"term_bound": sp.Rational(1, 4)}, mc=True)
def _moment(term_bound: sp.Expr = sp.Rational(1, 2), total_bound: sp.Expr = sp.Integer(1)):
    t1, t2, tot = moment_terms()
    return [le("max of p |x - 1/(2 gamma)|^alpha", t1, term_bound), le("max of (1 - p) x^alpha", t2, term_bound),
            le("max of E|g(x)|^alpha", tot, total_bound)]


@claim("000-lb-lemma6-average", "App G, proof of Lemma 6",
       "E_b E f_b(x) < eps^2/64 implies E_nu E|x - b_nu|^2 < eps^2/32, hence E|x - b_nu|^2 < eps^2/16 for each nu.",
       mutant={"average_bound": eps**2 / 64})
def _lemma6_avg(average_bound: sp.Expr = eps**2 / 32, per_nu_bound: sp.Expr = eps**2 / 16):
    avg = 2 * eps**2 / 64  # f = (x - b)^2/2
    per_nu = 2 * avg  # each nu has probability 1/2 in the average
    p_ = sample_points({eps: (0.001, 0.125)}, n=3, seed=101)
    return [equal("bound on E_nu E|x - b_nu|^2", avg, average_bound, points=p_), equal("bound on E|x - b_nu|^2 for each nu", per_nu, per_nu_bound, points=p_)]


@claim("000-lb-lemma6-markov", "App G, proof of Lemma 6", "Markov's inequality gives P(|x - b_nu| >= eps/2) <= 1/4.",
       mutant={"probability": sp.Rational(1, 8)})
def _lemma6_markov(probability: sp.Expr = sp.Rational(1, 4)):
    return equal("(eps^2/16) / (eps/2)^2", sp.simplify((eps**2 / 16) / (eps / 2) ** 2), probability)


@claim("000-lb-lemma6-test", "App G, proof of Lemma 6",
       "Outputting nu' = 0 if x >= 3 eps/2 and 1 otherwise is correct whenever |x - b_nu| < eps/2 (b_0 = 2 eps, b_1 = eps).",
       mutant={"radius": eps})
def _lemma6_test(radius: sp.Expr = eps / 2):
    b0, b1, thr = st.LB_B.subs(nu, 0), st.LB_B.subs(nu, 1), 3 * eps / 2
    safe = sp.Min(sp.Abs(b0 - thr), sp.Abs(b1 - thr))  # largest radius around each b_nu on the right side of the threshold
    return ge("distance from b_nu to the threshold", safe, radius, points=sample_points({eps: (0.001, 0.125)}, n=3, seed=102))


@claim("000-lb-lemma7-identity", "App G, proof of Lemma 7",
       "P[D(S) = nu] = (1/2) P[D(S_1) = 1] + (1/2) P[D(S_0) = 0] = 1/2 + (1/2) E[D(S_1) - D(S_0)].",
       mutant={"half": sp.Integer(1)})
def _lemma7_identity(half: sp.Expr = sp.Rational(1, 2)):
    q1, q0 = sp.symbols("q1 q0", positive=True)  # P[D(S_1) = 1], P[D(S_0) = 1]
    return equal("P[D(S) = nu]", q1 / 2 + (1 - q0) / 2, sp.Rational(1, 2) + half * (q1 - q0),
                 points=sample_points({q1: (0, 1), q0: (0, 1)}, n=4, seed=103))


def _kl(p: mp.mpf, q: mp.mpf) -> mp.mpf:
    """KL(Bern(p) || Bern(q)); log1p keeps the (1-p) term accurate for the tiny p of the grid."""
    return p * mp.log(p / q) + (1 - p) * (mp.log1p(-p) - mp.log1p(-q))


@functools.lru_cache(maxsize=None)
def kl_over_grid() -> tuple[list, list, list]:
    """KL(Bern(p_1) || Bern(p_0)), its chi-square bound (p0-p1)^2/(p0(1-p0)) and (4 eps)^(alpha/(alpha-1)) on the grid."""
    kl, chi, scale = [], [], []
    for a, e in GRID:
        g_ = (4 * e) ** (1 / (a - 1))
        p0, p1 = g_**a, g_**a - 2 * g_ * e
        kl.append(_kl(p1, p0))
        chi.append((p0 - p1) ** 2 / (p0 * (1 - p0)))
        scale.append((4 * e) ** (a / (a - 1)))
    return kl, chi, scale


@claim("000-lb-lemma7-chi2", "App G, proof of Lemma 7",
       "KL(Bern(p_1), Bern(p_0)) <= (p_0 - p_1)^2/(p_0 (1 - p_0)), with (p_0 - p_1)^2/p_0 = gamma eps.",
       mutant={"chi_over_gamma_eps": sp.Integer(2)})
def _lemma7_chi(chi_over_gamma_eps: sp.Expr = sp.Integer(1)):
    kl, chi, _ = kl_over_grid()
    p0, p1 = st.LB_P.subs(nu, 0), st.LB_P.subs(nu, 1)
    return [le("KL(Bern(p_1) || Bern(p_0)) over the grid", kl, chi),
            equal("(p_0 - p_1)^2/(p_0 gamma eps)", (p0 - p1) ** 2 / (p0 * st.LB_GAMMA * eps), chi_over_gamma_eps, points=POINTS)]


@claim("000-lb-lemma7", "App G, Lemma 7",
       "Any test from k samples of Bern(p_nu) is right with probability <= 1/2 + sqrt(k (4 eps)^(alpha/(alpha-1))).",
       mutant={"coefficient": sp.Rational(1, 10)})
def _lemma7(coefficient: sp.Expr = sp.Integer(1)):
    kl, _, scale = kl_over_grid()
    # Pinsker and tensorisation: P <= 1/2 + (1/2) sqrt(k KL/2) = 1/2 + sqrt(k KL/8)
    coef = [float(mp.sqrt(q / 8 / s)) for q, s in zip(kl, scale)]
    return le("sup over the grid of sqrt(KL/8) / sqrt((4 eps)^(alpha/(alpha-1)))", max(coef), coefficient,
              context={"sharp coefficient of sqrt(k (4 eps)^(alpha/(alpha-1)))": max(coef)})


EPS_SEED = 1 / (16 * k ** ((alpha - 1) / alpha))


@functools.lru_cache(maxsize=None)
def _lemma7_at(eps_choice: sp.Expr) -> sp.Expr:
    term = sp.powsimp(sp.expand_power_base(sp.sqrt(k * (4 * eps_choice) ** (alpha / (alpha - 1))), force=True), force=True)
    return sp.simplify(term)


@claim("000-lb-eps", "App G, end of proof",
       "With eps = 1/(16 k^((alpha-1)/alpha)): 1/2 + sqrt(k (4 eps)^(alpha/(alpha-1))) < 3/4 for every alpha in (1, 2].",
       mutant={"eps_choice": 1 / (32 * k ** ((alpha - 1) / alpha))})
def _eps_choice(eps_choice: sp.Expr = EPS_SEED):
    term = _lemma7_at(eps_choice)
    alphas = [sp.Rational(11, 10), sp.Rational(3, 2), sp.Rational(19, 10), 2]
    vals = [sp.Rational(1, 2) + term.subs(alpha, a) for a in alphas]
    return lt("1/2 + sqrt(k (4 eps)^(alpha/(alpha-1)))", vals, sp.Rational(3, 4), at=alphas,
              context={"the term (free of k)": term, "largest value": max(vals, key=float)},
              corrected="the bound reaches {largest value}, not below {stated}, so Lemmas 6 and 7 do not contradict there; "
                        "eps = 1/(32 k^((alpha-1)/alpha)) or Lemma 7's sharper constant (000-lb-lemma7) restores the strict inequality")


@claim("000-lb-eps-range", "App G, end of proof", "eps = 1/(16 k^((alpha-1)/alpha)) lies in (0, 1/8] for every k >= 1.",
       mutant={"interval": sp.Interval.Lopen(0, sp.Rational(1, 32))})
def _eps_range(interval: sp.Interval = sp.Interval.Lopen(0, sp.Rational(1, 8))):
    vals = [EPS_SEED.subs({k: kv, alpha: a}) for kv in (1, 2, 10, 10**6) for a in (sp.Rational(11, 10), sp.Rational(3, 2), 2)]
    return within("eps for k in (1, 2, 10, 1e6), alpha in (1.1, 1.5, 2)", vals, interval)


@claim("000-lb-final", "App G / Theorem 4",
       "The error of any algorithm is >= eps^2/64 = k^(-2(alpha-1)/alpha)/16384 with eps = 1/(16 k^((alpha-1)/alpha)).",
       mutant={"value": k ** (-2 * (alpha - 1) / alpha) / 8192})
def _final(value: sp.Expr = k ** (-2 * (alpha - 1) / alpha) / 16384):
    return equal("eps^2/64", st.LB_ERROR.subs(eps, st.LB_EPS_OF_K), value, points=sample_points({alpha: (1.05, 2), k: (1, 10**6)}, n=4, seed=104))
