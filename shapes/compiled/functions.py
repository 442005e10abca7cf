"""The Python functions compiled queries call back, where pySHACL's semantics are Python's.

sh:datatype's well-formedness is rdflib's, sh:pattern is Python's `re`, sh:lessThanOrEquals is rdflib's
ordering: repeating pySHACL's code here keeps the compiled results equal to its (tests/test_core_sparql.py).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from functools import cache

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from thaiplan.errors import ThaiplanError
from thaiplan.shapes.compiled.base import FUNCTIONS


def less_than_or_equal(value: Node, other: Node) -> bool:
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
def functions() -> dict[ox.NamedNode, Callable[..., ox.Literal]]:
    """The Python functions the compiled queries call, by IRI (their logging filter installed)."""
    quiet_rdflib_conversions()
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
_QUIET = _QuietConversions()


def quiet_rdflib_conversions() -> None:
    """Install the filter on rdflib's logger when a validation first runs the checks, not at import
    (issue 14: importing a module changed logging for every user of rdflib); installing twice is a no-op."""
    logging.getLogger("rdflib.term").addFilter(_QUIET)


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
