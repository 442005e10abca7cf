"""The problems of an import as a file a steward opens: CSV for Excel (UTF-8 with BOM) or an HTML table."""

from __future__ import annotations

from pathlib import Path

from thaiplan.graph.imports.cells import Problem

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
