"""Test problems: objectives with exact gradients, their constants, and their kernel records.

Every problem is a :class:`Problem` (numpy ``value``/``grad`` on arrays of shape ``(..., d)``, the
obviously correct definitions the tests and the reference simulator use) that compiles to one record,
:class:`ProblemRecord`, for the engine's kernels. The kernels evaluate gradients for a block of runs
("lanes") at once: state arrays are coordinate-major, ``X[i, l]`` is coordinate i of run l.

Separable problems (sums of one-dimensional terms in t_i = x_i - xstar_i; f* = 0 at xstar):

* ``quadratic``: f = sum_i h_i t_i^2 / 2; mu = min h, L = max h.
* ``ripple`` (smooth, non-convex): f = sum_i h_i (t_i^2 / 2 + c (1 - cos(w t_i))). f >= sum h t^2/2, so
  f* = 0 at xstar only; f'' ranges over h (1 +- c w^2), so L = max h (1 + c w^2). A one-dimensional term
  has spurious stationary points where t + c w sin(w t) = 0 has non-zero roots (c w^2 > 1 is necessary;
  c = 1, w = 2 has none and is benign; c = 2, w = 3 has local minima near |t| = 1.98, 3.95, 5.84, ...); products of
  such points over coordinates give spurious local minima and saddles in d >= 2 (:func:`ripple_stationary_points`).
* ``l1_quadratic`` (non-smooth, strongly convex): f = sum_i (lam |t_i| + h_i t_i^2 / 2) with the
  subgradient lam sign(t) + h t (sign(0) = 0); mu = min h; f* = 0 at xstar (seed 001, App A setting).

Coupled problems (the gradient of a coordinate depends on others):

* ``chain``: the probability-zero chain of Arjevani, Carmon, Duchi, Foster, Srebro and Woodworth (2019,
  Theorem 1 construction; Carmon et al. 2017), used by seed 001 App G for the non-convex lower bound,
  with Psi(x) = exp(1 - 1/(2x-1)^2) for x > 1/2 (0 otherwise), Phi(x) = sqrt(e) int_{-inf}^x e^{-t^2/2} dt,
  F_T(x) = -Psi(1) Phi(x_1) + sum_{i=2..T} [Psi(-x_{i-1}) Phi(-x_i) - Psi(x_{i-1}) Phi(x_i)], scaled as
  f(x) = (L lam^2 / 152) F_T(x / lam). inf F_T = -sqrt(2 pi e) (1 + e (T - 1)) (approached as every
  x_i -> +inf, not attained), which is the ``fstar`` used for objective gaps. Progress
  prog_a(x) = max{i : |x_i / lam| > a} (0 if none) is computed by :func:`chain_progress`.
* ``least_squares``: f = (1/(2n)) ||A x - y||^2 + (ridge/2) ||x||^2, a finite sum of n components.
* ``logistic``: f = (1/n) sum_j log(1 + exp(-y_j a_j.x)) + (ridge/2) ||x||^2, y_j in {-1, +1}; f* by
  Newton's method on the host (needs ridge > 0 or non-separable data).

A problem may carry a projection set (box or ball, seed 001 App A's projected GClip).
"""
from __future__ import annotations

import dataclasses
import math
from collections import namedtuple
from dataclasses import dataclass, field

import numpy as np
from numba import njit

from .errors import ParameterError, UsageError
from .lanes import square_norms
from .memory import check_memory
from .noise import NoiseModel
from .vecmath import fmax, fmin, where

QUADRATIC, RIPPLE, L1_QUADRATIC, CHAIN, LEAST_SQUARES, LOGISTIC = 0, 1, 2, 3, 4, 5
PROBLEM_KINDS = {"quadratic": QUADRATIC, "ripple": RIPPLE, "l1_quadratic": L1_QUADRATIC, "chain": CHAIN,
                 "least_squares": LEAST_SQUARES, "logistic": LOGISTIC}
SEPARABLE = (QUADRATIC, RIPPLE, L1_QUADRATIC)
FINITE_SUM = (LEAST_SQUARES, LOGISTIC)
PROJ_NONE, PROJ_BOX, PROJ_BALL = 0, 1, 2
PROJECTIONS = {"none": PROJ_NONE, "box": PROJ_BOX, "ball": PROJ_BALL}

# rows of ProblemRecord.vec (each of length d)
V_H, V_XSTAR, V_LO, V_HI, V_CENTER = 0, 1, 2, 3, 4
# entries of ProblemRecord.scal
S_C, S_W, S_LAM, S_RADIUS, S_FSTAR, S_SCALE, S_CHAIN_LAM, S_RIDGE = 0, 1, 2, 3, 4, 5, 6, 7
N_SCAL = 8

ProblemRecord = namedtuple("ProblemRecord", "kind proj scal vec data mat")
ProblemRecord.__doc__ = """A problem as the kernels see it (one value at the kernel boundary).

kind, proj : int64 codes (``PROBLEM_KINDS``, ``PROJECTIONS``).
scal : float64 (8,) scalars, indexed by the ``S_*`` constants.
vec : float64 (5, d) per-coordinate rows, indexed by the ``V_*`` constants.
data : float64 (n, d + 1) components [a_j, y_j] of a finite sum ((1, 1) otherwise).
mat : float64 (d, d + 1) [H | b] with grad f = H x - b for least squares ((1, 1) otherwise).
"""

SQRT_E = math.sqrt(math.e)
PHI_INF = math.sqrt(2.0 * math.pi * math.e)  # Phi(+inf) = sqrt(e) sqrt(2 pi)
CHAIN_LIPSCHITZ = 152.0  # Arjevani et al. (2019), Lemma 2: grad F_T is 152-Lipschitz


# ------------------------------------------------------------------ one-dimensional pieces (numba)
@njit(error_model="numpy")
def sep_value(kind, h, c, w, lam, t):
    """f_i at offset ``t = x_i - xstar_i`` for a separable kind."""
    if kind == RIPPLE:
        return h * (0.5 * t * t + c * (1.0 - math.cos(w * t)))
    if kind == L1_QUADRATIC:
        return lam * abs(t) + 0.5 * h * t * t
    return 0.5 * h * t * t


@njit(error_model="numpy")
def chain_psi(x):
    """Psi(x) = exp(1 - 1/(2x - 1)^2) for x > 1/2, else 0 (Arjevani et al. 2019, eq. 7)."""
    if x <= 0.5:
        return 0.0
    u = 2.0 * x - 1.0
    return math.exp(1.0 - 1.0 / (u * u))


@njit(error_model="numpy")
def chain_dpsi(x):
    """Psi'(x) = Psi(x) 4 / (2x - 1)^3 for x > 1/2, else 0."""
    if x <= 0.5:
        return 0.0
    u = 2.0 * x - 1.0
    return math.exp(1.0 - 1.0 / (u * u)) * 4.0 / (u * u * u)


@njit(error_model="numpy")
def chain_phi(x):
    """Phi(x) = sqrt(e) int_{-inf}^x exp(-t^2/2) dt = sqrt(e pi / 2) erfc(-x / sqrt 2)."""
    return SQRT_E * math.sqrt(0.5 * math.pi) * math.erfc(-x / math.sqrt(2.0))


@njit(error_model="numpy")
def chain_dphi(x):
    """Phi'(x) = sqrt(e) exp(-x^2 / 2)."""
    return SQRT_E * math.exp(-0.5 * x * x)


# ------------------------------------------------------------------ lane kernels (numba)
@njit(inline="always", error_model="numpy")
def _separable_gradient(pb, X, G, gn2, lo, hi):
    d = X.shape[0]
    kind = pb.kind
    c, w, lam = pb.scal[S_C], pb.scal[S_W], pb.scal[S_LAM]
    q = gn2[lo:hi]
    n = hi - lo
    for i in range(d):
        h = pb.vec[V_H, i]
        xs = pb.vec[V_XSTAR, i]
        x = X[i, lo:hi]
        g = G[i, lo:hi]
        first = i == 0  # the squared norm starts at the first coordinate (no pass to zero it)
        # one loop per kind over 1-D views: the branch stays outside the lane loop, which vectorises
        if kind == QUADRATIC:
            for l in range(n):
                gl = h * (x[l] - xs)
                g[l] = gl
                q[l] = where(first, 0.0, q[l]) + gl * gl
        elif kind == RIPPLE:
            cw = c * w
            for l in range(n):
                t = x[l] - xs
                gl = h * (t + cw * math.sin(w * t))
                g[l] = gl
                q[l] = where(first, 0.0, q[l]) + gl * gl
        else:  # L1_QUADRATIC: a subgradient, sign(0) = 0
            for l in range(n):
                t = x[l] - xs
                gl = lam * where(t > 0.0, 1.0, where(t < 0.0, -1.0, 0.0)) + h * t
                g[l] = gl
                q[l] = where(first, 0.0, q[l]) + gl * gl


@njit(inline="always", error_model="numpy")
def _chain_gradient(pb, X, G, gn2, lo, hi):
    T = X.shape[0]
    lam = pb.scal[S_CHAIN_LAM]
    gs = pb.scal[S_SCALE] / lam  # grad f(x) = (sigma / lam) grad F_T(x / lam)
    for l in range(lo, hi):
        total = 0.0
        # left factor of coordinate i's Phi'-term: Psi(1) = 1 for i = 1, Psi(-u_{i-1}) + Psi(u_{i-1}) after
        left = 1.0
        u = X[0, l] / lam
        for i in range(T):
            g = -left * chain_dphi(u)
            if i + 1 < T:
                un = X[i + 1, l] / lam
                g -= chain_dpsi(-u) * chain_phi(-un) + chain_dpsi(u) * chain_phi(un)
                left = chain_psi(-u) + chain_psi(u)
                u = un
            g *= gs
            G[i, l] = g
            total += g * g
        gn2[l] = total


@njit(inline="always", error_model="numpy")
def _least_squares_gradient(pb, X, G, gn2, lo, hi):
    d = X.shape[0]
    H = pb.mat
    ridge = pb.scal[S_RIDGE]
    n = hi - lo
    for i in range(d):
        b = H[i, d]
        g = G[i, lo:hi]
        x = X[i, lo:hi]
        for l in range(n):
            g[l] = ridge * x[l] - b
        for k in range(d):
            hik = H[i, k]
            xk = X[k, lo:hi]
            for l in range(n):
                g[l] += hik * xk[l]
    square_norms(G, gn2, lo, hi)


@njit(error_model="numpy")
def logistic_weight(m):
    """-sigmoid(-m) = -1 / (1 + exp(m)): derivative of log(1 + exp(-m)) in the margin m."""
    return -1.0 / (1.0 + math.exp(m))


@njit(inline="always", error_model="numpy")
def _logistic_gradient(pb, X, G, gn2, lo, hi):
    d = X.shape[0]
    A = pb.data
    n = A.shape[0]
    ridge = pb.scal[S_RIDGE]
    inv_n = 1.0 / n
    for i in range(d):
        for l in range(lo, hi):
            G[i, l] = ridge * X[i, l]
    for l in range(lo, hi):
        for j in range(n):
            m = 0.0
            for i in range(d):
                m += A[j, i] * X[i, l]
            y = A[j, d]
            coef = inv_n * y * logistic_weight(y * m)
            for i in range(d):
                G[i, l] += coef * A[j, i]
    square_norms(G, gn2, lo, hi)


@njit(inline="always", error_model="numpy")
def gradient(pb, X, G, gn2, lo, hi):
    """grad f at the lanes lo..hi-1 of ``X`` (d, R) into ``G`` (d, R), ||grad f||^2 into ``gn2`` (R,)."""
    if pb.kind == CHAIN:
        _chain_gradient(pb, X, G, gn2, lo, hi)
    elif pb.kind == LEAST_SQUARES:
        _least_squares_gradient(pb, X, G, gn2, lo, hi)
    elif pb.kind == LOGISTIC:
        _logistic_gradient(pb, X, G, gn2, lo, hi)
    else:
        _separable_gradient(pb, X, G, gn2, lo, hi)


@njit(error_model="numpy")
def component_gradient_add(pb, X, Z, j, l, weight):
    """Z[:, l] += weight * grad f_j(X[:, l]) for component j of a finite-sum problem (ridge excluded)."""
    d = X.shape[0]
    A = pb.data
    m = 0.0
    for i in range(d):
        m += A[j, i] * X[i, l]
    y = A[j, d]
    if pb.kind == LEAST_SQUARES:
        coef = weight * (m - y)
    else:
        coef = weight * y * logistic_weight(y * m)
    for i in range(d):
        Z[i, l] += coef * A[j, i]


@njit(error_model="numpy")
def value_lane(pb, X, l):
    """f(X[:, l]) - f* for one lane (checkpoints only, so a plain scalar loop)."""
    d = X.shape[0]
    kind = pb.kind
    if kind == CHAIN:
        lam = pb.scal[S_CHAIN_LAM]
        u = X[0, l] / lam
        F = -chain_phi(u)
        for i in range(1, d):
            un = X[i, l] / lam
            F += chain_psi(-u) * chain_phi(-un) - chain_psi(u) * chain_phi(un)
            u = un
        return pb.scal[S_SCALE] * F - pb.scal[S_FSTAR]
    if kind == LEAST_SQUARES:
        # f = x'Hx/2 - b'x + c0 with c0 folded into fstar (see Problem.record)
        H = pb.mat
        v = 0.0
        for i in range(d):
            hx = 0.0
            for k in range(d):
                hx += H[i, k] * X[k, l]
            v += X[i, l] * (0.5 * hx - H[i, d]) + 0.5 * pb.scal[S_RIDGE] * X[i, l] * X[i, l]
        return v - pb.scal[S_FSTAR]
    if kind == LOGISTIC:
        A = pb.data
        n = A.shape[0]
        v = 0.0
        for j in range(n):
            m = 0.0
            for i in range(d):
                m += A[j, i] * X[i, l]
            z = -A[j, d] * m
            v += fmax(z, 0.0) + math.log1p(math.exp(-abs(z)))  # log(1 + e^z), overflow-free
        v /= n
        for i in range(d):
            v += 0.5 * pb.scal[S_RIDGE] * X[i, l] * X[i, l]
        return v - pb.scal[S_FSTAR]
    c, w, lam = pb.scal[S_C], pb.scal[S_W], pb.scal[S_LAM]
    v = 0.0
    for i in range(d):
        v += sep_value(kind, pb.vec[V_H, i], c, w, lam, X[i, l] - pb.vec[V_XSTAR, i])
    return v


@njit(error_model="numpy")
def chain_progress(pb, X, l, a):
    """prog_a of lane l: the largest 1-based i with |x_i / lam| > a, 0 if none."""
    lam = pb.scal[S_CHAIN_LAM]
    p = 0
    for i in range(X.shape[0]):
        if abs(X[i, l] / lam) > a:
            p = i + 1
    return p


@njit(inline="always", error_model="numpy")
def project(pb, X, scratch, lo, hi):
    """Euclidean projection of lanes lo..hi-1 onto the problem's set (``scratch`` (R,): squared offsets)."""
    d = X.shape[0]
    n = hi - lo
    if pb.proj == PROJ_BOX:
        for i in range(d):
            a = pb.vec[V_LO, i]
            b = pb.vec[V_HI, i]
            x = X[i, lo:hi]
            for l in range(n):
                x[l] = fmin(fmax(x[l], a), b)
    elif pb.proj == PROJ_BALL:
        radius = pb.scal[S_RADIUS]
        f = scratch[lo:hi]
        for l in range(n):
            f[l] = 0.0
        for i in range(d):
            c = pb.vec[V_CENTER, i]
            x = X[i, lo:hi]
            for l in range(n):
                t = x[l] - c
                f[l] += t * t
        for l in range(n):
            off2 = f[l]
            # shrink factor, 1 inside the ball (the unused side of the select kept finite)
            f[l] = where(off2 > radius * radius, radius / math.sqrt(where(off2 > 0.0, off2, 1.0)), 1.0)
        for i in range(d):
            c = pb.vec[V_CENTER, i]
            x = X[i, lo:hi]
            for l in range(n):
                x[l] = where(f[l] < 1.0, c + f[l] * (x[l] - c), x[l])


# ------------------------------------------------------------------ the Python description
@dataclass(frozen=True, eq=False)
class Problem:
    """An objective in dimension d with exact gradients, optional projection set, and known constants.

    Build one with :func:`quadratic`, :func:`ripple`, :func:`l1_quadratic`, :func:`chain`,
    :func:`least_squares` or :func:`logistic`. Arrays are float64 of shape ``(d,)`` unless stated.

    Attributes
    ----------
    kind : str
        One of ``PROBLEM_KINDS``.
    h, xstar : ndarray
        Curvatures and minimiser of a separable kind (``h`` ones and ``xstar`` zeros otherwise).
    x0 : ndarray
        Starting point of every run.
    c, w, lam : float
        ``ripple``'s amplitude and frequency, ``l1_quadratic``'s l1 weight.
    chain_scale, chain_lam : float
        ``chain``: f(x) = chain_scale F_T(x / chain_lam), chain_scale = L lam^2 / 152.
    data : ndarray or None
        Finite sums: (n, d + 1) rows [a_j, y_j].
    ridge : float
        Finite sums: weight of (ridge/2) ||x||^2.
    projection, lo, hi, center, radius
        Projection set: ``"none"``, ``"box"`` [lo, hi] or ``"ball"`` of ``radius`` around ``center``.
    name : str
        A readable description (``"quadratic(d=10, mu=1, L=2)"``), used in result metadata.
    fstar : float or None
        inf f (``None`` when unknown: objective gaps are then not reported).
    smoothness : float
        L, the Lipschitz constant of grad f (``inf`` for non-smooth kinds).
    strong_convexity : float
        mu (0 when f is not strongly convex).
    """

    kind: str
    h: np.ndarray
    xstar: np.ndarray
    x0: np.ndarray
    c: float = 0.0
    w: float = 0.0
    lam: float = 0.0
    chain_scale: float = 1.0
    chain_lam: float = 1.0
    data: np.ndarray | None = None
    ridge: float = 0.0
    projection: str = "none"
    lo: np.ndarray | None = None
    hi: np.ndarray | None = None
    center: np.ndarray | None = None
    radius: float = math.inf
    name: str = field(default="")
    fstar: float | None = 0.0
    smoothness: float = math.inf
    strong_convexity: float = 0.0

    def __post_init__(self):
        if self.kind not in PROBLEM_KINDS:
            raise UsageError(f"unknown problem '{self.kind}' (choose from {', '.join(PROBLEM_KINDS)})")
        for arr in (self.h, self.xstar, self.x0):
            if np.shape(arr) != (self.dim,):
                raise UsageError("h, xstar and x0 must all have shape (d,)")
        if np.any(np.asarray(self.h) <= 0):
            raise UsageError("curvatures h must be positive")
        if self.projection not in PROJECTIONS:
            raise UsageError(f"unknown projection '{self.projection}'")

    @property
    def dim(self) -> int:
        """Dimension d."""
        return int(np.shape(self.x0)[0])

    @property
    def mu(self) -> float:
        """Strong-convexity constant; ``UsageError`` for problems that are not strongly convex."""
        if not self.strong_convexity > 0:
            raise UsageError(f"{self.kind} is not strongly convex: mu is not defined")
        return float(self.strong_convexity)

    @property
    def L(self) -> float:
        """Smoothness constant (Lipschitz constant of the gradient); ``inf`` for non-smooth kinds."""
        return float(self.smoothness)

    @property
    def metrics(self) -> tuple[str, ...]:
        """The error metrics that are defined for this problem (see ``engine.METRICS``)."""
        from .engine import METRICS

        keep = []
        for m in METRICS:
            if m in ("f_avg", "f_last") and self.fstar is None:
                continue
            if m in ("progress", "support", "reveals", "hit_step") and self.kind != "chain":
                continue
            keep.append(m)
        return tuple(keep)

    # -- numpy definitions: the reference the kernels are tested against
    def value(self, x: np.ndarray) -> np.ndarray:
        """f(x) for x of shape ``(..., d)``; returns shape ``(...)``."""
        x = np.asarray(x, dtype=float)
        if self.kind == "chain":
            u = x / self.chain_lam
            F = -_np_phi(u[..., 0])
            for i in range(1, self.dim):
                F = F + _np_psi(-u[..., i - 1]) * _np_phi(-u[..., i]) - _np_psi(u[..., i - 1]) * _np_phi(u[..., i])
            return self.chain_scale * F
        if self.kind in ("least_squares", "logistic"):
            A, y = self.data[:, :-1], self.data[:, -1]
            m = x @ A.T
            if self.kind == "least_squares":
                v = 0.5 * np.mean((m - y) ** 2, axis=-1)
            else:
                v = np.mean(np.logaddexp(0.0, -y * m), axis=-1)
            return v + 0.5 * self.ridge * np.sum(x * x, axis=-1)
        t = x - self.xstar
        v = 0.5 * self.h * t ** 2
        if self.kind == "ripple":
            v = v + self.h * self.c * (1.0 - np.cos(self.w * t))
        elif self.kind == "l1_quadratic":
            v = v + self.lam * np.abs(t)
        return v.sum(axis=-1)

    def grad(self, x: np.ndarray) -> np.ndarray:
        """grad f(x) (a subgradient for ``l1_quadratic``, sign(0) = 0) for x of shape ``(..., d)``."""
        x = np.asarray(x, dtype=float)
        if self.kind == "chain":
            u = x / self.chain_lam
            g = np.zeros_like(u)
            T = self.dim
            for i in range(T):
                left = 1.0 if i == 0 else _np_psi(-u[..., i - 1]) + _np_psi(u[..., i - 1])
                gi = -left * _np_dphi(u[..., i])
                if i + 1 < T:
                    gi = gi - (_np_dpsi(-u[..., i]) * _np_phi(-u[..., i + 1]) + _np_dpsi(u[..., i]) * _np_phi(u[..., i + 1]))
                g[..., i] = gi * (self.chain_scale / self.chain_lam)
            return g
        if self.kind in ("least_squares", "logistic"):
            A, y = self.data[:, :-1], self.data[:, -1]
            n = A.shape[0]
            return self.component_grads(x, np.arange(n)).mean(axis=-2) + self.ridge * x
        t = x - self.xstar
        if self.kind == "ripple":
            return self.h * (t + (self.c * self.w) * np.sin(self.w * t))
        if self.kind == "l1_quadratic":
            return self.lam * np.sign(t) + self.h * t
        return self.h * t

    def component_grads(self, x: np.ndarray, idx: np.ndarray) -> np.ndarray:
        """Gradients of the components f_j, j in ``idx`` (without the ridge term): shape ``(..., len(idx), d)``."""
        if self.kind not in ("least_squares", "logistic"):
            raise UsageError(f"{self.kind} is not a finite sum")
        A, y = self.data[idx, :-1], self.data[idx, -1]
        m = np.asarray(x, float)[..., None, :] @ A.T  # (..., 1, b)
        m = m[..., 0, :]
        if self.kind == "least_squares":
            coef = m - y
        else:
            coef = -y / (1.0 + np.exp(y * m))
        return coef[..., :, None] * A

    def project(self, x: np.ndarray) -> np.ndarray:
        """Euclidean projection onto the problem's set, x of shape ``(..., d)``."""
        if self.projection == "box":
            return np.clip(x, self.lo, self.hi)
        if self.projection == "ball":
            off = x - self.center
            nrm = np.linalg.norm(off, axis=-1, keepdims=True)
            return self.center + off * np.minimum(1.0, self.radius / np.maximum(nrm, 1e-300))
        return x

    def record(self) -> ProblemRecord:
        """The kernel record of this problem."""
        d = self.dim
        vec = np.empty((5, d))
        vec[V_H] = self.h
        vec[V_XSTAR] = self.xstar
        vec[V_LO] = -np.inf if self.lo is None else self.lo
        vec[V_HI] = np.inf if self.hi is None else self.hi
        vec[V_CENTER] = 0.0 if self.center is None else self.center
        scal = np.zeros(N_SCAL)
        scal[S_C], scal[S_W], scal[S_LAM] = self.c, self.w, self.lam
        scal[S_RADIUS] = self.radius
        scal[S_SCALE], scal[S_CHAIN_LAM], scal[S_RIDGE] = self.chain_scale, self.chain_lam, self.ridge
        data = np.zeros((1, 1)) if self.data is None else np.ascontiguousarray(self.data, dtype=float)
        mat = np.zeros((1, 1))
        fstar = 0.0 if self.fstar is None else self.fstar
        if self.kind == "least_squares":
            A, y = data[:, :-1], data[:, -1]
            n = A.shape[0]
            mat = np.empty((d, d + 1))
            mat[:, :d] = A.T @ A / n
            mat[:, d] = A.T @ y / n
            fstar = fstar - float(y @ y) / (2 * n)  # the kernel's value omits the constant ||y||^2/(2n)
        scal[S_FSTAR] = fstar
        return ProblemRecord(PROBLEM_KINDS[self.kind], PROJECTIONS[self.projection], scal, vec, data, mat)

    def describe(self) -> dict:
        """Plain-data description (for cache keys and result metadata)."""
        from dataclasses import asdict

        return asdict(self)


def _np_psi(x):
    x = np.asarray(x, float)
    u = 2.0 * x - 1.0
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        return np.where(x > 0.5, np.exp(1.0 - 1.0 / (u * u)), 0.0)


def _np_dpsi(x):
    x = np.asarray(x, float)
    u = 2.0 * x - 1.0
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        return np.where(x > 0.5, np.exp(1.0 - 1.0 / (u * u)) * 4.0 / u ** 3, 0.0)


def _np_phi(x):
    from scipy.special import erfc

    return SQRT_E * math.sqrt(0.5 * math.pi) * erfc(-np.asarray(x, float) / math.sqrt(2.0))


def _np_dphi(x):
    return SQRT_E * np.exp(-0.5 * np.asarray(x, float) ** 2)


# ------------------------------------------------------------------ constructors
def _vec(v, d: int, name: str) -> np.ndarray:
    try:
        arr = np.broadcast_to(np.asarray(v, dtype=float), (d,)).copy()
    except (TypeError, ValueError):
        raise ParameterError(name, f"must be a number or a length-{d} sequence, got {v!r}") from None
    if not np.all(np.isfinite(arr)):
        raise ParameterError(name, f"must be finite, got {v!r}")
    return arr


def _check_dim(d, name: str = "d") -> int:
    if isinstance(d, (float, np.floating)) and float(d).is_integer():
        d = int(d)
    if not isinstance(d, (int, np.integer)) or isinstance(d, bool) or d < 1:
        raise ParameterError(name, f"must be a positive integer, got {d}")
    check_memory(8 * 8 * int(d), name, f"dimension {d}")  # the problem's own per-coordinate arrays
    return int(d)


def _check_pos(**kw) -> None:
    for name, val in kw.items():
        if isinstance(val, bool) or not (isinstance(val, (int, float, np.integer, np.floating)) and math.isfinite(val)
                                         and val > 0):
            raise ParameterError(name, f"must be positive and finite, got {val}")


def _projection(d: int, projection: str, radius: float, lo, hi, center: np.ndarray) -> dict:
    if projection not in PROJECTIONS:
        raise UsageError(f"unknown projection '{projection}' (choose from {', '.join(PROJECTIONS)})")
    if projection == "ball" and not (0 < radius < math.inf):
        raise ParameterError("radius", f"of a ball projection must be positive and finite, got {radius}")
    out = {"projection": projection, "radius": float(radius), "center": center.copy(),
           "lo": None if lo is None else _vec(lo, d, "lo"), "hi": None if hi is None else _vec(hi, d, "hi")}
    if projection == "box" and (out["lo"] is None or out["hi"] is None or np.any(out["lo"] > out["hi"])):
        raise UsageError("a box projection needs lo <= hi")
    return out


def quadratic(d: int, mu: float = 1.0, L: float = 1.0, *, xstar=0.0, x0=1.0, projection: str = "none",
              radius: float = math.inf, lo=None, hi=None) -> Problem:
    """Diagonal quadratic f = sum h_i (x_i - xstar_i)^2 / 2 with h log-spaced from ``mu`` to ``L``.

    Parameters
    ----------
    d : int
        Dimension.
    mu, L : float
        Smallest and largest curvature (0 < mu <= L).
    xstar, x0 : float or array_like (d,)
        Minimiser and starting point.
    projection : {"none", "box", "ball"}
        ``"ball"`` projects onto the ball of ``radius`` around ``xstar``; ``"box"`` onto [lo, hi].
    radius : float
        Radius of the ball projection.
    lo, hi : float or array_like (d,), optional
        Bounds of the box projection.

    Returns
    -------
    Problem
        With ``mu``, ``L`` and ``f* = 0`` known.
    """
    d = _check_dim(d)
    _check_pos(mu=mu, L=L)
    if mu > L:
        raise ParameterError("mu", f"must be <= L = {L}, got {mu}")
    h = np.geomspace(mu, L, d) if d > 1 else np.array([float(mu)])
    xs = _vec(xstar, d, "xstar")
    return Problem("quadratic", h, xs, _vec(x0, d, "x0"), name=f"quadratic(d={d}, mu={mu:g}, L={L:g})",
                   smoothness=float(L), strong_convexity=float(mu), **_projection(d, projection, radius, lo, hi, xs))


def ripple(d: int, h: float = 1.0, c: float = 1.0, w: float = 2.0, x0=2.0) -> Problem:
    """Smooth non-convex ``ripple`` (module docstring); L = h (1 + c w^2), f* = 0 at 0.

    The default c = 1, w = 2 is benign (no spurious stationary points); ``c=2, w=3`` has spurious local
    minima and saddles (:func:`ripple_stationary_points`).

    Parameters
    ----------
    d : int
        Dimension.
    h : float
        Curvature of the quadratic part, the same on every coordinate.
    c, w : float
        Amplitude and frequency of the ripple term ``h c (1 - cos(w t))`` (>= 0).
    x0 : float or array_like (d,)
        Starting point.

    Returns
    -------
    Problem
        Smooth (``L`` known), not strongly convex unless ``c w^2 = 0``; f* = 0 at 0.
    """
    d = _check_dim(d)
    _check_pos(h=h)
    if not (math.isfinite(c) and math.isfinite(w) and c >= 0 and w >= 0):
        raise ParameterError("c" if not (math.isfinite(c) and c >= 0) else "w", f"must be finite and >= 0, got c={c}, w={w}")
    return Problem("ripple", np.full(d, float(h)), np.zeros(d), _vec(x0, d, "x0"), c=float(c), w=float(w),
                   name=f"ripple(d={d}, h={h:g}, c={c:g}, w={w:g})", smoothness=float(h * (1.0 + c * w * w)),
                   strong_convexity=float(h) if c * w * w == 0 else 0.0)


def ripple_stationary_points(c: float, w: float, t_max: float = 20.0) -> tuple[np.ndarray, np.ndarray]:
    """Stationary points t of the one-dimensional ripple term t^2/2 + c (1 - cos(w t)) in [0, t_max].

    Returns (minima, maxima) as sorted arrays of non-negative t (0 is always a minimum); a point of the
    d-dimensional ``ripple`` is stationary iff each coordinate offset is +- one of these, a local minimum
    iff all are minima and a saddle iff the coordinates mix minima and maxima.
    """
    from scipy.optimize import brentq

    def fp(t):
        return t + c * w * math.sin(w * t)

    grid = np.linspace(1e-9, t_max, 200001)
    vals = np.array([fp(t) for t in grid])
    roots = [brentq(fp, a, b) for a, b, fa, fb in zip(grid[:-1], grid[1:], vals[:-1], vals[1:]) if fa * fb < 0]
    curv = np.array([1.0 + c * w * w * math.cos(w * t) for t in roots])
    roots = np.array(roots)
    return np.concatenate([[0.0], roots[curv > 0]]), roots[curv < 0]


def l1_quadratic(d: int, lam: float = 1.0, mu: float = 1.0, L: float | None = None, *, xstar=0.0, x0=1.0,
                 projection: str = "none", radius: float = math.inf) -> Problem:
    """Non-smooth strongly convex f = sum_i (lam |t_i| + h_i t_i^2 / 2), t = x - xstar, subgradient oracle.

    ``h`` is log-spaced from ``mu`` to ``L`` (default L = mu); f* = 0 at xstar; mu-strongly convex, not
    smooth (``L`` attribute inf). The setting of seed 001's projected GClip theorem (App A).

    Parameters
    ----------
    d : int
        Dimension.
    lam : float
        Weight of the l1 term (> 0).
    mu, L : float
        Smallest and largest curvature of the quadratic part (``L=None``: ``mu``).
    xstar, x0 : float or array_like (d,)
        Minimiser and starting point.
    projection : {"none", "ball"}
        ``"ball"``: project onto the ball of ``radius`` around ``xstar``.
    radius : float
        Radius of the ball projection.

    Returns
    -------
    Problem
    """
    d = _check_dim(d)
    L = mu if L is None else L
    _check_pos(lam=lam, mu=mu, L=L)
    if mu > L:
        raise ParameterError("mu", f"must be <= L = {L}, got {mu}")
    h = np.geomspace(mu, L, d) if d > 1 else np.array([float(mu)])
    xs = _vec(xstar, d, "xstar")
    return Problem("l1_quadratic", h, xs, _vec(x0, d, "x0"), lam=float(lam), strong_convexity=float(mu),
                   name=f"l1_quadratic(d={d}, lam={lam:g}, mu={mu:g})", **_projection(d, projection, radius, None, None, xs))


def chain_infimum(T: int) -> float:
    """inf F_T = -sqrt(2 pi e) (1 + e (T - 1)): every term at its bound as all x_i -> +inf."""
    return -PHI_INF * (1.0 + math.e * (T - 1))


def chain(T: int, L: float = CHAIN_LIPSCHITZ, lam: float = 1.0, x0=0.0) -> Problem:
    """The scaled chain f(x) = (L lam^2 / 152) F_T(x / lam) on R^T (module docstring).

    Parameters
    ----------
    T : int
        Chain length (the dimension).
    L : float
        Smoothness constant of f (grad F_T is 152-Lipschitz: Arjevani et al. 2019, Lemma 2).
    lam : float
        Spatial scale: progress thresholds apply to x / lam.
    x0 : float or array_like
        Starting point (0: no progress, as the lower-bound argument requires).

    Returns
    -------
    Problem
        With ``fstar`` the infimum of f (not attained) and the chain metrics (``progress``, ...).
    """
    T = _check_dim(T, "T")
    _check_pos(L=L, lam=lam)
    scale = L * lam * lam / CHAIN_LIPSCHITZ
    return Problem("chain", np.ones(T), np.zeros(T), _vec(x0, T, "x0"), chain_scale=float(scale),
                   chain_lam=float(lam), name=f"chain(T={T}, L={L:g}, lam={lam:g})",
                   fstar=scale * chain_infimum(T), smoothness=float(L))


def _finite_sum_data(A, y, labels: bool, ridge: float) -> np.ndarray:
    """[A, y] validated: A (n, d) and y (n,) finite, labels in {-1, +1} for classification, ridge >= 0."""
    if not (isinstance(ridge, (int, float, np.integer, np.floating)) and math.isfinite(ridge) and ridge >= 0):
        raise ParameterError("ridge", f"must be finite and >= 0, got {ridge}")
    A = np.asarray(A, dtype=float)
    y = np.asarray(y, dtype=float)
    if A.ndim != 2 or y.shape != (A.shape[0],) or A.shape[0] < 1:
        raise UsageError(f"need A of shape (n, d) and y of shape (n,), got {A.shape} and {y.shape}")
    if not (np.all(np.isfinite(A)) and np.all(np.isfinite(y))):
        raise UsageError("data A and y must be finite")
    if labels and not np.all(np.isin(y, (-1.0, 1.0))):
        raise UsageError("logistic regression needs labels y in {-1, +1}")
    return np.column_stack([A, y])


def least_squares(A, y, ridge: float = 0.0, x0=0.0) -> Problem:
    """f(x) = (1/(2n)) ||A x - y||^2 + (ridge/2) ||x||^2 on a fixed data matrix A (n, d), targets y (n,).

    L and mu are the extreme eigenvalues of A'A/n + ridge I; f* from the normal equations (least-norm
    solution when singular).

    Parameters
    ----------
    A : array_like (n, d)
        Data matrix, one component a_j per row.
    y : array_like (n,)
        Targets.
    ridge : float
        Weight of the ridge term (>= 0).
    x0 : float or array_like (d,)
        Starting point.

    Returns
    -------
    Problem
        A finite sum of n components (for the :class:`~heavytail_sim.Minibatch` oracle).
    """
    data = _finite_sum_data(A, y, labels=False, ridge=ridge)
    A, y = data[:, :-1], data[:, -1]
    n, d = A.shape
    H = A.T @ A / n + ridge * np.eye(d)
    eig = np.linalg.eigvalsh(H)
    xs = np.linalg.lstsq(H, A.T @ y / n, rcond=None)[0]
    fstar = 0.5 * float(np.mean((A @ xs - y) ** 2)) + 0.5 * ridge * float(xs @ xs)
    return Problem("least_squares", np.ones(d), xs, _vec(x0, d, "x0"), data=data, ridge=float(ridge),
                   name=f"least_squares(n={n}, d={d}, ridge={ridge:g})", fstar=fstar,
                   smoothness=float(eig[-1]), strong_convexity=float(max(eig[0], 0.0)) if eig[0] > 1e-12 else 0.0)


def logistic(A, y, ridge: float = 0.0, x0=0.0) -> Problem:
    """f(x) = (1/n) sum_j log(1 + exp(-y_j a_j.x)) + (ridge/2) ||x||^2, labels y_j in {-1, +1}.

    L = ||A||_2^2 / (4 n) + ridge; f* by Newton's method (``None`` when the infimum is not attained,
    e.g. separable data without ridge).

    Parameters
    ----------
    A : array_like (n, d)
        Data matrix, one component a_j per row.
    y : array_like (n,)
        Labels in {-1, +1}.
    ridge : float
        Weight of the ridge term (>= 0).
    x0 : float or array_like (d,)
        Starting point.

    Returns
    -------
    Problem
        A finite sum of n components (for the :class:`~heavytail_sim.Minibatch` oracle).
    """
    data = _finite_sum_data(A, y, labels=True, ridge=ridge)
    A, y = data[:, :-1], data[:, -1]
    n, d = A.shape
    L = float(np.linalg.norm(A, 2) ** 2 / (4 * n) + ridge)
    xs, fstar = _logistic_minimum(A, y, ridge)
    return Problem("logistic", np.ones(d), np.zeros(d) if xs is None else xs, _vec(x0, d, "x0"), data=data,
                   ridge=float(ridge), name=f"logistic(n={n}, d={d}, ridge={ridge:g})", fstar=fstar,
                   smoothness=L, strong_convexity=float(ridge))


def _logistic_minimum(A: np.ndarray, y: np.ndarray, ridge: float) -> tuple[np.ndarray | None, float | None]:
    """Newton's method with backtracking; (x*, f*) or (None, None) when no minimiser is found."""
    n, d = A.shape
    x = np.zeros(d)

    def f(x):
        return float(np.mean(np.logaddexp(0.0, -y * (A @ x))) + 0.5 * ridge * x @ x)

    for _ in range(200):
        m = y * (A @ x)
        s = 1.0 / (1.0 + np.exp(m))  # sigmoid(-m)
        g = -(A.T @ (y * s)) / n + ridge * x
        if np.linalg.norm(g) < 1e-13:
            return x, f(x)
        W = s * (1.0 - s)
        H = (A.T * W) @ A / n + ridge * np.eye(d)
        try:
            step = np.linalg.solve(H, g)
        except np.linalg.LinAlgError:
            return None, None
        t, fx = 1.0, f(x)
        while f(x - t * step) > fx - 0.25 * t * (g @ step) and t > 1e-12:
            t *= 0.5
        x = x - t * step
        if np.linalg.norm(x) > 1e8:
            return None, None
    return None, None


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

    Parameters
    ----------
    alpha : float
        Moment order in (1, 2] of the family (seed 000, Thm 4).
    eps : float
        Accuracy in (0, 1/8]; Thm 4 takes eps = 1/(16 k^((alpha-1)/alpha)) for k oracle calls.
    nu : {0, 1}
        Which member of the pair.
    x0 : float
        Starting point in [0, 1/2].

    Returns
    -------
    LowerBoundInstance
        ``alpha``, ``eps``, ``nu``, gamma, p_nu, b_nu, the projected ``problem`` and the Bernoulli
        ``noise`` (a :class:`~heavytail_sim.NoiseModel`).
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
    prob = dataclasses.replace(quadratic(1, 1.0, 1.0, xstar=b, x0=x0, projection="box", lo=0.0, hi=0.5),
                               name=f"f_b(alpha={alpha}, eps={eps}, nu={nu})")
    return LowerBoundInstance(alpha, eps, nu, gamma, p, b, prob, NoiseModel("bernoulli", p, 1 / (2 * gamma)))
