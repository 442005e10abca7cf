"""Checks run on an RDF file before rdflib parses it, for what its parsers would do to untrusted input.

rdflib's RDF/XML and TriX parsers let expat expand DTD entities (a "billion laughs" document grows to
gigabytes), and its JSON-LD parser fetches every remote `@context` (and `@import`) it meets, and reads
relative ones from disk. Both are refused here before any parser runs (issue 8), the way defusedxml
refuses entity declarations: the files thaiplan validates never need them. After parsing, IRIs that
rdflib let through but nothing can serialize (spaces, quotes) are refused too.
"""

from __future__ import annotations

import json
import pyexpat
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef, Variable

from thaiplan.errors import InputError
from thaiplan.graph.build.inputs import base_iri

XML_FORMATS = {"xml", "trix"}
# Characters an IRI may not hold (RFC 3987 and the Turtle IRIREF rule); rdflib's parsers let them through.
BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
JSON_FORMATS = {"json-ld"}


def check_file(path: Path, fmt: str) -> dict[str, Any]:
    """Raise InputError when the file would make its parser expand entities or fetch a context.

    Returns the arguments for rdflib's `Graph.parse`: for JSON-LD the checked document itself, so that the
    parser reads exactly what was checked (no second reading of the file, no second JSON parser).
    """
    if fmt in XML_FORMATS:
        check_xml(path)
    elif fmt in JSON_FORMATS:
        return {"data": check_json_ld(path), "publicID": base_iri(path)}
    return {"source": str(path)}


def check_xml(path: Path) -> None:
    """Refuse XML that declares entities (internal or external); other errors are left to the parser."""
    parser = pyexpat.ParserCreate()
    # Never read an external DTD or parameter entity: the check must not touch the network or disk.
    parser.SetParamEntityParsing(pyexpat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse(name: str, *_: Any) -> None:
        """Stop at the first entity declaration, before anything is expanded."""
        raise InputError(
            f"{path}: XML entity declarations (<!ENTITY {name} …>) are not accepted: entity expansion can "
            "exhaust memory (a 'billion laughs' document). Write the values out, or convert the file to "
            "Turtle."
        )

    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = lambda *_: 0  # an external entity reference is an error, not a read
    try:
        with open(path, "rb") as stream:
            parser.ParseFile(stream)
    except pyexpat.ExpatError:
        return  # malformed XML: rdflib's parser reports it with its line
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc


def check_json_ld(path: Path) -> Any:
    """The JSON of a JSON-LD file whose contexts are all inline; InputError for a reference or bad JSON.

    JSON this check cannot read is refused here rather than left to the parser (issue 13): a document
    one JSON reader refuses and another accepts must not go unchecked.
    """
    try:
        data = json.loads(Path(path).read_bytes())
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}: bad json-ld: {exc.msg} (column {exc.colno})") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: bad json-ld: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except (ValueError, RecursionError):
        raise InputError(f"{path}: bad json-ld: not JSON, or nested too deeply") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        references = list(_context_references(data))
    except RecursionError:
        raise InputError(f"{path}: the JSON-LD document is nested too deeply") from None
    if references:
        raise InputError(
            f"{path}: JSON-LD contexts by reference ({references[0]!r}) are not fetched: put the context "
            'inline in the document ("@context": {…}).'
        )
    return data


def _context_references(node: Any) -> Iterator[str]:
    """Every reference a JSON value would make its parser load: contexts by IRI and `@import`s, any depth."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "@context":
                yield from _context_sources(value)
            elif key == "@import":
                yield from _imports(value)
            else:
                yield from _context_references(value)
    elif isinstance(node, list):
        for item in node:
            yield from _context_references(item)


def _context_sources(value: Any) -> Iterator[str]:
    """The references in a context value: strings in lists nested to any depth, and inside context objects.

    rdflib flattens nested lists and unwraps `{"@context": …}` inside a context, fetching every string it
    meets on the way (`[["http://…"]]` was fetched, issue 13), so every string here is a reference.
    """
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _context_sources(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key == "@context":
                yield from _context_sources(item)
            elif key == "@import":
                yield from _imports(item)
            else:  # a term definition may carry a scoped `@context` (or hide one deeper)
                yield from _context_references(item)


def _imports(value: Any) -> Iterator[str]:
    """An `@import` value as a reference (whatever its type: rdflib would load a string, refuse the rest)."""
    yield value if isinstance(value, str) else json.dumps(value)[:80]


def check_iris(path: Path, statements: Iterable[tuple[Any, ...]]) -> None:
    """Refuse parsed data holding what RDF cannot: an IRI no tool can write back, or a term out of place.

    rdflib's N3 parser gives formulas, variables and literal subjects (issue 13: they went on to a
    traceback or exit 1); RDF has none of them, so they are unreadable input, exit 2.
    """
    for statement in statements:
        for position, term in zip(POSITIONS, statement[:3], strict=False):
            if isinstance(term, URIRef):
                if BAD_IRI.search(term):
                    raise InputError(
                        f"{path}: {str(term)[:200]!r} is not a valid IRI (spaces or reserved characters)"
                    )
            elif not isinstance(term, ALLOWED[position]):
                raise InputError(f"{path}: {_not_rdf(term, position)}; give the data in an RDF syntax")


POSITIONS = ("subject", "predicate", "object")
# What RDF 1.1 allows where (IRIs are checked above): blank-node subjects and objects, literal objects.
ALLOWED: dict[str, tuple[type, ...]] = {"subject": (BNode,), "predicate": (), "object": (BNode, Literal)}


def _not_rdf(term: Any, position: str) -> str:
    """Say what the parser gave that RDF does not allow, and where."""
    if isinstance(term, Graph):  # rdflib's QuotedGraph: `{ … }` in N3
        return "N3 formulas ({ … }) and rules are not RDF and cannot be validated"
    if isinstance(term, Variable):
        return "N3 variables (?x, @forAll, @forSome) are not RDF and cannot be validated"
    kind = {Literal: "a literal", BNode: "a blank node"}.get(type(term), type(term).__name__)
    return f"{kind} cannot be the {position} of an RDF triple ({str(term)[:80]!r})"
