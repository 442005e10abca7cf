"""Tables as files: XLSX (openpyxl) and CSV (UTF-8 with BOM, RFC 4180), for planners' downloads (issue 17).

A `Table` holds typed cells: text, numbers (int or Decimal, written as numbers), booleans, `Link`s (an
IRI shown as itself and linked to where it is served) and empty cells. One table is one sheet of the
workbook; the CSV holds them one after the other with a first column naming the table when there are
several. openpyxl rather than XlsxWriter: one library both writes the files here and reads them back in
the tests (and in a curator's script), with hyperlinks, frozen panes and column widths in its API.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter


@dataclass(frozen=True)
class Link:
    """An IRI cell: the IRI as text, `url` where a reader opens it."""

    text: str
    url: str


Cell = str | int | float | Decimal | bool | Link | None


@dataclass
class Table:
    """One table of a download: a title (the sheet's name), header cells, rows of typed cells."""

    title: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)


# Sheet names: at most 31 characters, none of []:*?/\ (Excel refuses them).
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
MAX_WIDTH = 70  # characters: a wider column wraps its text instead
# Text a spreadsheet would run as a formula when it starts a cell (CSV/formula injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def display_width(text: str) -> int:
    """How many character cells a text takes: Thai above and below marks take none."""
    return sum(1 for ch in text if unicodedata.category(ch) not in ("Mn", "Me", "Cf"))


def cell_text(value: Cell) -> str:
    """A cell as CSV text: numbers in plain notation, booleans as true/false, links as the IRI."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Link):
        return value.text
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def sheet_title(title: str, taken: set[str]) -> str:
    """A valid, unique sheet name made from a table's title."""
    base = _SHEET_FORBIDDEN.sub("-", ILLEGAL_CHARACTERS_RE.sub("", title)).strip("'") or "Sheet"
    name, n = base[:31], 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def write_xlsx(tables: list[Table]) -> bytes:
    """A workbook with one sheet per table: bold frozen header, typed cells, hyperlinks, fitted widths."""
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for table in tables:
        sheet = book.create_sheet(sheet_title(table.title, taken))
        widths = [display_width(h) for h in table.headers]
        sheet.append([xml_safe(h) for h in table.headers])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.data_type = "s"
        for r, row in enumerate(table.rows, start=2):
            for c, value in enumerate(row, start=1):
                _put(sheet.cell(row=r, column=c), value)
                widths[c - 1] = max(widths[c - 1], display_width(cell_text(value)))
        sheet.freeze_panes = "A2"
        if table.rows:
            sheet.auto_filter.ref = sheet.dimensions
        for c, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(c)].width = min(max(width, 6), MAX_WIDTH) + 2
    if not tables:
        book.create_sheet("-")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xml_safe(text: str) -> str:
    """Text an XLSX can hold: the control characters XML forbids shown as U+FFFD, not dropped silently."""
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)


def _put(cell: object, value: Cell) -> None:
    """Write one typed value into a worksheet cell (text never becomes a formula)."""
    if isinstance(value, Link):
        cell.value = xml_safe(value.text)  # type: ignore[attr-defined]
        cell.hyperlink = value.url  # type: ignore[attr-defined]
        cell.style = "Hyperlink"  # type: ignore[attr-defined]
    else:
        cell.value = xml_safe(value) if isinstance(value, str) else value  # type: ignore[attr-defined]
    if isinstance(cell.value, str):  # type: ignore[attr-defined]
        cell.data_type = "s"  # type: ignore[attr-defined]  # openpyxl would read "=…" as a formula
        if display_width(cell.value) > MAX_WIDTH:  # type: ignore[attr-defined]
            cell.alignment = Alignment(wrap_text=True, vertical="top")  # type: ignore[attr-defined]


def csv_safe(text: str) -> str:
    """Text that a spreadsheet opening the CSV shows as text, never runs as a formula (OWASP)."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def write_csv(tables: list[Table], table_header: str = "table") -> bytes:
    """The tables as one CSV: UTF-8 with a BOM (Excel then reads Thai right), CRLF, RFC 4180 quoting."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    several = len(tables) > 1
    if tables:
        writer.writerow(([table_header] if several else []) + tables[0].headers)
    for table in tables:
        for row in table.rows:
            cells = [
                cell_text(v) if isinstance(v, int | float | Decimal | bool) else csv_safe(cell_text(v))
                for v in row
            ]
            writer.writerow(([table.title] if several else []) + cells)
    return out.getvalue().encode("utf-8-sig")
