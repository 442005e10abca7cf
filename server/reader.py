"""`/source/<doc-key>`: a source document's normalized text with every passage the graph cites (issue 17).

Each passage is highlighted where its quote stands (`graph/text/coverage.py` finds it as the quote check
does) and links to the facts derived from it; hovering shows their names, clicking goes to the list of
them beside the text (no page script: `title` and `:target`). Sentences that no cited passage overlaps
are marked as uncovered, and the page shows the coverage per section and for the document.
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, current_app

from thaiplan.graph.text.coverage import coverage, locate_all, sentences
from thaiplan.graph.text.normalize import SOURCES, normalized_source
from thaiplan.queries.execute import Term
from thaiplan.server import i18n
from thaiplan.server.named import page_rows
from thaiplan.server.page_cache import cached_page
from thaiplan.server.pagekit import PAGE_ERRORS, error_page, page, query_error_page, term_name, value

bp = Blueprint("reader", __name__)



@dataclass
class Passage:
    """A passage quoted from the document: where it stands and what was derived from it."""

    iri: str
    quote: str
    spans: list[tuple[int, int]] = field(default_factory=list)
    facts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def span(self) -> tuple[int, int] | None:
        """Where the quote first stands (the passage's anchor), None when it is not in the text."""
        return self.spans[0] if self.spans else None

    @property
    def key(self) -> str:
        """The passage's key (`reform-plan-cr02-19`), its anchor on the page."""
        return self.iri.rsplit("/", 1)[-1]

    @property
    def title(self) -> str:
        """What hovering the passage shows: the facts derived from it, one per line."""
        return "\n".join(f["text"] for f in self.facts) or i18n.t("no_facts")


def fact_text(row: dict[str, Term]) -> str:
    """One fact as a line: its type and code and name, or a statement's subject, predicate and object."""
    if row.get("subject") is not None:
        parts = (term_name(row["subject"]), term_name(row.get("predicate")), term_name(row.get("object")))
        return " — ".join(p for p in parts if p)
    kind = term_name(row.get("type"))
    name = i18n.label(row.get("labelTh"), row.get("labelEn"), "")
    return " ".join(p for p in (f"[{kind}]" if kind else "", value(row.get("code")), name) if p)


def collect_passages(doc: str, found: list[dict[str, Term]]) -> list[Passage]:
    """The document's passages with their facts, in the order they stand in the text."""
    passages: dict[str, Passage] = {}
    for row in found:
        iri = value(row["passage"])
        passage = passages.get(iri)
        if passage is None:
            quote = value(row.get("quote"))
            passage = passages[iri] = Passage(iri, quote, locate_all(doc, quote))
        thing = row.get("thing")
        if thing is not None and value(thing) not in {f["iri"] for f in passage.facts}:
            is_iri = isinstance(thing, ox.NamedNode)
            passage.facts.append({"iri": value(thing), "is_iri": is_iri, "text": fact_text(row), "row": row})
    return sorted(passages.values(), key=lambda p: (p.span is None, p.span or (0, 0), p.iri))


def segments(text: str, passages: list[Passage], doc: str, covered: set[int]) -> list[dict[str, Any]]:
    """The text cut where a sentence or a cited passage begins or ends, each piece with what it is in."""
    found, _ = sentences(doc)
    cited = [p for p in passages if p.spans]  # a passage no fact cites is shown (and anchored) too
    cuts = {0, len(text)}
    for s in found:
        cuts.update((s.start, s.end))
    for p in cited:
        for span in p.spans:
            cuts.update(span)
    starts = [s.start for s in found]
    anchors: dict[int, list[str]] = {}
    for p in cited:
        anchors.setdefault(p.spans[0][0], []).append(p.key)
    pieces = []
    bounds = sorted(cuts)
    for a, b in itertools.pairwise(bounds):
        at = bisect.bisect_right(starts, a) - 1
        in_sentence = at >= 0 and found[at].start <= a < found[at].end
        inside = [p for p in cited if any(start <= a < end for start, end in p.spans)]
        pieces.append(
            {
                "text": text[a:b],
                "uncovered": in_sentence and at not in covered,
                "passages": inside,
                "uncited": bool(inside) and not any(p.facts for p in inside),
                "anchors": anchors.get(a, []),
            }
        )
    return pieces


@bp.route("/source/<doc>")
@cached_page
def source(doc: str) -> Response:
    """The reader page of one source document."""
    if doc not in SOURCES:
        known = ", ".join(SOURCES)
        return error_page(404, i18n.t("not_found"), f"{i18n.t('unknown_doc')} {doc!r} ({known})")
    iri = current_app.config["THAIPLAN"].base_iri + "source/" + doc
    try:
        found = page_rows("reader-passages", source=ox.NamedNode(iri))
        summary = page_rows("entity-summary", entity=ox.NamedNode(iri))
    except PAGE_ERRORS as exc:
        return query_error_page(exc)
    text = normalized_source(doc)
    passages = collect_passages(doc, found)
    result = coverage(doc, [span for p in passages if p.facts for span in p.spans])
    first = summary[0] if summary else {}
    return page(
        "source_reader.html",
        doc=doc,
        iri=iri,
        name=i18n.label(first.get("labelTh"), first.get("labelEn"), doc),
        coverage=result,
        passages=passages,
        pieces=segments(text, passages, doc, result.covered_sentences),
    )
