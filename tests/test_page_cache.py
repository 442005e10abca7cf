"""Page and resolver queries are answered from a per-snapshot cache (issue 8: pages of a 1M graph)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from thaiplan.server import answers
from thaiplan.server.named import select

from tests.test_sparql_support import NUMBERS_GRAPH, make_store, running_app

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
