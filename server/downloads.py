"""`format=xlsx` and `format=csv` on the planners' views and on `/api/queries/<name>` (issue 17).

A hook before every request answers `/trace`, `/agency`, `/indicator`, `/gaps`, `/search` and the named
queries when `format` asks for a file, so the views keep only their HTML. The tables are made from the
same named queries the views run, through `server/named.py` (worker processes, the answer cache per
snapshot, the client's query budget), and bad parameters get the views' error pages (the API's JSON
errors on `/api/queries`). Headers are in the interface language, years in its era with the other era
in the next column, IRIs linked to where this server serves them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote, urlencode

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, request

from thaiplan.queries import registry
from thaiplan.queries.errors import AmbiguousParameter, ParameterError, UnknownQuery, UnresolvedParameter
from thaiplan.queries.execute import Term, rows
from thaiplan.server import i18n
from thaiplan.server.i18n import t
from thaiplan.server.named import QueryFailed, named_rows, named_rows_bound, named_select
from thaiplan.server.pagekit import PAGE_ERRORS, error_page, href, query_error_page, term_name, value
from thaiplan.server.tables import Cell, Link, Table, write_csv, write_xlsx

bp = Blueprint("downloads", __name__)

FILE_FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
NUMERIC = {
    "http://www.w3.org/2001/XMLSchema#" + name
    for name in ("integer", "decimal", "int", "long", "short", "nonNegativeInteger", "positiveInteger")
}
FLOATS = {"http://www.w3.org/2001/XMLSchema#double", "http://www.w3.org/2001/XMLSchema#float"}
BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"



def init(state: Any) -> None:
    """Install the hook that answers `format=xlsx|csv` when the blueprint is registered."""
    app: Flask = state.app
    app.before_request(answer_download)


def template_helpers() -> dict[str, Any]:
    """The download links' helper of the pages' templates."""
    return {"download_href": download_href}


bp.record_once(init)


def download_href(fmt: str) -> str:
    """This page's URL asking for the file `fmt` (the page's link)."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "format"]
    return f"{request.script_root}{request.path}?{urlencode([*args, ('format', fmt)])}"


def answer_download() -> Response | None:
    """The file a request asks for with `format=xlsx|csv` on a view or a named query, else None."""
    endpoint = request.endpoint or ""
    fmt = request.args.get("format")
    if endpoint == "api.run" and fmt in FILE_FORMATS:
        return api_download(request.view_args["name"], fmt)  # type: ignore[index]
    builder = VIEWS.get(endpoint)
    if builder is None or fmt is None or fmt == "html":
        return None
    if fmt not in FILE_FORMATS:
        return error_page(400, t("bad_request"), f"parameter 'format': {fmt!r}; use html, xlsx or csv")
    try:
        name, tables = builder()
    except Missing as exc:
        return error_page(400, t("bad_request"), str(exc))
    except PAGE_ERRORS as exc:
        return query_error_page(exc)
    return file_response(name, tables, fmt)


class Missing(ValueError):
    """A required parameter of a view is absent."""


def file_response(name: str, tables: list[Table], fmt: str) -> Response:
    """The tables as an attachment named `<name>-<date>.<fmt>`."""
    body = write_xlsx(tables) if fmt == "xlsx" else write_csv(tables, t("table"))
    response = Response(body, content_type=FILE_FORMATS[fmt])
    response.headers["Content-Disposition"] = disposition(f"{name}-{date.today().isoformat()}.{fmt}")
    response.headers["Cache-Control"] = "no-store"
    return response


def disposition(filename: str) -> str:
    """`attachment` with an ASCII file name and, when it has other letters, the RFC 6266 UTF-8 one."""
    ascii_name = re.sub(r"-{2,}", "-", re.sub(r'[^\x20-\x7e]+|"', "", filename)).replace("-.", ".")
    header = f'attachment; filename="{ascii_name}"'
    if ascii_name != filename:
        header += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return header


def slug(text: str, limit: int = 40) -> str:
    """A file-name part from a code, key or phrase: letters (Thai too), digits, dots; others as '-'."""
    kept = "".join(ch if unicodedata.category(ch)[0] in "LMN" or ch in "._" else "-" for ch in text.strip())
    return re.sub(r"-{2,}", "-", kept).strip("-.")[:limit] or "all"


def key_of(iri: str) -> str:
    """The last segment of an IRI (`activity/BR0203` → `BR0203`)."""
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


# --- cells -------------------------------------------------------------------------------------------


def link(iri: str) -> Link:
    """An IRI cell linked to its page on this server (absolute), or to itself elsewhere."""
    target = href(iri) or iri
    if target.startswith("/"):
        target = request.host_url.rstrip("/") + target
    return Link(iri, target)


def cell(term: Term | None) -> Cell:
    """A term as a typed cell: numbers as numbers, booleans, IRIs as links, other literals as text."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return link(term.value)
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        try:
            if datatype in NUMERIC:
                number = Decimal(term.value)
                whole = "." not in term.value and number == number.to_integral_value()
                return int(number) if whole else number
            if datatype in FLOATS:
                return float(term.value)
        except (InvalidOperation, ValueError):
            return term.value  # an ill-typed literal stays as written
        if datatype == BOOLEAN:
            return term.value in ("true", "1")
    return term.value


def years(be: Term | None) -> list[Cell]:
    """A B.E. year as two number cells, the interface's era first (B.E. in Thai, CE in English)."""
    try:
        year = int(value(be)) if be is not None else None
    except ValueError:
        return [value(be), None]
    if year is None:
        return [None, None]
    pair = [year, year - i18n.BE_OFFSET]
    return pair if i18n.ui_lang() == "th" else pair[::-1]


def year_headers(start: bool = False) -> list[str]:
    """The two year headers, the interface's era first."""
    be, ce = (t("start_be"), t("start_ce")) if start else (t("year_be"), t("year_ce"))
    return [be, ce] if i18n.ui_lang() == "th" else [ce, be]


def name_of(row: dict[str, Term], th: str = "labelTh", en: str = "labelEn") -> str:
    """A row's label in the interface language."""
    return i18n.label(row.get(th), row.get(en), "")


# --- one builder per view: (file name, tables) ----------------------------------------------------------


def required(param: str, what: str) -> str:
    """A view's required parameter, or Missing naming it."""
    given = request.args.get(param, "").strip()
    if not given:
        raise Missing(f"parameter '{param}': required ({what})")
    return given


def trace_tables() -> tuple[str, list[Table]]:
    """`/trace`: what the entity supports and what supports it, one sheet each."""
    from thaiplan.server.views import collect_nodes

    entity = required("entity", "a code, IRI or label")
    bindings, up_rows = named_rows_bound("trace-up", {"entity": entity})
    iri = bindings["entity"].value
    down_rows = named_rows("trace-down", {"entity": iri})
    up, down = collect_nodes(up_rows), collect_nodes(down_rows)
    center = up.get(iri) or down.get(iri)
    known = {**down, **up}
    headers = [
        t("depth"), t("code"), t("name"), t("type"), t("relation"),
        t("via"), t("agencies"), t("iri"),
    ]  # fmt: skip
    tables = []
    for key, nodes in (("up_sheet", up), ("down_sheet", down)):
        listed = sorted((n for n in nodes.values() if n.iri != iri), key=lambda n: (n.depth, n.code, n.iri))
        table = Table(t(key), headers)
        for n in listed:
            via = known.get(n.via or "")
            relation = t("rel_" + n.relation) if n.relation in ("supports", "partOf") else n.relation
            table.rows.append(
                [
                    n.depth,
                    n.code or None,
                    n.name,
                    term_name(n.type),
                    relation,
                    (via.code or via.name) if via else (n.via or None),
                    "; ".join(i18n.label(a["labelTh"], a["labelEn"], a["iri"]) for a in n.agencies) or None,
                    link(n.iri),
                ]
            )
        tables.append(table)
    return f"trace-{slug(center.code if center and center.code else key_of(iri))}", tables


def agency_tables() -> tuple[str, list[Table]]:
    """`/agency`: what the agency leads or shares, by plan."""
    name = required("agency", "an abbreviation, name or IRI")
    bindings, found = named_rows_bound("agency-portfolio", {"agency": name})
    headers = [t("plan"), t("role"), t("code"), t("name"), t("type"), t("iri")]
    table = Table(t("portfolio")[:31], headers)
    for row in found:
        role = value(row.get("role"))
        table.rows.append(
            [
                name_of(row, "planLabelTh", "planLabelEn") or None,
                t("role_" + role) if ("role_" + role) in i18n.STRINGS else role,
                value(row.get("code")) or None,
                name_of(row),
                term_name(row.get("type")),
                cell(row.get("item")),
            ]
        )
    return f"agency-{slug(key_of(bindings['agency'].value))}", [table]


FIGURE_KEYS = ("ind", "yearBE", "startYearBE", "targetValue", "observedValue")


def indicator_tables() -> tuple[str, list[Table]]:
    """`/indicator`: targets against observed values by year, one row per indicator and year."""
    name = required("indicator", "a word of the indicator's name, its code or IRI")
    found = named_rows("indicator-series", {"indicator": name})
    headers = [
        t("indicator"), *year_headers(), *year_headers(start=True), t("comparator"), t("target"),
        t("unit"), t("target_text"), t("observed"), t("unit"), t("status"), t("met"), t("iri"),
    ]  # fmt: skip
    table = Table(t("indicator"), headers)
    seen = set()
    for row in found:
        key = tuple(value(row.get(k)) for k in FIGURE_KEYS)
        if key in seen:  # one row per owner and plan in the query: the figures once
            continue
        seen.add(key)
        met = value(row.get("met"))
        table.rows.append(
            [
                name_of(row, "indLabelTh", "indLabelEn"),
                *years(row.get("yearBE")),
                *years(row.get("startYearBE")),
                term_name(row.get("comparator")) or None,
                cell(row.get("targetValue")),
                term_name(row.get("targetUnit")) or None,
                value(row.get("targetValueText")) or None,
                cell(row.get("observedValue")),
                term_name(row.get("observedUnit")) or None,
                term_name(row.get("status")) or None,
                {"true": t("met_yes"), "false": t("met_no")}.get(met),
                cell(row.get("ind")),
            ]
        )
    inds = {value(r.get("ind")) for r in found}
    part = key_of(next(iter(inds))) if len(inds) == 1 else name
    return f"indicator-{slug(part)}", [table]


def gaps_tables() -> tuple[str, list[Table]]:
    """`/gaps`: the planner's to-do list, one row per gap."""
    plan = request.args.get("plan", "").strip()
    bindings, found = named_rows_bound("gaps", {"plan": plan} if plan else {})
    headers = [t("gap"), t("code"), t("name"), t("type"), t("plan"), t("iri")]
    table = Table(t("gaps"), headers)
    for row in found:
        gap = value(row.get("gap"))
        table.rows.append(
            [
                t("gap_" + gap) if ("gap_" + gap) in i18n.STRINGS else gap,
                value(row.get("code")) or None,
                name_of(row),
                term_name(row.get("type")),
                cell(row.get("itemPlan")),
                cell(row.get("item")),
            ]
        )
    part = f"gaps-{slug(key_of(bindings['plan'].value))}" if "plan" in bindings else "gaps"
    return part, [table]


def search_tables() -> tuple[str, list[Table]]:
    """`/search`: the ranked matches."""
    q = required("q", "words, a code or an abbreviation")
    found = named_rows("search", {"q": q})
    headers = [t("rank"), t("score"), t("code"), t("name"), t("type"), t("match")]
    headers.append(t("iri"))
    table = Table(t("search"), headers)
    for rank, row in enumerate(found, start=1):
        table.rows.append(
            [
                rank,
                cell(row.get("score")),
                value(row.get("code")) or None,
                name_of(row),
                term_name(row.get("type")),
                value(row.get("match")) or None,
                cell(row.get("entity")),
            ]
        )
    return f"search-{slug(q)}", [table]


VIEWS: dict[str, Callable[[], tuple[str, list[Table]]]] = {
    "views.trace": trace_tables,
    "views.agency": agency_tables,
    "views.indicator": indicator_tables,
    "views.gaps": gaps_tables,
    "views.search": search_tables,
}


# --- the named-queries API ------------------------------------------------------------------------------


def api_download(name: str, fmt: str) -> Response:
    """A named query's rows as a file: its variables as headers, typed cells; errors as the API's JSON."""
    from thaiplan.server.api import query_params, requested_page
    from thaiplan.server.errors import json_error as error

    try:
        query = registry.get(name)
    except UnknownQuery as exc:
        return error(404, str(exc), known=[q.name for q in registry.list_queries()])
    params = query_params()
    try:
        # `limit`/`offset` cut the file as they cut the API's answer (a page of a long trace-down).
        page = requested_page(query)
        results = named_select(query.name, params, page)
    except AmbiguousParameter as exc:
        return error(300, str(exc), parameter=exc.param, candidates=exc.candidates)
    except UnresolvedParameter as exc:
        return error(404, str(exc), parameter=exc.param)
    except ParameterError as exc:
        return error(400, str(exc), parameter=exc.param)
    except QueryFailed as exc:
        return error(exc.status, str(exc))
    hidden = set(query.helper_variables())
    variables = [v.value for v in getattr(results, "variables", []) if v.value not in hidden]
    table = Table(name, variables, [[cell(r.get(v)) for v in variables] for r in rows(results)])
    given = [slug(str(v)) for v in params.values() if isinstance(v, str)]
    if page is not None:
        given.append(f"rows-{page.offset + 1}-{page.offset + page.limit}")
    return file_response("-".join([name, *given]), [table], fmt)
