"""The OWL 2 DL profile check (issue 15): the OWL API bundled in owlready2's HermiT.jar, run from Java."""

from __future__ import annotations

from pathlib import Path

import pytest

from thaiplan.cli import main
from thaiplan.ontology import ontology_path
from thaiplan.ontology.profile import profile_violations

DATA = Path(__file__).parent / "data" / "ontology"
pytestmark = pytest.mark.slow  # a JVM compiles and runs the checker: about 5 s each


def test_the_ontology_is_in_the_owl2_dl_profile_issue15() -> None:
    assert [f"{v.kind}: {v.message}" for v in profile_violations(ontology_path())] == []


def test_a_file_outside_owl2_dl_is_caught_issue15(capsys: pytest.CaptureFixture[str]) -> None:
    kinds = {v.kind for v in profile_violations(DATA / "not-dl.ttl")}
    assert "UseOfUndeclaredClass" in kinds and len(kinds) >= 2
    code = main(["ontology", "check", "--no-upstream", "--ontology", str(DATA / "not-dl.ttl"), "--profile"])
    out = capsys.readouterr().out
    assert code == 1 and "OWL 2 DL profile" in out and "UseOfUndeclaredClass" in out
