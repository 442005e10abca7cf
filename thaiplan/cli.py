"""The `thaiplan` command: one sub-command per job, each registered by the folder that owns it.

Every folder's `register(add)` is given `add`, this module's `add_command` bound to the command's
sub-parsers: one shape for every sub-command (its name, one-line help, description with its exit codes, and
the function that runs it), and no folder imports this module back (the command imports the folders).
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable, Sequence

from thaiplan import __version__
from thaiplan.errors import ThaiplanError


def build_parser() -> argparse.ArgumentParser:
    """Assemble the argument parser from every area's `register` function."""
    from thaiplan.graph import cli as graph_cli
    from thaiplan.graph.imports import cli as import_cli
    from thaiplan.graph.synth import command as synth_cli
    from thaiplan.ontology import cli as ontology_cli
    from thaiplan.server import cli as server_cli
    from thaiplan.shapes import cli as shapes_cli

    parser = argparse.ArgumentParser(
        prog="thaiplan",
        description="Knowledge graph of Thailand's public-sector strategic plans: "
        "build, query, validate, serve.",
    )
    parser.add_argument("--version", action="version", version=f"thaiplan {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    add = functools.partial(add_command, sub)
    for area in (ontology_cli, graph_cli, import_cli, synth_cli, shapes_cli, server_cli):
        area.register(add)
    return parser


def add_command(
    sub: argparse._SubParsersAction,
    name: str,
    run: Callable[[argparse.Namespace], int] | None,
    *,
    help: str,
    description: str | None = None,
) -> argparse.ArgumentParser:
    """Add the sub-command `name` with its help and description, run by `run` (None: it has sub-commands)."""
    parser = sub.add_parser(name, help=help, description=description)
    if run is not None:
        parser.set_defaults(func=run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one sub-command and turn known failures into a message and an exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ThaiplanError as exc:
        print(f"thaiplan {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"thaiplan {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
