"""Seed 002, Sec 3-4 (eq 5-33, Thm 1): the laws of F, K, G, x_k and x_g derived from Gaussians.

Densities are derived here from the defining construction (change of variables and integration),
then compared with the formulas as the seed prints them. Variables confined to an interval are
written as 1/(1+u) with u > 0 so that sympy knows every base is positive.
"""
from __future__ import annotations

import sympy as sp

from .registry import Result, claim
from .symbolic import beta_integral, beta_kernel_integral, chi2_moment, chi2_pdf, fmt, gamma_ratio_limit, m, vanishes

SEED = "002"
u = sp.Symbol("u", positive=True)  # generic positive parameter for points inside an interval
z = sp.Symbol("z", positive=True)
half = sp.Rational(1, 2)
C_M = sp.gamma(m / 2) / (sp.gamma((m - 1) / 2) * sp.gamma(half))  # the constant printed in eq 20-30


# ---- derived laws ---------------------------------------------------------------------------------

def joint_zk(k: sp.Expr) -> sp.Expr:
    """Density of (Z, K) with Z ~ chi2_1, H ~ chi2_{m-1} independent and K = Z/(Z+H), by change of variables."""
    ks = sp.Symbol("k", positive=True)
    h = z * (1 - ks) / ks
    jac = sp.Abs(sp.diff(h, ks))  # |d(z,h)/d(z,k)|
    return sp.simplify((chi2_pdf(z, 1) * chi2_pdf(h, m - 1) * jac).subs(ks, k))


def k_pdf(k: sp.Expr) -> sp.Expr:
    """Marginal density of K, obtained by integrating z out of :func:`joint_zk`."""
    return sp.simplify(sp.integrate(joint_zk(k), (z, 0, sp.oo), conds="none"))


def k_pdf_closed(k: sp.Expr) -> sp.Expr:
    """The Beta(1/2, (m-1)/2) density, normalised by an integral computed here."""
    return k ** (-half) * (1 - k) ** ((m - 3) / 2) / beta_integral(half, (m - 1) / 2)


def g_pdf(g: sp.Expr, c: sp.Expr = m) -> sp.Expr:
    """Density of G = c K (eq 14-15) by change of variables."""
    return k_pdf_closed(g / c) / c


def xk_pdf(x: sp.Expr) -> sp.Expr:
    """Density of x_k = +-sqrt(K) with a fair random sign: f(x) = |x| f_K(x^2)."""
    return x * k_pdf_closed(x**2)


def xg_pdf(x: sp.Expr) -> sp.Expr:
    """Density of x_g = +-sqrt(G), c = m, with a fair random sign: f(x) = |x| f_G(x^2)."""
    return x * g_pdf(x**2)


def _inside(lo: sp.Expr, hi: sp.Expr) -> sp.Expr:
    """A generic point of (lo, hi) written with the positive symbol u."""
    return lo + (hi - lo) / (1 + u)


def _same(a: sp.Expr, b: sp.Expr) -> bool:
    """a == b as functions, tested through a ratio that should simplify to 1."""
    ratio = sp.powsimp(sp.expand_power_base(sp.factor(a / b), force=True), force=True)
    return sp.simplify(sp.gammasimp(ratio)) == 1 or vanishes(a - b)


# ---- chi-square, F ------------------------------------------------------------------------------

@claim("002-eq6", SEED, "Sec 3, eq 6",
       "The reduced chi-square S = Q/m has density m f_m(m s), mean 1 and variance 2/m (Gaussian limit N(1, 2/m)).")
def _eq6() -> Result:
    s = sp.Symbol("s", positive=True)
    dens = m * chi2_pdf(m * s, m)
    total = sp.simplify(sp.integrate(dens, (s, 0, sp.oo), conds="none"))
    mean = sp.simplify(chi2_moment(m, 1) / m)
    var = sp.simplify(chi2_moment(m, 2) / m**2 - mean**2)
    return Result.decide(total == 1 and mean == 1 and vanishes(var - 2 / m),
                         f"integral {total}, mean {fmt(mean)}, variance {fmt(var)}", corrected="see computed values")


@claim("002-sec3-F-variable", SEED, "Sec 3, before eq 7",
       "(X_bar - mu)^2 / (U^2/m) obeys the F_{1,m-1} distribution (X_bar the mean, U the unbiased variance estimate of m samples).")
def _f_variable() -> Result:
    # scale the data by s > 0: X_bar - mu -> s (X_bar - mu), U -> s^2 U. A pivot must not depend on s.
    s_, d, uu = sp.symbols("s d U", positive=True)
    printed = (s_ * d) ** 2 / ((s_**2 * uu) ** 2 / m)
    fixed = (s_ * d) ** 2 / ((s_**2 * uu) / m)
    power_printed = sp.simplify(sp.diff(sp.expand_log(sp.log(printed), force=True), s_) * s_)
    power_fixed = sp.simplify(sp.diff(sp.expand_log(sp.log(fixed), force=True), s_) * s_)
    return Result.decide(power_printed == 0, f"under X -> s X the printed variable scales as s^{power_printed}, "
                         f"(X_bar-mu)^2/(U/m) as s^{power_fixed}: a law free of sigma needs power 0",
                         corrected="(X_bar - mu)^2/(U/m) = T^2 ~ F_{1,m-1} (U, not U^2, in the denominator)")


def _f_pdf_true(zz: sp.Expr, mv: sp.Expr) -> sp.Expr:
    return (mv - 1) ** ((mv - 1) / 2) / beta_integral(half, (mv - 1) / 2) * zz ** (-half) * (mv - 1 + zz) ** (-mv / 2)


@claim("002-eq7", SEED, "Sec 3, eq 7",
       "The F_{1,m-1} density is (m-1)^(m-1/2) Gamma(m/2)/(Gamma(1/2) Gamma((m-1)/2)) z^(-1/2) (m-1+z)^(-m/2).")
def _eq7() -> Result:
    masses = {}
    for mv in map(sp.Integer, (3, 4, 6)):
        seed_pdf = (mv - 1) ** (mv - half) * C_M.subs(m, mv) * z ** (-half) * (mv - 1 + z) ** (-sp.Rational(mv, 2))
        masses[mv] = sp.nsimplify(sp.simplify(sp.integrate(seed_pdf, (z, 0, sp.oo))))
    true_mass = sp.simplify(sp.integrate(_f_pdf_true(z, sp.Integer(4)), (z, 0, sp.oo)))
    return Result.decide(all(v == 1 for v in masses.values()),
                         f"total mass of the printed density at m=3,4,6: {masses}; with exponent (m-1)/2 at m=4: {true_mass}",
                         corrected="f_{1,m-1}(z) = (m-1)^((m-1)/2) Gamma(m/2)/(Gamma(1/2) Gamma((m-1)/2)) z^(-1/2) (m-1+z)^(-m/2) "
                                   "(the power of m-1 is (m-1)/2, not m-1/2)")


def _f_moments() -> tuple[sp.Expr, sp.Expr]:
    """Mean and variance of F = X^2 / (H/(m-1)), X^2 ~ chi2_1, H ~ chi2_{m-1} independent.

    Computed for m = 5 + 2a, a > 0 (where both are finite) so that gammasimp may cancel the
    Gamma ratios, then written back in terms of m.
    """
    a = sp.Symbol("a", positive=True)
    back = {a: (m - 5) / 2}
    mean = sp.gammasimp(((m - 1) * chi2_moment(1, 1) * chi2_moment(m - 1, -1)).subs(m, 5 + 2 * a))
    second = sp.gammasimp(((m - 1) ** 2 * chi2_moment(1, 2) * chi2_moment(m - 1, -2)).subs(m, 5 + 2 * a))
    return sp.factor(mean.subs(back)), sp.factor(sp.simplify((second - mean**2).subs(back)))


@claim("002-F-mean", SEED, "Sec 3, after eq 7", "F_{1,m-1} has mean (m-1)/(m-3).")
def _f_mean() -> Result:
    mean, _ = _f_moments()
    return Result.decide(vanishes(mean - (m - 1) / (m - 3)), f"E F = (m-1) E[chi2_1] E[1/chi2_(m-1)] = {fmt(mean)}",
                         corrected=f"E F = {fmt(mean)}")


@claim("002-F-var", SEED, "Sec 3, after eq 7",
       "F_{1,m-1} has variance 2(m-1)^2 (m-2) / ((m-2)^2 (m-4)), divergent when m <= 4, decreasing in m.")
def _f_var() -> Result:
    _, var = _f_moments()
    seed = 2 * (m - 1) ** 2 * (m - 2) / ((m - 2) ** 2 * (m - 4))
    x = sp.Symbol("x", positive=True)
    # E[1/H^2] for H ~ chi2_4 (m = 5): the integral diverges at 0, so Var F = infinity at m = 5 too
    at5 = sp.integrate(x**-2 * chi2_pdf(x, 4), (x, 0, sp.oo))
    dvar = sp.factor(sp.diff(var, m))
    roots_above_5 = [r for r in sp.Poly(sp.numer(sp.together(dvar)), m).real_roots() if r > 5]
    decreasing = dvar.subs(m, 6) < 0 and not roots_above_5  # no sign change of the derivative on (5, oo)
    return Result.decide(vanishes(var - seed),
                         f"Var F = {fmt(var)} (finite iff m > 5); E[1/chi2_4^2] = {at5}; decreasing for m > 5: {decreasing}",
                         corrected=f"Var F_(1,m-1) = {fmt(var)} = 2(m-1)^2 (m-2)/((m-3)^2 (m-5)), infinite for m <= 5, decreasing for m > 5")


# ---- K -----------------------------------------------------------------------------------------

@claim("002-eq18", SEED, "Sec 4, eq 18", "The Jacobian of (z, h) -> (z, k), h = z(1-k)/k, is z/k^2.")
def _eq18() -> Result:
    k = sp.Symbol("k", positive=True)
    jac = sp.Matrix([z, z * (1 - k) / k]).jacobian([z, k]).det()
    return Result.decide(vanishes(sp.Abs(jac) - z / k**2), f"det = {fmt(sp.simplify(jac))}", corrected=f"|det| = {fmt(sp.Abs(jac))}")


@claim("002-eq19", SEED, "Sec 4, eq 19",
       "f(z, k) = 1/(2^(m/2) sqrt(pi) Gamma((m-1)/2)) k^(-2) ((1-k)/k)^((m-1)/2-1) z^((m-2)/2) exp(-z/k).")
def _eq19() -> Result:
    k = 1 / (1 + u)
    seed = 1 / (2 ** (m / 2) * sp.sqrt(sp.pi) * sp.gamma((m - 1) / 2)) / k**2 * ((1 - k) / k) ** ((m - 3) / 2) \
        * z ** ((m - 2) / 2) * sp.exp(-z / k)
    derived = joint_zk(k)
    ratio = sp.simplify(sp.powsimp(sp.expand_power_base(sp.factor(derived / seed), force=True), force=True))
    return Result.decide(ratio == 1, f"derived / printed = {fmt(ratio)} (with k = 1/(1+u))",
                         corrected="f(z,k) = 1/(2^(m/2) sqrt(pi) Gamma((m-1)/2)) k^(-2) ((1-k)/k)^((m-3)/2) z^((m-2)/2) exp(-z/(2k)) "
                                   "(the exponent is -z/(2k), not -z/k)")


@claim("002-eq21", SEED, "Sec 4, eq 20-21",
       "K = X_m^2/(X_m^2 + H) has density Gamma(m/2)/(Gamma((m-1)/2) Gamma(1/2)) k^(-1/2) (1-k)^((m-1)/2-1), i.e. Beta(1/2, (m-1)/2).")
def _eq21() -> Result:
    k = 1 / (1 + u)
    derived = k_pdf(k)
    printed = C_M * k ** (-half) * (1 - k) ** ((m - 3) / 2)
    ok20 = _same(derived, printed)
    ok21 = _same(derived, k_pdf_closed(k))
    return Result.decide(ok20 and ok21, f"integral over z of the derived joint density = eq 20: {ok20}; = Beta(1/2,(m-1)/2): {ok21}",
                         corrected=f"f_K = {fmt(derived)}")


def _k_mean() -> sp.Expr:
    return sp.simplify(beta_integral(sp.Rational(3, 2), (m - 1) / 2) / beta_integral(half, (m - 1) / 2))


@claim("002-eq22", SEED, "Sec 4, eq 22", "E K = 1/m.")
def _eq22() -> Result:
    mean = _k_mean()
    return Result.decide(vanishes(mean - 1 / m), f"E K = B(3/2,(m-1)/2)/B(1/2,(m-1)/2) = {fmt(mean)}", corrected=f"E K = {fmt(mean)}")


def _mode_analysis() -> tuple[list, dict]:
    """Critical points of log f_K and the sign of its derivative on a grid of (m, k)."""
    k = sp.Symbol("k", positive=True)
    dlog = sp.diff(sp.log(k ** (-half) * (1 - k) ** ((m - 3) / 2)), k)
    crit = sp.solve(sp.Eq(sp.together(dlog), 0), k)
    signs = {mv: [sp.sign(dlog.subs({m: mv, k: sp.Rational(j, 10)})) for j in range(1, 10)] for mv in (2, 3, 4, 5, 10)}
    return crit, signs


@claim("002-K-mode", SEED, "Sec 4, after eq 22", "The mode of K ~ Beta(1/2, (m-1)/2) is 1/(m-2).")
def _k_mode() -> Result:
    crit, signs = _mode_analysis()
    decreasing = all(all(s < 0 for s in signs[mv]) for mv in (3, 4, 5, 10))
    interior = [c for c in crit if sp.simplify(c.subs(m, 10)) > 0]
    return Result.decide(not decreasing and bool(interior),
                         f"critical point of the density: k = {crit} (negative for m > 4); d log f/dk < 0 on (0,1) for m = 3,4,5,10: {decreasing}; "
                         f"m = 2: signs {signs[2]} (U-shaped, minimum at 1/2)",
                         corrected="for m >= 3 the density of K is strictly decreasing on (0, 1) and unbounded at k = 0: there is no interior "
                                   "mode (the supremum is at k -> 0); for m = 2 it is U-shaped (arcsine) with its minimum at k = 1/2")


# ---- G -----------------------------------------------------------------------------------------

@claim("002-eq23", SEED, "Sec 4, eq 23",
       "With c = m, G has density Gamma(m/2)/(Gamma((m-1)/2) Gamma(1/2)) (g/m)^(-1/2) (1-g/m)^((m-1)/2-1) / m on [0, m].")
def _eq23() -> Result:
    g = _inside(0, m)
    printed = C_M * (g / m) ** (-half) / (1 - g / m) * (1 - g / m) ** ((m - 1) / 2) / m
    ok = _same(g_pdf(g), printed)
    return Result.decide(ok, f"change of variables g = m k of the Beta law matches the printed density: {ok}", corrected="f_G(g) = f_K(g/m)/m")


@claim("002-eq24", SEED, "Sec 4, eq 24", "E G = 1 for c = m, and E G = (m-1)/m for c = m-1.")
def _eq24() -> Result:
    mean_k = _k_mean()
    e_m, e_m1 = sp.simplify(m * mean_k), sp.simplify((m - 1) * mean_k)
    return Result.decide(e_m == 1 and vanishes(e_m1 - (m - 1) / m), f"E G = c E K: c=m -> {fmt(e_m)}, c=m-1 -> {fmt(e_m1)}",
                         corrected="see computed means")


@claim("002-G-mode", SEED, "Sec 4, after eq 24", "The mode of G is m/(m-2) for c = m and (m-1)/(m-2) for c = m-1.")
def _g_mode() -> Result:
    crit, signs = _mode_analysis()  # G = c K is an increasing linear map of K: same shape, modes scale by c
    decreasing = all(all(s < 0 for s in signs[mv]) for mv in (3, 4, 5, 10))
    return Result.decide(not decreasing,
                         f"G = c K, and f_K is strictly decreasing on (0,1) for m >= 3 (critical point k = {crit} outside (0,1))",
                         corrected="for m >= 3 the density of G decreases on (0, c) and is unbounded at 0: no mode at c/(m-2); for m = 2 it is U-shaped")


@claim("002-eq25", SEED, "Sec 4, eq 25", "As m -> infinity, f_m(g) -> g^(-1/2) exp(-g/2)/sqrt(2 pi), the chi2_1 density (mean 1, variance 2).")
def _eq25() -> Result:
    g = sp.Symbol("g", positive=True)
    limit_ratio = _limit_via_gamma_ratio(g_pdf(g) / chi2_pdf(g, 1), sp.sqrt(2) * (1 - g / m) ** ((m - 3) / 2) * sp.exp(g / 2))
    mean, second = chi2_moment(1, 1), chi2_moment(1, 2)
    return Result.decide(limit_ratio == 1 and mean == 1 and second - mean**2 == 2,
                         f"lim f_m/f_chi2_1 = {limit_ratio}; chi2_1 mean {mean}, variance {second - mean**2}", corrected="see computed limit")


def _limit_via_gamma_ratio(ratio: sp.Expr, rest: sp.Expr) -> sp.Expr:
    """lim_{m -> oo} ratio, after checking ratio = [Gamma(m/2)/(Gamma((m-1)/2) sqrt m)] * rest.

    Splitting off the Gamma ratio (whose limit is computed once) keeps sympy's limit fast.
    """
    gr = sp.gamma(m / 2) / (sp.gamma((m - 1) / 2) * sp.sqrt(m))
    if not vanishes(ratio / gr - rest):
        raise ArithmeticError("ratio does not factor as expected")
    return sp.simplify(gamma_ratio_limit() * sp.limit(rest, m, sp.oo))


@claim("002-eq26", SEED, "Sec 4, eq 26", "For m = 3, f(g) = g^(-1/2)/(2 sqrt 3) on [0, 3].")
def _eq26() -> Result:
    g = sp.Symbol("g", positive=True)
    derived = sp.simplify(g_pdf(g).subs(m, 3))
    printed = g ** (-half) / (2 * sp.sqrt(3))
    mass = sp.integrate(printed, (g, 0, 3))
    return Result.decide(vanishes(derived - printed) and mass == 1, f"derived f_3(g) = {fmt(derived)}; printed mass on [0,3] = {mass}",
                         corrected=f"f_3(g) = {fmt(derived)}")


@claim("002-eq27", SEED, "Sec 4, eq 27", "For m = 2, f_2(g) = 1/(pi sqrt((g/2)(1 - g/2))) on [0, 2].")
def _eq27() -> Result:
    g = sp.Symbol("g", positive=True)
    derived = sp.simplify(g_pdf(g).subs(m, 2))
    printed = 1 / (sp.pi * sp.sqrt(g / 2 * (1 - g / 2)))
    mass = sp.simplify(sp.integrate(printed, (g, 0, 2)))
    ratio = sp.simplify(derived / printed)
    return Result.decide(ratio == 1, f"derived / printed = {ratio}; printed density has total mass {mass}",
                         corrected="f_2(g) = 1/(2 pi sqrt((g/2)(1 - g/2))) on [0, 2] (arcsine law on [0, 2]; G piles up near 0 and near 2)")


@claim("002-m-to-1", SEED, "Sec 4, after eq 27", "For 0 < g < 1, lim_{m -> 1+} f_m(g) = 0.")
def _m_to_1() -> Result:
    g = _inside(0, 1)
    eps = sp.Symbol("epsilon", positive=True)
    lim = sp.limit(g_pdf(g).subs(m, 1 + eps), eps, 0, "+")
    return Result.decide(lim == 0, f"limit = {lim} (Gamma((m-1)/2) -> infinity)", corrected=f"limit = {lim}")


@claim("002-eq16", SEED, "Sec 4, eq 16", "For m = 1, G = X_1^2/|X_1| = sgn(X_1).")
def _eq16() -> Result:
    x = sp.Symbol("x", positive=True)
    # evaluate both sides on each sign of X_1 (x > 0 stands for |X_1|)
    lhs = {sgn: sp.simplify((sgn * x) ** 2 / sp.Abs(sgn * x)) for sgn in (1, -1)}
    rhs = {sgn: sp.sign(sgn * x) for sgn in (1, -1)}
    g_m1 = sp.simplify((x**2 / (x**2 / 1)))  # eq 14 with m = c = 1
    return Result.decide(all(vanishes(lhs[s] - rhs[s]) for s in (1, -1)),
                         f"X^2/|X| = {lhs[1]} for X = x > 0 and {lhs[-1]} for X = -x; sgn X = {rhs}; eq 14 with m = c = 1 gives G = {g_m1}",
                         corrected="X_1^2/|X_1| = |X_1|; eq 14 with m = c = 1 gives G = 1 identically, and the signed update x_g = sgn(X_1)")


# ---- x_k -------------------------------------------------------------------------------------

@claim("002-eq28", SEED, "Sec 4, eq 28",
       "x_k = +-sqrt(K) has density Gamma(m/2)/(Gamma((m-1)/2) Gamma(1/2)) (1 - x^2)^((m-1)/2 - 1), a probability density on [-1, 1].")
def _eq28() -> Result:
    def printed(v: sp.Expr) -> sp.Expr:
        return C_M * (1 - v**2) ** ((m - 3) / 2)

    x = _inside(0, 1)
    ok = _same(xk_pdf(x), printed(x))
    xs, t = sp.Symbol("x", positive=True), sp.Symbol("t", positive=True)
    # mass = 2 int_0^1 f(x) dx with x = sqrt(t)
    mass = beta_kernel_integral(2 * printed(sp.sqrt(t)) * sp.diff(sp.sqrt(t), t), t, half, (m - 1) / 2)
    mass_m5 = sp.integrate(2 * printed(xs).subs(m, 5), (xs, 0, 1))
    return Result.decide(ok and mass == 1 and mass_m5 == 1, f"matches |x| f_K(x^2): {ok}; total mass {mass} (symbolic), {mass_m5} (m=5)",
                         corrected="see derived density")


@claim("002-eq28-support", SEED, "Sec 4, before eq 28", "x_k = sqrt(K) is extended from [0, sqrt m] to [-sqrt m, sqrt m].")
def _eq28_support() -> Result:
    # K = X_m^2/(X_m^2 + H) <= 1 because H >= 0: the support of sqrt(K) is [0, 1]
    kmax = sp.maximum(z / (z + u), z, sp.Interval(0, sp.oo))
    return Result.decide(kmax == m, f"sup K = sup z/(z+h) = {kmax}", corrected="x_k lives on [-1, 1] (the interval [-sqrt m, sqrt m] is the support of x_g)")


@claim("002-eq29", SEED, "Sec 4, eq 29", "z_k = (1 + x_k)/2 ~ Beta((m-1)/2, (m-1)/2).")
def _eq29() -> Result:
    zz = 1 / (1 + u)
    derived = 2 * C_M * sp.factor(1 - (2 * zz - 1) ** 2) ** ((m - 3) / 2)
    beta_pdf = zz ** ((m - 3) / 2) * (1 - zz) ** ((m - 3) / 2) / beta_integral((m - 1) / 2, (m - 1) / 2)
    ok = _same(derived, beta_pdf)
    return Result.decide(ok, f"2 f_x(2z-1) / Beta((m-1)/2,(m-1)/2) pdf simplifies to 1: {ok} (Legendre duplication)", corrected="see derived density")


# ---- x_g -------------------------------------------------------------------------------------

@claim("002-eq30", SEED, "Sec 4, eq 30",
       "x_g = +-sqrt(G) has density f_m(x) = m^(-1/2) Gamma(m/2)/(Gamma((m-1)/2) Gamma(1/2)) (1 - x^2/m)^((m-1)/2 - 1) on |x| <= sqrt m, of total mass 1.")
def _eq30() -> Result:
    def printed(v: sp.Expr) -> sp.Expr:
        return C_M / sp.sqrt(m) / (1 - v**2 / m) * (1 - v**2 / m) ** ((m - 1) / 2)

    x = _inside(0, sp.sqrt(m))
    ok = _same(xg_pdf(x), printed(x))
    t = sp.Symbol("t", positive=True)  # mass = 2 int_0^sqrt(m) f(x) dx with x = sqrt(m t)
    mass = beta_kernel_integral(2 * printed(sp.sqrt(m * t)) * sp.diff(sp.sqrt(m * t), t), t, half, (m - 1) / 2)
    return Result.decide(ok and mass == 1, f"matches |x| f_G(x^2): {ok}; total mass {mass}", corrected="see derived density")


@claim("002-eq31", SEED, "Sec 4, eq 31", "As m -> infinity the density of x_g tends to the standard normal density.")
def _eq31() -> Result:
    x = sp.Symbol("x", positive=True)  # the density is even, so x > 0 suffices
    phi = sp.exp(-x**2 / 2) / sp.sqrt(2 * sp.pi)
    lim = _limit_via_gamma_ratio(xg_pdf(x) / phi, sp.sqrt(2) * (1 - x**2 / m) ** ((m - 3) / 2) * sp.exp(x**2 / 2))
    return Result.decide(lim == 1, f"lim f_m(x)/phi(x) = {lim}", corrected="see limit")


@claim("002-eq32", SEED, "Sec 4, eq 32", "For m = 2, f_2(x_g) = 1/(pi sqrt(1 - x^2)) (arcsine law).")
def _eq32() -> Result:
    x = _inside(0, 1)
    derived = sp.simplify(xg_pdf(x).subs(m, 2))
    printed = 1 / (sp.pi * sp.sqrt(1 - x**2))
    xs = sp.Symbol("x", positive=True)
    support_mass = sp.integrate(2 / (sp.pi * sp.sqrt(2 - xs**2)), (xs, 0, sp.sqrt(2)))
    return Result.decide(_same(derived, printed), f"derived f_2 / printed = {fmt(sp.simplify(derived / printed))} at x = 1/(1+u); "
                         f"1/(pi sqrt(2-x^2)) has mass {support_mass} on [-sqrt2, sqrt2]",
                         corrected="f_2(x_g) = 1/(pi sqrt(2 - x^2)) on [-sqrt 2, sqrt 2] (arcsine law on [-sqrt m, sqrt m]); "
                                   "1/(pi sqrt(1-x^2)) is the m = 2 law of x_k, not of x_g")


@claim("002-eq33", SEED, "Sec 4, eq 33", "For m = 3, f_3(x_g) = 1/(2 sqrt 2), uniform on [-sqrt 2, sqrt 2].")
def _eq33() -> Result:
    x = _inside(0, sp.sqrt(3))
    derived = sp.simplify(xg_pdf(x).subs(m, 3))
    return Result.decide(vanishes(derived - 1 / (2 * sp.sqrt(2))), f"derived f_3 = {fmt(derived)} on |x| <= sqrt 3",
                         corrected=f"f_3(x_g) = {fmt(derived)} = 1/(2 sqrt 3): uniform on [-sqrt 3, sqrt 3]")


@claim("002-thm1", SEED, "Sec 4, Theorem 1",
       "With g_i i.i.d. N(0,1), mu = 0, n_t = sum_{i<=t} g_i^2 and c_n = 1/t, Delta theta = g_t/sqrt(n_t/c_n) has the density of eq 30 (m = t).")
def _thm1() -> Result:
    g, n_t, t = sp.symbols("g n_t t", positive=True)
    update = g / sp.sqrt(n_t / (1 / t))
    x_g = g / sp.sqrt(n_t / t)  # sqrt(G) with c = m = t, eq 14
    ratio = sp.simplify(update / x_g)
    return Result.decide(ratio == 1, f"Delta theta / x_g = {fmt(ratio)}",
                         corrected="eq 30 is the law of g_t/sqrt(n_t/c_n) for c_n = t (equivalently n_t = (1/t) sum g_i^2 with c_n = 1); "
                                   "with c_n = 1/t the update is x_g/t, with density t f_t(t x)")
