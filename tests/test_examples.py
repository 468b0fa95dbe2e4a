"""Every script of ``examples/`` runs (``--small``, as CI can afford) and shows what it says it shows.

Each example is run in a fresh interpreter, as a user runs it, with its figures going to a temporary
directory. Beyond the exit status, each test reads what the example printed and checks the claim the
example makes (the numbers are deterministic: every example fixes its seeds).
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
NUMBER = r"-?\d+\.\d+"


def run_example(name: str, out: Path) -> str:
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / name), "--small", "--out", str(out)],
                          cwd=out, capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=str(ROOT)))
    assert proc.returncode == 0, f"{name} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def assert_png(path: Path) -> None:
    assert path.is_file(), path
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE and len(data) > 10_000, f"{path} is not a drawn PNG"


def test_every_example_is_tested():
    tested = {name for name in CHECKS}
    assert {p.name for p in EXAMPLES} == tested, "an example without a test below, or a test without its example"


def check_custom_schedule(out: str, tmp: Path) -> None:
    rows = re.findall(rf"^\s*({NUMBER})\s+({NUMBER}) \[\s*({NUMBER}),\s*({NUMBER})\]\s+({NUMBER})\s+({NUMBER})$", out, re.M)
    assert len(rows) == 7, out
    for p, fitted, lo, hi, model, asymptote in (tuple(map(float, r)) for r in rows):
        assert lo < fitted < hi
        # the example's claim: the clipped-variance model predicts the measured exponent for every p
        assert lo <= model <= hi, f"p = {p}: model {model} outside the CI [{lo}, {hi}]"
        # p is printed to 2 decimals (1/6 as 0.17): its rounding moves p (2 - alpha) - 1 by up to 0.0025
        assert asymptote == pytest.approx(p * (2 - 1.5) - 1, abs=3e-3)
    assert "Table 1 (p = 1/alpha = 0.67): -0.667" in out
    assert_png(tmp / "custom_schedule.png")


def check_custom_noise(out: str, tmp: Path) -> None:
    part_a = re.findall(rf"(GClip|CClip), Thm \d: fitted ({NUMBER}) \[({NUMBER}), ({NUMBER})\], Table 1 at alpha = 1.2: "
                        rf"(-0.333)", out)
    assert [r[0] for r in part_a] == ["GClip", "CClip"], out
    for _, fitted, lo, hi, _theory in part_a:
        assert float(lo) < float(fitted) < float(hi) < 0
    part_b = re.findall(rf"(stationary|scale k\^0.2): fitted ({NUMBER}) \[({NUMBER}), ({NUMBER})\], model ({NUMBER})", out)
    assert [r[0] for r in part_b] == ["stationary", "scale k^0.2"], out
    fits = {name: tuple(map(float, r)) for name, *r in part_b}
    for fitted, lo, hi, model in fits.values():
        assert lo <= model <= hi  # the example's claim: the model of the drifting noise predicts the fit
    assert fits["scale k^0.2"][0] > fits["stationary"][0] + 0.1  # the drift slows the rate
    assert_png(tmp / "custom_noise.png")


def check_rate_fit_nonconvex(out: str, tmp: Path) -> None:
    m = re.search(rf"fitted exponent of the mean ({NUMBER}) \[({NUMBER}), ({NUMBER})\] against Table 1's (-0.400): "
                  r"(\w+)", out)
    assert m, out
    fitted, lo, hi = map(float, m.groups()[:3])
    assert lo < fitted < hi and m.group(5) == "agrees"
    assert_png(tmp / "rate_fit_nonconvex.png")


def check_chain_lower_bound(out: str, tmp: Path) -> None:
    rows = re.findall(r"^\s*(\d\.\d)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$", out, re.M)
    assert [r[0] for r in rows] == ["1.0", "0.3", "0.1"], out
    for p, ahead, hit, t_over_p, not_reached in rows:
        assert int(ahead) == 0  # progress never exceeds the reveals, in any run at any checkpoint
        assert int(not_reached) == 0 and int(hit) >= int(t_over_p)
    hits = [int(r[2]) for r in rows]
    assert hits == sorted(hits)  # rarer reveals, later arrival
    assert_png(tmp / "chain_lower_bound.png")


def check_read_study_csv(out: str, tmp: Path) -> None:
    m = re.search(r"(\d+) rows from .*rates\.csv; (\d+) with a theory exponent, largest \|theory column - library\| = "
                  r"(\S+)", out)
    assert m and int(m.group(1)) > int(m.group(2)) > 0, out
    assert float(m.group(3)) < 1e-12  # the committed table's theory column is the library's Table 1
    assert "strongly convex d=1" in out and "agrees" in out
    assert_png(tmp / "read_study_csv.png")


def check_diagnose_gradients(out: str, tmp: Path) -> None:
    verdicts = dict(re.findall(r"^(\S+): \d+ gradients.*\n.*\n\s+verdict \((\w+)\)", out, re.M))
    assert verdicts.get("gaussian_residuals") == "light", out
    assert verdicts.get("student_t_1.5_residuals", "").startswith("heavy_"), out
    for name in verdicts:
        assert_png(tmp / f"diagnose_{name}.png")
        assert (tmp / f"diagnose_{name}.csv").read_text().startswith("source,estimator")


CHECKS = {
    "custom_schedule.py": check_custom_schedule,
    "custom_noise.py": check_custom_noise,
    "rate_fit_nonconvex.py": check_rate_fit_nonconvex,
    "chain_lower_bound.py": check_chain_lower_bound,
    "read_study_csv.py": check_read_study_csv,
    "diagnose_gradients.py": check_diagnose_gradients,
}


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_example_runs_and_shows_its_claim(name, tmp_path):
    out = run_example(name, tmp_path)
    CHECKS[name](out, tmp_path)
