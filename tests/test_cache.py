"""ResultCache: checksummed entries; anything edited, truncated or misfiled is recomputed, never used."""
import pickle

import numpy as np
import pytest

from heavytail_sim.cache import HEADER, MAGIC, CacheMiss, ResultCache, config_key

CONFIG = {"cell": "demo", "seed": 3, "dims": (1, 10)}


def _payload():
    return {"f_avg": np.linspace(0.5, 0.01, 7), "runs": 200, "label": "gclip/pareto"}


def _stored(tmp_path):
    store = ResultCache(tmp_path)
    obj = store.cached(CONFIG, _payload)
    return store, obj, store._path(config_key(CONFIG))


def _recompute_counter():
    calls = []

    def compute():
        calls.append(1)
        return _payload()

    return calls, compute


def _assert_same(a, b):
    assert a.keys() == b.keys()
    assert np.array_equal(a["f_avg"], b["f_avg"]) and a["runs"] == b["runs"] and a["label"] == b["label"]


def test_intact_entry_is_a_hit_with_the_identical_object(tmp_path):
    _, first, path = _stored(tmp_path)
    assert path.read_bytes().startswith(MAGIC)
    store = ResultCache(tmp_path)
    calls, compute = _recompute_counter()
    again = store.cached(CONFIG, compute)
    _assert_same(again, first)
    assert calls == [] and (store.hits, store.misses) == (1, 0) and store.verify(CONFIG)
    assert store.keys_used == [config_key(CONFIG)]
    assert ResultCache(tmp_path, read_only=True).cached(CONFIG, compute)["runs"] == 200


def _edit_payload(path):
    """Unpickle the payload, scale its array by 1000, re-pickle it in place and keep the old header."""
    data = path.read_bytes()
    head, payload = data[:HEADER.size], data[HEADER.size:]
    obj = pickle.loads(payload)
    obj["f_avg"] = obj["f_avg"] * 1000
    path.write_bytes(head + pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))
    assert len(path.read_bytes()) == len(data)  # same length: only the checksum can tell


def _truncate(path):
    data = path.read_bytes()
    path.write_bytes(data[:-7])


def _truncate_header(path):
    path.write_bytes(path.read_bytes()[:HEADER.size - 5])


def _other_config(path):
    other = ResultCache(path.parents[1])
    other_key = config_key({**CONFIG, "seed": 4})
    other.put(other_key, _payload())
    path.write_bytes(other._path(other_key).read_bytes())  # a valid entry, filed under the wrong key


def _old_format(path):
    path.write_bytes(pickle.dumps(_payload(), protocol=pickle.HIGHEST_PROTOCOL))  # no header


DAMAGE = {"edited": (_edit_payload, "failed its checksum"), "truncated": (_truncate, "is truncated"),
          "truncated header": (_truncate_header, "is truncated"),
          "other configuration": (_other_config, "was stored for a different configuration"),
          "old format": (_old_format, "has no checksum header")}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_entry_is_recomputed_with_one_warning(tmp_path, capsys, damage):
    _, first, path = _stored(tmp_path)
    edit, reason = DAMAGE[damage]
    edit(path)
    capsys.readouterr()
    store = ResultCache(tmp_path)
    assert not store.verify(CONFIG)
    calls, compute = _recompute_counter()
    got = store.cached(CONFIG, compute)
    _assert_same(got, first)  # recomputed, so the true numbers, not the edited ones
    assert calls == [1] and (store.hits, store.misses) == (0, 1)
    err = capsys.readouterr().err
    key = config_key(CONFIG)
    assert err.count("\n") == 1 and f"cache entry {key[:12]} {reason}; recomputing" in err
    assert store.corrupted == [key]
    assert store.verify(CONFIG)  # overwritten by an intact entry
    fresh = ResultCache(tmp_path)
    fresh.cached(CONFIG, compute)
    assert calls == [1] and fresh.hits == 1


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_entry_in_a_read_only_cache_is_a_miss(tmp_path, capsys, damage):
    _, _, path = _stored(tmp_path)
    edit, reason = DAMAGE[damage]
    edit(path)
    capsys.readouterr()
    store = ResultCache(tmp_path, read_only=True)
    calls, compute = _recompute_counter()
    with pytest.raises(CacheMiss) as exc:
        store.cached(CONFIG, compute)
    msg = str(exc.value)
    assert "\n" not in msg and msg == f"cache entry {config_key(CONFIG)[:12]} {reason}"
    assert calls == [] and capsys.readouterr().err == ""
    assert store.get(config_key(CONFIG)) is None  # the low-level lookup never returns a damaged entry


def test_missing_entries_force_and_get(tmp_path, capsys):
    store = ResultCache(tmp_path)
    assert not store.verify(CONFIG) and store.get(config_key(CONFIG)) is None
    with pytest.raises(CacheMiss, match="no cached result"):
        ResultCache(tmp_path, read_only=True).cached(CONFIG, _payload)
    store.cached(CONFIG, _payload)
    calls, compute = _recompute_counter()
    forced = ResultCache(tmp_path, force=True)
    forced.cached(CONFIG, compute)
    assert calls == [1] and forced.misses == 1
    assert capsys.readouterr().err == ""  # a plain miss is not a warning


def test_none_results_are_cached_too(tmp_path):
    calls = []
    store = ResultCache(tmp_path)
    for _ in range(2):
        assert store.cached(CONFIG, lambda: calls.append(1)) is None
    assert calls == [1] and store.hits == 1


def test_entries_are_written_atomically(tmp_path):
    store, _, path = _stored(tmp_path)
    store.put(config_key(CONFIG), _payload())
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_cell_keys_on_its_arguments_not_on_the_runner(tmp_path):
    from heavytail_sim.cache import cell
    from heavytail_sim.runner import Runner

    calls = []

    @cell
    def square(runner, x, power=2):
        calls.append(runner)
        return x ** power

    assert square(None, 3) == 9 and len(calls) == 1  # no runner, no cache: it simply runs
    store = ResultCache(tmp_path)
    first, second = Runner(cache=store), Runner(cache=store, threads=1, progress=False)
    assert square(first, 3) == 9 and square(second, 3) == 9  # another runner, same arguments: a hit
    assert square(second, 3, power=3) == 27
    assert len(calls) == 3 and calls[1] is first and (store.hits, store.misses) == (1, 2)
    gpu = Runner.__new__(Runner)  # a cuda runner without a GPU: only its backend matters to the key
    gpu.backend, gpu.cache = "cuda", store
    assert square(gpu, 3) == 9 and store.misses == 3  # GPU results are stored apart
