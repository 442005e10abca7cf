"""The quote check: every `tp:quote` must stand word for word in the normalized text of its source; and
the passages' character offsets (`tp:startOffset`, `tp:endOffset`) computed from the quotes (issue 15).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from thaiplan.errors import ThaiplanError
from thaiplan.graph.store.local import run_query
from thaiplan.graph.text.normalize import SOURCES, collapse, normalized_source, quote_found
from thaiplan.ontology.namespace import INFERRED_GRAPH, SOURCE_BASE, SYNTH_GRAPH, TP
from thaiplan.rq import read_rq

# How many failures the error message lists before it says "and N more".
MAX_LISTED = 20
# Graphs whose quotes are not checked (`quotes.rq` leaves them out): the synthetic graph of `thaiplan synth`
# quotes synthetic documents that have no text by design (issue 7). The build report says how many.
UNCHECKED_GRAPHS = (SYNTH_GRAPH,)
TP_QUOTE = ox.NamedNode(TP.quote)
TP_START = ox.NamedNode(TP.startOffset)
TP_END = ox.NamedNode(TP.endOffset)
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


@dataclass(frozen=True)
class QuoteProblem:
    """One quote that cannot be checked or is not in its source."""

    graph: str
    passage: str
    quote: str
    reason: str


def find_problems(store: ox.Store) -> tuple[int, list[QuoteProblem]]:
    """Check every quote in the store; return how many were checked and the ones that fail."""
    checked = 0
    problems = []
    for row in run_query(store, read_rq("graph", "quotes")):
        checked += 1
        graph, passage, quote = row["g"].value, row["passage"].value, row["quote"].value
        reason = _problem(quote, row["source"])
        if reason:
            problems.append(QuoteProblem(graph, passage, quote, reason))
    return checked, problems


def _problem(quote: str, source: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str | None:
    """Why a quote fails the check, or None when it stands in its source."""
    if source is None:
        return "the passage has no prov:wasQuotedFrom, so its quote cannot be checked"
    iri = source.value
    key = iri.removeprefix(SOURCE_BASE) if isinstance(source, ox.NamedNode) else ""
    if not iri.startswith(SOURCE_BASE) or key not in SOURCES:
        return f"it is quoted from <{iri}>, which is not a known source document ({', '.join(SOURCES)})"
    try:
        found = quote_found(quote, key)
    except OSError as exc:
        return f"the text of source {key} cannot be read: {exc}"
    return None if found else f"the quote is not in the normalized text of {key}"


def locate(files: list[Path], passage: str, quote: str) -> tuple[Path | None, int | None]:
    """The data file (and line) where a passage's quote is written, found by searching the text."""
    needles = [line.strip() for line in quote.splitlines() if line.strip()][:1]
    needles.append(passage.rsplit("/", 1)[-1])
    for needle in needles:
        for path in files:
            try:
                text = path.read_text(encoding="utf-8")
            except OSError:
                continue
            at = text.find(needle)
            if at >= 0:
                return path, text.count("\n", 0, at) + 1
    return (files[0] if len(files) == 1 else None), None


def describe(problem: QuoteProblem, files: list[Path]) -> str:
    """One line naming the file (and line), the passage, the quote and what is wrong."""
    path, line = locate(files, problem.passage, problem.quote)
    where = f"{path}:{line}" if path and line else str(path or problem.graph)
    short = problem.quote if len(problem.quote) <= 120 else problem.quote[:117] + "..."
    return f"{where}: passage <{problem.passage}>: {problem.reason}: «{short}»"


def check_quotes(store: ox.Store, files_by_graph: dict[str | None, list[Path]]) -> int:
    """Fail (exit 1) listing every quote not found in its source; return how many quotes were checked."""
    checked, problems = find_problems(store)
    if problems:
        lines = [
            describe(p, files_by_graph.get(p.graph) or files_by_graph.get(None, []))
            for p in problems[:MAX_LISTED]
        ]
        if len(problems) > MAX_LISTED:
            lines.append(f"... and {len(problems) - MAX_LISTED} more")
        raise ThaiplanError(
            f"{len(problems)} of {checked} quotes fail the quote check "
            "(copy quotes from `python -m thaiplan.graph.text.normalize show <doc>`):\n  "
            + "\n  ".join(lines)
        )
    return checked


def count_unchecked(store: ox.Store) -> int:
    """How many quotes sit in the graphs the check leaves out (the synthetic graph)."""
    return sum(
        sum(1 for _ in store.quads_for_pattern(None, TP_QUOTE, None, ox.NamedNode(graph)))
        for graph in UNCHECKED_GRAPHS
    )


# --- passage offsets (issue 15) ---------------------------------------------------------------------


def quote_span(quote: str, doc: str) -> tuple[int, int] | None:
    """(start, end) of the quote's first occurrence in the normalized text of `doc`, in code points, end
    exclusive; a space of the quote matches any run of whitespace there (as the quote check reads it)."""
    words = collapse(quote).split(" ")
    if not words or words == [""]:
        return None
    found = _pattern(tuple(words)).search(normalized_source(doc))
    return (found.start(), found.end()) if found else None


@cache
def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """The regular expression of a quote's words separated by whitespace runs."""
    return re.compile(r"\s+".join(re.escape(w) for w in words))


def offset_quads(store: ox.Store) -> list[ox.Quad]:
    """`tp:startOffset`/`tp:endOffset` of every checked passage, for the inferred graph.

    A reader highlights a passage in the normalized text
    (`python -m thaiplan.graph.text.normalize show <doc>`, the source-reader page) with them.
    Computed here, at build, so curators never write them by hand."""
    graph = ox.NamedNode(INFERRED_GRAPH)
    quads: list[ox.Quad] = []
    for row in run_query(store, read_rq("graph", "quotes")):
        source = row["source"]
        if not isinstance(source, ox.NamedNode) or not source.value.startswith(SOURCE_BASE):
            continue
        key = source.value.removeprefix(SOURCE_BASE)
        span = quote_span(row["quote"].value, key) if key in SOURCES else None
        if span is None:
            continue
        passage = row["passage"]
        quads.append(ox.Quad(passage, TP_START, ox.Literal(str(span[0]), datatype=XSD_INTEGER), graph))
        quads.append(ox.Quad(passage, TP_END, ox.Literal(str(span[1]), datatype=XSD_INTEGER), graph))
    return quads
