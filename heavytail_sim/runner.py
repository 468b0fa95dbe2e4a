"""How simulations run: backend, thread count, result cache and progress, as explicit options.

:class:`Runner` holds the policy; :meth:`Runner.simulate` validates the request once (with messages that
name the parameter), estimates its memory before allocating, looks it up in the cache, picks the
backend's simulation class and drives it through the checkpoints with a progress bar. The engine itself
(:mod:`heavytail_sim.engine`) knows none of this. ``heavytail_sim.simulate`` is :func:`simulate` below,
a one-off runner.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np

from . import __version__
from .engine import (AVERAGING, METRICS, Result, Simulation, describe, resolve_checkpoints, run_checkpoints,
                     state_bytes)
from .errors import ParameterError, UsageError
from .memory import check_memory
from .oracles import as_oracle
from .progress import Progress
from .study import DEFAULT_SEED, MAX_SEED

BACKENDS = ("cpu", "cuda")
MAX_STEPS = 2 ** 53  # step numbers are doubles in the kernels' step table: exact up to 2^53


def as_count(value, name: str, minimum: int = 1, maximum: int | None = None) -> int:
    """``value`` as an int in [minimum, maximum] (int-valued floats such as 1e5 accepted); UsageError naming ``name``."""
    if isinstance(value, (float, np.floating)) and math.isfinite(value) and float(value).is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ParameterError(name, f"must be an integer, got {value!r}")
    value = int(value)
    if value < minimum or (maximum is not None and value > maximum):
        bound = f">= {minimum}" if maximum is None else f"in [{minimum}, {maximum}]"
        raise ParameterError(name, f"must be {bound}, got {value}")
    return value


def as_seed(seed, name: str = "seed") -> int:
    """A seed in [0, :data:`MAX_SEED`] (numpy's SeedSequence rejects negative ones)."""
    return as_count(seed, name, minimum=0, maximum=MAX_SEED)


@dataclass
class Runner:
    """Policy for running simulations.

    Parameters
    ----------
    backend : {"cpu", "cuda"}
        cpu: numba threads over blocks of runs; cuda: a GPU, one thread per run, the same random streams.
    threads : int or None
        numba threads for CPU runs (results do not depend on it); None keeps numba's current setting.
    cache : heavytail_sim.cache.ResultCache or None
        Finished simulations are stored there and reused.
    progress : bool or None
        Show a progress bar (None: when stderr is a terminal).
    """

    backend: str = "cpu"
    threads: int | None = None
    cache: object | None = None
    progress: bool | None = None

    def __post_init__(self):
        if self.backend not in BACKENDS:
            raise ParameterError("backend", f"must be one of {', '.join(BACKENDS)}, got '{self.backend}'")
        if self.threads is not None:
            self.threads = as_count(self.threads, "threads", 1, numba.config.NUMBA_NUM_THREADS)
        if self.backend == "cuda":
            from .cuda_engine import require_device

            require_device()  # fail before any work or file: a one-line error without a GPU

    def simulate(self, problem, oracle, algorithm, schedule, *, runs, steps, seed=DEFAULT_SEED, checkpoints=10,
                 averaging: str = "weighted", quantiles=(0.1, 0.9), keep_raw: bool = False) -> Result:
        """Simulate ``runs`` trajectories for ``steps`` steps; see :func:`heavytail_sim.engine.simulate`.

        Counts accept int-valued floats (``steps=1e5``). The request is validated and its memory estimated
        before anything is allocated.
        """
        oracle = as_oracle(oracle)
        runs = as_count(runs, "runs")
        steps = as_count(steps, "steps", maximum=MAX_STEPS)
        seed = as_seed(seed)
        if averaging not in AVERAGING:
            raise UsageError(f"unknown averaging '{averaging}' (choose from {', '.join(AVERAGING)})")
        if not np.isscalar(checkpoints) or isinstance(checkpoints, (bool, np.bool_)):
            ks = resolve_checkpoints(checkpoints, steps)
        else:
            ks = resolve_checkpoints(as_count(checkpoints, "checkpoints", 1, 1000), steps)
        qs = tuple(float(q) for q in quantiles)
        if not all(0.0 <= q <= 1.0 for q in qs):
            raise UsageError(f"quantiles must lie in [0, 1], got {quantiles}")
        metrics = problem.metrics
        raw_bytes = 8 * len(metrics) * len(ks) * runs if keep_raw else 0
        check_memory(state_bytes(problem, algorithm, runs) + raw_bytes + 16 * len(METRICS) * runs, "runs",
                     f"{runs} runs in dimension {problem.dim}")
        config = describe(problem, oracle, algorithm, schedule, averaging, runs, steps, seed)
        config["backend"] = self.backend
        store = self.cache
        if store is None:
            return self._run(problem, oracle, algorithm, schedule, runs, steps, seed, ks, averaging, qs, keep_raw,
                             config)
        key = {"problem": problem.describe(), "oracle": oracle.describe(), "algorithm": algorithm,
               "schedule": schedule, "runs": runs, "steps": steps, "seed": seed, "checkpoints": ks,
               "averaging": averaging, "quantiles": list(qs), "keep_raw": keep_raw, "version": __version__}
        if self.backend != "cpu":  # GPU numbers differ in the last bits
            key["backend"] = self.backend
        return store.cached(key, lambda: self._run(problem, oracle, algorithm, schedule, runs, steps, seed, ks,
                                                   averaging, qs, keep_raw, config))

    def _run(self, problem, oracle, algorithm, schedule, runs, steps, seed, ks, averaging, qs, keep_raw,
             config) -> Result:
        if self.backend == "cuda":
            from .cuda_engine import CudaSimulation as Sim
        else:
            Sim = Simulation
        sim = Sim(problem, oracle, algorithm, schedule, runs, seed, averaging)
        old = numba.get_num_threads()
        if self.threads is not None:
            numba.set_num_threads(self.threads)
        label = f"{algorithm.name}/{config['noise'] or oracle.kind}"
        try:
            with Progress(float(ks[-1]) * runs, label, enabled=self.progress) as bar:
                done = [0]

                def tick(k):
                    bar.update(float(k - done[0]) * runs)
                    done[0] = k

                stats, raw, wall = run_checkpoints(sim, ks, qs, keep_raw, problem.metrics, tick)
        finally:
            numba.set_num_threads(old)
        return Result(ks, stats, raw, int(np.sum(~sim.alive)), runs, config, wall)


def simulate(problem, oracle, algorithm, schedule, *, runs, steps, seed=DEFAULT_SEED, checkpoints=10,
             averaging: str = "weighted", quantiles=(0.1, 0.9), keep_raw: bool = False, backend: str | None = None,
             threads: int | None = None, cache=None, progress: bool | None = False) -> Result:
    """Simulate ``runs`` independent trajectories of one configuration and summarise their errors.

    Parameters
    ----------
    problem : Problem
        The objective (``heavytail_sim.quadratic``, ``chain``, ...).
    oracle : NoiseModel or Oracle
        A noise law (additive stationary noise) or an oracle (``AdditiveNoise``, ``ProbabilityZeroOracle``,
        ``Minibatch``).
    algorithm : Algorithm
        The update rule and its hyper-parameters.
    schedule : Schedule
        eta_k and tau_k.
    runs, steps : int
        R independent runs of K steps (int-valued floats such as 1e5 accepted).
    seed : int
        Master seed (>= 0). Run r's numbers depend only on (seed, r): not on R, threads or backend.
    checkpoints : int or sequence of int
        Checkpoints per decade (log-spaced), or explicit steps in [1, steps].
    averaging : {"weighted", "uniform"}
        The averaged iterate x_bar_k reported as ``f_avg``.
    quantiles : sequence of float
        Quantiles reported beside mean and median.
    keep_raw : bool
        Keep every run's errors (``Result.raw``, shape (C, R) per metric).
    backend, threads, cache, progress
        See :class:`Runner` (backend None: cpu).

    Returns
    -------
    Result
        Statistics over runs at the checkpoints (``Result.frame()`` for a tidy DataFrame).
    """
    runner = Runner(backend=backend or "cpu", threads=threads, cache=cache, progress=progress)
    return runner.simulate(problem, oracle, algorithm, schedule, runs=runs, steps=steps, seed=seed,
                           checkpoints=checkpoints, averaging=averaging, quantiles=quantiles, keep_raw=keep_raw)
