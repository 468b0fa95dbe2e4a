import math

import numpy as np
import pytest

from heavytail_sim.algorithms import Algorithm
from heavytail_sim.runner import simulate
from heavytail_sim.errors import UsageError
from heavytail_sim.noise import NoiseModel
from heavytail_sim.problems import quadratic
from heavytail_sim.schedules import constant
from heavytail_sim.tuning import grid_search, log_grid, median_ci, product_grid, robust_summary, run_seeds


def test_log_grid_and_product_grid():
    g = log_grid(1e-4, 1.0, 2)
    assert len(g) == 9 and g[0] == pytest.approx(1e-4) and g[-1] == pytest.approx(1.0)
    np.testing.assert_allclose(np.diff(np.log10(g)), 0.5)
    assert product_grid(eta=[1, 2], c=[3]) == [{"eta": 1, "c": 3}, {"eta": 2, "c": 3}]
    with pytest.raises(UsageError):
        log_grid(0.0, 1.0, 2)


def test_median_ci_order_statistics():
    x = np.arange(1.0, 101.0)  # x_(i) = i
    # n = 100, level 0.95: the classical interval is [x_(40), x_(61)] (2 P(Bin(100,1/2) <= 39) = 0.035)
    assert median_ci(x, 0.95) == (40.0, 61.0)
    assert median_ci(np.array([3.0, 1.0, 2.0]), 0.95) == (1.0, 3.0)  # n = 3 cannot reach 95%: full range


def test_median_ci_coverage():
    # 2000 samples of n = 31 from a Pareto law (median 2^(1/1.5) - 1): nominal coverage >= 95%; 3 standard
    # errors of a 2000-trial proportion at 0.95 is 0.015
    rng = np.random.default_rng(1)
    true = 2 ** (1 / 1.5) - 1
    hits = 0
    for _ in range(2000):
        lo, hi = median_ci(rng.pareto(1.5, 31), 0.95)
        hits += lo <= true <= hi
    assert hits / 2000 >= 0.95 - 0.015


def test_robust_summary_counts_inf():
    s = robust_summary(np.array([1.0, 2.0, 3.0, np.inf, 5.0]))
    assert s["median"] == 3.0 and s["nonfinite"] == 1 and s["n"] == 5


NOISE = NoiseModel("gaussian", 2.0, 1e-6)
PROB = quadratic(1, 1.0, 1.0)


def test_run_seeds_pools_independent_simulations():
    alg, sch = Algorithm("sgd"), constant(0.1)
    pooled = run_seeds(PROB, NoiseModel("pareto", 1.5, 0.3), alg, sch, seeds=[3, 4], runs=5, steps=30,
                       checkpoints=[10, 30])
    assert pooled.raw["f_last"].shape == (2, 10)
    one = simulate(PROB, NoiseModel("pareto", 1.5, 0.3), alg, sch, runs=5, steps=30, seed=4, checkpoints=[10, 30],
                   keep_raw=True)
    np.testing.assert_array_equal(pooled.raw["f_last"][:, 5:], one.raw["f_last"])
    np.testing.assert_array_equal(pooled.per_seed("f_last"), [np.median(pooled.final("f_last")[:5]),
                                                              np.median(pooled.final("f_last")[5:])])


def test_grid_search_finds_the_contraction_optimum():
    # f = x^2/2, tiny noise, 40 steps of SGD: error ~ (1 - eta)^80 / 2, smallest at eta = 1;
    # eta = 3 makes |1 - eta| = 2 and the iterate blows up, eta = 1e-3 barely moves
    grid = product_grid(eta=[1e-3, 0.1, 1.0, 3.0])
    res = grid_search(PROB, NOISE, lambda eta: (Algorithm("sgd"), constant(eta)), grid, seeds=[0, 1], runs=4,
                      steps=40, progress=False)
    assert res.best == {"eta": 1.0}
    assert res.at_edge == []
    scores = res.table.set_index("eta")["score"]
    assert scores[1.0] < 1e-10 < scores[0.1] < scores[1e-3] < scores[3.0]  # noise 1e-6: f ~ 1e-12 at eta 1
    assert list(res.table.columns) == ["eta", "score", "diverged", "seed_0", "seed_1"]
    edge = grid_search(PROB, NOISE, lambda eta: (Algorithm("sgd"), constant(eta)), grid[:3], seeds=[0], runs=2,
                       steps=40, progress=False)
    assert edge.at_edge == ["eta"]


def test_grid_search_rejects_bad_input():
    with pytest.raises(UsageError):
        grid_search(PROB, NOISE, lambda eta: (Algorithm("sgd"), constant(eta)), [], [0], 2, 10)
    with pytest.raises(UsageError):
        grid_search(PROB, NOISE, lambda eta: (Algorithm("sgd"), constant(eta)), [{"eta": 1.0}], [0], 2, 10,
                    metric="nope")
    assert math.isfinite(grid_search(PROB, NOISE, lambda eta: (Algorithm("sgd"), constant(eta)), [{"eta": 1.0}],
                                     [0], 2, 10, statistic="mean", progress=False).best_score)
