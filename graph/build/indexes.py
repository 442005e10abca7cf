"""What the build derives from the loaded graph: the closures, the search index and the trace index.

The graph is read-mostly and rebuilt atomically, so the transitive closures, the search words
(pythainlp segmentation) and the trace depths are computed once per build; the named queries then stay
index look-ups.

For large inputs they are computed from the input files in a worker process while this process
bulk-loads the same files (issue 7): the load keeps one core busy and leaves the other idle, and
everything derived depends only on the union of the files. The worker sends one N-Quads payload that is
bulk-loaded at the end. Small inputs (tests, the curated graph alone) are derived from the store here;
both ways give the same quads.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from thaiplan.graph.build import closure, search_index, trace_index
from thaiplan.graph.build.inputs import INFERRED_GRAPH, rdf_source

# Above this many bytes of input, the derived graphs are computed in a worker beside the load.
PARALLEL_BYTES = 8_000_000


@dataclass
class Derived:
    """What the build derived: triples per closure property and quads per index."""

    inferred: dict[str, int] = field(default_factory=dict)
    indexed: dict[str, int] = field(default_factory=dict)


# Adds the closures and both indexes to a loaded store (what `started` yields).
Derive = Callable[[ox.Store], Derived]


@contextlib.contextmanager
def started(files: list[tuple[Path, ox.RdfFormat]]) -> Iterator[Derive]:
    """Start deriving from the input files in a worker (when they are large); yield the call that adds
    the closures and both indexes to the loaded store.

    Enter it before the store is opened and the files loaded: the worker works meanwhile.
    """
    size = sum(Path(p).stat().st_size for p, _ in files if Path(p).is_file())
    if size < PARALLEL_BYTES or not can_fork():
        yield derive_here
        return
    # Formats travel as media types: an RdfFormat does not pickle.
    with in_worker(derive_from_files, [(str(p), f.media_type) for p, f in files]) as result:

        def load(store: ox.Store) -> Derived:
            """Wait for the worker, then bulk-load its N-Quads (they name their graphs)."""
            data, indexed, closed = result()
            if not closed:  # blank nodes in the chains: their labels differ between two parses
                closure.materialize(store)
            store.bulk_load(input=data, format=ox.RdfFormat.N_QUADS)
            return Derived(closure.count(store), indexed)

        yield load


def derive_here(store: ox.Store) -> Derived:
    """Add the closures and both indexes to a loaded store, computed from the store."""
    inferred = closure.materialize(store)
    trace = extend(store, trace_index.index_triples(store))
    search = extend(store, search_index.index_triples(store))
    return Derived(inferred, {"search-index": search, "trace-index": trace})


def materialize(store: ox.Store) -> dict[str, int]:
    """Add both indexes (and the closures) to a loaded store; return how many quads each index got."""
    return derive_here(store).indexed


def extend(store: ox.Store, quads: Iterable[ox.Quad]) -> int:
    """Write `quads` (each distinct) into the store in one bulk operation; return how many."""
    # Materialize first: the generators read the store that bulk_extend writes to.
    found = list(quads)
    store.bulk_extend(found)
    return len(found)


def derive_from_files(files: list[tuple[str, str]]) -> tuple[bytes, dict[str, int], bool]:
    """The closures and both indexes of RDF files (path, media type), as N-Quads, with the quads per index
    and whether the closures are in them (run in the build's worker)."""
    rows: set[search_index.Row] = set()
    up: dict[ox.NamedNode, set[ox.NamedNode]] = {}
    classes: dict[ox.NamedNode, set[ox.NamedNode]] = {}
    types: dict[ox.NamedNode, set[ox.NamedNode]] = {}
    subclass_of = trace_index.RDFS_SUBCLASS_OF  # locals: compared with every quad's predicate
    rdf_type = trace_index.RDF_TYPE
    chains = ClosureEdges()
    for path, media in files:
        for quad in _parse(Path(path), ox.RdfFormat.from_media_type(media)):
            prop = quad.predicate.value
            if prop in search_index.FIELD_OF:
                row = search_index.row_of(quad)
                if row is not None:
                    rows.add(row)
            if prop in trace_index.EDGES:
                edge = trace_index.edge_of(quad)
                if edge is not None:
                    up.setdefault(edge[0], set()).add(edge[1])
            elif prop == subclass_of:
                link = trace_index.class_edge_of(quad)
                if link is not None:
                    classes.setdefault(link[0], set()).add(link[1])
            elif prop == rdf_type:
                typed = trace_index.type_of(quad)
                if typed is not None:
                    types.setdefault(typed[0], set()).add(typed[1])
            chains.add(quad)
    for quad in chains.derived_supports():  # alignments' shortcuts are edges of the closure and the trace
        chains.add(quad)
        edge = trace_index.edge_of(quad)
        if edge is not None:
            up.setdefault(edge[0], set()).add(edge[1])
    trace = [
        *trace_index.index_quads(up),
        *trace_index.class_quads(classes),
        *trace_index.type_quads(types, classes),
        trace_index.version_quad(),
    ]
    search, searched = search_index.index_nquads(list(rows))
    inferred = chains.derived + [
        q for prop, edges in chains.edges.items() for q in closure.closure_quads(prop, edges)
    ]
    data = ox.serialize((inferred if chains.closed else []) + trace, format=ox.RdfFormat.N_QUADS)
    return data + search.encode(), {"search-index": searched, "trace-index": len(trace)}, chains.closed


def _parse(path: Path, fmt: ox.RdfFormat | None) -> Iterator[ox.Quad]:
    """The quads of one input file, read as the build loads it (its own base IRI, a BOM skipped)."""
    with rdf_source(path) as source:
        yield from ox.parse(format=fmt, **source)


class ClosureEdges:
    """The direct edges of each closure property, collected quad by quad (as `closure.direct_edges`)."""

    def __init__(self) -> None:
        self.edges: dict[str, dict[closure.Term, set[closure.Term]]] = {p: {} for p in closure.CLOSURES}
        self.of = {
            e: [p for p, es in closure.CLOSURES.items() if e in es]
            for es in closure.CLOSURES.values()
            for e in es
        }
        self.closed = True  # False once a blank node is met: the store's labels differ from this parse's
        # Alignment links and asserted shortcuts, from which the derived tp:supports quads come.
        self.alignment: dict[str, dict[closure.Term, set[closure.Term]]] = {
            p: {} for p in (closure.ALIGNMENT, closure.ALIGNED_TO, closure.SUPPORTS)
        }
        self.derived: list[ox.Quad] = []

    def derived_supports(self) -> list[ox.Quad]:
        """The `tp:supports` quads the alignments seen so far imply (as `closure.supports_quads`); kept."""
        links = self.alignment
        self.derived = list(
            closure.derived_supports_quads(
                links[closure.ALIGNMENT], links[closure.ALIGNED_TO], links[closure.SUPPORTS]
            )
        )
        return self.derived

    def add(self, quad: ox.Quad) -> None:
        """Count a quad in when it is an edge of a closure property (or a link of an alignment)."""
        links = self.alignment.get(quad.predicate.value)
        if links is not None and quad.graph_name != ox.NamedNode(INFERRED_GRAPH):
            links.setdefault(quad.subject, set()).add(quad.object)
        for prop in self.of.get(quad.predicate.value, ()):
            if isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode):
                self.closed = False
            self.edges[prop].setdefault(quad.subject, set()).add(quad.object)


# --- the worker process -----------------------------------------------------------------------------


def can_fork() -> bool:
    """True where worker processes can be forked."""
    return "fork" in multiprocessing.get_all_start_methods()


@contextlib.contextmanager
def in_worker(function: Callable[..., object], *args: object) -> Iterator[Callable[[], object]]:
    """Run `function(*args)` in one worker process; yield the call that waits for its result.

    fork: the worker only runs pure Python on what it is sent or reads itself (never a store of this
    process), and spawn would re-import the caller's __main__. Where fork is missing, it runs here when
    the result is asked for. A block left early (a failed build) ends the worker without waiting.
    """
    if not can_fork():
        yield lambda: function(*args)
        return
    pool = multiprocessing.get_context("fork").Pool(1, initializer=_die_with_parent)
    try:
        pending = pool.apply_async(function, args)
        yield pending.get
        pool.close()
    finally:
        pool.terminate()
        pool.join()


def _die_with_parent() -> None:
    """Have the kernel end this worker when the process that forked it dies (Linux), even by SIGKILL."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
