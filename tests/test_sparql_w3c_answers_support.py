"""The W3C SPARQL 1.1 query evaluation suite's answers (issue 19): a result read from any format the suite
or an endpoint writes, reduced to what the suite compares, and the suite's comparison.

No tests here; `tests/test_sparql_w3c_support.py` is the harness that reads the expected answers with it.
Comparison as the suite defines it: SELECT results as a multiset of solutions up to blank-node renaming (in
order when the query has ORDER BY), ASK by its boolean, CONSTRUCT by graph isomorphism; the CSV/TSV tests
compare the answer in that format.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import pyoxigraph as ox

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_INTEGERS = {
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
    "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
}  # fmt: skip

Key = tuple[str, str]  # ("b", label) for a blank node, ("t", N-Triples) for any other term
Row = tuple[Key | None, ...]


@dataclass
class Answer:
    """A result reduced to what the suite compares: a boolean, a graph, solutions or CSV cells."""

    kind: str  # boolean, graph, solutions, csv
    boolean: bool | None = None
    variables: tuple[str, ...] = ()
    rows: tuple[Row, ...] = ()


def key(term: ox.Term | None) -> Key | None:
    """A term as a comparable key (None stays unbound); numbers and booleans by value within their type."""
    if term is None:
        return None
    if isinstance(term, ox.BlankNode):
        return ("b", term.value)
    if isinstance(term, ox.Literal) and term.datatype.value.startswith(XSD):
        value = _canonical(term.value, term.datatype.value.removeprefix(XSD))
        if value is not None:
            return ("t", f"{value}^^{term.datatype.value}")
    return ("t", str(term))


def _canonical(lexical: str, datatype: str) -> str | None:
    """The value of a numeric or boolean XSD literal as text (the suite writes `1.0` where engines write
    `1`, `0` for `false`), or None for other types and ill-typed forms, which compare by their text."""
    try:
        if datatype in XSD_INTEGERS:
            return str(int(lexical))
        if datatype == "decimal":
            return str(Decimal(lexical).normalize() + 0)
        if datatype in ("float", "double"):
            return repr(float(lexical))
        if datatype == "boolean" and lexical.strip() in ("true", "false", "1", "0"):
            return str(lexical.strip() in ("true", "1"))
    except (ValueError, ArithmeticError):
        return None
    return None


def graph_answer(triples: Iterable[ox.Triple]) -> Answer:
    """A graph as an answer (a set of triples)."""
    rows = {(key(t.subject), key(t.predicate), key(t.object)) for t in triples}
    return Answer("graph", rows=tuple(rows))  # type: ignore[arg-type]


def solutions_answer(variables: Iterable[str], rows: Iterable[dict[str, ox.Term | None]]) -> Answer:
    """Solutions as an answer, columns in name order (projection order is not compared)."""
    names = tuple(sorted(variables))
    return Answer("solutions", variables=names, rows=tuple(tuple(key(r.get(n)) for n in names) for r in rows))


def query_result_answer(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> Answer:
    """A parsed pyoxigraph result as an answer."""
    if isinstance(result, ox.QueryBoolean):
        return Answer("boolean", boolean=bool(result))
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        return solutions_answer(names, ({n: row[n] for n in names} for row in result))
    return graph_answer(result)


def csv_answer(body: bytes) -> Answer:
    """CSV results as cells (CSV keeps no term types); blank-node labels `_:x` stay renamable."""
    table = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    header, rows = tuple(table[0]) if table else (), table[1:]
    order = sorted(range(len(header)), key=lambda i: header[i])

    def cell(value: str) -> Key | None:
        """One CSV cell as a key."""
        return ("b", value[2:]) if value.startswith("_:") else ("t", value)

    cells = tuple(tuple(cell(r[i]) if i < len(r) else None for i in order) for r in rows)
    return Answer("csv", variables=tuple(header[i] for i in order), rows=cells)


def body_answer(body: bytes, content_type: str) -> Answer:
    """An HTTP answer body as an answer, read by its Content-Type."""
    media = content_type.split(";")[0].strip()
    if media == "text/csv":
        return csv_answer(body)
    results = {
        "application/sparql-results+xml": ox.QueryResultsFormat.XML,
        "application/sparql-results+json": ox.QueryResultsFormat.JSON,
        "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    }
    if media in results:
        return query_result_answer(ox.parse_query_results(body, format=results[media]))
    quads = ox.parse(body, format=ox.RdfFormat.from_media_type(media) or ox.RdfFormat.N_TRIPLES)
    return graph_answer(ox.Triple(q.subject, q.predicate, q.object) for q in quads)


def _ground(row: Row) -> tuple[Key | None, ...]:
    """A row with its blank nodes blanked out: rows that can match have the same ground form."""
    return tuple(("b", "") if k and k[0] == "b" else k for k in row)


def rows_match(left: Sequence[Row], right: Sequence[Row], ordered: bool) -> bool:
    """True when a bijection of blank nodes makes the two row lists equal (as multisets unless `ordered`)."""
    if len(left) != len(right) or Counter(map(_ground, left)) != Counter(map(_ground, right)):
        return False
    if ordered and [_ground(r) for r in left] != [_ground(r) for r in right]:
        return False

    def extend(mapping: dict[str, str], back: dict[str, str], a: Row, b: Row) -> tuple[dict, dict] | None:
        """The mapping extended so that row `a` maps onto row `b`, or None when it cannot."""
        fwd, rev = dict(mapping), dict(back)
        for x, y in zip(a, b, strict=True):
            if x is None or x[0] != "b":
                if x != y:
                    return None
                continue
            if y is None or y[0] != "b" or fwd.get(x[1], y[1]) != y[1] or rev.get(y[1], x[1]) != x[1]:
                return None
            fwd[x[1]], rev[y[1]] = y[1], x[1]
        return fwd, rev

    def search(i: int, used: set[int], fwd: dict[str, str], rev: dict[str, str]) -> bool:
        """Match rows from `i` on, trying each unused compatible row of `right`."""
        if i == len(left):
            return True
        candidates = [i] if ordered else [j for j in range(len(right)) if j not in used]
        for j in candidates:
            if _ground(right[j]) != _ground(left[i]):
                continue
            step = extend(fwd, rev, left[i], right[j])
            if step and search(i + 1, used | {j}, *step):
                return True
        return False

    return search(0, set(), {}, {})


def same_answer(expected: Answer, actual: Answer, ordered: bool) -> bool:
    """The suite's comparison of an expected and an actual answer."""
    if expected.kind == "boolean" or actual.kind == "boolean":
        return expected.kind == actual.kind and expected.boolean == actual.boolean
    if expected.kind != actual.kind or set(expected.variables) != set(actual.variables):
        return False
    return rows_match(expected.rows, actual.rows, ordered and expected.kind != "graph")
