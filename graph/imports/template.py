"""`thaiplan template`: the empty workbook stewards fill in, generated from the mapping and the ontology.

One sheet per kind: a header row in Thai and English, a second row of column keys (what the importer reads),
data validation lists for coded columns (the concepts of the ontology's SKOS schemes), and a README sheet
explaining each column. Nothing here is hand-maintained: change `graph/imports/mapping.yaml` or the ontology.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import openpyxl
import pyoxigraph as ox
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from thaiplan.errors import InputError
from thaiplan.graph.imports.cells import mapping
from thaiplan.ontology import ontology_path

_TYPES_EN = {
    "text": "text",
    "text-list": "texts separated by ;",
    "code": "code (letters, digits, . _ - /)",
    "agency": "an agency: code, IRI, Thai name or abbreviation",
    "plan-parts": "plan-part codes or IRIs, separated by ;",
    "level": "a code of the alignment-level scheme (list)",
    "year-be": "a B.E. year (Thai digits accepted)",
    "decimal": "a number (thousands separators accepted)",
    "progress": "a progress status (list)",
    "unit": "a unit of the unit scheme (list)",
    "comparator": "a target comparator (list)",
    "rating": "a colour status against the target (list)",
    "class": "a type (list; several separated by ;)",
    "parent": "a part of this sheet or of the graph: type/code, code or IRI",
    "indicator": "an indicator of the graph: key, name or IRI",
    "series": "a series of the graph: key or IRI",
    "url": "an http(s) URL",
}


def ontology_store() -> ox.Store:
    """The ontology alone in a store: where the coded columns' concepts are read."""
    store = ox.Store()
    store.bulk_load(path=str(ontology_path()), format=ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph())
    return store


def choices(store: ox.Store, kind: str) -> list[str]:
    """What a coded column's list offers: each concept's notation, else its English label."""
    from thaiplan.graph.imports.importer import concepts

    return [c.get("notation") or c.get("en") or c["iri"].rsplit("#", 1)[-1] for c in concepts(store, kind)]


def write_template(target: Path, kinds: list[str]) -> None:
    """Write the template workbook for `kinds` to `target` (atomically)."""
    save_atomically(workbook(kinds), target)


def workbook(kinds: list[str]) -> openpyxl.Workbook:
    """The template workbook for `kinds`: README, the hidden lists, a sheet per kind (rows from row 3)."""
    store = ontology_store()
    book = openpyxl.Workbook()
    readme = book.active
    readme.title = "README"
    readme.append(["sheet", "column key", "หัวคอลัมน์", "header", "required / จำเป็น", "type", "คำอธิบาย", "help"])
    lists = book.create_sheet("lists")
    lists.sheet_state = "hidden"
    bold = Font(bold=True)
    list_column = 0
    for kind in kinds:
        spec = mapping()["kinds"][kind]
        sheet = book.create_sheet(spec["sheet"])
        keys = list(spec["columns"])
        sheet.append([f"{c['th']} / {c['en']}" for c in spec["columns"].values()])
        sheet.append(keys)
        for cell in sheet[1]:
            cell.font = bold
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
        sheet.freeze_panes = "A3"
        sheet.row_dimensions[2].hidden = True  # the keys the importer reads; the headers above say them
        for index, (key, column) in enumerate(spec["columns"].items(), start=1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = max(14, len(column["en"]) + 4)
            readme.append(
                [
                    spec["sheet"],
                    key,
                    column["th"],
                    column["en"],
                    "yes / ใช่" if column.get("required") else "",
                    _TYPES_EN[column["type"]]
                    + ("; several separated by ;" if column.get("many") else "")
                    + (f"; needs {', '.join(column['requires'])}" if column.get("requires") else ""),
                    column.get("help_th", ""),
                    column.get("help_en", ""),
                ]
            )
            if column["type"] in mapping()["concept_types"] or column["type"] == "class":
                values = (
                    list(column["classes"]) if column["type"] == "class" else choices(store, column["type"])
                )
                list_column += 1
                list_letter = get_column_letter(list_column)
                for row, value in enumerate(values, start=1):
                    lists.cell(row=row, column=list_column, value=value)
                rule = DataValidation(
                    type="list",
                    formula1=f"=lists!${list_letter}$1:${list_letter}${len(values)}",
                    allow_blank=True,
                )
                rule.error = f"{column['en']}: choose from the list / เลือกจากรายการ"
                if column["type"] == "class":
                    rule.errorStyle = "warning"  # several types may be given, separated by ;
                sheet.add_data_validation(rule)
                rule.add(f"{letter}3:{letter}10000")
    for cell in readme[1]:
        cell.font = bold
    for letter, width in zip("ABCDEFGH", (12, 18, 24, 24, 14, 40, 50, 50), strict=True):
        readme.column_dimensions[letter].width = width
    return book


def save_atomically(book: openpyxl.Workbook, target: Path) -> None:
    """Save a workbook through a temporary file and a rename (never a half-written file)."""
    target = Path(target)
    if target.suffix.lower() != ".xlsx":
        raise InputError(f"{target}: the template is an XLSX workbook (name it .xlsx)")
    fd, tmp = tempfile.mkstemp(dir=target.parent if str(target.parent) else ".", prefix=f".{target.name}.")
    os.close(fd)
    try:
        book.save(tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
