"""Query results serialized with a row limit: SPARQL JSON/XML/CSV/TSV for solutions, RDF syntaxes for graphs.

SPARQL JSON goes through pyoxigraph's own serializer (issue 18: Python's writer cost 1.7x the query on
large answers), streamed into a buffer that counts rows and bytes as they arrive and stops at either
limit; the other solution formats, and JSON with hidden columns or a reordered `SELECT *`, are written
here one row at a time. Graphs go through pyoxigraph's serializers from a counting iterator.
Text is UTF-8 throughout and never escaped into ASCII, so Thai text stays as it is. Every
writer also stops at a byte limit (issue 13): one row can hold a literal of hundreds of megabytes.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import Any
from xml.sax.saxutils import escape as _xml_escape
from xml.sax.saxutils import quoteattr

import pyoxigraph as ox

from thaiplan.errors import InputError
from thaiplan.queries.guard import safety
from thaiplan.queries.guard.safety import CheckedText

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RESULTS_NS = "http://www.w3.org/2005/sparql-results#"
ITS_NS = "http://www.w3.org/2005/11/its"
# Characters XML 1.0 cannot carry at all, not even as character references (a literal may hold them).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
}
# Formats whose serializer can use prefixes to shorten IRIs.
PREFIXED = {"turtle", "trig", "rdfxml"}

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


class NotRepresentable(ValueError):
    """A result holds text the requested format cannot carry (a control character in XML)."""


class RowLimitExceeded(Exception):
    """The result has more rows (or triples) than the configured limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"more than {limit} results")
        self.limit = limit


class AnswerTooLarge(Exception):
    """The serialized answer is larger than the configured number of bytes."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"more than {limit} bytes")
        self.limit = limit


class CappedOutput:
    """A byte buffer that raises AnswerTooLarge once more than `limit` bytes arrive (0: no limit)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.over = False
        self._parts: list[bytes] = []

    def write(self, data: str | bytes) -> int:
        """Append text (as UTF-8) or bytes; AnswerTooLarge when the total passes the limit."""
        chunk = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        self.size += len(chunk)
        if self.limit and self.size > self.limit:
            self.over = True
            self._parts.clear()  # what was written is dropped at once, not when the caller unwinds
            raise AnswerTooLarge(self.limit)
        self._parts.append(chunk)
        return len(chunk)

    def flush(self) -> None:
        """Nothing to flush (pyoxigraph's serializer calls it)."""

    def getvalue(self) -> bytes:
        """Everything written, as one bytes object."""
        return b"".join(self._parts)


def limited(items: Iterable[Any], limit: int) -> Iterator[Any]:
    """Yield the items, raising RowLimitExceeded when there are more than `limit`."""
    for count, item in enumerate(items, start=1):
        if count > limit:
            raise RowLimitExceeded(limit)
        yield item


# --- solutions (SELECT) ----------------------------------------------------------------------------


def serialize_solutions(
    solutions: ox.QuerySolutions,
    fmt: str,
    limit: int,
    hidden: Collection[str] = (),
    max_bytes: int = 0,
    query: str | CheckedText = "",
) -> bytes:
    """SELECT results in `fmt` (json, xml, csv, tsv): ≤ `limit` rows and `max_bytes`, no `hidden` columns;
    for `SELECT *` the columns in the order `query` (its text, or the guard's reading) first names them."""
    variables = [v.value for v in solutions.variables if v.value not in hidden]
    order = star_order(query) if query else None
    if order is not None:
        variables = in_query_order(variables, order)
    if fmt == "json" and variables == [v.value for v in solutions.variables]:
        return native_json(solutions, limit, max_bytes)
    rows = limited(solutions, limit)
    writer = {"json": _json_solutions, "xml": _xml_solutions, "csv": _csv_solutions, "tsv": _tsv_solutions}
    out = CappedOutput(max_bytes)
    writer[fmt](variables, rows, out)
    return out.getvalue()


class JsonRowCounter(CappedOutput):
    """A CappedOutput for pyoxigraph's SPARQL JSON that also raises RowLimitExceeded past `rows` rows.

    A row opens with `[{"` or `,{"` followed by a variable name. Inside a string every `"` is escaped
    (`\\"`), so an unescaped `{"` there can only be a string's closing quote, which pyoxigraph follows
    with `,` or `}`, never a name: counting the openers and taking away those followed by `,` or `}`
    gives the rows with a binding, in C (bytes.count), across chunk boundaries (a 3-byte overlap). A row
    with no binding at all is `{}`, which a string may also hold: when `{}` is seen the exact count is
    taken at the end from the text with its strings removed.
    """

    OPENERS = (b'[{"', b',{"')
    NOT_ROWS = (b'[{",', b'[{"}', b',{",', b',{"}')
    STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"')

    def __init__(self, limit: int, rows: int) -> None:
        super().__init__(limit)
        self.row_limit = rows
        self.rows = 0
        self.maybe_empty = False
        self.rows_over = False
        self._tail = b""

    def write(self, data: str | bytes) -> int:
        """Append a chunk, counting the rows it opens; RowLimitExceeded once they pass the row limit."""
        size = super().write(data)
        chunk = self._parts[-1]
        joined = self._tail + chunk
        self.rows += _count(joined, self.OPENERS) - _count(self._tail, self.OPENERS)
        self.rows -= _count(joined, self.NOT_ROWS)  # 4 bytes: never whole inside the 3-byte tail
        self.maybe_empty = self.maybe_empty or b"{}" in joined
        self._tail = joined[-3:]
        if self.rows > self.row_limit:
            self._over_rows()
        return size

    def finish(self) -> bytes:
        """The whole answer, after the exact count when a row may have had no binding."""
        body = self.getvalue()
        if self.maybe_empty:
            skeleton = self.STRING.sub(b"", body)  # no strings left: every `{}` is a row without binding
            self.rows = skeleton.count(b"[{") + skeleton.count(b",{")
            if self.rows > self.row_limit:
                self._over_rows()
        return body

    def _over_rows(self) -> None:
        """Drop what was written and raise RowLimitExceeded."""
        self.rows_over = True
        self._parts.clear()
        raise RowLimitExceeded(self.row_limit)


def _count(data: bytes, patterns: tuple[bytes, ...]) -> int:
    """How many times the patterns occur in `data`, together."""
    return sum(data.count(p) for p in patterns)


def native_json(solutions: ox.QuerySolutions, limit: int, max_bytes: int) -> bytes:
    """SPARQL JSON by pyoxigraph's serializer, stopped at `limit` rows and `max_bytes` bytes."""
    out = JsonRowCounter(max_bytes, limit)
    try:
        solutions.serialize(out, ox.QueryResultsFormat.JSON)
    except Exception:
        # pyoxigraph may wrap the writer's exception in its own: raise the limit that was passed.
        if out.rows_over:
            raise RowLimitExceeded(limit) from None
        if out.over:
            raise AnswerTooLarge(max_bytes) from None
        raise
    return out.finish()


def star_order(query: str | CheckedText) -> tuple[str, ...] | None:
    """`SELECT *`'s variables in the query's order, as the guard read the query the engine ran (issue 14)."""
    if isinstance(query, str):
        try:
            query = safety.read_query(query)  # cached: the guard has read this text already
        except InputError:
            return None
    return query.star_order


def in_query_order(variables: list[str], order: Sequence[str]) -> list[str]:
    """`variables` ordered as `order` names them (others last, in their order)."""
    first = {name: i for i, name in enumerate(order)}
    position = {name: i for i, name in enumerate(variables)}
    return sorted(variables, key=lambda name: (name not in first, first.get(name, position[name])))


def _json_term(term: Term) -> dict[str, Any]:
    """One RDF term in the SPARQL 1.1 JSON results form."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _json_term(term.subject),
                "predicate": _json_term(term.predicate),
                "object": _json_term(term.object),
            },
        }
    out: dict[str, Any] = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
        if term.direction is not None:
            out["its:dir"] = str(term.direction)
    elif term.datatype.value != XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def _json_solutions(variables: list[str], rows: Iterator[ox.QuerySolution], out: CappedOutput) -> None:
    """SPARQL 1.1 Query Results JSON, written row by row so that the byte limit is checked as it grows."""
    dump = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    out.write('{"head":{"vars":' + dump(variables) + '},"results":{"bindings":[')
    for count, row in enumerate(rows):
        binding = {}
        for name in variables:
            term = row[name]
            if term is not None:
                binding[name] = _json_term(term)
        out.write(("," if count else "") + dump(binding))
    out.write("]}}")


def escape(text: str) -> str:
    """Text escaped for XML content; `\\r` kept as a reference (a parser would read a raw one as `\\n`)."""
    bad = NOT_XML.search(text)
    if bad:
        raise NotRepresentable(
            f"a value holds the character U+{ord(bad.group()):04X}, which XML 1.0 cannot represent: "
            "ask for SPARQL JSON (application/sparql-results+json) or TSV instead"
        )
    return _xml_escape(text, {"\r": "&#13;"})


def _xml_term(term: Term) -> str:
    """One RDF term in the SPARQL Query Results XML form, escaped."""
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Triple):
        return (
            f"<triple><subject>{_xml_term(term.subject)}</subject>"
            f"<predicate>{_xml_term(term.predicate)}</predicate>"
            f"<object>{_xml_term(term.object)}</object></triple>"
        )
    if term.language:
        lang = f"xml:lang={quoteattr(term.language)}"
        if term.direction is not None:
            # SPARQL 1.2 results XML: the base direction in ITS 2.0's attribute (as pyoxigraph writes it).
            lang += f' its:dir={quoteattr(str(term.direction))} xmlns:its="{ITS_NS}" its:version="2.0"'
        return f"<literal {lang}>{escape(term.value)}</literal>"
    if term.datatype.value != XSD_STRING:
        return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def _xml_solutions(variables: list[str], rows: Iterator[ox.QuerySolution], out: CappedOutput) -> None:
    """SPARQL Query Results XML."""
    out.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="{RESULTS_NS}"><head>')
    for name in variables:
        out.write(f"<variable name={quoteattr(name)}/>")
    out.write("</head><results>")
    for row in rows:
        out.write("<result>")
        for name in variables:
            term = row[name]
            if term is not None:
                out.write(f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>")
        out.write("</result>")
    out.write("</results></sparql>\n")


def _csv_value(term: Term | None) -> str:
    """One term as the CSV results format writes it: IRIs and literals bare, blank nodes as _:label."""
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return _tsv_value(term)
    return term.value


def _csv_solutions(variables: list[str], rows: Iterator[ox.QuerySolution], out: CappedOutput) -> None:
    """SPARQL 1.1 Query Results CSV (RFC 4180, CRLF line ends)."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(variables)
    for row in rows:
        writer.writerow([_csv_value(row[name]) for name in variables])


def _tsv_value(term: Term | None) -> str:
    """One term in the TSV results format: Turtle/N-Triples syntax, with tabs and newlines escaped."""
    if term is None:
        return ""
    if isinstance(term, ox.Triple):
        return f"<<( {_tsv_value(term.subject)} {_tsv_value(term.predicate)} {_tsv_value(term.object)} )>>"
    return str(term)  # pyoxigraph writes N-Triples, which escapes \t, \n and \r inside literals


def _tsv_solutions(variables: list[str], rows: Iterator[ox.QuerySolution], out: CappedOutput) -> None:
    """SPARQL 1.1 Query Results TSV."""
    out.write("\t".join(f"?{name}" for name in variables) + "\n")
    for row in rows:
        out.write("\t".join(_tsv_value(row[name]) for name in variables) + "\n")


# --- boolean (ASK) ---------------------------------------------------------------------------------


def serialize_boolean(value: bool, fmt: str) -> bytes:
    """An ASK result in `fmt` (json, xml, csv or tsv)."""
    word = "true" if value else "false"
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode("utf-8")
    if fmt == "xml":
        return (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="{RESULTS_NS}">'
            f"<head/><boolean>{word}</boolean></sparql>\n"
        ).encode()
    # CSV and TSV have no boolean form in the standard; Oxigraph and Jena write the bare word.
    return f"{word}\n".encode()


# --- graphs (CONSTRUCT, DESCRIBE) ------------------------------------------------------------------


def serialize_graph(
    triples: Iterable[ox.Triple], fmt: str, limit: int, prefixes: dict[str, str], max_bytes: int = 0
) -> bytes:
    """CONSTRUCT/DESCRIBE triples in an RDF syntax (≤ `limit`, ≤ `max_bytes`); TriG/N-Quads: default graph."""
    items: Iterable[ox.Triple | ox.Quad] = limited(triples, limit)
    rdf_format = RDF_FORMATS[fmt]
    if rdf_format.supports_datasets:
        items = (ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in items)
    out = CappedOutput(max_bytes)
    try:
        ox.serialize(items, out, format=rdf_format, prefixes=prefixes if fmt in PREFIXED else None)
    except Exception:
        if out.over:  # pyoxigraph may wrap the writer's exception in its own
            raise AnswerTooLarge(max_bytes) from None
        raise
    return out.getvalue()
