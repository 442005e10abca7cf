"""`/report/<plan-key>` and `/report/<plan-key>.pdf`: a plan's progress report, printable (issue 17).

The report has what planners put in one: the plan's goals and desired outcomes; each indicator with its
targets and results per year and the status colour (as the reform plan's "summary of achievement"
table, read from each target's tp:Assessment since ontology 0.2.0); the activities and projects with their
lead agencies, progress notes, sub-items and their progress reports with the milestones each states (dated
where the source dates them); and footnotes citing the passage each fact was read from, linked to it in
the source reader. Its queries are
`server/sparql/report-*.rq`, run in the workers through the answer cache; the page and the PDF are kept
per store snapshot like every page. The PDF is the same page printed by Chromium (`server/pdf.py`).
The plan key is the plan's IRI after `…/id/plan/` (`reform-plan-cr02`), or after `…/id/` when it has
another path (`synth/plan/ap-d0001`).
"""

from __future__ import annotations

import logging
import re
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, url_for

from thaiplan.graph.text.normalize import SOURCES
from thaiplan.queries.execute import Term
from thaiplan.server import i18n
from thaiplan.server.named import page_rows
from thaiplan.server.page_cache import cached_page
from thaiplan.server.pagekit import PAGE_ERRORS, TP, error_page, query_error_page, value
from thaiplan.server.pdf import PdfUnavailable, html_to_pdf
from thaiplan.server.report_model import (
    COLOURS,
    GOAL_TYPES,
    STATUS_OF_COLOUR,
    WORK_TYPES,
    Indicator,
    collect_indicators,
    collect_items,
    collect_progress,
    date_text,
    figure_text,
    item_order,
    outline,
)

log = logging.getLogger(__name__)
bp = Blueprint("report", __name__)

KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]*(/[A-Za-z0-9][A-Za-z0-9._~-]*)*")
# tp:Milestone is, since ontology 0.2.0, a milestone a progress report states (shown under its activity);
# the NESDP's หมุดหมาย, a goal, is tp:DevelopmentPlanMilestone. A law the plan enacts or amends is the plan's
# tp:LegislativeMeasure (tp:Law in 0.1.0 data).
def plan_iri(key: str) -> str | None:
    """The plan's IRI for a report key, or None when the key cannot name one."""
    if not KEY.fullmatch(key) or ".." in key:
        return None
    base = current_app.config["THAIPLAN"].base_iri
    return base + (key if "/" in key else "plan/" + key)


class Footnotes:
    """The passages behind the report's facts, numbered in the order the report first cites them."""

    def __init__(self, found: list[dict[str, Term]]) -> None:
        """Index the passages of each fact (`report-sources.rq` rows)."""
        self.of: dict[str, list[str]] = {}
        self.passages: dict[str, dict[str, str]] = {}
        self.numbers: dict[str, int] = {}
        for row in sorted(found, key=lambda r: _passage_order(value(r["passage"]))):
            thing, passage = value(row["thing"]), value(row["passage"])
            if passage not in self.of.setdefault(thing, []):
                self.of[thing].append(passage)
            self.passages[passage] = {"quote": value(row.get("quote")), "source": value(row.get("source"))}

    def cite(self, *things: str) -> list[tuple[int, str]]:
        """Footnote numbers (and anchors) for the passages of `things`, numbering new ones."""
        marks = []
        for thing in things:
            for passage in self.of.get(thing, []):
                number = self.numbers.setdefault(passage, len(self.numbers) + 1)
                if (number, f"fn-{number}") not in marks:
                    marks.append((number, f"fn-{number}"))
        return sorted(marks)

    def listed(self) -> list[dict[str, Any]]:
        """The cited passages in number order, with where each one is read."""
        out = []
        for passage, number in sorted(self.numbers.items(), key=lambda kv: kv[1]):
            info = self.passages[passage]
            out.append(
                {"number": number, "passage": passage, **info, **_source_link(passage, info["source"])}
            )
        return out


def _passage_order(iri: str) -> tuple[str, int]:
    """Passages in document order: `…/reform-plan-cr02-9` before `…-10`."""
    stem, _, number = iri.rpartition("-")
    return (stem, int(number)) if number.isdigit() else (iri, 0)


def _source_link(passage: str, source: str) -> dict[str, str]:
    """Where a footnote points: the passage in the source reader, else the passage's own page."""
    base = current_app.config["THAIPLAN"].base_iri
    doc = source.removeprefix(base + "source/")
    key = passage.rsplit("/", 1)[-1]
    if doc in SOURCES:
        href = url_for("reader.source", doc=doc, _external=True) + f"#{key}"
        return {"href": href, "doc": doc}
    path = passage[len(base) :] if passage.startswith(base) else ""
    href = url_for("resources.resource", path=path, _external=True) if path else passage
    return {"href": href, "doc": doc.rsplit("/", 1)[-1]}


def report_context(iri: str) -> dict[str, Any] | None:
    """Everything the report template shows for the plan `iri`, or None when it is not a plan."""
    plan = ox.NamedNode(iri)
    heading = page_rows("report-plan", plan=plan)
    if not heading:
        return None
    items = collect_items(page_rows("report-items", plan=plan), page_rows("report-agencies", plan=plan))
    collect_progress(items, page_rows("report-progress", plan=plan))
    ratings = page_rows("report-assessments", plan=plan)
    indicators = collect_indicators(page_rows("report-figures", plan=plan), ratings)
    by_owner: dict[str, list[Indicator]] = {}
    for ind in indicators:
        by_owner.setdefault(ind.owner, []).append(ind)
    owners = sorted(by_owner, key=lambda o: item_order(items[o]) if o in items else ((), "", o))
    first = next((r for r in heading if value(r.get("type")) != TP + "Plan"), heading[0])  # most specific
    return {
        "iri": iri,
        "plan": first,
        "goals": outline(items, GOAL_TYPES),
        "work": outline(items, WORK_TYPES),
        "owners": [(items.get(o), o, by_owner[o]) for o in owners],
        "notes": Footnotes(page_rows("report-sources", plan=plan)),
        "colours": [(c, STATUS_OF_COLOUR[c]) for c in COLOURS],
        "colours_map": STATUS_OF_COLOUR,
        "figure_text": figure_text,
        "date_text": date_text,

    }


@bp.route("/report/<path:key>")
@cached_page
def report(key: str) -> Response:
    """The progress report of a plan: HTML to read and print, or the PDF when the key ends in `.pdf`."""
    as_pdf = key.endswith(".pdf")
    iri = plan_iri(key.removesuffix(".pdf"))
    if iri is None:
        return error_page(404, i18n.t("not_found"), f"{i18n.t('unknown_plan')} {key!r}")
    try:
        context = report_context(iri)
    except PAGE_ERRORS as exc:
        return query_error_page(exc)
    if context is None:
        return error_page(404, i18n.t("not_found"), f"{i18n.t('unknown_plan')} <{iri}>")
    key = key.removesuffix(".pdf")
    if not as_pdf:
        return Response(
            render_template("report.html", key=key, printing=False, **context), mimetype="text/html"
        )
    html = render_template("report.html", key=key, printing=True, **context)
    try:
        body = html_to_pdf(html)
    except PdfUnavailable as exc:
        log.warning("report PDF of %s: %s", key, exc)
        return error_page(503, i18n.t("unavailable"), str(exc))
    response = Response(body, mimetype="application/pdf")
    filename = f"report-{key.replace('/', '-')}-{i18n.ui_lang()}.pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
