"""SHACL core constraints compiled to SPARQL and run on the validation dataset, with pySHACL's results.

Why (issue 7): pySHACL needs the data as an rdflib graph and RDFS inference by owlrl over all of it;
at a million triples that took 12 minutes and 2.9 GiB, nearly all of it parsing and inferring, not
validating. Here every constraint of every shape becomes one SPARQL query (templates in
shapes/sparql/core/) on the pyoxigraph store of shapes/dataset.py, whose named graphs hold the RDFS
entailments the shapes can observe. The results are those pySHACL gives with `inference="rdfs"` —
focus node, path, value, constraint component, shape, severity and messages — and
tests/test_core_sparql.py holds the two engines to that on every case and on the shipped graph.

Where pySHACL's own semantics are Python's (sh:datatype's well-formedness by rdflib, sh:pattern by `re`,
sh:lessThanOrEquals by rdflib's ordering), the SPARQL calls back into Python functions that repeat
pySHACL's code. A shape using a constraint this compiler does not know is refused with a clear error,
never silently passed.
"""

from __future__ import annotations

import itertools
import logging
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import cache

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD
from rdflib.term import Node
from thaiplan.shapes.dataset import CORE_GRAPHS, FOCUS, TYPES, Dataset, fill, select
from thaiplan.shapes.report import Result

from thaiplan.errors import ThaiplanError

FUNCTIONS = "urn:thaiplan:shacl:"
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
# Parameters whose constraint is checked on each value node on its own (one result per failing value).
VALUE_PARAMETERS = {
    SH["class"]: SH.ClassConstraintComponent,
    SH.datatype: SH.DatatypeConstraintComponent,
    SH["in"]: SH.InConstraintComponent,
    SH.languageIn: SH.LanguageInConstraintComponent,
    SH.pattern: SH.PatternConstraintComponent,
    SH.minLength: SH.MinLengthConstraintComponent,
    SH.maxLength: SH.MaxLengthConstraintComponent,
    SH["or"]: SH.OrConstraintComponent,
    SH["and"]: SH.AndConstraintComponent,
    SH["not"]: SH.NotConstraintComponent,
    SH.node: SH.NodeConstraintComponent,
}


@dataclass(frozen=True)
class CoreCheck:
    """One constraint of one shape on the focus nodes of some targets, as a query and how to read it."""

    shape: Node
    component: URIRef
    path: Node | None
    severity: URIRef
    messages: tuple[Literal, ...]
    query: str  # with {{focusSet}} still to fill: run_core names the focus set of `targets`
    kind: str  # "value": rows (this, value); "focus": rows (this), no value; "node": value is the focus
    targets: str
    root: Node | None = None  # the targeted shape this check belongs to (a property shape's parent)


class Unsupported(ThaiplanError):
    """A shape feature this compiler does not run: the shape goes to the reference engine instead."""


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


# --- compiling ------------------------------------------------------------------------------------------


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
        self.unsupported: dict[Node, str] = {}  # targeted shape → why the compiler leaves it to pySHACL

    # --- shapes and checks --------------------------------------------------------------------------

    def checks(self) -> list[CoreCheck]:
        """Every check of every active targeted shape the compiler runs, in a stable order.

        A shape with a feature it does not run is noted in `self.unsupported` (with the reason) and
        compiles to no check: the caller must hand it to the reference engine, never pass it.
        """
        found: list[CoreCheck] = []
        for shape in targeted_shapes(self.shapes):
            if self._deactivated(shape):
                continue
            try:
                targets = self._targets(shape)
                checks = self._shape_checks(shape, targets)
            except Unsupported as exc:
                self.unsupported[shape] = str(exc)
                continue
            found.extend(replace(check, root=shape) for check in checks)
        return found

    def _shape_checks(self, shape: Node, targets: str) -> list[CoreCheck]:
        """The checks of a shape (property or node shape) and of its sh:property shapes."""
        found = []
        if self.shapes.value(shape, SH.path) is not None:
            found.extend(self._property_checks(shape, targets))
        else:
            found.extend(self._node_checks(shape, targets))
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
            if param not in VALUE_PARAMETERS and param != SH.hasValue:
                raise self._unsupported(shape, param)
            condition = self._value_condition(shape, param, value, "?this")
            component = VALUE_PARAMETERS.get(param, SH.HasValueConstraintComponent)
            query = _template("node.rq", condition=condition)
            kind = "focus" if param == SH.hasValue else "node"  # sh:hasValue results have no sh:value
            found.append(self._check(shape, component, None, query, kind, targets))
        return found

    def _property_checks(self, shape: Node, targets: str, child: bool = False) -> list[CoreCheck]:
        """One check per constraint of a property shape on the value nodes of its path."""
        path_node = self.shapes.value(shape, SH.path)
        path = self.path(path_node)
        found = []
        for param, value in self._constraints(shape, nested=child):
            fill: dict[str, str] = {"path": path}
            if param in (SH.minCount, SH.maxCount):
                count = _count(shape, param, value)
                if param == SH.minCount and count == 0:
                    continue
                kind = "focus"
                if param == SH.minCount:
                    # NOT EXISTS is fastest, but pyoxigraph runs a `*` or `+` path in it badly (3 s per 100k).
                    simple = count == 1 and not self._repeats(path_node)
                    name = "min-count-one.rq" if simple else "min-count.rq"
                    component = SH.MinCountConstraintComponent
                else:
                    name, component = "max-count.rq", SH.MaxCountConstraintComponent
                fill["count"] = str(count)
            elif param == SH.qualifiedValueShape:
                found.extend(self._qualified_checks(shape, value, fill, targets))
                continue
            elif param == SH.uniqueLang:
                if not is_true(value):
                    continue
                name, kind, component = "unique-lang.rq", "focus", SH.UniqueLangConstraintComponent
            elif param == SH.lessThanOrEquals:
                if not isinstance(value, URIRef):
                    raise ThaiplanError(f"sh:lessThanOrEquals of {shape} must be an IRI")
                self.predicates.add(value)
                name, kind, component = "pairs.rq", "pairs", SH.LessThanOrEqualsConstraintComponent
                fill["other"] = _iri(value)
            elif param in VALUE_PARAMETERS:
                name, kind, component = "value.rq", "value", VALUE_PARAMETERS[param]
                fill["condition"] = self._value_condition(shape, param, value, "?value")
            else:
                raise self._unsupported(shape, param)
            found.append(self._check(shape, component, path_node, _template(name, **fill), kind, targets))
        return found

    def _qualified_checks(
        self, shape: Node, qualified: Node, fill: dict[str, str], targets: str
    ) -> list[CoreCheck]:
        """sh:qualifiedMinCount / sh:qualifiedMaxCount: how many value nodes meet the qualified shape."""
        self._no_disjoint(shape)
        found = []
        condition = self.conforms(qualified, "?value")
        bounds = (
            (SH.qualifiedMinCount, "qualified-min-count.rq", SH.QualifiedMinCountConstraintComponent),
            (SH.qualifiedMaxCount, "qualified-max-count.rq", SH.QualifiedMaxCountConstraintComponent),
        )
        for param, name, component in bounds:
            value = self.shapes.value(shape, param)
            if value is None:
                continue
            count = _count(shape, param, value)
            query = _template(name, **fill, condition=condition, count=str(count))
            path = self.shapes.value(shape, SH.path)
            found.append(self._check(shape, component, path, query, "focus", targets))
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

    def _deactivated(self, node: Node) -> bool:
        """True when a shape says `sh:deactivated true`."""
        return any(
            o.toPython() is True for o in self.shapes.objects(node, SH.deactivated) if isinstance(o, Literal)
        )

    def _no_disjoint(self, shape: Node) -> None:
        """Refuse sh:qualifiedValueShapesDisjoint true, which the compiled counts do not read."""
        for flag in self.shapes.objects(shape, SH.qualifiedValueShapesDisjoint):
            if isinstance(flag, Literal) and flag.toPython() is True:
                raise self._unsupported(shape, SH.qualifiedValueShapesDisjoint)

    def _unsupported(self, shape: Node, param: Node) -> Unsupported:
        """The error for a constraint this compiler cannot run."""
        return Unsupported(
            f"shape {shape}: constraint {param} is not supported by thaiplan's SPARQL validator "
            "(shapes/core_sparql.py)"
        )

    # --- targets ------------------------------------------------------------------------------------

    def _targets(self, shape: Node) -> str:
        """The union of a shape's target patterns binding ?this, on the core graphs."""
        parts = []
        for cls in _target_classes(self.shapes, shape, self.implicit):
            self.classes.add(_need_iri(shape, cls))
            parts.append(f"{{ GRAPH {TYPES} {{ ?this {_iri(RDF.type)} {_iri(cls)} }} }}")
        parts.extend(_plain_targets(self.shapes, shape, self.predicates))
        return " UNION ".join(parts) if parts else "FILTER (false)"

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
            elif path_node is not None:
                parts.append(self._path_condition(shape, self.path(path_node), param, value, var))
            elif param in VALUE_PARAMETERS or param == SH.hasValue:
                parts.append(self._value_condition(shape, param, value, var))
            else:
                raise self._unsupported(shape, param)
        return "(" + " && ".join(parts) + ")" if parts else "true"

    def _path_condition(self, shape: Node, path: str, param: URIRef, value: Node, var: str) -> str:
        """True when the node in `var` meets one constraint of a property shape nested in another."""
        a, b = self._fresh(), self._fresh()
        if param in (SH.minCount, SH.maxCount):
            count = _count(shape, param, value)
            if param == SH.minCount:
                if count > 1:
                    raise self._unsupported(shape, param)
                return "true" if count == 0 else f"EXISTS {{ {var} {path} {a} }}"
            if count == 0:
                return f"NOT EXISTS {{ {var} {path} {a} }}"
            if count == 1:
                return f"NOT EXISTS {{ {var} {path} {a} . {var} {path} {b} . FILTER (!sameTerm({a}, {b})) }}"
            raise self._unsupported(shape, param)
        if param == SH.hasValue:
            return f"EXISTS {{ {var} {path} {a} . FILTER (sameTerm({a}, {_term(value)})) }}"
        if param == SH.qualifiedValueShape:
            return self._qualified_condition(shape, path, value, var)
        if param in VALUE_PARAMETERS:
            inner = self._value_condition(shape, param, value, a)
            return f"NOT EXISTS {{ {var} {path} {a} . FILTER (!({inner})) }}"
        if param == SH.uniqueLang and is_true(value):
            same = f'LANG({a}) != "" && LCASE(LANG({a})) = LCASE(LANG({b})) && !sameTerm({a}, {b})'
            return (
                f"NOT EXISTS {{ {var} {path} {a} . {var} {path} {b} . "
                f"FILTER (isLiteral({a}) && isLiteral({b}) && {same}) }}"
            )
        raise self._unsupported(shape, param)

    def _qualified_condition(self, shape: Node, path: str, qualified: Node, var: str) -> str:
        """sh:qualifiedMinCount 0/1 and sh:qualifiedMaxCount 0 of a nested property shape."""
        self._no_disjoint(shape)
        a = self._fresh()
        inner = self.conforms(qualified, a)
        parts = []
        low = self.shapes.value(shape, SH.qualifiedMinCount)
        high = self.shapes.value(shape, SH.qualifiedMaxCount)
        if low is not None:
            count = _count(shape, SH.qualifiedMinCount, low)
            if count > 1:
                raise self._unsupported(shape, SH.qualifiedMinCount)
            if count == 1:
                parts.append(f"EXISTS {{ {var} {path} {a} . FILTER ({inner}) }}")
        if high is not None:
            if _count(shape, SH.qualifiedMaxCount, high) != 0:
                raise self._unsupported(shape, SH.qualifiedMaxCount)
            parts.append(f"NOT EXISTS {{ {var} {path} {a} . FILTER ({inner}) }}")
        return "(" + " && ".join(parts) + ")" if parts else "true"

    def _value_condition(self, shape: Node, param: URIRef, value: Node, var: str) -> str:
        """True when the value node in `var` meets one value-level constraint."""
        if param == SH["class"]:
            self.classes.add(_need_iri(shape, value))
            return f"EXISTS {{ GRAPH {TYPES} {{ {var} {_iri(RDF.type)} {_iri(value)} }} }}"
        if param == SH.datatype:
            return f"<{FUNCTIONS}datatype>({var}, {_iri(_need_iri(shape, value))})"
        if param == SH["in"]:
            members = [f"sameTerm({var}, {_term(m)})" for m in Collection(self.shapes, value)]
            return "(" + " || ".join(members) + ")" if members else "false"
        if param == SH.hasValue:
            return f"sameTerm({var}, {_term(value)})"
        if param == SH.languageIn:
            return _language_in(var, [str(t).lower() for t in Collection(self.shapes, value)])
        if param == SH.pattern:
            flags = self.shapes.value(shape, SH.flags)
            flag_text = _term(Literal(str(flags))) if flags is not None else '""'
            return f"<{FUNCTIONS}pattern>({var}, {_term(Literal(str(value)))}, {flag_text})"
        if param in (SH.minLength, SH.maxLength):
            length = _count(shape, param, value)
            if param == SH.minLength:
                return "true" if length == 0 else f"(!isBlank({var}) && STRLEN(STR({var})) >= {length})"
            return f"(!isBlank({var}) && STRLEN(STR({var})) <= {length})"
        if param in (SH["or"], SH["and"]):
            members = [self.conforms(m, var) for m in Collection(self.shapes, value)]
            joiner = " || " if param == SH["or"] else " && "
            return "(" + joiner.join(members) + ")" if members else ("false" if param == SH["or"] else "true")
        if param == SH["not"]:
            return f"!({self.conforms(value, var)})"
        if param == SH.node:
            return self.conforms(value, var)
        raise self._unsupported(shape, param)

    # --- paths --------------------------------------------------------------------------------------

    def path(self, node: Node) -> str:
        """A SHACL property path as a SPARQL property path (its predicates noted for entailment)."""
        if isinstance(node, URIRef):
            self.predicates.add(node)
            return _iri(node)
        shapes = self.shapes
        kinds = [p for p in PATH_KINDS if (node, p, None) in shapes]
        if len(kinds) + ((node, RDF.first, None) in shapes) != 1:
            raise Unsupported(f"{node} is not one well-formed SHACL property path")
        for prop, suffix in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
            inner = shapes.value(node, prop)
            if inner is not None:
                return f"({self.path(inner)}){suffix}"
        inverse = shapes.value(node, SH.inversePath)
        if inverse is not None:
            return f"^({self.path(inverse)})"
        alternatives = shapes.value(node, SH.alternativePath)
        if alternatives is not None:
            return "(" + " | ".join(self.path(p) for p in Collection(shapes, alternatives)) + ")"
        if shapes.value(node, RDF.first) is not None:
            return "(" + " / ".join(self.path(p) for p in Collection(shapes, node)) + ")"
        raise ThaiplanError(f"{node} is not a SHACL property path")

    def _repeats(self, node: Node) -> bool:
        """True when a SHACL path holds a zero-or-more or one-or-more step."""
        if isinstance(node, URIRef):
            return False
        if (node, SH.zeroOrMorePath, None) in self.shapes or (node, SH.oneOrMorePath, None) in self.shapes:
            return True
        return any(self._repeats(o) for o in self.shapes.objects(node, None) if not isinstance(o, Literal))

    def _fresh(self) -> str:
        """A variable name no other fragment uses."""
        return f"?v{next(self._names)}"


PATH_KINDS = (SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath, SH.inversePath, SH.alternativePath)


def _target_classes(shapes: Graph, shape: Node, implicit: set[Node]) -> list[Node]:
    """A shape's sh:targetClass values, and the shape itself when it is also a class."""
    classes = set(shapes.objects(shape, SH.targetClass))
    if shape in implicit:
        classes.add(shape)
    return sorted(classes, key=str)


def _plain_targets(shapes: Graph, shape: Node, predicates: set[URIRef]) -> list[str]:
    """The sh:targetNode, sh:targetSubjectsOf and sh:targetObjectsOf patterns of a shape.

    A target node binds ?given: it is a focus node whether or not the data mentions it (SHACL 2.1.3.1).
    """
    parts = []
    for node in sorted(shapes.objects(shape, SH.targetNode), key=str):
        parts.append(f"{{ BIND ({_term(node)} AS ?this) BIND (true AS ?given) }}")
    for prop in sorted(shapes.objects(shape, SH.targetSubjectsOf), key=str):
        predicates.add(_need_iri(shape, prop))
        parts.append(f"{{ ?this {_iri(prop)} ?anyTargetValue }}")
    for prop in sorted(shapes.objects(shape, SH.targetObjectsOf), key=str):
        predicates.add(_need_iri(shape, prop))
        parts.append(f"{{ ?anyTargetSubject {_iri(prop)} ?this }}")
    return parts


def sparql_targets(shapes: Graph, shape: Node) -> str:
    """A shape's targets as SHACL-SPARQL reads them here: asserted types, up rdfs:subClassOf*."""
    parts = []
    for cls in _target_classes(shapes, shape, implicit_class_targets(shapes)):
        sub = f"{_iri(RDFS.subClassOf)}*"
        parts.append(f"{{ ?this {_iri(RDF.type)} ?anyType . ?anyType {sub} {_iri(_need_iri(shape, cls))} }}")
    parts.extend(_plain_targets(shapes, shape, set()))
    return " UNION ".join(parts) if parts else "FILTER (false)"


def _language_in(var: str, tags: list[str]) -> str:
    """sh:languageIn as pySHACL reads it: the tag, or its first subtag, in the list (case-insensitive)."""
    if "*" in tags:
        return f'(isLiteral({var}) && LANG({var}) != "")'
    listed = ", ".join(_term(Literal(t)) for t in tags) or '""'
    lang = f"LCASE(LANG({var}))"
    first = f'LCASE(IF(CONTAINS(LANG({var}), "-"), STRBEFORE(LANG({var}), "-"), LANG({var})))'
    return f'(isLiteral({var}) && LANG({var}) != "" && ({lang} IN ({listed}) || {first} IN ({listed})))'


def is_true(node: Node) -> bool:
    """True only for the literal `true` (SHACL names `true`; `"1"^^xsd:boolean` leaves a flag off)."""
    return isinstance(node, Literal) and node.datatype == XSD.boolean and str(node) == "true"


def _count(shape: Node, param: Node, value: Node) -> int:
    """A non-negative integer parameter (sh:minCount, sh:minLength, …) or a clear error."""
    number = value.toPython() if isinstance(value, Literal) else None
    if not isinstance(number, int) or isinstance(number, bool) or number < 0:
        raise ThaiplanError(f"shape {shape}: {param} must be a non-negative integer, not {value}")
    return number


def _need_iri(shape: Node, node: Node) -> URIRef:
    """An IRI parameter (class, datatype, property) or a clear error."""
    if not isinstance(node, URIRef):
        raise ThaiplanError(f"shape {shape}: expected an IRI, found {node}")
    return node


def _iri(node: Node) -> str:
    """An IRI written for SPARQL by pyoxigraph (which refuses anything that is not an IRI)."""
    try:
        return str(ox.NamedNode(str(node)))
    except ValueError as exc:
        raise ThaiplanError(f"{node!r} in the shapes is not a valid IRI") from exc


def _term(node: Node) -> str:
    """An IRI or literal of the shapes graph written for SPARQL by pyoxigraph."""
    if isinstance(node, URIRef):
        return _iri(node)
    if isinstance(node, Literal):
        return str(Dataset().to_ox(node))
    raise Unsupported(f"blank node {node} cannot be compared in a compiled constraint")


def _template(name: str, **fragments: str) -> str:
    """A core query template with its `{{placeholders}}` filled, but for the focus set (named at run time)."""
    return fill(name, focusSet="{{focusSet}}", **fragments)


@dataclass(frozen=True)
class Compiled:
    """The checks of a shapes graph, the terms whose entailments they observe, and what they leave out."""

    checks: list[CoreCheck]
    predicates: frozenset[URIRef]
    classes: frozenset[URIRef]
    unsupported: dict[Node, str]  # targeted shape → why the compiler does not run it


def compile_shapes(shapes: Graph) -> Compiled:
    """The checks of a shapes graph, with the predicates and classes whose entailments they observe."""
    compiler = Compiler(shapes)
    checks = compiler.checks()
    return Compiled(checks, frozenset(compiler.predicates), frozenset(compiler.classes), compiler.unsupported)


# --- running --------------------------------------------------------------------------------------------


def run_core(dataset: Dataset, checks: list[CoreCheck]) -> list[Result]:
    """Run every check on the core graphs of the dataset; one Result per row, as pySHACL reports them."""
    focus_sets = focus_sets_of(dataset, checks)
    return [result for check in checks for result in run_check(dataset, check, focus_sets)]


def run_check(dataset: Dataset, check: CoreCheck, focus_sets: dict[str, ox.NamedNode]) -> list[Result]:
    """Run one check (its focus set already computed); safe to call from several threads at once."""
    query = check.query.replace("{{focusSet}}", str(focus_sets[check.targets]))
    rows = select(dataset.store, query, default_graph=CORE_GRAPHS, custom_functions=_functions())
    if check.kind == "pairs":
        return _pair_results(dataset, check, rows)
    results = []
    for row in rows:
        focus = dataset.to_rdflib(row["this"])
        value: Node | None = None
        if check.kind == "value":
            value = dataset.to_rdflib(row["value"])
        elif check.kind == "node":
            value = focus
        results.append(_result(check, focus, value))
    return results


def focus_sets_of(dataset: Dataset, checks: list[CoreCheck]) -> dict[str, ox.NamedNode]:
    """Compute each distinct set of targets' focus nodes once, into the focus graph; name each set."""
    names: dict[str, ox.NamedNode] = {}
    for check in checks:
        if check.targets not in names:
            name = names[check.targets] = ox.NamedNode(f"{FOCUS.value}/{len(names)}")
            dataset.store.update(fill("focus-set.ru", focusSet=name, targets=check.targets))
    return names


def _result(check: CoreCheck, focus: Node, value: Node | None) -> Result:
    """One result of a check."""
    return Result(
        focus=focus,
        severity=check.severity,
        shape=check.shape,
        component=check.component,
        path=check.path,
        value=value,
        messages=check.messages,
    )


def _pair_results(dataset: Dataset, check: CoreCheck, rows: list[dict[str, object]]) -> list[Result]:
    """sh:lessThanOrEquals: one result per (value, other value) pair that pySHACL finds out of order."""
    results = []
    for row in rows:
        value, other = dataset.to_rdflib(row["value"]), dataset.to_rdflib(row["other"])
        if not _less_than_or_equal(value, other):
            results.append(_result(check, dataset.to_rdflib(row["this"]), value))
    return results


def _less_than_or_equal(value: Node, other: Node) -> bool:
    """pySHACL's comparison for sh:lessThanOrEquals: strings only with strings, else rdflib's `<=`."""
    if isinstance(value, BNode) or isinstance(other, BNode):
        raise ThaiplanError("sh:lessThanOrEquals cannot compare a blank node")
    left, left_text = _comparable(value)
    right, right_text = _comparable(other)
    if left_text != right_text:
        return False
    try:
        return bool(left <= right)
    except TypeError:
        return False


def _comparable(node: Node) -> tuple[object, bool]:
    """A node as pySHACL compares it: IRIs and string literals as Python strings, else the literal."""
    if isinstance(node, URIRef):
        return str(node), True
    if isinstance(node, Literal) and isinstance(node.value, str):
        return node.value, True
    return node, False


@cache
def _functions() -> dict[ox.NamedNode, Callable[..., ox.Literal]]:
    """The Python functions the compiled queries call, by IRI."""
    return {
        ox.NamedNode(FUNCTIONS + "datatype"): _datatype_function,
        ox.NamedNode(FUNCTIONS + "pattern"): _pattern_function,
    }


_TRUE, _FALSE = ox.Literal(True), ox.Literal(False)


def _datatype_function(value: object, datatype: object) -> ox.Literal:
    """sh:datatype for one value node, as pySHACL decides it (rdflib's well-formedness, Python types)."""
    if not isinstance(value, ox.Literal) or not isinstance(datatype, ox.NamedNode):
        return _FALSE
    return (
        _TRUE
        if _datatype_matches(value.value, value.language, value.datatype.value, datatype.value)
        else _FALSE
    )


class _QuietConversions(logging.Filter):
    """Drops rdflib's "Failed to convert Literal" warnings while a datatype check builds a literal.

    The report already names an ill-typed value; and the warning's traceback would keep the query's
    frames (and its pyoxigraph iterator, which must die on its own thread) alive in whatever handler
    keeps records.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep every record but those made inside a datatype check on this thread."""
        return not getattr(_CHECKING, "active", False)


_CHECKING = threading.local()
logging.getLogger("rdflib.term").addFilter(_QuietConversions())


@cache
def _datatype_matches(lexical: str, language: str | None, datatype: str, rule_iri: str) -> bool:
    """pySHACL's DatatypeConstraintComponent on one literal (cached: literals repeat)."""
    _CHECKING.active = True
    try:
        if language:
            literal = Literal(lexical, lang=language)
        elif datatype == str(XSD.string):
            literal = Literal(lexical)  # rdflib's parsers give a simple literal no datatype
        else:
            literal = Literal(lexical, datatype=URIRef(datatype))
    finally:
        _CHECKING.active = False
    rule = URIRef(rule_iri)
    if literal.datatype == rule:
        return getattr(literal, "ill_typed", None) is not True and _actual_datatype(literal, rule)
    if rule == RDFS.Literal:
        return True
    if rule == RDFS.Datatype:
        return literal.datatype is not None
    if literal.datatype is None and literal.language is None and rule == XSD.string:
        return _actual_datatype(literal, rule)
    if rule == RDF.langString and literal.language:
        return _actual_datatype(literal, rule)
    return False


def _actual_datatype(literal: Literal, rule: URIRef) -> bool:
    """pySHACL's check that the literal's Python value has the datatype's Python type."""
    from datetime import date, datetime, time
    from decimal import Decimal

    value = literal.value
    python_types: dict[URIRef, type | tuple[type, ...]] = {
        XSD.string: (str, bytes),
        RDF.langString: (str, bytes),
        XSD.integer: int,
        XSD.float: float,
        XSD.decimal: Decimal,
        XSD.boolean: bool,
        XSD.date: date,
        XSD.time: time,
        XSD.dateTime: datetime,
    }
    expected = python_types.get(rule)
    return True if expected is None else isinstance(value, expected)


def _pattern_function(value: object, pattern: object, flags: object) -> ox.Literal:
    """sh:pattern for one value node, with Python's `re.search` as pySHACL runs it."""
    if isinstance(value, ox.BlankNode) or not isinstance(pattern, ox.Literal):
        return _FALSE
    text = value.value if isinstance(value, ox.NamedNode | ox.Literal) else str(value)
    flag_text = flags.value if isinstance(flags, ox.Literal) else ""
    return _TRUE if _compiled(pattern.value, flag_text).search(text) else _FALSE


@cache
def _compiled(pattern: str, flags: str) -> re.Pattern[str]:
    """A pattern compiled with the flags pySHACL reads (`i`, `m`)."""
    re_flags = 0
    if "i" in flags.lower():
        re_flags |= re.I
    if "m" in flags.lower():
        re_flags |= re.M
    try:
        return re.compile(pattern, re_flags)
    except re.error as exc:
        raise ThaiplanError(f"sh:pattern {pattern!r} is not a valid regular expression: {exc}") from exc
