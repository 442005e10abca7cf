"""The vendored upstream vocabularies the reasoner check loads beside the ontology (issue 15).

thaiplan aligns with PROV-O, SKOS, ORG, OWL-Time, the RDF Data Cube, DCMI Terms, DCAT and VoID without
`owl:imports` (nothing is fetched at run time). The check loads the published files themselves, kept in
`ontology/upstream/`: a hand-picked subset missed what it left out (issue 15: PROV-O's domain of
`prov:wasInformedBy`). The files come, unchanged in content, from the npm package
`@zazuko/rdf-vocabularies` (its `ontologies/*.nq`, fetched by its authors from each namespace IRI); this
module turns those N-Quads into the Turtle kept here and records where each came from:

    npm pack @zazuko/rdf-vocabularies@2023.1.19 && tar xzf zazuko-rdf-vocabularies-2023.1.19.tgz
    .venv/bin/python -m thaiplan.ontology.vendored package/ontologies
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import pyoxigraph
import rdflib

PACKAGE = "@zazuko/rdf-vocabularies@2023.1.19"


@dataclass(frozen=True)
class Vocabulary:
    """One vendored vocabulary: its key (file name), namespace, normative document and licence."""

    key: str
    namespace: str
    title: str
    document: str
    licence: str


# Every vocabulary the ontology or its data builds on with axioms (subclasses, domains, disjointness).
# Left out, with the reason: FOAF (OWL Full: inverse-functional datatype properties; ORG only names
# foaf:Agent as a superclass), QUDT units (3.8 MB; the ontology maps units by skos:closeMatch, an
# annotation), schema.org (domainIncludes/rangeIncludes are annotations here), VANN (annotations only),
# ELI and CPOV (no registry package ships them; external-terms.ttl lists the terms used).
VOCABULARIES: tuple[Vocabulary, ...] = (
    Vocabulary(
        "prov",
        "http://www.w3.org/ns/prov#",
        "PROV-O: The PROV Ontology (with PROV-AQ, PROV-DC, PROV-Dictionary, PROV-Links, inverses)",
        "https://www.w3.org/TR/2013/REC-prov-o-20130430/",
        "W3C Software and Document License",
    ),
    Vocabulary(
        "skos",
        "http://www.w3.org/2004/02/skos/core#",
        "SKOS Simple Knowledge Organization System",
        "https://www.w3.org/TR/2009/REC-skos-reference-20090818/",
        "W3C Software and Document License",
    ),
    Vocabulary(
        "org",
        "http://www.w3.org/ns/org#",
        "The Organization Ontology",
        "https://www.w3.org/TR/2014/REC-vocab-org-20140116/",
        "ODC PDDL 1.0 (dcterms:license in the file)",
    ),
    Vocabulary(
        "time",
        "http://www.w3.org/2006/time#",
        "Time Ontology in OWL",
        "https://www.w3.org/TR/2017/REC-owl-time-20171019/",
        "CC BY 4.0 (dcterms:license in the file)",
    ),
    Vocabulary(
        "qb",
        "http://purl.org/linked-data/cube#",
        "The RDF Data Cube Vocabulary",
        "https://www.w3.org/TR/2014/REC-vocab-data-cube-20140116/",
        "ODC PDDL 1.0 (dcterms:license in the file)",
    ),
    Vocabulary(
        "dcterms",
        "http://purl.org/dc/terms/",
        "DCMI Metadata Terms",
        "https://www.dublincore.org/specifications/dublin-core/dcmi-terms/",
        "CC BY 4.0 (DCMI)",
    ),
    Vocabulary(
        "dcat",
        "http://www.w3.org/ns/dcat#",
        "Data Catalog Vocabulary (DCAT)",
        "https://www.w3.org/TR/vocab-dcat-2/",
        "CC BY 4.0 (dcterms:license in the file)",
    ),
    Vocabulary(
        "void",
        "http://rdfs.org/ns/void#",
        "Vocabulary of Interlinked Datasets (VoID)",
        "https://www.w3.org/TR/2011/NOTE-void-20110303/",
        "W3C Software and Document License",
    ),
)


def upstream_dir() -> Path:
    """The folder of the vendored vocabularies."""
    return Path(str(files("thaiplan.ontology").joinpath("upstream")))


def upstream_paths() -> list[Path]:
    """The vendored Turtle files, one per vocabulary, in the order of VOCABULARIES."""
    return [upstream_dir() / f"{v.key}.ttl" for v in VOCABULARIES]


def header(vocabulary: Vocabulary, digest: str) -> str:
    """The comment at the top of a vendored file: what it is, where it comes from, its licence."""
    return (
        f"# {vocabulary.title}\n"
        f"# Namespace <{vocabulary.namespace}>, normative document <{vocabulary.document}>.\n"
        f"# Licence: {vocabulary.licence}.\n"
        f"# Vendored unchanged in content from the npm package {PACKAGE},\n"
        f"# file ontologies/{vocabulary.key}.nq (sha256 {digest}),\n"
        "# converted to Turtle by `python -m thaiplan.ontology.vendored`.\n"
        "# Loaded only by `thaiplan ontology check`; the thaiplan ontology does not owl:import it.\n\n"
    )


def convert(nquads: Path, vocabulary: Vocabulary, out_dir: Path) -> Path:
    """Write one vocabulary's N-Quads as Turtle (its one named graph becomes the file's triples)."""
    data = nquads.read_bytes()
    # pyoxigraph reads the N-Quads (rdflib's reader warns of its own deprecated API); each triple is
    # handed to rdflib as N-Triples, the graph name dropped.
    quads = pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_QUADS)
    triples = "".join(f"{quad.triple} .\n" for quad in quads)
    graph = rdflib.Graph().parse(data=triples, format="nt")
    graph.bind(vocabulary.key, vocabulary.namespace)
    out = out_dir / f"{vocabulary.key}.ttl"
    body = graph.serialize(format="turtle")
    out.write_text(header(vocabulary, hashlib.sha256(data).hexdigest()) + body, encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    """Refresh ontology/upstream/ from an unpacked package's `ontologies` folder."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ontologies", type=Path, help="the package's ontologies/ folder (*.nq)")
    parser.add_argument("--out", type=Path, default=upstream_dir(), help="(default: %(default)s)")
    args = parser.parse_args(argv)
    for vocabulary in VOCABULARIES:
        source = args.ontologies / f"{vocabulary.key}.nq"
        if not source.is_file():
            print(f"{source}: no such file", file=sys.stderr)
            return 2
        print(convert(source, vocabulary, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
