"""The shapes on an import (issue 16): validated together with the existing graph, violations per row."""

from __future__ import annotations

from pathlib import Path

from rdflib import URIRef

from thaiplan.errors import ThaiplanError
from thaiplan.graph.build.inputs import build_inputs, default_data_dir
from thaiplan.graph.imports.cells import Problem, Table, mapping
from thaiplan.graph.imports.lookup import term
from thaiplan.graph.imports.quads import IMPORTED, PREVIOUS, ImportGraph
from thaiplan.graph.rq import read_rq


def shape_problems(
    graph: ImportGraph, table: Table, rows_of: dict[URIRef, int], data_dir: Path, target: Path
) -> list[Problem]:
    """The shapes' violations on the imported entities, validated together with the existing graph."""
    from rdflib import SH

    from thaiplan.shapes.dataset import Dataset
    from thaiplan.shapes.validate import load_files, validate_dataset

    files = [
        i.path
        for i in build_inputs(data_dir if data_dir != default_data_dir() else None)
        if i.graph and not i.graph.endswith("/ontology") and i.path.resolve() != target.resolve()
    ]
    # The validation dataset lives in the import's own store: the curated files parsed by pyoxigraph into
    # its data graph, the rows' quads added there by the store itself (no copy through Python), and the
    # validation's graphs dropped afterwards, the rows' graph kept for the change list.
    kept = {graph.name, PREVIOUS}
    dataset = Dataset(store=graph.store)
    load_files(dataset, files)
    graph.flush()
    if graph.name != IMPORTED:
        raise ThaiplanError(f"the shapes check reads the rows' graph {IMPORTED}, not {graph.name}")
    graph.store.update(read_rq("import-copy.ru"))  # names IMPORTED and DATA (a test holds them together)
    try:
        report = validate_dataset(dataset)
    finally:
        for name in [g for g in graph.store.named_graphs() if g not in kept]:
            graph.store.remove_graph(name)
    out = []
    for result in report.results:
        if result.severity != SH.Violation or result.focus not in rows_of:
            continue
        path = report.compact(result.path) if result.path is not None else ""
        out.append(
            Problem(
                table.file,
                table.sheet,
                rows_of[result.focus],
                " / ".join(columns_of(table.kind, result.path)) or None,
                str(result.focus),
                f"{report.message(result, 'en')} [{path}]",
                f"{report.message(result, 'th')} [{path}]",
            )
        )
    return sorted(out, key=lambda p: (p.row or 0, p.en))


def columns_of(kind: str, path: object) -> list[str]:
    """The column keys whose cells the mapping writes under a shape result's path (a predicate IRI)."""
    found: list[str] = []
    for entity in mapping()["kinds"][kind]["entities"]:
        for predicate, objects in entity["properties"].items():
            if str(term(predicate)) == str(path):
                found.extend(o["column"] for o in objects if "column" in o and o["column"] not in found)
    return found
