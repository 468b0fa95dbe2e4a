"""A content-addressed result cache for simulations, switched on around a block of code.

``with cache.using(ResultCache(dir)):`` makes every :func:`heavytail_sim.engine.simulate` call inside
the block look its configuration up first: the key is a SHA-256 of the full configuration (problem
arrays, noise, algorithm, schedule, runs, steps, seed, checkpoints, statistics asked for, package
version). A finished simulation is stored atomically (temporary file + rename), so an interrupted
sweep resumes where it stopped and never reads a half-written entry.
"""
from __future__ import annotations

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
    return obj


def config_key(config: dict) -> str:
    """SHA-256 hex digest of a configuration (dicts, sequences, numpy arrays, scalars)."""
    text = json.dumps(_canonical(config), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


class ResultCache:
    """Pickled results under ``root/<key[:2]>/<key>.pkl``; ``force=True`` recomputes and overwrites."""

    def __init__(self, root: str | os.PathLike, force: bool = False):
        self.root = ensure_dir(root)
        self.force = force
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
