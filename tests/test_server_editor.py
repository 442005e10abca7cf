"""GET /sparql without a query (issue 5): the service description for tools, YASGUI for browsers."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from flask import Flask
from flask.testing import FlaskClient

from tests.test_sparql_support import NUMBERS_GRAPH, THAI_GRAPH, W3C_GRAPH, make_store, running_app
from thaiplan.server import editor

SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
# The service description's endpoint without a public URL: the default address `serve` listens on.
LISTENING = "http://127.0.0.1:5000/sparql"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An app over the test store."""
    store_dir = make_store(tmp_path_factory.mktemp("editor") / "store")
    with running_app(store_dir) as app:
        yield app


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    """A test client."""
    return app.test_client()


@pytest.mark.parametrize(
    ("accept", "fmt", "mimetype"),
    [
        ("text/turtle", ox.RdfFormat.TURTLE, "text/turtle"),
        (None, ox.RdfFormat.TURTLE, "text/turtle"),
        ("*/*", ox.RdfFormat.TURTLE, "text/turtle"),
        ("application/ld+json", ox.RdfFormat.JSON_LD, "application/ld+json"),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML, "application/rdf+xml"),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES, "application/n-triples"),
    ],
)
def test_service_description_by_negotiation_issue5(
    client: FlaskClient, accept: str | None, fmt: ox.RdfFormat, mimetype: str
) -> None:
    response = client.get("/sparql", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert response.mimetype == mimetype
    # Parsed by pyoxigraph (rdflib's JSON-LD parser warns), then read into rdflib for navigation.
    ntriples = ox.serialize(ox.parse(response.data, format=fmt), format=ox.RdfFormat.N_TRIPLES)
    graph = rdflib.Graph().parse(data=ntriples.decode("utf-8"), format="nt")
    service = graph.value(predicate=rdflib.RDF.type, object=SD.Service)
    assert service is not None
    assert graph.value(service, SD.endpoint) == rdflib.URIRef(LISTENING)
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    # Not a union of every named graph any more: the set union of the data graphs (issue 19).
    assert (service, SD.feature, SD.UnionDefaultGraph) not in graph
    formats = {str(f) for f in graph.objects(service, SD.resultFormat)}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_JSON" in formats
    assert "http://www.w3.org/ns/formats/Turtle" in formats
    dataset = graph.value(service, SD.defaultDataset)
    names = {str(graph.value(g, SD.name)) for g in graph.objects(dataset, SD.namedGraph)}
    assert names == {W3C_GRAPH.format(1), W3C_GRAPH.format(2), W3C_GRAPH.format(3), THAI_GRAPH, NUMBERS_GRAPH}


def test_service_description_endpoint_is_not_the_request_host_issue13(client: FlaskClient) -> None:
    """Without THAIPLAN_PUBLIC_URL the endpoint is the address served on, not what `Host` claims."""
    response = client.get("/sparql", base_url="https://data.example.org", headers={"Accept": "text/turtle"})
    assert f"<{LISTENING}>".encode() in response.data and b"data.example.org" not in response.data


def test_service_description_not_acceptable_issue5(client: FlaskClient) -> None:
    assert client.get("/sparql", headers={"Accept": "image/png"}).status_code == 406


def test_browser_gets_the_editor_issue5(client: FlaskClient) -> None:
    page = client.get("/sparql", headers={"Accept": BROWSER})
    assert page.status_code == 200
    assert page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert 'id="yasgui"' in html
    assert "/static/vendor/yasgui.min.js" in html and "/static/sparql-editor.js" in html
    settings = json.loads(re.search(r'id="editor-settings">(.*?)</script>', html, re.S).group(1))  # type: ignore[union-attr]
    assert settings["endpoint"] == "/sparql"  # relative: whatever name the browser used (issue 13)
    assert settings["prefixes"]["tp"] == "https://w3id.org/thaiplan/ontology#"
    assert settings["prefixes"]["skos"] == "http://www.w3.org/2004/02/skos/core#"
    assert "PREFIX tp: <https://w3id.org/thaiplan/ontology#>" in settings["defaultQuery"]
    folder = Path(editor.__file__).parent.parent / "queries"
    public = sorted(p.stem for p in folder.glob("*.rq") if not p.name.startswith("_"))
    assert [e["name"] for e in settings["examples"]] == public
    for example in settings["examples"]:
        assert "#+" not in example["query"]


def test_editor_files_are_installed_and_served_issue5(client: FlaskClient) -> None:
    """scripts/setup-frontend copies YASGUI into static/vendor (run by scripts/setup)."""
    for name in ("yasgui.min.js", "yasgui.min.css"):
        response = client.get(f"/static/vendor/{name}")
        assert response.status_code == 200, f"run scripts/setup-frontend: {name} is missing"
        response.close()
    script = client.get("/static/sparql-editor.js")
    assert script.status_code == 200 and b"Yasgui" in script.data
    script.close()


def test_editor_escapes_everything_it_shows_issue5(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    hostile = editor.Example("x", "<script>alert(1)</script> & 'q'", "SELECT * { ?s ?p '</script><b>' }")
    monkeypatch.setattr(editor, "load_examples", lambda: [hostile])
    html = app.test_client().get("/sparql", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#39;q&#39;" in html
    block = re.search(r'id="editor-settings">(.*?)</script>', html, re.S).group(1)  # type: ignore[union-attr]
    assert "</script>" not in block and "<b>" not in block
    assert json.loads(block)["examples"][0]["query"] == hostile.query


def test_missing_vendor_files_say_how_to_install_issue5(app: Flask, tmp_path: Path) -> None:
    original = app.static_folder
    app.static_folder = str(tmp_path)  # a static folder without vendor/
    try:
        html = app.test_client().get("/sparql", headers={"Accept": "text/html"}).get_data(as_text=True)
    finally:
        app.static_folder = original
    assert "scripts/setup-frontend" in html
    assert "yasgui.min.js" not in html
    assert '<textarea id="query" name="query"' in html  # a working form meanwhile


def test_setup_frontend_is_idempotent_issue5() -> None:
    """A second run of the set-up script does nothing (the vendor files match the lock file)."""
    import subprocess

    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        ["bash", str(root / "scripts" / "setup-frontend")], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    again = subprocess.run(["bash", str(root / "scripts" / "setup-frontend")], capture_output=True, text=True)
    assert again.returncode == 0 and again.stdout == ""
