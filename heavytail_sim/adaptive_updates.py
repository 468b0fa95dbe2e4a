"""The update Delta theta of RMSProp / Adam on many independent coordinates (seed 002, Sec 2-6).

Every coordinate (a "run" here) sees its own i.i.d. gradient sequence g_t = mean_t + scale_t * xi_t,
xi_t from one of the package's noise laws drawn from that coordinate's xoroshiro stream, so a result
does not depend on the number of threads. Two preconditioners:

* ``simple``:      Delta_t = -g_t / sqrt((1/t) sum_{i<=t} g_i^2)   (seed 002 Thm 1: n_t = sum g_i^2, c_n = 1/t)
* ``exponential``: m_t = b1 m_{t-1} + (1 - b1) g_t,  n_t = b2 n_{t-1} + (1 - b2) g_t^2,
                   Delta_t = -(m_t / c_m) / (sqrt(n_t / c_n) + eps) with c_m = 1 - b1^t, c_n = 1 - b2^t
                   (Adam, Kingma and Ba; seed 002 eq 1-4), or c_m = c_n = 1 without bias correction
                   (RMSProp). That is the Kingma-Ba order (``order="kingma_ba"``).
* ``exponential`` with ``order="inner"``: seed 002 eq 1-4 as written, the momentum applied to the
                   *preconditioned* gradient (LaProp's order): m_t = b1 m_{t-1} + (1 - b1) g_t / (sqrt(n_t / c_n)
                   + eps), Delta_t = -m_t / c_m. With b1 = 0, the case the seed analyses, the two orders
                   coincide; with b1 > 0 they do not (:func:`update_bound` gives each order's bound).

All are registered update rules (``simple_average``, ``adam``, ``adam_inner``, ``rmsprop`` of
:data:`heavytail_sim.update_rules.RULES`), stepped by the engine's own pieces with eta = 1.

Delta theta = (theta_t - theta_{t-1}) / lambda (seed 002, Sec 2), hence the minus sign: a gradient with
negative mean gives updates concentrated on the positive side.

The theory this is compared with (seed 002 eq 30, Cor 1-2) is in :func:`update_law`,
:func:`abs_update_variance` and :func:`student_t_variance`.
"""
from __future__ import annotations

import math

import numba
import numpy as np
from numba import njit, prange

from .algorithms import Algorithm
from .engine import block_lanes, initial_state, step_table
from .problems import quadratic
from .schedules import constant
from .errors import UsageError
from .noise import NoiseModel, draw_lanes
from .rng import seed_states
from .update_rules import apply_update

METHODS = ("simple", "exponential")
ORDERS = ("kingma_ba", "inner")


def _rule(method: str, beta1: float, beta2: float, eps: float, bias_correction: bool,
          order: str = "kingma_ba") -> Algorithm:
    """The registered update rule of each preconditioner and momentum order (module docstring)."""
    if method == "simple":
        return Algorithm("simple_average", eps=eps)
    if order == "inner":
        return Algorithm("adam_inner", beta1=beta1, beta2=beta2, eps=eps)  # seed 002 eq 1-4 as written
    return Algorithm("adam" if bias_correction else "rmsprop", beta1=beta1, beta2=beta2, eps=eps)


@njit(parallel=True, cache=True, error_model="numpy")
def _updates_kernel(st, kind, a, prof, ru, tb, record, out, lanes):
    """Each run (a coordinate) sees g_t = prof[0, t-1] + prof[1, t-1] xi_t and takes the registered rule's
    step (the step table ``tb``: eta = 1 and the rule's corrections); ``out[j, r]`` = -d_t, the update
    Delta theta_t / lambda, at the steps ``record[j]``."""
    R = st.S.shape[1]
    steps = prof.shape[1]
    n_rec = record.shape[0]
    for b in prange((R + lanes - 1) // lanes):
        lo = b * lanes
        hi = min(R, lo + lanes)
        j = 0
        for t in range(1, steps + 1):
            draw_lanes(kind, a, 1.0 / a, 1.0, st.S, st.Z, 0, lo, hi)
            mu = prof[0, t - 1]
            sc = prof[1, t - 1]
            z = st.Z[0, lo:hi]
            for l in range(z.shape[0]):
                z[l] = mu + sc * z[l]
            apply_update(ru, tb, t - 1, st, lo, hi)
            if j < n_rec and record[j] == t:
                o = out[j, lo:hi]
                for l in range(z.shape[0]):
                    o[l] = -z[l]
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


def _check_order(order: str) -> None:
    if order not in ORDERS:
        raise UsageError(f"unknown momentum order '{order}' (choose from {', '.join(ORDERS)})")


def _check(noise: NoiseModel, steps: int, runs: int, record, method: str, beta1: float, beta2: float,
           order: str, bias_correction: bool):
    if method not in METHODS:
        raise UsageError(f"unknown preconditioner '{method}' (choose from {', '.join(METHODS)})")
    _check_order(order)
    if order == "inner" and (method != "exponential" or not bias_correction):
        raise UsageError("order='inner' (seed 002 eq 1-4) is the bias-corrected exponential preconditioner: "
                         "use method='exponential' with bias_correction=True")
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
                     eps: float = 0.0, mean=0.0, scale=1.0, seed: int = 0, order: str = "kingma_ba"
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Simulate ``runs`` independent coordinates for ``steps`` steps; return ``(record, updates)``.

    ``record``: steps t (1-based) at which Delta theta_t is kept; returned sorted and de-duplicated.
    ``updates``: shape ``(len(record), runs)``, dimensionless (the learning rate is divided out).
    ``mean``/``scale``: the gradient's mean and the factor multiplying ``noise`` at step t; scalars,
    arrays of length ``steps``, or callables of the float array t = 1..steps.
    ``eps = 0`` is the seed's setting (Prop 1); coordinate r uses stream r of ``seed``.
    ``order``: ``"kingma_ba"`` (momentum of the raw gradient, then the preconditioner) or ``"inner"``
    (seed 002 eq 3 as written: momentum of the preconditioned gradient; exponential method with bias
    correction only).
    """
    rec = _check(noise, steps, runs, record, method, beta1, beta2, order, bias_correction)
    mu, sc = _profiles(steps, mean, scale, float(noise.scale))
    alg = _rule(method, beta1, beta2, eps, bias_correction, order)
    out = np.empty((rec.size, runs))
    # one coordinate per run: the engine's state (run r's stream is seed_states(seed, runs)[r]) and step table
    st = initial_state(quadratic(1, x0=0.0), alg, runs, seed)
    tb = step_table(NoiseModel("gaussian"), alg, constant(1.0), steps)
    _updates_kernel(st, noise.code, float(noise.index), np.vstack([mu, sc]), alg.record(np.ones(1)), tb, rec, out,
                    block_lanes(runs, numba.get_num_threads()))
    return rec, out


def simulate_updates_reference(noise: NoiseModel, steps: int, runs: int, record, method: str = "simple",
                               beta1: float = 0.0, beta2: float = 0.999, bias_correction: bool = True,
                               eps: float = 0.0, mean=0.0, scale=1.0, seed: int = 0, order: str = "kingma_ba"
                               ) -> tuple[np.ndarray, np.ndarray]:
    """Slow reference of :func:`simulate_updates` (same streams, same numbers): for tests only.

    Draws with the pure-Python generator and sampler of :mod:`heavytail_sim.reference` and steps each
    coordinate with the reference update rules (:func:`heavytail_sim.reference.rule_step`).
    """
    rec = _check(noise, steps, runs, record, method, beta1, beta2, order, bias_correction)
    mu, sc = _profiles(steps, mean, scale, float(noise.scale))
    alg = _rule(method, beta1, beta2, eps, bias_correction, order)
    from .reference import RuleState, Xoroshiro128Plus, draw as draw_reference, rule_step

    states = seed_states(seed, runs)
    out = np.empty((rec.size, runs))
    for r in range(runs):  # run r's stream yields its steps in order, as in the kernel
        gen = Xoroshiro128Plus(states[r, 0], states[r, 1])
        st = RuleState(1)
        j = 0
        for t in range(1, steps + 1):
            g = np.array([mu[t - 1] + sc[t - 1] * draw_reference(gen, noise.kind, float(noise.index), 1.0)])
            d = rule_step(alg, st, g, t, 1.0, math.inf, np.ones(1))
            if j < rec.size and rec[j] == t:
                out[j, r] = -d[0]
                j += 1
    return rec, out


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


def update_bound(beta1: float, beta2: float, t, order: str = "kingma_ba") -> np.ndarray:
    """Largest |Delta theta_t| of bias-corrected Adam with eps = 0, for any gradients (seed 002 Prop 1 says
    only "bounded"; these are the bounds, t >= 1 an int or array).

    ``kingma_ba``: with rho = beta1^2 / beta2 and S_t = sum_{j<t} rho^j, Cauchy-Schwarz on
    |m_t| <= (1 - beta1) sum_i beta1^(t-i) |g_i| against v_t = (1 - beta2) sum_i beta2^(t-i) g_i^2 gives
    |Delta| <= (1 - beta1) sqrt(S_t) sqrt(c_n / (1 - beta2)) / c_m, c_m = 1 - beta1^t, c_n = 1 - beta2^t;
    it is attained by same-sign gradients with |g_i| proportional to (beta1 / beta2)^(t-i), so it is the
    supremum. ``inner`` (seed 002 eq 3): each preconditioned term satisfies |g_i| / sqrt(n_i / c_{n,i}) <=
    sqrt(c_{n,i} / (1 - beta2)), so |Delta| <= (1 - beta1) / c_m sum_i beta1^(t-i) sqrt(c_{n,i} / (1 - beta2))
    (an upper bound; the terms cannot all be extreme at once). beta1 = 0 gives sqrt(c_n / (1 - beta2)) for
    both, about sqrt(t) while beta2^t ~ 1, the support of seed 002's f_t.
    """
    _check_order(order)
    if not (0.0 <= beta1 < 1.0 and 0.0 < beta2 < 1.0):
        raise UsageError("beta1 must lie in [0, 1) and beta2 in (0, 1)")
    tt = np.atleast_1d(np.asarray(t, dtype=np.int64))
    if np.any(tt < 1):
        raise UsageError("steps t must be >= 1")
    out = np.empty(tt.shape, dtype=float)
    for n, ti in enumerate(tt):
        j = np.arange(int(ti), dtype=float)  # t - i = 0 .. t-1
        c_m = 1.0 - beta1 ** ti
        if order == "kingma_ba":
            s = float(np.sum((beta1 ** 2 / beta2) ** j))
            out[n] = (1.0 - beta1) * math.sqrt(s) * math.sqrt((1.0 - beta2 ** ti) / (1.0 - beta2)) / c_m
        else:
            i = ti - j  # i = t .. 1
            out[n] = (1.0 - beta1) / c_m * float(np.sum(beta1 ** j * np.sqrt((1.0 - beta2 ** i) / (1.0 - beta2))))
    return out if np.ndim(t) else out[0]


def effective_count(beta: float, t: int | np.ndarray) -> np.ndarray:
    """Kish effective sample size 1 / sum w_i^2 of Adam's bias-corrected weights
    w_i = (1-beta) beta^(t-i) / (1 - beta^t): (1+beta)(1-beta^t) / ((1-beta)(1+beta^t)).

    It tends to (1+beta)/(1-beta), about the m = 2/(1-beta) of seed 002 eq 12.
    """
    t = np.asarray(t, dtype=float)
    return (1 + beta) * (1 - beta ** t) / ((1 - beta) * (1 + beta ** t))


def momentum_variance(beta1: float, t) -> np.ndarray:
    """Var Delta_t of seed 002 eq 3 (momentum of the preconditioned gradient, bias-corrected) when every
    preconditioned gradient u_i = g_i / sqrt(n_i / c_n) has variance 1 (seed 002 Cor 1, simple-average
    model) and they are uncorrelated (flipping the sign of g_j flips u_j and no earlier u_i):
    (1 - beta1)^2 (1 - beta1^(2t)) / ((1 - beta1^2) (1 - beta1^t)^2); 1 at t = 1, (1 - beta1)/(1 + beta1)
    as t -> inf."""
    if not 0.0 <= beta1 < 1.0:
        raise UsageError("beta1 must lie in [0, 1)")
    t = np.asarray(t, dtype=float)
    if np.any(t < 1):
        raise UsageError("steps t must be >= 1")
    return (1 - beta1) ** 2 * (1 - beta1 ** (2 * t)) / ((1 - beta1 ** 2) * (1 - beta1 ** t) ** 2)


def describe_updates(x, t: int, n_boot: int = 100, seed: int = 0) -> dict:
    """Summary of one sample of updates at step t: variance of Delta and |Delta| (with the half-width of a
    normal-approximation 95% CI, sqrt((m4 - s^4) / n)), max |Delta|, the bootstrap-stable mode count of
    :func:`heavytail_sim.modality.stable_mode_count`, and the mass within 5% of sqrt(t) of 0 and of
    +-sqrt(t) (the support edge of seed 002's f_t)."""
    from .modality import stable_mode_count

    x = np.asarray(x, dtype=float).ravel()
    out = {"t": int(t), "n": int(x.size)}
    for key, y in (("var", x), ("var_abs", np.abs(x))):
        c = y - y.mean()
        v = float(np.mean(c * c))
        out[key], out[f"{key}_ci95"] = v, 1.96 * math.sqrt(max(float(np.mean(c ** 4)) - v * v, 0.0) / y.size)
    out["max_abs"] = float(np.max(np.abs(x)))
    mc = stable_mode_count(x, n_boot=n_boot, seed=seed)
    out.update(modes=mc.count, mode_share=mc.boot_share, modality=mc.verdict, modes_half_bw=mc.count_half_bw,
               modes_double_bw=mc.count_double_bw, mode_locations=" ".join(f"{v:.2f}" for v in mc.locations))
    r = math.sqrt(t)
    out["frac_near_zero"] = float(np.mean(np.abs(x) < 0.05 * r))
    out["frac_near_edge"] = float(np.mean(np.abs(x) > 0.95 * r))
    return out
