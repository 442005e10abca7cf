"""What the trace page's first request on a never-asked project pays, step by step (issue 18).

Run on demand: `.venv/bin/python bench/trace_first.py STORE N` (STORE: e.g. `bench/scale.py`'s 1M build).
In one process: an app with one worker, warmed (`server/warmup.py`), then for N never-asked projects the
`/trace` page three times through the Flask test client (`Cache-Control: no-cache`), each of the view's
queries and its rendering timed by wrapping them in `server/views.py`; prints the p50 of the first request
against its repeats (same key), step by step.
"""

from __future__ import annotations

import functools
import statistics
import sys
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cold_keys

from thaiplan.config import Config
from thaiplan.server import views, warmup
from thaiplan.server.app import create_app

SPENT: dict[str, list[float]] = {}
WRAPPED = ("named_rows_bound", "named_rows", "page_rows", "page", "trace_diagram", "collect_nodes")


def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """`fn` that adds its milliseconds to SPENT under the query's name (its first argument) or `name`."""

    @functools.wraps(fn)
    def inner(*args: Any, **kwargs: Any) -> Any:
        """The call, timed."""
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            named = name in ("named_rows_bound", "named_rows", "page_rows") and args
            SPENT.setdefault(args[0] if named else name, []).append(1000 * (time.perf_counter() - t0))

    return inner


def main() -> int:
    """Warm an app, time the trace page's first request and its repeats on never-asked projects."""
    store, count = Path(sys.argv[1]), int(sys.argv[2])
    app = create_app(Config(store_dir=store, workers=1, answer_cache_mb=0))
    for name in WRAPPED:
        setattr(views, name, timed(name, getattr(views, name)))
    warmup.warm(app)
    keys = cold_keys.cold_params(store, count + 7, 31)["trace-up"][7:]  # not first_requests' key (seed 7)
    client = app.test_client()
    rows: dict[str, dict[str, list[float]]] = {"first": {}, "repeat": {}}
    try:
        for given in keys:
            path = "/trace?" + urllib.parse.urlencode(given)
            for which in ("first", "repeat", "repeat"):
                SPENT.clear()
                t0 = time.perf_counter()
                reply = client.get(path, headers={"Accept": "text/html", "Cache-Control": "no-cache"})
                reply.get_data()
                reply.close()
                spent = {k: sum(v) for k, v in SPENT.items()} | {
                    "whole page": 1000 * (time.perf_counter() - t0)
                }
                for k, v in spent.items():
                    rows[which].setdefault(k, []).append(v)
    finally:
        app.extensions["thaiplan_pool"].close()
    print(f"{len(keys)} never-asked projects; p50 ms, first request | its repeats (same key) | difference")
    for k in rows["first"]:
        first, repeat = statistics.median(rows["first"][k]), statistics.median(rows["repeat"][k])
        print(f"| {k} | {first:.1f} | {repeat:.1f} | {first - repeat:+.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
