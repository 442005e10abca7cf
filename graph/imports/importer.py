"""`thaiplan import`: a steward's spreadsheet checked cell by cell, shown as changes, then written atomically.

The rows become RDF by the entity templates of `graph/imports/mapping.yaml` (the YAML mapping, not RML run
by morph-kgc: the checks need each cell's row and column to report it, and codes and agencies resolve
against the built graph, which a generic RML engine knows nothing of). The result is a curated file
`graph/data/imports/<name>.ttl`, with the spreadsheet kept beside it as its source document; the build
loads it like any other data file. Any problem: exit 1 and nothing written (issue 16).
"""

from __future__ import annotations

import getpass
import hashlib
import os
import re
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef

from thaiplan.errors import InputError, ThaiplanError
from thaiplan.graph.build.inputs import build_inputs, check_regular_file, default_data_dir
from thaiplan.graph.imports.cells import Problem, Table, check_cell, mapping, read_table
from thaiplan.graph.rq import read_rq

ID = "https://w3id.org/thaiplan/id/"
PROV = Namespace("http://www.w3.org/ns/prov#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
# Provenance records the importer writes about itself (the file, the run, the rows, cited sources):
# compared apart from the entities, so that re-importing the same file is no change.
_RECORD_KINDS = ("import/", "row/", "source/import-")


class ImportFailed(ThaiplanError):
    """The spreadsheet has problems: they were printed, nothing was written."""

    exit_code = 1


@dataclass
class Changes:
    """What an import would change in its curated file: entities added, changed (old → new), removed."""

    added: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)

    def count(self) -> int:
        """How many entities change."""
        return len(self.added) + len(self.changed) + len(self.removed)

    def render(self, lang: str) -> str:
        """The change list as text."""
        words = {
            "en": ("added", "changed", "removed", "changes"),
            "th": ("เพิ่ม", "แก้ไข", "ลบ", "รายการเปลี่ยนแปลง"),
        }
        add, change, remove, total = words["th" if lang == "th" else "en"]
        lines = [f"+ {add}: {iri}" for iri in self.added]
        for iri, diffs in self.changed.items():
            lines.append(f"~ {change}: {iri}")
            lines.extend(f"    {d}" for d in diffs)
        lines.extend(f"- {remove}: {iri}" for iri in self.removed)
        lines.append(
            f"{self.count()} {total} ({len(self.added)} {add}, {len(self.changed)} {change}, "
            f"{len(self.removed)} {remove})"
        )
        return "\n".join(lines)


@dataclass
class Options:
    """One import run: the file, its kind, where curated data lives, and who runs it."""

    path: Path
    kind: str = "projects"
    dry_run: bool = False
    lang: str = "en"
    by: str | None = None
    data_dir: Path | None = None
    report: Path | None = None


def import_name(path: Path) -> str:
    """The import's name (its curated file's stem): the spreadsheet's name, lower-case ASCII and hyphens."""
    stem = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
    if not stem:
        digest = hashlib.sha256(path.stem.encode("utf-8")).hexdigest()[:12]
        stem = f"sheet-{digest}"
    return stem


def run_import(opts: Options, out: Callable[[str], object] = print) -> Changes:
    """Check the spreadsheet, print the changes, and (unless a dry run) write the curated file atomically."""
    check_regular_file(opts.path, "spreadsheet")
    if opts.kind not in mapping()["kinds"]:
        raise InputError(
            f"the {opts.kind!r} kind is not supported yet (supported: {', '.join(mapping()['kinds'])})"
        )
    data_dir = Path(opts.data_dir) if opts.data_dir else default_data_dir()
    name = import_name(opts.path)
    target = data_dir / "imports" / f"{name}.ttl"
    table = read_table(opts.path, opts.kind)
    with tempfile.TemporaryDirectory(prefix="thaiplan-import-") as scratch:
        store = scratch_store(Path(scratch), data_dir, exclude=target)
        graph, problems, rows_of = to_rdf(table, store, opts, name)
        del store
    if not problems:
        problems = shape_problems(graph, table, rows_of, data_dir, target)
    if problems:
        for problem in problems:
            print(problem.text(opts.lang), file=sys.stderr)
        if opts.report is not None:
            write_report(opts.report, problems, opts.lang)
        raise ImportFailed(
            f"{len(problems)} problem(s) in {opts.path.name}; nothing was written"
            if opts.lang != "th"
            else f"พบปัญหา {len(problems)} รายการใน {opts.path.name} ไม่มีการบันทึกข้อมูล"
        )
    changes = diff(_previous(target), graph)
    out(changes.render(opts.lang))
    if not opts.dry_run and (changes.count() or not target.is_file()):
        write_atomically(target, graph, opts.path)
        out(f"wrote {target}")
    return changes


def scratch_store(where: Path, data_dir: Path, exclude: Path) -> ox.Store:
    """The built graph without this import's previous file: what codes and agencies resolve against."""
    from thaiplan.graph.build.pipeline import _fill

    inputs = [
        i
        for i in build_inputs(data_dir if data_dir != default_data_dir() else None)
        if i.path.resolve() != exclude.resolve()
    ]
    _fill(where / "store", inputs)
    return ox.Store.read_only(str(where / "store"))


# --- rows to RDF -----------------------------------------------------------------------------------------


def _term(name: str) -> URIRef:
    """A CURIE of the mapping (`tp:Project`) as an IRI."""
    prefix, _, local = name.partition(":")
    return URIRef(mapping()["prefixes"][prefix] + local)


def _safe(value: object) -> str:
    """A value as an IRI segment: codes keep their case; other characters become hyphens."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", str(value)).strip("-")


def to_rdf(
    table: Table, store: ox.Store, opts: Options, name: str
) -> tuple[Graph, list[Problem], dict[URIRef, int]]:
    """Every row as RDF by the mapping's templates, the problems of its cells, and each entity's row."""
    from thaiplan.queries.errors import AmbiguousParameter, UnresolvedParameter

    spec = mapping()["kinds"][opts.kind]
    graph, problems, rows_of = Graph(), [], {}
    seen: dict[tuple[str, ...], int] = {}
    memo = Memo()
    data_dir = Path(opts.data_dir) if opts.data_dir else None
    # The curated graphs only: the build's derived graphs (indexes, closures) repeat every entity.
    curated = {i.graph for i in build_inputs(data_dir if data_dir != default_data_dir() else None)}
    record = _import_record(graph, opts, name)
    for number, cells in table.rows:
        values: dict[str, Any] = {}
        row_problems: list[Problem] = []
        for key in spec["columns"]:
            value, problem = check_cell(table, number, key, cells.get(key, ""))
            if problem:
                row_problems.append(problem)
            values[key] = value

        def bad(
            key: str,
            en: str,
            th: str,
            number: int = number,
            cells: dict[str, str] = cells,
            found: list[Problem] = row_problems,
        ) -> None:
            found.append(Problem(table.file, table.sheet, number, key, cells.get(key, ""), en, th))

        for key, column in spec["columns"].items():
            text = cells.get(key, "")
            if not text or values[key] is None:
                continue
            try:
                if column["type"] == "plan-parts":
                    codes = [code.strip() for code in text.split(";") if code.strip()]
                    values[key] = [memo(key, c, partial(_look_up, store, "plan-part", key, c)) for c in codes]
                elif column["type"] in ("agency", "level", "progress"):
                    values[key] = memo(key, text, partial(_look_up, store, column["type"], key, text))
            except (UnresolvedParameter, AmbiguousParameter) as exc:
                listed = "; ".join(
                    f"{c['iri']} ({c.get('label_th') or c.get('label_en') or c.get('code')})"
                    for c in getattr(exc, "candidates", [])
                )
                bad(
                    key,
                    str(exc) + (f": {listed}" if listed else ""),
                    ("ชื่อนี้ตรงกับหลายรายการ: " + listed) if listed else "ไม่พบรหัส ชื่อ หรือ IRI นี้ในกราฟ",
                )
            except LookupError as exc:
                bad(key, str(exc), "ไม่พบรหัส ชื่อ หรือ IRI นี้ในกราฟ")
        unique = tuple(str(values.get(k)) for k in spec["unique"])
        if not row_problems and unique in seen:
            bad(
                spec["unique"][-1],
                f"duplicate: row {seen[unique]} has the same {' + '.join(spec['unique'])}",
                f"ซ้ำกับแถว {seen[unique]} ({' + '.join(spec['unique'])} เดียวกัน)",
            )
        seen.setdefault(unique, number)
        problems.extend(row_problems)
        if not row_problems:
            made = _row_entities(graph, spec, values, record, table, number)
            for subject in made:
                rows_of[subject] = number
            elsewhere = _defined_elsewhere(store, made[0], curated) if made else None
            if elsewhere is not None:
                key = spec["unique"][-1]
                problems.append(
                    Problem(
                        table.file,
                        table.sheet,
                        number,
                        key,
                        cells.get(key, ""),
                        f"{made[0]} is already in the graph ({elsewhere}): another file defines it",
                        f"{made[0]} มีอยู่แล้วในกราฟ ({elsewhere}): กำหนดไว้ในไฟล์อื่น",
                    )
                )
    return graph, problems, rows_of


def _defined_elsewhere(store: ox.Store, entity: URIRef, curated: set[str | None]) -> str | None:
    """The curated graph of the built data (this import's previous file left out) that holds `entity`."""
    from thaiplan.queries.execute import execute, rows

    found = rows(execute(store, read_rq("import-existing"), {"entity": ox.NamedNode(str(entity))}))
    return next((r["graph"].value for r in found if r["graph"].value in curated), None)


def _look_up(store: ox.Store, kind: str, column: str, text: str) -> Any:
    """What a coded cell names: an agency, a plan part, or a concept of a scheme (errors name `column`)."""
    from thaiplan.queries.resolve import resolve

    if kind == "agency":
        return URIRef(resolve(store, column, text, "tp:Agency").value)
    if kind == "plan-part":
        return _part(store, resolve(store, column, text).value)
    return _concept(store, kind, text)


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


def _part(store: ox.Store, iri: str) -> dict[str, Any]:
    """A plan part a row is aligned to: its IRI, plan, default level and labels (LookupError if not one)."""
    from thaiplan.queries.execute import execute, rows

    found = rows(execute(store, read_rq("import-part"), {"part": ox.NamedNode(iri)}))
    if not found:
        raise LookupError(f"{iri} is not a plan or a part of one")
    levels = mapping()["default_levels"]
    level = next((levels[k] for r in found for k in levels if str(_term(k)) == r["planClass"].value), None)
    first = found[0]
    kind, _, key = iri.removeprefix(ID).partition("/")
    return {
        "iri": URIRef(iri),
        "plan": URIRef(first["plan"].value),
        "level": _term(level) if level else None,
        "part_kind": kind,
        "part_key": key,
        "label_th": first["labelTh"].value if "labelTh" in first else key,
        "label_en": first["labelEn"].value if "labelEn" in first else key,
    }


_SCHEMES = {"level": "tp:AlignmentLevelScheme", "progress": "tp:ProgressStatusScheme"}


def concepts(store: ox.Store, kind: str) -> list[dict[str, str]]:
    """The concepts a coded column accepts: IRI, notation and labels (the template's validation lists)."""
    from thaiplan.queries.execute import execute, rows

    scheme = ox.NamedNode(str(_term(_SCHEMES[kind])))
    out = []
    for r in rows(execute(store, read_rq("import-concepts"), {"scheme": scheme})):
        out.append(
            {
                k: r[v].value
                for k, v in (
                    ("iri", "concept"),
                    ("notation", "notation"),
                    ("th", "labelTh"),
                    ("en", "labelEn"),
                )
                if v in r
            }
        )
    return out


def _concept(store: ox.Store, kind: str, text: str) -> URIRef:
    """The concept a coded cell names by notation, label or local name (LookupError listing the choices)."""
    from thaiplan.queries.keys import key

    choices = concepts(store, kind)
    for c in choices:
        names = {c.get("notation"), c.get("th"), c.get("en"), c["iri"].rsplit("#", 1)[-1]}
        if key(text) in {key(n) for n in names if n}:
            return URIRef(c["iri"])
    listed = ", ".join(c.get("notation") or c.get("en", c["iri"]) for c in choices)
    raise LookupError(f"not a code of {_SCHEMES[kind]} (one of: {listed})")


def _import_record(graph: Graph, opts: Options, name: str) -> dict[str, URIRef]:
    """The spreadsheet as a source document and the run that read it (file, SHA-256, time, who)."""
    digest = hashlib.sha256(opts.path.read_bytes()).hexdigest()
    doc, run = URIRef(f"{ID}source/import-{name}"), URIRef(f"{ID}import/{name}")
    tp = Namespace(mapping()["prefixes"]["tp"])
    graph.add((doc, RDF.type, tp.SourceDocument))
    graph.add((doc, RDF.type, PROV.Entity))
    graph.add((doc, DCTERMS.title, Literal(opts.path.name)))
    graph.add((doc, DCTERMS.identifier, Literal(f"sha256:{digest}")))
    graph.add((run, RDF.type, PROV.Activity))
    graph.add((run, PROV.used, doc))
    graph.add(
        (
            run,
            PROV.startedAtTime,
            Literal(datetime.now(UTC).isoformat(timespec="seconds"), datatype=XSD.dateTime),
        )
    )
    # Who ran it: --by, else the OS user (an agent of the run, not the spreadsheet's publisher).
    agent = URIRef(f"{ID}import/{name}-agent")
    graph.add((agent, RDF.type, PROV.Agent))
    graph.add((agent, RDFS.label, Literal(opts.by or getpass.getuser())))
    graph.add((run, PROV.wasAssociatedWith, agent))
    return {"doc": doc, "run": run, "name": URIRef(name)}


def _row_entities(
    graph: Graph,
    spec: dict[str, Any],
    values: dict[str, Any],
    record: dict[str, URIRef],
    table: Table,
    number: int,
) -> list[URIRef]:
    """Add one row's entities (by the mapping's templates) and its provenance; return their IRIs."""
    agency_key = str(values.get("agency") or "").rsplit("/", 1)[-1]
    name = str(record["name"])
    row = URIRef(f"{ID}row/{name}-{_safe(table.sheet)}-{number}")
    graph.add((row, RDF.type, PROV.Entity))
    graph.add((row, DCTERMS.isPartOf, record["doc"]))
    graph.add((row, PROV.wasGeneratedBy, record["run"]))
    graph.add((row, DCTERMS.identifier, Literal(f"{table.sheet}!{number}")))
    graph.add((row, RDFS.label, Literal(f"{table.file} › {table.sheet} › {number}")))
    cited = URIRef(
        f"{ID}source/import-{name}-"
        + hashlib.sha256(f"{values.get('source_title')}|{values.get('source_url')}".encode()).hexdigest()[:12]
    )
    tp = Namespace(mapping()["prefixes"]["tp"])
    graph.add((cited, RDF.type, tp.SourceDocument))
    graph.add((cited, DCTERMS.title, Literal(values["source_title"])))
    if values.get("source_url"):
        graph.add((cited, DCTERMS.source, URIRef(values["source_url"])))
    graph.add((row, DCTERMS.source, cited))
    if values.get("source_locator"):
        graph.add((row, DCTERMS.bibliographicCitation, Literal(values["source_locator"])))
    made: dict[str, URIRef] = {}
    out = []
    for entity in spec["entities"]:
        if any(values.get(k) in (None, "") for k in entity.get("when", [])):
            continue
        each = values.get(entity["each"]) if "each" in entity else [None]
        for item in each or []:
            env = {k: _safe(v) for k, v in values.items() if not isinstance(v, list) and v is not None}
            env.update({k: v for k, v in values.items() if isinstance(v, str)})
            env["agency_key"] = agency_key
            if item:
                env.update({k: item[k] for k in ("part_kind", "part_key", "label_th", "label_en")})
            iri = URIRef(ID + entity["iri"].format(**{k: _safe(v) for k, v in env.items()}))
            made.setdefault(entity["name"], iri)
            for type_name in entity["types"]:
                graph.add((iri, RDF.type, _term(type_name)))
            for predicate, objects in entity["properties"].items():
                for spec_value in objects:
                    for obj in _values(spec_value, values, item, env, made):
                        graph.add((iri, _term(predicate), obj))
            for predicate, source in entity.get("subject_links", {}).items():
                graph.add((made[source], _term(predicate), iri))
            graph.add((iri, PROV.wasDerivedFrom, row))
            graph.add((iri, PROV.wasDerivedFrom, cited))
            out.append(iri)
            if entity.get("in_scheme_of") and values.get(entity["in_scheme_of"]):
                # A plan component sits in a plan's scheme: the plan of the first part it is aligned to. It
                # is not made tp:partOf that part: a monitoring record says what a project supports.
                graph.add((iri, _term("skos:inScheme"), values[entity["in_scheme_of"]][0]["plan"]))
    return out


def _values(
    spec: dict[str, Any],
    values: dict[str, Any],
    item: dict[str, Any] | None,
    env: dict[str, str],
    made: dict[str, URIRef],
) -> list[Any]:
    """The objects of a template's property: column values, a reference, an IRI, a constant or a text."""
    if "column" in spec:
        value = values.get(spec["column"])
        if isinstance(value, list) and value and isinstance(value[0], dict):
            value = item  # the entity made for each aligned part takes that part
        if value is None and item is not None and "default" in spec:
            value = item[spec["default"]]  # e.g. the level the aligned part's plan implies
        if value is None or value == "":
            return []
        if isinstance(value, dict):
            return [value["iri"]]
        if isinstance(value, URIRef):
            return [value]
        many = value if isinstance(value, list) else [value]
        return [Literal(v, lang=spec["lang"]) if "lang" in spec else Literal(v) for v in many]
    if "ref" in spec:
        return [made[spec["ref"]]] if spec["ref"] in made else []
    if "iri" in spec:
        return [URIRef(ID + spec["iri"].format(**env))]
    if "const" in spec:
        return [Literal(spec["const"] == "true")]
    if "text" in spec:
        try:
            return [Literal(spec["text"].format(**env), lang=spec.get("lang"))]
        except KeyError:
            return []  # a label needs a cell the row left empty (an English name): the shapes say so
    raise ThaiplanError(f"import mapping: unknown value {spec}")


# --- shapes, changes, writing --------------------------------------------------------------------------


def shape_problems(
    graph: Graph, table: Table, rows_of: dict[URIRef, int], data_dir: Path, target: Path
) -> list[Problem]:
    """The shapes' violations on the imported entities, validated together with the existing graph."""
    from rdflib import SH

    from thaiplan.shapes.validate import read_rdf, validate

    files = [
        i.path
        for i in build_inputs(data_dir if data_dir != default_data_dir() else None)
        if i.graph and not i.graph.endswith("/ontology") and i.path.resolve() != target.resolve()
    ]
    data = read_rdf(files)
    data += graph
    report = validate(data)
    out = []
    for result in report.results:
        if result.severity != SH.Violation or result.focus not in rows_of:
            continue
        path = report.compact(result.path) if result.path is not None else ""
        out.append(
            Problem(
                table.file,
                table.sheet,
                rows_of[result.focus],
                " / ".join(columns_of(table.kind, result.path)) or None,
                str(result.focus),
                f"{report.message(result, 'en')} [{path}]",
                f"{report.message(result, 'th')} [{path}]",
            )
        )
    return sorted(out, key=lambda p: (p.row or 0, p.en))


def columns_of(kind: str, path: object) -> list[str]:
    """The column keys whose cells the mapping writes under a shape result's path (a predicate IRI)."""
    found: list[str] = []
    for entity in mapping()["kinds"][kind]["entities"]:
        for predicate, objects in entity["properties"].items():
            if str(_term(predicate)) == str(path):
                found.extend(o["column"] for o in objects if "column" in o and o["column"] not in found)
    return found


def _previous(target: Path) -> Graph:
    """The curated file of the last import of the same spreadsheet (empty when there is none)."""
    graph = Graph()
    if target.is_file():
        graph.parse(target, format="turtle")
    return graph


def _entities(graph: Graph) -> dict[str, set[tuple[str, str]]]:
    """Each imported entity's statements (predicate, object) without the import's own provenance records."""
    out: dict[str, set[tuple[str, str]]] = {}
    for s, p, o in graph:
        subject = str(s)
        if any(subject.startswith(ID + k) for k in _RECORD_KINDS):
            continue
        if str(o).startswith(ID + "row/") or str(o).startswith(ID + "source/import-"):
            continue
        out.setdefault(subject, set()).add((_compact(str(p)), _object_key(o)))
    return out


def _compact(iri: str) -> str:
    """An IRI as a CURIE of the mapping's prefixes (the change list's predicates), else in brackets."""
    for prefix, base in mapping()["prefixes"].items():
        if iri.startswith(base) and prefix != "id":
            return prefix + ":" + iri[len(base) :]
    return f"<{iri}>"


def _object_key(term: Any) -> str:
    """An object as compared across imports: a decimal by its value (1250000.0 is 1250000), else its N3."""
    if isinstance(term, Literal) and term.datatype == XSD.decimal:
        value = term.toPython()
        return format(value.normalize(), "f") if hasattr(value, "normalize") else term.n3()
    return term.n3()


def diff(old: Graph, new: Graph) -> Changes:
    """Entities added, changed (each statement old → new) and removed between two imports of one file."""
    before, after = _entities(old), _entities(new)
    changes = Changes(added=sorted(set(after) - set(before)), removed=sorted(set(before) - set(after)))
    for iri in sorted(set(before) & set(after)):
        if before[iri] != after[iri]:
            gone, came = before[iri] - after[iri], after[iri] - before[iri]
            lines = []
            for p in sorted({p for p, _ in gone | came}):
                olds = ", ".join(sorted(o for q, o in gone if q == p)) or "∅"
                news = ", ".join(sorted(o for q, o in came if q == p)) or "∅"
                lines.append(f"{p}: {olds} → {news}")
            changes.changed[iri] = lines
    return changes


def write_atomically(target: Path, graph: Graph, spreadsheet: Path) -> None:
    """Write the curated Turtle and keep the spreadsheet beside it, each through a temporary file + rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for prefix, iri in mapping()["prefixes"].items():
        graph.bind(prefix, iri)
    text = graph.serialize(format="turtle")
    header = (
        f"# Imported from {spreadsheet.name} by `thaiplan import` (issue 16): do not edit by hand;\n"
        "# change the spreadsheet and import it again.\n"
    )
    copy = target.with_suffix(spreadsheet.suffix.lower())
    for path, data in ((copy, spreadsheet.read_bytes()), (target, (header + text).encode("utf-8"))):
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(fd, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


_REPORT_HEADER = {
    "en": ["file", "sheet", "row", "column", "value", "problem"],
    "th": ["ไฟล์", "แผ่นงาน", "แถว", "คอลัมน์", "ค่า", "ปัญหา"],
}


def write_report(path: Path, problems: list[Problem], lang: str) -> None:
    """The problems as a CSV for Excel (UTF-8 with BOM) or an HTML table, by the report's extension."""
    import csv
    import html
    import io

    header = _REPORT_HEADER["th" if lang == "th" else "en"]
    if path.suffix.lower() in (".html", ".htm"):
        cells = "".join(f"<th>{html.escape(h)}</th>" for h in header)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in p.as_row(lang)) + "</tr>\n"
            for p in problems
        )
        text = (
            f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>thaiplan import</title>'
            f"</head><body><table><thead><tr>{cells}</tr></thead><tbody>\n{body}</tbody></table></body></html>\n"
        )
        data = text.encode("utf-8")
    else:
        stream = io.StringIO()
        writer = csv.writer(stream)
        writer.writerow(header)
        writer.writerows(p.as_row(lang) for p in problems)
        data = b"\xef\xbb\xbf" + stream.getvalue().encode("utf-8")
    path.write_bytes(data)
