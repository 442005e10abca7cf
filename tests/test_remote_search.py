"""Search and entity resolution on a remote store (issue 7): the index is published with the graph.

`thaiplan build` on a remote store computes the search index locally and publishes it as quads beside
the graph, so the server on a remote store answers `search` and resolves entity parameters with the same
`.rq` files (bound by VALUES rows) as on the embedded store, with the same answers.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_remote_support import Server
from thaiplan.config import Config
from thaiplan.graph.store.backend import open_store
from thaiplan.queries import registry
from thaiplan.queries.resolve import candidates

pytestmark = pytest.mark.remote

# A Thai word inside a label, a code, a code's start, an abbreviation with and without dots, an English
# phrase, part of a word, a word only in a definition.
QUERIES = ["ยืนยันตัวตน", "BR0201", "br02", "กพร", "ก.พ.ร.", "digital government", "velopment", "ภาครัฐ"]


def _ranked(store: Any, q: str) -> list[tuple[str, str, str]]:
    """(entity, score, match) of the search results, in their order, each once.

    Once: Virtuoso 7.2 merges the graphs of the default graph as a bag, so an entity whose label or type
    is stated in two graphs comes twice (docs/stores.md); the index is not the cause.
    """
    result = registry.run("search", {"q": q}, store)
    found = [(row["entity"].value, row["score"].value, row["match"].value) for row in result]
    return list(dict.fromkeys(found))


def test_issue7_remote_search_answers_as_the_embedded_one(remote: Server, embedded: Config) -> None:
    local, far = open_store(embedded), open_store(remote.config)
    for q in QUERIES:
        want, got = _ranked(local, q), _ranked(far, q)
        assert want, q
        if len(got) < len(want):
            # A remote store merges the listed graphs as a bag (Virtuoso, and Oxigraph's server too); the
            # embedded store reads the build's deduplicated copy (issue 19): its duplicates count in LIMIT 50.
            want = want[: len(got)]
        # Equal scores tie: compare the tiers in order, and the entities as a set.
        assert [(s, m) for _, s, m in got] == [(s, m) for _, s, m in want], q
        assert {e for e, _, _ in got} <= {e for e, _, _ in _ranked(local, q)}, q
        assert len(got) == len(want), q


def test_issue7_entity_parameters_resolve_on_a_remote_store(remote: Server, embedded: Config) -> None:
    local, far = open_store(embedded), open_store(remote.config)
    for text in ["BR0201", "กพร.", "ก.พ.ร.", "สำนักงาน ก.พ.ร.", "activity/BR0201"]:
        want = [(c.iri, c.tier) for c in candidates(local, text)]
        assert want and [(c.iri, c.tier) for c in candidates(far, text)] == want, text
