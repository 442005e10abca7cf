"""The dataset's VoID/DCAT description and the IRIs the ontology names (issue 15), on a real build."""

from __future__ import annotations

import pyoxigraph as ox
from flask.testing import FlaskClient

from tests import test_pages_support as support

store_dir, app, client = support.store_dir, support.app, support.client

VOID = "http://rdfs.org/ns/void#"
DCTERMS = "http://purl.org/dc/terms/"
GRAPH = "https://w3id.org/thaiplan/graph/"


def _triples(body: bytes, fmt: ox.RdfFormat = ox.RdfFormat.TURTLE) -> list[ox.Triple]:
    """The triples of an RDF document."""
    return [q.triple if isinstance(q, ox.Quad) else q for q in ox.parse(body, format=fmt)]


def test_void_describes_the_dataset_with_counted_graphs_issue15(client: FlaskClient) -> None:
    response = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.content_type.startswith("text/turtle")
    triples = _triples(response.data)
    by = {(t.subject.value, t.predicate.value): t.object.value for t in triples}
    dataset = "https://w3id.org/thaiplan/dataset"
    assert by[(dataset, DCTERMS + "license")] == "https://creativecommons.org/licenses/by/4.0/"
    assert by[(dataset, VOID + "sparqlEndpoint")] == "http://localhost/sparql"
    assert (dataset, DCTERMS + "publisher") in by
    subsets = {t.object.value for t in triples if t.predicate.value == VOID + "subset"}
    assert {GRAPH + "reform-plan-cr02", GRAPH + "psds-2567-2570", GRAPH + "fiscal-years"} <= subsets
    sizes = {s: int(by[(s, VOID + "triples")]) for s in subsets}
    assert all(n > 0 for n in sizes.values())
    assert int(by[(dataset, VOID + "triples")]) == sum(sizes.values())


def test_void_in_json_ld_and_406_for_html_only_issue15(client: FlaskClient) -> None:
    response = client.get("/.well-known/void", headers={"Accept": "application/ld+json"})
    assert response.status_code == 200 and _triples(response.data, ox.RdfFormat.JSON_LD)
    assert client.get("/.well-known/void", headers={"Accept": "image/png"}).status_code == 406


def test_the_service_description_links_to_void_issue15(client: FlaskClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    triples = _triples(response.data)
    objects = {t.object.value for t in triples}
    # The links come from the configured address, never from the request's Host header (issue 13).
    endpoint = next(t.object.value for t in triples if t.predicate.value.endswith("#endpoint"))
    assert endpoint.removesuffix("/sparql") + "/.well-known/void" in objects


def test_the_ontologys_version_reference_and_shapes_iris_resolve_issue15(client: FlaskClient) -> None:
    version = client.get("/ontology/0.2.0")
    assert version.status_code == 200
    assert any(t.object.value == "https://w3id.org/thaiplan/ontology/0.2.0" for t in _triples(version.data))
    reference = client.get("/ontology/reference")
    assert reference.status_code == 303 and reference.headers["Location"].endswith("/ontology.html")
    shapes = client.get("/shapes")
    assert shapes.status_code == 200
    assert any(t.subject.value.endswith("shapes#AlignmentLevelShape") for t in _triples(shapes.data))
    assert client.get("/ontology/9.9.9").status_code == 404


def test_the_trace_view_shows_each_steps_alignment_level_issue15(client: FlaskClient) -> None:
    page = client.get("/trace?entity=BR0201&lang=en", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "national reform plan" in page  # BR0201 → CR02G01: tp:levelReformPlan
    thai = client.get("/trace?entity=CR02&lang=th", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "ยุทธศาสตร์ชาติ (X)" in thai and "อนุมาน" in thai  # the plan → NS strategies: inferred alignments
