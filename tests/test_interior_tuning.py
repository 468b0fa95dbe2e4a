"""Tests for heavytail_sim.interior_tuning: the grid walk finds optima beyond the initial grid, stops
at its budget, and reports edges and plateaus."""
import math

import pandas as pd
import pytest

from heavytail_sim.errors import UsageError
from heavytail_sim.interior_tuning import tune_interior


def bowl(centre: dict):
    """A scorer: 1 + sum of squared log10-distances to ``centre``."""
    def scorer(cands):
        return pd.DataFrame({"score": [1.0 + sum(math.log10(v / centre[k]) ** 2 for k, v in c.items()) for c in cands]})

    return scorer


GRID = (1e-3, 1e-2, 1e-1, 1.0)


def test_interior_optimum_needs_no_extension():
    res = tune_interior(bowl({"eta": 1e-2}), {"eta": GRID})
    assert res.best["eta"] == pytest.approx(1e-2)
    assert res.edges == {"eta": ""} and res.edge_text() == "no"
    assert res.extended == {"eta": 0} and (res.table["round"] == 0).all() and len(res.table) == 4


def test_optimum_one_step_beyond_the_grid_is_found_and_interior():
    res = tune_interior(bowl({"eta": 10.0}), {"eta": GRID}, max_extend=2)
    assert res.best["eta"] == pytest.approx(10.0)
    assert res.edges["eta"] == ""
    # 10 and its upper neighbour 100 were added, in two rounds
    assert res.extended["eta"] == 2 and sorted(res.table["round"].unique()) == [0, 1, 2]


def test_budget_is_respected_and_the_edge_reported():
    res = tune_interior(bowl({"eta": 1e6}), {"eta": GRID}, max_extend=2)
    assert res.best["eta"] == pytest.approx(100.0)  # 1 * 10^2: two values beyond the end
    assert res.edges["eta"] == "high" and not res.plateau["eta"]
    assert res.extended["eta"] == 2 and res.edge_text() == "eta high"
    res0 = tune_interior(bowl({"eta": 1e6}), {"eta": GRID}, max_extend=0)
    assert res0.best["eta"] == pytest.approx(1.0) and res0.edges["eta"] == "high" and len(res0.table) == 4


def test_plateau_is_told_apart_from_a_too_small_grid():
    # the score keeps falling towards small eta but by 0.1% a decade: a limit of the family, not of the grid
    def scorer(cands):
        return pd.DataFrame({"score": [1.0 + 0.001 * math.log10(c["eta"] / 1e-6) for c in cands]})
    res = tune_interior(scorer, {"eta": GRID}, max_extend=1)
    assert res.edges["eta"] == "low" and res.best["eta"] == pytest.approx(1e-4)
    assert res.plateau["eta"] and "plateau" in res.edge_text()
    # a steep edge (a factor 10 per decade) is not a plateau
    res = tune_interior(bowl({"eta": 1e-9}), {"eta": GRID}, max_extend=1)
    assert res.edges["eta"] == "low" and not res.plateau["eta"]


def test_two_axes_walk_to_an_off_grid_optimum():
    scorer = bowl({"cap": 10.0, "tau_mult": 1e-4})
    res = tune_interior(scorer, {"cap": GRID, "tau_mult": GRID}, max_extend=3)
    assert res.best == pytest.approx({"cap": 10.0, "tau_mult": 1e-4})
    assert res.edges == {"cap": "", "tau_mult": ""}
    # the walk scores lines through the best, not the whole extended lattice (7 x 7 = 49)
    assert len(res.table) < 30
    # every candidate was scored once
    assert not res.table.duplicated(["cap", "tau_mult"]).any()


def test_one_value_axis_is_held_fixed():
    res = tune_interior(bowl({"eta": 1e-2, "tau_mult": 100.0}), {"eta": GRID, "tau_mult": (1.0,)})
    assert set(res.table.tau_mult) == {1.0} and res.edges["tau_mult"] == ""


def test_non_finite_scores_never_win():
    def scorer(cands):
        return pd.DataFrame({"score": [math.nan if c["eta"] >= 0.1 else (math.inf if c["eta"] <= 1e-3 else 1 / c["eta"])
                                       for c in cands]})
    res = tune_interior(scorer, {"eta": GRID}, max_extend=1)
    assert res.best["eta"] == pytest.approx(1e-2) and math.isfinite(res.best_score)
    # all non-finite: the first candidate, reported with an infinite score
    res = tune_interior(lambda c: pd.DataFrame({"score": [math.inf] * len(c)}), {"eta": GRID}, max_extend=0)
    assert res.best["eta"] == pytest.approx(1e-3) and res.best_score == math.inf


def test_validation():
    s = bowl({"eta": 1.0})
    with pytest.raises(UsageError):
        tune_interior(s, {})
    with pytest.raises(UsageError, match="increasing"):
        tune_interior(s, {"eta": (1.0, 0.1)})
    with pytest.raises(UsageError, match="increasing"):
        tune_interior(s, {"eta": (0.0, 1.0)})
    with pytest.raises(UsageError, match="max_extend"):
        tune_interior(s, {"eta": GRID}, max_extend=-1)
    with pytest.raises(RuntimeError, match="one row"):
        tune_interior(lambda c: pd.DataFrame({"score": [1.0]}), {"eta": GRID})
