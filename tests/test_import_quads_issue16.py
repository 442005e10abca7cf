"""The import's quads (issue 16): rows kept in a pyoxigraph store and read back as the rdflib terms they
were written as, and the change list computed in the store (numbers by value, the import's own records
apart), as the change list over rdflib graphs computed it."""

from __future__ import annotations

from rdflib import RDF, XSD, Graph, Literal, URIRef

from thaiplan.graph.imports.compare import diff
from thaiplan.graph.imports.quads import PREVIOUS, ImportGraph
from thaiplan.ontology.namespace import ID_BASE, TP

PROJECT = URIRef(ID_BASE + "project/opdc-P-9")
OTHER = URIRef(ID_BASE + "project/opdc-P-10")
ROW = URIRef(ID_BASE + "row/sheet-projects-2")
PROV = "http://www.w3.org/ns/prov#"
LABEL = URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")
NOTATION = URIRef("http://www.w3.org/2004/02/skos/core#notation")


def triples(budget: Literal, label: str, row: URIRef = ROW) -> list[tuple[URIRef, URIRef, object]]:
    """A project with a budget, a Thai label and its row record."""
    return [
        (PROJECT, RDF.type, TP.Project),
        (PROJECT, TP.amount, budget),
        (PROJECT, LABEL, Literal(label, lang="th")),
        (PROJECT, URIRef(PROV + "wasDerivedFrom"), row),
        (row, RDF.type, URIRef(PROV + "Entity")),
    ]


def test_an_import_graph_gives_back_the_terms_it_was_given_issue16() -> None:
    graph = ImportGraph()
    written = triples(Literal("1250000.0", datatype=XSD.decimal), "โครงการ")
    written.append((PROJECT, NOTATION, Literal("P-9")))
    for triple in written:
        graph.add(triple)
    assert len(graph) == len(written) and set(graph) == set(written)
    assert set(graph.predicate_objects(PROJECT)) == {(p, o) for s, p, o in written if s == PROJECT}
    assert list(graph.subjects(RDF.type, TP.Project)) == [PROJECT]
    assert set(graph.subject_predicates(ROW)) == {(PROJECT, URIRef(PROV + "wasDerivedFrom"))}
    graph.remove((PROJECT, NOTATION, None))
    assert (PROJECT, NOTATION, Literal("P-9")) not in set(graph)
    assert set(graph.rdflib()) == set(graph)


def test_the_change_list_in_the_store_agrees_with_the_one_over_rdflib_graphs_issue16() -> None:
    cases = [
        # The same import read again, its row renumbered and the budget written 1250000 for 1250000.0.
        (triples(Literal("1250000.0", datatype=XSD.decimal), "ก"), triples(Literal(1250000), "ก", ROW + "x")),
        # A changed label, and an entity added.
        (triples(Literal(5), "ก"), [*triples(Literal(5), "ข"), (OTHER, RDF.type, TP.Project)]),
        # An entity removed.
        ([*triples(Literal(5), "ก"), (OTHER, RDF.type, TP.Project)], triples(Literal(5), "ก")),
    ]
    for old, new in cases:
        in_store = ImportGraph()
        previous = ImportGraph(in_store.store, PREVIOUS)
        for triple in old:
            previous.add(triple)
        for triple in new:
            in_store.add(triple)
        old_graph, new_graph = Graph(), Graph()
        for triple in old:
            old_graph.add(triple)
        for triple in new:
            new_graph.add(triple)
        assert diff(previous, in_store) == diff(old_graph, new_graph)
    assert diff(previous, in_store).removed == [str(OTHER)]
