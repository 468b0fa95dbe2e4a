"""Seed 000 Theorem 2 on concrete non-convex problems: its constants computed exactly on a box-projected
``ripple``, and a transient model of the error of its schedule.

Exact constants on a non-benign ripple
--------------------------------------
``ripple(d, h, c, w)`` has f_i(t) = h (t^2/2 + c (1 - cos(w t))), grad f_i = h (t + c w sin(w t)); with
c w^2 > 1 it has spurious local minima (and, in d >= 2, saddles). Assumption 1 (E||g||^alpha <= G^alpha
for every x) has no finite G on R^d because ||grad f|| is unbounded, so the iterates are kept in a box
[-R, R]^d by projection. Theorem 2's proof still holds for the projected method when R >= c w: then f_i is
increasing on [R, inf) (f_i' >= h (t - c w) > 0), so clipping a coordinate back to the box never increases
f, f(x_k) <= f(y_k) for y_k = x_{k-1} - eta g_hat, and the proof's first line (the descent lemma at y_k)
and everything after it are unchanged, with Assumption 1 needed only on the box
(:func:`box_keeps_descent`). On the box, with additive noise xi of i.i.d. symmetric coordinates:

* M = max_{|t| <= R} |grad f_i(t)|, exactly from the finitely many critical points (:func:`ripple_gradient_bound`);
* CClip (Assumption 2, seed 000 Thm 5): B_i^p = sup_t E|grad f_i(t) + xi_i|^p = E|M + xi_i|^p, since
  c -> E|c + xi|^p is convex and even (one-dimensional quadrature, :func:`heavytail_sim.theory.shifted_abs_moment`);
* GClip (Assumption 1): sqrt(d) M <= G, and G <= min(||B||_p, sqrt(d) M + (d E|xi_1|^p)^(1/p))
  (||.||_2 <= ||.||_p for p <= 2, resp. Minkowski's inequality); the upper end is used
  (:func:`ripple_box_constants`).

A transient model of Theorem 2's schedule (fixed before the runs it is compared with)
-------------------------------------------------------------------------------------
With the constant step eta and threshold tau of Thm 2 for horizon K, near the minimiser (curvature
lambda = h (1 + c w^2), isotropic) the descent identity of a quadratic,
f(x_k) = f(x_{k-1}) - eta <grad f, g_hat> + (lambda eta^2 / 2) ||g_hat||^2, with g_hat = grad f + the
clipped noise (unbiased by symmetry while ||grad f|| << tau) and E||g_hat||^2 = E||grad f||^2 + V(tau),
summed over k = 1..K and divided by eta K gives

    E_model(K) = [ f0 / (eta K) + (lambda eta / 2) V(tau) ] / (1 - lambda eta / 2),

V(tau) = E min(||xi||^2, tau^2) for GClip and sum_i E min(xi_i^2, tau_i^2) for CClip (:func:`theorem2_model`).
It has no free parameter. Its exponent in K tends to Table 1's -2(a-1)/(3a-2) only when V grows like
tau^(2-a); for Pareto (Lomax) noise V has a large bounded part, so over feasible K its local exponent is
larger and the model decays more slowly (the same mechanism as the strongly convex transient,
:func:`heavytail_sim.theory.transient_exponent`). The model ignores the curvature of the ripple away from
the minimiser during the initial descent, E f(x_K) - f* and the clipping bias: its exponent is an
approximation whose error is measured, not assumed (the rates study reports model against measurement).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .errors import UsageError


# ------------------------------------------------------------------ exact constants on the box
def ripple_gradient_bound(h: float, c: float, w: float, R: float) -> float:
    """M = max_{|t| <= R} |h (t + c w sin(w t))|, from the endpoints and every critical point in [-R, R].

    The derivative h (1 + c w^2 cos(w t)) vanishes where cos(w t) = -1/(c w^2) (none when c w^2 < 1), i.e.
    at w t = +-acos(-1/(c w^2)) + 2 pi n: finitely many points, all evaluated.

    Parameters
    ----------
    h, c, w : float
        The ripple's curvature, amplitude and frequency.
    R : float
        Half-width of the interval.

    Returns
    -------
    float
        M.
    """
    if not (h > 0 and c >= 0 and w >= 0 and R > 0):
        raise UsageError(f"need h > 0, c >= 0, w >= 0, R > 0, got h={h}, c={c}, w={w}, R={R}")
    g = lambda t: abs(h * (t + c * w * math.sin(w * t)))  # noqa: E731
    points = [R, -R, 0.0]
    if c * w * w >= 1 and w > 0:
        base = math.acos(-1.0 / (c * w * w))
        n_max = int(math.ceil(w * R / (2 * math.pi))) + 1
        for n in range(-n_max, n_max + 1):
            for s in (base, -base):
                t = (s + 2 * math.pi * n) / w
                if -R <= t <= R:
                    points.append(t)
    return max(g(t) for t in points)


def box_keeps_descent(c: float, w: float, R: float) -> bool:
    """Whether projecting onto [-R, R] never increases a ripple term: f_i increasing on [R, inf) when R >= c w.

    Parameters
    ----------
    c, w : float
        The ripple's amplitude and frequency.
    R : float
        Half-width of the box.

    Returns
    -------
    bool
        R >= c w (sufficient: f_i' >= h (t - c w) > 0 beyond it).
    """
    return R >= c * w


@dataclass(frozen=True)
class BoxConstants:
    """Seed 000 Thm 2's constants for a ripple on the box [-R, R]^d with additive noise (module docstring).

    Attributes
    ----------
    p : float
        Moment order of the assumptions.
    M : float
        Largest |d_i f| on the box.
    B : float
        Per-coordinate constant of Assumption 2 (the same for every coordinate), exact up to quadrature.
    B_quad_err : float
        Quadrature error estimate propagated to B.
    G : float
        The constant of Assumption 1 used (an upper bound of the smallest valid one).
    G_lower : float
        sqrt(d) M, below the smallest valid G (Jensen): the smallest valid G lies in [G_lower, G].
    L, f0 : float
        Smoothness constant of the ripple and f(x0) - f*.
    """

    p: float
    M: float
    B: float
    B_quad_err: float
    G: float
    G_lower: float
    L: float
    f0: float

    def B_norm(self, d: int) -> float:
        """||B||_p = d^(1/p) B (all coordinates alike)."""
        return d ** (1.0 / self.p) * self.B


def ripple_box_constants(problem, R: float, kind: str, index: float, scale: float, p: float) -> BoxConstants:
    """The constants of seed 000 Thm 2 (GClip) and Thm 5 (CClip) for ``problem`` (a ripple with equal h) on
    [-R, R]^d with i.i.d. additive noise (``kind``, ``index``, ``scale``) and moment order ``p``.

    Parameters
    ----------
    problem : Problem
        A ``ripple`` (any projection; only h, c, w, x0 and L are read).
    R : float
        Half-width of the box (must satisfy R >= c w: :func:`box_keeps_descent`).
    kind, index, scale : str, float, float
        The noise law of each coordinate.
    p : float
        Moment order in (1, 2], below the noise's tail index.

    Returns
    -------
    BoxConstants
    """
    from .noise import abs_moment
    from .theory import shifted_abs_moment

    if problem.kind != "ripple" or not np.all(problem.h == problem.h[0]):
        raise UsageError("ripple_box_constants needs a ripple with the same h on every coordinate")
    if not box_keeps_descent(problem.c, problem.w, R):
        raise UsageError(f"box half-width R = {R} must be >= c w = {problem.c * problem.w} (else the projection can "
                         "increase f and Thm 2's proof does not cover the projected method)")
    if np.any(np.abs(problem.x0) > R):
        raise UsageError("x0 must lie in the box")
    if not 1 < p <= 2:
        raise UsageError(f"p must lie in (1, 2], got {p}")
    d = problem.dim
    h = float(problem.h[0])
    M = ripple_gradient_bound(h, problem.c, problem.w, R)
    val, err = shifted_abs_moment(M, kind, index, scale, p)
    if not math.isfinite(val):
        raise UsageError(f"E|xi|^{p:g} is infinite for {kind} noise of index {index:g}: choose p below the tail index")
    B = val ** (1.0 / p)
    B_err = val ** (1.0 / p - 1.0) * err / p
    # ||g||_2 <= ||g||_p (p <= 2): E||g||_2^p <= sum_i E|g_i|^p <= d B^p; Minkowski: (E||v + xi||^p)^(1/p)
    # <= ||v|| + (E||xi||^p)^(1/p) <= sqrt(d) M + (d E|xi_1|^p)^(1/p)
    G = min(d ** (1.0 / p) * B, math.sqrt(d) * M + (d * abs_moment(kind, index, scale, p)) ** (1.0 / p))
    f0 = float(problem.value(problem.x0)) - float(problem.fstar)
    return BoxConstants(float(p), M, B, B_err, G, math.sqrt(d) * M, problem.L, f0)


# ------------------------------------------------------------------ the transient model
def norm_clipped_moment(kind: str, index: float, scale: float, d: int, taus, n: int = 2 ** 20,
                        seed: int = 0) -> np.ndarray:
    """V(tau) = E min(||xi||^2, tau^2) for xi in R^d with i.i.d. coordinates, at every tau in ``taus``.

    d = 1: exact (:func:`heavytail_sim.theory.clipped_second_moment`). d > 1: the exact sum of the coordinates'
    clipped moments, d V_1(tau), plus a Monte Carlo estimate of the correction
    E[min(||xi||^2, tau^2) - sum_i min(xi_i^2, tau^2)] from one fixed sample of n vectors (the engine's samplers,
    common to all tau). The correction is a control-variate difference: when one coordinate alone exceeds tau
    (the rare events that carry V's heavy tail) both terms are about tau^2 and it is small, so the estimate stays
    accurate at thresholds far beyond the sample's reach, where a plain sample mean would miss the tail.

    Parameters
    ----------
    kind, index, scale : str, float, float
        The law of each coordinate.
    d : int
        Dimension.
    taus : array_like
        Thresholds.
    n, seed : int
        Monte Carlo size and seed (d > 1).

    Returns
    -------
    numpy.ndarray
        V at each tau (same shape as ``taus``).
    """
    from .noise import sample
    from .theory import clipped_second_moment

    taus = np.asarray(taus, float)
    exact = d * np.asarray(clipped_second_moment(kind, index, scale, taus), float)
    if d == 1:
        return exact
    t2 = taus * taus

    def clipped_mean(sorted_x: np.ndarray, cum: np.ndarray) -> np.ndarray:
        m = np.searchsorted(sorted_x, t2, side="right")
        return (cum[m] + t2 * (sorted_x.size - m)) / sorted_x.size

    total = np.zeros(n)
    coords = np.zeros_like(taus)
    for i in range(d):
        x2 = sample(kind, index, scale, n, seed + i) ** 2
        total += x2
        x2.sort()
        coords += clipped_mean(x2, np.concatenate([[0.0], np.cumsum(x2)]))
    total.sort()
    return exact + clipped_mean(total, np.concatenate([[0.0], np.cumsum(total)])) - coords


def theorem2_model(K, eta, V, f0: float, curvature: float) -> np.ndarray:
    """E_model(K) = [f0 / (eta K) + (curvature eta / 2) V] / (1 - curvature eta / 2) (module docstring).

    Parameters
    ----------
    K, eta, V : array_like
        Horizons, the schedule's step size and the clipped second moment V(tau) at each (same shape).
    f0 : float
        f(x0) - f*.
    curvature : float
        Curvature lambda of f at its minimiser (h (1 + c w^2) for a ripple).

    Returns
    -------
    numpy.ndarray
        The model's (1/K) sum_k E||grad f(x_{k-1})||^2; ``inf`` where curvature eta >= 2 (no stationary regime).
    """
    K, eta, V = (np.asarray(v, float) for v in (K, eta, V))
    q = 1.0 - 0.5 * curvature * eta
    with np.errstate(divide="ignore"):
        return np.where(q > 0, (f0 / (eta * K) + 0.5 * curvature * eta * V) / np.where(q > 0, q, 1.0), np.inf)


def theorem2_model_curve(algorithm: str, kind: str, alpha: float, scale: float, problem, G: float, Ks,
                         n: int = 2 ** 20, seed: int = 0) -> dict:
    """The model for Thm 2's schedule (GClip: ``theorem2(alpha, G, L, f0, K)``; CClip: ``theorem2_cclip`` with
    B_i = G) on ``problem`` (a ripple: curvature h (1 + c w^2) at the minimiser) at every horizon in ``Ks``.

    Parameters
    ----------
    algorithm : {"gclip", "cclip"}
    kind, alpha, scale
        The noise law of each coordinate (``alpha`` also the schedule's moment order).
    problem : Problem
        The ripple (its L, x0 give the schedule's L and f0).
    G : float
        The schedule's G (GClip) or the per-coordinate B_i (CClip).
    Ks : array_like
        Horizons.
    n, seed : int
        Monte Carlo size and seed of V for GClip in d > 1.

    Returns
    -------
    dict
        ``K``, ``eta``, ``tau`` (the scalar threshold; CClip's per-coordinate tau_i = tau B_i), ``V``, ``error``
        (arrays).
    """
    from .schedules import theorem2, theorem2_cclip
    from .theory import clipped_second_moment

    if algorithm not in ("gclip", "cclip"):
        raise UsageError(f"the model covers gclip and cclip, got {algorithm!r}")
    d = problem.dim
    f0 = float(problem.value(problem.x0)) - float(problem.fstar)
    curvature = float(problem.h[0]) * (1.0 + problem.c * problem.w ** 2)
    Ks = np.asarray(Ks, float)
    eta, tau = np.empty_like(Ks), np.empty_like(Ks)
    for j, K in enumerate(Ks):
        if algorithm == "gclip":
            s = theorem2(alpha, G, problem.L, f0, K)
            eta[j], tau[j] = s.eta0, s.tau0
        else:
            s = theorem2_cclip(alpha, np.full(d, G), problem.L, f0, K)
            eta[j], tau[j] = s.eta0, s.tau0 * G
    if algorithm == "gclip":
        V = norm_clipped_moment(kind, alpha, scale, d, tau, n, seed)
    else:
        V = d * np.asarray(clipped_second_moment(kind, alpha, scale, tau), float)
    return {"K": Ks, "eta": eta, "tau": tau, "V": V, "error": theorem2_model(Ks, eta, V, f0, curvature)}


def _in_window(K: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Mask of lo <= K <= hi with a relative slack of 1e-9, so that a horizon on an edge stays inside."""
    return (K >= lo * (1 - 1e-9)) & (K <= hi * (1 + 1e-9))


def _polyfit_slope(K: np.ndarray, E: np.ndarray, m: np.ndarray) -> float:
    """Least-squares slope of log E on log K over the mask ``m``."""
    return float(np.polyfit(np.log(K[m]), np.log(E[m]), 1)[0])


def log_slope(K, E, lo: float, hi: float) -> float:
    """Least-squares slope of log E on log K over lo <= K <= hi (relative slack 1e-9 at the edges).

    Parameters
    ----------
    K, E : array_like
        Horizons and values (positive), same shape.
    lo, hi : float
        The window.

    Returns
    -------
    float
        The slope.
    """
    K, E = np.asarray(K, float), np.asarray(E, float)
    m = _in_window(K, lo, hi)
    if m.sum() < 2:
        raise UsageError(f"fewer than two horizons in [{lo:g}, {hi:g}]")
    return _polyfit_slope(K, E, m)


def centred_local_slopes(K, E, width: float = 1.0, points: int = 9) -> tuple[np.ndarray, np.ndarray]:
    """Local slopes of a smooth curve over windows of ``width`` decades centred at each K whose window fits.

    ``K`` must be dense (log-spaced) for this to be meaningful; each window's slope is the least-squares
    slope over the ``K`` inside it (at least ``points`` of them).

    Parameters
    ----------
    K, E : array_like
        Dense horizons and the curve's values.
    width : float
        Window width in decades.
    points : int
        Fewest horizons a window must hold.

    Returns
    -------
    (k_mid, slope) : numpy.ndarray, numpy.ndarray
        Window centres and local slopes.
    """
    K, E = np.asarray(K, float), np.asarray(E, float)
    half = 10 ** (width / 2)
    mids, slopes = [], []
    for k in K:
        lo, hi = k / half, k * half
        if lo < K.min() * (1 - 1e-9) or hi > K.max() * (1 + 1e-9):
            continue
        m = _in_window(K, lo, hi)
        if m.sum() >= points:
            mids.append(k)
            slopes.append(_polyfit_slope(K, E, m))
    return np.asarray(mids), np.asarray(slopes)
