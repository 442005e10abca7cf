"""The query guard: reject what would reach outside the store before any engine runs the query.

pyoxigraph fetches SERVICE and LOAD URLs, and rdflib's engine reads `FROM <file:///…>`; a text search
for keywords is fooled by comments, strings and prefixed names, so the check walks the parsed query.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pyparsing import ParseBaseException
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from thaiplan.errors import InputError


@dataclass(frozen=True)
class QueryDataset:
    """The graphs a query's own FROM and FROM NAMED clauses select."""

    default: tuple[str, ...] = ()
    named: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        """True when the query names any graph in FROM or FROM NAMED."""
        return bool(self.default or self.named)


def query_dataset(sparql: str) -> QueryDataset:
    """The FROM / FROM NAMED graphs of a query (empty when it has none); InputError if not a query."""
    default, named = [], []
    # CompValue.get returns the key name for a missing key: use dict.get and membership tests.
    tree = parse_query(sparql)
    for clause in dict.get(tree, "datasetClause") or []:
        if "default" in clause:
            default.append(str(clause["default"]))
        else:
            named.append(str(clause["named"]))
    return QueryDataset(tuple(default), tuple(named))


def check_query_safe(sparql: str, allowed_graphs: set[str]) -> None:
    """Raise InputError unless `sparql` is one read-only query that stays inside `allowed_graphs`.

    Rejected: syntax errors (with line and column), updates (LOAD, INSERT, …), SERVICE anywhere (also
    inside FILTER EXISTS or sub-queries), and FROM / FROM NAMED of a graph not in `allowed_graphs`.
    """
    dataset = query_dataset(sparql)
    for keyword, iris in (("FROM", dataset.default), ("FROM NAMED", dataset.named)):
        for iri in iris:
            if iri not in allowed_graphs:
                raise InputError(
                    f"{keyword} <{iri}> is not allowed: only the store's own graphs can be selected "
                    f"(list them with SELECT DISTINCT ?g {{ GRAPH ?g {{}} }})"
                )
    try:
        services = [node for node in walk(parse_query(sparql)) if node.name == "ServiceGraphPattern"]
    except RecursionError as exc:
        raise InputError("the query is nested too deeply to be checked") from exc
    if services:
        term = services[0]["term"]
        raise InputError(f"SERVICE {term.n3()} is not allowed: queries run on the local store only")


@lru_cache(maxsize=256)
def parse_query(sparql: str) -> CompValue:
    """The query's algebra (or its parse tree when rdflib cannot translate it); InputError if not a query."""
    try:
        parsed = parseQuery(sparql)
    except ParseBaseException as exc:
        if _is_update(sparql):
            raise InputError(
                "updates (INSERT, DELETE, LOAD, CLEAR, …) are not allowed: the store is read-only"
            ) from exc
        raise InputError(f"SPARQL syntax error at line {exc.lineno}, column {exc.col}: {exc.msg}") from exc
    except Exception as exc:  # rdflib raises plain exceptions for some malformed input (bad IRIs, escapes)
        raise InputError(f"SPARQL syntax error: {exc}") from exc
    try:
        return translateQuery(parsed).algebra
    except Exception:
        # rdflib's algebra translation rejects some valid queries; the parse tree holds the same
        # SERVICE and FROM nodes, so the check still runs on the parsed query.
        return parsed[1]


def _is_update(sparql: str) -> bool:
    """True when the text parses as a SPARQL update."""
    try:
        parseUpdate(sparql)
    except Exception:
        return False
    return True


def walk(node: Any) -> Iterator[CompValue]:
    """Every algebra / parse-tree node below `node`, depth first."""
    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, dict):
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list | tuple) or type(node).__name__ == "ParseResults":
        for value in node:
            yield from walk(value)
