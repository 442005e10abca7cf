"""Validation reports: one model of the results (model.py) and its renderings, one module each.

The model is built from a standard `sh:ValidationReport` graph (pySHACL's, or one read back from
Turtle), so the server can render a stored report as well as a fresh one. Stewards read results grouped
by severity × shape × constraint × path × message, with the focus nodes named by their labels and codes:
text and Turtle (text.py), JSON and CSV (tables.py), HTML (html.py). Split by rendering (issue 19); every
name is importable from here as before.
"""

from __future__ import annotations

from thaiplan.shapes.report.html import link_for, render_html
from thaiplan.shapes.report.model import (
    FORMATS,
    ID_BASE,
    PREFIXES,
    SEVERITIES,
    SEVERITY_NAMES,
    WORDS,
    Group,
    Report,
    Result,
    word,
)
from thaiplan.shapes.report.tables import render_csv, render_json
from thaiplan.shapes.report.text import conformance, render_text, render_turtle

__all__ = [
    "FORMATS",
    "ID_BASE",
    "PREFIXES",
    "SEVERITIES",
    "SEVERITY_NAMES",
    "WORDS",
    "Group",
    "Report",
    "Result",
    "conformance",
    "link_for",
    "render",
    "render_csv",
    "render_html",
    "render_json",
    "render_text",
    "render_turtle",
    "word",
]


def render(report: Report, fmt: str, lang: str = "en", link_base: str | None = "") -> str:
    """Render a report in one of FORMATS."""
    renderers = {
        "text": lambda: render_text(report, lang),
        "turtle": lambda: render_turtle(report),
        "json": lambda: render_json(report, lang),
        "csv": lambda: render_csv(report, lang),
        "html": lambda: render_html(report, lang, link_base),
    }
    return renderers[fmt]()
