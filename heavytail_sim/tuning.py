"""Hyper-parameter grid search over independent seeds, and robust summaries of pooled runs.

A candidate (a dict of hyper-parameters, e.g. ``{"eta": 0.01, "tau_mult": 4}``) is turned into an
(Algorithm, Schedule) pair by a user ``build`` function and simulated with the engine for several
seeds of many runs each. Its score is a statistic (the median by default) of the final error over all
pooled runs. The median is the default because under heavy-tailed noise the sample mean of the error
is dominated by a few runs (its own variance may be infinite), and a diverged run (error ``inf``)
makes the mean ``inf`` whereas the median only moves if half the runs diverge.

Tune on seeds disjoint from the ones used to report results: the minimum over a grid of noisy
scores is biased low, and fresh seeds remove that bias from the reported numbers.
"""
from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from .algorithms import Algorithm
from .engine import METRICS
from .runner import Runner
from .errors import UsageError
from .noise import NoiseModel
from .problems import Problem
from .progress import Progress
from .schedules import Schedule

Build = Callable[..., tuple[Algorithm, Schedule]]


def log_grid(lo: float, hi: float, per_decade: int) -> np.ndarray:
    """Log-spaced grid from ``lo`` to ``hi`` (both included) with ``per_decade`` points per decade."""
    if not (0 < lo <= hi < math.inf) or per_decade < 1:
        raise UsageError(f"need 0 < lo <= hi and per_decade >= 1, got {lo}, {hi}, {per_decade}")
    n = int(round(per_decade * math.log10(hi / lo))) + 1
    return np.geomspace(lo, hi, max(n, 1))


def product_grid(**axes: Sequence) -> list[dict]:
    """All combinations of the given axes, e.g. ``product_grid(eta=[...], tau_mult=[...])``."""
    names = list(axes)
    return [dict(zip(names, vals)) for vals in itertools.product(*(list(axes[n]) for n in names))]


def median_ci(values: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """Distribution-free confidence interval for the median of i.i.d. values (order statistics).

    [x_(j), x_(n+1-j)] covers the median with probability 1 - 2 P(Bin(n, 1/2) <= j - 1); j is the
    largest index keeping that >= ``level``. ``inf`` values (diverged runs) sort last.
    """
    from scipy.special import bdtr

    x = np.sort(np.asarray(values, float).ravel())
    n = x.size
    if n == 0:
        return math.nan, math.nan
    j = 0  # 0 means no order-statistic interval reaches the level: report the full range
    for cand in range(1, n // 2 + 1):
        if 2.0 * bdtr(cand - 1, n, 0.5) <= 1.0 - level:
            j = cand
        else:
            break
    if j == 0:
        return float(x[0]), float(x[-1])
    return float(x[j - 1]), float(x[n - j])


def robust_summary(values: np.ndarray, quantiles: Sequence[float] = (0.1, 0.9), level: float = 0.95) -> dict:
    """Median, its CI (:func:`median_ci`), quantiles and the count of non-finite values of a 1-D sample."""
    x = np.asarray(values, float).ravel()
    lo, hi = median_ci(x, level)
    with np.errstate(invalid="ignore"):  # quantiles interpolating next to an inf (diverged) run
        out = {"median": float(np.median(x)), "median_lo": lo, "median_hi": hi}
        for q in quantiles:
            out[f"q{round(100 * q):02d}"] = float(np.quantile(x, q))
    out["nonfinite"] = int(np.sum(~np.isfinite(x)))
    out["n"] = int(x.size)
    return out


@dataclass
class PooledRuns:
    """Per-run errors of one configuration over several seeds: ``raw[metric]`` has shape (C, S * R)."""

    checkpoints: np.ndarray
    raw: dict
    seeds: tuple
    runs: int
    diverged: int
    wall_time: float

    def final(self, metric: str) -> np.ndarray:
        """Errors at the last checkpoint, shape (S * R,)."""
        return self.raw[metric][-1]

    def per_seed(self, metric: str, statistic: Callable[[np.ndarray], float] = np.median) -> np.ndarray:
        """``statistic`` of the final error within each seed, shape (S,)."""
        return np.array([statistic(chunk) for chunk in np.split(self.final(metric), len(self.seeds))])


def run_seeds(problem: Problem, noise: NoiseModel, algorithm: Algorithm, schedule: Schedule,
              seeds: Sequence[int], runs: int, steps: int, checkpoints=10, threads: int | None = None,
              runner=None) -> PooledRuns:
    """Simulate ``runs`` runs for each seed and pool the per-run errors of every metric.

    ``runner`` (a :class:`heavytail_sim.runner.Runner`) sets backend and cache; default: CPU, ``threads``.
    """
    if len(seeds) == 0:
        raise UsageError("need at least one seed")
    runner = runner if runner is not None else Runner(threads=threads)
    raws, diverged, wall = [], 0, 0.0
    ks = None
    for s in seeds:
        res = runner.simulate(problem, noise, algorithm, schedule, runs=runs, steps=steps, seed=int(s),
                              checkpoints=checkpoints, keep_raw=True)
        ks = res.checkpoints
        raws.append(res.raw)
        diverged += res.diverged
        wall += res.wall_time
    raw = {m: np.concatenate([r[m] for r in raws], axis=1) for m in raws[0]}
    return PooledRuns(ks, raw, tuple(int(s) for s in seeds), int(runs), diverged, wall)


@dataclass
class TuningResult:
    """Scores of every candidate; ``best`` is the argmin, ``at_edge`` the grid axes where it sits on an end."""

    table: object  # pandas.DataFrame: one row per candidate, its parameters, score, per-seed scores
    best: dict
    best_score: float
    at_edge: list = field(default_factory=list)
    wall_time: float = 0.0


def grid_search(problem: Problem, noise: NoiseModel, build: Build, grid: Sequence[dict], seeds: Sequence[int],
                runs: int, steps: int, metric: str = "f_last", statistic: str = "median",
                progress: bool | None = None, label: str = "tuning", runner=None) -> TuningResult:
    """Score every candidate of ``grid`` by ``statistic`` ("median" or "mean") of the final ``metric``
    over ``seeds`` x ``runs`` pooled runs of ``build(**candidate)``; return all scores and the best.
    ``runner`` sets backend and cache of the simulations (default: CPU, no cache).

    Ties go to the first candidate in grid order; a candidate whose score is not finite never wins
    over a finite one (all-``inf`` grids return the first candidate with ``best_score = inf``).
    """
    import pandas as pd

    if metric not in METRICS:
        raise UsageError(f"unknown metric '{metric}' (choose from {', '.join(METRICS)})")
    stat = {"median": np.median, "mean": np.mean}.get(statistic)
    if stat is None:
        raise UsageError("statistic must be 'median' or 'mean'")
    if len(grid) == 0:
        raise UsageError("empty tuning grid")
    rows = []
    t0 = time.perf_counter()
    with Progress(len(grid), label, enabled=progress) as bar:
        for cand in grid:
            alg, sched = build(**cand)
            pooled = run_seeds(problem, noise, alg, sched, seeds, runs, steps, checkpoints=[steps], runner=runner)
            with np.errstate(invalid="ignore", over="ignore"):
                score = float(stat(pooled.final(metric)))
                per_seed = pooled.per_seed(metric, stat)
            row = dict(cand)
            row.update(score=score, diverged=pooled.diverged,
                       **{f"seed_{s}": float(v) for s, v in zip(pooled.seeds, per_seed)})
            rows.append(row)
            bar.update(1)
    table = pd.DataFrame(rows)
    scores = table["score"].to_numpy(float)
    finite = np.isfinite(scores)
    ib = int(np.argmin(np.where(finite, scores, np.inf))) if finite.any() else 0
    best = dict(grid[ib])
    at_edge = []
    for name in best:
        vals = sorted({c[name] for c in grid})
        if len(vals) > 1 and best[name] in (vals[0], vals[-1]):
            at_edge.append(name)
    return TuningResult(table, best, float(scores[ib]), at_edge, time.perf_counter() - t0)
