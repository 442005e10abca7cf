"""The shapes on an import (issue 16): validated together with the existing graph, violations per row."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef

from thaiplan.errors import ThaiplanError
from thaiplan.graph.build.inputs import build_inputs, default_data_dir
from thaiplan.graph.imports.cells import Problem, Table, mapping
from thaiplan.graph.imports.lookup import term
from thaiplan.graph.imports.quads import PREVIOUS, ImportGraph


@dataclass
class Curated:
    """The curated graph the rows are validated with, parsed once per import (its quads in the data graph)."""

    quads: list[ox.Quad]
    bnodes_back: dict[str, Any]
    literals_back: dict[str, Any]


def curated_graph(data_dir: Path, target: Path) -> Curated:
    """The curated files of the build but the ontology and this import's own file, parsed by pyoxigraph."""
    from thaiplan.shapes.dataset import DATA, Dataset
    from thaiplan.shapes.validate import load_files

    files = [
        i.path
        for i in build_inputs(data_dir if data_dir != default_data_dir() else None)
        if i.graph and not i.graph.endswith("/ontology") and i.path.resolve() != target.resolve()
    ]
    curated = Dataset()
    load_files(curated, files)
    quads = list(curated.store.quads_for_pattern(None, None, None, DATA))
    return Curated(quads, curated.bnodes_back, curated.literals_back)


def shape_problems(
    graph: ImportGraph, table: Table, rows_of: dict[URIRef, int], data_dir: Path, target: Path
) -> list[Problem]:
    """The shapes' violations on the imported entities, validated together with the existing graph."""
    return chunk_problems(graph, table, rows_of, curated_graph(data_dir, target))


def chunk_problems(
    graph: ImportGraph,
    table: Table,
    rows_of: dict[URIRef, int],
    curated: Curated,
    keep: bool = True,
    extra: list[ox.Quad] | None = None,
    focus: set[Any] | None = None,
) -> list[Problem]:
    """The shapes' violations on the entities of the rows in `graph`, validated with the curated graph.

    With `keep`, the graph is left as it was (the validation's graphs and the curated quads taken out
    again); without it, the caller drops the store afterwards. `extra` quads (the import's own record,
    kept apart when the rows come a chunk at a time) are validated with the rows. `focus`: the entities
    whose results are read (all of `rows_of` when not given).
    """
    from rdflib import SH

    from thaiplan.shapes.dataset import DATA, Dataset
    from thaiplan.shapes.validate import validate_dataset

    # The validation dataset is the import's own store, whose rows already are its data graph (a copy of
    # them took as much memory as the rows themselves: 3 GiB at 100,000 rows). The curated quads are
    # added beside the rows for the validation, and taken out again with the validation's graphs, so the
    # rows' graph is the import's alone for the change list (a row restating a curated triple had it
    # dropped before: `compare.drop_restated`).
    if graph.name != DATA:
        raise ThaiplanError(f"the shapes check reads the rows in {DATA}, not in {graph.name}")
    existing = [*curated.quads, *(extra or [])]
    focus = set(rows_of) if focus is None else focus
    graph.flush()
    # Values in the report as the data wrote them (the store keeps "1250000.0"^^xsd:decimal as "1250000").
    written = {**graph.written_forms(), **curated.literals_back}
    dataset = Dataset(store=graph.store, bnodes_back=curated.bnodes_back, literals_back=written)
    already = {q for q in existing if q in graph.store} if keep else set()  # stated by a row too: stays
    graph.store.bulk_extend(existing)
    try:
        # Only the rows' entities' violations are reported: only their checks run (each result is one
        # focus node's, so these equal the whole run's; shapes/validate.py).
        report = validate_dataset(
            dataset,
            keep=lambda r: r.severity == SH.Violation and r.focus in rows_of,
            focus=focus,
            violations_only=True,
        )
    finally:
        if keep:
            for name in [g for g in graph.store.named_graphs() if g not in (DATA, PREVIOUS)]:
                graph.store.remove_graph(name)
            for quad in existing:
                if quad not in already:
                    graph.store.remove(quad)
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
    return sorted(out, key=problem_order)


def problem_order(problem: Problem) -> tuple[int, str, str, str]:
    """Shape problems in row order, then by message and entity (ties once fell in the store's order)."""
    return (problem.row or 0, problem.en, problem.value, problem.column or "")


def columns_of(kind: str, path: object) -> list[str]:
    """The column keys whose cells the mapping writes under a shape result's path (a predicate IRI)."""
    found: list[str] = []
    for entity in mapping()["kinds"][kind]["entities"]:
        for predicate, objects in entity["properties"].items():
            if str(term(predicate)) == str(path):
                found.extend(o["column"] for o in objects if "column" in o and o["column"] not in found)
    return found
