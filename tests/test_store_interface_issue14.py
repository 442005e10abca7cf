"""One store interface (issue 14): the configured store read through one protocol, one job per named query,
`/validation` in the worker pool and on the configured store, and what a remote store is asked.

The remote tests run a real `oxigraph serve` (started here, stopped by PID) behind a TCP proxy that counts
the HTTP requests the store receives (thaiplan's client opens one connection per request).
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.test_remote_support import RecordingProxy, behind_proxy, oxigraph_server, remote_config, store_port
from thaiplan.config import Config
from thaiplan.graph.build.pipeline import build
from thaiplan.graph.store.api import GraphStore, Snapshot
from thaiplan.graph.store.backend import open_store
from thaiplan.graph.store.local import EmbeddedStore
from thaiplan.graph.store.remote import RemoteStore
from thaiplan.server.app import close_app, create_app

ROOT = Path(__file__).resolve().parent.parent
SMALL = Path(__file__).parent / "data" / "build" / "valid"


@contextlib.contextmanager
def app_for(config: Config) -> Iterator[Flask]:
    """A Flask app on `config` whose query workers stop when the block ends."""
    app = create_app(config)
    app.config["TESTING"] = True
    try:
        yield app
    finally:
        close_app(app)


def count_jobs(app: Flask) -> list[object]:
    """The messages the app's pool sends to its workers from now on (the pool under the budget's meter)."""
    pool = app.extensions["thaiplan_pool"]
    inner = getattr(pool, "_pool", pool)
    sent: list[object] = []
    real = inner.call

    def call(message: object, *args: Any, **kwargs: Any) -> object:
        sent.append(message)
        return real(message, *args, **kwargs)

    inner.call = call
    return sent


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Config]:
    """A running `oxigraph serve` with the curated graph built into it; its config."""
    folder = tmp_path_factory.mktemp("oxigraph-issue14")
    server = oxigraph_server(folder / "server")
    server.start()
    try:
        config = remote_config(server, folder)
        build(config, out=lambda _: None)
        yield config
    finally:
        server.stop()


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Config:
    """The curated graph built into an embedded store."""
    config = Config(store_dir=tmp_path_factory.mktemp("embedded-issue14") / "store", workers=1)
    build(config, out=lambda _: None)
    return config


# --- the protocol ----------------------------------------------------------------------------------------


def test_both_backends_are_the_one_protocol_chosen_from_the_configuration_issue14(
    local: Config, oxigraph: Config
) -> None:
    """`open_store` chooses by the configuration; both answer the protocol's calls alike."""
    embedded, remote = open_store(local), open_store(oxigraph)
    assert isinstance(embedded, EmbeddedStore) and isinstance(remote, RemoteStore)
    for store in (embedded, remote):
        assert isinstance(store, GraphStore)
        assert store.current() == Snapshot(store.snapshot_id, store.current().graphs)  # type: ignore[union-attr]
        assert "https://w3id.org/thaiplan/graph/agencies" in store.named_graphs()
        assert store.dump_graph("https://w3id.org/thaiplan/graph/agencies").startswith(b"<")
    ask = "ASK { ?s ?p ?o }"
    assert bool(embedded.query(ask)) and bool(remote.query(ask))


def test_a_store_keeps_reading_its_build_until_told_otherwise_issue14(tmp_path: Path) -> None:
    """A new build does not move an open store; `use()` moves it, `use(snapshot)` pins the one named."""
    store_dir = tmp_path / "store"
    first = build(Config(store_dir=store_dir), SMALL, out=lambda _: None).snapshot_id
    store = EmbeddedStore(store_dir)
    second = build(Config(store_dir=store_dir), SMALL, out=lambda _: None).snapshot_id
    assert store.snapshot_id == first and store.current() == Snapshot(second)
    assert store.use().id == second and store.snapshot_id == second
    assert store.use(Snapshot(first)).id == first  # the previous snapshot is kept for readers
    # A snapshot a build has pruned meanwhile: the current one answers, and says so.
    assert store.use(Snapshot("20000101T000000Z-00000000")).id == second


def test_no_import_cycle_in_the_store_package_issue14() -> None:
    """graph/store's modules import each other one way only, imports inside functions counted."""
    folder = ROOT / "graph" / "store"
    graph: dict[str, set[str]] = {}
    for path in folder.glob("*.py"):
        name = path.stem
        graph[name] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                module = node.module
                if module == "thaiplan.graph.store":
                    graph[name] |= {alias.name for alias in node.names}
                elif module.startswith("thaiplan.graph.store."):
                    graph[name].add(module.rsplit(".", 1)[1])
    seen: set[str] = set()

    def visit(name: str, stack: tuple[str, ...]) -> None:
        assert name not in stack, f"import cycle: {' -> '.join((*stack, name))}"
        if name in seen:
            return
        for target in graph.get(name, ()):
            visit(target, (*stack, name))
        seen.add(name)

    for name in graph:
        visit(name, ())


# --- one job per named query, the snapshot read once -------------------------------------------------------


def test_a_named_query_cache_miss_is_one_worker_job_issue14(local: Config) -> None:
    """trace-up BR0201, not cached: the resolver and the query run in one job; then it comes cached."""
    with app_for(local) as app:
        client = app.test_client()
        sent = count_jobs(app)
        first = client.get("/api/queries/trace-up", query_string={"entity": "BR0201"})
        assert first.status_code == 200 and first.json["results"]["bindings"]
        assert len(sent) == 1
        again = client.get("/api/queries/trace-up", query_string={"entity": "BR0201"})
        assert again.data == first.data and len(sent) == 1
        # A parameter that names nothing is still a 404 naming it, found by the same one job.
        missing = client.get("/api/queries/trace-up", query_string={"entity": "no such thing"})
        assert missing.status_code == 404 and missing.json["parameter"] == "entity"
        assert len(sent) == 2


def test_every_job_of_a_request_names_the_snapshot_read_once_issue14(local: Config) -> None:
    """A page runs several jobs; each carries the snapshot the request read, so no worker reads CURRENT."""
    with app_for(local) as app:
        sent = count_jobs(app)
        assert app.test_client().get("/trace", query_string={"entity": "BR0201"}).status_code == 200
        snapshots = {getattr(job, "snapshot", None) for job in sent}
        assert len(sent) > 1 and len(snapshots) == 1 and None not in snapshots


def test_the_editor_examples_resolve_once_per_snapshot_issue14(local: Config) -> None:
    """The editor fills its examples' parameters in the workers (resolve-only jobs), then from the cache."""
    with app_for(local) as app:
        client = app.test_client()
        sent = count_jobs(app)
        assert client.get("/sparql", headers={"Accept": "text/html"}).status_code == 200
        first = [job for job in sent if type(job).__name__ == "NamedJob"]
        assert first and not any(job.run for job in first)  # type: ignore[attr-defined]
        sent.clear()
        assert client.get("/sparql", headers={"Accept": "text/html"}).status_code == 200
        assert not [job for job in sent if type(job).__name__ == "NamedJob"]


# --- /validation in the worker pool, on the configured store ---------------------------------------------


def test_validation_runs_in_a_worker_under_its_own_time_limit_issue14(local: Config) -> None:
    """The report is computed by a worker (one job, then kept in the app); too short a limit is a 503."""
    with app_for(local) as app:
        sent = count_jobs(app)
        client = app.test_client()
        assert client.get("/validation?format=json").status_code == 200
        assert [type(job).__name__ for job in sent] == ["ValidationJob"]
        assert client.get("/validation?format=csv").status_code == 200 and len(sent) == 1
    with app_for(dataclasses.replace(local, validation_timeout=0.05)) as app:
        app.extensions["thaiplan_pool"].start()
        stopped = app.test_client().get("/validation")
        assert stopped.status_code == 503
        assert "time limit" in stopped.get_data(as_text=True)


def test_the_report_is_kept_per_app_and_per_build_issue14(tmp_path: Path) -> None:
    """A new build is validated again on the next request; another app keeps its own report."""
    config = Config(store_dir=tmp_path / "store", workers=1)
    build(config, SMALL, out=lambda _: None)
    with app_for(config) as app, app_for(config) as other:
        sent = count_jobs(app)
        client = app.test_client()
        first = client.get("/validation?format=json")
        assert first.status_code == 200 and len(sent) == 1
        assert client.get("/validation?format=json").data == first.data and len(sent) == 1
        build(config, SMALL, out=lambda _: None)  # a new snapshot
        assert client.get("/validation?format=json").status_code == 200 and len(sent) == 2
        elsewhere = count_jobs(other)
        assert other.test_client().get("/validation?format=json").status_code == 200
        assert len(elsewhere) == 1  # nothing module-level: the other app validates for itself


@pytest.mark.remote
def test_validation_page_reads_the_remote_store_not_a_stale_local_one_issue14(
    local: Config, oxigraph: Config
) -> None:
    """`/validation` with THAIPLAN_STORE set validates the remote build, even beside a stale ./var/store.

    Before issue 14 it read `store_dir`: 503 "no built graph" against a live Oxigraph server, or the report
    of whatever graph an old local build had left there.
    """
    with app_for(local) as app:
        want = app.test_client().get("/validation?format=json")
    assert want.status_code == 200
    with app_for(oxigraph) as app:
        got = app.test_client().get("/validation?format=json")
    assert got.status_code == 200, got.get_data(as_text=True)
    assert got.json == want.json
    build(dataclasses.replace(oxigraph, store=""), SMALL, out=lambda _: None)  # a stale local store
    with app_for(oxigraph) as app:
        again = app.test_client().get("/validation?format=json")
    assert again.status_code == 200 and again.json == want.json


# --- what a remote store is asked ----------------------------------------------------------------------


# A pool of one worker and no reserve, so that counting requests does not depend on which worker runs a job.
ONE_WORKER = {"workers": 1, "client_concurrency": 0, "worker_standby": 0}


@pytest.mark.remote
def test_a_remote_cache_miss_is_one_request_to_the_store_and_a_hit_none_issue14(oxigraph: Config) -> None:
    """A query not cached: one HTTP request (the manifest is known); cached: no request at all.

    A parameter that names an entity is resolved in the worker from the resolver's table, read once per
    build (queries/resolve_table.py): before, trace-up's miss made two requests (the resolver, the query),
    and before issue 14 five (the manifest three times, the resolver, the query; a cached answer one).
    """
    proxy = RecordingProxy(store_port(oxigraph.store))
    # The test is not about a new build: the manifest stays known. One worker, no light clients' reserve:
    # the worker that read the resolver's table is the one every request runs on (a pool of several would
    # each read it on its first entity parameter).
    behind = dataclasses.replace(behind_proxy(oxigraph, proxy), store_manifest_seconds=600.0, **ONE_WORKER)
    try:
        with app_for(behind) as app:
            client = app.test_client()
            warm = client.get("/api/queries/search", query_string={"q": "ดิจิทัล"})
            assert warm.status_code == 200  # the manifest read, the workers started
            # Another entity: the worker reads the resolver's table of this build.
            assert client.get("/api/queries/trace-up", query_string={"entity": "BR0202"}).status_code == 200
            for path, params, requests in (
                ("/api/queries/search", {"q": "BR0203"}, 1),
                ("/sparql", {"query": "ASK { ?s a ?c }"}, 1),
                ("/api/queries/trace-up", {"entity": "BR0201"}, 1),  # resolved in the worker, then the query
            ):
                before = proxy.requests
                miss = client.get(path, query_string=params)
                assert miss.status_code == 200, miss.get_data(as_text=True)
                assert proxy.requests - before == requests, path
                hit = client.get(path, query_string=params)
                assert hit.data == miss.data and proxy.requests - before == requests, path
            before = proxy.requests
            fresh = client.get(
                "/api/queries/search", query_string={"q": "BR0203"}, headers={"Cache-Control": "no-cache"}
            )
            # Asked afresh: the manifest is read again, then the query.
            assert fresh.status_code == 200 and proxy.requests - before == 2
    finally:
        proxy.close()


@pytest.mark.remote
def test_an_entity_parameter_costs_no_request_of_its_own_issue14(local: Config, oxigraph: Config) -> None:
    """trace-up and agency-portfolio by code, label, abbreviation and IRI: one request per miss, none per
    hit, and the same answers as the embedded store's; a text that names nothing is refused without one,
    and an ambiguous one asks the store for the candidates' codes and labels (one request, no query).
    """
    proxy = RecordingProxy(store_port(oxigraph.store))
    behind = dataclasses.replace(behind_proxy(oxigraph, proxy), store_manifest_seconds=600.0, **ONE_WORKER)
    cases = (
        ("/api/queries/trace-up", {"entity": "BR0201"}, 200, 1),
        ("/api/queries/trace-up", {"entity": "activity/BR0203"}, 200, 1),
        ("/api/queries/trace-up", {"entity": "cr02g01", "maxDepth": "1"}, 200, 1),
        ("/api/queries/agency-portfolio", {"agency": "สำนักงาน ก.พ.ร."}, 200, 1),
        ("/api/queries/agency-portfolio", {"agency": "สศช"}, 200, 1),  # an abbreviation without its dot
        ("/api/queries/agency-portfolio", {"agency": "กพร"}, 300, 1),  # the office and the commission
        ("/api/queries/agency-portfolio", {"agency": "BR0201"}, 404, 0),  # not an agency
        ("/api/queries/trace-up", {"entity": "ไม่มีสิ่งนี้"}, 404, 0),
        ("/api/queries/trace-up", {"entity": "1"}, 300, 1),  # the candidates' labels, from the store
    )
    try:
        with app_for(local) as embedded, app_for(behind) as app:
            client, want = app.test_client(), embedded.test_client()
            assert client.get("/api/queries/trace-up", query_string={"entity": "BR0202"}).status_code == 200
            for path, params, status, requests in cases:
                before = proxy.requests
                miss = client.get(path, query_string=params)
                assert miss.status_code == status, (path, params, miss.get_data(as_text=True))
                assert proxy.requests - before == requests, (path, params)
                assert miss.json == want.get(path, query_string=params).json, (path, params)
                if status == 200:
                    assert client.get(path, query_string=params).data == miss.data
                    assert proxy.requests - before == requests, (path, params)
    finally:
        proxy.close()


# --- the pool's lifetime ---------------------------------------------------------------------------------

ORPHANING_SERVER = """
import os, sys, time
from thaiplan.config import Config
from thaiplan.server.app import create_app

app = create_app(Config(store_dir=sys.argv[1], workers=1))
pool = app.extensions["thaiplan_pool"]
pool.start()
deadline = time.monotonic() + 60
while not pool.idle_pids and time.monotonic() < deadline:
    time.sleep(0.1)
print(" ".join(map(str, pool.pids)), flush=True)
os._exit(0)  # gone without closing the app: no interpreter-exit hook runs either
"""


def test_workers_end_with_their_web_process_without_an_exit_hook_issue14(
    local: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`create_app` registers no atexit hook; a web process that dies leaves no worker running."""
    import atexit
    import subprocess
    import sys
    import time

    registered: list[object] = []
    monkeypatch.setattr(atexit, "register", lambda fn, *a, **k: registered.append(fn) or fn)
    app = create_app(local)
    close_app(app)
    pools = (app.extensions["thaiplan_pool"], getattr(app.extensions["thaiplan_pool"], "_pool", None))
    assert not [fn for fn in registered if getattr(fn, "__self__", None) in pools]
    done = subprocess.run(
        [sys.executable, "-c", ORPHANING_SERVER, str(local.store_dir)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    pids = [int(p) for p in done.stdout.split()]
    assert pids
    deadline = time.monotonic() + 10
    alive = pids
    while alive and time.monotonic() < deadline:
        time.sleep(0.2)
        alive = [pid for pid in pids if _running(pid)]
    assert not alive, f"workers {alive} outlived their web process"


def _running(pid: int) -> bool:
    """True while a process exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
