"""The endpoint is safe by design (issue 5): no SERVICE, LOAD or foreign FROM; runaways stopped; caps."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.test_sparql_support import NUMBERS_GRAPH, make_store, running_app

# Five unrelated triple patterns: the cross product of the store with itself five times (~10^9 rows).
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
TIMEOUT = 1.5


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small test store."""
    return make_store(tmp_path_factory.mktemp("security") / "store")


@pytest.fixture(scope="module")
def app(store_dir: Path) -> Iterator[Flask]:
    """An app with a short time limit, a small row limit and a small body cap."""
    with running_app(store_dir, query_timeout=TIMEOUT, max_rows=50, max_body_bytes=10_000) as app:
        yield app


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    """A test client of the app."""
    return app.test_client()


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        """Count connections until stopped."""
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        """Stop listening."""
        self._stop = True
        self.thread.join()
        self.sock.close()


@pytest.fixture()
def listener() -> Iterator[Listener]:
    """A listener that queries must never reach."""
    listening = Listener()
    yield listening
    listening.close()


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ SERVICE SILENT <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        # Hidden in FILTER EXISTS, a sub-query, OPTIONAL, behind a prefix and a comment.
        "ASK {{ FILTER EXISTS {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }} }}",
        "SELECT * {{ {{ SELECT ?s {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }} }} }}",
        "PREFIX x: <http://127.0.0.1:{port}/>\n"
        "SELECT * {{ OPTIONAL {{ #\n SERVICE x:sparql {{ ?s ?p ?o }} }} }}",
        "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
    ],
)
def test_service_is_rejected_and_never_contacted_issue5(
    client: FlaskClient, listener: Listener, template: str
) -> None:
    query = template.format(port=listener.port)
    response = client.post("/sparql", data={"query": query})
    assert response.status_code == 400
    assert "SERVICE" in response.get_data(as_text=True)
    time.sleep(0.3)  # give a stray connection time to arrive
    assert listener.connections == 0


def test_listener_does_see_connections() -> None:
    """The listener used above really counts connections (so the zero above means something)."""
    listening = Listener()
    try:
        socket.create_connection(("127.0.0.1", listening.port), timeout=2).close()
        deadline = time.monotonic() + 3
        while listening.connections == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert listening.connections == 1
    finally:
        listening.close()


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }",
        "ASK FROM <http://127.0.0.1:9/graph> { ?s ?p ?o }",
    ],
)
def test_from_outside_the_store_is_rejected_issue5(client: FlaskClient, query: str) -> None:
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "FROM" in text and "not allowed" in text
    assert "root:" not in text


def test_from_a_store_graph_selects_that_graph_issue5(client: FlaskClient) -> None:
    query = f"SELECT (COUNT(*) AS ?n) FROM <{NUMBERS_GRAPH}> WHERE {{ ?s ?p ?o }}"
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 200
    assert response.json["results"]["bindings"][0]["n"]["value"] == "60"


@pytest.mark.parametrize(
    "update",
    [
        "LOAD <http://127.0.0.1:9/data.ttl>",
        "INSERT DATA { <http://a> <http://b> <http://c> }",
        "CLEAR ALL",
    ],
)
def test_updates_are_refused_on_every_route_issue5(client: FlaskClient, update: str) -> None:
    as_query = client.get("/sparql", query_string={"query": update})
    assert as_query.status_code == 400
    assert "read-only" in as_query.get_data(as_text=True)
    as_update = client.post("/sparql", data={"update": update})
    assert as_update.status_code == 403
    direct = client.post("/sparql", data=update, content_type="application/sparql-update")
    assert direct.status_code == 403
    assert "read-only" in direct.get_data(as_text=True)


def test_runaway_query_is_stopped_while_others_are_served_issue5(app: Flask) -> None:
    pool = app.extensions["thaiplan_pool"]
    warm = app.test_client().get("/sparql", query_string={"query": "ASK {}"})
    assert warm.status_code == 200
    before = set(pool.pids)
    outcome: dict[str, object] = {}

    def runaway() -> None:
        started = time.monotonic()
        response = app.test_client().get("/sparql", query_string={"query": RUNAWAY})
        outcome.update(status=response.status_code, text=response.get_data(as_text=True))
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)  # the runaway holds one worker now
    quick = app.test_client().get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
    assert quick.status_code == 200 and quick.json["boolean"] is True
    thread.join(TIMEOUT + 15)
    assert outcome["status"] == 503
    assert "time limit" in str(outcome["text"])
    assert float(outcome["seconds"]) < TIMEOUT + 3  # type: ignore[arg-type]
    # The overrunning worker was killed and replaced; the endpoint still answers.
    after = app.test_client().get("/sparql", query_string={"query": "ASK {}"})
    assert after.status_code == 200
    killed = before - set(pool.pids)
    assert killed, "the worker that ran the runaway query must be gone"
    for pid in killed:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_row_limit_stops_a_large_result_issue5(client: FlaskClient) -> None:
    response = client.get(
        "/sparql", query_string={"query": f"SELECT * FROM <{NUMBERS_GRAPH}> {{ ?s ?p ?o }}"}
    )
    assert response.status_code == 503
    assert "more than 50 results" in response.get_data(as_text=True)
    construct = f"CONSTRUCT {{ ?s ?p ?o }} FROM <{NUMBERS_GRAPH}> WHERE {{ ?s ?p ?o }}"
    assert client.get("/sparql", query_string={"query": construct}).status_code == 503
    limited = client.get("/sparql", query_string={"query": "SELECT * { ?s ?p ?o } LIMIT 50"})
    assert limited.status_code == 200


def test_request_body_is_capped_issue5(client: FlaskClient) -> None:
    big = "ASK {}" + " " * 20_000
    response = client.post("/sparql", data=big, content_type="application/sparql-query")
    assert response.status_code == 413
    assert "larger than" in response.get_data(as_text=True)
    form = client.post("/sparql", data={"query": big})
    assert form.status_code == 413


def test_cors_on_the_endpoint_issue5(client: FlaskClient) -> None:
    preflight = client.options(
        "/sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]
    get = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Origin": "https://example.org"})
    assert get.headers["Access-Control-Allow-Origin"] == "*"
    post = client.post("/sparql", data={"query": "ASK {}"}, headers={"Origin": "https://example.org"})
    assert post.headers["Access-Control-Allow-Origin"] == "*"


def test_csp_and_security_headers_on_html_issue5(client: FlaskClient) -> None:
    page = client.get("/sparql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "'unsafe-eval'" not in csp and "script-src 'self' 'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    # No inline script may run: every <script> either loads a file or is inert JSON.
    html = page.get_data(as_text=True)
    for tag in html.split("<script")[1:]:
        opening = tag.split(">", 1)[0]
        assert "src=" in opening or 'type="application/json"' in opening, opening


def test_errors_are_clean_messages_not_tracebacks_issue5(store_dir: Path) -> None:
    with running_app(store_dir) as app:
        app.testing = False  # as in production: exceptions reach the error handlers

        @app.route("/_boom_for_test")
        def boom() -> str:
            raise RuntimeError("secret detail")

        client = app.test_client()
        response = client.get("/no-such-page")
        assert response.status_code == 404
        assert "Traceback" not in response.get_data(as_text=True)
        failed = client.get("/_boom_for_test")
        assert failed.status_code == 500
        text = failed.get_data(as_text=True)
        assert "Traceback" not in text and "secret detail" not in text
        assert "logged" in text
