"""How one cache-miss request crosses the code's folders (issue 14): the review's measure, on demand.

Run: `python bench/crossings.py [--store DIR] [--path URL]`. Without `--store` it builds the curated graph
in a temporary folder. The request (default `GET /api/queries/trace-up?entity=BR0201`) is made once in
the Flask test client with a fresh answer cache, after a warm-up request of another entity (so that the
workers are started and the registry is loaded), with `sys.setprofile` on. A *crossing* is a call whose
caller's top-level folder (graph, server, queries, shapes, ontology) differs from the callee's; calls in
the standard library and other packages are not counted, and neither are calls made in the worker
processes (they are counted as jobs). The results go to `bench/results/crossings.md`.

`--remote` counts instead the HTTP requests a remote store receives (issue 14): a real `oxigraph serve`
(started here on 127.0.0.1, stopped by its PID) with the curated graph built into it, behind the recording
proxy of the remote-store tests (`tests/test_remote_support.py`: one connection per request); after one
warm-up request, each request once as a cache miss and once cached; then what the resolver's table
costs a query worker (one request per build: its rows, the time to read it, the memory it keeps).
`--remote --triples N` builds a synthetic graph of about N triples (`thaiplan synth`) instead of the
curated one and measures the table only.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import quote

from thaiplan.config import Config
from thaiplan.queries.resolve_table import MAX_ROWS

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "results" / "crossings.md"
FOLDERS = ("graph", "server", "queries", "shapes", "ontology")
DEFAULT_PATH = "/api/queries/trace-up?entity=BR0201"
WARM_UP = "/api/queries/trace-up?entity=BR0202"
# What --remote asks, each a cache miss and then a hit: entity parameters by code, short IRI, label and
# abbreviation, one that names nothing, one that names two agencies, and queries without an entity.
REMOTE_PATHS = (
    "/api/queries/trace-up?entity=BR0201",
    "/api/queries/trace-up?entity=activity/BR0203",
    "/api/queries/agency-portfolio?agency=สำนักงาน ก.พ.ร.",
    "/api/queries/agency-portfolio?agency=สศช",
    "/api/queries/trace-up?entity=ไม่มีสิ่งนี้",
    "/api/queries/agency-portfolio?agency=กพร",
    "/api/queries/search?q=BR0203",
    "/sparql?query=ASK { ?s a ?c }",
)


def folder_of(frame: FrameType | None) -> str | None:
    """The project folder a frame's code belongs to (`thaiplan.server.named` → server), else None."""
    if frame is None:
        return None
    name = frame.f_globals.get("__name__", "")
    parts = name.split(".")
    if len(parts) >= 2 and parts[0] == "thaiplan" and parts[1] in FOLDERS:
        return parts[1]
    return None


class Tracer:
    """Counts calls, the functions and modules they reach, and the calls between folders."""

    def __init__(self) -> None:
        self.calls = 0
        self.functions: set[tuple[str, str]] = set()
        self.modules: set[str] = set()
        self.crossings: Counter[tuple[str, str]] = Counter()
        self.named: Counter[str] = Counter()  # calls of the functions that matter, by qualified name
        self.edges: Counter[str] = Counter()  # each crossing as caller → callee

    def __call__(self, frame: FrameType, event: str, arg: Any) -> None:
        """sys.setprofile's hook: look at Python calls only."""
        if event != "call":
            return
        callee = folder_of(frame)
        if callee is None:
            return
        module = frame.f_globals.get("__name__", "")
        self.calls += 1
        self.functions.add((module, frame.f_code.co_qualname))
        self.modules.add(module)
        self.named[f"{module}.{frame.f_code.co_qualname}"] += 1
        caller = folder_of(frame.f_back)
        if caller is not None and caller != callee:
            self.crossings[tuple(sorted((caller, callee)))] += 1  # type: ignore[index]
            back = frame.f_back
            assert back is not None
            source = f"{back.f_globals['__name__']}.{back.f_code.co_qualname}"
            self.edges[f"{source} → {module}.{frame.f_code.co_qualname}"] += 1


def measure(store_dir: Path, path: str) -> tuple[Tracer, int, int]:
    """Trace one request on a fresh answer cache; the tracer, the worker jobs and the CURRENT reads."""
    from thaiplan.server.app import create_app

    app = create_app(Config(store_dir=store_dir, workers=1))
    app.config["TESTING"] = True
    client = app.test_client()
    pool = app.extensions["thaiplan_pool"]
    inner = getattr(pool, "_pool", pool)  # under server/budget.py's meter
    jobs = 0
    real_call = inner.call

    def counted(*args: Any, **kwargs: Any) -> Any:
        """The pool's call, counted: one call is one worker round trip."""
        nonlocal jobs
        jobs += 1
        return real_call(*args, **kwargs)

    try:
        assert client.get(WARM_UP).status_code == 200
        app.extensions.pop("thaiplan_answers", None)  # a fresh cache: the measured request is a miss
        inner.call = counted
        tracer = Tracer()
        sys.setprofile(tracer)
        try:
            response = client.get(path)
        finally:
            sys.setprofile(None)
        assert response.status_code == 200, response.get_data(as_text=True)
    finally:
        pool.close()
    reads = sum(n for name, n in tracer.named.items() if name.endswith(".read_pointer"))
    return tracer, jobs, reads


def report(tracer: Tracer, jobs: int, reads: int, path: str) -> str:
    """The measurement as a Markdown section."""
    pairs = ", ".join(f"{a} ↔ {b} {n}" for (a, b), n in sorted(tracer.crossings.items())) or "none"
    return "\n".join(
        [
            f"### `GET {path}`, cache miss — {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC",
            "",
            "| measure | value |",
            "| --- | --- |",
            f"| calls into project code (web process) | {tracer.calls} |",
            f"| functions | {len(tracer.functions)} |",
            f"| modules | {len(tracer.modules)} |",
            f"| crossings between folders | **{sum(tracer.crossings.values())}** ({pairs}) |",
            f"| worker jobs (round trips) | **{jobs}** |",
            f"| reads of `CURRENT` in the web process | {reads} |",
            "",
            "Crossings, caller → callee:",
            "",
            *[f"- `{edge}`" + (f" ×{n}" if n > 1 else "") for edge, n in sorted(tracer.edges.items())],
            "",
        ]
    )


def measure_remote(triples: int | None) -> tuple[int, list[tuple[str, int, int, int]], dict[str, float]]:
    """Requests an `oxigraph serve` receives (warm-up, then per path: status, miss, hit); the table's cost."""
    sys.path.insert(0, str(ROOT))  # the remote tests' servers and proxy, reused rather than copied
    from tests.test_remote_support import (
        RecordingProxy,
        behind_proxy,
        oxigraph_server,
        remote_config,
        store_port,
    )
    from thaiplan.graph.build.pipeline import build
    from thaiplan.server.app import close_app, create_app

    with tempfile.TemporaryDirectory() as tmp:
        server = oxigraph_server(Path(tmp) / "server")
        server.start()
        proxy: RecordingProxy | None = None
        try:
            config = remote_config(server, Path(tmp), store_read_timeout=600.0)
            build(config, synthetic(Path(tmp) / "data", triples) if triples else None, out=lambda _text: None)
            table = table_cost(config)
            if triples:
                return 0, [], table
            proxy = RecordingProxy(store_port(config.store))
            # The manifest stays known: what is counted is the queries, not a new build.
            app = create_app(dataclasses.replace(behind_proxy(config, proxy), store_manifest_seconds=600.0))
            client = app.test_client()
            try:
                assert client.get(WARM_UP).status_code == 200
                warm_up = proxy.requests
                found = []
                for path in REMOTE_PATHS:
                    before = proxy.requests
                    url = quote(path, safe="/?=&")
                    status = client.get(url).status_code
                    missed = proxy.requests
                    client.get(url)
                    found.append((path, status, missed - before, proxy.requests - missed))
            finally:
                close_app(app)
        finally:
            if proxy is not None:
                proxy.close()
            server.stop()
    return warm_up, found, table


def synthetic(data: Path, triples: int) -> Path:
    """A data folder holding a synthetic graph of about `triples` triples (N-Quads, `thaiplan synth`)."""
    import subprocess

    data.mkdir(parents=True)
    thaiplan = str(Path(sys.executable).parent / "thaiplan")
    command = [thaiplan, "synth", "--triples", str(triples), "-o", str(data / "s.nq")]
    subprocess.run(command, check=True, capture_output=True)
    return data


def table_cost(config: Config) -> dict[str, float]:
    """The resolver's table read from the store as a worker reads it: rows, seconds, MiB kept, triples."""
    import tracemalloc

    from thaiplan.graph.store.backend import open_store
    from thaiplan.queries import resolve_table

    store = open_store(config)  # not behind the proxy: the table is measured alone
    tracemalloc.start()
    started = time.perf_counter()
    table = resolve_table.load(store)
    seconds = time.perf_counter() - started
    kept = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    if table is None:  # more than MAX_ROWS: the build goes without a table
        return {"entities": -1, "keys": -1, "seconds": seconds, "mib": kept / 2**20}
    return {
        "entities": len(table.entities),
        "keys": sum(len(found) for found in table.keys.values()),
        "seconds": seconds,
        "mib": kept / 2**20,
    }


def report_remote(
    warm_up: int, found: list[tuple[str, int, int, int]], table: dict[str, float], triples: int | None
) -> str:
    """The remote measurement as a Markdown section."""
    when = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
    graph = f"`thaiplan synth --triples {triples}`" if triples else "the curated graph"
    kept = (
        f"{table['entities']:,} entities, {table['keys']:,} keys"
        if table["entities"] >= 0
        else f"more than {MAX_ROWS:,} rows, none kept (parameters resolve on the store)"
    )
    requests = [
        f"The warm-up (`GET {WARM_UP}`, the app's first request: the manifest, the resolver's table, the "
        f"query): {warm_up} requests.",
        "",
        "| request | status | not cached | cached |",
        "| --- | --- | --- | --- |",
        *[f"| `GET {path}` | {status} | {miss} | {hit} |" for path, status, miss, hit in found],
        "",
    ]
    return "\n".join(
        [
            f"### Requests to a remote store (`oxigraph serve`) — {when} UTC",
            "",
            *(requests if found else []),
            f"The resolver's table of the build ({graph}), read as a worker reads it (one request, under "
            f"tracemalloc): {kept}, {table['seconds']:.2f} s, {table['mib']:.1f} MiB kept.",
            "",
        ]
    )


def main() -> None:
    """Build or open a store, trace the request, print and write the result."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", type=Path, help="an existing store directory (default: build one)")
    parser.add_argument("--path", default=DEFAULT_PATH, help="the request to trace")
    parser.add_argument("--label", default="", help="a heading for this run (e.g. before/after)")
    parser.add_argument("--remote", action="store_true", help="count a remote store's requests instead")
    parser.add_argument("--triples", type=int, help="with --remote: the table of a synthetic graph only")
    args = parser.parse_args()
    if args.remote:
        write(report_remote(*measure_remote(args.triples), args.triples), args.label)
        return
    with tempfile.TemporaryDirectory() as tmp:
        store_dir = args.store
        if store_dir is None:
            from thaiplan.graph.build.pipeline import build

            store_dir = Path(tmp) / "store"
            build(Config(store_dir=store_dir), out=lambda _text: None)
        section = report(*measure(store_dir, args.path), args.path)
    write(section, args.label)


def write(section: str, label: str) -> None:
    """Print a section (under its label) and append it to the results file."""
    if label:
        section = f"## {label}\n\n" + section
    print(section)
    with OUT.open("a", encoding="utf-8") as out:
        out.write("\n" + section)


if __name__ == "__main__":
    main()
