"""The one store interface (issue 14): what the CLI, the server and its workers need of a graph store.

Two implementations, chosen once at start-up from the configuration (`graph/store/backend.py`):
`EmbeddedStore` (pyoxigraph snapshots in a directory, `graph/store/local.py`) and `RemoteStore` (a SPARQL
1.1 store over HTTP, `graph/store/remote.py`). A store reads one build at a time, the one `use` chose; it
never moves to a newer build on its own, so that the several queries of one request read the same data.

- `current()` says which build the store serves now (the embedded store reads its `CURRENT` pointer; the
  remote one reads its manifest, remembered for `THAIPLAN_STORE_MANIFEST_SECONDS`);
- `use(snapshot)` reads that build from now on (the current one when none is given), reopening only when
  it differs from the build in use: the web process reads `current()` once per request and the query
  workers are handed what it read, so neither `CURRENT` nor the manifest is read per job;
- `snapshot_id`, `named_graphs()`, `query(…)` and `dump_graph(…)` read the build in use.

Which graphs a query reads when it names none is one rule for both (`default_dataset`, issue 19).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import pyoxigraph as ox

from thaiplan.graph.build.default_graph import COPY_GRAPH, PRIVATE_GRAPHS, has_copy, public_graphs

QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
# Values bound to query variables (name without `?` → term), never pasted into the query text by callers.
Bindings = Mapping[str, ox.NamedNode | ox.BlankNode | ox.Literal]
# In a dataset: the store's own default graph (an embedded store holds the build's copy of the data there).
OWN_DEFAULT = ""


def default_dataset(
    graphs: Sequence[str], *, public: bool, copy: str | None
) -> tuple[list[str], list[str]]:
    """The dataset of a query that names none: (default graphs, named graphs), on either store (issue 19).

    `copy` is where the store holds the build's copy of the data graphs (`OWN_DEFAULT`, `COPY_GRAPH`), or
    None. The named graphs are the build's graphs but the copy. The default graph of `/sparql` (`public`)
    is the copy, a set, or without one the data graphs listed (a bag); that of the project's own queries
    is the data with the ontology and the indexes: the copy beside those, or without one every named graph.
    """
    named = [g for g in graphs if g != COPY_GRAPH]
    if copy is None:
        default = [g.value for g in public_graphs(map(ox.NamedNode, named))] if public else list(named)
    elif public:
        default = [copy]
    else:
        default = [copy, *(g for g in named if g in PRIVATE_GRAPHS)]
    return default, named


def default_graphs(store: ox.Store, *, public: bool = False) -> list[ox.NamedNode | ox.DefaultGraph]:
    """The default graph of a query that names none, as pyoxigraph takes it: `default_dataset`'s rule.

    The named graphs are left to the store: all it holds (only a remote store has a copy to leave out).
    """
    held = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    default, _named = default_dataset(held, public=public, copy=OWN_DEFAULT if has_copy(store) else None)
    return [_graph(g) for g in default]


def _graph(name: str) -> ox.NamedNode | ox.DefaultGraph:
    """A graph of a dataset as pyoxigraph names it (`OWN_DEFAULT`: the store's default graph)."""
    return ox.DefaultGraph() if name == OWN_DEFAULT else ox.NamedNode(name)


@dataclass(frozen=True)
class Snapshot:
    """One build of the graph as a reader needs to name it: its id, and (remote stores) its graphs.

    Plain data, so that it travels to a worker process with each job: a remote store's graphs come from
    its manifest, which the worker then need not read again; an embedded store opens the directory `id`.
    """

    id: str
    graphs: tuple[str, ...] = ()


@runtime_checkable
class GraphStore(Protocol):
    """A graph store reading one build at a time, whichever backend holds it."""

    def current(self, fresh: bool = False) -> Snapshot | None:
        """The build the store serves now, or None when none was built (`fresh`: ask, never remember)."""
        ...

    def use(self, snapshot: Snapshot | None = None) -> Snapshot:
        """Read `snapshot` (default: the current build) from now on; ThaiplanError when there is none."""
        ...

    @property
    def snapshot_id(self) -> str:
        """The id of the build in use (changes with every build; used for ETags)."""
        ...

    def named_graphs(self) -> list[str]:
        """IRIs of the named graphs of the build in use, sorted."""
        ...

    def query(
        self,
        sparql: str,
        *,
        bindings: Bindings | None = None,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        public: bool = False,
    ) -> QueryResult:
        """Run a read-only query on the build in use.

        Without `default_graph`, `named_graphs` and FROM, the default graph is what the project's own
        queries read (the data with the ontology and the indexes), or with `public` what `/sparql` serves
        (the data graphs only, issue 19).
        """
        ...

    def dump_graph(self, graph: str) -> bytes:
        """One named graph of the build in use as N-Triples."""
        ...
