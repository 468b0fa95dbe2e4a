"""Test problems: separable objectives with exact gradients, minimiser and optimal value.

Both objectives are sums of one-dimensional terms in t_i = x_i - xstar_i, which keeps the kernels simple
and makes f* exact:

* ``quadratic``: f(x) = sum_i h_i t_i^2 / 2; mu = min h, L = max h, f* = 0.
* ``ripple`` (smooth, non-convex): f(x) = sum_i h_i (t_i^2 / 2 + c (1 - cos(w t_i))).
  f >= sum h_i t_i^2 / 2 >= 0 with equality only at xstar, so f* = 0 exactly; f'' ranges over
  h_i (1 +- c w^2), so L = max h (1 + c w^2) and f is non-convex when c w^2 > 1. It has spurious
  stationary points (local minima) only where t + c w sin(w t) = 0 has non-zero roots: c = 0.5, w = 4
  has one at |t| ~ 1.380, the default c = 1, w = 2 has none (non-convex, yet every descent path ends at 0).

A problem may carry a projection set (box or ball) for projected methods (seed 001, App A).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numba import njit

from .errors import UsageError
from .noise import NoiseModel

QUADRATIC, RIPPLE = 0, 1
PROBLEM_KINDS = {"quadratic": QUADRATIC, "ripple": RIPPLE}
PROJ_NONE, PROJ_BOX, PROJ_BALL = 0, 1, 2


@njit(inline="always")
def coord_value(kind, h, c, w, t):
    """f_i at offset ``t = x_i - xstar_i``."""
    if kind == RIPPLE:
        return h * (0.5 * t * t + c * (1.0 - math.cos(w * t)))
    return 0.5 * h * t * t


@njit(inline="always")
def coord_grad(kind, h, c, w, t):
    """df_i/dx_i at offset ``t = x_i - xstar_i``."""
    if kind == RIPPLE:
        return h * (t + c * w * math.sin(w * t))
    return h * t


@dataclass(frozen=True)
class Problem:
    """A separable objective in dimension d (arrays of shape ``(d,)``) with optional projection set."""

    kind: str
    h: np.ndarray
    xstar: np.ndarray
    x0: np.ndarray
    c: float = 0.0
    w: float = 0.0
    projection: str = "none"  # "none" | "box" | "ball"
    lo: np.ndarray | None = None
    hi: np.ndarray | None = None
    center: np.ndarray | None = None
    radius: float = math.inf
    name: str = field(default="")
    fstar: float = 0.0  # both kinds have their minimum 0 at xstar (module docstring)

    def __post_init__(self):
        if self.kind not in PROBLEM_KINDS:
            raise UsageError(f"unknown problem '{self.kind}' (choose from {', '.join(PROBLEM_KINDS)})")
        for arr in (self.h, self.xstar, self.x0):
            if np.shape(arr) != (self.dim,):
                raise UsageError("h, xstar and x0 must all have shape (d,)")
        if np.any(np.asarray(self.h) <= 0):
            raise UsageError("curvatures h must be positive")
        if self.projection not in ("none", "box", "ball"):
            raise UsageError(f"unknown projection '{self.projection}'")

    @property
    def dim(self) -> int:
        return int(np.shape(self.h)[0])

    @property
    def mu(self) -> float:
        """Strong-convexity constant (quadratic only; 0 would be wrong for ripple, so it raises)."""
        if self.kind != "quadratic":
            raise UsageError("mu is defined for the quadratic problem only")
        return float(np.min(self.h))

    @property
    def L(self) -> float:
        return float(np.max(self.h) * (1.0 + self.c * self.w ** 2 if self.kind == "ripple" else 1.0))

    def value(self, x: np.ndarray) -> np.ndarray:
        """f(x) for x of shape ``(..., d)``."""
        t = np.asarray(x) - self.xstar
        v = 0.5 * self.h * t ** 2
        if self.kind == "ripple":
            v = v + self.h * self.c * (1.0 - np.cos(self.w * t))
        return v.sum(axis=-1)

    def grad(self, x: np.ndarray) -> np.ndarray:
        """grad f(x) for x of shape ``(..., d)``."""
        t = np.asarray(x) - self.xstar
        g = self.h * t
        if self.kind == "ripple":
            g = g + self.h * self.c * self.w * np.sin(self.w * t)
        return g

    def project(self, x: np.ndarray) -> np.ndarray:
        """Euclidean projection onto the problem's set, x of shape ``(..., d)``."""
        if self.projection == "box":
            return np.clip(x, self.lo, self.hi)
        if self.projection == "ball":
            off = x - self.center
            nrm = np.linalg.norm(off, axis=-1, keepdims=True)
            return self.center + off * np.minimum(1.0, self.radius / np.maximum(nrm, 1e-300))
        return x

    def kernel_args(self) -> tuple:
        """The flat arguments the engine's kernels take."""
        d = self.dim
        lo = np.full(d, -np.inf) if self.lo is None else np.asarray(self.lo, float)
        hi = np.full(d, np.inf) if self.hi is None else np.asarray(self.hi, float)
        center = np.zeros(d) if self.center is None else np.asarray(self.center, float)
        proj = {"none": PROJ_NONE, "box": PROJ_BOX, "ball": PROJ_BALL}[self.projection]
        return (PROBLEM_KINDS[self.kind], np.asarray(self.h, float), np.asarray(self.xstar, float),
                float(self.c), float(self.w), proj, lo, hi, center, float(self.radius))


def _vec(v, d: int, name: str) -> np.ndarray:
    arr = np.broadcast_to(np.asarray(v, dtype=float), (d,)).copy()
    if not np.all(np.isfinite(arr)):
        raise UsageError(f"{name} must be finite")
    return arr


def _check_dim(d: int) -> None:
    if not isinstance(d, (int, np.integer)) or d < 1:
        raise UsageError(f"dimension must be a positive integer, got {d}")


def quadratic(d: int, mu: float = 1.0, L: float = 1.0, xstar=0.0, x0=1.0,
              projection: str = "none", radius: float = math.inf, lo=None, hi=None) -> Problem:
    """Diagonal quadratic with eigenvalues log-spaced from ``mu`` to ``L``.

    ``projection="ball"`` projects onto the ball of ``radius`` around ``xstar``; ``"box"`` onto [lo, hi].
    """
    _check_dim(d)
    if not (0 < mu <= L < math.inf):
        raise UsageError(f"need 0 < mu <= L, got mu={mu}, L={L}")
    h = np.geomspace(mu, L, d) if d > 1 else np.array([mu])
    xs = _vec(xstar, d, "xstar")
    prob = Problem("quadratic", h, xs, _vec(x0, d, "x0"), projection=projection,
                   lo=None if lo is None else _vec(lo, d, "lo"), hi=None if hi is None else _vec(hi, d, "hi"),
                   center=xs.copy(), radius=float(radius), name=f"quadratic(d={d}, mu={mu}, L={L})")
    if projection == "ball" and not (0 < radius < math.inf):
        raise UsageError("a ball projection needs a finite positive radius")
    return prob


def ripple(d: int, h: float = 1.0, c: float = 1.0, w: float = 2.0, x0=2.0) -> Problem:
    """Smooth non-convex ``ripple`` problem (see module docstring); L = h (1 + c w^2), f* = 0."""
    _check_dim(d)
    if h <= 0 or c < 0 or w < 0:
        raise UsageError("ripple needs h > 0, c >= 0, w >= 0")
    return Problem("ripple", np.full(d, float(h)), np.zeros(d), _vec(x0, d, "x0"), c=float(c), w=float(w),
                   name=f"ripple(d={d}, h={h}, c={c}, w={w})")


@dataclass(frozen=True)
class LowerBoundInstance:
    """One member of the lower-bound family of seed 000 (Thm 4, App G); SPEC section 4."""

    alpha: float
    eps: float
    nu: int
    gamma: float  # seed 000 App G: gamma = (4 eps)^(1/(alpha-1))
    p: float      # seed 000 App G: p_nu = gamma^alpha - 2 nu gamma eps
    b: float      # seed 000 App G: b_nu = (2 - nu) eps
    problem: Problem
    noise: NoiseModel


def lower_bound_instance(alpha: float, eps: float, nu: int, x0: float = 0.25) -> LowerBoundInstance:
    """f_b(x) = (x - b_nu)^2 / 2 on [0, 1/2] with the Bernoulli oracle.

    The oracle returns x - 1/(2 gamma) with probability p_nu and x otherwise, i.e. grad f_b(x) plus
    the centred noise (p_nu - B) / (2 gamma), B ~ Bern(p_nu); unbiased because p_nu / (2 gamma) = b_nu.
    """
    if not (1 < alpha <= 2):
        raise UsageError(f"the lower bound needs alpha in (1, 2], got {alpha}")
    if not (0 < eps <= 0.125):
        raise UsageError(f"the lower bound needs eps in (0, 1/8], got {eps}")
    if nu not in (0, 1):
        raise UsageError("nu must be 0 or 1")
    gamma = (4 * eps) ** (1 / (alpha - 1))
    p = gamma ** alpha - 2 * nu * gamma * eps
    b = (2 - nu) * eps
    prob = Problem("quadratic", np.ones(1), np.array([b]), np.array([x0]), projection="box",
                   lo=np.zeros(1), hi=np.full(1, 0.5), name=f"f_b(alpha={alpha}, eps={eps}, nu={nu})")
    return LowerBoundInstance(alpha, eps, nu, gamma, p, b, prob, NoiseModel("bernoulli", p, 1 / (2 * gamma)))
