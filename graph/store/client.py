"""The HTTP client of a remote SPARQL 1.1 store: every call thaiplan makes to it, under two timeouts.

httpx makes the requests (issue 14; before, urllib with SPARQLWrapper used through a private method):
SPARQL 1.1 Protocol queries and updates (form-encoded POSTs), Graph Store HTTP Protocol uploads and
downloads, each with a connect timeout and a read timeout (THAIPLAN_STORE_CONNECT_TIMEOUT,
THAIPLAN_STORE_READ_TIMEOUT), one connection per request (no keep-alive: a store that turns slow or goes
away is seen on the next request), and Basic or Digest authentication, whichever the store asks for.
Every failure is a `ThaiplanError` naming the store's URL, with a `public` text for web clients that
names neither the URL nor the store's answer (issue 13).
"""

from __future__ import annotations

import contextlib
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx
import pyoxigraph as ox

from thaiplan.config import Config
from thaiplan.errors import InputError, ThaiplanError
from thaiplan.graph.store.inline import bind_inline
from thaiplan.graph.store.results import (
    ACCEPT_GRAPH,
    ACCEPT_SOLUTIONS,
    RDF_TYPES,
    is_graph_query,
    parse_answer,
)
from thaiplan.rq import read_rq

MIB = 2**20
FORM = "application/x-www-form-urlencoded"


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


# --- authentication -------------------------------------------------------------------------------------


class StoreAuth(httpx.Auth):
    """Basic or Digest authentication, whichever the store's first challenge asks for, then up front.

    Once the scheme (and for Digest the challenge) is known, every request carries its Authorization
    header from the start: some stores (Virtuoso) answer a large upload's missing credentials with 401 and
    stop reading, so an upload must never be the request that meets the challenge (`RemoteClient.prime`).
    """

    def __init__(self, user: str, password: str) -> None:
        self.basic = httpx.BasicAuth(user, password)
        self.digest = httpx.DigestAuth(user, password)
        self.scheme: str | None = None  # learned from the store's first challenge

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Send the request, answering a 401 challenge once with the scheme it names."""
        if self.scheme is not None:
            yield from self._known().auth_flow(request)  # Digest reuses its challenge, renews a stale one
            return
        response = yield request
        challenge = response.headers.get("WWW-Authenticate", "").split(" ", 1)[0].lower()
        if response.status_code != 401 or challenge not in ("basic", "digest"):
            return
        self.scheme = challenge
        flow = self._known().auth_flow(request)
        authorized = next(flow)  # Basic: with its header; Digest: still without, waiting for the challenge
        if challenge == "digest":
            authorized = flow.send(response)
        yield authorized

    def _known(self) -> httpx.Auth:
        """The authentication of the scheme the store asked for."""
        return self.digest if self.scheme == "digest" else self.basic


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
        self.auth = StoreAuth(settings.user, settings.password) if settings.user else None
        timeout = httpx.Timeout(
            connect=settings.connect_timeout,
            read=settings.read_timeout,
            write=settings.read_timeout,
            pool=settings.connect_timeout,
        )
        limits = httpx.Limits(max_keepalive_connections=0)
        self.http = httpx.Client(timeout=timeout, limits=limits, auth=self.auth)

    # Requests.

    def _send(self, request: httpx.Request, what: str) -> tuple[bytes, str]:
        """Send one request; return the body and its media type, or raise a clear error naming the URL."""
        url = str(request.url.copy_with(query=None))
        try:
            response = self.http.send(request)
        except httpx.ConnectTimeout:
            within = f"did not accept a connection within {self.settings.connect_timeout:g} s"
            raise store_failure(
                StoreUnavailable(f"the SPARQL store at {url} {within} ({what})"), f"the graph store {within}"
            ) from None
        except httpx.ConnectError as exc:  # before an answer: DNS, refused, not allowed (the sandbox)
            raise store_failure(
                StoreUnavailable(f"the SPARQL store at {url} cannot be reached ({what}): {exc}"),
                "the graph store cannot be reached",
            ) from None
        except httpx.TimeoutException:
            within = f"within {self.settings.read_timeout:g} s"
            raise store_failure(
                StoreUnavailable(f"the SPARQL store at {url} did not answer {within} ({what})"),
                f"the graph store did not answer {within}",
            ) from None
        except (httpx.TransportError, OSError) as exc:
            raise store_failure(
                StoreUnavailable(f"the SPARQL store at {url} broke off the answer ({what}): {exc}"),
                "the graph store broke off its answer",
            ) from None
        if response.status_code >= 400:
            raise _http_error(response.status_code, response.content[:2000], url, what)
        media = response.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
        return response.content, media

    def sparql_request(
        self,
        text: str,
        *,
        update: bool,
        params: Sequence[tuple[str, str]] = (),
        accept: str = ACCEPT_SOLUTIONS,
    ) -> httpx.Request:
        """The protocol request for a query or an update: a form-encoded POST (SPARQL 1.1 Protocol §2.1.2)."""
        endpoint = self.settings.update_url if update else self.settings.query_url
        form = [("update" if update else "query", text), *params]
        headers = {"Accept": accept, "Content-Type": FORM}
        return self.http.build_request(
            "POST", endpoint, content=urlencode(form).encode("ascii"), headers=headers
        )

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

        `large` requests (uploads) are sent with their credentials up front, as Graph Store uploads are.
        """
        if not self.settings.update_url:
            raise ThaiplanError(
                f"no update endpoint for the store at {self.settings.query_url}: set THAIPLAN_STORE_UPDATE"
            )
        if large:
            self.prime(self.settings.update_url)
        self._send(self.sparql_request(text, update=True), what)

    def gsp_url(self, graph: str) -> str:
        """The Graph Store HTTP Protocol URL of one named graph (indirect identification, `?graph=`)."""
        if not self.settings.gsp_url:
            raise ThaiplanError(
                f"no Graph Store endpoint for the store at {self.settings.query_url}: set THAIPLAN_STORE_GSP"
            )
        sep = "&" if "?" in self.settings.gsp_url else "?"
        return self.settings.gsp_url + sep + urlencode({"graph": graph})

    def send_graph(self, graph: str, ntriples: bytes | bytearray, *, replace: bool, what: str = "") -> None:
        """Replace (PUT) or add to (POST) one named graph with N-Triples (Graph Store HTTP Protocol).

        The body is bytes, so that an auth challenge can resend it; blank node labels are scoped to it.
        """
        url = self.gsp_url(graph)
        self.prime(url)
        headers = {"Content-Type": "application/n-triples"}
        request = self.http.build_request(
            "PUT" if replace else "POST", url, content=bytes(ntriples), headers=headers
        )
        self._send(request, what or f"upload of <{graph}>")

    def prime(self, url: str) -> None:
        """Meet the store's challenge with a bodiless HEAD before a large body is sent (see StoreAuth).

        Some stores (Virtuoso) answer 401 and close the connection without reading the body, so a large
        request must not be the one that meets the challenge; once it is met, StoreAuth sends the header
        with every request.
        """
        if self.auth is None or self.auth.scheme is not None:
            return
        with contextlib.suppress(ThaiplanError):  # the real request reports the problem
            self._send(self.http.build_request("HEAD", url), "authentication")

    def get_graph(self, graph: str) -> bytes:
        """One named graph as N-Triples (Graph Store HTTP Protocol GET)."""
        headers = {"Accept": "application/n-triples, text/turtle;q=0.5"}
        request = self.http.build_request("GET", self.gsp_url(graph), headers=headers)
        body, media = self._send(request, f"download of <{graph}>")
        fmt = RDF_TYPES.get(media, ox.RdfFormat.N_TRIPLES)
        if fmt == ox.RdfFormat.N_TRIPLES:
            return body
        return ox.serialize(ox.parse(body, format=fmt), format=ox.RdfFormat.N_TRIPLES)

    # Reading the manifest and counting.

    def manifest(self) -> Manifest | None:
        """The current build's manifest, or None when no build has been published to this store."""
        result = self.query(read_rq("graph", "remote-manifest"))
        sid, graphs = None, []
        for row in result:  # type: ignore[union-attr]
            sid = row["snapshot"].value
            if row["graph"] is not None:
                graphs.append(row["graph"].value)
        return Manifest(sid, tuple(sorted(set(graphs)))) if sid else None

    def graph_counts(self, prefix: str) -> dict[str, int]:
        """Triples per named graph whose IRI starts with `prefix`."""
        text = bind_inline(read_rq("graph", "remote-graph-counts"), {"prefix": ox.Literal(prefix)})
        return {r["g"].value: int(r["triples"].value) for r in self.query(text)}  # type: ignore[union-attr]


def _http_error(status: int, answer: bytes, url: str, what: str) -> ThaiplanError:
    """A clear error for an HTTP error status from the store, with the start of its message."""
    detail = " ".join(answer.decode("utf-8", "replace").split())[:500]
    said = f": {detail}" if detail else ""
    if status == 400:
        return store_failure(
            StoreRejected(f"the SPARQL store at {url} rejected the {what}{said}"),
            f"the graph store rejected the {what}",
        )
    if status in (401, 403):
        return store_failure(
            ThaiplanError(
                f"the SPARQL store at {url} refused the {what} (HTTP {status}): check THAIPLAN_STORE_USER "
                f"and THAIPLAN_STORE_PASSWORD, and that the user may do this{said}"
            ),
            f"the graph store refused the {what} (HTTP {status})",
        )
    if status in (502, 503, 504):
        return store_failure(
            StoreUnavailable(f"the SPARQL store at {url} is unavailable (HTTP {status}, {what}){said}"),
            f"the graph store is unavailable (HTTP {status})",
        )
    return store_failure(
        ThaiplanError(f"the SPARQL store at {url} failed the {what} (HTTP {status}){said}"),
        f"the graph store failed the {what} (HTTP {status})",
    )
