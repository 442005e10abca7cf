"""SHACL 2.1.3, targets: which shapes have focus nodes, and their target patterns in SPARQL."""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from thaiplan.shapes.compiled.base import CLASS_TYPES, SHAPE_TYPES, TARGETS, iri, need_iri, term
from thaiplan.shapes.dataset import TYPES


def implicit_class_targets(shapes: Graph) -> set[Node]:
    """Shapes that are also classes: each targets its own instances (SHACL 2.1.3.3)."""
    return {
        shape
        for kind in CLASS_TYPES
        for shape in shapes.subjects(RDF.type, kind)
        if any((shape, RDF.type, t) in shapes for t in SHAPE_TYPES)
    }


def targeted_shapes(shapes: Graph) -> list[Node]:
    """Every shape with a target, explicit or implicit, in a stable order."""
    targeted = {s for t in TARGETS for s in shapes.subjects(t, None)} | implicit_class_targets(shapes)
    return sorted(targeted, key=str)


def target_classes(shapes: Graph, shape: Node, implicit: set[Node]) -> list[Node]:
    """A shape's sh:targetClass values, and the shape itself when it is also a class."""
    classes = set(shapes.objects(shape, SH.targetClass))
    if shape in implicit:
        classes.add(shape)
    return sorted(classes, key=str)


def core_targets(
    shapes: Graph, shape: Node, implicit: set[Node], predicates: set[URIRef], classes: set[URIRef]
) -> str:
    """The union of a shape's target patterns binding ?this, on the core graphs (types entailed)."""
    parts = []
    for cls in target_classes(shapes, shape, implicit):
        classes.add(need_iri(shape, cls))
        parts.append(f"{{ GRAPH {TYPES} {{ ?this {iri(RDF.type)} {iri(cls)} }} }}")
    parts.extend(plain_targets(shapes, shape, predicates))
    return " UNION ".join(parts) if parts else "FILTER (false)"


def plain_targets(shapes: Graph, shape: Node, predicates: set[URIRef]) -> list[str]:
    """The sh:targetNode, sh:targetSubjectsOf and sh:targetObjectsOf patterns of a shape.

    A target node binds ?given: it is a focus node whether or not the data mentions it (SHACL 2.1.3.1).
    """
    parts = []
    for node in sorted(shapes.objects(shape, SH.targetNode), key=str):
        parts.append(f"{{ BIND ({term(node)} AS ?this) BIND (true AS ?given) }}")
    for prop in sorted(shapes.objects(shape, SH.targetSubjectsOf), key=str):
        predicates.add(need_iri(shape, prop))
        parts.append(f"{{ ?this {iri(prop)} ?anyTargetValue }}")
    for prop in sorted(shapes.objects(shape, SH.targetObjectsOf), key=str):
        predicates.add(need_iri(shape, prop))
        parts.append(f"{{ ?anyTargetSubject {iri(prop)} ?this }}")
    return parts


def sparql_targets(shapes: Graph, shape: Node) -> str:
    """A shape's targets as SHACL-SPARQL reads them here: asserted types, up rdfs:subClassOf*."""
    parts = []
    for cls in target_classes(shapes, shape, implicit_class_targets(shapes)):
        sub = f"{iri(RDFS.subClassOf)}*"
        parts.append(f"{{ ?this {iri(RDF.type)} ?anyType . ?anyType {sub} {iri(need_iri(shape, cls))} }}")
    parts.extend(plain_targets(shapes, shape, set()))
    return " UNION ".join(parts) if parts else "FILTER (false)"
