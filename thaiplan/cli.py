"""The `thaiplan` command: one sub-command per job, each registered by the folder that owns it."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

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
    for area in (ontology_cli, graph_cli, import_cli, synth_cli, shapes_cli, server_cli):
        area.register(sub)
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
