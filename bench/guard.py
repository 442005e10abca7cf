"""Benchmark of the query guard (issue 13): reading a query into tokens and its canonical text, by size.

The guard runs in the query worker, inside the time limit; this measures what it costs against what the
engine's own parse costs, on VALUES queries like the outside test's 430 KB one, and the cache bytes one
canonical text keeps. Run on a quiet machine:

    .venv/bin/python bench/guard.py [--rows 1000,12000,50000] [--repeat 5]

The report goes to `bench/results/guard-<time>.md`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from thaiplan.queries.guard import safety
from thaiplan.queries.guard.canonical import canonicalize

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def values_query(rows: int) -> str:
    """A SELECT over a VALUES block of `rows` rows of a string and an IRI (≈ 36 bytes a row)."""
    block = " ".join(f'("{i}" <http://example.org/{i}>)' for i in range(rows))
    return f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES (?a ?b) {{ {block} }} }}"


def best(action, repeat: int) -> float:  # type: ignore[no-untyped-def]
    """The median wall time of `action()` in seconds over `repeat` runs."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(rows: int, repeat: int) -> dict[str, float]:
    """Sizes and times for one query size."""
    query = values_query(rows)
    canonical = canonicalize(query, "http://localhost/sparql")
    store = ox.Store()
    return {
        "rows": rows,
        "kib": len(query.encode()) / 1024,
        "tokens": len(canonical.words),
        "guard_s": best(lambda: canonicalize(query, "http://localhost/sparql"), repeat),
        "engine_s": best(lambda: store.query(canonical.text, use_default_graph_as_union=True), repeat),
        "cache_kib": safety.read_query(query, "http://localhost/sparql").size / 1024,
    }


def main(argv: list[str] | None = None) -> int:
    """Measure each size and write the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", default="1000,12000,50000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args(argv)
    rows = [measure(int(n), args.repeat) for n in args.rows.split(",")]
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True)
    status = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain"], capture_output=True, text=True)
    dirty = " (with uncommitted changes)" if status.stdout.strip() else ""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "# Query guard cost (issue 13)",
        "",
        f"Commit `{commit.stdout.strip()}`{dirty}, {stamp}, Python {sys.version.split()[0]}, "
        f"pyoxigraph {ox.__version__}.",
        "Median of the runs; the guard reads the text into tokens and writes the canonical text; the engine",
        "time is pyoxigraph's parse (and lazy plan) of that canonical text, without evaluation.",
        "",
        "| VALUES rows | query KiB | tokens | guard s | µs per token | engine parse s | cache entry KiB |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        per_token = r["guard_s"] / max(1, r["tokens"]) * 1e6
        lines.append(
            f"| {r['rows']:,} | {r['kib']:,.0f} | {r['tokens']:,} | {r['guard_s']:.3f} | {per_token:.2f} "
            f"| {r['engine_s']:.3f} | {r['cache_kib']:,.0f} |"
        )
    report = "\n".join(lines) + "\n"
    output = args.output or RESULTS / f"guard-{stamp}.md"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(report, encoding="utf-8")
    sys.stdout.write(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
