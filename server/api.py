"""`/api/queries`: the named queries of `queries/` as a web API, described by OpenAPI.

`GET /api/queries` lists them, `GET /api/queries/openapi.json` describes them, and
`GET /api/queries/<name>?param=value` runs one in a worker process with the parameters bound (never
pasted), answering by content negotiation exactly like `/sparql` (Accept or `format=`: SPARQL JSON,
SPARQL XML, CSV, TSV). `limit` and `offset` ask for one page of the answer (issue 18, queries/paging.py),
with `Link` headers to the next and previous pages. Errors are JSON: 404 for an unknown name or a parameter
that names nothing, 400 naming the parameter that is missing or malformed, 300 with the candidates when it
is ambiguous.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any
from urllib.parse import unquote_to_bytes, urlencode

from flask import Blueprint, Response, jsonify, request, url_for

from thaiplan.queries import paging, registry
from thaiplan.queries.errors import AmbiguousParameter, ParameterError, UnknownQuery, UnresolvedParameter
from thaiplan.queries.openapi import openapi_spec
from thaiplan.server import answers, negotiation, urls
from thaiplan.server.errors import json_error as error
from thaiplan.server.named import QueryFailed, named_reply
from thaiplan.server.views import api_page

bp = Blueprint("api", __name__, url_prefix="/api/queries")
# Query-string names the server reads itself; a named query cannot declare them as parameters.
RESERVED = ("format", "lang", *paging.NAMES)


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


def query_params(only: tuple[str, ...] = ()) -> dict[str, str | list[str]]:
    """The query string as parameters (the named query's, or `only` these): blank values are absent, a
    repeated name stays a list (an error)."""
    params: dict[str, str | list[str]] = {}
    for key in request.args:
        if (key not in only) if only else (key in RESERVED):
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
    try:
        page = requested_page(query)
    except ParameterError as exc:
        return error(400, str(exc), parameter=exc.param)
    key = params if page is None else {**params, **page.as_params()}
    # Answers are cached per store snapshot (issue 7): 304 for a client that holds this one, else the LRU.
    try:
        response = answers.serve(
            query.name, key, formats, lambda: named_reply(query.name, params, formats, page)
        )
        if page is not None and response.status_code == 200:
            link_pages(response, query, page)
        return response
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


def requested_page(query: registry.NamedQuery) -> paging.Page | None:
    """The page of `query`'s answer the request asks for (None: all of it); ParameterError when bad."""
    page = paging.page_of(query_params(paging.NAMES))
    try:
        paging.paged(query.sparql, page)
    except ValueError as exc:
        raise ParameterError("limit", f"{query.name} cannot be paged: {exc}") from exc
    return page


def link_pages(response: Response, query: registry.NamedQuery, page: paging.Page) -> None:
    """`Link` headers to the next page (when this one is full) and the previous one (RFC 8288)."""
    links = []
    if paging.has_next(query.sparql, page, rows_in(response.get_data(), response.mimetype)):
        links.append(f'<{page_url(query.name, page.next())}>; rel="next"')
    if page.offset:
        links.append(f'<{page_url(query.name, page.previous())}>; rel="prev"')
    if links:
        response.headers["Link"] = ", ".join(links)


def page_url(name: str, page: paging.Page) -> str:
    """The request's URL with another page: every other parameter as the client gave it."""
    # Written out, not through url_for's keywords: a parameter named `name`, `endpoint` or `_scheme` would
    # collide with url_for's own (a 500 in review).
    args = [(k, v) for k, v in request.args.items(multi=True) if k not in paging.NAMES]
    query = urlencode([*args, *page.as_params().items()])
    return urls.link(f"{url_for('api.run', name=name)}?{query}")


def rows_in(body: bytes, mimetype: str) -> int:
    """How many result rows an answer holds, in any of the formats the API writes."""
    if "json" in mimetype:
        return len(json.loads(body)["results"]["bindings"])
    if "xml" in mimetype:
        return body.count(b"<result>")  # markup: a literal's `<` is escaped
    text = body.decode("utf-8")
    if "csv" in mimetype:
        return max(0, sum(1 for _ in csv.reader(io.StringIO(text))) - 1)
    return max(0, text.count("\n") - 1)  # TSV: a literal's newline is escaped
