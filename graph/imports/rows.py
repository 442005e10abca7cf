"""The rows of one import turned into RDF (issue 16): every cell checked and resolved, then the entities of
the rows, a chunk at a time (graph/imports/parts.py), with what every chunk shares: the lookups, the keys
seen (duplicate rows), each entity's row and the entities that restate the curated graph.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef

from thaiplan.graph.build.inputs import build_inputs, default_data_dir
from thaiplan.graph.imports.cells import Problem, Table, check_cell, mapping, missing_companions
from thaiplan.graph.imports.compare import against_graph, drop_restated
from thaiplan.graph.imports.entities import Made, row_entities, target_key, target_specs
from thaiplan.graph.imports.lookup import Memo, defined, look_up, superclasses, target_of
from thaiplan.graph.imports.plans import resolve_parents
from thaiplan.graph.imports.quads import ImportGraph

Checked = list[tuple[int, dict[str, str], dict[str, Any], list[Problem]]]


class Rows:
    """The rows of one import turned into RDF, a chunk of them at a time, and what every chunk shares: the
    lookups, the keys seen (duplicates), each entity's row, the entities that restate the graph."""

    def __init__(self, table: Table, store: ox.Store, kind: str, data_dir: Path | None, name: str) -> None:
        """The conversion of `table`'s rows, resolved against `store` (the built graph)."""
        self.table, self.store, self.name = table, store, name
        self.spec = mapping()["kinds"][kind]
        self.memo, self.made = Memo(), Made()
        self.problems: list[Problem] = []
        self.record: dict[str, URIRef] = {}
        # The curated graphs only: the build's derived graphs (indexes, closures) repeat every entity.
        curated = {i.graph for i in build_inputs(data_dir if data_dir != default_data_dir() else None)}
        self.known = {iri: [g for g in graphs if g in curated] for iri, graphs in defined(store).items()}
        self.supers = superclasses(store)
        self.by_row: dict[int, dict[str, Any]] = {}
        self.restated: dict[URIRef, set[tuple[URIRef, Any]]] = {}
        self.seen: dict[tuple[str, ...], int] = {}

    def check(self) -> Checked:
        """Every row's cells checked and resolved (and, on the plans sheet, its parent found)."""
        table, spec, store, memo = self.table, self.spec, self.store, self.memo
        checked: Checked = []
        for number, cells in table.rows:
            values, row_problems = _check_row(table, spec, store, memo, number, cells)
            checked.append((number, cells, values, row_problems))
        parent_keys = _parent_keys(spec)
        if parent_keys:
            good = [(n, v) for n, _, v, p in checked if not p]
            for problem in resolve_parents(table, good, store, memo, parent_keys):
                next(p for n, _, _, p in checked if n == problem.row).append(problem)
        self.by_row = {number: values for number, _, values, _ in checked}
        return checked

    def _problem(self, number: int, cells: dict[str, str], column: str, en: str, th: str) -> Problem:
        """A problem with a row's entity as a whole, at its key's column."""
        return Problem(self.table.file, self.table.sheet, number, column, cells.get(column, ""), en, th)

    def rows_of(self) -> dict[URIRef, int]:
        """Each imported entity's row (the entities that restate the graph left out)."""
        return {iri: row for iri, row in self.made.rows_of.items() if iri not in self.restated}

    def build(self, checked: Checked, graph: ImportGraph) -> set[URIRef]:
        """Add checked rows' entities to `graph` (rows with problems left out) and their problems to the
        import's, and drop what their entities restate of the curated graph; the rows of the entities kept."""
        table, spec, made, seen, problems = self.table, self.spec, self.made, self.seen, self.problems
        restated: dict[URIRef, set[tuple[URIRef, Any]]] = {}
        key_column = _key_column(spec)
        mine: list[URIRef] = []
        for number, cells, values, row_problems in checked:
            unique = tuple(_unique_value(values.get(k)) for k in spec["unique"] if k != "iri")
            if not row_problems and unique and unique in seen:
                row_problems.append(_duplicate(table, spec, number, cells, seen[unique], key_column))
            seen.setdefault(unique, number)
            problems.extend(row_problems)
            if row_problems:
                continue
            entities = row_entities(graph, spec, values, self.record, table, number, made)
            mine.extend(entities)
            earlier = made.earlier
            for iri in entities if "iri" not in spec["unique"] else []:  # there a repeat is a duplicate row
                if iri in earlier and (
                    found := disagree(spec, iri, self.by_row[earlier[iri]], values, table, self.record)
                ):
                    en = f"{iri} is also made by row {earlier[iri]}, with other values ({found})"
                    th = f"{iri} ถูกสร้างจากแถว {earlier[iri]} ด้วยค่าอื่น ({found})"
                    problems.append(
                        Problem(
                            table.file, table.sheet, number, key_column, cells.get(key_column, ""), en, th
                        )
                    )
            if "iri" in spec["unique"] and entities:
                first = (str(entities[0]),)
                if first in seen:
                    problems.append(_duplicate(table, spec, number, cells, seen[first], key_column))
                seen.setdefault(first, number)
            for iri in entities:
                problem = against_graph(iri, graph, self.store, self.known, made, self.supers, restated)
                if problem is not None:
                    en, th = problem
                    problems.append(
                        Problem(
                            table.file, table.sheet, number, key_column, cells.get(key_column, ""), en, th
                        )
                    )
        drop_restated(graph, restated, made.direct)
        self.restated.update(restated)
        # What only a restatement reads (the template's predicates, the labels it made up) is kept for the
        # entities the graph already has: for 100,000 rows it was some 2 million entries.
        known = self.known
        made.generated = {(iri, p) for iri, p in made.generated if str(iri) in known}
        made.direct = {iri: d for iri, d in made.direct.items() if str(iri) in known}
        return {iri: made.rows_of[iri] for iri in mine if iri not in self.restated}


def disagree(
    spec: dict[str, Any], iri: URIRef, first: dict[str, Any], again: dict[str, Any], table: Table, record: Any
) -> str:
    """How two rows that make the same entity (two ratings of one result) disagree on it; empty if not."""
    from thaiplan.graph.imports.compare import entities

    said = []
    for values in (first, again):
        graph = ImportGraph()
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
