"""GPU backend of the engine: the same kernels on ``numba.cuda``, one CUDA thread per run.

Written once and shared with the CPU engine (:mod:`heavytail_sim.engine`): ``engine.step_block`` (every
problem, oracle and update rule, the divergence test and trackers) and ``engine.errors_block`` take a
range of lanes lo..hi-1; the CPU runs blocks of lanes under ``prange``, the kernels below call them from
thread r with the single lane r. numba.cuda compiles the CPU dispatchers they call as device functions
of the same Python source. Records (problem, oracle, rule, state) are namedtuples of arrays and scalars,
which numba.cuda accepts as kernel arguments (flattened).

* Seeding: run r's xoroshiro128+ state is column r of the CPU engine's state, so every run draws the
  same numbers on both backends.
* The step table (eta_k, tau_k, corrections, averaging weight, noise profile) is filled on the host by
  ``engine.fill_step_table`` and copied to the device, so these numbers are bit-identical too.
* State is coordinate-major (d, R): thread r's access ``X[i, r]`` coalesces across a warp.
* The host reduces per-run errors with ``statistics.summarize``, exactly as for the CPU.

Expected differences from the CPU: libdevice's special functions and NVVM's fused multiply-adds round
differently in the last bits, so trajectories agree to floating-point accuracy, not bitwise. Under
``NUMBA_ENABLE_CUDASIM=1`` (numba's CUDA simulator, set before numba is imported) the kernels run as
Python on the CPU, for tiny correctness tests only; there the shared functions run as plain Python with
every ``njit`` helper replaced by its Python source (:func:`as_python`): called from Python, a compiled
helper would hand its uint64 generator state back as a Python int, which numba then retypes as int64.
"""
from __future__ import annotations

import math
import types
import warnings

import numpy as np
from numba.core.dispatcher import Dispatcher

from .engine import METRICS, Simulation, errors_block, step_block
from .errors import UsageError

THREADS_PER_BLOCK = 128


def simulator_enabled() -> bool:
    """True when numba's CUDA simulator is switched on (``NUMBA_ENABLE_CUDASIM=1`` when numba was imported)."""
    from numba.core import config

    return bool(config.ENABLE_CUDASIM)


def _numpy_shim() -> bool:
    """Alias ``np.row_stack`` to ``np.vstack`` (its documented equivalent) when numpy lacks it.

    Needed by numba's CUDA target up to at least numba-cuda 0.30.4 / numba 0.68, which still call
    ``np.row_stack`` when compiling kernels, with numpy >= 2.5, which removed it (NOTES-numba.md, H100
    section: kernels fail to compile with ``AttributeError``). Called only by :func:`_cuda`, i.e. where the
    CUDA module is loaded; with numpy < 2.5 it changes nothing. Returns True when the alias was installed."""
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
# what the kernels call for a lane: the engine's shared functions on a GPU, their plain-Python rebuilds
# under the simulator (module globals, looked up when a kernel is compiled or, simulated, run)
_step = step_block
_errors = errors_block


def kernels():
    """(advance, errors) CUDA kernels, compiled lazily on first launch."""
    global _step, _errors
    if not _KERNELS:
        _cuda()
        if simulator_enabled():
            _step, _errors = as_python(step_block), as_python(errors_block)

        @cuda.jit
        def advance(n, st, pb, oc, ru, tb):
            r = cuda.grid(1)
            if r < st.X.shape[1]:
                _step(n, st, pb, oc, ru, tb, r, r + 1)

        @cuda.jit
        def errors(k, st, pb, out):
            r = cuda.grid(1)
            if r < st.X.shape[1]:
                _errors(k, st, pb, out, r, r + 1)

        _KERNELS["advance"], _KERNELS["errors"] = advance, errors
    return _KERNELS["advance"], _KERNELS["errors"]


def _compile_error(exc: Exception) -> Exception:
    """A one-line UsageError for the known numba-cuda / numpy incompatibility, else ``exc`` itself."""
    if "row_stack" in str(exc):
        import numba

        return UsageError(f"--backend cuda: this numba.cuda (numba {numba.__version__}) calls numpy.row_stack, "
                          f"which numpy {np.__version__} removed; install numpy<2.5")
    return exc


def _to_device(record):
    """A namedtuple record with every array copied to the device."""
    return type(record)(*(cuda.to_device(np.ascontiguousarray(v)) if isinstance(v, np.ndarray) else v
                          for v in record))


class CudaSimulation(Simulation):
    """:class:`heavytail_sim.engine.Simulation` whose runs live in GPU memory.

    The host state arrays keep the initial state until :meth:`sync` copies the device state back.
    """

    def __init__(self, *args, **kwargs):
        require_device()  # before allocating anything: a one-line error without a GPU
        super().__init__(*args, **kwargs)
        R = self.runs
        needed = sum(a.nbytes for a in self.state)
        if not simulator_enabled():
            free, _total = cuda.current_context().get_memory_info()
            if needed > free:
                raise UsageError(f"--backend cuda: {R} runs in dimension {self.problem.dim} need "
                                 f"{needed / 2**30:.1f} GiB of device memory, {free / 2**30:.1f} GiB free; "
                                 "use fewer runs")
        self.dstate = _to_device(self.state)
        self.dpb, self.doc, self.dru = _to_device(self.pb), _to_device(self.oc), _to_device(self.ru)
        self.dtable = cuda.device_array(self.table.shape, dtype=np.float64)
        self.dout = cuda.device_array((len(METRICS), R), dtype=np.float64)
        self.tpb = min(THREADS_PER_BLOCK, R)
        self.blocks = (R + self.tpb - 1) // self.tpb

    def _launch(self, kernel, *args):
        try:
            with warnings.catch_warnings():
                if simulator_enabled():  # numpy scalars warn on the uint64 wrap-around xoroshiro relies on
                    warnings.simplefilter("ignore", RuntimeWarning)
                kernel[self.blocks, self.tpb](*args)
        except AttributeError as exc:
            raise _compile_error(exc) from exc

    def _advance(self, n: int, table: np.ndarray) -> None:
        advance, _ = kernels()
        # a copy on the default stream waits for the previous launch, which still reads the table
        self.dtable.copy_to_device(table)
        self._launch(advance, n, self.dstate, self.dpb, self.doc, self.dru, self.dtable)

    def errors(self) -> np.ndarray:
        _, errors = kernels()
        self._launch(errors, float(max(self.k, 1)), self.dstate, self.dpb, self.dout)
        return self.dout.copy_to_host()

    @property
    def alive(self) -> np.ndarray:
        return self.dstate.ALIVE.copy_to_host()

    def sync(self) -> None:
        """Copy the device state into the host arrays."""
        for host, dev in zip(self.state, self.dstate):
            host[...] = dev.copy_to_host()

    def iterates(self) -> np.ndarray:
        return self.dstate.X.copy_to_host().T.copy()
