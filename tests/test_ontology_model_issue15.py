"""The ontology 0.2.0 fixes of issue 15 that the reasoner and the file itself show: repeated --with, the
real data against the model, definitions on every term, the SKOS hierarchy of the schemes."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from thaiplan.cli import main
from thaiplan.graph.build.inputs import build_inputs
from thaiplan.ontology import ONTOLOGY_IRI, ontology_path
from thaiplan.ontology.terms import TP_NS, defined_terms

DATA = Path(__file__).parent / "data" / "ontology"


def _check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["ontology", "check", *args])
    return code, capsys.readouterr().out


@pytest.mark.slow
def test_repeated_with_checks_every_file_issue15(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _check(
        capsys, "--with", str(DATA / "inconsistent.ttl"), "--with", str(DATA / "consistent-sample.ttl")
    )
    assert code == 1 and "inconsistent.ttl" in out and "consistent-sample.ttl" in out


@pytest.mark.slow
def test_the_shipped_data_is_consistent_with_the_ontology_issue15(capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(i.path) for i in build_inputs() if i.path != ontology_path()]
    code, out = _check(capsys, *[arg for f in files for arg in ("--with", f)])
    assert code == 0, out


@pytest.fixture(scope="module")
def graph() -> rdflib.Graph:
    return rdflib.Graph().parse(ontology_path(), format="turtle")


def test_every_term_is_defined_by_the_ontology_issue15(graph: rdflib.Graph) -> None:
    lacking = [
        name
        for name in sorted(defined_terms(graph))
        if (rdflib.URIRef(TP_NS + name), RDFS.isDefinedBy, rdflib.URIRef(ONTOLOGY_IRI)) not in graph
    ]
    assert lacking == []


def test_publishing_metadata_issue15(graph: rdflib.Graph) -> None:
    onto = rdflib.URIRef(ONTOLOGY_IRI)
    dcterms = rdflib.Namespace("http://purl.org/dc/terms/")
    for prop in (
        dcterms.creator,
        dcterms.publisher,
        dcterms.issued,
        dcterms.modified,
        dcterms.bibliographicCitation,
    ):
        assert graph.value(onto, prop) is not None, prop
    assert str(graph.value(onto, OWL.versionIRI)) == ONTOLOGY_IRI + "/0.2.0"
    assert str(graph.value(onto, OWL.priorVersion)) == ONTOLOGY_IRI + "/0.1.0"


def test_every_scheme_lists_its_top_concepts_and_levels_nest_issue15(graph: rdflib.Graph) -> None:
    for scheme in graph.subjects(RDF.type, SKOS.ConceptScheme):
        tops = set(graph.subjects(SKOS.topConceptOf, scheme))
        assert tops and tops == set(graph.objects(scheme, SKOS.hasTopConcept)), scheme
    level = rdflib.Namespace(TP_NS)
    assert (level.levelSubPlanTarget, SKOS.broader, level.planLevel2) in graph
    assert (level.planLevel2, SKOS.narrower, level.levelSubPlanTarget) in graph


@pytest.mark.slow
def test_a_decision_informed_by_a_decision_is_inconsistent_under_prov_issue15(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = _check(capsys, "--with", str(DATA / "decision-informed-by.ttl"))
    assert code == 1 and "consistent: NO" in out


def test_editions_and_successors_are_told_apart_issue15() -> None:
    tp = rdflib.Namespace(TP_NS)
    prov = rdflib.Namespace("http://www.w3.org/ns/prov#")
    plan = rdflib.Namespace("https://w3id.org/thaiplan/id/plan/")
    data = rdflib.Graph()
    for item in build_inputs():
        data.parse(item.path, format="turtle")
    onto = rdflib.Graph().parse(ontology_path(), format="turtle")
    assert (tp.succeeds, RDFS.subPropertyOf, prov.wasRevisionOf) not in onto
    assert (plan["reform-plan-cr02"], tp.succeeds, plan["reform-plan-cr02-original"]) not in data
    for edition in ("reform-plan-cr02", "reform-plan-cr02-original"):
        assert data.value(plan[edition], tp.editionOf) == plan["reform-plan-public-administration"]
    assert (plan["reform-plan-cr02"], prov.wasRevisionOf, plan["reform-plan-cr02-original"]) in data
    assert not list(data.triples((None, prov.wasInformedBy, None)))
