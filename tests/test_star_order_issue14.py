"""`SELECT *`'s columns in the query's order (issue 20), decided from the guard's tokens, the reading of the
query the engine runs (issue 14), not from a second scan of the text."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from thaiplan.queries.guard import safety
from thaiplan.server import results

# Each query and the columns it answers with: what a text scan got wrong is read as the engine reads it.
CASES = [
    # No space after SELECT or DISTINCT: still SELECT * (a scan for `SELECT\s+\*` missed it).
    ("SELECT*{ BIND(1 AS ?z) BIND(2 AS ?a) }", ["z", "a"]),
    ("SELECT DISTINCT*{ BIND(1 AS ?z) BIND(2 AS ?a) }", ["z", "a"]),
    # `?a<?b` is less-than, not an IRI hiding ?m from the order (the scan blanked `<?m&&?m>` as one).
    ("SELECT * { BIND(1 AS ?z) FILTER(?z<?m&&?m>?z) BIND(2 AS ?a) BIND(3 AS ?m) }", ["z", "m", "a"]),
    # `$x` and `?x` are one variable; names in comments and strings are no mention.
    ("SELECT * { # ?a first in a comment\n BIND('?a' AS $z) BIND(2 AS ?a) }", ["z", "a"]),
    # Only the first projection counts: an explicit one keeps its own order, whatever a sub-select says.
    ("SELECT ?a ?z { { SELECT * { BIND(1 AS ?z) BIND(2 AS ?a) } } }", ["a", "z"]),
]


@pytest.mark.parametrize(("query", "columns"), CASES)
def test_issue14_select_star_columns_come_from_the_guards_tokens(query: str, columns: list[str]) -> None:
    store = ox.Store()
    checked = safety.check_query(query, set())
    for given in (checked, query):  # the guard's reading (the worker's path), or the text read by it
        body = results.serialize_solutions(store.query(checked.text), "json", 10, query=given)
        assert json.loads(body)["head"]["vars"] == columns


def test_issue14_star_order_is_a_fact_of_the_checked_text() -> None:
    assert safety.read_query("SELECT * { ?b ?a ?b }").star_order == ("b", "a")
    assert safety.read_query("SELECT ?b ?a { ?b ?a ?b }").star_order is None
    assert safety.read_query("ASK { ?b ?a ?b }").star_order is None
    assert results.star_order("SELECT * { ?b") == ("b",)  # tokens read; the engine judges the syntax
    assert results.star_order("SELECT * { '") is None  # unreadable: the engine's error, no order
