"""Lane-loop throughput of :mod:`heavytail_sim.vecmath` against scalar libm, and whether LLVM vectorised it.

For each function, one ``@njit(error_model="numpy")`` loop over an array applies it and a twin loop applies
the ``math`` function (a scalar libm call); the script prints ns per element, the speed-up, and which
vector types the loop's optimised LLVM IR contains (``<4 x double>``: AVX2 width, ``<8 x double>``:
AVX-512 width). Two composite rows draw whole noise values from raw uint64 bits, as the engine does:
a symmetric Pareto value (two uniforms, one pow) and a Chambers-Mallows-Stuck alpha-stable value.

Usage::

    .venv/bin/python benchmarks/bench_vecmath.py            # host CPU (AVX-512 where present)
    NUMBA_CPU_NAME=haswell NUMBA_CPU_FEATURES= .venv/bin/python benchmarks/bench_vecmath.py   # AVX2 only

``NUMBA_CPU_NAME`` alone keeps the host's feature flags (numba reads ``NUMBA_CPU_FEATURES`` or asks the
host), so an AVX-512 host still emits AVX-512 code; the empty ``NUMBA_CPU_FEATURES`` makes LLVM take the
named CPU's own feature set.
"""
from __future__ import annotations

import math
import os
import re
import time

import numpy as np
from numba import config, njit

from heavytail_sim import vecmath as vm

N = 4096  # lanes per call: a block of runs, as the engine advances them
_INV_2_53 = 1.0 / 9007199254740992.0
_U12 = np.uint64(12)


def _unary_loop(fn):
    @njit(error_model="numpy")
    def loop(x, out):
        for i in range(x.shape[0]):
            out[i] = fn(x[i])
    return loop


def _binary_loop(fn):
    @njit(error_model="numpy")
    def loop(x, y, out):
        for i in range(x.shape[0]):
            out[i] = fn(x[i], y[i])
    return loop


@njit(inline="always", error_model="numpy")
def _libm_pow(x, y):
    return x ** y


@njit(inline="always", error_model="numpy")
def _plain_pow(x, y):
    """exp(y log x) without vpow's extra-precision logarithm: cheaper, error ~ |y log x| ulp.

    Inlined like the vecmath functions: LLVM does not inline a function this size by itself, and a call
    in the loop body keeps the loop scalar.
    """
    return vm.vexp(y * vm.vlog(x))


@njit(inline="always", error_model="numpy")
def _libm_sincos(x):
    return math.sin(x), math.cos(x)


def _pair_loop(fn):
    @njit(error_model="numpy")
    def loop(x, out):
        for i in range(x.shape[0]):
            s, c = fn(x[i])
            out[i] = s + c
    return loop


@njit(inline="always", error_model="numpy")
def _libm_uniform(bits):
    return (np.float64(bits >> _U12) + 0.5) * 2.0 ** -52


def _pareto_loop(uniform, power):
    """Symmetric Lomax draw from two words of bits: sign * (u**(-1/a) - 1), as heavytail_sim.noise does."""
    @njit(error_model="numpy")
    def loop(b1, b2, ia, out):
        for i in range(b1.shape[0]):
            y = power(uniform(b1[i]), -ia) - 1.0
            out[i] = y if uniform(b2[i]) < 0.5 else -y
    return loop


def _stable_loop(uniform, log, sin, cos, power):
    """Chambers-Mallows-Stuck symmetric alpha-stable draw from two words of bits (alpha != 1)."""
    @njit(error_model="numpy")
    def loop(b1, b2, a, out):
        ia = 1.0 / a
        for i in range(b1.shape[0]):
            v = math.pi * (uniform(b1[i]) - 0.5)
            w = -log(uniform(b2[i]))
            out[i] = sin(a * v) / power(cos(v), ia) * power(cos((1.0 - a) * v) / w, ia - 1.0)
    return loop


def _time_ns(kernel, args, n_elems, target_s=0.2):
    """Median ns per element over 7 timed batches (each ~target_s / 7 long)."""
    kernel(*args)  # compile
    t0 = time.perf_counter()
    kernel(*args)
    per_call = max(time.perf_counter() - t0, 1e-7)
    reps = max(1, int(target_s / 7 / per_call))
    samples = []
    for _ in range(7):
        t0 = time.perf_counter()
        for _ in range(reps):
            kernel(*args)
        samples.append((time.perf_counter() - t0) / reps / n_elems * 1e9)
    return float(np.median(samples))


_MATH_CALL = re.compile(r"call [^@]*@\"?((?:llvm\.)?(?:log|exp|pow|sin|cos|tan)[\w.]*)")


def _code_summary(kernel) -> str:
    """Vector types in the optimised IR, libm calls left in it, and the widest registers in the assembly.

    LLVM also "vectorises" a loop around ``math.log`` into ``@llvm.log.v8f64``, but that intrinsic is
    expanded into one scalar libm call per lane, so vector types alone do not mean SIMD arithmetic.
    """
    ir = "".join(kernel.inspect_llvm().values())
    asm = "".join(kernel.inspect_asm().values())
    widths = sorted({int(w) for w in re.findall(r"<(\d+) x double>", ir)})
    vec = ",".join(f"<{w}xdouble>" for w in widths) if widths else "scalar"
    calls = sorted(set(_MATH_CALL.findall(ir)))
    regs = "zmm" if "%zmm" in asm else ("ymm" if "%ymm" in asm else "xmm")
    return f"{vec} {regs}, libm: {' '.join(calls) if calls else 'none'}"


def _cpu_report() -> str:
    flags = set()
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    break
    except OSError:
        pass
    isa = "avx512f" if "avx512f" in flags else ("avx2" if "avx2" in flags else "no avx2")
    target = config.CPU_NAME or "host"
    feats = "host" if config.CPU_FEATURES is None else (config.CPU_FEATURES or "the CPU name's own")
    return (f"CPU flags: {isa} (widest double vector {8 if isa == 'avx512f' else 4}); numba target CPU: "
            f"{target}, features: {feats}")


def main() -> None:
    rng = np.random.default_rng(0)
    u = (rng.integers(0, 2**53, N, dtype=np.uint64) + 0.5) * _INV_2_53  # uniforms, as the samplers see them
    xe = rng.uniform(-50.0, 50.0, N)
    ang = rng.uniform(-math.pi / 2, math.pi / 2, N)
    ypow = -1.0 / rng.uniform(0.5, 2.0, N)
    bits1 = rng.integers(0, 2**64 - 1, N, dtype=np.uint64, endpoint=True)
    bits2 = rng.integers(0, 2**64 - 1, N, dtype=np.uint64, endpoint=True)
    out = np.empty(N)

    rows = [
        ("log(u)", _unary_loop(vm.vlog), _unary_loop(math.log), (u, out)),
        ("exp(x), x in [-50, 50]", _unary_loop(vm.vexp), _unary_loop(math.exp), (xe, out)),
        ("pow(u, -1/a)", _binary_loop(vm.vpow), _binary_loop(_libm_pow), (u, ypow, out)),
        ("  same as vexp(y vlog(u)), less exact", _binary_loop(_plain_pow), _binary_loop(_libm_pow),
         (u, ypow, out)),
        ("sin(v), |v| < pi/2", _unary_loop(vm.vsin), _unary_loop(math.sin), (ang, out)),
        ("cos(v)", _unary_loop(vm.vcos), _unary_loop(math.cos), (ang, out)),
        ("sincos(v) (sum of both)", _pair_loop(vm.vsincos), _pair_loop(_libm_sincos), (ang, out)),
        ("tan(v)", _unary_loop(vm.vtan), _unary_loop(math.tan), (ang, out)),
        ("uniform(bits)", _unary_loop(vm.uniform), _unary_loop(_libm_uniform), (bits1, out)),
        ("Pareto draw from bits", _pareto_loop(vm.uniform, vm.vpow),
         _pareto_loop(_libm_uniform, _libm_pow), (bits1, bits2, 1.0 / 1.5, out)),
        ("alpha-stable (CMS) draw, a=1.5", _stable_loop(vm.uniform, vm.vlog, vm.vsin, vm.vcos, vm.vpow),
         _stable_loop(_libm_uniform, math.log, math.sin, math.cos, _libm_pow), (bits1, bits2, 1.5, out)),
    ]
    print(_cpu_report())
    print(f"{N} lanes per call, 1 thread; ns per element (median of 7 batches)")
    print(f"{'function':38s} {'libm':>8s} {'vecmath':>8s} {'speed-up':>9s}  "
          "vecmath loop: IR types, registers, libm calls | libm loop")
    for name, fast, slow, args in rows:
        t_fast = _time_ns(fast, args, N)
        t_slow = _time_ns(slow, args, N)
        print(f"{name:38s} {t_slow:8.2f} {t_fast:8.2f} {t_slow / t_fast:8.2f}x  "
              f"{_code_summary(fast)} | {_code_summary(slow)}")
    if os.environ.get("NUMBA_CPU_NAME") and config.CPU_FEATURES is None:
        print("note: NUMBA_CPU_NAME without NUMBA_CPU_FEATURES keeps the host's features (see module docstring)")


if __name__ == "__main__":
    main()
