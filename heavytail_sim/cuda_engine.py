"""GPU backend of the engine: the same kernels on ``numba.cuda``, one CUDA thread per run.

What is shared with the CPU engine (:mod:`heavytail_sim.engine`), written once:

* ``engine.step_block`` (every update rule, the noise draws, projections, divergence test),
  ``engine.run_errors`` (one run's checkpoint errors) and ``engine.fill_schedule`` (eta_k, tau_k, Adam's
  bias corrections, averaging weight) are ``numba.extending.register_jitable`` functions: the CPU
  engine calls them from ``njit`` code, the kernels below from CUDA, where numba compiles them as
  device functions.
* The scalar helpers they call (``rng.xoro_uniform``, ``noise.draw_local``, ``problems.coord_grad``,
  ``clipping.gclip_factor``, ``schedules.eta_at`` ...) stay ``@njit(inline="always")`` functions;
  numba.cuda compiles a CPU dispatcher called from device code as a device function of the same Python
  source (``CUDATypingContext.resolve_value_type`` in numba and numba-cuda; upstream test
  ``test_cpu_dispatcher``). Measured alternatives: ``register_jitable(inline="always")`` helpers fail to
  compile in numba-cuda 0.30.4 when one inlined helper calls another (their arguments type as
  ``omitted``), and ``register_jitable`` without inlining cost ~13% of the CPU engine's throughput.
* Seeding: run r's xoroshiro128+ state is row r of ``rng.seed_states(seed, R)``, the generator is
  ``rng.xoro_uniform`` on both backends, so every run draws the same numbers on CPU and GPU.
* The schedule buffer is filled on the host by ``engine.schedule_block`` (the CPU's ``pow``) and copied
  to the device, so eta_k and tau_k are bit-identical on both backends.
* The host reduces per-run errors with ``engine.summarize``, exactly as for the CPU.

This module adds only the two kernels (thread r calls ``step_block`` / ``run_errors`` for run r), the
device copies of the state and the checks. Per-run state lives on the device in Fortran order, shape
(R, d) with runs contiguous, so thread r's access ``x[r, i]`` coalesces across a warp; the noise scratch
is a per-run row of such an array in global memory (no per-thread allocation on the device).

Expected differences from the CPU: libdevice's pow/log/sin/cos and NVVM's fused multiply-adds round
differently from the CPU's libm in the last bits, so trajectories agree to floating-point accuracy,
not bitwise. Under ``NUMBA_ENABLE_CUDASIM=1`` (numba's CUDA simulator, which must be set before numba
is imported) the kernels run as Python on the CPU, for tiny correctness tests only (~10^3
coordinate-steps/s). There the shared functions run as plain Python with every ``njit`` helper replaced
by its Python source (:func:`as_python`): called from Python, a compiled helper would hand its uint64
generator state back as a Python int, which numba then retypes as int64 and the stream goes wrong.
"""
from __future__ import annotations

import math
import types
import warnings

import numpy as np
from numba.core.dispatcher import Dispatcher

from .engine import run_errors, schedule_block, step_block
from .errors import UsageError

THREADS_PER_BLOCK = 128
SCHEDULE_BLOCK = 4096  # steps per launch: amortises the launch and the schedule copy


def simulator_enabled() -> bool:
    """True when numba's CUDA simulator is switched on (``NUMBA_ENABLE_CUDASIM=1`` when numba was imported)."""
    from numba.core import config

    return bool(config.ENABLE_CUDASIM)


def _numpy_shim() -> bool:
    """numba-cuda 0.30.4 still calls ``np.row_stack``, which numpy 2.5 removed (NOTES-numba.md, H100
    section: kernels fail to compile with ``AttributeError``); alias it to ``np.vstack``, its documented
    equivalent. Returns True when the alias was installed."""
    if hasattr(np, "row_stack"):
        return False
    np.row_stack = np.vstack
    return True


cuda = None  # numba.cuda once imported; a module global, as the simulator swaps it inside kernels


def _cuda():
    """``numba.cuda``, imported on first use (importing it is slow and needs no GPU)."""
    global cuda
    if cuda is None:
        _numpy_shim()
        try:
            from numba import cuda as mod
        except Exception as exc:  # a broken CUDA install must not break the CPU engine
            raise UsageError(f"--backend cuda: importing numba.cuda failed ({type(exc).__name__}: {exc})") from exc
        cuda = mod
    return cuda


def device_status() -> tuple[bool, str]:
    """(usable, one-line description) of the CUDA device numba sees; never raises."""
    try:
        _cuda()
        if simulator_enabled():
            return True, "numba CUDA simulator (NUMBA_ENABLE_CUDASIM=1): correctness only, not speed"
        if not cuda.is_available():
            return False, "no CUDA GPU or driver found (numba.cuda.is_available() is False)"
        dev = cuda.get_current_device()
        name = dev.name.decode() if isinstance(dev.name, bytes) else str(dev.name)
        return True, f"{name}, compute capability {dev.compute_capability[0]}.{dev.compute_capability[1]}"
    except Exception as exc:
        return False, f"CUDA unusable ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})"


def require_device() -> str:
    """The device description; ``UsageError`` (one line) when no CUDA device is usable."""
    ok, desc = device_status()
    if not ok:
        raise UsageError(f"--backend cuda: {desc}; use --backend cpu, or set NUMBA_ENABLE_CUDASIM=1 "
                         "to run on numba's CUDA simulator")
    return desc


class _IEEEMath:
    """``math`` for code run as Python in the simulator: nan where ``math`` raises (cos(inf)), as compiled
    code gives, so that a diverging run is frozen and counted instead of crashing the simulation."""

    def __getattr__(self, name):
        f = getattr(math, name)
        if not callable(f):
            return f

        def ieee(*args):
            try:
                return f(*args)
            except ValueError:
                return math.nan
        return ieee


def as_python(fn, _memo=None):
    """``fn`` (a plain or ``njit`` function) rebuilt to run as plain Python, every numba dispatcher and
    package function it calls (recursively) replaced in the same way; used under the CUDA simulator."""
    memo = {} if _memo is None else _memo
    if isinstance(fn, Dispatcher):
        fn = fn.py_func
    if fn in memo:
        return memo[fn]
    glb = dict(fn.__globals__)
    new = types.FunctionType(fn.__code__, glb, fn.__name__, fn.__defaults__, fn.__closure__)
    memo[fn] = new
    for name in fn.__code__.co_names:
        obj = glb.get(name)
        if isinstance(obj, Dispatcher) or (isinstance(obj, types.FunctionType)
                                           and obj.__module__.startswith("heavytail_sim")):
            glb[name] = as_python(obj, memo)
        elif obj is math:
            glb[name] = _IEEEMath()
    return new


_KERNELS = {}
# what the kernels call for one run: the engine's shared functions on a GPU, their plain-Python rebuilds
# under the simulator (module globals, looked up when a kernel is compiled or, simulated, run)
_step = step_block
_run_errors = run_errors


def kernels():
    """(advance, errors) CUDA kernels, compiled lazily on first launch."""
    global _step, _run_errors
    if not _KERNELS:
        _cuda()
        if simulator_enabled():
            _step, _run_errors = as_python(step_block), as_python(run_errors)

        @cuda.jit
        def advance(k, n, x, xbar, m, v, rng, alive, gsum,
                    pkind, h, xs, pc, pw, proj, lo, hi, center, radius,
                    nkind, na, nia, ns, alg, b1, b2, eps, aca, avg, tau_vec, sbuf, zbuf):
            r = cuda.grid(1)
            if r < x.shape[0] and alive[r]:
                alive[r] = _step(r, k + 1, n, x, xbar, m, v, rng, gsum,
                                      pkind, h, xs, pc, pw, proj, lo, hi, center, radius,
                                      nkind, na, nia, ns, alg, b1, b2, eps, aca, avg, tau_vec, sbuf, zbuf[r])

        @cuda.jit
        def errors(k, x, xbar, alive, gsum, pkind, h, xs, pc, pw, out):
            r = cuda.grid(1)
            if r < x.shape[0]:
                _run_errors(r, k, x, xbar, alive, gsum, pkind, h, xs, pc, pw, out)

        _KERNELS["advance"], _KERNELS["errors"] = advance, errors
    return _KERNELS["advance"], _KERNELS["errors"]


def _compile_error(exc: Exception) -> Exception:
    """A one-line UsageError for the known numba-cuda / numpy incompatibility, else ``exc`` itself."""
    if "row_stack" in str(exc):
        import numba

        return UsageError(f"--backend cuda: this numba.cuda (numba {numba.__version__}) calls numpy.row_stack, "
                          f"which numpy {np.__version__} removed; install numpy<2.5")
    return exc


def device_bytes(runs: int, d: int, second_moment: bool) -> int:
    """Device memory the state of ``runs`` runs needs, in bytes (x, xbar, m, noise scratch, v, rng ...)."""
    per_run = 8 * d * (5 if second_moment else 4) + 16 + 8 + 1 + 4 * 8
    return runs * per_run + 8 * 5 * SCHEDULE_BLOCK


class DeviceRuns:
    """The state of a :class:`heavytail_sim.engine.Simulation`'s runs in device memory.

    Created from the simulation's host arrays (initial state); :meth:`advance` and :meth:`errors` mirror
    the CPU engine's ``_advance`` and ``_errors``; :meth:`to_host` copies the state back.
    """

    def __init__(self, sim):
        _cuda()
        R, d = sim.x.shape
        self.runs = R
        needed = device_bytes(R, d, sim.v.shape[0] == R)
        if not simulator_enabled():
            free, _total = cuda.current_context().get_memory_info()
            if needed > free:
                raise UsageError(f"--backend cuda: {R} runs in dimension {d} need {needed / 2**30:.1f} GiB of "
                                 f"device memory, {free / 2**30:.1f} GiB free; use fewer runs")

        def dev(a):
            return cuda.to_device(np.asfortranarray(a)) if isinstance(a, np.ndarray) else a

        self.x, self.xbar, self.m, self.v = (dev(a) for a in (sim.x, sim.xbar, sim.m, sim.v))
        self.rng, self.alive, self.gsum = dev(sim.rng), dev(sim.alive), dev(sim.gsum)
        self.zbuf = cuda.device_array((R, d), dtype=np.float64, order="F")
        self.pargs = tuple(dev(a) for a in sim._pargs)
        self.nargs = tuple(dev(a) for a in sim._nargs)
        self.aargs = sim._aargs
        self.tau_vec = dev(sim._targs[0])
        self.sched_args = sim._targs[1:]  # e0, es, ep, t0, ts, tp
        self.sched_host = np.empty((5, SCHEDULE_BLOCK))
        self.sched_dev = cuda.device_array((5, SCHEDULE_BLOCK), dtype=np.float64)
        self.out = cuda.device_array((4, R), dtype=np.float64)
        self.tpb = min(THREADS_PER_BLOCK, R)
        self.blocks = (R + self.tpb - 1) // self.tpb

    def advance(self, k_done: int, k_target: int) -> None:
        """Advance every live run from step k_done to k_target (same blocks of steps as the CPU)."""
        advance, _ = kernels()
        _alg, b1, b2, _eps, _aca, avg = self.aargs
        k = k_done
        while k < k_target:
            n = min(SCHEDULE_BLOCK, k_target - k)
            schedule_block(k, n, b1, b2, avg, *self.sched_args, self.sched_host)
            # a copy on the default stream waits for the previous launch, which still reads sched_dev
            self.sched_dev.copy_to_device(self.sched_host)
            try:
                with warnings.catch_warnings():
                    if simulator_enabled():  # numpy scalars warn on the uint64 wrap-around xoroshiro relies on
                        warnings.simplefilter("ignore", RuntimeWarning)
                    advance[self.blocks, self.tpb](k, n, self.x, self.xbar, self.m, self.v, self.rng, self.alive,
                                                   self.gsum, *self.pargs, *self.nargs, *self.aargs, self.tau_vec,
                                                   self.sched_dev, self.zbuf)
            except AttributeError as exc:
                raise _compile_error(exc) from exc
            k += n

    def errors(self, k: int) -> np.ndarray:
        """Per-run errors after k steps, shape (4, R) on the host, in ``engine.METRICS`` order."""
        _, errors = kernels()
        pk, h, xs, pc, pw = self.pargs[:5]
        try:
            with warnings.catch_warnings():
                if simulator_enabled():  # overflow of diverged runs' errors to inf, as on the device
                    warnings.simplefilter("ignore", RuntimeWarning)
                errors[self.blocks, self.tpb](k, self.x, self.xbar, self.alive, self.gsum, pk, h, xs, pc, pw,
                                              self.out)
        except AttributeError as exc:
            raise _compile_error(exc) from exc
        return self.out.copy_to_host()

    def alive_host(self) -> np.ndarray:
        return self.alive.copy_to_host()

    def to_host(self, sim) -> None:
        """Copy the device state into the simulation's host arrays (C order, as the CPU engine keeps them)."""
        for name in ("x", "xbar", "m", "v", "rng", "alive", "gsum"):
            getattr(sim, name)[...] = getattr(self, name).copy_to_host()


def peak_fp64_flops() -> tuple[float, str]:
    """Estimated FP64 peak of the current device in flop/s (non-tensor): SMs x FP64 FMA lanes x 2 x clock.

    FP64 lanes per SM by compute capability are NVIDIA's published figures (data-centre parts: 32 for
    6.0/7.0/8.0, 64 for 9.0/10.0; 2 for consumer parts). Returns (flop/s, how it was computed).
    """
    dev = _cuda().get_current_device()
    cc = tuple(dev.compute_capability)
    lanes = {(6, 0): 32, (7, 0): 32, (8, 0): 32, (9, 0): 64, (10, 0): 64}.get(cc, 2)
    sms = dev.MULTIPROCESSOR_COUNT
    clock_hz = dev.CLOCK_RATE * 1e3  # CLOCK_RATE is in kHz
    return sms * lanes * 2 * clock_hz, f"{sms} SMs x {lanes} FP64 lanes x 2 x {clock_hz / 1e9:.2f} GHz"


def ptx_fp64_flops(ptx: str, skip: tuple = ("slowpath",)) -> int:
    """Static count of FP64 arithmetic (add, sub, mul, div, rcp, sqrt; fma = 2; sign and abs modifiers
    are free) of the kernel in a PTX module: its own
    instructions plus, for every call site, the count of the callee (recursively). Functions whose name
    contains a ``skip`` word (libdevice's rarely taken slow paths, e.g. huge-argument trig reduction)
    count 0. An estimate of the flops per draw when the kernel draws one value: rarely taken special-case
    branches inside libdevice functions are counted as if taken."""
    import re

    header = re.compile(r"\s*(?:\.visible\s+|\.weak\s+)?\.(entry|func)\b(?:\s*\([^)]*\))?\s*(\w+)")
    flop = re.compile(r"\s*(?:@!?%p\d+\s+)?(add|sub|mul|div|fma|rcp|sqrt|rsqrt)\.\S*f64\b")
    own, callees, entries = {}, {}, []
    cur, expect_callee = None, False
    for line in ptx.splitlines():
        mh = header.match(line)
        if mh:
            cur = mh.group(2)
            own.setdefault(cur, 0)
            callees.setdefault(cur, [])
            if mh.group(1) == "entry":
                entries.append(cur)
            continue
        if expect_callee and line.strip():
            callees.setdefault(cur, []).append(line.strip().rstrip(",").strip())
            expect_callee = False
            continue
        if re.match(r"\s*(?:@!?%p\d+\s+)?call(\.uni)?\b", line):
            expect_callee = True  # the callee's name is on the next line
            continue
        mf = flop.match(line)
        if mf:
            own[cur] = own.get(cur, 0) + (2 if mf.group(1) == "fma" else 1)

    def total(name, depth=0):
        if any(w in name for w in skip) or depth > 50:
            return 0
        return own.get(name, 0) + sum(total(c, depth + 1) for c in callees.get(name, []))

    roots = entries or list(own)
    return sum(total(name) for name in roots)
