"""The default graph a researcher queries: the set union of the data graphs, materialized at build (issue 19).

Each source document has its own named graph, so a fact two documents state sits in two graphs, and
pyoxigraph's union default graph (`use_default_graph_as_union`) is a bag: on the shipped data 6,398 rows
for 6,380 distinct triples, duplicate rows for every client. A list of default graphs is a bag too. The
build therefore copies every triple of the data graphs, once, into the store's own default graph, which
`/sparql` serves when the request names no dataset. The ontology and the search and trace indexes stay out
of it (they stay queryable by name: `GRAPH`, `FROM`, `default-graph-uri`).

A remote store gets the same set as one more named graph, `COPY_GRAPH`, published with the others (a
store's own default graph is not part of a build's atomic switch, and other clients may use it): the
server asks for it as the default graph, and leaves it out of the named graphs it serves. Before, a remote
store's default graph was the data graphs listed, a bag on Oxigraph's server and on Virtuoso alike.
The stores' `query(public=True)` is that choice (graph/store/), for `/sparql` and `thaiplan query` both.

Measured (bench/default_graph.py, bench/results/default-graph.md): the copy costs a second set of the data
quads on disk and a few seconds of build per 100k triples. The project's own queries, which need the
ontology and the indexes too, then read the copy with those graphs (`default_dataset` in
graph/store/api.py, the one rule), not pyoxigraph's union flag, which would see the copy beside the
graphs it copies (trace-up 4-30x slower).
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from thaiplan.graph.build.inputs import GRAPH_BASE, ONTOLOGY_GRAPH
from thaiplan.queries.terms import INDEX_GRAPHS
from thaiplan.rq import read_rq

# The data graphs' set union as a named graph, for a remote store (an embedded one holds it as its default).
COPY_GRAPH = GRAPH_BASE + "default"
# Graphs that are not data: the vocabulary, the build's indexes, and the copy of the data.
PRIVATE_GRAPHS = frozenset((ONTOLOGY_GRAPH, *INDEX_GRAPHS, COPY_GRAPH))


def public_graphs(graphs: Iterable[ox.NamedNode | ox.BlankNode]) -> list[ox.NamedNode]:
    """The data graphs among `graphs`, sorted: every named graph but the ontology and the indexes."""
    return sorted(
        (g for g in graphs if isinstance(g, ox.NamedNode) and g.value not in PRIVATE_GRAPHS), key=str
    )


def materialize(store: ox.Store) -> int:
    """Copy the triples of every data graph into the default graph (a set: each once); return its size."""
    for graph in public_graphs(store.named_graphs()):
        plain, with_blanks = _split(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph) or b"")
        # The bulk loader is native speed but gives blank nodes new labels; lines naming a blank node go
        # through `parse`, which keeps the labels (the store's own ids), so the copy is the same node.
        store.bulk_load(input=plain, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
        quads = ox.parse(with_blanks, format=ox.RdfFormat.N_TRIPLES)
        store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads)
    size = next(iter(store.query(read_rq("graph", "default-graph-size"))))  # type: ignore[call-overload]
    return int(size["triples"].value)


def _split(ntriples: bytes) -> tuple[bytes, bytes]:
    """N-Triples lines without a blank node, and those with one (or with ` _:` inside a literal)."""
    plain, blank = [], []
    for line in ntriples.splitlines(keepends=True):
        (blank if line.startswith(b"_:") or b" _:" in line else plain).append(line)
    return b"".join(plain), b"".join(blank)


def has_copy(store: object) -> bool:
    """True when `store` is an embedded store whose default graph holds the build's copy of the data."""
    if not isinstance(store, ox.Store):
        return False
    return next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None


def name_copy(snapshot: Path) -> int:
    """Copy a built snapshot's default graph (the set) into `COPY_GRAPH`, to publish it; return its size.

    The store is flushed, compacted and closed before returning, as `thaiplan build` leaves a snapshot
    (graph/build/pipeline.py: a reader must not meet files a background compaction deletes).
    """
    store = ox.Store(str(snapshot))
    store.update(read_rq("graph", "default-graph-name.ru"))
    size = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(COPY_GRAPH)))
    store.flush()
    store.optimize()
    del store
    gc.collect()
    return size


def named_graphs_of(store: object) -> list[ox.NamedNode]:
    """Every named graph of the store but the copy of the data, sorted: what GRAPH ?g ranges over."""
    graphs = store.named_graphs()  # type: ignore[attr-defined]
    return sorted((g for g in graphs if isinstance(g, ox.NamedNode) and g.value != COPY_GRAPH), key=str)

