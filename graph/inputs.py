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


@dataclass(frozen=True)
class Input:
    """One Turtle file and the named graph it is loaded into."""

    path: Path
    graph: str


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

    `<key>.ttl` in the data folder goes to graph `<key>` (so a `sources.ttl` there joins the sources
    graph); every file in `agencies/` goes to the one agencies graph. With an explicit `data_dir`
    (tests) the project's own `sources.ttl` is not added: the folder is the whole dataset.
    """
    inputs = [Input(ontology_path(), ONTOLOGY_GRAPH)]
    if data_dir is None:
        data_dir = default_data_dir()
        if sources_ttl().is_file():
            inputs.append(Input(sources_ttl(), SOURCES_GRAPH))
    data_dir = Path(data_dir)
    for path in sorted(data_dir.glob("*.ttl")):
        inputs.append(Input(path, GRAPH_BASE + path.stem))
    for path in sorted((data_dir / "agencies").glob("*.ttl")):
        inputs.append(Input(path, AGENCIES_GRAPH))
    return inputs


def files_by_graph(inputs: list[Input]) -> dict[str, list[Path]]:
    """The files that were loaded into each named graph."""
    out: dict[str, list[Path]] = {}
    for item in inputs:
        out.setdefault(item.graph, []).append(item.path)
    return out
