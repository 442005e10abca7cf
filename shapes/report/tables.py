"""Reports as tables for programs: JSON (groups and one record per result) and CSV (one row per result)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

from thaiplan.shapes.report.model import SEVERITY_NAMES, Report


def _rows(report: Report, lang: str) -> Iterator[dict[str, str]]:
    """One flat record per result, for JSON and CSV."""
    for group in report.groups(lang):
        for result in group.results:
            yield {
                "severity": SEVERITY_NAMES.get(result.severity, {}).get("en", str(result.severity)),
                "shape": str(result.shape),
                "shapeName": report.shape_name(result.shape, lang),
                "constraint": report.component_name(result.component),
                "path": report.path_text(result.path),
                "focusNode": str(result.focus),
                "code": report.code(result.focus),
                "label": report.label(result.focus, lang),
                "value": "" if result.value is None else str(result.value),
                "message": group.message,
                "location": report.locations.get(result.focus, ""),
            }


def render_json(report: Report, lang: str = "en") -> str:
    """The report as JSON: conformance, counts, groups and one record per result."""
    doc = {
        "conforms": report.conforms,  # SHACL's: false when there is any result, of any severity
        "violations": report.violations,
        "counts": report.counts(),
        "lang": lang,
        "groups": [
            {
                "severity": SEVERITY_NAMES.get(g.severity, {}).get("en", str(g.severity)),
                "shape": str(g.shape),
                "shapeName": report.shape_name(g.shape, lang),
                "constraint": report.component_name(g.component),
                "path": report.path_text(g.path),
                "message": g.message,
                "count": len(g.results),
            }
            for g in report.groups(lang)
        ],
        "results": list(_rows(report, lang)),
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def render_csv(report: Report, lang: str = "en") -> str:
    """One CSV row per result, with a header row."""
    out = io.StringIO()
    fields = [
        "severity",
        "shape",
        "shapeName",
        "constraint",
        "path",
        "focusNode",
        "code",
        "label",
        "value",
        "message",
        "location",
    ]
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in _rows(report, lang):
        writer.writerow(row)
    return out.getvalue()
