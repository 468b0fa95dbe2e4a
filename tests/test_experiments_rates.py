"""The rates study end to end on a reduced configuration, plus the facts the study relies on."""
import argparse
import math

import numpy as np
import pandas as pd
import pytest

import experiments.rates as study
from heavytail_sim.algorithms import Algorithm
from heavytail_sim.runner import simulate
from heavytail_sim.errors import UsageError
from heavytail_sim.noise import NoiseModel
from heavytail_sim.problems import quadratic
from heavytail_sim.schedules import theorem1, theorem3

TINY = {"sc_steps": {1: 10 ** 4, 10: 3000}, "sc_runs": {1: 300, 10: 40}, "sgd_runs": {1: 50, 10: 20},
        "gauss_sgd_runs": {1: 300, 10: 40}, "per_decade": 6, "decades": 2.0,
        "nc_k": (10 ** 1.5, 10 ** 3), "nc_per_decade": 2, "nc_runs": 30,
        "exp_runs": 20_000, "exp_groups": 40, "exp_k": 50,
        "const_steps": 3000, "const_runs": 100, "n_boot": 200, "n_boot_local": 50}


def test_gclip_and_cclip_are_the_same_update_in_one_dimension():
    # the study reuses the d = 1 GClip runs for CClip; in d = 1 both clip m to [-tau, tau]. GClip computes
    # (tau/|m|) m, CClip -tau or tau: they differ by rounding only (observed 1e-14 relative after 2000 steps)
    prob, noise = quadratic(1, 1.0, 1.0), NoiseModel("pareto", 1.5, 1.0)
    g = simulate(prob, noise, Algorithm("gclip"), theorem1(1.5, 1.0, 1.0, 3.0), runs=50, steps=2000, seed=4,
                 keep_raw=True)
    c = simulate(prob, noise, Algorithm("cclip"), theorem3(1.5, [1.0], 1.0, 3.0), runs=50, steps=2000, seed=4,
                 keep_raw=True)
    assert np.allclose(g.raw["f_avg"], c.raw["f_avg"], rtol=1e-10, atol=0)


def test_threshold_constant_rule():
    # stable noise reaches its asymptote at c = 1; Pareto with a = 1.8 does not within the grid
    assert study.choose_c("stable", 1.4)[0] == 1.0
    c, model = study.choose_c("pareto", 1.8)
    assert c == study.C_GRID[-1] and model - (-2 * 0.8 / 1.8) > study.C_TRANSIENT_TOL
    assert study.runs_factor("pareto", 1.8) == study.RUNS_BOOST and study.runs_factor("stable", 1.4) == 1.0


def test_sample_mean_curves_split_into_groups():
    f = np.arange(1.0, 101.0)
    ns, means = study.sample_mean_curves(f, 4)
    assert ns[0] == 1 and ns[-1] == 25 and means.shape == (len(ns), 4)
    assert means[-1, 0] == pytest.approx(np.mean(f[:25])) and means[0, 1] == 26.0


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setitem(study.CONFIGS, "quick", TINY)
    mp.setattr(study, "NOISES", (("stable", 1.6), ("gaussian", None)))
    mp.setattr(study, "TAILS", (1.6,))
    mp.setattr(study, "EXP_TAILS", (1.2,))
    out = tmp_path_factory.mktemp("rates")
    args = argparse.Namespace(mode="quick", out=str(out), seed=0, cache=None, overrides=[])
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        rc = study.run(args)
    mp.undo()
    return rc, out, buf.getvalue()


def test_study_writes_every_output(tiny_run):
    rc, out, stdout = tiny_run
    assert rc == 0
    for name in ("rates.csv", "rates.md", "sgd_expectation.csv", "theorem1_constants.csv", "sc_d1.png",
                 "sc_d10.png", "sc_local_slopes_d1.png", "sc_local_slopes_d10.png", "nc.png",
                 "nc_local_slopes.png", "sgd_expectation.png", "theorem1_constants.png"):
        assert (out / name).stat().st_size > 0, name
    assert "theory" in stdout and "GClip mean" in stdout and "non-convex" in stdout
    assert "Verdict rule" in (out / "rates.md").read_text()


def test_finding_counts_the_verdicts(tiny_run):
    text = study.finding(tiny_run[1])
    frame = pd.read_csv(tiny_run[1] / "rates.csv")
    sc = frame[frame.setting.str.startswith("strongly convex") & frame.algorithm.isin(["gclip", "cclip"])
               & (frame.statistic == "mean")]
    assert text.startswith(f"{int((sc.verdict == 'agrees').sum())} of {len(sc)} strongly convex")


def test_strongly_convex_clip_exponents_match_table1(tiny_run):
    frame = pd.read_csv(tiny_run[1] / "rates.csv")
    sc = frame[frame.setting.str.startswith("strongly") & frame.algorithm.isin(["gclip", "cclip"])
               & (frame.statistic == "mean")]
    assert len(sc) == 8
    # stable 1.6 and Gaussian have a transient below 0.01 (theory.transient_exponent) and, at these sizes,
    # bootstrap half-widths of ~0.04-0.06 (measured): 0.12 is > 2 half-widths
    assert np.all(np.abs(sc.difference) <= 0.12), sc[["setting", "algorithm", "noise", "fitted", "theory"]]
    assert np.all((sc.ci_low < sc.fitted) & (sc.fitted < sc.ci_high))


def test_sgd_rows_follow_the_stated_rules(tiny_run):
    frame = pd.read_csv(tiny_run[1] / "rates.csv")
    sgd = frame[(frame.algorithm == "sgd") & frame.setting.str.startswith("strongly")]
    heavy_mean = sgd[(sgd.noise == "stable") & (sgd.statistic == "mean")]
    assert heavy_mean.verdict.str.startswith("n/a").all() and heavy_mean.theory.isna().all()
    gauss = sgd[(sgd.noise == "gaussian") & (sgd.statistic == "mean")]
    # SGD with Gaussian noise: Theta(1/k); half-width ~0.05 at 300 runs, 0.12 as above
    assert np.all(np.abs(gauss.fitted + 1.0) <= 0.12)


def test_nonconvex_cells_decay_at_least_as_fast_as_the_bound(tiny_run):
    frame = pd.read_csv(tiny_run[1] / "rates.csv")
    nc = frame[frame.setting.str.startswith("non-convex") & (frame.statistic == "mean")]
    assert len(nc) == 5
    # O(.) bounds: the fitted exponent must not exceed theory + 0.1 (horizons 30..1000 are short;
    # quick-mode runs showed differences within +-0.1 with CI half-widths ~0.01)
    assert np.all(nc.fitted <= nc.theory + 0.1), nc[["algorithm", "noise", "fitted", "theory"]]


def test_sgd_sample_mean_grows_and_gclip_settles(tiny_run):
    e = pd.read_csv(tiny_run[1] / "sgd_expectation.csv").set_index("algorithm")
    # prediction 2/1.2 - 1 = 0.667; the group size here is only 500, so allow 0.25 (CI half-width ~0.15)
    assert abs(e.loc["sgd", "fitted_growth"] - 0.667) < 0.25
    assert abs(e.loc["gclip", "fitted_growth"]) < 0.1  # finite variance: no growth (CI half-width ~0.05)


def test_theorem1_bound_holds_with_exact_constants(tiny_run):
    c = pd.read_csv(tiny_run[1] / "theorem1_constants.csv")
    assert len(c) == 2 and c.holds_every_checkpoint.all()
    assert np.all(c.p < c.a.fillna(math.inf)) and np.all(c.min_margin_mean > 1)


def test_unwritable_output_is_a_usage_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    args = argparse.Namespace(mode="quick", out=str(blocker), seed=0, cache=None, overrides=[])
    with pytest.raises(UsageError):
        study.run(args)


def test_cache_lets_a_second_run_redraw_without_simulating(tmp_path, monkeypatch):
    import heavytail_sim.runner as runner

    monkeypatch.setitem(study.CONFIGS, "quick", dict(TINY, parts="sc1", noises="gaussian"))

    def once(out):
        args = argparse.Namespace(mode="quick", out=str(tmp_path / out), seed=0, cache=str(tmp_path / "c"),
                                  overrides=[])
        assert study.run(args) == 0
        return pd.read_csv(tmp_path / out / "rates.csv")

    first = once("a")

    def no_simulation(*a, **k):
        raise AssertionError("simulated although the cache holds every cell")

    monkeypatch.setattr(runner.Runner, "_run", no_simulation)
    second = once("b")
    pd.testing.assert_frame_equal(first, second)


def test_parts_and_noises_selection():
    cfg = dict(study.CONFIGS["quick"], parts="sc10,nc", noises="pareto1.8,gaussian")
    parts, noises = study.selected(cfg)
    assert parts == {"sc10", "nc"} and noises == (("pareto", 1.8), ("gaussian", None))
    assert study.selected(dict(cfg, noises="all"))[1] == study.NOISES
    with pytest.raises(UsageError):
        study.selected(dict(cfg, parts="sc3"))
    with pytest.raises(UsageError):
        study.selected(dict(cfg, noises="pareto1.9"))
