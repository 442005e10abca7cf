"""Aggregates precomputed by the build (issue 18): the same numbers as the GROUP BY they replace."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

from tests.test_synth_support import built_synthetic
from thaiplan.graph.build import aggregates
from thaiplan.graph.store.local import open_read_only
from thaiplan.queries import registry
from thaiplan.queries.execute import rows

TP = "https://w3id.org/thaiplan/ontology#"
# The agencies' index as it was before issue 18: the count by a GROUP BY over every item.
OLD_AGENCY_INDEX = """
PREFIX tp:   <https://w3id.org/thaiplan/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX tpi:  <https://w3id.org/thaiplan/index#>
SELECT ?agency ?labelTh ?labelEn ?abbr ?items WHERE {
  {
    SELECT ?agency (COUNT(DISTINCT ?item) AS ?items) WHERE {
      { ?agency a tp:Agency } UNION { ?agency a ?sub . ?sub tpi:subClassOf tp:Agency }
      OPTIONAL { ?item tp:leadAgency|tp:coResponsibleAgency|tp:responsibleAgency ?agency }
    }
    GROUP BY ?agency
  }
  OPTIONAL { ?agency skos:prefLabel ?labelTh . FILTER (LANG(?labelTh) = "th") }
  OPTIONAL { ?agency skos:prefLabel ?labelEn . FILTER (LANG(?labelEn) = "en") }
  OPTIONAL { ?agency skos:altLabel ?abbr . FILTER (STRLEN(?abbr) <= 12) }
}
ORDER BY DESC(?items) ?labelTh ?agency ?abbr
LIMIT 5000
"""
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    """The curated graph and a small synthetic one (with budget allocations), built by `thaiplan build`."""
    return open_read_only(built_synthetic(tmp_path_factory, "aggregates", "30k").store_dir)


def table(results: object) -> list[tuple[str, ...]]:
    """Rows as tuples of their terms' N-Triples forms, in order."""
    return [tuple("" if term is None else str(term) for term in row) for row in results]  # type: ignore[attr-defined]


def agency_index() -> str:
    """The agencies' index query the page runs now."""
    return (ROOT / "server" / "sparql" / "agency-index.rq").read_text(encoding="utf-8")


def test_agency_index_same_rows_as_the_group_by_issue_18(store: ox.Store) -> None:
    """The page's agencies with their counts are the same rows, in the same order, as before."""
    now = table(store.query(agency_index(), use_default_graph_as_union=True))
    before = table(store.query(OLD_AGENCY_INDEX, use_default_graph_as_union=True))
    assert now == before
    assert any(row[-1] != str(ox.Literal(0)) for row in now)  # some agency leads something


def test_budget_roll_up_is_the_sum_of_the_allocations_below_issue_18(store: ox.Store) -> None:
    """A master plan's roll-up per fiscal year is the sum, computed here, of every allocation under it."""
    plan = next(
        iter(
            store.query(
                f"SELECT ?p WHERE {{ ?p a <{TP}MasterPlan> ; ^<{TP}partOf>|<{TP}hasPart> ?x }} LIMIT 1"
            )
        )
    )["p"]
    below = {plan.value}
    # Computed here by a property path, not from the trace index the build's roll-up read.
    steps = f"<{TP}supports>|<{TP}partOf>|^<{TP}supportedBy>|^<{TP}hasPart>"
    reach = f"SELECT DISTINCT ?x ?p WHERE {{ ?x ({steps})+ ?p }}"
    below |= {r["x"].value for r in store.query(reach, substitutions={ox.Variable("p"): plan})}
    sums: dict[str, Decimal] = {}
    for r in store.query(
        f"SELECT ?to ?year ?amount WHERE {{ ?a a <{TP}BudgetAllocation> ; <{TP}allocatedTo> ?to ; "
        f"<{TP}fiscalYear> ?year ; <{TP}amount> ?amount }}"
    ):
        if r["to"].value in below:
            sums[r["year"].value] = sums.get(r["year"].value, Decimal(0)) + Decimal(r["amount"].value)
    answer = rows(registry.run("budget-rollup", {"entity": plan.value}, store))
    assert sums, "the synthetic graph has budget allocations under its master plans"
    assert {r["fiscalYear"].value: Decimal(r["total"].value) for r in answer} == sums


def test_aggregates_are_in_the_trace_index_graph_issue_18(store: ox.Store) -> None:
    """Every aggregate quad is in the trace-index graph (private: /sparql's default graph leaves it out)."""
    graphs = {q.graph_name for q in store.quads_for_pattern(None, aggregates.ITEM_COUNT, None)}
    assert graphs == {ox.NamedNode("https://w3id.org/thaiplan/graph/trace-index")}
    default = store.quads_for_pattern(None, aggregates.BUDGET_TOTAL, None, ox.DefaultGraph())
    assert not list(default)
