"""One query, run inside a worker process: guard, dataset, bound values, evaluation and serialization.

Everything that can take time happens here (parsing for the guard too), so the whole job is covered by
the time limit the pool enforces by killing the worker. Results are serialized under a row limit. Values a
page or a named query binds travel as N-Triples terms beside the query text and are bound here: with
pyoxigraph `substitutions` on the embedded store; the remote store writes them as typed terms in VALUES
rows (`thaiplan.graph.store.inline`). A substituted variable must be in a SELECT's projection.

Each job names the snapshot the web process read for its request (`snapshot`): the worker's store reads
that build (`GraphStore.use`), reopening only when it changed, so a worker reads neither `CURRENT` nor a
remote manifest per job. A named query is one job (`NamedJob`, issue 14): its parameters are resolved to
terms and the query run in the same worker, on the same build.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import pyoxigraph as ox

from thaiplan.errors import InputError, ThaiplanError
from thaiplan.graph.store.api import GraphStore, Snapshot
from thaiplan.graph.store.client import StoreRejected, StoreUnavailable, public_message
from thaiplan.graph.store.inline import Term, term_text
from thaiplan.queries import registry
from thaiplan.queries.errors import AmbiguousParameter, ParameterError, UnresolvedParameter
from thaiplan.queries.guard import safety
from thaiplan.queries.paging import Page, paged
from thaiplan.server import results
from thaiplan.server.negotiation import FORMATS_BY_KIND, get_format

log = logging.getLogger(__name__)
# pyoxigraph's RuntimeError for a function IRI it does not know.
UNKNOWN_FUNCTION = re.compile(r"custom function (<[^>]*>) is not supported")
KIND_NAMES = {"solutions": "SELECT", "boolean": "ASK", "graph": "CONSTRUCT or DESCRIBE"}
# The subject and predicate of the one-triple document a bound term is parsed from.
PROBE = "urn:thaiplan:bound"


@dataclass(frozen=True)
class QueryJob:
    """What the web process asks a worker to do; plain data so that it pickles cheaply."""

    query: str
    base_iri: str
    formats: dict[str, str | None]
    max_rows: int
    # The protocol's default-graph-uri / named-graph-uri (None: not given; they override FROM).
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    prefixes: dict[str, str] = field(default_factory=dict)
    # Values bound to variables, as (name, N-Triples term) pairs (see `encode_bindings`): the worker binds
    # them (pyoxigraph `substitutions`; on a remote store terms written into the text), never the web process.
    bindings: tuple[tuple[str, str], ...] = ()
    # The default graph when neither the protocol nor FROM names one: "union" (every named graph, what the
    # project's own queries read) or "public" (/sparql: the data graphs' set union the build materialized
    # as the store's default graph, without the ontology and the indexes; issue 19).
    default_graph: str = "union"
    # Columns left out of a SELECT answer: a named query's helper keys, derived from its parameters, which
    # pyoxigraph needs in the projection to bind them but which are not part of the answer.
    hidden: tuple[str, ...] = ()
    # Most bytes the serialized answer may take (0: no limit); the pool sets THAIPLAN_MAX_ANSWER_BYTES (#13).
    max_bytes: int = 0
    # The build to read: what the web process read for this request (None: the store's current one).
    snapshot: Snapshot | None = None


@dataclass(frozen=True)
class NamedJob:
    """A named query with its parameters as the client wrote them: resolved and run in one worker job."""

    name: str
    params: dict[str, Any]
    formats: dict[str, str | None]
    max_rows: int
    max_bytes: int = 0
    snapshot: Snapshot | None = None
    # False: resolve the parameters only (the reply's `bound`, an empty body), e.g. the editor's examples.
    run: bool = True
    # One page of the answer (`limit`/`offset` on the API, issue 18); None: the whole answer.
    page: Page | None = None


@dataclass(frozen=True)
class GraphsJob:
    """Ask a worker for the snapshot id and the named graphs of a build."""

    snapshot: Snapshot | None = None


@dataclass(frozen=True)
class ValidationJob:
    """Validate a whole build against the shapes (`/validation`); the answer is (snapshot id, report)."""

    snapshot: Snapshot | None = None


def encode_bindings(bindings: Mapping[str, Term] | None) -> tuple[tuple[str, str], ...]:
    """Bound values as (variable, N-Triples term) pairs, plain text that crosses the process boundary."""
    return tuple((name, term_text(term)) for name, term in sorted((bindings or {}).items()))


def decode_bindings(encoded: tuple[tuple[str, str], ...]) -> dict[str, Term]:
    """The pairs of `encode_bindings` as terms, each read by its N-Triples parser."""
    return {name: parse_term(text) for name, text in encoded}


def parse_term(text: str) -> Term:
    """One IRI or literal in N-Triples syntax; ValueError when the text is anything else."""
    # The term is the object of a one-triple document: more than one triple, or a blank node, is refused.
    quads = list(ox.parse(f"<{PROBE}> <{PROBE}> {text} .", format=ox.RdfFormat.N_TRIPLES))
    if len(quads) != 1 or not isinstance(quads[0].object, ox.NamedNode | ox.Literal):
        raise ValueError(f"not one IRI or literal in N-Triples: {text[:80]!r}")
    return quads[0].object


@dataclass(frozen=True)
class Reply:
    """A worker's answer: an HTTP status, a body and its type, and extra headers."""

    status: int
    body: bytes
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    # The snapshot the answer was computed on: a worker may still hold the previous one for a moment
    # after a build switches, and answers are cached per snapshot (server/answers.py).
    snapshot: str | None = None
    # A named query's parameters as the worker resolved them, N-Triples terms (pages link the entity).
    bound: tuple[tuple[str, str], ...] = ()
    # A parameter that did not resolve: (kind, parameter, message, candidates); see `raise_problem`.
    problem: tuple[str, str, str, list[dict[str, Any]]] | None = None

    @classmethod
    def error(cls, status: int, message: str) -> Reply:
        """A plain-text error reply."""
        return cls(status, (message.rstrip() + "\n").encode("utf-8"))


def run_job(store: GraphStore, job: QueryJob) -> Reply:
    """Check, run and serialize one query; every failure becomes a reply with a 4xx/5xx status.

    The engine is given the guard's canonical text, never the client's (issue 13): what runs is what was
    checked. Engine and store error text (file paths, RocksDB, a remote store's URL and answer) goes to
    the log only; the client gets a message that says what to do.
    """
    # Bound values come from the server's own code (named and page queries), not from the client.
    return guarded(store, job.snapshot, lambda: evaluate(store, job, decode_bindings(job.bindings)))


def run_named(store: GraphStore, job: NamedJob) -> Reply:
    """Resolve a named query's parameters on the build, then run it: one job, one read of the build."""

    def answer() -> Reply:
        """The bound query's reply, with the bindings it ran with."""
        query = registry.get(job.name)
        try:
            bindings = query.bind(job.params, store)
        except ParameterError as exc:
            return problem_reply(exc)
        encoded = encode_bindings(bindings)
        if not job.run:
            return Reply(200, b"", bound=encoded)
        bound = QueryJob(
            query=paged(query.sparql, job.page),
            base_iri="",
            formats=job.formats,
            max_rows=job.max_rows,
            hidden=tuple(query.helper_variables()),
            max_bytes=job.max_bytes,
        )
        return replace(evaluate(store, bound, dict(bindings)), bound=encoded)

    return guarded(store, job.snapshot, answer)


def problem_reply(exc: ParameterError) -> Reply:
    """A parameter that did not resolve, as plain data the web process turns back into the exception."""
    kind = "ambiguous" if isinstance(exc, AmbiguousParameter) else "unresolved"
    if not isinstance(exc, AmbiguousParameter | UnresolvedParameter):
        kind = "parameter"
    message = str(exc).removeprefix(f"parameter {exc.param!r}: ")
    candidates = list(getattr(exc, "candidates", []))
    return replace(Reply.error(400, str(exc)), problem=(kind, exc.param, message, candidates))


def raise_problem(reply: Reply) -> None:
    """Raise the ParameterError a worker reported in `reply` (nothing when it reported none)."""
    if reply.problem is None:
        return
    kind, param, message, candidates = reply.problem
    if kind == "ambiguous":
        raise AmbiguousParameter(param, message, candidates)
    if kind == "unresolved":
        raise UnresolvedParameter(param, message)
    raise ParameterError(param, message)


def guarded(store: GraphStore, snapshot: Snapshot | None, answer: Any) -> Reply:
    """`answer()` on the build `snapshot`, with every failure turned into a reply with its status."""
    try:
        used = store.use(snapshot)
    except ThaiplanError as exc:
        log.warning("the graph store could not be opened: %s", exc)
        return Reply.error(503, unavailable(exc))
    try:
        return replace(answer(), snapshot=used.id)
    except SyntaxError as exc:
        return Reply.error(400, f"Bad query: {exc}")
    except results.RowLimitExceeded as exc:
        return Reply.error(
            503,
            f"The query was stopped: it returns more than {exc.limit} results, the server's limit. "
            "Add LIMIT (and OFFSET to page) or aggregate.",
        )
    except results.NotRepresentable as exc:  # a control character asked for in XML (issue 19)
        return Reply.error(406, f"Not acceptable: {exc}.")
    except results.AnswerTooLarge as exc:
        return Reply.error(
            503,
            f"The query was stopped: its answer is larger than {exc.limit} bytes, the server's limit. "
            "Add LIMIT (and OFFSET to page), or select fewer or shorter values.",
        )
    except StoreUnavailable as exc:  # a remote store that is down, slow or overloaded (issue 7)
        log.warning("%s", exc)
        return Reply.error(503, unavailable(exc))
    except StoreRejected as exc:
        log.warning("%s", exc)
        return Reply.error(400, f"Bad query: {public_message(exc)} (the server's log has its answer).")
    except InputError as exc:  # the remote backend's second check, after values are written in
        return Reply.error(400, f"Bad query: {exc}")
    except ThaiplanError as exc:  # a remote store that failed otherwise
        log.warning("%s", exc)
        return Reply.error(502, f"The graph store failed: {public_message(exc)} (the server's log says more)")
    except RuntimeError as exc:
        return _engine_error(exc)
    except OSError:
        log.exception("the store could not be read")
        return Reply.error(500, "The store could not be read (the server's log says why).")


def evaluate(store: GraphStore, job: QueryJob, bindings: dict[str, Term]) -> Reply:
    """Guard, run and serialize the job's query with `bindings` on the build in use."""
    try:
        # Reading the text happens here, in the worker, so its cost counts inside the time limit.
        held = set(store.named_graphs())
        checked = safety.check_query(job.query, held, job.base_iri or None, parse=False)
    except InputError as exc:
        return Reply.error(400, f"Bad query: {exc}")
    # The protocol's graphs read against the store's, as FROM's are (issue 13).
    protocol_default, protocol_named = safety.protocol_graphs(job.default_graphs, job.named_graphs, held)
    job = replace(job, default_graphs=protocol_default, named_graphs=protocol_named)
    default, named = dataset_of(job, checked.dataset)
    try:
        # Every IRI of the canonical text is absolute: no base, so nothing is resolved a second time.
        result = store.query(
            checked.text,
            bindings=bindings or None,
            default_graph=default,
            named_graphs=named,
            public=job.default_graph == "public",
        )
        return serialize(result, job, checked)
    except SyntaxError as exc:
        return Reply.error(400, f"Bad query: {safety.syntax_error(exc, job.query, job.base_iri or None)}")


def dataset_of(
    job: QueryJob, from_clauses: safety.QueryDataset
) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
    """The protocol's graphs, else the query's FROM; (None, None): the store's default for the job."""
    if job.default_graphs is not None or job.named_graphs is not None:
        return job.default_graphs or (), job.named_graphs or ()
    if from_clauses:
        return tuple(from_clauses.default), tuple(from_clauses.named)
    return None, None


def unavailable(exc: ThaiplanError) -> str:
    """The 503 text for a store that cannot answer: what happened, without paths, URLs or its answer."""
    said = getattr(exc, "public", None) or "it could not be opened"
    if "thaiplan build" in str(exc):  # graph/store/local.py's advice for a store never built or damaged
        said = "it is not built or is damaged: run `thaiplan build` on the server"
    return f"The graph store is not available: {said} (the server's log says more). Try again later."


def _engine_error(exc: RuntimeError) -> Reply:
    """pyoxigraph's evaluation errors: an unknown function is the client's (400), the rest logged (500)."""
    found = UNKNOWN_FUNCTION.search(str(exc))
    if found:
        return Reply.error(
            400,
            f"Bad query: the function {found.group(1)} is not supported by this endpoint "
            "(it has the SPARQL 1.1 functions and pyoxigraph's own).",
        )
    log.error("the query engine failed: %s", exc)
    return Reply.error(500, "The query engine failed (the server's log says why).")


def serialize(result: Any, job: QueryJob, checked: safety.CheckedText | None = None) -> Reply:
    """The result in the negotiated format for its kind, or 406 when the client accepts none."""
    if isinstance(result, ox.QueryBoolean):
        kind = "boolean"
    elif isinstance(result, ox.QuerySolutions):
        kind = "solutions"
    else:
        kind = "graph"
    name = job.formats.get(kind)
    if name is None:
        offered = ", ".join(f.media_type for f in FORMATS_BY_KIND[kind])
        return Reply.error(
            406,
            f"Not acceptable: a {KIND_NAMES[kind]} result can be sent as {offered}; "
            "the request's Accept header (or format parameter) allows none of them.",
        )
    fmt = get_format(kind, name)
    if kind == "boolean":
        body = results.serialize_boolean(bool(result), name)
    elif kind == "solutions":
        body = results.serialize_solutions(
            result, name, job.max_rows, job.hidden, job.max_bytes, checked or job.query
        )
    else:
        body = results.serialize_graph(result, name, job.max_rows, job.prefixes, job.max_bytes)
    return Reply(200, body, fmt.content_type)
