"""`thaiplan serve`: build the store when there is none, then serve it with waitress (not Flask's)."""

from __future__ import annotations

import argparse
import contextlib
import errno
import resource
import signal
import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

from thaiplan.config import Config
from thaiplan.errors import ThaiplanError
from thaiplan.graph.store.backend import add_store_argument

# The Config fields `serve` takes as options (an option left out keeps the THAIPLAN_* value or the default).
SETTINGS = (
    "host",
    "port",
    "query_timeout",
    "max_rows",
    "threads",
    "workers",
    "client_budget_seconds",
    "client_budget_window",
    "trusted_proxies",
    "client_concurrency",
    "worker_memory_mb",
    "max_answer_bytes",
    "idle_timeout",
    "connection_limit",
)
# Requests waitress reads ahead on a connection while one is being answered: it is what lets waitress see
# that a client closed its connection, so that its query is cancelled (issue 13).
LOOKAHEAD = 4


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add the `serve` sub-command (`add`: thaiplan.cli.add_command)."""
    p = add(
        "serve",
        serve,
        help="serve the SPARQL endpoint, the query editor and the pages (builds the store if needed)",
        description="Serve the graph over HTTP with waitress. Settings also come from THAIPLAN_* "
        "environment variables (THAIPLAN_HOST, THAIPLAN_PORT, THAIPLAN_STORE_DIR, THAIPLAN_QUERY_TIMEOUT, "
        "THAIPLAN_MAX_ROWS, THAIPLAN_MAX_BODY_BYTES, THAIPLAN_THREADS, THAIPLAN_WORKERS, "
        "THAIPLAN_PUBLIC_URL, THAIPLAN_CLIENT_BUDGET_SECONDS, THAIPLAN_CLIENT_BUDGET_WINDOW, "
        "THAIPLAN_TRUSTED_PROXIES, THAIPLAN_CLIENT_CONCURRENCY, THAIPLAN_WORKER_MEMORY_MB, "
        "THAIPLAN_MAX_ANSWER_BYTES, THAIPLAN_IDLE_TIMEOUT, THAIPLAN_CONNECTION_LIMIT; the stewards' "
        "/import page: THAIPLAN_IMPORT_TOKEN, THAIPLAN_IMPORT_MAX_BYTES, THAIPLAN_DATA_DIR).",
    )
    p.add_argument(
        "--host", help="address to listen on (default 127.0.0.1; 0.0.0.0 exposes it to the network)"
    )
    p.add_argument("--port", type=int, help="TCP port (default 5000)")
    add_store_argument(p)
    p.add_argument("--query-timeout", type=float, help="seconds a query may run before it is stopped (30)")
    p.add_argument("--max-rows", type=int, help="most result rows (or triples) a query may return (100000)")
    p.add_argument("--threads", type=int, help="requests served at a time (8)")
    p.add_argument("--workers", type=int, help="query worker processes (2)")
    p.add_argument(
        "--client-budget",
        dest="client_budget_seconds",
        type=float,
        metavar="SECONDS",
        help="query time each client may spend per window (THAIPLAN_CLIENT_BUDGET_SECONDS; 0: off; default: "
        "off on a loopback address, 60 elsewhere)",
    )
    p.add_argument(
        "--client-budget-window",
        dest="client_budget_window",
        type=float,
        metavar="SECONDS",
        help="the window the budget refills over (THAIPLAN_CLIENT_BUDGET_WINDOW, 60)",
    )
    p.add_argument(
        "--trusted-proxies",
        metavar="LIST",
        help="reverse proxies whose X-Forwarded-For names the client: addresses or CIDR blocks, "
        "comma-separated (THAIPLAN_TRUSTED_PROXIES)",
    )
    p.add_argument(
        "--client-concurrency",
        dest="client_concurrency",
        type=int,
        metavar="N",
        help="query requests one client may have running or waiting (THAIPLAN_CLIENT_CONCURRENCY; 0: off; "
        "default: 2)",
    )
    p.add_argument(
        "--worker-memory",
        dest="worker_memory_mb",
        type=int,
        metavar="MIB",
        help="memory a query worker may take for a query, MiB (THAIPLAN_WORKER_MEMORY_MB, 2048; 0: off)",
    )
    p.add_argument(
        "--max-answer-bytes",
        type=int,
        metavar="BYTES",
        help="largest answer sent, in bytes (THAIPLAN_MAX_ANSWER_BYTES, 67108864; 0: no limit)",
    )
    p.add_argument(
        "--idle-timeout",
        type=int,
        metavar="SECONDS",
        help="seconds an idle connection stays open (THAIPLAN_IDLE_TIMEOUT, 30)",
    )
    p.add_argument(
        "--connection-limit",
        type=int,
        metavar="N",
        help="open connections at most (THAIPLAN_CONNECTION_LIMIT, 1000)",
    )


def serve(args: argparse.Namespace) -> int:
    """Run the server until interrupted; known failures become a message and an exit code."""
    config = serve_config(args)
    ensure_store(config)
    from waitress.server import create_server

    from thaiplan.server.app import create_app

    app = create_app(config)
    try:
        server = create_server(app, **waitress_settings(config))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ThaiplanError(
                f"port {config.port} on {config.host} is already in use: stop the other server or choose "
                "another port with --port (or THAIPLAN_PORT)"
            ) from exc
        raise ThaiplanError(f"cannot listen on {config.host}:{config.port}: {exc.strerror or exc}") from exc
    pool = app.extensions["thaiplan_pool"]
    pool.start()  # warm the workers now rather than on the first query
    from thaiplan.server import warmup

    # And what a first request paid: pythainlp, headers, templates (issue 18); its end said on stderr,
    # which is what a benchmark waits for before its first request.
    warmup.start(app, done=_say_warmed)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    url = f"http://{_display_host(config.host)}:{server.effective_port}/sparql"
    print(f"thaiplan serve: SPARQL endpoint and editor at {url} (Ctrl-C to stop)", flush=True)
    try:
        server.run()  # waitress returns from run() on Ctrl-C / SIGTERM
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        pool.close()
    print("thaiplan serve: stopped", file=sys.stderr)
    return 0


def waitress_settings(config: Config) -> dict[str, Any]:
    """waitress's settings: idle connections closed, room for many of them, disconnects seen (#13)."""
    return {
        "host": config.host,
        "port": config.port,
        "threads": config.threads,
        "ident": "thaiplan",
        "channel_timeout": max(1, config.idle_timeout),
        # waitress looks for idle connections every cleanup_interval (30 s by default): often enough that
        # a connection is closed within 1.5x the idle timeout.
        "cleanup_interval": max(1, min(30, config.idle_timeout // 2)),
        "connection_limit": open_files_for(config.connection_limit),
        "channel_request_lookahead": LOOKAHEAD,
    }


def open_files_for(connections: int) -> int:
    """Raise the open-file limit to hold `connections` sockets if the system allows; the count it holds."""
    spare = 64  # the listening socket, the workers' sockets, the store's files, logs
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = connections + spare
    if soft != resource.RLIM_INFINITY and soft < wanted:
        new = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))
        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if soft == resource.RLIM_INFINITY:
        return max(1, connections)
    return max(1, min(connections, soft - spare))


def serve_config(args: argparse.Namespace) -> Config:
    """The settings `serve` runs with: THAIPLAN_* variables, overridden by the options given."""
    from thaiplan.graph.store.backend import with_location

    config = Config.from_env(**{name: getattr(args, name) for name in SETTINGS})
    return with_location(config, args.store)  # a URL selects the remote backend (issue 7)


def ensure_store(config: Config) -> None:
    """Build the store when it has no build yet, and check that the current one opens.

    Only a store that was never built is built here; a damaged one is reported (issues 8, 13), not
    replaced: snapshots without a pointer are the user's to point at or to rebuild over. A remote store
    that is down is only reported: the server starts anyway and answers 503 until the store is back.
    """
    from thaiplan.graph.store.backend import location, open_store
    from thaiplan.graph.store.client import StoreUnavailable
    from thaiplan.graph.store.local import damaged_pointer, found_snapshots

    store = open_store(config, opened=False)
    try:
        current = store.current()
    except StoreUnavailable as exc:
        print(f"thaiplan serve: warning: {exc}; serving 503 until it answers", file=sys.stderr, flush=True)
        return
    if current is None:
        if not config.store and found_snapshots(config.store_dir):
            raise damaged_pointer(config.store_dir, "it is missing")
        from thaiplan.graph.build.pipeline import build

        what = (
            f"no thaiplan graph in {location(config)}"
            if config.store
            else f"no graph store in {config.store_dir}"
        )
        print(f"thaiplan serve: {what}; building it first", flush=True)
        build(config, config.data_dir)  # THAIPLAN_DATA_DIR: the folder `/import` writes into (issue 16)
        if config.store:
            return
    store.use()  # ThaiplanError with advice when it cannot be opened
    warn_old_indexes(config, lambda: store)


def warn_old_indexes(config: Config, store: Callable[[], Any]) -> None:
    """Say so when `store()` was built by an older thaiplan whose indexes the named queries no longer read.

    The server still starts (its answers are those of the old build, some incomplete): rebuilding is the
    user's call, and a store that cannot be asked now is reported by the requests themselves.
    """
    from thaiplan.graph.build.trace_index import index_version
    from thaiplan.graph.store.backend import describe
    from thaiplan.queries import terms

    try:
        found = index_version(store())  # opening a remote store asks it too: inside the try
    except (ThaiplanError, OSError):
        return
    if found < terms.INDEX_FORMAT:
        print(
            f"thaiplan serve: warning: {describe(config)} was built by an older thaiplan (index format "
            f"{found}, this version reads {terms.INDEX_FORMAT}): some named queries and pages answer "
            "incompletely (every type of an item instead of the most specific) until you run "
            "`thaiplan build`",
            file=sys.stderr,
            flush=True,
        )


def _say_warmed(seconds: float, requests: int, workers: int) -> None:
    """Say on stderr that the warm-up has ended (issue 18): first requests from now on find it done."""
    from thaiplan.server.warmup import WARMED

    print("thaiplan serve: " + WARMED % (seconds, requests, workers), file=sys.stderr, flush=True)


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    """Stop on SIGTERM the same way as on Ctrl-C, so the workers are stopped too."""
    raise KeyboardInterrupt


def _display_host(host: str) -> str:
    """The host as it goes into a URL (IPv6 in brackets)."""
    return f"[{host}]" if ":" in host else host
