"""Helpers for the SPARQL endpoint tests (issue 5): a test store in the store's snapshot layout, an app.

No tests here; the test modules build their fixtures from these functions.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
from flask import Flask

from thaiplan.config import Config
from thaiplan.graph.build import default_graph
from thaiplan.graph.store.local import build_lock, new_snapshot
from thaiplan.server import create_app

ROOT = Path(__file__).resolve().parent.parent
# The W3C suites, vendored (tests/data/w3c/README.md: where they come from, their licence).
W3C_DATA = ROOT / "tests" / "data" / "w3c"
W3C_DIR = W3C_DATA / "sparql11-protocol"
W3C_GRAPH = "http://kasei.us/2009/09/sparql/data/data{}.rdf"
THAI_GRAPH = "https://w3id.org/thaiplan/graph/test-thai"
NUMBERS_GRAPH = "https://w3id.org/thaiplan/graph/test-numbers"
EX = "https://example.org/"
SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
# Sara am, tone marks, Thai digits and an abbreviation with dots: the text that breaks naive handling.
THAI = "สำนักงานคณะกรรมการพัฒนาระบบราชการ (ก.พ.ร.) ปี ๒๕๖๗"
# Characters each format must escape: quotes, a tab, a newline, markup and a comma.
TRICKY = 'บรรทัดแรก\n"อ้างอิง"\t<b>&amp;</b>, จบ'
OPDC = "https://w3id.org/thaiplan/id/agency/opdc"


def make_store(store_dir: Path, numbers: int = 60) -> Path:
    """A store in `store_dir` with the W3C protocol data as named graphs, Thai labels and numbers."""
    with build_lock(store_dir), new_snapshot(store_dir) as (_sid, path):
        store = ox.Store(str(path))
        for i in (1, 2, 3):
            store.load(
                path=str(W3C_DIR / f"data{i}.nt"),
                format=ox.RdfFormat.N_TRIPLES,
                to_graph=ox.NamedNode(W3C_GRAPH.format(i)),
            )
        thai = ox.NamedNode(THAI_GRAPH)
        opdc = ox.NamedNode(OPDC)
        store.add(ox.Quad(opdc, ox.NamedNode(SKOS_PREF), ox.Literal(THAI, language="th"), thai))
        store.add(ox.Quad(opdc, ox.NamedNode(EX + "note"), ox.Literal(TRICKY), thai))
        graph = ox.NamedNode(NUMBERS_GRAPH)
        for n in range(numbers):
            store.add(ox.Quad(ox.NamedNode(f"{EX}n{n}"), ox.NamedNode(EX + "value"), ox.Literal(n), graph))
        default_graph.materialize(store)  # what /sparql serves without a dataset, as a build makes it
        store.flush()
        del store  # the snapshot must be closed before it becomes current
    return store_dir


def make_app(store_dir: Path, **settings: object) -> Flask:
    """An app over `store_dir` with test settings (short time limit unless given)."""
    values: dict[str, object] = {"store_dir": store_dir, "query_timeout": 20.0, "workers": 2}
    values.update(settings)
    app = create_app(Config(**values))  # type: ignore[arg-type]
    app.testing = True
    return app


@contextlib.contextmanager
def running_app(store_dir: Path, **settings: object) -> Iterator[Flask]:
    """An app whose query workers are stopped when the block ends."""
    app = make_app(store_dir, **settings)
    try:
        yield app
    finally:
        app.extensions["thaiplan_pool"].close()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
