"""A remote store's answers as the pyoxigraph result types the embedded store gives (issue 7, issue 14).

SELECT and ASK answers are read as SPARQL JSON or XML (with the dialects of some stores made standard:
Virtuoso's `typed-literal`, `nodeID://` blank nodes and 1/0 booleans); CONSTRUCT and DESCRIBE answers as
N-Triples, Turtle or RDF/XML. The CLI, the server and the named queries then cannot tell the backends apart.
"""

from __future__ import annotations

import json
from typing import Any

import pyoxigraph as ox

from thaiplan.errors import InputError, ThaiplanError
from thaiplan.queries.guard import safety
from thaiplan.rq import read_rq

XSD = "http://www.w3.org/2001/XMLSchema#"
BOOLEAN_CANONICAL = {"1": "true", "0": "false"}

# SELECT and ASK answers as SPARQL JSON; CONSTRUCT and DESCRIBE as N-Triples (asked for by query form:
# Virtuoso answers a CONSTRUCT with a JSON table of ?s ?p ?o when JSON is acceptable).
ACCEPT_SOLUTIONS = "application/sparql-results+json, application/sparql-results+xml;q=0.5"
ACCEPT_GRAPH = "application/n-triples, text/turtle;q=0.8, application/rdf+xml;q=0.4"
RDF_TYPES = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,  # older stores send N-Triples as text/plain
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
}


def parse_answer(body: bytes, media: str, url: str) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    """A store's answer as the result type the embedded store would give for the same query."""
    try:
        if media in RESULT_TYPES:
            if RESULT_TYPES[media] == ox.QueryResultsFormat.JSON:
                body = normalize_json_results(body)
            return ox.parse_query_results(body, format=RESULT_TYPES[media])
        if media in RDF_TYPES:
            return triples_result(body, RDF_TYPES[media])
    except (SyntaxError, ValueError) as exc:
        raise ThaiplanError(f"the SPARQL store at {url} sent an answer that cannot be read: {exc}") from None
    raise ThaiplanError(f"the SPARQL store at {url} answered in an unexpected format ({media or 'none'})")


def normalize_json_results(body: bytes) -> bytes:
    """SPARQL JSON with the dialects of some stores made standard (Virtuoso: `typed-literal`, `nodeID://`)."""
    doc = json.loads(body)
    labels: dict[str, str] = {}
    for row in (doc.get("results") or {}).get("bindings") or []:
        for term in row.values():
            _normalize_term(term, labels)
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def _normalize_term(term: dict[str, Any], labels: dict[str, str]) -> None:
    """Make one JSON term standard: `literal` for `typed-literal`, booleans canonical, valid blank labels."""
    if term.get("type") == "typed-literal":
        term["type"] = "literal"
    if term.get("type") == "literal" and term.get("datatype") == XSD + "boolean":
        # Virtuoso 7.2's JSON writes every xsd:boolean as 1/0, even `true` (its XML says true/false): the
        # same value, in the canonical form every other store writes (issue 7).
        term["value"] = BOOLEAN_CANONICAL.get(term.get("value", ""), term.get("value", ""))
    elif term.get("type") == "bnode":
        # Labels are scoped to one answer; Virtuoso's `nodeID://b1` is not a valid label, `b<n>` is.
        term["value"] = labels.setdefault(term["value"], f"b{len(labels)}")
    elif term.get("type") == "triple":
        for part in (term.get("value") or {}).values():
            _normalize_term(part, labels)


def triples_result(body: bytes, fmt: ox.RdfFormat) -> ox.QueryTriples:
    """A CONSTRUCT/DESCRIBE answer as pyoxigraph `QueryTriples`, through a scratch in-memory store."""
    scratch = ox.Store()
    scratch.load(body, format=fmt)
    return scratch.query(read_rq("graph", "remote-all-triples"))  # type: ignore[return-value]


def is_graph_query(sparql: str) -> bool:
    """True for CONSTRUCT and DESCRIBE (their answer is RDF, not a table); unreadable text: False."""
    try:
        return safety.query_form(sparql) in ("CONSTRUCT", "DESCRIBE")
    except InputError:
        return False
