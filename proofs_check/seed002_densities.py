"""Seed 002, Sec 3-4 (eq 5-33, Thm 1): the laws of chi-square, t, F, K, G, x_k and x_g derived from
Gaussians, compared with the formulas and statements as the seed prints them.

Densities are derived here from the defining construction (change of variables, integration over the
other variables); the seed's printed formulas are the default statements of the checks. Sympy
expressions are compared at sample points (see :mod:`proofs_check.registry`); a point of an interval
(lo, hi) is written lo + (hi - lo) t with t in (0, 1).
"""
from __future__ import annotations

import functools

import numpy as np
import sympy as sp

from .registry import Readings, close, count, equal, gt, law, lt
from .registry import claim as _claim
from .symbolic import (beta_integral, beta_kernel_integral, chi2_moment, chi2_pdf, exponent_in, gamma_ratio_limit, integral, m,
                       sample_points, vanishes)

SEED = "002"
u = sp.Symbol("u", positive=True)
z = sp.Symbol("z", positive=True)
t = sp.Symbol("t", positive=True)  # position inside an interval, 0 < t < 1
x = sp.Symbol("x", positive=True)
half = sp.Rational(1, 2)
C_M = sp.gamma(m / 2) / (sp.gamma((m - 1) / 2) * sp.gamma(half))  # the constant printed in eq 20-30
CHI2_1 = x ** (-half) * sp.exp(-x / 2) / sp.sqrt(2 * sp.pi)  # seed 002, eq 25
PHI = sp.exp(-(x**2) / 2) / sp.sqrt(2 * sp.pi)  # seed 002, eq 31


def claim(id: str, location: str, statement: str, **kw):
    """Register a seed 002 claim."""
    return _claim(id, SEED, location, statement, **kw)


def pts(seed: int) -> list[dict]:
    """Five sample points with m in (2, 12) and t in (0, 1)."""
    return sample_points({m: (2, 12), t: (0, 1)}, n=5, seed=seed)


# ---- derived laws ---------------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _joint_zk_expr() -> sp.Expr:
    ks = sp.Symbol("k", positive=True)
    h = z * (1 - ks) / ks
    jac = sp.Abs(sp.diff(h, ks))  # |d(z,h)/d(z,k)|
    return sp.simplify(chi2_pdf(z, 1) * chi2_pdf(h, m - 1) * jac), ks


def joint_zk(k: sp.Expr) -> sp.Expr:
    """Density of (Z, K) with Z ~ chi2_1, H ~ chi2_{m-1} independent and K = Z/(Z+H), by change of variables."""
    expr, ks = _joint_zk_expr()
    return expr.subs(ks, k)


@functools.lru_cache(maxsize=None)
def _k_pdf_derived() -> tuple[sp.Expr, sp.Symbol]:
    ks = sp.Symbol("k", positive=True)
    expr, kk = _joint_zk_expr()
    # with k = 1/(1+u), every base is positive and sympy integrates z out as a Gamma integral
    dens = sp.simplify(sp.integrate(expr.subs(kk, 1 / (1 + u)), (z, 0, sp.oo), conds="none"))
    return sp.simplify(dens.subs(u, 1 / ks - 1)), ks


def k_pdf(k: sp.Expr) -> sp.Expr:
    """Marginal density of K, obtained by integrating z out of :func:`joint_zk`."""
    expr, ks = _k_pdf_derived()
    return expr.subs(ks, k)


def k_pdf_closed(k: sp.Expr) -> sp.Expr:
    """The Beta(1/2, (m-1)/2) density, normalised by an integral computed here."""
    return k ** (-half) * (1 - k) ** ((m - 3) / 2) / beta_integral(half, (m - 1) / 2)


def g_pdf(g: sp.Expr, c: sp.Expr = m) -> sp.Expr:
    """Density of G = c K (eq 14-15) by change of variables."""
    return k_pdf_closed(g / c) / c


def xk_pdf(v: sp.Expr) -> sp.Expr:
    """Density of x_k = +-sqrt(K) with a fair random sign: f(x) = |x| f_K(x^2)."""
    return v * k_pdf_closed(v**2)


def xg_pdf(v: sp.Expr) -> sp.Expr:
    """Density of x_g = +-sqrt(G), c = m, with a fair random sign: f(x) = |x| f_G(x^2)."""
    return v * g_pdf(v**2)


@functools.lru_cache(maxsize=None)
def t_pdf_derived() -> tuple[sp.Expr, sp.Symbol, sp.Symbol]:
    """Density of T = X / sqrt(W/nu), X ~ N(0,1), W ~ chi2_nu independent, integrated over W (x > 0 side)."""
    nu, w = sp.Symbol("nu", positive=True), sp.Symbol("w", positive=True)
    phi = sp.exp(-(x**2) * w / nu / 2) / sp.sqrt(2 * sp.pi)
    dens = sp.integrate(phi * sp.sqrt(w / nu) * chi2_pdf(w, nu), (w, 0, sp.oo), conds="none")
    return sp.simplify(dens), nu, x


@functools.lru_cache(maxsize=None)
def f_pdf_derived() -> tuple[sp.Expr, sp.Symbol]:
    """Density of F = X^2 / (H/(m-1)), X^2 ~ chi2_1, H ~ chi2_{m-1}, integrated over H (z > 0)."""
    w, nu = sp.Symbol("w", positive=True), sp.Symbol("nu", positive=True)  # nu = m - 1
    dens = sp.integrate(chi2_pdf(z * w / nu, 1) * (w / nu) * chi2_pdf(w, nu), (w, 0, sp.oo), conds="none")
    return sp.simplify(sp.simplify(dens).subs(nu, m - 1)), z


S_ = sp.Symbol("s", positive=True)  # argument of Laplace transforms


@functools.lru_cache(maxsize=None)
def _laplace_one_square() -> sp.Expr:
    """E exp(-s Y^2) for Y ~ N(0,1), integrated."""
    y = sp.Symbol("y", real=True)
    return sp.simplify(sp.integrate(sp.exp(-S_ * y**2) * sp.exp(-(y**2) / 2) / sp.sqrt(2 * sp.pi), (y, -sp.oo, sp.oo), conds="none"))


def _laplace_sum_of_squares(dof: sp.Expr) -> sp.Expr:
    """E exp(-s Q) for Q a sum of ``dof`` independent squared N(0,1): the one-square transform to the power dof."""
    return sp.powsimp(_laplace_one_square() ** dof, force=True)


@functools.lru_cache(maxsize=None)
def _laplace_of_density(density: sp.Expr, var: sp.Symbol) -> sp.Expr:
    """E exp(-s X) for a density on (0, oo) in ``var``, integrated."""
    return sp.simplify(sp.integrate(sp.exp(-S_ * var) * density, (var, 0, sp.oo), conds="none"))


# ---- Sec 3: sample mean, MLE, chi-square, t, F -------------------------------------------------

sig2 = sp.Symbol("sigma2", positive=True)
nn = sp.Symbol("n", integer=True, positive=True)


@claim("002-sec3-xbar-var", "Sec 3, before eq 5",
       "The sample mean X_bar of n i.i.d. N(mu, sigma^2) is Gaussian with variance sigma^2/n.",
       mutant={"variance": sig2 / nn**2}, mc=True)
def _xbar(variance: sp.Expr = sig2 / nn):
    i_ = sp.Symbol("i", integer=True, positive=True)
    # Var((1/n) sum X_i) = (1/n^2) sum_i Var X_i: independent terms, covariances vanish
    var = sp.simplify(sp.Sum(sig2, (i_, 1, nn)).doit() / nn**2)
    return equal("Var X_bar", var, variance, points=sample_points({nn: (1, 40), sig2: (0.5, 3)}, n=5, seed=1))


@claim("002-sec3-mle", "Sec 3, before eq 5",
       "When mu = 0, the maximum likelihood estimator of sigma^2 from m samples is S = Q/m, Q = sum X_i^2.",
       mutant={"estimator": sp.Symbol("Q", positive=True) / (m - 1)})
def _mle(estimator: sp.Expr = sp.Symbol("Q", positive=True) / m):
    v, Q = sp.Symbol("v", positive=True), sp.Symbol("Q", positive=True)
    loglik = -m / 2 * sp.log(2 * sp.pi * v) - Q / (2 * v)  # sum_i log N(X_i; 0, v) with sum X_i^2 = Q
    sol = sp.solve(sp.diff(loglik, v), v)
    curvature = sp.simplify(sp.diff(loglik, v, 2).subs(v, sol[0]))
    return equal("argmax_v log-likelihood", sol[0], estimator, points=sample_points({m: (2, 30), Q: (1, 50)}, n=4, seed=2),
                 context={"second derivative at the maximum": curvature})


SEED_EQ5 = x ** (m / 2 - 1) * sp.exp(-x / 2) / (2 ** (m / 2) * sp.gamma(m / 2))  # seed 002, eq 5


@claim("002-eq5", "Sec 3, eq 5",
       "Q/sigma^2 = sum X_i^2/sigma^2 obeys chi^2 with m degrees of freedom, density x^(m/2-1) e^(-x/2)/(2^(m/2) Gamma(m/2)).",
       mutant={"density": x ** (m / 2 - 1) * sp.exp(-x / 2) / (2 ** (m / 2 + 1) * sp.gamma(m / 2))}, mc=True)
def _eq5(density: sp.Expr = SEED_EQ5):
    return equal("Laplace transform E exp(-s X)", _laplace_sum_of_squares(m), _laplace_of_density(density, x),
                 points=sample_points({m: (1, 15), S_: (sp.Rational(1, 5), 3)}, n=5, seed=3))


@claim("002-sec3-chi2-sum", "Sec 3, after eq 5",
       "A sum of independent chi^2 variables is chi^2 with the degrees of freedom added.",
       mutant={"dof_of_sum": sp.Symbol("a", positive=True) + sp.Symbol("b", positive=True) - 1}, mc=True)
def _chi2_sum(dof_of_sum: sp.Expr = sp.Symbol("a", positive=True) + sp.Symbol("b", positive=True)):
    a_, b_ = sp.Symbol("a", positive=True), sp.Symbol("b", positive=True)
    lap = _laplace_of_density(SEED_EQ5, x)  # transform of the chi-square law, from its density
    product = lap.subs(m, a_) * lap.subs(m, b_)  # independence: transforms multiply
    return equal("Laplace transform of chi2_a + chi2_b", product, lap.subs(m, dof_of_sum),
                 points=sample_points({a_: (1, 9), b_: (1, 9), S_: (sp.Rational(1, 5), 3)}, n=5, seed=4))


@claim("002-sec3-chi2-exponential", "Sec 3, after eq 5", "When m = 2 the chi^2 law is the exponential distribution.",
       mutant={"m_exponential": 3}, mc=True)
def _chi2_exp(m_exponential: int = 2):
    # an exponential density has log f linear in x: d^2/dx^2 log f = 0 for all x > 0
    curv = sp.simplify(sp.diff(sp.log(chi2_pdf(x, sp.Integer(m_exponential))), x, 2))
    return equal(f"d^2/dx^2 log f_chi2_{m_exponential}(x)", curv, 0, points=sample_points({x: (0.1, 20)}, n=4, seed=5),
                 context={"density": chi2_pdf(x, sp.Integer(m_exponential))})


SEED_EQ6 = m / (2 ** (m / 2) * sp.gamma(m / 2)) * (m * x) ** (m / 2 - 1) * sp.exp(-m * x / 2)  # seed 002, eq 6


@claim("002-eq6", "Sec 3, eq 6",
       "The reduced chi^2 S = Q/m has density m f_m(m s) = m/(2^(m/2) Gamma(m/2)) (m s)^(m/2-1) e^(-m s/2).",
       mutant={"density": m / (2 ** (m / 2) * sp.gamma(m / 2)) * (m * x) ** (m / 2) * sp.exp(-m * x / 2)}, mc=True)
def _eq6(density: sp.Expr = SEED_EQ6):
    derived = chi2_pdf(m * x, m) * m  # change of variables s = q/m: f_S(s) = m f_Q(m s)
    mean = sp.simplify(chi2_moment(m, 1) / m)
    var = sp.simplify(chi2_moment(m, 2) / m**2 - mean**2)
    return equal("density of S", derived, density, points=sample_points({m: (1, 15), x: (0.05, 4)}, n=5, seed=6),
                 context={"E S": mean, "Var S": var})


@claim("002-sec3-U-unbiased", "Sec 3, after eq 6",
       "U := Q/(n-1) is the unbiased estimator of sigma^2 (Q from m samples, read n = m).",
       mutant={"divisor": m + 1}, mc=True)
def _u_unbiased(divisor: sp.Expr = m - 1):
    i_ = sp.Symbol("i", integer=True, positive=True)
    mm = sp.Symbol("m", integer=True, positive=True)
    e_q = sp.Sum(sig2, (i_, 1, mm)).doit()  # E X_i^2 = sigma^2 for mean-zero data
    # sum_i (X_i - X_bar)^2 = sum_i X_i^2 - (1/m) sum_i sum_j X_i X_j, and E X_i X_j = 0 for i != j
    e_centered = sp.simplify(e_q - sp.Sum(sig2, (i_, 1, mm)).doit() / mm)
    p_ = sample_points({mm: (2, 30), sig2: (0.5, 3)}, n=4, seed=7)
    d = divisor.subs(m, mm)
    return Readings({
        "Q = sum X_i^2 as defined (mu = 0 known)": equal("E[Q/(m-1)]", sp.simplify(e_q / d), sig2, points=p_,
                                                          corrected="E[Q/(m-1)] = {computed}; Q/m is the unbiased estimator when mu = 0 is known"),
        "Q = sum (X_i - X_bar)^2 (the usual sample variance)": equal("E[sum (X_i - X_bar)^2/(m-1)]", sp.simplify(e_centered / d),
                                                                     sig2, points=p_),
    })


def _scaled_t_cdf(xs, dof, scale):
    from scipy import stats

    return stats.t.cdf(np.asarray(xs) / scale, dof)


@claim("002-sec3-t-law", "Sec 3, after eq 6",
       "T := X/sqrt(U), with U (from m samples) independent of X ~ N(0, sigma^2), obeys Student's t with m degrees of freedom.",
       mutant={"stated_dof": m + 1}, mc=True)
def _t_law(stated_dof: sp.Expr = m):
    # U = sigma^2 W/d with W ~ chi2_nu gives T = sqrt(d/nu) * X/sqrt(sigma^2 W/nu) = sqrt(d/nu) t_nu
    xs = np.linspace(-6, 6, 241)
    from scipy import stats

    def reading(nu, d, mv):
        return law(f"CDF of X/sqrt(U) at m = {mv}", _scaled_t_cdf(xs, float(nu.subs(m, mv)), float(sp.sqrt(d / nu).subs(m, mv))),
                   stats.t.cdf(xs, float(stated_dof.subs(m, mv))), at=xs,
                   context={"law": f"sqrt({sp.sstr(d)}/{sp.sstr(nu)}) t_{sp.sstr(nu)}"},
                   corrected="X/sqrt(U) has the law {law}")

    return Readings({
        "U = Q/(m-1), Q = sum X_i^2 (as defined)": [reading(m, m - 1, mv) for mv in (4, 10)],
        "U = S = Q/m (the MLE)": [reading(m, m, mv) for mv in (4, 10)],
        "U = the centred sample variance of m samples": [reading(m - 1, m - 1, mv) for mv in (4, 10)],
    })


CAUCHY = 1 / (sp.pi * (1 + x**2))


@claim("002-sec3-t1-cauchy", "Sec 3, after eq 6",
       "When m = 1 the t law is the Cauchy distribution, whose second moment diverges.",
       mutant={"m_cauchy": 2}, mc=True)
def _t1(m_cauchy: int = 1):
    dens, nu, xv = t_pdf_derived()
    f1 = sp.simplify(dens.subs(nu, m_cauchy))
    second = integral(2 * xv**2 * f1, xv, 0, sp.oo)
    return [equal(f"density of t_{m_cauchy}", f1, CAUCHY, points=sample_points({x: (0.1, 5)}, n=4, seed=8)),
            equal(f"E T^2 for t_{m_cauchy}", second, sp.oo)]


@claim("002-student-var", "Sec 3 and eq 34", "A Student-t variable with m degrees of freedom has variance m/(m-2).",
       mutant={"variance": (m - 1) / (m - 2)}, mc=True)
def _t_var(variance: sp.Expr = m / (m - 2)):
    a = sp.Symbol("a", positive=True)  # m = 2 + 2a > 2 lets gammasimp cancel the Gamma ratio
    var = sp.simplify(sp.gammasimp((m * chi2_moment(1, 1) * chi2_moment(m, -1)).subs(m, 2 + 2 * a)).subs(a, (m - 2) / 2))
    return equal("E T^2 = m E[X^2] E[1/chi2_m]", var, variance, points=sample_points({m: (2.5, 40)}, n=5, seed=9))


@claim("002-sec3-t-var-finite", "Sec 3, after eq 6",
       "The t variance is finite only with more than 2 samples (m > 2): the smallest integer m with finite variance is 3.",
       mutant={"smallest_finite": 2})
def _t_var_finite(smallest_finite: int = 3):
    w = sp.Symbol("w", positive=True)
    inv = {mv: integral(chi2_pdf(w, sp.Integer(mv)) / w, w, 0, sp.oo) for mv in range(1, 7)}
    finite = [mv for mv, v in inv.items() if v != sp.oo]
    return count("smallest integer m with E[1/chi2_m] < oo", min(finite), smallest_finite,
                 context={"E[1/chi2_m] for m = 1..6": list(inv.values())})


def g_cdf(gs, mv: float, c: float | None = None):
    """CDF of G = c K, K ~ Beta(1/2, (m-1)/2) (c = m by default), from the derived Beta law."""
    from scipy import special

    c = mv if c is None else c
    return special.betainc(0.5, (mv - 1) / 2, np.clip(np.asarray(gs, float) / c, 0.0, 1.0))


def xg_cdf(xs, mv: float, c: float | None = None):
    """CDF of +-sqrt(G), G = c K, with a fair random sign: x_g for c = m (the default), x_k for c = 1."""
    xs = np.asarray(xs, float)
    return 0.5 + 0.5 * np.sign(xs) * g_cdf(xs * xs, mv, c)


def _xk_cdf(xs, mv: float):
    """CDF of x_k = +-sqrt(K), K ~ Beta(1/2, (m-1)/2)."""
    return xg_cdf(xs, mv, 1)


@claim("002-sec3-T-general", "Sec 3, before eq 7",
       "T := (X_bar - mu)/sqrt(U/m) obeys a t distribution with m - 1 degrees of freedom.",
       mutant={"stated_dof": m}, mc=True)
def _t_general(stated_dof: sp.Expr = m - 1):
    from scipy import stats

    xs = np.linspace(-5, 5, 201)
    out = {}
    for name, cdf in {
        # centred U ~ sigma^2 chi2_{m-1}/(m-1), independent of X_bar (Cochran): T ~ t_{m-1}
        "U = the centred sample variance": lambda mv: stats.t.cdf(xs, mv - 1),
        # U = sum X_i^2/(m-1): T = sqrt(m-1) <X, 1>/(|X| sqrt m) = sqrt(m-1) x_k (a direction, law of eq 28)
        "U = Q/(m-1), Q = sum X_i^2 (as defined, mu = 0)": lambda mv: _xk_cdf(xs / np.sqrt(mv - 1), mv),
    }.items():
        out[name] = [law(f"CDF of T at m = {mv}", cdf(mv), stats.t.cdf(xs, float(stated_dof.subs(m, mv))), at=xs,
                         context={"support end sqrt(m-1)": float(np.sqrt(mv - 1))},
                         corrected="with U = Q/(m-1) the statistic is sqrt(m-1) x_k, bounded by {support end sqrt(m-1)} (law of eq 28 "
                                   "scaled), not t")
                     for mv in (4, 10)]
    return Readings(out)


@claim("002-sec3-F-variable", "Sec 3, before eq 7",
       "(X_bar - mu)^2 / (U^2/m) obeys the F_{1,m-1} distribution.",
       mutant={"u_power": 1}, mc=True)
def _f_variable(u_power: int = 2):
    s_, d, uu = sp.symbols("s d U", positive=True)
    variable = (s_ * d) ** 2 / ((s_**2 * uu) ** u_power / m)  # data scaled by s: X_bar - mu -> s d, U -> s^2 U
    power = exponent_in(variable, s_)
    return equal("power of the data scale s in the variable (a sigma-free law such as F needs 0)", power, 0,
                 corrected="(X_bar - mu)^2/(U/m) = T^2 ~ F_(1,m-1): U, not U^2, in the denominator")


SEED_EQ7 = (m - 1) ** (m - half) * C_M * z ** (-half) * (m - 1 + z) ** (-m / 2)  # seed 002, eq 7


@claim("002-eq7", "Sec 3, eq 7",
       "The F_{1,m-1} density is (m-1)^(m-1/2) Gamma(m/2)/(Gamma(1/2) Gamma((m-1)/2)) z^(-1/2) (m-1+z)^(-m/2).",
       mutant={"density": (m - 1) ** ((m - 1) / 2) * C_M * z ** (-half) * (m - 1 + z) ** (-m / 2)}, mc=True)
def _eq7(density: sp.Expr = SEED_EQ7):
    derived, zz = f_pdf_derived()
    return equal("F_(1,m-1) density", derived, density, points=sample_points({m: (3, 10), z: (0.1, 6)}, n=5, seed=10),
                 corrected="f_(1,m-1)(z) = {computed} = (m-1)^((m-1)/2) Gamma(m/2)/(Gamma(1/2) Gamma((m-1)/2)) z^(-1/2) (m-1+z)^(-m/2)",
                 context={"total mass of the printed density at m = 4": integral(density.subs(m, 4), z, 0, sp.oo)})


@claim("002-eq7-sqrt-t", "Sec 3, after eq 7", "If Z ~ F_{1,m-1}, sqrt(Z) recovers Student's t (with m-1 degrees of freedom).",
       mutant={"dof": m}, mc=True)
def _eq7_sqrt(dof: sp.Expr = m - 1):
    fz, zz = f_pdf_derived()
    tdens, nu, xv = t_pdf_derived()
    folded = 2 * x * fz.subs(zz, x**2)  # density of sqrt(Z) on x > 0
    return equal("density of sqrt(Z)", folded, 2 * tdens.subs(nu, dof), points=sample_points({m: (3, 12), x: (0.1, 4)}, n=5, seed=11))


@functools.lru_cache(maxsize=None)
def f_moments() -> tuple[sp.Expr, sp.Expr]:
    """Mean and variance of F = X^2 / (H/(m-1)), X^2 ~ chi2_1, H ~ chi2_{m-1} independent (m > 5)."""
    a = sp.Symbol("a", positive=True)
    back = {a: (m - 5) / 2}
    mean = sp.gammasimp(((m - 1) * chi2_moment(1, 1) * chi2_moment(m - 1, -1)).subs(m, 5 + 2 * a))
    second = sp.gammasimp(((m - 1) ** 2 * chi2_moment(1, 2) * chi2_moment(m - 1, -2)).subs(m, 5 + 2 * a))
    return sp.factor(mean.subs(back)), sp.factor(sp.simplify((second - mean**2).subs(back)))


@claim("002-F-mean", "Sec 3, after eq 7", "F_{1,m-1} has mean (m-1)/(m-3).", mutant={"mean": (m - 1) / (m - 2)}, mc=True)
def _f_mean(mean: sp.Expr = (m - 1) / (m - 3)):
    return equal("E F", f_moments()[0], mean, points=sample_points({m: (5.5, 40)}, n=5, seed=12))


SEED_F_VAR = 2 * (m - 1) ** 2 * (m - 2) / ((m - 2) ** 2 * (m - 4))


@claim("002-F-var", "Sec 3, after eq 7", "F_{1,m-1} has variance 2(m-1)^2 (m-2) / ((m-2)^2 (m-4)).",
       mutant={"variance": 2 * (m - 1) ** 2 * (m - 2) / ((m - 3) ** 2 * (m - 5))}, mc=True)
def _f_var(variance: sp.Expr = SEED_F_VAR):
    return equal("Var F", f_moments()[1], variance, points=sample_points({m: (5.5, 40)}, n=5, seed=13),
                 corrected="Var F_(1,m-1) = {computed} = 2(m-1)^2 (m-2)/((m-3)^2 (m-5))")


@claim("002-F-var-divergent", "Sec 3, after eq 7", "The variance of F_{1,m-1} is divergent when m <= 4.",
       mutant={"largest_divergent": 5})
def _f_var_div(largest_divergent: int = 4):
    w = sp.Symbol("w", positive=True)
    # Var F < oo iff E[1/H^2] < oo for H ~ chi2_{m-1}
    infinite = [mv for mv in range(3, 8) if integral(chi2_pdf(w, sp.Integer(mv - 1)) / w**2, w, 0, sp.oo) == sp.oo]
    return count("largest integer m with Var F_(1,m-1) = oo", max(infinite), largest_divergent)


@claim("002-F-var-decreasing", "Sec 3, after eq 7", "The variance of F_{1,m-1} is a decreasing function of m (time).",
       mutant={"direction": 1})
def _f_var_dec(direction: int = -1):
    dvar = sp.diff(f_moments()[1], m)
    p_ = sample_points({m: (5.2, 300)}, n=10, seed=14)
    rel = lt if direction < 0 else gt
    return rel("d Var F / dm where Var F is finite (m > 5)", dvar, 0, points=p_)


# ---- Sec 4: K, G --------------------------------------------------------------------------------

@claim("002-eq15", "Sec 4, eq 14-15",
       "K := X_m^2/(X_m^2 + H) = G/c, with H = sum_{i<m} X_i^2 ~ chi^2_{m-1} and X_m^2 ~ chi^2_1 independent.",
       mutant={"h_dof": m}, mc=True)
def _eq15(h_dof: sp.Expr = m - 1):
    xs_ = sp.symbols("X1:5", real=True)  # m = 4
    c_ = sp.Symbol("c", positive=True)
    G = xs_[-1] ** 2 / (sum(v**2 for v in xs_) / c_)
    K = xs_[-1] ** 2 / (xs_[-1] ** 2 + sum(v**2 for v in xs_[:-1]))
    p4 = sample_points({v: (-2, 2) for v in xs_} | {c_: (1, 5)}, n=4, seed=15)
    return [equal("G/c - K (m = 4)", sp.simplify(G / c_ - K), 0, points=p4),
            equal("Laplace transform of H", _laplace_sum_of_squares(m - 1), _laplace_of_density(SEED_EQ5, x).subs(m, h_dof),
                  points=sample_points({m: (2, 12), S_: (sp.Rational(1, 5), 3)}, n=4, seed=16))]


@claim("002-eq16", "Sec 4, eq 16", "For m = 1, G = X_1^2/|X_1| = sgn(X_1).", mutant={"stated": lambda v: sp.Integer(1)}, mc=True)
def _eq16(stated=sp.sign):
    values = [sp.Rational(-3, 2), sp.Rational(1, 2), sp.Integer(2)]
    return Readings({
        "as printed: X_1^2/|X_1| equals sgn(X_1)": equal("X_1^2/|X_1|", [v**2 / abs(v) for v in values], [stated(v) for v in values],
                                                         at=values, corrected="X_1^2/|X_1| = |X_1|; eq 14 with m = c = 1 gives G = 1"),
        "the update at m = 1, X_1/sqrt(X_1^2/1), is sgn(X_1)": equal("X_1/sqrt(X_1^2)", [v / sp.sqrt(v**2) for v in values],
                                                                     [stated(v) for v in values], at=values),
    })


@claim("002-m1-delta", "Sec 4, after eq 27", "For m = 1, by definition G has the point-mass law delta(g - 1).",
       mutant={"atom": 0}, mc=True)
def _m1_delta(atom: int = 1):
    values = [sp.Rational(-3, 2), sp.Rational(1, 3), sp.Integer(2)]
    return equal("G = X_1^2/((1/1) X_1^2) at sample values of X_1", [sp.simplify(v**2 / (v**2 / 1)) for v in values], atom, at=values)


SEED_EQ17 = 1 / sp.sqrt(2 * sp.pi * z) * sp.exp(-z / 2) / (2 ** ((m - 1) / 2) * sp.gamma((m - 1) / 2)) \
    * x ** ((m - 1) / 2 - 1) * sp.exp(-x / 2)  # seed 002, eq 17, with h written x


@claim("002-eq17", "Sec 4, eq 17", "The joint density of (Z, H) is the product of the chi^2_1 and chi^2_{m-1} densities, as printed.",
       mutant={"density": SEED_EQ17 * sp.exp(-x / 2)}, mc=True)
def _eq17(density: sp.Expr = SEED_EQ17):
    return equal("f(z, h)", chi2_pdf(z, 1) * chi2_pdf(x, m - 1), density,
                 points=sample_points({m: (2, 10), z: (0.1, 5), x: (0.1, 5)}, n=5, seed=17))


@claim("002-eq18", "Sec 4, eq 18", "The Jacobian of (z, h) -> (z, k), h = z(1-k)/k, is z/k^2.", mutant={"jacobian": z / sp.Symbol("k", positive=True)})
def _eq18(jacobian: sp.Expr = z / sp.Symbol("k", positive=True) ** 2):
    k = sp.Symbol("k", positive=True)
    jac = sp.Matrix([z, z * (1 - k) / k]).jacobian([z, k]).det()
    return equal("|det d(z,h)/d(z,k)|", sp.Abs(jac), jacobian, points=sample_points({z: (0.1, 5), k: (0, 1)}, n=4, seed=18))


K_ = 1 / (1 + u)
SEED_EQ19 = 1 / (2 ** (m / 2) * sp.sqrt(sp.pi) * sp.gamma((m - 1) / 2)) / K_**2 * ((1 - K_) / K_) ** ((m - 3) / 2) \
    * z ** ((m - 2) / 2) * sp.exp(-z / K_)


@claim("002-eq19", "Sec 4, eq 19",
       "f(z, k) = 1/(2^(m/2) sqrt(pi) Gamma((m-1)/2)) k^(-2) ((1-k)/k)^((m-1)/2-1) z^((m-2)/2) exp(-z/k).",
       mutant={"density": SEED_EQ19 * sp.exp(z / K_ / 2)}, mc=True)
def _eq19(density: sp.Expr = SEED_EQ19):
    return equal("f(z, k) at k = 1/(1+u)", joint_zk(K_), density, points=sample_points({m: (2, 10), z: (0.1, 5), u: (0.1, 5)}, n=5, seed=19),
                 corrected="f(z,k) = 1/(2^(m/2) sqrt(pi) Gamma((m-1)/2)) k^(-2) ((1-k)/k)^((m-3)/2) z^((m-2)/2) exp(-z/(2k)) "
                           "(the exponent is -z/(2k), not -z/k)")


@claim("002-eq21", "Sec 4, eq 20-21",
       "K has density Gamma(m/2)/(Gamma((m-1)/2) Gamma(1/2)) k^(-1/2) (1-k)^((m-1)/2-1): the Beta(1/2, (m-1)/2) law.",
       mutant={"density": C_M * t ** (-half) * (1 - t) ** ((m - 1) / 2)}, mc=True)
def _eq21(density: sp.Expr = C_M * t ** (-half) * (1 - t) ** ((m - 3) / 2)):
    return equal("density of K (integrated over z)", k_pdf(t), density, points=pts(20),
                 context={"printed / Beta(1/2,(m-1)/2) density": sp.simplify(sp.gammasimp(density / k_pdf_closed(t)))})


@functools.lru_cache(maxsize=None)
def k_mean() -> sp.Expr:
    """E K = B(3/2,(m-1)/2)/B(1/2,(m-1)/2)."""
    return sp.simplify(beta_integral(sp.Rational(3, 2), (m - 1) / 2) / beta_integral(half, (m - 1) / 2))


@claim("002-eq22", "Sec 4, eq 22", "E K = 1/m.", mutant={"mean": 1 / (m - 1)}, mc=True)
def _eq22(mean: sp.Expr = 1 / m):
    return equal("E K", k_mean(), mean, points=sample_points({m: (1.5, 40)}, n=5, seed=21))


def _argmax_on(density_num, lo: float, hi: float) -> float:
    """Location of the largest value of a density on a geometric + linear grid of (lo, hi)."""
    grid = np.unique(np.concatenate([lo + (hi - lo) * np.geomspace(1e-12, 0.5, 400), hi - (hi - lo) * np.geomspace(1e-12, 0.5, 400)]))
    vals = density_num(grid)
    return float(grid[int(np.argmax(vals))])


def _mode_of_g(c_of_m, mv: float) -> float:
    """Mode (argmax of the density) of G = c K at m = mv, from the derived Beta law."""
    from scipy import stats

    cv = float(c_of_m.subs(m, mv)) if isinstance(c_of_m, sp.Basic) else float(c_of_m)
    return _argmax_on(lambda g: stats.beta.pdf(g / cv, 0.5, (mv - 1) / 2) / cv, 0.0, cv)


M_MODES = (3, 4, 5, 10)


@claim("002-K-mode", "Sec 4, after eq 22", "The mode of K ~ Beta(1/2, (m-1)/2) is 1/(m-2).", mutant={"mode": sp.Integer(0)}, mc=True)
def _k_mode(mode: sp.Expr = 1 / (m - 2)):
    return close("argmax of the density of K", [_mode_of_g(1, mv) for mv in M_MODES], [mode.subs(m, mv) for mv in M_MODES],
                 at=[f"m={mv}" for mv in M_MODES],
                 corrected="for m >= 3 the density of K decreases on (0, 1) and is unbounded at k = 0: the mode is k = 0 (computed argmax {computed})")


@claim("002-eq23", "Sec 4, eq 23",
       "With c = m, G has density Gamma(m/2)/(Gamma((m-1)/2) Gamma(1/2)) (g/m)^(-1/2) (1-g/m)^((m-1)/2-1) / m on [0, m].",
       mutant={"density_of_t": C_M * t ** (-1) / (1 - t) * (1 - t) ** ((m - 1) / 2) / m}, mc=True)
def _eq23(density_of_t: sp.Expr = C_M * t ** (-half) / (1 - t) * (1 - t) ** ((m - 1) / 2) / m):
    # g = m t with t in (0, 1)
    return equal("density of G = m K at g = m t", g_pdf(m * t), density_of_t, points=pts(22))


@claim("002-eq24", "Sec 4, eq 24", "E G = 1 for c = m.", mutant={"mean": sp.Integer(2)}, mc=True)
def _eq24(mean: sp.Expr = sp.Integer(1)):
    return equal("E G = m E K", sp.simplify(m * k_mean()), mean, points=sample_points({m: (1.5, 40)}, n=4, seed=23))


@claim("002-eq24-c", "Sec 4, after eq 24", "With c = m - 1, E G = (m-1)/m.", mutant={"mean": sp.Integer(1)}, mc=True)
def _eq24_c(mean: sp.Expr = (m - 1) / m):
    return equal("E G = (m-1) E K", sp.simplify((m - 1) * k_mean()), mean, points=sample_points({m: (1.5, 40)}, n=4, seed=24))


@claim("002-G-mode", "Sec 4, after eq 24", "With c = m the mode of G is m/(m-2).", mutant={"mode": sp.Integer(0)}, mc=True)
def _g_mode(mode: sp.Expr = m / (m - 2)):
    return close("argmax of the density of G (c = m)", [_mode_of_g(m, mv) for mv in M_MODES], [mode.subs(m, mv) for mv in M_MODES],
                 at=[f"m={mv}" for mv in M_MODES],
                 corrected="for m >= 3 the density of G decreases on (0, m) and is unbounded at 0: the mode is 0 (computed {computed})")


@claim("002-G-mode-c", "Sec 4, after eq 24", "With c = m - 1 the mode of G is (m-1)/(m-2).", mutant={"mode": sp.Integer(0)}, mc=True)
def _g_mode_c(mode: sp.Expr = (m - 1) / (m - 2)):
    return close("argmax of the density of G (c = m-1)", [_mode_of_g(m - 1, mv) for mv in M_MODES],
                 [mode.subs(m, mv) for mv in M_MODES], at=[f"m={mv}" for mv in M_MODES],
                 corrected="the density decreases on (0, m-1) for m >= 3: the mode is 0 (computed {computed})")


def limit_via_gamma_ratio(ratio: sp.Expr, rest: sp.Expr) -> sp.Expr:
    """lim_{m -> oo} ratio, after checking ratio = [Gamma(m/2)/(Gamma((m-1)/2) sqrt m)] * rest.

    Splitting off the Gamma ratio (whose limit is computed once) keeps sympy's limit fast.
    """
    gr = sp.gamma(m / 2) / (sp.gamma((m - 1) / 2) * sp.sqrt(m))
    if not vanishes(ratio / gr - rest):
        raise ArithmeticError("ratio does not factor as expected")
    return sp.simplify(gamma_ratio_limit() * sp.limit(rest, m, sp.oo))


@functools.lru_cache(maxsize=None)
def _g_limit_over_chi2() -> sp.Expr:
    return limit_via_gamma_ratio(g_pdf(x) / CHI2_1, sp.sqrt(2) * (1 - x / m) ** ((m - 3) / 2) * sp.exp(x / 2))


@functools.lru_cache(maxsize=None)
def _xg_limit_over_phi() -> sp.Expr:
    return limit_via_gamma_ratio(xg_pdf(x) / PHI, sp.sqrt(2) * (1 - x**2 / m) ** ((m - 3) / 2) * sp.exp(x**2 / 2))


@claim("002-eq25", "Sec 4, eq 25", "As m -> infinity, f_m(g) -> g^(-1/2) exp(-g/2)/sqrt(2 pi) pointwise.",
       mutant={"limit_density": 2 * CHI2_1})
def _eq25(limit_density: sp.Expr = CHI2_1):
    lim = _g_limit_over_chi2()
    return equal("lim_{m->oo} f_m(g) / (printed limit)", lim * CHI2_1 / limit_density, 1, points=sample_points({x: (0.1, 8)}, n=4, seed=25))


@claim("002-eq25-moments", "Sec 4, after eq 25", "The chi^2_1 limit has expected value 1 and variance 2.",
       mutant={"variance": sp.Integer(1)})
def _eq25_mom(mean: sp.Expr = sp.Integer(1), variance: sp.Expr = sp.Integer(2)):
    e1, e2 = chi2_moment(1, 1), chi2_moment(1, 2)
    return [equal("E chi2_1", e1, mean), equal("Var chi2_1", e2 - e1**2, variance)]


@claim("002-eq26", "Sec 4, eq 26", "For m = 3, f(g) = g^(-1/2)/(2 sqrt 3) on [0, 3].", mutant={"density": x ** (-half) / (2 * sp.sqrt(2))}, mc=True)
def _eq26(density: sp.Expr = x ** (-half) / (2 * sp.sqrt(3))):
    return equal("f_3(g)", sp.simplify(g_pdf(x).subs(m, 3)), density, points=sample_points({x: (0.05, 2.95)}, n=4, seed=26))


@claim("002-eq27", "Sec 4, eq 27", "For m = 2, f_2(g) = 1/(pi sqrt((g/2)(1 - g/2))) on [0, 2].",
       mutant={"density": 1 / (2 * sp.pi * sp.sqrt(x / 2 * (1 - x / 2)))}, mc=True)
def _eq27(density: sp.Expr = 1 / (sp.pi * sp.sqrt(x / 2 * (1 - x / 2)))):
    return equal("f_2(g)", sp.simplify(g_pdf(x).subs(m, 2)), density, points=sample_points({x: (0.05, 1.95)}, n=4, seed=27),
                 context={"total mass of the printed density": _mass(density, 2, 1) / 2 + _mass(density.subs(x, 2 - x), 2, 1) / 2})


@functools.lru_cache(maxsize=None)
def _blow_up_points(density: sp.Expr, var: sp.Symbol, lo: sp.Expr, hi: sp.Expr) -> frozenset:
    """The support endpoints where the density tends to infinity (computed by sympy limits)."""
    y = sp.Symbol("y", positive=True)  # distance to the end: sympy's one-sided limits misjudge signs otherwise
    out = set()
    if sp.limit(density.subs(var, lo + y), y, 0, "+") == sp.oo:
        out.add(sp.sstr(lo))
    if sp.limit(density.subs(var, hi - y), y, 0, "+") == sp.oo:
        out.add(sp.sstr(hi))
    return frozenset(out)


@claim("002-eq27-endpoints", "Sec 4, after eq 27", "When m = 2, g is either very close to 0 or very close to 1.",
       mutant={"endpoints": frozenset({"0", "3"})}, mc=True)
def _eq27_ends(endpoints: frozenset = frozenset({"0", "1"})):
    return Readings({
        "g is G (c = m = 2), as written": equal("points where f_2(g) blows up", _blow_up_points(g_pdf(x, 2).subs(m, 2), x, 0, 2), endpoints,
                                                corrected="G at m = 2 piles up near 0 and near 2 (arcsine law on [0, 2])"),
        "g is K = G/c": equal("points where f_K blows up at m = 2", _blow_up_points(k_pdf_closed(x).subs(m, 2), x, 0, 1), endpoints),
    })


@functools.lru_cache(maxsize=None)
def _limits_m_to_1() -> list:
    e = sp.Symbol("e", positive=True)
    return [sp.limit(g_pdf(gv).subs(m, 1 + e), e, 0, "+") for gv in (sp.Rational(1, 10), sp.Rational(1, 2), sp.Rational(9, 10))]


@claim("002-m-to-1", "Sec 4, after eq 27", "For 0 < g < 1, lim_{m -> 1+} f_m(g) = 0.", mutant={"limit_value": sp.Integer(1)})
def _m_to_1(limit_value: sp.Expr = sp.Integer(0)):
    lims = _limits_m_to_1()
    return equal("lim_{m->1+} f_m(g) at g = 1/10, 1/2, 9/10", lims, limit_value, at=["1/10", "1/2", "9/10"])


# ---- x_k, x_g ------------------------------------------------------------------------------------

def _mass(density_of_x: sp.Expr, mv: float, end: float) -> float:
    """2 int_0^end f(x) dx of an even density at m = mv, by tanh-sinh quadrature (endpoint singularities allowed)."""
    import mpmath

    f = sp.lambdify(x, density_of_x.subs(m, mv), "mpmath")
    return float(mpmath.re(2 * mpmath.quad(f, [0, mpmath.mpf(str(sp.N(end, 30)))])))


def SEED_EQ28(v: sp.Expr) -> sp.Expr:
    """Seed 002, eq 28, as printed."""
    return C_M * (1 - v**2) ** ((m - 1) / 2 - 1)


@claim("002-eq28", "Sec 4, eq 28",
       "x_k = +-sqrt(K) has density Gamma(m/2)/(Gamma((m-1)/2) Gamma(1/2)) (1 - x^2)^((m-1)/2 - 1) on [-1, 1] (mass 1).",
       mutant={"density": lambda v: C_M * (1 - v**2) ** ((m - 1) / 2)}, mc=True)
def _eq28(density=SEED_EQ28):
    return [equal("density of x_k = |x| f_K(x^2)", xk_pdf(t), density(t), points=pts(28)),
            close("total mass 2 int_0^1 f(x) dx at m = 2.5, 5, 9", [_mass(density(x), mv, 1) for mv in (2.5, 5, 9)], 1, at=[2.5, 5, 9])]


@claim("002-eq28-support", "Sec 4, before eq 28", "x_k = sqrt(K) is extended from [0, sqrt m] to [-sqrt m, sqrt m].",
       mutant={"support_end": sp.Integer(1)}, mc=True)
def _eq28_support(support_end: sp.Expr = sp.sqrt(m)):
    h = sp.Symbol("h", positive=True)
    kmax = sp.limit(z / (z + h), h, 0, "+")  # K = Z/(Z + H) < 1, approaching 1 as H -> 0
    return equal("sup |x_k| = sqrt(sup K)", sp.sqrt(kmax), support_end, points=sample_points({m: (2, 12)}, n=3, seed=30),
                 corrected="x_k lives on [-1, 1] (the interval [-sqrt m, sqrt m] is the support of x_g)")


def _printed_cdf(density_of_x, mv: float, xs):
    """CDF of a printed even density at the sorted points xs, by adaptive quadrature between them."""
    from scipy.integrate import quad

    f = sp.lambdify(x, density_of_x.subs(m, mv), "numpy")
    xs = np.asarray(xs, float)
    a = np.abs(xs)
    order = np.argsort(a)
    edges = np.concatenate([[0.0], a[order]])
    pieces = [quad(lambda v: float(np.real(f(v))), lo, hi, limit=200, epsabs=1e-13)[0] if hi > lo else 0.0
              for lo, hi in zip(edges[:-1], edges[1:])]
    half_mass = np.empty_like(a)
    half_mass[order] = np.cumsum(pieces)
    return 0.5 + np.sign(xs) * half_mass


@claim("002-eq28-is-update", "Sec 4, after eq 28", "Eq 28 (the law of x_k) is the predicted distribution of Delta theta.",
       mutant={"update_scale": sp.sqrt(m)}, mc=True)
def _eq28_update(update_scale: sp.Expr = sp.Integer(1)):
    # Delta theta = x_g (Thm 1); eq 28 is claimed to be the law of Delta theta / update_scale
    comps = []
    for mv in (3, 5):
        sc = float(update_scale.subs(m, mv))
        xs = np.linspace(-0.999, 0.999, 81)
        comps.append(law(f"CDF of Delta theta / {sp.sstr(update_scale)} vs eq 28 at m = {mv}", xg_cdf(xs * sc, mv),
                         _printed_cdf(SEED_EQ28(x), mv, xs), at=xs,
                         corrected="eq 28 is the law of x_k = Delta theta / sqrt(m); Delta theta = x_g has the law of eq 30"))
    return comps


@claim("002-eq28-variance", "Sec 4, eq 28 and Fig 1",
       "The predicted distribution of Delta theta plotted in Fig 1 has variance 1 for all m (caption, item 2).",
       mutant={"variance": sp.Integer(2)}, mc=True)
def _eq28_var(variance: sp.Expr = sp.Integer(1)):
    tt = sp.Symbol("tt", positive=True)
    var_xk = sp.simplify(beta_kernel_integral(2 * tt * xk_pdf(sp.sqrt(tt)) * sp.diff(sp.sqrt(tt), tt), tt, sp.Rational(3, 2), (m - 1) / 2))
    var_xg = sp.simplify(m * var_xk)  # x_g = sqrt(m) x_k
    p_ = sample_points({m: (2, 30)}, n=4, seed=31)
    return Readings({
        "Fig 1 plots eq 28, as the text says ('we plot the theoretical p.d.f. in Figure 1')": equal("variance of eq 28", var_xk, variance, points=p_),
        "Fig 1 plots eq 30 (the law of x_g)": equal("variance of eq 30", var_xg, variance, points=p_),
    })


@claim("002-eq29", "Sec 4, eq 29", "z_k = (1 + x_k)/2 ~ Beta((m-1)/2, (m-1)/2).",
       mutant={"b_param": (m + 1) / 2}, mc=True)
def _eq29(a_param: sp.Expr = (m - 1) / 2, b_param: sp.Expr = (m - 1) / 2):
    v = 2 * t - 1
    derived = 2 * sp.Abs(v) * k_pdf_closed(v**2)  # z = (1 + x)/2: f_z(t) = 2 f_x(2t - 1), f_x(v) = |v| f_K(v^2)
    beta_pdf = t ** (a_param - 1) * (1 - t) ** (b_param - 1) / sp.beta(a_param, b_param)  # the Beta(a, b) law by definition
    return equal("density of z_k = (1 + x_k)/2", derived, beta_pdf, points=pts(32))


def SEED_EQ30(v: sp.Expr) -> sp.Expr:
    """Seed 002, eq 30, as printed."""
    return C_M / sp.sqrt(m) / (1 - v**2 / m) * (1 - v**2 / m) ** ((m - 1) / 2)


@claim("002-eq30", "Sec 4, eq 30",
       "x_g = +-sqrt(G) has density m^(-1/2) Gamma(m/2)/(Gamma((m-1)/2) Gamma(1/2)) (1 - x^2/m)^((m-1)/2 - 1) on |x| <= sqrt m (mass 1).",
       mutant={"density": lambda v: C_M / sp.sqrt(m) * (1 - v**2 / m) ** ((m - 1) / 2)}, mc=True)
def _eq30(density=SEED_EQ30):
    return [equal("density of x_g = |x| f_G(x^2) at x = sqrt(m) t", xg_pdf(sp.sqrt(m) * t), density(sp.sqrt(m) * t), points=pts(33)),
            close("total mass 2 int_0^sqrt(m) f(x) dx at m = 2.5, 5, 9", [_mass(density(x), mv, sp.sqrt(sp.nsimplify(mv))) for mv in (2.5, 5, 9)], 1,
                  at=[2.5, 5, 9])]


@claim("002-eq31", "Sec 4, eq 31", "As m -> infinity the density of x_g tends pointwise to the standard normal density.",
       mutant={"limit_density": sp.exp(-(x**2) / 4) / sp.sqrt(4 * sp.pi)})
def _eq31(limit_density: sp.Expr = PHI):
    lim = _xg_limit_over_phi()
    return equal("lim_{m->oo} f_m(x) / (printed limit)", lim * PHI / limit_density, 1, points=sample_points({x: (0.1, 4)}, n=4, seed=35))


@claim("002-eq32", "Sec 4, eq 32", "For m = 2, f_2(x_g) = 1/(pi sqrt(1 - x^2)) (arcsine law).",
       mutant={"density": 1 / (sp.pi * sp.sqrt(2 - x**2))}, mc=True)
def _eq32(density: sp.Expr = 1 / (sp.pi * sp.sqrt(1 - x**2))):
    return equal("f_2(x_g)", sp.simplify(xg_pdf(x).subs(m, 2)), density, points=sample_points({x: (0.05, 0.95)}, n=4, seed=36),
                 corrected="f_2(x_g) = {computed} on [-sqrt 2, sqrt 2] (arcsine law on [-sqrt m, sqrt m]); "
                           "1/(pi sqrt(1-x^2)) is the m = 2 law of x_k, not of x_g")


@claim("002-eq33", "Sec 4, eq 33", "For m = 3, f_3(x_g) = 1/(2 sqrt 2): uniform on [-sqrt 2, sqrt 2].",
       mutant={"value": 1 / (2 * sp.sqrt(3)), "support_end": sp.sqrt(3)}, mc=True)
def _eq33(value: sp.Expr = 1 / (2 * sp.sqrt(2)), support_end: sp.Expr = sp.sqrt(2)):
    derived = sp.simplify(xg_pdf(x).subs(m, 3))
    return [equal("f_3(x_g)", derived, value, points=sample_points({x: (0.05, 1.7)}, n=3, seed=37),
                  corrected="f_3(x_g) = {computed} = 1/(2 sqrt 3)"),
            equal("support end sqrt(m) at m = 3", sp.sqrt(3), support_end, corrected="uniform on [-sqrt 3, sqrt 3]")]


@claim("002-thm1-law", "Sec 4, Theorem 1",
       "With g_i i.i.d. N(0,1), the update x_g = g_t / sqrt((1/t) sum_{i<=t} g_i^2) has the density of eq 30 (m = t).",
       mutant={"m_shift": 1}, mc=True)
def _thm1_law(m_shift: int = 0):
    comps = []
    for mv in (2, 3, 5, 10):
        xs = np.linspace(-np.sqrt(mv) * 0.999, np.sqrt(mv) * 0.999, 61)
        # the printed eq 30 at m = t + m_shift, integrated numerically, against the derived law at m = t
        comps.append(law(f"CDF at t = {mv}", xg_cdf(xs, mv), _printed_cdf(SEED_EQ30(x), mv + m_shift, xs), at=xs))
    return comps


@claim("002-thm1-normalisation", "Sec 4, Theorem 1",
       "With n_t = sum_{i<=t} g_i^2 and c_n = 1/t, Delta theta = g_t/sqrt(n_t/c_n) is the variable x_g of eq 30 (m = t).",
       mutant={"c_n": sp.Symbol("t_", positive=True)}, mc=True)
def _thm1_norm(c_n: sp.Expr = 1 / sp.Symbol("t_", positive=True)):
    g, n_t, tt = sp.Symbol("g", positive=True), sp.Symbol("n_t", positive=True), sp.Symbol("t_", positive=True)
    update = g / sp.sqrt(n_t / c_n)
    x_g = g / sp.sqrt(n_t / tt)  # sqrt(G) with c = m = t, eq 14
    c = sp.Symbol("c", positive=True)
    needed = sp.solve(sp.Eq(g / sp.sqrt(n_t / c), x_g), c)
    return equal("Delta theta / x_g", sp.simplify(update / x_g), 1, points=sample_points({g: (0.1, 3), n_t: (1, 9), tt: (2, 20)}, n=4, seed=38),
                 corrected="Delta theta / x_g = {computed}: eq 30 is the law of g_t/sqrt(n_t/c_n) only for c_n = {needed c_n}",
                 context={"needed c_n": needed[0] if needed else sp.nan})


@claim("002-sec4-bounded", "Sec 4, after Theorem 1", "Unlike the t distribution, the update law is bounded for any finite m: |x_g| <= sqrt(m).",
       mutant={"bound": sp.sqrt(m - 1)}, mc=True)
def _bounded(bound: sp.Expr = sp.sqrt(m)):
    h = sp.Symbol("h", positive=True)
    sup_g = m * sp.limit(z / (z + h), h, 0, "+")  # G = m Z/(Z + H) < m
    return equal("sup |x_g| = sqrt(sup G)", sp.sqrt(sup_g), bound, points=sample_points({m: (2, 40)}, n=3, seed=39))


# ---- modes of the update law -------------------------------------------------------------------

def update_modes(mv: float, grid: int = 4001) -> int:
    """Number of strict local maxima of the eq-30 density on [-sqrt m, sqrt m], support ends included
    (an end counts when the density rises towards it); a flat density has none."""
    xs = np.linspace(-1, 1, grid)[1:-1] * np.sqrt(mv)
    logf = (mv - 3) / 2 * np.log1p(-xs * xs / mv)  # log of eq 30 up to its constant
    d = np.diff(logf)
    scale = max(1e-300, float(np.max(np.abs(logf))))
    d[np.abs(d) < 1e-12 * scale] = 0.0
    s = np.sign(d)
    n = int(np.sum((s[:-1] > 0) & (s[1:] < 0)))
    n += int(s[0] < 0) + int(s[-1] > 0)  # rising towards an end of the support
    return n


@claim("002-fig1-modes", "Sec 1, Fig 1 caption (3)", "The update law transitions from a bi-modal to a unimodal distribution as m increases.",
       mutant={"modes_small_large": (1, 2)}, mc=True)
def _fig1_modes(modes_small_large: tuple = (2, 1)):
    return count("number of modes of eq 30 at m = 2 and m = 10", [update_modes(2), update_modes(10)], list(modes_small_large),
                 at=["m=2", "m=10"], context={"modes at m = 2..6": [update_modes(v) for v in range(2, 7)]})


def _transition_readings(stated_m: int, reading: str, corrected: str) -> Readings:
    """Two readings of 'the transition occurs at m = stated_m' (m = 2..11): the step named by ``reading``
    ('the last bimodal step' or 'the first step that is no longer bimodal'), and the first step with a single mode."""
    ms = list(range(2, 12))
    modes = [update_modes(v) for v in ms]
    ctx = {"modes at m = 2..11": modes}
    steps = {"the last bimodal step": ("last m whose update law is bimodal", max(v for v, k in zip(ms, modes) if k == 2)),
             "the first step that is no longer bimodal": ("first m whose update law is not bimodal",
                                                          min(v for v, k in zip(ms, modes) if k != 2))}
    quantity, step = steps[reading]
    first_unimodal = min(v for v, k in zip(ms, modes) if k == 1)
    return Readings({
        reading: count(quantity, step, stated_m, context=ctx),
        "the first step with a single mode": count("first m whose update law has one mode", first_unimodal, stated_m, context=ctx,
                                                   corrected=corrected),
    })


@claim("002-sec5.1-transition", "Sec 5.1", "The transition to a uni-modal distribution occurs exactly at the predicted time step m = 3.",
       mutant={"stated_m": 5}, mc=True)
def _transition_text(stated_m: int = 3):
    return _transition_readings(stated_m, "the first step that is no longer bimodal",
                                "the law is uniform (no mode) at m = 3 and unimodal from m = {computed}")


@claim("002-fig2-transition", "Sec 4, Fig 2 caption",
       "The transition between the bi-modal and the unimodal distribution occurs at the predicted time step m = 2.",
       mutant={"stated_m": 5}, mc=True)
def _transition_caption(stated_m: int = 2):
    return _transition_readings(stated_m, "the last bimodal step",
                                "bimodal up to m = 2, uniform at m = 3, unimodal from m = {computed}")
