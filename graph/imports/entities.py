"""One checked row as RDF, by the entity templates of `graph/imports/mapping.yaml` (issue 16).

A row gives one or more entities (a project, its alignments, budget, progress report, indicator, target and
result; a plan part; an observation and its assessment), each `prov:wasDerivedFrom` the row entity (file,
sheet, row) and the source the steward cites. Labels the mapping makes up from a pattern are remembered as
such: they are not the steward's statement, so they are not compared with an entity the graph already has.
"""

from __future__ import annotations

import getpass
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef

from thaiplan.errors import ThaiplanError
from thaiplan.graph.imports.cells import Table, mapping
from thaiplan.graph.imports.lookup import ID, term

PROV = Namespace("http://www.w3.org/ns/prov#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")


_DIRECT: dict[int, frozenset[str]] = {}  # each template's predicates (the mapping is read once: stable ids)


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


def import_record(graph: Graph, path: Any, by: str | None, name: str) -> dict[str, URIRef]:
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
    graph: Graph, values: dict[str, Any], record: dict[str, URIRef], table: Table, number: int
) -> tuple[URIRef, URIRef]:
    """The row entity (file, sheet, row number) and the source its steward cites."""
    name = str(record["name"])
    row = URIRef(f"{ID}row/{name}-{safe(table.sheet)}-{number}")
    graph.add((row, RDF.type, PROV.Entity))
    graph.add((row, DCTERMS.isPartOf, record["doc"]))
    graph.add((row, PROV.wasGeneratedBy, record["run"]))
    graph.add((row, DCTERMS.identifier, Literal(f"{table.sheet}!{number}")))
    graph.add((row, RDFS.label, Literal(f"{table.file} › {table.sheet} › {number}")))
    digest = hashlib.sha256(f"{values.get('source_title')}|{values.get('source_url')}".encode()).hexdigest()
    cited = URIRef(f"{ID}source/import-{name}-{digest[:12]}")
    graph.add((cited, RDF.type, term("tp:SourceDocument")))
    graph.add((cited, DCTERMS.title, Literal(values["source_title"])))
    if values.get("source_url"):
        graph.add((cited, DCTERMS.source, URIRef(values["source_url"])))
    graph.add((row, DCTERMS.source, cited))
    if values.get("source_locator"):
        graph.add((row, DCTERMS.bibliographicCitation, Literal(values["source_locator"])))
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
    graph: Graph,
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
    made: dict[str, URIRef] = {}
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
            iri = URIRef(ID + entity["iri"].format(**names))
            made.setdefault(entity["name"], iri)
            made_so_far.direct[iri] = _direct(spec, entity)  # one set per template (cached)
            types = (
                [c["class"] for c in values.get(entity["types_from"]) or []] if "types_from" in entity else []
            )
            for type_name in entity.get("types", []) + types:
                graph.add((iri, RDF.type, term(type_name)))
            for predicate, objects in entity["properties"].items():
                for spec_value in objects:
                    found, generated = _values(spec_value, values, item, env, made)
                    for obj in found:
                        graph.add((iri, term(predicate), obj))
                    if found and generated:
                        made_so_far.generated.add((iri, term(predicate)))
            for predicate, source in entity.get("subject_links", {}).items():
                if source in made:
                    graph.add((made[source], term(predicate), iri))
                elif isinstance(values.get(source), dict):  # an entity of the graph a cell names
                    graph.add((values[source]["iri"], term(predicate), iri))
            if entity.get("parent_link"):
                _link_parent(graph, iri, values, entity)
            graph.add((iri, PROV.wasDerivedFrom, row))
            graph.add((iri, PROV.wasDerivedFrom, cited))
            out.append(iri)
            before = made_so_far.rows_of.get(iri, number)
            if before != number:
                made_so_far.earlier.setdefault(iri, before)
            made_so_far.rows_of[iri] = number
            if entity.get("in_scheme_of") and values.get(entity["in_scheme_of"]):
                # A plan component sits in a plan's scheme: the plan of the first part it is aligned to. It
                # is not made tp:partOf that part: a monitoring record says what a project supports.
                graph.add((iri, term("skos:inScheme"), values[entity["in_scheme_of"]][0]["plan"]))
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


def _link_parent(graph: Graph, iri: URIRef, values: dict[str, Any], entity: dict[str, Any]) -> None:
    """Hang a plan part under its parent by its type's predicate (tp:partOf, tp:indicator) and the inverse."""
    parent = values.get(entity["parent_link"])
    first = (values.get(entity.get("types_from", "")) or [{}])[0]
    if parent is None or "parent" not in first:
        return
    graph.add((iri, term(first["parent"]), parent))
    if "inverse" in first:
        graph.add((parent, term(first["inverse"]), iri))


def _values(
    spec: dict[str, Any],
    values: dict[str, Any],
    item: dict[str, Any] | None,
    env: dict[str, str],
    made: dict[str, URIRef],
) -> tuple[list[Any], bool]:
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
            return [Literal(f"{int(value) - 543:04d}", datatype=XSD.gYear)], False
        if isinstance(value, dict):
            return [value["iri"]], False
        many = value if isinstance(value, list) else [value]
        if all(isinstance(v, URIRef) for v in many):
            return list(many), False
        return [Literal(v, lang=spec["lang"]) if "lang" in spec else Literal(v) for v in many], False
    if "ref" in spec:
        return ([made[spec["ref"]]] if spec["ref"] in made else []), False
    if "iri" in spec:
        if spec.get("when") and values.get(spec["when"]) in (None, ""):
            return [], False
        return [URIRef(ID + spec["iri"].format(**env))], False
    if "const" in spec:
        return [Literal(spec["const"] == "true")], False
    if "target_of" in spec:
        return [values[target_key(spec)]], False
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


def _text(spec: dict[str, Any], env: dict[str, str]) -> list[Literal]:
    """A label from the template's pattern (none when it needs an empty cell: the shapes say so)."""
    try:
        return [Literal(spec["text"].format(**env), lang=spec.get("lang"))]
    except KeyError:
        return []
