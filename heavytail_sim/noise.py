"""Noise models: numba samplers, exact absolute moments, and a small description class.

Every sampler draws from one run's xoroshiro stream (:mod:`heavytail_sim.rng`) and returns one scalar, so
the same function serves the engine's step loop, the plain samplers below, and the numpy reference.

Parametrisations (``index`` is the tail parameter, ``scale`` multiplies the standard variable):

=============  ===========  ==================================================================
kind           index        standard variable (scale 1)
=============  ===========  ==================================================================
gaussian       unused       N(0, 1)
pareto         a > 0        symmetric Lomax: sign * Y with P(Y > y) = (1 + y)^(-a); E|X|^p < inf iff p < a
stable         a in (0, 2]  symmetric alpha-stable with characteristic function exp(-|t|^a)
                            (Chambers-Mallows-Stuck; S0 and S1 coincide at beta = 0: scipy's
                            ``levy_stable(a, 0)``); a = 2 is N(0, 2), a = 1 is Cauchy(0, 1)
student_t      df > 0       Student-t with ``df`` degrees of freedom (Bailey's polar method)
cauchy         unused       Cauchy(0, 1)
bernoulli      p in (0, 1)  centred Bernoulli p - B, B ~ Bern(p): the lower-bound oracle's noise
=============  ===========  ==================================================================
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from .errors import UsageError
from .rng import seed_states, xoro_uniform

GAUSSIAN, PARETO, STABLE, STUDENT_T, CAUCHY, BERNOULLI = 0, 1, 2, 3, 4, 5
KINDS = {"gaussian": GAUSSIAN, "pareto": PARETO, "stable": STABLE, "student_t": STUDENT_T,
         "cauchy": CAUCHY, "bernoulli": BERNOULLI}


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
def draw(state, r, kind, a, s):
    """One noise value of ``kind`` (tail parameter ``a``, scale ``s``) from run ``r`` of a state array."""
    x, state[r, 0], state[r, 1] = draw_local(state[r, 0], state[r, 1], kind, a, 1.0 / a, s)
    return x


@njit(cache=True)
def _fill(state, kind, a, s, out):
    for i in range(out.shape[0]):
        out[i] = draw(state, 0, kind, a, s)


def sample(kind: str, index: float, scale: float, n: int, seed: int) -> np.ndarray:
    """``n`` draws, shape ``(n,)``, of one noise model from the engine's generator (stream of run 0)."""
    model = NoiseModel(kind, index, scale)
    out = np.empty(n)
    _fill(seed_states(seed, 1), KINDS[model.kind], float(model.index), float(model.scale), out)
    return out


def abs_moment(kind: str, index: float, scale: float, p: float) -> float:
    """Exact E|X|^p for one coordinate; ``inf`` where the moment does not exist (p >= tail index)."""
    from scipy.special import beta as beta_fn, gamma

    if p < 0:
        raise UsageError("moment order p must be non-negative")
    k = KINDS[kind]
    sp = scale ** p
    if k == GAUSSIAN:
        return sp * 2 ** (p / 2) * gamma((p + 1) / 2) / math.sqrt(math.pi)
    if k == PARETO:
        return math.inf if p >= index else sp * index * beta_fn(p + 1, index - p)
    if k == STABLE:
        if index == 2.0:  # N(0, 2)
            return sp * 2 ** p * gamma((p + 1) / 2) / math.sqrt(math.pi)
        if p >= index:
            return math.inf
        # E|X|^p = 2^p Gamma((1+p)/2) Gamma(1 - p/a) / (sqrt(pi) Gamma(1 - p/2)) for exp(-|t|^a)
        return sp * 2 ** p * gamma((1 + p) / 2) * gamma(1 - p / index) / (math.sqrt(math.pi) * gamma(1 - p / 2))
    if k in (STUDENT_T, CAUCHY):
        df = 1.0 if k == CAUCHY else index
        if p >= df:
            return math.inf
        return sp * df ** (p / 2) * gamma((p + 1) / 2) * gamma((df - p) / 2) / (math.sqrt(math.pi) * gamma(df / 2))
    # BERNOULLI: |p - B| is 1 - p with probability p, p with probability 1 - p
    return sp * (index * (1 - index) ** p + (1 - index) * index ** p)


@dataclass(frozen=True)
class NoiseModel:
    """One noise law per coordinate: ``kind`` with tail parameter ``index`` and ``scale``.

    ``index`` and ``scale`` may be scalars or length-d sequences (per-coordinate laws, Assumption 2 of
    seed 000); :meth:`arrays` broadcasts them to dimension d.
    """

    kind: str
    index: float | tuple = 2.0
    scale: float | tuple = 1.0

    def __post_init__(self):
        if self.kind not in KINDS:
            raise UsageError(f"unknown noise '{self.kind}' (choose from {', '.join(KINDS)})")
        idx = np.atleast_1d(np.asarray(self.index, dtype=float))
        sc = np.atleast_1d(np.asarray(self.scale, dtype=float))
        if not np.all(np.isfinite(sc)) or np.any(sc < 0):
            raise UsageError("noise scale must be finite and >= 0")
        k = KINDS[self.kind]
        if k == STABLE and np.any((idx <= 0) | (idx > 2)):
            raise UsageError("alpha-stable index must lie in (0, 2]")
        if k in (PARETO, STUDENT_T) and np.any(idx <= 0):
            raise UsageError(f"{self.kind} tail index must be > 0")
        if k == BERNOULLI and np.any((idx <= 0) | (idx >= 1)):
            raise UsageError("Bernoulli probability must lie in (0, 1)")

    @property
    def code(self) -> int:
        return KINDS[self.kind]

    def arrays(self, d: int) -> tuple[np.ndarray, np.ndarray]:
        """(index, scale) as float64 arrays of shape ``(d,)``."""
        idx = np.broadcast_to(np.asarray(self.index, dtype=float), (d,)).copy()
        sc = np.broadcast_to(np.asarray(self.scale, dtype=float), (d,)).copy()
        return idx, sc

    def tail_index(self) -> np.ndarray | float:
        """The power-tail exponent (moments of order p exist iff p < tail index); ``inf`` for light tails."""
        k = self.code
        idx = np.asarray(self.index, dtype=float)
        if k == PARETO or k == STUDENT_T:
            return idx
        if k == STABLE:
            return np.where(idx < 2, idx, np.inf)
        if k == CAUCHY:
            return 1.0
        return math.inf

    def coordinate_moments(self, d: int, p: float) -> np.ndarray:
        """E|xi_i|^p for each coordinate, shape ``(d,)``: the B_i^p of Assumption 2 for zero gradient."""
        idx, sc = self.arrays(d)
        return np.array([abs_moment(self.kind, a, s, p) for a, s in zip(idx, sc)])
