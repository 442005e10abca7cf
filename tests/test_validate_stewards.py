"""What a steward reads in `thaiplan validate`'s reports (issue 20, "Stewards").

Where to fix each result (file and line), misspelled thaiplan terms, links that work from disk, and one
definition of conformance — SHACL's: a graph conforms only when there is no result of any severity —
across text, JSON, CSV, HTML and Turtle, with the severity counts beside it.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import RDF, SH

from thaiplan.cli import main
from thaiplan.shapes.validate import validate_files

ROOT = Path(__file__).resolve().parents[1]
PREFIXES = """@prefix tp: <https://w3id.org/thaiplan/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ex: <http://example.org/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
"""


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    """Run `thaiplan validate` and return its exit code and standard output."""
    code = main(["validate", *argv])
    return code, capsys.readouterr().out


def test_each_result_names_the_file_and_line_of_its_focus_node_issue20(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = tmp_path / "steward.ttl"
    data.write_text(
        PREFIXES + "\n# a goal with no name\n<https://w3id.org/thaiplan/id/goal/g9>\n    a tp:Goal .\n",
        encoding="utf-8",
    )
    where = f"{data}:7"  # four prefix lines, a blank line, a comment, then the subject
    code, text = _run(capsys, str(data))
    assert code == 1 and f"({where})" in text
    _, out = _run(capsys, str(data), "--format", "json")
    assert {r["location"] for r in json.loads(out)["results"]} == {where}
    _, out = _run(capsys, str(data), "--format", "csv")
    assert {r["location"] for r in csv.DictReader(io.StringIO(out))} == {where}
    _, page = _run(capsys, str(data), "--format", "html")
    assert f"<code>{where}</code>" in page


def test_curated_results_name_their_graph_data_file_and_line_issue20() -> None:
    """The shipped graph's warnings point into graph/data (or the sources description), at the node."""
    report = validate_files()
    assert report.results, "the shipped graph has warnings (known gaps)"
    for result in report.results:
        where = report.locations[result.focus]
        name, line = where.rsplit(":", 1)
        assert name.startswith("graph/"), where
        text = (ROOT / name).read_text(encoding="utf-8").splitlines()[int(line) - 1]
        local = str(result.focus).rsplit("/", 1)[-1]
        assert local in text, (where, text)


def test_a_misspelled_thaiplan_term_is_a_violation_issue20(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = tmp_path / "typo.ttl"
    data.write_text(
        PREFIXES + '<https://w3id.org/thaiplan/id/activity/x> a tp:ReformActvity ; skos:prefLabel "x"@th .\n',
        encoding="utf-8",
    )
    code, out = _run(capsys, str(data), "--format", "json")
    known = [r for r in json.loads(out)["results"] if r["shape"].endswith("#KnownTermShape")]
    assert code == 1
    assert [(r["severity"], r["value"]) for r in known] == [
        ("Violation", "https://w3id.org/thaiplan/ontology#ReformActvity")
    ]


def _goal(tmp_path: Path) -> Path:
    """A data file with one broken goal."""
    data = tmp_path / "goal.ttl"
    data.write_text(PREFIXES + "<https://w3id.org/thaiplan/id/goal/g1> a tp:Goal .\n", encoding="utf-8")
    return data


def test_html_report_links_work_when_opened_from_disk_issue20(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("THAIPLAN_PUBLIC_URL", raising=False)
    _, page = _run(capsys, str(_goal(tmp_path)), "--format", "html")
    assert '<a href="https://w3id.org/thaiplan/id/goal/g1">' in page
    assert 'href="/' not in page
    monkeypatch.setenv("THAIPLAN_PUBLIC_URL", "https://plans.example.org/")
    _, page = _run(capsys, str(_goal(tmp_path)), "--format", "html")
    assert '<a href="https://plans.example.org/id/goal/g1">' in page
    _, page = _run(capsys, str(_goal(tmp_path)), "--format", "html", "--link-base", "")
    assert '<a href="/id/goal/g1">' in page  # asked for: links for a server at the same origin


def test_one_definition_of_conformance_in_every_format_issue20(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Warnings only: SHACL says the graph does not conform; the exit code (violations) stays 0."""
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        PREFIXES + "ex:S a sh:NodeShape ; sh:targetClass ex:C ;\n"
        "    sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:severity sh:Warning ] .\n",
        encoding="utf-8",
    )
    data = tmp_path / "data.ttl"
    data.write_text(PREFIXES + "ex:a a ex:C .\n", encoding="utf-8")
    base = [str(data), "--shapes", str(shapes)]
    code, text = _run(capsys, *base)
    assert code == 0
    assert text.splitlines()[1] == (
        "Conforms: no (SHACL: a graph conforms only when there is no result, of any severity)"
        " · Violation 0 · Warning 1 · Info 0"
    )
    assert "No violation: only warnings" in text
    _, out = _run(capsys, *base, "--format", "json")
    doc = json.loads(out)
    assert doc["conforms"] is False and doc["counts"] == {"Violation": 0, "Warning": 1, "Info": 0}
    _, out = _run(capsys, *base, "--format", "turtle")
    graph = Graph().parse(data=out, format="turtle")
    assert graph.value(graph.value(None, RDF.type, SH.ValidationReport), SH.conforms).toPython() is False
    _, out = _run(capsys, *base, "--format", "csv")
    assert [r["severity"] for r in csv.DictReader(io.StringIO(out))] == ["Warning"]
    _, page = _run(capsys, *base, "--format", "html")
    assert '<p class="conforms">Conforms: no' in page
    data.write_text(PREFIXES + 'ex:a a ex:C ; ex:name "A" .\n', encoding="utf-8")
    code, text = _run(capsys, *base)
    assert code == 0 and text.splitlines()[1].startswith("Conforms: yes")
