"""Grid searches that extend their grid until the optimum is interior, and say where it is not.

A tuned comparison is only fair when every method's best hyper-parameters lie inside the grid it was
tuned on: an optimum on the edge of a grid means the method might do better beyond it. :func:`tune_interior`
scores a full log grid first (through a caller-supplied batch scorer, e.g. one built on
:func:`heavytail_sim.tuning.grid_search`), then walks from the best candidate: both neighbours along every
axis are scored, on the grid continued geometrically by up to ``max_extend`` values beyond each end,
until the best candidate is a minimum along each axis.

An optimum still on an edge after that is reported with its direction and whether the score has
flattened there (a *plateau*: the last extension changed the score by less than ``plateau_tol``),
which separates a limit of the method family (e.g. a learning rate so small that nothing moves, or a
clipping threshold so small that every step is clipped) from a grid that is simply too small.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

import numpy as np

from .errors import UsageError

Scorer = Callable[[list], object]
"""``scorer(candidates) -> pandas.DataFrame`` with one row per candidate (same order) and a ``score``
column (lower is better; ``inf`` or NaN for diverged candidates); other columns are kept."""


@dataclass
class InteriorResult:
    """Outcome of :func:`tune_interior`.

    Attributes
    ----------
    table : pandas.DataFrame
        Every scored candidate: its axis values, the scorer's columns and ``round`` (0: initial grid,
        1, 2, ...: extensions).
    best : dict
        The best candidate (axis name -> value).
    best_score : float
    edges : dict
        Axis name -> "" (interior), "low" or "high" (the best value is the smallest or largest explored on
        the line through the best candidate).
    plateau : dict
        Axis name -> True when that edge is flat (see module docstring); False for interior axes.
    extended : dict
        Axis name -> number of values added beyond the initial grid.
    """

    table: object
    best: dict
    best_score: float
    edges: dict
    plateau: dict
    extended: dict = field(default_factory=dict)

    def edge_text(self) -> str:
        """``"no"`` when interior on every axis, else e.g. ``"eta low (plateau); tau_mult high"``."""
        parts = [f"{a} {e}" + (" (plateau)" if self.plateau.get(a) else "") for a, e in self.edges.items() if e]
        return "; ".join(parts) if parts else "no"


def _ratio(values: np.ndarray) -> float:
    """The multiplicative step of a log grid (geometric mean of successive ratios; 10 for one value)."""
    if values.size < 2:
        return 10.0
    return float(np.exp(np.mean(np.log(values[1:] / values[:-1]))))


def _value(grid: np.ndarray, ratio: float, j: int) -> float:
    """Value of lattice index j of an axis: grid[j] inside, geometric continuation outside."""
    if j < 0:
        return float(grid[0] / ratio ** (-j))
    if j >= grid.size:
        return float(grid[-1] * ratio ** (j - grid.size + 1))
    return float(grid[j])


def tune_interior(scorer: Scorer, axes: Mapping[str, Sequence[float]], max_extend: int = 2,
                  plateau_tol: float = 0.02) -> InteriorResult:
    """Minimise ``scorer`` over the product grid of ``axes``, extending it where the optimum is on an edge.

    The search is a coordinate-wise descent on the lattice of grid values continued geometrically by up
    to ``max_extend`` values beyond each end: after the full initial grid, both neighbours of the current
    best along every axis are scored until the best is a minimum along each axis. It stops on an edge
    only at the end of the continued lattice.

    Parameters
    ----------
    scorer : callable
        ``scorer(candidates)`` -> DataFrame with a ``score`` column, one row per candidate (see :data:`Scorer`).
    axes : mapping of str to sequence of float
        Positive, strictly increasing values per hyper-parameter (log grids; the continuation multiplies
        or divides the end value by the grid's mean step ratio). A one-value axis is held fixed.
    max_extend : int
        Values that may be added beyond each end of each axis (>= 0).
    plateau_tol : float
        Relative score change below which an edge counts as a plateau.

    Returns
    -------
    InteriorResult
    """
    import itertools

    import pandas as pd

    if not axes:
        raise UsageError("tune_interior needs at least one axis")
    if isinstance(max_extend, bool) or not (isinstance(max_extend, (int, np.integer)) and max_extend >= 0):
        raise UsageError(f"max_extend must be an integer >= 0, got {max_extend!r}")
    names = list(axes)
    grids = {}
    for n in names:
        v = np.asarray(axes[n], dtype=float)
        if v.ndim != 1 or v.size == 0 or not np.all(np.isfinite(v) & (v > 0)) or np.any(np.diff(v) <= 0):
            raise UsageError(f"axis {n!r} needs positive, finite, strictly increasing values, got {axes[n]!r}")
        grids[n] = v
    ratios = {n: _ratio(grids[n]) for n in names}
    # lattice range of each axis: a fixed (one-value) axis is never extended
    lo = {n: (-max_extend if grids[n].size > 1 else 0) for n in names}
    hi = {n: (grids[n].size - 1 + (max_extend if grids[n].size > 1 else 0)) for n in names}
    scores: dict = {}
    order: list = []
    frames = []

    def cand_of(key: tuple) -> dict:
        return {n: _value(grids[n], ratios[n], j) for n, j in zip(names, key)}

    def score(keys: list, rnd: int) -> None:
        keys = [k for k in dict.fromkeys(keys) if k not in scores]
        if not keys:
            return
        cands = [cand_of(k) for k in keys]
        tab = scorer(cands)
        if len(tab) != len(cands) or "score" not in tab:
            raise RuntimeError("the scorer must return one row with a 'score' per candidate")
        tab = tab.reset_index(drop=True).copy()
        for n in names:
            tab[n] = [c[n] for c in cands]
        tab["round"] = rnd
        frames.append(tab)
        for k, s in zip(keys, tab["score"].to_numpy(float)):
            scores[k] = s if not math.isnan(s) else math.inf
            order.append(k)

    def best_key() -> tuple:
        finite = [(scores[k], i, k) for i, k in enumerate(order) if math.isfinite(scores[k])]
        return min(finite)[2] if finite else order[0]

    score(list(itertools.product(*(range(grids[n].size) for n in names))), 0)
    rnd = 0
    while True:
        best = best_key()
        new = []
        for i, n in enumerate(names):
            for step in (-1, 1):
                j = best[i] + step
                if lo[n] <= j <= hi[n]:
                    key = best[:i] + (j,) + best[i + 1:]
                    if key not in scores:
                        new.append(key)
        if not new:
            break
        rnd += 1
        score(new, rnd)
    best = best_key()
    edges, plateau = {}, {}
    for i, n in enumerate(names):
        side = "" if grids[n].size < 2 else ("low" if best[i] == lo[n] else ("high" if best[i] == hi[n] else ""))
        edges[n] = side
        plateau[n] = False
        if side:
            inner = best[:i] + (best[i] + (1 if side == "low" else -1),) + best[i + 1:]
            s0, s1 = scores[best], scores.get(inner, math.inf)
            plateau[n] = bool(math.isfinite(s0) and math.isfinite(s1) and abs(s1 - s0) <= plateau_tol * abs(s0))
    table = pd.concat(frames, ignore_index=True)
    extended = {n: len({k[i] for k in order if k[i] < 0 or k[i] >= grids[n].size}) for i, n in enumerate(names)}
    return InteriorResult(table, cand_of(best), float(scores[best]), edges, plateau, extended)
