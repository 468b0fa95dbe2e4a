"""Today's engine before the lane-blocked rewrite, frozen as the benchmark's reference (not used by the package).

This is the one-run-per-loop-iteration kernel the package shipped before its lane-blocked engine: every
run advanced by a scalar loop over its coordinates, every special function a scalar libm call. The
benchmark measures it in the same run as the current engine so that the speed-up is a ratio from one
machine and one moment. Only the pieces the benchmark needs are kept: the quadratic problem, additive
noise, the SGD/GClip/CClip/ACClip/RMSProp/Adam step and the schedule. Its arithmetic is that of the old
engine, which differs from the current one in the last bits (the current one draws with branch-free
special functions), so only its speed is of interest here.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit, prange
from numba.extending import register_jitable

_U11 = np.uint64(11)
_U14 = np.uint64(14)
_U36 = np.uint64(36)
_U55 = np.uint64(55)
_U64 = np.uint64(64)
_INV_2_53 = 1.0 / 9007199254740992.0
GAUSSIAN, PARETO, STABLE, STUDENT_T, CAUCHY, BERNOULLI = 0, 1, 2, 3, 4, 5
SGD, GCLIP, CCLIP, ACCLIP, RMSPROP, ADAM = 0, 1, 2, 3, 4, 5
ALGORITHMS = {"sgd": SGD, "gclip": GCLIP, "cclip": CCLIP, "acclip": ACCLIP, "rmsprop": RMSPROP, "adam": ADAM}
KINDS = {"gaussian": GAUSSIAN, "pareto": PARETO, "stable": STABLE, "student_t": STUDENT_T, "cauchy": CAUCHY}
QUADRATIC, RIPPLE = 0, 1
PROJ_BOX, PROJ_BALL = 1, 2
_BLOCK = 256


@njit(inline="always")
def _rotl(x, k):
    return (x << k) | (x >> (_U64 - k))


@njit(inline="always")
def xoro_next(s0, s1):
    result = s0 + s1
    s1 ^= s0
    return result, _rotl(s0, _U55) ^ s1 ^ (s1 << _U14), _rotl(s1, _U36)


@njit(inline="always")
def xoro_uniform(s0, s1):
    x, s0, s1 = xoro_next(s0, s1)
    return (np.float64(x >> _U11) + 0.5) * _INV_2_53, s0, s1


@njit(inline="always")
def draw_local(s0, s1, kind, a, ia, s):
    """One noise value from a generator state held in locals: returns (value, s0, s1).

    ``a`` is the tail parameter, ``ia = 1/a`` (precomputed by callers, which saves divisions in hot
    loops) and ``s`` the scale; see the module docstring for each ``kind``.
    """
    if kind == PARETO:
        u, s0, s1 = xoro_uniform(s0, s1)
        y = u ** (-ia) - 1.0  # inverse cdf of Lomax(a)
        v, s0, s1 = xoro_uniform(s0, s1)
        return (s * y if v < 0.5 else -s * y), s0, s1
    if kind == STABLE:
        u, s0, s1 = xoro_uniform(s0, s1)
        e, s0, s1 = xoro_uniform(s0, s1)
        v = math.pi * (u - 0.5)
        w = -math.log(e)
        if a == 1.0:
            return s * math.tan(v), s0, s1
        # Chambers, Mallows and Stuck (1976), symmetric case; (1 - a)/a = ia - 1
        return s * (math.sin(a * v) / math.cos(v) ** ia * (math.cos((1.0 - a) * v) / w) ** (ia - 1.0)), s0, s1
    if kind == GAUSSIAN:
        # Box-Muller, cosine branch only: a fixed two draws per value keeps streams easy to replay
        u, s0, s1 = xoro_uniform(s0, s1)
        v, s0, s1 = xoro_uniform(s0, s1)
        return s * math.sqrt(-2.0 * math.log(u)) * math.cos(2.0 * math.pi * v), s0, s1
    if kind == STUDENT_T:
        # Bailey (1994): (u, v) uniform in the unit disc, t = u sqrt(df (w^(-2/df) - 1) / w)
        while True:
            u, s0, s1 = xoro_uniform(s0, s1)
            v, s0, s1 = xoro_uniform(s0, s1)
            u = 2.0 * u - 1.0
            v = 2.0 * v - 1.0
            w = u * u + v * v
            if w < 1.0:
                return s * u * math.sqrt(a * (w ** (-2.0 * ia) - 1.0) / w), s0, s1
    u, s0, s1 = xoro_uniform(s0, s1)
    if kind == CAUCHY:
        return s * math.tan(math.pi * (u - 0.5)), s0, s1
    # BERNOULLI: centred, so that the oracle g = grad f + noise stays unbiased
    return (s * (a - 1.0) if u < a else s * a), s0, s1


@njit(inline="always")
def coord_grad(kind, h, c, w, t):
    """df_i/dx_i at offset ``t = x_i - xstar_i``."""
    if kind == RIPPLE:
        return h * (t + c * w * math.sin(w * t))
    return h * t


@njit(inline="always")
def gclip_factor(norm, tau):
    """Factor min(tau / ||m||, 1) of GClip (seed 000, eq GClip); 1 for a zero vector."""
    if norm <= tau:
        return 1.0
    return tau / norm


@njit(inline="always")
def cclip_scalar(m, tau):
    """min(tau / |m|, 1) m for one coordinate (seed 000, eq CClip)."""
    if m > tau:
        return tau
    if m < -tau:
        return -tau
    return m


@njit(inline="always")
def eta_at(k, eta0, shift, power):
    if power == 0.0:
        return eta0
    if power == 1.0:
        return eta0 / (k + shift)
    return eta0 / (k + shift) ** power


@njit(inline="always")
def tau_at(k, tau0, shift, power):
    if power == 0.0:
        return tau0
    return tau0 * (k + shift) ** power


@register_jitable
def step_block(r, kfirst, nsteps, x, xbar, m, v, rng, gsum,
               pkind, h, xs, pc, pw, proj, lo, hi, center, radius,
               nkind, na, nia, ns, alg, b1, b2, eps, aca, avg, tau_vec, sbuf, zbuf):
    """Advance run ``r`` by steps kfirst .. kfirst + nsteps - 1; return False once it diverges.

    ``sbuf[:, j]`` holds step kfirst + j's eta, tau, Adam's two bias corrections and the averaging
    weight; ``zbuf`` (length >= d) is scratch for one step's noise. Branches on the algorithm sit
    outside the coordinate loops, and the generator state stays in locals for the whole block.
    Shared by both backends: ``register_jitable`` makes it callable from CPU ``njit`` code and from
    ``numba.cuda`` kernels (:mod:`heavytail_sim.cuda_engine`), which is why the scratch is an argument
    (no allocation on the device).
    """
    d = x.shape[1]
    s0 = rng[r, 0]
    s1 = rng[r, 1]
    alive = True
    second = alg == ACCLIP or alg == RMSPROP or alg == ADAM
    plain = pkind == QUADRATIC and b1 == 0.0 and not second
    for j in range(nsteps):
        eta = sbuf[0, j]
        tau = sbuf[1, j]
        wavg = sbuf[4, j]
        gn2 = 0.0
        mn2 = 0.0
        # pass 1a: the noise alone, a tight loop around the transcendental calls
        for i in range(d):
            z, s0, s1 = draw_local(s0, s1, nkind, na[i], nia[i], ns[i])
            zbuf[i] = z
        # pass 1b: average, gradient, momentum (and second moments). The plain case (quadratic, no
        # momentum, no second moment: the rate studies) gets a loop free of invariant branches; it does
        # the same arithmetic in the same order
        if plain:
            for i in range(d):
                xi = x[r, i]
                xbar[r, i] += wavg * (xi - xbar[r, i])
                gt = h[i] * (xi - xs[i])
                gn2 += gt * gt
                g = gt + zbuf[i]
                m[r, i] = g
                mn2 += g * g
        else:
            for i in range(d):
                xi = x[r, i]
                xbar[r, i] += wavg * (xi - xbar[r, i])
                gt = coord_grad(pkind, h[i], pc, pw, xi - xs[i])
                gn2 += gt * gt
                g = gt + zbuf[i]
                mi = g if b1 == 0.0 else b1 * m[r, i] + (1.0 - b1) * g
                m[r, i] = mi
                mn2 += mi * mi
                if second:
                    if alg == ACCLIP:
                        ag = abs(g) if aca == 1.0 else abs(g) ** aca
                        v[r, i] = b2 * v[r, i] + (1.0 - b2) * ag
                    else:
                        v[r, i] = b2 * v[r, i] + (1.0 - b2) * g * g
        if not (gn2 < np.inf and mn2 < np.inf):
            alive = False
            break
        gsum[r] += gn2
        # pass 2: the update rule
        if alg == SGD or alg == GCLIP:
            step = eta
            if alg == GCLIP and mn2 > tau * tau:
                step = eta * gclip_factor(math.sqrt(mn2), tau)
            for i in range(d):
                x[r, i] -= step * m[r, i]
        elif alg == CCLIP:
            for i in range(d):
                x[r, i] -= eta * cclip_scalar(m[r, i], tau * tau_vec[i])
        elif alg == ACCLIP:
            for i in range(d):
                ti = v[r, i] if aca == 1.0 else v[r, i] ** (1.0 / aca)
                mi = m[r, i]
                x[r, i] -= eta * min(ti / (abs(mi) + eps), 1.0) * mi
        elif alg == RMSPROP:
            for i in range(d):
                x[r, i] -= eta * m[r, i] / (math.sqrt(v[r, i]) + eps)
        else:  # ADAM, bias-corrected
            c1 = sbuf[2, j]
            c2 = sbuf[3, j]
            for i in range(d):
                x[r, i] -= eta * (m[r, i] / c1) / (math.sqrt(v[r, i] / c2) + eps)
        if proj == PROJ_BOX:
            for i in range(d):
                x[r, i] = min(max(x[r, i], lo[i]), hi[i])
        elif proj == PROJ_BALL:
            off2 = 0.0
            for i in range(d):
                off2 += (x[r, i] - center[i]) ** 2
            if off2 > radius * radius:
                shrink = radius / math.sqrt(off2)
                for i in range(d):
                    x[r, i] = center[i] + shrink * (x[r, i] - center[i])
    rng[r, 0] = s0
    rng[r, 1] = s1
    return alive


@njit
def step_run(r, kfirst, nsteps, x, xbar, m, v, rng, gsum,
             pkind, h, xs, pc, pw, proj, lo, hi, center, radius,
             nkind, na, nia, ns, alg, b1, b2, eps, aca, avg, tau_vec, sbuf):
    """:func:`step_block` with its own scratch for one step's noise (the CPU engine's entry)."""
    return step_block(r, kfirst, nsteps, x, xbar, m, v, rng, gsum,
                      pkind, h, xs, pc, pw, proj, lo, hi, center, radius,
                      nkind, na, nia, ns, alg, b1, b2, eps, aca, avg, tau_vec, sbuf, np.empty(x.shape[1]))


@register_jitable
def fill_schedule(k, n, b1, b2, avg, e0, es, ep, t0, ts, tp, sbuf):
    """Steps k+1 .. k+n's eta, tau, Adam's bias corrections and averaging weight into ``sbuf[:, :n]``."""
    for j in range(n):
        kk = k + 1.0 + j
        sbuf[0, j] = eta_at(kk, e0, es, ep)
        sbuf[1, j] = tau_at(kk, t0, ts, tp)
        sbuf[2, j] = 1.0 - b1 ** kk
        sbuf[3, j] = 1.0 - b2 ** kk
        # seed 000, Thm 1: x_bar_k = sum_j j x_{j-1} / sum_j j, i.e. recursively with weight 2/(k+1)
        sbuf[4, j] = 2.0 / (kk + 1.0) if avg == 0 else 1.0 / kk


@njit(cache=True)
def schedule_block(k, n, b1, b2, avg, e0, es, ep, t0, ts, tp, sbuf):
    """Compiled :func:`fill_schedule` for host drivers (the CUDA backend evaluates the schedule here,
    so both backends use bit-identical eta_k and tau_k)."""
    fill_schedule(k, n, b1, b2, avg, e0, es, ep, t0, ts, tp, sbuf)


@njit(parallel=True, cache=True)
def _advance_block(k, n, x, xbar, m, v, rng, alive, gsum,
                   pkind, h, xs, pc, pw, proj, lo, hi, center, radius,
                   nkind, na, nia, ns, alg, b1, b2, eps, aca, avg, tau_vec, sbuf):
    for r in prange(x.shape[0]):
        if alive[r]:
            alive[r] = step_run(r, k + 1, n, x, xbar, m, v, rng, gsum,
                                pkind, h, xs, pc, pw, proj, lo, hi, center, radius,
                                nkind, na, nia, ns, alg, b1, b2, eps, aca, avg, tau_vec, sbuf)


@njit(cache=True)
def _advance(k_done, k_target, x, xbar, m, v, rng, alive, gsum,
             pkind, h, xs, pc, pw, proj, lo, hi, center, radius,
             nkind, na, nia, ns, alg, b1, b2, eps, aca, avg, tau_vec,
             e0, es, ep, t0, ts, tp, sbuf):
    k = k_done
    while k < k_target:
        n = min(sbuf.shape[1], k_target - k)
        fill_schedule(k, n, b1, b2, avg, e0, es, ep, t0, ts, tp, sbuf)
        _advance_block(k, n, x, xbar, m, v, rng, alive, gsum,
                       pkind, h, xs, pc, pw, proj, lo, hi, center, radius,
                       nkind, na, nia, ns, alg, b1, b2, eps, aca, avg, tau_vec, sbuf)
        k += n


class LegacySimulation:
    """The old engine's state for R runs of GClip/Adam/... on a diagonal quadratic with additive noise."""

    def __init__(self, h: np.ndarray, x0: float, kind: str, a: float, algorithm: str, schedule_args: tuple,
                 runs: int, seed: int, beta1: float = 0.0, beta2: float = 0.99, eps: float = 1e-8):
        from heavytail_sim.rng import seed_states

        d = h.size
        self.x = np.full((runs, d), float(x0))
        self.xbar = self.x.copy()
        self.m = np.zeros((runs, d))
        self.v = np.zeros((runs, d))
        self.rng = seed_states(seed, runs)
        self.alive = np.ones(runs, dtype=np.bool_)
        self.gsum = np.zeros(runs)
        self.sbuf = np.empty((5, _BLOCK))
        na = np.full(d, float(a))
        self.pargs = (QUADRATIC, np.asarray(h, float), np.zeros(d), 0.0, 0.0, 0, np.full(d, -np.inf),
                      np.full(d, np.inf), np.zeros(d), np.inf)
        self.nargs = (KINDS[kind], na, 1.0 / na, np.ones(d))
        self.aargs = (ALGORITHMS[algorithm], float(beta1), float(beta2), float(eps), 1.0, 0)
        self.targs = (np.ones(d), *[float(v) for v in schedule_args])
        self.k = 0

    def advance_to(self, k: int) -> None:
        _advance(self.k, k, self.x, self.xbar, self.m, self.v, self.rng, self.alive, self.gsum,
                 *self.pargs, *self.nargs, *self.aargs, *self.targs, self.sbuf)
        self.k = k

