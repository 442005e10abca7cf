"""Issue 15: the reasoner check loads the real upstream vocabularies (PROV-O, SKOS, ORG, OWL-Time, Data
Cube, DCMI Terms, DCAT, VoID), vendored in ontology/upstream/, not a hand-picked subset of their axioms."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import rdflib
import rdflib.compare
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from thaiplan.cli import main
from thaiplan.ontology.check import terminology
from thaiplan.ontology.vendored import PACKAGE, VOCABULARIES, convert, upstream_paths

PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
TIME = rdflib.Namespace("http://www.w3.org/2006/time#")
ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
DATA = Path(__file__).parent / "data" / "ontology"


@pytest.fixture(scope="module")
def upstream() -> dict[str, rdflib.Graph]:
    return {
        v.key: rdflib.Graph().parse(p, format="turtle")
        for v, p in zip(VOCABULARIES, upstream_paths(), strict=True)
    }


def test_every_vendored_file_names_its_source_and_licence_issue15() -> None:
    for vocabulary, path in zip(VOCABULARIES, upstream_paths(), strict=True):
        head = path.read_text(encoding="utf-8")[:1200]
        assert PACKAGE in head and f"ontologies/{vocabulary.key}.nq (sha256 " in head, path
        assert f"Licence: {vocabulary.licence}" in head and vocabulary.document in head, path


def test_the_vendored_files_hold_the_whole_vocabularies_issue15(upstream: dict[str, rdflib.Graph]) -> None:
    # Axioms the old hand-written subset left out, which the published files state.
    prov, skos = upstream["prov"], upstream["skos"]
    assert (PROV.wasInformedBy, RDFS.domain, PROV.Activity) in prov
    assert (PROV.Activity, OWL.disjointWith, PROV.Entity) in prov
    assert (PROV.qualifiedDerivation, RDFS.range, PROV.Derivation) in prov
    assert (PROV.specializationOf, RDF.type, OWL.ObjectProperty) in prov
    assert (SKOS.ConceptScheme, OWL.disjointWith, SKOS.Concept) in skos
    assert (SKOS.exactMatch, RDF.type, OWL.TransitiveProperty) in skos
    assert (TIME.ProperInterval, OWL.disjointWith, TIME.Instant) in upstream["time"]
    assert (ORG.subOrganizationOf, RDFS.domain, ORG.Organization) in upstream["org"]
    # Whole files, not a few lines: each vocabulary defines far more terms than thaiplan uses.
    sizes = {key: len(graph) for key, graph in upstream.items()}
    assert sizes["prov"] > 1500 and sizes["skos"] > 200 and sizes["time"] > 1000, sizes


def test_refreshing_from_the_package_keeps_every_triple_issue15(tmp_path: Path) -> None:
    vocabulary = VOCABULARIES[1]  # SKOS: rewrite one file from N-Quads the way the package ships them
    original = rdflib.Graph().parse(upstream_paths()[1], format="turtle")
    nquads = tmp_path / "skos.nq"
    graph_name = rdflib.URIRef(vocabulary.namespace).n3()
    triples = original.serialize(format="nt").splitlines()
    lines = (f"{line.removesuffix(' .')} {graph_name} .\n" for line in triples if line.strip())
    nquads.write_text("".join(lines), encoding="utf-8")
    out = convert(nquads, vocabulary, tmp_path)
    text = out.read_text(encoding="utf-8")
    assert hashlib.sha256(nquads.read_bytes()).hexdigest() in text
    again = rdflib.Graph().parse(out, format="turtle")
    assert rdflib.compare.isomorphic(again, original)


def test_the_terminology_keeps_classes_and_drops_individuals_issue15() -> None:
    ex = rdflib.Namespace("https://example.org/t#")
    graph = rdflib.Graph()
    graph.add((ex.A, RDF.type, OWL.Class))
    graph.add((ex.A, RDFS.subClassOf, ex.B))
    graph.add((ex.p, RDF.type, OWL.ObjectProperty))
    graph.add((ex.a, RDF.type, ex.A))
    graph.add((ex.a, ex.p, ex.b))
    graph.add((ex.n, RDF.type, OWL.NamedIndividual))  # typed only by OWL: kept, it says nothing of a class
    tbox = terminology(graph)
    assert (ex.A, RDFS.subClassOf, ex.B) in tbox and (ex.p, RDF.type, OWL.ObjectProperty) in tbox
    assert not list(tbox.triples((ex.a, None, None)))


@pytest.mark.slow
def test_the_check_loads_every_vendored_vocabulary_issue15(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["ontology", "check"])
    out = capsys.readouterr().out
    assert code == 0, out
    for path in upstream_paths():
        assert str(path) in out
    # Imports between the vendored files (DCAT imports SKOS) are satisfied, so none is reported.
    assert "not followed" not in out


@pytest.mark.slow
def test_a_data_file_punning_prov_terms_is_still_checked_issue15(capsys: pytest.CaptureFixture[str]) -> None:
    # owlready2 rewrote punned terms on load and then failed; the OWL API reads the triples as they are.
    code = main(["ontology", "check", "--with", str(DATA / "decision-activity.ttl")])
    out = capsys.readouterr().out
    assert code == 1 and "consistent: NO" in out
