"""Sharing the query workers between clients (issue 13): who gets the next free worker, who waits, who not.

A waiting query is given the next free worker by client, not first come first served: clients whose last
query was light (under `LIGHT_SECONDS` of the worker's CPU) go first, then unknown clients, then heavy ones;
within a tier, the client served longest ago. One unknown client at a time is tried beside the light ones (a
new client, never served, goes first among them), so that a brand-new client's first query does not queue
behind the light clients' stream; the others wait behind the light tier (issue 13: measured, a new client
waited for every light client's query first). `reserve` extra workers are never given to heavy clients, and
a query that runs past `LIGHT_SECONDS` of CPU on one (or past `UNKNOWN_SECONDS` of wall time for an unknown
client, `HEAVY_RUNNING` for a light one) is moved to the ordinary workers (killed and re-queued, its client
now heavy whatever CPU it had). `standby` started workers (a pool, 2 by default) wait to take a killed
worker's place at once; unknown clients only get the reserve while one is ready, and only a killed worker
that held the reserve or ran a light client's query takes one (a heavy client's is replaced by a worker
started anew: its clients can wait for it), so one replacement does not close the reserve to the next new
client. A heavy client's query runs at nice `HEAVY_NICE`, so that the others' get the CPUs first. In a burst
of new clients, a new light client may still wait its turn among them until they have each shown what they
are. A client may have `client_limit` queries running or waiting (429 beyond), heavy clients together at
most `heavy_limit` and heavy and new clients together at most `unproven_limit` (503 beyond, leaving the web
server's threads for static files, cached answers and light clients), and a call whose client has gone
(`cancelled()`) stops waiting, or has its worker killed and replaced.

`FairShare` is the scheduling half of `server/workers.py`'s `WorkerPool` (a mixin over the pool's tables).
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from thaiplan.server.execution import NamedJob, QueryJob
from thaiplan.server.worker_process import ClientGone, WorkerUnavailable

if TYPE_CHECKING:
    from thaiplan.server.worker_process import Worker

# How long a new worker may take to import its libraries and say it is ready.
START_TIMEOUT = 60.0
# A query that costs its worker this much CPU time is heavy (CPU, not wall time: on a loaded machine a
# light query can wait seconds for a CPU); its client counts as heavy for HEAVY_MEMORY s, as does a client
# with a query running for HEAVY_RUNNING s. On a reserve worker a query gets LIGHT_SECONDS of CPU time,
# and HEAVY_RUNNING s of wall time (UNKNOWN_SECONDS for an unknown client's: it holds the lane new clients
# are tried in, so a heavy one is moved sooner).
LIGHT_SECONDS = 1.0
HEAVY_RUNNING = 5.0
UNKNOWN_SECONDS = 2.0
# Started workers kept ready to replace a killed one at once, unless the pool is given another number.
STANDBY = 2
HEAVY_MEMORY = 60.0
# The nice value of a worker running a heavy client's query (0 for everyone else's).
HEAVY_NICE = 10
# How often a waiting or running call looks at whether its client is still there.
POLL_SECONDS = 0.1
# Clients remembered at most (heavy marks and last service times): bounded memory.
MAX_CLIENTS = 10_000


@dataclass(eq=False)
class _Waiter:
    """A call waiting for a worker: who asks, in which order, and the worker it was given."""

    client: str
    seq: int
    heavy: bool
    ready: threading.Event = field(default_factory=threading.Event)
    worker: Worker | None = None
    reserved: bool = False  # given one of the light clients' workers
    trial: bool = False  # an unknown client's call given a worker (counted in `_trials`)


class FairShare:
    """The pool's scheduling between clients (a mixin of WorkerPool: it reads and writes its tables)."""

    # The pool's state this half reads and writes (set by WorkerPool.__init__).
    _lock: threading.Lock
    _idle: list[Worker]
    _waiting: list[_Waiter]
    _standbys: list[Worker]
    _trials: int
    _inflight: Any
    _running: dict[str, list[float]]
    _heavy_until: dict[str, float]
    _light_until: dict[str, float]
    _heavy_queries: dict[str, float]
    _served: dict[str, float]
    _seq: Any
    _starting: int
    _closed: bool
    size: int
    reserve: int
    standby: int
    timeout: float
    client_limit: int
    heavy_limit: int
    unproven_limit: int

    def start(self) -> None:
        """Start the workers (the pool's)."""
        raise NotImplementedError

    @property
    def _standby(self) -> Worker | None:
        """A ready standby worker, if there is one (the pool keeps up to `standby` of them)."""
        return self._standbys[0] if self._standbys else None

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

    def _rank(self, waiter: _Waiter, tier: int) -> tuple[int, float, int]:
        """A waiting call's place: its lane, then the client served longest ago, then the call's order.

        An unknown client shares the light clients' lane while no other unknown client's call is running
        (a new client, never served, then goes first), else it waits behind them: a flood of new clients
        pushes the known light ones back by one query at most.
        """
        lane = 0 if tier == 1 and not self._trials else tier
        return (lane, self._served.get(waiter.client, 0.0), waiter.seq)

    def _dispatch(self) -> None:
        """Give idle workers to waiting calls: light clients first, then the longest unserved (lock held)."""
        if not self._waiting:
            return
        now = time.monotonic()
        tiers = {w: self._tier(w.client, now) for w in self._waiting}
        passed: set[_Waiter] = set()  # calls that may not take the idle workers left
        while self._idle:
            candidates = [w for w in self._waiting if w not in passed]
            if not candidates:
                break
            waiter = min(candidates, key=lambda w: self._rank(w, tiers[w]))
            # Heavy clients leave the last `reserve` idle workers to the others; unknown clients only take
            # one while a standby can replace it at once should their query turn out heavy and be cut.
            waiter.heavy = tiers[waiter] == 2
            waiter.reserved = len(self._idle) <= self.reserve
            if waiter.reserved and (waiter.heavy or (tiers[waiter] and not self._standbys)):
                passed.add(waiter)
                continue
            # Every unknown client's call counts, on whichever worker: counting only the reserve's let a
            # burst of new clients take every idle worker before a waiting light client (review, issue 13).
            waiter.trial = tiers[waiter] == 1
            self._trials += waiter.trial
            waiter.worker = self._idle.pop()
            self._waiting.remove(waiter)
            self._served[waiter.client] = now
            waiter.ready.set()
        if len(self._served) > MAX_CLIENTS:
            for key in sorted(self._served, key=self._served.__getitem__)[: len(self._served) - MAX_CLIENTS]:
                del self._served[key]

    def _end_trial(self, waiter: _Waiter) -> None:
        """Count an unknown client's call as over (lock held)."""
        if waiter.trial:
            waiter.trial = False
            self._trials -= 1

    def _admit(self, client: str, digest: str | None = None) -> None:
        """Count a call of `client`, or refuse it: 429 over its own limit, 503 over the unproven clients'."""
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


def query_digest(message: object) -> str | None:
    """A digest of a query job's text, bindings and dataset, or a named query's parameters (else None)."""
    if isinstance(message, NamedJob):
        # The page counts: a first page of a heavy whole answer is cheap (review, issue 18).
        key = repr((message.name, sorted(message.params.items()), message.page))
    elif isinstance(message, QueryJob):
        key = repr((message.query, message.bindings, message.default_graphs, message.named_graphs))
    else:
        return None
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
