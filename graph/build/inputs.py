"""Which files the build loads, into which named graph each goes, and how a data file is opened.

Every reader of RDF files (`build`, `validate`, `ontology check`) first checks that a path is a regular
file (issue 13: FIFOs hung, `/dev/zero` grew without end, broken links and directories were skipped or
called "no such file"), gives each file its own `file:` IRI as base (issue 19: rdflib does, and the W3C
test suites resolve a data file's relative IRIs against its own location), and skips a UTF-8 byte-order
mark, which pyoxigraph's parsers refuse and rdflib's accept.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any, BinaryIO

from thaiplan.errors import InputError
from thaiplan.ontology import ontology_path
from thaiplan.ontology.namespace import (
    AGENCIES_GRAPH,
    GRAPH_BASE,
    IMPORT_GRAPH_BASE,
    INFERRED_GRAPH,
    ONTOLOGY_GRAPH,
    SOURCES_GRAPH,
)

# Re-exported: the build and its tests name the graphs from here.
__all__ = [
    "AGENCIES_GRAPH", "GRAPH_BASE", "IMPORT_GRAPH_BASE", "INFERRED_GRAPH", "ONTOLOGY_GRAPH", "SOURCES_GRAPH",
]  # fmt: skip


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
    agencies = data_dir / "agencies"
    if os.path.lexists(agencies) and not agencies.is_dir():  # a broken link or a file: the register is gone
        raise InputError(f"{agencies}: not a folder (the agency register is read from it); nothing was built")
    for path in _data_files(agencies):
        inputs.append(Input(path, AGENCIES_GRAPH))
    # `thaiplan import` writes each spreadsheet's graph as imports/<name>.ttl (issue 16).
    for path in _data_files(data_dir / "imports"):
        inputs.append(Input(path, IMPORT_GRAPH_BASE + path.stem))
    return inputs


def _data_files(folder: Path) -> list[Path]:
    """The RDF files of one folder that the build reads, in name order; any that cannot be read is refused.

    A broken link, a FIFO or a directory named like a data file is an error naming each one (issue 13): it
    was skipped, and the build switched to a snapshot without it.
    """
    found = sorted(p for p in folder.glob("*") if p.suffix in FORMATS)
    problems = [problem for p in found if (problem := file_problem(p)) is not None]
    if problems:
        raise InputError(
            f"{len(problems)} data file(s) in {folder} cannot be read, nothing was built: "
            + "; ".join(problems)
        )
    return found


def file_problem(path: Path, kind: str = "file") -> str | None:
    """Why `path` is not a regular file a reader can open (`path: …`), or None when it is one."""
    try:
        mode = os.stat(path).st_mode  # follows links: the target is what would be read
    except FileNotFoundError:
        if os.path.islink(path):
            return f"{path}: a broken symbolic link (to {os.readlink(path)})"
        return f"{path}: no such {kind}"
    except OSError as exc:
        return f"{path}: cannot read: {exc.strerror or exc}"
    if stat.S_ISDIR(mode):
        return f"{path}: a directory, not a file"
    if not stat.S_ISREG(mode):
        return f"{path}: not a regular file (a FIFO, socket or device): only files are read"
    return None


def check_regular_file(path: Path, kind: str = "file") -> None:
    """Raise InputError naming the path when it is missing, a directory, a broken link, a FIFO or a device."""
    problem = file_problem(Path(path), kind)
    if problem is not None:
        raise InputError(problem)


def open_regular(path: Path, kind: str = "file") -> BinaryIO:
    """Open a regular file for reading, never blocking on a FIFO that replaced it after a check."""
    check_regular_file(path, kind)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    stream = os.fdopen(fd, "rb")
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        stream.close()
        raise InputError(f"{path}: not a regular file (a FIFO, socket or device): only files are read")
    return stream


def base_iri(path: Path) -> str:
    """The base IRI of a data file: its own `file:` IRI, absolute, as rdflib gives it (issue 19)."""
    return Path(os.path.abspath(path)).as_uri()


BOM = b"\xef\xbb\xbf"


@contextlib.contextmanager
def rdf_source(path: Path) -> Iterator[dict[str, Any]]:
    """pyoxigraph's source arguments for a data file: `path=`, or the open file past a UTF-8 BOM.

    The path is given when there is no BOM: pyoxigraph then reads the file itself, without Python I/O.
    """
    with open_regular(path) as stream:
        if stream.read(len(BOM)) != BOM:
            yield {"path": str(path), "base_iri": base_iri(path)}
            return
        yield {"input": stream, "base_iri": base_iri(path)}


def files_by_graph(inputs: list[Input]) -> dict[str | None, list[Path]]:
    """The files that were loaded into each named graph; N-Quads files (any graph) under None."""
    out: dict[str | None, list[Path]] = {}
    for item in inputs:
        out.setdefault(item.graph, []).append(item.path)
    return out
