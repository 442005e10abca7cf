"""`thaiplan serve` as a real process (issue 5): SPARQLWrapper as client, clean exits, build on start."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from SPARQLWrapper import JSON, POST, TURTLE, XML, SPARQLWrapper

from tests.test_sparql_support import OPDC, SKOS_PREF, THAI, free_port, make_store

START_TIMEOUT = 90.0
SERVE = [sys.executable, "-m", "thaiplan.cli", "serve"]


def start_server(store_dir: Path, port: int, *extra: str) -> subprocess.Popen[str]:
    """Start `thaiplan serve` on 127.0.0.1:`port` in its own process."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [*SERVE, "--host", "127.0.0.1", "--port", str(port), "--store", str(store_dir), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )


def wait_listening(proc: subprocess.Popen[str], port: int, timeout: float = START_TIMEOUT) -> None:
    """Wait until the server accepts connections (or fail with its output)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(
                f"thaiplan serve exited with {proc.returncode}: {proc.stdout.read() if proc.stdout else ''}"
            )
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail("thaiplan serve did not start listening")


def stop_server(proc: subprocess.Popen[str]) -> str:
    """Stop the server by its PID (SIGTERM) and return its output."""
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
    try:
        out, _ = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out or ""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A running `thaiplan serve` over the test store; yields the endpoint URL."""
    store_dir = make_store(tmp_path_factory.mktemp("serve") / "store")
    port = free_port()
    proc = start_server(store_dir, port, "--workers", "2")
    try:
        wait_listening(proc, port)
        yield f"http://127.0.0.1:{port}/sparql"
    finally:
        out = stop_server(proc)
        assert proc.returncode == 0, out
        assert "Traceback" not in out


def wrapper(endpoint: str, query: str, fmt: str) -> SPARQLWrapper:
    """A SPARQLWrapper client for one query."""
    client = SPARQLWrapper(endpoint, agent="thaiplan-tests")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client


def test_sparqlwrapper_select_json_keeps_thai_issue5(server: str) -> None:
    query = f"SELECT ?label WHERE {{ <{OPDC}> <{SKOS_PREF}> ?label }}"
    for method in ("GET", POST):
        client = wrapper(server, query, JSON)
        client.setMethod(method)
        result = client.query().convert()
        binding = result["results"]["bindings"][0]["label"]
        assert binding == {"type": "literal", "value": THAI, "xml:lang": "th"}


def test_sparqlwrapper_ask_and_xml_issue5(server: str) -> None:
    assert wrapper(server, "ASK { ?s ?p ?o }", JSON).query().convert()["boolean"] is True
    document = wrapper(server, f"SELECT ?o WHERE {{ <{OPDC}> <{SKOS_PREF}> ?o }}", XML).query().convert()
    assert THAI in document.toxml()


def test_sparqlwrapper_construct_turtle_issue5(server: str) -> None:
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ BIND(<{OPDC}> AS ?s) ?s ?p ?o }}"
    data = wrapper(server, query, TURTLE).query().convert()
    graph = rdflib.Graph().parse(data=data, format="turtle")
    assert rdflib.Literal(THAI, lang="th") in set(graph.objects())


def test_sparqlwrapper_sees_a_bad_query_as_an_error_issue5(server: str) -> None:
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    with pytest.raises(QueryBadFormed):
        wrapper(server, "SELECT * WHERE { ?s ?p ", JSON).query()


def test_port_in_use_is_a_clean_error_issue5(tmp_path: Path) -> None:
    store_dir = make_store(tmp_path / "store")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        proc = start_server(store_dir, port)
        out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert "already in use" in out and "--port" in out
    assert "Traceback" not in out


def test_store_that_cannot_be_opened_is_a_clean_error_issue5(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    broken = store_dir / "snapshots" / "broken"
    broken.mkdir(parents=True)
    (broken / "CURRENT").write_text("not a database\n")
    (store_dir / "CURRENT").write_text("broken\n")
    proc = start_server(store_dir, free_port())
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert "cannot be opened" in out
    assert "Traceback" not in out


@pytest.mark.slow  # builds the real graph (a few seconds)
def test_serve_builds_the_store_when_there_is_none_issue5(tmp_path: Path) -> None:
    port = free_port()
    proc = start_server(tmp_path / "fresh-store", port, "--workers", "1")
    try:
        wait_listening(proc, port)
        client = wrapper(f"http://127.0.0.1:{port}/sparql", "ASK { ?plan a ?type }", JSON)
        assert client.query().convert()["boolean"] is True
    finally:
        out = stop_server(proc)
    assert "building it first" in out
    assert (tmp_path / "fresh-store" / "CURRENT").is_file()
    assert "older thaiplan" not in out  # a build names the index format it wrote


def test_serve_warns_about_a_store_built_before_the_index_format_issue7(tmp_path: Path) -> None:
    """A store without the index format (built by an older thaiplan) is served, with advice to rebuild."""
    store_dir = make_store(tmp_path / "old-store")
    port = free_port()
    proc = start_server(store_dir, port, "--workers", "1")
    try:
        wait_listening(proc, port)
    finally:
        out = stop_server(proc)
    assert "was built by an older thaiplan (index format 0, this version reads" in out
    assert "run `thaiplan build`" in out and str(store_dir) in out
