"""``heavytail-sim figures``: redraw every study's tables and figures from the result cache alone.

Each study is re-run with the cache of ``heavytail-sim reproduce`` in read-only mode: its expensive
parts (simulations and cached study cells) come from the cache, so only tables and plots are made;
a study with anything missing from the cache is reported, never recomputed.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from heavytail_sim.cli import standalone

HELP = "redraw all tables and figures from the cache of 'heavytail-sim reproduce' (no simulation)"
DESCRIPTION = __doc__


def add_arguments(p: argparse.ArgumentParser) -> None:
    from experiments.reproduce import add_root_arguments

    add_root_arguments(p, "the outputs of 'reproduce --quick' (default)", "the outputs of 'reproduce --full'")


def run(args: argparse.Namespace) -> int:
    from experiments.reproduce import STUDIES, run_study, selected_studies
    from heavytail_sim.cache import CacheMiss
    from heavytail_sim.errors import UsageError

    root = Path(args.out if args.out is not None else ("figures" if args.mode == "full" else "figures/quick"))
    if not (root / ".cache").is_dir():
        raise UsageError(f"no cache under {root}: run 'heavytail-sim reproduce --{args.mode}' first")
    names = selected_studies(args.only, [n for n in STUDIES if n != "check"])
    missing = []
    for name in names:
        t0 = time.perf_counter()
        try:
            run_study(name, args.mode, str(root), args.seed, force=False, read_only=True)
        except CacheMiss:
            missing.append(name)
            print(f"{name:>12}: not fully cached, skipped")
            continue
        print(f"{name:>12}: redrawn in {time.perf_counter() - t0:5.1f} s")
    if missing:
        print(f"heavytail-sim figures: not cached: {', '.join(missing)} "
              f"(run 'heavytail-sim reproduce --{args.mode}')", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(standalone(sys.modules[__name__]))
