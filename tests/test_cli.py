import subprocess
import sys

import pandas as pd
import pytest

from heavytail_sim.cli import main

SMALL = ["simulate", "--runs", "20", "--steps", "200", "--quiet"]


def test_simulate_writes_tidy_csv_and_table(tmp_path, capsys):
    out = tmp_path / "r.csv"
    assert main(SMALL + ["--out", str(out), "--noise", "stable", "--index", "1.4"]) == 0
    frame = pd.read_csv(out)
    assert {"k", "metric", "statistic", "value", "algorithm", "noise"} <= set(frame.columns)
    assert frame["k"].max() == 200 and set(frame["metric"]) == {"f_avg", "f_last", "grad_sq", "avg_grad_sq"}
    assert "median" in capsys.readouterr().out


@pytest.mark.parametrize("args,needle", [
    (["--dim", "-3"], "--dim"),
    (["--alpha", "1.0"], "alpha"),
    (["--alpha", "2.5"], "alpha"),
    (["--algorithm", "newton"], "invalid choice"),
    (["--noise", "stable", "--index", "2.5"], "stable"),
    (["--runs", "0"], "positive"),
])
def test_bad_input_is_one_line_error_and_no_file(tmp_path, capsys, args, needle):
    out = tmp_path / "r.csv"
    try:
        code = main(SMALL + ["--out", str(out)] + args)
    except SystemExit as exc:  # argparse's own errors
        code = exc.code
    err = capsys.readouterr().err.strip()
    assert code == 2 and needle in err and len(err.splitlines()) == 1
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_unwritable_output_path(tmp_path, capsys):
    assert main(SMALL + ["--out", str(tmp_path / "missing" / "r.csv")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_console_entry_point_help():
    res = subprocess.run([sys.executable, "-m", "heavytail_sim", "simulate", "--help"], capture_output=True,
                         text=True, timeout=120)
    assert res.returncode == 0 and "--algorithm" in res.stdout and "f_avg" in res.stdout


def test_backend_option_reaches_the_engine(monkeypatch):
    # a study's --backend selects the engine's default backend for every simulation inside the run
    from heavytail_sim import cuda_engine, engine
    from heavytail_sim.cli import _run

    monkeypatch.setattr(cuda_engine, "require_device", lambda: None)  # no GPU here: only the plumbing is tested
    seen = []

    class Study:
        CONFIGS = None

        @staticmethod
        def run(args):
            seen.append(engine.check_backend(None))
            return 0

    import argparse

    assert _run(Study, "x", argparse.Namespace(backend="cuda"), [], "t") == 0
    assert _run(Study, "x", argparse.Namespace(backend="cpu"), [], "t") == 0
    assert seen == ["cuda", "cpu"] and engine.check_backend(None) == "cpu"
