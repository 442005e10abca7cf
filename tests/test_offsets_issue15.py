"""Passage offsets (issue 15): the build gives every checked passage the span of its quote in the
normalized source text, so a reader can highlight it."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from thaiplan.config import Config
from thaiplan.graph.build.inputs import INFERRED_GRAPH
from thaiplan.graph.build.pipeline import build
from thaiplan.graph.store.local import EmbeddedStore
from thaiplan.graph.text.normalize import collapse, normalized_source
from thaiplan.graph.text.quotes import quote_span

TP = "https://w3id.org/thaiplan/ontology#"
PROV = "http://www.w3.org/ns/prov#"
SOURCE = "https://w3id.org/thaiplan/id/source/"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    path = tmp_path_factory.mktemp("offsets")
    build(Config(store_dir=path), None, out=lambda _: None)
    return EmbeddedStore(path).store


def _one(store: ox.Store, node: ox.NamedNode | ox.BlankNode, prop: str) -> str:
    """The one object of a subject and property in the data (the default graph: each triple once).

    The build copies the data graphs' triples into the default graph (issue 19), so every named graph's
    triple is in the store twice: read across all graphs, a passage's one quote came back twice."""
    (quad,) = list(store.quads_for_pattern(node, ox.NamedNode(prop), None, ox.DefaultGraph()))
    return quad.object.value


def test_every_quoted_passage_gets_the_span_of_its_quote_issue15(store: ox.Store) -> None:
    passages = {q.subject for q in store.quads_for_pattern(None, ox.NamedNode(TP + "quote"), None, None)}
    assert len(passages) > 150
    graph = ox.NamedNode(INFERRED_GRAPH)
    for passage in passages:
        quote = _one(store, passage, TP + "quote")
        doc = _one(store, passage, PROV + "wasQuotedFrom").removeprefix(SOURCE)
        (start,) = store.quads_for_pattern(passage, ox.NamedNode(TP + "startOffset"), None, graph)
        (end,) = store.quads_for_pattern(passage, ox.NamedNode(TP + "endOffset"), None, graph)
        text = normalized_source(doc)[int(start.object.value) : int(end.object.value)]
        assert collapse(text) == collapse(quote), passage


def test_a_quote_across_a_line_break_spans_it_issue15() -> None:
    text = normalized_source("reform-plan-cr02")
    line_break = text.index("\n", 100)
    words = text[line_break - 12 : line_break + 12]
    start, end = quote_span(" ".join(words.split()), "reform-plan-cr02") or (0, 0)
    assert "\n" in text[start:end] and collapse(text[start:end]) == collapse(words)


def test_a_quote_not_in_the_source_has_no_span_issue15() -> None:
    assert quote_span("ข้อความที่ไม่มีในเอกสาร xyz", "reform-plan-cr02") is None
    assert quote_span("   ", "reform-plan-cr02") is None
