"""Issue 13 §3: a brand-new client's light query is admitted while heavy ones run, on a loaded machine too.

Measured (RELIABILITY.md, "Hostile load"): with 32 heavy clients, 95 % of brand-new light clients got
503 "busy with long-running queries". A heavy query of a new client first runs on the light clients'
worker and is cut there after HEAVY_RUNNING s of wall time; on the loaded 2-CPU machine it had had less
than LIGHT_SECONDS of CPU by then, so its client stayed "new", went back to that worker again and again,
and new clients' calls like it filled the room new clients share. A loaded machine is made exact here: the
worker running the query is stopped (SIGSTOP), so the query gets its wall time and no CPU at all.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from tests.test_isolation_support import CROSS_COUNT_4
from tests.test_sparql_support import make_store
from thaiplan.config import Config
from thaiplan.errors import InputError
from thaiplan.server import negotiation
from thaiplan.server.budget import share_pool
from thaiplan.server.execution import QueryJob
from thaiplan.server.scheduling import STANDBY, _Waiter
from thaiplan.server.workers import HEAVY_NICE, HEAVY_RUNNING, WorkerPool, WorkerUnavailable

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test store with 300 numbers: a four-way cross product runs into any time limit."""
    return make_store(tmp_path_factory.mktemp("scheduling") / "store", numbers=300)


def job(query: str) -> QueryJob:
    """A /sparql job for `query` with JSON results."""
    return QueryJob(query, "http://localhost/sparql", negotiation.negotiate(None, None), 1000)


def wait_until(condition: object, within: float = 30.0) -> None:
    """Poll `condition()` until it is true (AssertionError after `within` seconds)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError("the condition did not come true in time")


def run_in_thread(pool: WorkerPool, query: str, client: str, outcomes: list[object]) -> threading.Thread:
    """Run `query` for `client` in a thread, keeping its reply or its WorkerUnavailable in `outcomes`."""

    def body() -> None:
        """One call."""
        try:
            outcomes.append(pool.run(job(query), client=client))
        except WorkerUnavailable as exc:
            outcomes.append(exc)

    thread = threading.Thread(target=body, daemon=True)
    thread.start()
    return thread


def test_a_heavy_query_cut_without_cpu_does_not_come_back_to_the_light_worker_issue13(store: Path) -> None:
    # One ordinary worker and the light clients' one; heavy calls may hold 2 places, heavy and new 3.
    pool = WorkerPool(store, 1, 20.0, reserve=1, client_limit=2, heavy_limit=2, unproven_limit=3)
    stopped: int | None = None
    try:
        pool.start()
        wait_until(lambda: len(pool.idle_pids) == 2 and pool._standby is not None, 60)
        outcomes: list[object] = []
        # A heavy client takes the ordinary worker and keeps it past the window of this test.
        run_in_thread(pool, CROSS_COUNT_4, "heavy-1", outcomes)
        wait_until(lambda: len(pool.idle_pids) == 1)
        (reserve,) = pool.idle_pids
        # A new client's heavy query gets the light clients' worker, which the machine starves of CPU.
        run_in_thread(pool, CROSS_COUNT_4 + " # another text", "new-heavy", outcomes)
        wait_until(lambda: not pool.idle_pids)
        os.kill(reserve, signal.SIGSTOP)
        stopped = reserve
        # It is cut after HEAVY_RUNNING s of wall time (with no CPU at all) and its worker replaced.
        wait_until(lambda: reserve not in pool.pids, HEAVY_RUNNING + 10)
        stopped = None
        wait_until(lambda: pool._standby is not None, 30)
        workers = set(pool.pids)
        # Its client is heavy now: the query waits for the ordinary worker instead of going back to the
        # light clients' one (where it was cut again, killing a worker each time), …
        time.sleep(HEAVY_RUNNING + 2)
        assert set(pool.pids) == workers
        assert not outcomes  # both heavy queries still waiting or running
        # … which answers a brand-new client's light query.
        started = time.monotonic()
        reply = pool.run(job("SELECT ?n WHERE { BIND(1 AS ?n) }"), client="brand-new")
        assert reply.status == 200, reply.body
        assert time.monotonic() - started < 5
    finally:
        if stopped is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(stopped, signal.SIGCONT)
        pool.close()


def test_a_heavy_clients_worker_yields_the_cpu_issue13(store: Path) -> None:
    """A heavy client's query runs at nice HEAVY_NICE; the worker is set back to 0 for a light client's."""
    pool = WorkerPool(store, 1, 2.0)
    try:
        pool.start()
        wait_until(lambda: len(pool.idle_pids) == 1, 60)
        with pytest.raises(WorkerUnavailable):  # runs into the 2 s limit: its client is heavy from now on
            pool.run(job(CROSS_COUNT_4), client="heavy")
        wait_until(lambda: len(pool.idle_pids) == 1, 60)
        (worker,) = pool.idle_pids
        assert os.getpriority(os.PRIO_PROCESS, worker) == 0
        assert pool.run(job("ASK {}"), client="heavy").status == 200
        assert os.getpriority(os.PRIO_PROCESS, worker) == HEAVY_NICE
        assert pool.run(job("ASK {}"), client="light").status == 200
        assert os.getpriority(os.PRIO_PROCESS, worker) == 0
    finally:
        pool.close()


def test_two_new_clients_are_served_while_a_standby_is_being_replaced_issue13(store: Path) -> None:
    """A cut on the reserve takes one standby; the next standby still starting, new clients find another.

    Measured (RELIABILITY.md, session 7): with one standby, a brand-new client's first query waited for the
    reserve while the standby that replaced a cut worker was being started again. The replacement is
    stopped (SIGSTOP) here, so it stays "being started" for the whole test.
    """
    # One ordinary worker (kept busy by a heavy client), the reserve, the default pool of standbys.
    pool = WorkerPool(store, 1, 120.0, reserve=1, client_limit=2, heavy_limit=2, unproven_limit=4)
    stopped: list[int] = []
    try:
        pool.start()
        wait_until(lambda: len(pool.idle_pids) == 2 and len(pool._standbys) == pool.standby, 60)
        assert pool.standby >= 2
        outcomes: list[object] = []
        run_in_thread(pool, CROSS_COUNT_4, "heavy-1", outcomes)  # never ends within the test
        wait_until(lambda: len(pool.idle_pids) == 1)
        (reserve,) = pool.idle_pids
        before = set(pool.pids)
        # A new client's heavy query is tried on the reserve, cut, and moved; a standby takes its place
        # and a new standby starts — stopped here before it can be ready.
        run_in_thread(pool, CROSS_COUNT_4 + " # another text", "new-heavy", outcomes)
        deadline = time.monotonic() + 30
        while not set(pool.pids) - before and time.monotonic() < deadline:
            time.sleep(0.005)
        (replacement,) = set(pool.pids) - before
        os.kill(replacement, signal.SIGSTOP)
        stopped.append(replacement)
        wait_until(lambda: reserve not in pool.pids, 30)
        assert replacement not in pool.idle_pids and pool._starting == 1  # still being started
        # Two brand-new clients at once: each is answered by a ready worker, within its own 10 s (with
        # one standby, none was left: they waited for the ordinary worker, busy for 120 s, and got 503).
        answers: list[object] = []

        def ask(n: int) -> None:
            """One brand-new client's light query."""
            try:
                query = job(f"SELECT ?n WHERE {{ BIND({n} AS ?n) }}")
                answers.append(pool.call(query, 10.0, f"brand-new-{n}"))
            except WorkerUnavailable as exc:
                answers.append(exc)

        threads = [threading.Thread(target=ask, args=(n,), daemon=True) for n in (1, 2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(70)
        assert [getattr(a, "status", a) for a in answers] == [200, 200]
        assert not outcomes  # while both heavy queries still run or wait
        assert replacement in pool.pids and pool._starting == 1  # served without waiting for it
    finally:
        for pid in stopped:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)
        pool.close()


def test_the_number_of_standby_workers_is_a_setting_issue13(store: Path) -> None:
    """THAIPLAN_WORKER_STANDBY sets the pool of standbys beside the reserve; unset, STANDBY; < 0 refused."""
    pool = WorkerPool(store, 1, 5.0)  # not started: no process
    share_pool(pool, Config.from_env({"THAIPLAN_WORKER_STANDBY": "3"}))
    assert (pool.reserve, pool.standby) == (1, 3)
    pool = WorkerPool(store, 1, 5.0)
    share_pool(pool, Config.from_env({}))
    assert (pool.reserve, pool.standby) == (1, STANDBY)
    with pytest.raises(InputError, match="THAIPLAN_WORKER_STANDBY=-1"):
        share_pool(WorkerPool(store, 1, 5.0), Config.from_env({"THAIPLAN_WORKER_STANDBY": "-1"}))


def test_a_new_client_goes_before_queued_light_clients_but_one_at_a_time_issue13(store: Path) -> None:
    """The dispatch order (a pool not started; sentinels stand for idle workers): measured in session 7, a
    brand-new client's first query waited 50-450 ms behind the known light clients' queued calls."""
    pool = WorkerPool(store, 1, 5.0, reserve=1, client_limit=2, heavy_limit=2, unproven_limit=4)
    now = time.monotonic()
    for light in ("light-1", "light-2"):
        pool._light_until[light] = now + 60
        pool._served[light] = now - 1  # served a second ago
    pool._standbys.append(object())  # type: ignore[arg-type]  # a ready standby: new clients may be tried
    waiters = [_Waiter(client, n, False) for n, client in enumerate(["light-1", "light-2", "new-1", "new-2"])]
    pool._waiting.extend(waiters)
    reserve = object()
    pool._idle.append(reserve)  # type: ignore[arg-type]  # the reserve: the only idle worker
    pool._dispatch()
    # The new client, never served, gets the reserve before the light clients that asked first.
    assert [w.client for w in waiters if w.worker is reserve] == ["new-1"]
    assert waiters[2].trial and pool._trials == 1
    # While it is tried there, the next new client waits behind the light ones.
    pool._idle.append(object())  # type: ignore[arg-type]
    pool._dispatch()
    assert [w.client for w in pool._waiting] == ["light-2", "new-2"]
    pool._end_trial(waiters[2])
    assert pool._trials == 0


def test_a_burst_of_new_clients_takes_one_idle_worker_before_a_waiting_light_client_issue13(
    store: Path,
) -> None:
    """Review of session 7: with three idle workers, five new clients took all three (the reserve too)
    because only a call on the reserve counted as tried; a light client that waited longest got none."""
    pool = WorkerPool(store, 2, 5.0, reserve=1, client_limit=2, heavy_limit=2, unproven_limit=8)
    now = time.monotonic()
    pool._light_until["light"] = now + 60
    pool._served["light"] = now - 1
    pool._standbys.append(object())  # type: ignore[arg-type]
    waiters = [_Waiter("light", 0, False)] + [_Waiter(f"new-{n}", n, False) for n in range(1, 6)]
    pool._waiting.extend(waiters)
    idle = [object() for _ in range(3)]
    pool._idle.extend(idle)  # type: ignore[arg-type]
    pool._dispatch()
    served = [w.client for w in waiters if w.worker is not None]
    # The first new client goes first, the light client next, one more new client on the reserve.
    assert served == ["light", "new-1", "new-2"] and pool._trials == 2


def test_a_heavy_clients_worker_killed_at_the_limit_leaves_the_standbys_issue13(store: Path) -> None:
    """A heavy query that runs into the time limit on an ordinary worker is replaced by a new worker; the
    standbys stay ready for the reserve (session 7: it took the only one, and new clients waited)."""
    pool = WorkerPool(store, 1, 2.0, reserve=1, client_limit=2, heavy_limit=2, unproven_limit=4)
    try:
        pool.start()
        wait_until(lambda: len(pool.idle_pids) == 2 and len(pool._standbys) == pool.standby, 60)
        with pytest.raises(WorkerUnavailable):  # runs into the 2 s limit: its client is heavy from now on
            pool.run(job(CROSS_COUNT_4), client="heavy")
        wait_until(lambda: len(pool.idle_pids) == 2 and not pool._starting, 60)
        standbys = {w.process.pid for w in pool._standbys}
        with pytest.raises(WorkerUnavailable):  # a heavy client's query, on the ordinary worker again
            pool.run(job(CROSS_COUNT_4 + " # again"), client="heavy")
        assert {w.process.pid for w in pool._standbys} == standbys  # no standby was taken
        wait_until(lambda: len(pool.idle_pids) == 2 and not pool._starting, 60)  # a new worker instead
        assert {w.process.pid for w in pool._standbys} == standbys
    finally:
        pool.close()
