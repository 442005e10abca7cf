"""SHACL 4, the core constraint components: one table entry per component, by the spec's sections.

The pySHACL way (a class per component) as a table: each entry says how its component compiles.
`value` is a SPARQL condition on one value node — a node shape's focus node, each value of a property
shape's path (when `per_value`), or a node inside sh:node, sh:or, …; `focus` gives the query templates
of a check on all of a focus node's values at once (counts, pairs, languages); `nested` is that check
as a condition inside another shape. A parameter the table lacks, or a rule its entry lacks where the
parameter is met, raises Unsupported: the shape goes whole to the reference engine (shapes/handover.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from thaiplan.errors import ThaiplanError
from thaiplan.shapes.compiled.base import FUNCTIONS, Unsupported, count, iri, is_true, need_iri, term
from thaiplan.shapes.compiled.paths import repeats
from thaiplan.shapes.dataset import TYPES


class Context(Protocol):
    """What a rule reads of the compiler running it."""

    shapes: Graph
    predicates: set[URIRef]
    classes: set[URIRef]

    def conforms(self, shape: Node, var: str) -> str:
        """A condition true when the node in `var` conforms to `shape`."""

    def fresh(self) -> str:
        """A variable name no other fragment uses."""

    def unsupported(self, shape: Node, param: Node) -> Unsupported:
        """The error for a constraint the compiler cannot run."""


@dataclass(frozen=True)
class FocusQuery:
    """One query template of a focus-level check, with its fragments and how to read its rows."""

    template: str
    kind: str
    component: URIRef
    fill: dict[str, str] = field(default_factory=dict)


ValueRule = Callable[[Context, Node, Node, str], str]  # (compiler, shape, value, var) → condition
FocusRule = Callable[[Context, Node, Node, Node], list[FocusQuery]]  # (compiler, shape, value, path node)
NestedRule = Callable[[Context, Node, str, Node, str], str]  # (compiler, shape, path, value, var) → condition


@dataclass(frozen=True)
class Component:
    """How one SHACL core constraint component compiles (see the module's docstring)."""

    section: str
    component: URIRef
    value: ValueRule | None = None
    per_value: bool = True
    focus: FocusRule | None = None
    nested: NestedRule | None = None
    node_kind: str = "node"  # a node shape's result: "node" (sh:value is the focus node) or "focus" (none)


# --- 4.1 value type -------------------------------------------------------------------------------------


def _class(c: Context, shape: Node, value: Node, var: str) -> str:
    """sh:class: the node is typed with the class or a sub-class (the types graph holds both)."""
    c.classes.add(need_iri(shape, value))
    return f"EXISTS {{ GRAPH {TYPES} {{ {var} {iri(RDF.type)} {iri(value)} }} }}"


def _datatype(c: Context, shape: Node, value: Node, var: str) -> str:
    """sh:datatype, decided in Python as pySHACL decides it (compiled/functions.py)."""
    return f"<{FUNCTIONS}datatype>({var}, {iri(need_iri(shape, value))})"


_NODE_KINDS = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "(isBlank({v}) || isIRI({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}


def _node_kind(c: Context, shape: Node, value: Node, var: str) -> str:
    """sh:nodeKind: the node is of the kind named (one of SHACL's six)."""
    test = _NODE_KINDS.get(value)  # type: ignore[call-overload]
    if test is None:
        raise ThaiplanError(f"shape {shape}: sh:nodeKind {value} is not one of SHACL's node kinds")
    return test.format(v=var)


# --- 4.3 value range ------------------------------------------------------------------------------------


def _range(operator: str) -> ValueRule:
    """A value-range rule: the node compares with the bound by SPARQL's operator; incomparable fails."""

    def rule(c: Context, shape: Node, value: Node, var: str) -> str:
        """The comparison, false (a result) when SPARQL cannot compare the two (SHACL 4.3)."""
        if not isinstance(value, Literal):
            raise c.unsupported(shape, value)
        return f"COALESCE(isLiteral({var}) && {var} {operator} {term(value)}, false)"

    rule.__doc__ = f"The value-range comparison `{operator}`, false when the two are incomparable."
    return rule


# --- 4.2 cardinality ------------------------------------------------------------------------------------


def _min_count(c: Context, shape: Node, value: Node, path_node: Node) -> list[FocusQuery]:
    """sh:minCount on a property shape (0 checks nothing)."""
    number = count(shape, SH.minCount, value)
    if number == 0:
        return []
    # NOT EXISTS is fastest, but pyoxigraph runs a `*` or `+` path in it badly (3 s per 100k).
    simple = number == 1 and not repeats(c.shapes, path_node)
    name = "min-count-one.rq" if simple else "min-count.rq"
    return [FocusQuery(name, "focus", SH.MinCountConstraintComponent, {"count": str(number)})]


def _max_count(c: Context, shape: Node, value: Node, path_node: Node) -> list[FocusQuery]:
    """sh:maxCount on a property shape."""
    number = count(shape, SH.maxCount, value)
    return [FocusQuery("max-count.rq", "focus", SH.MaxCountConstraintComponent, {"count": str(number)})]


def _nested_min_count(c: Context, shape: Node, path: str, value: Node, var: str) -> str:
    """sh:minCount 0 or 1 inside another shape."""
    number = count(shape, SH.minCount, value)
    if number > 1:
        raise c.unsupported(shape, SH.minCount)
    return "true" if number == 0 else f"EXISTS {{ {var} {path} {c.fresh()} }}"


def _nested_max_count(c: Context, shape: Node, path: str, value: Node, var: str) -> str:
    """sh:maxCount 0 or 1 inside another shape."""
    number = count(shape, SH.maxCount, value)
    a, b = c.fresh(), c.fresh()
    if number == 0:
        return f"NOT EXISTS {{ {var} {path} {a} }}"
    if number == 1:
        return f"NOT EXISTS {{ {var} {path} {a} . {var} {path} {b} . FILTER (!sameTerm({a}, {b})) }}"
    raise c.unsupported(shape, SH.maxCount)


# --- 4.4 string-based -----------------------------------------------------------------------------------


def _min_length(c: Context, shape: Node, value: Node, var: str) -> str:
    """sh:minLength of the node's string form (a blank node has none)."""
    length = count(shape, SH.minLength, value)
    return "true" if length == 0 else f"(!isBlank({var}) && STRLEN(STR({var})) >= {length})"


def _max_length(c: Context, shape: Node, value: Node, var: str) -> str:
    """sh:maxLength of the node's string form (a blank node has none)."""
    return f"(!isBlank({var}) && STRLEN(STR({var})) <= {count(shape, SH.maxLength, value)})"


def _pattern(c: Context, shape: Node, value: Node, var: str) -> str:
    """sh:pattern with sh:flags, matched by Python's `re` as pySHACL matches it."""
    flags = c.shapes.value(shape, SH.flags)
    flag_text = term(Literal(str(flags))) if flags is not None else '""'
    return f"<{FUNCTIONS}pattern>({var}, {term(Literal(str(value)))}, {flag_text})"


def _language_in(c: Context, shape: Node, value: Node, var: str) -> str:
    """sh:languageIn as pySHACL reads it: the tag, or its first subtag, in the list (case-insensitive)."""
    tags = [str(t).lower() for t in Collection(c.shapes, value)]
    if "*" in tags:
        return f'(isLiteral({var}) && LANG({var}) != "")'
    listed = ", ".join(term(Literal(t)) for t in tags) or '""'
    lang = f"LCASE(LANG({var}))"
    first = f'LCASE(IF(CONTAINS(LANG({var}), "-"), STRBEFORE(LANG({var}), "-"), LANG({var})))'
    return f'(isLiteral({var}) && LANG({var}) != "" && ({lang} IN ({listed}) || {first} IN ({listed})))'


def _unique_lang(c: Context, shape: Node, value: Node, path_node: Node) -> list[FocusQuery]:
    """sh:uniqueLang true: no two values share a language tag."""
    if not is_true(value):
        return []
    return [FocusQuery("unique-lang.rq", "focus", SH.UniqueLangConstraintComponent)]


def _nested_unique_lang(c: Context, shape: Node, path: str, value: Node, var: str) -> str:
    """sh:uniqueLang true inside another shape."""
    if not is_true(value):
        return "true"
    a, b = c.fresh(), c.fresh()
    same = f'LANG({a}) != "" && LCASE(LANG({a})) = LCASE(LANG({b})) && !sameTerm({a}, {b})'
    return (
        f"NOT EXISTS {{ {var} {path} {a} . {var} {path} {b} . "
        f"FILTER (isLiteral({a}) && isLiteral({b}) && {same}) }}"
    )


# --- 4.5 property pair ----------------------------------------------------------------------------------


def _less_than_or_equals(c: Context, shape: Node, value: Node, path_node: Node) -> list[FocusQuery]:
    """sh:lessThanOrEquals: every (value, other value) pair, compared in Python (compiled/run.py)."""
    if not isinstance(value, URIRef):
        raise ThaiplanError(f"sh:lessThanOrEquals of {shape} must be an IRI")
    c.predicates.add(value)
    component = SH.LessThanOrEqualsConstraintComponent
    return [FocusQuery("pairs.rq", "pairs", component, {"other": iri(value)})]


# --- 4.6 logical ----------------------------------------------------------------------------------------


def _not(c: Context, shape: Node, value: Node, var: str) -> str:
    """sh:not: the node does not conform to the shape."""
    return f"!({c.conforms(value, var)})"


def _and(c: Context, shape: Node, value: Node, var: str) -> str:
    """sh:and: the node conforms to every shape of the list."""
    members = [c.conforms(m, var) for m in Collection(c.shapes, value)]
    return "(" + " && ".join(members) + ")" if members else "true"


def _or(c: Context, shape: Node, value: Node, var: str) -> str:
    """sh:or: the node conforms to some shape of the list."""
    members = [c.conforms(m, var) for m in Collection(c.shapes, value)]
    return "(" + " || ".join(members) + ")" if members else "false"


# --- 4.7 shape-based ------------------------------------------------------------------------------------


def _node(c: Context, shape: Node, value: Node, var: str) -> str:
    """sh:node: the node conforms to the shape."""
    return c.conforms(value, var)


def _no_disjoint(c: Context, shape: Node) -> None:
    """Refuse sh:qualifiedValueShapesDisjoint true, which the compiled counts do not read."""
    for flag in c.shapes.objects(shape, SH.qualifiedValueShapesDisjoint):
        if isinstance(flag, Literal) and flag.toPython() is True:
            raise c.unsupported(shape, SH.qualifiedValueShapesDisjoint)


def _qualified(c: Context, shape: Node, value: Node, path_node: Node) -> list[FocusQuery]:
    """sh:qualifiedMinCount / sh:qualifiedMaxCount: how many value nodes meet the qualified shape."""
    _no_disjoint(c, shape)
    condition = c.conforms(value, "?value")
    bounds = (
        (SH.qualifiedMinCount, "qualified-min-count.rq", SH.QualifiedMinCountConstraintComponent),
        (SH.qualifiedMaxCount, "qualified-max-count.rq", SH.QualifiedMaxCountConstraintComponent),
    )
    found = []
    for param, name, component in bounds:
        bound = c.shapes.value(shape, param)
        if bound is not None:
            fill = {"condition": condition, "count": str(count(shape, param, bound))}
            found.append(FocusQuery(name, "focus", component, fill))
    return found


def _nested_qualified(c: Context, shape: Node, path: str, value: Node, var: str) -> str:
    """sh:qualifiedMinCount 0/1 and sh:qualifiedMaxCount 0 inside another shape."""
    _no_disjoint(c, shape)
    a = c.fresh()
    inner = c.conforms(value, a)
    parts = []
    low = c.shapes.value(shape, SH.qualifiedMinCount)
    high = c.shapes.value(shape, SH.qualifiedMaxCount)
    if low is not None:
        number = count(shape, SH.qualifiedMinCount, low)
        if number > 1:
            raise c.unsupported(shape, SH.qualifiedMinCount)
        if number == 1:
            parts.append(f"EXISTS {{ {var} {path} {a} . FILTER ({inner}) }}")
    if high is not None:
        if count(shape, SH.qualifiedMaxCount, high) != 0:
            raise c.unsupported(shape, SH.qualifiedMaxCount)
        parts.append(f"NOT EXISTS {{ {var} {path} {a} . FILTER ({inner}) }}")
    return "(" + " && ".join(parts) + ")" if parts else "true"


# --- 4.8 other ------------------------------------------------------------------------------------------


def _in(c: Context, shape: Node, value: Node, var: str) -> str:
    """sh:in: the node is one of the list's members."""
    members = [f"sameTerm({var}, {term(m)})" for m in Collection(c.shapes, value)]
    return "(" + " || ".join(members) + ")" if members else "false"


def _has_value(c: Context, shape: Node, value: Node, var: str) -> str:
    """sh:hasValue on a node shape: the focus node is the value."""
    return f"sameTerm({var}, {term(value)})"


def _nested_has_value(c: Context, shape: Node, path: str, value: Node, var: str) -> str:
    """sh:hasValue inside another shape: some value of the path is the value."""
    a = c.fresh()
    return f"EXISTS {{ {var} {path} {a} . FILTER (sameTerm({a}, {term(value)})) }}"


COMPONENTS: dict[URIRef, Component] = {
    SH["class"]: Component("4.1.1", SH.ClassConstraintComponent, value=_class),
    SH.datatype: Component("4.1.2", SH.DatatypeConstraintComponent, value=_datatype),
    SH.nodeKind: Component("4.1.3", SH.NodeKindConstraintComponent, value=_node_kind),
    SH.minCount: Component(
        "4.2.1", SH.MinCountConstraintComponent, focus=_min_count, nested=_nested_min_count
    ),
    SH.maxCount: Component(
        "4.2.2", SH.MaxCountConstraintComponent, focus=_max_count, nested=_nested_max_count
    ),
    SH.minExclusive: Component("4.3.1", SH.MinExclusiveConstraintComponent, value=_range(">")),
    SH.minInclusive: Component("4.3.2", SH.MinInclusiveConstraintComponent, value=_range(">=")),
    SH.maxExclusive: Component("4.3.3", SH.MaxExclusiveConstraintComponent, value=_range("<")),
    SH.maxInclusive: Component("4.3.4", SH.MaxInclusiveConstraintComponent, value=_range("<=")),
    SH.minLength: Component("4.4.1", SH.MinLengthConstraintComponent, value=_min_length),
    SH.maxLength: Component("4.4.2", SH.MaxLengthConstraintComponent, value=_max_length),
    SH.pattern: Component("4.4.3", SH.PatternConstraintComponent, value=_pattern),
    SH.languageIn: Component("4.4.4", SH.LanguageInConstraintComponent, value=_language_in),
    SH.uniqueLang: Component(
        "4.4.5", SH.UniqueLangConstraintComponent, focus=_unique_lang, nested=_nested_unique_lang
    ),
    SH.lessThanOrEquals: Component(
        "4.5.4", SH.LessThanOrEqualsConstraintComponent, focus=_less_than_or_equals
    ),
    SH["not"]: Component("4.6.1", SH.NotConstraintComponent, value=_not),
    SH["and"]: Component("4.6.2", SH.AndConstraintComponent, value=_and),
    SH["or"]: Component("4.6.3", SH.OrConstraintComponent, value=_or),
    SH.node: Component("4.7.1", SH.NodeConstraintComponent, value=_node),
    SH.qualifiedValueShape: Component(
        "4.7.3", SH.QualifiedMinCountConstraintComponent, focus=_qualified, nested=_nested_qualified
    ),
    SH["in"]: Component("4.8.3", SH.InConstraintComponent, value=_in),
    SH.hasValue: Component(
        "4.8.2",
        SH.HasValueConstraintComponent,
        value=_has_value,
        per_value=False,
        nested=_nested_has_value,
        node_kind="focus",  # sh:hasValue results have no sh:value
    ),
}
# Not compiled (the reference engine runs them): 4.5.1-3 equals, disjoint, lessThan, 4.6.4 xone,
# 4.8.1 closed, sh:hasValue on a property shape; and sh:property inside a property shape.
