"""The named queries rewritten for speed answer as the plain forms did, on data made of edge cases (issue 7).

`tests/data/queries/edge-cases.trig` holds what a faster form could get wrong: an indicator whose plan
comes from the goal that has it, one with a plan of its own besides, one had by a goal in no plan,
targets and observations linked from either side or not typed, a project in two plans, a part written
from its whole, an item in no plan, a blank node. The expected rows are what the plain queries (before
issue 7) answered, checked by hand against the descriptions in the queries' headers.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from thaiplan.queries import registry, trace_index
from thaiplan.queries.execute import rows

from tests.test_queries import build_store

DATA = Path(__file__).parent / "data" / "queries" / "edge-cases.trig"
ID = "https://w3id.org/thaiplan/id/"
TP = "https://w3id.org/thaiplan/ontology#"


@pytest.fixture(scope="module")
def store() -> ox.Store:
    """The edge cases, the ontology and both indexes in an in-memory store."""
    return build_store(DATA)


def gaps(store: ox.Store, **params: str) -> list[tuple[str, str, str, str, str]]:
    """The gaps rows as (plan, gap, item, most specific type, itemPlan), in the query's order."""
    out = []
    for row in rows(registry.run("gaps", params, store)):
        short = {k: v.value.replace(ID, "").replace(TP, "tp:") for k, v in row.items()}
        out.append(
            (short.get("plan", ""), short["gap"], short["item"], short["type"], short.get("itemPlan", ""))
        )
    return out


def test_gaps_of_the_whole_graph_on_edge_cases_issue7(store: ox.Store) -> None:
    assert gaps(store) == [
        ("", "no-observation", "indicator/ind-a", "tp:Indicator", "plan/p1"),  # p1 through its goal
        ("", "no-observation", "indicator/ind-c", "tp:Indicator", "plan/p1"),  # not also "no plan" via g0
        ("", "no-observation", "indicator/ind-e", "tp:Indicator", "plan/p1"),
        ("", "no-observation", "indicator/ind-b", "tp:Indicator", "plan/p2"),  # its own scheme wins
        ("", "no-responsible-agency", "project/x", "tp:FlagshipProject", "plan/p1"),
        ("", "no-responsible-agency", "project/x", "tp:FlagshipProject", "plan/p2"),
        ("", "no-target", "indicator/ind-a", "tp:Indicator", "plan/p1"),
        ("", "no-target", "indicator/ind-c", "tp:Indicator", "plan/p1"),
        ("", "no-target", "indicator/ind-d", "tp:Indicator", "plan/p1"),  # an observation is no target
        ("", "no-target", "indicator/ind-e", "tp:Indicator", "plan/p1"),  # nor is an untyped node
        ("", "no-target", "indicator/ind-b", "tp:Indicator", "plan/p2"),
        ("", "unsupported", "goal/g0", "tp:Goal", ""),  # in no plan
        ("", "unsupported", "tactic/t1", "tp:Tactic", "plan/p1"),  # a part, with nothing under it
        ("", "unsupported", "goal/g2", "tp:Goal", "plan/p2"),
    ]


def test_gaps_of_one_plan_on_edge_cases_issue7(store: ox.Store) -> None:
    whole = gaps(store)
    for plan in ("plan/p1", "plan/p2"):
        # One plan's gaps are exactly the whole graph's rows in that plan, in the same order.
        assert gaps(store, plan=ID + plan) == [(plan, *r[1:]) for r in whole if r[4] == plan]
    assert gaps(store, plan="แผนทดสอบสอง") == gaps(store, plan=ID + "plan/p2")


def short(row: dict[str, ox.NamedNode | ox.BlankNode | ox.Literal], name: str) -> str:
    """One cell of a row, with the id base and tp: shortened; empty when unbound."""
    term = row.get(name)
    return "" if term is None else term.value.replace(ID, "").replace(TP, "tp:")


def test_agency_portfolio_plan_is_the_scheme_else_the_plan_itself_else_none_issue7(store: ox.Store) -> None:
    got = [
        (short(r, "plan"), short(r, "planLabelTh"), short(r, "role"), short(r, "item"))
        for r in rows(registry.run("agency-portfolio", {"agency": ID + "agency/a2"}, store))
    ]
    assert got == [
        # In no plan (an untyped node, a tactic): no plan and no plan label, not some other node's label.
        ("", "", "lead", "edge/untyped"),
        ("", "", "lead", "tactic/t2"),
        ("plan/p2", "แผนทดสอบสอง", "lead", "project/z"),  # one row per plan of a project in two
        ("plan/p2", "แผนทดสอบสอง", "responsible", "plan/p2"),  # a plan in no scheme is its own plan
        ("plan/p1", "แผนทดสอบหนึ่ง", "lead", "project/z"),  # lead, so not also "responsible"
        ("plan/p1", "แผนทดสอบหนึ่ง", "co-responsible", "plan/p3"),  # a plan in a scheme: the scheme
        ("plan/p1", "แผนทดสอบหนึ่ง", "co-responsible", "project/y"),
    ]
    # Responsible for a tactic another agency leads: still "responsible" (and, in no plan, no plan).
    a1 = rows(registry.run("agency-portfolio", {"agency": ID + "agency/a1"}, store))
    assert [(short(r, "plan"), short(r, "role"), short(r, "item")) for r in a1] == [
        ("", "responsible", "tactic/t2"),
        ("plan/p1", "lead", "edge/whole"),
        ("plan/p1", "lead", "project/y"),  # lead, so not also "responsible"
    ]


def series(store: ox.Store, indicator: str) -> list[tuple[str, ...]]:
    """The indicator-series rows as (indicator, year, comparator, target value, text, observed value)."""
    return [
        tuple(
            short(r, n)
            for n in ("ind", "yearBE", "comparator", "targetValue", "targetValueText", "observedValue")
        )
        for r in rows(registry.run("indicator-series", {"indicator": indicator}, store))
    ]


def test_indicator_series_years_of_targets_and_observations_issue7(store: ox.Store) -> None:
    assert series(store, ID + "indicator/ind-g") == [
        ("indicator/ind-g", "2566", "", "", "", "2"),  # a year with no target of its own
        # A target with no year is shown against every observation, in the observation's year; rows
        # that tie on indicator and year come in the order of the other columns.
        ("indicator/ind-g", "2566", "tp:atLeast", "1", "at least one", "2"),
        ("indicator/ind-g", "2566", "tp:atLeast", "1", "อย่างน้อยหนึ่ง", "2"),
        # 2568 is the end year of the 2570 target, so its observation has no row of its own.
        ("indicator/ind-g", "2568", "tp:atLeast", "1", "at least one", "7"),
        ("indicator/ind-g", "2568", "tp:atLeast", "1", "อย่างน้อยหนึ่ง", "7"),
        ("indicator/ind-g", "2570", "tp:atMost", "9", "", ""),  # its year is yearBE, not endYearBE
    ]
    # Links written from the indicator's side count; one written both ways gives its rows once.
    assert series(store, "indicator/ind-f") == [
        ("indicator/ind-f", "2565", "", "", "", "40"),
        ("indicator/ind-f", "2566", "tp:atLeast", "50", "", "60"),
        ("indicator/ind-f", "2568", "tp:atMost", "3", "", ""),
    ]


def test_indicator_series_by_iri_code_and_word_issue7(store: ox.Store) -> None:
    # An indicator without any name is not listed, even by its IRI; an untyped node's link is no target.
    assert series(store, ID + "indicator/ind-h") == []
    assert series(store, ID + "indicator/ind-e") == [("indicator/ind-e", "", "", "", "", "")]
    # A code or a word is looked for inside every name: IC (one row per goal that has it), and the
    # Thai word of two labels.
    assert [r[0] for r in series(store, "IC")] == ["indicator/ind-c", "indicator/ind-c"]
    assert sorted({r[0] for r in series(store, "ความพึงพอใจ")}) == ["indicator/ind-a", "indicator/ind-b"]


def test_trace_relation_from_either_side_of_the_link_issue7() -> None:
    """`relation` is tp:supports for a link stated as supports or supportedBy, else tp:partOf, and an IRI.

    The trace queries ask one EXISTS over `tp:supports|^tp:supportedBy` (Virtuoso 7.2 rejects two EXISTS
    joined by `||` with SQ074) and wrap the IF in IRI() (Virtuoso answers the IF's IRI as a string).
    """
    tp = ox.NamedNode
    whole, a, b, c = (tp(ID + f"edge/trace-{n}") for n in ("whole", "a", "b", "c"))
    store = ox.Store()
    store.extend(
        [
            ox.Quad(a, tp(TP + "supports"), whole),
            ox.Quad(whole, tp(TP + "supportedBy"), b),
            ox.Quad(whole, tp(TP + "hasPart"), c),
        ]
    )
    store.extend(list(trace_index.index_triples(store)))
    down = rows(registry.run("trace-down", {"entity": whole.value}, store))
    assert {(r["node"], r["relation"]) for r in down if r["depth"] == ox.Literal(1)} == {
        (a, tp(TP + "supports")),
        (b, tp(TP + "supports")),
        (c, tp(TP + "partOf")),
    }
    up = rows(registry.run("trace-up", {"entity": b.value}, store))
    assert [(r["node"], r.get("relation")) for r in up] == [(b, None), (whole, tp(TP + "supports"))]
