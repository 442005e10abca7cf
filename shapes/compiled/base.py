"""What every part of the compiler shares: the check it produces, its errors, and term writing."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDFS, SH, XSD
from rdflib.term import Node

from thaiplan.errors import ThaiplanError
from thaiplan.shapes.dataset import Dataset, fill

FUNCTIONS = "urn:thaiplan:shacl:"  # the Python functions compiled queries call (compiled/functions.py)
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
SHAPE_TYPES = (SH.NodeShape, SH.PropertyShape)
CLASS_TYPES = (RDFS.Class, OWL.Class)
# Shape parameters that are not constraints (or that another parameter's constraint reads).
NOT_CONSTRAINTS = {
    SH.path,
    SH.name,
    SH.description,
    SH.severity,
    SH.message,
    SH.deactivated,
    SH.order,
    SH.group,
    SH.flags,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint,
    SH.sparql,
    SH.declare,
    SH.prefixes,
    *TARGETS,
}


@dataclass(frozen=True)
class CoreCheck:
    """One constraint of one shape on the focus nodes of some targets, as a query and how to read it."""

    shape: Node
    component: URIRef
    path: Node | None
    severity: URIRef
    messages: tuple[Literal, ...]
    query: str  # with {{focusSet}} still to fill: run_check names the focus set of `targets`
    kind: str  # "value": rows (this, value); "focus": rows (this), no value; "node": value is the focus
    targets: str
    root: Node | None = None  # the targeted shape this check belongs to (a property shape's parent)


@dataclass(frozen=True)
class Compiled:
    """The checks of a shapes graph, the terms whose entailments they observe, and what they leave out."""

    checks: list[CoreCheck]
    predicates: frozenset[URIRef]
    classes: frozenset[URIRef]
    unsupported: dict[Node, str]  # targeted shape → why the compiler does not run it


class Unsupported(ThaiplanError):
    """A shape feature this compiler does not run: the shape goes to the reference engine instead."""


def is_true(node: Node) -> bool:
    """True only for the literal `true` (SHACL names `true`; `"1"^^xsd:boolean` leaves a flag off)."""
    return isinstance(node, Literal) and node.datatype == XSD.boolean and str(node) == "true"


def count(shape: Node, param: Node, value: Node) -> int:
    """A non-negative integer parameter (sh:minCount, sh:minLength, …) or a clear error."""
    number = value.toPython() if isinstance(value, Literal) else None
    if not isinstance(number, int) or isinstance(number, bool) or number < 0:
        raise ThaiplanError(f"shape {shape}: {param} must be a non-negative integer, not {value}")
    return number


def need_iri(shape: Node, node: Node) -> URIRef:
    """An IRI parameter (class, datatype, property) or a clear error."""
    if not isinstance(node, URIRef):
        raise ThaiplanError(f"shape {shape}: expected an IRI, found {node}")
    return node


def iri(node: Node) -> str:
    """An IRI written for SPARQL by pyoxigraph (which refuses anything that is not an IRI)."""
    try:
        return str(ox.NamedNode(str(node)))
    except ValueError as exc:
        raise ThaiplanError(f"{node!r} in the shapes is not a valid IRI") from exc


def term(node: Node) -> str:
    """An IRI or literal of the shapes graph written for SPARQL by pyoxigraph."""
    if isinstance(node, URIRef):
        return iri(node)
    if isinstance(node, Literal):
        return str(Dataset().to_ox(node))
    raise Unsupported(f"blank node {node} cannot be compared in a compiled constraint")


def template(name: str, **fragments: str) -> str:
    """A core query template with its `{{placeholders}}` filled, but for the focus set (named at run time)."""
    return fill(name, focusSet="{{focusSet}}", **fragments)
