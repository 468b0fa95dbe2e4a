"""Small sympy helpers shared by the claim modules: sample points, Beta integrals, chi-square laws, rate exponents
and the generic branch of geometric sums."""
from __future__ import annotations

import functools

import sympy as sp

m = sp.Symbol("m", positive=True)  # number of samples (time step) in seed 002
beta = sp.Symbol("beta", positive=True)  # decay rate, 0 < beta < 1 where it matters
sigma = sp.Symbol("sigma", positive=True)
mu = sp.Symbol("mu", real=True)


def sample_points(ranges: dict, n: int = 6, seed: int = 0, fixed: dict | None = None) -> list[dict]:
    """``n`` points with exact rational coordinates drawn uniformly from ``ranges`` (symbol -> (lo, hi)).

    Integer symbols get integers in [lo, hi]. The points are where the registry evaluates sympy
    expressions to decide ``equal`` and order relations; a fixed seed makes them reproducible.
    ``fixed`` adds the same values (symbol -> value) to every point.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        p = {}
        for sym, (lo, hi) in ranges.items():
            if getattr(sym, "is_integer", False):
                p[sym] = sp.Integer(int(rng.integers(int(lo), int(hi) + 1)))
            else:
                u = rng.uniform(0.02, 0.98)
                p[sym] = sp.nsimplify(lo) + (sp.nsimplify(hi) - sp.nsimplify(lo)) * sp.Rational(int(u * 9973), 9973)
        p.update(fixed or {})
        out.append(p)
    return out


def vanishes(expr: sp.Expr) -> bool:
    """True if sympy can reduce ``expr`` to exactly 0 (gamma functions and powers included)."""
    e = sp.gammasimp(sp.powsimp(sp.expand_power_base(sp.sympify(expr), force=True), force=True))
    return sp.simplify(e) == 0


@functools.lru_cache(maxsize=None)
def beta_integral(p: sp.Expr, q: sp.Expr) -> sp.Expr:
    """Compute int_0^1 t^(p-1) (1-t)^(q-1) dt by integration (not by quoting B(p, q))."""
    t = sp.Symbol("t", positive=True)
    raw = sp.integrate(t ** (p - 1) * (1 - t) ** (q - 1), (t, 0, 1), conds="none")
    if raw.has(sp.Integral):  # sympy leaves some symmetric cases unevaluated: use Euler's closed form
        return sp.gamma(p) * sp.gamma(q) / sp.gamma(p + q)
    # boundary terms 0^(positive power) appear in sympy's antiderivative; with p, q > 0 they vanish
    raw = raw.replace(lambda e: e.is_Pow and e.base == 0, lambda e: sp.S.Zero)
    return sp.gammasimp(sp.hyperexpand(raw))


@functools.lru_cache(maxsize=None)
def beta_kernel_integral(integrand: sp.Expr, t: sp.Symbol, p: sp.Expr, q: sp.Expr) -> sp.Expr:
    """int_0^1 integrand dt for an integrand of the form const * t^(p-1) (1-t)^(q-1).

    The constant is computed as integrand / kernel and must come out free of t (else ArithmeticError);
    the Beta integral itself is done by :func:`beta_integral`. This avoids sympy's slow Meijer-G route.
    """
    kernel = t ** (p - 1) * (1 - t) ** (q - 1)
    const = sp.simplify(sp.powsimp(sp.expand_power_base(integrand / kernel, force=True), force=True))
    if const.has(t):
        raise ArithmeticError(f"integrand is not a Beta kernel: remaining factor {const}")
    return sp.simplify(const * beta_integral(p, q))


def chi2_pdf(x: sp.Expr, k: sp.Expr) -> sp.Expr:
    """Density of chi-square with k degrees of freedom (seed 002, eq 5)."""
    k = sp.sympify(k)  # an int k would make k/2 a float
    return x ** (k / 2 - 1) * sp.exp(-x / 2) / (2 ** (k / 2) * sp.gamma(k / 2))


@functools.lru_cache(maxsize=None)
def chi2_moment(k: sp.Expr, s: sp.Expr) -> sp.Expr:
    """E[X^s] for X ~ chi^2_k, integrated symbolically (valid for k/2 + s > 0)."""
    x = sp.Symbol("x", positive=True)
    k, s = sp.sympify(k), sp.sympify(s)
    return sp.gammasimp(sp.integrate(x**s * chi2_pdf(x, k), (x, 0, sp.oo), conds="none"))


def fmt(expr: sp.Expr) -> str:
    """One-line text form of an expression for the report."""
    return sp.sstr(expr).replace("**", "^")


@functools.lru_cache(maxsize=None)
def gamma_ratio_limit() -> sp.Expr:
    """lim_{m -> oo} Gamma(m/2) / (Gamma((m-1)/2) sqrt(m)), computed once by sympy (it is 1/sqrt 2).

    With x = (m-1)/2 the ratio is [Gamma(x+1/2)/(Gamma(x) sqrt x)] * sqrt(x/(2x+1)); the first factor's
    limit is taken on the log scale (loggamma), which sympy does several times faster.
    """
    x = sp.Symbol("x", positive=True)
    log_first = sp.limit(sp.loggamma(x + sp.S.Half) - sp.loggamma(x) - sp.log(x) / 2, x, sp.oo)
    return sp.simplify(sp.exp(log_first) * sp.limit(sp.sqrt(x / (2 * x + 1)), x, sp.oo))


@functools.lru_cache(maxsize=None)
def integral(expr: sp.Expr, var: sp.Symbol, lo: sp.Expr, hi: sp.Expr) -> sp.Expr:
    """sympy's definite integral of ``expr`` over (lo, hi), cached (claims and their mutants share it)."""
    return sp.integrate(expr, (var, lo, hi), conds="none")


def exponent_in(expr: sp.Expr, var: sp.Symbol) -> sp.Expr:
    """d log(expr) / d log(var): the power of ``var`` in a product of powers (a rate's exponent)."""
    return sp.simplify(sp.diff(sp.expand_log(sp.log(expr), force=True), var) * var)


def generic_branch(expr: sp.Expr) -> sp.Expr:
    """The generic branch of a sympy geometric sum: the special case beta = 1 is excluded by 0 <= beta < 1."""
    folded = sp.piecewise_fold(expr)
    return folded.args[-1][0] if isinstance(folded, sp.Piecewise) else folded
