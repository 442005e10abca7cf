"""`/api/queries`: the named queries of `queries/` as a web API, described by OpenAPI.

`GET /api/queries` lists them, `GET /api/queries/openapi.json` describes them, and
`GET /api/queries/<name>?param=value` runs one in a worker process with the parameters bound (never
pasted), answering by content negotiation exactly like `/sparql` (Accept or `format=`: SPARQL JSON,
SPARQL XML, CSV, TSV). Errors are JSON: 404 for an unknown name or a parameter that names nothing,
400 naming the parameter that is missing or malformed, 300 with the candidates when it is ambiguous.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_to_bytes

from flask import Blueprint, Response, jsonify, request, url_for

from thaiplan.queries import registry
from thaiplan.queries.errors import AmbiguousParameter, ParameterError, UnknownQuery, UnresolvedParameter
from thaiplan.queries.openapi import openapi_spec
from thaiplan.server import answers, negotiation, urls
from thaiplan.server.errors import json_error as error
from thaiplan.server.named import QueryFailed, named_reply
from thaiplan.server.views import api_page

bp = Blueprint("api", __name__, url_prefix="/api/queries")
# Query-string names the server reads itself; a named query cannot declare them as parameters.
RESERVED = ("format", "lang")


@bp.after_request
def open_to_other_sites(response: Response) -> Response:
    """The API is public, read-only and sends no credentials: any web page may call it (as /sparql)."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Accept"
    response.vary.add("Accept")
    return response


def describe(q: registry.NamedQuery) -> dict[str, Any]:
    """One named query as the listing shows it."""
    return {
        "name": q.name,
        "summary": q.summary,
        "description": q.description,
        "tags": list(q.tags),
        "url": urls.link(url_for("api.run", name=q.name)),
        "parameters": [
            {
                "name": p.name,
                "type": p.type,
                "required": p.required,
                "description": p.description,
                "example": p.example,
                **({"default": p.default} if p.default is not None else {}),
                **({"class": p.class_iri} if p.class_iri else {}),
            }
            for p in q.params
        ],
    }


def wants_page() -> bool:
    """True for a browser: it names text/html and prefers it to JSON, and no `format=` asks otherwise."""
    if request.args.get("format"):
        return False
    ranges = negotiation.parse_accept(request.headers.get("Accept"))
    return negotiation.prefers_html(ranges, negotiation.quality(ranges, "application/json"))


@bp.route("", methods=["GET"])
def index() -> Response:
    """The list of named queries with their parameters, and where the OpenAPI description is: JSON for
    clients, a page with examples and try-it forms for browsers (issue 20)."""
    if wants_page():
        return api_page()
    return jsonify(
        {
            "openapi": urls.link(url_for("api.openapi")),
            "queries": [describe(q) for q in registry.list_queries()],
        }
    )


@bp.route("/openapi.json", methods=["GET"])
def openapi() -> Response:
    """The OpenAPI 3 description of the named queries."""
    return jsonify(openapi_spec(urls.public_base()))  # servers: the public URL, else "/" (relative)


def not_utf8(raw: bytes) -> str | None:
    """Why a query string is not UTF-8 once percent-decoded, or None when it is (raw UTF-8 is accepted).

    Werkzeug would turn such bytes into U+FFFD and the query would run on that: /sparql answers 400, and so
    does the API (issue 13).
    """
    try:
        unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"{exc.reason} at byte {exc.start}"
    return None


def query_params() -> dict[str, str | list[str]]:
    """The query string as parameters: blank values are absent, a repeated name stays a list (an error)."""
    params: dict[str, str | list[str]] = {}
    for key in request.args:
        if key in RESERVED:
            continue
        given = [v for v in request.args.getlist(key) if v.strip()]
        if given:
            params[key] = given[0] if len(given) == 1 else given
    return params


@bp.route("/<name>", methods=["GET", "OPTIONS"])
def run(name: str) -> Response:
    """Run the named query `name` with the query-string parameters; the result in the negotiated format."""
    if request.method == "OPTIONS":
        return Response(status=204)
    bad = not_utf8(request.query_string)
    if bad is not None:
        return error(400, f"the query string is not valid UTF-8 ({bad}): percent-encode parameters as UTF-8")
    try:
        query = registry.get(name)
    except UnknownQuery as exc:
        return error(404, str(exc), known=[q.name for q in registry.list_queries()])
    try:
        formats = negotiation.negotiate(request.headers.get("Accept"), request.args.get("format"))
    except negotiation.UnknownFormat as exc:
        names = ", ".join(negotiation.all_format_names())
        return error(400, f"unknown format {str(exc)!r}: use one of {names}", parameter="format")
    params = query_params()
    # Answers are cached per store snapshot (issue 7): 304 for a client that holds this one, else the LRU.
    try:
        return answers.serve(query.name, params, formats, lambda: named_reply(query.name, params, formats))
    except AmbiguousParameter as exc:
        return error(300, str(exc), parameter=exc.param, candidates=exc.candidates)
    except UnresolvedParameter as exc:
        return error(404, str(exc), parameter=exc.param)
    except ParameterError as exc:
        return error(400, str(exc), parameter=exc.param)
    except QueryFailed as exc:
        response = error(exc.status, str(exc))
        if exc.status == 503:
            response.headers["Retry-After"] = "5"
        return response
