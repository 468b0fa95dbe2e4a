"""Algorithms: a registered update rule (:data:`heavytail_sim.update_rules.RULES`) with its hyper-parameters.

The rules themselves, written once as composable numba pieces, live in :mod:`heavytail_sim.update_rules`;
this module names them, validates their parameters and builds their kernel record.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .errors import ParameterError, UsageError
from .update_rules import RULES, Composition, RuleRecord

ALGORITHMS = tuple(RULES)


def _is_real(v) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)


@dataclass(frozen=True)
class Algorithm:
    """A registered update rule with its hyper-parameters.

    Parameters
    ----------
    name : str
        A key of :data:`RULES` (``sgd``, ``gclip``, ``cclip``, ``acclip``, ``rmsprop``, ``adam``,
        ``adam_inner``, ``simple_average``, ``nsgd``, ``clip_sgdm``).
    beta1 : float
        Momentum in [0, 1) (0: none).
    beta2 : float
        Second-moment decay in [0, 1) (rules with a second moment).
    eps : float
        Added to denominators (>= 0).
    acclip_alpha : float
        ACClip's moment order a > 0 (tau^a is averaged).
    """

    name: str
    beta1: float = 0.0
    beta2: float = 0.99
    eps: float = 1e-8
    acclip_alpha: float = 1.0

    def __post_init__(self):
        if self.name not in RULES:
            raise ParameterError("algorithm", f"must be one of {', '.join(RULES)}, got '{self.name}'")
        for pname in ("beta1", "beta2"):
            v = getattr(self, pname)
            if not (_is_real(v) and 0.0 <= v < 1.0):
                raise ParameterError(pname, f"must lie in [0, 1), got {v}")
        if not (_is_real(self.eps) and math.isfinite(self.eps) and self.eps >= 0):
            raise ParameterError("eps", f"must be finite and >= 0, got {self.eps}")
        if not (_is_real(self.acclip_alpha) and math.isfinite(self.acclip_alpha) and self.acclip_alpha > 0):
            raise ParameterError("acclip_alpha", f"must be positive and finite, got {self.acclip_alpha}")

    @property
    def composition(self) -> Composition:
        return RULES[self.name]

    @property
    def needs_second_moment(self) -> bool:
        return self.composition.second_moment != "none"

    @property
    def needs_momentum(self) -> bool:
        comp = self.composition
        return comp.momentum != "none" and (self.beta1 != 0.0 or comp.bias_correction)

    def record(self, tau_vec: np.ndarray) -> RuleRecord:
        mom, transform, second, precond, bias = self.composition.codes()
        prm = np.array([self.beta1, self.beta2, self.eps, self.acclip_alpha], dtype=float)
        return RuleRecord(mom, transform, second, precond, bias, prm, np.ascontiguousarray(tau_vec, dtype=float))


def acclip_defaults() -> Algorithm:
    """ACClip with the seed's defaults: a = 1, beta1 = 0.9, beta2 = 0.99, eps = 1e-5 (seed 000, Sec 5.1).

    Returns
    -------
    Algorithm
    """
    return Algorithm("acclip", beta1=0.9, beta2=0.99, eps=1e-5, acclip_alpha=1.0)
