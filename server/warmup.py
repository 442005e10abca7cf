"""Warm a started server (issue 18): pay what a first request used to pay before any planner asks.

Profiled at 1M triples, a planner's first request of a kind paid costs the repeat does not: pythainlp's
word dictionary, built into a trie on the first search text (1.1–4.5 s; indicator-series' first request
took 1,207 ms against 8.6 ms warm), the named queries' `.rq` headers parsed on first use, the Jinja
templates compiled on first render, and each worker's first run of a query shape. `warm(app)` goes
through all of them once, in a background thread started by `thaiplan serve` right after the workers:
the server answers at once, and a request that arrives first only shares the CPU with the warm-up.

Every named query and every page with queries runs on a key the store holds: a named query on its
documented example when that answers rows, else on one picked from the store by
`server/sparql/warmup-keys.rq` (a synthetic store has no BR0201, and a query that finds nothing skips most
of its shape); a page on the store's key first (a documented example may be a word naming thousands).
Each request is sent by as many warm-up clients at once as there are workers taking queries, so that
each holds its own worker while the others run: every worker pays its first run of each shape, not only
the one that happened to be idle.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.parse
from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask

log = logging.getLogger(__name__)
# The planners' pages with queries and the column of warmup-keys.rq each takes, besides the home page.
# The trace page is asked for a project, as planners (and the benchmark) mostly do. The pages that read
# the whole graph (/agencies, /indicators, /gaps) are left out: at 1M triples they take seconds to past
# the time limit, which would kill the very workers the warm-up warms (their first request is the query's
# own cost, not a first run's).
PAGES = (
    ("/trace", "entity", "trace-up", "project"),
    ("/agency", "agency", "agency-portfolio", "agency"),
    ("/search", "q", "search", "word"),
    ("/indicator", "indicator", "indicator-series", "indicator"),
)
PLAIN_PAGES = ("/",)
# The column of warmup-keys.rq that holds a store's key for each parameter of the named queries.
KEY_COLUMNS = {"entity": "part", "agency": "agency", "plan": "plan", "indicator": "indicator", "q": "word"}
# The warm-up's client addresses: TEST-NET-1 (RFC 5737), which no real client has; one per worker.
WARMUP_NETWORK = "192.0.2."
WARMUP_FIRST = 18
# A Thai phrase whose segmentation builds pythainlp's dictionary trie and loads the newmm tokenizer.
THAI_SAMPLE = "ตัวชี้วัดการพัฒนาระบบราชการ"
# How long the warm-up waits for every worker to be up before it starts anyway.
READY_SECONDS = 120.0
# The end of the warm-up, as `thaiplan serve` prints it (bench/load.py waits for it): seconds, requests,
# workers.
WARMED = "warmed up in %.1f s (%d requests on %d workers)"
# Called when the warm-up ends, with its seconds, its requests and the workers it warmed.
Done = Callable[[float, int, int], None]


def warm_text() -> None:
    """Build pythainlp's dictionary trie and run newmm once (the search texts' keys and tokens)."""
    from thaiplan.queries import keys

    keys.query_tokens(THAI_SAMPLE)
    keys.tokens(THAI_SAMPLE)


def examples() -> dict[str, dict[str, Any]]:
    """Each public named query's documented example parameters (the registry parses every header)."""
    from thaiplan.queries import registry

    out = {}
    for query in registry.list_queries():
        given = {p.name: p.example for p in query.params if p.example is not None}
        if all(p.name in given for p in query.params if p.required):
            out[query.name] = given
    return out


def store_keys(app: Flask, lane: int = 0) -> dict[str, str]:
    """One key of each kind the store holds (warmup-keys.rq, run in a worker for `lane`), by column."""
    from thaiplan.server.named import page_rows

    headers = {"Cache-Control": "no-cache"}
    with app.test_request_context(headers=headers, environ_base={"REMOTE_ADDR": address(lane)}):
        found = page_rows("warmup-keys")
    return {name: term.value for name, term in (found[0] if found else {}).items() if term is not None}


def address(lane: int) -> str:
    """The warm-up client address of `lane` (one per worker)."""
    return f"{WARMUP_NETWORK}{WARMUP_FIRST + lane}"


def lanes(app: Flask) -> int:
    """How many workers take queries (the standbys only replace a killed one, and are not reachable)."""
    pool = app.extensions["thaiplan_pool"]
    return max(1, pool.size + pool.reserve)


def wait_for_workers(app: Flask, timeout: float = READY_SECONDS) -> None:
    """Wait until every worker that takes queries is up, so that each lane finds its own worker."""
    pool = app.extensions["thaiplan_pool"]
    pool.start()
    deadline = time.monotonic() + timeout
    while len(pool.idle_pids) < lanes(app) and time.monotonic() < deadline:
        time.sleep(0.1)


def get(app: Flask, path: str, accept: str, lane: int = 0) -> tuple[int, bytes]:
    """GET `path` as warm-up client `lane`, afresh (no-cache: run, not answered from a cache)."""
    # From a documentation address, never a real client's: the warm-up spends no client's budget.
    headers = {"Accept": accept, "Cache-Control": "no-cache"}
    reply = app.test_client().get(path, headers=headers, environ_base={"REMOTE_ADDR": address(lane)})
    try:
        return reply.status_code, reply.get_data()
    finally:
        reply.close()


def api_path(name: str, params: Mapping[str, Any]) -> str:
    """The API path of named query `name` with `params`."""
    return f"/api/queries/{name}?{urllib.parse.urlencode(params)}"


def answer_rows(body: bytes) -> int:
    """Rows of a SPARQL JSON answer (0 for anything else)."""
    try:
        return len(json.loads(body)["results"]["bindings"])
    except (ValueError, KeyError, TypeError):
        return 0


def answers(app: Flask, name: str, params: Mapping[str, Any]) -> bool:
    """True when the named query answers at least one row with `params` (the store holds the key)."""
    status, body = get(app, api_path(name, params), "application/sparql-results+json")
    return status == 200 and answer_rows(body) > 0


def choose_params(app: Flask, keys: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """Each named query's parameters: its documented example if it answers rows, else the store's keys."""
    from thaiplan.queries import registry

    out: dict[str, dict[str, Any]] = {}
    documented = examples()
    for query in registry.list_queries():
        example = documented.get(query.name)
        if example is not None and answers(app, query.name, example):
            out[query.name] = example
            continue
        # The store's key for each keyed parameter; the others' examples (maxDepth) are kept.
        given = {
            p.name: p.example for p in query.params if p.name not in KEY_COLUMNS and p.example is not None
        }
        for param in query.params:
            if KEY_COLUMNS.get(param.name) in keys:
                given[param.name] = keys[KEY_COLUMNS[param.name]]
        if all(p.name in given for p in query.params if p.required):
            out[query.name] = given
    return out


def page_value(chosen: Mapping[str, dict[str, Any]], keys: Mapping[str, str], page: tuple) -> Any:
    """A page's parameter: the store's key, else the named query's documented example when chosen."""
    _path, param, name, column = page
    # The key first: a page is its shape on one item, which a key is (the links planners follow carry
    # IRIs). A documented example may be a word that names thousands of items on a large store: at 10M
    # triples `/indicator?indicator=ความพึงพอใจ` held both workers for over ten minutes of warm-up (issue
    # 18), the page's own cost rather than a first run's, as for the whole-graph pages left out above.
    # Without that key, the value the named query was warmed with: its documented example (which answered
    # rows), or the store's key of its own column (trace-up's plan part, which warmup-keys.rq finds with
    # the project, so in practice never without it).
    return keys.get(column, chosen.get(name, {}).get(param))


def introduce_lanes(app: Flask) -> dict[str, str]:
    """Ask warmup-keys.rq once from each lane in turn, its keys the answer.

    One short query each makes the lanes known light clients to the pool's sharing (server/scheduling.py),
    which new clients asking all at once are not: past its share of them, the pool answers 503.
    """
    keys: dict[str, str] = {}
    for lane in range(lanes(app)):
        try:
            found = store_keys(app, lane)  # asked from every lane, even once the keys are known
            keys = keys or found
        except Exception as exc:  # the documented examples are still tried
            log.warning("thaiplan serve: the warm-up found no keys in the store: %s", exc)
    return keys


def warm_paths(app: Flask) -> list[tuple[str, str]]:
    """The requests the warm-up sends: every named query on a key the store holds, then the pages."""
    keys = introduce_lanes(app)
    chosen = choose_params(app, keys)
    paths = [(api_path(name, given), "application/sparql-results+json") for name, given in chosen.items()]
    # Without the optional parameters too (maxDepth): their absence is another shape of the query.
    for name, given in chosen.items():
        required = {k: v for k, v in given.items() if k in KEY_COLUMNS}
        if required != given:
            paths.append((api_path(name, required), "application/sparql-results+json"))
    paths += [(page, "text/html") for page in PLAIN_PAGES]
    for page in PAGES:
        value = page_value(chosen, keys, page)
        if value is not None:
            paths.append((f"{page[0]}?{urllib.parse.urlencode({page[1]: value})}", "text/html"))
    return paths


def on_every_worker(app: Flask, path: str, accept: str) -> int:
    """GET `path` from every lane at once (each holds its own worker meanwhile); the worst status."""
    statuses = [0] * lanes(app)

    def one(lane: int) -> None:
        """One lane's request; an error is its status, 0."""
        try:
            statuses[lane] = get(app, path, accept, lane)[0]
        except Exception as exc:  # a failed warm-up request only leaves a first request slower
            log.warning("thaiplan serve: warm-up request %s failed: %s", path, exc)

    threads = [threading.Thread(target=one, args=(lane,), daemon=True) for lane in range(len(statuses))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for lane, status in enumerate(statuses):
        if status in (429, 503):  # refused by the sharing between clients: once more, alone
            statuses[lane] = get(app, path, accept, lane)[0]
    return max(statuses) if 0 not in statuses else 0


def warm(app: Flask, done: Done | None = None) -> dict[str, int]:
    """Run the warm-up now, then `done(seconds, requests, workers)`; the status each request got, by path."""
    started = time.perf_counter()
    statuses: dict[str, int] = {}
    try:
        warm_text()
        wait_for_workers(app)
        for path, accept in warm_paths(app):
            statuses[path] = on_every_worker(app, path, accept)
    except Exception as exc:  # a failed warm-up only leaves a first request slower
        # One line, no traceback: the server is fine, and its log must not look as if it failed.
        log.warning("thaiplan serve: the warm-up stopped early: %s", exc)
    seconds, workers = time.perf_counter() - started, lanes(app)
    log.info("thaiplan serve: " + WARMED, seconds, len(statuses), workers)
    if done is not None:
        done(seconds, len(statuses), workers)
    return statuses


def start(app: Flask, done: Done | None = None) -> threading.Thread:
    """Run `warm(app, done)` in a daemon thread (the server starts answering at once)."""
    thread = threading.Thread(target=warm, args=(app, done), name="thaiplan-warmup", daemon=True)
    thread.start()
    return thread
