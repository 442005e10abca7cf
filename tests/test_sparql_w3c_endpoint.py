"""The endpoint defects an outside run of the W3C query tests and real clients found (issue 19).

Unknown `format=` values beside a servable Accept, the usual format names, XML results that keep a
literal's base direction and `\\r` and never come out ill-formed, CONSTRUCT/DESCRIBE asked for in SPARQL
results types only.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from tests.test_sparql_support import OPDC, make_store, running_app
from tests.test_sparql_w3c_support import add_quads

CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 3"
SELECT = "SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1"
RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"


DIRECTED = ox.Literal("abc", language="en", direction=ox.BaseDirection.RTL)
DIRECTION = "https://example.org/direction"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    """A test client over the small test store, plus a literal with a base direction in its own graph."""
    store_dir = make_store(tmp_path_factory.mktemp("w3c-endpoint") / "store")
    # The query guard's parser does not read `"abc"@en--rtl` in query text yet: the literal is data here.
    graph = ox.NamedNode("https://w3id.org/thaiplan/graph/test-direction")
    add_quads(store_dir, [ox.Quad(ox.NamedNode(OPDC), ox.NamedNode(DIRECTION), DIRECTED, graph)])
    with running_app(store_dir, workers=1) as app:
        yield app.test_client()


def test_unknown_format_is_ignored_when_accept_can_be_served_issue19(client: FlaskClient) -> None:
    # SPARQLWrapper in N3 mode: format=n3 was unknown, and an unknown value beside Accept was a 400.
    for fmt in ("n3", "rdf+n3-of-some-tool"):
        response = client.get(
            "/sparql", query_string={"query": CONSTRUCT, "format": fmt}, headers={"Accept": "text/turtle"}
        )
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.mimetype == "text/turtle"
        assert list(ox.parse(response.data, format=ox.RdfFormat.TURTLE))
    # Nothing else to go by: still a 400 that names the value.
    refused = client.get("/sparql", query_string={"query": SELECT, "format": "excel"})
    assert refused.status_code == 400 and "excel" in refused.get_data(as_text=True)


@pytest.mark.parametrize(
    ("name", "query", "media_type"),
    [
        ("n3", CONSTRUCT, "text/turtle"),
        ("turtle", CONSTRUCT, "text/turtle"),
        ("rdfxml", CONSTRUCT, "application/rdf+xml"),
        ("xml", CONSTRUCT, "application/rdf+xml"),
        ("jsonld", CONSTRUCT, "application/ld+json"),
        ("json", CONSTRUCT, "application/ld+json"),
        ("xml", SELECT, "application/sparql-results+xml"),
        ("json", SELECT, "application/sparql-results+json"),
        ("csv", SELECT, "text/csv"),
        ("tsv", SELECT, "text/tab-separated-values"),
    ],
)
def test_usual_format_names_are_accepted_issue19(
    client: FlaskClient, name: str, query: str, media_type: str
) -> None:
    response = client.get("/sparql", query_string={"query": query, "format": name})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == media_type


def xml_literal(client: FlaskClient, expression: str) -> ET.Element:
    """The literal an XML answer binds to ?x for `BIND(expression AS ?x)`."""
    response = client.get(
        "/sparql",
        query_string={"query": f"SELECT ?x WHERE {{ BIND({expression} AS ?x) }}"},
        headers={"Accept": "application/sparql-results+xml"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    literal = ET.fromstring(response.data).find(f".//{RESULTS_NS}literal")
    assert literal is not None
    return literal


def test_xml_results_keep_the_base_direction_issue19(client: FlaskClient) -> None:
    query = f"SELECT ?x WHERE {{ GRAPH ?g {{ ?s <{DIRECTION}> ?x }} }}"
    response = client.get(
        "/sparql", query_string={"query": query}, headers={"Accept": "application/sparql-results+xml"}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    literal = ET.fromstring(response.data).find(f".//{RESULTS_NS}literal")
    assert literal is not None
    assert literal.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert literal.get("{http://www.w3.org/2005/11/its}dir") == "rtl"
    # and a SPARQL 1.2 results reader sees the same term
    term = next(iter(ox.parse_query_results(response.data, format=ox.QueryResultsFormat.XML)))["x"]
    assert term == DIRECTED


def test_xml_results_keep_carriage_returns_issue19(client: FlaskClient) -> None:
    assert xml_literal(client, '"a\\rb\\r\\nc"').text == "a\rb\r\nc"


@pytest.mark.parametrize("char", ["\\u0001", "\\u0008", "\\u001F", "\\u000B"])
def test_xml_results_refuse_control_characters_cleanly_issue19(client: FlaskClient, char: str) -> None:
    query = f'SELECT ?x WHERE {{ BIND("a{char}b" AS ?x) }}'
    as_xml = client.get(
        "/sparql", query_string={"query": query}, headers={"Accept": "application/sparql-results+xml"}
    )
    assert as_xml.status_code == 406
    message = as_xml.get_data(as_text=True)
    assert "XML 1.0 cannot represent" in message and "application/sparql-results+json" in message
    as_json = client.get("/sparql", query_string={"query": query})
    assert as_json.status_code == 200
    assert as_json.json["results"]["bindings"][0]["x"]["value"] == "a" + chr(int(char[2:], 16)) + "b"


@pytest.mark.parametrize(
    "accept",
    [
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "application/sparql-results+xml, application/sparql-results+json;q=0.8",
        "text/csv",
    ],
)
def test_construct_and_describe_asked_as_results_get_turtle_issue19(client: FlaskClient, accept: str) -> None:
    for query in (CONSTRUCT, f"DESCRIBE <{OPDC}>"):
        response = client.get("/sparql", query_string={"query": query}, headers={"Accept": accept})
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.mimetype == "text/turtle"
        assert list(ox.parse(response.data, format=ox.RdfFormat.TURTLE))
