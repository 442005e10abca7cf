"""Pages and their queries are answered from a per-snapshot cache (issue 8: pages of a 1M graph)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pyoxigraph as ox
import pytest

from tests.test_sparql_support import (
    NUMBERS_GRAPH,
    OPDC,
    SKOS_PREF,
    THAI_GRAPH,
    make_store,
    running_app,
)
from thaiplan.graph.store.local import build_lock, new_snapshot
from thaiplan.server import answers, named
from thaiplan.server.named import select

COUNT = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{NUMBERS_GRAPH}> {{ ?s ?p ?o }} }}"
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
BOUND = f"SELECT ?n ?want WHERE {{ GRAPH <{NUMBERS_GRAPH}> {{ ?s ?p ?n }} FILTER (?n = ?want) }}"


def count(results: ox.QuerySolutions) -> str:
    """The one value of a COUNT query's one row."""
    return next(iter(results))["n"].value


def test_a_repeated_page_query_is_served_from_the_cache_issue8(tmp_path: Path) -> None:
    store_dir = make_store(tmp_path / "store", numbers=5)
    with running_app(store_dir, workers=1) as app, app.test_request_context():
        assert count(select(COUNT)) == "5"
        hits = answers.app_cache().hits
        assert count(select(COUNT)) == "5"
        assert answers.app_cache().hits == hits + 1


def test_cached_page_answers_follow_a_new_snapshot_issue8(tmp_path: Path) -> None:
    store_dir = make_store(tmp_path / "store", numbers=5)
    with running_app(store_dir, workers=1) as app:
        with app.test_request_context():
            assert count(select(COUNT)) == "5"
        make_store(store_dir, numbers=7)  # a build switches CURRENT: the cached answer no longer applies
        with app.test_request_context():
            assert count(select(COUNT)) == "7"


def test_bound_values_are_part_of_the_cache_key_issue8(tmp_path: Path) -> None:
    store_dir = make_store(tmp_path / "store", numbers=5)
    with running_app(store_dir, workers=1) as app, app.test_request_context():
        found = {
            want: [row["n"] for row in select(BOUND, {"want": ox.Literal(want, datatype=XSD_INTEGER)})]
            for want in ("2", "3", "9")
        }
        assert [len(found[w]) for w in ("2", "3", "9")] == [1, 1, 0]
        assert found["3"][0].value == "3"


def test_sparql_answers_carry_an_etag_and_follow_the_snapshot_issue8(tmp_path: Path) -> None:
    store_dir = make_store(tmp_path / "store", numbers=5)
    with running_app(store_dir, workers=1) as app:
        client = app.test_client()
        first = client.get("/sparql", query_string={"query": COUNT})
        tag = first.headers["ETag"]
        assert first.headers["Cache-Control"] == "no-cache"
        held = client.get("/sparql", query_string={"query": COUNT}, headers={"If-None-Match": tag})
        assert held.status_code == 304
        posted = client.post("/sparql", data=COUNT, content_type="application/sparql-query")
        assert posted.headers["ETag"] == tag and posted.data == first.data
        as_csv = client.get("/sparql", query_string={"query": COUNT}, headers={"Accept": "text/csv"})
        assert as_csv.headers["ETag"] != tag and as_csv.mimetype == "text/csv"
        make_store(store_dir, numbers=7)
        after = client.get("/sparql", query_string={"query": COUNT}, headers={"If-None-Match": tag})
        assert after.status_code == 200 and after.json["results"]["bindings"][0]["n"]["value"] == "7"


def test_a_sparql_error_is_not_cached_issue8(tmp_path: Path) -> None:
    store_dir = make_store(tmp_path / "store", numbers=5)
    with running_app(store_dir, workers=1) as app:
        client = app.test_client()
        bad = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p }"})
        assert bad.status_code == 400 and "ETag" not in bad.headers


def test_answer_cache_mb_zero_turns_the_cache_off_issue8(tmp_path: Path) -> None:
    store_dir = make_store(tmp_path / "store", numbers=5)
    with running_app(store_dir, workers=1, answer_cache_mb=0) as app, app.test_request_context():
        assert count(select(COUNT)) == "5"
        assert count(select(COUNT)) == "5"
        assert answers.app_cache().hits == 0 and len(answers.app_cache()) == 0


def test_cache_control_no_cache_computes_the_answer_again_issue8(tmp_path: Path) -> None:
    """A client that sends `Cache-Control: no-cache` gets a fresh answer (benchmarks measure the engine)."""
    store_dir = make_store(tmp_path / "store", numbers=5)
    with running_app(store_dir, workers=1) as app:
        client = app.test_client()
        first = client.get("/sparql", query_string={"query": COUNT})
        with app.app_context():
            cache = answers.app_cache()
        hits, misses = cache.hits, cache.misses
        fresh = client.get("/sparql", query_string={"query": COUNT}, headers={"Cache-Control": "no-cache"})
        assert fresh.status_code == 200 and fresh.data == first.data
        assert fresh.headers["ETag"] == first.headers["ETag"]
        assert (cache.hits, cache.misses) == (hits, misses)  # the cache was not even asked
        pragma = client.get("/api/queries", headers={"Pragma": "no-cache"})
        assert pragma.status_code == 200
        assert client.get("/sparql", query_string={"query": COUNT}).status_code == 200
        assert cache.hits == hits + 1


def test_queries_with_now_or_rand_are_never_answered_from_the_cache_issue8(tmp_path: Path) -> None:
    store_dir = make_store(tmp_path / "store", numbers=5)
    with running_app(store_dir, workers=1) as app:
        client = app.test_client()
        query = "SELECT (STRUUID() AS ?id) (NOW() AS ?t) WHERE {}"
        first = client.get("/sparql", query_string={"query": query})
        second = client.get("/sparql", query_string={"query": query})
        assert first.status_code == second.status_code == 200
        assert "ETag" not in first.headers and first.headers["Cache-Control"] == "no-store"
        ids = [r.json["results"]["bindings"][0]["id"]["value"] for r in (first, second)]
        assert ids[0] != ids[1]


def opdc_store(store_dir: Path, label: str) -> Path:
    """A new snapshot in `store_dir` whose only triple names OPDC with `label`."""
    with build_lock(store_dir), new_snapshot(store_dir) as (_sid, path):
        store = ox.Store(str(path))
        opdc, pref = ox.NamedNode(OPDC), ox.NamedNode(SKOS_PREF)
        store.add(ox.Quad(opdc, pref, ox.Literal(label, language="en"), ox.NamedNode(THAI_GRAPH)))
        store.flush()
        del store  # closed before it becomes current
    return store_dir


def test_a_page_is_rendered_once_per_snapshot_and_language_issue8(tmp_path: Path) -> None:
    """Pages are kept like answers: a repeat is one cache hit, 304 on its ETag, per language and snapshot."""
    store_dir = opdc_store(tmp_path / "store", "first label")
    html = {"Accept": "text/html"}
    with running_app(store_dir, workers=1) as app:
        client = app.test_client()
        first = client.get("/id/agency/opdc", headers=html)
        assert first.status_code == 200 and "first label" in first.get_data(as_text=True)
        tag = first.headers["ETag"]
        with app.app_context():
            cache = answers.app_cache()
        hits = cache.hits
        again = client.get("/id/agency/opdc", headers=html)
        assert again.data == first.data and again.headers["ETag"] == tag
        assert cache.hits == hits + 1  # the page itself: none of its queries ran or were looked up
        assert client.get("/id/agency/opdc", headers={**html, "If-None-Match": tag}).status_code == 304
        english = client.get("/id/agency/opdc", query_string={"lang": "en"}, headers=html)
        assert english.headers["ETag"] != tag and "Set-Cookie" in english.headers
        repeat = client.get("/id/agency/opdc", query_string={"lang": "en"}, headers=html)
        assert repeat.data == english.data and "Set-Cookie" in repeat.headers  # the cookie is not cached
        opdc_store(store_dir, "second label")
        after = client.get("/id/agency/opdc", query_string={"lang": "en"}, headers=html)
        assert after.status_code == 200 and "second label" in after.get_data(as_text=True)


def test_an_error_page_is_not_kept_issue8(tmp_path: Path) -> None:
    store_dir = opdc_store(tmp_path / "store", "a label")
    with running_app(store_dir, workers=1) as app:
        bad = app.test_client().get("/trace")
        assert bad.status_code == 400 and "ETag" not in bad.headers
        with app.app_context():
            assert len(answers.app_cache()) == 0


def test_a_page_made_with_another_snapshots_answer_is_not_kept_issue8(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker that has not reopened after a switch answers from the old snapshot: serve, never keep."""
    store_dir = opdc_store(tmp_path / "store", "a label")
    real = named.run_text
    monkeypatch.setattr(
        named, "run_text", lambda *a, **kw: dataclasses.replace(real(*a, **kw), snapshot="previous")
    )
    with running_app(store_dir, workers=1) as app:
        client = app.test_client()
        for _ in range(2):
            page = client.get("/id/agency/opdc", headers={"Accept": "text/html"})
            assert page.status_code == 200 and "a label" in page.get_data(as_text=True)
            assert "ETag" not in page.headers and page.headers["Cache-Control"] == "no-store"
