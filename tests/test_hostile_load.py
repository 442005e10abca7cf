"""Issue 13 §3: heavy clients cannot starve everyone else (a real `thaiplan serve`, real sockets).

Clients are told apart by their loopback source address (127.0.0.N). Timings are asserted loosely (the
CI machine has 2 CPUs shared with the heavy queries): what is asserted is who waits for whom.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from pathlib import Path

import pytest

from tests.test_isolation_support import (
    CROSS_COUNT_4,
    Served,
    busy,
    get,
    raw_request,
    serve,
)
from tests.test_sparql_support import make_store

pytestmark = pytest.mark.slow

# A light query answered within this many seconds while the heavy ones run: the issue asks for < 1 s on a
# quiet machine; the CI machine shares its 2 CPUs with the heavy queries (bench/load.py measures it).
LIGHT_BOUND = 3.0


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test store with 300 numbers (~305 triples): a three-way cross product takes seconds."""
    return make_store(tmp_path_factory.mktemp("load") / "store", numbers=300)


def loop_heavy(served: Served, source: str, stop: threading.Event, statuses: list[int]) -> None:
    """One heavy client: a cross-product COUNT that runs into the time limit, again and again until `stop`."""
    while not stop.is_set():
        with contextlib.suppress(OSError):
            answer = get(served, CROSS_COUNT_4 + f" # {source} {time.monotonic()}", source=source, timeout=60)
            statuses.append(answer.status)
            if answer.status in (429, 503):
                time.sleep(0.2)  # a client that does not honour Retry-After, but does not spin either


def test_client_over_its_concurrency_limit_gets_429_with_retry_after_issue13(store: Path) -> None:
    with serve(store, workers=1, client_concurrency=1, query_timeout=60) as served:
        slow: list[object] = []
        first = threading.Thread(
            target=lambda: slow.append(get(served, CROSS_COUNT_4, source="127.0.0.5", timeout=90)),
            daemon=True,
        )
        first.start()
        time.sleep(1.0)  # the first query is running
        second = get(served, "ASK { ?s ?p ?o }", source="127.0.0.5")
        assert second.status == 429, second.body
        assert int(second.headers["Retry-After"]) >= 1
        assert "queries running or waiting" in second.body
        # Another client is not refused, and its light query does not wait for the heavy one.
        other = get(served, "ASK { ?s ?p ?o }", source="127.0.0.6")
        assert other.status == 200, other.body
        assert first.is_alive()  # the heavy query was still running when the other client was answered


def test_light_query_answers_while_heavy_clients_run_issue13(store: Path) -> None:
    heavy_clients = 6  # 3x the CPUs: every ordinary worker stays busy, clients queue behind them
    # Defaults: the sharing is on when serve listens on 127.0.0.1 too (issue 13).
    with serve(store, workers=2, threads=8, query_timeout=15) as served:
        cached = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        assert get(served, cached).status == 200  # an answer cached before the load starts
        # The light client has asked before: a known light client (a first query is not known to be light).
        assert get(served, "ASK { ?s ?p 1 }", source="127.0.0.2").status == 200
        stop = threading.Event()
        statuses: list[int] = []
        threads = [
            threading.Thread(
                target=loop_heavy, args=(served, f"127.0.0.{10 + i}", stop, statuses), daemon=True
            )
            for i in range(heavy_clients)
        ]
        for thread in threads:
            thread.start()
        heavy_start = time.monotonic()
        try:
            time.sleep(4.0)  # the heavy queries hold every ordinary worker
            light = [
                get(served, f"SELECT ?n WHERE {{ BIND({i} AS ?n) }}", source="127.0.0.2") for i in range(5)
            ]
            static = get(served, path="/static/thaiplan.css", source="127.0.0.3")
            again = get(served, cached, source="127.0.0.4")
            # The first heavy queries run into the 15 s limit: answered before, the heavy ones were running.
            answered_during_load = time.monotonic() - heavy_start < 14
        finally:
            stop.set()
        for answer in light:
            assert answer.status == 200, answer.body
            assert answer.seconds < LIGHT_BOUND, [round(a.seconds, 2) for a in light]
        assert static.status == 200 and static.seconds < LIGHT_BOUND
        assert again.status == 200 and again.seconds < LIGHT_BOUND
        assert answered_during_load  # the heavy clients were still at it
        for thread in threads:
            thread.join(40)
        assert set(statuses) <= {200, 429, 503}  # heavy clients are served or refused, never failed


def test_burst_of_new_heavy_clients_leaves_threads_for_others_issue13(store: Path) -> None:
    # 8 threads: clients not yet known to be light may hold 4 of them; the other 8 of the 12 get 503 at once.
    with serve(store, workers=2, threads=8, query_timeout=20) as served:  # defaults, as above
        burst = [raw_request(served.port, CROSS_COUNT_4, source=f"127.0.0.{30 + i}") for i in range(12)]
        try:
            time.sleep(1.0)
            static = get(served, path="/static/thaiplan.css", source="127.0.0.3", timeout=30)
            refused = 0
            for sock in burst:
                sock.settimeout(0.5)
                with contextlib.suppress(TimeoutError, OSError):
                    if sock.recv(64).startswith(b"HTTP/1.1 503"):
                        refused += 1
        finally:
            for sock in burst:
                sock.close()
        assert static.status == 200 and static.seconds < LIGHT_BOUND, static.seconds
        assert refused >= 6  # refused at once rather than holding a thread each for the time limit


def test_disconnected_clients_query_is_cancelled_issue13(store: Path) -> None:
    with serve(store, workers=1, query_timeout=120) as served:
        workers = served.workers()
        sock = raw_request(served.port, CROSS_COUNT_4)  # runs into any time limit
        victim = busy(workers)
        sock.close()  # the client goes away
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and victim in served.workers():
            time.sleep(0.2)
        assert victim not in served.workers()  # killed, not still busy
        answer = get(served, "ASK { ?s ?p ?o }")  # and replaced
        assert answer.status == 200, answer.body


def test_idle_sockets_do_not_lock_out_a_new_client_issue13(store: Path) -> None:
    with serve(store, workers=1, idle_timeout=3) as served:
        idle: list[socket.socket] = []
        try:
            for i in range(150):  # slowloris: half send nothing, half an unfinished request
                sock = socket.create_connection(("127.0.0.1", served.port), timeout=10)
                if i % 2:
                    sock.sendall(b"GET /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                idle.append(sock)
            time.sleep(0.5)
            answer = get(served, "ASK { ?s ?p ?o }", timeout=10)
            assert answer.status == 200, answer.body
            # The idle connections are closed by the server after the idle timeout.
            time.sleep(6.0)
            closed = 0
            for sock in idle:
                sock.settimeout(0.2)
                with contextlib.suppress(TimeoutError, OSError):
                    if sock.recv(1) == b"":
                        closed += 1
            assert closed == len(idle)
        finally:
            for sock in idle:
                sock.close()
