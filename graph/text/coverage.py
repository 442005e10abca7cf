"""Where each passage stands in its source's normalized text, and how much of a source the facts cite (#17).

A passage's quote is found the way the quote check finds it (`graph/text/normalize.py`:
whitespace collapsed on both sides), and its position is mapped back to character offsets of the
normalized text, which is what the source reader shows. The offsets are computed when asked (a few
milliseconds per document) until the curated data carries them itself (issue 15).

Coverage is the share of a document's sentences that overlap a passage at least one fact was derived
from. Sentences are pythainlp's `crfcut` segmentation (the Thai sentence model it ships) of each
paragraph (text between blank lines); a section begins at a heading, which in these extracted texts is a
paragraph of one short line (at most 80 characters, not only digits: page numbers are not headings).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache

import pyoxigraph as ox

from thaiplan.graph.text.normalize import SOURCES, collapse, normalized_source
from thaiplan.ontology.namespace import SOURCE_BASE
from thaiplan.rq import read_rq

HEADING_MAX = 80
_PARAGRAPH = re.compile(r"\S(?:.|\n(?![ \t]*\n))*", re.MULTILINE)
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Sentence:
    """One sentence: its character offsets in the normalized text and the section it belongs to."""

    start: int
    end: int
    section: int


@dataclass
class Section:
    """A section: its heading (empty for the text before the first one) and its sentences' coverage."""

    title: str
    start: int
    sentences: int = 0
    covered: int = 0

    @property
    def share(self) -> float:
        """Covered sentences over all sentences (0 for an empty section)."""
        return self.covered / self.sentences if self.sentences else 0.0


@dataclass
class Coverage:
    """A document's coverage: per section and in all."""

    doc: str
    sections: list[Section] = field(default_factory=list)
    covered_sentences: set[int] = field(default_factory=set)

    @property
    def sentences(self) -> int:
        """How many sentences the document has."""
        return sum(s.sentences for s in self.sections)

    @property
    def covered(self) -> int:
        """How many of them a cited passage overlaps."""
        return sum(s.covered for s in self.sections)

    @property
    def share(self) -> float:
        """Covered sentences over all sentences."""
        return self.covered / self.sentences if self.sentences else 0.0

    def as_json(self) -> dict[str, object]:
        """The figures as a JSON object (what `thaiplan validate --format json` prints)."""
        return {
            "document": self.doc,
            "sentences": self.sentences,
            "covered": self.covered,
            "coverage": round(self.share, 4),
            "sections": [
                {
                    "title": s.title,
                    "sentences": s.sentences,
                    "covered": s.covered,
                    "coverage": round(s.share, 4),
                }
                for s in self.sections
            ],
        }


def collapsed_with_offsets(text: str) -> tuple[str, list[int]]:
    """`collapse(text)` and, for each of its characters, the offset of that character in `text`."""
    out: list[str] = []
    offsets: list[int] = []
    for match in re.finditer(r"\S+", text):
        if out:
            out.append(" ")
            offsets.append(match.start() - 1)
        out.append(match.group())
        offsets.extend(range(match.start(), match.end()))
    return "".join(out), offsets


@cache
def _collapsed(doc: str) -> tuple[str, tuple[int, ...]]:
    """The collapsed normalized text of a document and its offsets map (cached)."""
    text, offsets = collapsed_with_offsets(normalized_source(doc))
    return text, tuple(offsets)


def locate_all(doc: str, quote: str) -> list[tuple[int, int]]:
    """The offsets (start, end) of every place `quote` stands in the normalized text, in order.

    A quote that stands in several places (a goal's name in a table and in the prose) was read from one
    of them, and the data does not say which, so each of them counts as cited."""
    needle = collapse(quote)
    if not needle:
        return []
    text, offsets = _collapsed(doc)
    spans, at = [], text.find(needle)
    while at >= 0:
        spans.append((offsets[at], offsets[at + len(needle) - 1] + 1))
        at = text.find(needle, at + 1)
    return spans


def locate(doc: str, quote: str) -> tuple[int, int] | None:
    """The offsets (start, end) of the first place `quote` stands in the normalized text, or None."""
    spans = locate_all(doc, quote)
    return spans[0] if spans else None


@cache
def sentences(doc: str) -> tuple[tuple[Sentence, ...], tuple[Section, ...]]:
    """The sentences and the sections of a document (sections without their counts)."""
    from pythainlp.tokenize import sent_tokenize

    text = normalized_source(doc)
    found: list[Sentence] = []
    sections = [Section("", 0)]
    for paragraph in _PARAGRAPH.finditer(text):
        block = paragraph.group()
        if "\n" not in block.strip() and len(block.strip()) <= HEADING_MAX and not block.strip().isdigit():
            if found or sections[-1].title:
                sections.append(Section(block.strip(), paragraph.start()))
            else:
                sections[-1] = Section(block.strip(), paragraph.start())
        flat, offsets = collapsed_with_offsets(block)
        cursor = 0
        for piece in sent_tokenize(flat, engine="crfcut"):
            piece = piece.strip()
            at = flat.find(piece, cursor) if piece else -1
            if at < 0:
                continue
            cursor = at + len(piece)
            start = paragraph.start() + offsets[at]
            found.append(Sentence(start, paragraph.start() + offsets[cursor - 1] + 1, len(sections) - 1))
    return tuple(found), tuple(sections)


def coverage(doc: str, spans: list[tuple[int, int]]) -> Coverage:
    """How many sentences of `doc`, per section, overlap one of the cited passages' `spans`."""
    found, heads = sentences(doc)
    result = Coverage(doc, [Section(s.title, s.start) for s in heads])
    ordered = sorted(spans)
    for index, sentence in enumerate(found):
        section = result.sections[sentence.section]
        section.sentences += 1
        if any(start < sentence.end and end > sentence.start for start, end in ordered):
            section.covered += 1
            result.covered_sentences.add(index)
    result.sections = [s for s in result.sections if s.sentences]
    return result


def cited_passages(store: ox.Store, graph: ox.NamedNode | None = None) -> dict[str, list[tuple[str, str]]]:
    """For each source document with a text, its passages that a fact was derived from: (IRI, quote).

    Read from `graph` when given (the data graph of `thaiplan validate`'s own store), else from every graph.
    """
    by_doc: dict[str, list[tuple[str, str]]] = {}
    dataset = {"default_graph": graph} if graph is not None else {"use_default_graph_as_union": True}
    results = store.query(read_rq("graph", "cited-passages"), **dataset)
    for row in results:  # type: ignore[union-attr]
        doc = row["source"].value.removeprefix(SOURCE_BASE)
        if doc in SOURCES:
            by_doc.setdefault(doc, []).append((row["passage"].value, row["quote"].value))
    return by_doc


def document_coverage(store: ox.Store, graph: ox.NamedNode | None = None) -> list[Coverage]:
    """The coverage of each source document the store's facts cite (in `graph`), by the passages they cite."""
    cited = cited_passages(store, graph)
    out = []
    for doc in (d for d in SOURCES if d in cited):
        spans = [span for _, quote in cited.get(doc, []) for span in locate_all(doc, quote)]
        out.append(coverage(doc, spans))
    return out


# --- the figure in `thaiplan validate` (text and JSON reports) -------------------------------------------

REPORT_WORDS = {
    "title": {
        "en": "Coverage of the source documents (sentences cited by at least one fact):",
        "th": "ความครอบคลุมของเอกสารต้นทาง (ประโยคที่มีข้อเท็จจริงอย่างน้อยหนึ่งรายการอ้างถึง):",
    },
    "sentences": {"en": "sentences", "th": "ประโยค"},
}


def add_to_report(text: str, fmt: str, lang: str, store: ox.Store, graph: ox.NamedNode | None = None) -> str:
    """The validation report with the coverage of each source document: a section (text), a key (JSON).

    `store` (and `graph`, its data graph) is what `thaiplan validate` read: the input is not read twice.
    """
    if fmt not in ("text", "json"):
        return text
    found = document_coverage(store, graph)
    if fmt == "json":
        doc = json.loads(text)
        doc["sourceCoverage"] = [c.as_json() for c in found]
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    words = {k: v.get(lang, v["en"]) for k, v in REPORT_WORDS.items()}
    lines = ["", words["title"]]
    for c in found:
        lines.append(f"  {c.doc}: {c.share * 100:.1f}% ({c.covered} / {c.sentences} {words['sentences']})")
    return text.rstrip("\n") + "\n" + "\n".join(lines) + "\n"
