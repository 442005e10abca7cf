"""Issue 14's one-way-through parts, each on its own: the error responder, the HTML rule, the template
helpers' order, the SPARQL reader, and no logging change at import."""

from __future__ import annotations

import subprocess
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from thaiplan.config import Config
from thaiplan.rq import read_rq, rq_path
from thaiplan.server import create_app, i18n, negotiation, pagekit
from thaiplan.server.app import install_template_helpers

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture()
def app(tmp_path: Path) -> Iterator[Flask]:
    """An app over an empty store directory: no query runs, so no worker starts."""
    application = create_app(Config(store_dir=tmp_path / "store", workers=1))
    application.testing = True
    yield application
    application.extensions["thaiplan_pool"].close()


def test_issue14_errors_are_one_page_for_browsers_and_one_line_for_tools(app: Flask) -> None:
    client = app.test_client()
    page = client.get("/no-such-page", headers={**BROWSER, "Accept-Language": "en"})
    html = page.get_data(as_text=True)
    # The pages' layout (search box, language switch), the message, links home and to search.
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert 'class="error-message"' in html and 'id="lang-switch"' in html and 'href="/search"' in html
    text = client.get("/no-such-page", headers={"Accept": "*/*"})
    assert text.status_code == 404 and text.mimetype == "text/plain"
    assert text.get_data(as_text=True).startswith("404 Not Found: ")


def test_issue14_one_rule_says_when_a_client_wants_the_page() -> None:
    def wants(accept: str, other: str) -> bool:
        ranges = negotiation.parse_accept(accept)
        return negotiation.prefers_html(ranges, negotiation.quality(ranges, other))

    assert wants(BROWSER["Accept"], "text/plain") and wants(BROWSER["Accept"], "application/json")
    assert not wants("*/*", "text/plain")  # a tool that names nothing gets the other
    assert not wants("text/*", "text/turtle")  # nor through a wildcard
    assert wants("text/html, text/turtle", "text/turtle")  # naming text/html wins the tie
    assert not wants("text/html;q=0.5, application/json", "application/json")
    assert not wants("text/html;q=0", "text/plain")


def test_issue14_accept_parameters_with_quoted_commas_are_one_range() -> None:
    ranges = negotiation.parse_accept('text/plain; note="a, b"; q=0.3, application/xml')
    assert [(r.type, r.subtype, r.q) for r in ranges] == [("text", "plain", 0.3), ("application", "xml", 1.0)]
    assert [r.q for r in negotiation.parse_accept("text/csv;q=oops, a/b;q=2")] == [0.0, 1.0]


def test_issue14_template_helpers_come_in_one_order_and_never_replace_each_other(app: Flask) -> None:
    assert app.jinja_env.globals["t"] is i18n.t
    # `label` is pagekit's display-safe one; i18n no longer provides one for it to override.
    assert "label" not in i18n.template_helpers() and "label" in pagekit.template_helpers()
    with app.test_request_context("/?lang=en"):
        assert app.jinja_env.globals["label"]("ไทย", "\u202eEnglish") != "\u202eEnglish"
    clash = types.ModuleType("clash")
    clash.template_helpers = lambda: {"t": str}  # type: ignore[attr-defined]
    with pytest.raises(RuntimeError, match="replace the template helpers"):
        install_template_helpers(Flask("x"), (i18n, clash))


def test_issue14_one_reader_for_every_area_s_sparql() -> None:
    assert read_rq("queries", "trace-up") == rq_path("queries", "trace-up").read_text(encoding="utf-8")
    assert "SELECT" in read_rq("graph", "quotes") and "DROP" in read_rq("graph", "remote-drop.ru").upper()
    assert rq_path("server", "report-plan").parts[-3:] == ("server", "sparql", "report-plan.rq")
    assert rq_path("shapes", "core/targets").parts[-4:] == ("shapes", "sparql", "core", "targets.rq")
    with pytest.raises(FileNotFoundError, match=r"no-such-query\.rq"):
        read_rq("graph", "no-such-query")


def test_issue14_importing_the_validator_changes_no_logging() -> None:
    code = (
        "import logging, thaiplan.shapes.validate, thaiplan.shapes.compiled.functions as f\n"
        "assert not logging.getLogger('rdflib.term').filters, 'filter installed at import'\n"
        "f.functions(); f.functions()\n"
        "assert len(logging.getLogger('rdflib.term').filters) == 1\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_issue14_every_interface_string_a_page_asks_for_is_in_the_one_table() -> None:
    """The report's, downloads' and reader's strings joined i18n.STRINGS: none is asked for and missing."""
    import re

    root = Path(__file__).resolve().parent.parent / "server"
    asked = set()
    for path in [*root.glob("templates/*.html"), *root.glob("*.py")]:
        text = path.read_text(encoding="utf-8")
        asked |= {
            (path.name, key)
            for key in re.findall(r"""(?<![\w.])(?:i18n\.)?t\(\s*['"]([\w-]+)['"]\s*\)""", text)
        }
    assert len(asked) > 100  # the pattern finds the calls (a broken pattern would pass vacuously)
    missing = sorted((name, key) for name, key in asked if key not in i18n.STRINGS)
    assert not missing, f"interface strings asked for but not in i18n.STRINGS: {missing}"
