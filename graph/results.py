"""Query results as text: an aligned table for people; SPARQL JSON/XML/CSV/TSV or Turtle for tools."""

from __future__ import annotations

import pyoxigraph as ox

from thaiplan.errors import InputError
from thaiplan.graph.table import render_table
from thaiplan.ontology.namespace import PREFIXES
from thaiplan.ontology.namespace import shorten as shorten_iri

SOLUTION_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES}
FORMATS = ["table", *SOLUTION_FORMATS, *GRAPH_FORMATS]
_XSD_STRING = PREFIXES["xsd"] + "string"


def render(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, fmt: str) -> str:
    """The result of any query form in the requested format; InputError when the pair makes no sense."""
    if isinstance(result, ox.QueryTriples):
        if fmt in SOLUTION_FORMATS:
            raise InputError(
                f"a CONSTRUCT or DESCRIBE result is a graph: use --format turtle or nt, not {fmt}"
            )
        rdf = GRAPH_FORMATS.get(fmt, ox.RdfFormat.TURTLE)
        prefixes = PREFIXES if rdf == ox.RdfFormat.TURTLE else None
        return ox.serialize(result, format=rdf, prefixes=prefixes).decode("utf-8")
    if fmt in GRAPH_FORMATS:
        raise InputError(
            f"a SELECT or ASK result is a table: use --format table, json, xml, csv or tsv, not {fmt}"
        )
    if fmt in SOLUTION_FORMATS:
        return result.serialize(format=SOLUTION_FORMATS[fmt]).decode("utf-8")
    if isinstance(result, ox.QueryBoolean):
        return ("true" if bool(result) else "false") + "\n"
    return solutions_table(result)


def solutions_table(solutions: ox.QuerySolutions) -> str:
    """SELECT results as an aligned table, IRIs shortened with the project's prefixes, and a row count."""
    names = [v.value for v in solutions.variables]
    rows = [[term_text(row[name]) for name in names] for row in solutions]
    noun = "row" if len(rows) == 1 else "rows"
    return render_table(names, rows) + f"\n({len(rows)} {noun})\n"


def term_text(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> str:
    """A term as a person reads it: prefixed name, `_:b`, the literal's text with @lang or ^^type."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return shorten(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"{term.value}@{term.language}"
        if term.datatype.value == _XSD_STRING:
            return term.value
        if term.datatype.value.startswith(PREFIXES["xsd"]):
            return term.value  # numbers, dates, years read best bare
        return f"{term.value}^^{shorten(term.datatype.value)}"
    return str(term)


def shorten(iri: str) -> str:
    """`prefix:local` for an IRI under a known namespace, else `<iri>`."""
    return shorten_iri(iri) or f"<{iri}>"
