"""Engine throughput against a numpy baseline and against drawing the noise alone.

Usage: python benchmarks/bench_engine.py [--runs 1000] [--seconds 1.5]

For GClip on a quadratic with alpha-stable and with Pareto noise it prints, measured in this one run,
throughput in million coordinate-steps per second (runs x steps x d / s) for
  (a) the numba engine (heavytail_sim.engine.simulate, all threads),
  (b) benchmarks/numpy_engine.py, vectorised over runs,
  (c) a kernel that only draws the same noise with the engine's generator (same threads, same loop nest),
and the ratios a/b (target >= 2.2 for d >= 10, >= 2 at d = 1) and c/a (cost of a over c; target <= 1.15).
"""
from __future__ import annotations

import argparse
import os
import sys
import time

import numba
import numpy as np
from numba import njit, prange

sys.path.insert(0, os.path.dirname(__file__))
from numpy_engine import gclip_numpy  # noqa: E402

from heavytail_sim import schedules  # noqa: E402
from heavytail_sim.algorithms import Algorithm  # noqa: E402
from heavytail_sim.engine import simulate  # noqa: E402
from heavytail_sim.noise import KINDS, NoiseModel, draw_local  # noqa: E402
from heavytail_sim.problems import quadratic  # noqa: E402
from heavytail_sim.rng import seed_states  # noqa: E402


@njit(parallel=True)
def _noise_only(state, kind, a, steps, d, out):
    ia = 1.0 / a
    for r in prange(state.shape[0]):
        s0, s1 = state[r, 0], state[r, 1]
        acc = 0.0
        for _ in range(steps):
            for _i in range(d):
                z, s0, s1 = draw_local(s0, s1, kind, a, ia, 1.0)
                acc += z
        state[r, 0], state[r, 1] = s0, s1
        out[r] = acc


def _timed(fn, work: float) -> float:
    t0 = time.perf_counter()
    fn()
    return work / (time.perf_counter() - t0) / 1e6


def bench(kind: str, a: float, d: int, runs: int, seconds: float) -> dict:
    # choose K so that the engine runs for about `seconds`; the baselines get fewer steps (slower)
    rate_guess = {"pareto": 60e6, "stable": 15e6}[kind]
    steps = max(100, int(seconds * rate_guess / (runs * d)))
    prob = quadratic(d, 1.0, 1.0 if d == 1 else 10.0)
    sched = schedules.theorem1(a, 1.0, prob.mu)
    nm = NoiseModel(kind, a)
    run_engine = lambda k: simulate(prob, nm, Algorithm("gclip"), sched, runs, k, seed=1, checkpoints=3)  # noqa: E731
    run_engine(50)  # compile / load cache
    a_rate = max(_timed(lambda: run_engine(steps), runs * steps * d) for _ in range(2))
    out = np.empty(runs)
    _noise_only(seed_states(1, runs), KINDS[kind], a, 10, d, out)
    c_rate = max(_timed(lambda: _noise_only(seed_states(1, runs), KINDS[kind], a, steps, d, out), runs * steps * d)
                 for _ in range(2))
    np_steps = max(20, steps // 8)
    b_rate = _timed(lambda: gclip_numpy(prob.h, runs, np_steps, kind, a), runs * np_steps * d)
    return {"noise": kind, "a": a, "d": d, "runs": runs, "steps": steps, "engine": a_rate, "numpy": b_rate,
            "noise_only": c_rate, "a/b": a_rate / b_rate, "c/a": c_rate / a_rate}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--seconds", type=float, default=1.5, help="target duration of each engine measurement")
    ap.add_argument("--dims", type=int, nargs="+", default=[1, 10, 100])
    args = ap.parse_args()
    print(f"numba {numba.__version__}, numpy {np.__version__}, threads {numba.get_num_threads()}; "
          f"M/s = million coordinate-steps per second")
    print(f"{'noise':>7} {'d':>4} {'R':>5} {'K':>7} {'engine':>8} {'numpy':>8} {'noise':>8} {'a/b':>6} {'c/a':>6}")
    for kind, a in (("pareto", 1.5), ("stable", 1.5)):
        for d in args.dims:
            r = bench(kind, a, d, args.runs, args.seconds)
            print(f"{kind:>7} {d:>4} {r['runs']:>5} {r['steps']:>7} {r['engine']:>8.1f} {r['numpy']:>8.1f} "
                  f"{r['noise_only']:>8.1f} {r['a/b']:>6.2f} {r['c/a']:>6.2f}", flush=True)


if __name__ == "__main__":
    main()
