"""One checked row as RDF, by the entity templates of `graph/imports/mapping.yaml` (issue 16).

A row gives one or more entities (a project, its alignments, budget, progress report, indicator, target and
result; a plan part; an observation and its assessment), each `prov:wasDerivedFrom` the row entity (file,
sheet, row) and the source the steward cites. Labels the mapping makes up from a pattern are remembered as
such: they are not the steward's statement, so they are not compared with an entity the graph already has.

The templates write pyoxigraph terms straight into the import's store (`ImportGraph.add_quad`): building
rdflib terms for every cell and converting them took some 40% of the rows' time (issue 16,
bench/results/import-100k.md). The entities' IRIs stay rdflib terms for the importer's bookkeeping.
"""

from __future__ import annotations

import getpass
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pyoxigraph as ox
from rdflib import RDF, XSD, Literal, Namespace, URIRef

from thaiplan.errors import InputError, ThaiplanError
from thaiplan.graph.imports.cells import Table, mapping
from thaiplan.graph.imports.lookup import ID, term
from thaiplan.graph.imports.quads import ImportGraph
from thaiplan.shapes.dataset import MAX_TERM_BYTES, term_to_ox

PROV = Namespace("http://www.w3.org/ns/prov#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")


_DIRECT: dict[int, frozenset[str]] = {}  # each template's predicates (the mapping is read once: stable ids)
_OX: dict[str, ox.NamedNode] = {}  # the mapping's CURIEs and the IRIs above, as store terms
Term = ox.NamedNode | ox.Literal
_RDF_TYPE = ox.NamedNode(str(RDF.type))
_XSD_DECIMAL = ox.NamedNode(str(XSD.decimal))
_XSD_INTEGER = ox.NamedNode(str(XSD.integer))
_XSD_GYEAR = ox.NamedNode(str(XSD.gYear))
_XSD_BOOLEAN = ox.NamedNode(str(XSD.boolean))
# A decimal's lexical form that the store keeps as it is (any other is noted, to be read back as written).
_CANONICAL_DECIMAL = re.compile(r"0|-?[1-9][0-9]*|-?(0|[1-9][0-9]*)\.[0-9]*[1-9]")
_CANONICAL_YEAR = re.compile(r"[1-9][0-9]{3}")


@dataclass
class Made:
    """The entities of an import so far: each one's row, and the statements the mapping made up."""

    rows_of: dict[URIRef, int] = field(default_factory=dict)
    generated: set[tuple[URIRef, URIRef]] = field(default_factory=set)
    direct: dict[URIRef, frozenset[str]] = field(default_factory=dict)
    # The entities the last row made that an earlier row had made, with that row (emptied per row: a copy
    # of `rows_of` per row made the import quadratic, issue 16).
    earlier: dict[URIRef, int] = field(default_factory=dict)


def safe(value: object) -> str:
    """A value as an IRI segment: codes keep their case; other characters become hyphens."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", str(value)).strip("-")


def ox_term(name: str) -> ox.NamedNode:
    """A CURIE of the mapping (`tp:Project`) as a store IRI (cached)."""
    found = _OX.get(name)
    if found is None:
        found = _OX[name] = ox.NamedNode(str(term(name)))
    return found


def _named(text: str) -> ox.NamedNode:
    """A store IRI, refused as `term_to_ox` refuses one (an input error naming it)."""
    try:
        return ox.NamedNode(text)
    except ValueError:
        return term_to_ox(URIRef(text))  # type: ignore[return-value]  # raises its InputError


def _text_literal(text: str, lang: str | None = None) -> ox.Literal:
    """A string literal (with a language tag), refused when too large as pyoxigraph's parsers refuse it."""
    if len(text) > MAX_TERM_BYTES // 4 and len(text.encode("utf-8")) > MAX_TERM_BYTES:
        raise InputError(
            f"too large to check: a literal or IRI over 16 MiB ({len(text.encode('utf-8'))} bytes)"
        )
    return ox.Literal(text, language=lang) if lang else ox.Literal(text)


def _literal(graph: ImportGraph, value: Any, lang: str | None = None) -> Term:
    """A cell's value as the store literal rdflib's `Literal(value, lang=…)` would give (its written form
    noted where the store keeps another)."""
    if isinstance(value, str):
        return _text_literal(value, lang)
    if lang is None:
        if isinstance(value, bool):
            return ox.Literal("true" if value else "false", datatype=_XSD_BOOLEAN)
        if isinstance(value, int):
            return ox.Literal(str(value), datatype=_XSD_INTEGER)
        if isinstance(value, Decimal) and value.is_finite():
            found = ox.Literal(f"{value:f}", datatype=_XSD_DECIMAL)
            if not _CANONICAL_DECIMAL.fullmatch(found.value):
                graph.note(found, Literal(value))
            return found
    return graph.ox_object(Literal(value, lang=lang))  # anything else as rdflib makes it


def import_record(graph: ImportGraph, path: Any, by: str | None, name: str) -> dict[str, URIRef]:
    """The spreadsheet as a source document and the run that read it (file, SHA-256, time, who)."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    doc, run = URIRef(f"{ID}source/import-{name}"), URIRef(f"{ID}import/{name}")
    tp = Namespace(mapping()["prefixes"]["tp"])
    graph.add((doc, RDF.type, tp.SourceDocument))
    graph.add((doc, RDF.type, PROV.Entity))
    graph.add((doc, DCTERMS.title, Literal(path.name)))
    graph.add((doc, DCTERMS.identifier, Literal(f"sha256:{digest}")))
    graph.add((run, RDF.type, PROV.Activity))
    graph.add((run, PROV.used, doc))
    started = Literal(datetime.now(UTC).isoformat(timespec="seconds"), datatype=XSD.dateTime)
    graph.add((run, PROV.startedAtTime, started))
    # Who ran it: --by, else the OS user (an agent of the run, not the spreadsheet's publisher).
    agent = URIRef(f"{ID}import/{name}-agent")
    graph.add((agent, RDF.type, PROV.Agent))
    graph.add((agent, RDFS.label, Literal(by or getpass.getuser())))
    graph.add((run, PROV.wasAssociatedWith, agent))
    return {"doc": doc, "run": run, "name": URIRef(name)}


def _row_record(
    graph: ImportGraph, values: dict[str, Any], record: dict[str, URIRef], table: Table, number: int
) -> tuple[ox.NamedNode, ox.NamedNode]:
    """The row entity (file, sheet, row number) and the source its steward cites."""
    name = str(record["name"])
    add = graph.add_quad
    row = ox.NamedNode(f"{ID}row/{name}-{safe(table.sheet)}-{number}")
    add(row, _RDF_TYPE, ox_term("prov:Entity"))
    add(row, ox_term("dcterms:isPartOf"), graph.named(str(record["doc"])))
    add(row, ox_term("prov:wasGeneratedBy"), graph.named(str(record["run"])))
    add(row, ox_term("dcterms:identifier"), _text_literal(f"{table.sheet}!{number}"))
    add(row, ox_term("rdfs:label"), _text_literal(f"{table.file} › {table.sheet} › {number}"))
    digest = hashlib.sha256(f"{values.get('source_title')}|{values.get('source_url')}".encode()).hexdigest()
    cited = graph.named(f"{ID}source/import-{name}-{digest[:12]}")
    add(cited, _RDF_TYPE, ox_term("tp:SourceDocument"))
    add(cited, ox_term("dcterms:title"), _literal(graph, values["source_title"]))
    if values.get("source_url"):
        add(cited, ox_term("dcterms:source"), _named(str(values["source_url"])))
    add(row, ox_term("dcterms:source"), cited)
    if values.get("source_locator"):
        add(row, ox_term("dcterms:bibliographicCitation"), _literal(graph, values["source_locator"]))
    return row, cited


def _env(values: dict[str, Any]) -> dict[str, str]:
    """A row's pattern variables: cells, the agency's key, the type's segment, referred entities' labels."""
    env = {k: safe(v) for k, v in values.items() if not isinstance(v, list | dict) and v is not None}
    env.update({k: v for k, v in values.items() if isinstance(v, str)})
    agency = values.get("agency")
    env["agency_key"] = str(agency[0] if isinstance(agency, list) and agency else agency or "").rsplit(
        "/", 1
    )[-1]
    for key, value in values.items():
        if isinstance(value, list) and value and isinstance(value[0], dict) and "segment" in value[0]:
            env["segment"] = value[0]["segment"]  # the first type of a plan part names its IRI's segment
        elif isinstance(value, dict) and "key" in value:
            env.update(
                {f"{key}_key": value["key"], f"{key}_th": value["label_th"], f"{key}_en": value["label_en"]}
            )
    return env


def row_entities(
    graph: ImportGraph,
    spec: dict[str, Any],
    values: dict[str, Any],
    record: dict[str, URIRef],
    table: Table,
    number: int,
    made_so_far: Made,
) -> list[URIRef]:
    """Add one row's entities (by the mapping's templates) and its provenance; return their IRIs."""
    made_so_far.earlier = {}
    row, cited = _row_record(graph, values, record, table, number)
    add = graph.add_quad
    derived = ox_term("prov:wasDerivedFrom")
    made: dict[str, ox.NamedNode] = {}
    out = []
    row_env = _env(values)
    safe_env = {k: safe(v) for k, v in row_env.items()}
    for entity in spec["entities"]:
        if any(values.get(k) in (None, "") for k in entity.get("when", [])):
            continue
        each = values.get(entity["each"]) if "each" in entity else [None]
        for item in each or []:
            env, names = row_env, safe_env
            if item:
                extra = {k: item[k] for k in ("part_kind", "part_key", "label_th", "label_en")}
                env = {**row_env, **extra}
                names = {**safe_env, **{k: safe(v) for k, v in extra.items()}}
            text = ID + entity["iri"].format(**names)
            iri, node = URIRef(text), graph.named(text)
            made.setdefault(entity["name"], node)
            made_so_far.direct[iri] = _direct(spec, entity)  # one set per template (cached)
            types = (
                [c["class"] for c in values.get(entity["types_from"]) or []] if "types_from" in entity else []
            )
            for type_name in entity.get("types", []) + types:
                add(node, _RDF_TYPE, ox_term(type_name))
            for predicate, objects in entity["properties"].items():
                for spec_value in objects:
                    found, generated = _values(graph, spec_value, values, item, env, made)
                    for obj in found:
                        add(node, ox_term(predicate), obj)
                    if found and generated:
                        made_so_far.generated.add((iri, term(predicate)))
            for predicate, source in entity.get("subject_links", {}).items():
                if source in made:
                    add(made[source], ox_term(predicate), node)
                elif isinstance(values.get(source), dict):  # an entity of the graph a cell names
                    add(graph.named(str(values[source]["iri"])), ox_term(predicate), node)
            if entity.get("parent_link"):
                _link_parent(graph, node, values, entity)
            add(node, derived, row)
            add(node, derived, cited)
            out.append(iri)
            before = made_so_far.rows_of.get(iri, number)
            if before != number:
                made_so_far.earlier.setdefault(iri, before)
            made_so_far.rows_of[iri] = number
            if entity.get("in_scheme_of") and values.get(entity["in_scheme_of"]):
                # A plan component sits in a plan's scheme: the plan of the first part it is aligned to. It
                # is not made tp:partOf that part: a monitoring record says what a project supports.
                plan = values[entity["in_scheme_of"]][0]["plan"]
                add(node, ox_term("skos:inScheme"), graph.named(str(plan)))
    return out


def _direct(spec: dict[str, Any], entity: dict[str, Any]) -> frozenset[str]:
    """The predicates a template states of its own entity: its properties, rdf:type and the parent links
    its types may use (a restatement must agree on each, an empty cell included)."""
    key = id(entity)
    if key not in _DIRECT:
        found = {str(term(p)) for p in entity["properties"]} | {str(RDF.type)}
        column = spec["columns"].get(entity.get("types_from", ""), {})
        if entity.get("parent_link"):
            found.update(str(term(c["parent"])) for c in column.get("classes", {}).values() if "parent" in c)
        _DIRECT[key] = frozenset(found)
    return _DIRECT[key]


def _link_parent(
    graph: ImportGraph, iri: ox.NamedNode, values: dict[str, Any], entity: dict[str, Any]
) -> None:
    """Hang a plan part under its parent by its type's predicate (tp:partOf, tp:indicator) and the inverse."""
    parent = values.get(entity["parent_link"])
    first = (values.get(entity.get("types_from", "")) or [{}])[0]
    if parent is None or "parent" not in first:
        return
    node = _object(graph, parent)
    graph.add_quad(iri, ox_term(first["parent"]), node)
    if "inverse" in first and isinstance(node, ox.NamedNode):
        graph.add_quad(node, ox_term(first["inverse"]), iri)


def _object(graph: ImportGraph, value: Any, lang: str | None = None) -> Term:
    """A value as the store term of the triple's object: an IRI, or a literal."""
    if isinstance(value, URIRef):
        return graph.named(str(value))
    return _literal(graph, value, lang)


def _values(
    graph: ImportGraph,
    spec: dict[str, Any],
    values: dict[str, Any],
    item: dict[str, Any] | None,
    env: dict[str, str],
    made: dict[str, ox.NamedNode],
) -> tuple[list[Term], bool]:
    """The objects of a template's property (column values, a reference, an IRI, a constant or a text) and
    whether the mapping made them up from a pattern."""
    if "column" in spec:
        value = values.get(spec["column"])
        if value in (None, "") and "or" in spec:
            value = values.get(spec["or"])  # e.g. an assessment's year is its target's unless the row says
        if isinstance(value, list) and value and isinstance(value[0], dict):
            value = item  # the entity made for each aligned part takes that part
        if value is None and item is not None and "default" in spec:
            value = item[spec["default"]]  # e.g. the level the aligned part's plan implies
        if (value is None or value == "") and "text" in spec:
            return _text(spec, env), True  # e.g. an English name the row left empty
        if value is None or value == "":
            return [], False
        if spec.get("ce"):
            year = ox.Literal(f"{int(value) - 543:04d}", datatype=_XSD_GYEAR)
            if not _CANONICAL_YEAR.fullmatch(year.value):
                graph.note(year, Literal(year.value, datatype=XSD.gYear))
            return [year], False
        if isinstance(value, dict):
            return [graph.named(str(value["iri"]))], False
        many = value if isinstance(value, list) else [value]
        if all(isinstance(v, URIRef) for v in many):
            return [graph.named(str(v)) for v in many], False
        return [_literal(graph, v, spec.get("lang")) for v in many], False
    if "ref" in spec:
        return ([made[spec["ref"]]] if spec["ref"] in made else []), False
    if "iri" in spec:
        if spec.get("when") and values.get(spec["when"]) in (None, ""):
            return [], False
        return [graph.named(ID + spec["iri"].format(**env))], False
    if "const" in spec:
        return [_literal(graph, spec["const"] == "true")], False
    if "target_of" in spec:
        return [graph.named(str(values[target_key(spec)]))], False
    if "text" in spec:
        return _text(spec, env), True
    raise ThaiplanError(f"import mapping: unknown value {spec}")


def target_key(spec: dict[str, Any]) -> str:
    """Where a row's values keep the target a `target_of` value names (resolved before the row is written)."""
    return f"@target:{spec['target_of']}:{spec['year']}"


def target_specs(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The `target_of` values of a kind's templates (a result row's assessed target)."""
    return [
        v
        for e in spec["entities"]
        for objects in e["properties"].values()
        for v in objects
        if "target_of" in v
    ]


def _text(spec: dict[str, Any], env: dict[str, str]) -> list[Term]:
    """A label from the template's pattern (none when it needs an empty cell: the shapes say so)."""
    try:
        return [_text_literal(spec["text"].format(**env), spec.get("lang"))]
    except KeyError:
        return []
