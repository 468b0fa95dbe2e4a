"""Engine throughput against a numpy baseline, the engine before its lane-blocked rewrite, and noise alone.

Usage: python benchmarks/bench_engine.py [--runs 1000] [--seconds 1.0] [--readme]
       python benchmarks/bench_engine.py --chain          (the chain problem at T = 100 and 1000)
       python benchmarks/bench_engine.py --backend cuda   (GPU throughput; see gpu_check.sh)

For GClip (theorem 1 schedule) and Adam (constant step) on a quadratic with Pareto and alpha-stable noise
(index 1.5), d in {1, 10, 100}, R runs, it prints, measured in this one run, throughput in million
coordinate-steps per second (runs x steps x d / s):
  (a) the engine (heavytail_sim.engine.Simulation.advance_to, all threads, steady state),
  (b) benchmarks/numpy_engine.py, vectorised over runs,
  (c) a kernel that only draws the same noise with the engine's sampler and loop nest (same threads),
  (d) the engine as it was before its lane-blocked rewrite (benchmarks/legacy_engine.py, same threads),
and the ratios a/b (target >= 5), a/d (target >= 2.5) and c/a (the engine's cost over noise alone;
target <= 1.3). It also prints the CPU and the vector width numba compiled for (AVX2 or AVX-512):
machines of the same kind differ from week to week, so compare ratios from one run, never absolute
numbers from different runs.
"""
from __future__ import annotations

import argparse
import math
import os
import platform
import sys
import time

import numba
import numpy as np
from numba import njit, prange

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from legacy_engine import LegacySimulation  # noqa: E402
from numpy_engine import adam_numpy, gclip_numpy  # noqa: E402

from heavytail_sim import schedules  # noqa: E402
from heavytail_sim.algorithms import Algorithm  # noqa: E402
from heavytail_sim.engine import Simulation, block_lanes  # noqa: E402
from heavytail_sim.noise import KINDS, NoiseModel, draw_lanes  # noqa: E402
from heavytail_sim.problems import quadratic  # noqa: E402
from heavytail_sim.rng import seed_states  # noqa: E402

ALPHA = 1.5
ADAM = dict(beta1=0.9, beta2=0.999, eps=1e-8)


def vector_width() -> str:
    """What numba really compiles for: the LLVM target and the widest double vector in a probe loop's code.

    Read from the machine code, not from the environment: ``NUMBA_CPU_NAME=haswell`` alone keeps the
    host's features and still emits AVX-512 on an AVX-512 host; AVX2 code needs ``NUMBA_CPU_FEATURES`` too
    (e.g. ``NUMBA_CPU_NAME=haswell NUMBA_CPU_FEATURES=``).
    """
    import llvmlite.binding as llvm

    @njit(error_model="numpy")
    def probe(x, y):
        for i in range(x.size):
            y[i] = 2.5 * x[i] + y[i]

    x = np.ones(64)
    probe(x, x.copy())
    asm = probe.inspect_asm(probe.signatures[0])
    width = ("AVX-512 (8 doubles)" if "zmm" in asm else "AVX2 (4 doubles)" if "ymm" in asm
             else "SSE2 (2 doubles)")
    cpu = os.environ.get("NUMBA_CPU_NAME") or llvm.get_host_cpu_name()
    return f"{platform.processor() or platform.machine()}, LLVM target {cpu}, {width}"


@njit(parallel=True, error_model="numpy")
def _noise_only(S, Z, kind, a, steps, lanes):
    """The engine's noise pass alone: ``steps`` draws per coordinate and run, lane-blocked like the engine."""
    d, R = Z.shape
    ia = 1.0 / a
    for b in prange((R + lanes - 1) // lanes):
        lo = b * lanes
        hi = min(R, lo + lanes)
        for _ in range(steps):
            for i in range(d):
                draw_lanes(kind, a, ia, 1.0, S, Z, i, lo, hi)


def _rate(work: float, fn) -> float:
    t0 = time.perf_counter()
    fn()
    return work / (time.perf_counter() - t0) / 1e6


def _configure(alg: str, d: int):
    prob = quadratic(d, 1.0, 1.0 if d == 1 else 10.0)
    if alg == "gclip":
        return prob, Algorithm("gclip"), schedules.theorem1(ALPHA, 1.0, prob.mu)
    return prob, Algorithm("adam", **ADAM), schedules.constant(0.01)


def bench(kind: str, alg: str, d: int, runs: int, seconds: float) -> dict:
    prob, algorithm, sched = _configure(alg, d)
    nm = NoiseModel(kind, ALPHA)
    sim = Simulation(prob, nm, algorithm, sched, runs, seed=1)
    sim.advance_to(20)  # compile / load the cache
    # a pilot block sets K for about `seconds` of engine time; the slower baselines get fewer steps
    pilot = max(20, int(2e6 / (runs * d)))
    pilot_rate = _rate(runs * pilot * d, lambda: sim.advance_to(sim.k + pilot))
    steps = max(50, int(seconds * pilot_rate * 1e6 / (runs * d)))
    a_rate = max(_rate(runs * steps * d, lambda: sim.advance_to(sim.k + steps)) for _ in range(2))

    S = np.ascontiguousarray(seed_states(1, runs).T)
    Z = np.empty((d, runs))
    lanes = block_lanes(runs, numba.get_num_threads())
    _noise_only(S, Z, KINDS[kind], ALPHA, 2, lanes)
    c_rate = max(_rate(runs * steps * d, lambda: _noise_only(S, Z, KINDS[kind], ALPHA, steps, lanes))
                 for _ in range(2))

    legacy = LegacySimulation(prob.h, 1.0, kind, ALPHA, alg, sched.kernel_args(), runs, 1,
                              **(ADAM if alg == "adam" else {}))
    legacy.advance_to(20)
    d_steps = max(20, steps // 3)
    d_rate = max(_rate(runs * d_steps * d, lambda: legacy.advance_to(legacy.k + d_steps)) for _ in range(2))

    np_steps = max(10, steps // 15)
    base = gclip_numpy if alg == "gclip" else adam_numpy
    b_rate = _rate(runs * np_steps * d, lambda: base(prob.h, runs, np_steps, kind, ALPHA))
    return {"noise": kind, "alg": alg, "d": d, "runs": runs, "steps": steps, "engine": a_rate, "numpy": b_rate,
            "noise_only": c_rate, "legacy": d_rate, "a/b": a_rate / b_rate, "a/d": a_rate / d_rate,
            "c/a": c_rate / a_rate}


def bench_chain(runs: int, seconds: float) -> list[dict]:
    """The chain problem (probability-zero oracle, normalised SGD) at T = 100 and 1000."""
    from heavytail_sim.oracles import ProbabilityZeroOracle
    from heavytail_sim.problems import chain

    rows = []
    for T in (100, 1000):
        sim = Simulation(chain(T), ProbabilityZeroOracle(0.5), Algorithm("nsgd", beta1=0.5), schedules.constant(0.5),
                         runs, seed=1)
        sim.advance_to(2)
        pilot = 5
        rate = _rate(runs * pilot * T, lambda: sim.advance_to(sim.k + pilot))
        steps = max(5, int(seconds * rate * 1e6 / (runs * T)))
        rows.append({"T": T, "runs": runs, "steps": steps,
                     "rate": _rate(runs * steps * T, lambda: sim.advance_to(sim.k + steps))})
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--seconds", type=float, default=1.0, help="target duration of each engine measurement")
    ap.add_argument("--dims", type=int, nargs="+", default=[1, 10, 100])
    ap.add_argument("--algorithms", nargs="+", default=["gclip", "adam"], choices=["gclip", "adam"])
    ap.add_argument("--chain", action="store_true", help="measure the chain problem at T = 100 and 1000 instead")
    ap.add_argument("--backend", choices=("cpu", "cuda"), default="cpu",
                    help="cpu (default) or cuda: GPU throughput (bench_gpu.py)")
    ap.add_argument("--smoke", action="store_true", help="with --backend cuda: tiny sizes, allowed on the simulator")
    ap.add_argument("--readme", action="store_true",
                    help="also write the table into README.md between the bench:start/bench:end markers")
    args = ap.parse_args()
    if args.backend == "cuda":
        from bench_gpu import main_cuda

        return main_cuda(args)
    head = (f"{vector_width()}; {os.cpu_count()} cores, numba threads {numba.get_num_threads()}; "
            f"numba {numba.__version__}, numpy {np.__version__}")
    print(head)
    if args.chain:
        print(f"{'T':>6} {'R':>6} {'K':>6} {'M/s':>8}")
        for r in bench_chain(args.runs, args.seconds):
            print(f"{r['T']:>6} {r['runs']:>6} {r['steps']:>6} {r['rate']:>8.2f}", flush=True)
        return 0
    print("M/s = million coordinate-steps per second; a engine, b numpy, c noise only, d engine before lanes")
    print(f"{'noise':>7} {'alg':>6} {'d':>4} {'R':>5} {'K':>7} {'a':>8} {'b':>8} {'c':>8} {'d':>8} "
          f"{'a/b':>6} {'a/d':>6} {'c/a':>6}")
    rows = []
    for kind in ("pareto", "stable"):
        for alg in args.algorithms:
            for d in args.dims:
                r = bench(kind, alg, d, args.runs, args.seconds)
                rows.append(r)
                print(f"{kind:>7} {alg:>6} {d:>4} {r['runs']:>5} {r['steps']:>7} {r['engine']:>8.1f} "
                      f"{r['numpy']:>8.1f} {r['noise_only']:>8.1f} {r['legacy']:>8.1f} {r['a/b']:>6.2f} "
                      f"{r['a/d']:>6.2f} {r['c/a']:>6.2f}", flush=True)
    if args.readme:
        _write_readme(rows, head)
    return 0


def _write_readme(rows: list, head: str) -> None:
    """Replace the README's benchmark table (between its bench markers) with this run's numbers."""
    from pathlib import Path

    from heavytail_sim.io import write_text

    lines = [f"Measured by `python benchmarks/bench_engine.py --readme` ({head}; R = {rows[0]['runs']}, "
             f"index {ALPHA}):", "",
             "| noise | algorithm | d | engine (a) M/s | numpy (b) | noise only (c) | before lanes (d) | a/b | a/d | c/a |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    lines += [f"| {r['noise']} | {r['alg']} | {r['d']} | {r['engine']:.1f} | {r['numpy']:.1f} | {r['noise_only']:.1f} | "
              f"{r['legacy']:.1f} | {r['a/b']:.2f} | {r['a/d']:.2f} | {r['c/a']:.2f} |" for r in rows]
    readme = Path(__file__).resolve().parents[1] / "README.md"
    text = readme.read_text()
    head_text, rest = text.split("<!-- bench:start -->", 1)
    _, tail = rest.split("<!-- bench:end -->", 1)
    write_text(readme, head_text + "<!-- bench:start -->\n" + "\n".join(lines) + "\n<!-- bench:end -->" + tail)


if __name__ == "__main__":
    sys.exit(main())
