"""Paging of the named-query API with any parameters a client sends, and of its downloads (issue 18, review).

`Link` headers were built through url_for's keywords, so a blank parameter named like one of url_for's
own (`name`, `endpoint`, `_scheme`) made a 500.
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests import test_pages_support as support

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
