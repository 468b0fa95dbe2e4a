"""A content-addressed result cache for simulations and study cells.

A :class:`heavytail_sim.runner.Runner` given a :class:`ResultCache` looks every simulation up first:
the key is a SHA-256 of the full configuration (problem arrays, noise, algorithm, schedule, runs, steps,
seed, checkpoints, statistics asked for, package version). A study's expensive functions are cached the
same way with :func:`cell`, through the runner they receive. A finished result is stored atomically
(temporary file + rename), so an interrupted sweep resumes where it stopped and never reads a
half-written entry.

Every entry carries a checksum header (:data:`HEADER`): the SHA-256 of its configuration key and the
SHA-256 and length of its payload. An entry that fails any of them (edited, truncated, stored for
another configuration, or written by an older version without a header) is a miss: it is recomputed
with a one-line warning on stderr, or raises :class:`CacheMiss` in a read-only cache. It is never used.
:meth:`ResultCache.verify` checks an entry without loading it.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import pickle
import stat
import struct
import sys
from pathlib import Path

import numpy as np

from .io import atomic_path, ensure_dir


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
    """A read-only cache was asked for something it does not hold intact."""


MAGIC = b"HTSCACHE"
"""First bytes of every cache entry."""
FORMAT = 1
"""Version of the entry layout (:data:`HEADER`)."""
HEADER = struct.Struct("<8sH32s32sQ")
"""Entry header: magic, format version, SHA-256 of the configuration key, SHA-256 and length of the payload."""
_CHUNK = 1 << 20


def _key_digest(key: str) -> bytes:
    """32 bytes identifying the configuration: the key itself when it is a SHA-256 hex digest."""
    try:
        raw = bytes.fromhex(key)
    except ValueError:
        raw = b""
    return raw if len(raw) == 32 else hashlib.sha256(key.encode()).digest()


class _HashingWriter:
    """A write-only file wrapper that hashes and counts what passes through it."""

    def __init__(self, fh):
        self.fh = fh
        self.sha = hashlib.sha256()
        self.size = 0

    def write(self, data) -> int:
        view = memoryview(data)
        self.sha.update(view)
        self.size += view.nbytes
        return self.fh.write(view)


class ResultCache:
    """Checksummed, pickled results under ``root/<key[:2]>/<key>.pkl``.

    Each entry is a :data:`HEADER` (magic, format version, SHA-256 of its configuration key, SHA-256
    and length of the payload) followed by the payload, a pickle. On reading, the header, the key and
    the payload's length and hash are verified before anything is unpickled; an entry that fails
    (edited, truncated, stored under another configuration, written in an older layout) is never used:
    it counts as a miss, is recomputed and overwritten, with one warning line on stderr naming it.

    Parameters
    ----------
    root : str or os.PathLike
        The cache folder (created if missing).
    force : bool
        Recompute and overwrite every entry asked for.
    read_only : bool
        Never compute: an entry that is missing or fails its checks raises :class:`CacheMiss` (used to
        redraw figures from the cache alone).

    Attributes
    ----------
    hits, misses : int
        Lookups answered from the cache / computed (or refused when read-only).
    corrupted : list of str
        Keys of the entries found damaged during this object's lifetime.
    """

    def __init__(self, root: str | os.PathLike, force: bool = False, read_only: bool = False):
        self.root = ensure_dir(root)
        self.force = force
        self.read_only = read_only
        self.hits = 0
        self.misses = 0
        self.corrupted: list[str] = []
        self._used: dict[str, None] = {}

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.pkl"

    @property
    def keys_used(self) -> list[str]:
        """The keys looked up through :meth:`cached`, in first-use order (what a study needs)."""
        return list(self._used)

    def _check(self, key: str, fh) -> str | None:
        """Why the open entry ``fh`` cannot be used for ``key`` (None if intact); leaves fh after the header."""
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            return "is not a regular file"
        head = fh.read(HEADER.size)
        if len(head) < HEADER.size:
            return "is truncated" if MAGIC.startswith(head[:len(MAGIC)]) else "has no checksum header"
        magic, version, key_sha, payload_sha, length = HEADER.unpack(head)
        if magic != MAGIC:
            return "has no checksum header"
        if version != FORMAT:
            return f"has an unknown format version {version}"
        if key_sha != _key_digest(key):
            return "was stored for a different configuration"
        sha = hashlib.sha256()
        size = 0
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            sha.update(chunk)
            size += len(chunk)
        if size < length:
            return "is truncated"
        if size != length or sha.digest() != payload_sha:
            return "failed its checksum"
        fh.seek(HEADER.size)
        return None

    def _lookup(self, key: str) -> tuple[bool, object, str | None]:
        """(found, object, reason the entry was rejected or None) for ``key``; no counting."""
        try:
            fh = open(self._path(key), "rb")
        except FileNotFoundError:
            return False, None, None
        except OSError as exc:
            return False, None, f"cannot be read ({exc.strerror})"
        with fh:
            try:
                reason = self._check(key, fh)
                if reason is not None:
                    return False, None, reason
                return True, pickle.load(fh), None
            except OSError as exc:
                return False, None, f"cannot be read ({exc.strerror})"
            except Exception as exc:  # intact bytes that no longer unpickle (e.g. a renamed class)
                return False, None, f"could not be unpickled ({type(exc).__name__})"

    def _rejected(self, key: str, reason: str) -> str:
        self.corrupted.append(key)
        return f"cache entry {key[:12]} {reason}"

    def verify_key(self, key: str) -> bool:
        """Whether the entry for ``key`` is present and intact (header, key, length, checksum); never unpickles."""
        try:
            with open(self._path(key), "rb") as fh:
                return self._check(key, fh) is None
        except OSError:
            return False

    def verify(self, config: dict) -> bool:
        """Whether the entry for ``config`` is present and intact, without loading it.

        Parameters
        ----------
        config : dict
            A configuration as passed to :meth:`cached`.

        Returns
        -------
        bool
            True when a lookup would be a hit (ignoring ``force``).
        """
        return self.verify_key(config_key(config))

    def get(self, key: str):
        """The stored object, or ``None`` (also when ``force`` is set or the entry is damaged).

        A damaged entry is reported on stderr in one line (unless the cache is read-only: then the
        caller decides).
        """
        if self.force:
            self.misses += 1
            return None
        found, obj, reason = self._lookup(key)
        if not found:
            self.misses += 1
            if reason is not None:
                message = self._rejected(key, reason)
                if not self.read_only:
                    _warn(f"{message}; recomputing")
            return None
        self.hits += 1
        return obj

    def put(self, key: str, obj) -> None:
        """Store ``obj`` under ``key`` atomically, with its checksum header."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path) as tmp, open(tmp, "r+b") as fh:
            fh.write(bytes(HEADER.size))  # placeholder until the payload's hash is known
            writer = _HashingWriter(fh)
            pickle.dump(obj, writer, protocol=pickle.HIGHEST_PROTOCOL)
            fh.seek(0)
            fh.write(HEADER.pack(MAGIC, FORMAT, _key_digest(key), writer.sha.digest(), writer.size))

    def cached(self, config: dict, compute):
        """``compute()``'s result for ``config``, computed at most once across runs of the program.

        Parameters
        ----------
        config : dict
            Everything the result depends on (plain data; see :func:`config_key`).
        compute : callable
            No arguments; returns the (picklable) result.

        Returns
        -------
        object
            The stored result when an intact entry exists (and not ``force``), else ``compute()``'s,
            which is then stored.

        Raises
        ------
        CacheMiss
            Read-only cache and no intact entry; the message says which, and why.
        """
        key = config_key(config)
        self._used[key] = None
        found, obj, reason = (False, None, None) if self.force else self._lookup(key)
        if found:
            self.hits += 1
            return obj
        self.misses += 1
        if reason is not None:
            message = self._rejected(key, reason)
            if self.read_only:
                raise CacheMiss(message)
            _warn(f"{message}; recomputing")
        if self.read_only:
            raise CacheMiss(f"no cached result for {str(config)[:120]}")
        obj = compute()
        self.put(key, obj)
        return obj


def _warn(message: str) -> None:
    print(f"heavytail-sim: warning: {message}", file=sys.stderr, flush=True)


def cell(fn):
    """Decorator for the expensive, deterministic parts of a study: ``fn(runner, *args)`` is cached in
    ``runner.cache`` under ``fn``'s name and ``args``.

    The first parameter of ``fn`` is the :class:`heavytail_sim.runner.Runner` its simulations go through;
    it is not part of the key (how a result is computed does not change it), except that results
    computed on a GPU are keyed apart (they differ in the last bits). The other arguments must be plain
    data (numbers, strings, sequences, dicts, numpy arrays, dataclasses). Without a cache (``runner`` is
    None or has none) the function simply runs.
    """
    from . import __version__

    @functools.wraps(fn)
    def wrapper(runner, *args, **kwargs):
        store = getattr(runner, "cache", None)
        if store is None:
            return fn(runner, *args, **kwargs)
        config = {"cell": f"{_module_name(fn)}.{fn.__qualname__}", "args": list(args), "kwargs": kwargs,
                  "version": __version__}
        backend = getattr(runner, "backend", "cpu")
        if backend != "cpu":
            config["backend"] = backend
        return store.cached(config, lambda: fn(runner, *args, **kwargs))

    return wrapper


def _module_name(fn) -> str:
    # a study run as ``python -m experiments.x`` has __module__ "__main__": key on its real name
    if fn.__module__ == "__main__":
        spec = getattr(sys.modules["__main__"], "__spec__", None)
        return spec.name if spec is not None else "__main__"
    return fn.__module__
