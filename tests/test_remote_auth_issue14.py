"""The remote client's authentication (issue 14): Basic as well as Digest (Virtuoso's: tests/test_remote.py).

A small HTTP server on 127.0.0.1 asks for Basic credentials the way a proxy in front of Oxigraph or Fuseki's
Shiro does; it records what it receives, so the test sees that a large upload is never the request that
meets the challenge (a store may stop reading a body it answers 401).
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from thaiplan.errors import ThaiplanError
from thaiplan.graph.store.client import RemoteClient, RemoteSettings

GOOD = "Basic " + base64.b64encode(b"steward:secret").decode()
ASK = json.dumps({"head": {}, "boolean": True}).encode()


class Recorder(BaseHTTPRequestHandler):
    """Answers 401 without the right Basic header, else 200; records (method, authorized, body bytes)."""

    seen: ClassVar[list[tuple[str, bool, int]]] = []

    def _answer(self) -> None:
        """Record the request, then challenge it or answer it."""
        size = int(self.headers.get("Content-Length") or 0)
        authorized = self.headers.get("Authorization") == GOOD
        body = self.rfile.read(size) if authorized else b""  # like Virtuoso: a refused body is not read
        self.seen.append((self.command, authorized, len(body)))
        if not authorized:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="thaiplan"')
            self.send_header("Content-Length", "0")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            return
        answer = ASK if self.command == "POST" and self.path.startswith("/query") else b""
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(answer)

    do_GET = do_POST = do_PUT = do_HEAD = _answer

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def server() -> Iterator[str]:
    """The recording server's base URL, for the test's duration."""
    Recorder.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def settings(base: str, password: str = "secret") -> RemoteSettings:
    """The client settings for the recording server."""
    return RemoteSettings(
        f"{base}/query",
        f"{base}/update",
        f"{base}/store",
        "steward",
        password,
        connect_timeout=2,
        read_timeout=5,
    )


def test_basic_auth_is_met_before_a_large_upload_then_sent_up_front_issue14(server: str) -> None:
    client = RemoteClient(settings(server))
    body = b"<urn:s> <urn:p> <urn:o> .\n" * 40_000  # ~1 MB
    client.send_graph("urn:g", body, replace=True)
    assert Recorder.seen[0] == ("HEAD", False, 0)  # the challenge, met by a bodiless request
    assert ("PUT", True, len(body)) in Recorder.seen
    assert ("PUT", False, 0) not in Recorder.seen  # the upload never met the challenge
    Recorder.seen.clear()
    assert bool(client.query("ASK { ?s ?p ?o }")) is True
    assert Recorder.seen == [("POST", True, Recorder.seen[0][2])]  # the header up front: one request


def test_wrong_credentials_are_a_clear_error_issue14(server: str) -> None:
    client = RemoteClient(settings(server, password="wrong"))
    with pytest.raises(ThaiplanError, match=r"refused the query \(HTTP 401\): check THAIPLAN_STORE_USER"):
        client.query("ASK { ?s ?p ?o }")
    with pytest.raises(ThaiplanError, match=r"refused the upload of <urn:g> \(HTTP 401\)"):
        client.send_graph("urn:g", b"<urn:s> <urn:p> <urn:o> .\n", replace=True)
