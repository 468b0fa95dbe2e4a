"""The rates study end to end on a reduced configuration, plus the facts the study relies on."""
import math

import numpy as np
import pandas as pd
import pytest

import experiments.rates as study
from heavytail_sim.algorithms import Algorithm
from heavytail_sim.cli import main
from heavytail_sim.noise import NoiseModel
from heavytail_sim.problems import quadratic
from heavytail_sim.runner import Runner, simulate
from heavytail_sim.schedules import theorem1, theorem3
from heavytail_sim.study import execute

TINY = {"sc_steps": {1: 10 ** 4, 10: 3000}, "sc_runs": {1: 300, 10: 40}, "sgd_runs": {1: 50, 10: 20},
        "gauss_sgd_runs": {1: 300, 10: 40}, "per_decade": 6, "decades": 2.0,
        "nc_k": (10 ** 1.5, 10 ** 3), "nc_per_decade": 2, "nc_runs": 30,
        "exp_runs": 20_000, "exp_groups": 40, "exp_k": 50,
        "const_steps": 3000, "const_runs": 100, "n_boot": 200, "n_boot_local": 50,
        "noises": ("stable1.6", "gaussian"),
        "lb_alphas": (1.6, 2.0), "lb_methods": ("sgd", "gclip", "nsgd"), "lb_decades": 1.0, "lb_instances": 3,
        "lb_runs": 20, "lb_hit_runs": 200, "lb_tune": (10.0,),
        "ncexp_runs": 4000, "ncexp_groups": 20, "ncexp_k": 20,
        "spur_k": (10 ** 1.5, 10 ** 3), "spur_per_decade": 2, "spur_runs": 10,
        "long_k": (10 ** 3, 10 ** 4), "long_per_decade": 2, "long_runs": 6, "long_tails": (1.8,),
        "s001_k": (10 ** 2.5, 10 ** 4), "s001_per_decade": 2, "s001_runs": 10, "s001_onset": 30.0,
        "s001_steps": 3000, "s001_sc_runs": 50}
SMALL = ["--set", "sc_steps={1: 1000, 10: 1000}", "--set", "sc_runs={1: 20, 10: 10}", "--set", "per_decade=4",
         "--set", "n_boot=20", "--set", "n_boot_local=20", "--set", "parts=sc1", "--set", "noises=gaussian"]


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
    out = tmp_path_factory.mktemp("rates")
    mp = pytest.MonkeyPatch()
    mp.setattr(study.config, "EXP_TAILS", (1.2,))
    mp.setattr(study.fitting, "EXP_TAILS", (1.2,))
    mp.setattr(study.fitting, "TAILS", (1.6,))  # the constants parts (Thm 1, seed 000 Thm 2, seed 001): one tail
    cfg, _ = study.STUDY.configure("quick", TINY)
    import contextlib
    import io

    buf = io.StringIO()
    try:
        with contextlib.redirect_stdout(buf):
            execute(study.STUDY, "quick", cfg, out, Runner(), "heavytail-sim rates --quick")
    finally:
        mp.undo()
    return 0, out, buf.getvalue()


def _tables(out):
    return {p.stem: pd.read_csv(p) for p in out.glob("*.csv")}


def test_study_writes_every_output(tiny_run):
    rc, out, stdout = tiny_run
    assert rc == 0
    for name in ("rates.csv", "rates.md", "sgd_expectation.csv", "theorem1_constants.csv", "sc_d1.png",
                 "sc_d10.png", "sc_local_slopes_d1.png", "sc_local_slopes_d10.png", "nc.png",
                 "nc_local_slopes.png", "sgd_expectation.png", "theorem1_constants.png", "curves.csv",
                 "local_slopes.csv", "sgd_expectation_curves.csv", "theorem1_constants_curves.csv",
                 "nc_model.csv", "nc_model_curves.csv", "nc_lower_bound.csv", "nc_lower_bound_law.md",
                 "nc_lower_bound_sandwich.csv", "nc_lower_bound_hitting.csv", "nc_lower_bound.png",
                 "nc_sgd_expectation.csv", "nc_sgd_expectation.png", "theorem2_constants.csv",
                 "theorem2_constants.png", "nc_transient.csv", "nc_transient.png", "seed001_theorems.csv",
                 "seed001_theorems.png"):
        assert (out / name).stat().st_size > 0, name
    assert "theory" in stdout and "GClip mean" in stdout and "non-convex" in stdout
    assert "Verdict rule" in (out / "rates.md").read_text()


def test_finding_counts_the_verdicts(tiny_run):
    tables = _tables(tiny_run[1])
    text = study.finding(tables)
    frame = tables["rates"]
    sc = frame[frame.setting.str.startswith("strongly convex") & frame.algorithm.isin(["gclip", "cclip"])
               & (frame.statistic == "mean")]
    assert text.startswith(f"{int((sc.verdict == 'agrees').sum())} of {len(sc)} strongly convex")
    assert "within 0.15" in text  # the quick preset's tolerance, not the full one's


def test_strongly_convex_clip_exponents_match_table1(tiny_run):
    frame = pd.read_csv(tiny_run[1] / "rates.csv")
    sc = frame[frame.setting.str.startswith("strongly") & frame.algorithm.isin(["gclip", "cclip"])
               & (frame.statistic == "mean")]
    assert len(sc) == 8
    # stable 1.6 and Gaussian have a transient below 0.01 (theory.transient_exponent) and, at these sizes,
    # bootstrap half-widths of ~0.04-0.06 (measured): 0.12 is > 2 half-widths
    assert np.all(np.abs(sc.difference) <= 0.12), sc[["setting", "algorithm", "noise", "fitted", "theory"]]
    assert np.all((sc.ci_low < sc.fitted) & (sc.fitted < sc.ci_high))


def test_curves_table_is_what_the_fits_used(tiny_run):
    frame = pd.read_csv(tiny_run[1] / "rates.csv")
    curves = pd.read_csv(tiny_run[1] / "curves.csv")
    assert set(frame.setting) == set(curves.setting)  # every setting of Table 1's rows has its curves
    for r in frame[frame.statistic == "mean"].itertuples():
        c = curves[(curves.setting == r.setting) & (curves.algorithm == r.algorithm) & (curves.noise == r.noise)
                   & (curves.a.isna() if math.isnan(r.a) else np.isclose(curves.a, r.a))]
        assert int(c.k.max()) == r.horizon and (c.runs == r.runs).all()
        lo, hi = (float(v) for v in r.window.strip("[]").split(","))
        # the table rounds the window's ends to 3 significant digits (at most 0.5% off); checkpoints and budgets are
        # more than 10% apart, so a 0.5% margin finds exactly the fitted points
        w = c[(c.k >= lo * (1 - 5e-3)) & (c.k <= hi * (1 + 5e-3))]
        if r.algorithm == "sgd" and r.noise != "gaussian":
            continue  # an infinite-mean cell: its mean curve is not what is plotted
        # the fitted exponent is the least-squares slope of the log mean curve over the window (4 digits: the
        # window bounds in the table are rounded to 3 significant digits)
        slope = np.polyfit(np.log(w.k), np.log(w["mean"]), 1)[0]
        assert slope == pytest.approx(r.fitted, abs=1e-9)


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
    nc = frame[(frame.setting == study.fitting.NC_SETTING) & (frame.statistic == "mean")]
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


def test_unwritable_output_is_a_usage_error(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["rates", "--out", str(blocker)] + SMALL) == 2
    assert "exists and is not a directory" in capsys.readouterr().err


def test_cache_lets_a_second_run_redraw_without_simulating(tmp_path, monkeypatch, capsys):
    import heavytail_sim.runner as runner

    def once(out):
        assert main(["rates", "--out", str(tmp_path / out), "--cache", str(tmp_path / "c")] + SMALL) == 0
        return pd.read_csv(tmp_path / out / "rates.csv")

    first = once("a")

    def no_simulation(*a, **k):
        raise AssertionError("simulated although the cache holds every cell")

    monkeypatch.setattr(runner.Runner, "_run", no_simulation)
    second = once("b")
    pd.testing.assert_frame_equal(first.drop(columns="sim_seconds"), second.drop(columns="sim_seconds"))


def test_parts_and_noises_selection():
    cfg, _ = study.STUDY.configure("quick", ["parts=sc10,nc", "noises=pareto1.8,gaussian"])
    assert cfg["parts"] == ("sc10", "nc") and study.config.selected_noises(cfg) == (("pareto", 1.8),
                                                                                    ("gaussian", None))
    assert study.config.selected_noises(study.STUDY.configure("quick")[0]) == study.NOISES


@pytest.mark.parametrize("sets,message", [
    (["sc_steps={1: 0, 10: 0}", "parts=sc1", "noises=gaussian"], "--set sc_steps: [1]: must be an integer in "
                                                                   "[10, 2^53], got 0"),
    (["sc_steps={1: 50, 10: 50}", "parts=sc1"], "--set sc_steps: the fit window (last 2 decades) of the d=1 horizon "
                                                "50 must lie in [1, K]"),
    (["sc_steps={2: 100}"], "--set sc_steps: keys must be exactly {1, 10}, got {2}"),
    (["n_boot=0"], "--set n_boot: must be an integer in [10, 10^6], got 0"),
    (["parts="], "--set parts: must not be empty"),
    (["parts=sc3"], "--set parts: item 0: unknown value 'sc3' (choose from sc1, sc10, nc, exp, const, lb, ncexp, "
                    "ncspur, nclong, s001)"),
    (["lb_p=1", "parts=lb"], "--set lb_p: must be in (0, 1), got 1"),
    (["lb_methods=sgd,newton"], "--set lb_methods: item 1: unknown value 'newton'"),
    (["long_k=(1000, 5000)", "parts=nclong"], "--set long_k: must span at least one decade"),
    (["s001_onset=5000", "parts=s001"], "--set s001_onset: 5000 lies above the smallest horizon 1000"),
    (["spur_k=(100, 200)", "parts=ncspur"], "--set spur_k: the horizons (100, 200) hold fewer than 3"),
    (["ncexp_runs=100", "parts=ncexp"], "--set ncexp_runs: ncexp_runs // ncexp_groups = 2 runs per group"),
    (["parts=sc1,sc1"], "--set parts: has repeated values"),
    (["noises=pareto1.9"], "--set noises: item 0: unknown value 'pareto1.9'"),
    (["nc_k=(1000, 10)"], "--set nc_k: must be strictly increasing"),
    (["nc_k=(100, 200)", "parts=nc"], "--set nc_k: the non-convex horizons (100, 200) hold fewer than 3"),
    (["exp_runs=100", "parts=exp"], "--set exp_runs: exp_runs // exp_groups = 2 runs per group"),
    (["decades=nan"], "--set decades: expected a number, got 'nan'"),
    (["tol=0"], "--set tol: must be in (0, 1], got 0"),
    (["sc_runs={1: 100000000, 10: 100000000}"], "--set sc_runs: too large: sc_runs={1: 100000000, 10: 100000000} "
                                                "needs"),
])
def test_bad_settings_are_one_line_errors_and_nothing_is_written(tmp_path, capsys, sets, message):
    argv = ["rates", "--out", str(tmp_path / "out")] + [a for s in sets for a in ("--set", s)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"heavytail-sim: error: {message}") and err.count("\n") == 1, err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("alg,kind,a", [("gclip", "pareto", 1.4), ("sgd", "gaussian", None)])
def test_a_cells_runs_do_not_change_with_the_run_count(alg, kind, a):
    # the seeding rule: a cell's seed comes from the master seed and what the cell simulates, never from its
    # run count, so --set sc_runs=... extends a cell (run r keeps its numbers) instead of reseeding it
    cfg, _ = study.STUDY.configure("quick", {"sc_steps": {1: 300, 10: 300}, "sc_runs": {1: 8, 10: 8},
                                             "gauss_sgd_runs": {1: 8, 10: 8}, "per_decade": 3, "decades": 1.0,
                                             "parts": ("sc10",)})
    more, _ = study.STUDY.configure("quick", {**{k: cfg[k] for k in ("sc_steps", "per_decade", "decades", "parts")},
                                              "sc_runs": {1: 20, 10: 20}, "gauss_sgd_runs": {1: 20, 10: 20}})
    few = study.sc_cell(Runner(), 10, alg, kind, a, cfg)
    many = study.sc_cell(Runner(), 10, alg, kind, a, more)
    assert few.runs < many.runs and few.raw.shape[1] == few.runs
    np.testing.assert_array_equal(many.raw[:, :few.runs], few.raw)


# ----------------------------------------------------------------------------- the non-convex column
VERDICTS = {"agrees", "disagrees", "faster (bound holds)", "slower (bound holds)",
            "grows, below the asymptote (bulk dominates)"}


def test_every_nonconvex_cell_of_table1_has_a_value_ci_and_verdict(tiny_run):
    # Table 1's non-convex column: the rows SGD, GClip, CClip and the lower bound, each for heavy-tailed noise
    # (a < 2) and standard noise (Gaussian, alpha = 2); SGD's heavy-tailed cell (N/A) by its sample-mean growth
    frame = pd.read_csv(tiny_run[1] / "rates.csv")
    nc, lb = study.fitting.NC_SETTING, study.fitting.LB_SETTING
    cells = {("gclip", "heavy"): (nc, "gclip", False, "mean"), ("gclip", "standard"): (nc, "gclip", True, "mean"),
             ("cclip", "heavy"): (nc, "cclip", False, "mean"), ("cclip", "standard"): (nc, "cclip", True, "mean"),
             ("sgd", "heavy"): (nc, "sgd", False, "sample mean over n runs: growth exponent in n"),
             ("sgd", "standard"): (nc, "sgd", True, "mean")}
    for cell, (setting, alg, standard, stat) in cells.items():
        r = frame[(frame.setting == setting) & (frame.algorithm == alg) & (frame.statistic == stat)
                  & (frame.noise.eq("gaussian") if standard else frame.noise.ne("gaussian"))]
        assert len(r) >= 1, cell
        assert r[["fitted", "ci_low", "ci_high", "theory"]].notna().all().all(), cell
        assert (r.ci_low <= r.fitted).all() and (r.fitted <= r.ci_high).all() and r.verdict.isin(VERDICTS).all(), cell
    low = frame[frame.setting == lb]
    for standard in (False, True):
        r = low[np.isclose(low.a, 2.0) == standard]
        assert len(r) >= 2 and r.verdict.isin(VERDICTS).all() and np.isfinite(r[["fitted", "ci_low", "ci_high"]]).all().all()
        assert (r.ci_low <= r.fitted + 1e-12).all() and (r.fitted <= r.ci_high + 1e-12).all()


def test_lower_bound_progress_law_and_thm6_hold(tiny_run):
    out = tiny_run[1]
    rows, law = pd.read_csv(out / "nc_lower_bound.csv"), pd.read_csv(out / "nc_lower_bound_law.csv")
    assert set(rows.method) == {"sgd", "gclip", "nsgd"} and set(rows.alpha) == {1.6, 2.0}
    assert (rows.support_violations == 0).all() and (law.support_violations == 0).all()
    assert rows.thm6_holds.all() and (rows.min_grad_over_eps >= 2).all()  # ||grad f|| > 2 eps while prog < T
    assert (law.hits_before_own_Tth_reveal == 0).all() and (law.steps_checked == law.horizon).all()
    assert law.dominated_by_NB.all()  # statistical (99% DKW band): passes at this seed
    # SGD and normalized SGD with the rule's steps advance on every reveal: progress = reveals, hitting times NB(T, p)
    fast = rows[rows.method.isin(["sgd", "nsgd"])]
    assert (fast.progress_per_reveal > 0.95).all()
    assert law[law.method.isin(["sgd", "nsgd"])].hits_like_NB.all()
    assert (rows.hit_by_K <= rows.binomial_tail_at_K + 0.25).all()  # 20 runs: P(hit by K) ~ 0.03 +- 0.04 (binomial sd)


def test_lower_bound_sandwich_holds(tiny_run):
    sw = pd.read_csv(tiny_run[1] / "nc_lower_bound_sandwich.csv")
    assert len(sw) == 6 and sw.sandwich_holds.all()
    assert (sw.lower_bound_sq <= sw.gclip_tuned_mean).all() and (sw.gclip_tuned_mean <= sw.gclip_thm2_mean).all()
    assert (sw.ci_high <= sw.thm2_bound).all()


def test_nonconvex_sgd_sample_mean_grows_and_gclip_settles(tiny_run):
    e = pd.read_csv(tiny_run[1] / "nc_sgd_expectation.csv").set_index("algorithm")
    # a = 1.2: predicted growth 0.667; 200 runs per group, CI half-width ~0.2 here
    assert e.loc["sgd", "ci_low"] > 0 and e.loc["sgd", "fitted_growth"] > 0.3
    assert abs(e.loc["gclip", "fitted_growth"]) < 0.05  # bounded steps: the sample mean settles (CI ~0.01)


def test_constants_parts_bounds_hold_at_every_checkpoint(tiny_run):
    out = tiny_run[1]
    t2 = pd.read_csv(out / "theorem2_constants.csv")
    assert len(t2) == 4 and t2.holds_every_checkpoint.all() and (t2.min_margin_mean > 1).all()
    assert ((t2.at_global_min + t2.at_spurious_min + t2.not_stationary).round(12) == 1).all()
    s1 = pd.read_csv(out / "seed001_theorems.csv")
    assert set(s1.theorem) == {study.fitting.S001_THM2, study.fitting.S001_THM4} and len(s1) == 4
    assert s1.holds_every_checkpoint.all() and s1.verdict.isin(VERDICTS).all()


def test_transient_model_is_reported_for_every_clipped_nonconvex_cell(tiny_run):
    out = tiny_run[1]
    m = pd.read_csv(out / "nc_model.csv")
    frame = pd.read_csv(out / "rates.csv")
    nc = frame[(frame.setting == study.fitting.NC_SETTING) & frame.algorithm.isin(["gclip", "cclip"])
               & (frame.statistic == "mean")]
    assert len(m) == len(nc) == 4
    np.testing.assert_allclose(np.sort(m.model.to_numpy()), np.sort(nc.model_exponent.to_numpy()))
    # horizons 30..1000 are short; the model follows the measurement to ~0.07 there (quick-mode runs)
    assert np.all(np.abs(m.model - m.fitted) < 0.1), m
    t = pd.read_csv(out / "nc_transient.csv")
    assert set(t.algorithm) == {"gclip", "cclip"} and t[["measured", "model", "ci_low", "ci_high"]].notna().all().all()
