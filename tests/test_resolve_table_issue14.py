"""The resolver's table (issue 14): read once per build by a remote store's worker, it resolves an entity
parameter as `_resolve.rq` does, so that a named query's cache miss is one request to the store.

The requests themselves are counted against a real `oxigraph serve` in tests/test_store_interface_issue14.py;
here the table each real store server sends (Oxigraph's, Virtuoso: tests/conftest.py) is the embedded one's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from tests.test_remote_support import Server
from thaiplan.config import Config
from thaiplan.errors import ThaiplanError
from thaiplan.graph.store.api import Snapshot
from thaiplan.graph.store.backend import open_store
from thaiplan.graph.store.client import RemoteSettings
from thaiplan.graph.store.local import EmbeddedStore
from thaiplan.graph.store.remote import RemoteStore
from thaiplan.ontology.namespace import ID_BASE
from thaiplan.queries import resolve, resolve_table
from thaiplan.queries.errors import AmbiguousParameter, UnresolvedParameter
from thaiplan.queries.terms import SKOS
from thaiplan.rq import read_rq


def test_the_resolvers_table_resolves_as_the_resolver_query_does_issue14(embedded: Config) -> None:
    """Every code, label and abbreviation of the curated graph, written as people write them, and every IRI:
    where the table decides (one entity, or none), its candidates are the query's; else it defers.
    """
    store = EmbeddedStore(embedded.store_dir).store
    table = resolve_table.load(store)
    assert table is not None  # the curated graph's table is small enough to keep
    texts: set[str] = set()
    for name in ("notation", "prefLabel", "altLabel"):
        for quad in store.quads_for_pattern(None, ox.NamedNode(SKOS + name), None):
            value = quad.object.value
            texts |= {value, value.lower(), value.replace(".", ""), value.replace(" ", ""), f" {value} "}
            if isinstance(quad.subject, ox.NamedNode):
                texts |= {quad.subject.value, quad.subject.value.removeprefix(ID_BASE)}
    texts |= {"", "ไม่มีสิ่งนี้", "https://example.org/nothing", "activity/no-such"}
    decided = deferred = 0
    for text in sorted(texts):
        for cls in (None, "tp:Agency", "tp:Plan", "tp:Indicator"):
            by_table = resolve.from_table(table, text, cls)
            if by_table is None:
                deferred += 1
                continue
            decided += 1
            by_query = resolve._of_class(resolve.candidates(store, text), cls)
            assert [(c.iri, c.tier) for c in by_table] == [(c.iri, c.tier) for c in by_query], (text, cls)
            assert [c.types for c in by_table] == [c.types for c in by_query], (text, cls)
    assert decided > 10 * deferred  # the table answers nearly every text itself


def test_a_remote_store_remembers_per_build_what_it_is_given_to_issue14() -> None:
    """`RemoteStore.remember` computes once per build: the next job on the same build reuses it, a new
    build computes afresh (no server needed: a job's snapshot names the graphs, so `use` asks nothing).
    """
    store = RemoteStore(RemoteSettings("http://127.0.0.1:9/query"), opened=False)
    computed: list[str] = []

    def compute() -> str:
        computed.append(store.snapshot_id)
        return f"table of {store.snapshot_id}"

    store.use(Snapshot("build-1", ("urn:g",)))
    assert store.remember("t", compute) == store.remember("t", compute) == "table of build-1"
    store.use(Snapshot("build-1", ("urn:g",)))
    assert store.remember("t", compute) == "table of build-1" and computed == ["build-1"]
    store.use(Snapshot("build-2", ("urn:g",)))
    assert store.remember("t", compute) == "table of build-2" and computed == ["build-1", "build-2"]


class RememberingStore(EmbeddedStore):
    """The embedded store with a remote store's per-build memory, counting the queries it is sent."""

    remember = RemoteStore.remember

    def __init__(self, store_dir: Path) -> None:
        super().__init__(store_dir)
        self._kept: tuple[str, dict[str, object]] = ("", {})
        self.queries = 0

    def query(self, sparql: str, **kwargs: Any) -> Any:
        """Count, then run."""
        self.queries += 1
        return super().query(sparql, **kwargs)


def test_a_parameter_resolves_without_a_query_once_the_table_is_read_issue14(embedded: Config) -> None:
    """The table is read once (one query); then codes, labels and IRIs resolve with none, and a text that
    names nothing is refused with none; several entities at the best tier ask the resolver (one query)."""
    store = RememberingStore(embedded.store_dir)
    assert resolve.resolve(store, "entity", "BR0201") == ox.NamedNode(ID_BASE + "activity/BR0201")
    assert store.queries == 1  # the table
    assert resolve.resolve(store, "agency", "สำนักงาน ก.พ.ร.", "tp:Agency").value.endswith("agency/opdc")
    assert resolve.resolve(store, "entity", "activity/BR0203").value.endswith("activity/BR0203")
    with pytest.raises(UnresolvedParameter):
        resolve.resolve(store, "agency", "BR0201", "tp:Agency")
    assert store.queries == 1
    with pytest.raises(AmbiguousParameter) as ambiguous:
        resolve.resolve(store, "entity", "1")
    assert store.queries == 2 and all(c["label_th"] or c["code"] for c in ambiguous.value.candidates)


def test_a_build_too_large_for_a_table_resolves_on_the_store_issue14(
    embedded: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More than MAX_ROWS keys and types: no table for the build (asked once), the resolver's query each time;
    the LIMIT of `_resolve-table.rq` is one more than MAX_ROWS, so that the store stops there."""
    assert f"LIMIT {resolve_table.MAX_ROWS + 1}\n" in read_rq("queries", "_resolve-table")
    monkeypatch.setattr(resolve_table, "MAX_ROWS", 100)
    store = RememberingStore(embedded.store_dir)
    for _ in range(2):
        assert resolve.resolve(store, "entity", "BR0201").value.endswith("activity/BR0201")
    assert resolve_table.table_of(store) is None and store.queries == 3  # the table once, the resolver twice


class FailingOnceStore(RememberingStore):
    """A store whose first query fails as a remote store's request can (a dropped connection)."""

    def query(self, sparql: str, **kwargs: Any) -> Any:
        """Fail the first query, then run."""
        if self.queries == 0:
            self.queries += 1
            raise ThaiplanError("the remote store did not answer")
        return super().query(sparql, **kwargs)


def test_a_table_the_store_failed_to_send_is_asked_for_again_issue14(embedded: Config) -> None:
    """Review of session 7: one failed request kept the worker without its table for the whole build."""
    store = FailingOnceStore(embedded.store_dir)
    assert resolve_table.table_of(store) is None and store.queries == 1  # failed, not remembered
    assert resolve_table.table_of(store) is not None and store.queries == 2  # read on the next query
    assert resolve_table.table_of(store) is not None and store.queries == 2  # then kept


@pytest.mark.remote
def test_a_remote_store_sends_the_embedded_stores_table_issue14(remote: Server, embedded: Config) -> None:
    """Oxigraph's server and Virtuoso send the same keys, entities and types (dialects made standard)."""
    want = resolve_table.load(open_store(embedded))
    got = resolve_table.load(open_store(remote.config))
    assert want is not None and got is not None
    assert got.entities == want.entities and got.types == want.types
    assert {k: dict(v) for k, v in got.keys.items()} == {k: dict(v) for k, v in want.keys.items()}
