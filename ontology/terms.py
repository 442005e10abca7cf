"""The ontology read back from its canonical Turtle: `load()`, the one cached rdflib parse every module uses,
and the kinds and local names of its own terms, the single source for code and docs."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from thaiplan.ontology import ontology_path
from thaiplan.ontology.namespace import TP_NS

__all__ = ["KINDS", "TP_NS", "defined_terms", "is_tp", "kind_of", "load"]

# The kinds of term, in the order the reference page lists them.
KINDS: tuple[tuple[str, rdflib.URIRef], ...] = (
    ("class", OWL.Class),
    ("object property", OWL.ObjectProperty),
    ("datatype property", OWL.DatatypeProperty),
    ("annotation property", OWL.AnnotationProperty),
    ("datatype", RDFS.Datatype),
    ("concept scheme", SKOS.ConceptScheme),
    ("concept", SKOS.Concept),
)


@lru_cache(maxsize=4)
def _load_cached(path: str, mtime_ns: int) -> rdflib.Graph:
    """Parse the Turtle once per file version (the server renders the reference on request)."""
    return rdflib.Graph().parse(path, format="turtle")


def load(path: Path | None = None) -> rdflib.Graph:
    """The ontology as an rdflib graph (do not modify it: it is cached)."""
    path = path or ontology_path()
    return _load_cached(str(path), path.stat().st_mtime_ns)


def is_tp(term: rdflib.term.Node) -> bool:
    """True for an IRI in the tp: namespace."""
    return isinstance(term, rdflib.URIRef) and str(term).startswith(TP_NS) and len(str(term)) > len(TP_NS)


def defined_terms(graph: rdflib.Graph | None = None) -> set[str]:
    """Local names of every tp: IRI the ontology describes (appears as a subject with a type)."""
    graph = load() if graph is None else graph
    return {str(s)[len(TP_NS) :] for s in graph.subjects(RDF.type, None) if is_tp(s)}


def kind_of(graph: rdflib.Graph, term: rdflib.URIRef) -> str:
    """The kind of a term (class, object property, …, or individual)."""
    types = set(graph.objects(term, RDF.type))
    for name, rdf_type in KINDS:
        if rdf_type in types:
            return name
    return "individual"
