"""The endpoint follows the store's snapshots (issue 5): after a build switches CURRENT, queries see it."""

from __future__ import annotations

from pathlib import Path

from tests.test_sparql_support import NUMBERS_GRAPH, make_store, running_app

COUNT = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{NUMBERS_GRAPH}> {{ ?s ?p ?o }} }}"


def test_workers_reopen_the_store_after_a_new_build_issue5(tmp_path: Path) -> None:
    store_dir = make_store(tmp_path / "store", numbers=5)
    with running_app(store_dir, workers=1) as app:
        client = app.test_client()
        first = client.get("/sparql", query_string={"query": COUNT})
        assert first.json["results"]["bindings"][0]["n"]["value"] == "5"
        make_store(store_dir, numbers=7)  # a new snapshot becomes current while the worker runs
        second = client.get("/sparql", query_string={"query": COUNT})
        assert second.json["results"]["bindings"][0]["n"]["value"] == "7"


def test_missing_store_is_a_clean_503_issue5(tmp_path: Path) -> None:
    with running_app(tmp_path / "no-store", workers=1) as app:
        response = app.test_client().get("/sparql", query_string={"query": "ASK {}"})
        assert response.status_code == 503
        assert "thaiplan build" in response.get_data(as_text=True)
