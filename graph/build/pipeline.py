"""`thaiplan build`: load the ontology and the curated data into a new store snapshot, atomically.

Steps, all inside a new snapshot directory that becomes current only when every step succeeded: load each
Turtle file into its named graph (pyoxigraph's parser reports file, line and column), check every quote
against its normalized source, materialize the transitive closures, copy the data graphs' triples once
into the default graph (graph/build/default_graph.py), count what was loaded.
"""

from __future__ import annotations

import errno
import gc
import os
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from thaiplan.config import Config
from thaiplan.errors import InputError, ThaiplanError
from thaiplan.graph.build import default_graph, indexes, report
from thaiplan.graph.build.inputs import Input, build_inputs, files_by_graph, rdf_source
from thaiplan.graph.build.report import BuildReport
from thaiplan.graph.store.local import build_lock, new_snapshot
from thaiplan.graph.text import quotes


def build(
    config: Config, data_dir: Path | None = None, *, out: Callable[[str], object] = print
) -> BuildReport:
    """Build a new snapshot in `config.store_dir` from the ontology and the curated data, then switch."""
    started = time.perf_counter()
    if data_dir is not None and not Path(data_dir).is_dir():
        why = "is not a folder" if os.path.lexists(data_dir) else "does not exist"
        raise InputError(f"data folder {data_dir} {why}")
    inputs = build_inputs(data_dir)
    if config.store:  # a remote store: build in a local scratch store, then publish it there (issue 7)
        from thaiplan.graph.store.publish import build_remote

        return build_remote(config, inputs, started, fill=_fill, out=out)
    try:
        # The index worker is forked before the lock is taken: a child must never hold the build lock.
        with (
            indexes.started(input_files(inputs)) as derive,
            build_lock(config.store_dir),
            new_snapshot(config.store_dir) as (sid, path),
        ):
            result = _fill(path, inputs, derive)
            result.snapshot_id = sid
    except OSError as exc:
        # Writing failed (disk full, read-only, I/O error): the new snapshot is gone, CURRENT untouched.
        raise write_failure(config.store_dir, exc) from exc
    result.seconds = time.perf_counter() - started
    out(result.render())
    return result


def _fill(path: Path, inputs: list[Input], derive: indexes.Derive | None = None) -> BuildReport:
    """Load, check, infer and count in a fresh store at `path`; the store is released on return.

    `derive` adds the closures and indexes (from `indexes.started`, entered before the store is opened: for
    large inputs a worker derives them from the input files while this process bulk-loads them, issue 7).
    """
    if derive is None:
        with indexes.started(input_files(inputs)) as started:
            return _fill(path, inputs, started)
    try:
        store = ox.Store(str(path))
    except OSError as exc:
        if is_write_failure(exc):
            raise  # build() reports a full disk with what it means for the current snapshot
        raise ThaiplanError(f"cannot create a store in {path}: {exc}") from exc
    for item in inputs:
        load_file(store, item)
    checked = quotes.check_quotes(store, files_by_graph(inputs))
    store.bulk_extend(quotes.offset_quads(store))  # where each passage stands in its source (issue 15)
    unchecked = quotes.count_unchecked(store)
    derived = derive(store)
    # What /sparql serves as its default graph: the data graphs' triples, each once (issue 19).
    default_graph.materialize(store)
    result = BuildReport(
        snapshot_id="",
        snapshot_dir=path,
        files=[i.path for i in inputs],
        triples_per_graph=report.count_graphs(store),
        entities_per_class=report.count_classes(store),
        inferred=derived.inferred,
        indexed=derived.indexed,
        quotes_checked=checked,
        quotes_unchecked=unchecked,
    )
    store.flush()
    # Compact now, in the foreground: without it RocksDB compacts the bulk-loaded files in background
    # threads, and a reader opening the snapshot (the remote publish, a server) met a file that compaction
    # had just deleted ("Corruption: … .sst: No such file", seen twice in test runs). 1.9 s at 1M triples.
    store.optimize()
    # Close the writable store before anyone opens the snapshot: the frames of the queries above keep it
    # in reference cycles, and while it lives RocksDB may delete files under a reader (the same error).
    del store
    gc.collect()
    return result


# pyoxigraph's format for each file extension the build reads (see inputs.FORMATS).
_OX_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".nq": ox.RdfFormat.N_QUADS}


def input_files(inputs: list[Input]) -> list[tuple[Path, ox.RdfFormat]]:
    """Each input file with the format it is loaded in (what the index worker parses)."""
    return [(i.path, ox_format(i)) for i in inputs]


def ox_format(item: Input) -> ox.RdfFormat:
    """pyoxigraph's format for an input file, by its extension."""
    return _OX_FORMATS.get(item.path.suffix, ox.RdfFormat.TURTLE)


def load_file(store: ox.Store, item: Input) -> None:
    """Bulk-load one data file into its named graph; a syntax error names the file, line and column.

    Relative IRIs resolve against the file's own `file:` IRI and a UTF-8 BOM is skipped (issues 19, 13).
    """
    fmt = ox_format(item)
    graph = ox.NamedNode(item.graph) if item.graph is not None else None  # N-Quads name their graphs
    try:
        with rdf_source(item.path) as source:
            store.bulk_load(format=fmt, to_graph=graph, **source)
    except SyntaxError as exc:
        raise InputError(f"{item.path}:{exc.lineno}:{exc.offset}: bad {fmt.name}: {exc.msg}") from exc
    except FileNotFoundError as exc:
        raise InputError(f"{item.path}: file not found") from exc
    except MemoryError as exc:
        # pyoxigraph caps one token (a literal, an IRI) at 16 MiB and says so as a MemoryError.
        raise InputError(f"{item.path}: too large to load: {exc} (a literal or IRI over 16 MiB?)") from exc
    except OSError as exc:
        if is_write_failure(exc):
            raise  # the store's disk, not the input: build() reports it
        raise InputError(f"{item.path}: cannot read: {exc}") from exc


# Errors of the disk that holds the store (pyoxigraph's OSError carries no errno, only RocksDB's text).
_WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO}
_WRITE_TEXTS = ("No space left on device", "Disk quota exceeded", "Read-only file system")


def is_write_failure(exc: OSError) -> bool:
    """True when an OSError is the store's disk failing (full, quota, read-only), not unreadable input."""
    return exc.errno in _WRITE_ERRNOS or any(text in str(exc) for text in _WRITE_TEXTS)


def write_failure(store_dir: Path, exc: OSError) -> ThaiplanError:
    """The message for a build that could not write its snapshot; the previous one is still served."""
    why = "the disk is full" if "No space left" in str(exc) or exc.errno == errno.ENOSPC else "writing failed"
    return ThaiplanError(
        f"the build could not write its new snapshot in {store_dir}: {why} ({exc}). The previous snapshot "
        "is untouched and still served; free some space (or use --store on another disk) and build again."
    )
