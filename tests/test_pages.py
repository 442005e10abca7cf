"""Planners' pages and linked-data pages over the real curated graph, via Flask's test client (issue 6).

Over 400 lines because the pages share one client fixture over one built store (a build per module is
the cost that matters); its sections: bound values, home and language, linked-data pages, the views.
"""

from __future__ import annotations

import json
import re

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from tests import test_pages_support as support
from tests.test_pages_support import BROWSER, ID, html_get
from thaiplan.graph.store.api import default_graphs
from thaiplan.graph.store.inline import bind_inline, values_block
from thaiplan.graph.store.local import EmbeddedStore, open_read_only
from thaiplan.queries import registry
from thaiplan.queries.execute import rows
from thaiplan.server.execution import QueryJob, encode_bindings, parse_term, run_job

# The shared fixtures (a store of the curated graph, an app, a client).
store_dir, app, client = support.store_dir, support.app, support.client

RDF_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


def triples(body: bytes, fmt: ox.RdfFormat) -> set[tuple[str, str, str]]:
    """The triples of an RDF document, as strings."""
    return {(str(t.subject), str(t.predicate), str(t.object)) for t in ox.parse(body, format=fmt)}


# --- binding values into queries run by the workers --------------------------------------------------


EXAMPLES = [
    ("trace-up", {"entity": "BR0201"}),
    ("trace-up", {"entity": "BR0201", "maxDepth": "2"}),
    ("trace-down", {"entity": "CR02G01"}),
    ("agency-portfolio", {"agency": "สำนักงาน ก.พ.ร."}),
    ("indicator-series", {"indicator": "ความพึงพอใจ"}),
    ("search", {"q": "ยืนยันตัวตน"}),
    ("search", {"q": "กพร."}),
    ("search", {"q": "พัฒนา"}),
    ("gaps", {}),
    ("gaps", {"plan": ID + "plan/reform-plan-cr02"}),
]


def as_sorted(results: ox.QuerySolutions) -> list[list[tuple[str, str]]]:
    """Rows as sorted lists of (variable, term) strings, sorted: comparable whatever the order."""
    return sorted(sorted((k, str(v)) for k, v in r.items()) for r in rows(results))


def bound_up_front(store: ox.Store, name: str, params: dict[str, str]) -> tuple[str, dict, list]:
    """The named query's text, its parameters' bindings, and its rows with them bound by pyoxigraph."""
    query = registry.get(name)
    bindings = query.bind(params, store)
    expected = store.query(
        query.sparql,
        default_graph=default_graphs(store),  # the project's own queries' dataset (issue 19)
        substitutions={ox.Variable(k): v for k, v in bindings.items()},
    )
    return query.sparql, bindings, as_sorted(expected)


# How the inline text (remote stores) answers against substitutions: tests/test_inline_issue7.py.


@pytest.mark.parametrize(("name", "params"), EXAMPLES)
def test_workers_bind_values_as_pyoxigraph_substitutions_do_issue6(store_dir, name, params) -> None:
    """A job's bound values reach the worker as terms and give the rows binding them up front gives."""
    sparql, bindings, expected_rows = bound_up_front(open_read_only(store_dir), name, params)
    formats = {"solutions": "json", "boolean": "json", "graph": "ntriples"}
    job = QueryJob(sparql, "", formats, 100_000, bindings=encode_bindings(bindings))
    reply = run_job(EmbeddedStore(store_dir, opened=False), job)
    assert reply.status == 200, reply.body
    got_rows = as_sorted(ox.parse_query_results(reply.body, format=ox.QueryResultsFormat.JSON))
    assert got_rows == expected_rows and got_rows


def test_bound_terms_cross_to_the_worker_unchanged_issue6() -> None:
    """Quotes, newlines, braces, languages and datatypes survive the N-Triples trip; nothing else parses."""
    terms = {
        "a": ox.Literal('a "quoted" \\ back\nslash } } SELECT * { ?s ?p ?o } #', language="th"),
        "b": ox.Literal("7", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
        "c": ox.NamedNode("https://w3id.org/thaiplan/id/agency/opdc"),
    }
    assert {name: parse_term(text) for name, text in encode_bindings(terms)} == terms
    for bad in ("<urn:a> . <urn:b> <urn:c> <urn:d>", "_:b", '"open'):
        with pytest.raises((ValueError, SyntaxError)):
            parse_term(bad)
    with pytest.raises(ValueError):
        encode_bindings({"x": ox.BlankNode()})


def test_inline_values_skip_data_blocks_subselects_and_templates_issue6() -> None:
    sparql = (
        "PREFIX x: <http://x/#> # a { in a comment\nSELECT ?a WHERE { VALUES ?k { 1 2 } "
        '{ SELECT ?a WHERE { ?a x:p "{?a}" } } MINUS { ?a x:q ?k } }'
    )
    out = bind_inline(sparql, {"a": ox.NamedNode("http://x/a")})
    block = values_block({"a": ox.NamedNode("http://x/a")})
    assert out.count(block) == 3  # the WHERE group, the sub-select's group and MINUS's, nothing else (#7)
    assert "VALUES ?k { 1 2 }" in out and '"{?a}"' in out and "# a { in a comment" in out
    construct = bind_inline("CONSTRUCT { ?a ?p ?o } WHERE { ?a ?p ?o }", {"a": ox.NamedNode("http://x/a")})
    assert construct.startswith("CONSTRUCT { ?a ?p ?o } WHERE { VALUES")


def test_inline_values_escape_the_text_they_carry_issue6() -> None:
    """Quotes, backslashes, newlines and braces in a value stay inside the literal."""
    tricky = 'a "quoted" \\ back\nslash } } SELECT * { ?s ?p ?o } #'
    store = ox.Store()
    result = store.query(bind_inline("SELECT ?v WHERE { }", {"v": ox.Literal(tricky, language="th")}))
    assert [r["v"] for r in result] == [ox.Literal(tricky, language="th")]
    with pytest.raises(ValueError):
        bind_inline("SELECT ?v WHERE { }", {"v) {} #": ox.Literal("x")})


# --- home, language, years ------------------------------------------------------------------------


def test_home_is_the_plan_tree_from_the_national_strategy_issue6(client: FlaskClient) -> None:
    status, page = html_get(client, "/")
    assert status == 200
    assert 'id="plan-tree"' in page and "ยุทธศาสตร์ชาติ (พ.ศ. 2561-2580)" in page
    for key in (
        "plan/national-strategy",
        "strategy/ns-6",
        "plan/master-plan-20",
        "plan/psds-2567-2570",
        "activity/BR0201",
        "goal/CR02G01",
        "tactic/psds-2567-2570-1.1",
    ):
        assert f'href="/id/{key}"' in page, key
    # The tree nests: BR0201 is inside the reform plan's branch, which is inside the National Strategy's.
    assert (
        page.index("/id/plan/national-strategy")
        < page.index("/id/plan/reform-plan-cr02")
        < page.index("/id/activity/BR0201")
    )
    assert "<script" not in page


def test_pages_carry_the_csp_and_escape_what_the_user_typed_issue6(client: FlaskClient) -> None:
    response = client.get("/search?q=<script>alert(1)</script>", headers=BROWSER)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_interface_language_from_accept_language_then_the_switch_and_cookie_issue6(
    client: FlaskClient,
) -> None:
    assert 'lang="th"' in html_get(client, "/", "th")[1][:200]
    status, page = html_get(client, "/", "en-GB,en;q=0.9")
    assert status == 200 and '<html lang="en">' in page and "The plan hierarchy" in page
    # The switch: ?lang=th wins over Accept-Language and is kept in a cookie for the next pages.
    response = client.get("/?lang=th", headers={**BROWSER, "Accept-Language": "en"})
    assert "lang=th" in response.headers["Set-Cookie"]
    assert '<html lang="th">' in html_get(client, "/search", "en")[1]
    # The content keeps its languages: the English UI still shows the Thai name of a resource.
    assert "ยุทธศาสตร์ชาติ (พ.ศ. 2561-2580)" in html_get(client, "/id/plan/national-strategy?lang=en", "en")[1]


def test_years_are_buddhist_era_in_thai_and_common_era_in_english_issue6(client: FlaskClient) -> None:
    th = html_get(client, "/indicator?indicator=CR02G01-1&lang=th")[1]
    en = html_get(client, "/indicator?indicator=CR02G01-1&lang=en")[1]
    assert "พ.ศ. 2564" in th and "พ.ศ. 2565" in th
    assert "<td>2021</td>" in en and "<td>2022</td>" in en and "พ.ศ. 2564" not in en


# --- linked-data pages ----------------------------------------------------------------------------


def test_resource_page_shows_names_code_type_links_both_ways_provenance_and_path_issue6(
    client: FlaskClient,
) -> None:
    status, page = html_get(client, "/id/activity/BR0201", "en")
    assert status == 200
    assert "ปรับเปลี่ยนรูปแบบการบริหารงานและการบริการภาครัฐไปสู่ระบบดิจิทัล" in page
    assert "Transform public administration and public services to digital systems" in page
    assert ('<span class="code">BR0201</span>' in page and "Reform activity" in page) or "Big Rock" in page
    assert 'href="/id/agency/mdes"' in page  # tp:leadAgency, with the agency's label
    assert "Ministry of Digital Economy and Society" in page
    assert 'href="/id/goal/CR02G01"' in page  # tp:supports
    # Incoming: what points at BR0201.
    incoming = page.split("Referred to by", 1)[1]
    assert 'href="/id/' in incoming
    # Provenance: the quote and its source document.
    assert "มุ่งเน้นปรับเปลี่ยน" in page or 'class="provenance"' in page
    assert 'href="/id/source/reform-plan-cr02"' in page
    # The path up to the National Strategy, top first.
    path = page.split('class="path"', 1)[1].split("</ol>", 1)[0]
    assert path.index("/id/plan/national-strategy") < path.index("/id/activity/BR0201")
    assert '<link rel="alternate" type="text/turtle" href="/id/activity/BR0201.ttl">' in page


def test_resource_page_lists_a_value_stated_in_two_graphs_once_issue6(client: FlaskClient) -> None:
    # The reform plan's code CR02 is stated in the reform-plan graph and in the strategy graph; the
    # union default graph repeats such triples, and the page once listed the plan twice per property.
    status, page = html_get(client, "/id/activity/BR0201", "en")
    assert status == 200
    properties = page.split("Referred to by", 1)[0]
    rows = [row for row in properties.split("<tr") if 'href="/id/plan/reform-plan-cr02"' in row]
    assert rows, "BR0201 is in the reform plan's scheme"
    for row in rows:
        assert row.count('href="/id/plan/reform-plan-cr02"') == 1, row


@pytest.mark.parametrize(("accept", "fmt"), list(RDF_TYPES.items()))
def test_resource_iris_negotiate_rdf_issue6(client: FlaskClient, accept: str, fmt: ox.RdfFormat) -> None:
    response = client.get("/id/goal/CR02G01", headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == accept
    assert "Accept" in response.headers["Vary"]
    assert response.headers["Content-Location"].startswith("/id/goal/CR02G01.")
    found = triples(response.data, fmt)
    goal = f"<{ID}goal/CR02G01>"
    assert (goal, "<http://www.w3.org/2004/02/skos/core#notation>", '"CR02G01"') in found
    assert any(o == goal for _, _, o in found)  # incoming links too (BR0201 tp:supports it)
    assert not any("index#" in p for _, p, _ in found)  # the derived search/trace index stays out


@pytest.mark.parametrize(
    ("suffix", "media"),
    [
        (".ttl", "text/turtle"),
        (".jsonld", "application/ld+json"),
        (".nt", "application/n-triples"),
        (".rdf", "application/rdf+xml"),
        (".html", "text/html"),
    ],
)
def test_resource_suffixes_name_one_representation_issue6(
    client: FlaskClient, suffix: str, media: str
) -> None:
    response = client.get(f"/id/tactic/psds-2567-2570-1.1{suffix}", headers=BROWSER)
    assert response.status_code == 200 and response.mimetype == media


def test_resource_negotiation_defaults_and_refusals_issue6(client: FlaskClient) -> None:
    assert client.get("/id/agency/opdc", headers={"Accept": "*/*"}).mimetype == "text/turtle"
    assert client.get("/id/agency/opdc").mimetype == "text/turtle"  # no Accept: a tool, not a browser
    assert client.get("/id/agency/opdc", headers=BROWSER).mimetype == "text/html"
    assert client.get("/id/agency/opdc", headers={"Accept": "image/png"}).status_code == 406
    # A code with a dot is part of the key, not a suffix.
    assert client.get("/id/tactic/psds-2567-2570-1.1", headers=BROWSER).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/id/plan/no-such-plan",
        "/id/nothing",
        "/id/a b<c>",
        "/id/plan/x%00y",
        "/id/%E0%B8%81",
    ],
)
def test_unknown_iris_are_404_never_500_issue6(client: FlaskClient, path: str) -> None:
    page = client.get(path, headers=BROWSER)
    assert page.status_code == 404 and page.mimetype == "text/html"
    rdf = client.get(path, headers={"Accept": "text/turtle"})
    assert rdf.status_code == 404 and rdf.mimetype == "text/plain"
    suffixed = client.get(path + ".ttl", headers=BROWSER)
    assert suffixed.status_code == 404 and suffixed.mimetype == "text/plain"
    suffixed = client.get(path + ".ttl", headers=BROWSER)
    assert suffixed.status_code == 404 and suffixed.mimetype == "text/plain"


def test_ontology_term_iris_resolve_to_the_reference_issue6(client: FlaskClient) -> None:
    page = client.get("/ontology", headers={**BROWSER, "Accept-Language": "en"})
    assert (
        page.status_code == 200
        and page.mimetype == "text/html"
        and 'id="Goal"' in page.get_data(as_text=True)
    )
    thai = client.get("/ontology?lang=th", headers=BROWSER).get_data(as_text=True)
    assert 'lang="th"' in thai[:200]
    ttl = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert ttl.mimetype == "text/turtle"
    assert (
        "<https://w3id.org/thaiplan/ontology#Goal>",
        "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>",
        "<http://www.w3.org/2002/07/owl#Class>",
    ) in triples(ttl.data, ox.RdfFormat.TURTLE)
    assert client.get("/ontology.jsonld").mimetype == "application/ld+json"
    # A page's type links point into the reference.
    assert 'href="/ontology#ReformActivity"' in html_get(client, "/id/activity/BR0201")[1]


# --- planners' views ------------------------------------------------------------------------------


def test_trace_shows_up_and_down_as_diagram_and_tables_with_agencies_issue6(client: FlaskClient) -> None:
    status, page = html_get(client, "/trace?entity=CR02G01", "en")
    assert status == 200 and "<svg" in page and 'class="trace-diagram"' in page
    up = page.split('id="trace-up"', 1)[1].split("</section>", 1)[0]
    down = page.split('id="trace-down"', 1)[1].split("</section>", 1)[0]
    assert "/id/plan/national-strategy" in up and "/id/plan/reform-plan-cr02" in up
    assert "/id/activity/BR0201" in down and "/id/activity/BR0201" not in up
    assert 'href="/agency?agency=https' in down  # responsible agencies link to their portfolio


def test_trace_parameter_errors_are_clear_pages_issue6(client: FlaskClient) -> None:
    assert html_get(client, "/trace")[0] == 400
    status, page = html_get(client, "/trace?entity=ไม่มีสิ่งนี้แน่นอน", "en")
    assert status == 404 and "ไม่มีสิ่งนี้แน่นอน" in page
    status, page = html_get(client, "/trace?entity=1", "en")
    assert status == 300 and "/trace?entity=https%3A%2F%2Fw3id.org%2Fthaiplan%2Fid%2Fstrategy%2Fns-1" in page


def test_agency_page_groups_the_portfolio_by_plan_with_parent_organizations_issue6(
    client: FlaskClient,
) -> None:
    status, page = html_get(client, "/agency?agency=กพร.", "en")
    assert status == 200 and "Office of the Public Sector Development Commission" in page
    assert page.count('class="plan-group"') >= 2  # the reform plan and the development strategy
    assert "/id/activity/BR0202" in page
    pdc = html_get(client, f"/agency?agency={ID}agency/pdc", "en")[1]
    subs = pdc.split("Sub-organizations", 1)[1].split("</section>", 1)[0]
    assert "/agency?agency=https://w3id.org/thaiplan/id/agency/pdc-subcommittee-structure" in subs
    assert html_get(client, "/agency?agency=nobody-at-all")[0] == 404


def test_indicator_page_charts_targets_against_observations_issue6(client: FlaskClient) -> None:
    status, page = html_get(client, "/indicator?indicator=ความพึงพอใจ", "th")
    assert status == 200 and 'class="chart"' in page and "polyline" in page
    assert "ค่าเป้าหมาย" in page and "ผลที่เกิดขึ้นจริง" in page
    assert html_get(client, "/indicator")[0] == 200  # the form


def test_search_finds_a_thai_word_inside_a_longer_label_ranked_issue6(client: FlaskClient) -> None:
    status, page = html_get(client, "/search?q=ยืนยันตัวตน")
    assert status == 200 and 'id="search-results"' in page
    status, page = html_get(client, "/search?q=BR0201")
    first = page.split('id="search-results"', 1)[1].split("</li>", 1)[0]
    assert "/id/activity/BR0201" in first
    assert "/id/agency/opdc" in html_get(client, "/search?q=ก.พ.ร.")[1]
    assert "ไม่พบรายการที่ตรงกัน" in html_get(client, "/search?q=zzzqqqxxx")[1]


def test_gaps_page_lists_the_to_do_list_by_kind_and_plan_issue6(client: FlaskClient) -> None:
    status, page = html_get(client, "/gaps", "en")
    assert status == 200 and 'id="gap-no-target"' in page and 'id="gap-unsupported"' in page
    one = html_get(client, f"/gaps?plan={ID}plan/reform-plan-cr02", "en")[1]
    assert one.count("<li>") < page.count("<li>")
    # Each item names its plan by the plan's label, linked (not a compact IRI).
    no_target = one.split('id="gap-no-target"', 1)[1].split("</section>", 1)[0]
    assert '<a href="/id/plan/reform-plan-cr02">Revised National Reform Plan' in no_target
    assert "id:plan/" not in no_target


def test_validation_page_and_downloads_issue6(client: FlaskClient) -> None:
    page = client.get("/validation", headers=BROWSER)
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert 'class="report-nav"' in page.get_data(as_text=True)
    csv = client.get("/validation?format=csv")
    assert (
        csv.status_code == 200
        and csv.mimetype == "text/csv"
        and "attachment" in csv.headers["Content-Disposition"]
    )
    assert client.get("/validation?format=exe", headers=BROWSER).status_code == 400


def test_every_page_answers_json_free_html_without_inline_script_issue6(client: FlaskClient) -> None:
    for url in (
        "/",
        "/search?q=ดิจิทัล",
        "/trace?entity=BR0201",
        "/agency?agency=OPDC",
        "/gaps",
        "/indicator?indicator=EGDI",
        "/id/plan/psds-2567-2570",
    ):
        response = client.get(url, headers=BROWSER)
        body = response.get_data(as_text=True)
        assert response.status_code == 200, url
        assert not re.search(r"<script(?![^>]*\bsrc=)", body), url
        assert json.dumps("x")  # keep json imported for symmetry with the API tests


def test_indicator_page_names_the_goals_and_plans_that_use_it(client: FlaskClient) -> None:
    """'Used by' shows the goal's and the plan's names with links, not compact IRIs (issue 6, seen in #8)."""
    page = html_get(client, "/indicator?indicator=CR02G01-1&lang=en")[1]
    used_by = page.split('class="meta"', 1)[1].split("</p>", 1)[0]
    assert 'href="/id/goal/CR02G01"' in used_by and 'href="/id/plan/reform-plan-cr02"' in used_by
    assert "CR02G01</span>" in used_by  # the goal's code
    assert "tpid:" not in used_by and ":goal/" not in used_by


def test_trace_via_column_names_the_step_by_its_code(client: FlaskClient) -> None:
    """The 'via' cell shows the code (or name) of the item one step below, not a compact IRI."""
    page = html_get(client, "/trace?entity=CR02G01", "en")[1]
    up = page.split('id="trace-up"', 1)[1].split("</section>", 1)[0]
    assert '<a href="/id/goal/CR02G01" title="Public services' in up
    plan = 'title="Revised National Reform Plan on Public Administration"><span class="code">CR02</span>'
    assert plan in up
    assert "id:goal/" not in up and "id:plan/" not in up
