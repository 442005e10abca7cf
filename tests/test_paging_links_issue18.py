"""Paging of the named-query API with any parameters a client sends, and of its downloads (issue 18, review).

`Link` headers were built through url_for's keywords, so a blank parameter named like one of url_for's
own (`name`, `endpoint`, `_scheme`) made a 500.
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests import test_pages_support as support
from thaiplan.queries import paging, registry

store_dir, app, client = support.store_dir, support.app, support.client


@pytest.mark.parametrize(
    "extra", ["name=&limit=3", "endpoint=&limit=3", "_scheme=&offset=2", "_external=&limit=2&offset=1"]
)
def test_paging_links_carry_any_parameter_name_issue18(client: FlaskClient, extra: str) -> None:
    reply = client.get(f"/api/queries/trace-down?entity=CR02G01&{extra}")
    assert reply.status_code == 200, reply.get_data(as_text=True)
    link = reply.headers["Link"]
    assert link.startswith("</api/queries/trace-down?") and "entity=CR02G01" in link
    assert extra.split("&")[0] in link  # the client's own parameter is kept as given


def test_paging_links_keep_repeated_parameters_in_order_issue18(client: FlaskClient) -> None:
    reply = client.get("/api/queries/trace-down?entity=CR02G01&lang=en&limit=2&offset=2")
    link = reply.headers["Link"]
    assert "entity=CR02G01&lang=en&limit=2&offset=4" in link and "limit=2&offset=0" in link


def test_a_download_is_cut_by_limit_and_offset_and_refuses_bad_ones_issue18(client: FlaskClient) -> None:
    base = "/api/queries/trace-down?entity=CR02G01&format=csv"
    whole = client.get(base).get_data(as_text=True).splitlines()
    page = client.get(base + "&limit=3&offset=2")
    assert page.status_code == 200 and "rows-3-5" in page.headers["Content-Disposition"]
    lines = page.get_data(as_text=True).splitlines()
    assert lines[0] == whole[0] and lines[1:] == whole[3:6]  # the header row, then rows 3 to 5
    bad = client.get(base + "&limit=abc")
    assert bad.status_code == 400 and bad.get_json()["parameter"] == "limit"


def test_every_named_query_can_be_paged_issue18() -> None:
    """Each shipped named query has an outermost ORDER BY, read from its tokens (not a comment's)."""
    for query in registry.list_queries():
        assert paging.modifiers(query.sparql).ordered, query.name
    assert paging.modifiers(registry.get("search").sparql).limit == 50


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # indented modifiers, a comment after the LIMIT, and a sub-query's own ORDER BY and LIMIT
        (
            "SELECT ?x WHERE { { SELECT ?x WHERE { ?x ?p ?o } ORDER BY ?o LIMIT 7 } }\n"
            "  ORDER BY ?x\n  LIMIT 50 # the top fifty\n",
            "LIMIT 7 } }\n  ORDER BY ?x\n   # the top fifty\nLIMIT 5\nOFFSET 45\n",
        ),
        # a trailing VALUES clause stays last
        (
            "SELECT ?x WHERE { ?x ?p ?o } ORDER BY ?x VALUES ?x { <urn:a> }",
            "ORDER BY ?x\nLIMIT 10\nOFFSET 45\nVALUES ?x { <urn:a> }",
        ),
    ],
)
def test_paging_reads_the_outermost_modifiers_from_the_tokens_issue18(text: str, expected: str) -> None:
    assert paging.paged(text, paging.Page(limit=10, offset=45)).endswith(expected)


def test_paging_refuses_what_it_cannot_page_issue18() -> None:
    page = paging.Page(limit=10)
    with pytest.raises(ValueError, match="ORDER BY"):  # only a sub-query or a comment orders
        paging.paged("SELECT ?x WHERE { { SELECT ?x { ?x ?p ?o } ORDER BY ?x } } # ORDER BY ?x", page)
    with pytest.raises(ValueError, match="OFFSET"):
        paging.paged("SELECT ?x WHERE { ?x ?p ?o } ORDER BY ?x OFFSET 3", page)
