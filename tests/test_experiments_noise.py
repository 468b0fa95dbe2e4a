"""The noise-diagnostics study end to end on a tiny configuration."""
import numpy as np
import pandas as pd
import pytest

from experiments import noise_diagnostics as nd
from heavytail_sim.cli import main
from heavytail_sim.runner import Runner
from heavytail_sim.study import execute

TINY = {"var_n": 20_000, "var_d": 4, "var_reps": 3, "hist_d": 20, "hist_n": 2_000, "calib_n": (2_000,),
        "calib_reps": 3, "apply_n": 2_048, "apply_reps": 2}


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("noise")
    cfg, _ = nd.STUDY.configure("quick", TINY, seed=2)
    execute(nd.STUDY, "quick", cfg, out, Runner(), "test")
    return out


def _tables(out):
    return {p.stem: pd.read_csv(p) for p in out.glob("*.csv")}


def test_writes_every_output(tiny_run):
    out = tiny_run
    for stem in ("variance_vs_n", "variance_growth", "estimator_calibration", "estimators_on_noise"):
        assert (out / f"{stem}.csv").stat().st_size > 0 and (out / f"{stem}.md").stat().st_size > 0
    for stem in ("fig2be_noise_norms", "fig2cf_variance_vs_n", "estimator_calibration"):
        assert (out / f"{stem}.png").stat().st_size > 10_000


def test_tables(tiny_run):
    out = tiny_run
    g = pd.read_csv(out / "variance_growth.csv").set_index("law")
    # Gaussian: the running variance converges, so its log-log slope is ~0 (SE ~0.01 at these sizes)
    assert abs(g.loc["Gaussian N(0,1)", "growth_exponent_mean"]) < 0.05
    c = pd.read_csv(out / "estimator_calibration.csv")
    assert len(c) == 2 * len(nd.ALPHAS) * 2  # laws x indices x (one size) x estimators
    assert (c.q10 <= c["median"]).all() and (c["median"] <= c.q90).all()
    stable_block = c[(c.law == "stable") & (c.estimator == "block")]
    # full calibration: at n = 10^3 the block estimator's sd is <= 0.13 (10-90% width 0.32 at alpha = 2),
    # ~0.09 at n = 2000; the median of 3 reps has sd <= 0.08, so 0.25 is > 3 sd for each of the 7 alphas
    assert (np.abs(stable_block.bias_median) < 0.25).all()
    a = pd.read_csv(out / "estimators_on_noise.csv")
    norm_scalar = a[a.estimate == "norm_scalar_block"]
    assert (norm_scalar["median"] < 1.1).all()  # the norm artefact: ~1 whatever the law


def test_norm_histograms_are_densities(tiny_run):
    h = pd.read_csv(tiny_run / "noise_norms.csv")
    for law, g in h.groupby("law"):
        # a density histogram integrates to 1 over its bins (all samples lie within [min, max])
        assert np.sum(g.density * (g.bin_hi - g.bin_lo)) == pytest.approx(1.0, rel=1e-9), law
    tail = pd.read_csv(tiny_run / "noise_norms_tail.csv")
    assert set(tail.law) == {"stable alpha=1.5", "stable alpha=1.1"} and (tail.x_from < tail.x_to).all()


def test_finding_sentence(tiny_run):
    text = nd.finding(_tables(tiny_run))
    assert text.startswith("The empirical variance of Gaussian noise settles") and "n^" in text


@pytest.mark.parametrize("sets,message", [
    (["calib_n=()"], "--set calib_n: must not be empty"),
    (["var_n=0"], "--set var_n: must be an integer in [10000, 10^10], got 0"),
    (["calib_n=(10,)"], "--set calib_n: item 0: must be an integer in [64, 10^9], got 10"),
    (["var_reps=1"], "--set var_reps: must be an integer in [2, 10000], got 1"),
    (["hist_n=1000000000", "hist_d=1000"], "--set hist_n: too large: hist_n=1000000000 needs"),
])
def test_bad_settings_are_one_line_errors_and_nothing_is_written(tmp_path, capsys, sets, message):
    argv = ["noise", "--out", str(tmp_path / "out")] + [a for s in sets for a in ("--set", s)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"heavytail-sim: error: {message}") and err.count("\n") == 1, err
    assert list(tmp_path.iterdir()) == []


def test_bad_out(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["noise", "--out", str(blocker / "sub")]) == 2
