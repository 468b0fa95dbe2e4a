"""RMSProp read as adaptive clipping (seed 000, Sec 3.1): the parameter mapping and its exact constants.

With beta1 = 0 one RMSProp step is x_k = x_{k-1} - h_Adam g_k with the per-coordinate step

    h_Adam = eta / (eps + sqrt(beta2 v + (1 - beta2) g^2)),      v = v_{k-1} (before the update),

and clipped SGD is x_k = x_{k-1} - h_clip g_k with h_clip = eta_k min(tau_k / |g|, 1). Seed 000 maps
RMSProp's parameters to

    eta_k = eta / (eps + sqrt(beta2 v)),      tau_k = (eps + sqrt(beta2 v)) / sqrt(1 - beta2)

and claims (1/2) h_clip <= h_Adam <= 2 h_clip. (The seed's text, 000 lines ~204-215, is garbled: the
denominator of h_Adam reads "e+sqrt(beta2 v_k + (1-beta2)|g_k|^2)", eta_k's fraction is lost and tau_k
reads "e+sqrt(beta2 v_k) / (1-beta2)" with the square root of 1 - beta2 lost in extraction; we use the
reconstruction above, which is SPEC section 2's. Read literally, tau_k = D / (1 - beta2) would make the
ratio tend to sqrt(1 - beta2) as |g| grows (0.1 for beta2 = 0.99), so no beta2-free constant such as
the seed's 1/2 could hold; the square root is the reading under which the seed's claim makes sense.)

Exact constants. Put D = eps + sqrt(beta2 v), u = sqrt(1 - beta2) |g| / D and rho = eps / D in (0, 1].
Then tau_k / |g| = 1 / u and (1 - beta2) g^2 = u^2 D^2, so

    h_Adam / h_clip = max(u, 1) / (rho + sqrt((1 - rho)^2 + u^2))                           (*)

a function of u alone when eps = 0 (rho = 0): max(u, 1) / sqrt(1 + u^2), whose range over u >= 0 is
[1/sqrt 2, 1] (minimum at u = 1, value 1 at u = 0 and as u -> infinity). The denominator of (*) grows
with rho, and for fixed rho (*) decreases on [0, 1] and increases on [1, inf) in u, so over rho <= rho_max

    1 / (rho_max + sqrt(1 + (1 - rho_max)^2))  <=  h_Adam / h_clip  <=  1,

both ends attained (u = 1, rho = rho_max; u = 0). For any eps >= 0 this gives [1/2, 1]: the seed's
lower constant 1/2 is sharp (reached only when v = 0, i.e. at the first step, and sqrt(1 - beta2)|g|
= eps), but h_Adam never exceeds h_clip, so its upper constant 2 is loose by a factor 2.

This module holds the formulas, a numba kernel that runs real RMSProp trajectories (the engine's
``rmsprop`` with beta1 = 0, built from the engine's own pieces) and records the ratio along them, and a slow numpy
reference of that kernel for the tests.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np
from numba import njit, prange

from .algorithms import Algorithm
from .engine import block_lanes, initial_state, step_table
from .errors import UsageError
from .noise import NoiseModel
from .oracles import AdditiveNoise, stochastic_gradient
from .problems import Problem, gradient
from .rng import seed_states
from .schedules import constant
from .state import TB_ETA, W_GN2
from .update_rules import apply_update

SEED_INTERVAL = (0.5, 2.0)  # seed 000, Sec 3.1: (1/2) h_clip <= h_Adam <= 2 h_clip
RATIO_EDGES = np.linspace(0.45, 1.05, 121)  # histogram bins for h_Adam / h_clip (width 0.005)
LOG10_U_EDGES = np.linspace(-3.0, 3.0, 61)  # bins for log10 u (width 0.1)


def clip_parameters(v_prev, eta: float, beta2: float, eps: float):
    """Seed 000 Sec 3.1's ACClip parameters for one RMSProp step: (eta_k, tau_k), shapes of ``v_prev``.

    eta_k = eta / (eps + sqrt(beta2 v)), tau_k = (eps + sqrt(beta2 v)) / sqrt(1 - beta2); ``v_prev`` is
    RMSProp's second moment before the step (units of g^2); tau_k is in units of g.
    """
    D = eps + np.sqrt(beta2 * np.asarray(v_prev, float))
    return eta / D, D / math.sqrt(1.0 - beta2)


def h_adam(g, v_prev, eta: float, beta2: float, eps: float):
    """RMSProp's (beta1 = 0) effective step eta / (eps + sqrt(beta2 v + (1 - beta2) g^2)), seed 000 Sec 3.1."""
    g = np.asarray(g, float)
    return eta / (eps + np.sqrt(beta2 * np.asarray(v_prev, float) + (1.0 - beta2) * g * g))


def h_clip(g, eta_k, tau_k):
    """Clipped SGD's effective step eta_k min(tau_k / |g|, 1) (eta_k for g = 0), seed 000 Sec 3.1."""
    ag = np.abs(np.asarray(g, float))
    with np.errstate(divide="ignore", over="ignore"):  # tau / |g| = inf means no clipping: min(., 1) = 1
        return np.asarray(eta_k, float) * np.minimum(np.asarray(tau_k, float) / ag, 1.0)


def ratio_formula(u, rho=0.0):
    """h_Adam / h_clip as the function (*) of u = sqrt(1-beta2)|g|/D and rho = eps/D (module docstring)."""
    u = np.asarray(u, float)
    rho = np.asarray(rho, float)
    return np.maximum(u, 1.0) / (rho + np.sqrt((1.0 - rho) ** 2 + u * u))


def ratio_interval(rho_max: float = 1.0) -> tuple[float, float]:
    """Exact range [lo, hi] of h_Adam / h_clip over all g and all v with eps / (eps + sqrt(beta2 v)) <= rho_max.

    ``rho_max = 0`` is eps = 0: [1/sqrt 2, 1]; ``rho_max = 1`` (any eps >= 0, v >= 0): [1/2, 1].
    """
    if not 0.0 <= rho_max <= 1.0:
        raise UsageError(f"rho_max must lie in [0, 1], got {rho_max}")
    return 1.0 / (rho_max + math.sqrt(1.0 + (1.0 - rho_max) ** 2)), 1.0


@njit(error_model="numpy")
def _bin(x, lo, width, n):
    j = int((x - lo) / width) if x > -np.inf else 0
    return 0 if j < 0 else (n - 1 if j >= n else j)


@njit(error_model="numpy")
def _record_ratios(k, eta, b2, eps, V, Z, stats, counts, edges, lo, hi):
    """h_Adam / h_clip of every coordinate of lanes lo..hi-1 for the stochastic gradient g = ``Z`` and the
    second moment v = ``V`` before the step (module docstring); per-run extremes into ``stats``, the joint
    histogram into ``counts`` with bins (ratio lower edge, width, log10 u lower edge, width) = ``edges``."""
    r_lo, r_w, u_lo, u_w = edges[0], edges[1], edges[2], edges[3]
    d = Z.shape[0]
    nu, nr = counts.shape[1], counts.shape[2]
    sq = math.sqrt(1.0 - b2)
    for l in range(lo, hi):
        for i in range(d):
            g = Z[i, l]
            v = V[i, l]
            D = eps + math.sqrt(b2 * v)
            ha = eta / (eps + math.sqrt(b2 * v + (1.0 - b2) * g * g))
            ag = abs(g)
            t = (D / sq) / ag if ag > 0.0 else np.inf  # tau_k / |g|
            hc = (eta / D) * min(t, 1.0)
            ratio = ha / hc
            u = sq * ag / D
            rho = eps / D
            formula = max(u, 1.0) / (rho + math.sqrt((1.0 - rho) ** 2 + u * u))
            stats[0, l] = min(stats[0, l], ratio)
            stats[1, l] = max(stats[1, l], ratio)
            stats[2, l] = min(stats[2, l], u)
            stats[3, l] = max(stats[3, l], u)
            stats[4, l] = max(stats[4, l], rho)
            stats[5, l] = max(stats[5, l], abs(ratio - formula))
            stats[6, l] += 1.0
            if k > 1:  # steps k >= 2: v > 0, so rho < 1 unless every g so far was 0
                stats[7, l] = min(stats[7, l], ratio)
                stats[8, l] = max(stats[8, l], rho)
            lu = math.log10(u) if u > 0.0 else -np.inf
            counts[l, _bin(lu, u_lo, u_w, nu), _bin(ratio, r_lo, r_w, nr)] += 1


@njit(parallel=True, cache=True, error_model="numpy")
def _rmsprop_ratio_kernel(st, pb, oc, ru, tb, b2, eps, edges, stats, counts, lanes):
    """RMSProp (beta1 = 0) runs recording h_Adam / h_clip at every step and coordinate.

    The trajectories are the engine's: the same pieces (problem gradient, additive oracle, the registered
    ``rmsprop`` rule) on the same state and streams; :func:`_record_ratios` looks at each step between
    the oracle and the update. Per run r: ``stats[:, r]`` = (min ratio, max ratio, min u, max u, max rho,
    max |ratio - formula (*)|, number of (step, coordinate) pairs, min ratio over steps k >= 2, max rho
    over steps k >= 2); ``counts[r, a, b]`` counts pairs with log10 u in bin a and ratio in bin b.
    """
    R = st.X.shape[1]
    for b in prange((R + lanes - 1) // lanes):
        lo = b * lanes
        hi = min(R, lo + lanes)
        for j in range(tb.shape[1]):
            gradient(pb, st.X, st.G, st.W[W_GN2], lo, hi)
            stochastic_gradient(oc, pb, tb, j, st, lo, hi)
            _record_ratios(j + 1, tb[TB_ETA, j], b2, eps, st.V, st.Z, stats, counts, edges, lo, hi)
            apply_update(ru, tb, j, st, lo, hi)


@dataclass
class RatioRecord:
    """h_Adam / h_clip along RMSProp trajectories (see :func:`record_rmsprop_ratios`)."""

    eta: float
    beta2: float
    eps: float
    runs: int
    steps: int
    ratio_min: float
    ratio_max: float
    u_min: float
    u_max: float
    rho_max: float
    ratio_min_after_first: float  # steps k >= 2 (v > 0)
    rho_max_after_first: float
    formula_error: float  # max |direct ratio - formula (*)| over all pairs
    pairs: int
    counts: np.ndarray  # (len(LOG10_U_EDGES)-1, len(RATIO_EDGES)-1) joint histogram over all runs
    per_run: np.ndarray  # (R, 9) the kernel's per-run stats
    x_final: np.ndarray  # (R, d)

    @property
    def derived_interval(self) -> tuple[float, float]:
        """Exact interval for steps k >= 2, given the largest rho = eps / (eps + sqrt(beta2 v)) they reached.

        Step 1 has v = 0, rho = 1, and is covered by the general [1/2, 1] (:func:`ratio_interval`).
        """
        return ratio_interval(min(self.rho_max_after_first, 1.0))

    def ratio_histogram(self) -> np.ndarray:
        """Counts over :data:`RATIO_EDGES` bins, summed over u."""
        return self.counts.sum(axis=0)


def _check_problem(problem: Problem, beta2: float, eps: float, eta: float) -> None:
    if problem.projection != "none":
        raise UsageError("ratio recording supports unconstrained problems only")
    # eps > 0: with eps = 0 and v = 0 (the first step) the mapping gives eta_k = inf and tau_k = 0
    if not (0.0 <= beta2 < 1.0) or not eps > 0 or not eta > 0:
        raise UsageError("need 0 <= beta2 < 1, eps > 0 and eta > 0")


def record_rmsprop_ratios(problem: Problem, noise: NoiseModel, eta: float, beta2: float = 0.99,
                          eps: float = 1e-8, runs: int = 16, steps: int = 1000, seed: int = 0) -> RatioRecord:
    """Run RMSProp (beta1 = 0, constant eta) and record h_Adam / h_clip under seed 000 Sec 3.1's mapping.

    The trajectories use the engine's random streams (run r of ``seed``) and update order, so they are
    the engine's ``rmsprop`` trajectories (bit for bit while the two write the update the same way;
    ``tests/test_adam_clipping.py`` checks it); every (step, coordinate) pair of every run is recorded.
    """
    _check_problem(problem, beta2, eps, eta)
    if runs < 1 or steps < 1:
        raise UsageError("runs and steps must be positive")
    alg = Algorithm("rmsprop", beta1=0.0, beta2=beta2, eps=eps)
    st = initial_state(problem, alg, runs, seed)
    stats = np.empty((9, runs))
    stats[[0, 2, 7]] = np.inf
    stats[[1, 3]] = -np.inf
    stats[[4, 5, 6, 8]] = 0.0
    counts = np.zeros((runs, len(LOG10_U_EDGES) - 1, len(RATIO_EDGES) - 1), dtype=np.int64)
    oracle = AdditiveNoise(noise)
    _rmsprop_ratio_kernel(st, problem.record(), oracle.record(problem), alg.record(np.ones(problem.dim)),
                          step_table(oracle, alg, constant(eta), int(steps)), float(beta2), float(eps),
                          np.array([RATIO_EDGES[0], RATIO_EDGES[1] - RATIO_EDGES[0], LOG10_U_EDGES[0],
                                    LOG10_U_EDGES[1] - LOG10_U_EDGES[0]]), stats, counts,
                          block_lanes(runs, numba.get_num_threads()))
    return RatioRecord(float(eta), float(beta2), float(eps), int(runs), int(steps),
                       float(stats[0].min()), float(stats[1].max()), float(stats[2].min()),
                       float(stats[3].max()), float(stats[4].max()), float(stats[7].min()),
                       float(stats[8].max()), float(stats[5].max()),
                       int(stats[6].sum()), counts.sum(axis=0), stats.T.copy(), st.X.T.copy())


def rmsprop_ratios_reference(problem: Problem, noise: NoiseModel, eta: float, beta2: float = 0.99,
                             eps: float = 1e-8, runs: int = 4, steps: int = 50, seed: int = 0):
    """Slow numpy reference of the kernel: full arrays (ratio, u, rho, x_final), shapes (R, K, d) x3, (R, d).

    Draws the same noise values with the pure-Python generator and sampler of
    :mod:`heavytail_sim.reference` (the engine's order: step by step, coordinates in order), then steps
    RMSProp in numpy and evaluates h_Adam and h_clip with :func:`h_adam`, :func:`clip_parameters` and
    :func:`h_clip`.
    """
    from .reference import Xoroshiro128Plus, draw as draw_reference

    _check_problem(problem, beta2, eps, eta)
    d = problem.dim
    na, ns = noise.arrays(d)
    xi = np.empty((runs, steps, d))
    states = seed_states(seed, runs)
    for r in range(runs):
        gen = Xoroshiro128Plus(states[r, 0], states[r, 1])
        for k in range(steps):
            for i in range(d):
                xi[r, k, i] = draw_reference(gen, noise.kind, na[i], ns[i])
    x = np.tile(np.asarray(problem.x0, float), (runs, 1))
    v = np.zeros((runs, d))
    ratio, u, rho = (np.empty((runs, steps, d)) for _ in range(3))
    for k in range(steps):
        g = problem.grad(x) + xi[:, k]
        eta_k, tau_k = clip_parameters(v, eta, beta2, eps)
        ratio[:, k] = h_adam(g, v, eta, beta2, eps) / h_clip(g, eta_k, tau_k)
        D = eps + np.sqrt(beta2 * v)
        u[:, k] = math.sqrt(1.0 - beta2) * np.abs(g) / D
        rho[:, k] = eps / D
        v = beta2 * v + (1.0 - beta2) * g * g
        x = x - eta * (g / (np.sqrt(v) + eps))
    return ratio, u, rho, x
