"""Load test of `thaiplan serve` on 127.0.0.1: concurrent clients, a mix of requests, latency and memory.

Run on demand (never in the unit tests):

    .venv/bin/python bench/load.py                       # shipped graph, 8/32/64 clients, 30 s each
    .venv/bin/python bench/load.py --duration 300        # several minutes per level
    .venv/bin/python bench/load.py --synth 1000000       # the shipped graph plus a 1M-triple synthetic one
    .venv/bin/python bench/load.py --mix sparql=4,named=3,page=2,rdf=1 --levels 8,64
    .venv/bin/python bench/load.py --hostile 32 --levels 8  # issue 13: 32 heavy clients + 8 normal ones

It builds a store in a temporary folder (or uses `--store`), starts `thaiplan serve` on a free port, and
runs one asyncio client per connection (HTTP/1.1 keep-alive, like a browser or a script) for `--duration`
seconds per level after `--warmup` seconds. The mix draws, by weight: raw SPARQL (`bench/queries/mix/*.rq`),
named queries (`/api/queries/<name>` with each query's documented example), resource pages (`/id/…` and
the planners' pages as HTML), and content-negotiated RDF (`/id/…` as Turtle, JSON-LD, N-Triples, RDF/XML).
It samples the resident memory of the server and its query workers every second, and writes a report to
`bench/results/load-<graph>-<UTC time>.md`: throughput, p50/p95/p99 per kind, status counts, memory.
Targets (issue 8): no error other than deliberate 503/429; p99 within 10x p50; memory flat after warm-up.

`--hostile N` (issue 13) adds N heavy clients beside each level's normal ones: each loops on
`bench/queries/hostile/cross-count.rq` (a COUNT over a three-way cross product, sent with
`Cache-Control: no-cache` so that it always runs). Every client, heavy or normal, connects from its own
loopback address (127.0.1.x heavy, 127.0.2.x normal), so the server tells them apart as it would tell
remote clients apart, and the server runs with `--client-concurrency` (2 unless given). The report's
table is the normal clients' latencies; the heavy clients' statuses are listed below it. `--heavy-fresh`
sends each heavy query from a new address, `--heavy-vary` each with a text never sent before (a comment),
so that the server can know neither the client nor the query to be heavy before it runs.
The server is measured once it has said that its warm-up ended (issue 18: `thaiplan serve` runs every
named query and keyed page once in the background, and prints `thaiplan serve: warmed up in …` to stderr),
so that the first requests are a planner's on a server that is up, not requests racing the warm-up.
Over 400 lines because the load scenarios (mix, hostile, cold keys) share one client loop, one report
and one server start, so that their numbers stay comparable.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from thaiplan.ontology.namespace import ID_BASE
from thaiplan.server.warmup import WARMED

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
QUERIES = HERE / "queries"  # mix/: the raw SPARQL of the mix; setup/: what the script asks itself;
# hostile/: the heavy clients' query
RESULTS = HERE / "results"
RDF_TYPES = ["text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml"]
DEFAULT_MIX = "sparql=3,named=3,page=2,rdf=2"
DELIBERATE = {429, 503}  # the budget and the time limit: refusals the server means to give
# The start of the line `thaiplan serve` writes to stderr when its warm-up has ended (issue 18), and how
# long a start waits for it (at 10M triples the warm-up takes minutes).
WARMED_LINE = "thaiplan serve: " + WARMED.split("%", 1)[0]
WARMUP_SECONDS = 300.0
# The start of the last error body read on each connection (the report quotes the first per kind/status).
LAST_ERROR: dict[object, str] = {}


@dataclass(frozen=True)
class Target:
    """One request of the mix: its kind, path and Accept header."""

    kind: str
    path: str
    accept: str
    extra: str = ""  # more request headers, each ending in CRLF (the cold keys' Cache-Control)


@dataclass
class LevelResult:
    """What one concurrency level measured."""

    clients: int
    seconds: float
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    rss: list[tuple[float, int]] = field(default_factory=list)
    heavy: Counter[int] = field(default_factory=Counter)  # statuses of the heavy clients (--hostile)
    heavy_failures: Counter[str] = field(default_factory=Counter)
    # The first refusal's message per (kind, status): what a 429/503 said, for the report.
    messages: dict[tuple[str, int], str] = field(default_factory=dict)


# --- the server -----------------------------------------------------------------------------------------


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def thaiplan(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run a `thaiplan` sub-command, failing loudly."""
    return subprocess.run(
        [sys.executable, "-m", "thaiplan.cli", *args], check=True, capture_output=True, text=True, env=env
    )


def build_shipped(store_dir: Path) -> None:
    """Build the shipped graph into `store_dir`."""
    thaiplan("build", "--store", str(store_dir))


def build_with_synth(store_dir: Path, triples: int, work: Path) -> None:
    """The shipped graph plus a synthetic graph of about `triples` triples, in one snapshot.

    The synthetic passages quote synthetic documents, which the build's quote check would refuse, so the
    snapshot is filled here with the build's own steps (load, closures, indexes) minus the quote check.
    """
    import pyoxigraph as ox

    from thaiplan.graph.build import indexes
    from thaiplan.graph.build.inputs import GRAPH_BASE, Input, build_inputs
    from thaiplan.graph.build.pipeline import load_file
    from thaiplan.graph.store.local import build_lock, new_snapshot

    synth = work / "synth.nt"
    thaiplan("synth", "--triples", str(triples), "--output", str(synth))
    with build_lock(store_dir), new_snapshot(store_dir) as (_sid, path):
        store = ox.Store(str(path))
        for item in [*build_inputs(), Input(synth, GRAPH_BASE + "synth")]:
            load_file(store, item)
        indexes.materialize(store)  # the closures, the search index and the trace index
        store.flush()
        store.optimize()
        del store


def start_server(
    store_dir: Path,
    port: int,
    workers: int,
    threads: int,
    timeout: float,
    log: Path,
    cache_mb: int = 64,
    concurrency: int | None = None,
    warmed: float | None = WARMUP_SECONDS,
) -> subprocess.Popen:
    """`thaiplan serve` in the background, its messages to `log`; returns once it answers and, unless
    `warmed` is None, once it has said its warm-up ended (waiting `warmed` seconds at most).

    The log is a file, not a pipe: waitress warns about its queue under load, and a pipe nobody reads
    would fill up and stop the server's main loop.
    """
    offset = log.stat().st_size if log.is_file() else 0  # the log is appended to: this start's lines only
    env = {
        **os.environ,
        "THAIPLAN_CLIENT_BUDGET_SECONDS": os.environ.get("THAIPLAN_CLIENT_BUDGET_SECONDS", "0"),
        "THAIPLAN_ANSWER_CACHE_MB": str(cache_mb),
    }
    if concurrency is not None:  # per-client limits and the light clients' lane (issue 13)
        env["THAIPLAN_CLIENT_CONCURRENCY"] = str(concurrency)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "thaiplan.cli",
            "serve",
            "--store",
            str(store_dir),
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--query-timeout",
            str(timeout),
        ],
        stdout=subprocess.DEVNULL,
        stderr=open(log, "ab"),  # noqa: SIM115 - the child holds it; closed when the script exits
        env=env,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            ask = urllib.parse.quote("ASK {}")
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/sparql?query={ask}", timeout=5) as reply:
                if reply.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        raise SystemExit("the server did not answer within 120 s")
    if warmed is not None:
        print(wait_warmed(proc, log, offset, warmed), file=sys.stderr, flush=True)
    return proc


def wait_warmed(proc: subprocess.Popen, log: Path, offset: int, seconds: float) -> str:
    """Wait for the server's warm-up line in `log` past `offset` (issue 18); the line, or why not."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with log.open("rb") as f:
            f.seek(offset)
            for line in f.read().decode("utf-8", "replace").splitlines():
                if line.startswith(WARMED_LINE):
                    return line
        if proc.poll() is not None:
            raise SystemExit(f"the server exited: {log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.5)
    # Measured anyway: the report says so, and a first request then races the warm-up's last requests.
    return f"thaiplan serve: warm-up not ended within {seconds:.0f} s"


def tree_rss(pid: int) -> int:
    """Resident memory (bytes) of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = defaultdict(list)
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children[ppid].append(int(entry))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo.extend(children.get(current, []))
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total


# --- the mix --------------------------------------------------------------------------------------------


def get_json(base: str, path: str, accept: str = "application/json") -> object:
    """GET a JSON document from the server."""
    request = urllib.request.Request(base + path, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=60) as reply:
        return json.load(reply)


def sparql_targets() -> list[Target]:
    """Every query of bench/queries/mix as a GET /sparql with JSON results."""
    targets = []
    for path in sorted((QUERIES / "mix").glob("*.rq")):
        query = urllib.parse.quote(path.read_text(encoding="utf-8"))
        accept = "application/sparql-results+json, text/turtle;q=0.9"  # SELECT/ASK or CONSTRUCT/DESCRIBE
        targets.append(Target("sparql", f"/sparql?query={query}", accept))
    return targets


def named_targets(base: str, entities: list[str]) -> list[Target]:
    """Every public named query with its documented example, and the trace/portfolio queries per entity."""
    try:
        listing = get_json(base, "/api/queries")
    except OSError:
        return []
    targets = []
    for query in listing.get("queries", []):  # type: ignore[attr-defined]
        params = {
            p["name"]: p["example"] for p in query.get("parameters", []) if p.get("example") is not None
        }
        if any(p.get("required") and p.get("example") is None for p in query.get("parameters", [])):
            continue
        qs = urllib.parse.urlencode(params)
        targets.append(Target("named", f"/api/queries/{query['name']}?{qs}", "application/json"))
    # Each sampled entity as a parameter too, so that the named queries also run on the data the
    # answer cache has not seen yet (the documented examples alone are all cache hits after warm-up).
    for path in entities:
        iri = urllib.parse.quote(ID_BASE + path.removeprefix("/id/"), safe="")
        names = ("agency-portfolio",) if path.startswith("/id/agency/") else ("trace-up", "trace-down")
        param = "agency" if path.startswith("/id/agency/") else "entity"
        targets += [Target("named", f"/api/queries/{n}?{param}={iri}", "application/json") for n in names]
    return targets


def entity_paths(base: str, limit: int, seed: int) -> list[str]:
    """Paths under /id/ of `limit` entities drawn with `seed` from bench/queries/setup/entities.rq's list."""
    query = urllib.parse.quote((QUERIES / "setup" / "entities.rq").read_text(encoding="utf-8"))
    rows = get_json(base, f"/sparql?query={query}", "application/sparql-results+json")
    iris = [b["s"]["value"] for b in rows["results"]["bindings"]]  # type: ignore[index]
    prefix = ID_BASE
    paths = ["/id/" + iri[len(prefix) :] for iri in iris if iri.startswith(prefix)]
    # A seeded sample, not the first few: on a synthetic graph the first IRIs are all the shipped ones.
    return sorted(random.Random(seed).sample(paths, min(limit, len(paths))))


def page_targets(base: str, entities: list[str]) -> list[Target]:
    """Resource pages and the planners' pages, as HTML, where the server has them."""
    targets = [Target("page", path, "text/html") for path in entities]
    for path in (
        "/",
        "/search?q=%E0%B8%A2%E0%B8%B7%E0%B8%99%E0%B8%A2%E0%B8%B1%E0%B8%99",
        "/trace?entity=BR0201",
        "/agency?agency=opdc",
        "/gaps",
    ):
        targets.append(Target("page", path, "text/html"))
    return targets


def rdf_targets(entities: list[str]) -> list[Target]:
    """The same resources as RDF, by content negotiation."""
    return [Target("rdf", path, RDF_TYPES[i % len(RDF_TYPES)]) for i, path in enumerate(entities)]


def probe(base: str, targets: list[Target]) -> list[Target]:
    """Keep the targets the server answers with 2xx now (pages that do not exist yet drop out)."""
    kept = []
    for target in targets:
        request = urllib.request.Request(base + target.path, headers={"Accept": target.accept})
        try:
            with urllib.request.urlopen(request, timeout=60) as reply:
                if 200 <= reply.status < 300:
                    kept.append(target)
        except OSError:
            continue
    return kept


class ColdTargets(Sequence[Target]):
    """Never-asked requests (issue 18's cold keys): every item read is the next target of a stream.

    The clients pick with `rng.choice`, which reads one item at a random index: here each read takes the
    next of the pairs (named query or page, parameter), so no request repeats until the stream runs out
    (then it starts over, which the report says). Sent with `Cache-Control: no-cache`, beside a server
    whose answer cache is off.
    """

    def __init__(self, targets: list[Target]) -> None:
        self.targets = targets
        self.served = 0

    def __len__(self) -> int:
        return len(self.targets)

    def __getitem__(self, index: Any) -> Any:
        target = self.targets[self.served % len(self.targets)]
        self.served += 1
        return target


def cold_targets(base: str, seed: int) -> dict[str, ColdTargets]:
    """The cold-key mix: trace-up/-down, agency-portfolio, indicator-series and search on parameters
    drawn from the whole graph, and the trace and agency pages on others, each asked once."""
    from thaiplan.graph.synth.words import FIELDS, PROJECT_OBJECTS

    def iris(name: str) -> list[str]:
        query = urllib.parse.quote(
            (HERE / "queries" / "scale-cold" / f"{name}.rq").read_text(encoding="utf-8")
        )
        rows = get_json(base, f"/sparql?query={query}", "application/sparql-results+json")
        return [b["x"]["value"] for b in rows["results"]["bindings"]]  # type: ignore[index]

    rng = random.Random(seed)
    no_cache = "Cache-Control: no-cache\r\n"
    projects, agencies, indicators = iris("project"), iris("agency"), iris("indicator")
    for values in (projects, agencies, indicators):
        rng.shuffle(values)
    words = sorted({f"{a} {b}" for a, _ in FIELDS for b, _ in PROJECT_OBJECTS})
    rng.shuffle(words)
    half = len(projects) // 2
    named = [
        *(("trace-up", "entity", p) for p in projects[:half]),
        *(("trace-down", "entity", p) for p in projects[half:]),
        *(("agency-portfolio", "agency", a) for a in agencies[::2]),
        *(("indicator-series", "indicator", i) for i in indicators),
        *(("search", "q", w) for w in words),
    ]
    rng.shuffle(named)
    pages = [
        *(("/trace", "entity", p) for p in projects[half::2]),
        *(("/agency", "agency", a) for a in agencies[1::2]),
    ]
    rng.shuffle(pages)
    api = "/api/queries/"
    return {
        "named": ColdTargets(
            [
                Target("named", f"{api}{n}?{urllib.parse.urlencode({k: v})}", "application/json", no_cache)
                for n, k, v in named
            ]
        ),
        "page": ColdTargets(
            [
                Target("page", f"{path}?{urllib.parse.urlencode({k: v})}", "text/html", no_cache)
                for path, k, v in pages
            ]
        ),
    }


def parse_mix(text: str) -> dict[str, int]:
    """`sparql=4,named=3,page=2,rdf=1` as weights."""
    weights = {}
    for part in text.split(","):
        name, _, weight = part.partition("=")
        weights[name.strip()] = int(weight or 1)
    return weights


# --- the clients ----------------------------------------------------------------------------------------


async def request(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str, target: Target, extra: str = ""
) -> tuple[int, bool]:
    """Send one GET on a kept-alive connection; return the status and whether the connection stays open."""
    writer.write(
        f"GET {target.path} HTTP/1.1\r\nHost: {host}\r\nAccept: {target.accept}\r\n"
        f"User-Agent: thaiplan-load\r\n{extra}\r\n".encode("ascii")
    )
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {
        k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)
    }
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
        if status >= 400:
            text = re.sub(r"<head>.*?</head>|<[^>]+>", " ", body.decode("utf-8", "replace"), flags=re.S)
            LAST_ERROR[writer] = " ".join(text.split())[:300]  # an error page's words, not its markup
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        await reader.read()
        return status, False
    return status, headers.get("connection", "").lower() != "close"


async def client(
    port: int,
    mix: list[tuple[str, list[Target]]],
    weights: list[int],
    until: float,
    measure_from: float,
    result: LevelResult,
    rng: random.Random,
    source: str | None = None,
) -> None:
    """One client (from the loopback address `source`): a kept-alive connection, requests back to back."""
    host = f"127.0.0.1:{port}"
    local = (source, 0) if source else None
    reader = writer = None
    while time.monotonic() < until:
        kind, targets = rng.choices(mix, weights)[0]
        target = rng.choice(targets)
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=local)
            started = time.monotonic()
            status, keep = await request(reader, writer, host, target, target.extra)  # type: ignore[arg-type]
            elapsed = time.monotonic() - started
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            if time.monotonic() >= measure_from:
                result.failures[type(exc).__name__] += 1
            writer = None
            await asyncio.sleep(0.05)
            continue
        if not keep:
            writer.close()
            writer = None
        if started >= measure_from:
            result.latencies[kind].append(elapsed)
            result.statuses[(kind, status)] += 1
            if status >= 400 and (kind, status) not in result.messages:
                result.messages[(kind, status)] = LAST_ERROR.pop(writer, "")
    if writer is not None:
        writer.close()


async def heavy_client(
    port: int, until: float, result: LevelResult, source: str, fresh: bool = False, vary: bool = False
) -> None:
    """One heavy client (--hostile): the cross-product COUNT again and again, never from the cache.

    With `fresh` (--heavy-fresh), each query comes from a loopback address not used before, on a new
    connection: new heavy clients keep arriving, none of them known to the server yet. With `vary`
    (--heavy-vary), each query's text differs (a comment): the server cannot know it from its digest.
    """
    text = (QUERIES / "hostile" / "cross-count.rq").read_text(encoding="utf-8")
    target = Target("heavy", f"/sparql?query={urllib.parse.quote(text)}", "application/sparql-results+json")
    host = f"127.0.0.1:{port}"
    reader = writer = None
    sent, index = 0, int(source.rsplit(".", 1)[1])
    while time.monotonic() < until:
        try:
            if fresh and writer is not None:
                writer.close()
                writer = None
            sent += 1
            if fresh:
                source = f"127.1.{index}.{1 + sent % 250}"  # 250 addresses per heavy client, in turn
            if vary:
                query = urllib.parse.quote(f"{text}\n# heavy {index} {sent} {time.time()}")
                target = Target("heavy", f"/sparql?query={query}", "application/sparql-results+json")
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0))
            request_ = request(reader, writer, host, target, "Cache-Control: no-cache\r\n")  # type: ignore[arg-type]
            status, keep = await asyncio.wait_for(request_, max(0.1, until - time.monotonic()))
        except TimeoutError:
            break  # the level is over: the query still running is the server's to cancel
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            result.heavy_failures[type(exc).__name__] += 1
            writer = None
            await asyncio.sleep(0.05)
            continue
        result.heavy[status] += 1
        if not keep:
            writer.close()
            writer = None
        if status in (429, 503):
            await asyncio.sleep(0.2)  # ignores Retry-After, as an abusive client would, but does not spin
    if writer is not None:
        writer.close()


async def new_client_probe(
    port: int, until: float, measure_from: float, result: LevelResult, every: float = 0.5
) -> None:
    """Brand-new clients (--hostile): every `every` s one never seen before asks one light, uncached query.

    Each comes from a loopback address no one used before (127.0.3.x, then 127.0.4.x, …) on a fresh
    connection, so the server cannot know it is light: the issue's "light query from another client".
    """
    host = f"127.0.0.1:{port}"
    n = 0
    while time.monotonic() < until:
        n += 1
        source = f"127.0.{3 + n // 250}.{1 + n % 250}"
        query = urllib.parse.quote(f"SELECT ?n WHERE {{ BIND({n} AS ?n) }} # new client {time.time()}")
        target = Target("new", f"/sparql?query={query}", "application/sparql-results+json")
        started = time.monotonic()
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0))
            status, _ = await request(reader, writer, host, target, "Connection: close\r\n")
            writer.close()
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            if started >= measure_from:
                result.failures[type(exc).__name__] += 1
            await asyncio.sleep(every)
            continue
        if started >= measure_from:
            result.latencies["new"].append(time.monotonic() - started)
            result.statuses[("new", status)] += 1
            if status >= 400 and ("new", status) not in result.messages:
                result.messages[("new", status)] = LAST_ERROR.pop(writer, "")
        await asyncio.sleep(max(0.0, every - (time.monotonic() - started)))


def rss_sampler(pid: int, result: LevelResult, stop: threading.Event, t0: float) -> None:
    """Sample the server's memory (with its workers) every second."""
    while not stop.is_set():
        result.rss.append((time.monotonic() - t0, tree_rss(pid)))
        stop.wait(1.0)


def run_level(
    port: int,
    pid: int,
    clients: int,
    duration: float,
    warmup: float,
    mix: list[tuple[str, list[Target]]],
    weights: list[int],
    seed: int,
    hostile: int = 0,
    fresh: bool = False,
    vary: bool = False,
) -> LevelResult:
    """Run `clients` clients (and `hostile` heavy ones) for warm-up plus duration; measure after warm-up."""
    result = LevelResult(clients=clients, seconds=duration)
    stop = threading.Event()
    t0 = time.monotonic()
    sampler = threading.Thread(target=rss_sampler, args=(pid, result, stop, t0), daemon=True)
    sampler.start()

    async def main() -> None:
        """All clients at once."""
        start = time.monotonic()
        until, measure_from = start + warmup + duration, start + warmup
        rngs = [random.Random(seed * 1000 + i) for i in range(clients)]
        # With heavy clients, every client has its own loopback address: the server tells them apart.
        sources = [f"127.0.2.{1 + i}" if hostile else None for i in range(clients)]
        normal = [
            client(port, mix, weights, until, measure_from, result, r, s)
            for r, s in zip(rngs, sources, strict=True)
        ]
        heavy = [heavy_client(port, until, result, f"127.0.1.{1 + i}", fresh, vary) for i in range(hostile)]
        probes = [new_client_probe(port, until, measure_from, result)] if hostile else []
        await asyncio.gather(*normal, *heavy, *probes)

    asyncio.run(main())
    stop.set()
    sampler.join()
    return result


# --- the report -----------------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) in milliseconds."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))] * 1000


def level_table(result: LevelResult) -> list[str]:
    """Markdown rows of one level: per kind and overall."""
    rows = []
    every = [v for values in result.latencies.values() for v in values]
    for kind in [*sorted(result.latencies), "all"]:
        values = every if kind == "all" else result.latencies[kind]
        statuses = Counter()
        for (k, status), n in result.statuses.items():
            if kind in ("all", k):
                statuses[status] += n
        status_text = " ".join(f"{s}×{n}" for s, n in sorted(statuses.items()))
        rows.append(
            f"| {result.clients} | {kind} | {len(values)} | {len(values) / result.seconds:.1f} | "
            f"{percentile(values, 50):.1f} | {percentile(values, 95):.1f} | {percentile(values, 99):.1f} | "
            f"{status_text} |"
        )
    return rows


def verdicts(result: LevelResult, warmup: float) -> str:
    """The issue's targets, checked for one level."""
    every = [v for values in result.latencies.values() for v in values]
    errors = sum(
        n for (_, status), n in result.statuses.items() if status >= 400 and status not in DELIBERATE
    )
    errors += sum(result.failures.values())
    p50, p99 = percentile(every, 50), percentile(every, 99)
    # The mix blends kinds ~10x apart in cost (a page runs several queries), so the ratio is also given
    # per kind: the tail of one kind of request is what a user of that kind waits for.
    ratios = {k: percentile(v, 99) / percentile(v, 50) for k, v in sorted(result.latencies.items()) if v}
    per_kind = ", ".join(f"{k} {r:.1f}" for k, r in ratios.items())
    after = [rss for t, rss in result.rss if t >= warmup]
    grow = (after[-1] - after[0]) / after[0] * 100 if len(after) > 1 and after[0] else 0.0
    return (
        f"{result.clients} clients: errors (not 503/429) {errors} {'✓' if errors == 0 else '✗'}; "
        f"p99/p50 = {p99 / p50:.1f} {'✓' if p99 <= 10 * p50 else '✗'} (per kind: {per_kind}); "
        f"RSS after warm-up {mib(after[0]) if after else 0} → {mib(after[-1]) if after else 0} MiB "
        f"({grow:+.1f} %) {'✓' if abs(grow) < 10 else '✗'}; connection failures {dict(result.failures) or 0}"
    )


def mib(size: int) -> str:
    """Bytes as whole MiB."""
    return f"{size / 2**20:.0f}"


def memory_series(result: LevelResult) -> str:
    """The RSS samples, every fifth, as `t s: MiB`."""
    return ", ".join(f"{t:.0f}s {rss / 2**20:.0f}" for t, rss in result.rss[::5])


def write_report(
    args: argparse.Namespace,
    label: str,
    results: list[LevelResult],
    mix_sizes: dict[str, int],
    commit: str,
    triples: str,
    log_summary: str,
) -> Path:
    """Write bench/results/load-<label>-<time>.md and return its path."""
    RESULTS.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    out = args.out or RESULTS / f"load-{label}-{stamp}.md"
    hostile = (
        f"; client concurrency {args.client_concurrency}, {args.hostile} heavy clients"
        f"{' (fresh)' if args.heavy_fresh else ''}{' (varied texts)' if args.heavy_vary else ''}"
        ", standby workers "
        f"{os.environ.get('THAIPLAN_WORKER_STANDBY') or '(default)'}; load average at the end "
        f"{' / '.join(f'{x:.2f}' for x in os.getloadavg())} (1 / 5 / 15 min)"
        if args.hostile
        else ""
    )
    lines = [
        f"# Load test: {label} graph, {stamp}",
        "",
        f"- command: `.venv/bin/python bench/load.py {' '.join(sys.argv[1:])}`",
        f"- commit: `{commit}`; machine: {platform.platform()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}",
        f"- graph: {triples}; server: `thaiplan serve` with {args.workers} query workers, "
        f"{args.threads} threads, query time limit {args.timeout:g} s, client budget off, "
        f"answer cache {args.answer_cache_mb} MiB"
        + (" (off)" if args.answer_cache_mb == 0 else "")
        + hostile,
        f"- mix weights: {args.mix}; distinct requests per kind: {mix_sizes}"
        + (
            f"; **cold keys** (issue 18): every request a parameter never asked before, `Cache-Control: "
            f"no-cache`; load average at the start {os.getloadavg()[0]:.2f} (2 CPUs shared with other work)"
            if args.cold_keys
            else ""
        ),
        f"- each level: {args.warmup:g} s warm-up (not measured), then {args.duration:g} s measured; clients "
        "send requests back to back on kept-alive connections (closed loop, no think time)",
        "",
        "| clients | kind | requests | req/s | p50 ms | p95 ms | p99 ms | statuses |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for result in results:
        lines.extend(level_table(result))
    if args.hostile:
        lines += ["", f"Heavy clients ({args.hostile}, looping on `bench/queries/hostile/cross-count.rq`):"]
        for r in results:
            heavy = " ".join(f"{s}×{n}" for s, n in sorted(r.heavy.items())) or "none"
            failures = dict(r.heavy_failures) or 0
            lines.append(f"- with {r.clients} normal clients: statuses {heavy}; failures {failures}")
    messages = {key: text for r in results for key, text in r.messages.items()}
    if messages:
        lines += ["", "First refusal per kind and status:"]
        lines += [f"- {kind} {status}: {text!r}" for (kind, status), text in sorted(messages.items())]
    lines += ["", "## Targets", ""]
    lines += [f"- {verdicts(r, args.warmup)}" for r in results]
    lines += ["", f"Server log: {log_summary}", ""]
    lines += ["## Server RSS (web process + query workers), MiB, every 5 s", ""]
    lines += [f"- {r.clients} clients: {memory_series(r)}" for r in results]
    Path(out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Path(out)


def main() -> None:
    """Parse arguments, prepare the store and server, run every level, write the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, help="serve this store (default: build one in a temp folder)")
    parser.add_argument("--synth", type=int, metavar="TRIPLES", help="add a synthetic graph of this size")
    parser.add_argument("--levels", default="8,32,64", help="concurrent clients per level (8,32,64)")
    parser.add_argument("--duration", type=float, default=30.0, help="measured seconds per level (30)")
    parser.add_argument("--warmup", type=float, default=5.0, help="unmeasured seconds per level first (5)")
    parser.add_argument("--mix", default=DEFAULT_MIX, help="weights per kind")
    parser.add_argument(
        "--cold-keys",
        action="store_true",
        help="issue 18: every named query and page on a parameter never asked before (named=3,page=1 "
        "unless --mix); use with --answer-cache-mb 0",
    )
    parser.add_argument("--workers", type=int, default=2, help="query worker processes (2)")
    parser.add_argument("--threads", type=int, default=16, help="server threads (16)")
    parser.add_argument("--timeout", type=float, default=30.0, help="query time limit, seconds (30)")
    parser.add_argument("--entities", type=int, default=60, help="resources to request as pages and RDF")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--answer-cache-mb", type=int, default=64, help="the server's answer cache, MiB (0: off) (64)"
    )
    parser.add_argument(
        "--hostile", type=int, default=0, metavar="N", help="add N heavy clients to every level (issue 13)"
    )
    parser.add_argument(
        "--client-concurrency", type=int, default=2, help="the server's per-client limit with --hostile (2)"
    )
    parser.add_argument(
        "--heavy-fresh",
        action="store_true",
        help="with --hostile: each heavy query from a new address (new heavy clients keep arriving)",
    )
    parser.add_argument(
        "--heavy-vary",
        action="store_true",
        help="with --hostile: each heavy query with a text never sent before (its digest unknown)",
    )
    parser.add_argument("--out", type=Path, help="report path (default bench/results/load-…md)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="thaiplan-load-") as tmp:
        work = Path(tmp)
        store_dir = args.store
        label = "store"
        if store_dir is None:
            store_dir = work / "store"
            print("building the store …", flush=True)
            if args.synth:
                build_with_synth(store_dir, args.synth, work)
                label = f"synth{args.synth // 1000}k"
            else:
                build_shipped(store_dir)
                label = "shipped"
        if args.hostile:
            label += f"-hostile{args.hostile}"
        if args.cold_keys:
            label += "-cold"
        port = free_port()
        log = work / "serve.log"
        # The normal mix comes from one address: without --hostile, sharing off (it would see one client).
        concurrency = args.client_concurrency if args.hostile else 0
        server = start_server(
            store_dir, port, args.workers, args.threads, args.timeout, log, args.answer_cache_mb, concurrency
        )
        try:
            base = f"http://127.0.0.1:{port}"
            count = get_json(
                base,
                "/sparql?query="
                + urllib.parse.quote((QUERIES / "setup" / "count.rq").read_text(encoding="utf-8")),
                "application/sparql-results+json",
            )
            triples = f"{int(count['results']['bindings'][0]['n']['value']):,} quads"  # type: ignore[index]
            entities = entity_paths(base, args.entities, args.seed)
            candidates = {
                "sparql": sparql_targets(),
                "named": named_targets(base, entities),
                "page": page_targets(base, entities),
                "rdf": rdf_targets(entities),
            }
            weights = parse_mix(args.mix)
            mix = [(kind, probe(base, candidates[kind])) for kind in weights if kind in candidates]
            if args.cold_keys:  # issue 18: named queries and pages on never-asked parameters only
                cold = cold_targets(base, args.seed)
                args.mix = args.mix if args.mix != DEFAULT_MIX else "named=3,page=1"
                weights = parse_mix(args.mix)
                mix = [(kind, cold[kind]) for kind in weights if kind in cold]
            mix = [(kind, targets) for kind, targets in mix if targets]
            sizes = {kind: len(targets) for kind, targets in mix}
            print(f"graph: {triples}; mix: {sizes}", flush=True)
            results = []
            for clients in (int(c) for c in args.levels.split(",")):
                print(f"{clients} clients for {args.warmup:g}+{args.duration:g} s …", flush=True)
                result = run_level(
                    port,
                    server.pid,
                    clients,
                    args.duration,
                    args.warmup,
                    mix,
                    [weights[k] for k, _ in mix],
                    args.seed,
                    args.hostile,
                    args.heavy_fresh,
                    args.heavy_vary,
                )
                results.append(result)
                print("  " + verdicts(result, args.warmup), flush=True)
            if args.cold_keys:  # how many were asked: past the stream's length some keys came again
                sizes = {k: f"{len(v)}, asked {v.served}" for k, v in mix}  # type: ignore[attr-defined]
            commit = subprocess.run(
                ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True
            ).stdout
            text = log.read_text(errors="replace")
            log_summary = (
                f"{text.count('Traceback')} tracebacks, {text.count(' ERROR ')} errors, "
                f"{text.count('Task queue depth')} waitress queue-depth warnings; measured after "
                + next((f"`{w}`" for w in text.splitlines() if w.startswith(WARMED_LINE)), "no warm-up line")
            )
            out = write_report(args, label, results, sizes, commit.strip() or "unknown", triples, log_summary)
            print(f"report: {out}")
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()


if __name__ == "__main__":
    main()
