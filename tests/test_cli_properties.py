"""Random argument vectors: every command either succeeds with complete outputs (exit 0) or refuses with one
line on stderr and writes nothing (exit 2). Never a traceback, never a half-written output folder.

Sizes are kept tiny (a valid study run takes about a second); most drawn values are small valid ones,
the rest edge and garbage values. The examples are derandomized, so the suite is reproducible.
"""
import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from heavytail_sim.cli import main

GARBAGE = ["", "abc", "-1", "0", "nan", "inf", "1e400", "()", "{}", "None", "[1, 'a']", "10**3", "2.5", "True",
           "1000000000000"]

# -------------------------------------------------------------------------------------------- simulate
SIM_OPTIONS = {
    "--runs": ["1", "5", "20", "1e2", "0", "-1", "1000000000000", "x"],
    "--steps": ["1", "10", "200", "0", "-5", "1000000000000000000000"],
    "--dim": ["1", "2", "5", "0", "1000000000000"],
    "--per-decade": ["1", "3", "0", "1000000000000"],
    "--seed": ["0", "3", "-1", "18446744073709551616"],
    "--noise": ["pareto", "gaussian", "stable", "cauchy", "student_t", "bogus"],
    "--index": ["1.2", "1.5", "2.5", "1.0", "nan", "inf", "-1"],
    "--alpha": ["1.5", "2", "0.5", "nan"],
    "--algorithm": ["gclip", "cclip", "sgd", "adam", "rmsprop", "acclip", "newton"],
    "--schedule": ["theorem1", "theorem2", "theorem3", "sgd", "constant"],
    "--problem": ["quadratic", "ripple", "l1_quadratic", "chain", "least_squares", "logistic"],
    "--eta": ["0.01", "0.5", "0", "-1", "nan", "inf"],
    "--tau": ["1", "0", "inf", "nan"],
    "--beta1": ["0", "0.9", "1.0", "nan"],
    "--eps": ["1e-8", "0", "nan"],
    "--scale": ["1", "0.1", "0", "-1", "inf"],
    "--samples": ["20", "0"],
}


def _argv(draw, options: dict, max_size: int) -> list[str]:
    keys = draw(st.lists(st.sampled_from(sorted(options)), unique=True, max_size=max_size))
    out = []
    for key in keys:
        out += [key, draw(st.sampled_from(options[key]))]
    return out


@st.composite
def simulate_argv(draw):
    return _argv(draw, SIM_OPTIONS, 6)


def _outcome(argv: list[str], folder: Path, capsys) -> tuple[int, str]:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own errors (invalid choice, not an int)
        code = exc.code
    return code, capsys.readouterr().err


@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(argv=simulate_argv())
def test_simulate_exits_0_with_a_complete_csv_or_2_with_one_line(argv, capsys):
    folder = Path(tempfile.mkdtemp())
    try:
        out = folder / "r.csv"
        code, err = _outcome(["simulate", "--quiet", "--out", str(out), "--runs", "4", "--steps", "30"] + argv,
                             folder, capsys)
        event(f"exit {code}")  # --hypothesis-show-statistics: how many examples ran, how many were refused
        if code == 0:
            import pandas as pd

            frame = pd.read_csv(out)
            assert {"k", "metric", "statistic", "value"} <= set(frame.columns) and len(frame) > 0
        else:
            assert code == 2 and len(err.strip().splitlines()) == 1, (argv, err)
            assert list(folder.iterdir()) == [], argv
    finally:
        shutil.rmtree(folder)


# ------------------------------------------------------------------------------------------ study --set
STUDY_SETS = {
    "lower-bound": {
        "base": {"k_max": "100", "per_decade": "1", "runs": "20", "lemma7_per_decade": "1", "n_boot": "10"},
        "valid": {"k_max": ["50", "100", "300"], "per_decade": ["1", "2"], "runs": ["2", "30"],
                  "n_boot": ["10", "25"], "lemma7_per_decade": ["1", "2"]}},
    "dimension": {
        "base": {"lemma4_dims": "(1, 3)", "mc_samples": "100", "dims": "(1, 3)", "steps": "20", "runs": "5",
                 "n_boot": "10"},
        "valid": {"lemma4_dims": ["(1,)", "(2, 5)"], "mc_samples": ["10", "200"], "dims": ["(1, 2)", "1,4"],
                  "steps": ["1", "30"], "runs": ["2", "8"], "n_boot": ["10", "30"]}},
    "noise": {
        "base": {"var_n": "10000", "var_d": "2", "var_reps": "2", "hist_d": "2", "hist_n": "200",
                 "calib_n": "(64,)", "calib_reps": "1", "apply_n": "64", "apply_reps": "1"},
        "valid": {"var_d": ["1", "3"], "var_reps": ["2", "3"], "hist_d": ["1", "3"], "hist_n": ["100", "300"],
                  "calib_n": ["(64, 100)", "80"], "calib_reps": ["1", "2"], "apply_n": ["64", "100"],
                  "apply_reps": ["1", "2"]}},
    "update-dist": {
        "base": {"runs_a": "100", "runs_curve": "100", "runs_b": "100", "runs_c": "200"},
        "valid": {"runs_a": ["100", "300"], "runs_curve": ["100", "200"], "runs_b": ["100", "150"],
                  "runs_c": ["200", "300"]}},
    "acclip": {
        "base": {"quad_d": "2", "quad_steps": "10", "ripple_d": "2", "ripple_steps": "10", "eta_lo": "0.1",
                 "eta_hi": "1", "per_decade": "1", "tau_mults": "(1,)", "tune_seeds": "1", "tune_runs": "2",
                 "eval_seeds": "1", "eval_runs": "3", "ratio_runs": "1", "ratio_steps": "5"},
        "valid": {"quad_d": ["1", "3"], "quad_steps": ["1", "12"], "ripple_steps": ["2", "12"],
                  "eta_lo": ["0.05", "1"], "eta_hi": ["1", "2"], "tau_mults": ["0.5,2", "(4,)"],
                  "eval_runs": ["1", "4"], "ratio_steps": ["2", "6"]}},
    "rates": {
        "base": {"sc_steps": "{1: 100, 10: 100}", "sc_runs": "{1: 4, 10: 2}", "sgd_runs": "{1: 2, 10: 2}",
                 "gauss_sgd_runs": "{1: 4, 10: 2}", "per_decade": "2", "decades": "1.0", "nc_k": "(10, 100)",
                 "nc_per_decade": "2", "nc_runs": "3", "exp_runs": "200", "exp_groups": "2", "exp_k": "5",
                 "const_steps": "20", "const_runs": "4", "n_boot": "10", "n_boot_local": "10",
                 "parts": "sc1", "noises": "gaussian"},
        "valid": {"parts": ["sc1", "sc10", "nc", "exp", "const", "sc1,const"],
                  "noises": ["gaussian", "stable1.6", "pareto1.8"], "sc_steps": ["{1: 50, 10: 200}"],
                  "tol": ["0.1", "1"], "decades": ["0.5", "1"], "n_boot": ["10", "20"]}},
}


@st.composite
def study_sets(draw, name: str):
    spec = STUDY_SETS[name]
    values = dict(spec["base"])
    for key in draw(st.lists(st.sampled_from(sorted(spec["valid"])), unique=True, min_size=1, max_size=2)):
        values[key] = draw(st.one_of(st.sampled_from(spec["valid"][key]), st.sampled_from(GARBAGE)))
    return [a for k, v in values.items() for a in ("--set", f"{k}={v}")]


def _expected_outputs(name: str, record: dict) -> set:
    from experiments.registry import STUDIES

    study = STUDIES[name]
    names = set()
    for t in study.tables:
        if t.name in record["tables"]:
            names.add(f"{t.name}.csv")
            if t.markdown:
                names.add(f"{t.name}.md")
    if name == "rates":
        import ast

        from experiments.rates import PARTS

        parts = ast.literal_eval(record["config"])["parts"]
        figures = [f for p in parts for f in PARTS[p].figures]
    else:
        figures = study.figures
    return names | {f"{f}.png" for f in figures} | {".done.json"}


def _check_study(name: str, sets: list[str], capsys) -> int:
    folder = Path(tempfile.mkdtemp())
    try:
        out = folder / "out"
        code, err = _outcome([name, "--out", str(out)] + sets, folder, capsys)
        if code == 0:
            record = json.loads((out / ".done.json").read_text())
            written = {p.name for p in out.iterdir()}
            assert written == _expected_outputs(name, record), (sets, written)
            assert all((out / f"{t}.csv").stat().st_size > 0 for t in record["tables"])
        else:
            assert code == 2 and len(err.strip().splitlines()) == 1, (sets, err)
            assert list(folder.iterdir()) == [], sets
    finally:
        shutil.rmtree(folder)
    return code


def _study_test(name: str, examples: int):
    @settings(max_examples=examples, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(sets=study_sets(name))
    def test(sets, capsys):
        event(f"exit {_check_study(name, sets, capsys)}")

    return test


test_lower_bound_set = _study_test("lower-bound", 5)
test_dimension_set = _study_test("dimension", 5)
test_noise_set = _study_test("noise", 5)
test_update_dist_set = _study_test("update-dist", 5)
test_acclip_set = _study_test("acclip", 5)
test_rates_set = _study_test("rates", 6)


@pytest.mark.parametrize("name", sorted(STUDY_SETS))
def test_the_tiny_base_configurations_run(name, capsys):
    # the property tests start from these: each must be a complete, valid run by itself
    sets = [a for k, v in STUDY_SETS[name]["base"].items() for a in ("--set", f"{k}={v}")]
    assert _check_study(name, sets, capsys) == 0
