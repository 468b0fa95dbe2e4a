"""``heavytail-sim check`` / ``python -m proofs_check``: run every claim check and write the report.

Only argparse is imported at module level: sympy is loaded by the claim modules inside :func:`run`.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "Machine-check the seeds' derivations with sympy and write figures/claims.md with the errata."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of the check command."""
    parser.add_argument("--out", default="figures", metavar="DIR", help="directory for claims.md (default: figures)")
    parser.add_argument("--only", default="", metavar="ID-PREFIX", help="check only claims whose id starts with this prefix")
    parser.add_argument("--no-write", action="store_true", help="print the table only; do not write claims.md")


def run(args: argparse.Namespace) -> int:
    """Run the selected checks; exit code 1 only if a check crashed (a refuted claim is a result, not an error)."""
    from .registry import Verdict, all_claims, run_claim
    from .report import markdown, table

    claims = all_claims(args.only)
    if not claims:
        print(f"no claim id starts with {args.only!r}", file=sys.stderr)
        return 2
    outcomes = [run_claim(c) for c in claims]
    print(table(outcomes))
    if not args.no_write:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        (out / "claims.md").write_text(markdown(outcomes), encoding="utf-8")
        print(f"wrote {out / 'claims.md'}")
    crashed = [o for o in outcomes if o.result.verdict is Verdict.CRASHED]
    for o in crashed:
        print(f"\n{o.claim.id} crashed:\n{o.result.details}", file=sys.stderr)
    return 1 if crashed else 0


def finding(out: Path) -> str:
    """One sentence from ``<out>/claims.md``: how many claims were verified and refuted."""
    import re

    text = (Path(out) / "claims.md").read_text(encoding="utf-8")
    summary = re.search(r"Summary: (.*?) \(of (\d+) claims\)", text)
    if summary is None:
        raise ValueError("claims.md has no summary line")
    return (f"Of {summary.group(2)} claims checked by computation: {summary.group(1)}; each refuted claim is "
            f"listed with its corrected statement in the errata of claims.md.")


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry point used by ``python -m proofs_check``."""
    parser = argparse.ArgumentParser(prog="python -m proofs_check", description=HELP)
    add_arguments(parser)
    return run(parser.parse_args(argv))
