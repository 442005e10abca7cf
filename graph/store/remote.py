"""The remote backend: a SPARQL 1.1 store (Oxigraph server, Virtuoso, Fuseki, GraphDB, Neptune) over HTTP.

Queries go through SPARQLWrapper (it builds the protocol request) and are opened with our own urllib
opener, which applies a connect timeout and a read timeout to every call and answers Basic and Digest
authentication. Answers are parsed into the pyoxigraph result types the embedded backend returns
(`QuerySolutions`, `QueryBoolean`, `QueryTriples`), so the CLI, the server and the named queries cannot tell
the backends apart.

Rebuilds never show readers half a graph. A build uploads every named graph to a staging graph
(`urn:thaiplan:staging:<id>:<graph>`) with the Graph Store HTTP Protocol, in requests of bounded size that
keep each blank-node component whole (see "uploading in bounded memory"), checks the staging counts, then
switches in ONE SPARQL Update request: `MOVE` each staging graph onto its live name, drop the graphs the
new build no longer has, and replace the manifest graph (`urn:thaiplan:manifest`: the build id and its
graphs). Readers always query with an explicit dataset, the manifest's graphs as `default-graph-uri` and
`named-graph-uri`, so staging graphs are never in their dataset, and the switch is one transaction on
the store: a reader sees the old graphs or the new ones.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import datetime as dt
import functools
import http.client
import json
import socket
import urllib.error
import urllib.parse
import urllib.request
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib.resources import files
from itertools import chain
from pathlib import Path
from string import Template
from typing import Any

import pyoxigraph as ox
from SPARQLWrapper import JSON, POST, SPARQLWrapper

from thaiplan.config import Config
from thaiplan.errors import InputError, ThaiplanError
from thaiplan.graph.build.default_graph import COPY_GRAPH
from thaiplan.graph.rq import read_rq
from thaiplan.graph.store.inline import bind_inline
from thaiplan.graph.store.local import Bindings
from thaiplan.queries.guard import safety

MANIFEST_GRAPH = "urn:thaiplan:manifest"
MANIFEST_BUILD = "urn:thaiplan:build"
STAGING_PREFIX = "urn:thaiplan:staging:"
DCTERMS = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
MIB = 2**20
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


class StoreUnavailable(ThaiplanError):
    """The remote store cannot be reached, timed out, or said it is unavailable (HTTP 503 upstream)."""


class StoreRejected(InputError):
    """The remote store refused the request as malformed (HTTP 400 upstream)."""


def store_failure(error: ThaiplanError, public: str) -> ThaiplanError:
    """`error` (for the log and the CLI: URL and the store's answer) with `public`, its text for web clients.

    A web client is told what happened, never where the store is or what it answered (issue 13).
    """
    error.public = public  # type: ignore[attr-defined]
    return error


def public_message(error: ThaiplanError) -> str:
    """What a web client may read of a store failure."""
    return getattr(error, "public", None) or "the graph store failed"


@dataclass(frozen=True)
class RemoteSettings:
    """Where the remote store is and how to talk to it."""

    query_url: str
    update_url: str = ""
    gsp_url: str = ""
    user: str = ""
    password: str = ""
    connect_timeout: float = 5.0
    read_timeout: float = 25.0
    upload_bytes: int = 32 * MIB  # the most `thaiplan build` sends in one request (bar one big component)

    @classmethod
    def from_config(cls, config: Config) -> RemoteSettings:
        """The remote settings of a config whose `store` is a URL."""
        return cls(
            query_url=config.store,
            update_url=config.store_update,
            gsp_url=config.store_gsp,
            user=config.store_user,
            password=config.store_password,
            connect_timeout=config.store_connect_timeout,
            read_timeout=config.store_read_timeout,
            upload_bytes=upload_bytes(config.store_upload_mb),
        )


def upload_bytes(megabytes: float) -> int:
    """The upload request size for THAIPLAN_STORE_UPLOAD_MB, or a clear error when it is not positive."""
    if not 0 < megabytes < float("inf"):
        raise InputError(f"THAIPLAN_STORE_UPLOAD_MB={megabytes:g} must be a positive number of MiB")
    return max(1, int(megabytes * MIB))


# --- HTTP with a connect timeout and a read timeout ---------------------------------------------------


class _TimeoutsMixin:
    """Connect within `connect_timeout`, then wait at most `timeout` (the read timeout) for each read."""

    timeout: float | None
    sock: socket.socket

    def __init__(self, *args: Any, connect_timeout: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.connect_timeout = connect_timeout

    def connect(self) -> None:
        """Open the connection (and TLS handshake) under the connect timeout, then switch to the read one."""
        read_timeout = self.timeout
        self.timeout = self.connect_timeout
        try:
            super().connect()  # type: ignore[misc]
        finally:
            self.timeout = read_timeout
        self.sock.settimeout(read_timeout)


class _HTTPConnection(_TimeoutsMixin, http.client.HTTPConnection):
    """An HTTP connection with separate connect and read timeouts."""


class _HTTPSConnection(_TimeoutsMixin, http.client.HTTPSConnection):
    """An HTTPS connection with separate connect and read timeouts."""


class _ConnectTimeoutMixin:
    """A urllib handler that remembers the connect timeout for the connections it opens."""

    def __init__(self, connect_timeout: float) -> None:
        super().__init__()
        self.connect_timeout = connect_timeout


class _HTTPHandler(_ConnectTimeoutMixin, urllib.request.HTTPHandler):
    """urllib's HTTP handler, opening connections with the connect timeout."""

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        """Open `req` on a connection with both timeouts."""
        return self.do_open(functools.partial(_HTTPConnection, connect_timeout=self.connect_timeout), req)


class _HTTPSHandler(_ConnectTimeoutMixin, urllib.request.HTTPSHandler):
    """urllib's HTTPS handler, opening connections with the connect timeout."""

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        """Open `req` on a TLS connection with both timeouts."""
        conn = functools.partial(_HTTPSConnection, connect_timeout=self.connect_timeout)
        return self.do_open(conn, req, context=self._context)  # type: ignore[attr-defined]


def build_opener(settings: RemoteSettings) -> urllib.request.OpenerDirector:
    """An opener with both timeouts and, when credentials are set, Basic and Digest authentication."""
    handlers: list[urllib.request.BaseHandler] = [
        _HTTPHandler(settings.connect_timeout),
        _HTTPSHandler(settings.connect_timeout),
    ]
    if settings.user:
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        for url in {settings.query_url, settings.update_url, settings.gsp_url} - {""}:
            passwords.add_password(None, url, settings.user, settings.password)
        handlers += [
            urllib.request.HTTPBasicAuthHandler(passwords),
            urllib.request.HTTPDigestAuthHandler(passwords),
        ]
    return urllib.request.build_opener(*handlers)


# --- the client ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Manifest:
    """What the last successful build published: its id and its named graphs."""

    snapshot_id: str
    graphs: tuple[str, ...]


class RemoteClient:
    """Every call thaiplan makes to a remote store, each under the connect and read timeouts."""

    def __init__(self, settings: RemoteSettings) -> None:
        self.settings = settings
        self.opener = build_opener(settings)

    # Requests.

    def _send(self, request: urllib.request.Request, what: str) -> tuple[bytes, str]:
        """Send one request; return the body and its media type, or raise a clear error naming the URL."""
        url = request.full_url.split("?", 1)[0]
        try:
            with self.opener.open(request, timeout=self.settings.read_timeout) as response:
                body = response.read()
                media = response.headers.get_content_type()
            return body, media
        except urllib.error.HTTPError as exc:
            raise _http_error(exc, url, what) from None
        except urllib.error.URLError as exc:  # raised before an answer: DNS, refused, connect timeout
            reason = exc.reason
            if isinstance(reason, TimeoutError):
                within = f"did not accept a connection within {self.settings.connect_timeout:g} s"
                raise store_failure(
                    StoreUnavailable(f"the SPARQL store at {url} {within} ({what})"),
                    f"the graph store {within}",
                ) from None
            raise store_failure(
                StoreUnavailable(f"the SPARQL store at {url} cannot be reached ({what}): {reason}"),
                "the graph store cannot be reached",
            ) from None
        except TimeoutError:
            within = f"within {self.settings.read_timeout:g} s"
            raise store_failure(
                StoreUnavailable(f"the SPARQL store at {url} did not answer {within} ({what})"),
                f"the graph store did not answer {within}",
            ) from None
        except (OSError, http.client.HTTPException) as exc:
            raise store_failure(
                StoreUnavailable(f"the SPARQL store at {url} broke off the answer ({what}): {exc}"),
                "the graph store broke off its answer",
            ) from None

    def sparql_request(
        self,
        text: str,
        *,
        update: bool,
        params: Sequence[tuple[str, str]] = (),
        accept: str = ACCEPT_SOLUTIONS,
    ) -> Any:
        """The protocol request for a query or an update, built by SPARQLWrapper."""
        endpoint = self.settings.update_url if update else self.settings.query_url
        wrapper = SPARQLWrapper(self.settings.query_url, updateEndpoint=self.settings.update_url or None)
        wrapper.setMethod(POST)
        wrapper.setReturnFormat(JSON)
        wrapper.setOnlyConneg(True)  # no `format=json` parameter: the Accept header chooses the format
        with warnings.catch_warnings():
            # SPARQLWrapper warns when its regular expression cannot tell the query form; the store parses.
            warnings.simplefilter("ignore")
            wrapper.setQuery(text)
            for name, value in params:
                wrapper.addParameter(name, value)
            if update != wrapper.isSparqlUpdateRequest():
                raise InputError("a query was sent as an update, or an update as a query")
            request = wrapper._createRequest()  # the request only: it is opened with our timeouts and auth
        request.add_header("Accept", accept)
        if request.full_url.split("?", 1)[0] != endpoint.split("?", 1)[0]:
            raise ThaiplanError(f"SPARQLWrapper chose {request.full_url}, expected {endpoint}")
        return request

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        form: str | None = None,
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run a query with an optional protocol dataset; the answer in pyoxigraph's result types."""
        params = [("default-graph-uri", g) for g in default_graphs or ()]
        params += [("named-graph-uri", g) for g in named_graphs or ()]
        graph = form in ("CONSTRUCT", "DESCRIBE") if form else is_graph_query(sparql)
        accept = ACCEPT_GRAPH if graph else ACCEPT_SOLUTIONS
        request = self.sparql_request(sparql, update=False, params=params, accept=accept)
        body, media = self._send(request, "query")
        return parse_answer(body, media, self.settings.query_url)

    def update(self, text: str, what: str = "update", *, large: bool = False) -> None:
        """Run a SPARQL Update request (one request: one transaction on the store).

        `large` requests (uploads) get their credentials up front, as Graph Store uploads do.
        """
        if not self.settings.update_url:
            raise ThaiplanError(
                f"no update endpoint for the store at {self.settings.query_url}: set THAIPLAN_STORE_UPDATE"
            )
        request = self.sparql_request(text, update=True)
        if large:
            self.authorize_upfront(request)
        self._send(request, what)

    def gsp_url(self, graph: str) -> str:
        """The Graph Store HTTP Protocol URL of one named graph (indirect identification, `?graph=`)."""
        if not self.settings.gsp_url:
            raise ThaiplanError(
                f"no Graph Store endpoint for the store at {self.settings.query_url}: set THAIPLAN_STORE_GSP"
            )
        sep = "&" if "?" in self.settings.gsp_url else "?"
        return self.settings.gsp_url + sep + urllib.parse.urlencode({"graph": graph})

    def send_graph(self, graph: str, ntriples: bytes | bytearray, *, replace: bool, what: str = "") -> None:
        """Replace (PUT) or add to (POST) one named graph with N-Triples (Graph Store HTTP Protocol).

        The body is bytes, so that an auth challenge can resend it; blank node labels are scoped to it.
        """
        method = "PUT" if replace else "POST"
        request = urllib.request.Request(self.gsp_url(graph), data=ntriples, method=method)
        request.add_header("Content-Type", "application/n-triples")
        self.authorize_upfront(request)
        self._send(request, what or f"upload of <{graph}>")

    def authorize_upfront(self, request: urllib.request.Request) -> None:
        """Add the Authorization header before a large body is sent.

        Some stores (Virtuoso) answer 401 and close the connection without reading the body, so urllib's
        answer-the-challenge handlers never see the challenge (the send fails with a broken pipe). A bodiless
        HEAD without credentials fetches the challenge, and the header is computed for the real request.
        """
        if not self.settings.user:
            return
        probe = urllib.request.Request(request.full_url, method="HEAD")
        try:
            with build_opener(dataclasses.replace(self.settings, user="")).open(
                probe, timeout=self.settings.read_timeout
            ):
                return  # no authentication asked for
        except urllib.error.HTTPError as exc:
            challenge = exc.headers.get("WWW-Authenticate", "") if exc.code == 401 else ""
        except (urllib.error.URLError, OSError, http.client.HTTPException):
            return  # the real request reports the problem
        scheme, _, params = challenge.partition(" ")
        if scheme.lower() == "digest":
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            passwords.add_password(None, request.full_url, self.settings.user, self.settings.password)
            fields = urllib.request.parse_keqv_list(filter(None, urllib.request.parse_http_list(params)))
            header = urllib.request.HTTPDigestAuthHandler(passwords).get_authorization(request, fields)
            if header:
                request.add_unredirected_header("Authorization", f"Digest {header}")
        elif scheme.lower() == "basic":
            token = base64.b64encode(f"{self.settings.user}:{self.settings.password}".encode()).decode()
            request.add_unredirected_header("Authorization", f"Basic {token}")

    def get_graph(self, graph: str) -> bytes:
        """One named graph as N-Triples (Graph Store HTTP Protocol GET)."""
        request = urllib.request.Request(self.gsp_url(graph), method="GET")
        request.add_header("Accept", "application/n-triples, text/turtle;q=0.5")
        body, media = self._send(request, f"download of <{graph}>")
        fmt = RDF_TYPES.get(media, ox.RdfFormat.N_TRIPLES)
        if fmt == ox.RdfFormat.N_TRIPLES:
            return body
        return ox.serialize(ox.parse(body, format=fmt), format=ox.RdfFormat.N_TRIPLES)

    # Reading the manifest and counting.

    def manifest(self) -> Manifest | None:
        """The current build's manifest, or None when no build has been published to this store."""
        result = self.query(read_rq("remote-manifest"))
        sid, graphs = None, []
        for row in result:  # type: ignore[union-attr]
            sid = row["snapshot"].value
            if row["graph"] is not None:
                graphs.append(row["graph"].value)
        return Manifest(sid, tuple(sorted(set(graphs)))) if sid else None

    def graph_counts(self, prefix: str) -> dict[str, int]:
        """Triples per named graph whose IRI starts with `prefix`."""
        text = bind_inline(read_rq("remote-graph-counts"), {"prefix": ox.Literal(prefix)})
        return {r["g"].value: int(r["triples"].value) for r in self.query(text)}  # type: ignore[union-attr]


def _http_error(exc: urllib.error.HTTPError, url: str, what: str) -> ThaiplanError:
    """A clear error for an HTTP error status from the store, with the start of its message."""
    try:
        detail = " ".join(exc.read(2000).decode("utf-8", "replace").split())[:500]
    except OSError:
        detail = ""
    said = f": {detail}" if detail else ""
    if exc.code == 400:
        return store_failure(
            StoreRejected(f"the SPARQL store at {url} rejected the {what}{said}"),
            f"the graph store rejected the {what}",
        )
    if exc.code in (401, 403):
        return store_failure(
            ThaiplanError(
                f"the SPARQL store at {url} refused the {what} (HTTP {exc.code}): check THAIPLAN_STORE_USER "
                f"and THAIPLAN_STORE_PASSWORD, and that the user may do this{said}"
            ),
            f"the graph store refused the {what} (HTTP {exc.code})",
        )
    if exc.code in (502, 503, 504):
        return store_failure(
            StoreUnavailable(f"the SPARQL store at {url} is unavailable (HTTP {exc.code}, {what}){said}"),
            f"the graph store is unavailable (HTTP {exc.code})",
        )
    return store_failure(
        ThaiplanError(f"the SPARQL store at {url} failed the {what} (HTTP {exc.code}){said}"),
        f"the graph store failed the {what} (HTTP {exc.code})",
    )


# --- answers as pyoxigraph results ---------------------------------------------------------------------


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
    return scratch.query(read_rq("remote-all-triples"))  # type: ignore[return-value]


# --- stores --------------------------------------------------------------------------------------------


class RemoteStore:
    """A `GraphStore` on a remote SPARQL store, pinned to the build published when it was opened."""

    def __init__(self, settings: RemoteSettings, manifest: Manifest | None = None) -> None:
        self.client = RemoteClient(settings)
        self.manifest = manifest or self.client.manifest()
        if self.manifest is None:
            raise ThaiplanError(
                f"the SPARQL store at {settings.query_url} holds no thaiplan graph: run `thaiplan build` "
                "with THAIPLAN_STORE (and THAIPLAN_STORE_UPDATE, THAIPLAN_STORE_GSP) set"
            )

    @property
    def snapshot_id(self) -> str:
        """The id of the build this store was opened on."""
        return self.manifest.snapshot_id  # type: ignore[union-attr]

    def named_graphs(self) -> list[str]:
        """IRIs of the build's named graphs, sorted."""
        return list(self.manifest.graphs)  # type: ignore[union-attr]

    def query(
        self,
        sparql: str,
        *,
        bindings: Bindings | None = None,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run a query; with no dataset and no FROM, the default graph is the union of the build's graphs."""
        text = bind_inline(sparql, bindings)  # type: ignore[arg-type]
        # What is sent is checked again, after the values are written in, and sent as the guard's
        # canonical text (issue 13): the store's parser then reads the tokens the check read.
        checked = safety.check_query(text, set(self.named_graphs()), base_iri, parse=False)
        if default_graph is None and named_graphs is None:
            if checked.dataset:
                # The query's FROM (checked) selects the graphs.
                return self.client.query(checked.text, form=checked.form)
            # Every graph of the build but its copy of the data (issue 19), which would repeat each triple.
            default_graph = named_graphs = [g for g in self.named_graphs() if g != COPY_GRAPH]
        graphs = {"default_graphs": default_graph or (), "named_graphs": named_graphs or ()}
        return self.client.query(checked.text, form=checked.form, **graphs)


def is_graph_query(sparql: str) -> bool:
    """True for CONSTRUCT and DESCRIBE (their answer is RDF, not a table); unreadable text: False."""
    try:
        return safety.query_form(sparql) in ("CONSTRUCT", "DESCRIBE")
    except InputError:
        return False


class RemoteSnapshot:
    """A remote store shaped like the read-only `pyoxigraph.Store` the server's workers and `validate` use."""

    def __init__(self, store: RemoteStore) -> None:
        self.remote = store

    @property
    def snapshot_id(self) -> str:
        """The id of the build this view was opened on."""
        return self.remote.snapshot_id

    def named_graphs(self) -> Iterator[ox.NamedNode]:
        """The build's named graphs, as pyoxigraph's `Store.named_graphs` gives them."""
        return iter([ox.NamedNode(g) for g in self.remote.named_graphs()])

    def query(
        self,
        sparql: str,
        *,
        use_default_graph_as_union: bool = False,
        default_graph: Sequence[ox.NamedNode] | ox.NamedNode | None = None,
        named_graphs: Sequence[ox.NamedNode] | None = None,
        base_iri: str | None = None,
        substitutions: Mapping[ox.Variable, ox.NamedNode | ox.Literal] | None = None,
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """`pyoxigraph.Store.query`'s arguments, run on the remote store."""
        bindings = {k.value: v for k, v in (substitutions or {}).items()}
        if isinstance(default_graph, ox.NamedNode):
            default_graph = [default_graph]
        given = default_graph is not None or named_graphs is not None
        return self.remote.query(
            sparql,
            bindings=bindings,
            default_graph=[g.value for g in default_graph or ()] if given else None,
            named_graphs=[g.value for g in named_graphs or ()] if given else None,
            base_iri=base_iri,
        )

    def dump(
        self, output: Any = None, format: ox.RdfFormat | None = None, *, from_graph: Any = None
    ) -> bytes | None:
        """One named graph as N-Triples (Graph Store GET when configured, else a CONSTRUCT)."""
        if format not in (None, ox.RdfFormat.N_TRIPLES) or from_graph is None:
            raise ValueError("a remote store dumps one named graph as N-Triples")
        graph = from_graph.value if isinstance(from_graph, ox.NamedNode) else str(from_graph)
        client = self.remote.client
        if client.settings.gsp_url:
            data = client.get_graph(graph)
        else:
            text = bind_inline(read_rq("remote-dump-graph"), {"graph": ox.NamedNode(graph)})
            data = ox.serialize(client.query(text), format=ox.RdfFormat.N_TRIPLES)  # type: ignore[arg-type]
        if output is None:
            return data
        Path(output).write_bytes(data)
        return None


# --- publishing a build --------------------------------------------------------------------------------


def read_ru(name: str) -> Template:
    """The update template `graph/sparql/<name>.ru`; its `$names` are filled with `.n3()`-style terms."""
    return Template(files("thaiplan.graph").joinpath("sparql", f"{name}.ru").read_text(encoding="utf-8"))


def staging_iri(sid: str, graph: str) -> str:
    """The staging name of one graph during the build `sid`."""
    return f"{STAGING_PREFIX}{sid}:{graph}"


def drop_stale_staging(client: RemoteClient, prefix: str = STAGING_PREFIX) -> list[str]:
    """Drop staging graphs that killed or failed builds left behind (those under `prefix`); return them."""
    stale = sorted(client.graph_counts(prefix))
    if stale:
        drop = read_ru("remote-drop")
        client.update(
            " ;\n".join(drop.substitute(graph=ox.NamedNode(g)) for g in stale), "clean-up of staging graphs"
        )
    return stale


def switch_update(sid: str, graphs: Sequence[str], previous: Sequence[str], modified: str) -> str:
    """The one update request that makes the staged build live: MOVEs, DROPs, the new manifest."""
    move, drop = read_ru("remote-move"), read_ru("remote-drop")
    steps = [
        move.substitute(staging=ox.NamedNode(staging_iri(sid, g)), graph=ox.NamedNode(g)) for g in graphs
    ]
    steps += [drop.substitute(graph=ox.NamedNode(g)) for g in previous if g not in set(graphs)]
    build = ox.NamedNode(MANIFEST_BUILD)
    triples = [
        ox.Triple(build, ox.NamedNode(DCTERMS + "identifier"), ox.Literal(sid)),
        ox.Triple(
            build,
            ox.NamedNode(DCTERMS + "modified"),
            ox.Literal(modified, datatype=ox.NamedNode(XSD + "dateTime")),
        ),
        *(ox.Triple(build, ox.NamedNode(DCTERMS + "hasPart"), ox.NamedNode(g)) for g in graphs),
    ]
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
    steps.append(read_ru("remote-manifest").substitute(manifest=ox.NamedNode(MANIFEST_GRAPH), triples=data))
    return " ;\n".join(steps)


def publish(
    client: RemoteClient,
    scratch: ox.Store,
    sid: str,
    *,
    before_switch: Any = None,
) -> Manifest:
    """Upload every named graph of `scratch` to staging graphs, check them, then switch in one update.

    `before_switch` (tests) is called once everything is staged, just before the switch.
    """
    previous = client.manifest()
    drop_stale_staging(client)
    graphs = sorted(g.value for g in scratch.named_graphs() if isinstance(g, ox.NamedNode))
    try:
        expected = upload(client, scratch, sid, graphs)
    except ThaiplanError:
        _drop_quietly(client, f"{STAGING_PREFIX}{sid}:")
        raise
    staged = client.graph_counts(f"{STAGING_PREFIX}{sid}:")
    wrong = {g: (n, staged.get(g, 0)) for g, n in expected.items() if staged.get(g, 0) != n}
    if wrong:
        drop_stale_staging(client)
        listed = ", ".join(f"<{g}>: {got} of {n} triples" for g, (n, got) in sorted(wrong.items())[:5])
        raise ThaiplanError(
            f"the staged graphs in the SPARQL store at {client.settings.query_url} are not complete "
            f"({listed}); nothing was switched (is another build running?)"
        )
    if before_switch is not None:
        before_switch()
    client.update(switch_update(sid, graphs, previous.graphs if previous else (), _now()), "switch")
    return Manifest(sid, tuple(graphs))


def _drop_quietly(client: RemoteClient, prefix: str) -> None:
    """Drop a failed upload's staging graphs if the store lets us; else the next build drops them."""
    with contextlib.suppress(ThaiplanError):
        drop_stale_staging(client, prefix)


# --- uploading in bounded memory -----------------------------------------------------------------------
#
# Each graph streams from the scratch store in requests of at most `upload_bytes`: the first a Graph Store
# PUT (replacing the staging graph), the rest POSTs (which add). A request scopes blank node labels to
# itself, so the triples of one blank-node component (blank nodes joined by triples) go in one request.
# A component that spans several named graphs goes in one SPARQL Update whose template names each graph
# (`remote-insert-shared.ru`): the template's blank nodes are one fresh node per label for the request.


def upload(client: RemoteClient, scratch: ox.Store, sid: str, graphs: Sequence[str]) -> dict[str, int]:
    """Send every graph of `graphs` to its staging graph in bounded requests; return the staged counts."""
    pieces = Pieces(scratch, graphs)
    limit = client.settings.upload_bytes
    for graph in graphs:
        target = staging_iri(sid, graph)
        for number, chunk in enumerate(chunks(pieces.of_graph(graph), limit), start=1):
            what = f"upload of <{graph}> (part {number}, {len(chunk)} bytes)"
            client.send_graph(target, chunk, replace=number == 1, what=what)
            del chunk  # before the next one is filled: one chunk in memory at a time
    insert = read_ru("remote-insert-shared")
    shared = chunks(pieces.shared(lambda g: staging_iri(sid, g)), limit)
    for number, chunk in enumerate(filter(None, shared), start=1):
        what = f"upload of blank nodes shared by named graphs (part {number}, {len(chunk)} bytes)"
        client.update(insert.substitute(graphs=chunk.decode("utf-8")), what, large=True)
    return {staging_iri(sid, g): n for g, n in pieces.counts.items()}


def chunks(pieces: Iterable[bytes], limit: int) -> Iterator[bytearray]:
    """Pieces joined into chunks of at most `limit` bytes, a bigger piece alone; always one chunk at least.

    A chunk grows in one buffer, sent as it is: the memory is about one chunk, not a list of lines and a copy.
    """
    held, sent = bytearray(), False
    for piece in pieces:
        if held and len(held) + len(piece) > limit:
            yield held
            held, sent = bytearray(), True
        held += piece
    if held or not sent:
        yield held


class Pieces:
    """The named graphs of a store as upload pieces: each triple without blank nodes, each component whole.

    Memory: the component in hand, the labels of the current graph's blank nodes already sent, and one
    blank node per component shared by several graphs (sent last, by `shared`).
    """

    def __init__(self, store: ox.Store, graphs: Sequence[str]) -> None:
        self.store = store
        self.named = frozenset(ox.NamedNode(g) for g in graphs)
        self.counts: dict[str, int] = {}
        self.shared_labels: set[str] = set()
        self.shared_seeds: list[ox.BlankNode] = []

    def of_graph(self, graph: str) -> Iterator[bytes]:
        """N-Triples pieces of one graph; its components that reach other graphs are kept for `shared`."""
        name = ox.NamedNode(graph)
        sent: set[str] = set()  # labels of this graph's components already yielded
        count = 0
        for quad in self.store.quads_for_pattern(None, None, None, name):
            count += 1
            blank = first_blank(quad)
            if blank is None:
                yield ntriples_line(quad)
            elif blank.value not in sent and blank.value not in self.shared_labels:
                quads, labels = component(self.store, blank, self.named)
                if all(q.graph_name == name for q in quads):
                    sent |= labels
                    yield b"".join(ntriples_line(q) for q in quads)
                else:
                    self.shared_labels |= labels
                    self.shared_seeds.append(blank)
        self.counts[graph] = count

    def shared(self, target: Callable[[str], str]) -> Iterator[bytes]:
        """One piece per component spanning several graphs: a `GRAPH <target(g)> { … }` block per graph."""
        block = read_ru("remote-insert-graph")
        for seed in self.shared_seeds:
            quads, _ = component(self.store, seed, self.named)
            by_graph: dict[str, list[bytes]] = {}
            for quad in quads:
                by_graph.setdefault(quad.graph_name.value, []).append(ntriples_line(quad))
            yield "".join(
                block.substitute(graph=ox.NamedNode(target(g)), triples=b"".join(lines).decode("utf-8"))
                for g, lines in sorted(by_graph.items())
            ).encode("utf-8")


def component(
    store: ox.Store, seed: ox.BlankNode, named: frozenset[ox.NamedNode]
) -> tuple[list[ox.Quad], set[str]]:
    """The quads of the graphs `named` that hold a blank node connected to `seed`, and those nodes' labels."""
    labels, todo = {seed.value}, [seed]
    quads: dict[ox.Quad, None] = {}  # insertion-ordered: a component's triples in the order found
    while todo:
        node = todo.pop()
        around = chain(store.quads_for_pattern(node, None, None), store.quads_for_pattern(None, None, node))
        for quad in around:
            if quad.graph_name not in named or quad in quads:
                continue
            quads[quad] = None
            for term in (quad.subject, quad.object):
                if type(term) is ox.BlankNode and term.value not in labels:
                    labels.add(term.value)
                    todo.append(term)
    return list(quads), labels


def first_blank(quad: ox.Quad) -> ox.BlankNode | None:
    """The quad's blank subject or object, if any (a blank node inside a triple term is refused)."""
    for term in (quad.subject, quad.object):
        if type(term) is ox.BlankNode:
            return term
    if type(quad.object) is ox.Triple and _holds_blank(quad.object):
        raise ThaiplanError(
            f"a triple term holding a blank node cannot be uploaded to a SPARQL store ({quad}): "
            "give the blank node an IRI"
        )
    return None


def _holds_blank(triple: ox.Triple) -> bool:
    """True when a triple term has a blank node anywhere inside it."""
    return any(
        type(t) is ox.BlankNode or (type(t) is ox.Triple and _holds_blank(t))
        for t in (triple.subject, triple.object)
    )


def ntriples_line(quad: ox.Quad) -> bytes:
    """The quad's triple as one N-Triples line (pyoxigraph writes each term in N-Triples syntax)."""
    return f"{quad.subject} {quad.predicate} {quad.object} .\n".encode()


def _now() -> str:
    """The current UTC time as xsd:dateTime text."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
