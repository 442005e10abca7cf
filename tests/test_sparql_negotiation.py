"""Results by content negotiation (issue 5): Accept with q-values, `format`, 406, Thai text intact."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from tests.test_sparql_support import OPDC, SKOS_PREF, THAI, THAI_GRAPH, TRICKY, make_store, running_app
from thaiplan.server import negotiation

SELECT = f"SELECT ?label ?note WHERE {{ <{OPDC}> <{SKOS_PREF}> ?label ; <https://example.org/note> ?note }}"
CONSTRUCT = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{THAI_GRAPH}> {{ ?s ?p ?o }} }}"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    """A client over the test store."""
    store_dir = make_store(tmp_path_factory.mktemp("negotiation") / "store")
    with running_app(store_dir) as app:
        yield app.test_client()


# --- the negotiation rules on their own -------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "kind", "expected"),
    [
        (None, "solutions", "json"),
        ("*/*", "graph", "turtle"),
        ("text/csv", "solutions", "csv"),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "solutions", "xml"),
        ("text/*", "solutions", "csv"),
        ("text/*;q=0.3, application/n-triples", "graph", "ntriples"),
        # The most specific range decides: text/csv is refused even though */* is accepted.
        ("text/csv;q=0, */*;q=0.1", "solutions", "json"),
        ("application/json", "solutions", "json"),
        ("application/json", "graph", "jsonld"),
        ("application/rdf+xml, text/turtle;q=0.8", "graph", "rdfxml"),
        ("application/trig", "graph", "trig"),
        ("text/html", "solutions", None),
        ("image/png, text/csv;q=0", "solutions", None),
        ("text/csv;q=oops", "solutions", None),
    ],
)
def test_accept_rules_issue5(accept: str | None, kind: str, expected: str | None) -> None:
    assert negotiation.negotiate(accept, None)[kind] == expected


def test_format_parameter_overrides_accept_issue5() -> None:
    chosen = negotiation.negotiate("text/csv", "xml")
    assert chosen == {"solutions": "xml", "boolean": "xml", "graph": "rdfxml"}
    assert negotiation.negotiate(None, "text/turtle")["graph"] == "turtle"
    # A CONSTRUCT asked for as CSV gets the default RDF syntax rather than 406 (issue 19).
    assert negotiation.negotiate(None, "csv")["graph"] == "turtle"
    with pytest.raises(negotiation.UnknownFormat):
        negotiation.negotiate(None, "excel")


# --- the endpoint -----------------------------------------------------------------------------------


SOLUTION_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_TYPES = {
    "turtle": ("text/turtle", ox.RdfFormat.TURTLE),
    "ntriples": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    "rdfxml": ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD),
    "trig": ("application/trig", ox.RdfFormat.TRIG),
    "nquads": ("application/n-quads", ox.RdfFormat.N_QUADS),
}


def solution_values(fmt: str, body: bytes) -> dict[str, str]:
    """The first solution's values (lexical forms) parsed back from a result document."""
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"), newline="")))
        return dict(rows[0])
    parsed = ox.parse_query_results(body, format=getattr(ox.QueryResultsFormat, fmt.upper()))
    solution = next(iter(parsed))
    return {v.value: solution[v].value for v in parsed.variables}


@pytest.mark.parametrize("fmt", sorted(SOLUTION_TYPES))
def test_select_formats_keep_thai_text_intact_issue5(client: FlaskClient, fmt: str) -> None:
    by_accept = client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": SOLUTION_TYPES[fmt]})
    by_param = client.get("/sparql", query_string={"query": SELECT, "format": fmt})
    for response in (by_accept, by_param):
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.mimetype == SOLUTION_TYPES[fmt]
        assert response.mimetype_params["charset"] == "utf-8"
        values = solution_values(fmt, response.data)
        assert values["label"] == THAI
        assert values["note"] == TRICKY
    if fmt in ("json", "xml"):
        assert THAI.encode("utf-8") in by_accept.data  # written as UTF-8, not escaped


def test_xml_results_are_well_formed_with_language_tags_issue5(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": SELECT, "format": "xml"})
    root = ET.fromstring(response.data)
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    literal = root.find(".//r:binding[@name='label']/r:literal", ns)
    assert literal is not None
    assert literal.text == THAI
    assert literal.get("{http://www.w3.org/XML/1998/namespace}lang") == "th"


@pytest.mark.parametrize("fmt", sorted(GRAPH_TYPES))
def test_construct_formats_keep_thai_text_intact_issue5(client: FlaskClient, fmt: str) -> None:
    media_type, rdf_format = GRAPH_TYPES[fmt]
    response = client.post("/sparql", data={"query": CONSTRUCT}, headers={"Accept": media_type})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == media_type
    parsed = list(ox.parse(response.data, format=rdf_format))
    literals = {t.object.value for t in parsed if isinstance(t.object, ox.Literal)}
    assert THAI in literals and TRICKY in literals
    langs = {t.object.language for t in parsed if isinstance(t.object, ox.Literal)}
    assert "th" in langs


def test_ask_in_json_and_xml_issue5(client: FlaskClient) -> None:
    as_json = client.get("/sparql", query_string={"query": "ASK {}"})
    assert as_json.mimetype == "application/sparql-results+json"
    assert as_json.json == {"head": {}, "boolean": True}
    as_xml = client.get(
        "/sparql",
        query_string={"query": "ASK { <x:no> ?p ?o }"},
        headers={"Accept": "application/sparql-results+xml"},
    )
    assert b"<boolean>false</boolean>" in as_xml.data


def test_describe_returns_the_resource_issue5(client: FlaskClient) -> None:
    response = client.get(
        "/sparql", query_string={"query": f"DESCRIBE <{OPDC}>"}, headers={"Accept": "application/n-triples"}
    )
    assert response.status_code == 200
    assert THAI in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "accept"),
    [(SELECT, "text/turtle"), (CONSTRUCT, "image/png"), ("ASK {}", "image/png"), (SELECT, "text/html")],
)
def test_not_acceptable_is_406_with_the_choices_issue5(client: FlaskClient, query: str, accept: str) -> None:
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": accept})
    assert response.status_code == 406
    assert "can be sent as" in response.get_data(as_text=True)


def test_unknown_format_parameter_is_400_issue5(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "ASK {}", "format": "excel"})
    assert response.status_code == 400
    assert "excel" in response.get_data(as_text=True)


def test_browser_accept_on_a_query_gets_json_issue5(client: FlaskClient) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get(
        "/sparql", query_string={"query": "SELECT * { ?s ?p ?o } LIMIT 1"}, headers={"Accept": browser}
    )
    assert response.status_code == 200
    assert response.mimetype == "application/sparql-results+xml"  # application/xml (q=0.9) beats */* (0.8)


def test_json_results_parse_as_the_standard_says_issue5(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "SELECT ?n ?missing { VALUES ?n { 1 } }"})
    doc = json.loads(response.data)
    assert doc["head"]["vars"] == ["n", "missing"]
    assert doc["results"]["bindings"] == [
        {"n": {"type": "literal", "value": "1", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}
    ]


def test_bad_graph_parameter_and_bad_encoding_issue5(client: FlaskClient) -> None:
    bad_iri = client.get("/sparql", query_string={"query": "ASK {}", "default-graph-uri": "not an iri"})
    assert bad_iri.status_code == 400
    assert "default-graph-uri" in bad_iri.get_data(as_text=True)
    bad_bytes = client.get("/sparql?query=ASK%20%7B%7D%FF")
    assert bad_bytes.status_code == 400
    assert "UTF-8" in bad_bytes.get_data(as_text=True)
    bad_body = client.post("/sparql", data=b"ASK {} \xff", content_type="application/sparql-query")
    assert bad_body.status_code == 400
