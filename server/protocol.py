"""The SPARQL 1.1 Protocol's query operation: turn an HTTP request into a query and its dataset, or a 4xx.

Parameters are decoded strictly as UTF-8 here (Werkzeug would replace bad bytes silently), and every
malformed request gets a status and a message that says what was wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

import pyoxigraph as ox
from flask import Request

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
READ_ONLY = (
    "This endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, …) is not accepted. "
    "Send a query with the `query` parameter or as application/sparql-query."
)
HOW_TO = (
    "Send a query as GET /sparql?query=…, as a POST form (application/x-www-form-urlencoded) with a "
    "`query` field, or as a POST body of type application/sparql-query."
)


class ProtocolError(Exception):
    """A request the protocol does not allow; `status` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class QueryRequest:
    """A query operation as the protocol defines it; the graph lists are None when not given."""

    query: str | None
    default_graphs: tuple[str, ...] | None
    named_graphs: tuple[str, ...] | None
    format: str | None


def parse_params(raw: bytes, where: str) -> list[tuple[str, str]]:
    """Decode `a=b&c=d` strictly as UTF-8; ProtocolError when it is not."""
    try:
        text = raw.decode("ascii") if isinstance(raw, bytes) else raw
        return parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except (UnicodeDecodeError, ValueError) as exc:
        raise ProtocolError(400, f"The {where} is not valid percent-encoded UTF-8: {exc}") from exc


def _charset_ok(request: Request) -> None:
    """Refuse a body whose declared charset is not UTF-8 (the protocol's only encoding)."""
    charset = request.mimetype_params.get("charset")
    if charset and charset.strip().lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise ProtocolError(
            415, f"The body is declared as charset={charset}: SPARQL requests must be UTF-8 (charset=utf-8)."
        )


def _values(params: list[tuple[str, str]], name: str) -> list[str]:
    """Every value of one parameter."""
    return [v for k, v in params if k == name]


def _graphs(params: list[tuple[str, str]], name: str) -> tuple[str, ...] | None:
    """The IRIs given for a dataset parameter (None when absent); each must be an absolute IRI."""
    iris = _values(params, name)
    if not iris:
        return None
    for iri in iris:
        try:
            ox.NamedNode(iri)
        except ValueError:
            raise ProtocolError(400, f"{name}={iri!r} is not an absolute IRI.") from None
    return tuple(iris)


def parse_request(request: Request) -> QueryRequest:
    """The query operation a GET or POST request carries (query None: none given, on GET only)."""
    url_params = parse_params(request.query_string, "query string")
    if request.method == "POST":
        query, body_params = _post_query(request)
    else:
        query, body_params = None, []
    params = url_params + body_params
    if (
        _values(params, "update")
        or _values(params, "using-graph-uri")
        or _values(params, "using-named-graph-uri")
    ):
        raise ProtocolError(403, READ_ONLY)
    queries = _values(params, "query") + ([query] if query is not None else [])
    if len(queries) > 1:
        raise ProtocolError(
            400, f"The request carries {len(queries)} queries: send exactly one `query` parameter or body."
        )
    if request.method == "POST" and not queries:
        raise ProtocolError(400, f"The POST request has no query. {HOW_TO}")
    fmt = (_values(params, "format") or _values(params, "output") or [None])[0]
    return QueryRequest(
        query=queries[0] if queries else None,
        default_graphs=_graphs(params, "default-graph-uri"),
        named_graphs=_graphs(params, "named-graph-uri"),
        format=fmt or None,
    )


def _post_query(request: Request) -> tuple[str | None, list[tuple[str, str]]]:
    """The query in a POST body (direct) or the form fields (URL-encoded), checking the Content-Type."""
    mimetype = request.mimetype
    if not mimetype:
        raise ProtocolError(400, f"The POST request has no Content-Type. {HOW_TO}")
    if mimetype == SPARQL_UPDATE:
        raise ProtocolError(403, READ_ONLY)
    if mimetype not in (FORM, SPARQL_QUERY):
        raise ProtocolError(415, f"Unsupported Content-Type {mimetype}. {HOW_TO}")
    _charset_ok(request)
    body = request.get_data(cache=False)
    if mimetype == FORM:
        return None, parse_params(body, "form body")
    try:
        return body.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, f"The query body is not valid UTF-8 (byte {exc.start}).") from exc
