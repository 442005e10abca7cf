"""The serve command's warm-up (issue 18): what a first request paid is paid once at start instead."""

from __future__ import annotations

import pytest

from thaiplan.config import Config
from thaiplan.graph.build.pipeline import build
from thaiplan.queries import keys, registry
from thaiplan.server import warmup
from thaiplan.server.app import create_app


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory):
    """An app on the curated graph, its pool closed afterwards."""
    config = Config(store_dir=tmp_path_factory.mktemp("warm") / "store", workers=1)
    build(config, out=lambda _: None)
    application = create_app(config)
    yield application
    application.extensions["thaiplan_pool"].close()


def test_warmup_runs_every_named_query_and_page_issue_18(app) -> None:
    """Every public named query (on its documented example) and the planners' pages answer 200."""
    statuses = warmup.warm(app)
    names = {q.name for q in registry.list_queries()}
    asked = {path.split("?")[0].removeprefix("/api/queries/") for path in statuses}
    assert names <= asked
    assert {"/", "/trace", "/agency", "/search"} <= asked
    assert set(statuses.values()) == {200}, statuses


def test_warmup_builds_the_thai_dictionary_issue_18(app) -> None:
    """After the warm-up pythainlp's dictionary trie is built: no search text pays for it."""
    warmup.warm_text()
    assert keys._trie.cache_info().currsize == 1
