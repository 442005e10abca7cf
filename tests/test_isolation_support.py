"""Helpers for the issue-13 isolation tests: a real `thaiplan serve`, clients from distinct addresses.

No tests here. Linux routes all of 127.0.0.0/8 to the loopback interface, so a client bound to 127.0.0.N
is, to the server, a different remote address: a different client for its per-client limits.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.test_sparql_support import free_port

START_TIMEOUT = 90.0
SERVE = [sys.executable, "-m", "thaiplan.cli", "serve"]
# COUNT over a four-way cross product of the test store's ~305 triples (~8.6e9 rows): runs into any time
# limit with little memory. The sorted three-way product (~2.8e7 rows) is a memory bomb.
CROSS_COUNT_4 = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?x . ?b ?q ?y . ?c ?r ?z . ?d ?s ?w }"
CROSS_ORDER = "SELECT ?a ?b ?c WHERE { ?a ?p ?x . ?b ?q ?y . ?c ?r ?z } ORDER BY ?a ?b ?c"


def doubling_concat(times: int, seed: str = "xxxxxxxx", project_length: bool = True) -> str:
    """A ~1 KB query doubling a string `times` times with nested CONCAT (the issue's memory bomb)."""
    binds = [f'BIND("{seed}" AS ?v0)']
    binds += [f"BIND(CONCAT(?v{i}, ?v{i}) AS ?v{i + 1})" for i in range(times)]
    head = f"(STRLEN(?v{times}) AS ?n)" if project_length else f"?v{times}"
    return f"SELECT {head} WHERE {{ {' '.join(binds)} }}"


@dataclass
class Served:
    """A running server: its process and port."""

    proc: subprocess.Popen[str]
    port: int

    def workers(self) -> list[int]:
        """The query worker processes (the server's children)."""
        return children(self.proc.pid)


def children(pid: int) -> list[int]:
    """Process ids whose parent is `pid`, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
    return found


def cpu_ticks(pid: int) -> int:
    """User plus system CPU ticks a process has used (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def peak_rss_mib(pid: int) -> float:
    """The highest resident memory a process has had, MiB (VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmHWM for {pid}")


@contextlib.contextmanager
def serve(store_dir: Path, **settings: object) -> Iterator[Served]:
    """`thaiplan serve` on 127.0.0.1 with THAIPLAN_* settings; stopped by its PID when the block ends."""
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "RUST_BACKTRACE": "0"}
    env.update({f"THAIPLAN_{k.upper()}": str(v) for k, v in settings.items()})
    cmd = [*SERVE, "--host", "127.0.0.1", "--port", str(port), "--store", str(store_dir)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    served = Served(proc, port)
    try:
        wait_ready(served)
        yield served
    finally:
        stop(proc, 20)


def stop(proc: subprocess.Popen, timeout: float) -> None:
    """Stop a server by its PID (SIGTERM, then SIGKILL after `timeout` seconds) and read what it wrote."""
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
    try:
        proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()


def wait_ready(served: Served) -> None:
    """Wait until the server answers a query (its workers are up), or fail with its output."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if served.proc.poll() is not None:
            out = served.proc.stdout.read() if served.proc.stdout else ""
            pytest.fail(f"thaiplan serve exited with {served.proc.returncode}: {out}")
        with contextlib.suppress(OSError):
            if get(served, "ASK {}", timeout=5).status == 200:
                return
        time.sleep(0.2)
    pytest.fail("thaiplan serve did not answer")


@dataclass
class Answer:
    """One HTTP answer and how long it took."""

    status: int
    headers: dict[str, str]
    body: str
    seconds: float


def get(
    served: Served,
    query: str | None = None,
    path: str = "/sparql",
    source: str = "127.0.0.1",
    timeout: float = 60,
) -> Answer:
    """GET `path` (with `query` as the SPARQL query) from the loopback address `source`."""
    target = path + ("?" + urllib.parse.urlencode({"query": query}) if query is not None else "")
    conn = http.client.HTTPConnection("127.0.0.1", served.port, timeout=timeout, source_address=(source, 0))
    started = time.monotonic()
    try:
        conn.request("GET", target, headers={"Accept": "application/sparql-results+json"})
        response = conn.getresponse()
        body = response.read().decode("utf-8", "replace")
        return Answer(response.status, dict(response.getheaders()), body, time.monotonic() - started)
    finally:
        conn.close()


def busy(pids: list[int], within: float = 20.0) -> int:
    """The one process of `pids` that is using the CPU, waiting up to `within` seconds for it."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        before = {pid: cpu_ticks(pid) for pid in pids}
        time.sleep(0.3)
        running = [pid for pid in pids if cpu_ticks(pid) - before[pid] >= 10]
        if len(running) == 1:
            return running[0]
    raise AssertionError("no worker became busy")


def raw_request(port: int, query: str, source: str = "127.0.0.1") -> socket.socket:
    """A socket that sent a GET for `query` and has not read the answer."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(source, 0))
    target = "/sparql?" + urllib.parse.urlencode({"query": query})
    sock.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    return sock
