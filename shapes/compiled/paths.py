"""SHACL 2.3.1, property paths: a SHACL path node as a SPARQL property path."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from thaiplan.shapes.compiled.base import Unsupported, iri

PATH_KINDS = (SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath, SH.inversePath, SH.alternativePath)
_REPEATS = ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?"))


def sparql_path(shapes: Graph, node: Node, predicates: set[URIRef]) -> str:
    """A SHACL property path as a SPARQL property path (its predicates noted for entailment)."""
    if isinstance(node, URIRef):
        predicates.add(node)
        return iri(node)
    kinds = [p for p in PATH_KINDS if (node, p, None) in shapes]
    if len(kinds) + ((node, RDF.first, None) in shapes) != 1:
        raise Unsupported(f"{node} is not one well-formed SHACL property path")
    for prop, suffix in _REPEATS:
        inner = shapes.value(node, prop)
        if inner is not None:
            return f"({sparql_path(shapes, inner, predicates)}){suffix}"
    inverse = shapes.value(node, SH.inversePath)
    if inverse is not None:
        return f"^({sparql_path(shapes, inverse, predicates)})"
    alternatives = shapes.value(node, SH.alternativePath)
    if alternatives is not None:
        steps = (sparql_path(shapes, p, predicates) for p in Collection(shapes, alternatives))
        return "(" + " | ".join(steps) + ")"
    return "(" + " / ".join(sparql_path(shapes, p, predicates) for p in Collection(shapes, node)) + ")"


def repeats(shapes: Graph, node: Node) -> bool:
    """True when a SHACL path holds a zero-or-more or one-or-more step."""
    if isinstance(node, URIRef):
        return False
    if (node, SH.zeroOrMorePath, None) in shapes or (node, SH.oneOrMorePath, None) in shapes:
        return True
    return any(repeats(shapes, o) for o in shapes.objects(node, None) if not isinstance(o, Literal))
