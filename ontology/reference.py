"""The human-readable reference of the ontology: one self-contained HTML page generated from the Turtle."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from pathlib import Path

import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SDO, SKOS

from thaiplan.ontology import ONTOLOGY_IRI
from thaiplan.ontology.diagram import core_diagram_svg
from thaiplan.ontology.terms import KINDS, TP_NS, is_tp, kind_of, load

LANGS = ("en", "th")

# Headings and field names of the page, in the reader's language.
UI: dict[str, dict[str, str]] = {
    "en": {
        "title": "thaiplan ontology — reference",
        "contents": "Contents",
        "diagram": "Core classes and their object properties",
        "diagram_note": "Boxes are the top-level classes; arrows are object properties from their (expected) "
        "domain to their range. Subclasses and sub-properties are listed below.",
        "class": "Classes",
        "object property": "Object properties",
        "datatype property": "Datatype properties",
        "annotation property": "Annotation properties",
        "datatype": "Datatypes",
        "concept scheme": "Concept schemes",
        "concept": "Concepts",
        "individual": "Individuals",
        "iri": "IRI",
        "label": "Label",
        "definition": "Definition",
        "super": "Subclass / sub-property of",
        "sub": "Subclasses / sub-properties",
        "domain": "Domain",
        "range": "Range",
        "domain_inc": "Expected subjects",
        "range_inc": "Expected objects",
        "inverse": "Inverse of",
        "characteristics": "Characteristics",
        "mappings": "Mappings",
        "type": "Type",
        "in_scheme": "In scheme",
        "concepts": "Concepts",
        "notation": "Notation",
        "pattern": "Pattern",
        "version": "Version",
        "namespace": "Namespace",
        "other_lang": "ภาษาไทย",
        "prefixes": "Prefixes",
        "replaced_by": "Deprecated; replaced by",
        "change_note": "Change note",
        "deprecated": "deprecated",
    },
    "th": {
        "title": "ออนโทโลยี thaiplan — เอกสารอ้างอิง",
        "contents": "สารบัญ",
        "diagram": "คลาสหลักและคุณสมบัติเชิงวัตถุ",
        "diagram_note": "กล่องคือคลาสระดับบนสุด ลูกศรคือคุณสมบัติเชิงวัตถุจากโดเมน (ที่คาดหมาย) ไปยังเรนจ์ "
        "คลาสย่อยและคุณสมบัติย่อยแสดงไว้ด้านล่าง",
        "class": "คลาส",
        "object property": "คุณสมบัติเชิงวัตถุ",
        "datatype property": "คุณสมบัติเชิงข้อมูล",
        "annotation property": "คุณสมบัติหมายเหตุ",
        "datatype": "ชนิดข้อมูล",
        "concept scheme": "แผนผังแนวคิด",
        "concept": "แนวคิด",
        "individual": "อินสแตนซ์",
        "iri": "IRI",
        "label": "ชื่อ",
        "definition": "นิยาม",
        "super": "เป็นคลาสย่อย / คุณสมบัติย่อยของ",
        "sub": "คลาสย่อย / คุณสมบัติย่อย",
        "domain": "โดเมน",
        "range": "เรนจ์",
        "domain_inc": "ประธานที่คาดหมาย",
        "range_inc": "กรรมที่คาดหมาย",
        "inverse": "ผกผันของ",
        "characteristics": "ลักษณะ",
        "mappings": "การเชื่อมโยง",
        "type": "ชนิด",
        "in_scheme": "อยู่ในแผนผัง",
        "concepts": "แนวคิด",
        "notation": "รหัส",
        "pattern": "รูปแบบ",
        "version": "รุ่น",
        "namespace": "เนมสเปซ",
        "other_lang": "English",
        "prefixes": "คำนำหน้า",
        "replaced_by": "เลิกใช้ แทนที่ด้วย",
        "change_note": "หมายเหตุการเปลี่ยนแปลง",
        "deprecated": "เลิกใช้",
    },
}

MAPPING_PROPERTIES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.relatedMatch, SKOS.broadMatch, SKOS.narrowMatch)
CHARACTERISTICS = (OWL.TransitiveProperty, OWL.SymmetricProperty, OWL.FunctionalProperty)

CSS = """
body{font-family:"Noto Sans Thai","Sarabun","Loma",system-ui,sans-serif;max-width:70rem;margin:0 auto;
padding:1rem 1.5rem;line-height:1.5;color:#1b1f23}
h1{margin-bottom:.2rem} h2{border-bottom:2px solid #d0d7de;padding-bottom:.2rem;margin-top:2.5rem}
section.term{border:1px solid #d0d7de;border-radius:6px;padding:.6rem 1rem;margin:1rem 0}
section.term:target{outline:3px solid #f2a900}
section.term h3{margin:.2rem 0} .local{font-family:ui-monospace,monospace;color:#57606a;font-size:.9em}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.4rem 0}
dt{font-weight:600;color:#57606a} dd{margin:0} code{font-size:.9em}
.lang{font-size:.75em;color:#57606a;border:1px solid #d0d7de;border-radius:3px;padding:0 .25em;
margin-right:.3em}
nav ul{columns:3 14rem} figure{margin:1rem 0;overflow-x:auto} .note{color:#57606a}
.deprecated{font-size:.75em;color:#9a2f00;border:1px solid #9a2f00;border-radius:3px;padding:0 .3em}
"""


@dataclass
class Term:
    """One tp: term with everything the page says about it."""

    iri: rdflib.URIRef
    local: str
    kind: str
    labels: dict[str, str] = field(default_factory=dict)
    definitions: dict[str, str] = field(default_factory=dict)
    rows: list[tuple[str, list[rdflib.term.Node]]] = field(default_factory=list)
    deprecated: bool = False  # owl:deprecated true (the deprecation policy of ontology/README.md)
    change_notes: dict[str, str] = field(default_factory=dict)


def _by_lang(graph: rdflib.Graph, subject: rdflib.URIRef, *predicates: rdflib.URIRef) -> dict[str, str]:
    """Language-tagged literals of the first predicate that has any, keyed by language."""
    for predicate in predicates:
        found = {
            o.language: str(o)
            for o in graph.objects(subject, predicate)
            if isinstance(o, rdflib.Literal) and o.language
        }
        if found:
            return found
    return {}


def _sorted(nodes: list[rdflib.term.Node]) -> list[rdflib.term.Node]:
    """Nodes in a stable order (IRIs before blank nodes and literals)."""
    return sorted(set(nodes), key=lambda n: (not isinstance(n, rdflib.URIRef), str(n)))


def collect_terms(graph: rdflib.Graph) -> list[Term]:
    """Every tp: term with its labels, definitions and relations, in file order within each kind."""
    terms = []
    subjects = {s for s in graph.subjects(RDF.type, None) if is_tp(s)}
    for iri in subjects:
        term = Term(iri=iri, local=str(iri)[len(TP_NS) :], kind=kind_of(graph, iri))
        term.labels = _by_lang(graph, iri, RDFS.label, SKOS.prefLabel)
        term.definitions = _by_lang(graph, iri, SKOS.definition)
        term.rows = _rows(graph, iri, term.kind)
        term.deprecated = (iri, OWL.deprecated, rdflib.Literal(True)) in graph
        term.change_notes = _by_lang(graph, iri, SKOS.changeNote)
        terms.append(term)
    return sorted(terms, key=lambda t: t.local.lower())


def _rows(graph: rdflib.Graph, iri: rdflib.URIRef, kind: str) -> list[tuple[str, list[rdflib.term.Node]]]:
    """The relation rows shown under a term, as (UI key, values); empty rows are left out."""
    subs = list(graph.subjects(RDFS.subClassOf, iri)) + list(graph.subjects(RDFS.subPropertyOf, iri))
    supers = list(graph.objects(iri, RDFS.subClassOf)) + list(graph.objects(iri, RDFS.subPropertyOf))
    inverse = list(graph.objects(iri, OWL.inverseOf)) + list(graph.subjects(OWL.inverseOf, iri))
    types = [
        t for t in graph.objects(iri, RDF.type) if t not in {k for _, k in KINDS} and t != OWL.NamedIndividual
    ]
    mappings = [o for p in MAPPING_PROPERTIES for o in graph.objects(iri, p)]
    rows: list[tuple[str, list[rdflib.term.Node]]] = [
        ("type", [t for t in types if t not in CHARACTERISTICS] if kind == "individual" else []),
        ("super", supers),
        ("sub", [s for s in subs if is_tp(s)]),
        ("domain", list(graph.objects(iri, RDFS.domain))),
        ("range", list(graph.objects(iri, RDFS.range))),
        ("domain_inc", list(graph.objects(iri, SDO.domainIncludes))),
        ("range_inc", list(graph.objects(iri, SDO.rangeIncludes))),
        ("inverse", inverse),
        ("characteristics", [t for t in types if t in CHARACTERISTICS]),
        ("mappings", mappings),
        ("in_scheme", list(graph.objects(iri, SKOS.inScheme))),
        ("concepts", list(graph.subjects(SKOS.inScheme, iri)) if kind == "concept scheme" else []),
        ("notation", list(graph.objects(iri, SKOS.notation))),
        ("pattern", _patterns(graph, iri)),
        ("replaced_by", list(graph.objects(iri, rdflib.DCTERMS.isReplacedBy))),
    ]
    return [(key, _sorted(values)) for key, values in rows if values]


def _patterns(graph: rdflib.Graph, datatype: rdflib.URIRef) -> list[rdflib.term.Node]:
    """The xsd:pattern facets of a datatype defined by restriction."""
    query_path = (
        OWL.equivalentClass / OWL.withRestrictions / (RDF.rest * "*") / RDF.first / rdflib.XSD.pattern  # type: ignore[operator]
    )
    return list(graph.objects(datatype, query_path))


def curie(graph: rdflib.Graph, node: rdflib.term.Node) -> str:
    """A prefixed name for an IRI when the ontology declares its prefix, else the full IRI."""
    if isinstance(node, rdflib.URIRef):
        try:
            prefix, _, local = graph.namespace_manager.compute_qname(str(node), generate=False)
            return f"{prefix}:{local}"
        except (ValueError, KeyError):
            return str(node)
    return str(node)


def _node_html(graph: rdflib.Graph, node: rdflib.term.Node) -> str:
    """An IRI as a link (tp: terms to their anchor), a literal as escaped text."""
    if is_tp(node):
        local = str(node)[len(TP_NS) :]
        return f'<a href="#{escape(local)}"><code>tp:{escape(local)}</code></a>'
    if isinstance(node, rdflib.URIRef):
        return f'<a href="{escape(str(node))}"><code>{escape(curie(graph, node))}</code></a>'
    if isinstance(node, rdflib.BNode):
        return "<em>(anonymous)</em>"
    lang = f'<span class="lang">{escape(node.language)}</span>' if getattr(node, "language", None) else ""
    return f"{lang}<code>{escape(str(node))}</code>"


def _both_langs(values: dict[str, str], lang: str) -> str:
    """The reader's language first, then the other, each tagged."""
    order = [lang] + [x for x in LANGS if x != lang] + sorted(set(values) - set(LANGS))
    return "<br>".join(
        f'<span class="lang">{escape(x)}</span><span lang="{escape(x)}">{escape(values[x])}</span>'
        for x in order
        if x in values
    )


def _term_html(graph: rdflib.Graph, term: Term, lang: str) -> str:
    """One term as a section whose id is its local name, so that `…#Goal` links work."""
    ui = UI[lang]
    title = term.labels.get(lang) or term.labels.get("en") or term.local
    rows = [
        (ui["iri"], f"<code>{escape(str(term.iri))}</code>"),
        (ui["label"], _both_langs(term.labels, lang)),
        (ui["definition"], _both_langs(term.definitions, lang)),
    ]
    rows += [(ui[key], ", ".join(_node_html(graph, v) for v in values)) for key, values in term.rows]
    if term.change_notes:
        rows.append((ui["change_note"], _both_langs(term.change_notes, lang)))
    badge = f' <span class="deprecated">{escape(ui["deprecated"])}</span>' if term.deprecated else ""
    body = "".join(f"<dt>{escape(k)}</dt><dd>{v}</dd>" for k, v in rows)
    return (
        f'<section class="term" id="{escape(term.local)}"><h3>{escape(title)} '
        f'<span class="local">tp:{escape(term.local)}</span>{badge}</h3><dl>{body}</dl></section>'
    )


def _header_html(graph: rdflib.Graph, lang: str, other_href: str | None) -> str:
    """Title, version, namespace and description of the ontology."""
    ui = UI[lang]
    onto = rdflib.URIRef(ONTOLOGY_IRI)
    titles = _by_lang(graph, onto, rdflib.DCTERMS.title)
    descriptions = _by_lang(graph, onto, rdflib.DCTERMS.description)
    version = graph.value(onto, OWL.versionIRI)
    other = "th" if lang == "en" else "en"
    href = other_href if other_href is not None else f"?lang={other}"
    return (
        f'<p><a href="{escape(href)}" hreflang="{other}">{escape(ui["other_lang"])}</a></p>'
        f"<h1>{escape(titles.get(lang) or ui['title'])}</h1>"
        f"<dl><dt>IRI</dt><dd><code>{escape(ONTOLOGY_IRI)}</code></dd>"
        f"<dt>{escape(ui['version'])}</dt><dd><code>{escape(str(version or ''))}</code></dd>"
        f"<dt>{escape(ui['namespace'])}</dt><dd><code>tp: {escape(TP_NS)}</code></dd></dl>"
        f"<p>{_both_langs(descriptions, lang)}</p>"
    )


def render_html(
    lang: str = "en", graph: rdflib.Graph | None = None, other_lang_href: str | None = None
) -> str:
    """The complete reference page (HTML with the SVG diagram inline) in English or Thai.

    `other_lang_href` is the link to the page in the other language (default `?lang=th` / `?lang=en`).
    """
    if lang not in UI:
        raise ValueError(f"unsupported language {lang!r}: use one of {', '.join(LANGS)}")
    graph = load() if graph is None else graph
    ui = UI[lang]
    terms = collect_terms(graph)
    kinds = [name for name, _ in KINDS] + ["individual"]
    groups = {k: [t for t in terms if t.kind == k] for k in kinds}
    nav = "".join(
        f'<li><a href="#{escape(k.replace(" ", "-"))}">{escape(ui[k])}</a> ({len(groups[k])})</li>'
        for k in kinds
        if groups[k]
    )
    sections = "".join(
        f'<h2 id="{escape(k.replace(" ", "-"))}">{escape(ui[k])}</h2>'
        + "".join(_term_html(graph, t, lang) for t in groups[k])
        for k in kinds
        if groups[k]
    )
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(ui['title'])}</title><style>{CSS}</style></head><body>"
        f"{_header_html(graph, lang, other_lang_href)}"
        f"<nav><h2>{escape(ui['contents'])}</h2><ul>"
        f'<li><a href="#diagram">{escape(ui["diagram"])}</a></li>{nav}</ul></nav>'
        f'<h2 id="diagram">{escape(ui["diagram"])}</h2><p class="note">{escape(ui["diagram_note"])}</p>'
        f"<figure>{core_diagram_svg(graph, lang)}</figure>"
        f"{sections}</body></html>\n"
    )


def write_reference(output: Path) -> list[Path]:
    """Write index.html (English), index.th.html (Thai) and core.svg into `output`; return the paths."""
    output.mkdir(parents=True, exist_ok=True)
    graph = load()
    written = []
    for lang, name, other in (("en", "index.html", "index.th.html"), ("th", "index.th.html", "index.html")):
        path = output / name
        path.write_text(render_html(lang, graph, other_lang_href=other), encoding="utf-8")
        written.append(path)
    svg = output / "core.svg"
    svg.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n' + core_diagram_svg(graph, "en"), encoding="utf-8"
    )
    written.append(svg)
    return written
