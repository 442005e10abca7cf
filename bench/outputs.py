"""Benchmark of the planners' outputs (issue 17): downloads, the progress report (HTML, PDF), the reader.

Run on demand (never in the unit tests):

    .venv/bin/python bench/outputs.py                          # synthetic plans of 100, 300, 1000 projects
    .venv/bin/python bench/outputs.py --projects 50 --repeat 1 # a quick check that it runs

For each size it writes a synthetic graph (`thaiplan synth`, one agency action plan holding every
project), builds a store, and times through the app (Flask's test client, the real worker processes):
the plan's report as HTML and as PDF (Chromium), and the XLSX and CSV downloads of the agency's
portfolio; once, with the answer cache off (`THAIPLAN_ANSWER_CACHE_MB=0`, every request computed). It
also times the source reader and the coverage of the shipped graph. Results (medians of `--repeat`
runs, the PDF's pages and bytes) go to `bench/results/outputs.md`. Timings need a quiet machine.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from thaiplan.cli import main as thaiplan_main
from thaiplan.config import Config
from thaiplan.graph.build.pipeline import build
from thaiplan.ontology.namespace import ID_BASE
from thaiplan.server import create_app

RESULTS = Path(__file__).resolve().parent / "results" / "outputs.md"
PLAN = "synth/plan/ap-d0001"
AGENCY = ID_BASE + "synth/agency/d0001"


def timed(call: Callable[[], object], repeat: int) -> tuple[float, object]:
    """The median wall time of `repeat` calls (seconds) and the last call's result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def measure(folder: Path, projects: int, repeat: int) -> dict[str, object]:
    """Build a synthetic plan of `projects` projects and time its outputs."""
    data = folder / f"data-{projects}"
    data.mkdir()
    sizes = ["--agencies", "40", "--projects", str(projects), "--years", "3"]
    assert thaiplan_main(["synth", *sizes, "-o", str(data / "synth.nq")]) == 0
    config = Config(store_dir=folder / f"store-{projects}", workers=1, query_timeout=300.0, answer_cache_mb=0)
    build(config, data, out=lambda _: None)
    app = create_app(config)
    client = app.test_client()
    row: dict[str, object] = {"projects": projects}
    try:
        for name, url in (
            ("report html", f"/report/{PLAN}?lang=th"),
            ("report pdf", f"/report/{PLAN}.pdf?lang=th"),
            ("agency xlsx", f"/agency?agency={AGENCY}&format=xlsx"),
            ("agency csv", f"/agency?agency={AGENCY}&format=csv"),
        ):
            seconds, response = timed(lambda url=url: client.get(url), repeat)
            assert response.status_code == 200, (url, response.status_code)  # type: ignore[attr-defined]
            row[name] = seconds
            if name == "report pdf":
                pdf = folder / f"report-{projects}.pdf"
                pdf.write_bytes(response.data)  # type: ignore[attr-defined]
                row["pdf bytes"] = len(response.data)  # type: ignore[attr-defined]
                row["pdf pages"] = pdf_pages(pdf)
    finally:
        app.extensions["thaiplan_pool"].close()
    return row


def pdf_pages(path: Path) -> int | str:
    """The PDF's page count by poppler's pdfinfo (`?` without it)."""
    try:
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "?"
    return next((int(line.split()[1]) for line in info.splitlines() if line.startswith("Pages:")), "?")


def shipped(folder: Path, repeat: int) -> dict[str, float]:
    """The reader of the reform plan and the coverage of the shipped graph."""
    from thaiplan.graph.store.local import open_read_only
    from thaiplan.graph.text.coverage import document_coverage

    config = Config(store_dir=folder / "shipped", workers=1, answer_cache_mb=0)
    build(config, out=lambda _: None)
    app = create_app(config)
    try:
        reader, _ = timed(lambda: app.test_client().get("/source/reform-plan-cr02"), repeat)
    finally:
        app.extensions["thaiplan_pool"].close()
    cover, _ = timed(lambda: document_coverage(open_read_only(config.store_dir)), repeat)
    return {"reader": reader, "coverage": cover}


def write(rows: list[dict[str, object]], other: dict[str, float]) -> None:
    """The results as a Markdown table in bench/results/outputs.md."""
    keys = ["projects", "report html", "report pdf", "pdf pages", "pdf bytes", "agency xlsx", "agency csv"]
    lines = [
        "# Planners' outputs (issue 17)",
        "",
        f"`bench/outputs.py`, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, Python "
        f"{platform.python_version()}, {platform.machine()}; answer cache off, medians, seconds.",
        "",
        "| " + " | ".join(keys) + " |",
        "|" + "---|" * len(keys),
    ]
    for row in rows:
        cells = [f"{row[k]:.3f}" if isinstance(row.get(k), float) else str(row.get(k, "")) for k in keys]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(
        f"Shipped graph: reader of reform-plan-cr02 {other['reader']:.3f} s, coverage of every document "
        f"{other['coverage']:.3f} s (the first run includes loading the sentence model)."
    )
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Measure the sizes asked for and write the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", default="100,300,1000", help="comma-separated plan sizes")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.projects.split(",") if s.strip()]
    with tempfile.TemporaryDirectory(prefix="thaiplan-bench-outputs-") as tmp:
        rows = [measure(Path(tmp), n, args.repeat) for n in sizes]
        other = shipped(Path(tmp), args.repeat)
    write(rows, other)
    print(RESULTS.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
