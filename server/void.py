"""The dataset's VoID and DCAT description at `/.well-known/void` (issue 15), and the ontology's and shapes'
own IRIs: `/ontology/<version>`, `/ontology/reference`, `/shapes`.

VoID (W3C Interest Group Note) is what linked-data crawlers and SPARQL clients read first, at the
well-known path RFC 5785 reserves for it; DCAT 2 is what data catalogues harvest. Both describe the same
node: licence, publisher, the SPARQL endpoint, the vocabulary, the IRI space, and one subset per named
graph with its size counted by the store (cached per snapshot like every page query).
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, redirect, request, url_for
from werkzeug.http import HTTP_STATUS_CODES

from thaiplan.ontology import ontology_path
from thaiplan.ontology.namespace import BASE, DATASET_IRI, ONTOLOGY_IRI, PREFIXES, TP_NS
from thaiplan.queries.execute import rows
from thaiplan.server import negotiation, results
from thaiplan.server.errors import error_text
from thaiplan.server.named import QueryFailed, page_query, select
from thaiplan.server.workers import WorkerUnavailable

bp = Blueprint("void", __name__)

VOID, DCAT, DCTERMS, FOAF = (PREFIXES[p] for p in ("void", "dcat", "dcterms", "foaf"))
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DESCRIPTION_PREFIXES = {p: PREFIXES[p] for p in ("void", "dcat", "dcterms", "foaf")}
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
PUBLISHER = BASE


def _n(iri: str) -> ox.NamedNode:
    """A named node."""
    return ox.NamedNode(iri)


def _lit(value: Any, lang: str | None = None, datatype: str | None = None) -> ox.Literal:
    """A literal, language-tagged or typed."""
    if lang:
        return ox.Literal(str(value), language=lang)
    return ox.Literal(str(value), datatype=_n(datatype)) if datatype else ox.Literal(str(value))


def public_base() -> str:
    """The server's public base URL (THAIPLAN_PUBLIC_URL behind a proxy, else as the client reached it)."""
    public = current_app.config["THAIPLAN"].public_url
    return (public or request.host_url).rstrip("/")


def describe(base: str, base_iri: str, sizes: list[tuple[str, int, int]]) -> list[ox.Triple]:
    """The VoID/DCAT triples of the dataset served at `base`, with (graph, triples, subjects) per graph."""
    xsd_integer = "http://www.w3.org/2001/XMLSchema#integer"
    ds, endpoint = _n(DATASET_IRI), _n(base + "/sparql")
    distribution = ox.BlankNode("sparql")
    triples = [
        ox.Triple(ds, RDF_TYPE, _n(VOID + "Dataset")),
        ox.Triple(ds, RDF_TYPE, _n(DCAT + "Dataset")),
        ox.Triple(
            ds, _n(DCTERMS + "title"), _lit("thaiplan: Thailand's public-sector strategic plans", "en")
        ),
        ox.Triple(ds, _n(DCTERMS + "title"), _lit("thaiplan: แผนยุทธศาสตร์ภาครัฐไทย", "th")),
        ox.Triple(
            ds,
            _n(DCTERMS + "description"),
            _lit(
                "The National Strategy, Master Plan 20, the revised National Reform Plan on public "
                "administration and the Public Sector Development Strategy B.E. 2567-2570 as RDF, every fact "
                "with a quoted passage of its source document.",
                "en",
            ),
        ),
        ox.Triple(ds, _n(DCTERMS + "license"), _n(LICENSE)),
        ox.Triple(ds, _n(DCTERMS + "publisher"), _n(PUBLISHER)),
        ox.Triple(ds, _n(DCTERMS + "conformsTo"), _n(ONTOLOGY_IRI)),
        ox.Triple(ds, _n(VOID + "sparqlEndpoint"), endpoint),
        ox.Triple(ds, _n(VOID + "vocabulary"), _n(TP_NS)),
        ox.Triple(ds, _n(VOID + "uriSpace"), _lit(base_iri)),
        ox.Triple(ds, _n(VOID + "exampleResource"), _n(base_iri + "plan/national-strategy")),
        ox.Triple(ds, _n(VOID + "rootResource"), _n(base_iri + "plan/national-strategy")),
        ox.Triple(ds, _n(VOID + "triples"), _lit(sum(t for _, t, _ in sizes), datatype=xsd_integer)),
        ox.Triple(ds, _n(DCAT + "distribution"), distribution),
        ox.Triple(distribution, RDF_TYPE, _n(DCAT + "Distribution")),
        ox.Triple(distribution, _n(DCAT + "accessURL"), endpoint),
        ox.Triple(distribution, _n(DCTERMS + "license"), _n(LICENSE)),
        ox.Triple(_n(PUBLISHER), RDF_TYPE, _n(FOAF + "Project")),
        ox.Triple(_n(PUBLISHER), _n(FOAF + "name"), _lit("thaiplan", "en")),
    ]
    for graph, count, subjects in sizes:
        node = _n(graph)
        triples += [
            ox.Triple(ds, _n(VOID + "subset"), node),
            ox.Triple(node, RDF_TYPE, _n(VOID + "Dataset")),
            ox.Triple(node, _n(VOID + "sparqlEndpoint"), endpoint),
            ox.Triple(node, _n(VOID + "triples"), _lit(count, datatype=xsd_integer)),
            ox.Triple(node, _n(VOID + "distinctSubjects"), _lit(subjects, datatype=xsd_integer)),
        ]
    return triples


def graph_sizes() -> list[tuple[str, int, int]]:
    """(graph IRI, triples, distinct subjects) of every named graph, counted by the store."""
    found = rows(select(page_query("void-graph-sizes")))
    return [(r["g"].value, int(r["triples"].value), int(r["subjects"].value)) for r in found]


@bp.route("/.well-known/void")
def void() -> Response:
    """The VoID/DCAT description, in the RDF syntax the client asks for (Turtle by default)."""
    ranges = negotiation.parse_accept(request.headers.get("Accept"))
    fmt = negotiation.best_format(ranges, negotiation.GRAPH_FORMATS)
    if fmt is None:
        return error_text(406, "Not Acceptable", "the description is RDF (Turtle, JSON-LD, ...).")
    try:
        sizes = graph_sizes()
    except (QueryFailed, WorkerUnavailable) as exc:
        status = getattr(exc, "status", 503)
        title = HTTP_STATUS_CODES.get(status, "Error")
        return error_text(status, title, f"the store cannot be counted now: {exc}")
    triples = describe(public_base(), current_app.config["THAIPLAN"].base_iri, sizes)
    body = results.serialize_graph(triples, fmt.name, len(triples), DESCRIPTION_PREFIXES)
    response = Response(body, content_type=fmt.content_type)
    response.vary.add("Accept")
    return response


@bp.route("/ontology/<any('0.2.0'):version>")
def ontology_version(version: str) -> Response:
    """The version IRI of the ontology: the Turtle of that version (the one this server ships)."""
    response = Response(ontology_path().read_bytes(), content_type="text/turtle; charset=utf-8")
    response.headers["Link"] = f'<{url_for("resources.ontology")}>; rel="latest-version"'
    return response


@bp.route("/ontology/reference")
def ontology_reference() -> Response:
    """The reference page the ontology cites (rdfs:seeAlso): the ontology's HTML representation."""
    return redirect(url_for("resources.ontology", suffix=".html"), code=303)


@bp.route("/shapes")
@bp.route("/shapes.ttl")
def shapes() -> Response:
    """The shapes' IRI: every SHACL shape of the project, as one Turtle graph."""
    from rdflib import Graph

    from thaiplan.shapes.validate import load_shapes

    graph: Graph = load_shapes()
    return Response(graph.serialize(format="turtle"), content_type="text/turtle; charset=utf-8")
