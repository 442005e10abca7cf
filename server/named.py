"""Named queries and page queries run in the worker processes, under the server's time limit.

The workers take a query as text (`QueryJob`), so the values a page or an API call binds travel as
inline data: every group graph pattern of the query gets a one-row `VALUES` block whose terms are
rendered by pyoxigraph's own N-Triples serializer (escaped, typed; the user's text is never spliced into
the SPARQL). Putting the row into every group, not only the outermost, gives the same answers as binding
the variable up front (pyoxigraph `substitutions`): a FILTER inside a nested group or a sub-select still
sees the value. `PoolStore` offers the `query(sparql, bindings=…)` interface that `thaiplan.queries`
expects of a store, so parameter resolution (codes, labels, abbreviations) runs in the workers too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import pyoxigraph as ox
from flask import current_app
from thaiplan.queries import registry
from thaiplan.queries.execute import Term, rows
from thaiplan.server.execution import QueryJob, Reply
from thaiplan.server.workers import WorkerPool, WorkerUnavailable

# One token of SPARQL: what can hide a `{` or a `?` (comments, strings, IRIs) is consumed whole.
_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
              |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_]+)
  | (?P<word>[A-Za-z_][A-Za-z0-9_-]*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
JSON_FORMATS = {"solutions": "json", "boolean": "json", "graph": "ntriples"}


class QueryFailed(Exception):
    """A worker answered with an error status (bad query, time limit, busy, store missing)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def values_block(bindings: Mapping[str, Term]) -> str:
    """A one-row VALUES block of the bindings, terms written by pyoxigraph's serializer."""
    names = sorted(bindings)
    return f"VALUES ({' '.join('?' + n for n in names)}) {{ ({' '.join(str(bindings[n]) for n in names)}) }}"


def bind_inline(sparql: str, bindings: Mapping[str, Term]) -> str:
    """The query with a VALUES row of `bindings` opening every group graph pattern."""
    if not bindings:
        return sparql
    for name in bindings:
        if not re.fullmatch(r"[A-Za-z0-9_]+", name):
            raise ValueError(f"not a SPARQL variable name: {name!r}")
    block = values_block(bindings)
    out: list[str] = []
    tokens = [(m.lastgroup, m.group()) for m in _TOKEN.finditer(sparql)]
    skip_next_brace = False  # the `{` after VALUES, CONSTRUCT or MINUS is not a group to bind in
    skip_depth = 0  # inside a VALUES data block, a CONSTRUCT template or a MINUS group
    depth = 0
    for i, (kind, text) in enumerate(tokens):
        out.append(text)
        if kind == "word" and text.upper() in ("VALUES", "CONSTRUCT", "MINUS") and not skip_depth:
            skip_next_brace = True
        elif kind == "other" and text == "{":
            depth += 1
            if skip_depth or skip_next_brace:
                skip_depth += 1
                skip_next_brace = False
            elif _next_word(tokens, i + 1) != "SELECT":  # a sub-select group holds nothing else
                out.append(f" {block} ")
        elif kind == "other" and text == "}":
            depth -= 1
            skip_depth = max(0, skip_depth - 1)
        elif kind == "word" and text.upper() == "WHERE":
            skip_next_brace = False  # CONSTRUCT WHERE { … }: the short form's pattern is a group
    return "".join(out)


def _next_word(tokens: list[tuple[str | None, str]], start: int) -> str | None:
    """The next keyword or punctuation after `start`, upper-cased, skipping space and comments."""
    for kind, text in tokens[start:]:
        if kind not in ("space", "comment"):
            return text.upper()
    return None


def pool() -> WorkerPool:
    """The app's worker pool."""
    return current_app.extensions["thaiplan_pool"]


def run_text(
    sparql: str, formats: Mapping[str, str | None], prefixes: Mapping[str, str] | None = None
) -> Reply:
    """Run a query in a worker; WorkerUnavailable becomes a QueryFailed with its status."""
    config = current_app.config["THAIPLAN"]
    job = QueryJob(
        query=sparql,
        base_iri="",
        formats=dict(formats),
        max_rows=config.max_rows,
        prefixes=dict(prefixes or {}),
    )
    try:
        return pool().run(job)
    except WorkerUnavailable as exc:
        raise QueryFailed(exc.status, str(exc)) from None


def select(sparql: str, bindings: Mapping[str, Term] | None = None) -> Any:
    """A query's results (pyoxigraph QuerySolutions or QueryBoolean) computed by a worker."""
    reply = run_text(bind_inline(sparql, bindings or {}), JSON_FORMATS)
    if reply.status != 200:
        raise QueryFailed(reply.status, reply.body.decode("utf-8", "replace").strip())
    return ox.parse_query_results(reply.body, format=ox.QueryResultsFormat.JSON)


class PoolStore:
    """A store for `thaiplan.queries`: `query(sparql, bindings=…)` answered by the worker processes."""

    def query(self, sparql: str, *, bindings: Mapping[str, Term] | None = None) -> Any:
        """Run `sparql` with `bindings` in a worker and return pyoxigraph-style results."""
        return select(sparql, bindings)


def named_rows(name: str, params: Mapping[str, Any]) -> list[dict[str, Term]]:
    """Rows of the named query `name` run with `params` (ParameterError and friends propagate)."""
    query = registry.get(name)
    return rows(select(query.sparql, query.bind(params, PoolStore())))


def named_reply(name: str, params: Mapping[str, Any], formats: Mapping[str, str | None]) -> Reply:
    """The named query `name` run with `params`, serialized in the negotiated format by a worker."""
    query = registry.get(name)
    bindings = query.bind(params, PoolStore())
    return run_text(bind_inline(query.sparql, bindings), formats)


@cache
def page_query(name: str) -> str:
    """The text of `server/sparql/<name>.rq`, a query the pages need beyond the named ones."""
    return files("thaiplan.server").joinpath("sparql", f"{name}.rq").read_text(encoding="utf-8")


def page_rows(name: str, **bindings: Term) -> list[dict[str, Term]]:
    """Rows of the page query `name` with `bindings`."""
    return rows(select(page_query(name), bindings))


@dataclass(frozen=True)
class GraphText:
    """An RDF graph serialized by a worker: its bytes and content type."""

    body: bytes
    content_type: str


def construct(name: str, fmt: str, prefixes: Mapping[str, str] | None = None, **bindings: Term) -> GraphText:
    """The CONSTRUCT page query `name` with `bindings`, serialized as `fmt` (a graph format name)."""
    formats = {"solutions": None, "boolean": None, "graph": fmt}
    reply = run_text(bind_inline(page_query(name), bindings), formats, prefixes)
    if reply.status != 200:
        raise QueryFailed(reply.status, reply.body.decode("utf-8", "replace").strip())
    return GraphText(reply.body, reply.content_type)


def named_rows_bound(name: str, params: Mapping[str, Any]) -> tuple[dict[str, Term], list[dict[str, Term]]]:
    """The bindings the parameters resolved to (e.g. an agency's IRI) and the rows of the named query."""
    query = registry.get(name)
    bindings = query.bind(params, PoolStore())
    return bindings, rows(select(query.sparql, bindings))
