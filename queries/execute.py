"""Running a query with bound values on whichever store the caller has.

Two kinds of store are accepted: a bare `pyoxigraph.Store` (tests, the build), queried as the embedded
store queries its snapshot (`graph/store/local.py`, `run_query`: the data with the ontology and the
indexes as the default graph), and a `GraphStore` (`graph/store/api.py`: the embedded or the remote
store, in the CLI or in a query worker), whose `query(sparql, bindings=…)` does the same on its backend.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

import pyoxigraph as ox

from thaiplan import rq
from thaiplan.graph.store.local import run_query

Term = ox.NamedNode | ox.BlankNode | ox.Literal


def execute(store: Any, sparql: str, bindings: Mapping[str, Term] | None = None) -> Any:
    """Run `sparql` with `bindings` (variable name → RDF term, never pasted into the text)."""
    if isinstance(store, ox.Store):
        # The data with the ontology and the indexes (`default_dataset`, graph/store/api.py; issue 19).
        return run_query(store, sparql, bindings=bindings or None)
    return store.query(sparql, bindings=dict(bindings or {}) or None)


@cache
def read_rq(name: str) -> str:
    """The text of `queries/<name>.rq` (package data)."""
    return rq.read_rq("queries", name)


def rows(results: Any) -> list[dict[str, Term]]:
    """SELECT results as a list of dicts from variable name (no `?`) to term, unbound ones left out."""
    names = [v.value for v in results.variables]
    return [{n: sol[n] for n in names if sol[n] is not None} for sol in results]
