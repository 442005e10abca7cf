"""Time a full validation, per stage, and write the numbers to bench/results/validate.md.

Run on demand: `.venv/bin/python bench/validate.py [FILE…] [--reference]` — the shipped
graph when no file is given (target: well under 10 s), or e.g. the 1M-triple synthetic N-Quads of issue 7
(target: under 30 s and 2 GiB for the whole `thaiplan validate`). `--reference` also times the pySHACL
engine it replaced (shapes/reference.py), on the same data, for comparison (slow at scale).
"""

from __future__ import annotations

import argparse
import platform
import resource
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph

from thaiplan.shapes.compiled import compile_shapes, run_core
from thaiplan.shapes.dataset import Dataset, add_schema, entail
from thaiplan.shapes.validate import (
    _levels,
    _mixed_ontology,
    _run_sparql,
    load_files,
    load_ontology,
    load_shapes,
    namespaced,
    project_files,
    read_rdf,
    validate_files,
)

OUT = Path(__file__).resolve().parent / "results" / "validate.md"


def _timed(label: str, times: dict[str, float], func: Callable[..., Any], *args: Any) -> Any:
    """Run `func(*args)`, record its wall time under `label`, return its result."""
    started = time.perf_counter()
    result = func(*args)
    times[label] = time.perf_counter() - started
    return result


def _stages(paths: list[Path]) -> dict[str, float]:
    """Time each stage of the compiled validator on the files."""
    times: dict[str, float] = {}
    dataset = Dataset()
    _timed("load data (pyoxigraph)", times, load_files, dataset, paths)
    shapes, ontology = _timed("load shapes + ontology", times, lambda: (load_shapes(), load_ontology()))
    _timed("add schema", times, add_schema, dataset, ontology, _mixed_ontology(ontology), _levels())
    compiled = _timed("compile core shapes", times, compile_shapes, shapes)
    iris = (
        {ox.NamedNode(str(p)) for p in compiled.predicates},
        {ox.NamedNode(str(c)) for c in compiled.classes},
    )
    _timed("RDFS entailments", times, entail, dataset, *iris)
    _timed("core SHACL (SPARQL)", times, run_core, dataset, compiled.checks)
    _timed("SHACL-SPARQL", times, _run_sparql, dataset, shapes, namespaced(Graph()))
    return times


def main(argv: list[str] | None = None) -> None:
    """Measure the stages and the whole run (and the reference engine if asked); append a dated table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--reference", action="store_true", help="also time the pySHACL reference engine")
    args = parser.parse_args(argv)
    paths = args.files or project_files()
    times = _stages(paths)
    report = _timed("validate_files() end to end", times, validate_files, paths)
    if args.reference:
        from thaiplan.shapes.reference import validate_reference

        data = _timed("reference: parse (rdflib)", times, read_rdf, paths)
        _timed("reference: validate (pySHACL + RDFS)", times, validate_reference, data)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    what = ", ".join(str(p) for p in args.files) if args.files else "shipped graph"
    lines = [
        f"\n## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {platform.node()} ({platform.python_version()})\n",
        f"{what}: {len(report.results)} results ({report.counts()}); peak RSS of this process "
        f"{peak:.0f} MiB.\n",
        "| stage | seconds |",
        "| --- | --- |",
        *(f"| {k} | {v:.2f} |" for k, v in times.items()),
    ]
    text = "\n".join(lines) + "\n"
    header = "# Validation benchmark\n" if not OUT.exists() else ""
    with OUT.open("a", encoding="utf-8") as out:
        out.write(header + text)
    print(text)


if __name__ == "__main__":
    main()
