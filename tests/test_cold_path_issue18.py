"""The cold path of issue 18 on the real curated graph: the trace page's alignment levels from trace-up's
columns and one down query, and paging of the named-query API (`limit`, `offset`, `Link` headers).

The speed itself is measured in bench/ (bench/results/scale.md), never timed here.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from tests import test_pages_support as support
from tests.test_pages_support import ID
from thaiplan.graph.store.local import open_read_only
from thaiplan.queries import paging, registry
from thaiplan.queries.execute import execute, rows
from thaiplan.queries.terms import TP

store_dir, app, client = support.store_dir, support.app, support.client

JSON = {"Accept": "application/sparql-results+json"}
NEXT = re.compile(r'<([^>]*)>; rel="next"')


def _steps(store: ox.Store, name: str, entity: str) -> list[tuple[str, str]]:
    """The (lower, upper) step of every node of a trace query's answer: the link its level belongs to."""
    query = registry.get(name)
    found = rows(execute(store, query.sparql, query.bind({"entity": entity}, store)))
    pairs = {(r["node"].value, r["via"].value) for r in found if "via" in r}
    return sorted(pairs if name == "trace-down" else {(via, node) for node, via in pairs})


def _aligned(store: ox.Store, lower: str, upper: str) -> bool:
    """True when the store holds a qualified alignment from `lower` to `upper` (read by pattern)."""
    for quad in store.quads_for_pattern(ox.NamedNode(lower), ox.NamedNode(TP + "alignment"), None, None):
        if any(
            store.quads_for_pattern(quad.object, ox.NamedNode(TP + "alignedTo"), ox.NamedNode(upper), None)
        ):
            return True
    return False


def _section(html: str, direction: str) -> str:
    """The trace page's table section up or down."""
    start = html.index(f'id="trace-{direction}"')
    end = html.find("<section", start)
    return html[start : end if end > 0 else len(html)]


@pytest.mark.parametrize("code", ["CR02", "BR0201", "CR02G01", "plan/national-strategy"])
def test_the_trace_page_shows_the_level_of_every_aligned_step_up_and_down_issue18(
    client: FlaskClient, store_dir: Path, code: str
) -> None:
    store = open_read_only(store_dir)
    entity = ID + code if "/" in code else code
    status, html = support.html_get(client, "/trace?entity=" + entity, "en")
    assert status == 200
    for name, direction in (("trace-up", "up"), ("trace-down", "down")):
        aligned = [s for s in _steps(store, name, entity) if _aligned(store, *s)]
        # One level per step whose link is a qualified alignment, in the table of its direction.
        assert _section(html, direction).count('class="level"') == len(aligned), (code, direction)


def test_the_trace_pages_together_show_levels_both_ways_issue18(client: FlaskClient) -> None:
    up = support.html_get(client, "/trace?entity=CR02G01", "en")[1]
    down = support.html_get(client, "/trace?entity=" + ID + "plan/national-strategy", "en")[1]
    assert 'class="level"' in _section(up, "up") and 'class="level"' in _section(down, "down")


def _json_rows(body: dict) -> list[dict]:
    """The bindings of a SPARQL JSON answer."""
    return body["results"]["bindings"]


def _pages(client: FlaskClient, url: str) -> tuple[list[dict], int]:
    """Every row reached by following `Link: rel=next` from `url`, and how many pages it took."""
    found, pages = [], 0
    while url:
        reply = client.get(url, headers=JSON)
        assert reply.status_code == 200, reply.get_data(as_text=True)
        found += _json_rows(reply.get_json())
        pages += 1
        link = NEXT.search(reply.headers.get("Link", ""))
        url = link.group(1) if link else ""
    return found, pages


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("trace-down", "entity=" + ID + "plan/national-strategy"),
        ("trace-up", "entity=BR0201"),
        ("search", "q=ดิจิทัล"),
        ("agency-portfolio", "agency=สพร."),
    ],
)
def test_pages_followed_by_link_next_are_the_whole_answer_in_order_issue18(
    client: FlaskClient, name: str, params: str
) -> None:
    whole = client.get(f"/api/queries/{name}?{params}", headers=JSON)
    assert whole.status_code == 200 and "Link" not in whole.headers  # no paging asked: as before
    expected = _json_rows(whole.get_json())
    assert len(expected) > 3, "the example must need several pages"
    found, pages = _pages(client, f"/api/queries/{name}?{params}&limit=3")
    assert found == expected  # same rows, same order: no overlap, nothing left out
    assert pages in (-(-len(expected) // 3), -(-len(expected) // 3) + 1)  # an empty last page at most


def test_a_page_is_the_slice_of_the_answer_with_links_both_ways_issue18(client: FlaskClient) -> None:
    url = "/api/queries/trace-down?entity=" + ID + "plan/national-strategy"
    expected = _json_rows(client.get(url, headers=JSON).get_json())
    reply = client.get(url + "&limit=5&offset=10", headers=JSON)
    assert _json_rows(reply.get_json()) == expected[10:15]
    link = reply.headers["Link"]
    assert "offset=15" in NEXT.search(link).group(1) and re.search(r'offset=5[^0-9]*>; rel="prev"', link)
    last = client.get(url + f"&limit=5&offset={len(expected) - 2}", headers=JSON)
    assert _json_rows(last.get_json()) == expected[-2:] and 'rel="next"' not in last.headers.get("Link", "")
    # offset alone pages with the largest limit; the format and other parameters stay in the links.
    assert _json_rows(client.get(url + "&offset=3", headers=JSON).get_json()) == expected[3:]


@pytest.mark.parametrize(
    "accept", ["text/csv", "text/tab-separated-values", "application/sparql-results+xml"]
)
def test_pages_in_every_results_format_carry_the_same_rows_and_links_issue18(
    client: FlaskClient, accept: str
) -> None:
    # (`format=csv` is the planners' download of issue 17, a whole file: Accept asks for SPARQL CSV.)
    url = "/api/queries/trace-down?entity=" + ID + "plan/national-strategy&lang=en"
    whole = client.get(url, headers={"Accept": accept}).get_data(as_text=True)
    reply = client.get(url + "&limit=4", headers={"Accept": accept})
    page = reply.get_data(as_text=True)
    if accept == "text/csv":
        assert list(csv.reader(io.StringIO(page))) == list(csv.reader(io.StringIO(whole)))[:5]  # header + 4
    elif accept.startswith("text/tab"):
        assert page.splitlines() == whole.splitlines()[:5]
    else:
        assert page.count("<result>") == 4 and page.split("<result>")[1:4] == whole.split("<result>")[1:4]
    assert "lang=en" in NEXT.search(reply.headers["Link"]).group(1)  # the other parameters kept


def test_search_pages_stop_at_its_own_limit_issue18(client: FlaskClient) -> None:
    whole = _json_rows(client.get("/api/queries/search?q=การ", headers=JSON).get_json())
    page = client.get(f"/api/queries/search?q=การ&limit={len(whole)}&offset=0", headers=JSON)
    assert _json_rows(page.get_json()) == whole
    if len(whole) == 50:  # search's own LIMIT: no next page past it
        assert 'rel="next"' not in page.headers.get("Link", "")


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("limit=0", "limit"),
        ("limit=-3", "limit"),
        ("limit=abc", "limit"),
        ("limit=๑๐", "limit"),
        (f"limit={paging.MAX_LIMIT + 1}", "limit"),
        ("offset=-1", "offset"),
        ("offset=1.5", "offset"),
        ("limit=5&limit=6", "limit"),
    ],
)
def test_bad_paging_parameters_are_400_naming_them_issue18(
    client: FlaskClient, query: str, param: str
) -> None:
    reply = client.get("/api/queries/trace-down?entity=CR02G01&" + query, headers=JSON)
    assert reply.status_code == 400
    assert reply.get_json()["parameter"] == param and param in reply.get_json()["error"]


def test_openapi_describes_paging_once_for_every_query_issue18(client: FlaskClient) -> None:
    spec = client.get("/api/queries/openapi.json").get_json()
    assert set(spec["components"]["parameters"]) == {"limit", "offset"}
    for q in registry.list_queries():
        path = spec["paths"][f"/api/queries/{q.name}"]
        assert {p["$ref"].rsplit("/", 1)[1] for p in path["parameters"]} == {"limit", "offset"}
        assert "Link" in path["get"]["responses"]["200"]["headers"]


def test_paged_text_keeps_the_order_and_refuses_a_query_without_one_issue18() -> None:
    page = paging.Page(limit=10, offset=45)
    assert paging.paged("SELECT ?x WHERE { ?x ?p ?o }\nORDER BY ?x\nLIMIT 50\n", page).endswith(
        "ORDER BY ?x\nLIMIT 5\nOFFSET 45\n"
    )
    assert paging.paged("SELECT ?x WHERE { ?x ?p ?o }\nORDER BY ?x", None).endswith("ORDER BY ?x")
    with pytest.raises(ValueError, match="ORDER BY"):
        paging.paged("SELECT ?x WHERE { ?x ?p ?o }", page)


_PREFILTERS = (
    'FILTER (CONTAINS(?text, IF(?qTok1 = "", ?qKey, ?qTok1)))',
    "FILTER (CONTAINS(?words, ?qTok1))",
)


def _search_queries(store: ox.Store) -> list[str]:
    """Queries of every kind the tiers tell apart, from the curated graph's own labels and codes: whole
    labels, codes and their starts, label words, word pairs, parts of words, stopwords, no word at all."""
    found = rows(
        execute(
            store,
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
            "SELECT ?code ?label WHERE { ?x skos:prefLabel ?label OPTIONAL { ?x skos:notation ?code } }\n"
            "ORDER BY ?label LIMIT 400",
            {},
        )
    )
    labels = [r["label"].value for r in found][::20]
    codes = sorted({r["code"].value for r in found if "code" in r})[::10]
    out = ["การ", "และ", "ag-0", "-", "ยุทธศาสตร์ชาติ", "digital government", "ดิจิทัล ภาครัฐ"]
    for label in labels:
        words = label.split()
        out += [label, words[0], " ".join(words[:2]), label[2:8], label[len(label) // 2 :]]
    for code in codes:
        out += [code, code[:3], code[1:]]
    return [q for q in dict.fromkeys(out) if q.strip()]


def test_search_tests_each_literal_once_with_the_same_answers_as_without_issue18(store_dir: Path) -> None:
    store = open_read_only(store_dir)
    query = registry.get("search")
    assert all(f in query.sparql for f in _PREFILTERS)  # the forms compared are the shipped one and...
    plain = query.sparql
    for prefilter in _PREFILTERS:
        plain = plain.replace(prefilter, "")  # ... the same without the one test per literal
    asked = _search_queries(store)
    assert len(asked) > 40
    for q in asked:
        bound = query.bind({"q": q}, store)
        assert rows(execute(store, query.sparql, bound)) == rows(execute(store, plain, bound)), q
