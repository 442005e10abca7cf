"""`/api/queries`: the named queries as a web API, negotiated like /sparql (issue 6)."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from tests import test_pages_support as support
from tests.test_pages_support import ID
from thaiplan.queries import registry
from thaiplan.queries.registry import _text_bindings, text_helpers

# The shared fixtures (a store of the curated graph, an app, a client).
store_dir, app, client = support.store_dir, support.app, support.client

NAMES = {"trace-up", "trace-down", "agency-portfolio", "indicator-series", "search", "gaps"}


def test_the_list_names_every_query_with_its_parameters_issue6(client: FlaskClient) -> None:
    response = client.get("/api/queries")
    body = response.get_json()
    assert response.status_code == 200 and {q["name"] for q in body["queries"]} >= NAMES
    trace = next(q for q in body["queries"] if q["name"] == "trace-up")
    assert trace["url"].endswith("/api/queries/trace-up") and trace["summary"]
    assert {p["name"]: p["required"] for p in trace["parameters"]} == {"entity": True, "maxDepth": False}
    assert not any(q["name"].startswith("_") for q in body["queries"])
    assert body["openapi"].endswith("/api/queries/openapi.json")


def test_openapi_description_issue6(client: FlaskClient) -> None:
    spec = client.get("/api/queries/openapi.json").get_json()
    assert spec["openapi"].startswith("3.") and spec["servers"] == [{"url": "/"}]  # relative (issue 13)
    assert {f"/api/queries/{n}" for n in NAMES} <= set(spec["paths"])


def run(client: FlaskClient, url: str, accept: str | None = None):
    """GET a named query with an optional Accept header."""
    return client.get(url, headers={"Accept": accept} if accept else {})


def test_a_query_runs_with_bound_parameters_as_sparql_json_by_default_issue6(client: FlaskClient) -> None:
    response = run(client, "/api/queries/trace-up?entity=BR0201")
    assert response.status_code == 200 and response.mimetype == "application/sparql-results+json"
    nodes = {b["node"]["value"]: int(b["depth"]["value"]) for b in response.get_json()["results"]["bindings"]}
    assert nodes[ID + "activity/BR0201"] == 0 and ID + "plan/national-strategy" in nodes
    limited = run(client, "/api/queries/trace-up?entity=BR0201&maxDepth=1").get_json()["results"]["bindings"]
    assert {int(b["depth"]["value"]) for b in limited} == {0, 1}


@pytest.mark.parametrize(
    ("accept", "fmt", "media"),
    [
        ("application/sparql-results+xml", None, "application/sparql-results+xml"),
        ("text/csv", None, "text/csv"),
        ("text/tab-separated-values", None, "text/tab-separated-values"),
        ("text/html, */*;q=0.5", None, "application/sparql-results+json"),
        (None, "csv", "text/csv"),
        ("text/csv", "xml", "application/sparql-results+xml"),  # format= wins, as on /sparql
    ],
)
def test_results_are_negotiated_like_sparql_issue6(client: FlaskClient, accept, fmt, media) -> None:
    url = "/api/queries/search?q=ยืนยันตัวตน" + (f"&format={fmt}" if fmt else "")
    response = run(client, url, accept)
    assert response.status_code == 200 and response.mimetype == media
    if media == "text/csv":
        # format=csv is the spreadsheet download since issue 17: the same columns, after a UTF-8 BOM.
        table = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
        assert table and all(r["entity"].startswith(ID) for r in table)
    if media == "text/tab-separated-values":
        solutions = ox.parse_query_results(response.data, format=ox.QueryResultsFormat.TSV)
        assert len(list(solutions)) >= 1


def test_every_named_query_answers_its_example_issue6(client: FlaskClient) -> None:
    for q in client.get("/api/queries").get_json()["queries"]:
        params = "&".join(f"{p['name']}={p['example']}" for p in q["parameters"] if p["required"])
        response = run(client, f"/api/queries/{q['name']}?{params}")
        assert response.status_code == 200, (q["name"], response.get_data(as_text=True))
        assert response.get_json()["results"]["bindings"], q["name"]


def test_unknown_query_is_404_issue6(client: FlaskClient) -> None:
    for name in ("no-such-query", "_resolve"):  # internal queries are not served
        response = run(client, f"/api/queries/{name}")
        assert response.status_code == 404 and "no named query" in response.get_json()["error"]


@pytest.mark.parametrize(
    ("url", "param"),
    [
        ("/api/queries/trace-up", "entity"),
        ("/api/queries/trace-up?entity=", "entity"),
        ("/api/queries/trace-up?entity=BR0201&maxDepth=abc", "maxDepth"),
        ("/api/queries/trace-up?entity=BR0201&maxDepth=-1", "maxDepth"),
        ("/api/queries/trace-up?entity=BR0201&entity=BR0202", "entity"),
        ("/api/queries/trace-up?entity=BR0201&depth=2", "depth"),
        ("/api/queries/search?q=" + "ก" * 2000, "q"),
        ("/api/queries/search?q=x&format=pdf", "format"),
    ],
)
def test_missing_or_malformed_parameters_are_400_naming_them_issue6(client: FlaskClient, url, param) -> None:
    response = run(client, url)
    body = response.get_json()
    assert response.status_code == 400 and body["parameter"] == param and param in body["error"]


def test_unresolved_is_404_and_ambiguous_is_300_with_candidates_issue6(client: FlaskClient) -> None:
    response = run(client, "/api/queries/trace-up?entity=ไม่มีสิ่งนี้")
    assert response.status_code == 404 and response.get_json()["parameter"] == "entity"
    response = run(client, "/api/queries/trace-up?entity=1")
    body = response.get_json()
    assert response.status_code == 300 and body["parameter"] == "entity"
    assert ID + "strategy/ns-1" in {c["iri"] for c in body["candidates"]}
    # An agency parameter only considers agencies.
    assert run(client, "/api/queries/agency-portfolio?agency=BR0201").status_code == 404


def test_not_acceptable_and_cors_issue6(client: FlaskClient) -> None:
    response = run(client, "/api/queries/search?q=x", "image/png")
    assert response.status_code == 406
    ok = run(client, "/api/queries/search?q=ดิจิทัล")
    assert ok.headers["Access-Control-Allow-Origin"] == "*" and "Accept" in ok.headers["Vary"]
    assert client.options("/api/queries/search").status_code == 204


def test_parameters_are_bound_not_pasted_issue6(client: FlaskClient) -> None:
    """SPARQL in a parameter is a search text, nothing more."""
    evil = '" } } SELECT * WHERE { ?s ?p ?o } #'
    response = run(client, "/api/queries/search", None)
    response = client.get("/api/queries/search", query_string={"q": evil})
    assert response.status_code == 200
    assert len(response.get_json()["results"]["bindings"]) < 50
    assert json.dumps(response.get_json(), ensure_ascii=False).count(ID) < 200


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("search", {"q": "ยืนยันตัวตน"}),
        ("search", {"q": ID + "agency/opdc"}),
        ("indicator-series", {"indicator": "ความพึงพอใจ"}),
    ],
)
def test_answers_leave_out_the_keys_derived_from_parameters_issue6(
    client: FlaskClient, name: str, params: dict[str, str]
) -> None:
    """qKey, qTok1… are bound so the query can use them, not answered (they showed in 0.1.0 development)."""
    for accept in ("application/sparql-results+json", "text/csv"):
        got = client.get(f"/api/queries/{name}", query_string=params, headers={"Accept": accept})
        assert got.status_code == 200
        if accept == "text/csv":
            columns = next(csv.reader(io.StringIO(got.get_data(as_text=True))))
        else:
            columns = got.json["head"]["vars"]
        assert columns and not set(columns) & set(registry.get(name).helper_variables())


def test_text_helpers_name_every_variable_a_text_parameter_binds_issue6() -> None:
    """The API hides the names `text_helpers` lists: they must be all that `_text_bindings` binds."""
    for text in ("กพร.", ID + "agency/opdc", "", "คำ หลาย คำ ในข้อความ ยาว"):
        bound = set(_text_bindings("q", text)) - {"q"}
        assert bound <= set(text_helpers("q"))


@pytest.mark.parametrize("words", ["ดิจิทัล", "digital", "แผนการปฏิรูปประเทศ"])
def test_search_answers_each_entity_once_issue20(client: FlaskClient, words: str) -> None:
    response = client.get(
        "/api/queries/search",
        query_string={"q": words},
        headers={"Accept": "application/sparql-results+json"},
    )
    entities = [b["entity"]["value"] for b in response.get_json()["results"]["bindings"]]
    assert entities and len(entities) == len(set(entities)), "an entity once (CR02 was listed 16 times)"
    cr02 = ID + "plan/reform-plan-cr02"
    if cr02 in entities:
        row = next(b for b in response.get_json()["results"]["bindings"] if b["entity"]["value"] == cr02)
        assert row["type"]["value"].endswith("#ReformPlan")
