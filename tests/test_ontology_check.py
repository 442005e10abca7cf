"""Issue 2: `thaiplan ontology check` runs HermiT and fails on inconsistency, unsatisfiable classes and
unreadable files. These run the real reasoner (Java): about a second each."""

from pathlib import Path

import pytest

from thaiplan.cli import main

DATA = Path(__file__).parent / "data" / "ontology"
pytestmark = pytest.mark.slow  # each test starts a JVM for HermiT (~1 s); kept in the default run


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["ontology", "check", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_issue2_ontology_is_consistent(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys)
    assert code == 0, out
    assert "consistent: yes" in out and "unsatisfiable classes: none" in out and "result: OK" in out


def test_issue2_consistent_sample_data_passes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "--with", str(DATA / "consistent-sample.ttl"))
    assert code == 0, out


def test_issue2_inconsistent_extension_fails(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "--with", str(DATA / "inconsistent.ttl"))
    assert code == 1
    assert "consistent: NO" in out and "result: FAILED" in out


def test_issue2_unsatisfiable_class_fails(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "--with", str(DATA / "unsatisfiable.ttl"))
    assert code == 1
    assert "consistent: yes" in out
    assert "https://example.org/test#PlanThatIsAPart" in out


def test_issue2_upstream_axioms_catch_a_decision_typed_as_prov_activity(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with_upstream, out, _ = _run(capsys, "--with", str(DATA / "decision-activity.ttl"))
    assert with_upstream == 1, out
    without, out, _ = _run(capsys, "--no-upstream", "--with", str(DATA / "decision-activity.ttl"))
    assert without == 0, out


def test_issue2_misspelled_external_iri_fails_the_check(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from thaiplan.ontology import ontology_path

    broken = tmp_path / "thaiplan.ttl"
    broken.write_text(
        ontology_path()
        .read_text(encoding="utf-8")
        .replace("skos:closeMatch cpov:PublicOrganisation", "skos:closeMatch cpov:PublicOrganization"),
        encoding="utf-8",
    )
    code, out, _ = _run(capsys, "--ontology", str(broken))
    assert code == 1
    assert "unknown external IRI (typo?): <http://data.europa.eu/m8g/PublicOrganization>" in out


def test_issue2_syntax_error_exits_2_with_file_and_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "--with", str(DATA / "syntax-error.ttl"))
    assert code == 2
    assert "syntax-error.ttl:4:" in err


def test_issue2_missing_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = _run(capsys, "--with", str(tmp_path / "nope.ttl"))
    assert code == 2 and "no such file" in err


def test_issue2_owl_imports_are_not_followed(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    extension = tmp_path / "imports.ttl"
    extension.write_text(
        "<https://example.org/x> a <http://www.w3.org/2002/07/owl#Ontology> ;\n"
        "  <http://www.w3.org/2002/07/owl#imports> <https://example.org/never-fetched> .\n",
        encoding="utf-8",
    )
    code, out, _ = _run(capsys, "--with", str(extension))
    assert code == 0, out
    assert "owl:imports <https://example.org/never-fetched> not followed" in out


def test_misspelled_thaiplan_term_fails_the_check_issue20(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = tmp_path / "typo.ttl"
    data.write_text(
        "@prefix tp: <https://w3id.org/thaiplan/ontology#> .\n"
        "<https://w3id.org/thaiplan/id/activity/x> a tp:ReformActvity ; tp:partOff tp:unitRank .\n"
        "tp:NewKind a <http://www.w3.org/2002/07/owl#Class> .\n"
        "<https://w3id.org/thaiplan/id/activity/y> a tp:NewKind .\n",
        encoding="utf-8",
    )
    code, out, _ = _run(capsys, "--with", str(data))
    assert code == 1, out
    unknown = [line for line in out.splitlines() if line.startswith("unknown thaiplan term")]
    assert unknown == [
        "unknown thaiplan term, not in the ontology (typo?): <https://w3id.org/thaiplan/ontology#ReformActvity>",
        "unknown thaiplan term, not in the ontology (typo?): <https://w3id.org/thaiplan/ontology#partOff>",
    ]
