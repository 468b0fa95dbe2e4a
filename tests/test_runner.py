"""The runner (heavytail_sim.runner): validation at the boundary, memory estimates, cache, backends."""
import numpy as np
import pytest

from heavytail_sim import schedules
from heavytail_sim.algorithms import Algorithm
from heavytail_sim.cache import ResultCache
from heavytail_sim.errors import ParameterError, UsageError
from heavytail_sim.noise import NoiseModel
from heavytail_sim.problems import quadratic
from heavytail_sim.runner import Runner, as_count, simulate

CFG = (quadratic(2), NoiseModel("pareto", 1.5), Algorithm("gclip"), schedules.theorem1(1.5, 1.0, 1.0))


def test_counts_accept_int_valued_floats_and_name_the_parameter():
    assert as_count(1e5, "steps") == 100000 and as_count(np.int64(3), "runs") == 3
    for bad in (0, -1, 2.5, "10", True, float("nan"), float("inf")):
        with pytest.raises(ParameterError) as err:
            as_count(bad, "runs")
        assert str(err.value).startswith("runs ")
    res = simulate(*CFG, runs=10.0, steps=1e2, seed=1)
    assert res.runs == 10 and res.checkpoints[-1] == 100


@pytest.mark.parametrize("kw,param", [({"runs": 0}, "runs"), ({"steps": 0}, "steps"), ({"seed": -1}, "seed"),
                                      ({"steps": 2 ** 60}, "steps"), ({"runs": 10 ** 13}, "runs"),
                                      ({"checkpoints": 0}, "checkpoints"), ({"threads": 0}, "threads"),
                                      ({"backend": "tpu"}, "backend")])
def test_bad_requests_fail_before_allocating(kw, param):
    args = {"runs": 10, "steps": 100, **kw}
    with pytest.raises(ParameterError) as err:
        simulate(*CFG, **args)
    assert err.value.param == param
    assert err.value.for_flag({"checkpoints": "--per-decade"}).startswith("--")


def test_memory_estimate_names_the_need():
    with pytest.raises(UsageError, match="GiB"):
        simulate(*CFG, runs=10 ** 12, steps=10)


def test_cache_returns_stored_result_and_keys_on_configuration(tmp_path):
    store = ResultCache(tmp_path)
    runner = Runner(cache=store)
    first = runner.simulate(*CFG, runs=20, steps=300, seed=1)
    again = runner.simulate(*CFG, runs=20, steps=300, seed=1)
    other = runner.simulate(*CFG, runs=20, steps=300, seed=2)
    assert (store.hits, store.misses) == (1, 2)
    assert np.array_equal(first.stats["f_avg"]["mean"], again.stats["f_avg"]["mean"])
    assert not np.array_equal(first.stats["f_avg"]["mean"], other.stats["f_avg"]["mean"])
    fresh = simulate(*CFG, runs=20, steps=300, seed=1)  # no cache: computed, the same numbers
    assert np.array_equal(fresh.stats["f_avg"]["mean"], first.stats["f_avg"]["mean"])


def test_threads_do_not_change_results():
    a = simulate(*CFG, runs=100, steps=500, seed=3, threads=1, keep_raw=True)
    b = simulate(*CFG, runs=100, steps=500, seed=3, threads=2, keep_raw=True)
    assert all(np.array_equal(a.raw[m], b.raw[m]) for m in a.raw)


def test_policy_is_explicit_there_is_no_ambient_runner_or_cache(tmp_path):
    import heavytail_sim.cache as cache
    import heavytail_sim.runner as runner

    assert not hasattr(runner, "using") and not hasattr(cache, "using") and not hasattr(cache, "active")
    store = ResultCache(tmp_path)
    Runner(cache=store).simulate(*CFG, runs=5, steps=50)
    simulate(*CFG, runs=5, steps=50)  # a one-off call without a cache never touches one
    Runner().simulate(*CFG, runs=5, steps=50)
    assert (store.hits, store.misses) == (0, 1)
