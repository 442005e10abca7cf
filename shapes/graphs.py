"""What validation reads beside the data: the project's shapes, a steward's own, the ontology, the levels.

The project's shapes are the Turtle files of this folder, each `tpsh:selectFile` query copied into
`sh:select` so that the graph is standard SHACL-SPARQL any engine can run. The ontology is also given as
pySHACL mixes it into the data graph before RDFS inference (its `inoculate`), which the compiled core
constraints read (shapes/dataset.py).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from pyshacl.rdfutil.inoculate import inoculate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH

from thaiplan.errors import ThaiplanError
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
    """The prefixes a Turtle file declares (for compact names in its report); none for other syntaxes."""
    if path.suffix not in (".ttl", ".trig", ".n3"):
        return []
    found = re.findall(
        r"@prefix\s+([A-Za-z][\w.-]*)?:\s*<([^>\s]*)>", path.read_text(encoding="utf-8", errors="replace")
    )
    return [(prefix, URIRef(namespace)) for prefix, namespace in found if prefix]
