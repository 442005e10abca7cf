"""Each entity's most specific type, precomputed by the build (issue 18): `tpi:mostSpecificType` in the trace
index equals what trace-up, trace-down and search chose in SPARQL before (two nested NOT EXISTS per row).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from tests import test_pages_support as support
from thaiplan.graph.build import trace_index
from thaiplan.graph.store.local import open_read_only
from thaiplan.queries import terms
from thaiplan.queries.execute import execute

store_dir = support.store_dir

# The choice as the queries wrote it before the index, over every entity at once.
IN_SPARQL = """
PREFIX tp:  <https://w3id.org/thaiplan/ontology#>
PREFIX tpi: <https://w3id.org/thaiplan/index#>
SELECT ?node ?type WHERE {
  ?node a ?type .
  FILTER (isIRI(?node) && STRSTARTS(STR(?type), STR(tp:)))
  FILTER NOT EXISTS { ?node a ?sub . ?sub tpi:subClassOf ?type }
  FILTER NOT EXISTS {
    ?node a ?other .
    FILTER (STRSTARTS(STR(?other), STR(tp:)) && STR(?other) > STR(?type))
    FILTER NOT EXISTS { ?node a ?otherSub . ?otherSub tpi:subClassOf ?other }
  }
}
"""


def node(name: str) -> ox.NamedNode:
    """A tp: class, or another IRI when `name` holds a colon."""
    return ox.NamedNode(name if ":" in name else terms.TP + name)


def test_of_two_most_specific_types_the_last_by_iri_and_never_a_superclass_issue18() -> None:
    above = {node("ReformPlan"): {node("Plan")}, node("PlanEdition"): {node("Plan")}}
    assert trace_index.most_specific({node("ReformPlan"), node("PlanEdition"), node("Plan")}, above) == node(
        "ReformPlan"
    )
    assert trace_index.most_specific({node("Plan"), node("ReformPlan")}, above) == node("ReformPlan")
    # A type of another vocabulary is never chosen, but its place in the hierarchy counts.
    other = node("http://example.org/SpecialPlan")
    assert trace_index.most_specific({other, node("Plan")}, {other: {node("Plan")}}) is None
    assert trace_index.most_specific({node("http://www.w3.org/ns/prov#Entity")}, {}) is None


def test_type_quads_skip_blank_nodes_and_entities_without_a_tp_type_issue18() -> None:
    a, b = ox.NamedNode("https://w3id.org/thaiplan/id/a"), ox.NamedNode("https://w3id.org/thaiplan/id/b")
    quads = list(trace_index.type_quads({a: {node("Project")}, b: {node("http://example.org/C")}}, {}))
    assert [(q.subject, q.object) for q in quads] == [(a, node("Project"))]
    assert (
        trace_index.type_of(
            ox.Quad(ox.BlankNode(), node("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), a)
        )
        is None
    )


def test_the_built_index_equals_the_sparql_choice_on_the_curated_graph_issue18(store_dir: Path) -> None:
    store = open_read_only(store_dir)
    chosen = {(row["node"].value, row["type"].value) for row in execute(store, IN_SPARQL)}
    graph = ox.NamedNode(terms.TRACE_INDEX_GRAPH)
    indexed = {
        (q.subject.value, q.object.value)
        for q in store.quads_for_pattern(None, ox.NamedNode(terms.MOST_SPECIFIC_TYPE), None, graph)
    }
    assert len(chosen) > 300
    assert indexed == chosen
    assert len({n for n, _ in indexed}) == len(indexed)  # one type per entity
