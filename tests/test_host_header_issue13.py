"""The `Host` header never reaches an answer (issue 13): links, the editor, redirects; bad UTF-8 in /api.

A client chooses `Host`; echoed into a link, the editor's endpoint or a redirect (and kept in the answer
and page caches) it would send later clients elsewhere. Links are relative, or under THAIPLAN_PUBLIC_URL.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.test_sparql_support import make_store, running_app

EVIL = "evil.example"
PUBLIC = "https://plans.example.org/thaiplan"
REQUESTS = [
    ("/api/queries", "application/json"),
    ("/api/queries/openapi.json", "application/json"),
    ("/sparql", "text/html"),
    ("/sparql", "text/turtle"),
    ("/static//thaiplan.css", "text/css"),
    ("//static/thaiplan.css", "text/css"),
    ("/api//queries", "application/json"),
]


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small test store."""
    return make_store(tmp_path_factory.mktemp("host") / "store", numbers=3)


@pytest.fixture(scope="module")
def app(store_dir: Path) -> Iterator[Flask]:
    """An app with no public URL configured."""
    with running_app(store_dir) as app:
        yield app


@pytest.mark.parametrize(("path", "accept"), REQUESTS)
def test_host_header_is_never_echoed_issue13(app: Flask, path: str, accept: str) -> None:
    response = app.test_client().get(path, headers={"Host": EVIL, "Accept": accept})
    assert response.status_code < 500
    assert EVIL not in response.get_data(as_text=True)
    assert all(EVIL not in value for _, value in response.headers.items())


def test_links_are_relative_without_a_public_url_issue13(app: Flask) -> None:
    client = app.test_client()
    listing = client.get("/api/queries", headers={"Host": EVIL}).get_json()
    assert listing["openapi"] == "/api/queries/openapi.json"
    assert {q["url"] for q in listing["queries"]} >= {"/api/queries/search", "/api/queries/trace-up"}
    assert client.get("/api/queries/openapi.json", headers={"Host": EVIL}).get_json()["servers"] == [
        {"url": "/"}
    ]
    page = client.get("/sparql", headers={"Host": EVIL, "Accept": "text/html"}).get_data(as_text=True)
    assert '"endpoint": "/sparql"' in page


def test_links_follow_the_public_url_issue13(store_dir: Path) -> None:
    with running_app(store_dir, public_url=PUBLIC + "/") as app:
        client = app.test_client()
        listing = client.get("/api/queries", headers={"Host": EVIL}).get_json()
        assert listing["openapi"] == PUBLIC + "/api/queries/openapi.json"
        assert all(q["url"].startswith(PUBLIC + "/api/queries/") for q in listing["queries"])
        page = client.get("/sparql", headers={"Host": EVIL, "Accept": "text/html"}).get_data(as_text=True)
        assert f'"endpoint": "{PUBLIC}/sparql"' in page and EVIL not in page
        description = client.get("/sparql", headers={"Host": EVIL, "Accept": "application/n-triples"})
        assert f"<{PUBLIC}/sparql>" in description.get_data(as_text=True)


@pytest.mark.parametrize("query", ["q=%ff%fe", "q=%c3", "q=ok&format=%80"])
def test_api_refuses_parameters_that_are_not_utf8_issue13(app: Flask, query: str) -> None:
    response = app.test_client().get("/api/queries/search?" + query)
    assert response.status_code == 400
    assert "UTF-8" in response.get_json()["error"]
    sparql = app.test_client().get("/sparql?query=ASK%7B%7D&" + query)
    assert sparql.status_code == 400  # the answer the endpoint gives
