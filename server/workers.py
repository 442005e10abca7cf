"""Query execution that can be stopped: a pool of persistent worker processes, each with the store open.

pyoxigraph has no timeout or cancellation in Python, so a query runs in a separate process
(`server/worker_process.py`) that the pool kills when the time limit passes; a fresh worker replaces it in
the background while the other workers keep answering. Workers stay alive between queries (the store
stays open) and send back the serialized body, so one query costs one round trip over a local socket.
The pool shares the workers between clients (`server/scheduling.py`), limits each answer's size, and
recycles a worker that grew.

The web process never opens the store: each job names the build the request reads (`Snapshot`), and the
worker reads that one. `/validation` runs in a worker too, under its own, longer time limit (issue 14).
"""

from __future__ import annotations

import itertools
import logging
import os
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from thaiplan.graph.store.api import Snapshot
from thaiplan.server.execution import GraphsJob, NamedJob, QueryJob, Reply
from thaiplan.server.scheduling import (
    HEAVY_NICE,
    HEAVY_RUNNING,
    LIGHT_SECONDS,
    POLL_SECONDS,
    STANDBY,
    START_TIMEOUT,
    UNKNOWN_SECONDS,
    FairShare,
    _Waiter,
    query_digest,
)
from thaiplan.server.worker_process import (
    ClientGone,
    TimeLimitExceeded,
    Worker,
    WorkerUnavailable,
    cpu_seconds,
    main,
    memory_message,
    set_priority,
)

log = logging.getLogger(__name__)

# Bytes a reply's header message may take besides the body (status, type, headers).
HEADER_SLACK = 1 << 20
__all__ = ["ClientGone", "TimeLimitExceeded", "WorkerPool", "WorkerUnavailable", "main"]


class WorkerPool(FairShare):
    """Workers shared fairly between clients; a query waits for a worker up to the time limit."""

    def __init__(
        self,
        location: Path | str,
        size: int,
        timeout: float,
        env: dict[str, str] | None = None,
        *,
        memory_mb: int = 0,
        recycle_mb: int | None = None,
        max_answer_bytes: int = 0,
        reserve: int = 0,
        standby: int = STANDBY,
        client_limit: int = 0,
        heavy_limit: int = 0,
        unproven_limit: int = 0,
    ) -> None:
        # A directory, or the URL of a remote store (kept as text: Path would fold its `//`).
        self.location = str(location)
        self.env = env
        self.size = max(1, size)
        self.reserve = max(0, reserve)
        self.standby = max(0, standby)  # started workers kept to replace a killed one (with a reserve only)
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
        self._standbys: list[Worker] = []  # started workers that replace a killed one at once
        self._trials = 0  # unknown clients' calls running
        # Digests of queries that were heavy, and until when: a client sending one is heavy at once, before
        # its query runs (a flood of new clients usually sends one heavy query again and again).
        self._heavy_queries: dict[str, float] = {}
        self._served: dict[str, float] = {}  # when each client was last given a worker
        self._started = False
        self._closed = False
        self._starting = 0  # workers launched but not yet ready
        self._pid = os.getpid()
        self._calls = threading.local()  # per request thread: how long its last call held a worker

    def share(
        self,
        client_limit: int,
        reserve: int,
        heavy_limit: int,
        unproven_limit: int,
        standby: int | None = None,
    ) -> None:
        """Set the sharing between clients (before the pool starts): see server/scheduling.py's docstring."""
        self.client_limit, self.reserve = client_limit, max(0, reserve)
        self.heavy_limit, self.unproven_limit = heavy_limit, unproven_limit
        if standby is not None:
            self.standby = max(0, standby)

    # --- workers ---------------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the workers in the background (idempotent); queries wait for the first ready one."""
        with self._lock:
            if self._started or self._closed:
                return
            self._started = True
        for _ in range(self.size + self.reserve):
            self._spawn()
        for _ in range(self.standby if self.reserve else 0):
            self._spawn(standby=True)

    def _spawn(self, standby: bool = False) -> None:
        """Start one worker process now; a background thread makes it idle (or a standby) once it is ready.

        The process is started in the caller's thread (a fork and exec, milliseconds), so that it is one of
        `pids` before the caller goes on; importing the libraries and opening the store is what takes time.
        """
        if self._closed:
            return
        try:
            worker = Worker(self.location, self.env, self.memory_mb)
        except Exception:
            log.exception("could not start a query worker")
            return
        with self._lock:
            self._all.add(worker)
            self._starting += 1
        threading.Thread(
            target=self._bring_up, args=(worker, standby), name="thaiplan-worker-start", daemon=True
        ).start()

    def _bring_up(self, worker: Worker, standby: bool) -> None:
        """Wait until a started worker is ready, then offer it to queries."""
        try:
            self._offer(worker, standby)
        finally:
            with self._lock:
                self._starting -= 1

    def _offer(self, worker: Worker, standby: bool = False) -> None:
        """Offer a started worker to queries (or keep it as a standby) once it says it is ready."""
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
                if len(self._standbys) < self.standby:
                    self._standbys.append(worker)
                    self._dispatch()  # unknown clients may take the reserve again
                    return
        self._release(worker)

    def _discard(self, worker: Worker) -> None:
        """Kill a worker and forget it."""
        worker.kill()
        with self._lock:
            self._all.discard(worker)

    def _replace(self, worker: Worker, hurry: bool = True) -> None:
        """Kill a worker that overran, died or grew, and start its replacement first.

        In a `hurry` (the worker held the reserve, or a light client's query) a standby takes its place at
        once, if one is ready, and a new standby starts; a heavy client's worker is replaced by a new one
        when it is ready (the reserve is still idle: heavy clients never take it), so that the standbys stay
        for the reserve (issue 13: heavy queries cut at the time limit took the only standby, and new
        clients waited for the reserve while the next one started).
        """
        if self._closed:
            self._discard(worker)
            return
        with self._lock:
            standby = self._standbys.pop(0) if hurry and self._standbys else None
        self._spawn(standby=standby is not None)
        self._discard(worker)
        if standby is not None:
            self._release(standby)

    def _release(self, worker: Worker) -> None:
        """Make a worker idle and hand it to the best waiting call, if any."""
        with self._lock:
            self._idle.append(worker)
            self._dispatch()

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
            # On a light clients' worker a query gets LIGHT_SECONDS of CPU (HEAVY_RUNNING of wall time, an
            # unknown client's UNKNOWN_SECONDS) before it moves to an ordinary one.
            on_reserve = waiter.reserved and self.size > 0
            wall = UNKNOWN_SECONDS if waiter.trial else HEAVY_RUNNING  # used on the reserve only
            light_limit = min(limit, wall) if on_reserve else limit
            cpu_limit = LIGHT_SECONDS if on_reserve else None
            try:
                # A heavy client's query yields the CPU to everyone else's (issue 13: on 2 CPUs a light
                # query waited seconds for one behind the heavy workers).
                set_priority(worker, HEAVY_NICE if waiter.heavy else 0)
                hurry = waiter.reserved or not waiter.heavy
                outcome = self._exchange(worker, message, light_limit, cancelled, cpu_limit, hurry)
            finally:
                busy = time.monotonic() - started
                self._calls.busy = getattr(self._calls, "busy", 0.0) + busy
                cost = self._calls.cost if self._calls.cost is not None else busy
                with self._lock:
                    self._end_trial(waiter)
                    self._running[client].remove(started)
                    if not self._running[client]:
                        del self._running[client]
                    self._remember(client, cost, cut=outcome is _OVERRAN, digest=digest)
            if outcome is not _OVERRAN:
                return outcome
            # A query cut on the reserve is replaced at once; one that ran into its limit on an ordinary
            # worker made its client heavy, whatever it was known as when it started.
            with self._lock:
                hurry = waiter.reserved or not self._is_heavy(client, time.monotonic())
            self._replace(worker, hurry)
            if on_reserve and time.monotonic() < deadline:
                continue  # it was heavy: run it again on an ordinary worker, within what is left of its limit
            raise TimeLimitExceeded(
                f"The query was stopped: it ran longer than the time limit of {limit:g} s. "
                "Make it more selective, or add LIMIT.",
                limit,
            )

    def _exchange(
        self,
        worker: Worker,
        message: object,
        limit: float,
        cancelled: Callable[[], bool] | None,
        cpu_limit: float | None = None,
        hurry: bool = True,
    ) -> object:
        """Send a message and wait up to `limit` (and `cpu_limit` of CPU) for the answer; else _OVERRAN.

        A worker killed here is replaced by a standby when `hurry` (see `_replace`).
        """
        deadline = time.monotonic() + limit
        cpu_before = cpu_seconds(worker.process.pid)
        try:
            worker.conn.send(message)
            while not worker.conn.poll(max(0.0, min(POLL_SECONDS, deadline - time.monotonic()))):
                if cancelled is not None and cancelled():
                    self._replace(worker, hurry)  # nobody is waiting for the answer: free the CPU now
                    raise ClientGone()
                if time.monotonic() >= deadline or worker.over_cpu(cpu_before, cpu_limit):
                    self._measure(worker, cpu_before)
                    return _OVERRAN
            exhausted, answer = worker.conn.recv()
            if isinstance(answer, Reply):
                body = worker.conn.recv_bytes(
                    self.max_answer_bytes + HEADER_SLACK if self.max_answer_bytes else None
                )
                answer = replace(answer, body=body)
        except (EOFError, OSError):
            self._replace(worker, hurry)
            if worker.died_of_memory():
                raise WorkerUnavailable(memory_message(self.memory_mb)) from None
            raise WorkerUnavailable(
                "The query worker stopped unexpectedly (out of memory?). Try a smaller query."
            ) from None
        self._measure(worker, cpu_before)
        if exhausted or worker.grew(self.recycle_mb):
            self._replace(worker, hurry)  # recycled: the memory it grew to is given back to the system
        else:
            self._release(worker)
        return answer

    def _measure(self, worker: Worker, cpu_before: float | None) -> None:
        """Keep the CPU time the worker spent on this thread's query (before anyone else may use it)."""
        cpu_after = cpu_seconds(worker.process.pid)
        if cpu_before is not None and cpu_after is not None:
            self._calls.cost = cpu_after - cpu_before

    def busy_seconds(self) -> float:
        """How long this thread's last call held a worker (not counting the wait for one)."""
        return getattr(self._calls, "busy", 0.0)

    def run(
        self, job: QueryJob | NamedJob, client: str = "", cancelled: Callable[[], bool] | None = None
    ) -> Reply:
        """Run one query job (or named query) under the time limit and the answer's byte limit."""
        if self.max_answer_bytes and not job.max_bytes:
            job = replace(job, max_bytes=self.max_answer_bytes)
        answer = self.call(job, client=client, cancelled=cancelled)
        assert isinstance(answer, Reply)
        return answer

    def graphs(
        self, client: str = "", cancelled: Callable[[], bool] | None = None, snapshot: Snapshot | None = None
    ) -> tuple[str | None, list[str]]:
        """The snapshot id and the named graphs of `snapshot` (default: the current build; WorkerUnavailable
        when the store is not available)."""
        answer = self.call(GraphsJob(snapshot), client=client, cancelled=cancelled)
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
            self._standbys.clear()
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


# The marker `_exchange` returns when the answer did not come within the limit.
_OVERRAN = object()
