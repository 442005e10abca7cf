"""The HTTP client of a remote SPARQL 1.1 store: every call thaiplan makes to it, under two timeouts.

Queries and updates go through SPARQLWrapper (it builds the protocol request) and are opened with our own
urllib opener, which applies a connect timeout and a read timeout to every call and answers Basic and
Digest authentication; the Graph Store HTTP Protocol requests are plain urllib requests on the same
opener. Every failure is a `ThaiplanError` naming the store's URL, with a `public` text for web clients
that names neither the URL nor the store's answer (issue 13).
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import http.client
import socket
import urllib.error
import urllib.parse
import urllib.request
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from SPARQLWrapper import JSON, POST, SPARQLWrapper

from thaiplan.config import Config
from thaiplan.errors import InputError, ThaiplanError
from thaiplan.graph.rq import read_rq
from thaiplan.graph.store.inline import bind_inline
from thaiplan.graph.store.results import (
    ACCEPT_GRAPH,
    ACCEPT_SOLUTIONS,
    RDF_TYPES,
    is_graph_query,
    parse_answer,
)

MIB = 2**20


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
