"""What a coded cell names in the built graph: agencies, plan parts, indicators, series, concepts, targets.

Every lookup runs a `.rq` file of `graph/sparql/` with bound values (never the cell's text pasted into a
query) against the scratch store the importer builds from the curated data (issue 16).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Literal, URIRef

from thaiplan.graph.imports.cells import mapping
from thaiplan.ontology.namespace import ID_BASE
from thaiplan.rq import read_rq

ID = ID_BASE
_XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@cache
def term(name: str) -> URIRef:
    """A CURIE of the mapping (`tp:Project`) as an IRI (cached: a row's templates name the same terms)."""
    prefix, _, local = name.partition(":")
    return URIRef(mapping()["prefixes"][prefix] + local)


def _rows(store: ox.Store, query: str, bindings: dict[str, ox.Term] | None = None) -> list[dict[str, Any]]:
    """The solutions of a named `.rq` query with bound values."""
    from thaiplan.queries.execute import execute, rows

    return rows(execute(store, read_rq("graph", query), bindings or {}))


class Memo:
    """Lookups of a cell's text, each done once per import: a sheet repeats its agencies and plan codes."""

    def __init__(self) -> None:
        """An empty memo."""
        self.found: dict[tuple[str, str], Any] = {}

    def __call__(self, column: str, text: str, look_up: Callable[[], Any]) -> Any:
        """The answer for `text` in `column`, or the same error, computed the first time only."""
        from thaiplan.queries.errors import AmbiguousParameter, UnresolvedParameter

        key = (column, text)
        if key not in self.found:
            try:
                self.found[key] = look_up()
            except (UnresolvedParameter, AmbiguousParameter, LookupError) as exc:
                self.found[key] = exc
        answer = self.found[key]
        if isinstance(answer, Exception):
            raise answer
        return answer


def look_up(store: ox.Store, kind: str, column: str, text: str, cls: str | None = None) -> Any:
    """What a coded cell names: an agency (or any agent of class `cls`), a plan part, an indicator, a series
    or a concept."""
    from thaiplan.queries.resolve import resolve

    if kind == "agency":
        return URIRef(resolve(store, column, text, str(term(cls)) if cls else "tp:Agency").value)
    if kind == "plan-part":
        return part(store, resolve(store, column, text).value)
    if kind == "indicator":
        return entity(store, resolve(store, column, text, "tp:Indicator").value)
    if kind == "series":
        return URIRef(resolve(store, column, text, "tp:Series").value)
    return concept(store, kind, text)


def entity(store: ox.Store, iri: str) -> dict[str, Any]:
    """An entity a row refers to: its IRI, its key (the IRI's last segment) and its labels."""
    found = _rows(store, "import-labels", {"entity": ox.NamedNode(iri)})
    first = found[0] if found else {}
    key = iri.rsplit("/", 1)[-1]
    return {
        "iri": URIRef(iri),
        "key": key,
        "label_th": first["labelTh"].value if "labelTh" in first else key,
        "label_en": first["labelEn"].value if "labelEn" in first else key,
    }


def part(store: ox.Store, iri: str) -> dict[str, Any]:
    """A plan part a row is aligned to: its IRI, plan, default level and labels (LookupError if not one)."""
    found = _rows(store, "import-part", {"part": ox.NamedNode(iri)})
    if not found:
        raise LookupError(f"{iri} is not a plan or a part of one")
    levels = mapping()["default_levels"]
    level = next((levels[k] for r in found for k in levels if str(term(k)) == r["planClass"].value), None)
    first = found[0]
    kind, _, key = iri.removeprefix(ID).partition("/")
    return {
        "iri": URIRef(iri),
        "plan": URIRef(first["plan"].value),
        "level": term(level) if level else None,
        "part_kind": kind,
        "part_key": key,
        "label_th": first["labelTh"].value if "labelTh" in first else key,
        "label_en": first["labelEn"].value if "labelEn" in first else key,
    }


def concepts(store: ox.Store, kind: str) -> list[dict[str, str]]:
    """The concepts a coded column accepts: IRI, notation and labels (the template's validation lists)."""
    scheme = ox.NamedNode(str(term(mapping()["concept_types"][kind])))
    names = (("iri", "concept"), ("notation", "notation"), ("th", "labelTh"), ("en", "labelEn"))
    return [
        {k: r[v].value for k, v in names if v in r}
        for r in _rows(store, "import-concepts", {"scheme": scheme})
    ]


def concept(store: ox.Store, kind: str, text: str) -> URIRef:
    """The concept a coded cell names by notation, label or local name (LookupError listing the choices)."""
    from thaiplan.queries.keys import key

    choices = concepts(store, kind)
    for c in choices:
        names = {c.get("notation"), c.get("th"), c.get("en"), c["iri"].rsplit("#", 1)[-1]}
        if key(text) in {key(n) for n in names if n}:
            return URIRef(c["iri"])
    listed = ", ".join(c.get("notation") or c.get("en", c["iri"]) for c in choices)
    raise LookupError(f"not a code of {mapping()['concept_types'][kind]} (one of: {listed})")


def target_of(store: ox.Store, indicator: URIRef, year_be: int) -> URIRef:
    """The indicator's target for a B.E. year (LookupError when it has none)."""
    bindings = {
        "indicator": ox.NamedNode(str(indicator)),
        "year": ox.Literal(str(year_be), datatype=_XSD_INTEGER),
    }
    found = _rows(store, "import-target", bindings)
    if not found:
        raise LookupError(f"{indicator} has no target for {year_be}")
    return URIRef(found[0]["target"].value)


def defined(store: ox.Store) -> dict[str, list[str]]:
    """Each typed entity of the built graph and the named graphs that type it."""
    out: dict[str, list[str]] = {}
    for r in _rows(store, "import-defined"):
        out.setdefault(r["entity"].value, []).append(r["graph"].value)
    return out


def statements(store: ox.Store, iri: str, graph: str) -> set[tuple[URIRef, Any]]:
    """What a named graph says of an entity, as rdflib terms."""
    found = _rows(store, "import-statements", {"entity": ox.NamedNode(iri), "graph": ox.NamedNode(graph)})
    return {(URIRef(r["property"].value), to_rdflib(r["value"])) for r in found}


def superclasses(store: ox.Store) -> dict[str, set[str]]:
    """Each class of the ontology with itself and its superclasses."""
    out: dict[str, set[str]] = {}
    for r in _rows(store, "import-superclasses"):
        out.setdefault(r["class"].value, {r["class"].value}).add(r["super"].value)
    return out


def to_rdflib(value: ox.Term) -> Any:
    """A pyoxigraph term as the rdflib term the importer writes (IRIs and literals; blank nodes by label)."""
    from rdflib import BNode

    if isinstance(value, ox.NamedNode):
        return URIRef(value.value)
    if isinstance(value, ox.Literal):
        if value.language:
            return Literal(value.value, lang=value.language)
        if value.datatype.value == _XSD_STRING:
            return Literal(value.value)  # a simple literal, as rdflib reads it from Turtle
        return Literal(value.value, datatype=URIRef(value.datatype.value), normalize=False)
    return BNode(str(value))


def scratch_store(where: Path, data_dir: Path, exclude: Path) -> ox.Store:
    """The built graph without this import's previous file: what codes and agencies resolve against.

    Built in memory with what lookups read (the data, closures, indexes and default graph), not by the
    whole build: its quote check, source offsets, roll-ups and on-disk compaction took most of the import's
    fixed cost and no lookup reads them (issue 16). `where` is kept for callers that pass a scratch folder.
    """
    from thaiplan.graph.build import default_graph
    from thaiplan.graph.build.indexes import derive_here
    from thaiplan.graph.build.inputs import build_inputs, default_data_dir
    from thaiplan.graph.build.pipeline import load_file

    del where
    inputs = [
        i
        for i in build_inputs(data_dir if data_dir != default_data_dir() else None)
        if i.path.resolve() != exclude.resolve()
    ]
    store = ox.Store()
    for item in inputs:
        load_file(store, item)
    derive_here(store)
    default_graph.materialize(store)
    return store
