"""An import's curated file: the last one read back, the new one written atomically with its spreadsheet."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from thaiplan.graph.imports.cells import mapping
from thaiplan.graph.imports.quads import PREVIOUS, ImportGraph


def import_name(path: Path) -> str:
    """The import's name (its curated file's stem): the spreadsheet's name, lower-case ASCII and hyphens."""
    import hashlib

    stem = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
    if not stem:
        digest = hashlib.sha256(path.stem.encode("utf-8")).hexdigest()[:12]
        stem = f"sheet-{digest}"
    return stem


def previous(target: Path, store: ox.Store | None = None) -> ImportGraph:
    """The curated file of the last import of the same spreadsheet, read into `store` (empty when none)."""
    graph = ImportGraph(store, PREVIOUS)
    if target.is_file():
        graph.store.load(path=str(target), format=ox.RdfFormat.TURTLE, to_graph=PREVIOUS)
    return graph


def write_atomically(target: Path, graph: Graph | ImportGraph, spreadsheet: Path) -> None:
    """Write the curated Turtle and keep the spreadsheet beside it, each through a temporary file + rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(graph, ImportGraph):
        graph = graph.rdflib()  # rdflib's Turtle: prefixes and grouped subjects, as reviewers read it
    for prefix, iri in mapping()["prefixes"].items():
        graph.bind(prefix, iri)
    text = graph.serialize(format="turtle")
    header = (
        f"# Imported from {spreadsheet.name} by `thaiplan import` (issue 16): do not edit by hand;\n"
        "# change the spreadsheet and import it again.\n"
    )
    copy = target.with_suffix(spreadsheet.suffix.lower())
    for path, data in ((copy, spreadsheet.read_bytes()), (target, (header + text).encode("utf-8"))):
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(fd, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
