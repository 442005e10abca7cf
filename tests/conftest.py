"""Fixtures shared by the remote-store tests (issue 7): the curated graph built into the embedded store,
and into each real store server (Oxigraph's, Virtuoso), started here and stopped by PID."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.test_remote_support import Server, oxigraph_server, remote_config, virtuoso_server
from thaiplan.config import Config
from thaiplan.graph.build.pipeline import build

SERVERS = {"oxigraph": oxigraph_server, "virtuoso": virtuoso_server}


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Config:
    """The curated graph built into the embedded store."""
    config = Config(store_dir=tmp_path_factory.mktemp("embedded") / "store", workers=1)
    build(config, out=lambda _: None)
    return config


@pytest.fixture(scope="module", params=sorted(SERVERS))
def remote(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A running store server with the curated graph built into it."""
    folder = tmp_path_factory.mktemp(request.param)
    server = SERVERS[request.param](folder / "server")
    server.start()
    try:
        server.config = remote_config(server, folder)
        build(server.config, out=lambda _: None)
        yield server
    finally:
        server.stop()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the pass counts of the W3C conformance suites run in this session (issue 19).

    Beside thaiplan's own counts, what the engines alone pass on the same harness, when a test measured it
    (a `user_properties` entry of its report: pySHACL's is stated in the README, pyoxigraph's measured by
    test_w3c_pass_counts_thaiplan_at_least_pyoxigraph_issue19).
    """
    suites = {
        "test_shacl_w3c.py::test_w3c_shacl_suite": "W3C SHACL test suite (core + SPARQL)",
        "test_sparql_w3c.py::test_w3c_query_evaluation_through_the_endpoint": (
            "W3C SPARQL 1.1 query evaluation through /sparql"
        ),
        "test_sparql_w3c.py::test_w3c_query_evaluation_on_the_remote_backend": (
            "W3C SPARQL 1.1 query evaluation, sample through the remote backend"
        ),
    }
    reports = [r for outcome in terminalreporter.stats.values() for r in outcome if hasattr(r, "nodeid")]
    measured = {
        name: value for r in reports for name, value in getattr(r, "user_properties", ()) if "alone" in name
    }
    for marker, title in suites.items():
        counts = {
            outcome: sum(1 for r in terminalreporter.stats.get(outcome, []) if marker in r.nodeid)
            for outcome in ("passed", "failed", "xfailed", "xpassed")
        }
        total = sum(counts.values())
        if total:
            terminalreporter.write_line(
                f"{title}: {counts['passed']} of {total} passed, {counts['xfailed']} expected failures, "
                f"{counts['failed'] + counts['xpassed']} unexpected"
            )
    for name, value in sorted(measured.items()):
        terminalreporter.write_line(f"{name}: {value}")
