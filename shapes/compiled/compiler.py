"""The compiler: walks the shapes graph (SHACL 2, shapes and their targets) and compiles each constraint
by the component table of compiled/components.py into one CoreCheck, a SPARQL query per constraint."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import replace

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from thaiplan.errors import InputError
from thaiplan.shapes.compiled.base import NOT_CONSTRAINTS, CoreCheck, Unsupported, template
from thaiplan.shapes.compiled.components import COMPONENTS, Component
from thaiplan.shapes.compiled.paths import sparql_path
from thaiplan.shapes.compiled.targets import core_targets, implicit_class_targets, targeted_shapes

# SHACL Advanced Features neither engine runs (pySHACL only with its `advanced` mode): refused, not ignored.
ADVANCED = {SH.target, SH.rule, SH.condition}


def custom_parameters(shapes: Graph) -> set[Node]:
    """The parameters of the constraint components the shapes graph declares (SHACL 6).

    Any node with `sh:parameter` is read as a component, whatever its type (a sub-class of
    sh:ConstraintComponent is one too).
    """
    return {
        path
        for parameter in shapes.objects(None, SH.parameter)
        for path in shapes.objects(parameter, SH.path)
    }


def shape_nodes(shapes: Graph) -> set[Node]:
    """Every node of the shapes graph that is a shape: typed one, targeted, a property shape, or named
    by another shape's sh:property, sh:node, sh:not, sh:qualifiedValueShape, sh:and, sh:or or sh:xone."""
    found: set[Node] = {
        s for t in (SH.NodeShape, SH.PropertyShape, SH.Shape) for s in shapes.subjects(RDF.type, t)
    }
    found |= set(targeted_shapes(shapes)) | set(shapes.subjects(SH.path, None))
    for prop in (SH.property, SH.node, SH["not"], SH.qualifiedValueShape):
        found |= set(shapes.objects(None, prop))
    for prop in (SH["and"], SH["or"], SH.xone):
        for head in shapes.objects(None, prop):
            found |= set(Collection(shapes, head))
    return found


def check_vocabulary(shapes: Graph) -> None:
    """Refuse shapes that misspell a SHACL term or ask for SHACL Advanced Features.

    SHACL ignores properties it does not know, so `sh:minCont 1` would pass every node: an error instead.
    """
    namespace = str(SH)
    for subject in sorted(shape_nodes(shapes), key=str):
        for predicate in sorted(set(shapes.predicates(subject, None)), key=str):
            _check_term(subject, predicate, namespace)


def _check_term(subject: Node, predicate: Node, namespace: str) -> None:
    """Refuse one predicate of a shape when it is no SHACL term, or an advanced one."""
    if str(predicate).startswith(namespace) and predicate not in SH:
        raise InputError(f"{subject}: {predicate} is not a SHACL term (misspelled?)")
    if predicate in ADVANCED:
        raise InputError(f"{subject}: {predicate} is SHACL Advanced Features, which thaiplan does not run")


class Compiler:
    """Turns the shapes graph's core constraints into CoreChecks (and says which terms need entailments)."""

    def __init__(self, shapes: Graph) -> None:
        """Read from `shapes`; fresh variable names come from one counter."""
        self.shapes = shapes
        self._names = itertools.count()
        self.predicates: set[URIRef] = set()
        self.classes: set[URIRef] = set()
        self.implicit = implicit_class_targets(shapes)
        self.custom = custom_parameters(shapes)
        self.unsupported_shapes: dict[Node, str] = {}  # targeted shape → why pySHACL runs it instead

    # --- shapes and checks --------------------------------------------------------------------------

    def checks(self) -> list[CoreCheck]:
        """Every check of every active targeted shape the compiler runs, in a stable order.

        A shape with a feature it does not run is noted in `unsupported_shapes` (with the reason) and
        compiles to no check: the caller must hand it to the reference engine, never pass it.
        """
        found: list[CoreCheck] = []
        for shape in targeted_shapes(self.shapes):
            if self._deactivated(shape):
                continue
            try:
                targets = core_targets(self.shapes, shape, self.implicit, self.predicates, self.classes)
                checks = self._shape_checks(shape, targets)
            except Unsupported as exc:
                self.unsupported_shapes[shape] = str(exc)
                continue
            found.extend(replace(check, root=shape) for check in checks)
        return found

    def _shape_checks(self, shape: Node, targets: str) -> list[CoreCheck]:
        """The checks of a shape (property or node shape) and of its sh:property shapes."""
        if self.shapes.value(shape, SH.path) is not None:
            return self._property_checks(shape, targets)
        found = self._node_checks(shape, targets)
        for child in sorted(self.shapes.objects(shape, SH.property), key=str):
            if not self._deactivated(child):
                found.extend(self._property_checks(child, targets, child=True))
        return found

    def _node_checks(self, shape: Node, targets: str) -> list[CoreCheck]:
        """One check per constraint of a node shape: the focus node itself is the value node."""
        found = []
        for param, value in self._constraints(shape, nested=False):
            if param == SH.property:
                continue
            rule = self._rule(shape, param)
            if rule.value is None:
                raise self.unsupported(shape, param)
            query = template("node.rq", condition=rule.value(self, shape, value, "?this"))
            found.append(self._check(shape, rule.component, None, query, rule.node_kind, targets))
        return found

    def _property_checks(self, shape: Node, targets: str, child: bool = False) -> list[CoreCheck]:
        """One check per constraint of a property shape on the value nodes of its path."""
        path_node = self.shapes.value(shape, SH.path)
        path = self.path(path_node)
        found = []
        for param, value in self._constraints(shape, nested=child):
            rule = self._rule(shape, param)
            if rule.focus is not None:
                for q in rule.focus(self, shape, value, path_node):
                    query = template(q.template, path=path, **q.fill)
                    found.append(self._check(shape, q.component, path_node, query, q.kind, targets))
            elif rule.value is not None and rule.per_value:
                condition = rule.value(self, shape, value, "?value")
                query = template("value.rq", path=path, condition=condition)
                found.append(self._check(shape, rule.component, path_node, query, "value", targets))
            else:
                raise self.unsupported(shape, param)
        return found

    def _check(
        self, shape: Node, component: URIRef, path: Node | None, query: str, kind: str, targets: str
    ) -> CoreCheck:
        """A check with the shape's severity and its messages (sorted, as reports read back sort them)."""
        messages = tuple(sorted(self.shapes.objects(shape, SH.message), key=str))
        severity = self.shapes.value(shape, SH.severity) or SH.Violation
        return CoreCheck(shape, component, path, severity, messages, query, kind, targets)  # type: ignore[arg-type]

    def _constraints(self, shape: Node, nested: bool) -> Iterator[tuple[URIRef, Node]]:
        """The shape's constraint parameters and values (SHACL ones only), sorted for stable queries.

        A `sh:sparql` constraint is run by shapes/validate.py on a targeted shape's own focus nodes only:
        on a nested shape (sh:property, sh:node, sh:or, …) it is left to the reference engine.
        """
        pairs = sorted(self.shapes.predicate_objects(shape), key=lambda po: (str(po[0]), str(po[1])))
        for param, value in pairs:
            if nested and param == SH.sparql:
                raise Unsupported(f"shape {shape}: sh:sparql on a nested shape")
            if param in self.custom:
                raise Unsupported(f"shape {shape}: {param} is a parameter of a custom constraint component")
            if not str(param).startswith(str(SH)) or param in NOT_CONSTRAINTS:
                continue
            yield param, value  # type: ignore[misc]

    def _rule(self, shape: Node, param: URIRef) -> Component:
        """The component table's entry for a parameter, or Unsupported (sh:property is structural)."""
        rule = COMPONENTS.get(param)
        if rule is None:
            raise self.unsupported(shape, param)
        return rule

    def _deactivated(self, node: Node) -> bool:
        """True when a shape says `sh:deactivated true`."""
        return any(
            o.toPython() is True for o in self.shapes.objects(node, SH.deactivated) if isinstance(o, Literal)
        )

    def unsupported(self, shape: Node, param: Node) -> Unsupported:
        """The error for a constraint this compiler cannot run."""
        return Unsupported(f"shape {shape}: constraint {param} is not compiled (shapes/compiled/)")

    # --- conditions ---------------------------------------------------------------------------------

    def conforms(self, shape: Node, var: str) -> str:
        """A SPARQL expression true when the node in `var` conforms to `shape` (targets ignored)."""
        if self._deactivated(shape):
            return "true"
        parts = []
        path_node = self.shapes.value(shape, SH.path)
        for param, value in self._constraints(shape, nested=True):
            if param == SH.property:
                parts.append(self.conforms(value, var))
                continue
            rule = self._rule(shape, param)
            if path_node is None:
                if rule.value is None:
                    raise self.unsupported(shape, param)
                parts.append(rule.value(self, shape, value, var))
            elif rule.nested is not None:
                parts.append(rule.nested(self, shape, self.path(path_node), value, var))
            elif rule.value is not None and rule.per_value:
                a = self.fresh()
                inner = rule.value(self, shape, value, a)
                parts.append(f"NOT EXISTS {{ {var} {self.path(path_node)} {a} . FILTER (!({inner})) }}")
            else:
                raise self.unsupported(shape, param)
        return "(" + " && ".join(parts) + ")" if parts else "true"

    def path(self, node: Node) -> str:
        """A SHACL property path as a SPARQL property path (its predicates noted for entailment)."""
        return sparql_path(self.shapes, node, self.predicates)

    def fresh(self) -> str:
        """A variable name no other fragment uses."""
        return f"?v{next(self._names)}"
