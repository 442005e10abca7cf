"""One query, run inside a worker process: guard, dataset, bound values, evaluation and serialization.

Everything that can take time happens here (parsing for the guard too), so the whole job is covered by
the time limit the pool enforces by killing the worker. Results are serialized under a row limit. Values a
page or a named query binds travel as N-Triples terms beside the query text and are bound here: with
pyoxigraph `substitutions` on the embedded store; a remote store (`RemoteSnapshot`) writes them as typed
terms in VALUES rows (`thaiplan.queries.inline`). A substituted variable must be in a SELECT's projection.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from thaiplan.graph import safety
from thaiplan.graph.remote import StoreRejected, StoreUnavailable
from thaiplan.graph.store import open_read_only, snapshot_id
from thaiplan.queries.inline import Term, term_text
from thaiplan.server import results
from thaiplan.server.negotiation import FORMATS_BY_KIND, get_format

from thaiplan.errors import InputError, ThaiplanError

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
    # Columns left out of a SELECT answer: a named query's helper keys, derived from its parameters, which
    # pyoxigraph needs in the projection to bind them but which are not part of the answer.
    hidden: tuple[str, ...] = ()
    # Most bytes the serialized answer may take (0: no limit); the pool sets THAIPLAN_MAX_ANSWER_BYTES (#13).
    max_bytes: int = 0


def encode_bindings(bindings: Mapping[str, Term] | None) -> tuple[tuple[str, str], ...]:
    """Bound values as (variable, N-Triples term) pairs, plain text that crosses the process boundary."""
    return tuple((name, term_text(term)) for name, term in sorted((bindings or {}).items()))


def decode_bindings(encoded: tuple[tuple[str, str], ...]) -> dict[ox.Variable, Term]:
    """The pairs of `encode_bindings` as pyoxigraph substitutions, each term read by its N-Triples parser."""
    return {ox.Variable(name): parse_term(text) for name, text in encoded}


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

    @classmethod
    def error(cls, status: int, message: str) -> Reply:
        """A plain-text error reply."""
        return cls(status, (message.rstrip() + "\n").encode("utf-8"))


def store_location(store_dir: Path | str) -> Path | str:
    """A store directory as a Path, or a remote store's URL as text (Path would fold its `//`)."""
    from thaiplan.graph.backend import is_remote, remote_url

    return remote_url(store_dir) if is_remote(store_dir) else Path(store_dir)


class SnapshotStore:
    """The store of the current snapshot, reopened when a build switches `CURRENT` (or a remote manifest)."""

    def __init__(self, store_dir: Path | str) -> None:
        self.store_dir = store_location(store_dir)
        self.sid: str | None = None
        self.store: ox.Store | None = None
        self.graphs: frozenset[str] = frozenset()

    def current(self) -> ox.Store:
        """The open store of the current snapshot; ThaiplanError when there is none."""
        sid = snapshot_id(self.store_dir)
        if sid != self.sid or self.store is None:
            store = open_read_only(self.store_dir, sid)
            self.graphs = frozenset(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
            self.store, self.sid = store, sid
        return self.store


def run_job(snapshot: SnapshotStore, job: QueryJob) -> Reply:
    """Check, run and serialize one query; every failure becomes a reply with a 4xx/5xx status."""
    try:
        store = snapshot.current()
    except ThaiplanError as exc:
        return Reply.error(503, f"The graph store is not available: {exc}")
    # Bound values come from the server's own code (named and page queries), not from the client.
    substitutions = decode_bindings(job.bindings) or None
    try:
        safety.check_query_safe(job.query, set(snapshot.graphs))
        dataset = dataset_arguments(job, safety.query_dataset(job.query))
    except InputError as exc:
        return Reply.error(400, f"Bad query: {exc}")
    try:
        result = store.query(job.query, base_iri=job.base_iri or None, substitutions=substitutions, **dataset)
        return replace(serialize(result, job), snapshot=snapshot.sid)
    except SyntaxError as exc:
        return Reply.error(400, f"Bad query: SPARQL syntax error: {exc}")
    except results.RowLimitExceeded as exc:
        return Reply.error(
            503,
            f"The query was stopped: it returns more than {exc.limit} results, the server's limit. "
            "Add LIMIT (and OFFSET to page) or aggregate.",
        )
    except results.AnswerTooLarge as exc:
        return Reply.error(
            503,
            f"The query was stopped: its answer is larger than {exc.limit} bytes, the server's limit. "
            "Add LIMIT (and OFFSET to page), or select fewer or shorter values.",
        )
    except StoreUnavailable as exc:  # a remote store that is down, slow or overloaded (issue 7)
        return Reply.error(503, f"The graph store is not available: {exc}")
    except StoreRejected as exc:
        return Reply.error(400, f"Bad query: {exc}")
    except ThaiplanError as exc:  # a remote store that failed otherwise
        return Reply.error(502, f"The graph store failed: {exc}")
    except OSError as exc:
        return Reply.error(500, f"The store could not be read: {exc}")


def dataset_arguments(job: QueryJob, from_clauses: safety.QueryDataset) -> dict[str, Any]:
    """pyoxigraph dataset arguments: the protocol's graphs, else the query's FROM, else the union."""
    if job.default_graphs is not None or job.named_graphs is not None:
        default, named = job.default_graphs or (), job.named_graphs or ()
    elif from_clauses:
        default, named = from_clauses.default, from_clauses.named
    else:
        # pyoxigraph ignores FROM when the union flag is set, so the flag is only for queries without it.
        return {"use_default_graph_as_union": True}
    return {
        "default_graph": [ox.NamedNode(g) for g in default],
        "named_graphs": [ox.NamedNode(g) for g in named],
    }


def serialize(result: Any, job: QueryJob) -> Reply:
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
        body = results.serialize_solutions(result, name, job.max_rows, job.hidden, job.max_bytes)
    else:
        body = results.serialize_graph(result, name, job.max_rows, job.prefixes, job.max_bytes)
    return Reply(200, body, fmt.content_type)
