"""Fair sharing (issue 8): a per-client budget of query time, 429 with Retry-After once it is spent."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from tests.test_sparql_support import make_store, running_app
from thaiplan.config import Config
from thaiplan.errors import InputError
from thaiplan.server import budget
from thaiplan.server.budget import BudgetSettings, ClientBudgets, client_key, parse_networks

# A cross product of every quad with itself four times: far longer than the 1 s time limit below.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
CHEAP = "ASK {}"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        """The current time."""
        return self.now


def test_budgets_forget_full_buckets_first_then_the_least_recently_charged_issue14(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """At most MAX_CLIENTS buckets (cachetools' LRU): a refilled one is forgotten before a busy one."""
    monkeypatch.setattr(budget, "MAX_CLIENTS", 3)
    clock = Clock()
    budgets = ClientBudgets(BudgetSettings(seconds=10, window=60), clock=clock)
    budgets.charge("a", 1)
    clock.now += 60  # a's bucket is full again
    budgets.charge("b", 5)
    budgets.charge("c", 5)
    assert budgets.retry_after("b") is None  # a look is no use: b stays the least recently charged
    budgets.charge("d", 5)
    assert len(budgets) == 3 and "a" not in budgets._buckets
    budgets.charge("e", 5)  # no full bucket: the least recently charged goes
    assert sorted(budgets._buckets) == ["c", "d", "e"]
    clock.now += 1
    assert budgets.retry_after("c") is None and budgets._level("c", clock.now) < 10  # kept its debt


def settings(env: dict[str, str], **overrides: object) -> BudgetSettings:
    """The budget settings of the config read from `env` (THAIPLAN_* variables) and `overrides`."""
    return BudgetSettings.from_config(Config.from_env(env, **overrides))


def test_budget_is_a_refilling_bucket_issue8() -> None:
    clock = Clock()
    budgets = ClientBudgets(BudgetSettings(seconds=10, window=60), clock=clock)
    assert budgets.retry_after("a") is None
    budgets.charge("a", 4)
    assert budgets.retry_after("a") is None  # 6 s left
    budgets.charge("a", 9)  # a long query overdraws: 3 s in debt
    wait = budgets.retry_after("a")
    assert wait == pytest.approx(3 / (10 / 60), abs=0.01)  # 18 s to earn 3 s back at 10 s per minute
    assert budgets.retry_after("b") is None  # another client is not affected
    clock.now += 17
    assert budgets.retry_after("a") is not None
    clock.now += 2
    assert budgets.retry_after("a") is None
    clock.now += 3600
    budgets.charge("a", 0)
    budgets.charge("a", 9.5)  # the bucket refilled to 10, never above
    assert budgets.retry_after("a") is None
    budgets.charge("a", 0.6)
    assert budgets.retry_after("a") is not None


def test_settings_off_on_loopback_on_elsewhere_issue8() -> None:
    assert not settings({}, host="127.0.0.1").enabled
    assert not settings({}, host="::1").enabled
    public = settings({}, host="0.0.0.0")
    assert public.enabled and public.seconds == 60 and public.window == 60
    local = settings(
        {"THAIPLAN_CLIENT_BUDGET_SECONDS": "5", "THAIPLAN_CLIENT_BUDGET_WINDOW": "30"}, host="127.0.0.1"
    )
    assert local.enabled and local.seconds == 5 and local.window == 30
    assert not settings({"THAIPLAN_CLIENT_BUDGET_SECONDS": "0"}, host="0.0.0.0").enabled
    # The same settings given as arguments (`thaiplan serve --client-budget …`) rather than variables.
    given = BudgetSettings.from_config(
        Config(host="0.0.0.0", client_budget_seconds=5, trusted_proxies="10.0.0.0/8")
    )
    assert given.seconds == 5 and len(given.trusted_proxies) == 1


def test_serve_options_set_the_budget_issue8(monkeypatch: pytest.MonkeyPatch) -> None:
    """`thaiplan serve --client-budget …` overrides the THAIPLAN_* variables, which fill in the rest."""
    from thaiplan.cli import build_parser
    from thaiplan.server.cli import serve_config

    monkeypatch.setenv("THAIPLAN_CLIENT_BUDGET_WINDOW", "30")
    monkeypatch.setenv("THAIPLAN_CLIENT_BUDGET_SECONDS", "1")
    args = build_parser().parse_args(["serve", "--client-budget", "5", "--trusted-proxies", "10.0.0.0/8"])
    given = BudgetSettings.from_config(serve_config(args))
    assert given.seconds == 5 and given.window == 30 and len(given.trusted_proxies) == 1


@pytest.mark.parametrize(
    "env",
    [
        {"THAIPLAN_CLIENT_BUDGET_SECONDS": "lots"},
        {"THAIPLAN_CLIENT_BUDGET_SECONDS": "nan"},
        {"THAIPLAN_CLIENT_BUDGET_WINDOW": "0"},
        {"THAIPLAN_TRUSTED_PROXIES": "10.0.0.1, not-an-ip"},
    ],
)
def test_bad_settings_are_named_issue8(env: dict[str, str]) -> None:
    with pytest.raises(InputError, match="THAIPLAN_"):
        settings(env)


def test_client_key_trusts_forwarded_for_only_from_trusted_proxies_issue8() -> None:
    plain = BudgetSettings(seconds=1)
    behind = BudgetSettings(seconds=1, trusted_proxies=parse_networks("127.0.0.1, 10.0.0.0/8"))
    assert client_key("203.0.113.5", "198.51.100.7", plain) == "203.0.113.5"  # header ignored
    assert client_key("127.0.0.1", "198.51.100.7", plain) == "127.0.0.1"
    assert client_key("127.0.0.1", "198.51.100.7", behind) == "198.51.100.7"
    # The client may prepend anything; the rightmost address the proxies did not add is the client.
    assert client_key("127.0.0.1", "1.2.3.4, 198.51.100.7, 10.1.2.3", behind) == "198.51.100.7"
    assert client_key("127.0.0.1", "garbage", behind) == "127.0.0.1"
    assert client_key("203.0.113.5", "198.51.100.7", behind) == "203.0.113.5"  # not a trusted proxy
    # One IPv6 host holds a /64: its addresses share one budget.
    assert client_key("2001:db8:1:2::10", None, plain) == client_key("2001:db8:1:2:ffff::1", None, plain)
    assert client_key("2001:db8:1:2::10", None, plain) == "2001:db8:1:2::/64"
    assert client_key("::ffff:192.0.2.1", None, plain) == "192.0.2.1"


def test_spent_budget_is_a_429_with_retry_after_issue8(tmp_path: Path) -> None:
    store_dir = make_store(tmp_path / "store", numbers=60)
    budget = {"client_budget_seconds": 0.5, "client_budget_window": 3600.0}
    with running_app(store_dir, workers=2, query_timeout=1.0, **budget) as app:
        client = app.test_client()
        heavy = {"REMOTE_ADDR": "198.51.100.7"}
        light = {"REMOTE_ADDR": "203.0.113.9"}
        warm = {"REMOTE_ADDR": "192.0.2.1"}  # pays for the workers' start, which is charged as waiting
        for _ in range(3):
            client.get("/sparql", query_string={"query": CHEAP}, environ_base=warm)
        assert client.get("/sparql", query_string={"query": CHEAP}, environ_base=heavy).status_code == 200
        # The heavy client runs a query into the time limit: 1 s spent of its 0.5 s.
        stopped = client.get("/sparql", query_string={"query": SLOW}, environ_base=heavy)
        assert stopped.status_code == 503
        refused = client.get("/sparql", query_string={"query": CHEAP}, environ_base=heavy)
        assert refused.status_code == 429
        retry = int(refused.headers["Retry-After"])
        # About 1 s spent of 0.5 s: 0.5 s or a little more of debt, earned back at 0.5 s per hour.
        assert 3500 <= retry <= 3 * 3600
        assert "0.5 s per 3600 s" in refused.get_data(as_text=True)
        # Pages and the API are refused too; static files are not.
        assert client.get("/api/queries", environ_base=heavy).status_code == 429
        assert client.get("/static/does-not-exist.css", environ_base=heavy).status_code == 404
        # Another client is served as before.
        assert client.get("/sparql", query_string={"query": CHEAP}, environ_base=light).status_code == 200


def test_no_budget_on_loopback_by_default_issue8(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The app reads its Config only: a variable in the environment does not switch the budget on.
    monkeypatch.setenv("THAIPLAN_CLIENT_BUDGET_SECONDS", "0.001")
    store_dir = make_store(tmp_path / "store", numbers=60)
    with running_app(store_dir, workers=1, query_timeout=0.5) as app:
        assert not app.config["THAIPLAN_BUDGET"].enabled
        client = app.test_client()
        assert client.get("/sparql", query_string={"query": SLOW}).status_code == 503
        for _ in range(3):
            assert client.get("/sparql", query_string={"query": CHEAP}).status_code == 200


def test_waiting_for_a_busy_worker_is_not_charged_issue8(tmp_path: Path) -> None:
    """A light query queued behind a heavy one is charged its own run, not the heavy one's."""
    store_dir = make_store(tmp_path / "store", numbers=60)
    # One lane (no sharing): the light query must queue behind the heavy one for this test to mean anything.
    budget = {"client_budget_seconds": 0.3, "client_budget_window": 3600.0, "client_concurrency": 0}
    heavy_query = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    with running_app(store_dir, workers=1, query_timeout=20.0, **budget) as app:
        app.extensions["thaiplan_pool"].start()
        client = app.test_client()
        assert client.get("/sparql", query_string={"query": CHEAP}).status_code == 200  # worker ready
        heavy = threading.Thread(
            target=app.test_client().get,
            args=("/sparql",),
            kwargs={"query_string": {"query": heavy_query}, "environ_base": {"REMOTE_ADDR": "198.51.100.7"}},
        )
        heavy.start()
        time.sleep(0.2)
        light = {"REMOTE_ADDR": "203.0.113.9"}
        started = time.monotonic()
        queued = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"}, environ_base=light)
        waited = time.monotonic() - started
        heavy.join()
        assert queued.status_code == 200
        assert waited > 0.3, "the light query did not wait for the heavy one: make the heavy one heavier"
        assert app.extensions["thaiplan_budgets"].retry_after("203.0.113.9") is None
        again = client.get("/sparql", query_string={"query": "ASK { ?s a ?o }"}, environ_base=light)
        assert again.status_code == 200
