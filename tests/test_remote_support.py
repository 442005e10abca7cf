"""Real SPARQL servers for the remote-store tests: Oxigraph's server and Virtuoso, on 127.0.0.1, by PID.

Each server runs on free ports with its data in a temporary directory; `stop()` kills it by its PID and
`start()` brings it back on the same port and data (the recovery tests). A slow store is a small TCP
proxy that waits before it forwards anything; a recording one counts the connections (thaiplan's client
opens one per request) and keeps the bytes sent to the store (issues 13 and 14).
"""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from thaiplan.config import Config

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oxigraph_binary() -> str | None:
    """The `oxigraph` binary of the `oxigraph` PyPI package (test extra), if installed."""
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


class Server:
    """One store server process: its command, its URLs, and start/stop by PID."""

    def __init__(self, name: str, command: list[str], cwd: Path, ping: str, log: Path) -> None:
        self.name, self.command, self.cwd, self.ping, self.log = name, command, cwd, ping, log
        self.process: subprocess.Popen[bytes] | None = None
        self.config = Config()
        # Virtuoso only: its SQL port, where a checkpoint makes what it holds durable before a kill.
        self.sql_port: int | None = None

    def checkpoint(self) -> None:
        """Make the store's committed data durable (Virtuoso: a CHECKPOINT over isql; Oxigraph: nothing)."""
        if self.sql_port is None:
            return
        isql = shutil.which("isql-vt") or shutil.which("isql")
        assert isql, "isql-vt comes with virtuoso-opensource"
        subprocess.run(
            [isql, f"127.0.0.1:{self.sql_port}", "dba", "dba", "exec=checkpoint;"],
            check=True, capture_output=True, timeout=60,
        )

    def start(self, wait: float = 60.0) -> None:
        """Start the process and wait until its SPARQL endpoint answers."""
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                self.command, cwd=self.cwd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log.read_text(errors='replace')[-2000:]}")
            with (
                contextlib.suppress(urllib.error.URLError, OSError),
                urllib.request.urlopen(self.ping, timeout=2) as response,
            ):
                if response.status == 200:
                    return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer at {self.ping} within {wait:g} s")

    def stop(self) -> None:
        """Kill the server by its PID and reap it."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self.process = None


def oxigraph_server(folder: Path) -> Server:
    """Oxigraph's own server on a free port, data in `folder`."""
    binary = oxigraph_binary()
    if binary is None:
        pytest.skip("the oxigraph binary is not installed (pip install -e '.[test]' installs it)")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    folder.mkdir(parents=True, exist_ok=True)
    server = Server(
        "oxigraph",
        [binary, "serve", "--location", str(folder / "db"), "--bind", f"127.0.0.1:{port}"],
        folder,
        f"{base}/query?query=ASK%7B%7D",
        folder / "server.log",
    )
    server.config = Config(store=f"{base}/query", store_update=f"{base}/update", store_gsp=f"{base}/store")
    return server


def virtuoso_server(folder: Path) -> Server:
    """Virtuoso Open-Source on free ports (scripts/virtuoso/run), a new database in `folder`."""
    if shutil.which("virtuoso-t") is None:
        pytest.skip("virtuoso-t is not installed (scripts/setup --test installs virtuoso-opensource)")
    http_port, sql_port = free_port(), free_port()
    base = f"http://127.0.0.1:{http_port}"
    folder.mkdir(parents=True, exist_ok=True)
    server = Server(
        "virtuoso",
        ["bash", str(ROOT / "scripts" / "virtuoso" / "run"), str(folder), str(http_port), str(sql_port)],
        folder,
        f"{base}/sparql?query=ASK%7B%7D",
        folder / "server.log",
    )
    server.config = Config(
        store=f"{base}/sparql",
        store_update=f"{base}/sparql-auth",
        store_gsp=f"{base}/sparql-graph-crud-auth",
        store_user="dba",
        store_password="dba",
    )
    server.sql_port = sql_port
    return server


@contextlib.contextmanager
def running(server: Server) -> Iterator[Server]:
    """The server started for the block and killed by PID after it."""
    server.start()
    try:
        yield server
    finally:
        server.stop()


def remote_config(server: Server, tmp: Path, **settings: object) -> Config:
    """A thaiplan config that uses `server` as its store (short timeouts: tests must not hang)."""
    defaults: dict[str, object] = {"store_connect_timeout": 2.0, "store_read_timeout": 10.0, "workers": 1}
    defaults.update(settings)
    return dataclasses.replace(server.config, store_dir=tmp / "unused-embedded-store", **defaults)  # type: ignore[arg-type]


class SlowProxy:
    """A TCP proxy on 127.0.0.1 that waits `delay` seconds before forwarding each connection."""

    def __init__(self, target_port: int, delay: float) -> None:
        self.target_port, self.delay = target_port, delay
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.closed = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        """Accept connections until closed; each is served by its own thread."""
        while not self.closed.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        """Wait, then pipe bytes both ways until either side closes."""
        with client:
            if self.closed.wait(self.delay):
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                return
            with upstream:
                pump = threading.Thread(target=_pipe, args=(upstream, client), daemon=True)
                pump.start()
                _pipe(client, upstream)
                pump.join(5)

    def close(self) -> None:
        """Stop accepting and let waiting connections drop."""
        self.closed.set()
        self.listener.close()


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    """Copy bytes from `source` to `sink` until `source` closes."""
    with contextlib.suppress(OSError):
        while data := source.recv(65536):
            sink.sendall(data)
        sink.shutdown(socket.SHUT_WR)


class RecordingProxy:
    """A TCP proxy on 127.0.0.1 in front of a store server: counts its connections, keeps what was sent."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.sent = bytearray()
        self.requests = 0
        self._lock = threading.Lock()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        """Accept connections until closed, each counted and served by its own thread."""
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self._lock:
                self.requests += 1
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        """Pipe bytes both ways, recording what goes to the store."""
        with client, socket.create_connection(("127.0.0.1", self.target_port), timeout=10) as upstream:
            back = threading.Thread(target=self._pipe, args=(upstream, client, False), daemon=True)
            back.start()
            self._pipe(client, upstream, True)
            back.join(10)

    def _pipe(self, source: socket.socket, sink: socket.socket, record: bool) -> None:
        """Copy from `source` to `sink` until `source` closes (what the client sends kept if `record`)."""
        try:
            while data := source.recv(65536):
                if record:
                    with self._lock:
                        self.sent.extend(data)
                sink.sendall(data)
            sink.shutdown(socket.SHUT_WR)
        except OSError:
            return

    def close(self) -> None:
        """Stop accepting."""
        self.listener.close()


def store_port(url: str) -> int:
    """The port of a store URL on 127.0.0.1 (`http://127.0.0.1:PORT/query` → PORT)."""
    return int(url.split("//", 1)[1].split("/", 1)[0].rsplit(":", 1)[1])


def behind_proxy(config: Config, proxy: RecordingProxy) -> Config:
    """The config with its query URL sent through `proxy` (updates and the Graph Store go direct)."""
    assert config.store, "a remote store's config"
    port = store_port(config.store)
    return dataclasses.replace(config, store=config.store.replace(f":{port}/", f":{proxy.port}/", 1))
