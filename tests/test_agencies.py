"""Issue 3: the shared agency register — one entity per real organization, every abbreviation resolved.

The register is every Turtle file in graph/data/agencies/ (register.ttl and the additions other curators
make), read together as the one named graph it becomes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import ORG, PROV, RDF, SKOS

from thaiplan.graph.text.normalize import SOURCES, quote_found

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "graph" / "data"
AGENCIES = DATA / "agencies"
TP = Namespace("https://w3id.org/thaiplan/ontology#")
AGENCY = Namespace("https://w3id.org/thaiplan/id/agency/")
SOURCE = "https://w3id.org/thaiplan/id/source/"
AGENCY_CLASSES = (TP.Agency, TP.Ministry, TP.Commission, TP.AgencyGroup)


@cache
def register() -> Graph:
    """All files of the agency register parsed into one graph."""
    graph = Graph()
    for path in sorted(AGENCIES.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def agencies(graph: Graph) -> set[URIRef]:
    """Every subject typed as an agency (or a subclass of it) in the graph."""
    return {s for cls in AGENCY_CLASSES for s in graph.subjects(RDF.type, cls) if isinstance(s, URIRef)}


def labels(graph: Graph, node: URIRef, prop: URIRef, lang: str) -> list[str]:
    """The literals of a label property in one language."""
    return [str(o) for o in graph.objects(node, prop) if isinstance(o, Literal) and o.language == lang]


def names_index(graph: Graph) -> dict[str, set[URIRef]]:
    """Every name (preferred or alternative, any language) → the agencies that carry it."""
    index: dict[str, set[URIRef]] = defaultdict(set)
    for agency in agencies(graph):
        for prop in (SKOS.prefLabel, SKOS.altLabel):
            for name in graph.objects(agency, prop):
                index[str(name)].add(agency)
    return index


def test_register_is_not_empty_and_files_parse() -> None:
    assert (AGENCIES / "register.ttl").exists()
    assert len(agencies(register())) >= 40


def test_agency_iris_follow_the_iri_policy() -> None:
    for agency in agencies(register()):
        key = str(agency).removeprefix(str(AGENCY))
        assert str(agency).startswith(str(AGENCY)), agency
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", key), agency


def test_every_agency_has_one_thai_and_one_english_preflabel() -> None:
    graph = register()
    for agency in agencies(graph):
        assert len(labels(graph, agency, SKOS.prefLabel, "th")) == 1, agency
        assert len(labels(graph, agency, SKOS.prefLabel, "en")) == 1, agency


def test_no_two_agencies_share_a_thai_preflabel() -> None:
    graph = register()
    seen: dict[str, URIRef] = {}
    for agency in agencies(graph):
        for label in labels(graph, agency, SKOS.prefLabel, "th"):
            assert label not in seen, f"{agency} and {seen[label]} share the label {label}"
            seen[label] = agency


def test_each_name_and_abbreviation_resolves_to_exactly_one_agency() -> None:
    ambiguous = {name: hits for name, hits in names_index(register()).items() if len(hits) > 1}
    assert not ambiguous


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("ก.พ.ร.", "pdc"),
        ("สำนักงาน ก.พ.ร.", "opdc"),
        ("กพร.", "opdc"),
        ("สำนักงาน ก.พ.", "ocsc"),
        ("ก.พ.", "csc"),  # the commission, not its office (issue 15)
        ("สพร.", "dga"),
        ("สพธอ.", "etda"),
        ("มท.", "moi"),
        ("กรมการปกครอง", "dopa"),
        ("พณ.", "moc"),
        ("กรมพัฒนาธุรกิจการค้า", "dbd"),
        ("สศช.", "nesdc"),
        ("สภาพัฒนาฯ", "nesd-council"),
        ("ดศ.", "mdes"),
        ("ครม.", "cabinet"),
        ("คณะรัฐมนตรี", "cabinet"),
        ("บก.", "cgd"),
        ("กค.", "mof"),
        ("สปน.", "opsopm"),
        ("สลน.", "sopm"),
        ("สงป.", "bb"),
        ("สคก.", "ocs"),
        ("พม.", "msdhs"),
        ("สำนักงาน ป.ย.ป.", "pmdu"),
        ("คณะกรรมการ ป.ย.ป.", "pyp-committee"),
        ("องค์การสหประชาชาติ", "un"),
        ("สหประชาชาติ", "un"),
        ("ธนาคารโลก", "worldbank"),
        ("IMD", "imd"),
    ],
)
def test_abbreviations_as_the_documents_write_them_resolve(name: str, key: str) -> None:
    assert names_index(register())[name] == {AGENCY[key]}


@pytest.mark.parametrize(
    ("commission", "office"), [("pdc", "opdc"), ("nesd-council", "nesdc"), ("pyp-committee", "pmdu")]
)
def test_commissions_are_kept_apart_from_their_offices(commission: str, office: str) -> None:
    graph = register()
    assert (AGENCY[commission], RDF.type, TP.Commission) in graph
    assert (AGENCY[office], RDF.type, TP.Commission) not in graph
    assert (AGENCY[office], RDF.type, TP.Agency) in graph
    assert set(graph.objects(AGENCY[commission], SKOS.prefLabel)).isdisjoint(
        graph.objects(AGENCY[office], SKOS.prefLabel)
    )


@pytest.mark.parametrize(
    ("child", "parent"),
    [
        ("dopa", "moi"),
        ("dbd", "moc"),
        ("nso", "mdes"),
        ("gbdi", "mdes"),
        ("pdc-subcommittee-structure", "pdc"),
    ],
)
def test_parent_organizations_the_documents_state(child: str, parent: str) -> None:
    graph = register()
    assert (AGENCY[child], ORG.subOrganizationOf, AGENCY[parent]) in graph


def test_parents_are_agencies_of_the_register() -> None:
    graph = register()
    known = agencies(graph)
    for child, parent in graph.subject_objects(ORG.subOrganizationOf):
        assert parent in known, (child, parent)


def test_every_agency_has_provenance_whose_quotes_stand_in_the_source() -> None:
    graph = register()
    for agency in agencies(graph):
        passages = list(graph.objects(agency, PROV.wasDerivedFrom))
        assert passages, agency
        for passage in passages:
            assert (passage, RDF.type, TP.Passage) in graph, passage
            source = str(graph.value(passage, PROV.wasQuotedFrom))
            doc = source.removeprefix(SOURCE)
            assert doc in SOURCES, (passage, source)
            quote = graph.value(passage, TP.quote)
            assert isinstance(quote, Literal) and quote.language == "th", passage
            assert quote_found(str(quote), doc), f"{passage}: {quote}"


def test_every_agency_the_curated_graphs_name_is_in_the_register() -> None:
    known = agencies(register())
    for path in sorted(DATA.glob("*.ttl")):
        graph = Graph().parse(path, format="turtle")
        used = {o for o in graph.objects() if isinstance(o, URIRef) and str(o).startswith(str(AGENCY))}
        assert used <= known, f"{path.name}: {sorted(used - known)}"
