"""Real SPARQL clients against a running `thaiplan serve` (issue 19): SPARQLWrapper in every return format,
rdflib's SPARQLStore, and rasqal's `roqet` (a C client, Debian package rasqal-utils).

Before: SPARQLWrapper's N3 and RDF/XML modes sent `format=n3`/`format=rdf+xml`, which were 400; rdflib's
SPARQLStore(returnFormat="json") asked a CONSTRUCT for SPARQL JSON only and got 406; clients saw a triple
stated in two named graphs twice.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import warnings
from collections.abc import Iterator
from xml.dom.minidom import Document

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDF, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from tests.test_server_cli import start_server, stop_server, wait_listening
from tests.test_sparql_support import OPDC, SKOS_PREF, THAI, free_port, make_store
from tests.test_sparql_w3c_support import add_quads

SECOND_GRAPH = ox.NamedNode("https://w3id.org/thaiplan/graph/test-thai-again")
SELECT = f"SELECT ?s ?label WHERE {{ ?s <{SKOS_PREF}> ?label }}"
ASK = f'ASK {{ <{OPDC}> <{SKOS_PREF}> "{THAI}"@th }}'
CONSTRUCT = f"CONSTRUCT {{ ?s <{SKOS_PREF}> ?label }} WHERE {{ ?s <{SKOS_PREF}> ?label }}"
DESCRIBE = f"DESCRIBE <{OPDC}>"
QUERIES = {"SELECT": SELECT, "ASK": ASK, "CONSTRUCT": CONSTRUCT, "DESCRIBE": DESCRIBE}
FORMATS = {"JSON": JSON, "XML": XML, "TURTLE": TURTLE, "N3": N3, "RDF": RDF, "RDFXML": RDFXML, "CSV": CSV,
           "TSV": TSV, "JSONLD": JSONLD}  # fmt: skip
# The return formats SPARQLWrapper itself offers per query form; for the others it warns and sends */*.
NATIVE = {
    "SELECT": {"JSON", "XML", "CSV", "TSV"},
    "ASK": {"JSON", "XML", "CSV", "TSV"},
    "CONSTRUCT": {"XML", "RDFXML", "TURTLE", "N3", "JSONLD"},
    "DESCRIBE": {"XML", "RDFXML", "TURTLE", "N3", "JSONLD"},
}
RESULTS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A running `thaiplan serve` over the test store, its Thai label stated in two graphs; the URL."""
    store_dir = make_store(tmp_path_factory.mktemp("clients") / "store")
    label = ox.Literal(THAI, language="th")
    add_quads(store_dir, [ox.Quad(ox.NamedNode(OPDC), ox.NamedNode(SKOS_PREF), label, SECOND_GRAPH)])
    port = free_port()
    proc = start_server(store_dir, port, "--workers", "2")
    try:
        wait_listening(proc, port)
        yield f"http://127.0.0.1:{port}/sparql"
    finally:
        out = stop_server(proc)
        assert "Traceback" not in out


def read_answer(body: bytes, content_type: str) -> tuple[str, object]:
    """What an answer holds, by its Content-Type: ("boolean", b), ("rows", labels) or ("triples", labels)."""
    media = content_type.split(";")[0].strip()
    if media in RESULTS:
        if media in ("text/csv", "text/tab-separated-values") and body.strip() in (b"true", b"false"):
            return "boolean", body.strip() == b"true"
        if media == "text/csv":  # lossy, so pyoxigraph does not read it
            return "rows", sorted(row["label"] for row in csv.DictReader(io.StringIO(body.decode("utf-8"))))
        parsed = ox.parse_query_results(body, format=RESULTS[media])
        if isinstance(parsed, ox.QueryBoolean):
            return "boolean", bool(parsed)
        return "rows", sorted(str(row["label"].value) for row in parsed)
    triples = ox.parse(body, format=ox.RdfFormat.from_media_type(media))
    return "triples", sorted(str(t.object.value) for t in triples if t.predicate.value == SKOS_PREF)


def expected(form: str) -> tuple[str, object]:
    """What each query form answers on the test store."""
    if form == "ASK":
        return "boolean", True
    return ("rows" if form == "SELECT" else "triples"), [THAI]


def converted(client: SPARQLWrapper) -> object:
    """SPARQLWrapper's own reading of an answer (rdflib's ConjunctiveGraph warning is the client's own)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        return client.query().convert()


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("form", sorted(QUERIES))
def test_sparqlwrapper_every_form_in_every_return_format_issue19(endpoint: str, form: str, fmt: str) -> None:
    client = SPARQLWrapper(endpoint, agent="thaiplan-tests")
    client.setQuery(QUERIES[form])
    client.setReturnFormat(FORMATS[fmt])
    if fmt in NATIVE[form]:
        response = client.query().response
    else:  # SPARQLWrapper warns that the format is not one of this form's, and sends Accept: */*
        with pytest.warns(RuntimeWarning, match="unexpected returned format"):
            response = client.query().response
    assert response.status == 200
    assert read_answer(response.read(), response.headers["Content-Type"]) == expected(form)
    if fmt in NATIVE[form]:
        value = converted(client)
        assert isinstance(value, dict | bytes | str | Document | rdflib.Graph), type(value)
        if isinstance(value, rdflib.Graph):
            assert THAI in {str(o) for o in value.objects()}


@pytest.mark.parametrize("return_format", ["json", "xml"])
def test_rdflib_sparqlstore_reads_every_form_issue19(endpoint: str, return_format: str) -> None:
    graph = rdflib.Graph(SPARQLStore(endpoint, returnFormat=return_format))
    rows = list(graph.query(SELECT))
    assert [str(r[1]) for r in rows] == [THAI]
    assert graph.query(ASK).askAnswer is True
    for query in (CONSTRUCT, DESCRIBE):
        answer = graph.query(query)
        labels = [str(o) for _s, p, o in answer.graph if str(p) == SKOS_PREF]  # type: ignore[union-attr]
        assert labels == [THAI], query


def test_rdflib_sparqlstore_sees_each_triple_once_issue19(endpoint: str) -> None:
    graph = rdflib.Graph(SPARQLStore(endpoint, returnFormat="json"))
    rows = [tuple(map(str, r)) for r in graph.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }")]
    assert len(rows) == len(set(rows)) > 0
    # the fact is in both graphs all the same
    stated = graph.query(f"SELECT ?g WHERE {{ GRAPH ?g {{ <{OPDC}> <{SKOS_PREF}> ?label }} }}")
    assert len(list(stated)) == 2


@pytest.mark.skipif(shutil.which("roqet") is None, reason="roqet is not installed (Debian rasqal-utils)")
@pytest.mark.parametrize("results", ["xml", "csv", "tsv"])
def test_roqet_runs_a_select_through_the_protocol_issue19(endpoint: str, results: str) -> None:
    # rasqal 0.9.33 asks for SPARQL XML and reads every answer as variable bindings (it reads no boolean
    # and no RDF from a service): SELECT is what a C client gets from the endpoint; -r writes it out.
    run = subprocess.run(
        ["roqet", "-q", "-p", endpoint, "-e", SELECT, "-r", results],
        capture_output=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr.decode("utf-8", "replace")
    media = {"xml": "application/sparql-results+xml", "csv": "text/csv", "tsv": "text/tab-separated-values"}
    assert read_answer(run.stdout, media[results]) == ("rows", [THAI])
