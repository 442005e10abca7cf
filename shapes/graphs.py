"""What validation reads beside the data: the project's shapes, a steward's own, the ontology, the levels.

The project's shapes are the Turtle files of this folder, each `tpsh:selectFile` query copied into
`sh:select` so that the graph is standard SHACL-SPARQL any engine can run. The ontology is also given as
pySHACL mixes it into the data graph before RDFS inference (its `inoculate`), which the compiled core
constraints read (shapes/dataset.py).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pyoxigraph as ox
from pyshacl.rdfutil.inoculate import inoculate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH

from thaiplan.errors import ThaiplanError
from thaiplan.graph.build.inputs import rdf_source
from thaiplan.ontology import terms
from thaiplan.rq import folder, read_rq, rq_path
from thaiplan.shapes.inputs import TPSH, bind_prefixes, namespaced, parse_one

SHAPES_DIR = Path(__file__).resolve().parent

SPARQL_DIR = folder("shapes")

SHAPE_FILES = (
    "common.ttl",
    "plans.ttl",
    "indicators.ttl",
    "agencies.ttl",
    "provenance.ttl",
    "vocabulary.ttl",
    "imports.ttl",
)

LEVELS_FILE = SHAPES_DIR / "levels.ttl"
# The syntaxes with prefix declarations a shapes file may be written in.
PREFIXED_SYNTAXES = {".ttl": ox.RdfFormat.TURTLE, ".trig": ox.RdfFormat.TRIG, ".n3": ox.RdfFormat.N3}


@cache
def _shapes_cached() -> Graph:
    """Parse the shapes files once per process (they ship with the package and do not change)."""
    graph = Graph()
    for name in SHAPE_FILES:
        graph.parse(SHAPES_DIR / name, format="turtle")
    for constraint, file_name in list(graph.subject_objects(TPSH.selectFile)):
        query_path = rq_path("shapes", str(file_name))
        if not query_path.is_file():
            raise ThaiplanError(f"shape constraint {constraint} names a missing query {query_path}")
        graph.add((constraint, SH.select, Literal(read_rq("shapes", str(file_name)))))
    bind_prefixes(graph)
    return graph


def load_shapes() -> Graph:
    """The thaiplan shapes as one standard SHACL(-SPARQL) graph, each query copied into `sh:select`."""
    copy = Graph()
    copy += _shapes_cached()
    bind_prefixes(copy)
    return copy


def core_shapes(shapes: Graph) -> Graph:
    """The shapes without their SPARQL constraints: what pySHACL runs."""
    core = Graph()
    for triple in shapes:
        if triple[1] != SH.sparql:
            core.add(triple)
    return core


def load_ontology() -> Graph:
    """The thaiplan ontology: the one cached parse, `ontology.terms.load()` (callers must not modify it)."""
    return terms.load()


@cache
def _levels() -> Graph:
    """The plan-level vocabulary the supports checks read."""
    graph = Graph()
    graph.parse(LEVELS_FILE, format="turtle")
    return graph


def _mixed_ontology(ontology: Graph) -> Graph:
    """The ontology as pySHACL mixes it into the data graph before inference (its `inoculate`)."""
    if ontology is load_ontology():
        return _mixed_default()
    return inoculate(Graph(), ontology)


@cache
def _mixed_default() -> Graph:
    """The shipped ontology, mixed as pySHACL mixes it (once per process)."""
    return inoculate(Graph(), load_ontology())


def read_shapes(path: Path) -> Graph:
    """A shapes graph from a file (any RDF syntax), with the project's prefixes for report names."""
    graph = Graph()
    for triple in parse_one(Path(path)):
        graph.add(triple)
    for prefix, namespace in _namespaces_of(Path(path)):
        graph.bind(prefix, namespace, override=False)
    return namespaced(graph)


def _namespaces_of(path: Path) -> list[tuple[str, URIRef]]:
    """The prefixes a Turtle, TriG or N3 file declares, as pyoxigraph's parser reads them against the file's
    base (for compact names in its report); none for other syntaxes, or when the file does not parse."""
    fmt = PREFIXED_SYNTAXES.get(path.suffix.lower())
    if fmt is None:
        return []
    try:
        with rdf_source(path) as source:
            parser = ox.parse(format=fmt, **source)
            for _ in parser:  # the declarations are known once the file is read
                pass
    except (SyntaxError, ValueError, OSError, ThaiplanError):
        return []  # the shapes were parsed already: a file that fails here has only lost its prefixes
    return [(prefix, URIRef(namespace)) for prefix, namespace in parser.prefixes.items() if prefix]
