"""Qualified alignments (issue 15): the build derives `tp:supports` from `tp:Alignment` nodes, in the store
and in the build's worker alike, and the shipped data qualifies every link it states."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from thaiplan.config import Config
from thaiplan.graph.build import closure, indexes
from thaiplan.graph.build.inputs import INFERRED_GRAPH, build_inputs
from thaiplan.graph.build.pipeline import build
from thaiplan.graph.store.local import EmbeddedStore
from thaiplan.rq import read_rq

DATA = Path(__file__).parent / "data" / "build"
TP = "https://w3id.org/thaiplan/ontology#"
ID = "https://w3id.org/thaiplan/id/"
PROV = "http://www.w3.org/ns/prov#"
RDFS_SEE_ALSO = "http://www.w3.org/2000/01/rdf-schema#seeAlso"


def _objects(store: ox.Store, subject: str, prop: str) -> set[str]:
    """The objects of one subject and property in the inferred graph."""
    quads = store.quads_for_pattern(
        ox.NamedNode(subject), ox.NamedNode(prop), None, ox.NamedNode(INFERRED_GRAPH)
    )
    return {q.object.value for q in quads}


def test_build_derives_supports_from_alignments_issue15(tmp_path: Path) -> None:
    report = build(Config(store_dir=tmp_path), DATA / "alignments", out=lambda _: None)
    store = EmbeddedStore(tmp_path).store
    assert _objects(store, ID + "activity/TEST01", TP + "supports") == {ID + "goal/TEST-G1"}
    assert _objects(store, ID + "goal/TEST-G1", TP + "supports") == {ID + "strategy/test-1"}
    assert _objects(store, ID + "activity/TEST01", TP + "supportsTransitive") == {
        ID + "goal/TEST-G1",
        ID + "strategy/test-1",
    }
    assert report.inferred[TP + "supportsTransitive"] == 3


def test_derived_supports_equal_the_sparql_definition_issue15(tmp_path: Path) -> None:
    store = ox.Store()
    for item in build_inputs(DATA / "alignments"):
        store.load(
            path=str(item.path),
            format=ox.RdfFormat.TURTLE,
            to_graph=ox.NamedNode("urn:file:" + item.path.name),
        )
    by_sparql = {
        (t.subject, t.object)
        for t in store.query(read_rq("graph", "derive-supports"), use_default_graph_as_union=True)
    }
    by_python = {(q.subject, q.object) for q in closure.supports_quads(store)}
    assert by_python == by_sparql and len(by_python) == 2


def test_the_worker_derives_the_same_supports_as_the_store_issue15() -> None:
    files = [(str(i.path), "text/turtle") for i in build_inputs(DATA / "alignments")]
    data, _, closed = indexes.derive_from_files(files)
    quads = set(ox.parse(data, format=ox.RdfFormat.N_QUADS))
    supports = {(q.subject.value, q.object.value) for q in quads if q.predicate.value == TP + "supports"}
    assert closed and supports == {
        (ID + "activity/TEST01", ID + "goal/TEST-G1"),
        (ID + "goal/TEST-G1", ID + "strategy/test-1"),
    }


def test_an_asserted_shortcut_is_not_derived_again_issue15(tmp_path: Path) -> None:
    build(Config(store_dir=tmp_path), None, out=lambda _: None)
    store = EmbeddedStore(tmp_path).store
    inferred = list(
        store.quads_for_pattern(None, ox.NamedNode(TP + "supports"), None, ox.NamedNode(INFERRED_GRAPH))
    )
    assert inferred == []


@pytest.fixture(scope="module")
def shipped() -> ox.Store:
    store = ox.Store()
    for item in build_inputs():
        store.load(
            path=str(item.path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(item.graph or "urn:x")
        )
    return store


def test_every_stated_support_of_the_shipped_data_is_a_qualified_alignment_issue15(shipped: ox.Store) -> None:
    supports = {
        (q.subject, q.object) for q in shipped.quads_for_pattern(None, ox.NamedNode(TP + "supports"), None)
    }
    aligned = {
        (link.subject, target.object)
        for link in shipped.quads_for_pattern(None, ox.NamedNode(TP + "alignment"), None)
        for target in shipped.quads_for_pattern(link.object, ox.NamedNode(TP + "alignedTo"), None)
    }
    assert len(aligned) >= 40 and sorted(map(str, supports - aligned)) == []


def test_psds_2564_prepares_for_the_nesdp_an_inferred_alignment_issue15(shipped: ox.Store) -> None:
    node = ox.NamedNode(ID + "alignment/plan-psds-2564-2565--plan-nesdp-13")
    stated = list(shipped.quads_for_pattern(node, ox.NamedNode(TP + "stated"), None, None))
    assert [q.object.value for q in stated] == ["false"]


def test_no_reified_statement_is_left_in_the_shipped_data_issue15(shipped: ox.Store) -> None:
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    statements = list(
        shipped.quads_for_pattern(None, ox.NamedNode(rdf + "type"), ox.NamedNode(rdf + "Statement"))
    )
    assert statements == []
    assert list(shipped.quads_for_pattern(None, ox.NamedNode(TP + "inferred"), None)) == []
    # The one statement that had an IRI still resolves, to the alignment that replaced it.
    old = ox.NamedNode(ID + "statement/psds-2567-2570-supports-national-security-policy")
    see_also = [q.object for q in shipped.quads_for_pattern(old, ox.NamedNode(RDFS_SEE_ALSO), None)]
    assert see_also == [ox.NamedNode(ID + "alignment/plan-psds-2567-2570--plan-national-security-policy")]
    stated = list(shipped.quads_for_pattern(see_also[0], ox.NamedNode(TP + "stated"), None))
    assert [q.object.value for q in stated] == ["true"]


def test_the_revised_edition_rests_on_the_passage_its_revision_link_came_from_issue15(
    shipped: ox.Store,
) -> None:
    revised = ox.NamedNode(ID + "plan/reform-plan-cr02")
    derived = {
        q.object.value
        for q in shipped.quads_for_pattern(revised, ox.NamedNode(PROV + "wasDerivedFrom"), None)
    }
    assert ID + "passage/reform-plan-cr02-9" in derived
