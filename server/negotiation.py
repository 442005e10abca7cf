"""Content negotiation: the result formats the endpoint speaks, chosen by Accept (with q-values) or `format`.

The query form (SELECT, ASK, CONSTRUCT/DESCRIBE) is known only once the query is parsed, so the choice is
made up front for each kind of result and the worker picks the one that matches what the query returns.
"""

from __future__ import annotations

from dataclasses import dataclass

from werkzeug.http import parse_list_header, parse_options_header

# A result kind: "solutions" (SELECT), "boolean" (ASK) or "graph" (CONSTRUCT, DESCRIBE).
KINDS = ("solutions", "boolean", "graph")


@dataclass(frozen=True)
class Format:
    """One serialization: a short name (the `format` parameter), its media type and accepted aliases."""

    name: str
    media_type: str
    label: str
    aliases: tuple[str, ...] = ()
    w3c: str = ""  # the format's IRI under http://www.w3.org/ns/formats/ (for the service description)

    @property
    def content_type(self) -> str:
        """The Content-Type header value, with the charset for textual formats."""
        return f"{self.media_type}; charset=utf-8"


# Server preference order: the first format is the default when the client accepts anything.
SOLUTION_FORMATS = (
    Format(
        "json", "application/sparql-results+json", "SPARQL JSON", ("application/json",), "SPARQL_Results_JSON"
    ),
    Format(
        "xml",
        "application/sparql-results+xml",
        "SPARQL XML",
        ("application/xml", "text/xml"),
        "SPARQL_Results_XML",
    ),
    Format("csv", "text/csv", "CSV", (), "SPARQL_Results_CSV"),
    Format("tsv", "text/tab-separated-values", "TSV", (), "SPARQL_Results_TSV"),
)
BOOLEAN_FORMATS = SOLUTION_FORMATS
GRAPH_FORMATS = (
    # N3 clients (SPARQLWrapper's N3 mode, rapper) read Turtle, which is a subset of N3.
    Format("turtle", "text/turtle", "Turtle", ("application/x-turtle", "text/n3", "text/rdf+n3"), "Turtle"),
    Format("ntriples", "application/n-triples", "N-Triples", (), "N-Triples"),
    Format("rdfxml", "application/rdf+xml", "RDF/XML", ("application/xml", "text/xml"), "RDF_XML"),
    Format("jsonld", "application/ld+json", "JSON-LD", ("application/json",), "JSON-LD"),
    Format("trig", "application/trig", "TriG", (), "TriG"),
    Format("nquads", "application/n-quads", "N-Quads", (), "N-Quads"),
)
FORMATS_BY_KIND = {"solutions": SOLUTION_FORMATS, "boolean": BOOLEAN_FORMATS, "graph": GRAPH_FORMATS}

# Short names people type in `format=`; some mean different formats for tables and for graphs.
FORMAT_ALIASES = {
    "srj": "json",
    "srx": "xml",
    "ttl": "turtle",
    "n3": "turtle",
    "text/n3": "turtle",
    "rdf+xml": "rdfxml",
    "nt": "ntriples",
    "n-triples": "ntriples",
    "rdf": "rdfxml",
    "rdf/xml": "rdfxml",
    "json-ld": "jsonld",
    "nq": "nquads",
    "n-quads": "nquads",
}
GRAPH_EQUIVALENT = {"json": "jsonld", "xml": "rdfxml"}
SOLUTION_EQUIVALENT = {"jsonld": "json", "rdfxml": "xml"}


class UnknownFormat(ValueError):
    """The `format` parameter names no format this endpoint knows."""


@dataclass(frozen=True)
class MediaRange:
    """One entry of an Accept header."""

    type: str
    subtype: str
    q: float

    def specificity(self, media_type: str) -> int:
        """How precisely this range matches `media_type`: 3 exact, 2 `type/*`, 1 `*/*`, 0 not at all."""
        major, _, minor = media_type.partition("/")
        if self.type == "*" and self.subtype == "*":
            return 1
        if self.type != major:
            return 0
        if self.subtype == "*":
            return 2
        return 3 if self.subtype == minor else 0


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an Accept header; a missing or empty header accepts everything.

    werkzeug splits the header and reads each range's parameters (quoted strings with commas included);
    the weights follow the project's rule, stricter than werkzeug's `parse_accept_header`, which drops a
    range with an unreadable weight: here it counts with q=0, so it can never make a format preferred
    (and `text/csv;q=oops` alone accepts nothing, rather than everything), and a weight past 1 counts as 1.
    """
    ranges = []
    for item in parse_list_header(header or ""):
        media_type, params = parse_options_header(item)
        if not media_type:
            continue
        major, _, minor = media_type.lower().partition("/")
        ranges.append(MediaRange(major, minor or "*", _weight(params.get("q"))))
    return ranges or [MediaRange("*", "*", 1.0)]


def _weight(text: str | None) -> float:
    """A range's q-value: 1 when absent, clamped into [0, 1], 0 when unreadable."""
    if text is None:
        return 1.0
    try:
        q = float(text.strip())
    except ValueError:
        return 0.0
    return min(max(q, 0.0), 1.0) if q == q else 0.0  # NaN is unreadable too


def quality(ranges: list[MediaRange], media_type: str) -> float:
    """The q-value the client gives `media_type`: that of the most specific matching range (RFC 9110)."""
    best, best_q = 0, 0.0
    for r in ranges:
        spec = r.specificity(media_type)
        if spec > best or (spec == best and spec and r.q > best_q):
            best, best_q = spec, r.q
    return best_q if best else 0.0


def format_quality(ranges: list[MediaRange], fmt: Format) -> float:
    """The q-value of a format: its media type's, or an alias's when the client names the alias."""
    # Aliases (application/json, text/xml, …) count only when named: `text/*` should not mean XML.
    named = [quality(ranges, mt) for mt in fmt.aliases if _named(ranges, mt)]
    return max([quality(ranges, fmt.media_type), *named])


def best_format(ranges: list[MediaRange], formats: tuple[Format, ...]) -> Format | None:
    """The acceptable format with the highest q-value (server order breaks ties), or None."""
    chosen, chosen_q = None, 0.0
    for fmt in formats:
        q = format_quality(ranges, fmt)
        if q > chosen_q:
            chosen, chosen_q = fmt, q
    return chosen


def _named(ranges: list[MediaRange], media_type: str) -> bool:
    """True when some range names `media_type` exactly (not through a wildcard)."""
    return any(r.specificity(media_type) == 3 for r in ranges)


def prefers_html(ranges: list[MediaRange], other_q: float) -> bool:
    """Whether a client wants the HTML page rather than the other representation (given its q-value).

    The one rule of every URL that also serves a page (issue 14): the client names text/html itself (a
    browser does; a tool that sends only `*/*` does not) and gives it more than the other, or as much when
    that is acceptable at all — a client that names text/html wins the tie.
    """
    html_q = quality(ranges, "text/html")
    if not _named(ranges, "text/html") or html_q <= 0:
        return False
    return html_q >= other_q


def format_by_name(name: str, kind: str) -> Format | None:
    """The format of `kind` a `format=` value names (short name or media type), None if not for that kind."""
    key = name.strip().lower()
    key = FORMAT_ALIASES.get(key, key)
    key = (GRAPH_EQUIVALENT if kind == "graph" else SOLUTION_EQUIVALENT).get(key, key)
    for fmt in FORMATS_BY_KIND[kind]:
        if key == fmt.name or key == fmt.media_type or key in fmt.aliases:
            return fmt
    return None


def negotiate(accept: str | None, format_param: str | None) -> dict[str, str | None]:
    """For each result kind, the name of the format to answer with (None: nothing acceptable).

    A known `format` wins over Accept for the kinds it names a format of. An unknown `format` is ignored
    when the Accept header names a format the endpoint serves (SPARQLWrapper sends `format=n3` beside
    `Accept: text/turtle`, as Oxigraph's server accepts), else it raises UnknownFormat. A CONSTRUCT or
    DESCRIBE asked for in SPARQL results types only gets the default RDF syntax rather than 406 (issue 19).
    """
    ranges = parse_accept(accept)
    chosen = {kind: best_format(ranges, FORMATS_BY_KIND[kind]) for kind in KINDS}
    asked_results = names_results_type(ranges)
    if format_param:
        named = {kind: format_by_name(format_param, kind) for kind in KINDS}
        if any(named.values()):
            chosen = {kind: named[kind] or _fallback(kind, ranges) for kind in KINDS}
            asked_results = asked_results or named["solutions"] is not None
        elif not any(best_format(_concrete(ranges), FORMATS_BY_KIND[kind]) for kind in KINDS):
            raise UnknownFormat(format_param)
    if chosen["graph"] is None and asked_results:
        chosen["graph"] = GRAPH_FORMATS[0]
    return {kind: _name(fmt) for kind, fmt in chosen.items()}


def _fallback(kind: str, ranges: list[MediaRange]) -> Format | None:
    """The format Accept gives a kind the `format` parameter names nothing for (SELECT with `n3`, as
    SPARQLWrapper sends beside `Accept: */*`)."""
    return best_format(ranges, FORMATS_BY_KIND[kind])


def _concrete(ranges: list[MediaRange]) -> list[MediaRange]:
    """The Accept ranges other than `*/*`: what a client asks for by name (or by `type/*`)."""
    return [r for r in ranges if r.type != "*"]


def names_results_type(ranges: list[MediaRange]) -> bool:
    """True when the Accept header names a SPARQL results media type itself (not through a wildcard)."""
    return any(_named(ranges, fmt.media_type) and format_quality(ranges, fmt) > 0 for fmt in SOLUTION_FORMATS)


def _name(fmt: Format | None) -> str | None:
    """The short name of a format, or None."""
    return fmt.name if fmt else None


def get_format(kind: str, name: str) -> Format:
    """The format of `kind` called `name` (a name produced by `negotiate`)."""
    for fmt in FORMATS_BY_KIND[kind]:
        if fmt.name == name:
            return fmt
    raise KeyError(name)


def all_format_names() -> list[str]:
    """Every short name the `format` parameter takes, for error messages."""
    names = {f.name for kind in KINDS for f in FORMATS_BY_KIND[kind]}
    return sorted(names | set(FORMAT_ALIASES))
