"""Linked-data pages: `/id/X` for every instance IRI `<base_iri>X`, and `/ontology` for the vocabulary.

One URL, several representations (as Pubby, LodView and Skosmos serve them): browsers get an HTML page,
RDF clients Turtle, JSON-LD, N-Triples or RDF/XML by the Accept header, and a suffix (`.ttl`, `.jsonld`,
`.nt`, `.rdf`, `.html`) names one representation directly. The IRI itself answers 200 with the chosen
representation (no 303 round trip), with `Vary: Accept` and a `Content-Location` naming the suffixed
document, which is the pattern the W3C TAG accepts for slash IRIs since 2012.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request, url_for

from thaiplan.ontology import ontology_path
from thaiplan.ontology.reference import render_html as render_reference
from thaiplan.queries.execute import Term
from thaiplan.server import i18n, negotiation, results
from thaiplan.server.editor import editor_prefixes
from thaiplan.server.errors import error_text
from thaiplan.server.named import QueryFailed, construct, named_rows, page_rows
from thaiplan.server.page_cache import cached_page
from thaiplan.server.pagekit import (
    PAGE_ERRORS,
    TP,
    error_page,
    page,
    query_error_page,
    term_name,
    value,
)
from thaiplan.server.svg import shorten

bp = Blueprint("resources", __name__)

# Suffix → representation (a graph format name of thaiplan.server.negotiation, or "html").
SUFFIXES = {".ttl": "turtle", ".jsonld": "jsonld", ".nt": "ntriples", ".rdf": "rdfxml", ".html": "html"}
OFFERED = ("turtle", "jsonld", "ntriples", "rdfxml")
NATIONAL_STRATEGY_TYPE = TP + "NationalStrategy"


def split_suffix(path: str) -> tuple[str, str | None]:
    """The key without a representation suffix, and the representation it names (None: negotiate)."""
    for suffix, name in SUFFIXES.items():
        if path.endswith(suffix) and len(path) > len(suffix):
            return path[: -len(suffix)], name
    return path, None


def choose_representation() -> str | None:
    """`html` or a graph format name by the Accept header; None when nothing offered is acceptable."""
    ranges = negotiation.parse_accept(request.headers.get("Accept"))
    formats = tuple(f for f in negotiation.GRAPH_FORMATS if f.name in OFFERED)
    rdf = negotiation.best_format(ranges, formats)
    rdf_q = negotiation.format_quality(ranges, rdf) if rdf else 0.0
    # A browser names text/html; a tool that sends only */* gets Turtle.
    if negotiation.prefers_html(ranges, rdf_q):
        return "html"
    return rdf.name if rdf else None


def suffix_of(name: str) -> str:
    """The suffix of a representation."""
    return next(s for s, n in SUFFIXES.items() if n == name)


def alternates(doc_base: str) -> list[tuple[str, str, str]]:
    """(URL, media type, label) of every representation of a document."""
    out = [(doc_base + ".html", "text/html", "HTML")]
    for fmt in negotiation.GRAPH_FORMATS:
        if fmt.name in OFFERED:
            out.append((doc_base + suffix_of(fmt.name), fmt.media_type, fmt.label))
    return out


def link_header(doc_base: str) -> str:
    """The HTTP Link header listing the alternate representations."""
    return ", ".join(f'<{url}>; rel="alternate"; type="{mt}"' for url, mt, _ in alternates(doc_base))


@bp.route("/id/<path:path>")
def resource(path: str) -> Response:
    """Dereference `<base_iri><path>`: a page, or its RDF, or a 404 that says so."""
    key, fixed = split_suffix(path)
    representation = fixed or choose_representation()
    if representation is None:
        offered = ", ".join(mt for _, mt, _ in alternates(""))
        return error_text(406, "Not Acceptable", f"this resource is offered as {offered}.")
    iri = current_app.config["THAIPLAN"].base_iri + key
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        return not_found(iri, representation)
    doc_base = url_for("resources.resource", path=key)
    try:
        if representation == "html":
            response = resource_page(node, doc_base)
        else:
            response = resource_rdf(node, representation)
    except PAGE_ERRORS as exc:
        return query_error_page(exc)
    if response.status_code == 200:
        response.headers["Link"] = link_header(doc_base)
        response.headers["Content-Location"] = doc_base + suffix_of(representation)
    response.vary.add("Accept")
    return response


def not_found(iri: str, representation: str) -> Response:
    """404 for an IRI the graph says nothing about: a page for browsers, plain text for RDF clients."""
    if representation == "html":
        return error_page(404, i18n.t("not_found"), f"{i18n.t('not_found_msg')} <{iri}>")
    return error_text(404, "Not Found", f"the graph says nothing about <{iri}>.")


def resource_rdf(node: ox.NamedNode, fmt: str) -> Response:
    """The resource's triples (outgoing and incoming) in an RDF syntax."""
    graph = construct("resource-describe", fmt, prefixes=editor_prefixes(_base()), entity=node)
    if not graph.body.strip() or _empty_graph(graph.body, fmt):
        return not_found(node.value, fmt)
    return Response(graph.body, content_type=graph.content_type)


def _empty_graph(body: bytes, fmt: str) -> bool:
    """True when a serialized graph has no triple (only prefixes, or an empty JSON-LD array)."""
    try:
        return not any(True for _ in ox.parse(body, format=results.RDF_FORMATS[fmt]))
    except SyntaxError:
        return False


def _base() -> str:
    """The configured base of instance IRIs."""
    return current_app.config["THAIPLAN"].base_iri


@cached_page
def resource_page(node: ox.NamedNode, doc_base: str) -> Response:
    """The HTML page of a resource: names, type, properties both ways, provenance, path up."""
    outgoing = page_rows("resource-out", entity=node)
    incoming = page_rows("resource-in", entity=node)
    if not outgoing and not incoming:
        return not_found(node.value, "html")
    summary = page_rows("entity-summary", entity=node)
    types = sorted({value(r.get("type")) for r in summary if r.get("type")})
    first = summary[0] if summary else {}
    type_iris = types
    context: dict[str, Any] = {
        "iri": node.value,
        "labelTh": first.get("labelTh"),
        "labelEn": first.get("labelEn"),
        "code": first.get("code"),
        "definitionTh": first.get("definitionTh"),
        "definitionEn": first.get("definitionEn"),
        "types": type_iris,
        "outgoing": group_by_predicate(outgoing, "o"),
        "incoming": group_by_predicate(incoming, "s"),
        "provenance": passages_once(page_rows("resource-provenance", entity=node)),
        "path": path_up(node),
        "alternates": alternates(doc_base),
        "is_agency": any(t.endswith("#Agency") or "Organization" in t for t in type_iris),
        "is_indicator": any(t.endswith("#Indicator") for t in type_iris),
        "key": node.value[len(_base()) :],
    }
    context["fallback_name"] = fallback_name(type_iris, context["outgoing"], context["key"])
    return page("resource.html", **context)


RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def passages_once(found: list[dict[str, Term]]) -> list[dict[str, Term]]:
    """Each passage once (issue 20: a source with two titles in a language gave every passage 2–4 times;
    deduplicated here, not by an aggregate, which Virtuoso 7.2 cannot apply to long quotes)."""
    rows: dict[str, dict[str, Term]] = {}
    for row in found:
        rows.setdefault(row["passage"].value, row)
    return list(rows.values())


def _in_ui_language(values: list[dict[str, Any]]) -> Any:
    """The value in the interface language if there is one, else the first."""
    lang = i18n.ui_lang()
    same = (v["term"] for v in values if getattr(v["term"], "language", None) == lang)
    return next(same, values[0]["term"])


def _value_name(values: list[dict[str, Any]]) -> str:
    """A linked value's label in the interface language, else its code, else a short form."""
    v = values[0]
    return i18n.label(v["labelTh"], v["labelEn"]) or value(v["code"]) or term_name(v["term"])


def fallback_name(types: list[str], outgoing: list[dict[str, Any]], key: str) -> str:
    """A title for a resource without a label (issue 20: passages, targets, statements had their raw
    identifier): its type, then its quote, its target text or the statement it reifies."""
    kind = term_name(types[0]) if types else ""
    by_p = {g["p"]: g["values"] for g in outgoing}
    if TP + "quote" in by_p:
        detail = "“" + shorten(value(_in_ui_language(by_p[TP + "quote"])), 70) + "”"
    elif TP + "valueText" in by_p:
        detail = value(_in_ui_language(by_p[TP + "valueText"]))
    elif all(RDF + k in by_p for k in ("subject", "predicate", "object")):
        detail = " ".join(
            (_value_name(by_p[RDF + "subject"]), term_name(by_p[RDF + "predicate"][0]["term"]),
             _value_name(by_p[RDF + "object"]))
        )
    else:
        detail = key.rsplit("/", 1)[-1]
    return f"{kind}: {detail}" if kind else detail


def group_by_predicate(found: list[dict[str, Term]], other: str) -> list[dict[str, Any]]:
    """Rows grouped by predicate: its IRI and labels, and the linked values in order."""
    groups: dict[str, dict[str, Any]] = {}
    for row in found:
        p = row["p"].value
        group = groups.setdefault(
            p, {"p": p, "labelTh": row.get("pLabelTh"), "labelEn": row.get("pLabelEn"), "values": []}
        )
        group["values"].append(
            {
                "term": row[other],
                "labelTh": row.get(f"{other}LabelTh"),
                "labelEn": row.get(f"{other}LabelEn"),
                "code": row.get(f"{other}Code"),
            }
        )
    return list(groups.values())


def path_up(node: ox.NamedNode) -> list[dict[str, Any]]:
    """The shortest chain from the National Strategy (or the highest reachable whole) down to `node`."""
    found = named_rows("trace-up", {"entity": node.value})
    by_node: dict[str, dict[str, Term]] = {}
    for row in found:
        by_node.setdefault(row["node"].value, row)
    if len(by_node) <= 1:
        return []
    tops = [r for r in by_node.values() if value(r.get("type")) == NATIONAL_STRATEGY_TYPE]
    top = tops[0] if tops else max(by_node.values(), key=lambda r: int(r["depth"].value))
    chain = [top]
    while "via" in chain[-1] and chain[-1]["via"].value in by_node and len(chain) <= len(by_node):
        chain.append(by_node[chain[-1]["via"].value])
    return chain


@cache
def _reference(lang: str, other_href: str) -> str:
    """The ontology reference page (rendered once per language)."""
    return render_reference(lang=lang, other_lang_href=other_href)


@cache
def _ontology_rdf(fmt: str) -> bytes:
    """The ontology in an RDF syntax (Turtle is the canonical file; the others converted from it)."""
    if fmt == "turtle":
        return ontology_path().read_bytes()
    quads = ox.parse(path=str(ontology_path()), format=ox.RdfFormat.TURTLE)
    return ox.serialize(quads, format=results.RDF_FORMATS[fmt]) or b""


@bp.route("/ontology")
@bp.route("/ontology<any('.ttl', '.jsonld', '.nt', '.rdf', '.html'):suffix>")
def ontology(suffix: str = "") -> Response:
    """The ontology (term IRIs `…/ontology#Term`): the reference page for browsers, RDF for tools."""
    representation = SUFFIXES[suffix] if suffix else choose_representation()
    if representation is None:
        return error_text(406, "Not Acceptable", "the ontology is offered as HTML or RDF.")
    doc_base = url_for("resources.ontology")
    if representation == "html":
        lang = i18n.ui_lang()
        other = "en" if lang == "th" else "th"
        html = _reference(lang, i18n.lang_href(other, {}))
        # The reference is a finished page of its own; a bar of links back to the app goes in on top.
        html = html.replace("<body>", "<body>" + render_template("_appbar.html"), 1)
        response = Response(html, mimetype="text/html")
    else:
        fmt = negotiation.get_format("graph", representation)
        response = Response(_ontology_rdf(representation), content_type=fmt.content_type)
    response.headers["Link"] = link_header(doc_base)
    response.headers["Content-Location"] = doc_base + suffix_of(representation)
    response.vary.add("Accept")
    return response


__all__ = ["QueryFailed", "bp"]
