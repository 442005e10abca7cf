"""The page window of issue 18 (queries/paging.py): a sub-select ordered without a LIMIT gets `LIMIT offset +
limit` on a page, and trace-down's pages, so cut, are exactly the whole answer's rows at their offset.

trace-down's first page of a master plan no longer pays the per-item look-ups (type, agencies, the node one
step nearer) for every item below it; its speed is measured in bench/ (bench/results/scale.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import test_pages_support as support
from tests.test_pages_support import ID
from tests.test_synth_support import built_synthetic
from thaiplan.graph.store.local import open_read_only
from thaiplan.queries import paging, registry
from thaiplan.queries.execute import execute

store_dir = support.store_dir

WINDOWED = """SELECT ?x ?label WHERE {
  { SELECT ?x WHERE { ?x ?p ?o } ORDER BY ?x }
  OPTIONAL { ?x <urn:label> ?label }  # ORDER BY ?x } in a comment is not a window
  { SELECT ?y WHERE { ?y ?q ?z } ORDER BY ?y LIMIT 7 }
}
ORDER BY ?x ?label
"""


def answer(store, sparql: str, params: dict[str, str]) -> list[tuple]:
    """trace-down's rows with `params`, each a tuple of its values' N-Triples text (None when unbound)."""
    bound = registry.get("trace-down").bind(params, store)
    return [tuple(str(v) if v is not None else None for v in row) for row in execute(store, sparql, bound)]


def assert_pages_are_the_whole_answer(store, params: dict[str, str], limit: int) -> int:
    """Every page of `limit` rows of trace-down with `params` is the whole answer's slice; the row count."""
    sparql = registry.get("trace-down").sparql
    whole = answer(store, sparql, params)
    for offset in range(0, len(whole) + limit, limit):
        page = answer(store, paging.paged(sparql, paging.Page(limit, offset)), params)
        assert page == whole[offset : offset + limit], (params, offset)
    return len(whole)


def test_the_window_takes_offset_plus_limit_and_the_outer_cut_the_page_issue18() -> None:
    paged = paging.paged(WINDOWED, paging.Page(limit=10, offset=30))
    assert "ORDER BY ?x\n  LIMIT 40\n}" in paged  # the items of the page and those before it
    assert "ORDER BY ?y LIMIT 7 }" in paged  # a sub-select with its own LIMIT is no window
    assert "ORDER BY ?x } in a comment" in paged  # a comment is never read as a modifier
    assert paged.endswith("ORDER BY ?x ?label\nLIMIT 10\nOFFSET 30\n")
    assert paging.paged(WINDOWED, None) == WINDOWED  # the whole answer: the window stays as written


def test_a_query_has_one_page_window_at_most_issue18() -> None:
    two = WINDOWED.replace("ORDER BY ?y LIMIT 7", "ORDER BY ?y")
    with pytest.raises(ValueError, match="one page window"):
        paging.paged(two, paging.Page(5))
    offset = "SELECT ?x WHERE { { SELECT ?x WHERE { ?x ?p ?o } ORDER BY ?x OFFSET 2 } }\nORDER BY ?x\n"
    assert paging.modifiers(offset).window is None


def test_trace_down_has_a_page_window_issue18() -> None:
    sparql = registry.get("trace-down").sparql
    assert paging.modifiers(sparql).window is not None
    assert "?node\n  LIMIT 5\n" in paging.paged(sparql, paging.Page(limit=3, offset=2))


@pytest.mark.parametrize(
    "params",
    [
        {"entity": ID + "plan/national-strategy"},
        {"entity": ID + "plan/national-strategy", "maxDepth": "2"},
        {"entity": "CR02G01"},
        {"entity": "BR0201", "maxDepth": "0"},
    ],
)
def test_trace_down_pages_are_the_whole_answer_on_the_curated_graph_issue18(
    store_dir: Path, params: dict[str, str]
) -> None:
    store = open_read_only(store_dir)
    assert assert_pages_are_the_whole_answer(store, params, limit=4) >= 1


@pytest.fixture(scope="module")
def synthetic_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic store (several master plans, agencies on many items), built once."""
    return built_synthetic(tmp_path_factory, "window-synth", "20k").store_dir


def test_trace_down_pages_are_the_whole_answer_on_a_synthetic_graph_issue18(synthetic_store: Path) -> None:
    store = open_read_only(synthetic_store)
    plans = execute(
        store,
        "PREFIX tp: <https://w3id.org/thaiplan/ontology#>\n"
        "SELECT ?plan WHERE { ?plan a tp:MasterPlan } ORDER BY ?plan LIMIT 3",
    )
    entities = [row["plan"].value for row in plans]
    assert entities
    for entity in entities:
        assert assert_pages_are_the_whole_answer(store, {"entity": entity}, limit=25) > 25
        assert_pages_are_the_whole_answer(store, {"entity": entity, "maxDepth": "1"}, limit=10)
