"""The SPARQL 1.1 Service Description of the endpoint (what GET /sparql without a query returns to tools)."""

from __future__ import annotations

import pyoxigraph as ox

from thaiplan.ontology.namespace import ONTOLOGY_GRAPH
from thaiplan.ontology.namespace import PREFIXES as NS
from thaiplan.server.negotiation import GRAPH_FORMATS, SOLUTION_FORMATS

SD, FORMATS, DCTERMS = (NS[p] for p in ("sd", "formats", "dcterms"))
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DEFAULT_GRAPH_NOTE = (
    "The default graph is the set union of the data graphs (each triple once): every named graph except "
    f"the ontology ({ONTOLOGY_GRAPH}) and the search and trace indexes "
    "(…/graph/search-index, …/graph/trace-index), which GRAPH, FROM or default-graph-uri select by name."
)
# The prefixes of the description as served (a subset of the project's map).
PREFIXES = {p: NS[p] for p in ("sd", "formats", "dcterms")}
RDFS_SEE_ALSO = "http://www.w3.org/2000/01/rdf-schema#seeAlso"


def void_url(endpoint: str) -> str:
    """The `/.well-known/void` URL beside the endpoint (`…/sparql`)."""
    return endpoint.rsplit("/sparql", 1)[0] + "/.well-known/void"


def _sd(name: str) -> ox.NamedNode:
    """A term of the service description vocabulary."""
    return ox.NamedNode(SD + name)


def describe(endpoint: str, named_graphs: list[str]) -> list[ox.Triple]:
    """The triples describing the endpoint at `endpoint` serving `named_graphs`."""
    service = ox.BlankNode("service")
    dataset = ox.BlankNode("dataset")
    default_graph = ox.BlankNode("defaultGraph")
    triples = [
        ox.Triple(service, RDF_TYPE, _sd("Service")),
        ox.Triple(service, _sd("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        ox.Triple(
            service, ox.NamedNode(DCTERMS + "title"), ox.Literal("thaiplan SPARQL endpoint", language="en")
        ),
        ox.Triple(
            service,
            ox.NamedNode(DCTERMS + "title"),
            ox.Literal("บริการ SPARQL ของ thaiplan: แผนยุทธศาสตร์ภาครัฐไทย", language="th"),
        ),
        ox.Triple(service, _sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, _sd("Dataset")),
        ox.Triple(dataset, _sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, _sd("Graph")),
        # Not sd:UnionDefaultGraph: the default graph is the set union of the data graphs only (issue 19).
        ox.Triple(
            default_graph,
            ox.NamedNode(DCTERMS + "description"),
            ox.Literal(DEFAULT_GRAPH_NOTE, language="en"),
        ),
        # The dataset's VoID/DCAT description (licence, publisher, sizes; issue 15).
        ox.Triple(dataset, ox.NamedNode(RDFS_SEE_ALSO), ox.NamedNode(void_url(endpoint))),
    ]
    for fmt in (*SOLUTION_FORMATS, *GRAPH_FORMATS):
        triples.append(ox.Triple(service, _sd("resultFormat"), ox.NamedNode(FORMATS + fmt.w3c)))
    for i, iri in enumerate(named_graphs):
        node = ox.BlankNode(f"namedGraph{i}")
        triples += [
            ox.Triple(dataset, _sd("namedGraph"), node),
            ox.Triple(node, RDF_TYPE, _sd("NamedGraph")),
            ox.Triple(node, _sd("name"), ox.NamedNode(iri)),
        ]
    return triples
