"""Issue 13: the guard's lexer reads `<` as pyoxigraph and the SPARQL grammar do, next to comparisons too.

The grammar's IRIREF admits `?`, `&`, `=` and `!`: by longest match `FILTER(?a<?b&&?b>?a)` would hold the
IRI `<?b&&?b>`, but inside an expression, after an operand, no IRI can follow, and pyoxigraph reads the two
comparisons. Each query here is run twice on the same small store: as the user wrote it (pyoxigraph's own
parse) and as the guard's canonical text; the answers (or the refusals) must be the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_sparql_support import make_store, running_app
from thaiplan.errors import InputError
from thaiplan.queries.guard import safety

BASE = "http://localhost/sparql"
P = "urn:p"


@pytest.fixture(scope="module")
def numbers() -> ox.Store:
    """Three subjects with the numbers 1, 2 and 3."""
    store = ox.Store()
    for i in range(1, 4):
        store.add(ox.Quad(ox.NamedNode(f"urn:s{i}"), ox.NamedNode(P), ox.Literal(i)))
    return store


def outcome(store: ox.Store, text: str, base: str | None = None) -> object:
    """What pyoxigraph makes of a query: its sorted rows, its boolean, or "refused"."""
    try:
        result = store.query(text, base_iri=base)
        if isinstance(result, ox.QueryBoolean):
            return bool(result)
        return sorted(tuple(str(term) for term in row) for row in result)
    except (SyntaxError, RuntimeError, ValueError):
        return "refused"


def canonical_outcome(store: ox.Store, text: str) -> object:
    """What pyoxigraph makes of the guard's canonical text of the query ("refused" when the guard refuses)."""
    try:
        checked = safety.read_query(text, BASE)
    except InputError:
        return "refused"
    return outcome(store, checked.text)


PAIRS = f"SELECT ?a ?b WHERE {{ ?x <{P}> ?a . ?y <{P}> ?b FILTER(EXPRESSION) }}"


@pytest.mark.parametrize(
    "expression",
    ["?a<?b&&?b>?a", "?a <?b&&?b> ?a", "?a<=?b&&?b>=?a", "?a<?b||?b>?a", "!(?a<?b)&&?b>?a", f"?a<<{P}>"],
)
def test_comparisons_without_spaces_mean_what_pyoxigraph_reads_issue13(
    numbers: ox.Store, expression: str
) -> None:
    query = PAIRS.replace("EXPRESSION", expression)
    expected = outcome(numbers, query, BASE)
    assert expected != "refused"  # pyoxigraph reads the comparisons (an IRI there would be an error)
    assert canonical_outcome(numbers, query) == expected


def test_the_issues_filter_keeps_the_pairs_it_compares_issue13(numbers: ox.Store) -> None:
    checked = safety.read_query(PAIRS.replace("EXPRESSION", "?a<?b&&?b>?a"), BASE)
    assert "FILTER( ?a < ?b && ?b > ?a )" in checked.text
    assert len(outcome(numbers, checked.text)) == 3  # (1,2) (1,3) (2,3)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?a<?b&&?b>?c }",  # a triple pattern: the predicate is the IRI <?b&&?b>
        "SELECT * WHERE { ?s <urn:p> (1 ?a<?b> 2) }",  # a collection: terms side by side
        "SELECT * WHERE { VALUES (?a ?b) { (1<urn:x>) } }",  # a VALUES row
        "SELECT * WHERE { ?s a (?a<?b>) }",
        "ASK { FILTER(EXISTS { ?a<?b>?c }) }",  # a pattern inside an expression
        "SELECT ?a WHERE { ?s <urn:p> ?a } ORDER BY ?a <urn:f>(?a)",  # ORDER BY's conditions side by side
        "SELECT * WHERE { BIND(<<( ?s <urn:p> ?o )>> AS ?t) }",  # a triple term's parts side by side
    ],
)
def test_iris_right_after_a_term_stay_iris_issue13(numbers: ox.Store, query: str) -> None:
    assert canonical_outcome(numbers, query) == outcome(numbers, query, BASE)


# Operands, operators and the spaces between them for generated expressions around `<`.
OPERANDS = ["?a", "?b", "1", "2", '"x"', f"<{P}>", "(?a)", "STR(?a)", "?a+1", "?b*2", "true", "-?b"]
RELATIONS = ["<", "<", "<=", ">", ">=", "=", "!="]
JOINS = ["&&", "||", "&&", "+"]
GAPS = ["", "", " ", "\n", "#c\n"]


@st.composite
def relation(draw: st.DrawFn) -> str:
    """One comparison (or a lone operand), with or without spaces around its operator."""
    left = draw(st.sampled_from(OPERANDS))
    if not draw(st.integers(0, 4)):
        return left
    gaps = draw(st.lists(st.sampled_from(GAPS), min_size=2, max_size=2))
    return left + gaps[0] + draw(st.sampled_from(RELATIONS)) + gaps[1] + draw(st.sampled_from(OPERANDS))


@st.composite
def comparisons(draw: st.DrawFn) -> str:
    """Comparisons joined by `&&`, `||` (or `+`), with or without spaces: `<`s before `>`s, often."""
    parts = [draw(relation())]
    for _ in range(draw(st.integers(0, 3))):
        parts += [draw(st.sampled_from(GAPS)), draw(st.sampled_from(JOINS)), draw(st.sampled_from(GAPS))]
        parts.append(draw(relation()))
    return "".join(parts)


@st.composite
def placed(draw: st.DrawFn) -> str:
    """A generated expression in FILTER, BIND, the SELECT clause or ORDER BY."""
    expression = draw(comparisons())
    where = f"?x <{P}> ?a . ?y <{P}> ?b"
    return draw(
        st.sampled_from(
            [
                f"SELECT ?a ?b WHERE {{ {where} FILTER({expression}) }}",
                f"SELECT ?a ?b ?c WHERE {{ {where} BIND({expression} AS ?c) }}",
                f"SELECT ?a ?b ({expression} AS ?c) WHERE {{ {where} }}",
                f"SELECT ?a ?b WHERE {{ {where} }} ORDER BY ({expression}) LIMIT 2",
                f"ASK {{ {where} FILTER(EXISTS {{ ?x <{P}> ?a }} && ({expression})) }}",
            ]
        )
    )


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(query=placed())
def test_generated_comparisons_near_less_than_answer_as_pyoxigraph_reads_them_issue13(
    numbers: ox.Store, query: str
) -> None:
    assert canonical_outcome(numbers, query) == outcome(numbers, query, BASE), query


@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(query=placed())
def test_canonical_comparisons_read_back_the_same_issue13(query: str) -> None:
    try:
        first = safety.read_query(query, BASE)
    except InputError:
        return
    assert safety.read_query(first.text).text == first.text


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The app over the test store, with its real query workers."""
    store_dir: Path = make_store(tmp_path_factory.mktemp("lexer") / "store")
    with running_app(store_dir, query_timeout=10.0) as app:
        yield app


def test_the_endpoint_answers_a_filter_without_spaces_issue13(app: Flask) -> None:
    query = "SELECT ?a ?b WHERE { VALUES ?a { 1 2 3 } VALUES ?b { 1 2 3 } FILTER(?a<?b&&?b>?a) }"
    response = app.test_client().get("/sparql", query_string={"query": query})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert len(response.json["results"]["bindings"]) == 3


DEEP = {
    "parentheses": "SELECT (" + "(" * 20_000 + "1" + ")" * 20_000 + " AS ?x) {}",
    "braces": "SELECT * " + "{" * 20_000 + "}" * 20_000,
    "optionals": "SELECT * { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o " * 5_000 + "}" * 5_000 + "}",
    "negations": "SELECT (" + "!" * 50_000 + "true AS ?x) {}",
}


@pytest.mark.parametrize("name", sorted(DEEP))
def test_nesting_that_would_overflow_the_engines_stack_is_a_400_issue13(app: Flask, name: str) -> None:
    """pyoxigraph's parser recurses: these killed a worker each (SIGSEGV, a 503), for 40 KB of text."""
    workers = set(app.extensions["thaiplan_pool"].pids)
    response = app.test_client().post("/sparql", data={"query": DEEP[name]})
    text = response.get_data(as_text=True)
    assert response.status_code == 400, text
    assert "more than 500" in text and "line 1, column" in text
    assert set(app.extensions["thaiplan_pool"].pids) == workers  # no worker died


def test_deep_but_reasonable_nesting_still_runs_issue13(app: Flask) -> None:
    query = "SELECT * WHERE " + "{ { SELECT * WHERE " * 200 + "{ BIND(1 AS ?x) }" + " } }" * 200
    response = app.test_client().post("/sparql", data={"query": query})
    assert response.status_code == 200, response.get_data(as_text=True)
