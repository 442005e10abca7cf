"""W3C SPARQL 1.1 query evaluation tests through `/sparql` (issue 19), beside pyoxigraph alone.

Every data file of the suite goes through one real `thaiplan build --data` (each file its own named graph,
named by its IRI as the suite names graphs); each test then asks `/sparql` with its graphs as
`default-graph-uri`/`named-graph-uri`, in the format of its expected result, and the answer is compared as
the suite defines (tests/test_sparql_w3c_support.py). pyoxigraph alone runs the same tests on an in-memory
store in the same harness: thaiplan must pass every test it passes. A sample also runs through the remote
backend (Oxigraph's server, queries through the inline rewrite). The pass counts are printed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from tests.test_remote_support import oxigraph_server, remote_config
from tests.test_sparql_support import running_app
from tests.test_sparql_w3c_answers_support import Answer, body_answer, same_answer
from tests.test_sparql_w3c_support import (
    SUITE,
    W3CTest,
    accept_for,
    build_suite_store,
    endpoint_params,
    expected_answer,
    load_tests,
    pyoxigraph_store,
    run_pyoxigraph,
)
from thaiplan.config import Config

# The suite is vendored (tests/data/w3c/): a lost file fails test_the_query_suite_is_all_there_issue19.
TESTS = load_tests()
BY_NAME = {t.name: t for t in TESTS}

# What pyoxigraph 0.5.13 itself answers differently from the suite (it fails these alone, in this harness).
PYOXIGRAPH = {
    "aggregates/agg-groupconcat-04": "GROUP_CONCAT of literals sharing a language tag keeps the tag "
    '("1 2"@en, as SPARQL 1.2 drafts do), so it is not = "1 2"',
    "aggregates/agg-groupconcat-06": "GROUP_CONCAT of literals sharing a language tag keeps the tag",
    "aggregates/agg-empty-group-count-graph": "COUNT inside GRAPH ?g over an empty group yields no ?g row "
    "(the suite expects 0 per graph)",
    "bindings/graph": "GRAPH ?g { VALUES (?g ?t) { (UNDEF …) } }: the UNDEF row does not get ?g bound "
    "by GRAPH",
    "functions/bnode01": "BNODE(str) returns the same blank node for the same string in different solutions",
    "negation/graph-minus": "MINUS with no shared variable inside GRAPH ?g removes every solution",
    "property-path/zero_or_more_set_start": "a zero-length path from a constant on an empty graph yields "
    "nothing (the suite expects the constant)",
    "property-path/zero_or_more_set_end": "a zero-length path to a constant on an empty graph yields nothing",
    "property-path/zero_or_one_set_start": "a zero-length path from a constant on an empty graph yields "
    "nothing",
    "property-path/zero_or_one_set_end": "a zero-length path to a constant on an empty graph yields nothing",
    "csv-tsv-res/csv03": 'an xsd:double written 1.0E6 comes back with the lexical form "1000000"',
    "csv-tsv-res/tsv03": 'an xsd:double written 1.0E6 comes back with the lexical form "1000000"',
}
# Tests run through the remote backend too: one in eight, spread over every folder of the suite.
REMOTE_SAMPLE = [t.name for t in TESTS[::8]]


@pytest.fixture(scope="module")
def suite_store(tmp_path_factory: pytest.TempPathFactory) -> Config:
    """One `thaiplan build --data` holding every data file of the suite, each in its own graph."""
    folder = tmp_path_factory.mktemp("w3c-query")
    config = Config(store_dir=folder / "store", workers=2, query_timeout=20.0)
    build_suite_store(TESTS, folder / "data", config)
    return config


@pytest.fixture(scope="module")
def client(suite_store: Config) -> Iterator[FlaskClient]:
    """A test client of the app serving the suite's store."""
    with running_app(suite_store.store_dir, workers=2) as app:
        yield app.test_client()


@pytest.fixture(scope="module")
def alone() -> ox.Store:
    """pyoxigraph alone, with the same data."""
    return pyoxigraph_store(TESTS)


@pytest.fixture(scope="module")
def outcomes() -> dict[str, bool]:
    """Whether each test passed through `/sparql`, filled by the per-test runs (the summary reuses them)."""
    return {}


def passes_through(client: FlaskClient, test: W3CTest, outcomes: dict[str, bool]) -> bool:
    """Run one test through `/sparql` (once per module) and say whether the answer is the expected one."""
    if test.name not in outcomes:
        try:
            outcomes[test.name] = same_answer(
                expected_answer(test), through_endpoint(client, test), test.ordered
            )
        except AssertionError:
            outcomes[test.name] = False
    return outcomes[test.name]


def through_endpoint(client: FlaskClient, test: W3CTest) -> Answer:
    """Run one test through `/sparql` (POST application/sparql-query, dataset in the URL); read the answer."""
    response = client.post(
        "/sparql",
        query_string=endpoint_params(test),
        data=test.text.encode("utf-8"),
        headers={"Content-Type": "application/sparql-query", "Accept": accept_for(test)},
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return body_answer(response.data, response.content_type)


def passes_alone(store: ox.Store, test: W3CTest) -> bool:
    """True when pyoxigraph alone passes the test."""
    try:
        return same_answer(expected_answer(test), run_pyoxigraph(store, test), test.ordered)
    except (SyntaxError, ValueError, OSError):
        return False


def expected_failures(names: list[str]) -> list[object]:
    """The tests as parameters, each known pyoxigraph failure marked as a strict xfail with its reason."""
    params = []
    for name in names:
        marks = (
            [pytest.mark.xfail(reason=f"pyoxigraph: {PYOXIGRAPH[name]}", strict=True)]
            if name in PYOXIGRAPH
            else []
        )
        params.append(pytest.param(name, id=name, marks=marks))
    return params


@pytest.mark.parametrize("name", expected_failures(list(BY_NAME)))
def test_w3c_query_evaluation_through_the_endpoint_issue19(
    client: FlaskClient, outcomes: dict[str, bool], name: str
) -> None:
    test = BY_NAME[name]
    actual = through_endpoint(client, test)
    outcomes[name] = same_answer(expected_answer(test), actual, test.ordered)
    assert outcomes[name], f"{test.query.name}: {actual}"


def test_w3c_pass_counts_thaiplan_at_least_pyoxigraph_issue19(
    client: FlaskClient,
    alone: ox.Store,
    outcomes: dict[str, bool],
    capsys: pytest.CaptureFixture[str],
    record_property: Callable[[str, object], None],
) -> None:
    alone_passed = {t.name for t in TESTS if passes_alone(alone, t)}
    ours = {t.name for t in TESTS if passes_through(client, t, outcomes)}
    # Printed again at the end of the run beside the suite's counts (tests/conftest.py).
    record_property(
        "W3C SPARQL 1.1 query evaluation, pyoxigraph alone on the same harness",
        f"{len(alone_passed)} of {len(TESTS)} (thaiplan /sparql {len(ours)})",
    )
    with capsys.disabled():
        print(
            f"\nW3C SPARQL 1.1 query evaluation ({len(TESTS)} tests): thaiplan /sparql {len(ours)}, "
            f"pyoxigraph alone {len(alone_passed)}"
        )
    assert alone_passed <= ours, f"pyoxigraph alone passes, thaiplan fails: {sorted(alone_passed - ours)}"
    # The xfail list is exactly what pyoxigraph fails: no test is excused that it passes.
    assert {t.name for t in TESTS} - alone_passed == set(PYOXIGRAPH)


@pytest.fixture(scope="module")
def remote_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    """The app on the remote backend: Oxigraph's server with the sample's data, built by `thaiplan build`."""
    folder: Path = tmp_path_factory.mktemp("w3c-remote")
    server = oxigraph_server(folder / "server")
    server.start()
    try:
        config = remote_config(server, folder, store_read_timeout=20.0)
        build_suite_store([BY_NAME[n] for n in REMOTE_SAMPLE], folder / "data", config)
        with running_app(config.store_dir, store=config.store, store_update=config.store_update,
                         store_gsp=config.store_gsp, workers=1) as app:  # fmt: skip
            yield app.test_client()
    finally:
        server.stop()


@pytest.mark.remote
@pytest.mark.parametrize("name", expected_failures(REMOTE_SAMPLE))
def test_w3c_query_evaluation_on_the_remote_backend_issue19(remote_client: FlaskClient, name: str) -> None:
    test = BY_NAME[name]
    actual = through_endpoint(remote_client, test)
    assert same_answer(expected_answer(test), actual, test.ordered), f"{test.query.name}: {actual}"


def test_the_query_suite_is_all_there_issue19() -> None:
    """The vendored manifests list the 235 query evaluation tests the counts are stated for (README)."""
    assert SUITE.is_relative_to(Path(__file__).resolve().parent / "data" / "w3c")
    assert len(TESTS) >= 235
