"""`thaiplan build` on a remote store: build in a local scratch store, then publish it with one switch.

The closures, the indexes and the quote check run exactly as for the embedded store (in an embedded
scratch store in a temporary directory), so the remote store needs nothing but SPARQL 1.1 Query, Update
and the Graph Store HTTP Protocol.

Rebuilds never show readers half a graph. A build uploads every named graph to a staging graph
(`urn:thaiplan:staging:<id>:<graph>`) with the Graph Store HTTP Protocol, in requests of bounded size that
keep each blank-node component whole (see "uploading in bounded memory"), checks the staging counts, then
switches in ONE SPARQL Update request: `MOVE` each staging graph onto its live name, drop the graphs the
new build no longer has, and replace the manifest graph (`urn:thaiplan:manifest`: the build id and its
graphs). `graph/store/remote.py` says what readers see meanwhile.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain
from pathlib import Path
from string import Template
from typing import Any

import pyoxigraph as ox

from thaiplan.config import Config
from thaiplan.errors import ThaiplanError
from thaiplan.graph.build import default_graph
from thaiplan.graph.build.inputs import Input
from thaiplan.graph.build.report import BuildReport
from thaiplan.graph.store.client import Manifest, RemoteClient, RemoteSettings
from thaiplan.graph.store.local import new_snapshot_id
from thaiplan.graph.store.remote import MANIFEST_BUILD, MANIFEST_GRAPH
from thaiplan.rq import read_rq

STAGING_PREFIX = "urn:thaiplan:staging:"
DCTERMS = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
# The embedded build's own steps (graph/build/pipeline.py `_fill`): load, check, infer and count in a
# fresh store at a path. Passed in by the build, so that this module does not import the pipeline back.
Fill = Callable[[Path, list[Input]], BuildReport]


def build_remote(
    config: Config,
    inputs: list[Input],
    started: float,
    *,
    fill: Fill,
    out: Callable[[str], object] = print,
    before_switch: Callable[[], Any] | None = None,
) -> BuildReport:
    """Build the graph locally with `fill` and publish it to the remote store of `config` atomically."""
    client = RemoteClient(RemoteSettings.from_config(config))
    for name, value in (
        ("THAIPLAN_STORE_UPDATE", config.store_update),
        ("THAIPLAN_STORE_GSP", config.store_gsp),
    ):
        if not value:
            raise ThaiplanError(f"`thaiplan build` on the SPARQL store at {config.store} needs {name}")
    client.manifest()  # fail early, before the local work, when the store is down
    sid = new_snapshot_id()
    with tempfile.TemporaryDirectory(prefix="thaiplan-build-") as tmp:
        scratch_dir = Path(tmp) / "scratch"
        result = fill(scratch_dir, inputs)
        # The default graph's set travels as a named graph of the build (issue 19: a remote default graph
        # is a set too); `graph/build/default_graph.py` serves it.
        default_graph.name_copy(scratch_dir)
        scratch = ox.Store.read_only(str(scratch_dir))
        try:
            publish(client, scratch, sid, before_switch=before_switch)
        finally:
            del scratch
    result.snapshot_id = sid
    result.snapshot_dir = config.store  # type: ignore[assignment]
    result.seconds = time.perf_counter() - started
    out(result.render())
    return result


def read_ru(name: str) -> Template:
    """The update template `graph/sparql/<name>.ru`; its `$names` are filled with `.n3()`-style terms."""
    return Template(read_rq("graph", name + ".ru"))


def staging_iri(sid: str, graph: str) -> str:
    """The staging name of one graph during the build `sid`."""
    return f"{STAGING_PREFIX}{sid}:{graph}"


def drop_stale_staging(client: RemoteClient, prefix: str = STAGING_PREFIX) -> list[str]:
    """Drop staging graphs that killed or failed builds left behind (those under `prefix`); return them."""
    stale = sorted(client.graph_counts(prefix))
    if stale:
        drop = read_ru("remote-drop")
        client.update(
            " ;\n".join(drop.substitute(graph=ox.NamedNode(g)) for g in stale), "clean-up of staging graphs"
        )
    return stale


def switch_update(sid: str, graphs: Sequence[str], previous: Sequence[str], modified: str) -> str:
    """The one update request that makes the staged build live: MOVEs, DROPs, the new manifest."""
    move, drop = read_ru("remote-move"), read_ru("remote-drop")
    steps = [
        move.substitute(staging=ox.NamedNode(staging_iri(sid, g)), graph=ox.NamedNode(g)) for g in graphs
    ]
    steps += [drop.substitute(graph=ox.NamedNode(g)) for g in previous if g not in set(graphs)]
    build = ox.NamedNode(MANIFEST_BUILD)
    triples = [
        ox.Triple(build, ox.NamedNode(DCTERMS + "identifier"), ox.Literal(sid)),
        ox.Triple(
            build,
            ox.NamedNode(DCTERMS + "modified"),
            ox.Literal(modified, datatype=ox.NamedNode(XSD + "dateTime")),
        ),
        *(ox.Triple(build, ox.NamedNode(DCTERMS + "hasPart"), ox.NamedNode(g)) for g in graphs),
    ]
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
    steps.append(read_ru("remote-manifest").substitute(manifest=ox.NamedNode(MANIFEST_GRAPH), triples=data))
    return " ;\n".join(steps)


def publish(
    client: RemoteClient,
    scratch: ox.Store,
    sid: str,
    *,
    before_switch: Any = None,
) -> Manifest:
    """Upload every named graph of `scratch` to staging graphs, check them, then switch in one update.

    `before_switch` (tests) is called once everything is staged, just before the switch.
    """
    previous = client.manifest()
    drop_stale_staging(client)
    graphs = sorted(g.value for g in scratch.named_graphs() if isinstance(g, ox.NamedNode))
    try:
        expected = upload(client, scratch, sid, graphs)
    except ThaiplanError:
        _drop_quietly(client, f"{STAGING_PREFIX}{sid}:")
        raise
    staged = client.graph_counts(f"{STAGING_PREFIX}{sid}:")
    wrong = {g: (n, staged.get(g, 0)) for g, n in expected.items() if staged.get(g, 0) != n}
    if wrong:
        drop_stale_staging(client)
        listed = ", ".join(f"<{g}>: {got} of {n} triples" for g, (n, got) in sorted(wrong.items())[:5])
        raise ThaiplanError(
            f"the staged graphs in the SPARQL store at {client.settings.query_url} are not complete "
            f"({listed}); nothing was switched (is another build running?)"
        )
    if before_switch is not None:
        before_switch()
    client.update(switch_update(sid, graphs, previous.graphs if previous else (), _now()), "switch")
    return Manifest(sid, tuple(graphs))


def _drop_quietly(client: RemoteClient, prefix: str) -> None:
    """Drop a failed upload's staging graphs if the store lets us; else the next build drops them."""
    with contextlib.suppress(ThaiplanError):
        drop_stale_staging(client, prefix)


# --- uploading in bounded memory -----------------------------------------------------------------------
#
# Each graph streams from the scratch store in requests of at most `upload_bytes`: the first a Graph Store
# PUT (replacing the staging graph), the rest POSTs (which add). A request scopes blank node labels to
# itself, so the triples of one blank-node component (blank nodes joined by triples) go in one request.
# A component that spans several named graphs goes in one SPARQL Update whose template names each graph
# (`remote-insert-shared.ru`): the template's blank nodes are one fresh node per label for the request.


def upload(client: RemoteClient, scratch: ox.Store, sid: str, graphs: Sequence[str]) -> dict[str, int]:
    """Send every graph of `graphs` to its staging graph in bounded requests; return the staged counts."""
    pieces = Pieces(scratch, graphs)
    limit = client.settings.upload_bytes
    for graph in graphs:
        target = staging_iri(sid, graph)
        for number, chunk in enumerate(chunks(pieces.of_graph(graph), limit), start=1):
            what = f"upload of <{graph}> (part {number}, {len(chunk)} bytes)"
            client.send_graph(target, chunk, replace=number == 1, what=what)
            del chunk  # before the next one is filled: one chunk in memory at a time
    insert = read_ru("remote-insert-shared")
    shared = chunks(pieces.shared(lambda g: staging_iri(sid, g)), limit)
    for number, chunk in enumerate(filter(None, shared), start=1):
        what = f"upload of blank nodes shared by named graphs (part {number}, {len(chunk)} bytes)"
        client.update(insert.substitute(graphs=chunk.decode("utf-8")), what, large=True)
    return {staging_iri(sid, g): n for g, n in pieces.counts.items()}


def chunks(pieces: Iterable[bytes], limit: int) -> Iterator[bytearray]:
    """Pieces joined into chunks of at most `limit` bytes, a bigger piece alone; always one chunk at least.

    A chunk grows in one buffer, sent as it is: the memory is about one chunk, not a list of lines and a copy.
    """
    held, sent = bytearray(), False
    for piece in pieces:
        if held and len(held) + len(piece) > limit:
            yield held
            held, sent = bytearray(), True
        held += piece
    if held or not sent:
        yield held


class Pieces:
    """The named graphs of a store as upload pieces: each triple without blank nodes, each component whole.

    Memory: the component in hand, the labels of the current graph's blank nodes already sent, and one
    blank node per component shared by several graphs (sent last, by `shared`).
    """

    def __init__(self, store: ox.Store, graphs: Sequence[str]) -> None:
        self.store = store
        self.named = frozenset(ox.NamedNode(g) for g in graphs)
        self.counts: dict[str, int] = {}
        self.shared_labels: set[str] = set()
        self.shared_seeds: list[ox.BlankNode] = []

    def of_graph(self, graph: str) -> Iterator[bytes]:
        """N-Triples pieces of one graph; its components that reach other graphs are kept for `shared`."""
        name = ox.NamedNode(graph)
        sent: set[str] = set()  # labels of this graph's components already yielded
        count = 0
        for quad in self.store.quads_for_pattern(None, None, None, name):
            count += 1
            blank = first_blank(quad)
            if blank is None:
                yield ntriples_line(quad)
            elif blank.value not in sent and blank.value not in self.shared_labels:
                quads, labels = component(self.store, blank, self.named)
                if all(q.graph_name == name for q in quads):
                    sent |= labels
                    yield b"".join(ntriples_line(q) for q in quads)
                else:
                    self.shared_labels |= labels
                    self.shared_seeds.append(blank)
        self.counts[graph] = count

    def shared(self, target: Callable[[str], str]) -> Iterator[bytes]:
        """One piece per component spanning several graphs: a `GRAPH <target(g)> { … }` block per graph."""
        block = read_ru("remote-insert-graph")
        for seed in self.shared_seeds:
            quads, _ = component(self.store, seed, self.named)
            by_graph: dict[str, list[bytes]] = {}
            for quad in quads:
                by_graph.setdefault(quad.graph_name.value, []).append(ntriples_line(quad))
            yield "".join(
                block.substitute(graph=ox.NamedNode(target(g)), triples=b"".join(lines).decode("utf-8"))
                for g, lines in sorted(by_graph.items())
            ).encode("utf-8")


def component(
    store: ox.Store, seed: ox.BlankNode, named: frozenset[ox.NamedNode]
) -> tuple[list[ox.Quad], set[str]]:
    """The quads of the graphs `named` that hold a blank node connected to `seed`, and those nodes' labels."""
    labels, todo = {seed.value}, [seed]
    quads: dict[ox.Quad, None] = {}  # insertion-ordered: a component's triples in the order found
    while todo:
        node = todo.pop()
        around = chain(store.quads_for_pattern(node, None, None), store.quads_for_pattern(None, None, node))
        for quad in around:
            if quad.graph_name not in named or quad in quads:
                continue
            quads[quad] = None
            for term in (quad.subject, quad.object):
                if type(term) is ox.BlankNode and term.value not in labels:
                    labels.add(term.value)
                    todo.append(term)
    return list(quads), labels


def first_blank(quad: ox.Quad) -> ox.BlankNode | None:
    """The quad's blank subject or object, if any (a blank node inside a triple term is refused)."""
    for term in (quad.subject, quad.object):
        if type(term) is ox.BlankNode:
            return term
    if type(quad.object) is ox.Triple and _holds_blank(quad.object):
        raise ThaiplanError(
            f"a triple term holding a blank node cannot be uploaded to a SPARQL store ({quad}): "
            "give the blank node an IRI"
        )
    return None


def _holds_blank(triple: ox.Triple) -> bool:
    """True when a triple term has a blank node anywhere inside it."""
    return any(
        type(t) is ox.BlankNode or (type(t) is ox.Triple and _holds_blank(t))
        for t in (triple.subject, triple.object)
    )


def ntriples_line(quad: ox.Quad) -> bytes:
    """The quad's triple as one N-Triples line (pyoxigraph writes each term in N-Triples syntax)."""
    return f"{quad.subject} {quad.predicate} {quad.object} .\n".encode()


def _now() -> str:
    """The current UTC time as xsd:dateTime text."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
