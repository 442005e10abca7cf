"""Planners' views: the plan tree, trace, agency portfolio, indicator chart, search and gaps.

Each view runs the named queries of `queries/` (the same ones `/api/queries` serves) in the worker
processes and arranges their rows for reading; nothing here writes SPARQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request, url_for
from thaiplan.queries.execute import Term
from thaiplan.server import i18n
from thaiplan.server.named import named_rows, named_rows_bound, page_rows
from thaiplan.server.page_cache import cached_page
from thaiplan.server.pagekit import (
    PAGE_ERRORS,
    TP,
    error_page,
    href,
    install,
    page,
    query_error_page,
    term_name,
    value,
)
from thaiplan.server.svg import Box, Point, indicator_chart, trace_diagram

bp = Blueprint("views", __name__)
bp.record_once(lambda state: install(state.app))

NATIONAL_STRATEGY = "plan/national-strategy"
# What the home tree shows (the plan parts); other items are reached from their pages.
TREE_KINDS = {
    TP + k
    for k in (
        "Plan",
        "NationalStrategy",
        "MasterPlan",
        "ReformPlan",
        "DevelopmentStrategy",
        "Strategy",
        "Goal",
        "DesiredOutcome",
        "Vision",
        "Tactic",
        "Guideline",
        "ReformActivity",
        "Project",
        "FlagshipProject",
        "NationalDevelopmentPlan",
        "SecurityPolicy",
        "ReformTopic",
        "DevelopmentPlanMilestone",
    )
}
ROLE_ORDER = {"lead": 0, "co-responsible": 1, "responsible": 2}


@dataclass
class Node:
    """One item of a tree or trace, with its responsible agencies collected from several rows."""

    iri: str
    type: str
    code: str
    labelTh: str
    labelEn: str
    depth: int
    via: str | None
    relation: str
    agencies: list[dict[str, str]] = field(default_factory=list)
    # The alignment level of the step to `via` (ontology 0.2.0, issue 15): its name, th and en, and stated.
    level: tuple[str, str] | None = None
    levelStated: bool = True
    children: list[Node] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The label in the interface language."""
        return i18n.label(self.labelTh, self.labelEn, self.iri)


def collect_nodes(found: list[dict[str, Term]]) -> dict[str, Node]:
    """Trace rows (one per node and agency) as one Node per item, agencies merged, in row order."""
    nodes: dict[str, Node] = {}
    for row in found:
        iri = row["node"].value
        node = nodes.get(iri)
        if node is None:
            node = nodes[iri] = Node(
                iri=iri,
                type=value(row.get("type")),
                code=value(row.get("code")),
                labelTh=value(row.get("labelTh")),
                labelEn=value(row.get("labelEn")),
                depth=int(row["depth"].value),
                via=value(row.get("via")) or None,
                relation=value(row.get("relation")).rsplit("#", 1)[-1],
            )
        if "agency" in row and row["agency"].value not in {a["iri"] for a in node.agencies}:
            node.agencies.append(
                {
                    "iri": row["agency"].value,
                    "role": value(row.get("role")),
                    "labelTh": value(row.get("agencyLabelTh")),
                    "labelEn": value(row.get("agencyLabelEn")),
                }
            )
    for node in nodes.values():
        node.agencies.sort(key=lambda a: ROLE_ORDER.get(a["role"], 9))
    return nodes


def build_tree(nodes: dict[str, Node], root: str, keep: set[str]) -> Node | None:
    """The nodes as a tree under `root` by their `via` links, items of other kinds skipped over."""
    for node in nodes.values():
        node.children = []
    for node in nodes.values():
        if node.iri == root or node.type not in keep:
            continue
        parent = nodes.get(node.via or "")
        # Lift an item whose parent is not shown to the nearest shown ancestor.
        while parent is not None and parent.iri != root and parent.type not in keep:
            parent = nodes.get(parent.via or "")
        if parent is not None:
            parent.children.append(node)
    for node in nodes.values():
        node.children.sort(key=lambda n: (_code_key(n.code), n.labelTh, n.iri))
    return nodes.get(root)


def _code_key(code: str) -> tuple[Any, ...]:
    """Codes sorted as people number them: 1.2 before 1.10, numbers before letters."""
    parts = code.replace("-", ".").split(".") if code else ["~"]
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts)


def entity_param() -> str:
    """The `entity` parameter of a view (a code, IRI, label or abbreviation)."""
    return request.args.get("entity", "").strip()


@bp.route("/")
@cached_page
def home() -> Response:
    """The plan hierarchy from the National Strategy down, as a tree of links."""
    root = current_app.config["THAIPLAN"].base_iri + NATIONAL_STRATEGY
    try:
        nodes = collect_nodes(named_rows("trace-down", {"entity": root}))
    except PAGE_ERRORS as exc:
        return query_error_page(exc)
    tree = build_tree(nodes, root, TREE_KINDS)
    return page("home.html", tree=tree, count=len(nodes))


@bp.route("/trace")
@cached_page
def trace() -> Response:
    """What an entity supports (up) and what supports it (down), as a diagram and as tables."""
    entity = entity_param()
    if not entity:
        return error_page(400, i18n.t("bad_request"), "parameter 'entity': required (a code, IRI or label)")
    try:
        bindings, up_rows = named_rows_bound("trace-up", {"entity": entity})
        iri = bindings["entity"].value
        down_rows = named_rows("trace-down", {"entity": iri})
    except PAGE_ERRORS as exc:
        return query_error_page(exc)
    up, down = collect_nodes(up_rows), collect_nodes(down_rows)
    try:
        add_alignment_levels(up, down, page_rows("trace-alignments", entity=ox.NamedNode(iri)))
    except PAGE_ERRORS as exc:
        return query_error_page(exc)
    center = up.get(iri) or down.get(iri)
    up_list = sorted((n for n in up.values() if n.iri != iri), key=lambda n: (n.depth, _code_key(n.code)))
    down_list = sorted((n for n in down.values() if n.iri != iri), key=lambda n: (n.depth, _code_key(n.code)))
    diagram = trace_diagram(_trace_boxes(center, up_list, down_list), i18n.t("more"))
    return page(
        "trace.html",
        iri=iri,
        center=center,
        up=up_list,
        down=down_list,
        diagram=diagram,
        entity=entity,
        known={**down, **up},
    )


def add_alignment_levels(up: dict[str, Node], down: dict[str, Node], found: list[dict[str, Term]]) -> None:
    """Give each trace step its alignment level: up, from `via` to the node; down, from the node to `via`."""
    levels = {
        (row["from"].value, row["to"].value): (
            (value(row.get("levelTh")), value(row.get("levelEn"))),
            value(row.get("stated")) != "false",
        )
        for row in found
    }
    for nodes, step in ((up, lambda n: (n.via, n.iri)), (down, lambda n: (n.iri, n.via))):
        for node in nodes.values():
            if node.via and step(node) in levels:
                node.level, node.levelStated = levels[step(node)]


def _trace_boxes(center: Node | None, up: list[Node], down: list[Node]) -> list[Box]:
    """Boxes of the trace diagram: up items above the entity (row -depth), down items below."""
    boxes = []
    if center is not None:
        boxes.append(_box(center, 0, None, "center"))
    boxes += [_box(n, -n.depth, n.via, "node") for n in up]
    boxes += [_box(n, n.depth, n.via, "node") for n in down]
    return boxes


def _box(node: Node, row: int, parent: str | None, kind: str) -> Box:
    """A diagram box for a node: its type and code above, its name below, its agencies in the tooltip."""
    subtitle = " ".join(x for x in (term_name(node.type), node.code) if x)
    extra = [i18n.label(a["labelTh"], a["labelEn"]) for a in node.agencies]
    return Box(node.iri, node.name, subtitle, href(node.iri), row, parent, kind, extra=extra)


@bp.route("/agency")
@cached_page
def agency() -> Response:
    """Everything an agency leads or shares, grouped by plan, with its parent and sub-organizations."""
    name = request.args.get("agency", "").strip()
    if not name:
        return error_page(
            400, i18n.t("bad_request"), "parameter 'agency': required (an abbreviation, name or IRI)"
        )
    try:
        bindings, found = named_rows_bound("agency-portfolio", {"agency": name})
        node = bindings["agency"]
        summary = page_rows("entity-summary", entity=node)
        orgs = page_rows("agency-organizations", agency=node)
    except PAGE_ERRORS as exc:
        return query_error_page(exc)
    plans: dict[str, dict[str, Any]] = {}
    for row in found:
        key = value(row.get("plan"))
        group = plans.setdefault(
            key,
            {"plan": key, "labelTh": row.get("planLabelTh"), "labelEn": row.get("planLabelEn"), "items": []},
        )
        group["items"].append(row)
    first = summary[0] if summary else {}
    return page(
        "agency.html",
        iri=node.value,
        labelTh=first.get("labelTh"),
        labelEn=first.get("labelEn"),
        plans=list(plans.values()),
        parents=[o for o in orgs if value(o.get("direction")) == "parent"],
        subs=[o for o in orgs if value(o.get("direction")) == "sub"],
    )


def _number(term: Any) -> float | None:
    """A literal's numeric value, None when it is not a number."""
    try:
        return float(Decimal(value(term))) if term is not None else None
    except (InvalidOperation, ValueError):
        return None


@bp.route("/indicator")
@cached_page
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
    )


def _names(iris: set[str | None]) -> dict[str, dict[str, Term]]:
    """The Thai and English labels and the code of each IRI (the goals and plans that use an indicator)."""
    found = {}
    for iri in sorted(i for i in iris if i):
        rows = page_rows("entity-summary", entity=ox.NamedNode(iri))
        found[iri] = rows[0] if rows else {}
    return found


def _chart(found: list[dict[str, Term]]) -> Any:
    """The SVG chart of one indicator's rows (targets and observations with numeric values)."""
    target, observed, years = [], [], {}
    for row in found:
        be = int(value(row["yearBE"]))
        years[be] = i18n.short_year(be)
        t, o = _number(row.get("targetValue")), _number(row.get("observedValue"))
        unit = value(row.get("targetUnit") or row.get("observedUnit"))
        if t is not None:
            target.append(
                Point(be, t, f"{i18n.t('target')} {i18n.year(be)}: {value(row.get('targetValue'))} {unit}")
            )
        if o is not None:
            observed.append(
                Point(
                    be, o, f"{i18n.t('observed')} {i18n.year(be)}: {value(row.get('observedValue'))} {unit}"
                )
            )
    return indicator_chart(target, observed, years, (i18n.t("target"), i18n.t("observed")))


@bp.route("/search")
@cached_page
def search() -> Response:
    """One box, Thai or English: ranked matches from the `search` named query."""
    q = request.args.get("q", "").strip()
    if not q:
        return page("search.html", q="", results=None)
    try:
        found = named_rows("search", {"q": q})
    except PAGE_ERRORS as exc:
        return query_error_page(exc)
    return page("search.html", q=q, results=found)


@bp.route("/gaps")
@cached_page
def gaps() -> Response:
    """The planner's to-do list: what nothing supports, indicators without targets or data, no agency."""
    plan = request.args.get("plan", "").strip()
    try:
        found = named_rows("gaps", {"plan": plan} if plan else {})
        plans = named_rows(
            "trace-down", {"entity": current_app.config["THAIPLAN"].base_iri + NATIONAL_STRATEGY}
        )
    except PAGE_ERRORS as exc:
        return query_error_page(exc)
    groups: dict[str, list[dict[str, Term]]] = {}
    for row in found:
        groups.setdefault(row["gap"].value, []).append(row)
    plan_choices = {
        n.iri: n for n in collect_nodes(plans).values() if n.type.rsplit("#", 1)[-1] in _PLAN_TYPES
    }
    return page(
        "gaps.html",
        groups=groups,
        plan=plan,
        plans=list(plan_choices.values()),
        plan_names=plan_choices,
        total=len(found),
    )


_PLAN_TYPES = {
    "NationalStrategy",
    "MasterPlan",
    "ReformPlan",
    "DevelopmentStrategy",
    "NationalDevelopmentPlan",
    "SecurityPolicy",
    "Plan",
}


def trace_href(iri: str) -> str:
    """The trace view of an entity."""
    return url_for("views.trace", entity=iri)
