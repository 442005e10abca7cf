"""The `/sparql` endpoint: the SPARQL 1.1 Protocol query operation, the service description and the editor."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from thaiplan.queries.guard import safety
from thaiplan.server import answers, negotiation, results, service_description, urls
from thaiplan.server.editor import editor_prefixes, render_editor
from thaiplan.server.errors import message_text as text_response
from thaiplan.server.execution import QueryJob
from thaiplan.server.protocol import ProtocolError, QueryRequest, parse_request
from thaiplan.server.workers import WorkerPool, WorkerUnavailable

bp = Blueprint("sparql", __name__)


def pool() -> WorkerPool:
    """The app's worker pool."""
    return current_app.extensions["thaiplan_pool"]


def endpoint_url() -> str:
    """The endpoint's absolute URL (also the base IRI of queries): configured, never from `Host` (#13)."""
    return urls.absolute(request.path)


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def endpoint() -> Response:
    """Dispatch: a query is run; without one, HTML clients get the editor and others the description."""
    if request.method == "OPTIONS":
        return Response(status=204)  # CORS preflight; the headers are added by security.add_headers
    try:
        operation = parse_request(request)
        formats = negotiation.negotiate(request.headers.get("Accept"), operation.format)
    except ProtocolError as exc:
        return text_response(exc.status, exc.message)
    except negotiation.UnknownFormat as exc:
        names = ", ".join(negotiation.all_format_names())
        return text_response(400, f"Unknown format {str(exc)!r}: use one of {names}.")
    if operation.query is None:
        return describe_service(operation)
    return run_query(operation, formats)


def run_query(operation: QueryRequest, formats: dict[str, str | None]) -> Response:
    """Send the query to a worker and relay its answer."""
    config = current_app.config["THAIPLAN"]
    job = QueryJob(
        query=operation.query or "",
        base_iri=endpoint_url(),
        formats=formats,
        max_rows=config.max_rows,
        default_graphs=operation.default_graphs,
        named_graphs=operation.named_graphs,
        prefixes=editor_prefixes(config.base_iri),
        # Without a dataset: the data graphs' set union, not the ontology or the indexes (issue 19).
        default_graph="public",
        snapshot=answers.current_build(),  # read once per request; the worker reads that build (#14)
    )
    # Answers are cached per store snapshot like the named queries' (issue 8): the graph only changes
    # when a build switches snapshots, and researchers' scripts repeat the same queries.
    key = {
        "query": job.query,
        "base": job.base_iri,
        "default-graph-uri": job.default_graphs,
        "named-graph-uri": job.named_graphs,
    }
    # A query calling NOW(), RAND(), UUID(), STRUUID() or BNODE() answers anew on every run: never cached.
    # Read from the guard's tokens (issue 13: a regular expression missed `NOW#x\n()`); linear in the text.
    cacheable = not safety.is_volatile(job.query)
    try:
        response = answers.serve("sparql", key, formats, lambda: pool().run(job), cacheable)
    except WorkerUnavailable as exc:
        return text_response(exc.status, str(exc), {"Retry-After": "5"} if exc.status == 503 else None)
    return response


def describe_service(operation: QueryRequest) -> Response:
    """GET /sparql without a query: the editor for browsers, the service description for tools."""
    ranges = negotiation.parse_accept(request.headers.get("Accept"))
    if operation.format:
        rdf = negotiation.format_by_name(operation.format, "graph")
        wants_html = False
        if rdf is None:
            return text_response(406, "The service description is RDF: ask for Turtle, RDF/XML, JSON-LD, …")
    else:
        rdf = negotiation.best_format(ranges, negotiation.GRAPH_FORMATS)
        rdf_q = negotiation.format_quality(ranges, rdf) if rdf else 0.0
        # A browser names text/html explicitly; a tool sending only */* gets RDF.
        wants_html = negotiation.prefers_html(ranges, rdf_q)
    if wants_html:
        return Response(render_editor(urls.link(request.path)), mimetype="text/html")
    if rdf is None:
        return text_response(
            406,
            "Not acceptable: this URL serves the SPARQL service description as RDF or the editor as HTML.",
        )
    try:
        _, graphs = pool().graphs(snapshot=answers.current_build())
    except WorkerUnavailable as exc:
        return text_response(exc.status, str(exc))
    triples = service_description.describe(endpoint_url(), graphs)
    body = results.serialize_graph(triples, rdf.name, len(triples), service_description.PREFIXES)
    return Response(body, content_type=rdf.content_type)


