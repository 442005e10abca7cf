"""The remote-store backend (issue 7) on real servers: Oxigraph's server and Virtuoso, started here by PID.

The same curated graph is built into the embedded store and into each remote store; the SPARQL endpoint,
the named queries, `thaiplan query` and `thaiplan validate --store` must give the same answers on both.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from flask import Flask

from tests.test_remote_support import Server, SlowProxy, oxigraph_server, remote_config
from thaiplan.cli import main
from thaiplan.config import Config
from thaiplan.graph.build.default_graph import COPY_GRAPH
from thaiplan.graph.build.inputs import build_inputs, default_data_dir
from thaiplan.graph.build.pipeline import _fill, build
from thaiplan.graph.build.trace_index import index_version
from thaiplan.graph.store.backend import open_store, worker_env
from thaiplan.graph.store.client import RemoteClient, RemoteSettings, StoreUnavailable
from thaiplan.graph.store.publish import STAGING_PREFIX, build_remote
from thaiplan.queries import registry, terms
from thaiplan.server.app import create_app

pytestmark = pytest.mark.remote

QUERIES = Path(__file__).parent / "data" / "remote"


@contextlib.contextmanager
def app_for(config: Config) -> Iterator[Flask]:
    """A Flask app on `config` whose query workers stop when the block ends."""
    app = create_app(config)
    app.config["TESTING"] = True
    try:
        yield app
    finally:
        app.extensions["thaiplan_pool"].close()


def solutions(response: Any) -> list[tuple[tuple[str, str], ...]]:
    """SPARQL JSON rows as sorted, comparable tuples (blank node labels left out: they are per answer)."""
    rows = []
    for binding in response.json["results"]["bindings"]:
        row = []
        for name, term in sorted(binding.items()):
            kind = "literal" if term["type"] == "typed-literal" else term["type"]
            value = "_" if kind == "bnode" else term["value"]
            row.append((name, f"{kind}|{value}|{term.get('datatype', '')}|{term.get('xml:lang', '')}"))
        rows.append(tuple(row))
    return sorted(rows)


def rows_of(result: Any) -> list[tuple[str, ...]]:
    """pyoxigraph solutions as sorted tuples of N-Triples terms."""
    names = [v.value for v in result.variables]
    return sorted(tuple(str(row[n]) if row[n] is not None else "" for n in names) for row in result)


def test_sparql_endpoint_answers_the_same_on_both_backends(remote: Server, embedded: Config) -> None:
    """SELECT, ASK, CONSTRUCT, FROM, GRAPH, a join, a path and GROUP BY agree with the embedded store."""
    queries = sorted(QUERIES.glob("*.rq"))
    assert len(queries) >= 6
    # The default graph is the data graphs' set union on both (issue 19: a remote store gets the build's
    # copy as a named graph, tests/test_default_graph_issue19.py), so the counts agree too.
    with app_for(embedded) as local, app_for(remote.config) as far:
        for path in queries:
            text = path.read_text(encoding="utf-8")
            want = local.test_client().get("/sparql", query_string={"query": text}, headers={"Accept": "*/*"})
            got = far.test_client().get("/sparql", query_string={"query": text}, headers={"Accept": "*/*"})
            assert want.status_code == 200, (path.name, want.get_data(as_text=True))
            assert got.status_code == 200, (path.name, got.get_data(as_text=True))
            if want.mimetype == "application/sparql-results+json" and "boolean" not in want.json:
                assert sorted(set(solutions(got))) == solutions(want), path.name
                assert solutions(want), f"{path.name} should return rows"
            elif want.mimetype == "application/sparql-results+json":
                assert got.json["boolean"] == want.json["boolean"], path.name
            else:
                mine = ox.Dataset(ox.parse(want.data, format=ox.RdfFormat.TURTLE))
                theirs = ox.Dataset(ox.parse(got.data, format=ox.RdfFormat.TURTLE))
                assert len(theirs) == len(mine) > 0, path.name


def test_named_queries_answer_the_same_on_both_backends(remote: Server, embedded: Config) -> None:
    """Every named query with its example parameters: terms written in place remotely, substitutions locally.

    Virtuoso 7.2 answered agency-portfolio, gaps and indicator-series wrongly until issue 7's session 3
    (see CHANGELOG); every named query now answers the same on both servers.
    """
    queries = registry.list_queries()
    assert {"trace-up", "trace-down", "search"} <= {q.name for q in queries}
    local, far = open_store(embedded), open_store(remote.config)
    assert index_version(far) == index_version(local) == terms.INDEX_FORMAT  # what `serve` checks
    for query in queries:
        params = {p.name: p.example for p in query.params if p.example is not None}
        want = rows_of(registry.run(query.name, params, local))
        got = rows_of(registry.run(query.name, params, far))
        assert got == want, query.name
    with app_for(remote.config) as far_app, app_for(embedded) as local_app:
        for query in queries:
            params = {p.name: str(p.example) for p in query.params if p.example is not None}
            want = local_app.test_client().get(f"/api/queries/{query.name}", query_string=params)
            got = far_app.test_client().get(f"/api/queries/{query.name}", query_string=params)
            assert got.status_code == want.status_code == 200, (query.name, got.get_data(as_text=True))
            assert answer_of(got.get_json()) == answer_of(want.get_json()), query.name


def test_named_query_pages_on_a_remote_store_make_the_whole_answer_issue18(remote: Server) -> None:
    """Each named query's example answer, paged 2 rows at a time on the remote store (the page's LIMIT and
    OFFSET after the terms written in place): the pages hold the whole answer's rows, none twice.

    Pages follow each server's own ORDER BY; Virtuoso breaks some ties and orders some terms otherwise
    than pyoxigraph, so a page is compared with its own server's whole answer, not with the embedded one's.
    """
    with app_for(remote.config) as far_app:
        client = far_app.test_client()
        for query in registry.list_queries():
            params = {p.name: str(p.example) for p in query.params if p.example is not None}
            whole = client.get(f"/api/queries/{query.name}", query_string=params)
            assert whole.status_code == 200, (query.name, whole.get_data(as_text=True))
            head, rows = answer_of(whole.get_json())
            found: list[str] = []
            for offset in range(0, len(rows) + 2, 2):
                page = client.get(
                    f"/api/queries/{query.name}", query_string={**params, "limit": "2", "offset": str(offset)}
                )
                assert page.status_code == 200, (query.name, page.get_data(as_text=True))
                page_head, page_rows = answer_of(page.get_json())
                assert page_head == head and len(page_rows) <= 2, query.name
                found += page_rows
            assert sorted(found) == rows, query.name


def answer_of(doc: dict[str, Any]) -> tuple[Any, list[str]]:
    """A SPARQL JSON answer as its head and its rows in a canonical order.

    Rows that tie under a query's ORDER BY (indicator-series orders by indicator and year, not by owner)
    may come in any order: the embedded store binds with substitutions, the remote one gets the terms
    written into the text, and the two plans need not break ties alike.
    """
    rows = [json.dumps(row, sort_keys=True, ensure_ascii=False) for row in doc["results"]["bindings"]]
    return doc["head"], sorted(rows)


def test_query_command_on_a_remote_store(
    remote: Server, embedded: Config, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`thaiplan query --store URL` prints what it prints for the embedded store."""
    for name, value in worker_env(remote.config).items():
        if name.startswith("THAIPLAN_STORE"):
            monkeypatch.setenv(name, value)
    query = str(QUERIES / "02-labels.rq")
    assert main(["query", "--store", str(embedded.store_dir), query]) == 0
    want = capsys.readouterr().out
    assert main(["query", "--store", remote.config.store, query]) == 0
    assert capsys.readouterr().out == want
    assert main(["query", query]) == 0  # THAIPLAN_STORE alone selects the remote store
    assert capsys.readouterr().out == want


def test_validate_on_a_remote_store(
    remote: Server, embedded: Config, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`thaiplan validate --store URL` reads the graphs from the remote store: the same report."""
    for name, value in worker_env(remote.config).items():
        if name.startswith("THAIPLAN_STORE"):
            monkeypatch.setenv(name, value)
    want_code = main(["validate", "--store", str(embedded.store_dir), "--format", "json"])
    want = capsys.readouterr().out
    got_code = main(["validate", "--store", remote.config.store, "--format", "json"])
    assert (got_code, capsys.readouterr().out) == (want_code, want)


def test_rebuild_readers_see_the_old_graph_until_the_switch(remote: Server, tmp_path: Path) -> None:
    """While a build stages its graphs readers see the previous build, then the new one, nothing between."""
    store = RemoteClient(RemoteSettings.from_config(remote.config))
    count_text = (QUERIES / "01-count.rq").read_text(encoding="utf-8")
    small = tmp_path / "small"
    (small / "agencies").mkdir(parents=True)
    shutil.copy(default_data_dir() / "agencies" / "register.ttl", small / "agencies")
    before = open_store(remote.config)
    old_count = rows_of(before.query(count_text))
    # What /sparql counts: the set of the data graphs, not the ontology and the indexes (issue 19).
    old_public = rows_of(before.query(count_text, default_graph=[COPY_GRAPH], named_graphs=[]))
    seen: list[Any] = []

    def while_staged() -> None:
        """Everything is uploaded to staging graphs: readers must still see the old build only."""
        assert store.graph_counts(STAGING_PREFIX), "the build should have staged its graphs"
        reader = open_store(remote.config)
        seen.append((reader.snapshot_id, rows_of(reader.query(count_text))))
        with app_for(remote.config) as app:
            answer = app.test_client().get("/sparql", query_string={"query": count_text})
            seen.append(answer.json["results"]["bindings"][0]["n"]["value"])

    try:
        build_remote(
            remote.config,
            build_inputs(small),
            time.perf_counter(),
            fill=_fill,
            out=lambda _: None,
            before_switch=while_staged,
        )
        after = open_store(remote.config)
        new_count = rows_of(after.query(count_text))
        assert seen[0] == (before.snapshot_id, old_count)
        assert seen[1] == old_public[0][0].split('"')[1]
        assert new_count != old_count
        assert after.snapshot_id != before.snapshot_id
        assert not store.graph_counts(STAGING_PREFIX), "the switch moves every staging graph"
        assert set(after.named_graphs()) < set(before.named_graphs())  # graphs the build lacks are dropped
    finally:
        build(remote.config, out=lambda _: None)  # the full graph again for the other tests
    assert rows_of(open_store(remote.config).query(count_text)) == old_count


def test_a_failed_build_leaves_readers_alone_and_is_cleaned_up(remote: Server) -> None:
    """A build that dies after staging changes nothing readers see; the next build drops its staging."""
    client = RemoteClient(RemoteSettings.from_config(remote.config))
    before = open_store(remote.config).snapshot_id

    def die() -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_remote(
            remote.config,
            build_inputs(),
            time.perf_counter(),
            fill=_fill,
            out=lambda _: None,
            before_switch=die,
        )
    assert client.graph_counts(STAGING_PREFIX)
    assert open_store(remote.config).snapshot_id == before
    build(remote.config, out=lambda _: None)
    assert not client.graph_counts(STAGING_PREFIX)


def test_store_down_is_a_503_and_recovers_without_restart_issue7(
    tmp_path: Path, embedded: Config, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Kill the store: 503 without its URL, quickly, and a CLI error; start it again: answers, same app."""
    server = oxigraph_server(tmp_path / "oxigraph")
    server.start()
    try:
        # The manifest asked on every request (issue 14: by default it is trusted for 1 s, and an answer
        # cached meanwhile is served without asking the store): a store that is down is seen at once.
        config = remote_config(
            server, tmp_path, store_connect_timeout=1.0, store_read_timeout=2.0, store_manifest_seconds=0.0
        )
        build(config, out=lambda _: None)
        with app_for(config) as app:
            client = app.test_client()
            assert client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"}).status_code == 200
            server.stop()
            started = time.monotonic()
            down = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
            assert time.monotonic() - started < 5
            assert down.status_code == 503
            # Issue 13: the client is told the store is down, never where it is (the log keeps the URL).
            assert "cannot be reached" in down.get_data(as_text=True)
            assert config.store.rsplit("/", 1)[0] not in down.get_data(as_text=True)
            api = client.get("/api/queries/trace-up", query_string={"entity": "BR0201"})
            assert api.status_code == 503

            for name, value in worker_env(config).items():
                if name.startswith("THAIPLAN_STORE"):
                    monkeypatch.setenv(name, value)
            assert main(["query", str(QUERIES / "01-count.rq")]) == 1
            err = capsys.readouterr().err
            assert "thaiplan query: error:" in err and config.store in err and "cannot be reached" in err

            server.start()  # same port, same data
            # Another query, asked fresh: the first ASK's answer is in the answer cache.
            up = client.get(
                "/sparql", query_string={"query": "ASK { ?s a ?c }"}, headers={"Cache-Control": "no-cache"}
            )
            assert up.status_code == 200 and up.json["boolean"] is True
    finally:
        server.stop()


def test_slow_store_is_a_503_within_the_read_timeout_and_recovers_issue7(tmp_path: Path) -> None:
    """A store that turns slow while the server runs: 503 within the read timeout, a CLI error, and answers
    again, without a restart, once it is fast again (issue 8: faults)."""
    server = oxigraph_server(tmp_path / "oxigraph")
    server.start()
    proxy = None
    try:
        # The build runs with the default timeouts: it is not what this test times, and the switch of the
        # grown curated graph (issue 15) took over 1 s on a loaded machine.
        build(remote_config(server, tmp_path), out=lambda _: None)
        config = remote_config(server, tmp_path, store_connect_timeout=1.0, store_read_timeout=1.0)
        port = int(config.store.split(":")[2].split("/")[0])
        proxy = SlowProxy(port, delay=0.0)
        slow = dataclasses.replace(config, store=config.store.replace(str(port), str(proxy.port)))
        fresh = {"Cache-Control": "no-cache"}  # each answer from the store, not from the answer cache
        with app_for(slow) as app:
            client = app.test_client()
            app.extensions["thaiplan_pool"].start()
            assert client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"}).status_code == 200
            proxy.delay = 30.0
            started = time.monotonic()
            answer = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"}, headers=fresh)
            elapsed = time.monotonic() - started
            assert answer.status_code == 503
            assert "did not answer within 1 s" in answer.get_data(as_text=True)
            assert elapsed < 6
            started = time.monotonic()
            with pytest.raises(StoreUnavailable, match="did not answer within 1 s"):
                open_store(slow)
            assert time.monotonic() - started < 4
            proxy.delay = 0.0
            again = client.get("/sparql", query_string={"query": "ASK { ?s a ?c }"}, headers=fresh)
            assert again.status_code == 200 and again.json["boolean"] is True
            named = client.get("/api/queries/trace-up", query_string={"entity": "BR0201"}, headers=fresh)
            assert named.status_code == 200 and named.json["results"]["bindings"]
    finally:
        if proxy is not None:
            proxy.close()
        server.stop()


def test_build_without_graph_store_url_is_a_clear_error(tmp_path: Path) -> None:
    """`thaiplan build` on a remote store needs the update and Graph Store endpoints: it says which."""
    config = Config(store="http://127.0.0.1:9/sparql", store_update="http://127.0.0.1:9/update")
    with pytest.raises(Exception, match="THAIPLAN_STORE_GSP"):
        build(config, out=lambda _: None)


def test_unreachable_store_in_build_names_the_url(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing listens: exit 1 at once, with the URL (port 9 on 127.0.0.1 refuses connections)."""
    url = "http://127.0.0.1:9/sparql"
    monkeypatch.setenv("THAIPLAN_STORE_UPDATE", "http://127.0.0.1:9/update")
    monkeypatch.setenv("THAIPLAN_STORE_GSP", "http://127.0.0.1:9/store")
    started = time.monotonic()
    code = main(["build", "--store", url])
    assert code == 1 and time.monotonic() - started < 10
    assert url in capsys.readouterr().err
