"""Researchers' first impressions of `/sparql` (issue 20): the editor's default example without duplicate
rows, examples that run as they are, result IRIs that open the local `/id/` pages, and `SELECT *` columns
in the query's order.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.test_browser import CHROMEDRIVER, CHROMIUM, browser, serving, shoot  # noqa: F401 (fixtures)
from tests.test_pages_support import build_store
from tests.test_sparql_support import running_app
from thaiplan.config import Config
from thaiplan.queries import registry

SETTINGS = re.compile(r'<script type="application/json" id="editor-settings">(.*?)</script>', re.DOTALL)
BROWSER = pytest.mark.skipif(
    not (CHROMIUM.exists() and CHROMEDRIVER.exists()), reason="needs Debian's chromium and chromium-driver"
)


@pytest.fixture(scope="module")
def client(embedded: Config) -> Iterator[FlaskClient]:
    """The app over the curated graph."""
    with running_app(embedded.store_dir, workers=1) as app:
        yield app.test_client()


def editor_settings(client: FlaskClient) -> dict[str, Any]:
    """The settings the editor page hands to its script."""
    page = client.get("/sparql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    match = SETTINGS.search(page.get_data(as_text=True))
    assert match, "the editor page carries its settings"
    return json.loads(html.unescape(match.group(1)))


def with_prefixes(query: str, prefixes: dict[str, str]) -> str:
    """The query with every editor prefix declared (the page's script adds those a query uses)."""
    return "".join(f"PREFIX {k}: <{v}>\n" for k, v in sorted(prefixes.items())) + query


def run(client: FlaskClient, query: str) -> dict[str, Any]:
    """A query's SPARQL JSON answer through /sparql."""
    response = client.post(
        "/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.json


def test_the_default_example_returns_no_duplicate_rows_issue20(client: FlaskClient) -> None:
    settings = editor_settings(client)
    answer = run(client, settings["defaultQuery"])
    rows = [tuple(sorted((k, v["value"]) for k, v in b.items())) for b in answer["results"]["bindings"]]
    assert len(rows) >= 8, "the plans of the curated graph"
    assert len(rows) == len(set(rows))
    plans = [b["plan"]["value"] for b in answer["results"]["bindings"]]
    assert len(plans) == len(set(plans)), "each plan once"
    assert all("labelTh" in b for b in answer["results"]["bindings"])


def test_every_example_runs_as_it_is_and_answers_issue20(client: FlaskClient) -> None:
    settings = editor_settings(client)
    examples = {e["name"]: e for e in settings["examples"]}
    assert {"trace-up", "trace-down", "search", "indicator-series"} <= set(examples)
    for name, example in examples.items():
        assert example["runnable"], f"{name} is shown without running"
        answer = run(client, with_prefixes(example["query"], settings["prefixes"]))
        rows = answer["results"]["bindings"]
        assert rows, f"{name} answers nothing"
        # the filled example is the named query with its example parameters: the same rows as the API
        values = {p.name: p.example for p in registry.get(name).params if p.example is not None}
        api = client.get(
            f"/api/queries/{name}", query_string=values, headers={"Accept": "application/sparql-results+json"}
        )
        assert api.status_code == 200
        columns = set(api.json["head"]["vars"])
        ours = sorted(json.dumps({k: v for k, v in b.items() if k in columns}, sort_keys=True) for b in rows)
        theirs = sorted(json.dumps(b, sort_keys=True) for b in api.json["results"]["bindings"])
        assert ours == theirs, name


@pytest.mark.parametrize(
    ("accept", "read"),
    [
        ("application/sparql-results+json", lambda r: r.json["head"]["vars"]),
        (
            "application/sparql-results+xml",
            lambda r: re.findall(r'<variable name="([^"]+)"/>', r.get_data(as_text=True)),
        ),
        ("text/csv", lambda r: r.get_data(as_text=True).splitlines()[0].split(",")),
        (
            "text/tab-separated-values",
            lambda r: [v[1:] for v in r.get_data(as_text=True).splitlines()[0].split("\t")],
        ),
    ],
)
def test_select_star_columns_come_in_the_query_order_issue20(
    client: FlaskClient, accept: str, read: Any
) -> None:
    query = (
        "# ?aaa in a comment and <urn:x?bbb> in an IRI do not count\n"
        'SELECT * WHERE { ?zeta ?alpha ?mid . OPTIONAL { ?mid ?beta ?c } BIND("?q" AS ?y) } LIMIT 1'
    )
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert read(response) == ["zeta", "alpha", "mid", "beta", "c", "y"]
    # an explicit projection keeps its own order
    explicit = client.get("/sparql", query_string={"query": "SELECT ?z ?a WHERE { ?z ?a ?m } LIMIT 1"})
    assert explicit.json["head"]["vars"] == ["z", "a"]


def test_editor_settings_name_the_local_instance_pages_issue20(client: FlaskClient) -> None:
    settings = editor_settings(client)
    assert settings["instanceBase"] == "https://w3id.org/thaiplan/id/"
    assert settings["localInstanceBase"] == "/id/"


@BROWSER
@pytest.mark.browser
def test_result_iris_open_the_local_pages_in_chromium_issue20(
    tmp_path_factory: pytest.TempPathFactory,
    browser: Any,  # noqa: F811
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    store = build_store(tmp_path_factory.mktemp("editor-store"))
    with serving(store, tmp_path_factory.mktemp("editor-log")) as url:
        driver = browser
        driver.get(url + "/sparql")
        driver.execute_script("localStorage.clear()")
        driver.get(url + "/sparql")
        WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".yasqe .CodeMirror"))
        driver.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()

        def linked(d: Any) -> list[Any]:
            """The result table's links to instances, once drawn."""
            return d.find_elements(By.CSS_SELECTOR, ".yasr a[href*='/id/plan/']")

        links = WebDriverWait(driver, 60).until(linked)
        hrefs = {a.get_attribute("href") for a in links}
        assert all(h.startswith(url + "/id/plan/") for h in hrefs), hrefs
        assert not driver.find_elements(By.CSS_SELECTOR, ".yasr a[href^='https://w3id.org/thaiplan/id/']")
        assert shoot(driver, "sparql-editor-local-links") > 100
        links[0].click()
        WebDriverWait(driver, 30).until(
            lambda d: "/id/plan/" in d.current_url and d.find_elements(By.TAG_NAME, "h1")
        )
        assert driver.current_url.startswith(url + "/id/plan/")
