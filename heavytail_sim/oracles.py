"""Stochastic-gradient oracles: what a method sees instead of grad f(x).

Three kinds, one interface (an :class:`Oracle` compiles to one :class:`OracleRecord`; the kernel
:func:`stochastic_gradient` fills the stochastic gradient of a block of runs from their true gradient, their
iterates and their own random streams, so results stay bit-identical across thread counts and backends):

* :class:`AdditiveNoise`: g = grad f(x) + m_k + s_k xi, xi drawn coordinate by coordinate from a noise law
  (:class:`heavytail_sim.noise.NoiseModel`), with an optional non-stationary scale s_k and mean m_k
  (:class:`Profile`: constant, power-law drift, or switching between two levels). Draw order per run and
  step: coordinates 0..d-1, one value each.
* :class:`ProbabilityZeroOracle`: the oracle of the non-convex lower bound (Arjevani et al. 2019, eq. (11);
  seed 001 App G): [g]_i = (1 + 1{i > prog_{1/4}(x)} (xi/p - 1)) d_i f(x), xi ~ Bernoulli(p), one xi per
  query (one uniform per run and step). Unbiased; only the coordinate just past the progress index can be
  non-zero and noisy. Its noise at that coordinate is d_i f (xi/p - 1), whose alpha-th absolute moment is
  |d_i f|^alpha [p (1/p - 1)^alpha + (1 - p)].
* :class:`Minibatch`: g = (1/b) sum_{s=1..b} grad f_{j_s}(x) + ridge x, indices j_s uniform on {0..n-1}
  drawn with replacement from the run's stream (j = floor(n U)), for finite-sum problems.
"""
from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections import namedtuple
from dataclasses import dataclass, field

import numpy as np
from numba import njit

from .errors import UsageError
from .noise import KINDS, NoiseModel, draw_lanes
from .problems import CHAIN, FINITE_SUM, PROBLEM_KINDS, S_RIDGE, Problem, chain_progress, component_gradient_add
from .lanes import square_norms
from .rng import xoro_uniform
from .state import TB_NSCALE, TB_NSHIFT, W_FAC, W_ZN2
from .vecmath import where

ADDITIVE, PROBABILITY_ZERO, MINIBATCH = 0, 1, 2
ORACLE_KINDS = {"additive": ADDITIVE, "probability_zero": PROBABILITY_ZERO, "minibatch": MINIBATCH}
PROFILE_CONSTANT, PROFILE_POWER, PROFILE_SWITCH = 0, 1, 2
PROFILE_KINDS = {"constant": PROFILE_CONSTANT, "power": PROFILE_POWER, "switch": PROFILE_SWITCH}
# rows of OracleRecord.vec
N_INDEX, N_INV_INDEX, N_SCALE = 0, 1, 2
# entries of OracleRecord.scal
O_P, O_BATCH, O_PROGRESS_A = 0, 1, 2

OracleRecord = namedtuple("OracleRecord", "kind noise vec scal")
OracleRecord.__doc__ = """An oracle as the kernels see it.

kind : int64 (``ORACLE_KINDS``); noise : int64 noise law (``noise.KINDS``).
vec : float64 (3, d) per-coordinate index, 1/index and scale of the noise law.
scal : float64 (4,): p of the probability-zero oracle, batch size, progress threshold (1/4).
"""


@dataclass(frozen=True)
class Profile:
    """A per-step multiplier (or offset) of the noise: non-stationary noise.

    kind ``"constant"``: ``a``; ``"power"``: a (k + b)^c (a drifting scale); ``"switch"``: ``a`` on steps
    k with floor((k - 1) / c) even, ``b`` otherwise (the scale switches every c steps).

    Parameters
    ----------
    kind : {"constant", "power", "switch"}
        The form of the profile.
    a, b, c : float
        Its parameters, as above (``"power"`` needs k + b > 0 for k >= 1, ``"switch"`` a whole period
        c >= 1).
    """

    kind: str = "constant"
    a: float = 1.0
    b: float = 0.0
    c: float = 0.0

    def __post_init__(self):
        if self.kind not in PROFILE_KINDS:
            raise UsageError(f"unknown profile '{self.kind}' (choose from {', '.join(PROFILE_KINDS)})")
        if not all(math.isfinite(v) for v in (self.a, self.b, self.c)):
            raise UsageError("profile parameters must be finite")
        if self.kind == "power" and self.b + 1 <= 0:
            raise UsageError("a power profile needs k + b > 0 for k >= 1")
        if self.kind == "switch" and not (self.c >= 1 and float(self.c).is_integer()):
            raise UsageError(f"a switching profile needs a whole period c >= 1, got {self.c}")

    def params(self) -> np.ndarray:
        return np.array([PROFILE_KINDS[self.kind], self.a, self.b, self.c], dtype=float)

    def at(self, k) -> np.ndarray:
        """The profile at step(s) k >= 1 (numpy; the kernels use :func:`profile_at`)."""
        k = np.asarray(k, dtype=float)
        if self.kind == "power":
            return self.a * (k + self.b) ** self.c
        if self.kind == "switch":
            return np.where(np.floor((k - 1) / self.c) % 2 == 0, self.a, self.b)
        return np.full_like(k, self.a)


@njit(error_model="numpy")
def profile_at(prm, k):
    """Value at step k of a profile given as ``Profile.params()`` (kind, a, b, c)."""
    kind = prm[0]
    if kind == PROFILE_POWER:
        return prm[1] * (k + prm[2]) ** prm[3]
    if kind == PROFILE_SWITCH:
        return prm[1] if math.floor((k - 1.0) / prm[3]) % 2.0 == 0.0 else prm[2]
    return prm[1]


class Oracle(ABC):
    """Base class of the oracles: a kernel record and a description."""

    kind: str = ""

    @abstractmethod
    def record(self, problem: Problem) -> OracleRecord:
        """The oracle's kernel record for ``problem`` (validated against it)."""

    def profiles(self) -> tuple[Profile, Profile]:
        """(scale profile, mean profile) evaluated per step into the step table."""
        return Profile("constant", 1.0), Profile("constant", 0.0)

    def describe(self) -> dict:
        from dataclasses import asdict

        return {"oracle": self.kind, **asdict(self)}


def _noise_vec(noise: NoiseModel, d: int) -> np.ndarray:
    idx, sc = noise.arrays(d)
    return np.vstack([idx, 1.0 / idx, sc])


@dataclass(frozen=True)
class AdditiveNoise(Oracle):
    """g = grad f(x) + mean_k + scale_k xi with xi from ``noise`` (per coordinate), see the module docstring.

    Parameters
    ----------
    noise : NoiseModel
        The law of xi (per-coordinate index and scale allowed).
    scale : Profile
        Multiplier s_k of the noise (default 1: stationary).
    mean : Profile
        Offset m_k added to every coordinate (default 0: unbiased).
    """

    noise: NoiseModel
    scale: Profile = field(default_factory=lambda: Profile("constant", 1.0))
    mean: Profile = field(default_factory=lambda: Profile("constant", 0.0))
    kind = "additive"

    def record(self, problem: Problem) -> OracleRecord:
        d = problem.dim
        if noise_dim_mismatch(self.noise, d):
            raise UsageError(f"noise parameters do not match dimension {d}")
        return OracleRecord(ADDITIVE, KINDS[self.noise.kind], _noise_vec(self.noise, d), np.zeros(4))

    def profiles(self) -> tuple[Profile, Profile]:
        return self.scale, self.mean

    def describe(self) -> dict:
        from dataclasses import asdict

        return {"oracle": self.kind, "noise": asdict(self.noise), "scale": asdict(self.scale),
                "mean": asdict(self.mean)}


@dataclass(frozen=True)
class ProbabilityZeroOracle(Oracle):
    """The chain's oracle: coordinates past prog_{1/4}(x) multiplied by xi/p, xi ~ Bernoulli(p).

    Parameters
    ----------
    p : float
        Probability in (0, 1] that a query reveals the next coordinate.
    """

    p: float
    kind = "probability_zero"

    def __post_init__(self):
        if not (0 < self.p <= 1):
            raise UsageError(f"p must lie in (0, 1], got {self.p}")

    def record(self, problem: Problem) -> OracleRecord:
        if PROBLEM_KINDS[problem.kind] != CHAIN:
            raise UsageError("the probability-zero oracle applies to the chain problem only")
        scal = np.array([self.p, 0.0, 0.25, 0.0])
        return OracleRecord(PROBABILITY_ZERO, 0, np.ones((3, problem.dim)), scal)

    def noise_abs_moment(self, grad_coord: float, alpha: float) -> float:
        """E|d_i f (xi/p - 1)|^alpha = |d_i f|^alpha [p (1/p - 1)^alpha + 1 - p] at the noisy coordinate."""
        p = self.p
        return abs(grad_coord) ** alpha * (p * (1.0 / p - 1.0) ** alpha + 1.0 - p)


@dataclass(frozen=True)
class Minibatch(Oracle):
    """Average of ``batch`` component gradients, indices uniform with replacement (finite sums only).

    Parameters
    ----------
    batch : int
        Minibatch size b >= 1.
    """

    batch: int = 1
    kind = "minibatch"

    def __post_init__(self):
        if not (isinstance(self.batch, (int, np.integer)) and self.batch >= 1):
            raise UsageError(f"batch must be a positive integer, got {self.batch}")

    def record(self, problem: Problem) -> OracleRecord:
        if PROBLEM_KINDS[problem.kind] not in FINITE_SUM:
            raise UsageError("the minibatch oracle needs a finite-sum problem (least_squares or logistic)")
        return OracleRecord(MINIBATCH, 0, np.ones((3, problem.dim)), np.array([0.0, float(self.batch), 0.0, 0.0]))


def as_oracle(obj) -> Oracle:
    """An :class:`Oracle` from an oracle or a :class:`NoiseModel` (additive, stationary)."""
    if isinstance(obj, Oracle):
        return obj
    if isinstance(obj, NoiseModel):
        return AdditiveNoise(obj)
    raise UsageError(f"expected a NoiseModel or an Oracle, got {type(obj).__name__}")


def noise_dim_mismatch(noise: NoiseModel, d: int) -> bool:
    """True when a per-coordinate index or scale has a length other than 1 or d."""
    return any(np.size(arr) not in (1, d) for arr in (noise.index, noise.scale))


# ------------------------------------------------------------------ kernel
@njit(inline="always", error_model="numpy")
def add_gradient(g, shift, z, zn2, first):
    """z = (g + shift) + z on 1-D row views (the additive oracle's answer from its noise draws), and its
    square added to the squared norm ``zn2`` (started at the first coordinate)."""
    for l in range(z.shape[0]):
        zl = g[l] + shift + z[l]
        z[l] = zl
        zn2[l] = where(first, 0.0, zn2[l]) + zl * zl


@njit(inline="always", error_model="numpy")
def stochastic_gradient(oc, pb, tb, j, st, lo, hi):
    """The oracle's answer for lanes lo..hi-1 at step column j of the step table ``tb``.

    Reads the iterates ``st.X`` and their true gradients ``st.G``; writes the stochastic gradient into
    ``st.Z`` and its squared norm into ``st.W[W_ZN2]``, drawing from the runs' streams ``st.S``. The step
    table gives the noise's multiplier and offset (additive oracle); the probability-zero oracle leaves its
    xi/p in ``st.W[W_FAC]``.
    """
    X, G, Z, S = st.X, st.G, st.Z, st.S
    zn2 = st.W[W_ZN2]
    xi = st.W[W_FAC]
    scale = tb[TB_NSCALE, j]
    shift = tb[TB_NSHIFT, j]
    d = X.shape[0]
    if oc.kind == ADDITIVE:
        kind = oc.noise
        for i in range(d):
            draw_lanes(kind, oc.vec[N_INDEX, i], oc.vec[N_INV_INDEX, i], scale * oc.vec[N_SCALE, i], S, Z, i, lo, hi)
            add_gradient(G[i, lo:hi], shift, Z[i, lo:hi], zn2[lo:hi], i == 0)
    elif oc.kind == PROBABILITY_ZERO:
        p = oc.scal[O_P]
        a = oc.scal[O_PROGRESS_A]
        for l in range(lo, hi):
            u, S[0, l], S[1, l] = xoro_uniform(S[0, l], S[1, l])
            mult = 1.0 / p if u < p else 0.0  # xi / p, xi ~ Bernoulli(p)
            xi[l] = mult
            prog = chain_progress(pb, X, l, a)
            for i in range(d):
                Z[i, l] = G[i, l] if i < prog else mult * G[i, l]
    else:  # MINIBATCH
        n = pb.data.shape[0]
        b = int(oc.scal[O_BATCH])
        w = 1.0 / b
        ridge = pb.scal[S_RIDGE]
        for l in range(lo, hi):
            for i in range(d):
                Z[i, l] = ridge * X[i, l]
            for _s in range(b):
                u, S[0, l], S[1, l] = xoro_uniform(S[0, l], S[1, l])
                j = int(u * n)
                if j >= n:  # u < 1, but u n may round up to n
                    j = n - 1
                component_gradient_add(pb, X, Z, j, l, w)
    if oc.kind != ADDITIVE:
        square_norms(Z, zn2, lo, hi)
