"""`/validation`: the SHACL report of the served snapshot, for data stewards (HTML, CSV, JSON, Turtle).

Validation reads the whole graph (a few seconds), so the report is computed once per snapshot, on the
first request after a build, and kept; a new build (a new snapshot id) makes the next request redo it.
"""

from __future__ import annotations

import re
import threading
from html import escape

from flask import Blueprint, Response, current_app, request, url_for
from markupsafe import Markup
from thaiplan.graph.store import snapshot_id
from thaiplan.graph.text import SOURCES
from thaiplan.server import i18n
from thaiplan.server.pagekit import error_page
from thaiplan.shapes.report import render, render_html
from thaiplan.shapes.validate import validate_files

from thaiplan.errors import ThaiplanError

bp = Blueprint("validation", __name__)
DOWNLOADS = {"csv": "text/csv", "json": "application/json", "turtle": "text/turtle"}
_lock = threading.Lock()
_cache: dict[str, object] = {}


def current_report() -> object:
    """The validation report of the current snapshot (computed once per snapshot)."""
    store_dir = current_app.config["THAIPLAN"].store_dir
    sid = snapshot_id(store_dir)
    if sid is None:
        raise ThaiplanError(f"there is no built graph in {store_dir}: run `thaiplan build`")
    with _lock:  # one validation at a time; the others wait for its result
        if sid not in _cache:
            _cache.clear()
            _cache[sid] = validate_files(store_dir=store_dir)
        return _cache[sid]


@bp.route("/validation")
def validation() -> Response:
    """The report as a page (in the interface language) or, with `?format=`, as a download."""
    fmt = request.args.get("format", "html")
    if fmt != "html" and fmt not in DOWNLOADS:
        return error_page(400, i18n.t("bad_request"), f"parameter 'format': use html, {', '.join(DOWNLOADS)}")
    try:
        report = current_report()
    except ThaiplanError as exc:
        return error_page(503, i18n.t("unavailable"), str(exc))
    lang = i18n.ui_lang()
    if fmt != "html":
        body = render(report, fmt, lang)  # type: ignore[arg-type]
        response = Response(body, content_type=f"{DOWNLOADS[fmt]}; charset=utf-8")
        ext = "ttl" if fmt == "turtle" else fmt
        response.headers["Content-Disposition"] = f'attachment; filename="validation.{ext}"'
        return response
    html = reader_links(render_html(report, lang, link_base=request.script_root))  # type: ignore[arg-type]
    # The report is a finished page of its own; the navigation bar goes in as markup, not as escaped text.
    return Response(html.replace("<body>", "<body>" + str(nav_bar()), 1), mimetype="text/html")


def nav_bar() -> Markup:
    """Links back to the pages, the downloads and the language switch, above the report."""
    other = "en" if i18n.ui_lang() == "th" else "th"
    links = [
        (url_for("views.home"), i18n.t("home")),
        (i18n.lang_href(other), i18n.t("switch_lang")),
        *((url_for("validation.validation", format=f), f.upper()) for f in DOWNLOADS),
    ]
    items = " · ".join(f'<a href="{escape(h)}">{escape(t)}</a>' for h, t in links)
    return Markup(f'<nav class="report-nav">{items}</nav>')


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
