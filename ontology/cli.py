"""`thaiplan ontology …` sub-commands."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `ontology` command and its sub-commands."""
    parser = sub.add_parser("ontology", help="check the ontology or write its reference page")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    check = actions.add_parser("check", help="run the HermiT reasoner: consistency and unsatisfiable classes")
    check.set_defaults(func=_not_ready)


def _not_ready(args: argparse.Namespace) -> int:
    """Placeholder until the reasoner check lands (issue #2)."""
    raise SystemExit("thaiplan ontology check: not implemented yet")
