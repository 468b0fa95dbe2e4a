"""Scaffolding shared by the study scripts in ``experiments/``: options, presets, seeds, tables.

Every study keeps its parameters in one readable place, a module-level ``CONFIGS = {"quick": {...},
"full": {...}}``; :func:`add_study_arguments` gives it the common options and :func:`resolve` turns the
parsed options into the configuration (preset plus ``--set key=value`` overrides, validated) and the
output directory (checked writable before any work starts).
"""
from __future__ import annotations

import argparse
import ast
import math
from pathlib import Path

import numpy as np

from .errors import UsageError
from .io import ensure_dir


def add_study_arguments(parser: argparse.ArgumentParser, name: str, quick_help: str = "small, fast run (default)",
                        full_help: str = "the run whose outputs are committed under figures/",
                        backend: bool = False) -> None:
    """--quick/--full, --out, --seed and --set for study ``name`` (and --backend if it runs the engine)."""
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", dest="mode", action="store_const", const="quick", help=quick_help)
    mode.add_argument("--full", dest="mode", action="store_const", const="full", help=full_help)
    parser.set_defaults(mode="quick")
    parser.add_argument("--out", default=None, metavar="DIR",
                        help=f"output directory (default figures/{name} with --full, figures/quick/{name} with --quick)")
    parser.add_argument("--seed", type=int, default=0, help="master random seed (default 0)")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                        help="override one parameter of the preset (repeatable), e.g. --set runs=200; "
                             "values are Python literals")
    if backend:
        parser.add_argument("--backend", choices=("cpu", "cuda"), default="cpu",
                            help="where the simulations run: cpu (numba, all cores; default) or cuda (a GPU, "
                                 "same random streams); results agree up to floating-point rounding")


def default_out(name: str, mode: str) -> Path:
    return Path("figures") / name if mode == "full" else Path("figures") / "quick" / name


def _coerce(key: str, text: str, current):
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        value = text
    if isinstance(current, bool):
        if not isinstance(value, bool):
            raise UsageError(f"--set {key}: expected True or False, got {text!r}")
        return value
    if isinstance(current, int) and not isinstance(current, bool):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            raise UsageError(f"--set {key}: expected an integer, got {text!r}")
        return value
    if isinstance(current, float):
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
            raise UsageError(f"--set {key}: expected a finite number, got {text!r}")
        return float(value)
    if current is not None and not isinstance(value, type(current)):
        if isinstance(current, (tuple, list)) and isinstance(value, (tuple, list)):
            return type(current)(value)
        raise UsageError(f"--set {key}: expected a {type(current).__name__}, got {text!r}")
    return value


def apply_overrides(config: dict, overrides: list[str]) -> dict:
    """A copy of ``config`` with each ``key=value`` applied; UsageError for unknown keys or bad values."""
    cfg = dict(config)
    for item in overrides:
        if "=" not in item:
            raise UsageError(f"--set expects KEY=VALUE, got {item!r}")
        key, text = item.split("=", 1)
        key = key.strip()
        if key not in cfg:
            raise UsageError(f"--set: unknown parameter {key!r} (known: {', '.join(sorted(cfg))})")
        cfg[key] = _coerce(key, text.strip(), cfg[key])
    return cfg


def resolve(args: argparse.Namespace, configs: dict, name: str) -> tuple[dict, Path]:
    """(configuration, output directory) for parsed study options; the directory exists and is writable."""
    cfg = apply_overrides(configs[args.mode], getattr(args, "overrides", []) or [])
    out = ensure_dir(args.out if args.out is not None else default_out(name, args.mode))
    return cfg, out


def derive_seed(*parts: int) -> int:
    """A 32-bit seed derived from integers (master seed, cell indices) with numpy's SeedSequence."""
    return int(np.random.SeedSequence([int(p) for p in parts]).generate_state(1)[0])


def markdown_table(frame, digits: int = 4) -> str:
    """A pandas DataFrame as a GitHub markdown table, floats with ``digits`` significant digits."""
    def fmt(v) -> str:
        if isinstance(v, (float, np.floating)):
            return f"{v:.{digits}g}"
        return str(v)

    lines = ["| " + " | ".join(map(str, frame.columns)) + " |", "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(fmt(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines) + "\n"


# --- completion markers: a study run that finished writes <out>/.done.json, so that
# `heavytail-sim reproduce` can skip a study whose outputs are complete for the same configuration.

MARKER = ".done.json"


def identity(name: str, mode: str, seed: int, config: dict) -> dict:
    """What a study's outputs depend on: study, preset (with overrides applied), seed, package version."""
    from . import __version__

    return {"study": name, "mode": mode, "seed": int(seed), "version": __version__, "config": repr(config)}


def completed(out: Path, key: str) -> dict | None:
    """The completion record in ``out`` if it was written for configuration ``key``, else None."""
    import json

    path = Path(out) / MARKER
    if not path.exists():
        return None
    try:
        record = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return record if record.get("key") == key else None


def mark_completed(out: Path, record: dict) -> None:
    """Write the completion record (it must hold ``key``) atomically."""
    import json

    from .io import write_text

    write_text(Path(out) / MARKER, json.dumps(record, indent=1))


def record_run(module, name: str, args: argparse.Namespace, wall: float, argv: list[str]) -> None:
    """After a successful study run: mark its output directory complete (no-op for non-studies)."""
    from .cache import config_key

    configs = getattr(module, "CONFIGS", None)
    mode = getattr(args, "mode", None)
    if configs is None or mode not in configs:
        return
    cfg = apply_overrides(configs[mode], getattr(args, "overrides", []) or [])
    out = Path(args.out) if getattr(args, "out", None) else default_out(name, mode)
    if not out.is_dir():
        return
    key = config_key(identity(name, mode, getattr(args, "seed", 0), cfg))
    mark_completed(out, {"study": name, "key": key, "code": 0, "wall": wall, "hits": 0, "misses": 0,
                         "command": "heavytail-sim " + " ".join([name] + argv)})


def write_table(frame, out: Path, name: str, digits: int = 4) -> None:
    """``<out>/<name>.csv`` and its markdown twin ``<name>.md``, both written atomically."""
    from .io import write_csv, write_text

    write_csv(frame, Path(out) / f"{name}.csv")
    write_text(Path(out) / f"{name}.md", markdown_table(frame, digits))


def read_table(out: Path, name: str):
    """The CSV table ``<out>/<name>.csv`` as a DataFrame (for findings and redrawing)."""
    import pandas as pd

    return pd.read_csv(Path(out) / f"{name}.csv")


def check_outputs(out: Path, tables=(), files=()) -> None:
    """Before any work: each table's ``.csv`` and ``.md`` and each named file in ``out`` can be written."""
    from .io import check_writable_file

    for name in tables:
        for ext in (".csv", ".md"):
            check_writable_file(Path(out) / f"{name}{ext}")
    for name in files:
        check_writable_file(Path(out) / name)
