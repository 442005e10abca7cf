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
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from thaiplan.errors import InputError, ThaiplanError
from thaiplan.graph.build.inputs import check_regular_file, default_data_dir
from thaiplan.graph.imports import parts as parts_module
from thaiplan.graph.imports.cells import Problem, Table, mapping, read_table
from thaiplan.graph.imports.compare import (
    Changes,
    diff,
    diff_part,
    typed_entities,
)
from thaiplan.graph.imports.entities import import_record
from thaiplan.graph.imports.files import import_name, previous, write_atomically
from thaiplan.graph.imports.lookup import (
    ID,
    Memo,
    concepts,
    scratch_store,
)
from thaiplan.graph.imports.parts import Parts, chunks
from thaiplan.graph.imports.quads import ImportGraph
from thaiplan.graph.imports.report import write_report
from thaiplan.graph.imports.rows import Rows
from thaiplan.graph.imports.shapes_check import (
    Curated,
    chunk_problems,
    columns_of,
    curated_graph,
    problem_order,
    shape_problems,
)

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
    parts: Parts
    rows_of: dict[URIRef, int] = field(default_factory=dict)

    @property
    def graph(self) -> ImportGraph:
        """The graph to write: every chunk's triples in one store (read back when first asked for)."""
        return self.parts.graph()

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
    rows = Rows(table, store, opts.kind, _data_dir(opts), name)
    record = ImportGraph()
    rows.record = import_record(record, opts.path, opts.by, name)
    # A dry run writes nothing: it keeps no graph (its compressed chunks took a second per 10,000 rows).
    parts = Parts(keep=not opts.dry_run)
    parts.add(record)
    record.flush()
    own = list(record.store)  # the import's own record, validated beside every chunk of rows
    old = previous(target)
    before = typed_entities(old)
    changes, after, found = Changes(), set(), []
    curated: Curated | None = None
    size = parts_module.CHUNK_ROWS if mapping()["kinds"][opts.kind].get("independent_rows") else None
    # A chunk at a time: converted, kept compressed, compared and validated in a store of its own
    # (graph/imports/parts.py). The shapes and the change list count only while no cell has a problem.
    # Validated on the converting thread: on a thread of its own, beside the next chunk's conversion, the
    # validation's Python reads waited for the GIL, and 20,000 rows took 67 s instead of 52 (issue 16).
    for chunk in chunks(rows.check(), size):
        graph = ImportGraph()
        graph.know_written(record.written_forms())
        mine = rows.build(chunk, graph)
        parts.add(graph)
        if rows.problems:
            continue
        part, typed = diff_part(old, before, graph)
        changes.added.extend(part.added)
        changes.changed.update(part.changed)
        after |= typed
        curated = curated or curated_graph(data_dir, target)
        found.extend(chunk_problems(graph, table, mine, curated, False, own))
        del graph  # its store (rows, curated graph, entailments, focus sets) goes before the next chunk
    problems = rows.problems or sorted(found, key=problem_order)
    if problems:
        changes = Changes()
    else:
        changes.added.sort()
        changes.changed = dict(sorted(changes.changed.items()))
        changes.removed = sorted(before - after)
    changes.restated = len(rows.restated)
    return Checked(opts, target, problems, changes, parts, rows.rows_of())


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
    # Quads of an in-memory pyoxigraph store, not an rdflib Graph: far less memory (graph/imports/quads.py).
    graph = ImportGraph()
    rows = Rows(table, store, opts.kind, _data_dir(opts), name)
    rows.record = import_record(graph, opts.path, opts.by, name)
    rows.build(rows.check(), graph)
    return graph, rows.problems, rows.rows_of(), len(rows.restated)


def _data_dir(opts: Options) -> Path | None:
    """The curated data folder an import reads (None: the shipped one)."""
    return Path(opts.data_dir) if opts.data_dir else None
