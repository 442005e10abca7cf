"""Running a query with bound values on whichever store the caller has.

Two kinds of store are accepted: a bare `pyoxigraph.Store` (tests, the build), queried with the union of
the named graphs as the default graph, and a `GraphStore` (`graph/store/api.py`: the embedded or the remote
store, in the CLI or in a query worker), whose `query(sparql, bindings=…)` does the same on its backend.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from typing import Any

import pyoxigraph as ox

from thaiplan.graph.build.default_graph import union_graphs

Term = ox.NamedNode | ox.BlankNode | ox.Literal


def execute(store: Any, sparql: str, bindings: Mapping[str, Term] | None = None) -> Any:
    """Run `sparql` with `bindings` (variable name → RDF term, never pasted into the text)."""
    bindings = dict(bindings or {})
    if isinstance(store, ox.Store):
        # The data with the ontology and the indexes (graph/build/default_graph.py, issue 19).
        return store.query(
            sparql,
            default_graph=union_graphs(store),
            substitutions={ox.Variable(k): v for k, v in bindings.items()} or None,
        )
    return store.query(sparql, bindings=bindings or None)


@cache
def read_rq(name: str) -> str:
    """The text of `queries/<name>.rq` (package data)."""
    return files("thaiplan.queries").joinpath(f"{name}.rq").read_text(encoding="utf-8")


def rows(results: Any) -> list[dict[str, Term]]:
    """SELECT results as a list of dicts from variable name (no `?`) to term, unbound ones left out."""
    names = [v.value for v in results.variables]
    return [{n: sol[n] for n in names if sol[n] is not None} for sol in results]
