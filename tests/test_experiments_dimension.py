import numpy as np
import pandas as pd
import pytest

from experiments import dimension as study
from heavytail_sim.cli import main
from heavytail_sim.runner import Runner
from heavytail_sim.study import execute

TINY = {"lemma4_dims": (1, 10), "mc_samples": 500, "dims": (1, 10), "steps": 200, "runs": 40, "n_boot": 50}


def test_d1_global_and_coordinate_clipping_coincide():
    """At d = 1, Thm 1 with G = (E|xi|^alpha)^(1/alpha), Cor 1 and Thm 3 give the same thresholds and,
    with the same seed, the same runs."""
    raw, rows = study.simulate_dimension(Runner(), (1,), steps=100, runs=30, seed=3)
    for sc in study.SCALINGS:
        a = raw[(sc, "gclip_thm1")][1]
        # Cor 1's G = ||B||_alpha = B at d = 1; GClip scales m by tau/|m| where CClip sets +-tau, so the runs
        # agree up to last-bit rounding, which the contracting iteration does not amplify
        assert np.allclose(raw[(sc, "gclip_cor1")][1], raw[(sc, "cclip_thm3")][1], rtol=1e-9, atol=0)
        # Thm 1's G comes from quadrature (1e-9 relative from B): errors agree to that order
        assert np.allclose(a, raw[(sc, "cclip_thm3")][1], rtol=1e-6, atol=0)
    t = pd.DataFrame(rows)
    assert np.allclose(t.G, t.B_alpha, rtol=1e-7)  # quadrature vs abs_moment, ~1e-9 relative
    assert np.allclose(t.G_cor1, t.B_alpha) and np.allclose(t.B_2, t.B_alpha)


def test_lemma4_table_positions():
    lem = study.lemma4_table(None, (1, 100), n=2000, seed=0)
    d100 = lem[lem.d == 100]
    # every exact moment lies between Lemma 4's lower bound and the sharp upper ||B||_alpha^alpha (theorem)
    assert (d100.exact >= d100.lemma4_lower).all() and (d100.exact <= d100.sharp_upper).all()
    # independent coordinates never come near the seed's upper bound: position <= 0.25 on the log scale
    # (deterministic quadrature; measured 0.08-0.22)
    assert (d100.position < 0.25).all()
    d1 = lem[lem.d == 1]
    assert np.allclose(d1.exact, d1.sharp_upper, rtol=1e-7)


def test_run_writes_outputs(tmp_path):
    cfg, notes = study.STUDY.configure("quick", TINY)
    assert notes == []
    execute(study.STUDY, "quick", cfg, tmp_path, Runner(), "test")
    for name in ("lemma4", "dimension", "exponents", "ratios"):
        assert (tmp_path / f"{name}.csv").stat().st_size > 0
    for fig in ("lemma4.png", "dimension.png"):
        assert (tmp_path / fig).stat().st_size > 10_000
    tables = {n: pd.read_csv(tmp_path / f"{n}.csv") for n in ("dimension", "exponents", "ratios")}
    table = tables["dimension"]
    ev = table[table.seed == "eval"]
    assert set(ev.method) == {"gclip_thm1", "gclip_cor1", "cclip_thm3", "gclip_tuned", "cclip_tuned"}
    assert np.isfinite(ev.mean_error).all()
    grid = table[table.seed == "tune"]
    assert len(grid) == 2 * len(TINY["dims"]) * 2 * len(study.C_GRID)
    assert "grows in d with exponent" in study.finding(tables)
    fits = tables["exponents"]
    assert (fits.ci_low <= fits.exponent_in_d).all() and (fits.exponent_in_d <= fits.ci_high).all()


@pytest.mark.parametrize("sets,message", [
    (["dims=(0,)"], "--set dims: item 0: must be an integer in [1, 10^5], got 0"),
    (["dims=(0, 10)"], "--set dims: item 0: must be an integer in [1, 10^5], got 0"),
    (["dims=()"], "--set dims: needs at least 2 values, got 0"),
    (["dims=('a',)"], "--set dims: item 0: expected an integer, got 'a'"),
    (["dims=(10,)"], "--set dims: needs at least 2 values, got 1"),
    (["dims=(10, 1)"], "--set dims: must be strictly increasing, got (10, 1)"),
    (["steps=0"], "--set steps: must be an integer in [1, 2^53], got 0"),
    (["n_boot=0"], "--set n_boot: must be an integer in [10, 10^6], got 0"),
    (["mc_samples=1000000000"], "--set mc_samples: too large: mc_samples=1000000000 needs"),
])
def test_bad_settings_are_one_line_errors_and_nothing_is_written(tmp_path, capsys, sets, message):
    argv = ["dimension", "--out", str(tmp_path / "out")] + [a for s in sets for a in ("--set", s)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"heavytail-sim: error: {message}") and err.count("\n") == 1, err
    assert list(tmp_path.iterdir()) == []


def test_seed_is_checked_with_its_flag(tmp_path, capsys):
    assert main(["dimension", "--seed", "-1", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("heavytail-sim: error: --seed: must be an integer in [0, ") and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_capped_runs_are_a_printed_notice():
    cfg, notes = study.STUDY.configure("quick", {"runs": 10 ** 9, "steps": 1000})
    assert notes == ["--set runs=1000000000 is capped at " + ", ".join(
        f"{int(study.MAX_COORD_STEPS // (1000 * d))} runs for d={d}" for d in cfg["dims"])
        + " (runs x steps x d <= 1.2e+08)"]
    assert study.STUDY.configure("quick")[1] == []  # the preset is not capped


def test_the_cap_notice_reaches_stderr_before_any_work(tmp_path, capsys):
    import argparse
    import dataclasses

    from heavytail_sim.cli import run
    from heavytail_sim.study import add_arguments

    seen = []
    fake = dataclasses.replace(study.STUDY, compute=lambda cfg, runner: seen.append(cfg) or {},
                               draw=lambda t, c: {}, summary=None)
    parser = argparse.ArgumentParser()
    add_arguments(parser, fake)
    assert run(fake, parser.parse_args(["--out", str(tmp_path / "o"), "--set", "runs=1000000000"]), "t") == 0
    err = capsys.readouterr().err
    assert "heavytail-sim dimension: notice: --set runs=1000000000 is capped at 120000 runs for d=1" in err
    assert seen and seen[0]["runs"] == 10 ** 9
