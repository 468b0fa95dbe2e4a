"""The study contract: a study is a declared object, validated once, computed, drawn and summarised.

A :class:`Study` declares

* ``name`` (the command), ``help`` (one line) and ``description`` (its ``--help`` text);
* a typed configuration schema: ``params`` maps each parameter to a :class:`Param` (type, range or
  allowed values, help), ``presets`` gives the ``quick`` and ``full`` values of every parameter, and
  ``rules`` are cross-field checks (horizons > 0, non-empty grids, keys of dict-valued settings, ...)
  that raise :class:`ConfigError` or return notices;
* ``compute(config, runner) -> tables``: the expensive part, a dict ``name -> pandas.DataFrame``; its
  simulations run through the :class:`heavytail_sim.runner.Runner` it receives (which carries the
  result cache), and its cached cells (:func:`heavytail_sim.cache.cell`) take that runner as first
  argument;
* ``draw(tables, config) -> figures``: ``name -> matplotlib Figure``, from the tables alone (no
  simulation), so that ``heavytail-sim figures`` can redraw from the saved CSVs;
* ``finding(tables) -> str``: one sentence for the README and REPORT.md.

Configuration values are plain, immutable Python data: lists are tuples, dicts have typed keys. A
configuration always holds the master ``seed`` too (default :data:`DEFAULT_SEED`, set by ``--seed``).

:func:`execute` runs a study into a folder: compute, draw (both before any file is written), then the
tables (``<name>.csv`` and, for most, ``<name>.md``), the figures (``<name>.png``) and last the completion
record ``.done.json`` holding the configuration and the SHA-256 of every table; :func:`redraw` checks
those checksums and redraws the figures from the tables. :func:`seed_for` is the one seeding rule:
a cell's seed comes from the master seed and the cell's identity, never from its sizes.
"""
from __future__ import annotations

import argparse
import ast
import hashlib
import io
import json
import math
import shlex
import sys
import threading
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

import numpy as np

from .errors import ParameterError, UsageError

DEFAULT_SEED = 0
"""The master seed used when none is given (simulations, studies, ``reproduce``): declared once, here."""
MAX_SEED = 2 ** 63 - 1
"""Largest master seed: seeds stay int64 wherever they travel."""
MODES = ("quick", "full")
_PYPLOT = threading.Lock()  # matplotlib's pyplot and mathtext are not thread-safe (Dask workers may be threads)
MARKER = ".done.json"
"""Name of the completion record a finished study run writes into its output folder."""


class ConfigError(UsageError):
    """A bad value of one configuration parameter; ``key`` names it (``--set key: message`` on the CLI)."""

    def __init__(self, key: str, message: str):
        self.key = key
        self.message = message
        super().__init__(f"--set {key}: {message}")


# --------------------------------------------------------------------------------------- value types
def _literal(text: str):
    """A ``--set`` value: a Python literal when it parses as one, else the text itself."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return text


def _show(value, width: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= width else text[:width - 3] + "..."


class Kind(ABC):
    """A parameter type: :meth:`coerce` returns the canonical value or raises ``ValueError(message)``."""

    @abstractmethod
    def coerce(self, value):
        """The canonical value of ``value``; ``ValueError(message)`` when it is not of this kind."""

    @abstractmethod
    def describe(self) -> str:
        """The kind and its range as ``--help`` shows it."""


def _num(v) -> str:
    """A bound as people write it: 1000, 10^9, 2^53, 0.5."""
    if float(v).is_integer() and abs(v) >= 10 ** 5:
        v = int(v)
        for base in (10, 2):
            e = round(math.log(v, base))
            if base ** e == v:
                return f"{base}^{e}"
    return f"{v:g}" if isinstance(v, float) else str(v)


def _bounds(lo, hi, lo_open: bool = False, hi_open: bool = False) -> str:
    if lo is not None and hi is not None:
        return f"in {'(' if lo_open else '['}{_num(lo)}, {_num(hi)}{')' if hi_open else ']'}"
    if lo is not None:
        return f"{'>' if lo_open else '>='} {_num(lo)}"
    if hi is not None:
        return f"{'<' if hi_open else '<='} {_num(hi)}"
    return ""


@dataclass(frozen=True)
class Int(Kind):
    """An integer in [lo, hi] (int-valued floats such as 1e5 accepted)."""

    lo: int | None = None
    hi: int | None = None

    def coerce(self, value):
        if isinstance(value, str):
            value = _literal(value)
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise ValueError(f"expected an integer, got {_show(value)}")
        value = int(value)
        if (self.lo is not None and value < self.lo) or (self.hi is not None and value > self.hi):
            raise ValueError(f"must be an integer {_bounds(self.lo, self.hi)}, got {value}")
        return value

    def describe(self) -> str:
        return f"int {_bounds(self.lo, self.hi)}".strip()


@dataclass(frozen=True)
class Float(Kind):
    """A finite float in the given range (``lo_open``/``hi_open``: strict bounds)."""

    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    hi_open: bool = False

    def coerce(self, value):
        if isinstance(value, str):
            value = _literal(value)
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise ValueError(f"expected a number, got {_show(value)}")
        try:
            value = float(value)
        except OverflowError:
            raise ValueError(f"expected a finite number, got {_show(value)}") from None
        if not math.isfinite(value):
            raise ValueError(f"expected a finite number, got {value}")
        bad_lo = self.lo is not None and (value <= self.lo if self.lo_open else value < self.lo)
        bad_hi = self.hi is not None and (value >= self.hi if self.hi_open else value > self.hi)
        if bad_lo or bad_hi:
            raise ValueError(f"must be {_bounds(self.lo, self.hi, self.lo_open, self.hi_open)}, got {value:g}")
        return value

    def describe(self) -> str:
        return f"float {_bounds(self.lo, self.hi, self.lo_open, self.hi_open)}".strip()


@dataclass(frozen=True)
class Bool(Kind):
    """True or False."""

    def coerce(self, value):
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        if not isinstance(value, (bool, np.bool_)):
            raise ValueError(f"expected True or False, got {_show(value)}")
        return bool(value)

    def describe(self) -> str:
        return "bool"


@dataclass(frozen=True)
class Str(Kind):
    """A string, one of ``choices`` when given."""

    choices: tuple | None = None

    def coerce(self, value):
        if not isinstance(value, str):
            raise ValueError(f"expected text, got {_show(value)}")
        value = value.strip()
        if self.choices is not None and value not in self.choices:
            raise ValueError(f"unknown value {value!r} (choose from {', '.join(self.choices)})")
        return value

    def describe(self) -> str:
        return "one of " + ", ".join(self.choices) if self.choices else "text"


@dataclass(frozen=True)
class ListOf(Kind):
    """A list of ``item`` values, stored as a tuple; on the command line a literal or comma-separated text.

    ``min_len``/``max_len`` bound its length, ``unique`` forbids repeated values, ``increasing`` asks for
    a strictly increasing sequence.
    """

    item: Kind
    min_len: int = 1
    max_len: int | None = None
    unique: bool = False
    increasing: bool = False

    def coerce(self, value):
        if isinstance(value, str):
            value = [_literal(p.strip()) for p in value.split(",") if p.strip()]
        if not isinstance(value, (list, tuple)):
            raise ValueError(f"expected a list of {self.item.describe()}, e.g. (1, 2), got {_show(value)}")
        out = []
        for i, v in enumerate(value):
            try:
                out.append(self.item.coerce(v))
            except ValueError as exc:
                raise ValueError(f"item {i}: {exc}") from None
        if len(out) < self.min_len:
            raise ValueError("must not be empty" if self.min_len == 1 and not out else
                             f"needs at least {self.min_len} values, got {len(out)}")
        if self.max_len is not None and len(out) > self.max_len:
            raise ValueError(f"takes at most {self.max_len} values, got {len(out)}")
        if self.unique and len(set(out)) != len(out):
            raise ValueError(f"has repeated values: {_show(tuple(out))}")
        if self.increasing and any(b <= a for a, b in zip(out, out[1:])):
            raise ValueError(f"must be strictly increasing, got {_show(tuple(out))}")
        return tuple(out)

    def describe(self) -> str:
        n = f"{self.min_len}+" if self.max_len is None else (
            str(self.min_len) if self.min_len == self.max_len else f"{self.min_len}-{self.max_len}")
        return f"list ({n}) of {self.item.describe()}"


@dataclass(frozen=True)
class DictOf(Kind):
    """A dict from ``key`` to ``value`` values; with ``keys`` its keys must be exactly those."""

    key: Kind
    value: Kind
    keys: tuple | None = None

    def coerce(self, value):
        if not isinstance(value, dict):
            raise ValueError(f"expected a dict {self._form()}, got {_show(value)}")
        out = {}
        for k, v in value.items():
            try:
                ck = self.key.coerce(k)
            except ValueError as exc:
                raise ValueError(f"key {k!r}: {exc}") from None
            try:
                out[ck] = self.value.coerce(v)
            except ValueError as exc:
                raise ValueError(f"[{ck!r}]: {exc}") from None
        if self.keys is not None and set(out) != set(self.keys):
            raise ValueError(f"keys must be exactly {{{', '.join(map(repr, self.keys))}}}, got "
                             f"{{{', '.join(map(repr, out))}}}")
        return {k: out[k] for k in (self.keys if self.keys is not None else sorted(out))}

    def _form(self) -> str:
        return "{" + ", ".join(f"{k!r}: ..." for k in self.keys) + "}" if self.keys else "{key: value}"

    def describe(self) -> str:
        keys = f"keys exactly {{{', '.join(map(repr, self.keys))}}}" if self.keys else f"keys {self.key.describe()}"
        return f"dict, {keys}, values {self.value.describe()}"


@dataclass(frozen=True)
class Param:
    """One configuration parameter: its type (with range or allowed values) and a one-line help."""

    kind: Kind
    help: str


Rule = Callable[[dict], Iterable[str] | None]
"""A cross-field check: raises :class:`ConfigError` for an invalid configuration, may return notices."""


def ordered(lo: str, hi: str) -> Rule:
    """The rule that parameter ``hi`` is at least parameter ``lo`` (the two ends of a grid range).

    Parameters
    ----------
    lo, hi : str
        Names of two numeric parameters.

    Returns
    -------
    callable
        A :data:`Rule` raising :class:`ConfigError` naming ``hi`` when ``cfg[hi] < cfg[lo]``.
    """
    def rule(cfg: dict) -> None:
        if cfg[hi] < cfg[lo]:
            raise ConfigError(hi, f"must be >= {lo}={cfg[lo]:g}, got {cfg[hi]:g}")

    return rule


# ------------------------------------------------------------------------------------------ the contract
@dataclass(frozen=True)
class Table:
    """A table a study writes: ``<name>.csv`` always, ``<name>.md`` when ``markdown``.

    ``header(frame, config, info)`` (optional) gives the text above the markdown table; ``info`` holds the
    ``command`` that produced it, the ``mode`` (quick or full) and the run's ``wall`` time in seconds.
    """

    name: str
    markdown: bool = True
    header: Callable[[Any, dict, dict], str] | None = None


@dataclass(frozen=True)
class Study:
    """A study: declared configuration, ``compute``, ``draw`` and ``finding`` (see the module docstring).

    Parameters
    ----------
    name : str
        The command (``heavytail-sim <name>``) and the study's name in ``reproduce --only``.
    help, description : str
        One line for command lists; the ``--help`` text (formatted as written).
    params : dict of str to Param
        The configuration schema.
    presets : dict
        ``{"quick": {...}, "full": {...}}``: a value for every parameter; validated when the study is declared.
    compute : callable
        ``compute(config, runner) -> dict of DataFrame``.
    draw : callable
        ``draw(tables, config) -> dict of matplotlib Figure`` (tables as read back from their CSVs).
    finding : callable
        ``finding(tables) -> str``.
    tables : tuple of Table
        Every table ``compute`` may return (a subset when the configuration selects parts).
    figures : tuple of str
        Every figure ``draw`` may return (without ``.png``).
    rules : tuple of callables
        Cross-field checks, in order (see :data:`Rule`).
    memory : callable, optional
        ``memory(config) -> {param: bytes}``: the peak memory each size parameter implies, checked before
        any allocation (a parameter whose need does not fit is a one-line error naming it).
    summary : callable, optional
        ``summary(tables, config) -> str`` printed after a run.
    folder : str
        Output folder name (``figures/<folder>``; default ``name`` with ``-`` replaced by ``_``).
    weight : float
        Expected share of ``reproduce``'s time (only weights its progress bar).
    backend : bool
        Whether the study offers ``--backend`` (its simulations run through the runner).
    """

    name: str
    help: str
    description: str
    params: Mapping[str, Param]
    presets: Mapping[str, Mapping[str, Any]]
    compute: Callable
    draw: Callable
    finding: Callable
    tables: tuple
    figures: tuple = ()
    rules: tuple = ()
    memory: Callable | None = None
    summary: Callable | None = None
    folder: str = ""
    weight: float = 1.0
    backend: bool = True

    def __post_init__(self):
        if not self.folder:
            object.__setattr__(self, "folder", self.name.replace("-", "_"))
        if set(self.presets) != set(MODES):
            raise ValueError(f"study {self.name}: presets must be exactly {MODES}")
        for mode, preset in self.presets.items():
            if set(preset) != set(self.params):
                missing, extra = set(self.params) - set(preset), set(preset) - set(self.params)
                raise ValueError(f"study {self.name}: preset {mode} lacks {sorted(missing)} / has unknown "
                                 f"{sorted(extra)}")
            for key, param in self.params.items():  # types and ranges; rules run when a run is configured
                try:
                    param.kind.coerce(preset[key])
                except ValueError as exc:
                    raise ValueError(f"study {self.name}: preset {mode}: {key}: {exc}") from None

    # -- configuration --------------------------------------------------------------------------------
    def validate(self, values: Mapping[str, Any], seed: int = DEFAULT_SEED) -> tuple[dict, list[str]]:
        """(configuration, notices) from raw ``values`` of every parameter; ConfigError/UsageError if invalid.

        Types and ranges first, in declaration order, then the cross-field rules, then the memory estimate.
        The configuration holds ``seed`` too.
        """
        cfg = {}
        for key, param in self.params.items():
            try:
                cfg[key] = param.kind.coerce(values[key])
            except ValueError as exc:
                raise ConfigError(key, str(exc)) from None
        cfg["seed"] = check_seed(seed)
        notices: list[str] = []
        for rule in self.rules:
            notices.extend(rule(cfg) or ())
        if self.memory is not None:
            from .memory import check_memory

            for key, need in self.memory(cfg).items():
                try:
                    check_memory(need, key, f"{key}={_show(cfg[key])}")
                except ParameterError as exc:
                    raise ConfigError(key, exc.message) from None
        return cfg, notices

    def configure(self, mode: str, overrides: Iterable[str] | Mapping[str, Any] = (),
                  seed: int = DEFAULT_SEED) -> tuple[dict, list[str]]:
        """The ``mode`` preset with ``overrides`` applied, validated: (configuration, notices).

        Parameters
        ----------
        mode : {"quick", "full"}
        overrides : sequence of "KEY=VALUE" strings (the command line's ``--set``) or a mapping
            ``--set`` values are Python literals; lists may be given as comma-separated text.
        seed : int
            Master seed (>= 0).
        """
        if mode not in self.presets:
            raise UsageError(f"unknown mode {mode!r} (choose from {', '.join(MODES)})")
        values = dict(self.presets[mode])
        items = overrides.items() if isinstance(overrides, Mapping) else (_split_override(o) for o in overrides)
        for key, value in items:
            if key == "seed":
                raise UsageError("--set seed: the master seed is set with --seed")
            if key not in self.params:
                raise UsageError(f"--set: unknown parameter {key!r} (known: {', '.join(self.params)})")
            values[key] = _literal(value) if isinstance(value, str) and not isinstance(self.params[key].kind, Str) \
                else value
        return self.validate(values, seed)

    def key(self, mode: str, config: Mapping) -> str:
        """SHA-256 of what the study's outputs depend on: study, mode, configuration, package version."""
        from . import __version__
        from .cache import config_key

        return config_key({"study": self.name, "mode": mode, "seed": int(config["seed"]), "version": __version__,
                           "config": repr(dict(config))})

    def parameter_help(self) -> str:
        """The parameters, their types and presets, for ``--help``."""
        lines = ["parameters (--set KEY=VALUE; quick / full presets):"]
        for key, p in self.params.items():
            q, f = (p.kind.coerce(self.presets[m][key]) for m in MODES)
            every = isinstance(p.kind, ListOf) and isinstance(p.kind.item, Str) and p.kind.item.choices
            shown = ["all" if every and v == p.kind.item.choices else _show(v) for v in (q, f)]
            preset = shown[0] if q == f else " / ".join(shown)
            lines.append(f"  {key}: {p.help}")
            lines.append(f"      {p.kind.describe()}; {preset}")
        return "\n".join(lines)


def _split_override(item: str) -> tuple[str, str]:
    if not isinstance(item, str) or "=" not in item:
        raise UsageError(f"--set expects KEY=VALUE, got {item!r}")
    key, text = item.split("=", 1)
    return key.strip(), text.strip()


def check_seed(seed, flag: str = "--seed") -> int:
    """The master seed as an int in [0, 2^63 - 1]; UsageError naming ``flag`` otherwise."""
    if isinstance(seed, float) and math.isfinite(seed) and seed.is_integer():
        seed = int(seed)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= int(seed) <= MAX_SEED:
        raise UsageError(f"{flag}: must be an integer in [0, {MAX_SEED}], got {_show(seed)}")
    return int(seed)


def seed_for(master: int, cell: str, **identity) -> int:
    """The seed of one cell of a study: a function of the master seed and the cell's identity only.

    ``cell`` names the cell and ``identity`` holds the parameters that define *what* it simulates (noise
    law, algorithm, dimension, ...), never its run count, horizon or other sizes: the engine gives run r
    the same numbers whatever the run count, so a larger ``runs`` extends a cell instead of reseeding it.
    The identity is hashed once (SHA-256 of its canonical JSON) and mixed with the master seed by numpy's
    SeedSequence.

    Parameters
    ----------
    master : int
        The master seed (>= 0).
    cell : str
        The cell's name, e.g. ``"rates.sc"``.
    **identity
        Plain values (numbers, strings, None, tuples).

    Returns
    -------
    int
        A seed in [0, 2^31).
    """
    text = json.dumps({"cell": cell, **identity}, sort_keys=True, default=repr)
    words = np.frombuffer(hashlib.sha256(text.encode()).digest(), dtype="<u4")
    return int(np.random.SeedSequence([check_seed(master), *map(int, words)]).generate_state(1)[0] % 2 ** 31)


# --------------------------------------------------------------------------------------- command line
def default_root(mode: str) -> Path:
    """Where the outputs of a mode go by default: ``figures`` for --full, ``figures/quick`` for --quick."""
    return Path("figures") if mode == "full" else Path("figures") / "quick"


def default_out(study: Study, mode: str) -> Path:
    """``figures/<folder>`` for --full, ``figures/quick/<folder>`` for --quick."""
    return default_root(mode) / study.folder


def add_arguments(parser: argparse.ArgumentParser, study: Study) -> None:
    """--quick/--full, --out, --seed, --set, --cache and (if the study simulates) --backend."""
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", dest="mode", action="store_const", const="quick",
                      help="the quick preset: a small, fast run (default)")
    mode.add_argument("--full", dest="mode", action="store_const", const="full",
                      help="the full preset: the run whose outputs are committed under figures/")
    parser.set_defaults(mode="quick")
    parser.add_argument("--out", default=None, metavar="DIR",
                        help=f"output directory (default figures/{study.folder} with --full, "
                             f"figures/quick/{study.folder} with --quick)")
    parser.add_argument("--seed", type=_int_text, default=DEFAULT_SEED,
                        help=f"master random seed, >= 0 (default {DEFAULT_SEED})")
    key = next(iter(study.params))
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                        help=f"override one parameter of the preset (repeatable), e.g. --set {key}="
                             f"{study.presets['quick'][key]!r}; values are Python literals, lists may be "
                             "comma-separated; the parameters are listed below")
    parser.add_argument("--cache", default=None, metavar="DIR",
                        help="simulation cache folder: finished simulations and cells are stored there and reused, "
                             "so an interrupted run resumes")
    if study.backend:
        parser.add_argument("--backend", choices=("cpu", "cuda"), default="cpu",
                            help="where the simulations run: cpu (numba, all cores; default) or cuda (a GPU, "
                                 "same random streams); results agree up to floating-point rounding")
    parser.epilog = study.parameter_help()


def _int_text(text: str):
    """argparse type of integer options: the text as an int, or the text itself (validated later with
    a message naming the option)."""
    try:
        return int(text)
    except ValueError:
        return text


def command_line(study: Study, mode: str, seed: int, out=None, overrides: Iterable[str] = ()) -> str:
    """The command that reproduces a run, as recorded in its outputs."""
    return (f"heavytail-sim {study.name} --{mode} --seed {seed}" + (f" --out {out}" if out is not None else "")
            + "".join(f" --set {shlex.quote(o)}" for o in overrides))


def check_out_dir(out: Path, study: Study, flag: str = "--out") -> None:
    """Before any work: ``out`` is a folder (or can be created) in which every output of ``study`` may be
    written; creates nothing."""
    import os

    from .io import check_writable_file

    if out.is_symlink() and not out.is_dir():
        raise UsageError(f"{flag}: '{out}' is a symbolic link to nothing")
    if out.exists():
        if not out.is_dir():
            raise UsageError(f"{flag}: '{out}' exists and is not a directory")
        if not os.access(out, os.W_OK | os.X_OK):
            raise UsageError(f"{flag}: directory '{out}' is not writable")
        for name in output_names(study):
            check_writable_file(out / name, flag=f"{flag}: output")
        return
    parent = out.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise UsageError(f"{flag}: '{parent}' is not a directory")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"{flag}: cannot create '{out}': '{parent}' is not writable")


def output_names(study: Study) -> list[str]:
    """Every file name a run of ``study`` may write in its folder."""
    names = []
    for t in study.tables:
        names.append(f"{t.name}.csv")
        if t.markdown:
            names.append(f"{t.name}.md")
    names += [f"{f}.png" for f in study.figures]
    return names + [MARKER]


def run_command(study: Study, args: argparse.Namespace) -> int:
    """``heavytail-sim <study>``: validate every option, then compute, draw and write the outputs.

    Every option and ``--set`` value is checked before any file or folder is created; an error found
    later removes the output folder again if this run created it and it is still empty.
    """
    from .io import output_dir
    from .runner import Runner

    seed = check_seed(args.seed)
    cfg, notices = study.configure(args.mode, args.overrides, seed)
    out = Path(args.out) if args.out is not None else default_out(study, args.mode)
    check_out_dir(out, study)
    for note in notices:
        print(f"heavytail-sim {study.name}: notice: {note}", file=sys.stderr, flush=True)
    runner = Runner(backend=getattr(args, "backend", "cpu"))  # a cuda runner without a GPU fails here, first
    if getattr(args, "cache", None):
        from .cache import ResultCache
        from .io import ensure_dir

        runner.cache = ResultCache(ensure_dir(args.cache, "--cache"))
    command = command_line(study, args.mode, seed, args.out, args.overrides)
    with output_dir(out, "--out") as folder:
        execute(study, args.mode, cfg, folder, runner, command)
    return 0


# ------------------------------------------------------------------------------------ running, redrawing
def _roundtrip(frame):
    """``frame`` as it reads back from its CSV (the figures of a run and of a redraw see the same data)."""
    import pandas as pd

    return pd.read_csv(io.StringIO(frame.to_csv(index=False)))


def _sha(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def execute(study: Study, mode: str, config: dict, out: Path, runner, command: str) -> dict:
    """Run ``study`` with ``config`` into the existing folder ``out``; returns the completion record.

    Compute and draw happen before any file is written, so a failure leaves the folder as it was.
    Then the tables, the figures, and last the completion record (``.done.json``: configuration, key,
    SHA-256 of each table, wall time, cache counts). Outputs of the study that this configuration does not
    produce (parts not selected) are removed, so the folder never mixes runs.
    """
    t0 = time.perf_counter()
    tables = study.compute(config, runner)
    declared = {t.name: t for t in study.tables}
    unknown = set(tables) - set(declared)
    if unknown:
        raise RuntimeError(f"study {study.name} returned undeclared tables {sorted(unknown)}")
    tables = {name: _roundtrip(frame) for name, frame in tables.items()}
    with _PYPLOT:
        return _write(study, mode, config, out, runner, command, tables, t0)


def _write(study: Study, mode: str, config: dict, out: Path, runner, command: str, tables: dict, t0: float) -> dict:
    """:func:`execute` after compute: draw, then write tables, figures and the completion record."""
    import matplotlib.pyplot as plt

    from .io import remove_stale_temps, save_figure, write_csv, write_text

    declared = {t.name: t for t in study.tables}
    figures: dict = {}
    try:
        figures = study.draw(tables, config)
        unknown = set(figures) - set(study.figures)
        if unknown:
            raise RuntimeError(f"study {study.name} drew undeclared figures {sorted(unknown)}")
        wall = time.perf_counter() - t0
        info = {"command": command, "wall": wall, "mode": mode}
        sums = {}
        remove_stale_temps(out)
        for name, frame in tables.items():
            write_csv(frame, out / f"{name}.csv")
            sums[name] = _sha(out / f"{name}.csv")
            spec = declared[name]
            if spec.markdown:
                head = spec.header(frame, config, info) if spec.header is not None else ""
                write_text(out / f"{name}.md", head + markdown_table(frame))
        for name, fig in figures.items():
            save_figure(fig, out / f"{name}.png")
    finally:
        for fig in figures.values():
            plt.close(fig)
    _remove_unproduced(study, out, tables, figures)
    cache = getattr(runner, "cache", None)
    record = {"study": study.name, "mode": mode, "seed": int(config["seed"]), "key": study.key(mode, config),
              "config": repr(config), "tables": sums, "command": command, "wall": time.perf_counter() - t0,
              "hits": getattr(cache, "hits", 0), "misses": getattr(cache, "misses", 0), "code": 0}
    write_text(out / MARKER, json.dumps(record, indent=1))
    if study.summary is not None:
        print(study.summary(tables, config))
    print(f"wrote {len(tables)} tables and {len(figures)} figures to {out} in {record['wall']:.1f} s")
    return record


def _remove_unproduced(study: Study, out: Path, tables: dict, figures: dict) -> None:
    for t in study.tables:
        if t.name not in tables:
            for ext in (".csv", ".md"):
                (out / f"{t.name}{ext}").unlink(missing_ok=True)
    for f in study.figures:
        if f not in figures:
            (out / f"{f}.png").unlink(missing_ok=True)


def read_record(out: Path) -> dict | None:
    """The completion record in ``out``, or None when missing or unreadable."""
    try:
        record = json.loads((Path(out) / MARKER).read_text())
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def damaged_tables(out: Path, record: dict) -> list[str]:
    """Why the tables listed in ``record`` cannot be used: one entry per missing or changed table."""
    problems = []
    sums = record.get("tables")
    if not isinstance(sums, dict):
        return ["the completion record lists no tables (written by an older version)"]
    for name, digest in sums.items():
        path = Path(out) / f"{name}.csv"
        try:
            if _sha(path) != digest:
                problems.append(f"{path.name} was changed since it was written")
        except OSError:
            problems.append(f"{path.name} is missing")
    return problems


def completed(out: Path, key: str) -> dict | None:
    """The completion record in ``out`` if it was written for configuration ``key`` and its tables are intact."""
    record = read_record(out)
    if record is None or record.get("key") != key or damaged_tables(out, record):
        return None
    return record


def load_tables(study: Study, out: Path) -> tuple[dict, dict]:
    """(tables, configuration) of the completed run in ``out``, every table checked against its checksum.

    Raises
    ------
    UsageError
        No completion record, a record of another study, or a missing or changed table (one line).
    """
    import pandas as pd

    record = read_record(out)
    if record is None or record.get("study") != study.name:
        raise UsageError(f"{study.name}: no completed run in '{out}' (run 'heavytail-sim reproduce' or "
                         f"'heavytail-sim {study.name}' first)")
    problems = damaged_tables(out, record)
    if problems:
        raise UsageError(f"{study.name}: cannot redraw from '{out}': {'; '.join(problems)}")
    try:
        values = ast.literal_eval(record["config"])
        seed = values.pop("seed")
        config, _ = study.validate(values, seed)
    except (KeyError, ValueError, SyntaxError, TypeError, AttributeError) as exc:
        raise UsageError(f"{study.name}: the completion record in '{out}' holds no valid configuration ({exc})") \
            from None
    return {name: pd.read_csv(Path(out) / f"{name}.csv") for name in record["tables"]}, config


def redraw(study: Study, out: Path) -> tuple[list[Path], str]:
    """Redraw every figure of the completed run in ``out`` from its saved tables (no simulation).

    All tables are checked (present, unchanged since written) and every figure is drawn before any
    file is written.

    Returns
    -------
    (list of pathlib.Path, str)
        The figures written and the study's finding.
    """
    import matplotlib.pyplot as plt

    from .io import save_figure

    tables, config = load_tables(study, out)
    with _PYPLOT:
        figures = study.draw(tables, config)
        try:
            written = [save_figure(fig, Path(out) / f"{name}.png") for name, fig in figures.items()]
        finally:
            for fig in figures.values():
                plt.close(fig)
    return written, study.finding(tables)


# -------------------------------------------------------------------------------------------- tables
def markdown_table(frame, digits: int = 4) -> str:
    """A pandas DataFrame as a GitHub markdown table, floats with ``digits`` significant digits."""
    def cell(text: str) -> str:
        # a bar would end the cell and a line break the row: text such as E|xi|^p stays one cell
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")

    def fmt(v) -> str:
        if isinstance(v, (float, np.floating)):
            return f"{v:.{digits}g}"
        return cell(str(v))

    lines = ["| " + " | ".join(cell(str(c)) for c in frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(fmt(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines) + "\n"


def array_bytes(*shape: int) -> int:
    """Bytes of a float64 array of this shape (for :attr:`Study.memory` estimates)."""
    return 8 * math.prod(int(s) for s in shape)
