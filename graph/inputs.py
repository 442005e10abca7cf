"""Which files the build loads, and into which named graph each goes."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from thaiplan.ontology import ontology_path

GRAPH_BASE = "https://w3id.org/thaiplan/graph/"
ONTOLOGY_GRAPH = GRAPH_BASE + "ontology"
SOURCES_GRAPH = GRAPH_BASE + "sources"
AGENCIES_GRAPH = GRAPH_BASE + "agencies"
INFERRED_GRAPH = GRAPH_BASE + "inferred"


# The RDF syntaxes the build reads, by file extension. N-Triples and N-Quads parse several times faster
# than Turtle (what a synthetic national-scale graph is written in); N-Quads name their own graphs.
FORMATS = {".ttl": "turtle", ".nt": "n-triples", ".nq": "n-quads"}


@dataclass(frozen=True)
class Input:
    """One data file and the named graph it is loaded into (None: an N-Quads file names its graphs)."""

    path: Path
    graph: str | None


def package_dir() -> Path:
    """The installed `graph/` folder (curated data, sources, SPARQL)."""
    return Path(str(files("thaiplan.graph")))


def default_data_dir() -> Path:
    """The curated-data folder `graph/data/`."""
    return package_dir() / "data"


def sources_ttl() -> Path:
    """The description of the source documents, `graph/sources/sources.ttl`."""
    return package_dir() / "sources" / "sources.ttl"


def build_inputs(data_dir: Path | None = None) -> list[Input]:
    """The ontology, the sources description and every curated file, each with its named graph.

    `<key>.ttl` (or `<key>.nt`) in the data folder goes to graph `<key>` (so a `sources.ttl` there joins
    the sources graph); a `<key>.nq` file keeps the graphs its quads name (issue 7: `thaiplan synth`
    writes N-Quads); every file in `agencies/` goes to the one agencies graph. With an explicit `data_dir`
    (tests) the project's own `sources.ttl` is not added: the folder is the whole dataset.
    """
    inputs = [Input(ontology_path(), ONTOLOGY_GRAPH)]
    if data_dir is None:
        data_dir = default_data_dir()
        if sources_ttl().is_file():
            inputs.append(Input(sources_ttl(), SOURCES_GRAPH))
    data_dir = Path(data_dir)
    for path in _data_files(data_dir):
        inputs.append(Input(path, None if path.suffix == ".nq" else GRAPH_BASE + path.stem))
    for path in _data_files(data_dir / "agencies"):
        inputs.append(Input(path, AGENCIES_GRAPH))
    return inputs


def _data_files(folder: Path) -> list[Path]:
    """The RDF files of one folder that the build reads, in name order."""
    return sorted(p for p in folder.glob("*") if p.suffix in FORMATS and p.is_file())


def files_by_graph(inputs: list[Input]) -> dict[str | None, list[Path]]:
    """The files that were loaded into each named graph; N-Quads files (any graph) under None."""
    out: dict[str | None, list[Path]] = {}
    for item in inputs:
        out.setdefault(item.graph, []).append(item.path)
    return out
