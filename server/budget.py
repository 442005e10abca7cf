"""Fair sharing: each client gets a budget of query time per window; once spent, 429 with Retry-After.

Modelled on the Wikidata Query Service: a client (a remote address, or the address a trusted proxy
forwards) may spend `THAIPLAN_CLIENT_BUDGET_SECONDS` of query time per `THAIPLAN_CLIENT_BUDGET_WINDOW`
seconds. The budget is a token bucket: it refills continuously, a query is admitted while the bucket is
above zero and is charged its full time afterwards (so one long query may overdraw it, and the client then
waits longer). What is charged is the time a query worker spends on the request (running, serializing;
not the wait for a free worker, which under load is caused by everyone), for every query a request runs:
the endpoint, the named-query API and the pages. Answers served from the answer cache cost nothing.

Off by default when the server listens on a loopback address (a local `thaiplan serve` has one user);
on by default (60 s per 60 s) when it listens on any other address. `THAIPLAN_CLIENT_BUDGET_SECONDS=0`
turns it off. Behind a reverse proxy every request comes from the proxy: list it in
`THAIPLAN_TRUSTED_PROXIES` (addresses or CIDR blocks, comma-separated) so that `X-Forwarded-For` names
the client; the header is ignored from anyone else, since a client could write any address in it.
IPv6 clients are grouped by /64, the block one host usually holds. The three settings are `Config` fields
(`client_budget_seconds`, `client_budget_window`, `trusted_proxies`), read from those THAIPLAN_* variables
or given to `thaiplan serve` as --client-budget, --client-budget-window and --trusted-proxies.

Concurrency (issue 13): `THAIPLAN_CLIENT_CONCURRENCY` (--client-concurrency) is how many query requests
one client may have running or waiting at once; beyond it, 429 with Retry-After. Unlike the budget it is
on (2) by default on every address, loopback included (heavy clients froze a local server's pages for
everyone, issue 13); 0 turns it off. When on, the pool also serves light clients
first and keeps a reserve worker for them (server/workers.py). Every request's client is named here, so
the pool can tell clients apart, and a client that disconnects has its query cancelled.
"""

from __future__ import annotations

import ipaddress
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cachetools import Cache, LRUCache
from flask import Flask, Request, Response, g, has_request_context, request

from thaiplan.config import ENV_PREFIX, Config
from thaiplan.errors import InputError
from thaiplan.server.workers import WorkerUnavailable

# The settings' names in messages: the environment variables of their Config fields.
ENV_SECONDS = ENV_PREFIX + "CLIENT_BUDGET_SECONDS"
ENV_WINDOW = ENV_PREFIX + "CLIENT_BUDGET_WINDOW"
ENV_PROXIES = ENV_PREFIX + "TRUSTED_PROXIES"
ENV_CONCURRENCY = ENV_PREFIX + "CLIENT_CONCURRENCY"
# Query requests a client may have running or waiting at once on a public address (issue 13).
PUBLIC_CONCURRENCY = 2
PUBLIC_DEFAULT_SECONDS = 60.0
DEFAULT_WINDOW = 60.0
# Buckets kept at most; full buckets are dropped first, then the least recently seen (bounded memory).
MAX_CLIENTS = 100_000
# Paths that never run a query and stay reachable for a client that spent its budget.
FREE_PREFIXES = ("/static/",)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class BudgetSettings:
    """How much query time a client may spend per window (seconds 0: no budget), and whom to trust."""

    seconds: float = 0.0
    window: float = DEFAULT_WINDOW
    trusted_proxies: tuple[Network, ...] = ()

    @property
    def enabled(self) -> bool:
        """True when a budget applies."""
        return self.seconds > 0

    @classmethod
    def from_config(cls, config: Config) -> BudgetSettings:
        """The settings of `config`; an unset budget is off on a loopback address, 60 s elsewhere."""
        seconds = config.client_budget_seconds
        if seconds is None:
            seconds = 0.0 if is_loopback(config.host) else PUBLIC_DEFAULT_SECONDS
        window = config.client_budget_window
        _check_finite(seconds, ENV_SECONDS)
        _check_finite(window, ENV_WINDOW)
        if window <= 0:
            raise InputError(f"{ENV_WINDOW}={window:g}: the window must be a positive number of seconds")
        return cls(
            seconds=max(0.0, seconds),
            window=window,
            trusted_proxies=parse_networks(config.trusted_proxies),
        )


def _check_finite(value: float, name: str) -> None:
    """InputError naming the setting when `value` is not a finite number (nan, inf)."""
    if not math.isfinite(value):
        raise InputError(f"{name}={value!r} is not a finite number of seconds")


def is_loopback(host: str) -> bool:
    """True for a listening address that only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def parse_networks(text: str | tuple[str, ...] | list[str]) -> tuple[Network, ...]:
    """Addresses or CIDR blocks from a comma-separated list; InputError names a bad entry."""
    items = text.split(",") if isinstance(text, str) else list(text)
    networks = []
    for item in (i.strip() for i in items):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise InputError(f"{ENV_PROXIES}: {item!r} is not an IP address or CIDR block") from None
    return tuple(networks)


def client_key(remote_addr: str | None, forwarded_for: str | None, settings: BudgetSettings) -> str:
    """The client a request is charged to: its address, or the one a trusted proxy forwarded."""
    address = _address(remote_addr)
    if address is not None and forwarded_for and _trusted(address, settings):
        # The rightmost address a trusted proxy did not add is the client; anything left of it is the
        # client's own claim and could be forged.
        for hop in reversed([h.strip() for h in forwarded_for.split(",")]):
            forwarded = _address(hop)
            if forwarded is None:
                break
            address = forwarded
            if not _trusted(forwarded, settings):
                break
    if address is None:
        return remote_addr or "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _address(text: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An IP address from a header or socket value, or None when it is not one."""
    if not text:
        return None
    try:
        address = ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address, settings: BudgetSettings) -> bool:
    """True when `address` is one of the trusted proxies."""
    return any(address.version == net.version and address in net for net in settings.trusted_proxies)


Bucket = tuple[float, float]  # (tokens, when they were counted)


class Buckets(LRUCache[str, Bucket]):
    """Clients' buckets, at most MAX_CLIENTS: full buckets are dropped first, then the least recently charged.

    cachetools' LRU with its eviction widened: a client whose bucket has refilled is no different from a
    new one, so forgetting it loses nothing, and busy clients keep their (overdrawn) buckets.
    """

    def __init__(self, full: Callable[[Bucket, float], bool], clock: Callable[[], float]) -> None:
        super().__init__(maxsize=MAX_CLIENTS)
        self._full, self._clock = full, clock

    def peek(self, key: str, default: Bucket) -> Bucket:
        """The client's bucket without counting as a use of it (only a charge is one)."""
        try:
            return Cache.__getitem__(self, key)
        except KeyError:
            return default

    def popitem(self) -> tuple[str, Bucket]:
        """Make room: forget every full bucket, else the least recently charged (cachetools calls this)."""
        now = self._clock()
        full = [key for key in self if self._full(Cache.__getitem__(self, key), now)]
        if not full:
            return super().popitem()
        last = full[-1], Cache.__getitem__(self, full[-1])
        for key in full:
            del self[key]
        return last


class ClientBudgets:
    """Token buckets of query seconds, one per client, safe to use from the server's threads."""

    def __init__(self, settings: BudgetSettings, clock: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings
        self.clock = clock
        self.rate = settings.seconds / settings.window  # seconds of budget regained per second
        self._buckets = Buckets(lambda bucket, now: self._refilled(bucket, now) >= settings.seconds, clock)
        self._lock = threading.Lock()

    def _refilled(self, bucket: Bucket, now: float) -> float:
        """A bucket's level now, after refilling since it was charged (capped at the budget)."""
        tokens, when = bucket
        return min(self.settings.seconds, tokens + (now - when) * self.rate)

    def _level(self, key: str, now: float) -> float:
        """The client's budget left now (negative: overdrawn), after refilling since the last look."""
        return self._refilled(self._buckets.peek(key, (self.settings.seconds, now)), now)

    def retry_after(self, key: str) -> float | None:
        """Seconds until the client may query again, or None when it may query now."""
        with self._lock:
            level = self._level(key, self.clock())
        if level > 0:
            return None
        return (-level / self.rate) + 0.001 if self.rate > 0 else self.settings.window

    def charge(self, key: str, seconds: float) -> None:
        """Take `seconds` of query time from the client's budget (the most recently seen client now)."""
        with self._lock:
            now = self.clock()
            self._buckets[key] = (self._level(key, now) - max(0.0, seconds), now)

    def __len__(self) -> int:
        """How many clients are tracked."""
        return len(self._buckets)


class MeteredPool:
    """The query pool, told which client each call is for, timing it and charging the client's budget."""

    def __init__(self, pool: Any, budgets: ClientBudgets | None) -> None:
        self._pool = pool
        self._budgets = budgets

    def __getattr__(self, name: str) -> Any:
        """Everything else (pids, close, start, …) is the pool's own."""
        return getattr(self._pool, name)

    def _timed(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """Call the pool for the request's client; charge the time a worker spent on it, also on failure."""
        if has_request_context():
            kwargs.setdefault("client", g.get("thaiplan_client", ""))
            # waitress (with channel_request_lookahead) says when the client closed its connection (#13).
            kwargs.setdefault("cancelled", request.environ.get("waitress.client_disconnected"))
        try:
            return getattr(self._pool, method)(*args, **kwargs)
        except WorkerUnavailable as exc:
            if has_request_context() and exc.retry_after is not None:
                g.thaiplan_retry_after = exc.retry_after  # becomes the response's Retry-After
            raise
        finally:
            if self._budgets is not None and has_request_context() and "thaiplan_client" in g:
                # The worker's time, not the wait for a free worker: under load the queue is everyone's,
                # and charging it would spend a light client's budget on the heavy ones' queries.
                self._budgets.charge(g.thaiplan_client, self._pool.busy_seconds())

    def run(self, *args: Any, **kwargs: Any) -> Any:
        """Run a query job, charged."""
        return self._timed("run", *args, **kwargs)

    def call(self, *args: Any, **kwargs: Any) -> Any:
        """Send a message to a worker, charged."""
        return self._timed("call", *args, **kwargs)

    def graphs(self, *args: Any, **kwargs: Any) -> Any:
        """The store's graphs, charged."""
        return self._timed("graphs", *args, **kwargs)


def concurrency_from_config(config: Config) -> int:
    """Query requests one client may have at once: the setting, else 2 (0 turns the sharing off)."""
    limit = config.client_concurrency
    if limit is None:
        limit = PUBLIC_CONCURRENCY  # on a loopback address too: an attack from 127.0.0.1 is still one
    if limit < 0:
        raise InputError(f"{ENV_CONCURRENCY}={limit}: give 0 (off) or a positive number of requests")
    return limit


def share_pool(pool: Any, config: Config) -> None:
    """Turn on the pool's sharing between clients when a per-client concurrency limit applies (#13).

    Heavy clients together may hold all but half of the web server's threads (and two more), heavy and new
    clients together all but a quarter (and two), so that static files, cached answers and light clients
    always find a thread, and a new light client usually finds one too; one reserve worker (with
    `THAIPLAN_WORKER_STANDBY` standbys, 2 unless set) is kept for light clients.
    """
    limit = concurrency_from_config(config)
    if not limit:
        return
    threads = max(1, config.threads)
    unproven = max(1, threads - 2 - max(1, threads // 4))
    heavy = max(1, threads - 2 - max(1, threads // 2))
    standby = config.worker_standby
    if standby is not None and standby < 0:
        raise InputError(f"THAIPLAN_WORKER_STANDBY={standby}: give 0 or a positive number of workers")
    pool.share(client_limit=limit, reserve=1, heavy_limit=heavy, unproven_limit=unproven, standby=standby)


def init_app(app: Flask, config: Config) -> None:
    """Name each request's client, meter the app's query pool and refuse clients that spent their budget."""
    settings = BudgetSettings.from_config(config)
    app.config["THAIPLAN_BUDGET"] = settings
    share_pool(app.extensions["thaiplan_pool"], config)
    budgets = ClientBudgets(settings) if settings.enabled else None
    if budgets is not None:
        app.extensions["thaiplan_budgets"] = budgets
    app.extensions["thaiplan_pool"] = MeteredPool(app.extensions["thaiplan_pool"], budgets)

    @app.before_request
    def check_budget() -> Response | None:
        """Name the client; answer 429 when it has no query time left."""
        if request.method == "OPTIONS" or request.path.startswith(FREE_PREFIXES):
            return None
        key = request_client(request, settings)
        g.thaiplan_client = key
        wait = budgets.retry_after(key) if budgets is not None else None
        return None if wait is None else too_many_requests(wait, settings)

    @app.after_request
    def say_when_to_retry(response: Response) -> Response:
        """Give a refusal caused by the pool (429, 503) the Retry-After it computed."""
        wait = g.get("thaiplan_retry_after")
        if wait is not None and response.status_code in (429, 503) and "Retry-After" not in response.headers:
            response.headers["Retry-After"] = str(wait)
        return response


def request_client(req: Request, settings: BudgetSettings) -> str:
    """The client key of a Flask request."""
    return client_key(req.remote_addr, req.headers.get("X-Forwarded-For"), settings)


def too_many_requests(wait: float, settings: BudgetSettings) -> Response:
    """429 with Retry-After (whole seconds) and a message that explains the budget."""
    from thaiplan.server.errors import error_response

    seconds = max(1, math.ceil(wait))
    response = error_response(
        429,
        "Too Many Requests",
        f"This client has used its query time: {settings.seconds:g} s per {settings.window:g} s. "
        f"Try again in {seconds} s; make queries more selective (or add LIMIT) to spend less.",
    )
    response.headers["Retry-After"] = str(seconds)
    return response
