"""The ``heavytail-sim`` command: one sub-command per study, each defined in its own module.

Every sub-command module exposes ``HELP`` (one line), ``add_arguments(parser)`` and ``run(args) -> int``.
Heavy imports belong inside ``run`` so that ``--help`` stays fast.
"""
from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys

from .errors import UsageError

# sub-command -> module implementing it
COMMANDS: dict[str, str] = {
    "simulate": "heavytail_sim.simulate_cmd",
    "rates": "experiments.rates",
    "lower-bound": "experiments.lower_bound",
    "dimension": "experiments.dimension",
    "acclip": "experiments.acclip",
    "update-dist": "experiments.update_dist",
    "noise": "experiments.noise_diagnostics",
    "check": "proofs_check.cli",
    "reproduce": "experiments.reproduce",
    "figures": "experiments.figures",
}


def _available() -> dict[str, object]:
    mods = {}
    for name, modname in COMMANDS.items():
        if importlib.util.find_spec(modname.rsplit(".", 1)[0]) is None:
            continue
        try:
            spec = importlib.util.find_spec(modname)
        except ModuleNotFoundError:
            spec = None
        if spec is not None:
            mods[name] = importlib.import_module(modname)
    return mods


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit status 2."""

    def error(self, message: str):  # noqa: D401 - argparse's interface
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, object]]:
    parser = OneLineParser(
        prog="heavytail-sim",
        description="Simulate optimisation under heavy-tailed gradient noise, fit convergence exponents "
        "against the theory, and machine-check the derivations. Run 'heavytail-sim COMMAND --help' "
        "for the options of each command.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    mods = _available()
    for name, mod in mods.items():
        p = sub.add_parser(name, help=mod.HELP, description=getattr(mod, "DESCRIPTION", mod.HELP),
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        mod.add_arguments(p)
    return parser, mods


def main(argv: list[str] | None = None) -> int:
    parser, mods = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    return _run(mods[args.command], args.command, args, (argv if argv is not None else sys.argv[1:])[1:],
                "heavytail-sim")


def _run(module, name: str, args: argparse.Namespace, argv: list[str], prog: str) -> int:
    import time

    from .study import record_run

    t0 = time.perf_counter()
    try:
        if getattr(args, "backend", None) not in (None, "cpu") and name != "simulate":
            from .runner import Runner, using

            with using(Runner(backend=args.backend)):
                code = int(module.run(args) or 0)
        else:
            code = int(module.run(args) or 0)
    except UsageError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
    if code == 0:
        record_run(module, name, args, time.perf_counter() - t0, argv)
    return code


def standalone(module, argv: list[str] | None = None) -> int:
    """Entry point for ``python -m <study module>``: the same options and errors as the sub-command."""
    modname = getattr(getattr(module, "__spec__", None), "name", module.__name__)  # "__main__" under -m
    parser = OneLineParser(prog=f"python -m {modname}", description=getattr(module, "DESCRIPTION", module.HELP),
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    module.add_arguments(parser)
    args = parser.parse_args(argv)
    name = next((n for n, m in COMMANDS.items() if m == modname), modname)
    return _run(module, name, args, list(argv if argv is not None else sys.argv[1:]), parser.prog)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
