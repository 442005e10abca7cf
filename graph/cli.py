"""`thaiplan` sub-commands owned by the graph folder."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Add this folder's sub-commands (none yet)."""
