"""Where a large `/sparql` answer's time goes in thaiplan (issue 18): join-2hop, stage by stage.

Run on demand (never in the unit tests), on a built store, e.g. the scale benchmark's 1M one:

    .venv/bin/python bench/sparql_path.py --store /tmp/thaiplan-scale/1M/store --runs 15

Each stage adds one layer to the one before, timed in turn round by round (the machine is shared, so the
load falls on all alike): the engine alone (pyoxigraph, the store's default graph, every row read); the
worker's job in this process (guard, engine, pyoxigraph's own JSON serializer under the caps); the same job
through a worker process (the job and its answer over the worker's socket); the Flask app (`/sparql` with
`Cache-Control: no-cache`: negotiation, the answer cache's bypass, the response); then real HTTP on
127.0.0.1 against `thaiplan serve` (waitress) and Oxigraph's own server on the same snapshot without the
union (the same default graph). The differences between the medians are each layer's cost. Results go to
`bench/results/scale-sparql-path.md` with the command, the commit and the load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "results" / "scale-sparql-path.md"
JSON = "application/sparql-results+json"


def http_get(url: str) -> int:
    """GET `url` (SPARQL JSON, no cache), reading the whole body; its length in bytes."""
    request = urllib.request.Request(url, headers={"Accept": JSON, "Cache-Control": "no-cache"})
    with urllib.request.urlopen(request, timeout=120) as reply:
        return len(reply.read())


def stages(store_dir: Path, text: str, urls: dict[str, str]) -> dict[str, Callable[[], int]]:
    """Each stage as a call returning the answer's size (rows for the engine, bytes for the others)."""
    from thaiplan.config import Config
    from thaiplan.graph.store.local import EmbeddedStore
    from thaiplan.server.app import create_app
    from thaiplan.server.execution import QueryJob, run_job

    store = EmbeddedStore(store_dir, opened=False)
    formats = {"solutions": "json", "boolean": "json", "graph": "turtle"}
    job = QueryJob(query=text, base_iri="", formats=formats, max_rows=100_000, default_graph="public")
    app = create_app(Config(store_dir=store_dir, workers=1))
    pool = app.extensions["thaiplan_pool"]
    client = app.test_client()
    path = "/sparql?" + urllib.parse.urlencode({"query": text})

    def engine() -> int:
        """The query alone, every row read."""
        return sum(1 for _ in store.query(text, public=True))

    def flask() -> int:
        """`/sparql` through the Flask app (a worker behind it), no cache."""
        reply = client.get(path, headers={"Accept": JSON, "Cache-Control": "no-cache"})
        try:
            assert reply.status_code == 200, reply.status_code
            return len(reply.get_data())
        finally:
            reply.close()

    out: dict[str, Callable[[], int]] = {
        "engine (pyoxigraph, rows read)": engine,
        "+ guard and JSON serializer (the worker's job, in process)": lambda: len(run_job(store, job).body),
        "+ the worker process (job and answer over its socket)": lambda: len(pool.run(job).body),
        "+ Flask (`/sparql`, negotiation, cache bypass, response)": flask,
    }
    for name, url in urls.items():
        out[f"HTTP: {name}"] = lambda url=url: http_get(url)
    out["_close"] = lambda: pool.close() or 0
    return out


def measure(calls: dict[str, Callable[[], int]], runs: int) -> dict[str, dict[str, float]]:
    """Every stage once per round, in turn (two unmeasured rounds first): median, p95 ms and size."""
    names = [n for n in calls if not n.startswith("_")]
    spent: dict[str, list[float]] = {n: [] for n in names}
    size: dict[str, int] = {}
    for i in range(runs + 2):
        for name in names[i % len(names) :] + names[: i % len(names)]:
            t0 = time.perf_counter()
            size[name] = calls[name]()
            if i >= 2:
                spent[name].append(1000 * (time.perf_counter() - t0))
    out = {}
    for name in names:
        ordered = sorted(spent[name])
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        out[name] = {"p50": statistics.median(ordered), "p95": p95, "size": size[name]}
    return out


def report(result: dict[str, dict[str, float]], args: argparse.Namespace, load: tuple[str, str]) -> str:
    """The Markdown table: each stage's p50 and p95, and what it adds to the one before."""
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    lines = [
        "# join-2hop through thaiplan's `/sparql`, stage by stage (issue 18)",
        "",
        f"Command: `.venv/bin/python bench/sparql_path.py {' '.join(sys.argv[1:])}`; commit "
        f"{commit.stdout.strip()}; {args.runs} rounds, each stage once per round in turn; load average "
        f"(1 min, 2 CPUs shared) {load[0]} at the start, {load[1]} at the end.",
        "",
        "| stage | p50 ms | p95 ms | adds (p50) | answer |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    before = None
    for name, r in result.items():
        adds = "" if before is None or name.startswith("HTTP") else f"{r['p50'] - before:+.1f}"
        unit = "rows" if name.startswith("engine") else "bytes"
        lines.append(f"| {name} | {r['p50']:.1f} | {r['p95']:.1f} | {adds} | {r['size']:,} {unit} |")
        if not name.startswith("HTTP"):
            before = r["p50"]
    return "\n".join(lines) + "\n"


def main() -> int:
    """Time every stage on the store and write the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True, help="a built store (e.g. scale.py's 1M one)")
    parser.add_argument("--query", type=Path, default=HERE / "queries" / "join-2hop.rq")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--thaiplan", help="a `thaiplan serve` base URL on the same store (http://…:port)")
    parser.add_argument("--oxigraph", help="Oxigraph's server's query URL on the snapshot, without the union")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    text = args.query.read_text(encoding="utf-8")
    quoted = urllib.parse.urlencode({"query": text})
    urls = {}
    if args.thaiplan:
        urls["thaiplan serve (waitress)"] = f"{args.thaiplan}/sparql?{quoted}"
    if args.oxigraph:
        urls["Oxigraph's server"] = f"{args.oxigraph}?{quoted}"
    calls = stages(args.store, text, urls)
    start = os.getloadavg()[0]
    try:
        result = measure(calls, args.runs)
    finally:
        calls["_close"]()
    text = report(result, args, (f"{start:.2f}", f"{os.getloadavg()[0]:.2f}"))
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
