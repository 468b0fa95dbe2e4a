"""The run state and the step table: the layout every piece of the engine reads and writes.

The engine (:mod:`heavytail_sim.engine`), the oracles (:mod:`heavytail_sim.oracles`) and the update rules
(:mod:`heavytail_sim.update_rules`) take the runs' :class:`State` and the step table as records, so a piece's
signature stays short and the layout is written down once, here.
"""
from __future__ import annotations

from collections import namedtuple

# rows of the step table (column j: step k0 + 1 + j): step number, eta_k, tau_k, 1/(1 - b1^k), 1/(1 - b2^k),
# the averaging weight, the noise's scale and offset
TB_K, TB_ETA, TB_TAU, TB_INV_C1, TB_INV_C2, TB_WAVG, TB_NSCALE, TB_NSHIFT = range(8)
N_TABLE = 8
# rows of State.W (per-run scratch) and State.T (per-run trackers)
W_GN2, W_ZN2, W_FAC, W_PROJ = range(4)
N_W = 4
T_GSUM, T_GMIN, T_PROG, T_SUPP, T_REVEALS, T_HIT = range(6)
N_T = 6

State = namedtuple("State", "X XBAR M V G Z W T S ALIVE")
State.__doc__ = """The runs' state, coordinate-major (float64 unless stated).

X, XBAR : (d, R) iterate and averaged iterate; M, V : (d, R) momentum and second moment ((1, 1) when the
rule has none); G, Z : (d, R) scratch for the true and the stochastic gradient; W : (4, R) per-run
scratch; T : (6, R) trackers (sum and min of ||grad f||^2, chain progress, support, reveals, hit step);
S : (2, R) uint64 generator states; ALIVE : (R,) bool.
"""
