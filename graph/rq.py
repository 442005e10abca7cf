"""The SPARQL the build runs, `graph/sparql/*.rq`, read through the project's one reader (thaiplan.rq)."""

from __future__ import annotations

from thaiplan.rq import read_rq as _read


def read_rq(name: str) -> str:
    """The text of `graph/sparql/<name>.rq` (`.ru` when the name says so)."""
    return _read("graph", name)
