"""The resolver's table (issue 14): read once per build by a remote store's worker, it resolves an entity
parameter as `_resolve.rq` does, so that a named query's cache miss is one request to the store.

The requests themselves are counted against a real `oxigraph serve` in tests/test_store_interface_issue14.py.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from thaiplan.config import Config
from thaiplan.graph.build.pipeline import build
from thaiplan.graph.store.api import Snapshot
from thaiplan.graph.store.client import RemoteSettings
from thaiplan.graph.store.local import EmbeddedStore
from thaiplan.graph.store.remote import RemoteStore
from thaiplan.ontology.namespace import ID_BASE
from thaiplan.queries import resolve, resolve_table
from thaiplan.queries.terms import SKOS


@pytest.fixture(scope="module")
def curated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The curated graph built into an embedded store; its directory."""
    store_dir = tmp_path_factory.mktemp("resolve-table-issue14") / "store"
    build(Config(store_dir=store_dir), out=lambda _: None)
    return store_dir


def test_the_resolvers_table_resolves_as_the_resolver_query_does_issue14(curated: Path) -> None:
    """Every code, label and abbreviation of the curated graph, written as people write them, and every IRI:
    where the table decides (one entity, or none), its candidates are the query's; else it defers.
    """
    store = EmbeddedStore(curated).store
    table = resolve_table.load(store)
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
