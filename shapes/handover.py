"""The shapes the compiler does not run, validated by the reference engine (pySHACL) on the same data.

Why (issue 19): the compiled path (shapes/compiled/) runs the project's shapes at a million triples
in seconds, but held to the W3C SHACL test suite it ran only part of SHACL. Rather than grow a second
SHACL engine, a shape it does not run (a feature it has no template for, a custom constraint component,
a SHACL-SPARQL constraint of a foreign shapes graph) goes whole to pySHACL, never silently passed. pySHACL
sees a copy of the shapes graph where every *compiled* shape has lost its targets, so each focus node is
validated by exactly one engine; shapes those reach through sh:node, sh:property, … stay as they are.
"""

from __future__ import annotations

import pyshacl
from rdflib import Graph
from rdflib.namespace import OWL, RDF, SH
from rdflib.term import Node

from thaiplan.errors import InputError, ThaiplanError
from thaiplan.shapes.compiled import CLASS_TYPES, TARGETS, targeted_shapes
from thaiplan.shapes.report import Report


def handover_shapes(shapes: Graph, handed: set[Node]) -> Graph:
    """A copy of the shapes graph in which only the handed shapes have targets."""
    copy = Graph()
    copy += shapes
    for shape in targeted_shapes(shapes):
        if shape in handed:
            continue
        for target in TARGETS:
            copy.remove((shape, target, None))
        for kind in CLASS_TYPES:  # an implicit class target (SHACL 2.1.3.3)
            copy.remove((shape, RDF.type, kind))
    _imported_prefixes(copy)
    return copy


def _imported_prefixes(shapes: Graph) -> None:
    """Give each sh:prefixes node the declarations of what it owl:imports, transitively (SHACL 5.2.1).

    pySHACL reads only a prefixes node's own sh:declare.
    """
    for holder in set(shapes.objects(None, SH.prefixes)):
        seen = {holder}
        todo = list(shapes.objects(holder, OWL.imports))
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            for declaration in list(shapes.objects(node, SH.declare)):
                shapes.add((holder, SH.declare, declaration))
            todo.extend(shapes.objects(node, OWL.imports))


def run_handed(data: Graph, shapes: Graph, handed: set[Node], ontology: Graph | None) -> Report:
    """pySHACL's results for the handed shapes (with `inference="rdfs"` when an ontology is given)."""
    try:
        _, report_graph, _ = pyshacl.validate(
            data,
            shacl_graph=handover_shapes(shapes, handed),
            ont_graph=ontology,
            inference="rdfs" if ontology is not None else "none",
            abort_on_first=False,
            allow_warnings=False,
            meta_shacl=False,
            advanced=False,
            debug=False,
        )
    except ThaiplanError:
        raise
    except Exception as exc:  # pySHACL refuses an ill-formed shapes graph with its own exceptions
        raise InputError(f"the shapes graph cannot be run: {' '.join(str(exc).split())}") from exc
    if not isinstance(report_graph, Graph):  # pySHACL's ValidationFailure: a query SHACL forbids, …
        raise InputError(f"the shapes graph cannot be run: {' '.join(str(report_graph).split())}")
    report = Report.from_graph(report_graph, data=data, shapes=shapes)
    if ontology is not None:
        # The ontology is mixed into the data graph for inference; its own terms are not what we validate.
        mentioned = set(data.subjects()) | set(data.objects())
        report.results = [r for r in report.results if r.focus in mentioned]
    return report
