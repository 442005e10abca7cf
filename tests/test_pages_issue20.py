"""What a person sees on the pages (issue 20): content bugs, charts, labels and words, navigation.

Every test runs the real app over a store of the project's curated graph (tests/test_pages_support.py)
and reads the HTML a browser gets; what is about drawing (overflow at 390px, clipped labels) is checked
in Chromium by tests/test_browser_issue20.py.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient
from pythainlp.tokenize import word_tokenize

from tests.test_pages_support import BROWSER, ID, app, client, html_get, store_dir

__all__ = ["app", "client", "store_dir"]  # the fixtures, shared

# A prefixed name as the pages used to print it for a property or an item without a label.
PREFIXED = re.compile(r"(?<![\w/])(?:dcterms|skos|prov|rdfs?|owl|tp|id|org|schema|eli|vann):[A-Za-z]")


class Tree(HTMLParser):
    """The home page's plan tree as nested items: each `li` with its code and its child items."""

    def __init__(self) -> None:
        super().__init__()
        self.root: dict[str, Any] = {"code": None, "elsewhere": False, "children": []}
        self.stack = [self.root]
        self.in_code = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open an item at `li`, note a code span."""
        classes = (dict(attrs).get("class") or "").split()
        if tag == "li" and "tree-node" in classes:
            node = {"code": None, "elsewhere": "elsewhere" in classes, "children": []}
            self.stack[-1]["children"].append(node)
            self.stack.append(node)
        self.in_code = tag == "span" and "code" in classes

    def handle_endtag(self, tag: str) -> None:
        """Close the item at `/li`."""
        if tag == "li" and len(self.stack) > 1:
            self.stack.pop()
        self.in_code = False

    def handle_data(self, data: str) -> None:
        """The first code inside an item is its code."""
        if self.in_code and self.stack[-1]["code"] is None:
            self.stack[-1]["code"] = data.strip()


def tree_of(html: str) -> dict[str, Any]:
    """The parsed plan tree of a home page."""
    parser = Tree()
    parser.feed(html)
    return parser.root


def walk(node: dict[str, Any]) -> list[dict[str, Any]]:
    """Every item of a tree, depth first."""
    out = []
    for child in node["children"]:
        out += [child, *walk(child)]
    return out


def search_api(client: FlaskClient, q: str) -> list[dict[str, Any]]:
    """The rows of `/api/queries/search` for `q`, as SPARQL JSON bindings."""
    response = client.get(
        f"/api/queries/search?q={quote(q)}", headers={"Accept": "application/sparql-results+json"}
    )
    assert response.status_code == 200
    return response.get_json()["results"]["bindings"]


# Content bugs


@pytest.mark.parametrize("q", ["ดิจิทัล", "digital"])
def test_search_page_lists_each_entity_once_with_its_best_tier_issue20(client: FlaskClient, q: str) -> None:
    rows = search_api(client, q)
    best: dict[str, int] = {}
    for r in rows:
        best.setdefault(r["entity"]["value"], int(r["score"]["value"]))
    _, page = html_get(client, f"/search?q={quote(q)}")
    links = re.findall(r'<li>\s*<a class="item-link" href="/id/([^"]+)"', page)
    assert len(links) > 20 and len(links) == len(set(links)) == len(best)
    assert links.count("plan/reform-plan-cr02") == 1
    # In the order of the answer, each at its first (best) row.
    assert [ID + link for link in links] == list(best)


def test_resource_page_shows_each_source_passage_once_issue20(client: FlaskClient) -> None:
    _, html = html_get(client, "/id/activity/BR0201")
    passages = re.findall(r'<a href="/id/(passage/[^"]+)" title=', html)
    assert html.count("<blockquote") == len(passages) == len(set(passages)) == 6


def test_home_tree_shows_a_member_under_every_parent_issue20(client: FlaskClient) -> None:
    _, html = html_get(client, "/", "en")
    items = walk(tree_of(html))
    strategies = {n["code"]: n for n in tree_of(html)["children"][0]["children"]}
    # CR02 supports strategies 2, 4 and 6: it shows under each, in full once and marked elsewhere.
    under = [code for code, s in strategies.items() if any(c["code"] == "CR02" for c in s["children"])]
    assert sorted(under) == ["2", "4", "6"]
    cr02 = [n for n in items if n["code"] == "CR02"]
    assert sum(not n["elsewhere"] for n in cr02) == 1 and all(
        not n["children"] for n in cr02 if n["elsewhere"]
    )
    # Expanding CR02 shows its five Big Rocks, one of them (BR0202) shown in full under strategy 6.
    full = next(n for n in cr02 if not n["elsewhere"])
    rocks = {n["code"] for n in walk(full) if (n["code"] or "").startswith("BR")}
    assert rocks == {"BR0201", "BR0202", "BR0203", "BR0204", "BR0205"}
    assert 'href="#n-' in html  # a copy links to the item's full place


def edges_of(html: str) -> set[tuple[str, str]]:
    """The (lower, upper) pairs of IRIs the trace diagram draws lines for."""
    return set(re.findall(r'class="edge" data-from="([^"]+)" data-to="([^"]+)"', html))


def test_trace_diagram_draws_every_edge_of_the_traced_subgraph_issue20(client: FlaskClient) -> None:
    _, html = html_get(client, "/trace?entity=CR02", "en")
    edges = edges_of(html)
    ns = ID + "plan/national-strategy"
    # Strategies 4 and 6 are connected to the National Strategy, not only strategy 2 (a shortest path).
    for s in ("ns-2", "ns-4", "ns-6"):
        assert (ID + f"strategy/{s}", ns) in edges
        assert (ID + "plan/reform-plan-cr02", ID + f"strategy/{s}") in edges
    # A Big Rock supports a goal and is part of the plan: both links drawn, and the goal's to the plan.
    edges = edges_of(html_get(client, "/trace?entity=BR0201", "en")[1])
    assert (ID + "activity/BR0201", ID + "goal/CR02G01") in edges
    assert (ID + "goal/CR02G01", ID + "plan/reform-plan-cr02") in edges
    assert (ID + "activity/BR0201", ID + "plan/reform-plan-cr02") in edges


def test_trace_labels_wrap_between_words_and_have_a_text_alternative_issue20(client: FlaskClient) -> None:
    _, html = html_get(client, "/trace?entity=CR02", "th")
    label = "แผนการปฏิรูปประเทศ (ฉบับปรับปรุง) ด้านการบริหารราชการแผ่นดิน"
    box = re.search(r'<g class="box center">(.*?)</g>', html, re.S)
    assert box is not None
    lines = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", box.group(1))
    assert len(lines) > 1 and "".join(lines).replace(" ", "") == label.replace(" ", "")
    # Every line ends where a word ends (pythainlp's segmentation), never inside one.
    bounds, at = set(), 0
    for token in word_tokenize(label.replace(" ", ""), engine="newmm"):
        at += len(token)
        bounds.add(at)
    at = 0
    for line in lines[:-1]:
        at += len(line.replace(" ", ""))
        assert at in bounds, line
    assert "CR02" in re.search(r'<text class="sub"[^>]*>([^<]*)</text>', box.group(1)).group(1)
    assert "<title>" in box.group(1) and label in box.group(1)  # in full on hover
    svg = re.search(r'<svg[^>]*class="trace-diagram"[^>]*>', html).group(0)
    assert 'aria-describedby="trace-up trace-down"' in svg and "aria-labelledby=" in svg


def test_wrap_keeps_words_whole_and_marks_what_it_leaves_out_issue20() -> None:
    from thaiplan.server.svg import wrap

    long = "การพัฒนาระบบเชื่อมโยงข้อมูลภาครัฐเพื่อการให้บริการประชาชนแบบเบ็ดเสร็จครบวงจรและมีประสิทธิภาพ"
    lines = wrap(long, 15, 2)
    assert len(lines) == 2 and lines[-1].endswith("…")
    tokens = word_tokenize(long, engine="newmm")
    assert any("".join(tokens[:i]) == lines[0] for i in range(1, len(tokens)))
    assert wrap("Revised National Reform Plan", 12, 3) == ["Revised National Reform", "Plan"]


# Indicator charts


def chart_of(html: str) -> str:
    """The first indicator chart of a page."""
    found = re.search(r'<svg[^>]*class="chart".*?</svg>', html, re.S)
    assert found is not None
    return found.group(0)


def circles(svg: str, cls: str) -> list[tuple[float, str]]:
    """The (y, tooltip) of each point of a series."""
    return [
        (float(cy), title)
        for cy, title in re.findall(
            rf'<circle class="{cls}" cx="[^"]+" cy="([^"]+)"[^>]*><title>([^<]*)</title>', svg
        )
    ]


@pytest.mark.parametrize(("lang", "unit"), [("th", "ร้อยละ"), ("en", "percent")])
def test_chart_axis_has_a_sensible_baseline_and_the_unit_issue20(
    client: FlaskClient, lang: str, unit: str
) -> None:
    _, html = html_get(client, "/indicator?indicator=CR02G01-1", lang)
    svg = chart_of(html)
    ticks = re.findall(r'<text class="tick" x="[^"]+" y="[^"]+" text-anchor="end">([^<]*)</text>', svg)
    assert ticks[0] == "0" and ticks[-1] == "100"  # a percentage from 0 to 100, not 84.79–85.02
    assert re.search(rf'<text class="axis-title"[^>]*>{unit}</text>', svg)


def test_rank_axis_is_inverted_issue20(client: FlaskClient) -> None:
    _, html = html_get(client, "/indicator?indicator=CR02G02-1", "en")
    svg = chart_of(html)
    assert 'data-axis="inverted"' in svg
    points = {title.split(":")[0]: y for y, title in circles(svg, "observed")}
    # From rank 77 (2016) to rank 57 (2020) is an improvement: drawn higher (smaller y).
    assert points["Observed 2020"] < points["Observed 2016"]


def test_tooltips_and_target_texts_name_the_unit_with_no_leftover_n_issue20(client: FlaskClient) -> None:
    for lang in ("th", "en"):
        _, html = html_get(client, "/indicator?indicator=CR02G02-1", lang)
        assert "ontology#unit" not in chart_of(html)
        assert "top N" not in html and "N อันดับ" not in html
    assert "within the top 60" in html
    _, html = html_get(client, "/indicator?indicator=CR02G01-1", "en")
    tips = [t for _, t in circles(chart_of(html), "observed") + circles(chart_of(html), "target")]
    assert tips and all("percent" in t for t in tips)


def test_breakdowns_in_the_data_are_shown_issue20(client: FlaskClient) -> None:
    _, html = html_get(client, "/indicator?indicator=CR02G01-1", "en")
    section = html[html.index('class="breakdown"') :]
    for part in ("trade-investment", "tourism", "health", "sample-male", "sample-female"):
        assert f"/id/observation/CR02G01-1-2564-{part}" in section
    assert "88.06 percent" in section and "5,498" in section
    assert section.count('<svg xmlns="http://www.w3.org/2000/svg" class="bar"') >= 8


# Labels, words, language

LABEL_PAGES = [
    "/id/passage/reform-plan-cr02-34",
    "/id/target/psds-2567-2570-s1-4-2570",
    "/id/statement/psds-2567-2570-supports-national-security-policy",
    "/id/source/reform-plan-cr02",
    "/id/activity/BR0201",
    "/id/observation/CR02G02-1-2563",  # (2564 was the same survey: removed, issue 15)
]


@pytest.mark.parametrize("lang", ["th", "en"])
@pytest.mark.parametrize("path", LABEL_PAGES)
def test_titles_and_property_names_are_words_of_the_ui_language_issue20(
    client: FlaskClient, path: str, lang: str
) -> None:
    status, html = html_get(client, path, lang)
    assert status == 200
    title = re.search(r"<title>([^<]*)</title>", html).group(1)
    h1 = re.search(r'<h1 id="resource-title">(.*?)</h1>', html, re.S).group(1)
    names = re.findall(r'<th><a href="[^"]*" title="[^"]*">([^<]*)</a></th>', html)
    links = re.findall(r'<a class="item-link"[^>]*>([^<]*)</a>', html)
    footers = re.findall(r"<footer>(.*?)</footer>", html, re.S)
    for text in (title, h1, *names, *links, *footers):
        assert not PREFIXED.search(re.sub(r'title="[^"]*"|href="[^"]*"', "", text)), (path, text)
    assert names


def test_search_shows_no_internal_words_issue20(client: FlaskClient) -> None:
    for lang in ("th", "en"):
        _, html = html_get(client, f"/search?q={quote('digital')}", lang)
        shown = re.findall(r'<span class="match"[^>]*>([^<]*)</span>', html)
        assert shown
        for word in ("label words", "prefix", "substring", "words", "label", "code", "abbreviation"):
            assert word not in shown


@pytest.mark.parametrize(
    ("url", "english"),
    [
        ("/trace", "parameter 'entity'"),
        ("/agency", "parameter 'agency'"),
        ("/trace?entity=" + quote("ไม่มีสิ่งนี้แน่นอน"), "no entity has"),
        ("/trace?entity=2", "names"),
    ],
)
def test_error_messages_are_thai_in_the_thai_interface_issue20(
    client: FlaskClient, url: str, english: str
) -> None:
    status, page = html_get(client, url, "th")
    assert status in (300, 400, 404)
    message = re.search(r'<p class="(?:error-message|lead)">(.*?)</p>', page, re.S).group(1)
    assert english not in message and re.search("[\u0e00-\u0e7f]", message), message
    status_en, html_en = html_get(client, url, "en")
    assert status_en == status and english in html.unescape(html_en)


# Navigation


def test_sparql_and_ontology_have_a_way_back_to_the_app_issue20(client: FlaskClient) -> None:
    for url in ("/sparql", "/ontology"):
        _, html = html_get(client, url, "en")
        assert re.search(r'<a href="/" id="back-to-app">', html), url


def test_validation_report_uses_the_app_layout_issue20(client: FlaskClient) -> None:
    _, html = html_get(client, "/validation", "th")
    assert 'class="site-header pages-header"' in html and 'id="validation-report"' in html
    assert html.count("<html") == 1 and html.count("<body") == 1
    # The report's style is kept to the report: it does not restyle the pages' body or header.
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    assert re.search(r"(^|})\s*body\s*\{", style) is None


def test_api_is_a_page_for_browsers_and_json_for_clients_issue20(client: FlaskClient) -> None:
    page = client.get("/api/queries", headers={**BROWSER, "Accept-Language": "en"})
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert 'href="/api/queries/openapi.json"' in html
    for name in ("trace-up", "trace-down", "agency-portfolio", "indicator-series", "search", "gaps"):
        assert f'<form class="try-it inline-form" action="/api/queries/{name}"' in html
    assert 'name="entity" value="BR0201"' in html  # the form comes filled with the example
    for accept in (None, "application/json", "*/*"):
        reply = client.get("/api/queries", headers={"Accept": accept} if accept else {})
        assert reply.mimetype == "application/json" and "queries" in reply.get_json()
    assert client.get("/api/queries?format=json", headers=BROWSER).mimetype == "application/json"
    assert "Accept" in page.headers.get("Vary", "")


def test_indexes_of_indicators_and_agencies_are_in_the_menu_issue20(client: FlaskClient) -> None:
    _, home = html_get(client, "/", "th")
    nav = re.search(r"<nav>(.*?)</nav>", home, re.S).group(1)
    assert 'href="/indicators"' in nav and 'href="/agencies"' in nav
    status, html = html_get(client, "/indicators", "en")
    assert status == 200 and "/indicator?indicator=" in html
    assert html.count("/id/indicator/") >= 16
    status, html = html_get(client, "/agencies", "th")
    assert status == 200 and "/agency?agency=" in html and "สำนักงานคณะกรรมการพัฒนาระบบราชการ" in html
