"""The default graph a client sees is a set, on every backend, and `thaiplan query` reads it (issue 19).

The curated graph states some triples in two documents' graphs (18 in the shipped data). The embedded
store's default graph holds the build's copy of the data graphs, each triple once; a remote store (Oxigraph's
server, Virtuoso) gets the same copy as a named graph of the build, which `/sparql` asks for as its default
graph and leaves out of the named graphs. `thaiplan query` answers on that same dataset.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from tests.test_remote import app_for
from tests.test_remote_support import Server
from thaiplan.cli import main
from thaiplan.config import Config
from thaiplan.graph.build.default_graph import COPY_GRAPH, PRIVATE_GRAPHS
from thaiplan.graph.store.backend import open_store, worker_env

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"


def count_on(app_config: Config, query: str = COUNT) -> int:
    """The `?n` that `/sparql` answers for a count query with no dataset in the request."""
    with app_for(app_config) as app:
        answer = app.test_client().get("/sparql", query_string={"query": query}, headers={"Accept": "*/*"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return int(answer.json["results"]["bindings"][0]["n"]["value"])


def data_triples(config: Config) -> tuple[set[ox.Triple], list[ox.Triple]]:
    """The distinct triples of the embedded store's data graphs, and those two or more graphs state."""
    store = open_store(config).store  # type: ignore[attr-defined]
    seen: dict[ox.Triple, int] = {}
    for quad in store.quads_for_pattern(None, None, None):
        graph = quad.graph_name
        if isinstance(graph, ox.NamedNode) and graph.value not in PRIVATE_GRAPHS:
            seen[quad.triple] = seen.get(quad.triple, 0) + 1
    return set(seen), sorted((t for t, n in seen.items() if n > 1), key=str)


def query_command(capsys: pytest.CaptureFixture[str], tmp_path: Path, store: str, text: str) -> dict:
    """`thaiplan query --format json` of `text` on `store`, parsed."""
    path = tmp_path / "q.rq"
    path.write_text(text, encoding="utf-8")
    assert main(["query", "--store", store, "--format", "json", str(path)]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def remote_env(remote: Server, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    """The remote store's settings in the environment, as `thaiplan query --store URL` reads them."""
    for name, value in worker_env(remote.config).items():
        if name.startswith("THAIPLAN_STORE"):
            monkeypatch.setenv(name, value)
    yield remote


def test_embedded_default_graph_is_a_set_and_the_query_command_reads_it_issue19(
    embedded: Config, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    distinct, repeated = data_triples(embedded)
    assert repeated, "the shipped data states some triples in two graphs"
    assert count_on(embedded) == len(distinct)
    answer = query_command(capsys, tmp_path, str(embedded.store_dir), COUNT)
    assert int(answer["results"]["bindings"][0]["n"]["value"]) == len(distinct)
    # No ontology and no index in it: a class of the ontology is not described there.
    ask = "ASK { <https://w3id.org/thaiplan/ontology#Goal> ?p ?o }"
    assert query_command(capsys, tmp_path, str(embedded.store_dir), ask)["boolean"] is False
    named = query_command(capsys, tmp_path, str(embedded.store_dir), GRAPHS)["results"]["bindings"]
    assert COPY_GRAPH not in {row["g"]["value"] for row in named}


@pytest.mark.remote
def test_remote_default_graph_is_a_set_issue19(remote_env: Server, embedded: Config) -> None:
    distinct, repeated = data_triples(embedded)
    assert count_on(remote_env.config) == len(distinct)  # was the bag of the data graphs listed
    subject, predicate, obj = repeated[0].subject, repeated[0].predicate, repeated[0].object
    once = f"SELECT (COUNT(*) AS ?n) WHERE {{ {subject} {predicate} {obj} }}"
    assert count_on(remote_env.config, once) == 1
    with app_for(remote_env.config) as app:
        answer = app.test_client().get("/sparql", query_string={"query": GRAPHS}, headers={"Accept": "*/*"})
    graphs = {row["g"]["value"] for row in answer.json["results"]["bindings"]}
    assert COPY_GRAPH not in graphs and graphs, "the copy is the default graph, not a named graph"


@pytest.mark.remote
def test_query_command_reads_what_sparql_serves_on_a_remote_store_issue19(
    remote_env: Server, embedded: Config, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    distinct, _ = data_triples(embedded)
    for store in (str(embedded.store_dir), remote_env.config.store):
        answer = query_command(capsys, tmp_path, store, COUNT)
        assert int(answer["results"]["bindings"][0]["n"]["value"]) == len(distinct), store
