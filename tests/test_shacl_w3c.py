"""The W3C SHACL test suite (core and SPARQL), run from its manifests through `thaiplan validate --shapes`.

Each `sht:Validate` entry names a data graph, a shapes graph and the expected `sh:ValidationReport` (or
`sht:Failure`: the shapes graph must be refused). The test runs the public command exactly as a user
would — `thaiplan validate DATA --shapes SHAPES --format turtle -o REPORT` — reads the Turtle report back
and compares it as the suite defines conformance (tests/data/w3c/README.md): the same
`sh:conforms` and the same results, compared on focus node, path, value, source shape, source constraint
component and severity. Blank nodes are compared by their description (a shape or a path by its triples,
read from the test file on one side and from the report on the other); a blank focus node or value,
whose description is data the report does not repeat, matches any blank node. Failures the project
accepts are listed in XFAILS with the reason; anything else must pass (RDFLib's habit). The pass counts
are printed at the end of the run (tests/conftest.py).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from thaiplan.cli import main

ROOT = Path(__file__).resolve().parents[1]
W3C_DATA = ROOT / "tests" / "data" / "w3c"  # the vendored W3C suites (tests/data/w3c/README.md)
SUITE = W3C_DATA / "shacl" / "tests"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
SHT = "http://www.w3.org/ns/shacl-test#"

# Entries thaiplan does not pass, each with the reason (none may pass unnoticed: strict xfails).
XFAILS: dict[str, str] = {
    "sparql/pre-binding/shapesGraph-001": "pre-binding $shapesGraph is optional in SHACL (5.3.1) and "
    "pySHACL, which runs the SHACL-SPARQL constraints of a given shapes graph, does not support it: "
    "refused with a message",
}


def _path_of(iri: Node) -> Path:
    """The local file of a `file:` IRI the manifests resolve to."""
    return Path(unquote(urlparse(str(iri)).path))


def _parse(path: Path) -> Graph:
    """A suite file parsed with its own IRI as base (so `<>` names the file)."""
    graph = Graph()
    graph.parse(path, format="turtle", publicID=path.as_uri())
    return graph


def _manifest_files(manifest: Path) -> list[Path]:
    """Every test file a manifest includes, through included manifests."""
    graph = _parse(manifest)
    found: list[Path] = []
    for included in sorted(graph.objects(URIRef(manifest.as_uri()), URIRef(MF + "include")), key=str):
        path = _path_of(included)
        if path.name == "manifest.ttl":
            found.extend(_manifest_files(path))
        else:
            found.append(path)
    return found


def _entries() -> list[pytest.param]:
    """One parameter per `sht:Validate` entry of the suite, named by its folder and test name."""
    params = []
    for path in _manifest_files(SUITE / "manifest.ttl"):
        graph = _parse(path)
        for entries in graph.objects(None, URIRef(MF + "entries")):
            for entry in Collection(graph, entries):
                if (entry, RDF.type, URIRef(SHT + "Validate")) not in graph:
                    continue
                name = f"{path.parent.relative_to(SUITE)}/{str(entry).rsplit('/', 1)[-1]}"
                marks = [pytest.mark.xfail(reason=XFAILS[name], strict=True)] if name in XFAILS else []
                params.append(pytest.param(path, entry, id=name, marks=marks))
    return params


def _describe(graph: Graph, node: Node, depth: int = 0) -> object:
    """A blank node as the sorted set of its triples, blank objects described in turn (cycles cut)."""
    if not isinstance(node, BNode):
        return node
    if depth > 8:
        return "_:deep"
    return tuple(
        sorted((str(p), repr(_describe(graph, o, depth + 1))) for p, o in graph.predicate_objects(node))
    )


def _results(graph: Graph, report: Node) -> Counter:
    """The report's results as the suite compares them."""
    found: Counter = Counter()
    for result in graph.objects(report, SH.result):

        def field(prop: URIRef, described: bool, result: Node = result) -> object:
            value = graph.value(result, prop)
            if isinstance(value, BNode):
                return _describe(graph, value) if described else "_:any"
            return value

        found[
            (
                field(SH.focusNode, False),
                field(SH.resultPath, True),
                field(SH.value, False),
                field(SH.sourceShape, True),
                field(SH.sourceConstraintComponent, False),
                field(SH.resultSeverity, False),
            )
        ] += 1
    return found


def _conforms(graph: Graph, report: Node) -> bool | None:
    """The report's sh:conforms as a boolean."""
    value = graph.value(report, SH.conforms)
    return value.toPython() if isinstance(value, Literal) else None


@pytest.mark.parametrize(("path", "entry"), _entries())
def test_w3c_shacl_suite_issue19(path: Path, entry: URIRef, tmp_path: Path) -> None:
    graph = _parse(path)
    action = graph.value(entry, URIRef(MF + "action"))
    data = _path_of(graph.value(action, URIRef(SHT + "dataGraph")))
    shapes = _path_of(graph.value(action, URIRef(SHT + "shapesGraph")))
    expected = graph.value(entry, URIRef(MF + "result"))
    out = tmp_path / "report.ttl"
    code = main(["validate", str(data), "--shapes", str(shapes), "--format", "turtle", "-o", str(out)])
    if expected == URIRef(SHT + "Failure"):
        assert code == 2 and not out.exists(), "the shapes graph must be refused with an error"
        return
    assert code in (0, 1), f"thaiplan validate failed (exit {code})"
    report_graph = Graph().parse(out, format="turtle")
    report = report_graph.value(None, RDF.type, SH.ValidationReport, any=False)
    assert report is not None
    assert _conforms(report_graph, report) == _conforms(graph, expected)
    assert _results(report_graph, report) == _results(graph, expected)


def test_the_suite_is_all_there_issue19() -> None:
    """The manifests list the 120 tests of core and SPARQL (a lost folder would pass unnoticed)."""
    assert len(_entries()) >= 120
