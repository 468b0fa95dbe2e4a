"""The simulation engine: R independent runs of one algorithm, advanced in parallel by numba.

Design:

* State lives in ``(R, d)`` arrays (iterate, average, momentum, second moment) plus one xoroshiro state
  per run; nothing of length K is ever stored, so memory is O(R d + R + checkpoints).
* ``step_block`` advances one run by a block of steps. It is the single definition of every update rule
  (seed 000 Alg 1 / Sec 3, seed 002 eq 1-4); ``_advance`` calls it (through ``step_run``) under
  ``prange`` over runs, and the GPU backend (``backend="cuda"``, :mod:`heavytail_sim.cuda_engine`) from
  one CUDA thread per run. ``run_errors`` and ``fill_schedule`` are shared the same way.
* The schedule (eta_k, tau_k, Adam's bias corrections) is evaluated once per step for all runs, into a
  small fixed buffer, rather than once per run.
* The Python driver advances all runs from one log-spaced checkpoint to the next, then reduces the
  per-run errors at that checkpoint to statistics (mean, median, quantiles, non-finite count).
* A run whose gradient or iterate stops being finite is marked diverged, frozen, and reported with
  error ``inf`` from then on: counted, never dropped and never a crash.
"""
from __future__ import annotations

import math
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

import numba
import numpy as np
from numba import njit, prange
from numba.extending import register_jitable

from . import __version__, cache
from .algorithms import ACCLIP, ADAM, CCLIP, GCLIP, RMSPROP, SGD, Algorithm
from .clipping import cclip_scalar, gclip_factor
from .errors import UsageError
from .noise import NoiseModel, draw_local
from .problems import PROJ_BALL, PROJ_BOX, QUADRATIC, Problem, coord_grad, coord_value
from .progress import Progress
from .rng import seed_states
from .schedules import Schedule, eta_at, tau_at

METRICS = ("f_avg", "f_last", "grad_sq", "avg_grad_sq")
METRIC_HELP = {
    "f_avg": "f(x_bar_k) - f*, x_bar the averaged iterate (strongly convex error of Table 1)",
    "f_last": "f(x_k) - f*",
    "grad_sq": "||grad f(x_k)||^2",
    "avg_grad_sq": "(1/k) sum_{j=1..k} ||grad f(x_{j-1})||^2 (non-convex error of Table 1)",
}
_BLOCK = 256  # steps per schedule buffer: large enough to amortise the parallel launch
BACKENDS = ("cpu", "cuda")


@register_jitable
def step_block(r, kfirst, nsteps, x, xbar, m, v, rng, gsum,
               pkind, h, xs, pc, pw, proj, lo, hi, center, radius,
               nkind, na, nia, ns, alg, b1, b2, eps, aca, avg, tau_vec, sbuf, zbuf):
    """Advance run ``r`` by steps kfirst .. kfirst + nsteps - 1; return False once it diverges.

    ``sbuf[:, j]`` holds step kfirst + j's eta, tau, Adam's two bias corrections and the averaging
    weight; ``zbuf`` (length >= d) is scratch for one step's noise. Branches on the algorithm sit
    outside the coordinate loops, and the generator state stays in locals for the whole block.
    Shared by both backends: ``register_jitable`` makes it callable from CPU ``njit`` code and from
    ``numba.cuda`` kernels (:mod:`heavytail_sim.cuda_engine`), which is why the scratch is an argument
    (no allocation on the device).
    """
    d = x.shape[1]
    s0 = rng[r, 0]
    s1 = rng[r, 1]
    alive = True
    second = alg == ACCLIP or alg == RMSPROP or alg == ADAM
    plain = pkind == QUADRATIC and b1 == 0.0 and not second
    for j in range(nsteps):
        eta = sbuf[0, j]
        tau = sbuf[1, j]
        wavg = sbuf[4, j]
        gn2 = 0.0
        mn2 = 0.0
        # pass 1a: the noise alone, a tight loop around the transcendental calls
        for i in range(d):
            z, s0, s1 = draw_local(s0, s1, nkind, na[i], nia[i], ns[i])
            zbuf[i] = z
        # pass 1b: average, gradient, momentum (and second moments). The plain case (quadratic, no
        # momentum, no second moment: the rate studies) gets a loop free of invariant branches; it does
        # the same arithmetic in the same order
        if plain:
            for i in range(d):
                xi = x[r, i]
                xbar[r, i] += wavg * (xi - xbar[r, i])
                gt = h[i] * (xi - xs[i])
                gn2 += gt * gt
                g = gt + zbuf[i]
                m[r, i] = g
                mn2 += g * g
        else:
            for i in range(d):
                xi = x[r, i]
                xbar[r, i] += wavg * (xi - xbar[r, i])
                gt = coord_grad(pkind, h[i], pc, pw, xi - xs[i])
                gn2 += gt * gt
                g = gt + zbuf[i]
                mi = g if b1 == 0.0 else b1 * m[r, i] + (1.0 - b1) * g
                m[r, i] = mi
                mn2 += mi * mi
                if second:
                    if alg == ACCLIP:
                        ag = abs(g) if aca == 1.0 else abs(g) ** aca
                        v[r, i] = b2 * v[r, i] + (1.0 - b2) * ag
                    else:
                        v[r, i] = b2 * v[r, i] + (1.0 - b2) * g * g
        if not (gn2 < np.inf and mn2 < np.inf):
            alive = False
            break
        gsum[r] += gn2
        # pass 2: the update rule
        if alg == SGD or alg == GCLIP:
            step = eta
            if alg == GCLIP and mn2 > tau * tau:
                step = eta * gclip_factor(math.sqrt(mn2), tau)
            for i in range(d):
                x[r, i] -= step * m[r, i]
        elif alg == CCLIP:
            for i in range(d):
                x[r, i] -= eta * cclip_scalar(m[r, i], tau * tau_vec[i])
        elif alg == ACCLIP:
            for i in range(d):
                ti = v[r, i] if aca == 1.0 else v[r, i] ** (1.0 / aca)
                mi = m[r, i]
                x[r, i] -= eta * min(ti / (abs(mi) + eps), 1.0) * mi
        elif alg == RMSPROP:
            for i in range(d):
                x[r, i] -= eta * m[r, i] / (math.sqrt(v[r, i]) + eps)
        else:  # ADAM, bias-corrected
            c1 = sbuf[2, j]
            c2 = sbuf[3, j]
            for i in range(d):
                x[r, i] -= eta * (m[r, i] / c1) / (math.sqrt(v[r, i] / c2) + eps)
        if proj == PROJ_BOX:
            for i in range(d):
                x[r, i] = min(max(x[r, i], lo[i]), hi[i])
        elif proj == PROJ_BALL:
            off2 = 0.0
            for i in range(d):
                off2 += (x[r, i] - center[i]) ** 2
            if off2 > radius * radius:
                shrink = radius / math.sqrt(off2)
                for i in range(d):
                    x[r, i] = center[i] + shrink * (x[r, i] - center[i])
    rng[r, 0] = s0
    rng[r, 1] = s1
    return alive


@njit
def step_run(r, kfirst, nsteps, x, xbar, m, v, rng, gsum,
             pkind, h, xs, pc, pw, proj, lo, hi, center, radius,
             nkind, na, nia, ns, alg, b1, b2, eps, aca, avg, tau_vec, sbuf):
    """:func:`step_block` with its own scratch for one step's noise (the CPU engine's entry)."""
    return step_block(r, kfirst, nsteps, x, xbar, m, v, rng, gsum,
                      pkind, h, xs, pc, pw, proj, lo, hi, center, radius,
                      nkind, na, nia, ns, alg, b1, b2, eps, aca, avg, tau_vec, sbuf, np.empty(x.shape[1]))


@register_jitable
def fill_schedule(k, n, b1, b2, avg, e0, es, ep, t0, ts, tp, sbuf):
    """Steps k+1 .. k+n's eta, tau, Adam's bias corrections and averaging weight into ``sbuf[:, :n]``."""
    for j in range(n):
        kk = k + 1.0 + j
        sbuf[0, j] = eta_at(kk, e0, es, ep)
        sbuf[1, j] = tau_at(kk, t0, ts, tp)
        sbuf[2, j] = 1.0 - b1 ** kk
        sbuf[3, j] = 1.0 - b2 ** kk
        # seed 000, Thm 1: x_bar_k = sum_j j x_{j-1} / sum_j j, i.e. recursively with weight 2/(k+1)
        sbuf[4, j] = 2.0 / (kk + 1.0) if avg == 0 else 1.0 / kk


@njit(cache=True)
def schedule_block(k, n, b1, b2, avg, e0, es, ep, t0, ts, tp, sbuf):
    """Compiled :func:`fill_schedule` for host drivers (the CUDA backend evaluates the schedule here,
    so both backends use bit-identical eta_k and tau_k)."""
    fill_schedule(k, n, b1, b2, avg, e0, es, ep, t0, ts, tp, sbuf)


@njit(parallel=True, cache=True)
def _advance_block(k, n, x, xbar, m, v, rng, alive, gsum,
                   pkind, h, xs, pc, pw, proj, lo, hi, center, radius,
                   nkind, na, nia, ns, alg, b1, b2, eps, aca, avg, tau_vec, sbuf):
    for r in prange(x.shape[0]):
        if alive[r]:
            alive[r] = step_run(r, k + 1, n, x, xbar, m, v, rng, gsum,
                                pkind, h, xs, pc, pw, proj, lo, hi, center, radius,
                                nkind, na, nia, ns, alg, b1, b2, eps, aca, avg, tau_vec, sbuf)


@njit(cache=True)
def _advance(k_done, k_target, x, xbar, m, v, rng, alive, gsum,
             pkind, h, xs, pc, pw, proj, lo, hi, center, radius,
             nkind, na, nia, ns, alg, b1, b2, eps, aca, avg, tau_vec,
             e0, es, ep, t0, ts, tp, sbuf):
    k = k_done
    while k < k_target:
        n = min(sbuf.shape[1], k_target - k)
        fill_schedule(k, n, b1, b2, avg, e0, es, ep, t0, ts, tp, sbuf)
        _advance_block(k, n, x, xbar, m, v, rng, alive, gsum,
                       pkind, h, xs, pc, pw, proj, lo, hi, center, radius,
                       nkind, na, nia, ns, alg, b1, b2, eps, aca, avg, tau_vec, sbuf)
        k += n


@register_jitable
def run_errors(r, k, x, xbar, alive, gsum, pkind, h, xs, pc, pw, out):
    """Run r's errors after k steps into ``out[:, r]``, in METRICS order; ``inf`` once diverged.

    Shared by both backends (see :func:`step_block`)."""
    d = x.shape[1]
    fb = 0.0
    fx = 0.0
    gg = 0.0
    for i in range(d):
        fb += coord_value(pkind, h[i], pc, pw, xbar[r, i] - xs[i])
        t = x[r, i] - xs[i]
        fx += coord_value(pkind, h[i], pc, pw, t)
        g = coord_grad(pkind, h[i], pc, pw, t)
        gg += g * g
    vals = (fb, fx, gg, gsum[r] / k)
    for q in range(4):
        out[q, r] = vals[q] if (alive[r] and vals[q] < np.inf) else np.inf


@njit(parallel=True, cache=True)
def _errors(k, x, xbar, alive, gsum, pkind, h, xs, pc, pw, out):
    """Per-run errors after k steps into ``out`` (4, R), in METRICS order; ``inf`` for diverged runs."""
    for r in prange(x.shape[0]):
        run_errors(r, k, x, xbar, alive, gsum, pkind, h, xs, pc, pw, out)


def log_checkpoints(steps: int, per_decade: int = 10) -> np.ndarray:
    """Distinct integer checkpoints 1 <= k <= steps, log-spaced with ``per_decade`` per decade, ending at steps."""
    if steps < 1:
        raise UsageError(f"steps must be >= 1, got {steps}")
    n = max(2, int(math.ceil(per_decade * math.log10(max(steps, 10)))) + 1)
    ks = np.unique(np.round(np.logspace(0, math.log10(steps), n)).astype(np.int64))
    return ks


def summarize(values: np.ndarray, quantiles=(0.1, 0.9)) -> dict[str, np.ndarray]:
    """Statistics over runs (last axis) of non-negative errors where diverged runs are ``inf``.

    The mean is the plain sample mean (``inf`` as soon as one run diverged: that is the honest mean);
    the median and quantiles are robust to heavy tails and to a minority of diverged runs.
    """
    vals = np.asarray(values, float)
    with np.errstate(invalid="ignore", over="ignore"):
        out = {"mean": vals.mean(axis=-1), "median": np.median(vals, axis=-1)}
        for q in quantiles:
            out[f"q{round(100 * q):02d}"] = np.quantile(vals, q, axis=-1)
    out["nonfinite"] = np.sum(~np.isfinite(vals), axis=-1)
    return out


@dataclass
class Result:
    """Statistics of the error metrics at the checkpoints of one simulation.

    ``stats[metric][statistic]`` has shape ``(C,)``; ``raw[metric]`` (only with ``keep_raw``) has
    shape ``(C, R)``.
    """

    checkpoints: np.ndarray
    stats: dict
    raw: dict | None
    diverged: int
    runs: int
    config: dict = field(default_factory=dict)
    wall_time: float = 0.0

    def curve(self, metric: str = "f_avg", statistic: str = "mean") -> np.ndarray:
        return self.stats[metric][statistic]

    def frame(self):
        """Tidy ``pandas.DataFrame`` with columns k, metric, statistic, value."""
        import pandas as pd

        rows = []
        for metric, st in self.stats.items():
            for name, arr in st.items():
                rows.append(pd.DataFrame({"k": self.checkpoints, "metric": metric, "statistic": name,
                                          "value": np.asarray(arr, float)}))
        return pd.concat(rows, ignore_index=True)


_DEFAULT_BACKEND = threading.local()


@contextmanager
def use_backend(backend: str):
    """Inside the block, :func:`simulate` calls that name no backend use ``backend`` (per thread).

    This is how a whole study (``heavytail-sim rates --backend cuda``) moves to the GPU without threading
    the choice through every function.
    """
    check_backend(backend)
    if backend == "cuda":
        from .cuda_engine import require_device

        require_device()  # fail before the study does any work or creates any file
    previous = getattr(_DEFAULT_BACKEND, "name", "cpu")
    _DEFAULT_BACKEND.name = backend
    try:
        yield backend
    finally:
        _DEFAULT_BACKEND.name = previous


def check_backend(backend: str | None) -> str:
    """``backend`` (``None``: the one :func:`use_backend` set, else cpu) if it names one of :data:`BACKENDS`."""
    if backend is None:
        backend = getattr(_DEFAULT_BACKEND, "name", "cpu")
    if backend not in BACKENDS:
        raise UsageError(f"unknown backend '{backend}' (choose from {', '.join(BACKENDS)})")
    return backend


class Simulation:
    """R runs of one configuration, advanced on demand; :func:`simulate` is the usual entry point.

    ``backend="cuda"`` keeps the runs in GPU memory (:mod:`heavytail_sim.cuda_engine`, one thread per run,
    the same kernels and random streams). There the host arrays ``x, xbar, m, v, rng, gsum`` keep the
    initial state until :meth:`sync` copies the device state back; ``alive`` is refreshed by
    :meth:`errors`.
    """

    def __init__(self, problem: Problem, noise: NoiseModel, algorithm: Algorithm, schedule: Schedule,
                 runs: int, seed: int = 0, backend: str = "cpu"):
        if not isinstance(runs, (int, np.integer)) or runs < 1:
            raise UsageError(f"runs must be a positive integer, got {runs}")
        self.backend = check_backend(backend)
        if backend == "cuda":
            from .cuda_engine import require_device

            require_device()  # before allocating anything: a one-line error without a GPU
        d = problem.dim
        self.problem, self.noise, self.algorithm, self.schedule = problem, noise, algorithm, schedule
        self.runs, self.seed, self.k = int(runs), int(seed), 0
        self.x = np.tile(np.asarray(problem.x0, float), (runs, 1))
        self.xbar = self.x.copy()
        self.m = np.zeros((runs, d))
        needs_v = algorithm.name in ("acclip", "rmsprop", "adam")
        self.v = np.zeros((runs, d) if needs_v else (1, 1))
        self.rng = seed_states(seed, runs)
        self.alive = np.ones(runs, dtype=np.bool_)
        self.gsum = np.zeros(runs)
        self._sched = np.empty((5, _BLOCK))
        self._pargs = problem.kernel_args()
        na, ns = noise.arrays(d)
        self._nargs = (noise.code, na, 1.0 / na, ns)
        self._aargs = algorithm.kernel_args()
        self._targs = (schedule.tau_vector(d), *schedule.kernel_args())
        self._device = None
        if backend == "cuda":
            from .cuda_engine import DeviceRuns

            self._device = DeviceRuns(self)

    def advance_to(self, k: int) -> None:
        """Run every live run up to step k (k >= current step)."""
        if k < self.k:
            raise ValueError("cannot go back in time")
        if k > self.k:
            if self._device is not None:
                self._device.advance(self.k, k)
            else:
                _advance(self.k, k, self.x, self.xbar, self.m, self.v, self.rng, self.alive, self.gsum,
                         *self._pargs, *self._nargs, *self._aargs, *self._targs, self._sched)
            self.k = k

    def sync(self) -> None:
        """Copy the device state into the host arrays (``backend="cuda"``; nothing to do on the CPU)."""
        if self._device is not None:
            self._device.to_host(self)

    def errors(self) -> np.ndarray:
        """Per-run errors at the current step, shape ``(4, R)`` in :data:`METRICS` order."""
        if self._device is not None:
            out = self._device.errors(max(self.k, 1))
            self.alive[:] = self._device.alive_host()
            return out
        out = np.empty((4, self.runs))
        pk, h, xs, pc, pw = self._pargs[:5]
        _errors(max(self.k, 1), self.x, self.xbar, self.alive, self.gsum, pk, h, xs, pc, pw, out)
        return out


def simulate(problem: Problem, noise: NoiseModel, algorithm: Algorithm, schedule: Schedule, runs: int,
             steps: int, seed: int = 0, checkpoints=10, quantiles=(0.1, 0.9), keep_raw: bool = False,
             progress: bool | None = None, threads: int | None = None, backend: str | None = None) -> Result:
    """Simulate ``runs`` independent trajectories for ``steps`` steps and summarise the errors.

    ``checkpoints`` is either the number per decade (log spacing) or an explicit increasing sequence of
    steps in [1, steps]. Errors (see :data:`METRIC_HELP`) are dimensionless objective gaps / squared
    gradient norms of the problem. ``threads`` sets numba's thread count for this call; results do
    not depend on it. ``backend="cuda"`` runs the same kernels on a GPU, one thread per run, with the same
    random streams (floating-point differences only; see :mod:`heavytail_sim.cuda_engine`); ``UsageError``
    when there is none; ``None`` means cpu unless :func:`use_backend` chose otherwise. Returns a
    :class:`Result`.
    """
    backend = check_backend(backend)
    if not isinstance(steps, (int, np.integer)) or steps < 1:
        raise UsageError(f"steps must be a positive integer, got {steps}")
    if np.isscalar(checkpoints):
        ks = log_checkpoints(int(steps), int(checkpoints))
    else:
        ks = np.unique(np.asarray(checkpoints, dtype=np.int64))
        if ks.size == 0 or ks[0] < 1 or ks[-1] > steps:
            raise UsageError("checkpoints must lie in [1, steps]")
    if noise_dim_mismatch(noise, problem.dim):
        raise UsageError(f"noise parameters do not match dimension {problem.dim}")
    store = cache.active()
    if store is not None:
        key = _cache_config(problem, noise, algorithm, schedule, runs, steps, seed, ks, quantiles, keep_raw)
        if backend != "cpu":  # GPU numbers differ in the last bits; CPU keys stay as they were
            key["backend"] = backend
        return store.cached(key, lambda: _simulate(problem, noise, algorithm, schedule, runs, steps, seed, ks,
                                                   quantiles, keep_raw, progress, threads, backend))
    return _simulate(problem, noise, algorithm, schedule, runs, steps, seed, ks, quantiles, keep_raw, progress,
                     threads, backend)


def _cache_config(problem, noise, algorithm, schedule, runs, steps, seed, ks, quantiles, keep_raw) -> dict:
    """Everything a simulation's numbers depend on (the thread count is not among them)."""
    from dataclasses import asdict

    return {"problem": asdict(problem), "noise": asdict(noise), "algorithm": asdict(algorithm),
            "schedule": asdict(schedule), "runs": runs, "steps": steps, "seed": seed, "checkpoints": ks,
            "quantiles": list(quantiles), "keep_raw": keep_raw, "version": __version__}


def _simulate(problem, noise, algorithm, schedule, runs, steps, seed, ks, quantiles, keep_raw, progress,
              threads, backend="cpu") -> Result:
    sim = Simulation(problem, noise, algorithm, schedule, runs, seed, backend=backend)
    old_threads = numba.get_num_threads()
    if threads is not None:
        if not 1 <= threads <= numba.config.NUMBA_NUM_THREADS:
            raise UsageError(f"threads must lie in [1, {numba.config.NUMBA_NUM_THREADS}]")
        numba.set_num_threads(threads)
    # per-run errors live only for the current checkpoint unless asked for: O(R) memory, not O(R C)
    raw = np.empty((4, len(ks), runs)) if keep_raw else None
    per_checkpoint = []
    t0 = time.perf_counter()
    try:
        with Progress(float(ks[-1]) * runs, f"{algorithm.name}/{noise.kind}", enabled=progress) as bar:
            for c, k in enumerate(ks):
                before = sim.k
                sim.advance_to(int(k))
                errs = sim.errors()
                if keep_raw:
                    raw[:, c, :] = errs
                per_checkpoint.append([summarize(errs[q], quantiles) for q in range(len(METRICS))])
                bar.update(float(k - before) * runs)
    finally:
        numba.set_num_threads(old_threads)
    stats = {name: {stat: np.array([pc[q][stat] for pc in per_checkpoint]) for stat in per_checkpoint[0][q]}
             for q, name in enumerate(METRICS)}
    config = {"problem": problem.name, "noise": noise.kind, "index": noise.index, "scale": noise.scale,
              "algorithm": algorithm.name, "schedule": schedule.name, "runs": runs, "steps": steps,
              "seed": seed, "version": __version__, "backend": backend}
    return Result(ks, stats, {n: raw[q] for q, n in enumerate(METRICS)} if keep_raw else None,
                  int(np.sum(~sim.alive)), runs, config, time.perf_counter() - t0)


def noise_dim_mismatch(noise: NoiseModel, d: int) -> bool:
    for arr in (noise.index, noise.scale):
        n = np.size(arr)
        if n not in (1, d):
            return True
    return False
