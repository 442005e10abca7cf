"""What a set-semantics default graph costs (issue 19): materialized at build, against pyoxigraph's union.

Run on demand (never in the unit tests):

    .venv/bin/python bench/default_graph.py                    # the shipped graph and a 100k synthetic one
    .venv/bin/python bench/default_graph.py --sizes 100k,1M --repeat 20

For each graph it builds a store with `thaiplan build`, then measures on that snapshot (a writable copy):
- the materialization step (`graph/default_graph.materialize`: the data graphs' triples copied once into
  the default graph): seconds, quads added, and the store's size on disk before and after;
- a researcher's query on the three candidate default graphs: the union view (a bag, what `/sparql`
  served before), a list of the data graphs as `default_graph` (also a bag) and the materialized graph
  (a set): rows of `SELECT * { ?s ?p ?o }` and median seconds of a full scan and of a 2-hop join;
- the named query `trace-up` (the project's own queries, which need the ontology and the indexes too)
  with the union flag before the copy, with the union flag after it (the copy seen beside its graphs),
  with every named graph listed after it, and on the copy plus the private graphs (what the server
  uses): median milliseconds.
Results go to `bench/results/default-graph.md`, with the machine, the commit and the time.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from thaiplan.config import Config
from thaiplan.graph.build import default_graph
from thaiplan.graph.build.pipeline import build
from thaiplan.graph.store.api import default_graphs
from thaiplan.graph.store.local import current_snapshot
from thaiplan.ontology.namespace import TP_NS

ROOT = Path(__file__).resolve().parent.parent

RESULTS = ROOT / "bench" / "results" / "default-graph.md"
SCAN = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?b ?q ?c }"
TP = TP_NS
FIRST_PROJECT = f"SELECT ?e WHERE {{ GRAPH ?g {{ ?e a <{TP}Project> }} }} ORDER BY ?e LIMIT 1"


def median_seconds(run: Callable[[], object], repeat: int) -> float:
    """The median wall time of `repeat` runs (results consumed)."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        if isinstance(result, ox.QuerySolutions):
            for _row in result:
                pass
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def disk_bytes(path: Path) -> int:
    """Bytes of the files under `path`."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def count(store: ox.Store, query: str, **dataset: object) -> int:
    """The one number a COUNT query returns."""
    return int(next(iter(store.query(query, **dataset)))["n"].value)  # type: ignore[arg-type,index]


def trace_up(store: ox.Store, entity: ox.NamedNode, **dataset: object) -> ox.QuerySolutions:
    """The named query trace-up for `entity`, with the given dataset arguments."""
    text = (ROOT / "queries" / "trace-up.rq").read_text(encoding="utf-8")
    return store.query(text, substitutions={ox.Variable("entity"): entity}, **dataset)  # type: ignore[return-value,arg-type]


def measure(name: str, data_dir: Path | None, repeat: int, work: Path) -> dict[str, object]:
    """Build one graph and measure the three default graphs on it."""
    config = Config(store_dir=work / name / "store")
    build(config, data_dir, out=lambda _: None)
    snapshot = current_snapshot(config.store_dir)
    assert snapshot is not None
    copy = work / name / "copy"
    shutil.copytree(snapshot, copy)
    store = ox.Store(str(copy))
    store.clear_graph(ox.DefaultGraph())  # the store as it was before issue 19
    store.optimize()
    size_before = disk_bytes(copy)
    entity = next(iter(store.query(FIRST_PROJECT)))["e"]  # type: ignore[index]
    union = {"use_default_graph_as_union": True}
    public = default_graph.public_graphs(store.named_graphs())
    listed = {"default_graph": public}
    everything = {"default_graph": default_graph.named_graphs_of(store)}
    row: dict[str, object] = {"graph": name}
    row["trace_union_before_ms"] = 1000 * median_seconds(lambda: trace_up(store, entity, **union), repeat)
    row["rows_union"] = count(store, SCAN, **union)
    row["rows_listed"] = count(store, SCAN, **listed)
    row["scan_union_s"] = median_seconds(lambda: store.query(SCAN, **union), repeat)
    row["join_union_s"] = median_seconds(lambda: store.query(JOIN, **union), repeat)
    row["scan_listed_s"] = median_seconds(lambda: store.query(SCAN, **listed), repeat)
    row["join_listed_s"] = median_seconds(lambda: store.query(JOIN, **listed), repeat)
    started = time.perf_counter()
    row["materialized"] = default_graph.materialize(store)
    row["materialize_s"] = time.perf_counter() - started
    store.optimize()
    row["disk_before_mb"] = size_before / 1e6
    row["disk_after_mb"] = disk_bytes(copy) / 1e6
    row["rows_set"] = count(store, SCAN)
    row["scan_set_s"] = median_seconds(lambda: store.query(SCAN), repeat)
    row["join_set_s"] = median_seconds(lambda: store.query(JOIN), repeat)
    row["trace_union_after_ms"] = 1000 * median_seconds(lambda: trace_up(store, entity, **union), repeat)
    listed_after = median_seconds(lambda: trace_up(store, entity, **everything), repeat)
    row["trace_listed_after_ms"] = 1000 * listed_after
    copy_and_private = {"default_graph": default_graphs(store)}
    row["trace_copy_ms"] = 1000 * median_seconds(lambda: trace_up(store, entity, **copy_and_private), repeat)
    return row


def synth_dir(size: str, work: Path) -> Path:
    """A data folder holding `thaiplan synth --triples size`."""
    folder = work / f"synth-{size}"
    folder.mkdir(parents=True, exist_ok=True)
    thaiplan = Path(sys.executable).with_name("thaiplan")
    subprocess.run([str(thaiplan), "synth", "--triples", size, "-o", str(folder / "synth.nq")], check=True)
    return folder


def render(rows: list[dict[str, object]], repeat: int) -> str:
    """The results as Markdown."""
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()  # fmt: skip
    lines = [
        "# The default graph as a set (issue 19)",
        "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {commit}, {platform.machine()}, "
        f"Python {platform.python_version()}, pyoxigraph {getattr(ox, '__version__', '?')}; "
        f"medians of {repeat} runs. Generated by `bench/default_graph.py`.",
        "",
        "| graph | rows: union (bag) | rows: list of data graphs (bag) | rows: materialized (set) "
        "| materialize s | disk MB before → after |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| {r['graph']} | {r['rows_union']:,} | {r['rows_listed']:,} | {r['rows_set']:,} "
            f"| {r['materialize_s']:.2f} | {r['disk_before_mb']:.1f} → {r['disk_after_mb']:.1f} |"
        )
    lines += [
        "",
        "| graph | scan s: union / list / set | 2-hop join s: union / list / set "
        "| trace-up ms: union before / union after / named graphs listed after / copy + private graphs |",
        "| --- | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| {r['graph']} | {r['scan_union_s']:.3f} / {r['scan_listed_s']:.3f} / {r['scan_set_s']:.3f} "
            f"| {r['join_union_s']:.3f} / {r['join_listed_s']:.3f} / {r['join_set_s']:.3f} "
            f"| {r['trace_union_before_ms']:.1f} / {r['trace_union_after_ms']:.1f} / "
            f"{r['trace_listed_after_ms']:.1f} / {r['trace_copy_ms']:.1f} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    """Measure the shipped graph and the synthetic sizes asked for."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100k", help="synthetic sizes, comma-separated (empty: none)")
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="thaiplan-default-graph-") as tmp:
        work = Path(tmp)
        rows = [measure("shipped", None, args.repeat, work)]
        for size in filter(None, args.sizes.split(",")):
            rows.append(measure(f"synth {size}", synth_dir(size, work), args.repeat, work))
    text = render(rows, args.repeat)
    args.output.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
