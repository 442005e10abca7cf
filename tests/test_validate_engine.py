"""The engine behind `thaiplan validate` (issue 19): the bugs an outside trial found, and `--shapes`.

Each test drives the real command or the real engines (the compiled one and pySHACL, the reference) on
real files; the W3C suite itself is tests/test_shacl_w3c.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from thaiplan.cli import main
from thaiplan.shapes.reference import validate_reference
from thaiplan.shapes.validate import read_rdf, validate

TPSH = "https://w3id.org/thaiplan/shapes#"
PREFIXES = """@prefix tp: <https://w3id.org/thaiplan/ontology#> .
@prefix id: <https://w3id.org/thaiplan/id/> .
@prefix ex: <http://example.org/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def _json_report(capsys, args: list[str]) -> tuple[int, dict]:
    """Run `thaiplan validate … --format json` and return its exit code and report."""
    code = main(["validate", *args, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_ill_typed_boolean_in_turtle_fails_the_inferred_flag_shape_issue19(tmp_path: Path) -> None:
    data = tmp_path / "flag.ttl"
    data.write_text(
        PREFIXES
        + """<https://w3id.org/thaiplan/id/statement/s1> a rdf:Statement ;
    rdf:subject id:a ; rdf:predicate tp:supports ; rdf:object id:b ;
    tp:inferred "yes"^^xsd:boolean ; rdfs:comment "why"@en .
""",
        encoding="utf-8",
    )
    # A real process: pytest turns rdflib's "weird boolean" warning into an error, which hid the bug.
    run = subprocess.run(
        [sys.executable, "-m", "thaiplan.cli", "validate", str(data), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    code, report = run.returncode, json.loads(run.stdout)
    flagged = [r for r in report["results"] if r["shape"] == TPSH + "InferredFlagShape"]
    assert code == 1
    assert [r["constraint"] for r in flagged] == ["Datatype"]
    reference = validate_reference(read_rdf([data]))
    assert any(r.shape == URIRef(TPSH + "InferredFlagShape") for r in reference.results), "pySHACL agrees"


def test_node_typed_only_through_rdfs_range_is_validated_issue19(tmp_path: Path) -> None:
    """A node the data names only as an object, typed by a range, is a focus node, for both engines."""
    data = tmp_path / "range.ttl"
    data.write_text(PREFIXES + "id:o1 a tp:Observation ; tp:hasTarget id:t2 .\n", "utf-8")
    graph = read_rdf([data])
    new, old = validate(graph), validate_reference(graph)
    target = URIRef("https://w3id.org/thaiplan/id/t2")
    assert any(r.focus == target for r in new.results)
    assert sorted(map(repr, new.results)) == sorted(map(repr, old.results))


def _shapes_file(tmp_path: Path, text: str) -> Path:
    """A shapes graph written to a file."""
    path = tmp_path / "shapes.ttl"
    path.write_text(PREFIXES + text, encoding="utf-8")
    return path


def test_a_shape_that_is_also_a_class_targets_its_instances_issue19(tmp_path: Path) -> None:
    shapes = _shapes_file(
        tmp_path,
        "ex:Person a rdfs:Class , sh:NodeShape ; sh:property [ sh:path ex:name ; sh:minCount 1 ] .\n",
    )
    data = Graph().parse(data=PREFIXES + "ex:bob a ex:Person .\nex:ann a ex:Person ; ex:name 'Ann' .\n")
    report = validate(data, shapes=Graph().parse(shapes), rdfs=False)
    assert [(r.focus, r.component) for r in report.results] == [
        (URIRef("http://example.org/bob"), SH.MinCountConstraintComponent)
    ]
    assert not report.handed, "the compiler runs implicit class targets itself"


def test_a_feature_the_compiler_lacks_goes_to_pyshacl_never_passes_issue19(tmp_path: Path) -> None:
    shapes = _shapes_file(
        tmp_path,
        "ex:S a sh:NodeShape ; sh:targetNode ex:x ;\n"
        "    sh:xone ( [ sh:nodeKind sh:IRI ] [ sh:nodeKind sh:BlankNodeOrIRI ] ) .\n"
        "ex:T a sh:NodeShape ; sh:targetNode ex:x ; sh:nodeKind sh:Literal .\n",
    )
    report = validate(Graph(), shapes=Graph().parse(shapes), rdfs=False)
    assert sorted(r.component for r in report.results) == [
        SH.NodeKindConstraintComponent,
        SH.XoneConstraintComponent,
    ]
    assert set(report.handed) == {URIRef("http://example.org/S")}, "sh:xone to pySHACL, sh:nodeKind compiled"


def test_literal_focus_nodes_and_untouched_target_nodes_issue19(tmp_path: Path) -> None:
    """sh:targetNode names a focus node even when the data never mentions it, a literal one too."""
    shapes = _shapes_file(
        tmp_path, "ex:S a sh:NodeShape ; sh:targetNode 'x' , ex:nowhere ; sh:datatype xsd:integer .\n"
    )
    report = validate(Graph(), shapes=Graph().parse(shapes), rdfs=False)
    assert sorted(str(r.focus) for r in report.results) == ["http://example.org/nowhere", "x"]
    assert not report.handed


def test_shapes_option_writes_a_standard_turtle_report_issue19(tmp_path: Path) -> None:
    shapes = _shapes_file(
        tmp_path,
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .\n",
    )
    data = tmp_path / "data.ttl"
    data.write_text(PREFIXES + "ex:a a ex:C .\nex:b a ex:C ; ex:p 1 .\n", encoding="utf-8")
    out = tmp_path / "report.ttl"
    code = main(["validate", str(data), "--shapes", str(shapes), "--format", "turtle", "-o", str(out)])
    graph = Graph().parse(out, format="turtle")
    report = graph.value(None, RDF.type, SH.ValidationReport, any=False)
    assert code == 1
    assert graph.value(report, SH.conforms).toPython() is False
    assert [graph.value(r, SH.focusNode) for r in graph.objects(report, SH.result)] == [
        URIRef("http://example.org/a")
    ]


def test_shapes_option_with_a_bad_shapes_file_is_exit_2_issue19(capsys, tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("ex:S a sh:NodeShape", encoding="utf-8")
    code = main(["validate", str(shapes), "--shapes", str(shapes)])
    assert code == 2
    assert f"{shapes}:1" in capsys.readouterr().err


def test_a_misspelled_shacl_term_or_an_advanced_feature_is_refused_issue19(capsys, tmp_path: Path) -> None:
    """SHACL ignores unknown properties: `sh:minCont 1` would pass every node, so it is an error."""
    data = tmp_path / "data.ttl"
    data.write_text(PREFIXES + "ex:a a ex:C .\n", encoding="utf-8")
    for body, said in (
        (
            "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minCont 1 ] .",
            "minCont",
        ),
        ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:rule [ a sh:TripleRule ] .", "Advanced Features"),
    ):
        shapes = _shapes_file(tmp_path, body + "\n")
        code = main(["validate", str(data), "--shapes", str(shapes)])
        err = capsys.readouterr().err
        assert code == 2 and said in err and "Traceback" not in err
