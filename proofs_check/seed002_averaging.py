"""Seed 002, Sec 3.1 (eq 8-12): law of the exponential average of i.i.d. Gaussians, and the range of
beta where the simple-average approximation of Adam's update holds."""
from __future__ import annotations

import functools

import sympy as sp

from .registry import Readings, approx_law, claim, equal, gt, le
from .symbolic import generic_branch, sample_points

SEED = "002"
n = sp.Symbol("m", integer=True, positive=True)  # number of averaged samples
b = sp.Symbol("beta", positive=True)
s2 = sp.Symbol("sigma2", positive=True)  # sigma^2
mu = sp.Symbol("mu", real=True)
i = sp.Symbol("i", integer=True, positive=True)
m_ = sp.Symbol("m", positive=True)  # a real m where the text treats it as a continuous parameter

# sample points: m in 2..12, 0 < beta < 1
POINTS = sample_points({n: (2, 12), b: (0, 1), s2: (sp.Rational(1, 2), 3), mu: (-2, 2)}, n=6, seed=8)


def _geometric(expr: sp.Expr) -> sp.Expr:
    """sum_{i=1..m} expr(i) for a geometric summand (beta != 1)."""
    return sp.simplify(generic_branch(sp.summation(expr, (i, 1, n))))


@functools.lru_cache(maxsize=None)
def average_mean() -> sp.Expr:
    """E[(1-beta) sum_i beta^(m-i) Z_i] for E Z_i = mu, by summing the weights."""
    return sp.factor(mu * _geometric((1 - b) * b ** (n - i)))


@functools.lru_cache(maxsize=None)
def average_variance() -> sp.Expr:
    """Var[(1-beta) sum_i beta^(m-i) Z_i] for Var Z_i = sigma^2 (independent terms add)."""
    return sp.factor(s2 * _geometric((1 - b) ** 2 * b ** (2 * (n - i))))


@functools.lru_cache(maxsize=None)
def corrected_variance() -> sp.Expr:
    """Variance after dividing the average by its mean factor so that it is unbiased."""
    return sp.factor(sp.simplify(average_variance() / (average_mean() / mu) ** 2))


@functools.lru_cache(maxsize=None)
def stationary_variance() -> sp.Expr:
    """lim_{m -> oo} of the unbiased variance, for 0 < beta < 1 (written beta = 1/(1+u), u > 0)."""
    u = sp.Symbol("u", positive=True)
    return sp.simplify(sp.limit(corrected_variance().subs(b, 1 / (1 + u)), n, sp.oo).subs(u, 1 / b - 1))


SEED_MEAN = mu * (1 - b ** (n - 1))  # seed 002, eq 8
SEED_VAR = s2 * (1 - b) ** 2 * (1 - b ** (2 * (n - 1))) / (1 - b**2)  # seed 002, eq 8
SEED_UNBIAS_FACTOR = 1 - b ** (n - 1)  # seed 002, after eq 8: "divide Z by 1 - beta^(m-1)"
SEED_EQ9_LHS = s2 * (1 - b) ** 2 / (1 - b ** (n - 1)) ** 2 * (1 - b ** (2 * (n - 1))) / (1 - b**2)
j = sp.Symbol("j", integer=True, nonnegative=True)
SEED_EQ9_RHS = s2 * generic_branch(sp.summation(b ** (2 * j), (j, 0, n - 1))) / generic_branch(sp.summation(b**j, (j, 0, n - 1))) ** 2
SEED_EQ10 = s2 * (1 - b) / (1 + b) * (1 + b ** (n - 1)) / (1 - b ** (n - 1))  # seed 002, eq 10


@claim("002-eq8-mean", SEED, "Sec 3.1, eq 8",
       "The exponential average Z_bar = (1-beta) sum_{i=1..m} beta^(m-i) Z_i of i.i.d. N(mu, sigma^2) has mean mu (1 - beta^(m-1)).",
       mutant={"mean": mu * (1 - b**n)}, mc=True)
def _eq8_mean(mean: sp.Expr = SEED_MEAN):
    return equal("E Z_bar", average_mean(), mean, points=POINTS, corrected="E Z_bar = {computed}")


@claim("002-eq8-var", SEED, "Sec 3.1, eq 8", "Var Z_bar = sigma^2 (1-beta)^2 (1 - beta^(2(m-1))) / (1 - beta^2).",
       mutant={"variance": s2 * (1 - b) ** 2 * (1 - b ** (2 * n)) / (1 - b**2)}, mc=True)
def _eq8_var(variance: sp.Expr = SEED_VAR):
    return equal("Var Z_bar", average_variance(), variance, points=POINTS, corrected="Var Z_bar = {computed}")


@claim("002-eq8-beta0", SEED, "Sec 3.1, after eq 8", "As beta -> 0 the law of Z_bar tends to N(mu, sigma^2).",
       mutant={"limit_variance": s2 / 2}, mc=True)
def _eq8_beta0(limit_mean: sp.Expr = mu, limit_variance: sp.Expr = s2):
    pts = sample_points({n: (2, 12), s2: (sp.Rational(1, 2), 3), mu: (-2, 2)}, n=4, seed=9)
    return [equal("lim_{beta->0} E Z_bar", sp.limit(average_mean(), b, 0), limit_mean, points=pts),
            equal("lim_{beta->0} Var Z_bar", sp.limit(average_variance(), b, 0), limit_variance, points=pts)]


@claim("002-eq8-beta1", SEED, "Sec 3.1, after eq 8",
       "As beta -> 1 the variance of Z_bar tends to 0 (L'Hopital): the law tends to a point mass.",
       mutant={"limit_variance": s2}, mc=True)
def _eq8_beta1(limit_variance: sp.Expr = sp.Integer(0)):
    pts = sample_points({n: (2, 12), s2: (sp.Rational(1, 2), 3)}, n=4, seed=10)
    lim = sp.limit(sp.expand_power_base(average_variance()), b, 1, "-")
    return equal("lim_{beta->1} Var Z_bar", lim, limit_variance, points=pts,
                 context={"lim_{beta->1} E Z_bar": sp.limit(average_mean(), b, 1, "-")})


@claim("002-sec3.1-unbias-factor", SEED, "Sec 3.1, before eq 9",
       "To make Z_bar an unbiased estimator of the mean, divide it by 1 - beta^(m-1).",
       mutant={"factor": 1 - b**n})
def _unbias_factor(factor: sp.Expr = SEED_UNBIAS_FACTOR):
    pts = sample_points({n: (2, 12), b: (0, 1)}, n=6, seed=11)
    return equal("E Z_bar / mu", sp.factor(average_mean() / mu), factor, points=pts,
                 corrected="divide by E Z_bar / mu = {computed}")


@claim("002-eq9-equality", SEED, "Sec 3.1, eq 9",
       "sigma^2 (1-beta)^2/(1-beta^(m-1))^2 (1-beta^(2(m-1)))/(1-beta^2) = sigma^2 sum_{i<m} beta^(2i) / (sum_{i<m} beta^i)^2.",
       mutant={"lhs": s2 * (1 - b) ** 2 / (1 - b**n) ** 2 * (1 - b ** (2 * n)) / (1 - b**2)})
def _eq9_equality(lhs: sp.Expr = SEED_EQ9_LHS, rhs: sp.Expr = SEED_EQ9_RHS):
    return equal("eq 9 right-hand side", rhs, lhs, points=POINTS,
                 corrected="the left-hand side needs m where it has m-1: sigma^2 (1-beta)^2 (1-beta^(2m)) / ((1-beta^m)^2 (1-beta^2))")


@claim("002-eq9-rhs", SEED, "Sec 3.1, eq 9",
       "The unbiased exponential average has variance sigma^2 sum_{i<m} beta^(2i) / (sum_{i<m} beta^i)^2.",
       mutant={"variance": s2 * generic_branch(sp.summation(b ** (2 * j), (j, 0, n - 1)))
                           / generic_branch(sp.summation(b**j, (j, 0, n - 2))) ** 2},
       mc=True)
def _eq9_rhs(variance: sp.Expr = SEED_EQ9_RHS):
    return equal("Var(Z_bar / (1 - beta^m))", corrected_variance(), variance, points=POINTS)


@claim("002-eq10", SEED, "Sec 3.1, eq 10",
       "The unbiased exponential average has variance sigma^2 (1-beta)/(1+beta) (1+beta^(m-1))/(1-beta^(m-1)).",
       mutant={"variance": s2 * (1 - b) / (1 + b) * (1 + b**n) / (1 - b**n)}, mc=True)
def _eq10(variance: sp.Expr = SEED_EQ10):
    return equal("Var(Z_bar / (1 - beta^m))", corrected_variance(), variance, points=POINTS,
                 corrected="Var = {computed} = sigma^2 (1-beta)/(1+beta) (1+beta^m)/(1-beta^m)",
                 context={"eq 10 / eq 9 left-hand side": sp.simplify(SEED_EQ10 / SEED_EQ9_LHS)})


@claim("002-eq10-below-sigma2", SEED, "Sec 3.1, after eq 10",
       "By Cauchy-Schwarz the variance of the unbiased average is at most sigma^2 (0 <= beta < 1).",
       mutant={"bound": s2 / 2}, mc=True)
def _below(bound: sp.Expr = s2):
    pts = sample_points({n: (1, 60), b: (0, 1), s2: (sp.Rational(1, 2), 3)}, n=12, seed=12)
    gap = sp.factor(sp.together(1 - corrected_variance() / s2))
    return le("Var(Z_bar / (1 - beta^m))", corrected_variance(), bound, points=pts, context={"1 - Var/sigma^2": gap})


def _limit_at(beta_value: sp.Rational) -> sp.Expr:
    return sp.nsimplify(stationary_variance().subs(b, beta_value) / s2)


@claim("002-limit-beta-0.9", SEED, "Sec 3.1, after eq 10",
       "For beta = 0.9 the variance of the unbiased average converges (m -> infinity) to sigma^2/21.",
       mutant={"limit_over_sigma2": sp.Rational(1, 19)}, mc=True)
def _lim09(limit_over_sigma2: sp.Expr = sp.Rational(1, 21)):
    return equal("lim_{m->oo} Var / sigma^2 at beta = 0.9", _limit_at(sp.Rational(9, 10)), limit_over_sigma2,
                 corrected="the limit is sigma^2 (1-beta)/(1+beta) = sigma^2 * {computed}",
                 context={"limit for general beta": stationary_variance()})


@claim("002-limit-beta-0.99", SEED, "Sec 3.1, after eq 10",
       "For beta = 0.99 the variance of the unbiased average converges to sigma^2/199.",
       mutant={"limit_over_sigma2": sp.Rational(1, 201)}, mc=True)
def _lim099(limit_over_sigma2: sp.Expr = sp.Rational(1, 199)):
    return equal("lim_{m->oo} Var / sigma^2 at beta = 0.99", _limit_at(sp.Rational(99, 100)), limit_over_sigma2,
                 corrected="the limit is sigma^2 * {computed}")


@claim("002-sec3.1-nonzero-variance", SEED, "Sec 3.1, after eq 10",
       "Unless beta = 1, the distribution has non-zero variance at infinite m.",
       mutant={"vanishing_beta": sp.Rational(1, 2)})
def _nonzero(vanishing_beta: sp.Expr = sp.Integer(1)):
    # the beta in [0, 1] where the m -> infinity variance vanishes, solved from its closed form
    roots = sp.solve(sp.Eq(stationary_variance(), 0), b)
    inside = [r for r in roots if r.is_real and 0 <= r <= 1]
    grid = [sp.Rational(p, 20) for p in range(0, 20)]
    return [equal("beta in [0, 1] with lim_{m->oo} Var = 0", inside[0] if len(inside) == 1 else sp.nan, vanishing_beta),
            gt("lim_{m->oo} Var / sigma^2 for beta in [0, 0.95]", [stationary_variance().subs({b: g, s2: 1}) for g in grid], 0,
               at=grid)]


@claim("002-eq11", SEED, "Sec 3.1, eq 11",
       "lim_{beta -> 1} lim_{m -> infinity} of the unbiased variance is sigma^2/(m-1) (printed lim_{beta -> infinity}; "
       "the text reads beta -> 1 keeping m >> 1/beta).",
       mutant={"value": s2 / m_})
def _eq11(value: sp.Expr = s2 / (m_ - 1)):
    iterated = sp.limit(stationary_variance(), b, 1, "-")
    substituted = sp.simplify(stationary_variance().subs(b, (m_ - 2) / m_))
    pts = sample_points({m_: (3, 50), s2: (sp.Rational(1, 2), 3)}, n=5, seed=13)
    return Readings({
        "iterated limit beta -> 1 of the m -> infinity variance": equal("iterated limit", iterated, value, points=pts,
                                                                       corrected="the iterated limit is {computed}"),
        "beta = (m-2)/m (eq 12) substituted into the m -> infinity variance": equal(
            "m -> infinity variance at beta = (m-2)/m", substituted, value, points=pts),
    })


@claim("002-eq11-simple-average", SEED, "Sec 3.1, after eq 11",
       "sigma^2/(m-1) agrees with the result of simple averaging (the variance of the mean of m samples).",
       mutant={"value": s2 / m_}, mc=True)
def _eq11_simple(value: sp.Expr = s2 / (m_ - 1)):
    k_ = sp.Symbol("k", integer=True, positive=True)
    simple = sp.simplify(sp.Sum(s2 / m_**2, (k_, 1, m_)).doit())  # Var((1/m) sum Z_k) for independent Z_k
    pts = sample_points({m_: (2, 50), s2: (sp.Rational(1, 2), 3)}, n=5, seed=14)
    return equal("Var of the simple average of m samples", simple, value, points=pts,
                 corrected="simple averaging gives {computed}; sigma^2/(m-1) agrees with it only to leading order in 1/m")


@claim("002-eq12", SEED, "Sec 3.1, eq 12", "m = 2/(1-beta) is equivalent to beta = (m-2)/m.",
       mutant={"beta_of_m": (m_ - 1) / m_})
def _eq12(beta_of_m: sp.Expr = (m_ - 2) / m_):
    sol = sp.solve(sp.Eq(m_, 2 / (1 - b)), b)
    pts = sample_points({m_: (2, 50)}, n=4, seed=15)
    return equal("beta solving m = 2/(1-beta)", sol[0] if len(sol) == 1 else sp.nan, beta_of_m, points=pts)


# ---- range of beta for the simple-average approximation -----------------------------------------

def _imhof_abs_cdf(x: float, beta: float, tol: float = 1e-13) -> float:
    """P(|Delta| <= x) for the stationary update Delta = g / sqrt(n), n = (1-beta) sum_{j>=0} beta^j g_j^2.

    |Delta| <= x iff Q = g^2 (1 - (1-beta) x^2) - x^2 (1-beta) sum_{j>=1} beta^j g_j^2 <= 0, a Gaussian
    quadratic form; Imhof (1961): P(Q > 0) = 1/2 + (1/pi) int_0^oo sin(theta(u)) / (u rho(u)) du with
    theta = (1/2) sum arctan(lambda_j u), rho = prod (1 + lambda_j^2 u^2)^(1/4). The sum is cut where
    beta^j < tol.
    """
    import numpy as np
    from scipy.integrate import quad

    terms = int(np.ceil(np.log(tol) / np.log(beta)))
    lam = np.empty(terms + 1)
    lam[0] = 1 - (1 - beta) * x * x
    lam[1:] = -x * x * (1 - beta) * beta ** np.arange(1, terms + 1)

    def integrand(u: float) -> float:
        theta = 0.5 * np.sum(np.arctan(lam * u))
        log_rho = 0.25 * np.sum(np.log1p((lam * u) ** 2))
        return float(np.sin(theta) * np.exp(-log_rho) / u)

    val, _ = quad(integrand, 0, np.inf, limit=400, epsabs=1e-11)
    return 1.0 - (0.5 + val / np.pi)


@functools.lru_cache(maxsize=None)
def approximation_distance(beta: float, points: int = 40) -> float:
    """Kolmogorov distance between Adam's stationary update law (beta1 = 0, eps = 0, N(0,1) gradients)
    and the simple-average law f_m of eq 30 with m = 2/(1-beta) (eq 12), on a grid of |x| values."""
    import numpy as np

    from .seed002_densities import g_cdf  # imported here: this module's claims are registered before that one's

    m = 2.0 / (1.0 - beta)
    xs = np.linspace(0.02, min(4.0, 0.999 / np.sqrt(1.0 - beta)), points)
    exact = np.array([_imhof_abs_cdf(float(x), beta) for x in xs])
    simple = g_cdf(xs * xs, m)  # P(|x_g| <= x) = P(G <= x^2)
    return float(np.max(np.abs(exact - simple)) / 2)  # F(x) = 1/2 + P(|Delta| <= x)/2 for a symmetric law


BETA_GRID = (0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995)


@claim("002-sec3.1-approx-range", SEED, "Sec 3.1, after eq 13",
       "Approximating exponential averaging by simple averaging (m = 2/(1-beta)) is good when beta is close to 1, "
       "which covers practice: beta >= 0.98 (the smallest beta in use, footnote 2).",
       mutant={"beta_min": 0.5}, mc=True)
def _approx_range(beta_min: float = 0.98):
    inside = [bb for bb in BETA_GRID if bb >= beta_min]
    d_all = [approximation_distance(bb) for bb in BETA_GRID]
    good = [bb for bb, d in zip(BETA_GRID, d_all) if d <= 0.01]
    return approx_law("Kolmogorov distance of the stationary update law from f_(2/(1-beta))",
                      [approximation_distance(bb) for bb in inside], 0.01, at=inside,
                      context={"distance for beta in " + str(list(BETA_GRID)): d_all,
                               "smallest good beta": min(good) if good else float("nan")},
                      corrected="the approximation is within Kolmogorov distance 0.01 only for beta >= {smallest good beta}")
