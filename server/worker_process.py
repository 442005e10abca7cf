"""A query worker: the process that runs jobs on the store, killed by the pool when it overruns.

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

The pool that starts, shares and kills the workers is `server/workers.py`; the scheduling between clients
is `server/scheduling.py`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import resource
import socket
import subprocess
import sys
import threading
import time
from dataclasses import replace
from multiprocessing.connection import Connection
from pathlib import Path

from thaiplan.server import sandbox
from thaiplan.server.execution import GraphsJob, NamedJob, QueryJob, Reply, ValidationJob, unavailable

log = logging.getLogger(__name__)

class WorkerUnavailable(Exception):
    """No answer from a worker: the query timed out, every worker stayed busy, or the worker died."""

    def __init__(self, message: str, status: int = 503, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        # Seconds the client should wait before asking again (a Retry-After header), when known.
        self.retry_after = retry_after if retry_after is not None else (5 if status == 503 else None)


def worker_main(conn: Connection, location: str, memory_mb: int = 0) -> None:
    """Body of a worker process: answer jobs from the pipe until it closes."""
    sandbox.confine(location)  # no network (issue 13)
    follow_parent()
    # Imported here so that the web process need not load the query machinery to start a worker.
    from thaiplan.config import Config
    from thaiplan.graph.store.backend import open_store, with_location

    config = with_location(Config.from_env(), location)  # the remote settings come in the environment
    store = open_store(config, opened=False)
    limit_memory(store if not config.store else None, memory_mb)
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return  # the web process went away
        exhausted = False
        try:
            reply = answer(store, job)
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


def follow_parent(interval: float = 1.0) -> None:
    """End this worker when the web process that started it is gone, even in the middle of a query.

    The pool closes its workers when the app is closed; a web process that ends without closing (killed,
    or an app nobody closed) leaves them orphaned, and a long query would keep its CPU until it finished.
    """
    parent = os.getppid()

    def watch() -> None:
        """Exit as soon as the parent is no longer this process's parent."""
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(0)

    threading.Thread(target=watch, name="thaiplan-worker-parent", daemon=True).start()


def answer(store: object, job: object) -> object:
    """The answer to one job: a Reply, or for the graphs and validation jobs their data (or an error)."""
    from thaiplan.server import execution

    if isinstance(job, QueryJob):
        return execution.run_job(store, job)  # type: ignore[arg-type]
    if isinstance(job, NamedJob):
        return execution.run_named(store, job)  # type: ignore[arg-type]
    if isinstance(job, GraphsJob):
        return _graphs(store, job)
    if isinstance(job, ValidationJob):
        return _validate(store, job)
    return Reply.error(500, f"Internal error: a worker cannot answer a {type(job).__name__}.")


def memory_message(memory_mb: int) -> str:
    """What a client is told when its query passed the worker's memory limit."""
    return (
        f"The query was stopped: it needed more memory than the server's limit of {memory_mb} MiB per "
        "query. Make it more selective, avoid ORDER BY over large results or growing strings, or add LIMIT."
    )


def limit_memory(embedded: object, memory_mb: int) -> None:
    """Cap this process's address space at what it maps now, with its store open, plus `memory_mb` MiB."""
    if memory_mb <= 0:
        return
    from thaiplan.errors import ThaiplanError

    if embedded is not None:  # RocksDB's own mappings belong to the baseline (a remote store maps nothing)
        with contextlib.suppress(ThaiplanError, OSError):
            embedded.use()  # type: ignore[attr-defined]
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


def _graphs(store: object, job: GraphsJob) -> tuple[str | None, list[str]] | Reply:
    """The snapshot id and the named graphs of the job's build, or an error reply."""
    from thaiplan.errors import ThaiplanError

    try:
        used = store.use(job.snapshot)  # type: ignore[attr-defined]
    except ThaiplanError as exc:
        log.warning("the graph store could not be opened: %s", exc)
        return Reply.error(503, unavailable(exc))  # no path or URL for the client (issue 13)
    return used.id, store.named_graphs()  # type: ignore[attr-defined]


def _validate(store: object, job: ValidationJob) -> tuple[str, object] | Reply:
    """The SHACL report of the job's build with its snapshot id, or an error reply (`/validation`)."""
    from thaiplan.errors import ThaiplanError
    from thaiplan.shapes.validate import validate_files

    try:
        used = store.use(job.snapshot)  # type: ignore[attr-defined]
        return used.id, validate_files(store_dir=store)  # type: ignore[arg-type]
    except ThaiplanError as exc:
        log.warning("validation: the graph store could not be read: %s", exc)
        return Reply.error(503, unavailable(exc))


class Worker:
    """One worker process and the web process's end of the socket pair it listens on."""

    def __init__(self, location: Path | str, env: dict[str, str] | None = None, memory_mb: int = 0) -> None:
        # A plain subprocess rather than multiprocessing: `spawn` would re-run the caller's main script
        # in the child, `fork` is unsafe in a threaded server. The child gets one end of a socket pair.
        parent_sock, child_sock = socket.socketpair()
        args = [str(child_sock.fileno()), str(location), str(memory_mb)]
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "thaiplan.server.worker_process", *args],
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

    def grew(self, recycle_mb: int) -> bool:
        """True when the peak resident memory grew by more than `recycle_mb` MiB since ready (0: never).

        The peak (VmHWM), not the resident memory now: pyoxigraph gives a spike's memory back, but a
        worker that needed it once is replaced rather than trusted with the next query (issue 13).
        """
        if not recycle_mb:
            return False
        return peak_bytes(self.process.pid) - self.base_peak > recycle_mb * 1024 * 1024

    def over_cpu(self, cpu_before: float | None, cpu_limit: float | None) -> bool:
        """True when the process has spent `cpu_limit` CPU seconds or more since `cpu_before`."""
        if cpu_limit is None or cpu_before is None:
            return False
        now = cpu_seconds(self.process.pid)
        return now is not None and now - cpu_before >= cpu_limit

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


class TimeLimitExceeded(WorkerUnavailable):
    """The job ran past its time limit and its worker was killed (503)."""

    def __init__(self, message: str, limit: float) -> None:
        super().__init__(message, 503)
        self.limit = limit


class ClientGone(WorkerUnavailable):
    """The client closed its connection: its query was dropped (its worker killed when running)."""

    def __init__(self) -> None:
        super().__init__("The client disconnected; its query was cancelled.", 503)


def main(argv: list[str]) -> None:
    """Entry point of a worker process: `python -m thaiplan.server.worker_process FD LOCATION [MEMORY_MB]`."""
    logging.basicConfig(level=logging.WARNING, format="thaiplan query worker: %(levelname)s %(message)s")
    worker_main(Connection(int(argv[0])), argv[1], int(argv[2]) if len(argv) > 2 else 0)


if __name__ == "__main__":
    main(sys.argv[1:])
