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
from thaiplan.ontology import ontology_path
from thaiplan.queries import registry, search_index, trace_index
from thaiplan.queries.execute import rows

DATA = Path(__file__).parent / "data" / "queries" / "edge-cases.trig"
ID = "https://w3id.org/thaiplan/id/"
TP = "https://w3id.org/thaiplan/ontology#"


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    store.load(path=str(DATA), format=ox.RdfFormat.TRIG)
    store.load(
        path=str(ontology_path()),
        format=ox.RdfFormat.TURTLE,
        to_graph=ox.NamedNode("https://w3id.org/thaiplan/graph/ontology"),
    )
    store.extend(list(search_index.index_triples(store)))
    store.extend(list(trace_index.index_triples(store)))
    return store


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
