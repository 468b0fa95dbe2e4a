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
    assert frame["k"].max() == 200
    assert set(frame["metric"]) == {"f_avg", "f_last", "grad_sq", "avg_grad_sq", "min_grad_sq"}
    assert "median" in capsys.readouterr().out
    # an existing --out file is replaced only with --force
    assert main(SMALL + ["--out", str(out)]) == 2
    assert "--force" in capsys.readouterr().err
    assert main(SMALL + ["--out", str(out), "--force", "--seed", "1"]) == 0


@pytest.mark.parametrize("args,needle", [
    (["--dim", "-3"], "--dim"),
    (["--alpha", "1.0"], "--alpha"),
    (["--alpha", "2.5"], "--alpha"),
    (["--algorithm", "newton"], "invalid choice"),
    (["--noise", "stable", "--index", "2.5"], "--index"),
    (["--runs", "0"], "--runs"),
    (["--seed", "-1"], "--seed"),
    (["--steps", "1000000000000000000000"], "--steps"),
    (["--runs", "1000000000000"], "memory"),
    (["--dim", "1000000000000"], "memory"),
    (["--per-decade", "0"], "--per-decade"),
    (["--per-decade", "1000000000000"], "--per-decade"),
    (["--schedule", "constant", "--eta", "nan"], "--eta"),
    (["--schedule", "constant", "--eta", "inf"], "--eta"),
    (["--noise", "pareto", "--index", "nan"], "--index"),
    (["--noise", "pareto", "--index", "inf"], "--index"),
    (["--algorithm", "adam", "--schedule", "constant", "--eps", "nan"], "--eps"),
    (["--beta1", "1.0"], "--beta1"),
    (["--noise", "gaussian", "--index", "1.5"], "--index"),
    (["--noise", "cauchy"], "--alpha"),
    (["--noise", "pareto", "--index", "1.0"], "--index"),
    (["--problem", "ripple", "--schedule", "theorem1"], "strongly convex"),
    (["--threads", "0"], "--threads"),
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


def test_theorem_schedules_take_alpha_from_the_noise_law(capsys):
    # Gaussian noise is the alpha >= 2 column: the theorem1 threshold grows like k^(1/2), not k^(1/1.5)
    # (the old --index default); a law with a valid index uses it
    from heavytail_sim.cli import build_parser
    from heavytail_sim.simulate_cmd import build

    parser, _ = build_parser()
    for argv, alpha in ((["--noise", "gaussian"], 2.0), (["--noise", "pareto", "--index", "1.3"], 1.3),
                        (["--noise", "pareto", "--index", "3.0"], 2.0), (["--noise", "stable", "--index", "1.7"], 1.7),
                        (["--noise", "cauchy", "--alpha", "1.2"], 1.2)):
        _, _, _, sched = build(parser.parse_args(["simulate"] + argv))
        assert sched.tau_power == pytest.approx(1.0 / alpha), argv


def test_backend_option_reaches_the_runner_a_study_computes_with(monkeypatch, tmp_path):
    # a study's --backend selects the runner its compute receives (no ambient state)
    import dataclasses

    from experiments.registry import STUDIES
    from heavytail_sim import cuda_engine
    from heavytail_sim.cli import run
    from heavytail_sim.study import add_arguments

    monkeypatch.setattr(cuda_engine, "require_device", lambda: None)  # no GPU here: only the plumbing is tested
    seen = []

    def compute(cfg, runner):
        seen.append(runner.backend)
        return {}

    study = dataclasses.replace(STUDIES["lower-bound"], compute=compute, draw=lambda t, c: {}, summary=None)
    import argparse

    for backend in ("cuda", "cpu"):
        parser = argparse.ArgumentParser()
        add_arguments(parser, study)
        args = parser.parse_args(["--out", str(tmp_path / backend), "--backend", backend])
        assert run(study, args, "t") == 0
    assert seen == ["cuda", "cpu"]


def test_every_command_is_registered_once_with_readable_help():
    from heavytail_sim.cli import build_parser

    parser, cmds = build_parser()
    assert list(cmds) == ["simulate", "rates", "lower-bound", "dimension", "acclip", "adaptive", "update-dist", "noise",
                          "check", "diagnose", "reproduce", "figures"]
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, p in sub.choices.items():
        text = p.format_help()
        if name == "check":  # proofs_check's own one-line description
            continue
        # formatted as written: the examples keep their own lines
        assert "\nExamples:\n  heavytail-sim " in text or "\nExample:\n  heavytail-sim " in text, name
        for line in text.splitlines():
            if line.startswith("  heavytail-sim "):
                assert line.split()[1] in (name, "reproduce", "figures"), (name, line)


def test_diagnose_is_a_command(tmp_path, capsys):
    assert main(["diagnose", str(tmp_path / "missing.npy")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("heavytail-sim: error: FILE") and len(err.splitlines()) == 1


@pytest.mark.parametrize("args", [["--problem", "least_squares", "--dim", "0"],
                                  ["--problem", "logistic", "--dim", "1000000000000"],
                                  ["--problem", "least_squares", "--seed", "-1"]])
def test_finite_sum_data_is_drawn_after_validation(tmp_path, capsys, args):
    out = tmp_path / "r.csv"
    # the finite-sum data matrix is drawn from --seed and --dim only after both are validated
    code = main(SMALL + ["--out", str(out)] + args)
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and list(tmp_path.iterdir()) == []
    assert ("--dim" if "--dim" in args else "--seed") in err


def test_studies_run_as_modules(tmp_path):
    # python -m experiments.<study> has the sub-command's options and one-line errors
    res = subprocess.run([sys.executable, "-m", "experiments.rates", "--out", str(tmp_path / "o"), "--set", "parts="],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 2 and res.stderr == "python -m experiments.rates: error: --set parts: must not be empty\n"
    res = subprocess.run([sys.executable, "-m", "experiments.noise_diagnostics", "--help"], capture_output=True,
                         text=True, timeout=120)
    assert res.returncode == 0 and res.stdout.startswith("usage: python -m experiments.noise_diagnostics")
    assert "calib_n: sample sizes of the calibration" in res.stdout and list(tmp_path.iterdir()) == []
