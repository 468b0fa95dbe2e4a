#!/usr/bin/env bash
# One prepared GPU check for a machine with an NVIDIA GPU and no network (the H100/H200 machines the project
# is lent now and then), written to finish inside 8 minutes. Every number goes to $OUT (default
# ./gpu_check_out): at most 8 files, so that all of them come back from a lent machine.
#
#   bash benchmarks/gpu_check.sh            # on the GPU machine, from the repository root
#   GPU_CHECK_SMOKE=1 bash benchmarks/gpu_check.sh   # anywhere: the same steps on numba's CUDA simulator,
#                                                    # tiny sizes (checks the script, not the GPU)
#
# Steps (each under its own time limit; a failing step is recorded and the next one runs):
#   1. env.txt        python, the packages the project needs (found or missing), nvidia-smi
#   2. cuda_tests.txt pytest tests/test_cuda_engine.py (the real-GPU equivalence tests run only with a GPU)
#   3. bench_gpu.txt  benchmarks/bench_engine.py --backend cuda: G coordinate-steps/s, share of the noise kernel
#   4. rates.txt      heavytail-sim rates --full --backend cuda with R = 10^5 runs per strongly convex cell:
#                     wall time and the fitted exponents with their CI half-widths
#   5. summary.txt    one line per step: status and seconds
# Nothing is installed from a network: the package runs from this checkout (PYTHONPATH); a missing pure-Python
# dependency can be carried as a wheel in .whl/ (see the device tool's notes) and is installed with --no-index.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
OUT=${OUT:-$ROOT/gpu_check_out}
mkdir -p "$OUT"
PY=${PYTHON:-python3}
SMOKE=${GPU_CHECK_SMOKE:-0}
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONUNBUFFERED=1
if [ "$SMOKE" = 1 ]; then
  export NUMBA_ENABLE_CUDASIM=1
fi
: > "$OUT/summary.txt"

step() {  # step NAME LIMIT_SECONDS OUTFILE COMMAND...
  local name=$1 limit=$2 file=$3
  shift 3
  local t0=$SECONDS
  timeout "$limit" "$@" > "$OUT/$file" 2>&1
  local rc=$?
  echo "$name: rc=$rc, $((SECONDS - t0)) s (limit $limit s) -> $file" | tee -a "$OUT/summary.txt"
  return $rc
}

# 1. environment
if [ -d .whl ] && ls .whl/*.whl > /dev/null 2>&1; then
  $PY -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --target /tmp/hts_site .whl/*.whl \
    && export PYTHONPATH="$PYTHONPATH:/tmp/hts_site"
fi
step env 60 env.txt $PY - <<'EOF'
import importlib, platform, subprocess, sys
print("python", sys.version.split()[0], platform.machine())
missing = []
for name in ("numpy", "scipy", "numba", "numba_cuda", "pandas", "matplotlib", "sympy", "mpmath", "tqdm", "pytest"):
    try:
        mod = importlib.import_module(name)
        print(f"{name:>12} {getattr(mod, '__version__', '?')}")
    except Exception as exc:
        print(f"{name:>12} MISSING ({type(exc).__name__})")
        if name not in ("numba_cuda", "pytest"):
            missing.append(name)
from heavytail_sim.cuda_engine import device_status
print("device:", device_status())
try:
    print(subprocess.run(["nvidia-smi", "--query-gpu=name,driver_version,memory.total,clocks.max.sm",
                          "--format=csv"], capture_output=True, text=True, timeout=20).stdout)
except Exception as exc:
    print("nvidia-smi:", type(exc).__name__)
if missing:
    sys.exit(f"missing packages: {', '.join(missing)} (carry their wheels in .whl/)")
EOF
env_rc=$?

GPU=0
$PY -c "from heavytail_sim.cuda_engine import device_status, simulator_enabled; ok, _ = device_status(); import sys; sys.exit(0 if ok and not simulator_enabled() else 1)" 2>/dev/null && GPU=1
if [ "$GPU" = 0 ] && [ "$SMOKE" != 1 ]; then
  echo "no usable CUDA GPU here (see env.txt); GPU_CHECK_SMOKE=1 runs the steps on numba's CUDA simulator" \
    | tee -a "$OUT/summary.txt"
  exit 3
fi
[ "$env_rc" = 0 ] || echo "env: packages missing, the later steps may fail" | tee -a "$OUT/summary.txt"

# 2. CUDA tests (the simulator test runs in a subprocess; on a GPU the real-GPU tests run too)
if [ "$SMOKE" = 1 ]; then
  step cuda_tests 300 cuda_tests.txt $PY -m pytest -q -p no:cacheprovider tests/test_cuda_engine.py -k simulated
else
  step cuda_tests 150 cuda_tests.txt $PY -m pytest -q -p no:cacheprovider tests/test_cuda_engine.py
fi

# 3. GPU benchmark
if [ "$SMOKE" = 1 ]; then
  step bench 120 bench_gpu.txt $PY benchmarks/bench_engine.py --backend cuda --smoke --seconds 0.1
else
  step bench 150 bench_gpu.txt $PY benchmarks/bench_engine.py --backend cuda --seconds 1.0
fi

# 4. the full rates study on the GPU at R = 10^5 runs per strongly convex cell
if [ "$SMOKE" = 1 ]; then
  RATES_SET=(--quick --set "sc_steps={1: 40, 10: 40}" --set "sc_runs={1: 4, 10: 4}" --set "decades=1.0"
             --set "parts=['sc1']" --set "noises=['gaussian']" --set "n_boot=20" --set "n_boot_local=10")
  step rates 240 rates.txt $PY -m heavytail_sim rates "${RATES_SET[@]}" --backend cuda --out "$OUT/rates_dir"
else
  step rates 300 rates.txt $PY -m heavytail_sim rates --full --backend cuda \
    --set "sc_runs={1: 100000, 10: 100000}" --set "gauss_sgd_runs={1: 100000, 10: 100000}" --out /tmp/hts_rates_gpu
fi
rates_dir=$([ "$SMOKE" = 1 ] && echo "$OUT/rates_dir" || echo /tmp/hts_rates_gpu)
if [ -f "$rates_dir/rates.csv" ]; then
  $PY - "$rates_dir/rates.csv" >> "$OUT/rates.txt" <<'EOF'
import sys
import pandas as pd
t = pd.read_csv(sys.argv[1])
t["half_width"] = (t["ci_high"] - t["ci_low"]) / 2
cols = [c for c in ("setting", "algorithm", "noise", "a", "statistic", "fitted", "ci_low", "ci_high", "half_width",
                    "theory", "verdict", "runs") if c in t.columns]
print(t[cols].to_string(index=False))
sc = t[t["setting"].astype(str).str.startswith("strongly")] if "setting" in t.columns else t
print(f"max CI half-width, strongly convex cells: {sc['half_width'].max():.4f}")
EOF
  [ "$SMOKE" = 1 ] && rm -rf "$rates_dir"
fi
echo "done: $(ls "$OUT" | tr '\n' ' ')" | tee -a "$OUT/summary.txt"
