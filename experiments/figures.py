"""heavytail-sim figures: redraw every study's figures from its saved tables, without computing anything.

Each study's folder under the root holds the tables (CSV) a completed run wrote and its completion record
(.done.json) with the configuration and the SHA-256 of every table. For each study, every table is checked
(present, unchanged since it was written) before anything is drawn; then the figures are redrawn from the
tables and the study's finding is printed. A study with a missing or changed table is reported and left
untouched. The claim checks (--only check) are redrawn from claims.json: claims.md is rewritten from the
saved results, the checks are not re-run.

Examples:
  heavytail-sim figures --quick
  heavytail-sim figures --full --only rates,noise
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HELP = "redraw all figures from the tables of 'heavytail-sim reproduce' (no simulation)"
DESCRIPTION = __doc__


def add_arguments(p: argparse.ArgumentParser) -> None:
    from experiments.reproduce import add_root_arguments

    add_root_arguments(p, "the outputs of 'reproduce --quick' (default)", "the outputs of 'reproduce --full'")


def run(args: argparse.Namespace) -> int:
    from experiments.reproduce import CHECK, _studies, names, redraw_check, selected_studies, study_dir
    from heavytail_sim.errors import UsageError
    from heavytail_sim.study import default_root, redraw

    chosen = selected_studies(args.only, names())
    root = Path(args.out) if args.out is not None else default_root(args.mode)
    if not root.is_dir():
        raise UsageError(f"--out: no outputs under '{root}': run 'heavytail-sim reproduce --{args.mode}' first")
    failed = []
    for name in chosen:
        t0 = time.perf_counter()
        try:
            if name == CHECK:
                redraw_check(root)
                print(f"{name:>12}: claims.md rewritten from claims.json")
                continue
            study = _studies()[name]
            written, finding = redraw(study, study_dir(root, name))
        except UsageError as exc:
            failed.append(name)
            print(f"{name:>12}: not redrawn: {exc}", file=sys.stderr)
            continue
        print(f"{name:>12}: {len(written)} figures redrawn in {time.perf_counter() - t0:5.1f} s. {finding}")
    if failed:
        print(f"heavytail-sim figures: not redrawn: {', '.join(failed)} "
              f"(run 'heavytail-sim reproduce --{args.mode}')", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    from heavytail_sim.cli import standalone

    sys.exit(standalone(sys.modules[__name__], prog="python -m experiments.figures"))
