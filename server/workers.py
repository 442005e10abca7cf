"""Query execution that can be stopped: a pool of persistent worker processes, each with the store open.

pyoxigraph has no timeout or cancellation in Python, so a query runs in a separate process that the web
process kills when the time limit passes; a fresh worker replaces it in the background while the other
workers keep answering. Workers are fresh Python processes (never `fork`: the web process has threads),
which stay alive between queries (the store stays open), and send back the serialized body, so one query
costs one round trip over a local socket.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

from thaiplan.server.execution import QueryJob, Reply, store_location

log = logging.getLogger(__name__)

# How long a new worker may take to import its libraries and say it is ready.
START_TIMEOUT = 60.0


class WorkerUnavailable(Exception):
    """No answer from a worker: the query timed out, every worker stayed busy, or the worker died."""

    def __init__(self, message: str, status: int = 503) -> None:
        super().__init__(message)
        self.status = status


def worker_main(conn: Connection, store_dir: str) -> None:
    """Body of a worker process: answer jobs from the pipe until it closes."""
    __import__("thaiplan.server.sandbox").server.sandbox.confine(store_dir)  # no network (issue 13)
    # Imported here so that the web process need not load the query machinery to start a worker.
    from thaiplan.server.execution import SnapshotStore, run_job

    snapshot = SnapshotStore(store_location(store_dir))
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return  # the web process went away
        if job == "graphs":
            reply: object = _graphs(snapshot)
        else:
            try:
                reply = run_job(snapshot, job)
            except Exception as exc:  # keep the worker alive; the web process turns this into a clean 500
                log.exception("query worker failed")
                reply = Reply.error(500, f"Internal error while running the query ({type(exc).__name__}).")
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return


def _graphs(snapshot: object) -> tuple[str | None, list[str]] | Reply:
    """The current snapshot id and its named graphs, or an error reply."""
    from thaiplan.errors import ThaiplanError

    try:
        snapshot.current()  # type: ignore[attr-defined]
    except ThaiplanError as exc:
        return Reply.error(503, f"The graph store is not available: {exc}")
    return snapshot.sid, sorted(snapshot.graphs)  # type: ignore[attr-defined]


class Worker:
    """One worker process and the web process's end of the socket pair it listens on."""

    def __init__(self, store_dir: Path | str, env: dict[str, str] | None = None) -> None:
        # A plain subprocess rather than multiprocessing: `spawn` would re-run the caller's main script
        # in the child, `fork` is unsafe in a threaded server. The child gets one end of a socket pair.
        parent_sock, child_sock = socket.socketpair()
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "thaiplan.server.workers", str(child_sock.fileno()), str(store_dir)],
                pass_fds=(child_sock.fileno(),),
                stdin=subprocess.DEVNULL,
                close_fds=True,
                env=env,  # a remote store's URL, credentials and timeouts (issue 7)
            )
        finally:
            child_sock.close()
        self.conn = Connection(parent_sock.detach())

    def wait_ready(self, timeout: float) -> bool:
        """Wait for the worker's ready message."""
        try:
            return self.conn.poll(timeout) and self.conn.recv() == "ready"
        except (EOFError, OSError):
            return False

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


class WorkerPool:
    """A fixed number of workers; a query takes an idle one, or waits for one up to the time limit."""

    def __init__(
        self, store_dir: Path | str, size: int, timeout: float, env: dict[str, str] | None = None
    ) -> None:
        # A directory, or the URL of a remote store (kept as text: Path would fold its `//`).
        self.store_dir = store_location(store_dir)
        self.env = env
        self.size = max(1, size)
        self.timeout = timeout
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._all: set[Worker] = set()
        self._lock = threading.Lock()
        self._started = False
        self._closed = False
        self._starting = 0  # workers launched but not yet ready
        self._pid = os.getpid()
        self._calls = threading.local()  # per request thread: how long its last call held a worker

    def start(self) -> None:
        """Start the workers in the background (idempotent); queries wait for the first ready one."""
        with self._lock:
            if self._started or self._closed:
                return
            self._started = True
        for _ in range(self.size):
            self._spawn()

    def _spawn(self) -> None:
        """Start one worker in a background thread and make it idle once it is ready."""
        with self._lock:
            self._starting += 1
        threading.Thread(target=self._bring_up, name="thaiplan-worker-start", daemon=True).start()

    def _bring_up(self) -> None:
        """Start a worker process, wait until it is ready, then offer it to queries."""
        try:
            self._start_one()
        finally:
            with self._lock:
                self._starting -= 1

    def _start_one(self) -> None:
        """Start one worker and put it in the idle queue when it says it is ready."""
        if self._closed:
            return
        try:
            worker = Worker(self.store_dir, self.env)
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
                self._spawn()
            return
        if self._closed:
            self._discard(worker)
            return
        self._idle.put(worker)

    def _discard(self, worker: Worker) -> None:
        """Kill a worker and forget it."""
        worker.kill()
        with self._lock:
            self._all.discard(worker)

    def _acquire(self, deadline: float) -> Worker:
        """An idle worker, or WorkerUnavailable when none frees up before `deadline`."""
        self.start()
        with self._lock:
            starting = self._starting
        if starting:
            # A worker that is still importing its libraries is not busy: wait for it, not for the limit.
            deadline = max(deadline, time.monotonic() + START_TIMEOUT)
        try:
            return self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise WorkerUnavailable(
                f"The server is busy: all {self.size} query workers stayed busy for {self.timeout:g} s. "
                "Try again later."
            ) from None

    def call(self, message: object, timeout: float | None = None) -> object:
        """Send one message to a worker and return its answer, killing the worker when it is too slow."""
        if self._closed:
            raise WorkerUnavailable("The server is shutting down.")
        limit = self.timeout if timeout is None else timeout
        self._calls.busy = 0.0
        worker = self._acquire(time.monotonic() + limit)
        started = time.monotonic()
        try:
            worker.conn.send(message)
            if worker.conn.poll(limit):
                answer = worker.conn.recv()
                self._idle.put(worker)
                return answer
        except (EOFError, OSError):
            self._replace(worker)
            raise WorkerUnavailable(
                "The query worker stopped unexpectedly (out of memory?). Try a smaller query."
            ) from None
        finally:
            self._calls.busy = time.monotonic() - started
        self._replace(worker)
        raise WorkerUnavailable(
            f"The query was stopped: it ran longer than the time limit of {limit:g} s. "
            "Make it more selective, or add LIMIT."
        )

    def _replace(self, worker: Worker) -> None:
        """Kill a worker that overran or died and start a new one in its place."""
        self._discard(worker)
        if not self._closed:
            self._spawn()

    def busy_seconds(self) -> float:
        """How long this thread's last call held a worker (not counting the wait for one)."""
        return getattr(self._calls, "busy", 0.0)

    def run(self, job: QueryJob) -> Reply:
        """Run one query job under the time limit."""
        answer = self.call(job)
        assert isinstance(answer, Reply)
        return answer

    def graphs(self) -> tuple[str | None, list[str]]:
        """The current snapshot id and the store's named graphs (WorkerUnavailable when the store is not)."""
        answer = self.call("graphs")
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
        for worker in workers:
            worker.stop()

    @property
    def pids(self) -> list[int]:
        """Process ids of the live workers (for tests and diagnostics)."""
        with self._lock:
            return [w.process.pid for w in self._all]


def main(argv: list[str]) -> None:
    """Entry point of a worker process: `python -m thaiplan.server.workers FD STORE_DIR`."""
    logging.basicConfig(level=logging.WARNING, format="thaiplan query worker: %(levelname)s %(message)s")
    worker_main(Connection(int(argv[0])), argv[1])


if __name__ == "__main__":
    main(sys.argv[1:])
