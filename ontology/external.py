"""Spelling check of the external IRIs the ontology uses: rdflib's namespaces plus our own term lists."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import rdflib
from rdflib.namespace import (
    DCAT,
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    QB,
    RDF,
    RDFS,
    SDO,
    SKOS,
    TIME,
    VANN,
    VOID,
    XSD,
    DefinedNamespace,
)

from thaiplan.ontology.namespace import BASE

# Vocabularies rdflib ships as DefinedNamespaces: membership raises nothing, `in` says whether a term exists.
RDFLIB_NAMESPACES: tuple[type[DefinedNamespace], ...] = (
    DCAT, DCTERMS, FOAF, ORG, OWL, PROV, QB, RDF, RDFS, SDO, SKOS, TIME, VANN, VOID, XSD,
)  # fmt: skip
OWN = BASE


def external_terms_path() -> Path:
    """Path of the term lists kept for vocabularies rdflib does not ship."""
    return Path(str(files("thaiplan.ontology").joinpath("external-terms.ttl")))


def term_lists(path: Path | None = None) -> tuple[dict[str, set[str]], set[str]]:
    """(namespace → IRIs of its listed terms, IRIs of cited documents) from the term-list file."""
    graph = rdflib.Graph().parse(path or external_terms_path(), format="turtle")
    vocabularies: dict[str, set[str]] = {}
    for vocab, ns in graph.subject_objects(VANN.preferredNamespaceUri):
        vocabularies[str(ns)] = {str(t) for t in graph.objects(vocab, DCTERMS.hasPart)}
    documents = {str(d) for d in graph.subjects(RDF.type, None)}
    return vocabularies, documents


def _known_by_rdflib(iri: str) -> bool | None:
    """True/False when an rdflib namespace owns the IRI, None when none does."""
    for ns in RDFLIB_NAMESPACES:
        base = str(ns._NS)
        if iri.startswith(base) and len(iri) > len(base):
            return rdflib.URIRef(iri) in ns
    return None


def unknown_external_iris(graph: rdflib.Graph, lists_path: Path | None = None) -> list[str]:
    """Every IRI outside thaiplan's own space that no vocabulary defines and no list cites (likely typos)."""
    vocabularies, documents = term_lists(lists_path)
    iris = {str(n) for triple in graph for n in triple if isinstance(n, rdflib.URIRef)}
    unknown = []
    for iri in sorted(i for i in iris if not i.startswith(OWN)):
        if iri in documents:
            continue
        known = _known_by_rdflib(iri)
        if known is None:
            known = any(iri in terms for ns, terms in vocabularies.items() if iri.startswith(ns))
        if not known:
            unknown.append(iri)
    return unknown
