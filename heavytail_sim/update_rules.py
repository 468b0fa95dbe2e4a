"""Update rules, written once as small composable pieces and registered by name.

An update rule turns the stochastic gradient g_k into the step x_k = x_{k-1} - eta_k d_k. Every rule of the
package is one composition of the pieces below, applied in this fixed order (each piece optional)::

    1. second moment from the raw g_k:   ema_square      v = b2 v + (1 - b2) g^2            (RMSProp/Adam)
                                         ema_abs_pow     v = b2 v + (1 - b2) |g|^a          (ACClip's tau^a)
                                         mean_square     v = v + (g^2 - v) / k               (seed 002's simple average)
    2. momentum before the transform:    m = b1 m + (1 - b1) g;  d = m  (divided by 1 - b1^k with bias correction)
    3. transform:                        global_clip      d = min(tau / ||d||, 1) d            (GClip)
                                         coord_clip       d_i = clip(d_i, -tau_i, tau_i)      (CClip)
                                         adaptive_clip     d_i = min(v_i^(1/a) / (|d_i| + eps), 1) d_i (ACClip)
                                         normalize        d = d / ||d||  (0 for d = 0)         (normalized SGD)
    4. preconditioner:                   d_i = d_i / (sqrt(v_i / c2) + eps), c2 = 1 - b2^k with bias
                                         correction, 1 without
    5. momentum after the transform:     m = b1 m + (1 - b1) d;  d = m  (/ (1 - b1^k) with bias correction)
    6. step:                             x = x - eta_k f d, where f is the per-run factor of a global transform
                                         (the vector d itself is not rescaled: x -= (eta f) d)

Sources: seed 000 Alg 1 (momentum, then clipping), eq GClip/CClip/ACClip and Sec 3 (ACClip: a = 1,
b1 = 0.9, b2 = 0.99, eps = 1e-5); seed 002 eq 1-4 (Adam with momentum *inside* the preconditioner, i.e.
momentum after the transform); Kingma and Ba (2015) for Adam's order; Cutkosky and Mehta (2021) for
normalized SGD with momentum; clipped SGD with momentum applied after clipping (the order of the
clipped-SSTM family, Gorbunov et al. 2020).

Adding a rule: write any new piece here (a small ``@njit`` lane loop and one branch in
:func:`apply_update`), register the composition in :data:`RULES`, and give it a numpy reference in
:mod:`heavytail_sim.reference` and a test.
"""
from __future__ import annotations

import math
from collections import namedtuple
from dataclasses import dataclass

from numba import njit

from .lanes import square_norms
from .state import TB_ETA, TB_INV_C1, TB_INV_C2, TB_K, TB_TAU, W_FAC, W_ZN2
from .vecmath import fmax, fmin, vpow, where


# piece codes
MOM_NONE, MOM_BEFORE, MOM_AFTER = 0, 1, 2
T_NONE, T_GLOBAL_CLIP, T_COORD_CLIP, T_ADAPTIVE_CLIP, T_NORMALIZE = 0, 1, 2, 3, 4
V_NONE, V_EMA_SQUARE, V_EMA_ABS_POW, V_MEAN_SQUARE = 0, 1, 2, 3
P_NONE, P_RMS = 0, 1


@dataclass(frozen=True)
class Composition:
    """Which pieces a rule uses (module docstring), by name."""

    momentum: str = "before"       # "none" | "before" | "after"
    transform: str = "none"        # "none" | "global_clip" | "coord_clip" | "adaptive_clip" | "normalize"
    second_moment: str = "none"    # "none" | "ema_square" | "ema_abs_pow" | "mean_square"
    precondition: bool = False
    bias_correction: bool = False
    summary: str = ""

    def codes(self) -> tuple[int, int, int, int, int]:
        return ({"none": MOM_NONE, "before": MOM_BEFORE, "after": MOM_AFTER}[self.momentum],
                {"none": T_NONE, "global_clip": T_GLOBAL_CLIP, "coord_clip": T_COORD_CLIP,
                 "adaptive_clip": T_ADAPTIVE_CLIP, "normalize": T_NORMALIZE}[self.transform],
                {"none": V_NONE, "ema_square": V_EMA_SQUARE, "ema_abs_pow": V_EMA_ABS_POW,
                 "mean_square": V_MEAN_SQUARE}[self.second_moment],
                P_RMS if self.precondition else P_NONE, int(self.bias_correction))


# The registry: every rule of the package, as a composition of pieces.
RULES: dict[str, Composition] = {
    "sgd": Composition(summary="SGD (with momentum when beta1 > 0): x -= eta m"),
    "gclip": Composition(transform="global_clip", summary="global clipping: x -= eta min(tau/||m||, 1) m (seed 000 Alg 1)"),
    "cclip": Composition(transform="coord_clip", summary="coordinate-wise clipping to [-tau_i, tau_i] (seed 000 Alg 1)"),
    "acclip": Composition(transform="adaptive_clip", second_moment="ema_abs_pow",
                          summary="ACClip: tau_i^a = EMA of |g_i|^a, x -= eta min(tau/(|m|+eps), 1) m (seed 000 Sec 3)"),
    "rmsprop": Composition(second_moment="ema_square", precondition=True,
                           summary="RMSProp: x -= eta m / (sqrt(v) + eps) (seed 000 Sec 3.1)"),
    "adam": Composition(second_moment="ema_square", precondition=True, bias_correction=True,
                        summary="Adam (Kingma-Ba order): x -= eta (m/c1) / (sqrt(v/c2) + eps)"),
    "adam_inner": Composition(momentum="after", second_moment="ema_square", precondition=True, bias_correction=True,
                              summary="Adam as seed 002 eq 1-4 write it: momentum of the preconditioned gradient"),
    "simple_average": Composition(momentum="none", second_moment="mean_square", precondition=True,
                                  summary="seed 002 Thm 1: x -= eta g / (sqrt(mean of g^2 so far) + eps)"),
    "nsgd": Composition(transform="normalize",
                        summary="normalized SGD with momentum (Cutkosky-Mehta 2021): x -= eta m / ||m||"),
    "clip_sgdm": Composition(momentum="after", transform="global_clip",
                             summary="clipped SGD, momentum after clipping: m = b1 m + (1-b1) clip(g), x -= eta m"),
}

RuleRecord = namedtuple("RuleRecord", "mom transform second precond bias prm tau_vec")
RuleRecord.__doc__ = """An update rule as the kernels see it.

mom, transform, second, precond, bias : int64 piece codes (module constants).
prm : float64 (4,) = (beta1, beta2, eps, a) where a is ACClip's moment order.
tau_vec : float64 (d,) per-coordinate threshold factors (CClip's tau_{k,i} = tau_k tau_vec_i).
"""
R_B1, R_B2, R_EPS, R_A = 0, 1, 2, 3


# ------------------------------------------------------------------ pieces
# Each piece works on one coordinate's row of a block of runs: 1-D views (``v = V[i, lo:hi]``) indexed
# from 0. LLVM vectorises these loops; the same loops written on 2-D arrays with a runtime lane offset
# stay scalar (its alias checks fail), measured 6x slower.
@njit(inline="always", error_model="numpy")
def ema_square(b2, v, g):
    """v = b2 v + (1 - b2) g^2 (RMSProp/Adam second moment)."""
    for l in range(v.shape[0]):
        gl = g[l]
        v[l] = b2 * v[l] + (1.0 - b2) * gl * gl


@njit(inline="always", error_model="numpy")
def ema_abs_pow(b2, a, v, g):
    """v = b2 v + (1 - b2) |g|^a (ACClip: v = tau^a)."""
    if a == 1.0:
        for l in range(v.shape[0]):
            v[l] = b2 * v[l] + (1.0 - b2) * abs(g[l])
    else:
        for l in range(v.shape[0]):
            v[l] = b2 * v[l] + (1.0 - b2) * vpow(abs(g[l]), a)


@njit(inline="always", error_model="numpy")
def mean_square(k, v, g):
    """v_k = mean of g_1^2 .. g_k^2, recursively v += (g^2 - v)/k."""
    for l in range(v.shape[0]):
        gl = g[l]
        v[l] += (gl * gl - v[l]) / k


@njit(inline="always", error_model="numpy")
def momentum(b1, inv_c1, m, d):
    """m = b1 m + (1 - b1) d, then d = m / c1 (``inv_c1`` = 1 / c1, exactly 1 without bias correction)."""
    for l in range(m.shape[0]):
        ml = b1 * m[l] + (1.0 - b1) * d[l]
        m[l] = ml
        d[l] = ml * inv_c1


@njit(inline="always", error_model="numpy")
def global_clip_factor(tau, n2, out):
    """out = min(tau / ||d||, 1) from n2 = ||d||^2 (1 for a zero vector); ``out`` may be ``n2``."""
    for l in range(out.shape[0]):
        q = n2[l]
        out[l] = where(q > tau * tau, fmin(tau / math.sqrt(q), 1.0), 1.0)


@njit(inline="always", error_model="numpy")
def normalize_factor(n2, out):
    """out = 1 / ||d|| from n2 = ||d||^2 (0 for a zero vector: no step); ``out`` may be ``n2``."""
    for l in range(out.shape[0]):
        q = n2[l]
        # both sides of a select are evaluated: keep the unused one finite (Python raises on 1/0)
        out[l] = where(q > 0.0, 1.0 / math.sqrt(where(q > 0.0, q, 1.0)), 0.0)


@njit(inline="always", error_model="numpy")
def scale(d, fac):
    """d = f d with a per-run factor."""
    for l in range(d.shape[0]):
        d[l] *= fac[l]


@njit(inline="always", error_model="numpy")
def coord_clip(tau, d):
    """d = min(max(d, -tau), tau)."""
    for l in range(d.shape[0]):
        d[l] = fmin(fmax(d[l], -tau), tau)


@njit(inline="always", error_model="numpy")
def adaptive_clip(a, eps, v, d):
    """d = min(tau / (|d| + eps), 1) d with tau = v^(1/a)."""
    if a == 1.0:
        for l in range(d.shape[0]):
            dl = d[l]
            d[l] = fmin(v[l] / (abs(dl) + eps), 1.0) * dl
    else:
        ia = 1.0 / a
        for l in range(d.shape[0]):
            dl = d[l]
            d[l] = fmin(vpow(v[l], ia) / (abs(dl) + eps), 1.0) * dl


@njit(inline="always", error_model="numpy")
def precondition(inv_c2, eps, v, d):
    """d = d / (sqrt(v / c2) + eps), ``inv_c2`` = 1 / c2 (exactly 1 without bias correction)."""
    if inv_c2 == 1.0:
        for l in range(d.shape[0]):
            d[l] = d[l] / (math.sqrt(v[l]) + eps)
    else:
        for l in range(d.shape[0]):
            d[l] = d[l] / (math.sqrt(v[l] * inv_c2) + eps)


@njit(inline="always", error_model="numpy")
def step(eta, x, d):
    """x = x - eta d."""
    for l in range(x.shape[0]):
        x[l] -= eta * d[l]


@njit(inline="always", error_model="numpy")
def step_scaled(eta, fac, x, d):
    """x = x - (eta f) d with a per-run factor f (global transforms)."""
    for l in range(x.shape[0]):
        x[l] -= (eta * fac[l]) * d[l]


# ------------------------------------------------------------------ the composed step
@njit(inline="always", error_model="numpy")
def apply_update(ru, tb, j, st, lo, hi):
    """One step of rule ``ru`` for lanes lo..hi-1 at step column j of the step table ``tb`` (step number,
    eta_k, tau_k, 1/(1 - b1^k), 1/(1 - b2^k); the corrections are 1 without bias correction).

    Consumes the stochastic gradient ``st.Z`` (d, R; overwritten by the direction) and its squared norm
    ``st.W[W_ZN2]`` (from the oracle); updates the momentum ``st.M``, the second moment ``st.V`` and the
    iterate ``st.X``; ``st.W[W_FAC]`` is scratch for the per-run factor of a global transform."""
    X, M, V, Z = st.X, st.M, st.V, st.Z
    zn2 = st.W[W_ZN2]
    fac = st.W[W_FAC]
    k, eta, tau = tb[TB_K, j], tb[TB_ETA, j], tb[TB_TAU, j]
    inv_c1, inv_c2 = tb[TB_INV_C1, j], tb[TB_INV_C2, j]
    d = X.shape[0]
    b1, b2, eps, a = ru.prm[R_B1], ru.prm[R_B2], ru.prm[R_EPS], ru.prm[R_A]
    f = fac[lo:hi]
    # 1. second moment of the raw stochastic gradient
    if ru.second != V_NONE:
        for i in range(d):
            if ru.second == V_EMA_SQUARE:
                ema_square(b2, V[i, lo:hi], Z[i, lo:hi])
            elif ru.second == V_EMA_ABS_POW:
                ema_abs_pow(b2, a, V[i, lo:hi], Z[i, lo:hi])
            else:
                mean_square(k, V[i, lo:hi], Z[i, lo:hi])
    # momentum with b1 = 0 and no bias correction leaves d exactly as it is: skipped
    mom_on = b1 != 0.0 or ru.bias == 1
    # 2. momentum before the transform
    moved = ru.mom == MOM_BEFORE and mom_on
    if moved:
        for i in range(d):
            momentum(b1, inv_c1, M[i, lo:hi], Z[i, lo:hi])
    # 3. transform
    glob = ru.transform == T_GLOBAL_CLIP or ru.transform == T_NORMALIZE
    if glob:
        # ||d||^2: the oracle's ||g||^2 when d is still g (the same sum in the same order), else recomputed
        n2 = zn2[lo:hi]
        if moved:
            square_norms(Z, fac, lo, hi)
            n2 = f
        if ru.transform == T_GLOBAL_CLIP:
            global_clip_factor(tau, n2, f)
        else:
            normalize_factor(n2, f)
        if ru.mom == MOM_AFTER:  # the momentum must see the transformed vector itself
            for i in range(d):
                scale(Z[i, lo:hi], f)
            glob = False
    elif ru.transform == T_COORD_CLIP:
        for i in range(d):
            coord_clip(tau * ru.tau_vec[i], Z[i, lo:hi])
    elif ru.transform == T_ADAPTIVE_CLIP:
        for i in range(d):
            adaptive_clip(a, eps, V[i, lo:hi], Z[i, lo:hi])
    # 4. preconditioner
    if ru.precond == P_RMS:
        for i in range(d):
            precondition(inv_c2, eps, V[i, lo:hi], Z[i, lo:hi])
    # 5. momentum after the transform
    if ru.mom == MOM_AFTER and mom_on:
        for i in range(d):
            momentum(b1, inv_c1, M[i, lo:hi], Z[i, lo:hi])
    # 6. step
    if glob:
        for i in range(d):
            step_scaled(eta, f, X[i, lo:hi], Z[i, lo:hi])
    else:
        for i in range(d):
            step(eta, X[i, lo:hi], Z[i, lo:hi])
