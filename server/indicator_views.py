"""The indicator views: an indicator's targets against observed values by year as charts (`/indicator`),
and the index of indicators by plan (`/indicators`, issue 20). Their URLs are registered by
`server/views.py` on the planners' blueprint, so their endpoints stay `views.indicator`/`views.indicators`.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox
from flask import Response, request

from thaiplan.queries.execute import Term
from thaiplan.server import i18n
from thaiplan.server.named import named_rows, page_rows
from thaiplan.server.pagekit import (
    PAGE_ERRORS,
    TP,
    code_key,
    first_per,
    page,
    query_error_page,
    term_name,
    value,
)
from thaiplan.server.svg import Point, bar, indicator_chart, value_scale


def indicator() -> Response:
    """Targets against observed values by year for the indicators a word or code names, as charts."""
    name = request.args.get("indicator", "").strip()
    if not name:
        return page("indicator.html", name="", indicators=[])
    try:
        found = named_rows("indicator-series", {"indicator": name})
    except PAGE_ERRORS as exc:
        return query_error_page(exc)
    indicators: dict[str, dict[str, Any]] = {}
    for row in found:
        ind = row["ind"].value
        item = indicators.setdefault(
            ind,
            {
                "iri": ind,
                "labelTh": row.get("indLabelTh"),
                "labelEn": row.get("indLabelEn"),
                "rows": [],
                "owners": {},
            },
        )
        if "owner" in row:
            item["owners"][row["owner"].value] = value(row.get("plan"))
        if "yearBE" in row:
            key = (value(row.get("yearBE")), value(row.get("targetValue")), value(row.get("observedValue")))
            if key not in {
                (value(r.get("yearBE")), value(r.get("targetValue")), value(r.get("observedValue")))
                for r in item["rows"]
            }:
                item["rows"].append(row)
    try:
        used_by = {iri for item in indicators.values() for pair in item["owners"].items() for iri in pair}
        names = _names(used_by)
        for item in indicators.values():
            item["breakdowns"] = breakdowns(item["iri"])
    except PAGE_ERRORS as exc:
        return query_error_page(exc)
    for item in indicators.values():
        item["chart"] = _chart(item["rows"])
        item["owners"] = sorted(item["owners"].items())
    plans = {p for item in indicators.values() for _, p in item["owners"] if p}
    return page(
        "indicator.html",
        name=name,
        indicators=list(indicators.values()),
        across_plans=len(plans) > 1,
        names=names,
        target_text=target_text,
        quantity=quantity,
    )


def indicators() -> Response:
    """The index of indicators, by plan: each with its targets and observations counted (issue 20)."""
    try:
        found = first_per(page_rows("indicator-index"), "ind")
    except PAGE_ERRORS as exc:
        return query_error_page(exc)
    plans: dict[str, dict[str, Any]] = {}
    for row in found:
        key = value(row.get("plan"))
        names = {"labelTh": row.get("planLabelTh"), "labelEn": row.get("planLabelEn")}
        plans.setdefault(key, {"plan": key, **names, "items": []})["items"].append(row)
    for group in plans.values():
        group["items"].sort(key=lambda r: (code_key(value(r.get("code"))), value(r.get("labelTh"))))
    return page("indicators.html", plans=list(plans.values()), total=len(found))


def _number(term: Any) -> float | None:
    """A literal's numeric value, None when it is not a number."""
    try:
        return float(Decimal(value(term))) if term is not None else None
    except (InvalidOperation, ValueError):
        return None


def _names(iris: set[str | None]) -> dict[str, dict[str, Term]]:
    """The Thai and English labels and the code of each IRI (the goals and plans that use an indicator)."""
    found = {}
    for iri in sorted(i for i in iris if i):
        rows = page_rows("entity-summary", entity=ox.NamedNode(iri))
        found[iri] = rows[0] if rows else {}
    return found


UNIT_KINDS = {
    TP + "unitPercent": "percent",
    TP + "unitRank": "rank",
    TP + "unitScore": "score",
    TP + "unitCount": "count",
}


def unit_kind(unit: str) -> str:
    """The kind of a unit IRI that decides a chart's axis: percent, rank, score, or empty."""
    return UNIT_KINDS.get(unit, "")


def quantity(number: Any, unit: Any) -> str:
    """A value with its unit as a reader writes it (`ร้อยละ 85`, `85 percent`, `rank 57`)."""
    text = value(number)
    if text.isdigit() and len(text) > 3:  # 8093 reads as 8,093 in both languages
        text = f"{int(text):,}"
    kind = unit_kind(value(unit))
    if kind:
        return i18n.t("qty_" + kind).format(n=text)
    name = term_name(unit) if value(unit) else ""
    return f"{text} {name}".strip()


def target_text(row: dict[str, Term]) -> str:
    """A target as a phrase: the comparator around the value (`within the top 60`), unit included."""
    number = row.get("targetValue")
    if number is None:
        return ""
    comparator = value(row.get("comparator")).rsplit("#", 1)[-1]
    if comparator == "topRank":  # "the top 60" already says it is a rank
        return i18n.t("cmp_topRank").format(n=value(number))
    amount = quantity(number, row.get("targetUnit"))
    key = "cmp_" + comparator
    return i18n.t(key).format(n=amount) if key in i18n.STRINGS else amount


def _chart(found: list[dict[str, Term]]) -> Any:
    """The SVG chart of one indicator's rows (targets and observations with numeric values)."""
    target, observed, years, units = [], [], {}, []
    for row in found:
        be = int(value(row["yearBE"]))
        years[be] = i18n.short_year(be)
        t, o = _number(row.get("targetValue")), _number(row.get("observedValue"))
        units += [value(u) for u in (row.get("targetUnit"), row.get("observedUnit")) if u is not None]
        if t is not None:
            target.append(Point(be, t, f"{i18n.t('target')} {i18n.year(be)}: {target_text(row)}"))
        if o is not None:
            amount = quantity(row.get("observedValue"), row.get("observedUnit") or row.get("targetUnit"))
            observed.append(Point(be, o, f"{i18n.t('observed')} {i18n.year(be)}: {amount}"))
    unit = max(set(units), key=units.count) if units else ""
    kind = unit_kind(unit)
    title = i18n.t("axis_rank") if kind == "rank" else (term_name(unit) if unit else i18n.t("axis_value"))
    return indicator_chart(
        target, observed, years, (i18n.t("target"), i18n.t("observed")), kind=kind, axis_title=title
    )


def breakdowns(ind: str) -> list[dict[str, Any]]:
    """The components of an indicator's observations, grouped by the observation they break down."""
    groups: dict[str, dict[str, Any]] = {}
    for row in first_per(page_rows("indicator-breakdowns", ind=ox.NamedNode(ind)), "part"):
        whole = row["whole"].value
        names = {"labelTh": row.get("wholeLabelTh"), "labelEn": row.get("wholeLabelEn")}
        group = groups.setdefault(whole, {"iri": whole, **names, "parts": []})
        group["parts"].append(row)
    for group in groups.values():
        # One scale per unit: a survey's sample size sits beside the satisfaction shares it splits.
        by_unit: dict[str, list[float]] = {}
        for r in group["parts"]:
            if (n := _number(r.get("value"))) is not None:
                by_unit.setdefault(value(r.get("unit")), []).append(n)
        scales = {u: value_scale(ns, unit_kind(u), "") for u, ns in by_unit.items()}
        for r in group["parts"]:
            n = _number(r.get("value"))
            r["bar"] = bar(n, scales[value(r.get("unit"))]) if n is not None else ""
    return list(groups.values())
