"""Issue 2: the ontology parses, every tp: term is labelled and defined in Thai and English, and every
external IRI it uses is spelled right."""

from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import OWL, RDFS, SKOS

from thaiplan.ontology import ONTOLOGY_IRI, ontology_path
from thaiplan.ontology.external import unknown_external_iris
from thaiplan.ontology.terms import TP_NS, defined_terms, load

DATA = Path(__file__).parent / "data" / "ontology"
CORE_TERMS = [
    "Plan",
    "NationalStrategy",
    "MasterPlan",
    "ReformPlan",
    "DevelopmentStrategy",
    "NationalDevelopmentPlan",
    "Strategy",
    "Goal",
    "Tactic",
    "Guideline",
    "ReformActivity",
    "Project",
    "FlagshipProject",
    "Law",
    "Challenge",
    "Recommendation",
    "Indicator",
    "Target",
    "Observation",
    "Agency",
    "partOf",
    "supports",
    "leadAgency",
    "responsibleAgency",
    "hasIndicator",
    "hasTarget",
    "hasObservation",
    "year",
    "yearBE",
    "value",
    "comparator",
    "unit",
    "status",
]


@pytest.fixture(scope="module")
def graph() -> rdflib.Graph:
    return rdflib.Graph().parse(ontology_path(), format="turtle")


def test_issue2_ontology_parses_with_iri_and_version(graph: rdflib.Graph) -> None:
    onto = rdflib.URIRef(ONTOLOGY_IRI)
    assert (onto, rdflib.RDF.type, OWL.Ontology) in graph
    version = graph.value(onto, OWL.versionIRI)
    assert version is not None and str(version).startswith(ONTOLOGY_IRI + "/")


def test_issue2_core_terms_exist(graph: rdflib.Graph) -> None:
    missing = sorted(set(CORE_TERMS) - defined_terms(graph))
    assert not missing, f"core terms missing: {missing}"


def _langs(graph: rdflib.Graph, term: rdflib.URIRef, *predicates: rdflib.URIRef) -> set[str]:
    return {o.language for p in predicates for o in graph.objects(term, p) if isinstance(o, rdflib.Literal)}


@pytest.mark.parametrize("what", ["label", "definition"])
def test_issue2_every_term_in_thai_and_english(graph: rdflib.Graph, what: str) -> None:
    predicates = (RDFS.label, SKOS.prefLabel) if what == "label" else (SKOS.definition,)
    lacking = [
        f"tp:{name} has {what}s in {sorted(_langs(graph, rdflib.URIRef(TP_NS + name), *predicates))}"
        for name in sorted(defined_terms(graph))
        if not {"th", "en"} <= _langs(graph, rdflib.URIRef(TP_NS + name), *predicates)
    ]
    assert not lacking, "\n".join(lacking)


def test_issue2_partof_and_supports_are_not_transitive_but_their_closures_are(graph: rdflib.Graph) -> None:
    tp = rdflib.Namespace(TP_NS)
    for direct, closure in ((tp.partOf, tp.partOfTransitive), (tp.supports, tp.supportsTransitive)):
        assert (direct, rdflib.RDF.type, OWL.TransitiveProperty) not in graph
        assert (closure, rdflib.RDF.type, OWL.TransitiveProperty) in graph
        assert (direct, RDFS.subPropertyOf, closure) in graph
        assert "transitive" in str(graph.value(direct, SKOS.definition)).lower()


def test_issue2_every_external_iri_is_spelled_right(graph: rdflib.Graph) -> None:
    assert unknown_external_iris(graph) == []


def test_issue2_a_typo_in_an_external_iri_is_caught() -> None:
    typos = rdflib.Graph().parse(DATA / "external-typos.ttl", format="turtle")
    assert unknown_external_iris(typos) == [
        "http://data.europa.eu/eli/ontology#LegalResourse",
        "http://www.w3.org/2004/02/skos/core#closeMach",
        "http://www.w3.org/ns/prov#Entiy",
    ]


def test_code_datatype_patterns_match_official_codes(graph: rdflib.Graph) -> None:
    import re

    tp = rdflib.Namespace(TP_NS)
    path = OWL.equivalentClass / OWL.withRestrictions / (rdflib.RDF.rest * "*") / rdflib.RDF.first  # type: ignore[operator]
    for datatype, good, bad in (
        (tp.DesiredOutcomeCode, ["CR02G01", "CR02G02"], ["CR2G1", "BR0201", "CR02G01x"]),
        (tp.ReformActivityCode, ["BR0201", "BR0205"], ["BR201", "CR02G01"]),
    ):
        (pattern,) = [
            str(o) for f in graph.objects(datatype, path) for o in graph.objects(f, rdflib.XSD.pattern)
        ]
        assert all(re.fullmatch(pattern, code) for code in good)
        assert not any(re.fullmatch(pattern, code) for code in bad)


def test_load_is_cached_per_file_version() -> None:
    assert load() is load()
