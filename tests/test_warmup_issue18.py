"""The warm-up on a store without the documented examples (issue 18): keys picked from the store itself."""

from __future__ import annotations

import json

import pytest

from tests.test_synth_support import built_synthetic
from thaiplan.queries import registry
from thaiplan.server import warmup
from thaiplan.server.app import create_app
from thaiplan.server.worker_process import cpu_seconds


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory):
    """An app with two workers on a small synthetic store alone (no BR0201, no CR02G01), closed afterwards."""
    application = create_app(built_synthetic(tmp_path_factory, "warm-synth", "20k", workers=2))
    yield application
    application.extensions["thaiplan_pool"].close()


@pytest.fixture(scope="module")
def warmed(app) -> tuple[dict[str, int], dict[int, float]]:
    """The warm-up's statuses, and the CPU seconds each worker spent during it."""
    warmup.wait_for_workers(app)
    pool = app.extensions["thaiplan_pool"]
    before = {pid: cpu_seconds(pid) or 0.0 for pid in pool.idle_pids}
    statuses = warmup.warm(app)
    return statuses, {pid: (cpu_seconds(pid) or 0.0) - spent for pid, spent in before.items()}


def rows(app, path: str) -> int:
    """Rows of the named query's answer at `path` (asked afresh)."""
    reply = app.test_client().get(path, headers={"Accept": "application/sparql-results+json"})
    assert reply.status_code == 200, path
    return len(json.loads(reply.get_data())["results"]["bindings"])


def test_warmup_runs_every_named_query_on_a_key_the_store_holds_issue18(app, warmed) -> None:
    """Every public named query is warmed with a key that answers at least one row of the synthetic store."""
    statuses, _cpu = warmed
    asked = {p: s for p, s in statuses.items() if p.startswith("/api/queries/")}
    names = {p.split("?")[0].removeprefix("/api/queries/") for p in asked}
    assert names == {q.name for q in registry.list_queries()}
    for path, status in asked.items():
        assert status == 200, path
        assert rows(app, path) >= 1, path
    assert not any("BR0201" in p or "CR02G01" in p or "reform-plan" in p for p in statuses)


def test_warmup_runs_the_trace_and_other_pages_on_store_keys_issue18(warmed) -> None:
    """The trace page (trace-up, trace-down, alignments) and the keyed pages answer 200 on store keys."""
    statuses, _cpu = warmed
    pages = {p.split("?")[0]: s for p, s in statuses.items() if "?" in p and not p.startswith("/api/")}
    assert {"/trace", "/agency", "/search", "/indicator"} <= set(pages)
    for page in ("/trace", "/agency", "/search", "/indicator"):
        assert pages[page] == 200, page
    trace = next(p for p in statuses if p.startswith("/trace?"))
    assert "synth%2Fproject" in trace


def test_warmup_runs_on_every_worker_issue18(app, warmed) -> None:
    """Each worker taking queries ran some of the warm-up (each request is sent from one lane per worker)."""
    _statuses, cpu = warmed
    assert len(cpu) == warmup.lanes(app) == 3  # two workers and the light clients' reserve
    assert all(spent > 0 for spent in cpu.values()), cpu


def test_warmup_errors_are_logged_not_raised_issue18(app, monkeypatch, caplog) -> None:
    """A warm-up that fails is one warning in the log; `warm` returns what it did."""

    def broken(_app):
        raise RuntimeError("no store")

    monkeypatch.setattr(warmup, "warm_paths", broken)
    assert warmup.warm(app) == {}
    assert "the warm-up stopped early: no store" in caplog.text


def test_warmup_pages_take_the_store_key_before_a_documented_word_issue18() -> None:
    """A keyed page is warmed on the store's key; the documented example (a word) only without one."""
    page = next(p for p in warmup.PAGES if p[0] == "/indicator")
    example = warmup.examples()["indicator-series"]["indicator"]
    chosen = {"indicator-series": {"indicator": example}}
    key = "https://w3id.org/thaiplan/id/synth/indicator/mp-01-1-1"
    assert warmup.page_value(chosen, {"indicator": key}, page) == key
    assert warmup.page_value(chosen, {}, page) == example
