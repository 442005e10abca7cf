"""Benchmark of the query path: what the worker-process hop costs on a small query.

Run on demand: `python bench/worker_hop.py [--store DIR] [--runs N]`. Without `--store` it
builds the real graph in a temporary folder. Results are written to `bench/results/worker-hop.md`.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from importlib.resources import files
from pathlib import Path

from thaiplan.config import Config

OUT = Path(__file__).resolve().parent / "results" / "worker-hop.md"


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    """Milliseconds per call of `fn`, after a few warm-up calls."""
    for _ in range(5):
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def summary(samples: list[float]) -> str:
    """Median and 95th percentile of a list of timings."""
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"{statistics.median(ordered):.2f} ms | {p95:.2f} ms"


def run(store_dir: Path, runs: int) -> str:
    """Time the same small query in-process, through a worker, and through the Flask app."""
    from thaiplan.graph.store.local import EmbeddedStore
    from thaiplan.server.app import create_app
    from thaiplan.server.execution import QueryJob, run_job

    query = files("thaiplan.server").joinpath("sparql", "benchmark-small.rq").read_text(encoding="utf-8")
    formats = {"solutions": "json", "boolean": "json", "graph": "turtle"}
    job = QueryJob(query=query, base_iri="http://localhost/sparql", formats=formats, max_rows=100_000)
    snapshot = EmbeddedStore(store_dir, opened=False)
    assert run_job(snapshot, job).status == 200
    app = create_app(Config(store_dir=store_dir, workers=1))
    pool = app.extensions["thaiplan_pool"]
    client = app.test_client()
    counter = iter(range(10**9))

    def fresh() -> object:
        """The same query with a different comment, so the guard must parse it again."""
        return run_job(snapshot, replace(job, query=f"{query}\n# {next(counter)}"))

    try:
        assert pool.run(job).status == 200
        rows = [
            ("in process (guard + query + JSON)", timed(lambda: run_job(snapshot, job), runs)),
            ("in process, a new query text each time (guard parse not cached)", timed(fresh, runs)),
            ("through a worker process", timed(lambda: pool.run(job), runs)),
            (
                "HTTP stack (Flask test client + worker)",
                timed(lambda: client.post("/sparql", data={"query": query}), runs),
            ),
        ]
    finally:
        pool.close()
    hop = statistics.median(rows[2][1]) - statistics.median(rows[0][1])
    lines = [
        "# Query path benchmark",
        "",
        f"`python bench/worker_hop.py` — {runs} runs each, {time.strftime('%Y-%m-%d')}, "
        f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs.",
        "",
        "Query: `server/sparql/benchmark-small.rq` (ten labels, SPARQL JSON).",
        "",
        "| path | median | p95 |",
        "| --- | --- | --- |",
        *[f"| {name} | {summary(samples)} |" for name, samples in rows],
        "",
        f"Process hop (worker median − in-process median): **{hop:.2f} ms** per query.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    """Build or open a store, run the benchmark, write the results file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", type=Path, help="an existing store directory (default: build one)")
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    if args.store:
        report = run(args.store, args.runs)
    else:
        from thaiplan.graph.build.pipeline import build

        with tempfile.TemporaryDirectory() as tmp:
            config = Config(store_dir=Path(tmp) / "store")
            build(config, out=lambda _text: None)
            report = run(config.store_dir, args.runs)
    OUT.write_text(report, encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
