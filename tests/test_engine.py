import tracemalloc

import numpy as np
import pytest

from heavytail_sim import schedules
from heavytail_sim.algorithms import Algorithm, acclip_defaults
from heavytail_sim.engine import METRICS, Simulation, log_checkpoints, simulate
from heavytail_sim.errors import UsageError
from heavytail_sim.noise import NoiseModel
from heavytail_sim.problems import lower_bound_instance, quadratic, ripple
from heavytail_sim.reference import simulate_reference

KS = [1, 2, 7, 20, 41]
LB = lower_bound_instance(1.5, 0.05, 1)
CONFIGS = {
    "sgd-momentum-gaussian": (quadratic(3, 0.5, 2.0), NoiseModel("gaussian", 2.0, 0.7),
                              Algorithm("sgd", beta1=0.9), schedules.constant(0.05)),
    "gclip-pareto-ball": (quadratic(3, 0.5, 2.0, projection="ball", radius=0.8), NoiseModel("pareto", 1.5),
                          Algorithm("gclip"), schedules.theorem1(1.5, 1.0, 0.5)),
    "cclip-stable-percoord": (quadratic(3, 0.5, 2.0), NoiseModel("stable", [1.2, 1.6, 2.0], [1.0, 0.1, 3.0]),
                              Algorithm("cclip"), schedules.theorem3(1.4, [1.0, 0.1, 3.0], 0.5)),
    "acclip-student": (ripple(3), NoiseModel("student_t", 2.5), acclip_defaults(), schedules.constant(0.01)),
    "rmsprop-cauchy": (quadratic(3, 0.5, 2.0), NoiseModel("cauchy"), Algorithm("rmsprop"), schedules.constant(0.01)),
    "adam-pareto-ripple": (ripple(3), NoiseModel("pareto", 1.8), Algorithm("adam", beta1=0.9, beta2=0.999),
                           schedules.constant(0.02)),
    "acclip-alpha2-uniformavg": (quadratic(3, 0.5, 2.0), NoiseModel("pareto", 2.5),
                                 Algorithm("acclip", beta1=0.5, acclip_alpha=2.0, averaging="uniform"),
                                 schedules.constant(0.05)),
    "sgd-lower-bound-box": (LB.problem, LB.noise, Algorithm("sgd"), schedules.sgd_decreasing(1.0)),
}


@pytest.mark.parametrize("name", list(CONFIGS))
def test_engine_matches_numpy_reference(name):
    prob, noise, alg, sched = CONFIGS[name]
    res = simulate(prob, noise, alg, sched, runs=4, steps=41, seed=5, checkpoints=KS, keep_raw=True)
    ref = simulate_reference(prob, noise, alg, sched, runs=4, steps=41, seed=5, checkpoints=KS)
    for metric in METRICS:
        # same draws and the same arithmetic; only libm last-bit differences and the summation order of
        # norms differ, so agreement to 1e-9 relative is expected over 41 steps
        np.testing.assert_allclose(res.raw[metric], ref[metric], rtol=1e-9, atol=1e-12, err_msg=metric)


def _raw(threads, runs=64, seed=3):
    prob, noise, alg, sched = CONFIGS["gclip-pareto-ball"]
    return simulate(prob, noise, alg, sched, runs=runs, steps=3000, seed=seed, keep_raw=True, threads=threads)


def test_bit_identical_across_thread_counts_and_reproducible():
    a, b, c = _raw(1), _raw(2), _raw(2)
    for metric in METRICS:
        assert np.array_equal(a.raw[metric], b.raw[metric])
        assert np.array_equal(b.raw[metric], c.raw[metric])
    assert not np.array_equal(_raw(2, seed=4).raw["f_avg"], a.raw["f_avg"])


def test_run_streams_do_not_depend_on_number_of_runs():
    small, big = _raw(2, runs=5), _raw(2, runs=40)
    assert np.array_equal(small.raw["f_last"], big.raw["f_last"][:, :5])


def test_divergence_is_counted_not_raised():
    # eta * h = 3 doubles the error every step: overflow within ~1100 steps
    res = simulate(quadratic(2), NoiseModel("gaussian"), Algorithm("sgd"), schedules.constant(3.0),
                   runs=10, steps=2000, seed=1)
    assert res.diverged == 10
    assert res.stats["f_last"]["nonfinite"][-1] == 10 and res.stats["f_last"]["mean"][-1] == np.inf
    assert res.stats["f_last"]["nonfinite"][0] == 0


def test_partial_divergence_keeps_other_runs_finite():
    # SGD with a constant step of 1.9 under Cauchy noise stays finite; the statistics count exactly the
    # non-finite runs
    res = simulate(quadratic(1), NoiseModel("cauchy"), Algorithm("sgd"), schedules.constant(1.9),
                   runs=50, steps=500, seed=2, keep_raw=True)
    raw = res.raw["f_last"][-1]
    assert res.stats["f_last"]["nonfinite"][-1] == np.sum(~np.isfinite(raw)) == res.diverged


def _state_bytes(steps):
    prob, noise, alg, sched = CONFIGS["gclip-pareto-ball"]
    tracemalloc.start()
    res = simulate(prob, noise, alg, sched, runs=2000, steps=steps, seed=1)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    sim = Simulation(prob, noise, alg, sched, runs=2000)
    state = sum(v.nbytes for v in vars(sim).values() if isinstance(v, np.ndarray))
    return peak, state, len(res.checkpoints)


def test_memory_does_not_grow_with_steps():
    _state_bytes(100)  # warm-up: compilation and first-call allocations would dominate the peak
    p_small, s_small, c_small = _state_bytes(100)
    p_big, s_big, c_big = _state_bytes(20_000)
    assert s_small == s_big and c_big - c_small >= 20
    # the only K-dependence allowed is per checkpoint statistics (a few numbers each, R-independent),
    # plus interpreter noise; keeping the (R,) errors of every checkpoint would add 4 R 8 bytes = 64 kB
    # per extra checkpoint (> 1.2 MB here)
    assert p_big - p_small <= 100_000


def test_gclip_error_decreases_and_stats_are_consistent():
    prob, noise, alg, sched = CONFIGS["gclip-pareto-ball"]
    res = simulate(prob, noise, alg, sched, runs=400, steps=5000, seed=8)
    st = res.stats["f_avg"]
    assert st["mean"][-1] < 0.2 * st["mean"][3]
    assert np.all(st["q10"] <= st["median"]) and np.all(st["median"] <= st["q90"])
    frame = res.frame()
    assert set(frame.columns) == {"k", "metric", "statistic", "value"}


def test_log_checkpoints_and_bad_input():
    ks = log_checkpoints(10**6, 10)
    assert ks[0] == 1 and ks[-1] == 10**6 and np.all(np.diff(ks) > 0) and 55 <= len(ks) <= 62
    prob, noise, alg, sched = CONFIGS["gclip-pareto-ball"]
    with pytest.raises(UsageError):
        simulate(prob, noise, alg, sched, runs=0, steps=10)
    with pytest.raises(UsageError):
        simulate(prob, noise, alg, sched, runs=5, steps=10, checkpoints=[0, 5])
    with pytest.raises(UsageError):
        simulate(prob, NoiseModel("pareto", [1.5, 1.6]), alg, sched, runs=5, steps=10)


def test_cache_returns_stored_result_and_keys_on_configuration(tmp_path):
    from heavytail_sim.cache import ResultCache, using

    prob, noise, alg, sched = CONFIGS["gclip-pareto-ball"]
    store = ResultCache(tmp_path)
    with using(store):
        first = simulate(prob, noise, alg, sched, runs=20, steps=300, seed=1)
        again = simulate(prob, noise, alg, sched, runs=20, steps=300, seed=1)
        other = simulate(prob, noise, alg, sched, runs=20, steps=300, seed=2)
    assert (store.hits, store.misses) == (1, 2)
    assert np.array_equal(first.stats["f_avg"]["mean"], again.stats["f_avg"]["mean"])
    assert not np.array_equal(first.stats["f_avg"]["mean"], other.stats["f_avg"]["mean"])
    fresh = simulate(prob, noise, alg, sched, runs=20, steps=300, seed=1)  # outside the block: computed
    assert np.array_equal(fresh.stats["f_avg"]["mean"], first.stats["f_avg"]["mean"])
    assert len(list(tmp_path.rglob("*.pkl"))) == 2 and not list(tmp_path.rglob(".tmp-*"))


def test_cell_decorator_caches_plain_data_calls(tmp_path):
    from heavytail_sim.cache import CacheMiss, ResultCache, cell, using

    calls = []

    @cell
    def part(cfg, seed, noise):
        calls.append(seed)
        return {"value": seed * cfg["scale"]}

    cfg = {"scale": 2.0, "dims": (1, 10)}
    assert part(cfg, 1, NoiseModel("pareto", 1.5)) == {"value": 2.0}  # no cache active: just runs
    with using(ResultCache(tmp_path)):
        part(cfg, 1, NoiseModel("pareto", 1.5))
        part(cfg, 1, NoiseModel("pareto", 1.5))
        part(cfg, 2, NoiseModel("pareto", 1.5))
    assert calls == [1, 1, 2]
    with using(ResultCache(tmp_path, read_only=True)):
        assert part(cfg, 2, NoiseModel("pareto", 1.5)) == {"value": 4.0}
        with pytest.raises(CacheMiss):
            part(cfg, 3, NoiseModel("pareto", 1.5))
        with pytest.raises(TypeError):
            part(cfg, 1, object())
