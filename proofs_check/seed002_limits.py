"""Seed 002, Sec 3-4: every limit *law* (m -> infinity and m -> 1+), decided by the distance of the
exact law at growing (or shrinking) m from the law the seed states as the limit.

Distances: Kolmogorov (sup of the CDF difference on a fine grid) for continuous limits; Wasserstein-1
(integral of the CDF difference) for the atomic limit m -> 1+, where the CDF converges only away from
the atom. Exact CDFs come from scipy (chi-square, t, normal, regularised incomplete Beta for the Beta
laws derived in :mod:`proofs_check.seed002_densities`).
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from .registry import claim as _claim
from .registry import limit
from .seed002_densities import g_cdf, xg_cdf

SEED = "002"


def claim(id: str, location: str, statement: str, **kw):
    """Register a seed 002 claim."""
    return _claim(id, SEED, location, statement, **kw)


def kolmogorov(cdf_a: Callable, cdf_b: Callable, lo: float, hi: float, n: int = 4001) -> float:
    """sup_x |F_a(x) - F_b(x)| on a grid of n points of [lo, hi] (both CDFs vectorised)."""
    xs = np.linspace(lo, hi, n)
    return float(np.max(np.abs(cdf_a(xs) - cdf_b(xs))))


def _normal_cdf(mean: float, var: float) -> Callable:
    from scipy import stats

    return lambda xs: stats.norm.cdf(xs, mean, np.sqrt(var))


M_LARGE = (10, 100, 1000, 10000, 100000)


@claim("002-sec3-chi2-limit", "Sec 3, after eq 5",
       "When m -> infinity the chi^2_m law converges to a Gaussian with mean m (variance 2m, that of chi^2_m).",
       mutant={"limit_mean": lambda mv: 1.1 * mv}, mc=True)
def _chi2_limit(limit_mean: Callable = lambda mv: mv):
    from scipy import stats

    d = [kolmogorov(lambda xs: stats.chi2.cdf(xs, mv), _normal_cdf(limit_mean(mv), 2 * mv),
                    mv - 10 * np.sqrt(2 * mv), mv + 10 * np.sqrt(2 * mv)) for mv in M_LARGE]
    return limit("Kolmogorov distance of chi^2_m from the stated Gaussian", d, 0, at=M_LARGE)


@claim("002-eq6-limit", "Sec 3, after eq 6", "For large m the reduced chi^2 S = Q/m converges to a Gaussian with mean 1 and variance 2/m.",
       mutant={"limit_var": lambda mv: 1.0 / mv}, mc=True)
def _eq6_limit(limit_mean: Callable = lambda mv: 1.0, limit_var: Callable = lambda mv: 2.0 / mv):
    from scipy import stats

    d = [kolmogorov(lambda xs: stats.chi2.cdf(xs * mv, mv), _normal_cdf(limit_mean(mv), limit_var(mv)),
                    1 - 10 * np.sqrt(2 / mv), 1 + 10 * np.sqrt(2 / mv)) for mv in M_LARGE]
    return limit("Kolmogorov distance of S from the stated Gaussian", d, 0, at=M_LARGE)


M_T = (5, 50, 500, 5000)


@claim("002-sec3-t-limit", "Sec 3, after eq 6", "As m -> infinity the t distribution converges to a standard Gaussian.",
       mutant={"limit_var": 2.0}, mc=True)
def _t_limit(limit_var: float = 1.0):
    from scipy import stats

    d = [kolmogorov(lambda xs: stats.t.cdf(xs, mv), _normal_cdf(0.0, limit_var), -10, 10) for mv in M_T]
    return limit("Kolmogorov distance of t_m from the stated Gaussian", d, 0, at=M_T)


M_G = (10, 100, 1000, 10000)


@claim("002-eq25-law", "Sec 4, eq 25", "As m -> infinity the law of G (c = m) converges to chi^2 with 1 degree of freedom.",
       mutant={"limit_dof": 2}, mc=True)
def _eq25_law(limit_dof: int = 1):
    from scipy import stats

    d = [kolmogorov(lambda gs: g_cdf(gs, mv), lambda gs: stats.chi2.cdf(gs, limit_dof), 0, 30) for mv in M_G]
    return limit("Kolmogorov distance of G from the stated chi^2 law", d, 0, at=M_G)


@claim("002-eq31-law", "Sec 4, eq 31", "As m -> infinity the law of x_g converges to the standard Gaussian.",
       mutant={"limit_var": 2.0}, mc=True)
def _eq31_law(limit_var: float = 1.0):
    d = [kolmogorov(lambda xs: xg_cdf(xs, mv), _normal_cdf(0.0, limit_var), -8, 8) for mv in M_G]
    return limit("Kolmogorov distance of x_g from the stated Gaussian", d, 0, at=M_G)


@claim("002-eq29-limit", "Sec 4, after eq 29",
       "z_k ~ Beta((m-1)/2, (m-1)/2) is centred and has a Gaussian asymptotic distribution.",
       mutant={"limit_var": 2.0}, mc=True)
def _eq29_limit(limit_var: float = 1.0):
    from scipy import stats

    def standardised(mv: float) -> Callable:
        a = (mv - 1) / 2
        law_ = stats.beta(a, a)
        return lambda ys: law_.cdf(0.5 + ys * law_.std())

    d = [kolmogorov(standardised(mv), _normal_cdf(0.0, limit_var), -8, 8) for mv in M_G]
    return limit("Kolmogorov distance of (z_k - 1/2)/sd from the stated Gaussian", d, 0, at=M_G)


@claim("002-sec4-same-limit", "Sec 4, after Theorem 1",
       "As m -> infinity the t law and the update law converge to the same limiting Gaussian, with variance 1.",
       mutant={"limit_var": 2.0}, mc=True)
def _same_limit(limit_var: float = 1.0):
    from scipy import stats

    ms = (5, 50, 500, 5000)
    d_t = [kolmogorov(lambda xs: stats.t.cdf(xs, mv), _normal_cdf(0.0, limit_var), -10, 10) for mv in ms]
    d_x = [kolmogorov(lambda xs: xg_cdf(xs, mv), _normal_cdf(0.0, limit_var), -10, 10) for mv in ms]
    d_tx = [kolmogorov(lambda xs: stats.t.cdf(xs, mv), lambda xs: xg_cdf(xs, mv), -10, 10) for mv in ms]
    return [limit("Kolmogorov distance of t_m from N(0, v)", d_t, 0, at=ms),
            limit("Kolmogorov distance of x_g from N(0, v)", d_x, 0, at=ms),
            limit("Kolmogorov distance between t_m and x_g", d_tx, 0, at=ms)]


def _w1_to_atoms(mv: float, atoms: dict[float, float]) -> float:
    """Wasserstein-1 distance int |F_G - F_atoms| between G (c = m) and a law with point masses."""
    from scipy.integrate import quad

    locs = sorted(atoms)

    def f_atoms(g: float) -> float:
        return sum(w for a, w in atoms.items() if g >= a)

    breaks = sorted(set([0.0, mv] + [a for a in locs if 0 < a < mv] + [1.0 / mv if mv > 1 else 0.5]))
    total = 0.0
    for a, b in zip(breaks, breaks[1:]):
        val, _ = quad(lambda g: abs(float(g_cdf(g, mv)) - f_atoms(g)), a, b, limit=200, epsabs=1e-12)
        total += val
    top = max(locs + [mv])
    if top > mv:  # mass of the stated law beyond the support of G
        total += top - mv
    return total


EPS_TO_1 = (1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6)


@claim("002-m-to-1-law", "Sec 4, after eq 27",
       "As m -> 1+ the law of G tends to a mixed delta distribution proportional to delta(g - 1) + delta(g).",
       mutant={"atoms": ((1.0, 1.0),)}, mc=True)
def _m_to_1_law(atoms: tuple = ((0.0, 0.5), (1.0, 0.5))):
    d = [_w1_to_atoms(1 + e, dict(atoms)) for e in EPS_TO_1]
    to_delta1 = [_w1_to_atoms(1 + e, {1.0: 1.0}) for e in EPS_TO_1]
    return limit("Wasserstein-1 distance of G from the stated limit law", d, 0, at=[f"m = 1 + {e:g}" for e in EPS_TO_1],
                 context={"distance from delta(g - 1)": to_delta1},
                 corrected="G tends to the point mass delta(g - 1) (distance {distance from delta(g - 1)}): E G = 1 and G <= m -> 1")
