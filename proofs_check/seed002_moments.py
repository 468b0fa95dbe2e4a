"""Seed 002, Sec 2-5: moments of the update (Cor 1, Cor 2, eq 34), its trend in time, the bias correction
of Adam (eq 2-3) and the boundedness of Prop 1."""
from __future__ import annotations

import functools

import mpmath as mp
import sympy as sp

from .registry import Readings, equal, gt, le, limit, lt
from .registry import claim as _claim
from .seed002_densities import xg_pdf
from .symbolic import beta_kernel_integral, gamma_ratio_limit, generic_branch, m, sample_points

SEED = "002"
a = sp.Symbol("a", positive=True)  # m = 3 + 2a > 3 lets gammasimp cancel Gamma ratios


def claim(id: str, location: str, statement: str, **kw):
    """Register a seed 002 claim."""
    return _claim(id, SEED, location, statement, **kw)


@functools.lru_cache(maxsize=None)
def xg_abs_moment(p: int) -> sp.Expr:
    """E|x_g|^p = 2 int_0^sqrt(m) x^p f_m(x) dx, with x = sqrt(m t) turning it into a Beta integral."""
    t = sp.Symbol("t", positive=True)
    x_of_t = sp.sqrt(m * t)
    integrand = 2 * x_of_t**p * xg_pdf(x_of_t) * sp.diff(x_of_t, t)
    return beta_kernel_integral(integrand, t, sp.Rational(p + 1, 2), (m - 1) / 2)


@functools.lru_cache(maxsize=None)
def abs_update_variance() -> sp.Expr:
    """Var |x_g| = E x_g^2 - (E |x_g|)^2, from the density of eq 30."""
    return sp.gammasimp(xg_abs_moment(2) - xg_abs_moment(1) ** 2)


@functools.lru_cache(maxsize=None)
def update_variance() -> sp.Expr:
    """Var x_g = E x_g^2 (the law of eq 30 is even)."""
    return sp.simplify(sp.simplify(sp.expand_func(xg_abs_moment(2).subs(m, 3 + 2 * a))).subs(a, (m - 3) / 2))


SEED_COR2 = 1 - 4 * m * sp.gamma(m / 2) ** 2 / ((m - 1) ** 2 * sp.pi * sp.gamma((m - 1) / 2) ** 2)
POINTS_M = sample_points({m: (1.5, 60)}, n=6, seed=40)


@claim("002-cor1", "Sec 4, Corollary 1", "The variance of Delta theta (density of eq 30) is 1 for every m.",
       mutant={"variance": (m - 1) / m}, mc=True)
def _cor1(variance: sp.Expr = sp.Integer(1)):
    x = sp.Symbol("x", real=True)
    dens = xg_pdf(sp.Abs(x))
    return [equal("Var x_g = E x_g^2", update_variance(), variance, points=POINTS_M),
            equal("f(-x) - f(x) (an even law has mean 0)", dens.subs(x, -x) - dens, 0,
                  points=sample_points({m: (2, 12), x: (0.05, 1.3)}, n=3, seed=41))]


@claim("002-cor2", "Sec 4, Corollary 2", "Var|Delta theta| = 1 - 4 m Gamma(m/2)^2 / ((m-1)^2 pi Gamma((m-1)/2)^2).",
       mutant={"variance": 1 - 2 * m * sp.gamma(m / 2) ** 2 / ((m - 1) ** 2 * sp.pi * sp.gamma((m - 1) / 2) ** 2)}, mc=True)
def _cor2(variance: sp.Expr = SEED_COR2):
    return equal("Var |x_g|", abs_update_variance(), variance, points=POINTS_M)


SEED_COR2_R = 1 - 4 * m * sp.Symbol("r") ** 2 / ((m - 1) ** 2 * sp.pi)  # Cor 2 with r = Gamma(m/2)/Gamma((m-1)/2)


def cor2_values(ms: list[int]) -> list[mp.mpf]:
    """Var|x_g| at integer m (30 digits) from the computed Gamma form, via r(m) = Gamma(m/2)/Gamma((m-1)/2)
    and the recurrence r(m+2) = r(m) m/(m-1) (Gamma(x+1) = x Gamma(x)), so large m stays cheap."""
    with mp.workdps(30):
        r = {2: 1 / mp.sqrt(mp.pi), 3: mp.sqrt(mp.pi) / 2}
        for k in range(4, max(ms) + 1):
            r[k] = r[k - 2] * (k - 2) / (k - 3)
        var = sp.lambdify([m, sp.Symbol("r")], SEED_COR2_R, "mpmath")
        return [var(k, r[k]) for k in ms]


@functools.lru_cache(maxsize=None)
def abs_var_limit() -> sp.Expr:
    """lim_{m -> oo} Var|x_g|, through the Gamma-ratio limit computed by sympy."""
    return sp.simplify(1 - 4 * gamma_ratio_limit() ** 2 / sp.pi)


@claim("002-cor2-monotone", "Sec 4, Corollary 2; abstract",
       "Var|Delta theta| is an increasing function of m (time) and converges to a finite value as m -> infinity.",
       mutant={"direction": -1}, mc=True)
def _cor2_monotone(direction: int = 1):
    ms = list(range(2, 1001))
    vals = cor2_values(ms)
    steps = [v2 - v1 for v1, v2 in zip(vals, vals[1:])]
    rel = gt if direction > 0 else lt
    return [rel("Var|x_g|(m+1) - Var|x_g|(m), m = 2..999", steps, 0, at=ms[:-1]),
            limit("Var|x_g| at m = 2, 10, 100, 1000", [vals[0], vals[8], vals[98], vals[-1]], abs_var_limit(), at=[2, 10, 100, 1000],
                  context={"limit (sympy)": abs_var_limit()})]


@claim("002-eq34-abs-var", "Sec 4, before eq 34", "|X_g| has variance (m-1)/m.", mutant={"variance": 2 * (m - 1) / m}, mc=True)
def _eq34_abs(variance: sp.Expr = (m - 1) / m):
    return Readings({
        "Var |x_g| with c = m (the variable of eq 34)": equal("Var |x_g|", abs_update_variance(), variance, points=POINTS_M,
                                                              corrected="Var|x_g| = Cor 2's expression, {computed}"),
        "Var x_g with the normalisation c = m - 1 (E G = (m-1)/m, eq 24)": equal(
            "Var x_g (c = m-1)", sp.simplify((m - 1) / m * update_variance()), variance, points=POINTS_M),
    })


@claim("002-eq34", "Sec 4, eq 34", "Var[T] > 1 > Var[|X_g|] for every finite m > 2.", mutant={"middle": sp.Rational(1, 5)}, mc=True)
def _eq34(middle: sp.Expr = sp.Integer(1)):
    ms = list(range(3, 400))
    return [gt("Var T = m/(m-2)", [sp.Rational(k, k - 2) for k in ms], middle, at=ms),
            lt("Var |x_g|", cor2_values(ms), middle, at=ms)]


@claim("002-eq34-limit", "Sec 4, after eq 34", "The inequalities of eq 34 become equalities as m -> infinity.",
       mutant={"limit_value": sp.Integer(2)}, mc=True)
def _eq34_limit(limit_value: sp.Expr = sp.Integer(1)):
    lim_t = sp.limit(m / (m - 2), m, sp.oo)
    return Readings({
        "|X_g| as in eq 34": [equal("lim Var T", lim_t, limit_value), equal("lim Var |x_g|", abs_var_limit(), limit_value,
                                                                            corrected="Var|x_g| -> {computed} (the variance of |N(0,1)|)")],
        "X_g with c = m - 1 (variance (m-1)/m)": [equal("lim Var T", lim_t, limit_value),
                                                  equal("lim Var x_g (c = m-1)", sp.limit((m - 1) / m * update_variance(), m, sp.oo), limit_value)],
    })


@claim("002-eq34-overestimate", "Sec 4, after eq 34",
       "Neglecting the numerator-denominator correlation (the t model) overestimates the variance of the update.",
       mutant={"direction": -1}, mc=True)
def _overestimate(direction: int = 1):
    ms = list(range(3, 200))
    rel = gt if direction > 0 else lt
    return rel("Var T (t model) - Var x_g", [sp.Rational(k, k - 2) - update_variance().subs(m, k) for k in ms], 0, at=ms)


@claim("002-eq34-trend-t", "Sec 4, after eq 34",
       "The t model predicts a variance increasing as m decreases, diverging at m = 2.",
       mutant={"diverges_at": sp.Integer(3)})
def _trend_t(diverges_at: sp.Expr = sp.Integer(2)):
    ms = list(range(3, 60))
    var_t = m / (m - 2)
    return [lt("d/dm Var T", [sp.diff(var_t, m).subs(m, k) for k in ms], 0, at=ms),
            equal("lim_{m -> m0+} Var T at the stated m0", sp.limit(var_t, m, diverges_at, "+"), sp.oo)]


def _trend_readings(direction: int, where: str) -> Readings:
    ms = list(range(2, 200))
    abs_vals = cor2_values(ms)
    steps_abs = [v2 - v1 for v1, v2 in zip(abs_vals, abs_vals[1:])]
    steps_var = [update_variance().subs(m, k + 1) - update_variance().subs(m, k) for k in ms[:-1]]
    rel = gt if direction > 0 else lt
    return Readings({
        f"the variance of Delta theta ({where})": rel("Var x_g(m+1) - Var x_g(m)", steps_var, 0, at=ms[:-1],
                                                      corrected="Var x_g = 1 for every m (Cor 1): constant in time"),
        f"the variance of |Delta theta| ({where})": rel("Var|x_g|(m+1) - Var|x_g|(m)", steps_abs, 0, at=ms[:-1]),
    })


@claim("002-eq34-trend-actual", "Sec 4, after eq 34", "The actual update distribution has decreasing variance as m decreases.",
       mutant={"direction": -1}, mc=True)
def _trend_actual(direction: int = 1):
    return _trend_readings(direction, "as m grows")


@claim("002-sec5.2-increasing", "Sec 5.2", "The adaptive gradients' variance is an increasing function of time near initialization.",
       mutant={"direction": -1}, mc=True)
def _sec52(direction: int = 1):
    return _trend_readings(direction, "in time")


@claim("002-prop1", "Sec 3, Proposition 1",
       "With mu = 0, 0 <= beta < 1, eps = 0, |Delta theta| is bounded by a constant c(beta, t) whatever the gradients (so it is sub-Gaussian).",
       mutant={"bound": sp.Integer(1)}, mc=True)
def _prop1(bound: sp.Expr = sp.sqrt((1 - sp.Symbol("beta", positive=True) ** sp.Symbol("t", positive=True))
                                    / (1 - sp.Symbol("beta", positive=True)))):
    bt, t = sp.Symbol("beta", positive=True), sp.Symbol("t", positive=True)
    g2, w = sp.symbols("g2 w", nonnegative=True)  # g_t^2 and w = sum_{i<t} beta^(t-i) g_i^2 >= 0
    c_n = 1 - bt**t
    sq = c_n * g2 / ((1 - bt) * (g2 + w))  # |Delta theta|^2 = g_t^2 c_n / n_t, n_t from eq 2 with n_0 = 0
    dw = sp.simplify(sp.diff(sq, w))
    sup_sq = sp.limit(sq, w, 0)  # the square decreases in w: its supremum is at w -> 0, free of g2
    p_ = sample_points({bt: (0, 1), t: (1, 50), g2: (0.1, 5), w: (0.01, 5)}, n=6, seed=42)
    return [le("d|Delta theta|^2/dw", dw, 0, points=p_),
            equal("sup over the gradients of |Delta theta|", sp.sqrt(sup_sq), bound, points=p_,
                  corrected="sup |Delta theta| = {computed}")]


@claim("002-sec2-bias-correction", "Sec 2, eq 2-4",
       "The bias corrections c_n = 1 - beta^t and c_m = 1 - mu^t correct the initialisation bias: E[n_t]/c_n = E g^2 for constant E g^2.",
       mutant={"c_n": 1 - sp.Symbol("beta", positive=True) ** (sp.Symbol("t", positive=True, integer=True) - 1)}, mc=True)
def _bias_corr(c_n: sp.Expr = 1 - sp.Symbol("beta", positive=True) ** sp.Symbol("t", positive=True, integer=True)):
    bt, t = sp.Symbol("beta", positive=True), sp.Symbol("t", positive=True, integer=True)
    i = sp.Symbol("i", positive=True, integer=True)
    v = sp.Symbol("v", positive=True)  # E g^2
    e_n = generic_branch(sp.simplify(sp.summation((1 - bt) * bt ** (t - i) * v, (i, 1, t))))  # eq 2 unrolled from n_0 = 0
    return equal("E[n_t] / c_n", sp.simplify(e_n / c_n), v, points=sample_points({bt: (0, 1), t: (1, 30), v: (0.5, 3)}, n=5, seed=43))
