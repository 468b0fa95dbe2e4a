"""Step-size and clipping-threshold schedules.

Every schedule has the parametric form

    eta_k = eta0 / (k + eta_shift)^eta_power,   tau_{k,i} = tau0 (k + tau_shift)^tau_power * tau_vec_i

for steps k = 1, 2, ...; this covers the theorem schedules of seed 000, constants and user choices, and
lets the engine evaluate eta_k and tau_k on the fly, with no array of length K.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

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


def _check_horizon(K) -> None:
    if not (_is_real(K) and K >= 1):
        raise ParameterError("K", f"(the horizon) must be >= 1, got {K}")


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
    _check_horizon(K)
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


# ---- seed 001 (NeurIPS version): Theorem 2 under the central moment, Theorem 4 (projected GClip) ----------
# The formulas of seed 001 are stripped except Theorem 2's threshold; the reconstruction and its readings are in
# docs/seed001_reconstruction.rst, the sympy statements in proofs_check.statements (THM2S_*, THM4_*), which the
# tests compare these schedules with.

THEOREM2_SIGMA_READINGS = ("intended", "printed")


def theorem2_sigma_tau(alpha: float, sigma: float, L: float, f0: float, K, reading: str = "intended") -> np.ndarray:
    """The threshold of seed 001, Theorem 2, for horizon(s) K (vectorised; see :func:`theorem2_sigma`).

    Parameters
    ----------
    alpha, sigma, L, f0 : float
        As in :func:`theorem2_sigma` (validated there, not here).
    K : array_like
        Horizon(s).
    reading : {"intended", "printed"}
        Which fourth entry of the max.

    Returns
    -------
    numpy.ndarray
        tau, shape of ``K``.
    """
    K = np.asarray(K, float)
    # seed 001, Theorem 2: tau = max{2, 48^(1/(alpha-1)) sigma^(alpha/(alpha-1)), 8 sigma, tau_4}
    fixed = max(2.0, 48.0 ** (1 / (alpha - 1)) * sigma ** (alpha / (alpha - 1)), 8.0 * sigma)
    # the printed tau_4 = (f0/(sigma^2 K))^(alpha/(3alpha-2)) / L^((2alpha-2)/(3alpha-2)) (a step size of seed 000);
    # "intended": sigma/(tau_4 L)^(1/alpha) = sigma^(3alpha/(3alpha-2)) (K/(f0 L))^(1/(3alpha-2))
    printed = (f0 / (sigma * sigma * K)) ** (alpha / (3 * alpha - 2)) / L ** ((2 * alpha - 2) / (3 * alpha - 2))
    fourth = printed if reading == "printed" else sigma ** (3 * alpha / (3 * alpha - 2)) * (K / (f0 * L)) ** (1 / (3 * alpha - 2))
    return np.maximum(fixed, fourth)


def theorem2_sigma(alpha: float, sigma: float, L: float, f0: float, K: int, reading: str = "intended") -> Schedule:
    """GClip, non-convex, under E||g - grad f||^alpha <= sigma^alpha: constant step and threshold of seed 001, Theorem 2.

    tau = max{2, 48^(1/(alpha-1)) sigma^(alpha/(alpha-1)), 8 sigma, tau_4} as printed by the seed, and the step size
    eta = sigma^alpha / (L tau^alpha) (stripped in the seed; reconstructed from its App C). The fourth entry is
    printed as (f0/(sigma^2 K))^(alpha/(3alpha-2)) / L^((2alpha-2)/(3alpha-2)), which is seed 000's step size and
    decreases in K (``reading="printed"``: the threshold then stays constant and the bias does not vanish); the
    default ``reading="intended"`` takes tau_4 = sigma/(tau_4,printed L)^(1/alpha) = sigma^(3alpha/(3alpha-2))
    (K/(f0 L))^(1/(3alpha-2)), the threshold seed 000 pairs with that step, which gives the rate of Table 1.

    Parameters
    ----------
    alpha : float
        Moment order in (1, 2] of the central-moment assumption.
    sigma : float
        Its constant (E||g - grad f||^alpha <= sigma^alpha), > 0.
    L : float
        Smoothness constant of f.
    f0 : float
        f(x_0) - f* (> 0).
    K : int
        The horizon the constants are set for.
    reading : {"intended", "printed"}
        Which fourth entry of the threshold (above).

    Returns
    -------
    Schedule
        Constant step size and threshold.
    """
    _check_alpha(alpha)
    _check_pos(sigma=sigma, L=L, f0=f0)
    _check_horizon(K)
    if reading not in THEOREM2_SIGMA_READINGS:
        raise ParameterError("reading", f"must be one of {', '.join(THEOREM2_SIGMA_READINGS)}, got {reading!r}")
    log_entry = (math.log(48.0) + alpha * math.log(sigma)) / (alpha - 1)  # log of 48^(1/(alpha-1)) sigma^(alpha/(alpha-1))
    if alpha * log_entry > 700.0:  # tau^alpha would overflow a double (e^709) and eta would be 0
        raise ParameterError("sigma", f"= {sigma:g} with alpha = {alpha:g} makes the threshold 48^(1/(alpha-1)) sigma^(alpha/(alpha-1)) "
                                      f"= e^{log_entry:.0f}, beyond floating point; rescale the problem so that sigma is smaller")
    tau = float(theorem2_sigma_tau(alpha, sigma, L, f0, K, reading))
    # reconstructed step of seed 001, App C ("Since we use a stepsize ..."): eta = sigma^alpha / (L tau^alpha)
    eta = sigma**alpha / (L * tau**alpha)
    return Schedule(eta, tau0=tau, name=f"theorem2_sigma_{reading}")


def theorem4_projected(alpha: float, G: float, mu: float, c: float = 1.0) -> Schedule:
    """Projected GClip on a non-smooth strongly convex f (seed 001, Theorem 4): the schedule of seed 000, Theorem 1.

    Seed 001 strips Theorem 4's parameters; its App D repeats seed 000's App D with a projection step, so
    tau_k = c G k^(1/alpha) and eta_k = 4/(mu (k+1)) (c = 1 in the theorem). The projection belongs to the problem:
    build it with a projection set, e.g. ``l1_quadratic(d, projection="ball", radius=...)``.

    Parameters
    ----------
    alpha : float
        Moment order in (1, 2] of Assumption 4 (E||g||^alpha <= G^alpha).
    G : float
        Its constant.
    mu : float
        Strong-convexity constant.
    c : float
        Multiplier of the threshold.

    Returns
    -------
    Schedule
    """
    return replace(theorem1(alpha, G, mu, c), name="theorem4_projected")
