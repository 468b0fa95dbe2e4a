"""The update Delta theta of RMSProp / Adam on many independent coordinates (seed 002, Sec 2-6).

Every coordinate (a "run" here) sees its own i.i.d. gradient sequence g_t = mean_t + scale_t * xi_t,
xi_t from one of the package's noise laws drawn from that coordinate's xoroshiro stream, so a result
does not depend on the number of threads. Two preconditioners:

* ``simple``:      Delta_t = -g_t / sqrt((1/t) sum_{i<=t} g_i^2)   (seed 002 Thm 1: n_t = sum g_i^2, c_n = 1/t)
* ``exponential``: m_t = b1 m_{t-1} + (1 - b1) g_t,  n_t = b2 n_{t-1} + (1 - b2) g_t^2,
                   Delta_t = -(m_t / c_m) / (sqrt(n_t / c_n) + eps) with c_m = 1 - b1^t, c_n = 1 - b2^t
                   (Adam, Kingma and Ba; seed 002 eq 1-4), or c_m = c_n = 1 without bias correction
                   (RMSProp). Seed 002 eq 3 applies the momentum to the *preconditioned* gradient
                   (LaProp's order); with b1 = 0, the case the seed analyses, the two orders coincide.

Delta theta = (theta_t - theta_{t-1}) / lambda (seed 002, Sec 2), hence the minus sign: a gradient with
negative mean gives updates concentrated on the positive side.

The theory this is compared with (seed 002 eq 30, Cor 1-2) is in :func:`update_law`,
:func:`abs_update_variance` and :func:`student_t_variance`.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from .errors import UsageError
from .noise import NoiseModel, draw
from .rng import seed_states

SIMPLE, EXPONENTIAL = 0, 1
METHODS = {"simple": SIMPLE, "exponential": EXPONENTIAL}


@njit(cache=True, parallel=True)
def _updates_kernel(states, kind, a, mean, scale, method, beta1, beta2, bias_correction, eps, record, out):
    runs = states.shape[0]
    steps = mean.shape[0]
    n_rec = record.shape[0]
    for r in prange(runs):
        sumsq = 0.0
        mom = 0.0
        sec = 0.0
        b1t = 1.0
        b2t = 1.0
        j = 0
        for t in range(1, steps + 1):
            g = mean[t - 1] + scale[t - 1] * draw(states, r, kind, a, 1.0)
            if method == SIMPLE:
                sumsq += g * g
                u = g / (math.sqrt(sumsq / t) + eps)
            else:
                mom = beta1 * mom + (1.0 - beta1) * g
                sec = beta2 * sec + (1.0 - beta2) * (g * g)
                if bias_correction:
                    b1t *= beta1
                    b2t *= beta2
                    u = (mom / (1.0 - b1t)) / (math.sqrt(sec / (1.0 - b2t)) + eps)
                else:
                    u = mom / (math.sqrt(sec) + eps)
            if j < n_rec and record[j] == t:
                out[j, r] = -u
                j += 1


def _profiles(steps: int, mean, scale, noise_scale: float) -> tuple[np.ndarray, np.ndarray]:
    """Broadcast the gradient's mean and scale (scalar, length-``steps`` array, or callable of t=1..T)."""
    t = np.arange(1, steps + 1, dtype=float)
    out = []
    for prof in (mean, scale):
        v = prof(t) if callable(prof) else prof
        v = np.broadcast_to(np.asarray(v, dtype=float), (steps,)).copy()
        if not np.all(np.isfinite(v)):
            raise UsageError("gradient mean and scale profiles must be finite")
        out.append(v)
    if np.any(out[1] < 0):
        raise UsageError("gradient scale must be >= 0")
    return out[0], out[1] * noise_scale


def _check(noise: NoiseModel, steps: int, runs: int, record, method: str, beta1: float, beta2: float):
    if method not in METHODS:
        raise UsageError(f"unknown preconditioner '{method}' (choose from {', '.join(METHODS)})")
    if np.ndim(noise.index) or np.ndim(noise.scale):
        raise UsageError("update simulation takes one noise law for all coordinates (scalar index, scale)")
    if steps < 1 or runs < 1:
        raise UsageError("steps and runs must be >= 1")
    if not (0.0 <= beta1 < 1.0 and 0.0 <= beta2 < 1.0):
        raise UsageError("beta1, beta2 must lie in [0, 1)")
    rec = np.unique(np.asarray(record, dtype=np.int64))
    if rec.size == 0 or rec[0] < 1 or rec[-1] > steps:
        raise UsageError(f"recorded steps must lie in 1..{steps}")
    return rec


def simulate_updates(noise: NoiseModel, steps: int, runs: int, record, method: str = "simple",
                     beta1: float = 0.0, beta2: float = 0.999, bias_correction: bool = True,
                     eps: float = 0.0, mean=0.0, scale=1.0, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Simulate ``runs`` independent coordinates for ``steps`` steps; return ``(record, updates)``.

    ``record``: steps t (1-based) at which Delta theta_t is kept; returned sorted and de-duplicated.
    ``updates``: shape ``(len(record), runs)``, dimensionless (the learning rate is divided out).
    ``mean``/``scale``: the gradient's mean and the factor multiplying ``noise`` at step t; scalars,
    arrays of length ``steps``, or callables of the float array t = 1..steps.
    ``eps = 0`` is the seed's setting (Prop 1); coordinate r uses stream r of ``seed``.
    """
    rec = _check(noise, steps, runs, record, method, beta1, beta2)
    mu, sc = _profiles(steps, mean, scale, float(noise.scale))
    out = np.empty((rec.size, runs))
    _updates_kernel(seed_states(seed, runs), noise.code, float(noise.index), mu, sc, METHODS[method],
                    float(beta1), float(beta2), bool(bias_correction), float(eps), rec, out)
    return rec, out


def simulate_updates_reference(noise: NoiseModel, steps: int, runs: int, record, method: str = "simple",
                               beta1: float = 0.0, beta2: float = 0.999, bias_correction: bool = True,
                               eps: float = 0.0, mean=0.0, scale=1.0, seed: int = 0
                               ) -> tuple[np.ndarray, np.ndarray]:
    """Slow numpy version of :func:`simulate_updates` (same streams, same numbers): for tests only."""
    rec = _check(noise, steps, runs, record, method, beta1, beta2)
    mu, sc = _profiles(steps, mean, scale, float(noise.scale))
    from .reference import Xoroshiro128Plus, draw as draw_reference

    states = seed_states(seed, runs)
    xi = np.empty((runs, steps))
    for r in range(runs):  # run r's stream yields its steps in order, as in the kernel
        gen = Xoroshiro128Plus(states[r, 0], states[r, 1])
        for t in range(steps):
            xi[r, t] = draw_reference(gen, noise.kind, float(noise.index), 1.0)
    g = mu + sc * xi
    if method == "simple":
        u = g / (np.sqrt(np.cumsum(g * g, axis=1) / np.arange(1, steps + 1)) + eps)
    else:
        u = np.empty_like(g)
        m = np.zeros(runs)
        v = np.zeros(runs)
        b1t = b2t = 1.0
        for t in range(steps):
            m = beta1 * m + (1 - beta1) * g[:, t]
            v = beta2 * v + (1 - beta2) * g[:, t] ** 2
            b1t, b2t = b1t * beta1, b2t * beta2
            cm, cn = (1 - b1t, 1 - b2t) if bias_correction else (1.0, 1.0)
            u[:, t] = (m / cm) / (np.sqrt(v / cn) + eps)
    return rec, -u[:, rec - 1].T


# ---------------------------------------------------------------------------------------------------
# Theory for the simple-average model with N(0, 1) gradients (seed 002, Sec 4).

def update_law(m: float):
    """Frozen scipy law of Delta theta at step m: seed 002 eq 30 (Thm 1), f_m(x) proportional to
    (1 - x^2/m)^((m-1)/2 - 1) on |x| <= sqrt(m), from :mod:`heavytail_sim.update_distribution`."""
    from .update_distribution import update

    if m <= 1:
        raise UsageError("the update law needs m > 1")
    return update(m)


def abs_update_variance(m: float) -> float:
    """Var|Delta theta| at step m, seed 002 Cor 2: 1 - 4 m Gamma(m/2)^2 / ((m-1)^2 pi Gamma((m-1)/2)^2)."""
    lg = math.lgamma(m / 2) - math.lgamma((m - 1) / 2)
    return 1.0 - 4.0 * m * math.exp(2 * lg) / ((m - 1) ** 2 * math.pi)


def student_t_variance(m: float) -> float:
    """Variance m/(m-2) of the Student-t model that ignores the numerator-denominator correlation
    (seed 002, Sec 3 and eq 34); ``inf`` for m <= 2."""
    return m / (m - 2) if m > 2 else math.inf


def effective_count(beta: float, t: int | np.ndarray) -> np.ndarray:
    """Kish effective sample size 1 / sum w_i^2 of Adam's bias-corrected weights
    w_i = (1-beta) beta^(t-i) / (1 - beta^t): (1+beta)(1-beta^t) / ((1-beta)(1+beta^t)).

    It tends to (1+beta)/(1-beta), about the m = 2/(1-beta) of seed 002 eq 12.
    """
    t = np.asarray(t, dtype=float)
    return (1 + beta) * (1 - beta ** t) / ((1 - beta) * (1 + beta ** t))
