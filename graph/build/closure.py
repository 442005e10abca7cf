"""Materialized transitive closures (`tp:partOfTransitive`, `tp:supportsTransitive`) in their own graph,
and the `tp:supports` shortcut of every qualified `tp:Alignment` (ontology 0.2.0, issue 15).

Planners' traces and the named queries walk `tp:partOf` and `tp:supports` chains; the graph is read-mostly
and rebuilt atomically, so the closures are computed once per build instead of once per query.

An alignment (`x tp:alignment a . a tp:alignedTo y`) implies `x tp:supports y`; the build adds that triple to
the inferred graph when no graph asserts it (data from imports or the generator may carry alignments only),
before the closures, so `tp:supportsTransitive`, the trace index and every query that reads `tp:supports`
see it. `sparql/derive-supports.rq` defines it; this module computes it with two look-ups per property.

They are computed in Python by breadth-first search over the direct edges, not by the SPARQL property
paths of `sparql/closure-*.rq` (which define them, and which the tests compare against): pyoxigraph
evaluates `(p)+` from every subject separately, which took 5 s at a million triples (issue 7).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from thaiplan.graph.store.local import run_query
from thaiplan.ontology.namespace import INFERRED_GRAPH
from thaiplan.ontology.namespace import TP_NS as TP
from thaiplan.rq import read_rq

# Each closure property, and the properties whose chains it closes (itself included, as in the .rq files).
CLOSURES = {
    TP + "partOfTransitive": (TP + "partOf", TP + "partOfTransitive"),
    TP + "supportsTransitive": (TP + "supports", TP + "supportsTransitive"),
}

SUPPORTS = TP + "supports"
ALIGNMENT = TP + "alignment"
ALIGNED_TO = TP + "alignedTo"

Node = ox.NamedNode | ox.BlankNode
Term = ox.NamedNode | ox.BlankNode | ox.Literal


def materialize(store: ox.Store) -> dict[str, int]:
    """Add every closure to the inferred graph; return how many triples each property got."""
    store.bulk_extend(list(supports_quads(store)))
    for prop, edges_of in CLOSURES.items():
        store.bulk_extend(closure_quads(prop, direct_edges(store, edges_of)))
    return count(store)


def supports_quads(store: ox.Store) -> Iterator[ox.Quad]:
    """The inferred-graph `tp:supports` quads implied by alignments and asserted nowhere."""
    return derived_supports_quads(
        direct_edges(store, (ALIGNMENT,)),
        direct_edges(store, (ALIGNED_TO,)),
        direct_edges(store, (SUPPORTS,)),
    )


def derived_supports_quads(
    alignments: dict[Term, set[Term]], aligned_to: dict[Term, set[Term]], asserted: dict[Term, set[Term]]
) -> Iterator[ox.Quad]:
    """`x tp:supports y` for every `x tp:alignment a` and `a tp:alignedTo y` where `x tp:supports y` is not
    in `asserted`."""
    graph, supports = ox.NamedNode(INFERRED_GRAPH), ox.NamedNode(SUPPORTS)
    for subject, nodes in alignments.items():
        found = {y for node in nodes for y in aligned_to.get(node, ())} - asserted.get(subject, set())
        for supported in sorted(found, key=str):
            if not isinstance(supported, ox.Literal):
                yield ox.Quad(subject, supports, supported, graph)


def closure_quads(prop: str, edges: dict[Term, set[Term]]) -> Iterator[ox.Quad]:
    """The inferred-graph quads of one closure property, from its direct edges."""
    graph, target = ox.NamedNode(INFERRED_GRAPH), ox.NamedNode(prop)
    return (ox.Quad(s, target, o, graph) for s, o in closure_pairs(edges))


def count(store: ox.Store) -> dict[str, int]:
    """How many triples each closure property has in the inferred graph (counted by the store)."""
    rows = run_query(store, read_rq("graph", "inferred-counts"), bindings={"g": ox.NamedNode(INFERRED_GRAPH)})
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
