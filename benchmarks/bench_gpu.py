"""GPU throughput of the engine (``bench_engine.py --backend cuda``).

GClip on a quadratic with Pareto and alpha-stable noise, R = 10^4 and 10^6 runs, d = 1 and 100; in G
coordinate-steps/s:
  gpu      the engine on the GPU (CudaSimulation.advance_to, steady state after compilation; host set-up
           and copies excluded),
  stats    the same with checkpoint statistics every 10 blocks of steps (errors kernel, copy, summarize),
  cpu      the CPU engine on this machine's cores, same R (K shortened to fit the time),
  noise    a GPU kernel that only draws the same noise with the engine's sampler (one thread per run),
  gpu/cpu and gpu/noise,
  %peak    the noise kernel's FP64 flop rate as a share of the GPU's FP64 peak, with flops per draw counted
           statically in the PTX of a one-draw kernel (an estimate: libdevice's rare slow paths excluded).
Without a GPU it says so in one line and exits with status 2 (``--smoke`` runs tiny sizes on numba's
CUDA simulator, to check the code path only; its timings mean nothing).
"""
from __future__ import annotations

import math
import sys
import time

import numba
import numpy as np

from heavytail_sim import schedules
from heavytail_sim.algorithms import Algorithm
from heavytail_sim.engine import Simulation
from heavytail_sim.noise import KINDS, NoiseModel, draw_lanes
from heavytail_sim.problems import quadratic
from heavytail_sim.rng import seed_states
from heavytail_sim.statistics import summarize

_GPU = {}
cuda = None  # numba.cuda, imported on demand; a module global because the simulator swaps it in kernels


def _noise_kernels(kind_code: int):
    """(throughput kernel, one-draw kernel) drawing noise of one law (a compile-time constant) with the
    engine's sampler, one thread per run."""
    if kind_code in _GPU:
        return _GPU[kind_code]
    global cuda
    from heavytail_sim import cuda_engine

    cuda = cuda_engine._cuda()
    draw = cuda_engine.as_python(draw_lanes) if cuda_engine.simulator_enabled() else draw_lanes

    @cuda.jit
    def many(S, Z, a, steps):
        r = cuda.grid(1)
        if r < S.shape[1]:
            for _ in range(steps):
                for i in range(Z.shape[0]):
                    draw(kind_code, a, 1.0 / a, 1.0, S, Z, i, r, r + 1)

    @cuda.jit
    def one(S, Z, a):
        r = cuda.grid(1)
        if r < S.shape[1]:
            draw(kind_code, a, 1.0 / a, 1.0, S, Z, 0, r, r + 1)

    _GPU[kind_code] = (many, one)
    return many, one


def _bench(kind: str, a: float, d: int, runs: int, seconds: float, smoke: bool, peak: float) -> dict:
    import warnings

    with warnings.catch_warnings():
        # numba's CUDA simulator runs the generator on numpy scalars, which warn on its uint64 wrap-around
        warnings.simplefilter("ignore", RuntimeWarning)
        return _bench_quiet(kind, a, d, runs, seconds, smoke, peak)


def _bench_quiet(kind: str, a: float, d: int, runs: int, seconds: float, smoke: bool, peak: float) -> dict:
    from heavytail_sim import cuda_engine
    from heavytail_sim.cuda_engine import CudaSimulation
    from ptx_flops import ptx_fp64_flops

    _noise_kernels(KINDS[kind])  # imports numba.cuda into the module global `cuda`
    sync = (lambda: None) if cuda_engine.simulator_enabled() else cuda.synchronize
    prob = quadratic(d, 1.0, 1.0 if d == 1 else 10.0)
    sched = schedules.theorem1(a, 1.0, prob.mu)
    nm = NoiseModel(kind, a)
    work = runs * d

    sim = CudaSimulation(prob, nm, Algorithm("gclip"), sched, runs, 1)
    pilot = 2 if smoke else max(16, int(2e8 / work))
    sim.advance_to(2)  # compile (or load) the kernels
    sync()
    t0 = time.perf_counter()
    sim.advance_to(2 + pilot)
    sync()
    rate0 = pilot * work / (time.perf_counter() - t0)
    steps = pilot if smoke else max(pilot, int(seconds * rate0 / work))
    t0 = time.perf_counter()
    sim.advance_to(sim.k + steps)
    sync()
    gpu = steps * work / (time.perf_counter() - t0)
    # with statistics: 10 checkpoints over the same number of steps
    t0 = time.perf_counter()
    for _ in range(10):
        sim.advance_to(sim.k + max(1, steps // 10))
        errs = sim.errors()
        summarize(errs[0])
    stats = 10 * max(1, steps // 10) * work / (time.perf_counter() - t0)
    del sim

    csim = Simulation(prob, nm, Algorithm("gclip"), sched, runs, 1)
    csim.advance_to(1)
    t0 = time.perf_counter()
    csim.advance_to(2)
    one_step = time.perf_counter() - t0
    csteps = max(1, min(steps, int(seconds / max(one_step, 1e-9))))
    t0 = time.perf_counter()
    csim.advance_to(csim.k + csteps)
    cpu = csteps * work / (time.perf_counter() - t0)
    del csim

    many, one = _noise_kernels(KINDS[kind])
    tpb = min(cuda_engine.THREADS_PER_BLOCK, runs)
    blocks = (runs + tpb - 1) // tpb
    S = cuda.to_device(np.ascontiguousarray(seed_states(1, runs).T))
    Z = cuda.device_array((d, runs))
    many[blocks, tpb](S, Z, a, 1)  # compile
    sync()
    t0 = time.perf_counter()
    many[blocks, tpb](S, Z, a, steps)
    sync()
    noise = steps * work / (time.perf_counter() - t0)

    frac, flops = math.nan, math.nan
    if not cuda_engine.simulator_enabled():
        one[blocks, tpb](S, Z, a)
        try:
            flops = ptx_fp64_flops(one.inspect_asm(one.signatures[0]))
        except Exception as exc:  # an API change must not lose the throughput numbers
            print(f"  (no PTX flop count: {type(exc).__name__}: {exc})", file=sys.stderr)
        frac = noise * flops / peak
    return {"noise": kind, "d": d, "runs": runs, "steps": steps, "gpu": gpu, "stats": stats, "cpu": cpu,
            "noise_only": noise, "flops_per_draw": flops, "peak_frac": frac}


def main_cuda(args) -> int:
    from heavytail_sim import cuda_engine
    from ptx_flops import peak_fp64_flops

    ok, desc = cuda_engine.device_status()
    if not ok or (cuda_engine.simulator_enabled() and not args.smoke):
        why = desc if not ok else "only numba's CUDA simulator is active (timings would mean nothing; --smoke)"
        print(f"bench_engine: --backend cuda: no GPU to measure: {why}", file=sys.stderr)
        return 2
    sizes = [(1, 2), (3, 3)] if args.smoke else [(d, r) for d in (1, 100) for r in (10_000, 1_000_000)]
    peak, peak_line = math.nan, ""
    if not cuda_engine.simulator_enabled():
        try:
            peak, how = peak_fp64_flops()
            peak_line = f"; FP64 peak ~{peak / 1e12:.1f} Tflop/s ({how})"
        except Exception as exc:  # device attributes differ between CUDA versions
            peak_line = f"; FP64 peak unknown ({type(exc).__name__}: {exc})"
    print(f"{desc}; numba {numba.__version__}, numpy {np.__version__}{peak_line}")
    print(f"G/s = 10^9 coordinate-steps per second; cpu = CPU engine, {numba.get_num_threads()} threads, this machine")
    print(f"{'noise':>7} {'d':>4} {'R':>8} {'K':>8} {'gpu':>8} {'stats':>8} {'cpu':>8} {'noise':>8} {'gpu/cpu':>8} "
          f"{'gpu/noise':>9} {'flop/draw':>9} {'%peak':>6}")
    for kind, a in (("pareto", 1.5), ("stable", 1.5)):
        for d, runs in sizes:
            r = _bench(kind, a, d, runs, args.seconds, args.smoke, peak)
            print(f"{kind:>7} {d:>4} {runs:>8} {r['steps']:>8} {r['gpu'] / 1e9:>8.2f} {r['stats'] / 1e9:>8.2f} "
                  f"{r['cpu'] / 1e9:>8.3f} {r['noise_only'] / 1e9:>8.2f} {r['gpu'] / r['cpu']:>8.1f} "
                  f"{r['gpu'] / r['noise_only']:>9.2f} {r['flops_per_draw']:>9.0f} {100 * r['peak_frac']:>6.1f}",
                  flush=True)
    return 0
