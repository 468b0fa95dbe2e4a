"""The ``heavytail-sim`` command: the studies of the registry, and the tool commands.

A study (a :class:`heavytail_sim.study.Study`, declared in ``experiments/`` and listed once by
``experiments.registry``) becomes a sub-command with the common study options (``--quick``/``--full``,
``--out``, ``--seed``, ``--set``, ``--cache``, ``--backend``). A tool command is a module with ``HELP``
(one line), optionally ``DESCRIPTION``, ``add_arguments(parser)`` and ``run(args) -> int``: ``simulate``
and ``diagnose`` from this package, ``check`` from ``proofs_check``, and the registry's ``reproduce`` and
``figures``. Heavy imports belong inside ``run`` so that ``--help`` stays fast.
"""
from __future__ import annotations

import argparse
import sys

from .errors import UsageError
from .study import Study


def commands() -> dict[str, object]:
    """Every sub-command in help order: name -> Study or tool module (parts not installed are left out)."""
    from . import diagnose_cmd, simulate_cmd

    cmds: dict[str, object] = {"simulate": simulate_cmd}
    try:
        from experiments.registry import STUDIES, TOOLS
    except ImportError:  # the library installed without the studies
        STUDIES, TOOLS = {}, {}
    cmds.update(STUDIES)
    try:
        from proofs_check import cli as check
    except ImportError:
        check = None
    if check is not None:
        cmds["check"] = check
    cmds["diagnose"] = diagnose_cmd
    cmds.update(TOOLS)
    return cmds


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit status 2."""

    def error(self, message: str):  # noqa: D401 - argparse's interface
        self.exit(2, f"{self.prog}: error: {message}\n")


def _help(command) -> str:
    return command.help if isinstance(command, Study) else command.HELP


def _description(command) -> str:
    if isinstance(command, Study):
        return command.description
    return getattr(command, "DESCRIPTION", None) or command.HELP


def add_command_arguments(parser: argparse.ArgumentParser, command) -> None:
    """The options of ``command`` (a Study or a tool module)."""
    if isinstance(command, Study):
        from .study import add_arguments

        add_arguments(parser, command)
    else:
        command.add_arguments(parser)


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, object]]:
    """The top-level parser with one sub-parser per command, and the commands by name."""
    parser = OneLineParser(
        prog="heavytail-sim",
        description="Simulate optimisation under heavy-tailed gradient noise, fit convergence exponents "
        "against the theory, and machine-check the derivations. Run 'heavytail-sim COMMAND --help' "
        "for the options of each command.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    cmds = commands()
    for name, command in cmds.items():
        p = sub.add_parser(name, help=_help(command), description=_description(command),
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        add_command_arguments(p, command)
    return parser, cmds


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``heavytail-sim``; returns the exit status."""
    parser, cmds = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    return run(cmds[args.command], args, "heavytail-sim")


def run(command, args: argparse.Namespace, prog: str) -> int:
    """Run a parsed command: a bad input is one line on stderr and exit status 2, Ctrl-C exit status 130."""
    try:
        if isinstance(command, Study):
            from .study import run_command

            return run_command(command, args)
        return int(command.run(args) or 0)
    except UsageError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130


def standalone(command, argv: list[str] | None = None, prog: str | None = None) -> int:
    """Entry point of ``python -m <module>`` for a study or a tool module: the sub-command's options and errors.

    Parameters
    ----------
    command : Study or module
        What to run.
    argv : list of str, optional
        The arguments (default ``sys.argv[1:]``).
    prog : str, optional
        Program name in messages (default: ``python -m <module>`` for a module, ``heavytail-sim <name>``
        for a study; a study module passes ``python -m`` and its own name).
    """
    if prog is None:
        if isinstance(command, Study):
            prog = f"heavytail-sim {command.name}"
        else:
            modname = getattr(getattr(command, "__spec__", None), "name", command.__name__)  # "__main__" under -m
            prog = f"python -m {modname}"
    parser = OneLineParser(prog=prog, description=_description(command),
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    add_command_arguments(parser, command)
    return run(command, parser.parse_args(argv), parser.prog)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
