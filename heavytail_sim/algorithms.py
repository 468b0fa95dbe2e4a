"""Algorithm descriptions (seed 000 Alg 1 and Sec 3; seed 002 eq 1-4): codes and hyper-parameters.

The update rules themselves live in :mod:`heavytail_sim.engine` (``step_run``), written once for all
algorithms; this module only names them and validates their parameters.

One step k = 1, 2, ... with stochastic gradient g_k (all operations per coordinate unless stated):

* ``sgd``:     m_k = b1 m_{k-1} + (1 - b1) g_k;  x_k = x_{k-1} - eta_k m_k
* ``gclip``:   same m_k; x_k = x_{k-1} - eta_k min(tau_k / ||m_k||, 1) m_k
* ``cclip``:   same m_k; x_k = x_{k-1} - eta_k min(tau_{k,i} / |m_{k,i}|, 1) m_{k,i}
* ``acclip``:  T_k = b2 T_{k-1} + (1 - b2) |g_k|^a  (T = tau^a, T_0 = 0),
               x_k = x_{k-1} - eta_k min(tau_k / (|m_k| + eps), 1) m_k          [seed 000, Sec 3]
* ``rmsprop``: v_k = b2 v_{k-1} + (1 - b2) g_k^2;  x_k = x_{k-1} - eta_k m_k / (sqrt(v_k) + eps)
               (with b1 = 0 this is seed 000 Sec 3.1's RMSProp)
* ``adam``:    as rmsprop with bias corrections m_k / (1 - b1^k), v_k / (1 - b2^k) (Kingma and Ba)
"""
from __future__ import annotations

from dataclasses import dataclass

from .errors import UsageError

SGD, GCLIP, CCLIP, ACCLIP, RMSPROP, ADAM = 0, 1, 2, 3, 4, 5
ALGORITHMS = {"sgd": SGD, "gclip": GCLIP, "cclip": CCLIP, "acclip": ACCLIP, "rmsprop": RMSPROP, "adam": ADAM}
AVG_WEIGHTED, AVG_UNIFORM = 0, 1
AVERAGING = {"weighted": AVG_WEIGHTED, "uniform": AVG_UNIFORM}


@dataclass(frozen=True)
class Algorithm:
    """An update rule and its hyper-parameters.

    ``averaging`` chooses the reported average x_bar_k: ``"weighted"`` is seed 000 Thm 1's
    sum_{j<=k} j x_{j-1} / sum_{j<=k} j, ``"uniform"`` the plain mean of x_0 .. x_{k-1}.
    """

    name: str
    beta1: float = 0.0
    beta2: float = 0.99
    eps: float = 1e-8
    acclip_alpha: float = 1.0
    averaging: str = "weighted"

    def __post_init__(self):
        if self.name not in ALGORITHMS:
            raise UsageError(f"unknown algorithm '{self.name}' (choose from {', '.join(ALGORITHMS)})")
        if not (0 <= self.beta1 < 1 and 0 <= self.beta2 < 1):
            raise UsageError("beta1 and beta2 must lie in [0, 1)")
        if self.eps < 0 or self.acclip_alpha <= 0:
            raise UsageError("eps must be >= 0 and the ACClip moment order > 0")
        if self.averaging not in AVERAGING:
            raise UsageError(f"unknown averaging '{self.averaging}' (weighted or uniform)")

    @property
    def code(self) -> int:
        return ALGORITHMS[self.name]

    def kernel_args(self) -> tuple:
        return (self.code, float(self.beta1), float(self.beta2), float(self.eps), float(self.acclip_alpha),
                AVERAGING[self.averaging])


def acclip_defaults() -> Algorithm:
    """ACClip with the seed's defaults: a = 1, beta1 = 0.9, beta2 = 0.99, eps = 1e-5 (seed 000, Sec 5.1)."""
    return Algorithm("acclip", beta1=0.9, beta2=0.99, eps=1e-5, acclip_alpha=1.0)
