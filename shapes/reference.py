"""The reference validator: pySHACL with RDFS inference on an rdflib graph, as thaiplan ran before issue 7.

Kept as the oracle the compiled validator (shapes/compiled/) is held to: tests/test_core_sparql.py
validates every case and the shipped graph with both and compares the results field by field. It is
slow on large graphs (owlrl's inference and rdflib dominate), which is why `thaiplan validate` does not
use it; `.venv/bin/python bench/validate.py --reference` times it beside the new one.
"""

from __future__ import annotations

import pyoxigraph as ox
import pyshacl
from rdflib import Graph
from rdflib.term import Node

from thaiplan.errors import InputError, ThaiplanError
from thaiplan.shapes.report import Report, Result
from thaiplan.shapes.validate import (
    SparqlCheck,
    _levels,
    core_shapes,
    focus_nodes,
    load_ontology,
    load_shapes,
    sparql_checks,
    sparql_results,
)


def validate_reference(data: Graph, shapes: Graph | None = None, ontology: Graph | None = None) -> Report:
    """Validate `data` with pySHACL (core) and an rdflib-fed pyoxigraph store (SPARQL), as before issue 7."""
    shapes = load_shapes() if shapes is None else shapes
    ontology = load_ontology() if ontology is None else ontology
    mentioned = set(data.subjects()) | set(data.objects())
    core = run_pyshacl(data, core_shapes(shapes), ontology)
    sparql = _run_sparql_checks(data, shapes, ontology)
    # The ontology is mixed into the data graph for inference; its own terms are not what we validate —
    # but a node the data only names as an object is (typed through rdfs:range, say; issue 19).
    results = [r for r in core.results + sparql if r.focus in mentioned]
    return Report(results=results, paths=core.paths, data=data, shapes=shapes)


def run_pyshacl(data: Graph, core: Graph, ontology: Graph) -> Report:
    """Run pySHACL's core constraints with the ontology as `ont_graph` and RDFS inference."""
    _, report_graph, _ = pyshacl.validate(
        data,
        shacl_graph=core,
        ont_graph=ontology,
        inference="rdfs",
        abort_on_first=False,
        allow_warnings=False,
        meta_shacl=False,
        advanced=False,
        debug=False,
    )
    return Report.from_graph(report_graph, data=data, shapes=core)


def _run_sparql_checks(data: Graph, shapes: Graph, ontology: Graph) -> list[Result]:
    """Run every SPARQL constraint on an in-memory pyoxigraph store holding data, ontology and levels."""
    checks = sparql_checks(shapes)
    if not checks:
        return []
    store = ox.Store()
    for graph in (data, ontology, _levels()):
        try:
            store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
        except MemoryError as exc:  # pyoxigraph caps one term at 16 MiB and says so as a MemoryError
            raise InputError(f"too large to check: {exc} (a literal or IRI over 16 MiB?)") from exc
    full = Graph()
    full += data
    full += ontology
    results: list[Result] = []
    for check in checks:
        focus = focus_nodes(shapes, check.shape, full)
        results.extend(_run_check(store, check, focus, data))
    return results


def _run_check(store: ox.Store, check: SparqlCheck, focus: set[Node], data: Graph) -> list[Result]:
    """Run one constraint's query once over all nodes and keep the rows whose `this` is a focus node."""
    from thaiplan.shapes.dataset import Dataset

    try:
        solutions = store.query(check.query)
    except SyntaxError as exc:
        raise ThaiplanError(f"the query of {check.constraint} is not valid SPARQL: {exc}") from exc
    variables = [v.value for v in solutions.variables]
    convert = Dataset().to_rdflib
    rows = (
        {name: convert(row[name], plain_strings=False) for name in variables if row[name] is not None}
        for row in solutions
    )
    return sparql_results(check, rows, focus, data)
