"""Issue 13 §2: memory bounded per query (a ceiling in each worker) and per answer (a byte cap).

The issue's three queries run against a real `thaiplan serve` whose workers have a small ceiling: each is
a 503 with a message, the server keeps answering, and the web process never grows by the answer's size.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.test_isolation_support import CROSS_ORDER, Served, doubling_concat, get, peak_rss_mib, serve
from tests.test_sparql_support import make_store, running_app

pytestmark = pytest.mark.slow

# The worker's ceiling in the tests: well above what a worker needs, far below what the queries take.
CEILING_MB = 384
# The issue's queries: 8 characters doubled 27 times (1 GiB), the sorted cross product, and a one-row
# answer of 10 characters doubled 25 times (335,544,320 bytes).
HOSTILE = {
    "concat-27": doubling_concat(27),
    "order-by-cross-product": CROSS_ORDER,
    "one-row-335-MB": doubling_concat(25, seed="x" * 10, project_length=False),
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test store with 300 numbers: ~305 triples, a cross product of ~2.8e7 rows."""
    return make_store(tmp_path_factory.mktemp("memory") / "store", numbers=300)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_memory_hungry_query_is_a_503_and_the_server_goes_on_issue13(store: Path, name: str) -> None:
    with serve(store, workers=1, worker_memory_mb=CEILING_MB, query_timeout=60) as served:
        web_before = peak_rss_mib(served.proc.pid)
        answer = get(served, HOSTILE[name], timeout=90)
        assert answer.status == 503, answer.body[:300]
        # Stopped by the memory ceiling or the answer's byte cap, not by the time limit (60 s).
        assert "more memory than" in answer.body or "larger than" in answer.body, answer.body[:300]
        assert "Traceback" not in answer.body
        assert "Retry-After" in answer.headers
        # The web process never held the answer (nor anything near the query's appetite).
        assert peak_rss_mib(served.proc.pid) - web_before < 100
        for _ in range(3):  # and the server goes on answering, from a fresh worker
            after = get(served, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", timeout=60)
            assert after.status == 200, after.body[:300]
            assert '"value":"30' in after.body  # 305 triples


def test_answer_over_the_byte_cap_is_a_503_in_every_format_issue13(store: Path) -> None:
    big = doubling_concat(17, seed="x" * 10, project_length=False)  # one row of 1,310,720 characters
    construct = (
        "CONSTRUCT { <urn:s> <urn:p> ?v17 } WHERE { " + big.split("WHERE {", 1)[1].rsplit("}", 1)[0] + " }"
    )
    with running_app(store, workers=1, max_answer_bytes=1_000_000, worker_memory_mb=0) as app:
        client = app.test_client()
        for fmt in ("json", "xml", "csv", "tsv"):
            reply = client.get("/sparql", query_string={"query": big, "format": fmt})
            assert reply.status_code == 503, (fmt, reply.status_code)
            assert "larger than 1000000 bytes" in reply.get_data(as_text=True)
        for fmt in ("turtle", "ntriples", "jsonld"):
            reply = client.get("/sparql", query_string={"query": construct, "format": fmt})
            assert reply.status_code == 503, (fmt, reply.status_code)
        small = doubling_concat(10, seed="x" * 10, project_length=False)  # 10 KiB: under the cap
        reply = client.get("/sparql", query_string={"query": small})
        assert reply.status_code == 200
        assert len(reply.json["results"]["bindings"][0]["v10"]["value"]) == 10 * 1024


def wait_for_replacement(served: Served, old: int, within: float = 30.0) -> list[int]:
    """The server's workers once `old` has gone and another has taken its place (AssertionError if not)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        workers = served.workers()
        if old not in workers and workers:
            return workers
        time.sleep(0.2)
    raise AssertionError(f"worker {old} was not replaced: {served.workers()}")


def test_a_worker_that_grew_is_replaced_after_its_answer_issue13(store: Path) -> None:
    # One worker, no light clients' lane (no reserve, no standby): the worker that answers is the only one.
    with serve(store, workers=1, client_concurrency=0, worker_recycle_mb=64, query_timeout=60) as served:
        (first,) = served.workers()
        small = get(served, "ASK { ?s ?p ?o }")
        assert small.status == 200, small.body
        assert served.workers() == [first]  # a query that needed little leaves its worker in place
        # 8 characters doubled 24 times: a 128 MiB string at its peak, given back after the answer.
        grown = get(served, doubling_concat(24), timeout=90)
        assert grown.status == 200, grown.body[:300]
        assert '"value":"134217728"' in grown.body
        (second,) = wait_for_replacement(served, first)
        assert second != first
        after = get(served, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", timeout=60)
        assert after.status == 200, after.body[:300]  # the next query answers, from the fresh worker
        assert '"value":"30' in after.body
        assert served.workers() == [second]


def test_recycling_can_be_turned_off_issue13(store: Path) -> None:
    with serve(store, workers=1, client_concurrency=0, worker_recycle_mb=0, query_timeout=60) as served:
        (first,) = served.workers()
        assert get(served, doubling_concat(24), timeout=90).status == 200
        assert get(served, "ASK { ?s ?p ?o }").status == 200
        assert served.workers() == [first]
