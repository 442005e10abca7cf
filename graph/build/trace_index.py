"""The trace index: for every entity, everything it reaches upward with the shortest depth, as quads.

SPARQL 1.1 property paths give reachability but no depth, and a bounded UNION of fixed-length paths
enumerates every path (slow on a deep, wide hierarchy). The graph is rebuilt at each build, so the
build computes the shortest depths once, by breadth-first search over the direct `tp:supports` /
`tp:partOf` edges (either direction as written), and writes `x tpi:reachesN y` (y is N steps up from x
and no fewer) plus `tpi:reachesN tpi:depth N`. `trace-up.rq` and `trace-down.rq` read them with index
lookups; the quads number the size of the closure.

The same graph holds the closure of the class hierarchy: `a tpi:subClassOf b` for every named class b
above a (rdfs:subClassOf between IRIs, a != b). The named queries find an item's most specific type with
it by one lookup; the property path `rdfs:subClassOf+` with both ends bound is answered wrongly by
Virtuoso 7.2 (issue 7). The ontology's few dozen links make it a few dozen quads.

And each entity's most specific thaiplan type, `x tpi:mostSpecificType c` (issue 18): of x's `tp:` classes,
one that none of x's types is a subclass of, and of two such the last by IRI (the revised reform plan is a
tp:ReformPlan and a tp:PlanEdition, and shows as the first). trace-up, trace-down and search show that type;
written in the queries, the choice took two nested NOT EXISTS per row, a third of trace-down's time on a
master plan at 1M triples. One quad per typed entity.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from typing import Any

import pyoxigraph as ox

from thaiplan.queries import terms
from thaiplan.queries.execute import execute, rows
from thaiplan.rq import read_rq

_GRAPH = ox.NamedNode(terms.TRACE_INDEX_GRAPH)


# The direct upward edges, as `_trace-edges.rq` defines them: predicate → True when written upward.
EDGES = {
    terms.TP + "supports": True,
    terms.TP + "supportedBy": False,
    terms.TP + "partOf": True,
    terms.TP + "hasPart": False,
}


def edge_of(quad: ox.Quad) -> tuple[ox.NamedNode, ox.NamedNode] | None:
    """The (lower, upper) entities of a quad that is a direct upward edge between two IRIs, if it is one."""
    upward = EDGES.get(quad.predicate.value)
    if upward is None:
        return None
    low, high = (quad.subject, quad.object) if upward else (quad.object, quad.subject)
    if isinstance(low, ox.NamedNode) and isinstance(high, ox.NamedNode) and low != high:
        return low, high
    return None


# A direct link up the class hierarchy.
RDFS_SUBCLASS_OF = terms.RDFS + "subClassOf"  # not terms.SUBCLASS_OF, the closure it becomes
RDF_TYPE = terms.RDF + "type"


def class_edge_of(quad: ox.Quad) -> tuple[ox.NamedNode, ox.NamedNode] | None:
    """The (subclass, superclass) of a quad that is an rdfs:subClassOf link between two IRIs, if it is one."""
    if quad.predicate.value != RDFS_SUBCLASS_OF:
        return None
    low, high = quad.subject, quad.object
    if isinstance(low, ox.NamedNode) and isinstance(high, ox.NamedNode) and low != high:
        return low, high
    return None


def class_edges(store: Any) -> dict[ox.NamedNode, set[ox.NamedNode]]:
    """The direct subclass links of the graph: class → the named classes it is declared a subclass of."""
    return _links(store, "_class-edges", (RDFS_SUBCLASS_OF,), class_edge_of)


def upward_edges(store: Any) -> dict[ox.NamedNode, set[ox.NamedNode]]:
    """The direct upward edges of the graph: entity → the wholes and goals it is part of or supports."""
    return _links(store, "_trace-edges", EDGES, edge_of)


def _links(
    store: Any,
    rq: str,
    props: Iterable[str],
    link_of: Callable[[ox.Quad], tuple[ox.NamedNode, ox.NamedNode] | None],
) -> dict[ox.NamedNode, set[ox.NamedNode]]:
    """Links `from → {to}`: by the query `rq` on another store, by the quads of `props` on an embedded one."""
    up: dict[ox.NamedNode, set[ox.NamedNode]] = {}
    if not isinstance(store, ox.Store):  # another store: the query that defines the links
        for row in rows(execute(store, read_rq("queries", rq))):
            up.setdefault(row["from"], set()).add(row["to"])
        return up
    # An embedded store is read by pattern: the same links as the query, in a third of the time (issue 7).
    for prop in props:
        for quad in store.quads_for_pattern(None, ox.NamedNode(prop), None, None):
            link = link_of(quad)
            if link is not None:
                up.setdefault(link[0], set()).add(link[1])
    return up


def shortest_depths(up: dict[Any, set[Any]], start: Any) -> dict[Any, int]:
    """Everything reachable upward from `start` with its shortest number of steps (cycles are cut)."""
    depths: dict[Any, int] = {}
    queue = deque([(start, 0)])
    seen = {start}
    while queue:
        node, depth = queue.popleft()
        for parent in up.get(node, ()):
            if parent not in seen:
                seen.add(parent)
                depths[parent] = depth + 1
                queue.append((parent, depth + 1))
    return depths


def index_triples(store: Any) -> Iterator[ox.Quad]:
    """Quads of the trace index (graph `TRACE_INDEX_GRAPH`): every entity's upward reach, every class's
    superclasses, every typed entity's most specific type, and the index format."""
    classes = class_edges(store)
    types = types_of(store)
    return chain(
        index_quads(upward_edges(store)), class_quads(classes), type_quads(types, classes), [version_quad()]
    )


def index_quads(up: dict[ox.NamedNode, set[ox.NamedNode]]) -> Iterator[ox.Quad]:
    """Quads of the trace index of the given upward edges."""
    predicates: dict[int, ox.NamedNode] = {}
    for start in sorted(up, key=lambda n: n.value):
        for target, depth in shortest_depths(up, start).items():
            predicate = predicates.get(depth)
            if predicate is None:
                predicate = predicates[depth] = ox.NamedNode(terms.reaches(depth))
            yield ox.Quad(start, predicate, target, _GRAPH)
    depth_prop = ox.NamedNode(terms.DEPTH)
    for depth in sorted(predicates):
        yield ox.Quad(predicates[depth], depth_prop, ox.Literal(depth), _GRAPH)


def version_quad() -> ox.Quad:
    """The quad that names the format of the indexes this build writes (`terms.INDEX_FORMAT`)."""
    return ox.Quad(_GRAPH, ox.NamedNode(terms.INDEX_VERSION), ox.Literal(terms.INDEX_FORMAT), _GRAPH)


def index_version(store: Any) -> int:
    """The index format a store was built with: 0 when it names none (built before formats were named)."""
    found = [row["version"] for row in rows(execute(store, read_rq("queries", "_index-version")))]
    return max((int(v.value) for v in found if v.value.isdigit()), default=0)


def class_quads(up: dict[ox.NamedNode, set[ox.NamedNode]]) -> Iterator[ox.Quad]:
    """`a tpi:subClassOf b` for every class a of the given subclass links and every class b above it."""
    predicate = ox.NamedNode(terms.SUBCLASS_OF)
    for start in sorted(up, key=lambda n: n.value):
        for target in sorted(shortest_depths(up, start), key=lambda n: n.value):
            yield ox.Quad(start, predicate, target, _GRAPH)


def type_of(quad: ox.Quad) -> tuple[ox.NamedNode, ox.NamedNode] | None:
    """The (entity, class) of a quad that is an rdf:type between two IRIs, if it is one."""
    if quad.predicate.value != RDF_TYPE:
        return None
    if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.NamedNode):
        return quad.subject, quad.object
    return None


def types_of(store: Any) -> dict[ox.NamedNode, set[ox.NamedNode]]:
    """Every IRI's named types, in any graph (as the queries' default dataset reads `?x a ?type`)."""
    return _links(store, "_types", (RDF_TYPE,), type_of)


def type_quads(
    types: dict[ox.NamedNode, set[ox.NamedNode]], classes: dict[ox.NamedNode, set[ox.NamedNode]]
) -> Iterator[ox.Quad]:
    """`x tpi:mostSpecificType c` for every entity of `types` with a tp: type, given the subclass links."""
    predicate = ox.NamedNode(terms.MOST_SPECIFIC_TYPE)
    above = {c: set(shortest_depths(classes, c)) for c in classes}
    for entity in sorted(types, key=lambda n: n.value):
        chosen = most_specific(types[entity], above)
        if chosen is not None:
            yield ox.Quad(entity, predicate, chosen, _GRAPH)


def most_specific(
    types: set[ox.NamedNode], above: dict[ox.NamedNode, set[ox.NamedNode]]
) -> ox.NamedNode | None:
    """Of `types`, the last by IRI of the tp: classes that no type of the set is a subclass of."""
    covered = set().union(*(above.get(t, ()) for t in types))
    candidates = [t.value for t in types if t.value.startswith(terms.TP) and t not in covered]
    return ox.NamedNode(max(candidates)) if candidates else None
