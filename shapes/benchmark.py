"""Time a full validation of the shipped graph, per stage, and write the numbers to shapes/benchmark.md.

Run on demand: `.venv/bin/python -m thaiplan.shapes.benchmark` (the target is well under 10 s).
"""

from __future__ import annotations

import platform
import time
from datetime import UTC, datetime
from pathlib import Path

from thaiplan.shapes.validate import (
    _run_core,
    core_shapes,
    load_ontology,
    load_shapes,
    project_files,
    read_rdf,
    run_sparql_checks,
    validate,
)

OUT = Path(__file__).resolve().parent / "benchmark.md"


def _timed(label: str, times: dict[str, float], func, *args):
    """Run `func(*args)`, record its wall time under `label`, return its result."""
    started = time.perf_counter()
    result = func(*args)
    times[label] = time.perf_counter() - started
    return result


def main() -> None:
    """Measure parsing, core SHACL, SHACL-SPARQL and the whole run; append a dated table."""
    times: dict[str, float] = {}
    data = _timed("parse data (rdflib)", times, read_rdf, project_files())
    shapes = _timed("load shapes + ontology", times, lambda: (load_shapes(), load_ontology()))[0]
    ontology = load_ontology()
    _timed("core SHACL (pySHACL, RDFS)", times, _run_core, data, core_shapes(shapes), ontology)
    _timed("SHACL-SPARQL (pyoxigraph)", times, run_sparql_checks, data, shapes, ontology)
    report = _timed("validate() end to end", times, validate, data)
    lines = [
        f"\n## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {platform.node()} ({platform.python_version()})\n",
        f"{len(data)} data triples; {len(report.results)} results ({report.counts()}).\n",
        "| stage | seconds |",
        "| --- | --- |",
        *(f"| {k} | {v:.2f} |" for k, v in times.items()),
    ]
    text = "\n".join(lines) + "\n"
    header = "# Validation benchmark (shipped graph)\n" if not OUT.exists() else ""
    with OUT.open("a", encoding="utf-8") as out:
        out.write(header + text)
    print(text)


if __name__ == "__main__":
    main()
