"""Seed 002, Sec 3.1 (eq 8-12): law of the exponential average of i.i.d. Gaussians."""
from __future__ import annotations

import sympy as sp

from .registry import Result, claim
from .symbolic import fmt, vanishes

SEED = "002"
n = sp.Symbol("m", integer=True, positive=True)  # number of averaged samples
b = sp.Symbol("beta", positive=True)
s2 = sp.Symbol("sigma2", positive=True)  # sigma^2
mu = sp.Symbol("mu", real=True)
i = sp.Symbol("i", integer=True, positive=True)


def _generic(expr: sp.Expr) -> sp.Expr:
    """The generic branch of a sympy geometric sum: beta = 1 is excluded by 0 <= beta < 1."""
    folded = sp.piecewise_fold(expr)
    return folded.args[-1][0] if isinstance(folded, sp.Piecewise) else folded


def _geometric(expr: sp.Expr) -> sp.Expr:
    """sum_{i=1..m} expr(i) for a geometric summand (beta != 1)."""
    return sp.simplify(_generic(sp.summation(expr, (i, 1, n))))


def average_mean() -> sp.Expr:
    """E[(1-beta) sum_i beta^(m-i) Z_i] for E Z_i = mu, by summing the weights."""
    return sp.factor(mu * _geometric((1 - b) * b ** (n - i)))


def average_variance() -> sp.Expr:
    """Var[(1-beta) sum_i beta^(m-i) Z_i] for Var Z_i = sigma^2 (independent terms add)."""
    return sp.factor(s2 * _geometric((1 - b) ** 2 * b ** (2 * (n - i))))


def corrected_variance() -> sp.Expr:
    """Variance after dividing the average by its mean factor so that it is unbiased."""
    return sp.factor(sp.simplify(average_variance() / (average_mean() / mu) ** 2))


SEED_MEAN = mu * (1 - b ** (n - 1))
SEED_VAR = s2 * (1 - b) ** 2 * (1 - b ** (2 * (n - 1))) / (1 - b**2)
SEED_EQ10 = s2 * (1 - b) / (1 + b) * (1 + b ** (n - 1)) / (1 - b ** (n - 1))


@claim("002-eq8-mean", SEED, "Sec 3.1, eq 8",
       "The exponential average Z_bar = (1-beta) sum_{i=1..m} beta^(m-i) Z_i of i.i.d. N(mu, sigma^2) has mean mu (1 - beta^(m-1)).")
def _eq8_mean() -> Result:
    true = average_mean()
    diff = sp.factor(true - SEED_MEAN)
    return Result.decide(vanishes(diff), f"computed mean {fmt(true)}; computed - seed = {fmt(diff)}",
                         corrected=f"E Z_bar = {fmt(true)} = mu (1 - beta^m)")


@claim("002-eq8-var", SEED, "Sec 3.1, eq 8",
       "Var Z_bar = sigma^2 (1-beta)^2 (1 - beta^(2(m-1))) / (1 - beta^2).")
def _eq8_var() -> Result:
    true = average_variance()
    diff = sp.factor(true - SEED_VAR)
    return Result.decide(vanishes(diff), f"computed variance {fmt(true)}; computed - seed = {fmt(diff)}",
                         corrected="Var Z_bar = sigma^2 (1-beta)^2 (1 - beta^(2m)) / (1 - beta^2)")


@claim("002-eq8-limits", SEED, "Sec 3.1, after eq 8",
       "As beta -> 0 the law of Z_bar tends to N(mu, sigma^2); as beta -> 1 its variance tends to 0.")
def _eq8_limits() -> Result:
    mean0 = sp.limit(average_mean(), b, 0)
    var0 = sp.limit(average_variance(), b, 0)
    var1 = sp.limit(average_variance().subs(n, 5), b, 1, "-")
    var1_sym = sp.limit(sp.expand_power_base(average_variance()), b, 1, "-")
    ok = vanishes(mean0 - mu) and vanishes(var0 - s2) and var1 == 0 and var1_sym == 0
    return Result.decide(ok, f"beta->0: mean {fmt(mean0)}, var {fmt(var0)}; beta->1: var {fmt(var1_sym)} (m symbolic), {var1} (m=5)",
                         corrected="see computed limits")


@claim("002-eq9", SEED, "Sec 3.1, eq 9",
       "After dividing by 1 - beta^(m-1): sigma^2 (1-beta)^2/(1-beta^(m-1))^2 (1-beta^(2(m-1)))/(1-beta^2) = sigma^2 sum_{i=0}^{m-1} beta^(2i) / (sum_{i=0}^{m-1} beta^i)^2, the variance of the unbiased average.")
def _eq9() -> Result:
    lhs = s2 * (1 - b) ** 2 / (1 - b ** (n - 1)) ** 2 * (1 - b ** (2 * (n - 1))) / (1 - b**2)
    j = sp.Symbol("j", integer=True, nonnegative=True)
    s_even = _generic(sp.summation(b ** (2 * j), (j, 0, n - 1)))
    s_one = _generic(sp.summation(b**j, (j, 0, n - 1)))
    rhs = s2 * s_even / s_one**2
    true = corrected_variance()
    lhs_rhs = vanishes(lhs - rhs)
    rhs_true = vanishes(rhs - true)
    return Result.decide(lhs_rhs and rhs_true,
                         f"LHS = RHS: {lhs_rhs}; RHS = true unbiased variance {fmt(true)}: {rhs_true}; "
                         f"at m=2, beta=1/2: LHS = {lhs.subs({n: 2, b: sp.Rational(1, 2)})}, RHS = {rhs.subs({n: 2, b: sp.Rational(1, 2)})}",
                         corrected="The unbiased average divides by 1 - beta^m and has variance "
                                   "sigma^2 (1-beta)^2 (1-beta^(2m)) / ((1-beta^m)^2 (1-beta^2)) = sigma^2 sum_{i<m} beta^(2i) / (sum_{i<m} beta^i)^2: "
                                   "the seed's right-hand side is right, its left-hand side has m-1 where m belongs")


@claim("002-eq10", SEED, "Sec 3.1, eq 10",
       "The unbiased exponential average has variance sigma^2 (1-beta)/(1+beta) (1+beta^(m-1))/(1-beta^(m-1)).")
def _eq10() -> Result:
    true = corrected_variance()
    diff = sp.simplify(true - SEED_EQ10)
    same_as_eq9_lhs = vanishes(SEED_EQ10 - SEED_VAR / (1 - b ** (n - 1)) ** 2)
    return Result.decide(vanishes(diff),
                         f"computed {fmt(true)}; eq 10 equals eq 9's LHS: {same_as_eq9_lhs}; at m=2, beta=1/2 true/seed = "
                         f"{sp.nsimplify((true / SEED_EQ10).subs({n: 2, b: sp.Rational(1, 2)}))}",
                         corrected="Var = sigma^2 (1-beta)/(1+beta) (1+beta^m)/(1-beta^m)")


@claim("002-eq10-below-sigma2", SEED, "Sec 3.1, after eq 10",
       "By Cauchy-Schwarz the variance of the unbiased average is at most sigma^2 (for 0 <= beta < 1).")
def _below() -> Result:
    gap = sp.factor(sp.together(1 - corrected_variance() / s2))
    num, den = sp.fraction(gap)
    # gap = 2 beta (1 - beta^(m-1)) / ((1+beta)(1-beta^m)): every factor is >= 0 for 0 < beta < 1, m >= 1
    target = 2 * b * (1 - b ** (n - 1)) / ((1 + b) * (1 - b**n))
    closed = vanishes(gap - target)
    grid = [(sp.Rational(p, 20), k) for p in range(1, 20) for k in (1, 2, 3, 10, 50)]
    ok_grid = all(gap.subs({b: bb, n: k}) >= 0 for bb, k in grid)
    return Result.decide(closed and ok_grid,
                         f"1 - Var/sigma^2 = 2 beta (1-beta^(m-1)) / ((1+beta)(1-beta^m)) [{closed}], >= 0 on {len(grid)} exact grid points [{ok_grid}]; equality iff m = 1",
                         corrected="see computed gap")


def _limit_value(bv: sp.Rational) -> sp.Expr:
    return sp.limit(corrected_variance().subs(b, bv) / s2, n, sp.oo)


@claim("002-limit-beta-0.9", SEED, "Sec 3.1, after eq 10",
       "For beta = 0.9 the variance of the unbiased average converges (m -> infinity) to sigma^2/21.")
def _lim09() -> Result:
    v = _limit_value(sp.Rational(9, 10))
    return Result.decide(v == sp.Rational(1, 21), f"limit = sigma^2 * {v} = (1-beta)/(1+beta)",
                         corrected=f"the limit is sigma^2 (1-beta)/(1+beta) = sigma^2 * {v}, i.e. sigma^2/{1 / v}")


@claim("002-limit-beta-0.99", SEED, "Sec 3.1, after eq 10",
       "For beta = 0.99 the variance of the unbiased average converges to sigma^2/199.")
def _lim099() -> Result:
    v = _limit_value(sp.Rational(99, 100))
    return Result.decide(v == sp.Rational(1, 199), f"limit = sigma^2 * {v}",
                         corrected=f"the limit is sigma^2/{1 / v}")


@claim("002-eq11", SEED, "Sec 3.1, eq 11",
       "lim_{beta -> 1} lim_{m -> infinity} of the unbiased variance is sigma^2/(m-1), agreeing with simple averaging.")
def _eq11() -> Result:
    # sympy needs 0 < beta < 1 spelled out for beta^m -> 0: write beta = 1/(1+u) with u > 0
    u = sp.Symbol("u", positive=True)
    inner = sp.limit(corrected_variance().subs(b, 1 / (1 + u)), n, sp.oo).subs(u, 1 / b - 1)
    outer = sp.limit(sp.simplify(inner), b, 1, "-")
    m_ = sp.Symbol("m", positive=True)
    subst = sp.simplify(((1 - b) / (1 + b)).subs(b, (m_ - 2) / m_))
    return Result.decide(outer == s2 / (m_ - 1),
                         f"inner limit {fmt(sp.simplify(inner))}, iterated limit {fmt(outer)}; "
                         f"(1-beta)/(1+beta) at beta=(m-2)/m = {fmt(subst)}",
                         corrected="The iterated limit is 0. sigma^2/(m-1) is obtained by substituting beta = (m-2)/m (eq 12) "
                                   "into the m -> infinity variance sigma^2 (1-beta)/(1+beta); a simple average of m samples has "
                                   "variance sigma^2/m, so the two agree only to leading order in 1/m")


@claim("002-eq12", SEED, "Sec 3.1, eq 12", "m = 2/(1-beta) is equivalent to beta = (m-2)/m.")
def _eq12() -> Result:
    m_ = sp.Symbol("m", positive=True)
    sol = sp.solve(sp.Eq(m_, 2 / (1 - b)), b)
    return Result.decide(len(sol) == 1 and vanishes(sol[0] - (m_ - 2) / m_), f"solving m = 2/(1-beta) for beta gives {sol}",
                         corrected=f"beta = {sol}")
