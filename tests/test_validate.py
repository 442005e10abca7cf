"""`thaiplan validate` and its reports (issue 4): shipped graph, formats, exit codes, languages, escaping."""

import csv
import io
import json
from pathlib import Path

import pytest
from rdflib import Graph, Namespace
from rdflib.namespace import RDF, RDFS, SH

from thaiplan.cli import main
from thaiplan.shapes.report import Report, link_for, render_html
from thaiplan.shapes.validate import read_rdf, validate, validate_files

TPSH = Namespace("https://w3id.org/thaiplan/shapes#")
ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "shapes" / "cases"
GOOD = CASES / "conforming" / "complete-plan.ttl"
BROKEN = CASES / "StatusAgreesShape" / "contradictions.ttl"
KNOWN_GAPS = ROOT / "shapes" / "known-gaps.ttl"


@pytest.fixture(scope="module")
def shipped() -> Report:
    """The report on the project's own curated graph, as `thaiplan validate` makes it."""
    return validate_files()


def test_shipped_graph_has_no_violation_issue4(shipped: Report) -> None:
    violations = sorted(
        f"{shipped.compact(r.shape)} {shipped.compact(r.focus)} {shipped.message(r, 'en')}"
        for r in shipped.results
        if r.severity == SH.Violation
    )
    assert violations == []


def test_shipped_warnings_are_explained_by_source_gaps_issue4(shipped: Report) -> None:
    gaps = Graph().parse(KNOWN_GAPS)
    explained = set(gaps.objects(None, TPSH.explains))
    for gap in gaps.subjects(RDF.type, TPSH.KnownGap):
        assert {c.language for c in gaps.objects(gap, RDFS.comment)} >= {
            "en",
            "th",
        }
    kinds = {r.shape for r in shipped.results if r.severity == SH.Warning}
    assert sorted(kinds - explained) == [], "warnings no source gap explains"
    assert sorted(explained - kinds) == [], "source gaps that explain no warning of the shipped graph"


def test_undated_figures_are_warnings_only_for_project_figures_issue4(shipped: Report) -> None:
    """Observations without a year: a warning for the reform plan's undated project counts, nothing else."""
    ids = "https://w3id.org/thaiplan/id/observation/"
    undated = sorted(
        str(r.focus).removeprefix(ids) for r in shipped.results if r.shape == TPSH.FigureYearShape
    )
    assert undated == [
        "biz-portal-business-types",
        "biz-portal-licences",
        "biz-portal-operators",
        "biz-portal-requests",
        "citizen-service-portal-downloads",
        "citizen-service-portal-services",
    ]
    assert all(r.severity == SH.Warning for r in shipped.results if r.shape == TPSH.FigureYearShape)
    assert not [r for r in shipped.results if r.shape == TPSH.ObservationYearShape]


def test_validation_reads_what_the_build_reads_issue4() -> None:
    from thaiplan.graph.build.inputs import ONTOLOGY_GRAPH, build_inputs
    from thaiplan.shapes.validate import project_files

    assert project_files() == [i.path for i in build_inputs() if i.graph != ONTOLOGY_GRAPH]


# --- the command ---------------------------------------------------------------------------------------


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["validate", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_exit_0_without_violations(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, str(GOOD))
    assert code == 0
    assert "Violation 0 · Warning 0 · Info 0" in out


def test_exit_1_with_violations_and_text_report_groups(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, str(BROKEN))
    assert code == 1
    assert "[Violation] Status agrees with target and value (tpsh:StatusAgreesShape) · SPARQL" in out
    assert "id:test/o1" in out


def test_exit_2_with_file_and_line_of_a_parse_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\n\nex:a ex:b ex:c ;\n    ex:d .\n", encoding="utf-8")
    code, out, err = _run(capsys, str(bad))
    assert code == 2
    assert out == ""
    assert f"{bad}:4:" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("bad.nt", "<http://example.org/a> <http://example.org/b> .\n"),
        (
            "bad.rdf",
            "<?xml version='1.0'?>\n<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>\n<oops",
        ),
        ("bad.jsonld", '{"@id": "http://example.org/a",\n "x": }'),
    ],
)
def test_exit_2_for_other_syntaxes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, text: str
) -> None:
    bad = tmp_path / name
    bad.write_text(text, encoding="utf-8")
    code, _, err = _run(capsys, str(bad))
    assert code == 2
    assert f"{bad}:" in err and "Traceback" not in err
    if name != "bad.jsonld":
        assert f"{bad}:{text.count(chr(10)) if name == 'bad.nt' else 3}:" in err


def test_exit_2_for_missing_file_and_unknown_extension(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert _run(capsys, str(tmp_path / "absent.ttl"))[0] == 2
    odd = tmp_path / "data.docx"
    odd.write_text("x", encoding="utf-8")
    code, _, err = _run(capsys, str(odd))
    assert code == 2 and "unknown RDF format" in err


def test_other_rdf_formats_are_read(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    nt = tmp_path / "good.nt"
    nt.write_text(read_rdf([GOOD]).serialize(format="nt"), encoding="utf-8")
    assert _run(capsys, str(nt))[0] == 0


def test_turtle_report_is_a_standard_validation_report(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, str(BROKEN), "--format", "turtle")
    assert code == 1
    report = Graph().parse(data=out, format="turtle")
    (node,) = report.subjects(RDF.type, SH.ValidationReport)
    assert report.value(node, SH.conforms).toPython() is False
    results = list(report.objects(node, SH.result))
    sparql = [
        r for r in results if report.value(r, SH.sourceConstraintComponent) == SH.SPARQLConstraintComponent
    ]
    assert len(sparql) == 3
    for result in sparql:
        assert report.value(result, SH.sourceShape) == TPSH.StatusAgreesShape
        assert report.value(result, SH.sourceConstraint) == TPSH.StatusAgreesConstraint
        assert report.value(result, SH.resultSeverity) == SH.Violation
        assert {m.language for m in report.objects(result, SH.resultMessage)} == {"en", "th"}


def test_turtle_report_reads_back_into_the_same_results(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run(capsys, str(BROKEN), "--format", "turtle")
    again = Report.from_graph(Graph().parse(data=out, format="turtle"))
    fresh = validate(read_rdf([BROKEN]))

    def key(report: Report) -> list[tuple]:
        return sorted(
            (r.focus, r.shape, r.component, report.path_text(r.path), r.value, r.messages, r.constraint)
            for r in report.results
        )

    assert key(again) == key(fresh)


def test_json_report(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, str(BROKEN), "--format", "json")
    doc = json.loads(out)
    assert code == 1 and doc["conforms"] is False
    assert doc["counts"]["Violation"] == doc["violations"] >= 3
    assert sum(g["count"] for g in doc["groups"]) == len(doc["results"])
    assert {"focusNode", "label", "code", "value", "message", "shape", "constraint", "path"} <= set(
        doc["results"][0]
    )


def test_csv_report(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run(capsys, str(BROKEN), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    status = [r for r in rows if r["shape"].endswith("#StatusAgreesShape")]
    assert sorted(r["focusNode"].rsplit("/", 1)[1] for r in status) == ["o1", "o3", "o5"]
    assert all(r["severity"] == "Violation" and r["constraint"] == "SPARQL" for r in status)


def test_lang_th_gives_thai_messages(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run(capsys, str(BROKEN), "--lang", "th")
    assert "ข้อผิดพลาด" in out
    assert "สถานะ" in out and "ขัดกับค่าที่วัดได้" in out
    _, out_en, _ = _run(capsys, str(BROKEN), "--lang", "en", "--format", "json")
    assert "contradicts" in out_en


def test_output_file_is_written(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    code, out, _ = _run(capsys, str(BROKEN), "--format", "html", "--output", str(target))
    assert code == 1 and out == ""
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_html_report_escapes_markup_and_is_self_contained(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("THAIPLAN_PUBLIC_URL", raising=False)
    data = tmp_path / "markup.ttl"
    data.write_text(
        "@prefix tp: <https://w3id.org/thaiplan/ontology#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        '<https://w3id.org/thaiplan/id/goal/x> a tp:Goal ; skos:notation "<b>G1</b>" ;\n'
        '    skos:prefLabel "<script>alert(1)</script>"@th .\n',
        encoding="utf-8",
    )
    code, page, _ = _run(capsys, str(data), "--format", "html", "--lang", "th")
    assert code == 1
    assert "<script" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;b&gt;G1&lt;/b&gt;" in page
    assert '<a href="https://w3id.org/thaiplan/id/goal/x">' in page  # from disk: the IRI (issue 20)
    assert "<link" not in page and "src=" not in page and "@import" not in page
    assert page.index("ข้อผิดพลาด") < page.index("<details>")  # counts come before the groups


def test_render_html_link_base_for_the_server() -> None:
    report = validate(read_rdf([BROKEN]))
    page = render_html(report, "en", link_base="https://plans.example.org/")
    assert '<a href="https://plans.example.org/id/test/o1">' in page
    assert page.count("<details>") == len(report.groups("en"))


def test_link_for_maps_instance_iris_only() -> None:
    from rdflib import Literal, URIRef

    assert link_for(URIRef("https://w3id.org/thaiplan/id/agency/opdc")) == "/id/agency/opdc"
    assert link_for(URIRef("https://w3id.org/thaiplan/ontology#Goal")) is None
    assert link_for(Literal("https://w3id.org/thaiplan/id/x")) is None


def test_files_and_store_together_are_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = _run(capsys, str(GOOD), "--store", str(tmp_path))
    assert code == 2 and "either" in err


def test_store_without_a_build_is_a_clear_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = _run(capsys, "--store", str(tmp_path / "nothing"))
    assert code != 0 and "thaiplan build" in err and "Traceback" not in err
