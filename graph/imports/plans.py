"""The plans sheet's parents (issue 16): a part hangs under a part of the same sheet or of the graph.

A parent cell names `segment/code` (goal/CR02G01), a bare code or an IRI; the sheet is searched first (a new
plan brings its parts in the same file), then the graph. A part's plan is its `plan` cell, else its parent's
plan, up the sheet's chain; a plan row is its own scheme. A target hangs under an indicator.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from rdflib import URIRef

from thaiplan.graph.imports.cells import Problem, Table
from thaiplan.graph.imports.lookup import ID, Memo, part, term


class ParentError(LookupError):
    """A parent or plan cell that names nothing usable (its message in English and Thai)."""

    def __init__(self, en: str, th: str) -> None:
        """The problem in both languages."""
        super().__init__(en)
        self.th = th


def sheet_index(
    rows: list[tuple[int, dict[str, Any]]], code_key: str, type_key: str
) -> dict[str, list[dict[str, Any]]]:
    """The sheet's parts by `segment/code`, by code and by IRI: each its row, IRI and types."""
    index: dict[str, list[dict[str, Any]]] = {}
    for number, values in rows:
        classes, code = values.get(type_key), values.get(code_key)
        if not classes or not code:
            continue
        iri = f"{ID}{classes[0]['segment']}/{code}"
        entry = {"row": number, "iri": URIRef(iri), "classes": classes, "values": values}
        for name in {f"{classes[0]['segment']}/{code}", code, iri}:
            index.setdefault(name, []).append(entry)
    return index


def resolve_parents(
    table: Table,
    rows: list[tuple[int, dict[str, Any]]],
    store: ox.Store,
    memo: Memo,
    keys: dict[str, str],
) -> list[Problem]:
    """Set each row's parent and plan to IRIs (keys: code, type, parent and plan columns); the problems."""
    index = sheet_index(rows, keys["code"], keys["type"])
    problems: list[Problem] = []
    by_row = {number: values for number, values in rows}
    for number, values in rows:
        for role in ("parent", "plan"):
            text = values.get(keys[role])
            if not text:
                values[keys[role]] = None
                continue
            try:
                values[keys[role]] = _find(
                    index, store, memo, keys[role], str(text), values.get(keys["type"]) or [], role
                )
            except ParentError as exc:
                problems.append(
                    Problem(table.file, table.sheet, number, keys[role], str(text), str(exc), exc.th)
                )
                values[keys[role]] = None
    plans = {}
    for number, values in rows:
        try:
            plans[number] = _plan_of(values, index, by_row, store, keys)
        except ParentError as exc:
            problems.append(Problem(table.file, table.sheet, number, keys["parent"], "", str(exc), exc.th))
            plans[number] = None
    for number, values in rows:
        values[keys["plan"]] = plans[number]
    return problems


def _find(
    index: dict[str, list[dict[str, Any]]],
    store: ox.Store,
    memo: Memo,
    column: str,
    text: str,
    classes: list[dict[str, Any]],
    role: str,
) -> URIRef:
    """The part a parent or plan cell names: in this sheet first, then in the graph."""
    from thaiplan.queries.errors import AmbiguousParameter, UnresolvedParameter
    from thaiplan.queries.resolve import resolve

    wanted = classes[0].get("parent_class") if classes and role == "parent" else None
    if role == "plan":
        wanted = "tp:Plan"
    here = list({str(e["iri"]): e for e in index.get(text, [])}.values())  # a repeated row is one part
    if len(here) > 1:
        listed = ", ".join(str(e["iri"]) for e in here)
        raise ParentError(
            f"names {len(here)} parts of this sheet: {listed}", f"ตรงกับหลายรายการในไฟล์นี้: {listed}"
        )
    if here:
        found = here[0]
        if wanted and not any(
            str(term(c["class"])) == str(term(wanted)) or c.get("plan") for c in found["classes"]
        ):
            raise ParentError(f"row {found['row']} is not a {wanted}", f"แถว {found['row']} ไม่ใช่ {wanted}")
        return found["iri"]
    try:
        return URIRef(memo(column, text, lambda: resolve(store, column, text, wanted).value))
    except (UnresolvedParameter, AmbiguousParameter) as exc:
        raise ParentError(f"not in this sheet, and in the graph: {exc}", "ไม่พบในไฟล์นี้หรือในกราฟ") from exc


def _plan_of(
    values: dict[str, Any],
    index: dict[str, list[dict[str, Any]]],
    by_row: dict[int, dict[str, Any]],
    store: ox.Store,
    keys: dict[str, str],
) -> URIRef | None:
    """The plan whose scheme holds the part: none for a plan or a target, else its plan or its parent's."""
    classes = values.get(keys["type"]) or []
    if not classes or any(c.get("plan") for c in classes):
        if classes and values.get(keys["parent"]) is not None:
            raise ParentError("a plan has no parent part: leave parent empty", "แผนไม่มีองค์ประกอบแม่: เว้นว่างไว้")
        return None
    plan = _scheme(values, index, by_row, store, keys, set())
    if plan is None:
        raise ParentError(
            "no plan: give the plan, or a parent that is in a plan",
            "ไม่ทราบแผน: ระบุแผน หรือองค์ประกอบแม่ที่อยู่ในแผน",
        )
    return None if classes[0].get("in_scheme") is False else plan


def _scheme(
    values: dict[str, Any],
    index: dict[str, list[dict[str, Any]]],
    by_row: dict[int, dict[str, Any]],
    store: ox.Store,
    keys: dict[str, str],
    seen: set[str],
) -> URIRef | None:
    """A part's plan: its plan cell, else its parent's (up the sheet; a loop is an error) or the graph's."""
    if isinstance(values.get(keys["plan"]), URIRef):
        return values[keys["plan"]]
    parent = values.get(keys["parent"])
    if parent is None:
        return None
    here = index.get(str(parent), [])
    if not here:
        try:
            return part(store, str(parent))["plan"]
        except LookupError:
            return None
    if str(parent) in seen:
        raise ParentError("the parents form a loop", "องค์ประกอบแม่วนกลับมาที่เดิม")
    entry = here[0]
    if any(c.get("plan") for c in entry["classes"]):
        return entry["iri"]
    return _scheme(by_row[entry["row"]], index, by_row, store, keys, seen | {str(parent)})
