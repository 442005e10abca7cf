"""`thaiplan import`: a steward's spreadsheet checked cell by cell, shown as changes, then written atomically.

The rows become RDF by the entity templates of `graph/imports/mapping.yaml` (the YAML mapping, not RML run
by morph-kgc: the checks need each cell's row and column to report it, and codes and agencies resolve
against the built graph, which a generic RML engine knows nothing of; measured in bench/import.py). The
result is a curated file `graph/data/imports/<name>.ttl`, with the spreadsheet kept beside it as its source
document; the build loads it like any other data file. Any problem: exit 1 and nothing written (issue 16).

Two steps for a caller that shows the report first (the server's /import page): `check_import(opts)` gives
a `Checked` (problems, changes, the graph to write) without writing; `commit_import(checked)` writes it.
`run_import` does both for the command line.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, URIRef

from thaiplan.errors import InputError, ThaiplanError
from thaiplan.graph.build.inputs import build_inputs, check_regular_file, default_data_dir
from thaiplan.graph.imports.cells import Problem, Table, check_cell, mapping, missing_companions, read_table
from thaiplan.graph.imports.compare import Changes, against_graph, diff, drop_restated
from thaiplan.graph.imports.entities import Made, import_record, row_entities, target_key, target_specs
from thaiplan.graph.imports.files import import_name, previous, write_atomically
from thaiplan.graph.imports.lookup import (
    ID,
    Memo,
    concepts,
    defined,
    look_up,
    scratch_store,
    superclasses,
    target_of,
)
from thaiplan.graph.imports.plans import resolve_parents
from thaiplan.graph.imports.quads import ImportGraph
from thaiplan.graph.imports.report import write_report
from thaiplan.graph.imports.shapes_check import columns_of, shape_problems

__all__ = [
    "Changes",
    "Checked",
    "ImportFailed",
    "Memo",
    "Options",
    "check_import",
    "columns_of",
    "commit_import",
    "concepts",
    "diff",
    "failure",
    "import_name",
    "run_import",
    "scratch_store",
    "shape_problems",
    "to_rdf",
    "write_atomically",
    "write_report",
]


class ImportFailed(ThaiplanError):
    """The spreadsheet has problems: they were printed, nothing was written.

    It carries the problems (each in Thai and English) and its message in both languages, so that a caller
    (the /import page) shows them in either without running the import again.
    """

    exit_code = 1

    def __init__(
        self, message: str, problems: list[Problem] | None = None, messages: dict[str, str] | None = None
    ) -> None:
        """The failure's message (in the run's language), its problems, and the message in each language."""
        super().__init__(message)
        self.problems = list(problems or [])
        self.messages = dict(messages or {"en": message, "th": message})


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


@dataclass
class Checked:
    """A checked spreadsheet: its problems (none: it may be written), the changes, what would be written."""

    opts: Options
    target: Path
    problems: list[Problem]
    changes: Changes
    graph: ImportGraph
    rows_of: dict[URIRef, int] = field(default_factory=dict)

    def writes(self) -> bool:
        """Whether committing writes anything: no problem, and a change or a first import with entities."""
        has_entities = any(not str(s).startswith(ID + "row/") for s in self.rows_of)
        return not self.problems and (
            self.changes.count() > 0 or (not self.target.is_file() and has_entities)
        )


def check_import(opts: Options) -> Checked:
    """Check every cell and the shapes, and compute the changes; nothing is written."""
    check_regular_file(opts.path, "spreadsheet")
    if opts.kind not in mapping()["kinds"]:
        raise InputError(
            f"the {opts.kind!r} kind is not supported (supported: {', '.join(mapping()['kinds'])})"
        )
    data_dir = Path(opts.data_dir) if opts.data_dir else default_data_dir()
    name = import_name(opts.path)
    target = data_dir / "imports" / f"{name}.ttl"
    table = read_table(opts.path, opts.kind)
    store = scratch_store(data_dir, data_dir, exclude=target)
    graph, problems, rows_of, restated = _convert(table, store, opts, name)
    del store  # the lookups are done: its memory goes before the shapes run
    if not problems:
        problems = shape_problems(graph, table, rows_of, data_dir, target)
    changes = diff(previous(target, graph.store), graph) if not problems else Changes()
    changes.restated = restated
    return Checked(opts, target, problems, changes, graph, rows_of)


def commit_import(checked: Checked) -> bool:
    """Write a checked import's curated file, the spreadsheet beside it; whether anything was written."""
    if checked.problems:
        raise failure(checked, "en")
    if not checked.writes():
        return False
    write_atomically(checked.target, checked.graph, checked.opts.path)
    return True


def run_import(opts: Options, out: Callable[[str], object] = print) -> Changes:
    """Check the spreadsheet, print the changes, and (unless a dry run) write the curated file atomically."""
    checked = check_import(opts)
    if checked.problems:
        for problem in checked.problems:
            print(problem.text(opts.lang), file=sys.stderr)
        if opts.report is not None:
            write_report(opts.report, checked.problems, opts.lang)
        raise failure(checked, opts.lang)
    out(checked.changes.render(opts.lang))
    if not opts.dry_run and commit_import(checked):
        out(f"wrote {checked.target}")
    return checked.changes


def failure(checked: Checked, lang: str) -> ImportFailed:
    """The error of a checked import with problems: its message in `lang`, both messages, the problems."""
    count, name = len(checked.problems), checked.opts.path.name
    messages = {
        "en": f"{count} problem(s) in {name}; nothing was written",
        "th": f"พบปัญหา {count} รายการใน {name} ไม่มีการบันทึกข้อมูล",
    }
    return ImportFailed(messages["th" if lang == "th" else "en"], checked.problems, messages)


# --- rows to RDF -----------------------------------------------------------------------------------------


def to_rdf(
    table: Table, store: ox.Store, opts: Options, name: str
) -> tuple[ImportGraph, list[Problem], dict[URIRef, int]]:
    """Every row as RDF by the mapping's templates, the problems of its cells, and each entity's row."""
    graph, problems, rows_of, _ = _convert(table, store, opts, name)
    return graph, problems, rows_of


def _convert(
    table: Table, store: ox.Store, opts: Options, name: str
) -> tuple[ImportGraph, list[Problem], dict[URIRef, int], int]:
    """Rows to RDF; the problems; each entity's row; how many entities restate the graph (left out)."""
    spec = mapping()["kinds"][opts.kind]
    # Quads of an in-memory pyoxigraph store, not an rdflib Graph: far less memory (graph/imports/quads.py).
    graph, problems = ImportGraph(), []
    memo, made = Memo(), Made()
    data_dir = Path(opts.data_dir) if opts.data_dir else None
    # The curated graphs only: the build's derived graphs (indexes, closures) repeat every entity.
    curated = {i.graph for i in build_inputs(data_dir if data_dir != default_data_dir() else None)}
    known = {iri: [g for g in graphs if g in curated] for iri, graphs in defined(store).items()}
    record = import_record(graph, opts.path, opts.by, name)
    checked: list[tuple[int, dict[str, str], dict[str, Any], list[Problem]]] = []
    for number, cells in table.rows:
        values, row_problems = _check_row(table, spec, store, memo, number, cells)
        checked.append((number, cells, values, row_problems))
    parent_keys = _parent_keys(spec)
    if parent_keys:
        good = [(n, v) for n, _, v, p in checked if not p]
        for problem in resolve_parents(table, good, store, memo, parent_keys):
            next(p for n, _, _, p in checked if n == problem.row).append(problem)
    supers = superclasses(store)
    by_row = {number: values for number, _, values, _ in checked}
    restated: dict[URIRef, set[tuple[URIRef, Any]]] = {}
    seen: dict[tuple[str, ...], int] = {}
    for number, cells, values, row_problems in checked:
        key_column = _key_column(spec)
        unique = tuple(_unique_value(values.get(k)) for k in spec["unique"] if k != "iri")
        if not row_problems and unique and unique in seen:
            row_problems.append(_duplicate(table, spec, number, cells, seen[unique], key_column))
        seen.setdefault(unique, number)
        problems.extend(row_problems)
        if row_problems:
            continue
        entities = row_entities(graph, spec, values, record, table, number, made)
        earlier = made.earlier
        for iri in entities if "iri" not in spec["unique"] else []:  # there a repeat is a duplicate row
            if iri in earlier and (
                found := _disagree(spec, iri, by_row[earlier[iri]], values, table, record)
            ):
                en = f"{iri} is also made by row {earlier[iri]}, with other values ({found})"
                th = f"{iri} ถูกสร้างจากแถว {earlier[iri]} ด้วยค่าอื่น ({found})"
                problems.append(
                    Problem(table.file, table.sheet, number, key_column, cells.get(key_column, ""), en, th)
                )
        if "iri" in spec["unique"] and entities:
            first = (str(entities[0]),)
            if first in seen:
                problems.append(_duplicate(table, spec, number, cells, seen[first], key_column))
            seen.setdefault(first, number)
        for iri in entities:
            problem = against_graph(iri, graph, store, known, made, supers, restated)
            if problem is not None:
                en, th = problem
                problems.append(
                    Problem(table.file, table.sheet, number, key_column, cells.get(key_column, ""), en, th)
                )
    drop_restated(graph, restated, made.direct)
    rows_of = {iri: row for iri, row in made.rows_of.items() if iri not in restated}
    return graph, problems, rows_of, len(restated)


def _disagree(
    spec: dict[str, Any], iri: URIRef, first: dict[str, Any], again: dict[str, Any], table: Table, record: Any
) -> str:
    """How two rows that make the same entity (two ratings of one result) disagree on it; empty if not."""
    from thaiplan.graph.imports.compare import entities

    said = []
    for values in (first, again):
        graph = Graph(store="SimpleMemory")
        row_entities(graph, spec, values, record, table, 0, Made())
        said.append(entities(graph).get(str(iri), set()))
    gone, came = said[0] - said[1], said[1] - said[0]
    return "; ".join(f"{p}: {o}" for p, o in sorted(came)) if gone or came else ""


def _check_row(
    table: Table, spec: dict[str, Any], store: ox.Store, memo: Memo, number: int, cells: dict[str, str]
) -> tuple[dict[str, Any], list[Problem]]:
    """A row's cells converted and resolved against the graph, and their problems."""
    from thaiplan.queries.errors import AmbiguousParameter, UnresolvedParameter

    values: dict[str, Any] = {}
    problems = missing_companions(table, number, cells)
    for key in spec["columns"]:
        value, problem = check_cell(table, number, key, cells.get(key, ""))
        if problem:
            problems.append(problem)
        values[key] = value
    coded = {"agency", "plan-parts", "indicator", "series", *mapping()["concept_types"]}
    for key, column in spec["columns"].items():
        text = cells.get(key, "")
        if not text or values[key] is None or column["type"] not in coded:
            continue
        try:
            if column["type"] == "plan-parts" or column.get("many"):
                kind = "plan-part" if column["type"] == "plan-parts" else column["type"]
                codes = [code.strip() for code in text.split(";") if code.strip()]
                values[key] = [
                    memo(key, c, partial(look_up, store, kind, key, c, column.get("class"))) for c in codes
                ]
            else:
                values[key] = memo(key, text, partial(look_up, store, column["type"], key, text))
        except (UnresolvedParameter, AmbiguousParameter) as exc:
            listed = "; ".join(
                f"{c['iri']} ({c.get('label_th') or c.get('label_en') or c.get('code')})"
                for c in getattr(exc, "candidates", [])
            )
            problems.append(
                Problem(
                    table.file,
                    table.sheet,
                    number,
                    key,
                    text,
                    str(exc) + (f": {listed}" if listed else ""),
                    ("ชื่อนี้ตรงกับหลายรายการ: " + listed) if listed else "ไม่พบรหัส ชื่อ หรือ IRI นี้ในกราฟ",
                )
            )
        except LookupError as exc:
            problems.append(
                Problem(table.file, table.sheet, number, key, text, str(exc), "ไม่พบรหัส ชื่อ หรือ IRI นี้ในกราฟ")
            )
    if not problems:
        problems.extend(_resolve_targets(table, spec, store, number, cells, values))
    return values, problems


def _resolve_targets(
    table: Table,
    spec: dict[str, Any],
    store: ox.Store,
    number: int,
    cells: dict[str, str],
    values: dict[str, Any],
) -> list[Problem]:
    """The targets a row's assessment rates (its indicator's target for the year), or the problem."""
    problems = []
    for value_spec in target_specs(spec):
        indicator, year = values.get(value_spec["target_of"]), values.get(value_spec["year"])
        if indicator is None or year is None:
            continue
        try:
            values[target_key(value_spec)] = target_of(store, indicator["iri"], year)
        except LookupError as exc:
            column = value_spec["year"]
            problems.append(
                Problem(
                    table.file,
                    table.sheet,
                    number,
                    column,
                    cells.get(column, ""),
                    str(exc),
                    f"ตัวชี้วัดนี้ไม่มีค่าเป้าหมายของปี {year}",
                )
            )
    return problems


def _parent_keys(spec: dict[str, Any]) -> dict[str, str] | None:
    """The code, type, parent and plan columns of a sheet whose rows hang under parents (the plans sheet)."""
    columns = spec["columns"]
    parents = [k for k, c in columns.items() if c["type"] == "parent"]
    types = [k for k, c in columns.items() if c["type"] == "class"]
    codes = [k for k, c in columns.items() if c["type"] == "code"]
    if len(parents) != 2 or not types or not codes:
        return None
    return {"parent": parents[0], "plan": parents[1], "type": types[0], "code": codes[0]}


def _key_column(spec: dict[str, Any]) -> str:
    """The column a problem with a row's entity as a whole is reported at: its key's last column."""
    keys = [k for k in spec["unique"] if k != "iri"]
    if keys:
        return keys[-1]
    return next(k for k, c in spec["columns"].items() if c["type"] == "code")


def _unique_value(value: Any) -> str:
    """A cell's value as compared for duplicates (a referred entity by its IRI)."""
    return str(value["iri"]) if isinstance(value, dict) and "iri" in value else str(value)


def _duplicate(
    table: Table, spec: dict[str, Any], number: int, cells: dict[str, str], first: int, column: str
) -> Problem:
    """A row that repeats an earlier row's key."""
    keys = " + ".join(spec["unique"])
    return Problem(
        table.file,
        table.sheet,
        number,
        column,
        cells.get(column, ""),
        f"duplicate: row {first} has the same {keys}",
        f"ซ้ำกับแถว {first} ({keys} เดียวกัน)",
    )
