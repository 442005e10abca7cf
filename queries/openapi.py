"""An OpenAPI 3 description of `/api/queries`, built from the named queries' headers."""

from __future__ import annotations

from typing import Any

from thaiplan import __version__
from thaiplan.queries import paging
from thaiplan.queries.registry import NamedQuery, Param, list_queries

# What `/api/queries/<name>` answers with, by content negotiation (as `/sparql` does).
RESULT_TYPES = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)
_SCHEMAS = {
    "string": {"type": "string"},
    "text": {"type": "string"},
    "entity": {"type": "string"},
    "iri": {"type": "string", "format": "iri"},
    "int": {"type": "integer"},
}


def _parameter(p: Param) -> dict[str, Any]:
    """The OpenAPI description of one query-string parameter."""
    schema = dict(_SCHEMAS[p.type])
    if p.minimum is not None:
        schema["minimum"] = p.minimum
    if p.maximum is not None:
        schema["maximum"] = p.maximum
    if p.default is not None:
        schema["default"] = p.default
    out: dict[str, Any] = {
        "name": p.name,
        "in": "query",
        "required": p.required,
        "description": p.description,
        "schema": schema,
    }
    if p.example is not None:
        out["example"] = p.example
    return out


# One page of the answer (queries/paging.py, issue 18): the same rows in the same order, cut.
PAGING = (
    {
        "name": "limit",
        "in": "query",
        "required": False,
        "description": "At most this many rows: one page of the answer, in its order. Without `limit` and "
        "`offset` the whole answer. A full page's `Link` header names the next (rel=next).",
        "schema": {"type": "integer", "minimum": 1, "maximum": paging.MAX_LIMIT},
    },
    {
        "name": "offset",
        "in": "query",
        "required": False,
        "description": "Skip this many rows of the answer first (with `limit`; alone, pages of "
        f"{paging.MAX_LIMIT:,} rows).",
        "schema": {"type": "integer", "minimum": 0, "default": 0},
    },
)


def _error(description: str) -> dict[str, Any]:
    """A response whose body is a JSON error message."""
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _operation(q: NamedQuery) -> dict[str, Any]:
    """The GET operation of one named query."""
    responses: dict[str, Any] = {
        "200": {
            "description": "The query's results.",
            "headers": {
                "Link": {
                    "description": "With `limit` or `offset`: the next page (rel=next) when this one is "
                    "full, the previous (rel=prev) after the first.",
                    "schema": {"type": "string"},
                }
            },
            "content": {
                t: {"schema": {"type": "string" if "json" not in t else "object"}} for t in RESULT_TYPES
            },
        },
        "400": _error("A parameter is missing, malformed or unknown; the message names it."),
        "404": _error("No such named query, or a parameter names nothing in the graph."),
        "406": _error("None of the accepted media types can be produced."),
    }
    if any(p.type == "entity" for p in q.params):
        responses["300"] = _error("A parameter names more than one entity: `candidates` lists them.")
    return {
        "operationId": q.name.replace("-", "_"),
        "summary": q.summary,
        "description": q.description,
        "tags": list(q.tags),
        "parameters": [_parameter(p) for p in q.params],
        "responses": responses,
    }


def openapi_spec(base_url: str, queries: list[NamedQuery] | None = None) -> dict[str, Any]:
    """The OpenAPI 3.0 document for `/api/queries` served at `base_url`."""
    queries = list_queries() if queries is None else queries
    paths: dict[str, Any] = {
        "/api/queries": {
            "get": {
                "operationId": "list_queries",
                "summary": "The named queries, with their parameters.",
                "responses": {
                    "200": {"description": "The list of named queries.", "content": {"application/json": {}}}
                },
            }
        }
    }
    for q in queries:
        # Paging is the same for every query: path-level parameters, defined once in the components.
        paging_refs = [{"$ref": f"#/components/parameters/{p['name']}"} for p in PAGING]
        paths[f"/api/queries/{q.name}"] = {"parameters": paging_refs, "get": _operation(q)}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "thaiplan named queries",
            "version": __version__,
            "description": "Named SPARQL queries over Thailand's public-sector strategic plans. Parameters "
            "take codes, IRIs, labels and abbreviations as written in the sources; they are bound, never "
            "pasted into the query.",
        },
        "servers": [{"url": base_url.rstrip("/") or "/"}],
        "tags": [{"name": t} for t in sorted({t for q in queries for t in q.tags})],
        "paths": paths,
        "components": {
            "parameters": {p["name"]: p for p in PAGING},
            "schemas": {
                "Error": {
                    "type": "object",
                    "properties": {
                        "error": {"type": "string"},
                        "parameter": {"type": "string"},
                        "candidates": {"type": "array", "items": {"type": "object"}},
                    },
                    "required": ["error"],
                }
            },
        },
    }
