"""The YAML mapping against an RML mapping run by morph-kgc (issue 16): rows → RDF, the same rows, both timed.

Run on demand (never in the unit tests), with morph-kgc in an environment of its own — morph-kgc 2.10 pins
pyoxigraph < 0.4 and rdflib < 7.3, and thaiplan needs pyoxigraph 0.5 and rdflib 7.6, so the two cannot share
one environment:

    python3.11 -m venv /tmp/morph && /tmp/morph/bin/pip install morph-kgc
    .venv/bin/python bench/import_rml.py --rows 10000 --morph-python /tmp/morph/bin/python

The rows are bench/import.py's synthetic project rows. The YAML side is the importer's own row → RDF step
(`_convert`: every cell checked, agencies and plan parts resolved against the built graph, IRIs, labels,
provenance per row) on the rows as stewards write them. The RML side (bench/import-rml/projects.rml.ttl) maps
the project, budget and progress report of the same rows, given agency keys and plain numbers already (RML
cannot resolve a name against the graph nor read "1,250,000" or Thai digits). Wall time and peak memory go
to `bench/results/import-rml.md`.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from thaiplan.graph.build.inputs import default_data_dir, sources_ttl
from thaiplan.graph.imports import importer
from thaiplan.graph.imports.cells import read_table, thai_digits

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "import-rml.md"


def _bench_import() -> object:
    """bench/import.py as a module (its row generator and writer)."""
    spec = importlib.util.spec_from_file_location("bench_import", HERE / "import.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def rml_rows(rows: list[dict[str, str]], keys: dict[str, str]) -> list[dict[str, str]]:
    """The rows as an RML source can take them: the agency as its key, numbers and years as plain digits."""
    out = []
    for row in rows:
        out.append(
            {
                **row,
                "agency_key": keys[row["agency"]],
                "budget_number": row["budget_baht"].replace(",", ""),
                "fiscal_year": thai_digits(row["fiscal_year"]),
            }
        )
    return out


def run_morph(python: str, rows: list[dict[str, str]], where: Path) -> tuple[float, float, int]:
    """Seconds, peak MiB and triples of morph-kgc materializing the RML mapping over the rows."""
    with (where / "projects.csv").open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    shutil.copy(HERE / "import-rml" / "projects.rml.ttl", where / "projects.rml.ttl")
    (where / "config.ini").write_text(
        "[CONFIGURATION]\noutput_file=out.nt\n\n[DataSource1]\nmappings=projects.rml.ttl\n", encoding="utf-8"
    )
    started = time.perf_counter()
    # GNU time's %M: the child's own peak (RUSAGE_CHILDREN would also count the build's index worker).
    done = subprocess.run(
        ["/usr/bin/time", "-f", "%M", python, "-m", "morph_kgc", "config.ini"],
        cwd=where,
        check=True,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    peak = int(done.stderr.strip().splitlines()[-1]) / 1024
    with (where / "out.nt").open(encoding="utf-8") as stream:
        triples = sum(1 for line in stream if line.strip())
    return seconds, peak, triples


def run_yaml(sheet: Path, data_dir: Path, where: Path) -> tuple[float, float, int]:
    """Seconds, peak MiB (this process's high-water mark, the scratch build included) and triples of the
    importer's row → RDF step."""
    opts = importer.Options(sheet, "projects", True, "en", "bench", data_dir)
    table = read_table(sheet, "projects")
    store = importer.scratch_store(where, data_dir, data_dir / "imports" / "none.ttl")
    started = time.perf_counter()
    graph, problems, _, _ = importer._convert(table, store, opts, "bench")
    seconds = time.perf_counter() - started
    if problems:
        raise SystemExit(f"the YAML side found {len(problems)} problems: {problems[0].text('en')}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return seconds, peak, len(graph)


def agency_keys(graph_rows: list[dict[str, str]], store_dir: Path, data_dir: Path) -> dict[str, str]:
    """Each agency cell's key as the importer resolves it (what the RML side is given ready)."""
    from thaiplan.graph.imports.lookup import look_up

    store = importer.scratch_store(store_dir, data_dir, data_dir / "imports" / "none.ttl")
    names = {r["agency"] for r in graph_rows}
    return {n: str(look_up(store, "agency", "agency", n)).rsplit("/", 1)[-1] for n in names}


def _line(name: str, rows: int, seconds: float, peak: float, triples: int) -> str:
    """One row of the results table."""
    rates = f"{rows / seconds:,.0f} | {peak:.0f} | {triples:,} | {triples / seconds:,.0f}"
    return f"| {name} | {rows:,} | {seconds:.1f} | {rates} |"


def main() -> int:
    """Generate the rows, map them both ways, write the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--morph-python", required=True, help="a Python with morph-kgc installed")
    args = parser.parse_args()
    bench = _bench_import()
    rows = bench.rows(args.rows, False)  # type: ignore[attr-defined]
    with tempfile.TemporaryDirectory(prefix="thaiplan-bench-rml-") as scratch_text:
        scratch = Path(scratch_text)
        data_dir = scratch / "data"
        shutil.copytree(default_data_dir(), data_dir, ignore=shutil.ignore_patterns("imports"))
        shutil.copy(sources_ttl(), data_dir / "sources.ttl")
        sheet = scratch / "projects.csv"
        bench.write(sheet, rows)  # type: ignore[attr-defined]
        (scratch / "keys-store").mkdir()
        keys = agency_keys(rows, scratch / "keys-store", data_dir)
        (scratch / "yaml").mkdir()
        y_seconds, y_peak, y_triples = run_yaml(sheet, data_dir, scratch / "yaml")
        (scratch / "rml").mkdir()
        m_seconds, m_peak, m_triples = run_morph(args.morph_python, rml_rows(rows, keys), scratch / "rml")
    version = subprocess.run(
        [args.morph_python, "-c", "import importlib.metadata as m; print(m.version('morph-kgc'))"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    lines = [
        "# YAML mapping vs RML (morph-kgc) for the projects sheet (issue 16)",
        "",
        f"Machine: {platform.machine()}, Python {platform.python_version()}, morph-kgc {version}; "
        f"`bench/import_rml.py --rows {args.rows}`; shared machine (other work running), so ±30 %.",
        "YAML: thaiplan's row → RDF step (cells checked, agencies and plan parts resolved against the",
        "built graph, alignments, labels, per-row provenance). RML: project, budget and progress report",
        "of the same rows, agencies given as keys and numbers as plain digits (RML cannot do either).",
        "",
        "| mapping | rows | seconds | rows/s | peak MiB | triples | triples/s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        _line("YAML (importer)", args.rows, y_seconds, y_peak, y_triples),
        _line("RML (morph-kgc)", args.rows, m_seconds, m_peak, m_triples),
    ]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
