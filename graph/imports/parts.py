"""An import's rows a chunk at a time (issue 16): each chunk's triples kept compressed once it is checked.

A chunk of rows is converted, compared with the last import and validated in an in-memory store of its
own, which then goes: a pyoxigraph store holds some 600 bytes a quad, and 100,000 project rows make 7.5
million quads (4.4 GiB, bench/results/import-100k.md). What stays is the chunk's N-Triples, compressed
(about 12 bytes a quad), and the written forms of its literals; the whole graph is read back into one
store only when it is written (`Parts.graph`). Rows are chunked only where the mapping says a kind's rows
are independent (`independent_rows`): there no shape's result on a row's entity reads another row's.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import TypeVar

import pyoxigraph as ox
from rdflib import Literal

from thaiplan.errors import ThaiplanError
from thaiplan.graph.imports.quads import IMPORTED, ImportGraph

# Rows per chunk for the kinds whose rows are independent: a chunk's validation store (its rows, the
# curated graph, entailments, focus sets) stays near 0.3 GiB.
CHUNK_ROWS = 4_000
T = TypeVar("T")


class Parts:
    """The checked chunks of one import: their triples (compressed N-Triples) and their literals' written
    forms."""

    def __init__(self, keep: bool = True) -> None:
        """No chunk yet; without `keep` (a dry run), the chunks' triples are not kept."""
        self.keep = keep
        self._chunks: list[bytes] = []
        self._written: dict[str, Literal] = {}
        self._graph: ImportGraph | None = None

    def add(self, graph: ImportGraph) -> None:
        """Keep a chunk's triples (as the store holds them) and the forms its rows wrote its literals in."""
        if not self.keep:
            return
        for canonical, written in graph.written_forms().items():
            self._written.setdefault(canonical, written)  # the first row's form wins, as in one store
        data = graph.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph.name)
        self._chunks.append(zlib.compress(data, 1))
        self._graph = None

    def graph(self) -> ImportGraph:
        """Every chunk's triples in one import graph, read back as the rows wrote them (made once)."""
        if not self.keep:
            raise ThaiplanError("a dry run keeps no graph to write")
        if self._graph is None:
            graph = ImportGraph()
            for chunk in self._chunks:
                graph.store.load(zlib.decompress(chunk), format=ox.RdfFormat.N_TRIPLES, to_graph=IMPORTED)
            graph.know_written(self._written)
            self._graph = graph
        return self._graph


def chunks(items: list[T], size: int | None) -> Iterator[list[T]]:
    """The items in runs of `size` (all in one run when `size` is None)."""
    if size is None or size <= 0:
        yield items
        return
    for start in range(0, max(len(items), 1), size):
        yield items[start : start + size]
