"""benchmarks/bench_engine.py runs end to end at tiny sizes (its numbers are not checked here: speed targets
live in the benchmark's own printed ratios, never in timed tests)."""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks" / "bench_engine.py"


def _bench(*args):
    proc = subprocess.run([sys.executable, str(BENCH), "--runs", "16", "--seconds", "0.01", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def test_engine_table_has_every_column_and_consistent_ratios():
    out = _bench("--dims", "1", "--algorithms", "gclip")
    # the vector width is read from the compiled code of a probe loop
    assert re.search(r"LLVM target \S+, (AVX-512 \(8|AVX2 \(4|SSE2 \(2) doubles\)", out), out
    row = re.search(r"^\s*pareto\s+gclip\s+1\s+16\s+(\d+)" + r"\s+([\d.]+)" * 7 + r"\s*$", out, re.M)
    assert row, out
    a, b, c, d, ab, ad, ca = map(float, row.groups()[1:])
    assert min(a, b, c, d) > 0
    # the ratios are those of the printed rates, up to the table's rounding: rates to 0.05 (relative error
    # 0.05/rate each), ratios to 0.005
    for ratio, num, den in ((ab, a, b), (ad, a, d), (ca, c, a)):
        assert abs(ratio - num / den) <= num / den * (0.05 / num + 0.05 / den) + 0.005, out


def test_chain_rates_at_both_lengths():
    out = _bench("--chain")
    rows = re.findall(r"^\s*(100|1000)\s+16\s+\d+\s+([\d.]+)\s*$", out, re.M)
    assert [t for t, _ in rows] == ["100", "1000"] and all(float(r) > 0 for _, r in rows), out
