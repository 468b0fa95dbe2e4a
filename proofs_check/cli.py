"""``heavytail-sim check`` / ``python -m proofs_check``: run every claim check and its mutant, write the report.

Only argparse is imported at module level: sympy is loaded by the claim modules inside :func:`run`.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "Machine-check the seeds' statements (each with a mutant that must flip) and write figures/claims.md with the errata."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of the check command."""
    parser.add_argument("--out", default="figures", metavar="DIR", help="directory for claims.md (default: figures)")
    parser.add_argument("--only", default="", metavar="ID-PREFIX", help="check only claims whose id starts with this prefix")
    parser.add_argument("--no-write", action="store_true", help="print the table only; do not write claims.md")


def run(args: argparse.Namespace) -> int:
    """Run the selected checks and their mutants.

    Exit code 1 if a check crashed or a mutant failed to flip its claim's verdict (a defect of the check);
    a refuted claim is a result, not an error. 2 if no claim matches ``--only``.
    """
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
    stuck = [o for o in outcomes if not o.mutant_flips and o.result.verdict is not Verdict.CRASHED]
    for o in stuck:
        print(f"\n{o.claim.id}: mutant {dict(o.claim.mutant)} gave {o.mutant.verdict.value}, which does not flip "
              f"{o.result.verdict.value}\n{o.mutant.details}", file=sys.stderr)
    return 1 if crashed or stuck else 0


def finding(out: Path) -> str:
    """One sentence from ``<out>/claims.md``: the verdict counts and the mutant test."""
    import re

    text = (Path(out) / "claims.md").read_text(encoding="utf-8")
    summary = re.search(r"Summary: (.*?) \(of (\d+) claims\)\. Mutants: (\d+) of (\d+)", text)
    if summary is None:
        raise ValueError("claims.md has no summary line")
    return (f"Of {summary.group(2)} claims checked by computation: {summary.group(1)}; {summary.group(3)} of "
            f"{summary.group(4)} deliberately mutated statements flip their verdict; each refuted claim is listed with its "
            f"corrected statement in the errata of claims.md.")


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry point used by ``python -m proofs_check``."""
    parser = argparse.ArgumentParser(prog="python -m proofs_check", description=HELP)
    add_arguments(parser)
    return run(parser.parse_args(argv))
