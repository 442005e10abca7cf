"""What every page shares: links to resources, names of types and terms, rendering, errors as pages."""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import cache
from typing import Any
from urllib.parse import quote, urlencode

import pyoxigraph as ox
import rdflib
from flask import Response, current_app, render_template, request, url_for

from thaiplan.ontology import terms as ontology_terms
from thaiplan.ontology.namespace import ONTOLOGY_IRI as ONTOLOGY
from thaiplan.ontology.namespace import PREFIXES
from thaiplan.ontology.namespace import TP_NS as TP
from thaiplan.queries.errors import AmbiguousParameter, ParameterError, UnknownQuery, UnresolvedParameter
from thaiplan.queries.execute import Term
from thaiplan.server import i18n
from thaiplan.server.errors import error_page
from thaiplan.server.named import QueryFailed

log = logging.getLogger(__name__)

RDF_STATEMENT = PREFIXES["rdf"] + "Statement"
# The prefixes pages shorten IRIs with (`id:` is the configured base), in the order they are tried.
COMPACT_PREFIXES = ("tp", "id", "skos", "prov", "org", "dcterms", "rdfs", "rdf", "owl", "xsd")
# Names of the terms of the vocabularies the data reuses, where the ontology file does not give one.
KNOWN_TERMS: dict[str, tuple[str, str]] = {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type": ("ประเภท", "type"),
    "http://www.w3.org/2004/02/skos/core#prefLabel": ("ชื่อ", "preferred label"),
    "http://www.w3.org/2004/02/skos/core#altLabel": ("ชื่ออื่น/ชื่อย่อ", "alternative label"),
    "http://www.w3.org/2004/02/skos/core#notation": ("รหัส", "code"),
    "http://www.w3.org/2004/02/skos/core#definition": ("นิยาม", "definition"),
    "http://www.w3.org/2004/02/skos/core#inScheme": ("อยู่ในแผน", "in plan"),
    "http://www.w3.org/2004/02/skos/core#scopeNote": ("หมายเหตุขอบเขต", "scope note"),
    "http://www.w3.org/2004/02/skos/core#editorialNote": ("หมายเหตุบรรณาธิการ", "editorial note"),
    "http://www.w3.org/2004/02/skos/core#closeMatch": ("ใกล้เคียงกับ", "close match"),
    "http://www.w3.org/2004/02/skos/core#exactMatch": ("ตรงกับ", "exact match"),
    "http://www.w3.org/2004/02/skos/core#topConceptOf": ("หัวข้อหลักของ", "top concept of"),
    "http://www.w3.org/2000/01/rdf-schema#label": ("ป้ายชื่อ", "label"),
    "http://www.w3.org/2000/01/rdf-schema#comment": ("คำอธิบาย", "comment"),
    "http://www.w3.org/ns/prov#wasDerivedFrom": ("ได้มาจาก", "derived from"),
    "http://www.w3.org/ns/prov#wasQuotedFrom": ("อ้างจาก", "quoted from"),
    "http://www.w3.org/ns/org#subOrganizationOf": ("สังกัด", "sub-organization of"),
    "http://purl.org/dc/terms/title": ("ชื่อเรื่อง", "title"),
    "http://purl.org/dc/terms/description": ("คำอธิบาย", "description"),
    # Issue 20: every property and type an instance page shows has a name in both languages.
    "http://purl.org/dc/terms/issued": ("วันที่เผยแพร่", "issued"),
    "http://purl.org/dc/terms/created": ("วันที่จัดทำ", "created"),
    "http://purl.org/dc/terms/date": ("วันที่", "date"),
    "http://purl.org/dc/terms/language": ("ภาษา", "language"),
    "http://purl.org/dc/terms/publisher": ("ผู้เผยแพร่", "publisher"),
    "http://purl.org/dc/terms/format": ("รูปแบบไฟล์", "format"),
    "http://purl.org/dc/terms/identifier": ("รหัสอ้างอิง", "identifier"),
    "http://purl.org/dc/terms/bibliographicCitation": ("การอ้างอิงทางบรรณานุกรม", "bibliographic citation"),
    "http://purl.org/dc/terms/subject": ("หัวเรื่อง", "subject"),
    "http://purl.org/dc/terms/references": ("อ้างถึง", "references"),
    "http://purl.org/dc/terms/temporal": ("ช่วงเวลาที่ครอบคลุม", "period covered"),
    "http://purl.org/dc/terms/license": ("สัญญาอนุญาต", "license"),
    "http://www.w3.org/2004/02/skos/core#note": ("หมายเหตุ", "note"),
    "http://www.w3.org/2004/02/skos/core#historyNote": ("หมายเหตุความเป็นมา", "history note"),
    "http://www.w3.org/2004/02/skos/core#relatedMatch": ("เกี่ยวข้องกับ", "related match"),
    "http://www.w3.org/ns/prov#wasInfluencedBy": ("ได้รับอิทธิพลจาก", "influenced by"),
    "http://www.w3.org/ns/prov#wasInformedBy": ("ได้ข้อมูลจาก", "informed by"),
    "http://www.w3.org/ns/prov#wasAttributedTo": ("จัดทำโดย", "attributed to"),
    "http://www.w3.org/ns/prov#wasRevisionOf": ("ปรับปรุงจาก", "revision of"),
    "http://www.w3.org/ns/prov#Person": ("บุคคล", "Person"),
    "http://www.w3.org/2000/01/rdf-schema#seeAlso": ("ดูเพิ่มเติม", "see also"),
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#subject": ("ประธานของข้อความ", "statement subject"),
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate": ("ความสัมพันธ์ของข้อความ", "statement predicate"),
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#object": ("กรรมของข้อความ", "statement object"),
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#Statement": ("ข้อความที่ระบุที่มา", "Statement"),
    "http://data.europa.eu/eli/ontology#LegalResource": ("กฎหมาย", "Legal resource"),
}


# Bidi classes that can reorder the text around them: right-to-left letters, and the embedding, override
# and isolate controls (an unterminated U+202E turns everything after it on the line around).
BIDI_SENSITIVE = frozenset({"R", "AL", "AN", "RLE", "LRE", "RLO", "LRO", "RLI", "LRI", "FSI", "PDF", "PDI"})
ISOLATE_OPENERS = frozenset("\u2066\u2067\u2068")
FSI, PDI = "\u2068", "\u2069"
# Combining marks kept on one base character: real text needs at most three or four (Thai vowel, tone
# mark and thanthakhat; Vietnamese, Hebrew points); a flood of them draws a tower over the lines around.
MAX_MARKS = 4


def isolate(text: str) -> str:
    """The text between FSI and PDI when it holds right-to-left text or bidi controls, so it cannot
    reorder what stands beside it (as `<bdi>` does, but usable in titles and attributes too)."""
    if text.isascii() or not any(unicodedata.bidirectional(c) in BIDI_SENSITIVE for c in text):
        return text
    out, depth = [], 0
    for ch in text:
        if ch in ISOLATE_OPENERS:
            depth += 1
        elif ch == PDI:
            if depth == 0:  # a PDI of its own would close our isolate early and let an override out
                continue
            depth -= 1
        out.append(ch)
    return FSI + "".join(out) + PDI * (depth + 1)


def cap_marks(text: str, limit: int = MAX_MARKS) -> str:
    """The text with runs of combining marks longer than `limit` cut to `limit` (for display only)."""
    if text.isascii():
        return text
    out, run = [], 0
    for ch in text:
        if unicodedata.category(ch) in ("Mn", "Me"):
            run += 1
            if run > limit:
                continue
        else:
            run = 0
        out.append(ch)
    return "".join(out)


def display_text(text: Any) -> str:
    """Text from the data as a page shows it: mark floods capped, isolated from the text around it."""
    return isolate(cap_marks(str(getattr(text, "value", text) or "")))


@cache
def ontology_labels() -> dict[str, tuple[str, str]]:
    """Thai and English names of every ontology term, read once from the canonical Turtle."""
    graph = ontology_terms.load()
    names: dict[str, dict[str, str]] = {}
    for pred in (rdflib.RDFS.label, rdflib.SKOS.prefLabel):
        for s, _, o in graph.triples((None, pred, None)):
            if isinstance(s, rdflib.URIRef) and isinstance(o, rdflib.Literal) and o.language in i18n.LANGS:
                names.setdefault(str(s), {}).setdefault(o.language, str(o))
    out = {k: (v.get("th", v.get("en", "")), v.get("en", v.get("th", ""))) for k, v in names.items()}
    return {**KNOWN_TERMS, **out}


def term_name(iri: Any) -> str:
    """A type's or property's name in the interface language (a compact IRI when it has none)."""
    text = str(getattr(iri, "value", iri) or "")
    if not text:
        return ""
    names = ontology_labels().get(text)
    if names:
        return names[0] if i18n.ui_lang() == "th" else names[1]
    if compact(text) != text and not text.startswith(current_app.config["THAIPLAN"].base_iri):
        # A term of a known vocabulary without a name here: its local name in words (`wasQuotedFrom` →
        # "was quoted from"), never a prefixed name (issue 20); the IRI stays in the link's title.
        local = re.split(r"[#/]", text.rstrip("/#"))[-1]
        words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", local).replace("_", " ").strip()
        if words:
            return words[0].lower() + words[1:]
    return compact(text)


def compact(iri: str) -> str:
    """A short form of an IRI for display (`tp:Goal`, `id:goal/CR02G01`, the IRI itself otherwise)."""
    base = current_app.config["THAIPLAN"].base_iri
    for prefix in COMPACT_PREFIXES:
        ns = base if prefix == "id" else PREFIXES[prefix]
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


# The kinds of instance IRIs whose items often have no label, named by the first segment of the path.
UNLABELLED_KINDS = {"passage": TP + "Passage", "target": TP + "Target", "statement": RDF_STATEMENT}


def name_of(iri: Any) -> str:
    """A name for an item shown without a label: its kind and key (`passage reform-plan-cr02-34`), never
    a prefixed name such as `id:passage/…` (issue 20)."""
    text = str(getattr(iri, "value", iri) or "")
    base = current_app.config["THAIPLAN"].base_iri
    if text.startswith(base):
        kind, _, key = text[len(base) :].partition("/")
        if kind in UNLABELLED_KINDS and key:
            return f"{term_name(UNLABELLED_KINDS[kind])} {key}"
        return key.rsplit("/", 1)[-1] or compact(text)
    return term_name(text)


def href(iri: Any) -> str | None:
    """The link a page gives an IRI: its resource page on this server, the ontology reference, or itself."""
    text = str(getattr(iri, "value", iri) or "")
    base = current_app.config["THAIPLAN"].base_iri
    if text.startswith(base) and len(text) > len(base):
        return url_for("resources.resource", path=text[len(base) :])
    if text == ONTOLOGY or text.startswith(TP):
        return url_for("resources.ontology") + ("#" + quote(text[len(TP) :]) if text.startswith(TP) else "")
    if text.startswith(("http://", "https://")):
        return text
    return None


def value(term: Any) -> str:
    """The lexical value of a term (empty for None)."""
    return "" if term is None else str(getattr(term, "value", term))


def is_literal(term: Any) -> bool:
    """True for an RDF literal."""
    return isinstance(term, ox.Literal)


def template_helpers() -> dict[str, Any]:
    """The helpers every page's template calls to link and name things.

    Every helper that puts data text on a page passes it through `display_text` (issue 8), and so does
    the `text` filter (`template_filters`), for the places that print a value of their own; `label` is
    i18n's choice of language, made display-safe.
    """
    return {
        "href": href,
        "term_name": lambda iri: display_text(term_name(iri)),
        "compact": lambda iri: display_text(compact(iri)),
        "name_of": lambda iri: display_text(name_of(iri)),
        "value": lambda term: display_text(value(term)),
        "label": lambda *args: display_text(i18n.label(*args)),
        "is_literal": is_literal,
    }


def template_filters() -> dict[str, Any]:
    """The filters of the pages' templates."""
    return {"text": display_text}


def page(template: str, status: int = 200, **context: Any) -> Response:
    """A rendered page with the shared helpers in its context."""
    html = render_template(template, **context)
    return Response(html, status=status, mimetype="text/html")




def query_error_page(exc: Exception) -> Response:
    """The page for a failure of a named query: 400, 404, 300 with the candidates, or 503, its message in
    the interface language (issue 20)."""
    message = error_message(exc)
    if isinstance(exc, AmbiguousParameter):
        choices = []
        for c in exc.candidates:
            args = {**request.args.to_dict(), exc.param: c["iri"]}
            choices.append({**c, "again": f"{request.path}?{urlencode(args)}"})
        return page("choose.html", status=300, message=message, candidates=choices)
    if isinstance(exc, UnresolvedParameter | UnknownQuery):
        return error_page(404, i18n.t("not_found"), message)
    if isinstance(exc, ParameterError):
        return error_page(400, i18n.t("bad_request"), message)
    if isinstance(exc, QueryFailed):
        if exc.status >= 500:
            log.warning("page query failed: %s", exc)
        title = i18n.t("unavailable") if exc.status >= 500 else i18n.t("bad_request")
        return error_page(exc.status, title, message)
    raise exc


def error_message(exc: Exception) -> str:
    """A named query's error as the reader of this interface language reads it: the English message of
    the API in the English interface, a Thai sentence naming what was given in the Thai one."""
    if i18n.ui_lang() != "th":
        return str(exc)
    given = request.args.get(getattr(exc, "param", ""), "").strip()
    if isinstance(exc, AmbiguousParameter):
        return i18n.t("err_ambiguous").format(text=given, n=len(exc.candidates))
    if isinstance(exc, UnresolvedParameter):
        return i18n.t("err_unresolved").format(text=given)
    if isinstance(exc, UnknownQuery):
        return i18n.t("not_found")
    if isinstance(exc, ParameterError):
        return i18n.t("err_parameter").format(param=exc.param, detail=str(exc))
    if isinstance(exc, QueryFailed) and exc.status >= 500:
        return i18n.t("err_unavailable")
    return i18n.t("err_query").format(detail=str(exc))


def code_key(code: str) -> tuple[Any, ...]:
    """Codes sorted as people number them: 1.2 before 1.10, numbers before letters."""
    parts = code.replace("-", ".").split(".") if code else ["~"]
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts)


def first_per(found: list[dict[str, Term]], key: str) -> list[dict[str, Term]]:
    """The first row of each value of `key`, in order (a label stated in two graphs repeats a row)."""
    seen: set[str] = set()
    out = []
    for row in found:
        if row[key].value not in seen:
            seen.add(row[key].value)
            out.append(row)
    return out


PAGE_ERRORS = (ParameterError, UnknownQuery, QueryFailed)
