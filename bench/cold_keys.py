"""Cold keys (issue 18): named queries on parameters never asked before, answer cache off, every server.

Used by `bench/scale.py --cold` (and its keys by `bench/load.py --cold-keys`). For each named query a
seeded sample of distinct parameters is drawn from the synthetic graph (`bench/queries/scale-cold/*.rq`;
search: the synthetic names' field words). thaiplan runs with `THAIPLAN_ANSWER_CACHE_MB=0` and every
request carries `Cache-Control: no-cache`; Oxigraph's server and Virtuoso get the same query with the same
terms written in (`graph/store/inline.py`, what thaiplan sends a remote store). The servers run side by
side and are asked in turn, key by key (the first server rotating), so that the machine's load, shared
with other work, falls on all of them alike; `/proc/loadavg` is recorded before and after each query.
Every key's row count is compared across servers: a difference is reported, never averaged away.
"""

from __future__ import annotations

import random
import statistics
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
COLD = HERE / "queries" / "scale-cold"
SETUP = {"trace-up": "project", "trace-down": "master-plan", "agency-portfolio": "agency"}
SETUP["indicator-series"] = "indicator"
PARAM = {"trace-up": "entity", "trace-down": "entity", "agency-portfolio": "agency"}
PARAM["indicator-series"] = "indicator"
# Pages whose first request is timed against a repeat (target 2 of issue 18), with their parameter.
PAGES = {"trace": ("/trace", "entity"), "agency": ("/agency", "agency"), "search": ("/search", "q")}


def loadavg() -> str:
    """The machine's 1-minute load average now (the machine is shared: every result carries it)."""
    return Path("/proc/loadavg").read_text().split()[0]


def cold_params(store_dir: Path, count: int, seed: int) -> dict[str, list[dict[str, str]]]:
    """`count` distinct parameters per named query (fewer where the graph has fewer), seeded."""
    from thaiplan.graph.store.local import open_read_only
    from thaiplan.graph.synth.words import FIELDS, PROJECT_OBJECTS

    store = open_read_only(store_dir)
    rng = random.Random(seed)
    out: dict[str, list[dict[str, str]]] = {}
    for name, setup in SETUP.items():
        text = (COLD / f"{setup}.rq").read_text(encoding="utf-8")
        iris = [row["x"].value for row in store.query(text, use_default_graph_as_union=True)]
        picked = rng.sample(iris, min(count, len(iris)))
        out[name] = [{PARAM[name]: iri} for iri in picked]
    words = sorted({th for th, _ in (*FIELDS, *PROJECT_OBJECTS)})
    out["search"] = [{"q": w} for w in rng.sample(words, min(count, len(words)))]
    return out


def inline_sparql(store_dir: Path, name: str, keys: list[dict[str, str]]) -> list[str]:
    """The named query's SPARQL with each key's terms resolved and written in, as a remote store gets it."""
    from thaiplan.graph.store.inline import bind_inline
    from thaiplan.graph.store.local import open_read_only
    from thaiplan.queries import registry

    store = open_read_only(store_dir)
    query = registry.default_registry().get(name)
    return [bind_inline(query.sparql, query.bind(given, store)) for given in keys]


def summary(latencies: list[float]) -> dict[str, Any]:
    """p50, p95 (nearest rank) and mean of latencies in seconds, as milliseconds."""
    if not latencies:
        return {"n": 0, "p50_ms": None, "p95_ms": None}
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "n": len(ordered),
        "p50_ms": round(1000 * statistics.median(ordered), 2),
        "p95_ms": round(1000 * p95, 2),
        "mean_ms": round(1000 * statistics.fmean(ordered), 2),
    }


@dataclass(frozen=True)
class Http:
    """How the benchmark talks to a server, from bench/scale.py, passed once: `request(name, url)` an API
    call (`Cache-Control: no-cache`), `sparql(name, server, text)` a SPARQL one, `fetch(request, timeout)`
    its (status, body), `rows(body)` the result rows."""

    request: Callable[[str, str], Any]
    sparql: Callable[[str, Any, str], Any]
    fetch: Callable[[Any, float], tuple[int, bytes]]
    rows: Callable[[bytes], int]


@dataclass
class Rounds:
    """Latencies, errors, row counts per server over rounds, and the rounds whose row counts differ."""

    servers: list[Any]
    lat: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    rows: dict[str, int | None] = field(default_factory=dict)
    mismatches: list[dict[str, Any]] = field(default_factory=list)
    load_before: str = field(default_factory=loadavg)

    def __post_init__(self) -> None:
        """Every server starts with no latency and no error."""
        self.lat = {s.name: [] for s in self.servers}
        self.errors = {s.name: [] for s in self.servers}


def timed_round(
    rounds: Rounds,
    i: int,
    ask: Callable[[Any], Any],
    http: Http,
    timeout: float,
    key: Any,
    counted: bool = True,
) -> None:
    """Round `i`: every server asked `ask(server)` in turn, the first rotating with `i` so that the shared
    machine's load falls on all alike; each 200 timed (when `counted`), its rows compared across servers."""
    found: dict[str, int] = {}
    order = rounds.servers[i % len(rounds.servers) :] + rounds.servers[: i % len(rounds.servers)]
    for server in order:
        t0 = time.perf_counter()
        status, body = http.fetch(ask(server), timeout)
        elapsed = time.perf_counter() - t0
        if status == 200:
            found[server.name] = http.rows(body)
            if counted:
                rounds.lat[server.name].append(elapsed)
        else:
            rounds.errors[server.name].append(f"{status} {body[:120].decode('utf-8', 'replace')}")
        rounds.rows[server.name] = found.get(server.name)
    if len(set(found.values())) > 1:
        rounds.mismatches.append({"key": key, "rows": found})


def _api_or_sparql(http: Http, name: str, params: dict[str, str], text: str) -> Callable[[Any], Any]:
    """The request a server gets for one key: thaiplan's API with the parameters, others the SPARQL."""

    def ask(server: Any) -> Any:
        """One server's request."""
        if server.api:
            return http.request(name, server.api + name + "?" + urllib.parse.urlencode(params))
        return http.sparql(name, server, text)

    return ask


def measure_cold(
    servers: list[Any], store_dir: Path, count: int, seed: int, timeout: float, http: Http
) -> dict[str, Any]:
    """Every named query on `count` never-asked keys, each key on every server in turn; rows compared."""
    keys = cold_params(store_dir, count, seed)
    out: dict[str, Any] = {"keys_per_query": count, "seed": seed, "queries": {}}
    for name in (*SETUP, "search"):
        given = keys[name]
        rounds = Rounds(servers)
        for i, (params, text) in enumerate(zip(given, inline_sparql(store_dir, name, given), strict=True)):
            timed_round(rounds, i, _api_or_sparql(http, name, params, text), http, timeout, params)
        out["queries"][name] = {
            "servers": {s: {**summary(v), "errors": rounds.errors[s][:3]} for s, v in rounds.lat.items()},
            "mismatches": rounds.mismatches[:5],
            "mismatch_count": len(rounds.mismatches),
            "load": f"{rounds.load_before} → {loadavg()}",
        }
    return out


def measure_sparql(
    servers: list[Any], queries: dict[str, str], repeat: int, timeout: float, http: Http
) -> dict[str, Any]:
    """Each SPARQL query `repeat` times on every server in turn (no cache): p50, p95, rows."""
    out: dict[str, Any] = {}
    for name, text in queries.items():
        rounds = Rounds(servers)
        for i in range(repeat + 1):
            # The first round warms each server's pages: not counted.
            timed_round(rounds, i, _api_or_sparql(http, name, {}, text), http, timeout, i, bool(i))
        out[name] = {
            "servers": {s: summary(v) for s, v in rounds.lat.items()},
            "rows": rounds.rows,
            "load": f"{rounds.load_before} → {loadavg()}",
        }
    return out


def get(url: str, accept: str, timeout: float) -> int:
    """GET `url` with `Cache-Control: no-cache`, reading the whole body; its status (0: no answer)."""
    request = urllib.request.Request(url, headers={"Accept": accept, "Cache-Control": "no-cache"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            reply.read()
            return reply.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def first_requests(base: str, store_dir: Path, repeat: int, timeout: float) -> dict[str, Any]:
    """On a server just started: each named query's and page's first request, then the same `repeat`
    times more (cache off): the first against the warm uncached p50 (target: ≤ 2×)."""
    keys = cold_params(store_dir, 1, 7)
    out: dict[str, Any] = {}
    targets = [(n, base + "/api/queries/" + n + "?" + urllib.parse.urlencode(keys[n][0])) for n in keys]
    for page, (path, param) in PAGES.items():
        value = {"trace": keys["trace-up"][0]["entity"], "agency": keys["agency-portfolio"][0]["agency"]}
        value["search"] = keys["search"][0]["q"]
        targets.append((f"page {page}", base + path + "?" + urllib.parse.urlencode({param: value[page]})))
    for label, url in targets:
        times, statuses = [], []
        accept = "text/html" if label.startswith("page") else "application/sparql-results+json"
        for _ in range(repeat + 1):
            t0 = time.perf_counter()
            status = get(url, accept, timeout)
            times.append(time.perf_counter() - t0)
            statuses.append(status)
        warm = statistics.median(times[1:])
        out[label] = {
            "first_ms": round(1000 * times[0], 2),
            "warm_p50_ms": round(1000 * warm, 2),
            "ratio": round(times[0] / warm, 2) if warm else None,
            "statuses": sorted(set(statuses)),
        }
    return out


def stages(store_dir: Path, count: int, seed: int) -> dict[str, Any]:
    """A profile of each named query's cold path, in this process on the same store (no HTTP, no worker):
    parameter resolution (`bind`), the query with its terms substituted, iterated to the last row
    (engine), and its serialization to SPARQL JSON (pyoxigraph's serializer) — medians over the keys."""
    import io

    import pyoxigraph as ox

    from thaiplan.graph.store.local import open_read_only
    from thaiplan.queries import registry
    from thaiplan.queries.execute import execute

    store = open_read_only(store_dir)
    keys = cold_params(store_dir, count, seed + 1)  # other keys than the servers got: nothing is warm
    out: dict[str, Any] = {}
    for name, given in keys.items():
        query = registry.default_registry().get(name)
        spent: dict[str, list[float]] = {"bind": [], "engine": [], "serialize": []}
        for params in given:
            t0 = time.perf_counter()
            bound = query.bind(params, store)
            t1 = time.perf_counter()
            rows = sum(1 for _ in execute(store, query.sparql, bound))
            t2 = time.perf_counter()
            execute(store, query.sparql, bound).serialize(io.BytesIO(), ox.QueryResultsFormat.JSON)
            t3 = time.perf_counter()
            spent["bind"].append(t1 - t0)
            spent["engine"].append(t2 - t1)
            spent["serialize"].append(max(0.0, (t3 - t2) - (t2 - t1)))  # the run again, less the engine
        out[name] = {k: summary(v)["p50_ms"] for k, v in spent.items()} | {"last_rows": rows}
    return out


def measure_rollups(
    servers: list[Any], store_dir: Path, count: int, seed: int, timeout: float, http: Http
) -> dict[str, Any]:
    """Budget roll-ups of never-asked plan parts: thaiplan's `budget-rollup` (read from the build's
    aggregates) against the same roll-up computed live by a GROUP BY on the other servers."""
    import pyoxigraph as ox

    from thaiplan.graph.store.inline import bind_inline
    from thaiplan.graph.store.local import open_read_only

    store = open_read_only(store_dir)
    parts = [
        row["x"].value
        for row in store.query(
            (COLD / "plan-part.rq").read_text(encoding="utf-8"), use_default_graph_as_union=True
        )
    ]
    picked = random.Random(seed).sample(parts, min(count, len(parts)))
    live = (HERE / "queries" / "budget-rollup-live.rq").read_text(encoding="utf-8")
    rounds = Rounds(servers)
    for i, iri in enumerate(picked):
        text = bind_inline(live, {"part": ox.NamedNode(iri)})
        timed_round(
            rounds, i, _api_or_sparql(http, "budget-rollup", {"entity": iri}, text), http, timeout, iri
        )
    return {
        "servers": {s: summary(v) for s, v in rounds.lat.items()},
        "keys": len(picked),
        "mismatch_count": len(rounds.mismatches),
        "mismatches": rounds.mismatches[:5],
        "load": f"{rounds.load_before} → {loadavg()}",
    }


def largest_master_plan(store_dir: Path) -> tuple[str, int]:
    """The master plan with the most items under it (by the trace index) and how many."""
    import pyoxigraph as ox

    from thaiplan.graph.store.local import open_read_only
    from thaiplan.queries import terms

    store = open_read_only(store_dir)
    text = (COLD / "master-plan.rq").read_text(encoding="utf-8")
    plans = [row["x"].value for row in store.query(text, use_default_graph_as_union=True)]
    reach = {q.subject for q in store.quads_for_pattern(None, ox.NamedNode(terms.DEPTH), None, None)}

    def below(iri: str) -> int:
        """How many items reach `iri`."""
        return sum(
            1 for q in store.quads_for_pattern(None, None, ox.NamedNode(iri), None) if q.predicate in reach
        )

    sizes = {iri: below(iri) for iri in plans}
    biggest = max(sizes, key=lambda iri: (sizes[iri], iri))
    return biggest, sizes[biggest]


def measure_paging(
    servers: list[Any], store_dir: Path, repeat: int, timeout: float, http: Http, limit: int = 100
) -> dict[str, Any]:
    """trace-down of the largest master plan (issue 18's paging target): thaiplan's first page of `limit`
    rows and its whole answer (cache off), against every other server's whole answer; rows compared."""
    entity, below = largest_master_plan(store_dir)
    text = inline_sparql(store_dir, "trace-down", [{"entity": entity}])[0]
    whole, first = Rounds(servers), Rounds([s for s in servers if s.api])
    page = {"entity": entity, "limit": str(limit)}
    for i in range(repeat + 1):  # the first round warms each server's pages: not counted
        timed_round(
            whole, i, _api_or_sparql(http, "trace-down", {"entity": entity}, text), http, timeout, i, bool(i)
        )
        timed_round(first, i, _api_or_sparql(http, "trace-down", page, text), http, timeout, i, bool(i))
    return {
        "entity": entity,
        "items_below": below,
        "limit": limit,
        "first_page": {s: summary(v) for s, v in first.lat.items()},
        "first_page_rows": first.rows,
        "whole": {s: summary(v) for s, v in whole.lat.items()},
        "rows": whole.rows,
        "mismatch_count": len(whole.mismatches),
        "load": f"{whole.load_before} → {loadavg()}",
    }
