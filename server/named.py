"""Named queries and page queries run in the worker processes, under the server's time limit.

A named query is one worker job (`NamedJob`, issue 14): the worker resolves its parameters (codes, labels,
abbreviations) on the build the request reads and runs the query there, so the web process sends the
parameters as the client wrote them and gets the serialized answer back, with the terms they resolved to
(`Reply.bound`) for the pages that link them. A page query's values travel to the worker as terms beside
the query text (`QueryJob.bindings`, N-Triples), and the worker binds them: the user's text is never
spliced into the SPARQL. A bound variable must be in the query's SELECT list (pyoxigraph refuses a
substitution it would project away). Every job names the request's snapshot (`answers.current_build`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import pyoxigraph as ox
from flask import current_app

from thaiplan.queries.execute import Term, rows
from thaiplan.queries.paging import Page
from thaiplan.rq import read_rq
from thaiplan.server import answers
from thaiplan.server.execution import (
    NamedJob,
    QueryJob,
    Reply,
    decode_bindings,
    encode_bindings,
    raise_problem,
)
from thaiplan.server.page_cache import mark_stale
from thaiplan.server.workers import WorkerPool, WorkerUnavailable

JSON_FORMATS = {"solutions": "json", "boolean": "json", "graph": "ntriples"}


class QueryFailed(Exception):
    """A worker answered with an error status (bad query, time limit, busy, store missing)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def pool() -> WorkerPool:
    """The app's worker pool."""
    return current_app.extensions["thaiplan_pool"]


def submit(job: QueryJob | NamedJob) -> Reply:
    """Run a job in a worker; WorkerUnavailable becomes a QueryFailed with its status."""
    try:
        return pool().run(job)
    except WorkerUnavailable as exc:
        raise QueryFailed(exc.status, str(exc)) from None


def run_text(
    sparql: str,
    formats: Mapping[str, str | None],
    prefixes: Mapping[str, str] | None = None,
    bindings: Mapping[str, Term] | None = None,
    hidden: Sequence[str] = (),
) -> Reply:
    """Run a query with bound values in a worker, on the request's snapshot."""
    config = current_app.config["THAIPLAN"]
    return submit(
        QueryJob(
            query=sparql,
            base_iri="",
            formats=dict(formats),
            max_rows=config.max_rows,
            prefixes=dict(prefixes or {}),
            bindings=encode_bindings(bindings),
            hidden=tuple(hidden),
            snapshot=answers.current_build(),
        )
    )


def run_named(
    name: str,
    params: Mapping[str, Any],
    formats: Mapping[str, str | None],
    run: bool = True,
    page: Page | None = None,
) -> Reply:
    """The named query `name` resolved and run in one worker job; its ParameterError raised here."""
    job = NamedJob(
        name=name,
        params=dict(params),
        formats=dict(formats),
        max_rows=current_app.config["THAIPLAN"].max_rows,
        snapshot=answers.current_build(),
        run=run,
        page=page,
    )
    reply = submit(job)
    raise_problem(reply)
    return reply


def named_reply(
    name: str, params: Mapping[str, Any], formats: Mapping[str, str | None], page: Page | None = None
) -> Reply:
    """The named query `name` run with `params` (one `page` of its answer, or all of it), serialized in
    the negotiated format by a worker."""
    return run_named(name, params, formats, page=page)


def select(sparql: str, bindings: Mapping[str, Term] | None = None) -> Any:
    """A page query's results (pyoxigraph QuerySolutions or QueryBoolean), from the answer cache or a worker.
    """
    return ox.parse_query_results(cached_body(sparql, bindings), format=ox.QueryResultsFormat.JSON)


def cached_body(sparql: str, bindings: Mapping[str, Term] | None) -> bytes:
    """The JSON results of a page query, cached per store snapshot like the named answers.

    Pages run several queries each (issue 8: uncached, a page of the 1M-triple graph took 100–300 ms where
    its cached named query took 1 ms).
    """
    digest = hashlib.sha256(sparql.encode("utf-8")).hexdigest()
    reply, _tag = answers.fetch(
        f"query:{digest}",
        dict(encode_bindings(bindings)),
        JSON_FORMATS,
        lambda: run_text(sparql, JSON_FORMATS, bindings=bindings),
    )
    return fresh(succeeded(reply)).body


def fresh(reply: Reply) -> Reply:
    """The reply; a page made with another snapshot's answer is served but never kept (page_cache)."""
    if reply.snapshot != answers.current_snapshot():
        mark_stale()
    return reply


def succeeded(reply: Reply) -> Reply:
    """The reply when the worker answered 200; otherwise QueryFailed with its status and message."""
    if reply.status != 200:
        raise QueryFailed(reply.status, reply.body.decode("utf-8", "replace").strip())
    return reply


def named_answer(name: str, params: Mapping[str, Any], page: Page | None = None) -> Reply:
    """The named query's JSON answer (one `page` of it, or all) with the terms its parameters resolved to,
    cached per snapshot."""
    key = dict(params) if page is None else {**params, **page.as_params()}
    reply, _tag = answers.fetch(
        f"named:{name}", key, JSON_FORMATS, lambda: run_named(name, params, JSON_FORMATS, page=page)
    )
    return fresh(succeeded(reply))


def named_select(name: str, params: Mapping[str, Any], page: Page | None = None) -> Any:
    """The results of the named query `name` run with `params` (ParameterError and friends propagate)."""
    body = named_answer(name, params, page).body
    return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)


def named_rows(name: str, params: Mapping[str, Any]) -> list[dict[str, Term]]:
    """Rows of the named query `name` run with `params` (ParameterError and friends propagate)."""
    return rows(named_select(name, params))


def named_rows_bound(name: str, params: Mapping[str, Any]) -> tuple[dict[str, Term], list[dict[str, Term]]]:
    """The bindings the parameters resolved to (e.g. an agency's IRI) and the rows of the named query."""
    reply = named_answer(name, params)
    results = ox.parse_query_results(reply.body, format=ox.QueryResultsFormat.JSON)
    return decode_bindings(reply.bound), rows(results)


def named_bindings(name: str, params: Mapping[str, Any]) -> dict[str, Term]:
    """The terms the parameters of the named query `name` resolve to, without running it (cached)."""
    reply, _tag = answers.fetch(
        f"bind:{name}", dict(params), {}, lambda: run_named(name, params, JSON_FORMATS, run=False)
    )
    return decode_bindings(succeeded(reply).bound)


@cache
def page_query(name: str) -> str:
    """The text of `server/sparql/<name>.rq`, a query the pages need beyond the named ones."""
    return read_rq("server", name)


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
    reply = succeeded(run_text(page_query(name), formats, prefixes, bindings))
    return GraphText(reply.body, reply.content_type)
