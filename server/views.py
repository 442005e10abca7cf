"""Planners' views: the plan tree, trace, agency portfolio, search, gaps and the agencies' index (the
indicator views are in server/indicator_views.py; their URLs are registered here, on this blueprint).

Each view runs the named queries of `queries/` (the same ones `/api/queries` serves) in the worker
processes and arranges their rows for reading; nothing here writes SPARQL.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import unquote_plus

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request, url_for

from thaiplan.queries import registry
from thaiplan.queries.execute import Term
from thaiplan.server import i18n, indicator_views
from thaiplan.server.named import named_rows, named_rows_bound, page_rows
from thaiplan.server.page_cache import cached_page
from thaiplan.server.pagekit import (
    PAGE_ERRORS,
    TP,
    code_key,
    error_page,
    first_per,
    href,
    name_of,
    page,
    query_error_page,
    term_name,
    value,
)
from thaiplan.server.svg import Box, trace_diagram

bp = Blueprint("views", __name__)

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
        "PlanEdition",  # ontology 0.2.0: the revised reform plan is a tp:ReformPlan and a tp:PlanEdition
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
    # For a copy under a second parent: the tree shows the item there too, its subtree once, at `via`.
    shown_elsewhere: bool = False

    @property
    def anchor(self) -> str:
        """An HTML id for the item's main place in a tree (a link target for its other places)."""
        return "n-" + hashlib.sha1(self.iri.encode()).hexdigest()[:12]

    @property
    def name(self) -> str:
        """The label in the interface language."""
        return i18n.label(self.labelTh, self.labelEn) or name_of(self.iri)


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


def build_tree(
    nodes: dict[str, Node], root: str, keep: set[str], edges: list[tuple[str, str]] | None = None
) -> Node | None:
    """The nodes as a tree under `root`: each under its `via` parent with its subtree, and under every
    other parent `edges` give as a copy marked as shown elsewhere (issue 20: never silently once);
    items of other kinds are skipped over, their members lifted to the nearest shown ancestor."""
    for node in nodes.values():
        node.children = []
    parents: dict[str, list[str]] = {}
    for lower, upper in edges or []:
        if lower in nodes and upper in nodes and upper not in parents.setdefault(lower, []):
            parents[lower].append(upper)
    for node in nodes.values():
        if node.iri == root or node.type not in keep:
            continue
        main = _shown_ancestor(nodes, node.via, root, keep)
        if main is not None:
            main.children.append(node)
        others = {}
        for p in parents.get(node.iri, []):
            if (other := _shown_ancestor(nodes, p, root, keep)) is not None and other is not main:
                others[other.iri] = other
        for other in others.values():
            other.children.append(replace(node, children=[], shown_elsewhere=True))
    for node in nodes.values():
        node.children.sort(key=lambda n: (code_key(n.code), n.labelTh, n.iri))
    return nodes.get(root)


def _shown_ancestor(nodes: dict[str, Node], iri: str | None, root: str, keep: set[str]) -> Node | None:
    """The node `iri`, or its nearest ancestor (by `via`) of a kind the tree shows."""
    parent = nodes.get(iri or "")
    seen = set()
    while parent is not None and parent.iri != root and parent.type not in keep and parent.iri not in seen:
        seen.add(parent.iri)
        parent = nodes.get(parent.via or "")
    return parent


def required_page(param: str) -> Response:
    """400 for a view opened without its one required parameter, said in the interface language."""
    message = i18n.t("err_required").format(param=param, what=i18n.t("what_" + param))
    return error_page(400, i18n.t("bad_request"), message)


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
        edges = trace_edges(root)
    except PAGE_ERRORS as exc:
        return query_error_page(exc)
    tree = build_tree(nodes, root, TREE_KINDS, edges)
    return page("home.html", tree=tree, count=len(nodes))


@bp.route("/trace")
@cached_page
def trace() -> Response:
    """What an entity supports (up) and what supports it (down), as a diagram and as tables."""
    entity = entity_param()
    if not entity:
        return required_page("entity")
    try:
        bindings, up_rows = named_rows_bound("trace-up", {"entity": entity})
        iri = bindings["entity"].value
        down_rows = named_rows("trace-down", {"entity": iri})
        edges = trace_edges(iri)
    except PAGE_ERRORS as exc:
        return query_error_page(exc)
    up, down = collect_nodes(up_rows), collect_nodes(down_rows)
    try:
        add_alignment_levels(up, down, up_rows, page_rows("trace-alignments", entity=ox.NamedNode(iri)))
    except PAGE_ERRORS as exc:
        return query_error_page(exc)
    center = up.get(iri) or down.get(iri)
    up_list = sorted((n for n in up.values() if n.iri != iri), key=lambda n: (n.depth, code_key(n.code)))
    down_list = sorted((n for n in down.values() if n.iri != iri), key=lambda n: (n.depth, code_key(n.code)))
    title = f"{i18n.t('diagram')}: {i18n.t('trace_title')} {center.name if center else iri}"
    diagram = trace_diagram(_trace_boxes(center, up_list, down_list), i18n.t("more"), edges, title)
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


def add_alignment_levels(
    up: dict[str, Node], down: dict[str, Node], up_rows: list[dict[str, Term]], found: list[dict[str, Term]]
) -> None:
    """Each trace step's alignment level: up, `via` to node (trace-up's columns); down, node to `via`."""
    levels = {(row["from"].value, row["to"].value): _level(row, "levelTh", "levelEn") for row in found}
    for row in (r for r in up_rows if "level" in r and "via" in r):  # down's: trace-alignments.rq
        levels.setdefault((row["via"].value, row["node"].value), _level(row, "levelLabelTh", "levelLabelEn"))
    for nodes, step in ((up, lambda n: (n.via, n.iri)), (down, lambda n: (n.iri, n.via))):
        for node in nodes.values():
            if node.via and step(node) in levels:
                node.level, node.levelStated = levels[step(node)]


def _level(row: dict[str, Term], th: str, en: str) -> tuple[tuple[str, str], bool]:
    """A step's level names (Thai, English) and whether a document states it, from one row."""
    return (value(row.get(th)), value(row.get(en))), value(row.get("stated")) != "false"


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
    extra = [i18n.label(a["labelTh"], a["labelEn"]) for a in node.agencies]
    kind_name = term_name(node.type)
    return Box(node.iri, node.name, kind_name, href(node.iri), row, parent, kind, extra=extra, code=node.code)


def trace_edges(iri: str) -> list[tuple[str, str]]:
    """Every direct link (lower, upper) of the subgraph an entity's trace covers, both directions."""
    return [(r["from"].value, r["to"].value) for r in page_rows("trace-edges", entity=ox.NamedNode(iri))]


@bp.route("/agency")
@cached_page
def agency() -> Response:
    """Everything an agency leads or shares, grouped by plan, with its parent and sub-organizations."""
    name = request.args.get("agency", "").strip()
    if not name:
        return required_page("agency")
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


# The indicator views live in server/indicator_views.py; their URLs and endpoint names are the blueprint's.
bp.add_url_rule("/indicator", view_func=cached_page(indicator_views.indicator))
bp.add_url_rule("/indicators", view_func=cached_page(indicator_views.indicators))


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
    return page("search.html", q=q, results=once_per_entity(found))


def once_per_entity(found: list[dict[str, Term]]) -> list[dict[str, Term]]:
    """Each entity once, in its first (best-scored) row (issue 20).

    The union default graph repeats a label, code or type stated in two source graphs, so `search`
    answers such an entity once per combination (CR02 16 times for "digital"). A DISTINCT in search.rq
    would say it once for every client, but made Virtuoso 7.2 run past its timeout on two-word queries
    (measured: under 1 s without, over 120 s with, tests/test_remote_search.py), so the page does it.
    """
    return first_per(found, "entity")


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
    "PlanEdition",  # a revised reform plan is an edition too (ontology 0.2.0, issue 15)
}


@bp.route("/agencies")
@cached_page
def agencies() -> Response:
    """The index of agencies: each with its abbreviation and the number of plan items it is named for."""
    try:
        found = first_per(page_rows("agency-index"), "agency")
    except PAGE_ERRORS as exc:
        return query_error_page(exc)
    return page("agencies.html", agencies=found)


def api_page() -> Response:
    """`/api/queries` for a browser (issue 20): the named queries with their parameters, example links,
    a try-it form each and the OpenAPI description; clients asking for JSON still get the JSON list."""
    shown = []
    for q in registry.list_queries():
        if "internal" in q.tags:
            continue
        example = {p.name: p.example for p in q.params if p.required and p.example is not None}
        link = url_for("api.run", name=q.name, **example)
        shown.append({"q": q, "href": link, "text": unquote_plus(link)})
    return page("api.html", queries=shown, formats=API_FORMATS)


API_FORMATS = ("json", "csv", "tsv", "xml")
