"""Hostile HTTP input, property-based (issue 8): every input of /sparql, the API and the pages.

Hypothesis sends query strings and bodies (valid and invalid UTF-8, SPARQL-like fragments, any script,
RTL and zero-width characters), Accept and Content-Type headers, `format`, dataset IRIs, named-query
parameters, `/id/…` paths (traversal, encoded slashes, very long) and search text to the real app over the
shipped graph, with real query workers. Every answer must be a 2xx/3xx/4xx (or a deliberate 503 from the
time limit), never a 500, never a traceback, and it must come back in bounded time.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from urllib.parse import quote, quote_from_bytes

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_sparql_support import running_app
from thaiplan.config import Config
from thaiplan.graph.build.pipeline import build

# Bounded: a modest number of examples per property, no per-example deadline (the worker round trip
# varies on CI), no example database written into the checkout.
FUZZ = settings(
    max_examples=80,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
QUERY_TIMEOUT = 5.0
# A request may take the query time limit, plus the page's other queries and the round trips.
MAX_SECONDS = 4 * QUERY_TIMEOUT

# Text in any script, with the characters that break naive handling; no lone surrogates (not encodable).
ANY_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(blacklist_categories=("Cs",)),
        st.sampled_from(["ำ", "่", "\u200b", "\u200f", "\u202e", "\ufeff", "\x00", "๙", "ก", "ي", "字"]),
    ),
    max_size=200,
)
SPARQL_BITS = st.sampled_from(
    [
        "SELECT",
        "*",
        "WHERE",
        "{",
        "}",
        "?s",
        "?p",
        "?o",
        ".",
        "ASK",
        "CONSTRUCT",
        "DESCRIBE",
        "GRAPH",
        "FILTER",
        "(",
        ")",
        "REGEX",
        "OPTIONAL",
        "UNION",
        "SERVICE",
        "<http://127.0.0.1:9/>",
        "FROM",
        "<file:///etc/passwd>",
        "LIMIT",
        "100000000000000000000",
        "OFFSET",
        "-1",
        "PREFIX",
        "tp:",
        "<https://w3id.org/thaiplan/ontology#>",
        "tp:Plan",
        "a",
        "'ก'@th",
        '"\\u0000"',
        "#",
        "\n",
        "INSERT",
        "DATA",
        "LOAD",
        "DROP",
        "ALL",
        "VALUES",
        "BIND",
        "AS",
        "COUNT",
        "GROUP BY",
        "ORDER BY",
        "*" * 3,
        "{" * 50,
        "}" * 50,
        "((((((((((",
        "\\",
        '"""',
        "$x",
        "^^",
        "@th",
        "_:b",
        "[]",
    ]
)
# Valid queries carrying hostile text as a literal (JSON escapes are SPARQL \u escapes): these reach the
# engine and the serializers, not only the parser.
TEMPLATES = st.sampled_from(
    [
        "SELECT * WHERE {{ ?s ?p ?o FILTER(CONTAINS(STR(?o), {})) }} LIMIT 5",
        "SELECT ?x WHERE {{ BIND({} AS ?x) }}",
        "CONSTRUCT {{ <https://example.org/s> <https://example.org/p> {} }} WHERE {{}}",
        "ASK {{ ?s ?p {} }}",
        "SELECT * WHERE {{ ?s ?p ?o FILTER(REGEX(STR(?o), {})) }} LIMIT 5",
    ]
)
VALID_SPARQL = st.builds(lambda template, text: template.format(json.dumps(text)), TEMPLATES, ANY_TEXT)
SPARQL_TEXT = st.one_of(
    ANY_TEXT, VALID_SPARQL, st.lists(st.one_of(SPARQL_BITS, ANY_TEXT), max_size=30).map(" ".join)
)
MEDIA = st.sampled_from(
    [
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
        "text/turtle",
        "application/n-triples",
        "application/rdf+xml",
        "application/ld+json",
        "text/html",
        "text/plain",
        "*/*",
        "text/*",
        "application/*",
        "image/png",
        "",
        ";",
        ",",
        "*/*;q=0",
        "text/html;q=abc",
        "a/b;q=2",
        'text/html;charset="utf-8"',
        "*/x",
    ]
)
HEADER_TEXT = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=120)
ACCEPT = st.one_of(
    st.lists(st.tuples(MEDIA, st.floats(-1, 2)), max_size=5).map(
        lambda items: ", ".join(f"{m};q={q:.3f}" if q >= 0 else m for m, q in items)
    ),
    HEADER_TEXT,
    st.none(),
)
CONTENT_TYPE = st.one_of(
    st.sampled_from(
        [
            "application/sparql-query",
            "application/x-www-form-urlencoded",
            "application/sparql-update",
            "application/sparql-query; charset=latin-1",
            "application/x-www-form-urlencoded; charset=utf-8",
            "text/plain",
            "multipart/form-data; boundary=x",
            "application/json",
            "",
        ]
    ),
    HEADER_TEXT,
)
FORMAT = st.one_of(
    st.none(), MEDIA, st.sampled_from(["json", "xml", "csv", "tsv", "turtle", "html"]), ANY_TEXT
)
PARAM_NAMES = st.sampled_from(
    ["query", "format", "output", "default-graph-uri", "named-graph-uri", "update", "using-graph-uri", "x"]
)
IRI_LIKE = st.one_of(
    ANY_TEXT,
    st.sampled_from(
        ["https://w3id.org/thaiplan/graph/agencies", "file:///etc/passwd", "relative", "http://[::1", ""]
    ),
)
RAW_BYTES = st.binary(max_size=300)


def check(response: object, started: float) -> None:
    """The answer is not a server error, shows no traceback, and came back in bounded time."""
    elapsed = time.monotonic() - started
    status = response.status_code  # type: ignore[attr-defined]
    body = response.get_data()  # type: ignore[attr-defined]
    assert status < 500 or status == 503, (status, body[:500])
    assert b"Traceback" not in body
    assert elapsed < MAX_SECONDS, f"took {elapsed:.1f} s"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The app over the shipped graph, with two real query workers and a short time limit."""
    store_dir = tmp_path_factory.mktemp("hostile") / "store"
    build(Config(store_dir=store_dir), out=lambda _: None)
    with running_app(store_dir, workers=2, query_timeout=QUERY_TIMEOUT) as application:
        yield application


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the shared app."""
    return app.test_client()


@FUZZ
@given(
    params=st.lists(
        st.tuples(PARAM_NAMES, st.one_of(SPARQL_TEXT, IRI_LIKE, FORMAT.filter(bool))), max_size=4
    ),
    accept=ACCEPT,
)
def test_sparql_get_params_and_accept_issue8(client: FlaskClient, params: list, accept: str | None) -> None:
    started = time.monotonic()
    query_string = "&".join(f"{quote(k)}={quote(v or '')}" for k, v in params)
    headers = {"Accept": accept} if accept is not None else {}
    check(client.get("/sparql?" + query_string, headers=headers), started)


@FUZZ
@given(raw=RAW_BYTES, accept=ACCEPT)
def test_sparql_raw_query_string_bytes_issue8(client: FlaskClient, raw: bytes, accept: str | None) -> None:
    started = time.monotonic()
    headers = {"Accept": accept} if accept is not None else {}
    check(client.get("/sparql?query=" + quote_from_bytes(raw), headers=headers), started)
    check(client.get("/sparql?" + quote_from_bytes(raw, safe="=&"), headers=headers), started)


@FUZZ
@given(
    body=st.one_of(SPARQL_TEXT.map(lambda t: t.encode("utf-8")), RAW_BYTES),
    content_type=CONTENT_TYPE,
    accept=ACCEPT,
    fmt=FORMAT,
)
def test_sparql_post_bodies_and_content_types_issue8(
    client: FlaskClient, body: bytes, content_type: str, accept: str | None, fmt: str | None
) -> None:
    started = time.monotonic()
    headers = {"Content-Type": content_type, **({"Accept": accept} if accept is not None else {})}
    url = "/sparql" + (f"?format={quote(fmt)}" if fmt else "")
    check(client.post(url, data=body, headers=headers), started)
    form = b"query=" + quote_from_bytes(body).encode("ascii")
    check(
        client.post(url, data=form, headers={**headers, "Content-Type": "application/x-www-form-urlencoded"}),
        started,
    )


@FUZZ
@given(
    name=st.one_of(
        st.sampled_from(["trace-up", "trace-down", "search", "agency-portfolio", "indicator-series", "gaps"]),
        ANY_TEXT.filter(lambda t: t and "/" not in t),
    ),
    params=st.dictionaries(
        st.sampled_from(
            ["entity", "q", "agency", "indicator", "plan", "maxDepth", "year", "limit", "format", "x"]
        ),
        st.one_of(ANY_TEXT, st.integers(-(10**30), 10**30).map(str), st.sampled_from(["BR0201", "opdc"])),
        max_size=4,
    ),
    accept=ACCEPT,
)
def test_named_query_parameters_issue8(
    client: FlaskClient, name: str, params: dict, accept: str | None
) -> None:
    started = time.monotonic()
    query_string = "&".join(f"{quote(k)}={quote(v)}" for k, v in params.items())
    headers = {"Accept": accept} if accept is not None else {}
    check(client.get(f"/api/queries/{quote(name, safe='')}?{query_string}", headers=headers), started)


ID_SEGMENTS = st.one_of(
    ANY_TEXT,
    st.sampled_from(
        [
            "..",
            ".",
            "%2F",
            "%2e%2e",
            "..%2F..%2Fetc%2Fpasswd",
            "plan",
            "agency",
            "opdc",
            "BR0201",
            "activity",
            "%00",
            "national-strategy.ttl",
            "x.jsonld",
            "x.rdf",
            "x.nt",
            "x.html",
            "~",
            "//",
        ]
    ),
)


@FUZZ
@given(segments=st.lists(ID_SEGMENTS, min_size=1, max_size=6), accept=ACCEPT, long=st.integers(0, 3))
def test_id_paths_issue8(client: FlaskClient, segments: list[str], accept: str | None, long: int) -> None:
    started = time.monotonic()
    path = "/".join(
        s if s.startswith(("%", ".")) or s in ("~", "//") else quote(s, safe="") for s in segments
    )
    path += "a" * (10 ** (long + 1) if long else 0)  # up to 10,000 characters
    headers = {"Accept": accept} if accept is not None else {}
    check(client.get("/id/" + path, headers=headers), started)


@FUZZ
@given(
    page=st.sampled_from(["/search", "/trace", "/agency", "/indicator", "/gaps", "/", "/validation"]),
    value=ANY_TEXT,
    lang=st.one_of(st.none(), st.sampled_from(["th", "en", "xx", ""]), ANY_TEXT),
    accept=ACCEPT,
)
def test_pages_with_any_text_issue8(
    client: FlaskClient, page: str, value: str, lang: str | None, accept: str | None
) -> None:
    started = time.monotonic()
    args = {"q": value, "entity": value, "agency": value, "indicator": value, "plan": value}
    if lang is not None:
        args["lang"] = lang
    headers = {"Accept": accept} if accept is not None else {}
    check(client.get(page, query_string=args, headers=headers), started)


@pytest.mark.parametrize(
    "path",
    [
        "/id/../../etc/passwd",
        "/id/..%2F..%2Fetc%2Fpasswd",
        "/id/plan%2Fnational-strategy",
        "/id/%2e%2e/%2e%2e/server/app.py",
        "/id/" + "x" * 100_000,
        "/id/plan/national-strategy%00.ttl",
        "/static/../../graph/store.py",
        "/static/%2e%2e/%2e%2e/pyproject.toml",
    ],
)
def test_traversal_never_reads_files_issue8(client: FlaskClient, path: str) -> None:
    started = time.monotonic()
    response = client.get(path)
    check(response, started)
    body = response.get_data(as_text=True)
    assert "root:x:0:0" not in body and "def create_app" not in body and "[build-system]" not in body
