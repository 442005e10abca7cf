"""Warm a started server (issue 18): pay what a first request used to pay before any planner asks.

Profiled at 1M triples, a planner's first request of a kind paid costs the repeat does not: pythainlp's
word dictionary, built into a trie on the first search text (1.1–4.5 s; indicator-series' first request
took 1,207 ms against 8.6 ms warm), the named queries' `.rq` headers parsed on first use, the Jinja
templates compiled on first render, and each worker's first run of a query shape. `warm(app)` goes
through all of them once, in a background thread started by `thaiplan serve` right after the workers:
the server answers at once, and a request that arrives first only shares the CPU with the warm-up.
The queries run on their documented examples and the pages on those examples too; whatever status they
get (a synthetic-only store has no CR02G01) is ignored, since only the paths matter here.
"""

from __future__ import annotations

import logging
import threading
import time
import urllib.parse
from typing import Any

from flask import Flask

log = logging.getLogger(__name__)
# The planners' pages and the parameter each takes from a named query's documented example.
PAGES = (
    ("/trace", "trace-up", "entity"),
    ("/agency", "agency-portfolio", "agency"),
    ("/search", "search", "q"),
)
# The warm-up's client address: TEST-NET-1, which no real client has.
WARMUP_ADDRESS = "192.0.2.18"
# A Thai phrase whose segmentation builds pythainlp's dictionary trie and loads the newmm tokenizer.
THAI_SAMPLE = "ตัวชี้วัดการพัฒนาระบบราชการ"


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


def warm_paths(app: Flask) -> list[tuple[str, str]]:
    """The requests the warm-up sends: every named query on its example, then the planners' pages."""
    found = examples()
    paths = [
        (f"/api/queries/{name}?{urllib.parse.urlencode(given)}", "application/json")
        for name, given in found.items()
    ]
    paths.append(("/", "text/html"))
    for page, name, param in PAGES:
        value = found.get(name, {}).get(param)
        if value is not None:
            paths.append((f"{page}?{urllib.parse.urlencode({param: value})}", "text/html"))
    return paths


def warm(app: Flask) -> dict[str, int]:
    """Run the warm-up now; the status each request got, by path (for the log and the tests)."""
    started = time.perf_counter()
    statuses: dict[str, int] = {}
    try:
        warm_text()
        client = app.test_client()
        for path, accept in warm_paths(app):
            # From a documentation address (RFC 5737), never a real client's: the warm-up spends no
            # client's budget; no-cache, so that the example is run, not answered from a cache.
            headers = {"Accept": accept, "Cache-Control": "no-cache"}
            reply = client.get(path, headers=headers, environ_base={"REMOTE_ADDR": WARMUP_ADDRESS})
            statuses[path] = reply.status_code
            reply.close()
    except Exception as exc:  # a failed warm-up only leaves a first request slower
        # One line, no traceback: the server is fine, and its log must not look as if it failed.
        log.warning("thaiplan serve: the warm-up stopped early: %s", exc)
    log.info(
        "thaiplan serve: warmed up in %.1f s (%d requests)", time.perf_counter() - started, len(statuses)
    )
    return statuses


def start(app: Flask) -> threading.Thread:
    """Run `warm(app)` in a daemon thread (the server starts answering at once)."""
    thread = threading.Thread(target=warm, args=(app,), name="thaiplan-warmup", daemon=True)
    thread.start()
    return thread
