"""Helpers for the pages and API tests (issue 6): the real curated graph built once, an app over it.

No tests here; the test modules import the fixtures.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from thaiplan.config import Config
from thaiplan.graph.build.pipeline import build
from thaiplan.server import create_app

ID = "https://w3id.org/thaiplan/id/"
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def build_store(store_dir: Path) -> Path:
    """The project's curated graph built into `store_dir` (about two seconds)."""
    build(Config(store_dir=store_dir), out=lambda _: None)
    return store_dir


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of the real curated graph, shared by the tests of one module."""
    return build_store(tmp_path_factory.mktemp("pages-store"))


@pytest.fixture(scope="module")
def app(store_dir: Path) -> Iterator[Flask]:
    """An app over the store; its query workers are stopped after the module."""
    application = create_app(Config(store_dir=store_dir, workers=2, query_timeout=30.0))
    application.testing = True
    try:
        yield application
    finally:
        application.extensions["thaiplan_pool"].close()


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    """A fresh test client (no cookies carried over from another test)."""
    return app.test_client()


def html_get(client: FlaskClient, url: str, lang: str = "th") -> tuple[int, str]:
    """GET a page as a browser with the given Accept-Language; status and text."""
    response = client.get(url, headers={**BROWSER, "Accept-Language": lang})
    return response.status_code, response.get_data(as_text=True)
