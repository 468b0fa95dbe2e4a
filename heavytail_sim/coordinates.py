"""Norm moments E||xi||^alpha of vectors with independent heavy-tailed coordinates (seed 000 Lemma 4).

* :func:`lemma4_bounds`: the seed's bounds d^(alpha/2-1) ||B||_alpha^alpha <= E||g||^alpha <=
  d^(alpha/2) ||B||_alpha^alpha, and :func:`norm_moment_sharp_upper`, the sharper ||B||_alpha^alpha
  that holds because ||v||_2 <= ||v||_alpha for alpha <= 2.
* :func:`norm_moment_mc`: Monte Carlo of ||xi||^alpha from the engine's generator (numba kernel, one
  xoroshiro stream per sample), with :func:`norm_alpha_reference` as its slow numpy-side twin.
* :func:`norm_moment_exact`: E||xi||^alpha for independent symmetric-Lomax coordinates by a
  Laplace-transform identity and 1-D quadrature, exact up to quadrature error (~1e-8 relative); it is the
  yardstick where the Monte Carlo mean has infinite variance (coordinate tail index a < 2 alpha).
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from .errors import UsageError
from .noise import KINDS, NoiseModel, draw
from .rng import seed_states


def lemma4_bounds(B, alpha: float) -> tuple[float, float]:
    """Seed 000 Lemma 4's (lower, upper) for E||g||^alpha given E|g_i|^alpha <= B_i^alpha."""
    B = np.asarray(B, float)
    d = B.size
    ba = float(np.sum(B ** alpha))
    # seed 000, Lemma 4: d^(alpha/2 - 1) ||B||_alpha^alpha <= D <= d^(alpha/2) ||B||_alpha^alpha
    return d ** (alpha / 2 - 1) * ba, d ** (alpha / 2) * ba


def norm_moment_sharp_upper(B, alpha: float) -> float:
    """||B||_alpha^alpha: since ||v||_2 <= ||v||_alpha for alpha <= 2, E||g||_2^alpha <= sum_i E|g_i|^alpha."""
    return float(np.sum(np.asarray(B, float) ** alpha))


def lemma4_position(value: float, B, alpha: float) -> float:
    """Where ``value`` sits between Lemma 4's bounds on a log scale: 0 = lower bound, 1 = upper bound."""
    lo, hi = lemma4_bounds(B, alpha)
    if hi == lo:  # d = 1: both bounds equal E|g|^alpha
        return math.nan
    return math.log(value / lo) / math.log(hi / lo)


@njit(parallel=True, cache=True)
def _norm_alpha_kernel(states, kind, idx, sc, alpha, out):
    """out[r] = ||xi_r||_2^alpha with xi_r's d coordinates drawn, in order, from stream r."""
    for r in prange(out.shape[0]):
        s2 = 0.0
        for i in range(idx.shape[0]):
            z = draw(states, r, kind, idx[i], sc[i])
            s2 += z * z
        out[r] = s2 ** (0.5 * alpha)


def _check(noise: NoiseModel, d: int, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    if not (0 < alpha <= 2):
        raise UsageError(f"alpha must lie in (0, 2], got {alpha}")
    if d < 1:
        raise UsageError(f"dimension must be >= 1, got {d}")
    return noise.arrays(d)


def norm_alpha_samples(noise: NoiseModel, d: int, alpha: float, n: int, seed: int) -> np.ndarray:
    """n independent draws of ||xi||_2^alpha, shape ``(n,)``, xi with d independent coordinates of ``noise``."""
    idx, sc = _check(noise, d, alpha)
    out = np.empty(int(n))
    _norm_alpha_kernel(seed_states(seed, int(n)), KINDS[noise.kind], idx, sc, float(alpha), out)
    return out


def norm_alpha_reference(noise: NoiseModel, d: int, alpha: float, n: int, seed: int) -> np.ndarray:
    """Slow reference of :func:`norm_alpha_samples`: the same streams through the pure-Python generator and
    samplers of :mod:`heavytail_sim.reference`, the norm taken with numpy."""
    from .reference import Xoroshiro128Plus, draw as ref_draw

    idx, sc = _check(noise, d, alpha)
    gens = [Xoroshiro128Plus(*row) for row in seed_states(seed, int(n))]
    xi = np.array([[ref_draw(g, noise.kind, idx[i], sc[i]) for i in range(d)] for g in gens])
    return np.linalg.norm(xi, axis=1) ** alpha


def norm_moment_mc(noise: NoiseModel, d: int, alpha: float, n: int, seed: int) -> dict:
    """Monte Carlo summary of ||xi||^alpha: mean, standard error of the mean, median, n.

    The standard error is meaningful only when E||xi||^(2 alpha) < inf (coordinate tail index > 2 alpha);
    ``finite_variance`` says whether that holds.
    """
    v = norm_alpha_samples(noise, d, alpha, n, seed)
    tail = np.min(np.atleast_1d(noise.tail_index()))
    return {"mean": float(v.mean()), "se": float(v.std(ddof=1) / math.sqrt(v.size)),
            "median": float(np.median(v)), "n": int(v.size), "finite_variance": bool(tail > 2 * alpha)}


def _lomax_laplace_tail(a: float, u: np.ndarray, h: float = 0.02) -> np.ndarray:
    """1 - E exp(-u Y^2) for |Y| with P(|Y| > y) = (1 + y)^(-a), at each u > 0.

    Trapezoid rule in z = log y: the integrand (1 - e^{-u y^2}) a (1+y)^(-a-1) y is smooth in z and decays
    exponentially at both ends (like u e^{3z} and e^{-a z}), where the rule converges geometrically in 1/h.
    """
    out = np.empty(u.size)
    for j, uu in enumerate(np.asarray(u, float)):
        z = np.arange(-25.0, 0.5 * math.log(1.0 / uu) + 60.0 / a, h)
        y = np.exp(z)
        f = -np.expm1(-uu * y * y) * a * np.exp(-(a + 1.0) * np.log1p(y)) * y
        out[j] = h * (f.sum() - 0.5 * (f[0] + f[-1]))
    return out


def norm_moment_exact(noise: NoiseModel, d: int, alpha: float, nodes_per_unit: int = 8) -> float:
    """E||xi||_2^alpha for d independent symmetric-Lomax coordinates, 0 < alpha < 2, by quadrature.

    With S = ||xi||^2 and q = alpha/2 in (0, 1): E S^q = q / Gamma(1 - q) int_0^inf (1 - E e^{-tS}) t^(-q-1) dt
    (from s^q = q / Gamma(1-q) int_0^inf (1 - e^{-ts}) t^(-q-1) dt), and E e^{-tS} = prod_i psi(t s_i^2) with
    psi(u) = E e^{-u Y^2} of the standard coordinate. log(1 - psi) is tabulated on a log grid of u and
    interpolated (it is smooth in log u); the outer integral uses the trapezoid rule in log t, which converges
    geometrically because the integrand decays exponentially in log t at both ends (like t^((a/2 or 1) - q)
    at 0, t^-q at infinity, whose tail beyond the grid is added in closed form).
    """
    from scipy.interpolate import CubicSpline
    from scipy.special import gamma as gamma_fn

    if noise.kind != "pareto":
        raise UsageError("norm_moment_exact supports pareto (symmetric Lomax) coordinates only")
    if not (0 < alpha < 2):
        raise UsageError(f"norm_moment_exact needs 0 < alpha < 2, got {alpha}")
    idx, sc = noise.arrays(d)
    if np.any(idx != idx[0]):
        raise UsageError("norm_moment_exact needs one tail index for all coordinates")
    a = float(idx[0])
    if alpha >= a:
        return math.inf
    q = alpha / 2.0
    s2 = sc[sc > 0] ** 2
    if s2.size == 0:
        return 0.0
    # t range: below t_lo, 1 - E e^{-tS} ~ t^kappa (kappa = min(a/2, 1) > q) and the integrand has decayed
    # by ~1e-8 over the grid; above t_hi it is ~t^-q. Both remainders are added in closed form.
    kappa = min(a / 2.0, 1.0)
    t_lo = math.exp(-20.0 / (kappa - q)) / s2.sum()
    t_hi = math.exp(20.0 / q) / s2.min()
    ulo, uhi = math.log10(t_lo * s2.min()) - 1, math.log10(t_hi * s2.max()) + 1
    u = np.logspace(ulo, uhi, int(nodes_per_unit * (uhi - ulo)) + 1)
    spline = CubicSpline(np.log(u), np.log(_lomax_laplace_tail(a, u)))
    scales, counts = np.unique(s2, return_counts=True)
    lt = np.linspace(math.log(t_lo), math.log(t_hi), int(25 * math.log(t_hi / t_lo)) + 1)
    log_psi = np.zeros(lt.size)
    for s, c in zip(scales, counts):
        log_psi += c * np.log1p(-np.exp(spline(lt + math.log(s))))
    one_minus = -np.expm1(log_psi)
    integrand = one_minus * np.exp(-q * lt)
    h = lt[1] - lt[0]
    body = h * (integrand.sum() - 0.5 * (integrand[0] + integrand[-1]))
    low = integrand[0] / (kappa - q)   # int_0^t_lo of C t^(kappa - q - 1) dt, C fitted at t_lo
    high = integrand[-1] / q           # int_t_hi^inf of (1 - E e^{-tS}) t^(-q-1) dt with 1 - E e^{-tS} ~ 1
    return float(q / gamma_fn(1.0 - q) * (body + low + high))
