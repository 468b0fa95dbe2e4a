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

from .errors import ParameterError, UsageError
from .rng import seed_states, xoro_uniform
from .vecmath import vcos, vlog, vpow, vsin, vtan, where

GAUSSIAN, PARETO, STABLE, STUDENT_T, CAUCHY, BERNOULLI = 0, 1, 2, 3, 4, 5
KINDS = {"gaussian": GAUSSIAN, "pareto": PARETO, "stable": STABLE, "student_t": STUDENT_T,
         "cauchy": CAUCHY, "bernoulli": BERNOULLI}


# One function per law, each returning (value, s0, s1) from a generator state held in locals. They are
# scalar code; :func:`draw_lanes` calls one of them inside a loop over lanes (runs) with the law chosen
# outside the loop, so the loop body is branch-free arithmetic that the compiler can vectorise: the
# special functions are :mod:`heavytail_sim.vecmath`'s (within 1 ulp of the correctly rounded value,
# measured), not libm's scalar calls, and choices are selects. They are inlined at numba's level
# (``inline="always"``): called as functions, their tuple returns keep a lane loop scalar (measured:
# 48 ns instead of 6 ns per Pareto draw).
@njit(inline="always", error_model="numpy")
def pareto_draw(s0, s1, ia, s):
    """Symmetric Lomax(a) times ``s``: sign * (U^(-1/a) - 1), ``ia = 1/a`` (inverse cdf of Lomax)."""
    u, s0, s1 = xoro_uniform(s0, s1)
    y = vpow(u, -ia) - 1.0
    v, s0, s1 = xoro_uniform(s0, s1)
    return where(v < 0.5, s * y, -s * y), s0, s1


@njit(inline="always", error_model="numpy")
def stable_draw(s0, s1, a, ia, s):
    """Symmetric alpha-stable (characteristic function exp(-|s t|^a)), a != 1, by Chambers, Mallows and
    Stuck (1976): sin(aV) / cos(V)^(1/a) (cos((1-a)V) / W)^((1-a)/a), V ~ U(-pi/2, pi/2), W ~ Exp(1)."""
    u, s0, s1 = xoro_uniform(s0, s1)
    e, s0, s1 = xoro_uniform(s0, s1)
    v = math.pi * (u - 0.5)
    w = -vlog(e)
    return s * (vsin(a * v) / vpow(vcos(v), ia) * vpow(vcos((1.0 - a) * v) / w, ia - 1.0)), s0, s1


@njit(inline="always", error_model="numpy")
def cauchy_draw(s0, s1, s):
    """Cauchy(0, s) = tan(pi (U - 1/2)) s (also the alpha-stable law at a = 1)."""
    u, s0, s1 = xoro_uniform(s0, s1)
    return s * vtan(math.pi * (u - 0.5)), s0, s1


@njit(inline="always", error_model="numpy")
def stable1_draw(s0, s1, s):
    """The alpha-stable law at a = 1: the same two uniforms as :func:`stable_draw`, value tan(V) s."""
    u, s0, s1 = xoro_uniform(s0, s1)
    _e, s0, s1 = xoro_uniform(s0, s1)
    return s * vtan(math.pi * (u - 0.5)), s0, s1


@njit(inline="always", error_model="numpy")
def gaussian_draw(s0, s1, s):
    """N(0, s^2) by Box-Muller, cosine branch only: a fixed two uniforms per value keeps streams easy to replay."""
    u, s0, s1 = xoro_uniform(s0, s1)
    v, s0, s1 = xoro_uniform(s0, s1)
    return s * math.sqrt(-2.0 * vlog(u)) * vcos(2.0 * math.pi * v), s0, s1


@njit(inline="always", error_model="numpy")
def student_t_draw(s0, s1, a, ia, s):
    """Student-t with ``a`` degrees of freedom, Bailey (1994): (u, v) uniform in the unit disc (rejection),
    t = u sqrt(a (w^(-2/a) - 1) / w), w = u^2 + v^2. A rejection loop: this law does not vectorise."""
    while True:
        u, s0, s1 = xoro_uniform(s0, s1)
        v, s0, s1 = xoro_uniform(s0, s1)
        u = 2.0 * u - 1.0
        v = 2.0 * v - 1.0
        w = u * u + v * v
        if w < 1.0:
            return s * u * math.sqrt(a * (vpow(w, -2.0 * ia) - 1.0) / w), s0, s1


@njit(inline="always", error_model="numpy")
def bernoulli_draw(s0, s1, p, s):
    """Centred Bernoulli s (p - B), B ~ Bern(p): the lower-bound oracle's noise (mean 0)."""
    u, s0, s1 = xoro_uniform(s0, s1)
    return where(u < p, s * (p - 1.0), s * p), s0, s1


@njit(error_model="numpy")
def draw_local(s0, s1, kind, a, ia, s):
    """One noise value from a generator state held in locals: returns (value, s0, s1).

    ``a`` is the tail parameter, ``ia = 1/a`` (precomputed by callers) and ``s`` the scale; see the
    module docstring for each ``kind``.
    """
    if kind == PARETO:
        return pareto_draw(s0, s1, ia, s)
    if kind == STABLE:
        if a == 1.0:
            return stable1_draw(s0, s1, s)
        return stable_draw(s0, s1, a, ia, s)
    if kind == GAUSSIAN:
        return gaussian_draw(s0, s1, s)
    if kind == STUDENT_T:
        return student_t_draw(s0, s1, a, ia, s)
    if kind == CAUCHY:
        return cauchy_draw(s0, s1, s)
    return bernoulli_draw(s0, s1, a, s)


@njit(inline="always", error_model="numpy")
def draw_lanes(kind, a, ia, s, S, out, i, lo, hi):
    """``out[i, l]`` = one draw of the law (kind, a, s) from lane l's stream ``S[:, l]``, l in lo..hi-1.

    ``S`` is the (2, R) uint64 generator state (row 0 and row 1 the two xoroshiro words of each run).
    The law is chosen once, outside the lane loop, which runs over 1-D views indexed from 0 (the form
    LLVM vectorises).
    """
    s0 = S[0, lo:hi]
    s1 = S[1, lo:hi]
    z = out[i, lo:hi]
    n = hi - lo
    if kind == PARETO:
        for l in range(n):
            z[l], s0[l], s1[l] = pareto_draw(s0[l], s1[l], ia, s)
    elif kind == STABLE and a != 1.0:
        for l in range(n):
            z[l], s0[l], s1[l] = stable_draw(s0[l], s1[l], a, ia, s)
    elif kind == STABLE:
        for l in range(n):
            z[l], s0[l], s1[l] = stable1_draw(s0[l], s1[l], s)
    elif kind == GAUSSIAN:
        for l in range(n):
            z[l], s0[l], s1[l] = gaussian_draw(s0[l], s1[l], s)
    elif kind == STUDENT_T:
        for l in range(n):
            z[l], s0[l], s1[l] = student_t_draw(s0[l], s1[l], a, ia, s)
    elif kind == CAUCHY:
        for l in range(n):
            z[l], s0[l], s1[l] = cauchy_draw(s0[l], s1[l], s)
    else:
        for l in range(n):
            z[l], s0[l], s1[l] = bernoulli_draw(s0[l], s1[l], a, s)


@njit(error_model="numpy")
def draw(state, r, kind, a, s):
    """One noise value of ``kind`` (tail parameter ``a``, scale ``s``) from run ``r`` of a state array."""
    x, state[r, 0], state[r, 1] = draw_local(state[r, 0], state[r, 1], kind, a, 1.0 / a, s)
    return x


@njit(cache=True)
def _fill(state, kind, a, s, out):
    for i in range(out.shape[0]):
        out[i] = draw(state, 0, kind, a, s)


def sample(kind: str, index: float, scale: float, n: int, seed: int) -> np.ndarray:
    """``n`` draws, shape ``(n,)``, of one noise model from the engine's generator (stream of run 0).

    Parameters
    ----------
    kind : str
        A noise law (see the module docstring).
    index, scale : float
        Tail parameter and scale of the law.
    n : int
        Number of draws.
    seed : int
        Seed of the stream (>= 0); the draws are those run 0 of a simulation with this seed would use.

    Returns
    -------
    numpy.ndarray
        Shape ``(n,)``, float64.
    """
    model = NoiseModel(kind, index, scale)
    out = np.empty(n)
    _fill(seed_states(seed, 1), KINDS[model.kind], float(model.index), float(model.scale), out)
    return out


def abs_moment(kind: str, index: float, scale: float, p: float) -> float:
    """Exact E|X|^p for one coordinate; ``inf`` where the moment does not exist (p >= tail index).

    Parameters
    ----------
    kind : str
        A noise law (see the module docstring).
    index, scale : float
        Tail parameter and scale of the law.
    p : float
        Moment order (>= 0).

    Returns
    -------
    float
        E|X|^p, or ``inf``.
    """
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


def _float_array(value, name: str) -> np.ndarray:
    """``value`` (scalar or sequence) as a non-empty 1-D float array of finite numbers; ParameterError otherwise."""
    try:
        arr = np.atleast_1d(np.asarray(value, dtype=float))
    except (TypeError, ValueError):
        raise ParameterError(name, f"must be a number or a sequence of numbers, got {value!r}") from None
    if arr.ndim != 1 or arr.size == 0 or not np.all(np.isfinite(arr)):
        raise ParameterError(name, f"must be finite, got {value!r}")
    return arr


@dataclass(frozen=True)
class NoiseModel:
    """One noise law per coordinate: ``kind`` with tail parameter ``index`` and ``scale``.

    ``index`` and ``scale`` may be scalars or length-d sequences (per-coordinate laws, Assumption 2 of
    seed 000); :meth:`arrays` broadcasts them to dimension d.

    Parameters
    ----------
    kind : str
        One of ``gaussian``, ``pareto``, ``stable``, ``student_t``, ``cauchy``, ``bernoulli``.
    index : float or sequence of float
        Tail parameter (Pareto and alpha-stable: the tail index; Student-t: degrees of freedom;
        Bernoulli: p; unused for Gaussian and Cauchy), one per coordinate or one for all.
    scale : float or sequence of float
        Multiplier of the standard variable (>= 0), one per coordinate or one for all.
    """

    kind: str
    index: float | tuple = 2.0
    scale: float | tuple = 1.0

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ParameterError("noise", f"must be one of {', '.join(KINDS)}, got '{self.kind}'")
        idx, sc = (_float_array(v, name) for v, name in ((self.index, "index"), (self.scale, "scale")))
        if np.any(sc < 0):
            raise ParameterError("scale", f"must be finite and >= 0, got {self.scale}")
        k = KINDS[self.kind]
        if k == STABLE and np.any((idx <= 0) | (idx > 2)):
            raise ParameterError("index", f"of alpha-stable noise must lie in (0, 2], got {self.index}")
        if k in (PARETO, STUDENT_T) and np.any(idx <= 0):
            raise ParameterError("index", f"of {self.kind} noise must be > 0, got {self.index}")
        if k == BERNOULLI and np.any((idx <= 0) | (idx >= 1)):
            raise ParameterError("index", f"of bernoulli noise (its probability p) must lie in (0, 1), got {self.index}")

    @property
    def code(self) -> int:
        return KINDS[self.kind]

    def arrays(self, d: int) -> tuple[np.ndarray, np.ndarray]:
        """(index, scale) as float64 arrays of shape ``(d,)``."""
        idx = np.broadcast_to(np.asarray(self.index, dtype=float), (d,)).copy()
        sc = np.broadcast_to(np.asarray(self.scale, dtype=float), (d,)).copy()
        return idx, sc

    def sample(self, size: int, *, seed: int = 0) -> np.ndarray:
        """``size`` draws of this law (scalar index and scale) from the engine's generator (stream 0 of ``seed``).

        Parameters
        ----------
        size : int
            Number of draws.
        seed : int
            Seed of the stream.

        Returns
        -------
        numpy.ndarray
            Shape ``(size,)``.
        """
        if np.ndim(self.index) or np.ndim(self.scale):
            raise ParameterError("index", "sample() draws one law: give a scalar index and scale")
        return sample(self.kind, float(self.index), float(self.scale), int(size), seed)

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
