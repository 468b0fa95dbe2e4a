"""Engine throughput against a numpy baseline and against drawing the noise alone; GPU backend throughput.

Usage: python benchmarks/bench_engine.py [--runs 1000] [--seconds 1.5]
       python benchmarks/bench_engine.py --backend cuda [--seconds 1.5]

For GClip on a quadratic with alpha-stable and with Pareto noise it prints, measured in this one run,
throughput in million coordinate-steps per second (runs x steps x d / s) for
  (a) the numba engine (heavytail_sim.engine.simulate, all threads),
  (b) benchmarks/numpy_engine.py, vectorised over runs,
  (c) a kernel that only draws the same noise with the engine's generator (same threads, same loop nest),
and the ratios a/b (target >= 2.2 for d >= 10, >= 2 at d = 1) and c/a (cost of a over c; target <= 1.15).

With ``--backend cuda`` (GClip, quadratic, Pareto and alpha-stable noise, R = 10^4 and 10^6 runs,
d = 1 and 100) it prints, in G coordinate-steps/s:
  gpu      the engine on the GPU (Simulation(backend="cuda").advance_to, steady state after compilation;
           host set-up and copies excluded),
  cpu2     the CPU engine with 2 numba threads on the same machine, same R (K shortened to fit the time),
  noise    a GPU kernel that only draws the same noise with the engine's generator (one thread per run),
  gpu/cpu2 and gpu/noise,
  %peak    the noise kernel's FP64 flop rate as a share of the GPU's FP64 peak, with flops per draw counted
           statically in the PTX of a one-draw kernel (an estimate: libdevice's rare slow paths excluded).
Without a GPU it says so in one line and exits with status 2 (``--smoke`` runs tiny sizes on numba's
CUDA simulator, to check the code path only; its timings mean nothing).
"""
from __future__ import annotations

import argparse
import math
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


_GPU = {}
cuda = None  # numba.cuda, imported on demand; a module global because the simulator swaps it in kernels


def _gpu_noise_kernels(kind_code: int):
    """(throughput kernel, one-draw kernel) drawing noise of one kind (a compile-time constant, so the
    PTX holds only that law's code) with the engine's generator, one thread per run."""
    if kind_code in _GPU:
        return _GPU[kind_code]
    global cuda
    from heavytail_sim import cuda_engine

    cuda = cuda_engine._cuda()
    # under the simulator, compiled helpers cannot be called from Python kernels (cuda_engine.as_python)
    draw = cuda_engine.as_python(draw_local) if cuda_engine.simulator_enabled() else draw_local

    @cuda.jit
    def many(state, a, steps, d, out):
        r = cuda.grid(1)
        if r < state.shape[0]:
            ia = 1.0 / a
            s0, s1 = state[r, 0], state[r, 1]
            acc = 0.0
            for _ in range(steps):
                for _i in range(d):
                    z, s0, s1 = draw(s0, s1, kind_code, a, ia, 1.0)
                    acc += z
            state[r, 0], state[r, 1] = s0, s1
            out[r] = acc  # keeps the draws alive

    @cuda.jit
    def one(state, a, out):
        r = cuda.grid(1)
        if r < state.shape[0]:
            z, _s0, _s1 = draw(state[r, 0], state[r, 1], kind_code, a, 1.0 / a, 1.0)
            out[r] = z

    _GPU[kind_code] = (many, one)
    return many, one


def _bench_gpu(kind: str, a: float, d: int, runs: int, seconds: float, smoke: bool, peak: float) -> dict:
    from heavytail_sim import cuda_engine
    from heavytail_sim.engine import Simulation

    _gpu_noise_kernels(KINDS[kind])  # imports numba.cuda into the module global `cuda`
    sync = (lambda: None) if cuda_engine.simulator_enabled() else cuda.synchronize
    prob = quadratic(d, 1.0, 1.0 if d == 1 else 10.0)
    sched = schedules.theorem1(a, 1.0, prob.mu)
    nm = NoiseModel(kind, a)
    work_per_step = runs * d

    # (a) engine on the GPU: a pilot block sets K for about `seconds`
    sim = Simulation(prob, nm, Algorithm("gclip"), sched, runs, seed=1, backend="cuda")
    pilot = 2 if smoke else max(16, int(2e8 / work_per_step))
    sim.advance_to(2)  # compile (or load) the kernels
    sync()
    t0 = time.perf_counter()
    sim.advance_to(2 + pilot)
    sync()
    rate0 = pilot * work_per_step / (time.perf_counter() - t0)
    steps = pilot if smoke else max(pilot, int(seconds * rate0 / work_per_step))
    t0 = time.perf_counter()
    sim.advance_to(sim.k + steps)
    sync()
    gpu = steps * work_per_step / (time.perf_counter() - t0)
    sim.errors()  # the checkpoint statistics path runs too
    del sim

    # (b) CPU engine, 2 threads, same R: K fitted to the time budget from a 1-step pilot
    old = numba.get_num_threads()
    numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
    try:
        csim = Simulation(prob, nm, Algorithm("gclip"), sched, runs, seed=1)
        csim.advance_to(1)
        t0 = time.perf_counter()
        csim.advance_to(2)
        one_step = time.perf_counter() - t0
        csteps = max(1, min(steps, int(seconds / max(one_step, 1e-9))))
        t0 = time.perf_counter()
        csim.advance_to(csim.k + csteps)
        cpu2 = csteps * work_per_step / (time.perf_counter() - t0)
        del csim
    finally:
        numba.set_num_threads(old)

    # (c) noise only on the GPU, same number of draws per thread as the engine's measurement
    many, one = _gpu_noise_kernels(KINDS[kind])
    tpb = min(cuda_engine.THREADS_PER_BLOCK, runs)
    blocks = (runs + tpb - 1) // tpb
    state = cuda.to_device(np.asfortranarray(seed_states(1, runs)))
    out = cuda.device_array(runs)
    many[blocks, tpb](state, a, 1, d, out)  # compile
    sync()
    t0 = time.perf_counter()
    many[blocks, tpb](state, a, steps, d, out)
    sync()
    noise = steps * work_per_step / (time.perf_counter() - t0)

    frac, flops = math.nan, math.nan
    if not cuda_engine.simulator_enabled():
        one[blocks, tpb](state, a, out)
        try:
            flops = cuda_engine.ptx_fp64_flops(one.inspect_asm(one.signatures[0]))
        except Exception as exc:  # an API change must not lose the throughput numbers
            print(f"  (no PTX flop count: {type(exc).__name__}: {exc})", file=sys.stderr)
        frac = noise * flops / peak
    return {"noise": kind, "d": d, "runs": runs, "steps": steps, "gpu": gpu, "cpu2": cpu2, "noise_only": noise,
            "flops_per_draw": flops, "peak_frac": frac}


def main_cuda(args) -> int:
    from heavytail_sim import cuda_engine

    ok, desc = cuda_engine.device_status()
    if not ok or (cuda_engine.simulator_enabled() and not args.smoke):
        why = desc if not ok else "only numba's CUDA simulator is active (timings would mean nothing; --smoke)"
        print(f"bench_engine: --backend cuda: no GPU to measure: {why}", file=sys.stderr)
        return 2
    sizes = [(1, 2), (3, 3)] if args.smoke else [(d, r) for d in (1, 100) for r in (10_000, 1_000_000)]
    peak, peak_line = math.nan, ""
    if not cuda_engine.simulator_enabled():
        try:
            peak, how = cuda_engine.peak_fp64_flops()
            peak_line = f"; FP64 peak ~{peak / 1e12:.1f} Tflop/s ({how})"
        except Exception as exc:  # device attributes differ between CUDA versions
            peak_line = f"; FP64 peak unknown ({type(exc).__name__}: {exc})"
    print(f"{desc}; numba {numba.__version__}, numpy {np.__version__}{peak_line}")
    print("G/s = 10^9 coordinate-steps per second; cpu2 = CPU engine, 2 threads, this machine")
    print(f"{'noise':>7} {'d':>4} {'R':>8} {'K':>8} {'gpu':>8} {'cpu2':>8} {'noise':>8} {'gpu/cpu2':>9} "
          f"{'gpu/noise':>9} {'flop/draw':>9} {'%peak':>6}")
    for kind, a in (("pareto", 1.5), ("stable", 1.5)):
        for d, runs in sizes:
            r = _bench_gpu(kind, a, d, runs, args.seconds, args.smoke, peak)
            print(f"{kind:>7} {d:>4} {runs:>8} {r['steps']:>8} {r['gpu'] / 1e9:>8.2f} {r['cpu2'] / 1e9:>8.3f} "
                  f"{r['noise_only'] / 1e9:>8.2f} {r['gpu'] / r['cpu2']:>9.1f} {r['gpu'] / r['noise_only']:>9.2f} "
                  f"{r['flops_per_draw']:>9.0f} {100 * r['peak_frac']:>6.1f}", flush=True)
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--seconds", type=float, default=1.5, help="target duration of each engine measurement")
    ap.add_argument("--dims", type=int, nargs="+", default=[1, 10, 100])
    ap.add_argument("--backend", choices=("cpu", "cuda"), default="cpu",
                    help="cpu: engine vs numpy vs noise only (default); cuda: GPU vs 2-thread CPU (see above)")
    ap.add_argument("--smoke", action="store_true", help="with --backend cuda: tiny sizes, allowed on the simulator")
    ap.add_argument("--readme", action="store_true",
                    help="also write the table into README.md between the bench:start/bench:end markers")
    args = ap.parse_args()
    if args.backend == "cuda":
        return main_cuda(args)
    print(f"numba {numba.__version__}, numpy {np.__version__}, threads {numba.get_num_threads()}; "
          f"M/s = million coordinate-steps per second")
    print(f"{'noise':>7} {'d':>4} {'R':>5} {'K':>7} {'engine':>8} {'numpy':>8} {'noise':>8} {'a/b':>6} {'c/a':>6}")
    rows = []
    for kind, a in (("pareto", 1.5), ("stable", 1.5)):
        for d in args.dims:
            r = bench(kind, a, d, args.runs, args.seconds)
            rows.append(r)
            print(f"{kind:>7} {d:>4} {r['runs']:>5} {r['steps']:>7} {r['engine']:>8.1f} {r['numpy']:>8.1f} "
                  f"{r['noise_only']:>8.1f} {r['a/b']:>6.2f} {r['c/a']:>6.2f}", flush=True)
    if args.readme:
        _write_readme(rows)
    return 0


def _write_readme(rows: list) -> None:
    """Replace the README's benchmark table (between its bench markers) with this run's numbers."""
    import platform
    from pathlib import Path

    from heavytail_sim.io import write_text

    lines = [f"Measured by `python benchmarks/bench_engine.py --readme` on {platform.processor() or 'this machine'}"
             f" ({os.cpu_count()} cores), numba {numba.__version__}, numpy {np.__version__}, alpha = 1.5:", "",
             "| noise | d | engine (a) M/s | numpy (b) M/s | noise only (c) M/s | a/b | c/a |", "|---|---|---|---|---|---|---|"]
    lines += [f"| {r['noise']} | {r['d']} | {r['engine']:.1f} | {r['numpy']:.1f} | {r['noise_only']:.1f} | "
              f"{r['a/b']:.2f} | {r['c/a']:.2f} |" for r in rows]
    readme = Path(__file__).resolve().parents[1] / "README.md"
    text = readme.read_text()
    head, rest = text.split("<!-- bench:start -->", 1)
    _, tail = rest.split("<!-- bench:end -->", 1)
    write_text(readme, head + "<!-- bench:start -->\n" + "\n".join(lines) + "\n<!-- bench:end -->" + tail)


if __name__ == "__main__":
    sys.exit(main())
