"""Query execution that can be stopped: a pool of persistent worker processes, each with the store open.

pyoxigraph has no timeout or cancellation in Python, so a query runs in a separate process that the web
process kills when the time limit passes; a fresh worker replaces it in the background while the other
workers keep answering. Workers are fresh Python processes (never `fork`: the web process has threads),
which stay alive between queries (the store stays open), and send back the serialized body, so one query
costs one round trip over a local socket.

Memory (issue 13): each worker limits its own address space (`RLIMIT_AS`) to what it maps once its store
is open plus `THAIPLAN_WORKER_MEMORY_MB`. Measured here: RocksDB maps ~0.4-0.7 GB of virtual memory for
a small store, so the limit is relative to that; a query that passes it makes pyoxigraph's allocator
abort the worker within ~2 s (the cross-product ORDER BY, the doubling CONCAT), which the pool sees as a
dead worker: 503, and a replacement. RSS watching from outside would miss a spike between two samples;
a cgroup is not available to an unprivileged server. A worker whose peak resident memory grew by more
than `THAIPLAN_WORKER_RECYCLE_MB` (a quarter of the limit unless set) is recycled after its answer.
Answers cross the socket as one bytes message of at most `THAIPLAN_MAX_ANSWER_BYTES` (the worker stops
serializing past it), so the web process holds each answer once, never more than the cap.

Scheduling (issue 13): a waiting query is given the next free worker by client, not first come first
served: clients whose last query was light (under `LIGHT_SECONDS` of the worker's CPU) go first, then
unknown clients, then heavy ones; within a tier, the client served longest ago. `reserve` extra workers
are never given to heavy clients, and a query that runs past `LIGHT_SECONDS` on one is moved to the
ordinary workers (killed and re-queued, its client now heavy whatever CPU it had; a started standby
worker takes the killed one's place at once, and unknown clients only get the reserve while that standby
is ready), so a light query finds a worker while heavy clients keep every ordinary one busy; a heavy
client's query runs at nice `HEAVY_NICE`, so that the others' get the CPUs first. A first query cannot
be known light: in a burst of new clients, a new light client waits its turn among them until they have
each shown what they are. A client may have `client_limit` queries running or waiting (429 beyond), heavy
clients together at most `heavy_limit` and heavy and new clients together at most `unproven_limit` (503
beyond, leaving the web server's threads for static files, cached answers and light clients), and a call
whose client has gone (`cancelled()`) stops waiting, or has its worker killed and replaced.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import logging
import math
import os
import resource
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from pathlib import Path

from thaiplan.server import sandbox
from thaiplan.server.execution import QueryJob, Reply, store_location, unavailable

log = logging.getLogger(__name__)

# How long a new worker may take to import its libraries and say it is ready.
START_TIMEOUT = 60.0
# A query that costs its worker this much CPU time is heavy (CPU, not wall time: on a loaded machine a
# light query can wait seconds for a CPU); its client counts as heavy for HEAVY_MEMORY s, as does a client
# with a query running for HEAVY_RUNNING s. On a reserve worker a query gets LIGHT_SECONDS of wall time.
LIGHT_SECONDS = 1.0
HEAVY_RUNNING = 5.0
HEAVY_MEMORY = 60.0
# The nice value of a worker running a heavy client's query (0 for everyone else's).
HEAVY_NICE = 10
# How often a waiting or running call looks at whether its client is still there.
POLL_SECONDS = 0.1
# Clients remembered at most (heavy marks and last service times): bounded memory.
MAX_CLIENTS = 10_000
# Bytes a reply's header message may take besides the body (status, type, headers).
HEADER_SLACK = 1 << 20


class WorkerUnavailable(Exception):
    """No answer from a worker: the query timed out, every worker stayed busy, or the worker died."""

    def __init__(self, message: str, status: int = 503, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        # Seconds the client should wait before asking again (a Retry-After header), when known.
        self.retry_after = retry_after if retry_after is not None else (5 if status == 503 else None)


def worker_main(conn: Connection, store_dir: str, memory_mb: int = 0) -> None:
    """Body of a worker process: answer jobs from the pipe until it closes."""
    sandbox.confine(store_dir)  # no network (issue 13)
    # Imported here so that the web process need not load the query machinery to start a worker.
    from thaiplan.server.execution import SnapshotStore, run_job

    snapshot = SnapshotStore(store_location(store_dir))
    limit_memory(snapshot, memory_mb)
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return  # the web process went away
        exhausted = False
        if job == "graphs":
            reply: object = _graphs(snapshot)
        else:
            try:
                reply = run_job(snapshot, job)
            except MemoryError:  # Python's side of the address-space limit: answer, then make room
                exhausted = True
                reply = Reply.error(503, memory_message(memory_mb))
            except Exception as exc:  # keep the worker alive; the web process turns this into a clean 500
                log.exception("query worker failed")
                reply = Reply.error(500, f"Internal error while running the query ({type(exc).__name__}).")
        try:
            send_answer(conn, reply, exhausted)
        except (BrokenPipeError, OSError):
            return
        if exhausted:
            return  # the pool replaces a worker that says it is exhausted


def memory_message(memory_mb: int) -> str:
    """What a client is told when its query passed the worker's memory limit."""
    return (
        f"The query was stopped: it needed more memory than the server's limit of {memory_mb} MiB per "
        "query. Make it more selective, avoid ORDER BY over large results or growing strings, or add LIMIT."
    )


def limit_memory(snapshot: object, memory_mb: int) -> None:
    """Cap this process's address space at what it maps now, with its store open, plus `memory_mb` MiB."""
    if memory_mb <= 0:
        return
    from thaiplan.errors import ThaiplanError

    with contextlib.suppress(ThaiplanError, OSError):
        snapshot.current()  # type: ignore[attr-defined]  # RocksDB's own mappings belong to the baseline
    limit = virtual_bytes(os.getpid()) + memory_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def send_answer(conn: Connection, answer: object, exhausted: bool = False) -> None:
    """Send an answer: a header message, then a Reply's body as raw bytes (never pickled, never copied)."""
    if isinstance(answer, Reply):
        conn.send((exhausted, replace(answer, body=b"")))
        conn.send_bytes(answer.body)
    else:
        conn.send((exhausted, answer))


def _proc_status(pid: int, key: str) -> int:
    """One memory figure of /proc/PID/status in bytes (0 when the process is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def set_priority(worker: Worker, nice: int) -> None:
    """Give a worker process a CPU priority (nice value); without the right to raise it again, leave it."""
    with contextlib.suppress(OSError):
        if os.getpriority(os.PRIO_PROCESS, worker.process.pid) != nice:
            os.setpriority(os.PRIO_PROCESS, worker.process.pid, nice)


def cpu_seconds(pid: int) -> float | None:
    """User plus system CPU time a process has used, or None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def virtual_bytes(pid: int) -> int:
    """The address space a process maps, in bytes."""
    return _proc_status(pid, "VmSize")


def resident_bytes(pid: int) -> int:
    """The resident memory of a process, in bytes."""
    return _proc_status(pid, "VmRSS")


def peak_bytes(pid: int) -> int:
    """The highest resident memory a process has had, in bytes (a spike it gave back counts too)."""
    return _proc_status(pid, "VmHWM")


def _graphs(snapshot: object) -> tuple[str | None, list[str]] | Reply:
    """The current snapshot id and its named graphs, or an error reply."""
    from thaiplan.errors import ThaiplanError

    try:
        snapshot.current()  # type: ignore[attr-defined]
    except ThaiplanError as exc:
        log.warning("the graph store could not be opened: %s", exc)
        return Reply.error(503, unavailable(exc))  # no path or URL for the client (issue 13)
    return snapshot.sid, sorted(snapshot.graphs)  # type: ignore[attr-defined]


class Worker:
    """One worker process and the web process's end of the socket pair it listens on."""

    def __init__(self, store_dir: Path | str, env: dict[str, str] | None = None, memory_mb: int = 0) -> None:
        # A plain subprocess rather than multiprocessing: `spawn` would re-run the caller's main script
        # in the child, `fork` is unsafe in a threaded server. The child gets one end of a socket pair.
        parent_sock, child_sock = socket.socketpair()
        args = [str(child_sock.fileno()), str(store_dir), str(memory_mb)]
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "thaiplan.server.workers", *args],
                pass_fds=(child_sock.fileno(),),
                stdin=subprocess.DEVNULL,
                close_fds=True,
                env=env,  # a remote store's URL, credentials and timeouts (issue 7)
            )
        finally:
            child_sock.close()
        self.conn = Connection(parent_sock.detach())
        self.base_peak = 0  # peak resident bytes once ready: the baseline growth is measured from

    def wait_ready(self, timeout: float) -> bool:
        """Wait for the worker's ready message."""
        try:
            ready = self.conn.poll(timeout) and self.conn.recv() == "ready"
        except (EOFError, OSError):
            return False
        self.base_peak = peak_bytes(self.process.pid)
        return ready

    def kill(self) -> None:
        """Stop the process at once (it may be in the middle of a query) and reap it."""
        with contextlib.suppress(Exception):
            self.process.kill()
        with contextlib.suppress(Exception):
            self.process.wait(5)
        with contextlib.suppress(Exception):
            self.conn.close()

    def stop(self) -> None:
        """Ask the worker to finish by closing its socket, then make sure it is gone."""
        with contextlib.suppress(Exception):
            self.conn.close()
        try:
            self.process.wait(1)
        except subprocess.TimeoutExpired:
            self.kill()

    def died_of_memory(self) -> bool:
        """True when the process ended by an abort, which is how pyoxigraph fails an allocation."""
        try:
            code = self.process.wait(2)
        except subprocess.TimeoutExpired:
            return False
        return code == -6  # SIGABRT: Rust's "memory allocation of N bytes failed"


@dataclass(eq=False)
class _Waiter:
    """A call waiting for a worker: who asks, in which order, and the worker it was given."""

    client: str
    seq: int
    heavy: bool
    ready: threading.Event = field(default_factory=threading.Event)
    worker: Worker | None = None
    reserved: bool = False  # given one of the light clients' workers


class ClientGone(WorkerUnavailable):
    """The client closed its connection: its query was dropped (its worker killed when running)."""

    def __init__(self) -> None:
        super().__init__("The client disconnected; its query was cancelled.", 503)


class WorkerPool:
    """Workers shared fairly between clients; a query waits for a worker up to the time limit."""

    def __init__(
        self,
        store_dir: Path | str,
        size: int,
        timeout: float,
        env: dict[str, str] | None = None,
        *,
        memory_mb: int = 0,
        recycle_mb: int | None = None,
        max_answer_bytes: int = 0,
        reserve: int = 0,
        client_limit: int = 0,
        heavy_limit: int = 0,
        unproven_limit: int = 0,
    ) -> None:
        # A directory, or the URL of a remote store (kept as text: Path would fold its `//`).
        self.store_dir = store_location(store_dir)
        self.env = env
        self.size = max(1, size)
        self.reserve = max(0, reserve)
        self.timeout = timeout
        self.memory_mb = max(0, memory_mb)
        # Peak growth after which a worker is replaced: given, else a quarter of the ceiling (0: never).
        self.recycle_mb = max(0, self.memory_mb // 4 if recycle_mb is None else recycle_mb)
        self.max_answer_bytes = max(0, max_answer_bytes)
        self.client_limit = max(0, client_limit)  # calls per client running or waiting (0: no limit)
        self.heavy_limit = max(0, heavy_limit)  # calls of heavy clients running or waiting (0: no limit)
        self.unproven_limit = max(0, unproven_limit)  # calls of heavy and new clients (0: no limit)
        self._idle: list[Worker] = []
        self._waiting: list[_Waiter] = []
        self._all: set[Worker] = set()
        self._lock = threading.Lock()
        self._seq = itertools.count()
        self._inflight: Counter[str] = Counter()  # calls per client, running or waiting
        self._running: dict[str, list[float]] = {}  # start times of each client's running calls
        # Per client: until when it counts as heavy (a query held a worker > LIGHT_SECONDS) or as known
        # light (its last query was short). A client in neither is unknown.
        self._heavy_until: dict[str, float] = {}
        self._light_until: dict[str, float] = {}
        self._standby: Worker | None = None  # a started worker that replaces a killed one at once
        # Digests of queries that were heavy, and until when: a client sending one is heavy at once, before
        # its query runs (a flood of new clients usually sends one heavy query again and again).
        self._heavy_queries: dict[str, float] = {}
        self._served: dict[str, float] = {}  # when each client was last given a worker
        self._started = False
        self._closed = False
        self._starting = 0  # workers launched but not yet ready
        self._pid = os.getpid()
        self._calls = threading.local()  # per request thread: how long its last call held a worker

    def share(self, client_limit: int, reserve: int, heavy_limit: int, unproven_limit: int) -> None:
        """Set the sharing between clients (before the pool starts): see the module's docstring."""
        self.client_limit, self.reserve = client_limit, max(0, reserve)
        self.heavy_limit, self.unproven_limit = heavy_limit, unproven_limit

    # --- workers ---------------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the workers in the background (idempotent); queries wait for the first ready one."""
        with self._lock:
            if self._started or self._closed:
                return
            self._started = True
        for _ in range(self.size + self.reserve):
            self._spawn()
        if self.reserve:
            self._spawn(standby=True)

    def _spawn(self, standby: bool = False) -> None:
        """Start one worker in a background thread and make it idle (or the standby) once it is ready."""
        with self._lock:
            self._starting += 1
        threading.Thread(
            target=self._bring_up, args=(standby,), name="thaiplan-worker-start", daemon=True
        ).start()

    def _bring_up(self, standby: bool) -> None:
        """Start a worker process, wait until it is ready, then offer it to queries."""
        try:
            self._start_one(standby)
        finally:
            with self._lock:
                self._starting -= 1

    def _start_one(self, standby: bool = False) -> None:
        """Start one worker and offer it to queries (or keep it as the standby) when it is ready."""
        if self._closed:
            return
        try:
            worker = Worker(self.store_dir, self.env, self.memory_mb)
        except Exception:
            log.exception("could not start a query worker")
            return
        with self._lock:
            self._all.add(worker)
        if not worker.wait_ready(START_TIMEOUT):
            log.error("a query worker did not start; replacing it")
            self._discard(worker)
            if not self._closed:
                time.sleep(1)  # do not spin when workers cannot start at all
                self._spawn(standby)
            return
        if self._closed:
            self._discard(worker)
            return
        if standby:
            with self._lock:
                if self._standby is None:
                    self._standby = worker
                    self._dispatch()  # unknown clients may take the reserve again
                    return
        self._release(worker)

    def _discard(self, worker: Worker) -> None:
        """Kill a worker and forget it."""
        worker.kill()
        with self._lock:
            self._all.discard(worker)

    def _replace(self, worker: Worker) -> None:
        """Kill a worker that overran, died or grew; the standby takes its place at once, if there is one."""
        self._discard(worker)
        if self._closed:
            return
        with self._lock:
            standby, self._standby = self._standby, None
        if standby is None:
            self._spawn()
            return
        self._spawn(standby=True)  # the next standby starts while the current one already answers
        self._release(standby)

    def _grew(self, worker: Worker) -> bool:
        """True when the worker's peak resident memory grew by more than `recycle_mb` since it was ready.

        The peak (VmHWM), not the resident memory now: pyoxigraph gives a spike's memory back, but a
        worker that needed it once is replaced rather than trusted with the next query (issue 13).
        """
        if not self.recycle_mb:
            return False
        growth = peak_bytes(worker.process.pid) - worker.base_peak
        return growth > self.recycle_mb * 1024 * 1024

    # --- scheduling ------------------------------------------------------------------------------------

    def _is_heavy(self, client: str, now: float) -> bool:
        """True when the client ran a heavy query lately or runs one now (lock held)."""
        if self._heavy_until.get(client, 0.0) > now:
            return True
        return any(now - started > HEAVY_RUNNING for started in self._running.get(client, ()))

    def _tier(self, client: str, now: float) -> int:
        """Who goes first for a worker: 0 a client known to be light, 1 an unknown one, 2 a heavy one."""
        if self._is_heavy(client, now):
            return 2
        return 0 if self._light_until.get(client, 0.0) > now else 1

    def _remember(self, client: str, seconds: float, cut: bool = False, digest: str | None = None) -> None:
        """Mark the client heavy or light by what its query cost (CPU seconds); a cut one is heavy.

        A query cut on the light clients' worker after HEAVY_RUNNING s of wall time may have had less than
        LIGHT_SECONDS of CPU on a loaded machine; left unknown, it went back to that worker again and again,
        each time killing it, while new clients queued behind it (issue 13, measured).
        """
        now = time.monotonic()
        if seconds >= LIGHT_SECONDS or cut:
            self._heavy_until[client] = now + HEAVY_MEMORY
            self._light_until.pop(client, None)
            if digest is not None:
                self._heavy_queries[digest] = now + HEAVY_MEMORY
        else:
            self._light_until[client] = now + HEAVY_MEMORY
        for table in (self._heavy_until, self._light_until, self._heavy_queries):
            if len(table) > MAX_CLIENTS:
                for key in [k for k, until in table.items() if until <= now]:
                    del table[key]

    def _release(self, worker: Worker) -> None:
        """Make a worker idle and hand it to the best waiting call, if any."""
        with self._lock:
            self._idle.append(worker)
            self._dispatch()

    def _dispatch(self) -> None:
        """Give idle workers to waiting calls: light clients first, then the longest unserved (lock held)."""
        if not self._waiting:
            return
        now = time.monotonic()
        tiers = {w: self._tier(w.client, now) for w in self._waiting}
        order = sorted(self._waiting, key=lambda w: (tiers[w], self._served.get(w.client, 0.0), w.seq))
        for waiter in order:
            if not self._idle:
                break
            # Heavy clients leave the last `reserve` idle workers to the others; unknown clients only take
            # one while a standby can replace it at once should their query turn out heavy and be cut.
            waiter.heavy = tiers[waiter] == 2
            if len(self._idle) <= self.reserve and (waiter.heavy or (tiers[waiter] and not self._standby)):
                continue
            waiter.reserved = len(self._idle) <= self.reserve
            waiter.worker = self._idle.pop()
            self._waiting.remove(waiter)
            self._served[waiter.client] = now
            waiter.ready.set()
        if len(self._served) > MAX_CLIENTS:
            for key in sorted(self._served, key=self._served.__getitem__)[: len(self._served) - MAX_CLIENTS]:
                del self._served[key]

    def _admit(self, client: str, digest: str | None = None) -> None:
        """Count a call of `client` or refuse it: 429 over its own limit, 503 over the unproven clients'."""
        with self._lock:
            now = time.monotonic()
            if digest is not None and self._heavy_queries.get(digest, 0.0) > now:
                self._heavy_until[client] = now + HEAVY_MEMORY  # it sends a query known to be heavy
                self._light_until.pop(client, None)
            if self.client_limit and self._inflight[client] >= self.client_limit:
                wait = min((s + self.timeout - now for s in self._running.get(client, ())), default=1.0)
                raise WorkerUnavailable(
                    f"This client already has {self.client_limit} queries running or waiting, the most one "
                    "client may have at a time. Wait for their answers before sending more.",
                    429,
                    max(1, math.ceil(wait)),
                )
            # Heavy clients share `heavy_limit` calls; with new clients (a burst of them may be the heavy
            # ones under new addresses) `unproven_limit`: neither can hold every thread.
            tier = self._tier(client, now)
            if tier and (self.heavy_limit or self.unproven_limit):
                tiers = {c: self._tier(c, now) for c in self._inflight}
                heavy = sum(n for c, n in self._inflight.items() if tiers[c] == 2)
                unproven = sum(n for c, n in self._inflight.items() if tiers[c])
                if (tier == 2 and self.heavy_limit and heavy >= self.heavy_limit) or (
                    self.unproven_limit and unproven >= self.unproven_limit
                ):
                    if tier == 2:  # a heavy client that keeps knocking stays known as heavy
                        self._heavy_until[client] = now + HEAVY_MEMORY
                    raise WorkerUnavailable(
                        "The server is busy with long-running queries. Try again later, or make the query "
                        "more selective (or add LIMIT).",
                        503,
                    )
            self._inflight[client] += 1

    def _leave(self, client: str) -> None:
        """Forget one finished call of `client`."""
        with self._lock:
            self._inflight[client] -= 1
            if self._inflight[client] <= 0:
                del self._inflight[client]

    def _acquire(
        self, client: str, deadline: float, cancelled: Callable[[], bool] | None, digest: str | None = None
    ) -> _Waiter:
        """A granted waiter holding a worker for `client`; WorkerUnavailable when none frees in time."""
        self.start()
        with self._lock:
            if self._starting:
                # A worker that is still importing its libraries is not busy: wait for it, not for the limit.
                deadline = max(deadline, time.monotonic() + START_TIMEOUT)
            waiter = _Waiter(client, next(self._seq), self._is_heavy(client, time.monotonic()))
            self._waiting.append(waiter)
            self._dispatch()
        while not waiter.ready.wait(max(0.0, min(POLL_SECONDS, deadline - time.monotonic()))):
            self._drop_if_heavy(waiter, digest)
            gone = cancelled is not None and cancelled()
            if gone or time.monotonic() >= deadline or self._closed:
                with self._lock:
                    if waiter.worker is None:  # not granted meanwhile
                        self._waiting.remove(waiter)
                        if gone:
                            raise ClientGone()
                        raise WorkerUnavailable(
                            f"The server is busy: all {self.size} query workers stayed busy for "
                            f"{self.timeout:g} s. Try again later."
                        )
                break
        return waiter

    def _drop_if_heavy(self, waiter: _Waiter, digest: str | None) -> None:
        """Refuse a waiting call whose query became known heavy while heavy calls are over their share.

        It was admitted as a new client's; now that its query is known, it must not keep a new client's
        place (nor a thread) while it waits.
        """
        if not self.heavy_limit or digest is None:
            return
        with self._lock:
            now = time.monotonic()
            if waiter.worker is not None or self._heavy_queries.get(digest, 0.0) <= now:
                return
            self._heavy_until[waiter.client] = now + HEAVY_MEMORY
            self._light_until.pop(waiter.client, None)
            tiers = {c: self._tier(c, now) for c in self._inflight}
            if sum(n for c, n in self._inflight.items() if tiers[c] == 2) <= self.heavy_limit:
                return
            self._waiting.remove(waiter)
        raise WorkerUnavailable(
            "The server is busy with long-running queries. Try again later, or make the query "
            "more selective (or add LIMIT).",
            503,
        )

    # --- calls -----------------------------------------------------------------------------------------

    def call(
        self,
        message: object,
        timeout: float | None = None,
        client: str = "",
        cancelled: Callable[[], bool] | None = None,
    ) -> object:
        """Send one message to a worker for `client` and return its answer; a worker too slow is killed."""
        if self._closed:
            raise WorkerUnavailable("The server is shutting down.")
        limit = self.timeout if timeout is None else timeout
        self._calls.busy = 0.0
        self._admit(client, query_digest(message))
        try:
            return self._call(message, limit, client, cancelled, query_digest(message))
        finally:
            self._leave(client)

    def _call(
        self,
        message: object,
        limit: float,
        client: str,
        cancelled: Callable[[], bool] | None,
        digest: str | None = None,
    ) -> object:
        """Run the message on a worker; a heavy query on a light clients' worker moves to an ordinary one."""
        deadline = time.monotonic() + limit
        while True:
            waiter = self._acquire(client, deadline, cancelled, digest)
            worker = waiter.worker
            assert worker is not None
            started = time.monotonic()
            with self._lock:
                self._running.setdefault(client, []).append(started)
            self._calls.cost = None
            outcome: object = None
            # On a light clients' worker a query gets LIGHT_SECONDS of CPU (HEAVY_RUNNING of wall time)
            # before it moves to an ordinary one.
            on_reserve = waiter.reserved and self.size > 0
            light_limit = min(limit, HEAVY_RUNNING) if on_reserve else limit
            cpu_limit = LIGHT_SECONDS if on_reserve else None
            try:
                # A heavy client's query yields the CPU to everyone else's (issue 13: on 2 CPUs a light
                # query waited seconds for one behind the heavy workers).
                set_priority(worker, HEAVY_NICE if waiter.heavy else 0)
                outcome = self._exchange(worker, message, light_limit, cancelled, cpu_limit)
            finally:
                busy = time.monotonic() - started
                self._calls.busy = getattr(self._calls, "busy", 0.0) + busy
                cost = self._calls.cost if self._calls.cost is not None else busy
                with self._lock:
                    self._running[client].remove(started)
                    if not self._running[client]:
                        del self._running[client]
                    self._remember(client, cost, cut=outcome is _OVERRAN, digest=digest)
            if outcome is not _OVERRAN:
                return outcome
            self._replace(worker)
            if on_reserve and time.monotonic() < deadline:
                continue  # it was heavy: run it again on an ordinary worker, within what is left of its limit
            raise WorkerUnavailable(
                f"The query was stopped: it ran longer than the time limit of {limit:g} s. "
                "Make it more selective, or add LIMIT."
            )

    def _exchange(
        self,
        worker: Worker,
        message: object,
        limit: float,
        cancelled: Callable[[], bool] | None,
        cpu_limit: float | None = None,
    ) -> object:
        """Send a message and wait up to `limit` (and `cpu_limit` of CPU) for the answer; else _OVERRAN."""
        deadline = time.monotonic() + limit
        cpu_before = cpu_seconds(worker.process.pid)
        try:
            worker.conn.send(message)
            while not worker.conn.poll(max(0.0, min(POLL_SECONDS, deadline - time.monotonic()))):
                if cancelled is not None and cancelled():
                    self._replace(worker)  # nobody is waiting for the answer: free the CPU now
                    raise ClientGone()
                if time.monotonic() >= deadline or self._over_cpu(worker, cpu_before, cpu_limit):
                    self._measure(worker, cpu_before)
                    return _OVERRAN
            exhausted, answer = worker.conn.recv()
            if isinstance(answer, Reply):
                body = worker.conn.recv_bytes(
                    self.max_answer_bytes + HEADER_SLACK if self.max_answer_bytes else None
                )
                answer = replace(answer, body=body)
        except (EOFError, OSError):
            self._replace(worker)
            if worker.died_of_memory():
                raise WorkerUnavailable(memory_message(self.memory_mb)) from None
            raise WorkerUnavailable(
                "The query worker stopped unexpectedly (out of memory?). Try a smaller query."
            ) from None
        self._measure(worker, cpu_before)
        if exhausted or self._grew(worker):
            self._replace(worker)  # recycled: the memory it grew to is given back to the system
        else:
            self._release(worker)
        return answer

    @staticmethod
    def _over_cpu(worker: Worker, cpu_before: float | None, cpu_limit: float | None) -> bool:
        """True when the worker has spent more than `cpu_limit` CPU seconds on the current query."""
        if cpu_limit is None or cpu_before is None:
            return False
        now = cpu_seconds(worker.process.pid)
        return now is not None and now - cpu_before >= cpu_limit

    def _measure(self, worker: Worker, cpu_before: float | None) -> None:
        """Keep the CPU time the worker spent on this thread's query (before anyone else may use it)."""
        cpu_after = cpu_seconds(worker.process.pid)
        if cpu_before is not None and cpu_after is not None:
            self._calls.cost = cpu_after - cpu_before

    def busy_seconds(self) -> float:
        """How long this thread's last call held a worker (not counting the wait for one)."""
        return getattr(self._calls, "busy", 0.0)

    def run(self, job: QueryJob, client: str = "", cancelled: Callable[[], bool] | None = None) -> Reply:
        """Run one query job under the time limit and the answer's byte limit."""
        if self.max_answer_bytes and not job.max_bytes:
            job = replace(job, max_bytes=self.max_answer_bytes)
        answer = self.call(job, client=client, cancelled=cancelled)
        assert isinstance(answer, Reply)
        return answer

    def graphs(
        self, client: str = "", cancelled: Callable[[], bool] | None = None
    ) -> tuple[str | None, list[str]]:
        """The current snapshot id and the store's named graphs (WorkerUnavailable when the store is not)."""
        answer = self.call("graphs", client=client, cancelled=cancelled)
        if isinstance(answer, Reply):
            raise WorkerUnavailable(answer.body.decode("utf-8").strip(), answer.status)
        return answer  # type: ignore[return-value]

    def close(self) -> None:
        """Stop every worker (only from the process that created the pool)."""
        if os.getpid() != self._pid:
            return
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
            self._idle.clear()
            self._standby = None
        for worker in workers:
            worker.stop()

    @property
    def pids(self) -> list[int]:
        """Process ids of the live workers (for tests and diagnostics)."""
        with self._lock:
            return [w.process.pid for w in self._all]

    @property
    def idle_pids(self) -> list[int]:
        """Process ids of the workers waiting for a query (for tests and diagnostics)."""
        with self._lock:
            return [w.process.pid for w in self._idle]


def query_digest(message: object) -> str | None:
    """A digest of a query job's text, bindings and dataset (None for other messages)."""
    if not isinstance(message, QueryJob):
        return None
    key = repr((message.query, message.bindings, message.default_graphs, message.named_graphs))
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


# The marker `_exchange` returns when the answer did not come within the limit.
_OVERRAN = object()


def main(argv: list[str]) -> None:
    """Entry point of a worker process: `python -m thaiplan.server.workers FD STORE_DIR [MEMORY_MB]`."""
    logging.basicConfig(level=logging.WARNING, format="thaiplan query worker: %(levelname)s %(message)s")
    worker_main(Connection(int(argv[0])), argv[1], int(argv[2]) if len(argv) > 2 else 0)


if __name__ == "__main__":
    main(sys.argv[1:])
