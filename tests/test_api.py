"""The public API, ``import heavytail_sim as hts``: complete, documented, and usable as a script uses it.

* every name of ``hts.__all__`` resolves (also when its module was imported first), and nothing else
  is advertised;
* every public function and class has a numpydoc docstring that parses without warnings, documents each
  parameter of its signature (classes: in Parameters or Attributes) and, for functions, what it returns;
* argument conventions a numpy/scipy user expects: one ``seed`` (never ``rng``/``random_state``),
  keyword-only options of the many-option calls, counts as int-valued floats, a bad value rejected with
  a ``UsageError`` that names the parameter;
* a script-style use end to end: simulate -> tidy frame with metadata -> fitted exponent with CI ->
  Table 1's exponent, and the frame equal to the CSV ``heavytail-sim simulate --out`` writes.
"""
from __future__ import annotations

import inspect
import math
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import heavytail_sim as hts
from heavytail_sim.errors import UsageError

ROOT = Path(__file__).resolve().parents[1]
MODULES = {name for name in hts.__all__ if inspect.ismodule(getattr(hts, name))}
DATA = {"__version__", "RULES"}
CALLABLES = sorted(n for n in hts.__all__ if n not in MODULES | DATA)
RANDOMNESS_NAMES = {"rng", "random_state", "random_seed", "rand_seed", "generator"}


def _doc(obj):
    from numpydoc.docscrape import ClassDoc, FunctionDoc

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        doc = ClassDoc(obj) if inspect.isclass(obj) else FunctionDoc(obj)
    return doc, [str(w.message) for w in caught]


def _params(obj) -> list[str]:
    sig = inspect.signature(obj)
    return [p.name for p in sig.parameters.values()
            if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


def _documented(section) -> set[str]:
    # numpydoc allows "a, b : float" for parameters sharing a description
    return {name.strip() for entry in section for name in entry.name.split(",")}


# ------------------------------------------------------------------------------------------ the surface
def test_every_public_name_resolves_and_dir_lists_them():
    for name in hts.__all__:
        assert getattr(hts, name) is not None, name
    assert sorted(dir(hts)) == sorted(hts.__all__)
    with pytest.raises(AttributeError, match="no attribute"):
        hts.not_a_public_name  # noqa: B018


def test_the_names_a_script_needs_are_public():
    # problems, noise laws, oracles, update rules, schedules, running, fitting, theory, claims, diagnosis
    needed = {"quadratic", "ripple", "l1_quadratic", "chain", "least_squares", "logistic", "Problem",
              "NoiseModel", "AdditiveNoise", "Profile", "ProbabilityZeroOracle", "Minibatch", "Algorithm", "RULES",
              "Schedule", "theorem1", "theorem2", "theorem3", "sgd_decreasing", "constant", "simulate", "Result",
              "Runner", "fit_exponent", "local_slope_bands", "bootstrap_curves", "verdict",
              "strongly_convex_exponent", "nonconvex_exponent", "theory", "statistics", "claims", "diagnose"}
    assert needed <= set(hts.__all__), needed - set(hts.__all__)
    assert callable(hts.theory.theorem1_bound) and callable(hts.theory.theorem2_bound)  # theorem constants
    assert set(hts.RULES) >= {"sgd", "gclip", "cclip", "acclip", "rmsprop", "adam"}


def test_a_function_named_like_its_module_stays_the_function():
    # ``hts.diagnose`` must be the function even when the module of the same name was imported first (the
    # command line imports it that way); a fresh interpreter, so that nothing was imported before
    code = ("import heavytail_sim.noise_diagnosis\nimport heavytail_sim as hts\n"
            "print(callable(hts.diagnose), type(hts.diagnose).__name__)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["True", "function"], (
        f"after 'import heavytail_sim.noise_diagnosis', hts.diagnose is {proc.stdout.strip()!r}: the submodule shadows "
        "the function of the same name")


# ------------------------------------------------------------------------------------------ docstrings
@pytest.mark.parametrize("name", CALLABLES)
def test_public_names_have_numpydoc_docstrings(name):
    obj = getattr(hts, name)
    assert inspect.getdoc(obj), f"{name} has no docstring"
    doc, problems = _doc(obj)
    assert not problems, f"{name}: numpydoc cannot parse the docstring: {problems}"
    assert doc["Summary"], f"{name}: no summary line"
    params = _params(obj)
    if inspect.isclass(obj):
        documented = _documented(doc["Parameters"]) | _documented(doc["Attributes"])
    else:
        documented = _documented(doc["Parameters"])
        assert doc["Returns"] or doc["Yields"], f"{name}: no Returns section"
    missing = [p for p in params if p not in documented]
    assert not missing, f"{name}: parameters without an entry in its docstring: {missing}"


def test_modules_of_the_surface_have_docstrings():
    for name in MODULES:
        assert inspect.getdoc(getattr(hts, name)), name


# ------------------------------------------------------------------------------------------ conventions
def _signatures():
    """(qualified name, signature) of every public callable and of the public methods of its classes."""
    out = []
    for name in CALLABLES:
        obj = getattr(hts, name)
        out.append((name, inspect.signature(obj)))
        if inspect.isclass(obj):
            for mname, member in inspect.getmembers(obj, inspect.isfunction):
                if not mname.startswith("_"):
                    out.append((f"{name}.{mname}", inspect.signature(member)))
    return out


def test_randomness_is_controlled_by_a_parameter_named_seed():
    offenders = [(n, p) for n, sig in _signatures() for p in sig.parameters if p in RANDOMNESS_NAMES]
    assert not offenders, offenders
    with_seed = {n for n, sig in _signatures() if "seed" in sig.parameters}
    # every public entry point that draws random numbers takes one
    assert {"simulate", "Runner.simulate", "fit_exponent", "local_slope_bands", "bootstrap_curves", "sample",
            "diagnose"} <= with_seed


@pytest.mark.parametrize("func, positional", [
    (hts.simulate, ("problem", "oracle", "algorithm", "schedule")),
    (hts.Runner.simulate, ("self", "problem", "oracle", "algorithm", "schedule")),
    (hts.diagnose, ("samples", "kind")),
])
def test_options_after_the_configuration_are_keyword_only(func, positional):
    params = inspect.signature(func).parameters.values()
    assert tuple(p.name for p in params if p.kind is p.POSITIONAL_OR_KEYWORD) == positional
    assert all(p.kind is p.KEYWORD_ONLY for p in params if p.name not in positional)


CONFIG = (hts.quadratic(2), hts.NoiseModel("pareto", 1.5), hts.Algorithm("gclip"), hts.theorem1(1.5, 1.0, 1.0))


def test_counts_accept_int_valued_floats_with_the_same_numbers():
    a = hts.simulate(*CONFIG, runs=1e1, steps=2e2, seed=4.0, checkpoints=3, keep_raw=True)
    b = hts.simulate(*CONFIG, runs=10, steps=200, seed=4, checkpoints=3, keep_raw=True)
    assert (a.runs, a.config["steps"], a.config["seed"]) == (10, 200, 4)
    assert isinstance(a.config["steps"], int) and isinstance(a.config["seed"], int)
    np.testing.assert_array_equal(a.raw["f_avg"], b.raw["f_avg"])
    assert hts.quadratic(3.0).dim == 3


@pytest.mark.parametrize("kwargs, param", [
    ({"runs": 10.5}, "runs"), ({"runs": 0}, "runs"), ({"runs": True}, "runs"), ({"steps": "100"}, "steps"),
    ({"steps": math.inf}, "steps"), ({"seed": -1}, "seed"), ({"seed": 0.5}, "seed"),
])
def test_bad_counts_raise_a_usage_error_naming_the_parameter(kwargs, param):
    args = {"runs": 10, "steps": 100, "seed": 0, **kwargs}
    with pytest.raises(UsageError, match=rf"^{param}\b"):
        hts.simulate(*CONFIG, **args)


@pytest.mark.parametrize("build, param", [
    (lambda: hts.NoiseModel("pareto", -1.0), "index"),
    (lambda: hts.NoiseModel("levy", 1.5), "noise"),
    (lambda: hts.Algorithm("gclip", beta1=1.5), "beta1"),
    (lambda: hts.Schedule(eta0=-1.0), "eta0"),
    (lambda: hts.theorem1(alpha=2.5, G=1.0, mu=1.0), "alpha"),
    (lambda: hts.quadratic(2, mu=2.0, L=1.0), "mu"),
])
def test_constructors_reject_bad_values_naming_the_parameter(build, param):
    with pytest.raises(UsageError, match=rf"^{param}\b"):
        build()


# ------------------------------------------------------------------------------------------ a script
def test_script_simulate_frame_fit_compare_with_theory():
    alpha = 1.5
    res = hts.simulate(hts.quadratic(1), hts.NoiseModel("pareto", alpha), hts.Algorithm("gclip"),
                       hts.theorem1(alpha, G=3.0, mu=1.0), runs=400, steps=1e4, seed=1, keep_raw=True)

    # the result knows its configuration
    cfg = res.config
    assert (cfg["algorithm"], cfg["noise"], cfg["index"], cfg["schedule"], cfg["runs"], cfg["steps"], cfg["seed"]) \
        == ("gclip", "pareto", alpha, "theorem1", 400, 10_000, 1)
    assert cfg["version"] == hts.__version__

    # a tidy frame: one row per checkpoint, metric and statistic, the configuration as columns
    frame = res.frame()
    stats = ("mean", "median", "q10", "q90", "nonfinite")
    assert list(frame.columns[:4]) == ["k", "metric", "statistic", "value"]
    assert len(frame) == len(res.checkpoints) * len(res.stats) * len(stats)
    for key, value in res.metadata().items():
        assert (frame[key] == value).all(), key
    mean = frame[(frame.metric == "f_avg") & (frame.statistic == "mean")]
    np.testing.assert_array_equal(mean["k"].to_numpy(), res.checkpoints)
    np.testing.assert_array_equal(mean["value"].to_numpy(), res.curve("f_avg", "mean"))
    # the raw errors are the ones the statistics summarise
    np.testing.assert_allclose(res.raw["f_avg"].mean(axis=1), res.curve("f_avg", "mean"), rtol=1e-12)

    # fitted exponent with its CI against Table 1
    fit = hts.fit_exponent(res.checkpoints, res.raw["f_avg"], decades=2, n_boot=400, seed=0)
    theory = hts.strongly_convex_exponent(alpha)
    assert theory == pytest.approx(-2 * (alpha - 1) / alpha)
    assert fit.ci_low < fit.slope < fit.ci_high
    assert fit.ci_high - fit.ci_low < 0.15  # 400 runs: the CI half-width is about 0.05
    # 0.1 = CI half-width (~0.05) + the schedule's transient over k in [100, 10^4], which the clipped-variance
    # model puts at +0.04 (theory.transient_exponent); a wrong exponent (-1, or SGD's n/a) lies outside
    assert hts.verdict(fit.slope, theory, tol=0.1) == "agrees"
    model = hts.theory.transient_exponent("pareto", alpha, 1.0, 3.0, 1 / alpha, fit.k_lo, fit.k_hi)
    assert fit.ci_low <= model <= fit.ci_high


def test_frame_equals_the_csv_the_command_line_writes(tmp_path):
    import pandas as pd

    out = tmp_path / "sim.csv"
    cmd = [sys.executable, "-m", "heavytail_sim", "simulate", "--noise", "stable", "--index", "1.7", "--dim", "3",
           "--algorithm", "cclip", "--schedule", "theorem3", "--runs", "40", "--steps", "300", "--seed", "5",
           "--per-decade", "4", "--quiet", "--out", str(out)]
    proc = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, PYTHONPATH=str(ROOT), MPLBACKEND="Agg"))
    assert proc.returncode == 0, proc.stderr
    cli = pd.read_csv(out)
    # the same configuration from Python: the command's defaults are mu = L = 1, x0 = 1, G = B_i = 1
    res = hts.simulate(hts.quadratic(3), hts.NoiseModel("stable", 1.7), hts.Algorithm("cclip"),
                       hts.theorem3(1.7, [1.0] * 3, mu=1.0), runs=40, steps=300, seed=5, checkpoints=4)
    api = res.frame()
    assert list(cli.columns) == list(api.columns)
    pd.testing.assert_frame_equal(cli, api.astype(cli.dtypes.to_dict()), check_exact=False, rtol=1e-12)


def test_result_plot_gives_labelled_axes():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    res = hts.simulate(*CONFIG, runs=20, steps=100, seed=0)
    ax = res.plot("f_avg")
    try:
        assert ax.get_xlabel() and ax.get_ylabel()
        assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
        labels = [t.get_text() for t in ax.get_legend().get_texts()]
        assert any("mean" in t for t in labels), labels
        np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), res.curve("f_avg", "mean"))
    finally:
        plt.close(ax.figure)


def test_claims_are_listed_by_prefix():
    every = hts.claims()
    assert len(every) > 20
    ids = [c.id for c in every]
    assert len(set(ids)) == len(ids)
    seed002 = hts.claims("002-")
    assert seed002 and all(c.id.startswith("002-") for c in seed002)
    assert {c.id for c in seed002} < set(ids)


def test_diagnose_reads_gradient_samples():
    noise = np.column_stack([hts.sample("stable", 1.5, 1.0, 1000, seed=s) for s in range(3)])
    diag = hts.diagnose(noise, "noise", n_boot=40, seed=0)
    assert diag.n == 1000 and diag.d == 3
    assert diag.category == "heavy_infinite_variance"  # index 1.5 < 2: the fixed rule's first case
