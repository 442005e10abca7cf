"""Issue 13: the protocol's dataset (default-graph-uri, named-graph-uri) is read against the store's graphs.

Decided per the SPARQL 1.1 Protocol and Query (§13): a dataset names graphs; one the store does not hold
is an empty graph (the W3C Protocol suite sends `default-graph-uri` of a graph it gives no data for and
expects an answer, `tests/test_protocol_w3c.py`), so it adds nothing to the default graph and no named
graph. The check reads the same graphs FROM is checked against, in the worker, and such an IRI never
reaches the engine or a remote store (which might fetch it). FROM / FROM NAMED of such a graph stay
refused with a 400 (issues 3 and 5, `tests/test_sparql_security.py`): the query's own dataset
description, which SPARQL lets a service decline.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.test_remote import app_for
from tests.test_remote_support import RecordingProxy, Server, behind_proxy, store_port
from tests.test_sparql_security import Listener
from tests.test_sparql_support import NUMBERS_GRAPH, W3C_GRAPH, make_store, running_app
from thaiplan.queries.guard import safety

UNHELD = "http://127.0.0.1:{port}/not-a-graph-of-the-store"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The app over the test store (the W3C protocol graphs and 60 numbers)."""
    with running_app(make_store(tmp_path_factory.mktemp("dataset") / "store")) as app:
        yield app


@pytest.fixture()
def listener() -> Iterator[Listener]:
    """A listener the dataset's IRIs must never make anyone contact."""
    listening = Listener()
    yield listening
    listening.close()


def test_protocol_graphs_keep_only_the_stores_graphs_issue13() -> None:
    held = {"urn:a", "urn:b"}
    assert safety.protocol_graphs(None, None, held) == (None, None)
    assert safety.protocol_graphs(("urn:a", "urn:x"), ("urn:b", "urn:y"), held) == (("urn:a",), ("urn:b",))
    # Nothing held in the default graph: an empty one, said so to either backend (not "no dataset").
    assert safety.protocol_graphs(("urn:x",), None, held) == ((safety.NO_GRAPH,), ())
    assert safety.protocol_graphs(None, ("urn:b",), held) == ((safety.NO_GRAPH,), ("urn:b",))
    assert safety.NO_GRAPH not in held


def count(app: Flask, query: str, **dataset: str | list[str]) -> int:
    """The ?n of a one-row COUNT query sent with the dataset parameters given."""
    response = app.test_client().get("/sparql", query_string={"query": query, **dataset})
    assert response.status_code == 200, response.get_data(as_text=True)
    return int(response.json["results"]["bindings"][0]["n"]["value"])


def test_a_default_graph_the_store_does_not_hold_is_empty_issue13(app: Flask, listener: Listener) -> None:
    unheld = UNHELD.format(port=listener.port)
    triples = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert count(app, triples, **{"default-graph-uri": unheld}) == 0
    # Beside a graph the store holds, it adds nothing.
    assert count(app, triples, **{"default-graph-uri": [NUMBERS_GRAPH, unheld]}) == 60
    assert count(app, triples, **{"default-graph-uri": NUMBERS_GRAPH}) == 60
    assert listener.connections == 0


def test_a_named_graph_the_store_does_not_hold_is_not_in_the_dataset_issue13(
    app: Flask, listener: Listener
) -> None:
    unheld = UNHELD.format(port=listener.port)
    query = "SELECT ?g WHERE { GRAPH ?g { } }"
    response = app.test_client().get(
        "/sparql", query_string={"query": query, "named-graph-uri": [unheld, W3C_GRAPH.format(1)]}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    graphs = [row["g"]["value"] for row in response.json["results"]["bindings"]]
    assert graphs == [W3C_GRAPH.format(1)]  # the engine was never told of the unheld graph
    assert listener.connections == 0


def test_from_a_graph_the_store_does_not_hold_is_still_refused_issue13(app: Flask) -> None:
    query = "SELECT * FROM <http://127.0.0.1:9/g> WHERE { ?s ?p ?o }"
    response = app.test_client().get("/sparql", query_string={"query": query})
    assert response.status_code == 400
    assert "only the store's own graphs" in response.get_data(as_text=True)


@pytest.mark.remote
def test_a_remote_store_is_never_sent_a_graph_it_does_not_hold_issue13(
    remote: Server, listener: Listener, tmp_path: Path
) -> None:
    assert remote.config.store is not None
    proxy = RecordingProxy(store_port(remote.config.store))
    config = behind_proxy(remote.config, proxy)
    unheld = UNHELD.format(port=listener.port)
    try:
        with app_for(config) as app:
            response = app.test_client().get(
                "/sparql", query_string={"query": "ASK { ?s ?p ?o }", "default-graph-uri": unheld}
            )
            assert response.status_code == 200, response.get_data(as_text=True)
            assert response.json["boolean"] is False  # an empty default graph, not the store's own
    finally:
        proxy.close()
    sent = bytes(proxy.sent)
    assert b"ASK" in sent  # the query did go through the proxy
    assert b"not-a-graph-of-the-store" not in sent
    assert listener.connections == 0
