"""The remote backend's store: `RemoteStore`, the `GraphStore` of a SPARQL 1.1 store reached over HTTP.

Oxigraph server, Virtuoso, Fuseki, GraphDB or Neptune (docs/stores.md). The HTTP calls are in
`graph/store/client.py`, the answers are read in `graph/store/results.py`, and `thaiplan build` publishes
with `graph/store/publish.py`.

Readers always query with an explicit dataset, the manifest's graphs as `default-graph-uri` and
`named-graph-uri`, so the staging graphs of a build in progress are never in their dataset, and the switch
is one update request, one transaction on the store: a reader sees the old graphs or the new ones. The
manifest (`urn:thaiplan:manifest`: the build id and its graphs) is read by `current()` and remembered for
`manifest_seconds` (THAIPLAN_STORE_MANIFEST_SECONDS): a cached answer costs the store no request, and a
new build is seen within that time. A query worker is handed the manifest with each job (`use`), so a
query is one request to the store.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TypeVar

import pyoxigraph as ox

from thaiplan.errors import ThaiplanError
from thaiplan.graph.build.default_graph import COPY_GRAPH
from thaiplan.graph.store.api import Bindings, QueryResult, Snapshot, default_dataset
from thaiplan.graph.store.client import Manifest, RemoteClient, RemoteSettings
from thaiplan.graph.store.inline import bind_inline
from thaiplan.queries.guard import safety
from thaiplan.rq import read_rq

MANIFEST_GRAPH = "urn:thaiplan:manifest"
MANIFEST_BUILD = "urn:thaiplan:build"
T = TypeVar("T")


class RemoteStore:
    """The `GraphStore` of a remote SPARQL store, reading the build its manifest named when `use`d.

    Opened on the current build unless `opened` is False (a query worker: each job names its build).
    """

    def __init__(
        self, settings: RemoteSettings, *, opened: bool = True, manifest_seconds: float = 0.0
    ) -> None:
        self.client = RemoteClient(settings)
        self.manifest_seconds = manifest_seconds
        self._manifest: Manifest | None = None  # the build in use
        self._seen: tuple[float, Snapshot | None] | None = None  # the last manifest read, and when
        # What `remember` keeps for the build in use (the resolver's table), by name; emptied by a new build.
        self._kept: tuple[str, dict[str, object]] = ("", {})
        if opened:
            self.use()

    def current(self, fresh: bool = False) -> Snapshot | None:
        """The build the manifest names (read again once `manifest_seconds` have passed, or when `fresh`)."""
        now = time.monotonic()
        if not fresh and self._seen is not None and now - self._seen[0] < self.manifest_seconds:
            return self._seen[1]
        manifest = self.client.manifest()
        snapshot = Snapshot(manifest.snapshot_id, manifest.graphs) if manifest else None
        self._seen = (now, snapshot)
        return snapshot

    def use(self, snapshot: Snapshot | None = None) -> Snapshot:
        """Read `snapshot` (default: the current build) from now on; no request when it is given."""
        if snapshot is None or not snapshot.graphs:
            snapshot = self.current()
        if snapshot is None:
            raise ThaiplanError(
                f"the SPARQL store at {self.client.settings.query_url} holds no thaiplan graph: run "
                "`thaiplan build` with THAIPLAN_STORE (and THAIPLAN_STORE_UPDATE, THAIPLAN_STORE_GSP) set"
            )
        self._manifest = Manifest(snapshot.id, snapshot.graphs)
        return snapshot

    @property
    def manifest(self) -> Manifest:
        """The manifest of the build in use (the current one if nothing is in use yet)."""
        if self._manifest is None:
            self.use()
        assert self._manifest is not None
        return self._manifest

    @property
    def snapshot_id(self) -> str:
        """The id of the build in use."""
        return self.manifest.snapshot_id

    def named_graphs(self) -> list[str]:
        """IRIs of the build's named graphs, sorted."""
        return list(self.manifest.graphs)

    def query(
        self,
        sparql: str,
        *,
        bindings: Bindings | None = None,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        public: bool = False,
    ) -> QueryResult:
        """Run a query; with no dataset and no FROM the default graph is the build's graphs (data: public)."""
        text = bind_inline(sparql, bindings)  # type: ignore[arg-type]
        # What is sent is checked again, after the values are written in, and sent as the guard's
        # canonical text (issue 13): the store's parser then reads the tokens the check read.
        checked = safety.check_query(text, set(self.named_graphs()), None, parse=False)
        if default_graph is None and named_graphs is None:
            if checked.dataset:
                # The query's FROM (checked) selects the graphs.
                return self.client.query(checked.text, form=checked.form)
            # The project's own queries read every graph listed, not the copy: read through the copy,
            # Oxigraph's server timed out on one and Virtuoso answered search differently (issue 19).
            held = public and COPY_GRAPH in self.named_graphs()
            default_graph, named_graphs = default_dataset(
                self.named_graphs(), public=public, copy=COPY_GRAPH if held else None
            )
        graphs = {"default_graphs": default_graph or (), "named_graphs": named_graphs or ()}
        return self.client.query(checked.text, form=checked.form, **graphs)

    def remember(self, name: str, compute: Callable[[], T]) -> T:
        """`compute()` for the build in use, computed once per build: what saves a request per query.

        The resolver keeps its table here (queries/resolve_table.py, issue 14), so that a named query's
        entity parameter costs the store no request of its own; a new build starts afresh.
        """
        build, kept = self._kept
        if build != self.snapshot_id:
            build, kept = self.snapshot_id, {}
            self._kept = (build, kept)
        if name not in kept:
            kept[name] = compute()
        return kept[name]  # type: ignore[return-value]

    def dump_graph(self, graph: str) -> bytes:
        """One named graph as N-Triples (Graph Store GET when configured, else a CONSTRUCT)."""
        if self.client.settings.gsp_url:
            return self.client.get_graph(graph)
        text = bind_inline(read_rq("graph", "remote-dump-graph"), {"graph": ox.NamedNode(graph)})
        return ox.serialize(self.client.query(text), format=ox.RdfFormat.N_TRIPLES)  # type: ignore[arg-type]
