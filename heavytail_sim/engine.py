"""The simulation engine: R independent runs of one configuration, advanced by numba kernels.

What reaches the kernels is one record per concept: the problem (:class:`problems.ProblemRecord`), the
oracle (:class:`oracles.OracleRecord`), the update rule (:class:`update_rules.RuleRecord`), the run state
(:class:`State`) and the step table (one column per step: eta_k, tau_k, bias corrections, averaging
weight, noise scale and offset, evaluated on the host by :func:`fill_step_table`).

Layout and loop nest (NOTES-numba.md, "Vectorising across runs"):

* State is coordinate-major: ``X[i, r]`` is coordinate i of run r, the generator state ``S[:, r]`` is
  run r's xoroshiro128+ pair. A block of consecutive runs ("lanes" lo..hi-1) is advanced by
  :func:`step_block`, whose pieces (gradient, oracle, update rule, projection) are loops over lanes with
  the problem/law/rule branches outside them, so that branch-free bodies vectorise.
* The CPU driver runs blocks of up to ``MAX_LANES`` runs under ``prange`` (:func:`block_lanes`); the CUDA backend
  (:mod:`heavytail_sim.cuda_engine`) calls the same :func:`step_block` from one thread per run
  (lo = r, hi = r + 1). Each lane's arithmetic does not depend on the block it is in, so results are
  bit-identical whatever the number of threads, the block size, or the number of runs R.
* One step k (1-based) of run r: grad f(x_{k-1}) (and its squared norm); x_bar update; the oracle's
  stochastic gradient; divergence test and trackers; the update rule; the projection; the chain's
  progress trackers. Nothing of length K is stored: memory is O(R d).
* A run whose true or stochastic gradient stops being finite is marked diverged and reported with error
  ``inf`` from then on: counted, never dropped and never a crash.

This module holds the kernels and the pure simulation (:func:`simulate`); choosing a backend, caching
results, thread counts and progress bars are the runner's business (:mod:`heavytail_sim.runner`).
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numba
import numpy as np
from numba import njit, prange

from . import __version__
from .errors import UsageError
from .oracles import Oracle, as_oracle, profile_at, stochastic_gradient
from .problems import CHAIN, Problem, chain_progress, gradient, project, value_lane
from .rng import seed_states
from .schedules import Schedule, eta_at, tau_at
from .state import (N_T, N_TABLE, N_W, T_GMIN, T_GSUM, T_HIT, T_PROG, T_REVEALS, T_SUPP, TB_ETA, TB_INV_C1,
                    TB_INV_C2, TB_K, TB_NSCALE, TB_NSHIFT, TB_TAU, TB_WAVG, W_FAC, W_GN2, W_PROJ, W_ZN2, State)
from .statistics import summarize
from .algorithms import Algorithm
from .update_rules import apply_update
from .vecmath import fmin

METRICS = ("f_avg", "f_last", "grad_sq", "avg_grad_sq", "min_grad_sq", "progress", "support", "reveals", "hit_step")
METRIC_HELP = {
    "f_avg": "f(x_bar_k) - f*, x_bar the averaged iterate (strongly convex error of Table 1)",
    "f_last": "f(x_k) - f*",
    "grad_sq": "||grad f(x_k)||^2",
    "avg_grad_sq": "(1/k) sum_{j=1..k} ||grad f(x_{j-1})||^2 (non-convex error of Table 1)",
    "min_grad_sq": "min_{j=1..k} ||grad f(x_{j-1})||^2",
    "progress": "chain only: prog_{1/4}(x_k), the index the oracle's noisy coordinate follows",
    "support": "chain only: prog_0(x_k), the largest index of a non-zero coordinate",
    "reveals": "chain only: number of queries among the first k whose Bernoulli draw was 1",
    "hit_step": "chain only: first step j <= k with prog_{1/4}(x_j) = T (inf: not reached)",
}
AVERAGING = {"weighted": 0, "uniform": 1}
MAX_LANES = 256     # runs per CPU block at most: measured 1.3-1.5x faster than 64 (fewer per-pass overheads)
STEP_BLOCK = 1024   # steps per step-table fill and parallel launch


def initial_state(problem: Problem, algorithm: Algorithm, runs: int, seed: int) -> State:
    """Every run at ``problem.x0`` with its own stream (run r's stream does not depend on R)."""
    d = problem.dim
    X = np.empty((d, runs))
    X[:] = np.asarray(problem.x0, float)[:, None]
    mom = (d, runs) if algorithm.needs_momentum else (1, 1)
    sec = (d, runs) if algorithm.needs_second_moment else (1, 1)
    T = np.zeros((N_T, runs))
    T[T_GMIN] = np.inf
    T[T_HIT] = np.inf
    return State(X, X.copy(), np.zeros(mom), np.zeros(sec), np.zeros((d, runs)), np.zeros((d, runs)),
                 np.zeros((N_W, runs)), T, np.ascontiguousarray(seed_states(seed, runs).T),
                 np.ones(runs, dtype=np.bool_))


def state_bytes(problem: Problem, algorithm: Algorithm, runs: int) -> int:
    """Bytes :func:`initial_state` allocates for ``runs`` runs."""
    d = problem.dim
    per_run = 8 * (4 * d + N_W + N_T + 2) + 1
    per_run += 8 * d * (int(algorithm.needs_momentum) + int(algorithm.needs_second_moment))
    return runs * per_run


# ------------------------------------------------------------------ kernels shared with the CUDA backend
@njit(inline="always", error_model="numpy")
def average(w, X, XBAR, lo, hi):
    """x_bar += w (x - x_bar): with w = 2/(k+1) this is seed 000 Thm 1's sum_j j x_{j-1} / sum_j j."""
    for i in range(X.shape[0]):
        x = X[i, lo:hi]
        xb = XBAR[i, lo:hi]
        for l in range(x.shape[0]):
            xb[l] += w * (x[l] - xb[l])


@njit(inline="always", error_model="numpy")
def check_and_track(st, lo, hi):
    """Divergence test (true and stochastic gradient finite) and the running sum / min of ||grad f||^2."""
    gn2 = st.W[W_GN2, lo:hi]
    zn2 = st.W[W_ZN2, lo:hi]  # ||g||^2 of the stochastic gradient, left by the oracle
    n = hi - lo
    gsum = st.T[T_GSUM, lo:hi]
    gmin = st.T[T_GMIN, lo:hi]
    alive = st.ALIVE[lo:hi]
    for l in range(n):
        g = gn2[l]
        alive[l] = alive[l] and g < np.inf and zn2[l] < np.inf
        gsum[l] += g
        gmin[l] = fmin(gmin[l], g)


@njit(inline="always", error_model="numpy")
def track_chain(pb, k, st, lo, hi):
    """Chain progress of x_k: prog_{1/4}, prog_0, and the first step at which prog_{1/4} = T."""
    T = st.X.shape[0]
    for l in range(lo, hi):
        p = chain_progress(pb, st.X, l, 0.25)
        st.T[T_PROG, l] = p
        st.T[T_SUPP, l] = chain_progress(pb, st.X, l, 0.0)
        if p >= T and st.T[T_HIT, l] == np.inf:
            st.T[T_HIT, l] = k


@njit(inline="always", error_model="numpy")
def count_reveals(st, lo, hi):
    """Chain oracle: a query revealed the next coordinate when its Bernoulli draw was 1; the oracle
    leaves xi/p in ``W[W_FAC]`` (see :func:`step_block`)."""
    for l in range(lo, hi):
        if st.W[W_FAC, l] > 0.0:
            st.T[T_REVEALS, l] += 1.0


@njit(error_model="numpy")
def step_block(n, st, pb, oc, ru, tb, lo, hi):
    """Advance lanes lo..hi-1 by the n steps of the step table ``tb`` (column j: step ``tb[TB_K, j]``)."""
    chain = pb.kind == CHAIN
    for j in range(n):
        gradient(pb, st.X, st.G, st.W[W_GN2], lo, hi)
        average(tb[TB_WAVG, j], st.X, st.XBAR, lo, hi)
        stochastic_gradient(oc, pb, tb, j, st, lo, hi)
        if chain:
            count_reveals(st, lo, hi)
        check_and_track(st, lo, hi)
        apply_update(ru, tb, j, st, lo, hi)
        project(pb, st.X, st.W[W_PROJ], lo, hi)
        if chain:
            track_chain(pb, tb[TB_K, j], st, lo, hi)


@njit(error_model="numpy")
def errors_block(k, st, pb, out, lo, hi):
    """Lanes' errors after k steps into ``out[:, l]`` in :data:`METRICS` order; ``inf`` once diverged."""
    gradient(pb, st.X, st.G, st.W[W_GN2], lo, hi)
    for l in range(lo, hi):
        alive = st.ALIVE[l]
        vals = (value_lane(pb, st.XBAR, l), value_lane(pb, st.X, l), st.W[W_GN2, l], st.T[T_GSUM, l] / k,
                st.T[T_GMIN, l], st.T[T_PROG, l], st.T[T_SUPP, l], st.T[T_REVEALS, l], st.T[T_HIT, l])
        q = 0
        for v in vals:
            # a non-finite error (or a diverged run) is reported as +inf, never NaN
            out[q, l] = v if (alive and v < np.inf and v > -np.inf) else np.inf
            q += 1


@njit(cache=True)
def fill_step_table(k0, n, sched, avg, b1, b2, bias, scale_prm, shift_prm, tb):
    """Steps k0+1 .. k0+n of the step table into ``tb[:, :n]`` (host side, shared by both backends so that
    eta_k, tau_k and the corrections are bit-identical everywhere). ``sched`` = Schedule.kernel_args()."""
    for j in range(n):
        k = k0 + 1.0 + j
        tb[TB_K, j] = k
        tb[TB_ETA, j] = eta_at(k, sched[0], sched[1], sched[2])
        tb[TB_TAU, j] = tau_at(k, sched[3], sched[4], sched[5])
        tb[TB_INV_C1, j] = 1.0 / (1.0 - b1 ** k) if bias else 1.0
        tb[TB_INV_C2, j] = 1.0 / (1.0 - b2 ** k) if bias else 1.0
        # seed 000, Thm 1: x_bar_k = sum_j j x_{j-1} / sum_j j, recursively with weight 2/(k+1)
        tb[TB_WAVG, j] = 2.0 / (k + 1.0) if avg == 0 else 1.0 / k
        tb[TB_NSCALE, j] = profile_at(scale_prm, k)
        tb[TB_NSHIFT, j] = profile_at(shift_prm, k)


@njit(parallel=True, cache=True, error_model="numpy")
def _advance_cpu(n, st, pb, oc, ru, tb, lanes):
    R = st.X.shape[1]
    for b in prange((R + lanes - 1) // lanes):
        lo = b * lanes
        step_block(n, st, pb, oc, ru, tb, lo, min(R, lo + lanes))


@njit(parallel=True, cache=True, error_model="numpy")
def _errors_cpu(k, st, pb, out, lanes):
    R = st.X.shape[1]
    for b in prange((R + lanes - 1) // lanes):
        lo = b * lanes
        errors_block(k, st, pb, out, lo, min(R, lo + lanes))


# ------------------------------------------------------------------ host side
def table_args(oracle: Oracle, algorithm: Algorithm, schedule: Schedule, averaging: str = "weighted") -> tuple:
    """The arguments of :func:`fill_step_table` after (k0, n) for one configuration."""
    scale, shift = oracle.profiles()
    return (np.asarray(schedule.kernel_args(), float), AVERAGING[averaging], float(algorithm.beta1),
            float(algorithm.beta2), algorithm.composition.bias_correction, scale.params(), shift.params())


def step_table(oracle, algorithm: Algorithm, schedule: Schedule, steps: int, averaging: str = "weighted") -> np.ndarray:
    """The whole step table of steps 1..steps, shape ``(N_TABLE, steps)`` (for kernels outside the engine)."""
    tb = np.empty((N_TABLE, steps))
    fill_step_table(0.0, steps, *table_args(as_oracle(oracle), algorithm, schedule, averaging), tb)
    return tb


class Simulation:
    """R runs of one configuration on the CPU, advanced on demand.

    Parameters
    ----------
    problem, oracle, algorithm, schedule
        The configuration (``oracle`` may be a :class:`~heavytail_sim.noise.NoiseModel`: additive noise).
    runs : int
        Number of independent runs R.
    seed : int
        Master seed; run r's stream is row r of ``rng.seed_states(seed, R)``.
    averaging : {"weighted", "uniform"}
        x_bar_k: seed 000 Thm 1's sum_j j x_{j-1} / sum_j j, or the plain mean of x_0 .. x_{k-1}.
    lanes : int or None
        Runs per CPU block (results do not depend on it); None: :func:`block_lanes` of the thread count
        when the simulation advances.
    """

    def __init__(self, problem: Problem, oracle, algorithm: Algorithm, schedule: Schedule, runs: int,
                 seed: int = 0, averaging: str = "weighted", lanes: int | None = None):
        self.problem, self.algorithm, self.schedule = problem, algorithm, schedule
        self.oracle: Oracle = as_oracle(oracle)
        if averaging not in AVERAGING:
            raise UsageError(f"unknown averaging '{averaging}' (choose from {', '.join(AVERAGING)})")
        self.averaging = averaging
        self.runs, self.seed, self.k = int(runs), int(seed), 0
        self.lanes = None if lanes is None else int(lanes)
        self.pb = problem.record()
        self.oc = self.oracle.record(problem)
        self.ru = algorithm.record(schedule.tau_vector(problem.dim))
        self.state = initial_state(problem, algorithm, self.runs, self.seed)
        self.table = np.zeros((N_TABLE, STEP_BLOCK))
        self._table_args = table_args(self.oracle, algorithm, schedule, averaging)

    def fill_table(self, k0: int, n: int) -> np.ndarray:
        """The step table for steps k0+1 .. k0+n (n <= STEP_BLOCK) in ``self.table[:, :n]``."""
        fill_step_table(float(k0), n, *self._table_args, self.table)
        return self.table

    def advance_to(self, k: int) -> None:
        """Run every run up to step k (k >= the current step)."""
        if k < self.k:
            raise UsageError(f"cannot go back from step {self.k} to {k}")
        while self.k < k:
            n = min(STEP_BLOCK, k - self.k)
            self._advance(n, self.fill_table(self.k, n))
            self.k += n

    def _advance(self, n: int, table: np.ndarray) -> None:
        _advance_cpu(n, self.state, self.pb, self.oc, self.ru, table, self._lanes())

    def errors(self) -> np.ndarray:
        """Per-run errors at the current step, shape ``(len(METRICS), R)``, in :data:`METRICS` order."""
        out = np.empty((len(METRICS), self.runs))
        _errors_cpu(float(max(self.k, 1)), self.state, self.pb, out, self._lanes())
        return out

    def _lanes(self) -> int:
        return self.lanes if self.lanes is not None else block_lanes(self.runs, numba.get_num_threads())

    @property
    def alive(self) -> np.ndarray:
        return self.state.ALIVE

    def iterates(self) -> np.ndarray:
        """Current iterates, shape ``(R, d)`` (a copy)."""
        return self.state.X.T.copy()


def block_lanes(runs: int, threads: int) -> int:
    """Runs per CPU block: at most :data:`MAX_LANES`, small enough that every thread gets about four blocks
    (load balance), a multiple of 8 (one AVX-512 vector). Results do not depend on it."""
    per = -(-runs // (4 * max(threads, 1)))
    return int(min(MAX_LANES, max(8, -(-per // 8) * 8)))


def log_checkpoints(steps: int, per_decade: int = 10) -> np.ndarray:
    """Distinct integer checkpoints 1 <= k <= steps, log-spaced with ``per_decade`` per decade, ending at steps."""
    if steps < 1:
        raise UsageError(f"steps must be >= 1, got {steps}")
    if per_decade < 1:
        raise UsageError(f"checkpoints per decade must be >= 1, got {per_decade}")
    n = max(2, int(math.ceil(per_decade * math.log10(max(steps, 10)))) + 1)
    return np.unique(np.round(np.logspace(0, math.log10(steps), n)).astype(np.int64))


@dataclass
class Result:
    """Statistics of the error metrics at the checkpoints of one simulation.

    Attributes
    ----------
    checkpoints : ndarray (C,)
        Steps k at which the errors were recorded.
    stats : dict
        ``stats[metric][statistic]``, arrays of shape ``(C,)``; statistics from
        :func:`heavytail_sim.statistics.summarize` (mean, median, quantiles, nonfinite).
    raw : dict or None
        ``raw[metric]`` of shape ``(C, R)`` when ``keep_raw`` was asked for.
    diverged : int
        Runs that diverged by the last checkpoint.
    runs : int
    config : dict
        What the numbers depend on (problem, oracle, algorithm, schedule, runs, steps, seed, ...).
    wall_time : float
        Seconds spent simulating.
    """

    checkpoints: np.ndarray
    stats: dict
    raw: dict | None
    diverged: int
    runs: int
    config: dict = field(default_factory=dict)
    wall_time: float = 0.0

    def curve(self, metric: str = "f_avg", statistic: str = "mean") -> np.ndarray:
        """One statistic of one metric at the checkpoints, shape ``(C,)``."""
        if metric not in self.stats:
            raise UsageError(f"metric {metric!r} not recorded (have {', '.join(self.stats)})")
        return self.stats[metric][statistic]

    def frame(self):
        """Tidy ``pandas.DataFrame``: k, metric, statistic, value, plus the configuration's metadata columns."""
        import pandas as pd

        rows = []
        for metric, st in self.stats.items():
            for name, arr in st.items():
                rows.append(pd.DataFrame({"k": self.checkpoints, "metric": metric, "statistic": name,
                                          "value": np.asarray(arr, float)}))
        frame = pd.concat(rows, ignore_index=True)
        for key, val in self.metadata().items():
            frame[key] = val
        return frame

    def metadata(self) -> dict:
        """Flat metadata columns (strings and numbers) describing the configuration."""
        keys = ("problem", "oracle", "noise", "index", "scale", "algorithm", "beta1", "beta2", "eps", "acclip_alpha",
                "schedule", "eta0", "eta_shift", "eta_power", "tau0", "tau_shift", "tau_power", "averaging", "runs",
                "steps", "seed", "backend", "version")
        return {k: (self.config[k] if isinstance(self.config.get(k), (int, float, str)) else str(self.config.get(k)))
                for k in keys if k in self.config}

    def fit(self, metric: str = "f_avg", statistic: str = "mean", **options):
        """Fitted exponent of one metric's statistic in k, with a bootstrap CI over runs.

        Parameters
        ----------
        metric, statistic : str
            Which curve (``statistic`` of ``metric`` over runs).
        **options
            Passed to :func:`heavytail_sim.rates.fit_exponent` (``decades``, ``n_boot``, ``seed``, ...).

        Returns
        -------
        heavytail_sim.rates.ExponentFit
            Slope with its CI and the fitted window.
        """
        from .rates import fit_exponent

        if self.raw is None:
            raise UsageError("Result.fit needs the per-run errors: simulate with keep_raw=True")
        if metric not in self.raw:
            raise UsageError(f"metric {metric!r} not recorded (have {', '.join(self.raw)})")
        return fit_exponent(self.checkpoints, self.raw[metric], statistic=statistic, **options)

    def plot(self, metric: str | None = None, *, ax=None, statistic: str = "mean", band: tuple = ("q10", "q90")):
        """Quick log-log plot of one metric's statistic with a quantile band; returns the axes.

        Parameters
        ----------
        metric : str or None
            A recorded metric (default: the first, ``f_avg`` where defined).
        ax : matplotlib Axes or None
            Where to draw (a new figure when None).
        statistic : str
            The curve to draw (``mean``, ``median``, ...).
        band : tuple of str
            Two statistics shaded between (default the 10% and 90% quantiles).

        Returns
        -------
        matplotlib.axes.Axes
        """
        import matplotlib.pyplot as plt

        metric = metric or next(iter(self.stats))
        if ax is None:
            _, ax = plt.subplots(figsize=(5.5, 3.8), layout="constrained")
        k = self.checkpoints
        st = self.stats[metric]
        ax.loglog(k, st[statistic], label=f"{statistic} over {self.runs} runs")
        if all(b in st for b in band):
            ax.fill_between(k, st[band[0]], st[band[1]], alpha=0.25, label=f"{band[0]}-{band[1]} over runs")
        ax.set_xlabel("step k")
        ax.set_ylabel(METRIC_HELP.get(metric, metric).split(" (")[0], fontsize=8)
        noise = self.config.get("noise") or self.config.get("oracle", "")
        index = self.config.get("index", "")
        law = f"{noise} {index}" if noise and index != "" else noise
        ax.set_title(f"{self.config.get('algorithm', '')} on {self.config.get('problem', '')}, {law} noise", fontsize=9)
        ax.legend(fontsize=8)
        return ax


def run_checkpoints(sim, checkpoints: np.ndarray, quantiles=(0.1, 0.9), keep_raw: bool = False,
                    metrics: tuple | None = None, on_progress=None) -> tuple[dict, dict | None, float]:
    """Advance ``sim`` (a CPU or CUDA simulation) through ``checkpoints``, summarising the errors at each.

    Returns (stats, raw or None, wall seconds). Per-run errors live only for the current checkpoint unless
    ``keep_raw``: O(R) memory, not O(R C). ``on_progress(steps_done)`` is called after each checkpoint.
    """
    metrics = tuple(METRICS) if metrics is None else tuple(metrics)
    rows = [METRICS.index(m) for m in metrics]
    raw = {m: np.empty((len(checkpoints), sim.runs)) for m in metrics} if keep_raw else None
    per_checkpoint = []
    t0 = time.perf_counter()
    for c, k in enumerate(checkpoints):
        sim.advance_to(int(k))
        errs = sim.errors()
        if keep_raw:
            for m, q in zip(metrics, rows):
                raw[m][c] = errs[q]
        per_checkpoint.append([summarize(errs[q], quantiles) for q in rows])
        if on_progress is not None:
            on_progress(int(k))
    stats = {m: {s: np.array([pc[j][s] for pc in per_checkpoint]) for s in per_checkpoint[0][j]}
             for j, m in enumerate(metrics)}
    return stats, raw, time.perf_counter() - t0


def describe(problem: Problem, oracle: Oracle, algorithm: Algorithm, schedule: Schedule, averaging: str,
             runs: int, steps: int, seed: int) -> dict:
    """The configuration as metadata (strings and numbers first, for CSV columns)."""
    noise = getattr(oracle, "noise", None)
    return {"problem": problem.name or problem.kind, "oracle": oracle.kind,
            "noise": noise.kind if noise is not None else "", "index": noise.index if noise is not None else "",
            "scale": noise.scale if noise is not None else "", "algorithm": algorithm.name,
            "beta1": algorithm.beta1, "beta2": algorithm.beta2, "eps": algorithm.eps,
            "acclip_alpha": algorithm.acclip_alpha, "schedule": schedule.name, "eta0": schedule.eta0,
            "eta_shift": schedule.eta_shift, "eta_power": schedule.eta_power, "tau0": schedule.tau0,
            "tau_shift": schedule.tau_shift, "tau_power": schedule.tau_power, "averaging": averaging,
            "runs": runs, "steps": steps, "seed": seed, "version": __version__}


def simulate(problem: Problem, oracle, algorithm: Algorithm, schedule: Schedule, *, runs: int, steps: int,
             seed: int = 0, checkpoints=10, averaging: str = "weighted", quantiles=(0.1, 0.9),
             keep_raw: bool = False, on_progress=None) -> Result:
    """Simulate ``runs`` independent trajectories for ``steps`` steps on the CPU and summarise the errors.

    This is the engine's pure entry point (no cache, backend or thread policy: see
    :func:`heavytail_sim.runner.simulate`, exported as ``heavytail_sim.simulate``, for those).

    Parameters
    ----------
    problem, oracle, algorithm, schedule
        The configuration; ``oracle`` may be a NoiseModel (additive stationary noise).
    runs, steps : int
        R and K.
    seed : int
        Master seed.
    checkpoints : int or sequence of int
        Checkpoints per decade (log spacing), or an explicit increasing sequence in [1, steps].
    averaging : {"weighted", "uniform"}
    quantiles : sequence of float
        Quantiles reported beside mean and median.
    keep_raw : bool
        Keep every run's errors at every checkpoint (``Result.raw``).
    """
    oracle = as_oracle(oracle)
    ks = resolve_checkpoints(checkpoints, steps)
    sim = Simulation(problem, oracle, algorithm, schedule, runs, seed, averaging)
    stats, raw, wall = run_checkpoints(sim, ks, quantiles, keep_raw, problem.metrics, on_progress)
    config = describe(problem, oracle, algorithm, schedule, averaging, runs, steps, seed)
    config["backend"] = "cpu"
    return Result(ks, stats, raw, int(np.sum(~sim.alive)), runs, config, wall)


def resolve_checkpoints(checkpoints, steps: int) -> np.ndarray:
    """Checkpoints per decade (an int) or an explicit sequence, as a sorted int64 array in [1, steps]."""
    if np.isscalar(checkpoints):
        return log_checkpoints(int(steps), int(checkpoints))
    ks = np.unique(np.asarray(checkpoints, dtype=np.int64))
    if ks.size == 0 or ks[0] < 1 or ks[-1] > steps:
        raise UsageError(f"checkpoints must lie in [1, steps={steps}]")
    return ks
