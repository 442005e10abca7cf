"""W3C SPARQL 1.1 Protocol conformance, query side (issue 5): every query case of the W3C manifest.

The cases are written out below (request as in the manifest, expected status, result); a second test
reads the manifest itself and checks that the list covers every query-side entry with the same request,
so the list cannot drift from the standard. The update cases are answered read-only (403, with a
message) instead of the manifest's 2xx: the endpoint has no update operation by design.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import rdflib
from flask.testing import FlaskClient

from tests.test_sparql_support import W3C_DIR, make_store, running_app

DG = "http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata{}.rdf"
D = "http://kasei.us/2009/09/sparql/data/data{}.rdf"
FORM = "application/x-www-form-urlencoded"
SQ = "application/sparql-query"
SU = "application/sparql-update"


def case(name: str, method: str, path: str, *, body: str | None = None, ctype: str | None = None,
         encoding: str = "UTF-8", status: int = 2, boolean: bool | None = None,
         fmt: str | None = None) -> Any:  # fmt: skip
    """One manifest entry: the request and what the manifest expects (status class 2 or 4)."""
    return pytest.param(
        {"method": method, "path": path, "body": body, "ctype": ctype, "encoding": encoding,
         "status": status, "boolean": boolean, "format": fmt},
        id=name,
    )  # fmt: skip


QUERY_CASES = [
    case(
        "query_post_form",
        "POST",
        f"/sparql/?default-graph-uri={DG.format(0)}",
        body="query=ASK%20%7B%7D",
        ctype=FORM,
        boolean=True,
        fmt="boolean",
    ),
    case(
        "query_dataset_default_graphs_get",
        "GET",
        "/sparql/?query=ASK%20%7B%20%3Chttp%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata1.rdf%3E%20a%20%3Ftype%20"
        ".%20%3Chttp%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata2.rdf%3E%20a%20%3Ftype%20.%20%7D"
        f"&default-graph-uri={DG.format(1)}&default-graph-uri={DG.format(2)}",
        boolean=True,
        fmt="boolean",
    ),
    case(
        "query_dataset_default_graphs_post",
        "POST",
        f"/sparql/?default-graph-uri={DG.format(1)}&default-graph-uri={DG.format(2)}",
        body=f"ASK {{ <{D.format(1)}> a ?type . <{D.format(2)}> a ?type . }}",
        ctype=SQ,
        boolean=True,
        fmt="boolean",
    ),
    case(
        "query_dataset_named_graphs_post",
        "POST",
        f"/sparql/?named-graph-uri={DG.format(1)}&named-graph-uri={DG.format(2)}",
        body=f"ASK {{ GRAPH ?g1 {{ <{D.format(1)}> a ?type }} GRAPH ?g2 {{ <{D.format(2)}> a ?type }} }}",
        ctype=SQ,
        boolean=True,
        fmt="boolean",
    ),
    case(
        "query_dataset_named_graphs_get",
        "GET",
        "/sparql/?query=ASK%20%7B%20GRAPH%20%3Fg1%20%7B%20%3Chttp%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2F"
        "data1.rdf%3E%20a%20%3Ftype%20%7D%20GRAPH%20%3Fg2%20%7B%20%3Chttp%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2F"
        f"data%2Fdata2.rdf%3E%20a%20%3Ftype%20%7D%20%7D&named-graph-uri={DG.format(1)}"
        f"&named-graph-uri={DG.format(2)}",
        boolean=True,
        fmt="boolean",
    ),
    case(
        "query_dataset_full",
        "POST",
        f"/sparql/?default-graph-uri={DG.format(3)}&named-graph-uri={DG.format(1)}&named-graph-uri={DG.format(2)}",
        body=f"ASK {{\n  <{D.format(3)}> a ?type\n  GRAPH ?g1 {{ <{D.format(1)}> a ?type }}\n"
        f"  GRAPH ?g2 {{ <{D.format(2)}> a ?type }}\n}}",
        ctype=SQ,
        boolean=True,
        fmt="boolean",
    ),
    case(
        "query_multiple_dataset",
        "POST",
        f"/sparql/?named-graph-uri={DG.format(1)}&named-graph-uri={DG.format(2)}",
        body=f"ASK FROM <{D.format(3)}> {{ GRAPH ?g1 {{ <{D.format(1)}> a ?type }} "
        f"GRAPH ?g2 {{ <{D.format(2)}> a ?type }} }}",
        ctype=SQ,
        boolean=True,
        fmt="boolean",
    ),
    case(
        "query_get",
        "GET",
        f"/sparql/?query=ASK%20%7B%7D&default-graph-uri={DG.format(0)}",
        boolean=True,
        fmt="boolean",
    ),
    case(
        "query_content_type_select",
        "POST",
        f"/sparql/?default-graph-uri={DG.format(0)}",
        body="SELECT (1 AS ?value) {}",
        ctype=SQ,
        fmt="tabular",
    ),
    case(
        "query_content_type_ask",
        "POST",
        f"/sparql/?default-graph-uri={DG.format(0)}",
        body="ASK {}",
        ctype=SQ,
        fmt="boolean",
    ),
    case(
        "query_content_type_describe",
        "POST",
        f"/sparql/?default-graph-uri={DG.format(0)}",
        body="DESCRIBE <http://example.org/>",
        ctype=SQ,
        fmt="RDF",
    ),
    case(
        "query_content_type_construct",
        "POST",
        f"/sparql/?default-graph-uri={DG.format(0)}",
        body="CONSTRUCT { <s> <p> 1 } WHERE {}",
        ctype=SQ,
        fmt="RDF",
    ),
    case("query_post_direct", "POST", "/sparql/", body="ASK {}", ctype=SQ, boolean=True, fmt="boolean"),
    case(
        "bad_query_method",
        "PUT",
        f"/sparql/?query=ASK%20%7B%7D&default-graph-uri={DG.format(0)}",
        ctype=FORM,
        status=4,
    ),
    case("bad_multiple_queries", "GET", "/sparql/?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D", status=4),
    case("bad_query_wrong_media_type", "POST", "/sparql/", body="ASK {}", ctype="text/plain", status=4),
    case("bad_query_missing_form_type", "POST", "/sparql/", body="query=ASK%20%7B%7D", status=4),
    case("bad_query_missing_direct_type", "POST", "/sparql/", body="ASK {}", status=4),
    case(
        "bad_query_non_utf8",
        "POST",
        "/sparql/",
        body="ASK {}",
        ctype="application/sparql-query; charset=UTF-16",
        encoding="UTF-16",
        status=4,
    ),
    case("bad_query_syntax", "GET", "/sparql/?query=ASK%20%7B", status=4),
]

# The update side, answered 4xx because the endpoint is read-only (the manifest expects 2xx for the
# first seven, which an endpoint without updates cannot give).
UPDATE_CASES = [
    case(
        "update_dataset_default_graph",
        "POST",
        f"/sparql/?using-graph-uri={DG.format(1)}",
        body="CLEAR ALL",
        ctype=SU,
        status=4,
    ),
    case(
        "update_dataset_default_graphs",
        "POST",
        f"/sparql/?using-graph-uri={DG.format(1)}&using-graph-uri={DG.format(2)}",
        body="DROP ALL",
        ctype=SU,
        status=4,
    ),
    case(
        "update_dataset_named_graphs",
        "POST",
        f"/sparql/?using-named-graph-uri={DG.format(1)}&using-named-graph-uri={DG.format(2)}",
        body="DROP ALL",
        ctype=SU,
        status=4,
    ),
    case(
        "update_dataset_full",
        "POST",
        f"/sparql/?using-graph-uri={DG.format(1)}&using-named-graph-uri={DG.format(2)}",
        body="DROP ALL",
        ctype=SU,
        status=4,
    ),
    case("update_post_form", "POST", "/sparql/", body="update=CLEAR+ALL", ctype=FORM, status=4),
    case("update_post_direct", "POST", "/sparql/", body="CLEAR ALL", ctype=SU, status=4),
    case(
        "update_base_uri",
        "POST",
        "/sparql/",
        body="CLEAR SILENT GRAPH <http://example.org/protocol-base-test/>",
        ctype=SU,
        status=4,
    ),
    case("bad_update_get", "GET", "/sparql/?update=CLEAR%20ALL", status=4),
    case(
        "bad_multiple_updates",
        "POST",
        "/sparql/",
        body="update=CLEAR%20NAMED&update=CLEAR%20DEFAULT",
        ctype=FORM,
        status=4,
    ),
    case("bad_update_wrong_media_type", "POST", "/sparql/", body="CLEAR NAMED", ctype="text/plain", status=4),
    case("bad_update_missing_form_type", "POST", "/sparql/", body="update=CLEAR%20NAMED", status=4),
    case(
        "bad_update_non_utf8",
        "POST",
        "/sparql/",
        body="CLEAR NAMED",
        ctype="application/sparql-update; charset=UTF-16",
        encoding="UTF-16",
        status=4,
    ),
    case("bad_update_syntax", "POST", "/sparql/", body="update=CLEAR%20XYZ", ctype=FORM, status=4),
    case(
        "bad_update_dataset_conflict",
        "POST",
        "/sparql/?using-named-graph-uri=http%3A%2F%2Fexample%2Fpeople",
        body="WITH <http://example/addresses> DELETE { ?p ?q 'Bill' } WHERE { ?p ?q 'Bill' }",
        ctype=SU,
        status=4,
    ),
]

TABULAR = {"application/sparql-results+json", "application/sparql-results+xml", "text/csv",
           "text/tab-separated-values"}  # fmt: skip
RDF = {"text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json"}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    """A test client over a store holding data1/2/3.nt as named graphs (the manifest's graphData)."""
    store_dir = make_store(tmp_path_factory.mktemp("w3c") / "store")
    with running_app(store_dir) as app:
        yield app.test_client()


def send(client: FlaskClient, spec: dict[str, Any]) -> Any:
    """Send a manifest request (its `/sparql/` prefix mapped to this server's `/sparql`)."""
    path = spec["path"].replace("/sparql/", "/sparql", 1)
    data = spec["body"].encode(spec["encoding"].lower().replace("utf-16", "utf-16")) if spec["body"] else None
    headers = {"Content-Type": spec["ctype"]} if spec["ctype"] else {}
    return client.open(path, method=spec["method"], data=data, headers=headers)


@pytest.mark.parametrize("spec", QUERY_CASES)
def test_w3c_query_case_issue5(client: FlaskClient, spec: dict[str, Any]) -> None:
    response = send(client, spec)
    text = response.get_data(as_text=True)
    assert response.status_code // 100 == spec["status"], text
    if spec["status"] == 4:
        assert response.status_code != 404
        assert len(text.strip()) > 10, "a 4xx must say what was wrong"
        return
    mimetype = response.mimetype
    if spec["format"] == "boolean":
        assert mimetype in {"application/sparql-results+json", "application/sparql-results+xml"}
    elif spec["format"] == "tabular":
        assert mimetype in TABULAR
    elif spec["format"] == "RDF":
        assert mimetype in RDF
    if spec["boolean"] is not None:
        assert json.loads(text)["boolean"] is spec["boolean"]


@pytest.mark.parametrize("spec", UPDATE_CASES)
def test_w3c_update_case_is_refused_read_only_issue5(client: FlaskClient, spec: dict[str, Any]) -> None:
    response = send(client, spec)
    assert response.status_code // 100 == 4, response.get_data(as_text=True)
    assert response.status_code != 404
    assert response.get_data(as_text=True).strip()


def manifest_requests() -> dict[str, dict[str, Any]]:
    """The first request of every manifest entry: method, path, body, content type."""
    mf = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
    ht = rdflib.Namespace("http://www.w3.org/2011/http#")
    cnt = rdflib.Namespace("http://www.w3.org/2011/content#")
    g = rdflib.Graph().parse(W3C_DIR / "manifest.ttl", format="turtle")
    out = {}
    for entry in g.items(g.value(rdflib.URIRef(Path(W3C_DIR / "manifest.ttl").as_uri()), mf.entries)):
        action = g.value(entry, mf.action)
        request = next(iter(g.items(g.value(action, ht.requests))))
        body = g.value(g.value(request, ht.body), cnt.chars)
        ctype = None
        headers = g.value(request, ht.headers)
        for header in g.items(headers) if headers else []:
            if str(g.value(header, ht.fieldName)).lower() == "content-type":
                ctype = str(g.value(header, ht.fieldValue))
        name = str(entry).rsplit("#", 1)[1]
        out[name] = {
            "method": str(g.value(request, ht.methodName)),
            "path": str(g.value(request, ht.absolutePath)),
            "body": str(body) if body is not None else None,
            "ctype": ctype,
        }
    return out


def test_cases_cover_every_manifest_entry_issue5() -> None:
    manifest = manifest_requests()
    listed = {p.id: p.values[0] for p in QUERY_CASES + UPDATE_CASES}
    assert set(listed) == set(manifest)
    for p in QUERY_CASES:
        spec, expected = p.values[0], manifest[p.id]
        assert (spec["method"], spec["path"], spec["ctype"]) == (
            expected["method"],
            expected["path"],
            expected["ctype"],
        ), p.id
        assert (spec["body"] or None) == expected["body"], p.id
