"""trace-down, trace-up and search before and after a change of their texts, in process on one store.

Run on demand (never in the unit tests; issue 18):

    .venv/bin/python bench/query_changes.py STORE --before 3cdb7f0 --keys 8

The texts "before" are read from git at the commit given; "after" are the working tree's. Each runs on the
same store, iterated to the last row: the largest master plan's trace-down, whole and its first page of
100, then `--keys` never-asked keys per query, rows compared. Prints JSON (`results/query-changes-10M.md`).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any

import cold_keys

from thaiplan.graph.store.local import open_read_only
from thaiplan.queries import paging, registry
from thaiplan.queries.execute import execute

ROOT = Path(__file__).resolve().parents[1]
NAMES = ("trace-down", "trace-up", "search")


def text_at(commit: str, name: str) -> str:
    """The text of queries/<name>.rq at `commit`."""
    command = ["git", "show", f"{commit}:queries/{name}.rq"]
    return subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True).stdout


def timed(store: Any, sparql: str, bound: dict) -> tuple[float, list[tuple]]:
    """Seconds to run `sparql` to its last row, and the rows as N-Triples texts."""
    started = time.perf_counter()
    rows = [tuple(str(v) if v is not None else None for v in row) for row in execute(store, sparql, bound)]
    return time.perf_counter() - started, rows


def master_plan(store: Any, store_dir: Path, commit: str, repeat: int = 4) -> dict[str, Any]:
    """The largest master plan's trace-down, whole and first page, before and after (p50 after one run)."""
    query = registry.get("trace-down")
    old = text_at(commit, "trace-down")
    entity, below = cold_keys.largest_master_plan(store_dir)
    bound = query.bind({"entity": entity}, store)
    first = paging.Page(100, 0)
    variants = {
        "before whole": old,
        "after whole": query.sparql,
        "before page0": paging.paged(old, first),
        "after page0": paging.paged(query.sparql, first),
    }
    times: dict[str, list[float]] = {k: [] for k in variants}
    rows: dict[str, list[tuple]] = {}
    for _ in range(repeat):
        for label, sparql in variants.items():
            seconds, rows[label] = timed(store, sparql, bound)
            times[label].append(seconds)
    out: dict[str, Any] = {"entity": entity, "items_below": below, "rows": len(rows["after whole"])}
    out["same_whole"] = rows["before whole"] == rows["after whole"]
    out["same_page0"] = rows["before page0"] == rows["after page0"] == rows["after whole"][:100]
    out.update({f"{k} ms p50": round(1000 * statistics.median(v[1:]), 1) for k, v in times.items()})
    return out


def cold(store: Any, store_dir: Path, commit: str, count: int) -> dict[str, Any]:
    """Each query on `count` never-asked keys, before and after: p50, max and how many keys differ."""
    keys = cold_keys.cold_params(store_dir, count, 11)
    out: dict[str, Any] = {}
    for name in NAMES:
        query, old = registry.get(name), text_at(commit, name)
        before, after, differ = [], [], 0
        for params in keys[name]:
            bound = query.bind(params, store)
            (b, old_rows), (a, new_rows) = timed(store, old, bound), timed(store, query.sparql, bound)
            before.append(b)
            after.append(a)
            differ += old_rows != new_rows
        out[name] = {
            "keys": len(keys[name]),
            "differ": differ,
            "before p50 ms": round(1000 * statistics.median(before), 1),
            "after p50 ms": round(1000 * statistics.median(after), 1),
            "before max ms": round(1000 * max(before), 1),
            "after max ms": round(1000 * max(after), 1),
        }
    return out


def main() -> None:
    """Measure and print the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--before", required=True, help="the commit whose query texts are 'before'")
    parser.add_argument("--keys", type=int, default=8)
    args = parser.parse_args()
    store = open_read_only(args.store)
    out: dict[str, Any] = {"load_start": os.getloadavg()[0]}
    out["master plan"] = master_plan(store, args.store, args.before)
    out.update(cold(store, args.store, args.before, args.keys))
    out["load_end"] = os.getloadavg()[0]
    print(json.dumps(out, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
