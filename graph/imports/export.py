"""`thaiplan export`: the shipped curated graph in the import format, `thaiplan import` backwards (issue 16).

Each kind's sheet is read off the graph by the same mapping the importer writes with: an entity of a kind's
classes becomes a row, each column the values of the predicate its template writes. Importing the file
again restates the graph: 0 changes (a test on the real data), which shows the templates cover the model.
What a sheet cannot hold (passages and quotes, decisions, milestones, observations that break another down)
is counted on the README sheet, not dropped silently.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from rdflib import RDF, Graph, Literal, Namespace, URIRef

from thaiplan.errors import InputError
from thaiplan.graph.build.inputs import build_inputs, default_data_dir
from thaiplan.graph.imports.cells import mapping
from thaiplan.graph.imports.lookup import ID, term

PROV = Namespace("http://www.w3.org/ns/prov#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")


def curated_graph(data_dir: Path | None = None) -> tuple[Graph, Graph]:
    """The curated data files (no import, no ontology) as one graph, and the ontology."""
    from thaiplan.shapes.validate import read_rdf

    inputs = build_inputs(data_dir if data_dir and data_dir != default_data_dir() else None)
    data = [
        i.path
        for i in inputs
        if i.graph and not i.graph.endswith("/ontology") and "/graph/import-" not in i.graph
    ]
    ontology = [i.path for i in inputs if i.graph and i.graph.endswith("/ontology")]
    return read_rdf(data), read_rdf(ontology)


def _supers(ontology: Graph) -> dict[URIRef, set[URIRef]]:
    """Each class with itself and its superclasses."""
    from rdflib import RDFS

    out: dict[URIRef, set[URIRef]] = {}
    for cls in set(ontology.subjects(RDF.type, None)) | set(ontology.subjects(RDFS.subClassOf, None)):
        if isinstance(cls, URIRef):
            out[cls] = set(ontology.transitive_objects(cls, RDFS.subClassOf))
    return out


def rows_of_kind(
    kind: str, graph: Graph, supers: dict[URIRef, set[URIRef]]
) -> tuple[list[dict[str, str]], int]:
    """A kind's sheet read off the graph, and how many entities of the kind's classes did not fit."""
    spec = mapping()["kinds"][kind]
    entity = spec["entities"][0]
    column = spec["columns"].get(entity.get("types_from", ""), {})
    classes = {str(term(c["class"])): (name, c) for name, c in column.get("classes", {}).items()}
    if not classes:
        classes = {str(term(t)): (t, {}) for t in entity.get("types", [])}
    rows, misfits = [], 0
    for subject in sorted({s for s, o in graph.subject_objects(RDF.type) if str(o) in classes}, key=str):
        if not isinstance(subject, URIRef) or not str(subject).startswith(ID):
            continue
        found = _row(kind, spec, entity, subject, graph, classes, supers)
        if found is None:
            misfits += 1
        else:
            rows.extend(found)
    return rows, misfits


def _row(
    kind: str,
    spec: dict[str, Any],
    entity: dict[str, Any],
    subject: URIRef,
    graph: Graph,
    classes: dict[str, tuple[str, dict[str, Any]]],
    supers: dict[URIRef, set[URIRef]],
) -> list[dict[str, str]] | None:
    """An entity's rows (a result: one per assessment of it), or None when its IRI does not fit."""
    types = [t for t in graph.objects(subject, RDF.type) if str(t) in classes]
    # The most specific of the listed types: a tp:Commission is not also written as a tp:Agency.
    types = [t for t in types if not any(t != u and t in supers.get(u, set()) for u in types)]
    named = sorted((classes[str(t)] for t in types), key=lambda c: c[0])
    segment, _, code = str(subject).removeprefix(ID).partition("/")
    named.sort(key=lambda c: c[1].get("segment") != segment)  # the type naming the IRI's segment first
    if named and named[0][1].get("segment", segment) != segment:
        return None
    row: dict[str, str] = {}
    type_column = entity.get("types_from")
    if type_column and not (len(named) == 1 and named[0][0] == spec["columns"][type_column].get("default")):
        row[type_column] = ";".join(n for n, _ in named)
    code_column = (
        next(k for k, c in spec["columns"].items() if c["type"] == "code") if kind != "results" else None
    )
    if code_column:
        row[code_column] = code
    for predicate, objects in entity["properties"].items():
        for value_spec in objects:
            if "column" in value_spec and not value_spec.get("ce"):
                texts = [_cell(o) for o in graph.objects(subject, term(predicate)) if _fits(o, value_spec)]
                if texts:
                    row[value_spec["column"]] = "; ".join(sorted(texts))
    if entity.get("parent_link"):
        first = named[0][1] if named else {}
        parents = list(graph.objects(subject, term(first["parent"]))) if "parent" in first else []
        if len(parents) > 1:
            return None
        if parents:
            row[entity["parent_link"]] = _cell(parents[0])
    row["source_title"] = _source_title(graph, subject)
    if not _same_iri(entity, row, subject):
        return None
    if kind == "results":
        return _result_rows(spec, subject, graph, row)
    return [row]


def _same_iri(entity: dict[str, Any], row: dict[str, str], subject: URIRef) -> bool:
    """Whether importing the row gives the entity's own IRI (a curated project's IRI is not agency + code)."""
    from thaiplan.graph.imports.entities import safe

    env = {k: safe(v.rsplit("/", 1)[-1]) for k, v in row.items()}
    env["segment"] = str(subject).removeprefix(ID).split("/", 1)[0]
    env["agency_key"] = safe(row.get("agency", "").split(";")[0].strip().rsplit("/", 1)[-1])
    env.update({f"{k}_key": env[k] for k in list(env)})
    try:
        return ID + entity["iri"].format(**env) == str(subject)
    except KeyError:
        return False


def _fits(value: Any, value_spec: dict[str, Any]) -> bool:
    """Whether a graph value belongs in the column (a Thai label in the Thai column)."""
    if "lang" in value_spec:
        return isinstance(value, Literal) and value.language == value_spec["lang"]
    return True


def _cell(value: Any) -> str:
    """A graph value as the cell text the importer reads back: an entity by its IRI, a concept of the
    ontology by its local name, a literal as written."""
    text = str(value)
    if isinstance(value, URIRef) and not text.startswith(ID) and "#" in text:
        return text.rsplit("#", 1)[-1]
    return text


def _source_title(graph: Graph, subject: URIRef) -> str:
    """The title of the document the entity's passages quote (what the row's facts come from)."""
    for passage in graph.objects(subject, PROV.wasDerivedFrom):
        for source in graph.objects(passage, PROV.wasQuotedFrom):
            title = graph.value(source, DCTERMS.title) or graph.value(source, SKOS.prefLabel)
            if title is not None:
                return str(title)
            return _cell(source)
    return "thaiplan curated graph"


def _result_rows(
    spec: dict[str, Any], subject: URIRef, graph: Graph, row: dict[str, str]
) -> list[dict[str, str]] | None:
    """An observation's row, repeated for each assessment that rates it (its status, target year and year)."""
    if "indicator" not in row or "year_be" not in row:
        return None  # a breakdown of another observation: no indicator of its own
    fiscal = graph.value(subject, term("tp:fiscalYear"))
    if fiscal is not None:
        row["fiscal_year"] = str(fiscal).rsplit("/", 1)[-1]
    assessments = sorted(graph.subjects(term("tp:observation"), subject), key=str)
    out = []
    for assessment in assessments:
        target = graph.value(assessment, term("tp:assesses"))
        year = graph.value(target, term("tp:yearBE")) if target is not None else None
        status = graph.value(assessment, term("tp:status"))
        if year is None or status is None:
            return None
        rated = dict(row, status=_cell(status), target_year_be=str(year))
        when = graph.value(assessment, term("tp:yearBE"))
        if when is not None and str(when) != str(year):
            rated["assessment_year_be"] = str(when)
        out.append(rated)
    return out or [row]


def export(target: Path, kinds: list[str], data_dir: Path | None = None) -> dict[str, tuple[int, int]]:
    """Write the curated graph's kinds as XLSX (all kinds) or CSV (one kind); each kind's rows and misfits."""
    from thaiplan.graph.imports.template import save_atomically, workbook

    graph, ontology = curated_graph(data_dir)
    supers = _supers(ontology)
    counted = {kind: rows_of_kind(kind, graph, supers) for kind in kinds}
    suffix = target.suffix.lower()
    if suffix == ".csv":
        if len(kinds) != 1:
            raise InputError(f"{target}: a CSV file holds one kind: give --kind (one of {', '.join(kinds)})")
        _write_csv(target, kinds[0], counted[kinds[0]][0])
    elif suffix == ".xlsx":
        book = workbook(kinds)
        for kind, (rows, _) in counted.items():
            spec = mapping()["kinds"][kind]
            sheet, keys = book[spec["sheet"]], list(spec["columns"])
            for row in rows:
                sheet.append([_typed(row.get(k, ""), spec["columns"][k]) for k in keys])
        book["README"].append([])
        for kind, (rows, misfits) in counted.items():
            book["README"].append([kind, f"exported: {len(rows)} rows", f"not in this format: {misfits}"])
        for cls, n in sorted(_uncovered(graph, kinds).items()):
            book["README"].append(["not exported", cls, n])
        save_atomically(book, target)
    else:
        raise InputError(f"{target}: export writes .xlsx (every kind) or .csv (one kind)")
    return {kind: (len(rows), misfits) for kind, (rows, misfits) in counted.items()}


def _typed(text: str, column: dict[str, Any]) -> Any:
    """A cell as a number when its column is one (stewards see numbers, not text), else as text."""
    if text and column["type"] in ("decimal", "year-be"):
        try:
            number = float(text)
            return int(number) if number.is_integer() and "." not in text else text
        except ValueError:
            return text
    return text or None


def _uncovered(graph: Graph, kinds: list[str]) -> Counter[str]:
    """The entities of classes no exported kind takes, counted by class (what the README lists as left)."""
    taken = set()
    for kind in kinds:
        for entity in mapping()["kinds"][kind]["entities"]:
            taken.update(str(term(t)) for t in entity.get("types", []))
            column = mapping()["kinds"][kind]["columns"].get(entity.get("types_from", ""), {})
            taken.update(str(term(c["class"])) for c in column.get("classes", {}).values())
    counts: Counter[str] = Counter()
    for s in set(graph.subjects(RDF.type, None)):
        types = {str(t) for t in graph.objects(s, RDF.type)}
        if not types & taken:
            counts[min(types)] += 1
    return counts


def _write_csv(target: Path, kind: str, rows: list[dict[str, str]]) -> None:
    """One kind's rows as CSV (UTF-8 with Excel's BOM, keys in the first row), atomically."""
    keys = list(mapping()["kinds"][kind]["columns"])
    fd, tmp = tempfile.mkstemp(dir=target.parent if str(target.parent) else ".", prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(keys)
            writer.writerows([[r.get(k, "") for k in keys] for r in rows])
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
