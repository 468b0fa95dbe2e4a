"""benchmarks/gpu_check.sh, the prepared GPU check: its path without a GPU, and all its steps on numba's
CUDA simulator (tiny sizes: this checks the script, its commands and its outputs, not a GPU)."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "gpu_check.sh"


def _run(tmp_path, **env):
    full = {k: v for k, v in os.environ.items() if k not in ("NUMBA_ENABLE_CUDASIM", "GPU_CHECK_SMOKE")}
    full.update(OUT=str(tmp_path / "out"), PYTHON=sys.executable, CUDA_VISIBLE_DEVICES="", **env)
    return subprocess.run(["bash", str(SCRIPT)], cwd=tmp_path, env=full, capture_output=True, text=True, timeout=600)


def test_without_a_gpu_it_reports_the_environment_and_stops(tmp_path):
    proc = _run(tmp_path)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == ["env.txt", "summary.txt"]
    env = (out / "env.txt").read_text()
    for pkg in ("numpy", "scipy", "numba", "pandas", "matplotlib", "tqdm"):
        assert pkg in env
    assert "no usable CUDA GPU" in (out / "summary.txt").read_text()


def test_every_step_runs_on_the_simulator(tmp_path):
    proc = _run(tmp_path, GPU_CHECK_SMOKE="1")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = tmp_path / "out"
    files = sorted(p.name for p in out.iterdir())
    assert files == ["bench_gpu.txt", "cuda_tests.txt", "env.txt", "rates.txt", "summary.txt"]
    assert len(files) <= 8  # what comes back from a lent machine
    summary = (out / "summary.txt").read_text()
    assert all(f"{step}: rc=0" in summary for step in ("env", "cuda_tests", "bench", "rates")), summary
    assert "1 passed" in (out / "cuda_tests.txt").read_text()
    assert "G/s" in (out / "bench_gpu.txt").read_text()
    rates = (out / "rates.txt").read_text()
    assert "max CI half-width, strongly convex cells" in rates and "gaussian" in rates
