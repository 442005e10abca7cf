"""Materialized transitive closures (`tp:partOfTransitive`, `tp:supportsTransitive`) in their own graph.

Planners' traces and the named queries walk `tp:partOf` and `tp:supports` chains; the graph is read-mostly
and rebuilt atomically, so the closures are computed once per build instead of once per query.

They are computed in Python by breadth-first search over the direct edges, not by the SPARQL property
paths of `sparql/closure-*.rq` (which define them, and which the tests compare against): pyoxigraph
evaluates `(p)+` from every subject separately, which took 5 s at a million triples (issue 7).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
from thaiplan.graph.inputs import INFERRED_GRAPH
from thaiplan.graph.rq import read_rq
from thaiplan.graph.store import run_query

TP = "https://w3id.org/thaiplan/ontology#"
# Each closure property, and the properties whose chains it closes (itself included, as in the .rq files).
CLOSURES = {
    TP + "partOfTransitive": (TP + "partOf", TP + "partOfTransitive"),
    TP + "supportsTransitive": (TP + "supports", TP + "supportsTransitive"),
}

Node = ox.NamedNode | ox.BlankNode
Term = ox.NamedNode | ox.BlankNode | ox.Literal


def materialize(store: ox.Store, snapshot: Path | None = None) -> dict[str, int]:
    """Add every closure to the inferred graph; return how many triples each property got.

    `snapshot` (the store's directory) is accepted for callers of the earlier SPARQL version; unused.
    """
    for prop, edges_of in CLOSURES.items():
        store.bulk_extend(closure_quads(prop, direct_edges(store, edges_of)))
    return count(store)


def closure_quads(prop: str, edges: dict[Term, set[Term]]) -> Iterator[ox.Quad]:
    """The inferred-graph quads of one closure property, from its direct edges."""
    graph, target = ox.NamedNode(INFERRED_GRAPH), ox.NamedNode(prop)
    return (ox.Quad(s, target, o, graph) for s, o in closure_pairs(edges))


def count(store: ox.Store) -> dict[str, int]:
    """How many triples each closure property has in the inferred graph (counted by the store)."""
    rows = run_query(store, read_rq("inferred-counts"), bindings={"g": ox.NamedNode(INFERRED_GRAPH)})
    found = {r["p"].value: int(r["triples"].value) for r in rows}
    return {prop: found.get(prop, 0) for prop in CLOSURES}


def direct_edges(store: ox.Store, props: Iterable[str]) -> dict[Term, set[Term]]:
    """Subject → objects of the given properties, in any named graph (the union the .rq files query)."""
    edges: dict[Term, set[Term]] = {}
    for prop in props:
        for quad in store.quads_for_pattern(None, ox.NamedNode(prop), None, None):
            edges.setdefault(quad.subject, set()).add(quad.object)
    return edges


def closure_pairs(edges: dict[Term, set[Term]]) -> Iterator[tuple[Term, Term]]:
    """Every (x, y) with a path of one or more edges from x to y (x itself only when on a cycle)."""
    for start in edges:
        seen: set[Term] = set()
        stack = list(edges[start])
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            stack.extend(edges.get(node, ()))
        yield from ((start, node) for node in seen)
