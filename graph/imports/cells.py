"""Reading a steward's spreadsheet (XLSX with openpyxl, CSV with `csv`) and checking each cell by its type.

Every problem names the file, sheet, row, column key and value, in Thai and English (issue 16). The column
keys, their types and headers come from `graph/imports/mapping.yaml`; nothing here names a column.
"""

from __future__ import annotations

import csv
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from thaiplan.errors import InputError

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# A number as Thai offices write it: thousands separators every three digits, an optional fraction.
_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_URL = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
# A code may hold letters, digits and the marks codes use; no spaces or characters an IRI cannot carry.
_CODE = re.compile(r"^[A-Za-z0-9ก-๙][A-Za-z0-9ก-๙._\-/]*$")


@cache
def mapping() -> dict[str, Any]:
    """The declarative mapping from spreadsheet columns to RDF, `graph/imports/mapping.yaml`."""
    text = files("thaiplan.graph.imports").joinpath("mapping.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


@dataclass
class Problem:
    """One bad cell (or sheet), located as a steward finds it in the spreadsheet."""

    file: str
    sheet: str
    row: int | None
    column: str | None
    value: str
    en: str
    th: str

    def text(self, lang: str) -> str:
        """The problem as one line of text in `lang` (th or en)."""
        where = f"{self.file}: sheet {self.sheet}" if lang == "en" else f"{self.file}: แผ่นงาน {self.sheet}"
        if self.row is not None:
            where += f", row {self.row}" if lang == "en" else f" แถว {self.row}"
        if self.column:
            where += f", column {self.column}" if lang == "en" else f" คอลัมน์ {self.column}"
        if self.value:
            where += f" ({self.value!r})"
        return f"{where}: {self.th if lang == 'th' else self.en}"

    def as_row(self, lang: str) -> list[str]:
        """The problem as a CSV row: file, sheet, row, column, value, message."""
        return [
            self.file,
            self.sheet,
            str(self.row or ""),
            self.column or "",
            self.value,
            self.th if lang == "th" else self.en,
        ]


@dataclass
class Table:
    """The rows of one sheet: each a row number and its cells by column key (text, stripped)."""

    file: str
    sheet: str
    kind: str
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def read_table(path: Path, kind: str) -> Table:
    """The data rows of the sheet for `kind` in an XLSX or CSV file, its header checked by the mapping."""
    spec = mapping()["kinds"][kind]
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        sheet, grid = _xlsx_grid(path, spec["sheet"])
    elif suffix == ".csv":
        sheet, grid = "csv", _csv_grid(path)
    else:
        raise InputError(f"{path}: not a spreadsheet thaiplan reads (.xlsx or .csv)")
    return _table(path.name, sheet, grid, kind)


def _xlsx_grid(path: Path, sheet_name: str) -> tuple[str, list[tuple[int, list[str]]]]:
    """The cells of the kind's sheet (by name; a workbook of one sheet may name it otherwise) as text."""
    from openpyxl.utils.exceptions import InvalidFileException

    # openpyxl reads a read-only workbook lazily, so a truncated or damaged archive can fail while the
    # rows are read as well as when it is opened (issue 16): both are inside the one handler.
    unreadable = (
        InvalidFileException,
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        KeyError,
        ValueError,
        SyntaxError,
    )
    try:
        return _read_sheet(path, sheet_name)
    except unreadable as exc:
        raise InputError(
            f"{path}: not a readable XLSX workbook ({type(exc).__name__}: {exc}) / "
            "ไม่ใช่ไฟล์ XLSX ที่อ่านได้ (ไฟล์อาจเสียหายหรือไม่ครบ)"
        ) from exc


def _read_sheet(path: Path, sheet_name: str) -> tuple[str, list[tuple[int, list[str]]]]:
    """The chosen sheet's rows as text, the workbook closed afterwards."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        names = [n for n in book.sheetnames if n != "README"]
        if sheet_name in book.sheetnames:
            chosen = sheet_name
        elif len(names) == 1:
            chosen = names[0]
        else:
            raise InputError(
                f"{path}: no sheet named {sheet_name!r} (sheets: {', '.join(book.sheetnames)}) / "
                f"ไม่พบแผ่นงานชื่อ {sheet_name!r}"
            )
        grid = []
        for number, values in enumerate(book[chosen].iter_rows(values_only=True), start=1):
            grid.append((number, [_cell_text(v) for v in values]))
        return chosen, grid
    finally:
        book.close()


def _cell_text(value: object) -> str:
    """A cell's value as the text a steward typed (a whole float without `.0`)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_grid(path: Path) -> list[tuple[int, list[str]]]:
    """The cells of a CSV file (UTF-8, with or without Excel's BOM) as text."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            return [(n, [c.strip() for c in row]) for n, row in enumerate(csv.reader(stream), start=1)]
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except csv.Error as exc:
        raise InputError(f"{path}: not a readable CSV file ({exc})") from exc


def _table(name: str, sheet: str, grid: list[tuple[int, list[str]]], kind: str) -> Table:
    """Find the row of column keys in the first rows (a template has headers above it) and keep the rest."""
    columns = mapping()["kinds"][kind]["columns"]
    header = next(
        (i for i, (_, cells) in enumerate(grid[:3]) if any(cells) and all(c in columns for c in cells if c)),
        None,
    )
    if header is None:
        found = ", ".join(c for c in (grid[0][1] if grid else []) if c)
        raise InputError(
            f"{name}: sheet {sheet}: no header row of column keys in rows 1-3 (found: {found or 'nothing'}); "
            f"expected keys such as {', '.join(list(columns)[:4])} / ไม่พบแถวหัวตารางที่เป็นรหัสคอลัมน์"
        )
    number, cells = grid[header]
    missing = [k for k, c in columns.items() if c.get("required") and k not in cells]
    if missing:
        raise InputError(
            f"{name}: sheet {sheet}, row {number}: the header lacks the required column(s) "
            f"{', '.join(missing)} / หัวตารางขาดคอลัมน์ที่จำเป็น {', '.join(missing)}"
        )
    table = Table(name, sheet, kind)
    for row_number, values in grid[header + 1 :]:
        row = {key: values[i] if i < len(values) else "" for i, key in enumerate(cells) if key}
        if any(row.values()):
            table.rows.append((row_number, row))
    return table


def thai_digits(text: str) -> str:
    """Thai digits (๐–๙) as Arabic digits."""
    return text.translate(_THAI_DIGITS)


def parse_decimal(text: str) -> Decimal | None:
    """A number as written in a Thai office's sheet (Thai digits, thousands separators), or None."""
    text = thai_digits(text).replace(" ", "")
    if not _NUMBER.match(text):
        return None
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def check_cell(table: Table, row: int, key: str, value: str) -> tuple[Any, Problem | None]:
    """The cell's value converted by its column's type, or the problem with it."""
    column = mapping()["kinds"][table.kind]["columns"][key]

    def problem(en: str, th: str) -> tuple[None, Problem]:
        return None, Problem(table.file, table.sheet, row, key, value, en, th)

    if not value and column.get("type") == "class" and "default" in column:
        value = column["default"]  # e.g. an agency is a plain tp:Agency unless the row says otherwise
    if not value:
        if column.get("required"):
            return problem("a required cell is empty", "ช่องที่จำเป็นต้องกรอกว่างอยู่")
        return None, None
    if column.get("imported") is False:
        return problem(
            "this column is not imported yet: leave it empty (nothing is dropped silently)",
            "คอลัมน์นี้ยังไม่รองรับการนำเข้า: กรุณาเว้นว่างไว้ (ไม่มีข้อมูลใดถูกทิ้งโดยไม่แจ้ง)",
        )
    kind = column["type"]
    if kind == "decimal":
        number = parse_decimal(value)
        if number is None:
            return problem(
                "not a number (digits, with commas every three digits and a decimal point)",
                "ไม่ใช่ตัวเลข (ตัวเลข คั่นหลักพันด้วยจุลภาค และจุดทศนิยม)",
            )
        return number, None
    if kind == "year-be":
        text = thai_digits(value)
        bounds = mapping()["years_be"]
        if not re.fullmatch(r"\d{4}", text):
            return problem("not a year (four digits, B.E.)", "ไม่ใช่ปี (ตัวเลขสี่หลัก พ.ศ.)")
        year = int(text)
        if bounds["min"] - 543 <= year <= bounds["max"] - 543:
            return problem(
                f"looks like a C.E. year: write the B.E. year ({year + 543})",
                f"ดูเหมือนเป็นปี ค.ศ.: กรุณากรอกปี พ.ศ. ({year + 543})",
            )
        if not bounds["min"] <= year <= bounds["max"]:
            return problem(
                f"B.E. year out of range ({bounds['min']}-{bounds['max']})",
                f"ปี พ.ศ. อยู่นอกช่วง ({bounds['min']}-{bounds['max']})",
            )
        return year, None
    if kind == "code":
        text = thai_digits(value)
        if not _CODE.match(text):
            return problem(
                "not a code (letters, digits, . _ - / only)", "ไม่ใช่รหัส (ตัวอักษร ตัวเลข . _ - / เท่านั้น)"
            )
        return text, None
    if kind == "class":
        return _classes(column["classes"], value, problem)
    if kind == "text-list":
        return [v.strip() for v in value.split(";") if v.strip()], None
    if kind == "url" and not _URL.match(value):
        return problem("not an http(s) URL", "ไม่ใช่ URL แบบ http(s)")
    return value, None


def _classes(
    classes: dict[str, dict[str, Any]], value: str, problem: Any
) -> tuple[list[dict[str, Any]] | None, Problem | None]:
    """The types a `class` cell names (";" between several, the first giving the IRI's segment)."""
    by_key = {name.lower(): (name, spec) for name, spec in classes.items()}
    out = []
    for name in (v.strip() for v in value.split(";") if v.strip()):
        found = by_key.get(name.lower()) or by_key.get(name.lower().rsplit(":", 1)[-1])
        if found is None:
            listed = ", ".join(classes)
            return problem(
                f"not a type of this sheet (one of: {listed})", f"ไม่ใช่ประเภทที่ใช้ได้ (หนึ่งใน: {listed})"
            )
        out.append({"name": found[0], **found[1]})
    return out, None


def missing_companions(table: Table, row: int, cells: dict[str, str]) -> list[Problem]:
    """Filled cells whose companions (the column's `requires`) are empty (a target needs its indicator)."""
    out = []
    for key, column in mapping()["kinds"][table.kind]["columns"].items():
        if not cells.get(key):
            continue
        empty = [k for k in column.get("requires", []) if not cells.get(k)]
        if empty:
            out.append(
                Problem(
                    table.file,
                    table.sheet,
                    row,
                    key,
                    cells[key],
                    f"this cell needs {', '.join(empty)} filled in the same row",
                    f"ช่องนี้ต้องกรอก {', '.join(empty)} ในแถวเดียวกันด้วย",
                )
            )
    return out
