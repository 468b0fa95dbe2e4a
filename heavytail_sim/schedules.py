"""Step-size and clipping-threshold schedules.

Every schedule has the parametric form

    eta_k = eta0 / (k + eta_shift)^eta_power,   tau_{k,i} = tau0 (k + tau_shift)^tau_power * tau_vec_i

for steps k = 1, 2, ...; this covers the theorem schedules of seed 000, constants and user choices, and
lets the engine evaluate eta_k and tau_k on the fly, with no array of length K.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from .errors import ParameterError


@dataclass(frozen=True)
class Schedule:
    """eta_k and tau_{k,i}; ``tau_vec`` is ``None`` (all ones) or a length-d per-coordinate factor.

    eta_k = eta0 / (k + eta_shift)^eta_power and tau_{k,i} = tau0 (k + tau_shift)^tau_power tau_vec_i for
    steps k = 1, 2, ... (module docstring).

    Parameters
    ----------
    eta0 : float
        Step-size constant (> 0).
    eta_shift, eta_power : float
        Shift and decay power of the step size (k + eta_shift > 0 for k >= 1).
    tau0 : float
        Threshold constant (> 0; ``inf``: no clipping).
    tau_shift, tau_power : float
        Shift and growth power of the threshold.
    tau_vec : sequence of float, optional
        Per-coordinate threshold factors (CClip), positive.
    name : str
        A label, reported in result metadata.
    """

    eta0: float
    eta_shift: float = 0.0
    eta_power: float = 0.0
    tau0: float = math.inf
    tau_shift: float = 0.0
    tau_power: float = 0.0
    tau_vec: tuple | None = None
    name: str = "custom"

    def __post_init__(self):
        _check_pos(eta0=self.eta0)
        if not (_is_real(self.tau0) and self.tau0 > 0):  # tau0 = inf: no clipping
            raise ParameterError("tau0", f"must be positive (inf: no clipping), got {self.tau0}")
        for name in ("eta_shift", "eta_power", "tau_shift", "tau_power"):
            if not (_is_real(getattr(self, name)) and math.isfinite(getattr(self, name))):
                raise ParameterError(name, f"must be finite, got {getattr(self, name)}")
        if self.eta_shift + 1 <= 0 or self.tau_shift + 1 <= 0:
            raise ParameterError("eta_shift" if self.eta_shift + 1 <= 0 else "tau_shift",
                                 "must keep k + shift > 0 for k >= 1")
        if self.tau_vec is not None:
            tv = np.asarray(self.tau_vec, dtype=float)
            if tv.ndim != 1 or not np.all(np.isfinite(tv) & (tv > 0)):
                raise ParameterError("tau_vec", "per-coordinate thresholds must be positive and finite")

    def eta(self, k) -> np.ndarray:
        """eta_k for step(s) k >= 1."""
        return self.eta0 / (np.asarray(k, float) + self.eta_shift) ** self.eta_power

    def tau(self, k) -> np.ndarray:
        """Scalar part tau0 (k + tau_shift)^tau_power of the threshold (multiply by ``tau_vector``)."""
        return self.tau0 * (np.asarray(k, float) + self.tau_shift) ** self.tau_power

    def tau_vector(self, d: int) -> np.ndarray:
        return np.ones(d) if self.tau_vec is None else np.broadcast_to(np.asarray(self.tau_vec, float), (d,)).copy()

    def kernel_args(self) -> tuple:
        return (float(self.eta0), float(self.eta_shift), float(self.eta_power),
                float(self.tau0), float(self.tau_shift), float(self.tau_power))


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


def _is_real(v) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)


def _check_alpha(alpha: float) -> None:
    if not (_is_real(alpha) and 1 < alpha <= 2):
        raise ParameterError("alpha", f"of a theorem schedule must lie in (1, 2], got {alpha}")


def _check_pos(**kw) -> None:
    for name, val in kw.items():
        if not (_is_real(val) and math.isfinite(val) and val > 0):
            raise ParameterError(name, f"must be positive and finite, got {val}")


def theorem1(alpha: float, G: float, mu: float, c: float = 1.0) -> Schedule:
    """GClip, strongly convex: eta_k = 4/(mu (k+1)), tau_k = c G k^(1/alpha) (c = 1 in the theorem).

    Parameters
    ----------
    alpha : float
        Moment order in (1, 2] of Assumption 1.
    G : float
        The moment bound of Assumption 1 (E||g||^alpha <= G^alpha).
    mu : float
        Strong-convexity constant.
    c : float
        Multiplier of the threshold.

    Returns
    -------
    Schedule
    """
    _check_alpha(alpha)
    _check_pos(G=G, mu=mu, c=c)
    # seed 000, Theorem 1: tau_k = G k^(1/alpha), eta_k = 4 / (mu (k + 1))
    return Schedule(4.0 / mu, 1.0, 1.0, c * G, 0.0, 1.0 / alpha, name="theorem1")


def theorem2(alpha: float, G: float, L: float, f0: float, K: int) -> Schedule:
    """GClip, non-convex, horizon K: constant eta and tau of seed 000, Theorem 2.

    Parameters
    ----------
    alpha : float
        Moment order in (1, 2] of Assumption 1.
    G : float
        The moment bound of Assumption 1.
    L : float
        Smoothness constant of f.
    f0 : float
        f(x_0) - f* (> 0).
    K : int
        The horizon the constants are set for.

    Returns
    -------
    Schedule
        Constant step size and threshold.
    """
    _check_alpha(alpha)
    _check_pos(G=G, L=L, f0=f0)
    if not (_is_real(K) and K >= 1):
        raise ParameterError("K", f"(the horizon) must be >= 1, got {K}")
    # seed 000, Theorem 2: eta = (f0 / (G^2 K))^(alpha/(3 alpha-2)) / L^((2 alpha-2)/(3 alpha-2)), tau = G/(eta L)^(1/alpha)
    eta = (f0 / (G * G * K)) ** (alpha / (3 * alpha - 2)) / L ** ((2 * alpha - 2) / (3 * alpha - 2))
    tau = G / (eta * L) ** (1 / alpha)
    return Schedule(eta, tau0=tau, name="theorem2")


def theorem2_cclip(alpha: float, B, L: float, f0: float, K: int) -> Schedule:
    """CClip, non-convex: Theorem 2's constants with G = ||B||_alpha, thresholds proportional to B_i.

    The per-coordinate thresholds tau_i = B_i / (eta L)^(1/alpha) follow the CClip analogue of Thm 2
    (seed 000, App F) with the step size that Table 1's CClip rate ||B||_alpha^(2a/(3a-2)) implies.
    """
    B = np.asarray(B, float)
    _check_pos(Bmin=float(B.min()))
    Ba = float(np.sum(B ** alpha) ** (1 / alpha))
    base = theorem2(alpha, Ba, L, f0, K)
    return Schedule(base.eta0, tau0=1.0 / (base.eta0 * L) ** (1 / alpha), tau_vec=tuple(B), name="theorem2_cclip")


def theorem3(alpha: float, B, mu: float, c: float = 1.0) -> Schedule:
    """CClip, strongly convex: eta_k = 4/(mu (k+1)), tau_{k,i} = c B_i k^(1/alpha).

    Parameters
    ----------
    alpha : float
        Moment order in (1, 2] of Assumption 2.
    B : float or array_like (d,)
        Per-coordinate moment bounds B_i (E|g_i|^alpha <= B_i^alpha), positive.
    mu : float
        Strong-convexity constant.
    c : float
        Multiplier of the thresholds.

    Returns
    -------
    Schedule
        With ``tau_vec = B``.
    """
    _check_alpha(alpha)
    _check_pos(mu=mu, c=c)
    B = np.atleast_1d(np.asarray(B, float))
    if np.any(~(B > 0)) or np.any(~np.isfinite(B)):
        raise ParameterError("B", f"(coordinate moments B_i) must be positive and finite, got {B}")
    # seed 000, Theorem 3: tau_{k,i} = B_i k^(1/alpha), same steps as Theorem 1
    return Schedule(4.0 / mu, 1.0, 1.0, c, 0.0, 1.0 / alpha, tau_vec=tuple(B), name="theorem3")


def sgd_decreasing(mu: float) -> Schedule:
    """SGD for strongly convex f: eta_k = 4/(mu (k+1)), no clipping (Table 1's SGD column).

    Parameters
    ----------
    mu : float
        Strong-convexity constant.

    Returns
    -------
    Schedule
    """
    _check_pos(mu=mu)
    return Schedule(4.0 / mu, 1.0, 1.0, name="sgd_decreasing")


def constant(eta: float, tau: float = math.inf) -> Schedule:
    """Constant step size and threshold.

    Parameters
    ----------
    eta : float
        Step size (> 0).
    tau : float
        Clipping threshold (``inf``: no clipping).

    Returns
    -------
    Schedule
    """
    return Schedule(eta, tau0=tau, name="constant")


def resolve_alpha(noise, alpha: float | None = None) -> float:
    """The moment order alpha in (1, 2] that the theorem schedules use for a noise law.

    This is the one place where it is decided. Given explicitly, ``alpha`` is only validated. Otherwise
    it follows from the law (Assumption 1 of seed 000 needs E|xi|^alpha < inf, and Table 1's exponents
    are those at the tail index): Gaussian and Bernoulli noise (every moment finite): 2; Pareto and
    Student-t with index a > 1: min(a, 2); alpha-stable with index a in (1, 2]: a. Cauchy noise, and
    laws whose index is <= 1, have no finite moment of any order alpha > 1: a ParameterError naming
    ``index`` (and saying how to pass ``alpha`` to run the schedule anyway).

    Parameters
    ----------
    noise : NoiseModel
        The law (per-coordinate indices: the smallest counts).
    alpha : float or None
        An explicit moment order.

    Returns
    -------
    float
        alpha in (1, 2].
    """
    if alpha is not None:
        _check_alpha(alpha)
        return float(alpha)
    if noise.kind in ("gaussian", "bernoulli"):
        return 2.0
    if noise.kind == "cauchy":
        raise ParameterError("alpha", "is needed: cauchy noise has no finite moment of order alpha > 1; "
                                      "choose one in (1, 2] explicitly, or a constant schedule")
    a = float(np.min(np.asarray(noise.index, float)))
    if a <= 1.0:
        raise ParameterError("index", f"{a:g} of {noise.kind} noise leaves no finite moment of order alpha > 1, "
                                      "which the theorem schedules need; pass alpha in (1, 2] to run them anyway, "
                                      "or use a constant schedule")
    return min(a, 2.0)
