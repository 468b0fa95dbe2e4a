"""CUDA backend (heavytail_sim.cuda_engine): the same runs, draw for draw, as the CPU engine.

CI has no GPU: the equivalence test runs the CUDA kernels on numba's CUDA simulator in a subprocess
(``NUMBA_ENABLE_CUDASIM`` must be set before numba is imported; the simulator manages ~10^3
coordinate-steps/s, hence tiny R, K and d). Where a GPU is present the same comparison also runs on it.

Run as a script (``python tests/test_cuda_engine.py OUT.npz cuda``) this file writes the trajectories of
one backend, which is how the simulator subprocess reports back.
"""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from test_engine import CONFIGS  # every update rule, oracle, noise law, projection and problem kind

from heavytail_sim import schedules
from heavytail_sim.algorithms import Algorithm
from heavytail_sim.engine import METRICS, Simulation
from heavytail_sim.errors import UsageError
from heavytail_sim.noise import NoiseModel
from heavytail_sim.problems import quadratic
from heavytail_sim.reference import simulate_reference
from heavytail_sim.runner import simulate

RUNS, SEED = 3, 5
KS = [1, 4, 11, 17]
# SGD with eta * h = 30: |x| grows ~29x a step, ||grad||^2 overflows near step 105, so every run diverges
DIVERGE = (quadratic(2), NoiseModel("gaussian"), Algorithm("sgd"), schedules.constant(30.0))
DIVERGE_KS = [1, 50, 130]
STATE = ("X", "XBAR", "M", "V", "T", "ALIVE", "S")
HERE = os.path.dirname(os.path.abspath(__file__))


def trajectories(backend: str) -> dict[str, np.ndarray]:
    """Per-run errors and state at each checkpoint of every configuration, keyed 'config/what/k'."""
    out = {}
    cases = {name: (cfg, KS) for name, cfg in CONFIGS.items()}
    cases["sgd-diverging"] = (DIVERGE, DIVERGE_KS)
    for name, ((prob, noise, alg, sched), ks) in cases.items():
        if backend == "cuda":
            from heavytail_sim.cuda_engine import CudaSimulation as Sim
        else:
            Sim = Simulation
        sim = Sim(prob, noise, alg, sched, RUNS, SEED)
        for k in ks:
            sim.advance_to(k)
            out[f"{name}/errors/{k}"] = sim.errors()
            if backend == "cuda":
                sim.sync()
            for what in STATE:
                out[f"{name}/{what}/{k}"] = np.array(getattr(sim.state, what))
    return out


def max_rel_diff(a: dict, b: dict) -> float:
    """Largest |a - b| / max(|b|, 1e-300) over all finite float entries (integer and bool entries must match)."""
    worst = 0.0
    for key, ref in b.items():
        got = a[key]
        if ref.dtype.kind in "ub":
            assert np.array_equal(got, ref), key
            continue
        assert np.array_equal(np.isfinite(got), np.isfinite(ref)), key  # same runs diverged
        fin = np.isfinite(ref)
        if fin.any():
            worst = max(worst, float(np.max(np.abs(got[fin] - ref[fin]) / np.maximum(np.abs(ref[fin]), 1e-300))))
    return worst


def _run_simulated(tmp_path) -> dict:
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1")
    out = tmp_path / "cudasim.npz"
    proc = subprocess.run([sys.executable, os.path.join(HERE, "test_cuda_engine.py"), str(out), "cuda"],
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    with np.load(out) as data:
        return {k: data[k] for k in data.files}


def test_simulated_cuda_backend_reproduces_cpu_runs(tmp_path):
    sim = _run_simulated(tmp_path)
    cpu = trajectories("cpu")
    assert sim.keys() == cpu.keys()
    # The simulator runs the shared kernels as Python on this CPU: the same IEEE double arithmetic and
    # the same libm, so agreement is expected to the last bit (observed: 0.0); 1e-12 leaves room for
    # a platform whose libm differs from the one numba links, and is still ~1e6 times tighter than any
    # error in the update rules would give over these 17 steps. Generator states must match exactly.
    assert max_rel_diff(sim, cpu) <= 1e-12
    assert not cpu["sgd-diverging/ALIVE/130"].any()  # the divergence case really diverges
    assert cpu["sgd-diverging/ALIVE/50"].all()
    # and directly against the slow numpy reference (heavytail_sim.reference), with test_engine's
    # tolerance for libm and summation-order differences
    for name, (prob, noise, alg, sched) in CONFIGS.items():
        ref = simulate_reference(prob, noise, alg, sched, runs=RUNS, steps=KS[-1], seed=SEED, checkpoints=KS)
        for q, metric in enumerate(METRICS):
            if metric not in prob.metrics:
                continue
            got = np.array([sim[f"{name}/errors/{k}"][q] for k in KS])
            np.testing.assert_allclose(got, ref[metric], rtol=1e-12, atol=1e-13, err_msg=f"{name} {metric}")


def _real_gpu() -> tuple[bool, str]:
    from heavytail_sim.cuda_engine import device_status, simulator_enabled

    ok, desc = device_status()
    return ok and not simulator_enabled(), desc


def test_gpu_backend_reproduces_cpu_runs():
    ok, desc = _real_gpu()
    if not ok:
        pytest.skip(f"no CUDA GPU in this environment ({desc}); the simulator test covers the kernels")
    gpu, cpu = trajectories("cuda"), trajectories("cpu")
    # On a GPU, libdevice's pow/log/tan and NVVM's fused multiply-adds differ from libm in the last bit
    # or two; over 17 contracting steps that stays far below 1e-9 relative (the tolerance the engine's
    # numpy-reference test uses for libm differences). Generator states still match exactly.
    assert max_rel_diff(gpu, cpu) <= 1e-9


def test_gpu_statistics_match_cpu_for_many_runs():
    ok, desc = _real_gpu()
    if not ok:
        pytest.skip(f"no CUDA GPU in this environment ({desc})")
    prob, noise, alg, sched = CONFIGS["gclip"]
    kw = dict(runs=4096, steps=300, seed=11, checkpoints=[1, 30, 300], keep_raw=True)
    g, c = simulate(prob, noise, alg, sched, backend="cuda", **kw), simulate(prob, noise, alg, sched, **kw)
    assert g.diverged == c.diverged
    for metric in c.raw:
        # same tolerance argument as above, over 300 steps of a projected (contracting) iteration
        np.testing.assert_allclose(g.raw[metric], c.raw[metric], rtol=1e-9, atol=1e-12, err_msg=metric)


def test_cuda_without_device_is_one_line_usage_error():
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_ENABLE_CUDASIM"}
    env["CUDA_VISIBLE_DEVICES"] = ""  # hides any GPU, so this test means the same everywhere
    proc = subprocess.run([sys.executable, "-m", "heavytail_sim", "simulate", "--backend", "cuda", "--runs", "2",
                           "--steps", "3", "--quiet"], env=env, capture_output=True, text=True, timeout=120)
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert proc.returncode == 2, proc.stderr
    assert len(lines) == 1 and "--backend cuda" in lines[0] and "NUMBA_ENABLE_CUDASIM" in lines[0], lines


def test_cli_runs_on_the_simulator():
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1")
    proc = subprocess.run([sys.executable, "-m", "heavytail_sim", "simulate", "--backend", "cuda", "--runs", "2",
                           "--steps", "5", "--quiet"], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "backend cuda" in proc.stdout


def test_unknown_backend_is_usage_error():
    prob, noise, alg, sched = CONFIGS["gclip"]
    with pytest.raises(UsageError, match="backend"):
        simulate(prob, noise, alg, sched, runs=2, steps=3, backend="gpu")


def test_numpy_row_stack_shim_and_message(monkeypatch):
    from heavytail_sim import cuda_engine

    monkeypatch.delattr(np, "row_stack", raising=False)
    assert cuda_engine._numpy_shim() is True and np.row_stack is np.vstack
    assert cuda_engine._numpy_shim() is False  # present now: left alone
    err = cuda_engine._compile_error(AttributeError("module 'numpy' has no attribute 'row_stack'"))
    assert isinstance(err, UsageError) and "numpy" in str(err) and "\n" not in str(err)
    other = AttributeError("something else")
    assert cuda_engine._compile_error(other) is other


def test_kernels_compile_to_ptx(monkeypatch):
    # The records (state, problem, oracle, rule, step table) are kernel arguments numba.cuda accepts, and
    # every shared piece compiles for the GPU, checked without a GPU by compiling the two kernels to PTX
    # for compute capability 9.0 (H100/H200). numba asks the current device for nested device functions,
    # so a stand-in device answers that question.
    from types import SimpleNamespace

    from heavytail_sim import cuda_engine

    cuda = cuda_engine._cuda()
    from numba.cuda.cudadrv import nvvm

    if not nvvm.is_available():
        pytest.skip("NVVM (the CUDA toolkit's compiler library) is not installed here")
    import numba.cuda.dispatcher as dispatcher
    from numba import typeof, types

    monkeypatch.setattr(dispatcher, "get_current_device", lambda: SimpleNamespace(compute_capability=(9, 0)))
    prob, noise, alg, sched = CONFIGS["adam"]
    sim = Simulation(prob, noise, alg, sched, 4, 0)
    rec = (typeof(sim.state), typeof(sim.pb), typeof(sim.oc), typeof(sim.ru))

    def advance(n, st, pb, oc, ru, tb):
        r = cuda.grid(1)
        if r < st.X.shape[1]:
            cuda_engine.step_block(n, st, pb, oc, ru, tb, r, r + 1)

    def errors(k, st, pb, out):
        r = cuda.grid(1)
        if r < st.X.shape[1]:
            cuda_engine.errors_block(k, st, pb, out, r, r + 1)

    ptx, _ = cuda.compile_ptx(advance, (types.int64, *rec, typeof(sim.table)), cc=(9, 0))
    assert ".target sm_90" in ptx and ".entry" in ptx
    ptx, _ = cuda.compile_ptx(errors, (types.float64, rec[0], rec[1], typeof(sim.table)), cc=(9, 0))
    assert ".entry" in ptx


if __name__ == "__main__":
    data = trajectories(sys.argv[2])
    np.savez(sys.argv[1], **data)
