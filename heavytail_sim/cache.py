"""A content-addressed result cache for simulations, switched on around a block of code.

``with cache.using(ResultCache(dir)):`` makes every :func:`heavytail_sim.engine.simulate` call inside
the block look its configuration up first: the key is a SHA-256 of the full configuration (problem
arrays, noise, algorithm, schedule, runs, steps, seed, checkpoints, statistics asked for, package
version). A finished simulation is stored atomically (temporary file + rename), so an interrupted
sweep resumes where it stopped and never reads a half-written entry.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import pickle
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from .io import ensure_dir

_LOCAL = threading.local()  # one stack of active caches per thread (Dask workers may be threads)


def _stack() -> list:
    if not hasattr(_LOCAL, "stack"):
        _LOCAL.stack = []
    return _LOCAL.stack


def _canonical(obj):
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {"__dataclass__": type(obj).__qualname__, **_canonical(dataclasses.asdict(obj))}
    if isinstance(obj, np.ndarray):
        return {"__array__": obj.dtype.str, "shape": list(obj.shape), "data": obj.ravel().tolist()}
    if isinstance(obj, (np.floating, np.integer)):
        return obj.item()
    if isinstance(obj, dict):
        return {str(k): _canonical(v) for k, v in sorted(obj.items())}
    if isinstance(obj, (list, tuple)):
        return [_canonical(v) for v in obj]
    if isinstance(obj, float) and not np.isfinite(obj):
        return repr(obj)
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    raise TypeError(f"cannot key a cache entry on a {type(obj).__name__}: cells take plain data")


def config_key(config: dict) -> str:
    """SHA-256 hex digest of a configuration (dicts, sequences, numpy arrays, scalars)."""
    text = json.dumps(_canonical(config), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


class CacheMiss(LookupError):
    """A read-only cache was asked for something it does not hold."""


class ResultCache:
    """Pickled results under ``root/<key[:2]>/<key>.pkl``.

    ``force=True`` recomputes and overwrites; ``read_only=True`` never computes: a missing entry raises
    :class:`CacheMiss` (used to redraw figures from the cache alone).
    """

    def __init__(self, root: str | os.PathLike, force: bool = False, read_only: bool = False):
        self.root = ensure_dir(root)
        self.force = force
        self.read_only = read_only
        self.hits = 0
        self.misses = 0

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.pkl"

    def get(self, key: str):
        """The stored object, or ``None`` (also when ``force`` is set or the entry is unreadable)."""
        path = self._path(key)
        if self.force or not path.exists():
            self.misses += 1
            return None
        try:
            with open(path, "rb") as fh:
                obj = pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError):
            self.misses += 1
            return None
        self.hits += 1
        return obj

    def put(self, key: str, obj) -> None:
        """Store ``obj`` atomically."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def cached(self, config: dict, compute):
        """``compute()``'s result for ``config``, computed at most once across runs of the program."""
        key = config_key(config)
        obj = self.get(key)
        if obj is None:
            if self.read_only:
                raise CacheMiss(f"no cached result for {str(config)[:120]}")
            obj = compute()
            self.put(key, obj)
        return obj


@contextmanager
def using(cache: ResultCache):
    """Make ``cache`` the active cache of this thread inside the block (nesting allowed; the innermost wins)."""
    _stack().append(cache)
    try:
        yield cache
    finally:
        _stack().pop()


def active() -> ResultCache | None:
    """The innermost active cache, or ``None``."""
    stack = _stack()
    return stack[-1] if stack else None


def cell(fn):
    """Decorator: cache ``fn``'s return value under its name and arguments while a cache is active.

    For the expensive, deterministic parts of a study (a function of its configuration and seed that
    returns tables or samples); arguments must be plain data (numbers, strings, sequences, dicts,
    numpy arrays, dataclasses). Without an active cache the function simply runs.
    """
    from . import __version__

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        store = active()
        if store is None:
            return fn(*args, **kwargs)
        config = {"cell": f"{_module_name(fn)}.{fn.__qualname__}", "args": list(args), "kwargs": kwargs,
                  "version": __version__}
        return store.cached(config, lambda: fn(*args, **kwargs))

    return wrapper


def _module_name(fn) -> str:
    # a study run as ``python -m experiments.x`` has __module__ "__main__": key on its real name
    import sys

    if fn.__module__ == "__main__":
        spec = getattr(sys.modules["__main__"], "__spec__", None)
        return spec.name if spec is not None else "__main__"
    return fn.__module__
