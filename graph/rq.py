"""The SPARQL that the build runs, kept in `graph/sparql/*.rq` and read as package data."""

from __future__ import annotations

from functools import cache
from importlib.resources import files


@cache
def read_rq(name: str) -> str:
    """The text of `graph/sparql/<name>.rq`."""
    return files("thaiplan.graph").joinpath("sparql", f"{name}.rq").read_text(encoding="utf-8")
