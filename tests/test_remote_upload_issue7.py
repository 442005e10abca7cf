"""Remote builds upload in bounded memory (issue 7): each graph in requests of THAIPLAN_STORE_UPLOAD_MB.

The chunker is tested on its own (components whole, the size bound, a component bigger than a chunk, blank
nodes shared by graphs), then whole builds go to real servers (Oxigraph's and Virtuoso, the `remote`
fixture) in chunks of a few KiB: what arrives must be the scratch store's dataset, blank nodes compared up
to isomorphism, and an upload that fails half-way must leave the live graphs alone.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from tests.test_remote_support import Server, remote_config
from thaiplan.config import Config
from thaiplan.errors import InputError, ThaiplanError
from thaiplan.graph.build.inputs import build_inputs, default_data_dir
from thaiplan.graph.build.pipeline import _fill, build
from thaiplan.graph.store import publish as publish_module
from thaiplan.graph.store.client import RemoteClient, RemoteSettings, upload_bytes
from thaiplan.graph.store.publish import STAGING_PREFIX, Pieces, build_remote, chunks, read_ru

EX = "https://example.org/issue7/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
GRAPH_A, GRAPH_B = EX + "graph/a", EX + "graph/b"
TINY_MB = 4 / 1024  # 4 KiB requests: every real graph needs several
LIST_LENGTH = 120  # an RDF list this long is one component of about 12 KiB: bigger than a chunk

# Every quad of the build's graphs, with the graph (blank node labels are the same node across one answer).
ALL_QUADS = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"


# --- the data: blank nodes in every shape the chunker must keep whole ------------------------------------


def n(local: str) -> ox.NamedNode:
    """An IRI in the test namespace."""
    return ox.NamedNode(EX + local)


def rdf_list(items: list[ox.Literal], graph: ox.NamedNode) -> tuple[ox.BlankNode, list[ox.Quad]]:
    """An RDF list (a chain of blank nodes) of `items` in `graph`: its head and its quads."""
    nodes = [ox.BlankNode() for _ in items]
    quads = []
    for i, (node, item) in enumerate(zip(nodes, items, strict=True)):
        rest: ox.NamedNode | ox.BlankNode = nodes[i + 1] if i + 1 < len(nodes) else ox.NamedNode(RDF + "nil")
        quads += [
            ox.Quad(node, ox.NamedNode(RDF + "first"), item, graph),
            ox.Quad(node, ox.NamedNode(RDF + "rest"), rest, graph),
        ]
    return nodes[0], quads


def tricky_quads() -> list[ox.Quad]:
    """Plain triples, a reified statement, a two-node chain, a long list, and a node two graphs share."""
    a, b = ox.NamedNode(GRAPH_A), ox.NamedNode(GRAPH_B)
    quads = [
        ox.Quad(n(f"thing/{i}"), n("label"), ox.Literal(f"สิ่งที่ {i} " * 8, language="th"), a) for i in range(60)
    ]
    statement = ox.BlankNode()
    quads += [
        ox.Quad(statement, ox.NamedNode(RDF + "type"), ox.NamedNode(RDF + "Statement"), a),
        ox.Quad(statement, ox.NamedNode(RDF + "subject"), n("thing/1"), a),
        ox.Quad(statement, ox.NamedNode(RDF + "predicate"), n("supports"), a),
        ox.Quad(statement, ox.NamedNode(RDF + "object"), n("thing/2"), a),
        ox.Quad(n("thing/1"), n("reified"), statement, a),
    ]
    outer, inner = ox.BlankNode(), ox.BlankNode()
    quads += [
        ox.Quad(n("thing/3"), n("address"), outer, a),
        ox.Quad(outer, n("street"), inner, a),
        ox.Quad(inner, n("name"), ox.Literal("ถนนราชดำเนิน", language="th"), a),
    ]
    head, chain = rdf_list([ox.Literal(f"item {i:04d} " + "x" * 60) for i in range(LIST_LENGTH)], a)
    quads += [ox.Quad(n("thing/4"), n("items"), head, a), *chain]
    shared, other = ox.BlankNode(), ox.BlankNode()
    quads += [
        ox.Quad(n("thing/5"), n("seenIn"), shared, a),
        ox.Quad(shared, n("note"), ox.Literal("in graph a"), a),
        ox.Quad(shared, n("note"), ox.Literal("in graph b"), b),
        ox.Quad(shared, n("next"), other, b),
        ox.Quad(other, n("note"), ox.Literal("only in b, joined through the shared node"), b),
    ]
    quads += [ox.Quad(n(f"b/{i}"), n("label"), ox.Literal(f"b {i}"), b) for i in range(5)]
    return quads


def store_of(quads: list[ox.Quad]) -> ox.Store:
    """An in-memory store holding `quads`."""
    store = ox.Store()
    store.extend(quads)
    return store


def blank_labels(ntriples: bytes) -> set[str]:
    """The blank node labels of an N-Triples text."""
    labels = set()
    for quad in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES):
        labels |= {t.value for t in (quad.subject, quad.object) if isinstance(t, ox.BlankNode)}
    return labels


def canonical(quads: Any) -> set[str]:
    """A dataset as canonical N-Quads lines: equal sets mean isomorphic datasets (blank nodes renamed)."""
    dataset = ox.Dataset(ox.Quad(q.subject, q.predicate, same_value(q.object), q.graph_name) for q in quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(q) for q in dataset}


def same_value(term: Any) -> Any:
    """A term with a boolean in canonical form: Virtuoso answers `true` as "1"^^xsd:boolean (same value)."""
    if isinstance(term, ox.Literal) and term.datatype == ox.NamedNode(XSD + "boolean"):
        return ox.Literal({"1": "true", "0": "false"}.get(term.value, term.value), datatype=term.datatype)
    return term


# --- the chunker on its own -----------------------------------------------------------------------------


def test_chunks_stay_under_the_limit_and_a_bigger_piece_goes_alone_issue7() -> None:
    """Pieces are packed in order up to the limit; a piece over it is a chunk of its own; nothing is lost."""
    pieces = [b"a" * 3, b"b" * 4, b"c" * 2, b"d" * 12, b"e" * 5, b"f" * 5]
    got = list(chunks(pieces, 10))
    assert got == [b"aaabbbbcc", b"d" * 12, b"eeeeefffff"]
    assert b"".join(got) == b"".join(pieces)
    assert list(chunks([], 10)) == [b""]  # an empty graph is still one (empty) PUT


def test_components_are_whole_and_chunks_bounded_issue7() -> None:
    """Every blank-node component is in one piece and so in one chunk; chunks keep to the limit but one."""
    store = store_of(tricky_quads())
    pieces = Pieces(store, [GRAPH_A, GRAPH_B])
    limit = 4096
    got = list(chunks(pieces.of_graph(GRAPH_A), limit))
    assert len(got) > 5
    seen: set[str] = set()
    for chunk in got:
        labels = blank_labels(chunk)
        assert not labels & seen, "a blank node is in two requests"
        seen |= labels
    oversized = [c for c in got if len(c) > limit]
    assert len(oversized) == 1  # the list: one component, one request, however big
    assert len(blank_labels(oversized[0])) == LIST_LENGTH
    sent = {q.triple for c in got for q in ox.parse(c, format=ox.RdfFormat.N_TRIPLES)}
    mine = {q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(GRAPH_A))}
    shared_out = {t for t in mine if "seenIn" in str(t) or "in graph a" in str(t)}
    assert len(shared_out) == 2  # the two triples of graph a on the node graph b shares
    assert sent == mine - shared_out
    assert pieces.counts[GRAPH_A] == len(mine)


def test_a_component_two_graphs_share_is_one_piece_naming_both_issue7() -> None:
    """A blank node in two graphs is left out of both graphs' uploads and sent once, with both graphs."""
    store = store_of(tricky_quads())
    pieces = Pieces(store, [GRAPH_A, GRAPH_B])
    for graph in (GRAPH_A, GRAPH_B):
        list(pieces.of_graph(graph))
    shared = list(pieces.shared(lambda g: g + "#staged"))
    assert len(shared) == 1
    text = shared[0].decode("utf-8")
    assert text.count(f"GRAPH <{GRAPH_A}#staged>") == 1 and text.count(f"GRAPH <{GRAPH_B}#staged>") == 1
    assert text.count("_:") == 6  # one label, the same node, in both blocks; the other node in b's
    assert pieces.counts == {GRAPH_A: 60 + 5 + 3 + 1 + 2 * LIST_LENGTH + 2, GRAPH_B: 3 + 5}
    staged = ox.Store()  # the update the build sends keeps the node one node in both graphs
    staged.update(read_ru("remote-insert-shared").substitute(graphs=text))
    in_a = {q.subject for q in staged.quads_for_pattern(None, None, None, ox.NamedNode(GRAPH_A + "#staged"))}
    in_b = {q.subject for q in staged.quads_for_pattern(None, None, None, ox.NamedNode(GRAPH_B + "#staged"))}
    assert len(in_a & in_b) == 1 and isinstance(next(iter(in_a & in_b)), ox.BlankNode)
    assert len(staged) == 5


def test_default_graph_triples_do_not_join_components_issue7() -> None:
    """Only the uploaded named graphs join blank nodes: a default-graph triple neither links nor leaks."""
    x, y = ox.BlankNode(), ox.BlankNode()
    store = store_of(
        [
            ox.Quad(x, n("p"), ox.Literal("1"), ox.NamedNode(GRAPH_A)),
            ox.Quad(y, n("p"), ox.Literal("2"), ox.NamedNode(GRAPH_A)),
            ox.Quad(x, n("link"), y, ox.DefaultGraph()),
        ]
    )
    pieces = list(Pieces(store, [GRAPH_A]).of_graph(GRAPH_A))
    assert len(pieces) == 2 and all(b"link" not in p for p in pieces)


def test_a_triple_term_with_a_blank_node_is_refused_issue7() -> None:
    """A blank node inside a triple term cannot be kept whole by the chunker: a clear error, not a split."""
    term = ox.Triple(ox.BlankNode(), n("p"), ox.Literal("o"))
    store = store_of([ox.Quad(n("s"), n("says"), term, ox.NamedNode(GRAPH_A))])
    with pytest.raises(ThaiplanError, match="triple term holding a blank node"):
        list(Pieces(store, [GRAPH_A]).of_graph(GRAPH_A))


def test_upload_size_setting_issue7() -> None:
    """THAIPLAN_STORE_UPLOAD_MB sets the request size; zero, negative or infinite is a clear error."""
    assert RemoteSettings("http://h/q").upload_bytes == 32 * 2**20
    config = Config.from_env({"THAIPLAN_STORE": "http://h/q", "THAIPLAN_STORE_UPLOAD_MB": "0.5"})
    assert RemoteSettings.from_config(config).upload_bytes == 2**19
    for bad in (0, -1, float("inf"), float("nan")):
        with pytest.raises(InputError, match="THAIPLAN_STORE_UPLOAD_MB"):
            upload_bytes(bad)


# --- whole builds on real servers ------------------------------------------------------------------------


def data_dir(tmp: Path) -> Path:
    """A small dataset: the reform plan (reified statements), agencies, and the tricky blank nodes."""
    folder = tmp / "data"
    (folder / "agencies").mkdir(parents=True, exist_ok=True)
    shutil.copy(default_data_dir() / "reform-plan-cr02.ttl", folder)
    shutil.copy(default_data_dir() / "agencies" / "register.ttl", folder / "agencies")
    (folder / "tricky.nq").write_bytes(ox.serialize(tricky_quads(), format=ox.RdfFormat.N_QUADS))
    return folder


class Spy:
    """Records every Graph Store upload (method, graph, size) and can break one of them."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, fault: Callable[[int, bytes], bytes] | None = None):
        self.calls: list[tuple[bool, str, int]] = []
        self.oversized: list[bytes] = []  # bodies over the size limit (each must be one piece)
        original = RemoteClient.send_graph

        def send_graph(client: RemoteClient, graph: str, ntriples: bytes, **kwargs: Any) -> None:
            self.calls.append((kwargs["replace"], graph, len(ntriples)))
            if len(ntriples) > client.settings.upload_bytes:
                self.oversized.append(ntriples)
            if fault is not None:
                ntriples = fault(len(self.calls), ntriples)
            original(client, graph, ntriples, **kwargs)

        monkeypatch.setattr(RemoteClient, "send_graph", send_graph)


def capture_scratch(monkeypatch: pytest.MonkeyPatch) -> list[ox.Quad]:
    """The quads of the named graphs of every scratch store the build publishes (filled when it does)."""
    captured: list[ox.Quad] = []
    original = publish_module.publish

    def publish(client: RemoteClient, scratch: ox.Store, sid: str, **kwargs: Any) -> Any:
        captured.extend(q for q in scratch if isinstance(q.graph_name, ox.NamedNode))
        return original(client, scratch, sid, **kwargs)

    monkeypatch.setattr(publish_module, "publish", publish)
    return captured


def live_state(client: RemoteClient) -> tuple[str, dict[str, int]]:
    """The published build's id and the triple count of each of its graphs."""
    manifest = client.manifest()
    assert manifest is not None
    counts = client.graph_counts("")
    return manifest.snapshot_id, {g: counts.get(g, 0) for g in manifest.graphs}


def remote_quads(client: RemoteClient) -> Iterator[ox.Quad]:
    """Every quad of the published build's graphs, from one answer (so blank node labels are consistent)."""
    manifest = client.manifest()
    assert manifest is not None
    answer = client.query(ALL_QUADS, named_graphs=manifest.graphs)
    for row in answer:  # type: ignore[union-attr]
        yield ox.Quad(row["s"], row["p"], row["o"], row["g"])


@pytest.fixture
def tiny(remote: Server, tmp_path: Path) -> Config:
    """The remote server's config with 4 KiB upload requests."""
    return remote_config(remote, tmp_path, store_upload_mb=TINY_MB)


@pytest.mark.remote
def test_a_build_in_many_chunks_arrives_whole_issue7(
    remote: Server, tiny: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """4 KiB requests: the store ends with the scratch store's dataset, blank nodes and all, shared or not."""
    # The chunker's own cases: without issue 19's copy of the default graph, which would put every blank
    # node of the data in two graphs and so send the long list through the shared-node update instead.
    monkeypatch.setattr(publish_module.default_graph, "name_copy", lambda _snapshot: 0)
    spy = Spy(monkeypatch)
    scratch = capture_scratch(monkeypatch)
    build_remote(tiny, build_inputs(data_dir(tmp_path)), time.perf_counter(), fill=_fill, out=lambda _: None)
    client = RemoteClient(RemoteSettings.from_config(tiny))

    graphs = {g for _, g, _ in spy.calls}
    puts = [g for replace, g, _ in spy.calls if replace]
    assert sorted(puts) == sorted(graphs), "one PUT per graph, the rest POSTs"
    assert len(spy.calls) > 3 * len(graphs), "the graphs should need several requests each"
    assert len(spy.oversized) == 1, "only the long list (one component) exceeds the limit"
    assert len(blank_labels(spy.oversized[0])) == LIST_LENGTH

    assert not client.graph_counts(STAGING_PREFIX)
    got = list(remote_quads(client))
    assert len(got) == len(scratch)
    assert canonical(got) == canonical(scratch)
    blank_in = {
        g.value: {q.subject for q in got if q.graph_name == g and isinstance(q.subject, ox.BlankNode)}
        for g in (ox.NamedNode(GRAPH_A), ox.NamedNode(GRAPH_B))
    }
    assert len(blank_in[GRAPH_A] & blank_in[GRAPH_B]) == 1, "the node both graphs share is one node"


@pytest.mark.remote
def test_a_rejected_chunk_leaves_the_live_graphs_and_the_next_build_works_issue7(
    remote: Server, tiny: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store refuses the fifth request: a clear error, nothing switched, no staging left, then a build."""
    client = RemoteClient(RemoteSettings.from_config(tiny))
    before = live_state(client)
    with monkeypatch.context() as patch:
        spy = Spy(patch, fault=lambda number, body: body + b"<not n-triples\n" if number == 5 else body)
        with pytest.raises(ThaiplanError, match=r"upload of <.*> \(part \d+, \d+ bytes\)"):
            build_remote(
                tiny, build_inputs(data_dir(tmp_path)), time.perf_counter(), fill=_fill, out=lambda _: None
            )
        assert len(spy.calls) == 5
    assert live_state(client) == before
    assert not client.graph_counts(STAGING_PREFIX), "the failed build drops its own staging graphs"
    build_remote(tiny, build_inputs(data_dir(tmp_path)), time.perf_counter(), fill=_fill, out=lambda _: None)
    assert live_state(client)[0] != before[0]


@pytest.mark.remote
def test_a_store_stopped_mid_upload_leaves_the_live_graphs_issue7(
    remote: Server, tiny: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store dies between two chunks: the build fails naming it; back up, it serves the old build."""
    client = RemoteClient(RemoteSettings.from_config(tiny))
    build(tiny, data_dir(tmp_path), out=lambda _: None)
    # Killed by PID, Virtuoso keeps what it checkpointed: without this, the first build's last graph was
    # sometimes lost with the kill (its durability, not the failed build's doing).
    remote.checkpoint()
    before = live_state(client)

    def kill(number: int, body: bytes) -> bytes:
        if number == 4:
            remote.stop()
        return body

    try:
        with monkeypatch.context() as patch:
            Spy(patch, fault=kill)
            with pytest.raises(ThaiplanError, match=r"cannot be reached|broke off|did not answer"):
                build(tiny, data_dir(tmp_path), out=lambda _: None)
    finally:
        remote.start()
    assert live_state(client) == before
    build(tiny, data_dir(tmp_path), out=lambda _: None)
    assert live_state(client)[0] != before[0]
    assert not client.graph_counts(STAGING_PREFIX), "the next build drops what the failed one staged"
