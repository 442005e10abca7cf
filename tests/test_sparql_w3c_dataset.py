"""The dataset a `/sparql` client sees (issue 19): the default graph is a set, holds the data only, and a
user's own `build --data` graph is queryable alone.

Before: the default graph was pyoxigraph's union of every named graph, a bag (on the shipped data
COUNT(*) 6,398 rows for 6,380 distinct triples), with the ontology and the search/trace indexes in it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.test_sparql_support import running_app
from thaiplan.config import Config
from thaiplan.graph.build.inputs import GRAPH_BASE, ONTOLOGY_GRAPH
from thaiplan.graph.build.pipeline import build
from thaiplan.queries.terms import SEARCH_INDEX_GRAPH, TRACE_INDEX_GRAPH

ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
DISTINCT = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
IN_TWO_GRAPHS = """SELECT ?s ?p ?o WHERE {
  GRAPH ?g1 { ?s ?p ?o } GRAPH ?g2 { ?s ?p ?o } FILTER (STR(?g1) < STR(?g2) && isIRI(?s) && isIRI(?o))
} ORDER BY ?s ?p ?o LIMIT 1"""
INDEX_NS = "https://w3id.org/thaiplan/index#"


def number(client: FlaskClient, query: str, **params: str) -> int:
    """The ?n a COUNT query returns through /sparql."""
    response = client.get("/sparql", query_string={"query": query, **params})
    assert response.status_code == 200, response.get_data(as_text=True)
    return int(response.json["results"]["bindings"][0]["n"]["value"])


def ask(client: FlaskClient, query: str) -> bool:
    """An ASK answered through /sparql."""
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 200, response.get_data(as_text=True)
    return bool(response.json["boolean"])


@pytest.fixture(scope="module")
def client(embedded: Config) -> Iterator[FlaskClient]:
    """The app over the curated graph, built by `thaiplan build`."""
    with running_app(embedded.store_dir, workers=1) as app:
        yield app.test_client()


def test_default_graph_is_a_set_issue19(client: FlaskClient) -> None:
    assert number(client, ALL) == number(client, DISTINCT)
    # A fact that two source documents state: two graphs hold it, the default graph once.
    response = client.get("/sparql", query_string={"query": IN_TWO_GRAPHS})
    row = response.json["results"]["bindings"][0]
    triple = " ".join(f"<{row[k]['value']}>" for k in ("s", "p", "o"))
    assert number(client, f"SELECT (COUNT(*) AS ?n) WHERE {{ {triple} }}") == 1
    assert number(client, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ {triple} }} }}") >= 2


def test_ontology_and_indexes_stay_out_of_the_default_graph_issue19(client: FlaskClient) -> None:
    owl_class = "?c a <http://www.w3.org/2002/07/owl#Class>"
    assert not ask(client, f"ASK {{ {owl_class} }}")
    assert not ask(client, f'ASK {{ ?s ?p ?o FILTER (STRSTARTS(STR(?p), "{INDEX_NS}")) }}')
    # … and stay queryable by name
    assert ask(client, f"ASK {{ GRAPH <{ONTOLOGY_GRAPH}> {{ {owl_class} }} }}")
    assert ask(client, f"ASK FROM <{ONTOLOGY_GRAPH}> {{ {owl_class} }}")
    for index in (SEARCH_INDEX_GRAPH, TRACE_INDEX_GRAPH):
        assert ask(client, f"ASK {{ GRAPH <{index}> {{ ?s ?p ?o }} }}")
    # the data is all there: every triple of a data graph is in the default graph
    graph = GRAPH_BASE + "reform-plan-cr02"
    missing = (
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} FILTER NOT EXISTS {{ ?s ?p ?o }} }}"
    )
    assert number(client, missing) == 0


def test_the_service_description_says_what_the_default_graph_is_issue19(client: FlaskClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert "set union of the data graphs" in response.get_data(as_text=True)
    assert "UnionDefaultGraph" not in response.get_data(as_text=True)


def test_a_users_build_data_graph_is_queryable_alone_issue19(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    ex = "https://example.org/"
    lines = [f"<{ex}s{i}> <{ex}p> <{ex}o{i}> ." for i in range(6)]
    (data / "mine.nt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = Config(store_dir=tmp_path / "store", workers=1)
    build(config, data, out=lambda _: None)
    with running_app(config.store_dir, workers=1) as app:
        client = app.test_client()
        rows = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"}).json
        assert len(rows["results"]["bindings"]) == 6  # not the ontology and the indexes beside them (778)
        mine = GRAPH_BASE + "mine"
        assert number(client, ALL, **{"default-graph-uri": mine}) == 6
        assert number(client, f"SELECT (COUNT(*) AS ?n) FROM <{mine}> WHERE {{ ?s ?p ?o }}") == 6
