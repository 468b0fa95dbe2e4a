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
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--quick", dest="mode", action="store_const", const="quick",
                      help="the outputs of 'reproduce --quick' (default)")
    mode.add_argument("--full", dest="mode", action="store_const", const="full",
                      help="the outputs of 'reproduce --full'")
    p.set_defaults(mode="quick")
    p.add_argument("--out", default=None, metavar="DIR",
                   help="root used by reproduce (default figures with --full, figures/quick with --quick)")
    p.add_argument("--seed", type=int, default=0, help="the seed reproduce used (default 0)")
    p.add_argument("--only", default=None, metavar="NAMES", help="comma-separated subset of the studies")


def run(args: argparse.Namespace) -> int:
    from experiments.reproduce import STUDIES, run_study
    from heavytail_sim.cache import CacheMiss
    from heavytail_sim.errors import UsageError

    root = Path(args.out if args.out is not None else ("figures" if args.mode == "full" else "figures/quick"))
    if not (root / ".cache").is_dir():
        raise UsageError(f"no cache under {root}: run 'heavytail-sim reproduce --{args.mode}' first")
    names = [n for n in STUDIES if n != "check"] if args.only is None else \
        [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = [n for n in names if n not in STUDIES]
    if unknown:
        raise UsageError(f"--only: unknown study {', '.join(unknown)} (choose from {', '.join(STUDIES)})")
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
