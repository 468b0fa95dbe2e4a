"""Smoke test of the adaptive study at a tiny --set size: every declared output is written, the tables
are consistent with each other, the figures redraw from the tables, and bad settings are one-line errors."""
import math

import pandas as pd
import pytest

from experiments import adaptive
from heavytail_sim.errors import UsageError
from heavytail_sim.runner import Runner
from heavytail_sim.study import ConfigError, execute, redraw

TINY = {"dim": 3, "steps": 32, "sweep_laws": ("t1.5", "gaussian"), "factor_laws": ("t1.5",),
        "factors": ("quadratic/hetero/switching", "ripple/equal/stationary"), "per_decade": 1, "tau_mults": (0.25, 1.0),
        "max_extend": 1, "tune_runs": 4, "eval_runs": 6, "models": ("mlp", "bigram"), "n_data": 256,
        "train_steps": 12, "lr_lo": 0.01, "lr_hi": 1.0, "clip_mults": (1.0,), "log_points": 4, "noise_checkpoints": 2,
        "noise_batches": 500, "n_boot": 20, "diag_n": 500, "update_runs": 2000, "mode_boot": 10,
        "stable_alphas": (1.0, 2.0), "fig8_seeds": 2}


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("adaptive")
    cfg, _ = adaptive.STUDY.configure("quick", TINY, seed=3)
    record = execute(adaptive.STUDY, "quick", cfg, out, Runner(), "test")
    return out, record


def _tables(out):
    return {p.stem: pd.read_csv(p) for p in out.glob("*.csv")}


def test_writes_every_declared_output(tiny_run):
    out, record = tiny_run
    for t in adaptive.STUDY.tables:
        assert (out / f"{t.name}.csv").stat().st_size > 0, t.name
        if t.markdown:
            assert (out / f"{t.name}.md").read_text().startswith("# ")
    for f in adaptive.STUDY.figures:
        assert (out / f"{f}.png").stat().st_size > 0, f
    assert set(record["tables"]) == {t.name for t in adaptive.STUDY.tables}


def test_sweep_tables_are_consistent(tiny_run):
    out, _ = tiny_run
    tabs = _tables(out)
    sw = tabs["sweep"]
    # 2 sweep laws + 2 factor settings x 1 law, 8 methods each
    assert len(sw) == (2 + 2) * 8 and set(sw.part) == {"sweep", "factor"}
    assert (sw.runs == 2 * TINY["eval_runs"]).all()
    fin = sw[sw["median"].map(math.isfinite)]
    assert (fin.median_lo <= fin["median"]).all() and (fin["median"] <= fin.median_hi).all()
    assert set(sw.vs_sgd) <= {"(SGD)", "beats SGD", "tie", "loses to SGD"}
    gap = tabs["sgd_gap"]
    assert len(gap) == 4 and set(gap.verdict) <= {"SGD loses", "tie", "SGD wins"}
    assert set(tabs["seed_claims"].verdict) <= {"holds", "tie", "fails"}
    # every tuning candidate of every cell is kept, with the best one's score
    tun = tabs["sweep_tuning"]
    best = tun.groupby(["setting", "law", "method"]).score.min()
    for r in sw.itertuples():
        assert best[(r.setting, r.law, r.method)] == pytest.approx(r.tune_score)


def test_other_parts(tiny_run):
    out, _ = tiny_run
    tabs = _tables(out)
    assert set(tabs["models"].model) == {"mlp", "bigram"} and len(tabs["models"]) == 8
    assert set(tabs["model_noise"].step) == {0, TINY["train_steps"]}
    raw = tabs["model_noise"].block_raw_norms
    assert (raw <= 1.0).all()  # AM-GM: the raw-norm block estimate never exceeds 1
    assert set(tabs["update_order"].order) == {"kingma_ba", "inner"}
    assert set(tabs["update_modes"].scenario) == {"stable1", "stable2", "gauss_decreasing", "gauss_increasing"}
    assert (tabs["model_updates"].groupby("model").seed.nunique() == TINY["fig8_seeds"]).all()


def test_redraw_and_finding(tiny_run):
    out, _ = tiny_run
    written, text = redraw(adaptive.STUDY, out)
    assert len(written) == len(adaptive.STUDY.figures)
    assert "SGD" in text and "trimodal" in text
    assert text == adaptive.finding(_tables(out))


def test_parts_subset_and_bad_settings(tmp_path):
    cfg, _ = adaptive.STUDY.configure("quick", {**TINY, "parts": ("updates",)}, seed=1)
    execute(adaptive.STUDY, "quick", cfg, tmp_path, Runner(), "test")
    assert (tmp_path / "update_order.csv").exists() and not (tmp_path / "sweep.csv").exists()
    with pytest.raises(ConfigError, match="sweep_laws"):
        adaptive.STUDY.configure("quick", {**TINY, "sweep_laws": ("t0.5",)})
    with pytest.raises(ConfigError, match="eta_hi"):
        adaptive.STUDY.configure("quick", {**TINY, "eta_lo": 1.0, "eta_hi": 0.1})
    with pytest.raises(UsageError):
        adaptive.STUDY.configure("quick", ["parts=sweep,foo"])
