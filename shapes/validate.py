"""Validate RDF data against the thaiplan shapes: core SHACL and SHACL-SPARQL, both as SPARQL on pyoxigraph.

The data is loaded once into an in-memory pyoxigraph store (shapes/dataset.py): N-Triples and N-Quads
straight from pyoxigraph's parser, other syntaxes through rdflib's parsers and the hostile-input guards
of shapes/input_guard.py. The core constraints (sh:minCount, sh:class, sh:or, …) are compiled to SPARQL
and read the RDFS entailments the shapes can observe (shapes/compiled/), giving the results pySHACL
gives with `inference="rdfs"` — shapes/reference.py keeps that engine as the oracle the tests compare
with. The `sh:sparql` constraints run on the data, the ontology and the level vocabulary as asserted, and
their rows become `sh:ValidationResult`s of the same report, exactly as a SHACL-SPARQL engine would
produce them (`sh:sourceConstraintComponent sh:SPARQLConstraintComponent`, `sh:sourceShape`,
`sh:sourceConstraint`, messages with `{?var}` substituted). Why not pySHACL itself (issue 7): at a
million triples rdflib's parsing and owlrl's inference took 12 minutes and 2.9 GiB.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import DCTERMS, RDFS, SH, SKOS
from rdflib.term import Node

from thaiplan.shapes.compiled import compile_shapes, focus_sets_of, run_check, targeted_shapes
from thaiplan.shapes.dataset import DATA, Dataset, add_schema, entail
from thaiplan.shapes.graphs import (
    LEVELS_FILE,
    SHAPE_FILES,
    SHAPES_DIR,
    SPARQL_DIR,
    _levels,
    _mixed_ontology,
    core_shapes,
    load_ontology,
    load_shapes,
    read_shapes,
)
from thaiplan.shapes.handover import run_handed
from thaiplan.shapes.inputs import (
    TPSH,
    load_files,
    load_store,
    namespaced,
    project_files,
    read_rdf,
)
from thaiplan.shapes.locations import locate
from thaiplan.shapes.report import Report, Result
from thaiplan.shapes.sparql_constraints import (
    SparqlCheck,
    _run_sparql,
    _run_sparql_check,
    focus_nodes,
    sparql_checks,
    sparql_results,
    sparql_unsupported,
)

# What callers import from here since before the split by concern (issue 19): inputs.py (reading the
# data), graphs.py (shapes, ontology, levels), sparql_constraints.py (SHACL 5), this module (the run).
__all__ = [
    "LEVELS_FILE",
    "SHAPES_DIR",
    "SHAPE_FILES",
    "SPARQL_DIR",
    "TPSH",
    "SparqlCheck",
    "_levels",
    "_mixed_ontology",
    "_run_sparql",
    "core_shapes",
    "data_graph",
    "focus_nodes",
    "load_files",
    "load_ontology",
    "load_shapes",
    "load_store",
    "namespaced",
    "project_files",
    "read_rdf",
    "read_shapes",
    "sparql_checks",
    "sparql_results",
    "validate",
    "validate_dataset",
    "validate_files",
]


def validate(
    data: Graph, shapes: Graph | None = None, ontology: Graph | None = None, rdfs: bool = True
) -> Report:
    """Validate `data` (curated triples, no ontology) and return one report of both engines' results."""
    dataset = Dataset()
    dataset.add_graph(data, DATA)
    return validate_dataset(dataset, shapes, ontology, data=data, rdfs=rdfs)


def validate_dataset(
    dataset: Dataset,
    shapes: Graph | None = None,
    ontology: Graph | None = None,
    data: Graph | None = None,
    rdfs: bool = True,
    keep: Callable[[Result], bool] | None = None,
    focus: set[Node] | None = None,
    violations_only: bool = False,
) -> Report:
    """Validate the data graph of a dataset: core constraints compiled to SPARQL, then SHACL-SPARQL ones.

    With `rdfs` (the project's shapes), the ontology's RDFS entailments are read as pySHACL's
    `inference="rdfs"` reads them; without it (`--shapes`), the data graph is read as it is, as SHACL
    defines. A shape the compiler does not run goes whole to pySHACL (shapes/handover.py). `data`, when
    the caller has it as an rdflib graph, names the focus nodes in the report; otherwise their labels and
    codes are read from the store. `keep`, when given, says which results the report holds (the importer
    keeps its rows' violations: naming 10,000 warnings on curated nodes took longer than some checks).
    For a caller that reads only some results, `focus` (IRIs, literals) limits the core checks' focus
    nodes to those, and `violations_only` runs only the checks of severity sh:Violation: each result is
    one focus node's, so the results left equal the whole run's on those nodes (the importer's chunks,
    issue 16; tests/test_import_chunks_issue16.py).
    """
    shapes = load_shapes() if shapes is None else shapes
    if rdfs:
        ontology = load_ontology() if ontology is None else ontology
        add_schema(dataset, ontology, _mixed_ontology(ontology), _levels())
    compiled = compile_shapes(shapes)
    handed = dict(compiled.unsupported)
    targeted = set(targeted_shapes(shapes))
    all_sparql = [c for c in sparql_checks(shapes) if c.shape in targeted]
    for check in all_sparql:
        reason = sparql_unsupported(shapes, check)
        if reason is not None:
            handed.setdefault(check.shape, reason)
    checks = [c for c in compiled.checks if c.root not in handed]
    sparql_list = [c for c in all_sparql if c.shape not in handed]
    if violations_only:
        checks = [c for c in checks if c.severity == SH.Violation]
        sparql_list = [c for c in sparql_list if c.severity == SH.Violation]
    allowed = None if focus is None else frozenset(dataset.to_ox(n) for n in focus)
    namespaces = data if data is not None else namespaced(Graph())
    # The queries are independent and pyoxigraph lets go of the GIL while it evaluates them: run them on
    # every core (on two cores, 1.8× faster; issue 7). Results keep the order of the checks. The SHACL-SPARQL
    # constraints read only the data, the ontology and the levels, so they start first, beside the
    # entailments and focus sets, which write other graphs (a query reads a snapshot of the store).
    with ThreadPoolExecutor(max_workers=_workers()) as pool:
        sparql = [pool.submit(_run_sparql_check, dataset, shapes, check, namespaces) for check in sparql_list]
        entail(
            dataset,
            {ox.NamedNode(str(p)) for p in compiled.predicates},
            {ox.NamedNode(str(c)) for c in compiled.classes},
            rdfs=rdfs,
            pool=pool,
        )
        focus_sets = focus_sets_of(dataset, checks, pool, allowed)
        core = [pool.submit(run_check, dataset, check, focus_sets) for check in checks]
        results = [result for future in core + sparql for result in future.result()]
    paths = Graph()
    if handed:
        graph = data if data is not None else data_graph(dataset)
        handover = run_handed(graph, shapes, set(handed), ontology if rdfs else None)
        results.extend(handover.results)
        paths = handover.paths
    if keep is not None:
        results = [r for r in results if keep(r)]
    names = data if data is not None else _names(dataset, {r.focus for r in results})
    return Report(results=results, paths=paths, data=names, shapes=shapes, handed=handed)


def data_graph(dataset: Dataset) -> Graph:
    """The dataset's data graph as rdflib terms (for the reference engine), blank nodes mapped back."""
    graph = namespaced(Graph())
    convert = dataset.to_rdflib
    graph.addN(
        (convert(q.subject), convert(q.predicate), convert(q.object), graph)
        for q in dataset.store.quads_for_pattern(None, None, None, DATA)
    )
    return graph


# Properties that name a focus node in a report (Report.label and Report.code read them).
_NAMING = (SKOS.prefLabel, DCTERMS.title, RDFS.label, SKOS.notation)


def _names(dataset: Dataset, nodes: set[Node]) -> Graph:
    """The labels, titles and codes of the given nodes, from the data graph, as a small rdflib graph."""
    names = namespaced(Graph())
    for node in nodes:
        subject = dataset.to_ox(node)
        if isinstance(subject, ox.Literal):
            continue
        for prop in _NAMING:
            for quad in dataset.store.quads_for_pattern(subject, ox.NamedNode(str(prop)), None, DATA):
                names.add((node, prop, dataset.to_rdflib(quad.object)))
    return names


def _workers() -> int:
    """How many queries to run at once: one per core (at most 8)."""
    return max(
        1, min(8, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
    )


def validate_files(
    paths: Sequence[Path] | None = None,
    store_dir: Path | None = None,
    shapes_path: Path | None = None,
    dataset: Dataset | None = None,
) -> Report:
    """Validate the given files, a built store, or (neither given) the project's curated files.

    With `shapes_path`, the data is validated against that shapes graph alone, as SHACL reads a data
    graph: no ontology and no inference. `dataset`, when given (empty), is the store the data is loaded
    into, for a caller that reads the same data afterwards (the CLI's coverage figures).
    """
    shapes = read_shapes(shapes_path) if shapes_path is not None else None
    dataset = Dataset() if dataset is None else dataset
    files = list(paths) if paths else project_files()
    if store_dir is not None:
        load_store(dataset, store_dir)
    else:
        load_files(dataset, files)
    report = validate_dataset(dataset, shapes, rdfs=shapes is None)
    if store_dir is None and report.results:
        # Where to fix each result: the file and line of its focus node (issue 20).
        root = None if paths else SHAPES_DIR.parent
        report.locations = locate({r.focus for r in report.results}, files, root)
    return report
