"""`/validation`: the SHACL report of the served snapshot, for data stewards (HTML, CSV, JSON, Turtle).

Validation reads the whole graph (a few seconds; ≈ 24 s at a million triples), so the report is computed
once per snapshot, on the first request after a build, and kept in the app (`ReportCache`); a new build (a
new snapshot id) makes the next request redo it. It runs in a query worker (issue 14), on the build the
request reads, whichever backend holds it, under its own time limit (THAIPLAN_VALIDATION_TIMEOUT) and
charged to the client's budget like a query; one validation runs at a time per app, the others wait.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field
from html import escape

from flask import Blueprint, Response, current_app, request
from markupsafe import Markup

from thaiplan.graph.text.normalize import SOURCES
from thaiplan.server import answers, i18n
from thaiplan.server.execution import Reply, ValidationJob
from thaiplan.server.pagekit import error_page, page
from thaiplan.shapes.report import render, render_html

log = logging.getLogger(__name__)
bp = Blueprint("validation", __name__)
DOWNLOADS = {"csv": "text/csv", "json": "application/json", "turtle": "text/turtle"}


class ValidationFailed(Exception):
    """The validation could not run or finish (store missing or down, time limit, busy): an HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class ReportCache:
    """The app's last validation report and the snapshot it is of; its lock lets one validation run."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    snapshot: str | None = None
    report: object = None


def report_cache() -> ReportCache:
    """The app's report cache (one per app, created on first use)."""
    return current_app.extensions.setdefault("thaiplan_validation", ReportCache())


def current_report() -> object:
    """The validation report of the request's snapshot (computed once per snapshot, in a worker)."""
    from thaiplan.server.workers import TimeLimitExceeded, WorkerUnavailable

    build = answers.current_build()  # None: the worker finds out why (never built, damaged, store down)
    cache = report_cache()
    with cache.lock:  # one validation at a time; the others wait for its result
        if build is None or cache.snapshot != build.id:
            timeout = current_app.config["THAIPLAN"].validation_timeout
            try:
                answer = current_app.extensions["thaiplan_pool"].call(ValidationJob(build), timeout=timeout)
            except TimeLimitExceeded as exc:
                raise ValidationFailed(
                    503,
                    f"The validation was stopped: it ran longer than the time limit of {exc.limit:g} s "
                    "(THAIPLAN_VALIDATION_TIMEOUT, which the server's operator may raise).",
                ) from None
            except WorkerUnavailable as exc:
                raise ValidationFailed(exc.status, str(exc)) from None
            if isinstance(answer, Reply):
                raise ValidationFailed(answer.status, answer.body.decode("utf-8", "replace").strip())
            cache.snapshot, cache.report = answer  # type: ignore[misc]
        return cache.report


@bp.route("/validation")
def validation() -> Response:
    """The report as a page (in the interface language) or, with `?format=`, as a download."""
    fmt = request.args.get("format", "html")
    if fmt != "html" and fmt not in DOWNLOADS:
        return error_page(400, i18n.t("bad_request"), f"parameter 'format': use html, {', '.join(DOWNLOADS)}")
    try:
        report = current_report()
    except ValidationFailed as exc:  # no path or URL for the client (issue 13): the worker logged them
        title = i18n.t("unavailable") if exc.status >= 500 else i18n.t("bad_request")
        return error_page(exc.status, title, str(exc))
    lang = i18n.ui_lang()
    if fmt != "html":
        body = render(report, fmt, lang)  # type: ignore[arg-type]
        response = Response(body, content_type=f"{DOWNLOADS[fmt]}; charset=utf-8")
        ext = "ttl" if fmt == "turtle" else fmt
        response.headers["Content-Disposition"] = f'attachment; filename="validation.{ext}"'
        return response
    html = reader_links(render_html(report, lang, link_base=request.script_root))  # type: ignore[arg-type]
    return in_layout(html)


def scoped(css: str) -> str:
    """The report's style with every selector under `.validation-report` (`body` becomes it)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)

    def prefix(match: re.Match[str]) -> str:
        selectors = match.group(1).strip()
        if selectors.startswith("@"):
            return match.group(0)
        parts = [".validation-report" if s.strip() == "body" else ".validation-report " + s.strip()
                 for s in selectors.split(",")]
        return ",".join(parts) + "{"

    return re.sub(r"([^{}]+)\{", prefix, css)


def in_layout(html: str) -> Response:
    """The report (a finished page of its own) inside the app's layout (issue 20): its body as the
    page's content, its style scoped to the report so that it does not restyle the header."""
    style = re.search(r"<style>(.*?)</style>", html, re.S)
    body = re.search(r"<body[^>]*>(.*)</body>", html, re.S)
    css = scoped(style.group(1)) if style else ""
    return page(
        "validation.html",
        report_css=Markup(css),
        report=Markup(body.group(1) if body else html),
        downloads=list(DOWNLOADS),
    )


# A link the report gives a passage (`…/id/passage/<key>`), for the reader link beside it (issue 17).
_PASSAGE_LINK = re.compile(
    r'<a href="(?P<base>[^"]*)/id/passage/(?P<key>[A-Za-z0-9._~-]+)"><code>[^<]*</code></a>'
)


def reader_links(page: str) -> str:
    """The report with each passage it names linked to its place in the source reader as well (#17).

    Passages are named after their document (`reform-plan-cr02-19`), which says which reader to open."""

    def add(match: re.Match[str]) -> str:
        """The passage's link followed by its reader link, when its key names a source document."""
        key = match["key"]
        doc = next((d for d in SOURCES if key.startswith(d + "-")), None)
        if doc is None:
            return match.group(0)
        where = f"{match['base']}/source/{doc}#{key}"
        name = escape(i18n.t("source"))
        return f'{match.group(0)} <a class="reader-link" href="{escape(where, quote=True)}">({name})</a>'

    return _PASSAGE_LINK.sub(add, page)
