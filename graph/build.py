"""`thaiplan build`: load the ontology and the curated data into a new store snapshot, atomically.

Steps, all inside a new snapshot directory that becomes current only when every step succeeded: load each
Turtle file into its named graph (pyoxigraph's parser reports file, line and column), check every quote
against its normalized source, materialize the transitive closures, count what was loaded.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
from thaiplan.graph import closure, indexes, quotes, report
from thaiplan.graph.inputs import Input, build_inputs, files_by_graph
from thaiplan.graph.report import BuildReport
from thaiplan.graph.store import build_lock, new_snapshot

from thaiplan.config import Config
from thaiplan.errors import InputError, ThaiplanError


def build(
    config: Config, data_dir: Path | None = None, *, out: Callable[[str], object] = print
) -> BuildReport:
    """Build a new snapshot in `config.store_dir` from the ontology and the curated data, then switch."""
    started = time.perf_counter()
    if data_dir is not None and not Path(data_dir).is_dir():
        raise InputError(f"data folder {data_dir} does not exist")
    inputs = build_inputs(data_dir)
    with build_lock(config.store_dir), new_snapshot(config.store_dir) as (sid, path):
        result = _fill(path, inputs)
        result.snapshot_id = sid
    result.seconds = time.perf_counter() - started
    out(result.render())
    return result


def _fill(path: Path, inputs: list[Input]) -> BuildReport:
    """Load, check, infer and count in a fresh store at `path`; the store is released on return."""
    try:
        store = ox.Store(str(path))
    except OSError as exc:
        raise ThaiplanError(f"cannot create a store in {path}: {exc}") from exc
    for item in inputs:
        load_file(store, item)
    checked = quotes.check_quotes(store, files_by_graph(inputs))
    inferred = closure.materialize(store, path)
    indexed = indexes.materialize(store)
    result = BuildReport(
        snapshot_id="",
        snapshot_dir=path,
        files=[i.path for i in inputs],
        triples_per_graph=report.count_graphs(store),
        entities_per_class=report.count_classes(store),
        inferred=inferred,
        indexed=indexed,
        quotes_checked=checked,
    )
    store.flush()
    store.optimize()
    return result


def load_file(store: ox.Store, item: Input) -> None:
    """Bulk-load one Turtle file into its named graph; a syntax error names the file, line and column."""
    try:
        store.bulk_load(path=str(item.path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(item.graph))
    except SyntaxError as exc:
        raise InputError(f"{item.path}:{exc.lineno}:{exc.offset}: bad Turtle: {exc.msg}") from exc
    except FileNotFoundError as exc:
        raise InputError(f"{item.path}: file not found") from exc
    except OSError as exc:
        raise InputError(f"{item.path}: cannot read: {exc}") from exc
