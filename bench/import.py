"""Benchmark of `thaiplan import` (issue 16): project rows in spreadsheet form, checked and dry-run imported.

Run on demand (never in the unit tests):

    .venv/bin/python bench/import.py                       # 1,000, 10,000 and 100,000 rows (CSV and XLSX)
    .venv/bin/python bench/import.py --rows 200 --formats csv   # a quick check that it runs
    .venv/bin/python bench/import.py --rows 100000 --formats csv --out bench/results/import-100k.md

Each import runs under a cap of `--memory-gib` of address space and `--timeout` seconds (a shared
machine: a run that would take all its memory is stopped, and the table says so).

Rows are generated deterministically (seeded) against the shipped graph: agencies by abbreviation, plan
parts by code, B.E. years in Thai or Arabic digits, budgets with thousands separators; one row in 50 has a
bad cell (a number in words, a C.E. year, an unknown code), so the run also measures errors found per
second. Each size is imported with `--dry-run` into a copy of the curated data in a child process: wall
time and peak memory (max RSS) go to `bench/results/import.md` (or `--out`). Timings need a quiet machine.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

from thaiplan.graph.build.inputs import default_data_dir, sources_ttl
from thaiplan.graph.imports.cells import mapping

RESULTS = Path(__file__).resolve().parent / "results" / "import.md"
AGENCIES = ["สำนักงาน ก.พ.ร.", "OPDC", "สพร.", "มท", "ก.พ."]
PARTS = ["CR02G01", "CR02G02", "BR0201", "BR0203", "strategy/ns-6"]
THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def rows(count: int, bad: bool, seed: int = 16) -> list[dict[str, str]]:
    """`count` project rows; with `bad`, one in 50 has a bad cell."""
    rng = random.Random(seed)
    out = []
    for n in range(count):
        year = str(rng.choice([2565, 2566, 2567, 2568]))
        row = {
            "project_code": f"B-{n:06d}",
            "name_th": f"โครงการทดสอบการนำเข้าที่ {n}",
            "name_en": f"Import benchmark project {n}",
            "agency": rng.choice(AGENCIES),
            "aligned_to": ";".join(rng.sample(PARTS, rng.randint(1, 2))),
            "fiscal_year": year.translate(THAI) if rng.random() < 0.3 else year,
            "budget_baht": f"{rng.randrange(100_000, 90_000_000):,}",
            "status": rng.choice(["on schedule", "behind schedule", "completed", ""]),
            # The monitoring columns (issue 16 after 15): an indicator, its target and result for the year.
            "indicator_th": f"ร้อยละของหน่วยงานที่ใช้บริการดิจิทัล (โครงการที่ {n})",
            "target_value": str(rng.randrange(50, 100)),
            "target_unit": "ร้อยละ",
            "result_value": f"{rng.uniform(30, 100):.2f}",
            "source_title": "แผนปฏิบัติราชการ (ชุดทดสอบ)",
        }
        if bad and n % 50 == 49:
            bad = rng.choice([("budget_baht", "หนึ่งล้าน"), ("fiscal_year", "2024"), ("aligned_to", "NOPE99")])
            row[bad[0]] = bad[1]
        out.append(row)
    return out


def write(path: Path, data: list[dict[str, str]]) -> None:
    """The rows as CSV (UTF-8 with BOM) or XLSX (openpyxl, write-only)."""
    keys = list(mapping()["kinds"]["projects"]["columns"])
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(keys)
            writer.writerows([[r.get(k, "") for k in keys] for r in data])
        return
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("projects")
    sheet.append(keys)
    for r in data:
        sheet.append([r.get(k, "") for k in keys])
    book.save(path)


def measure(
    sheet: Path, data_dir: Path, memory_gib: float, timeout: float
) -> tuple[float, float, float, str, int]:
    """Wall seconds, CPU seconds, peak MiB, exit (a code, or why it was stopped) and problems reported of one
    dry-run import in a child process. CPU and peak are that child's own (`wait4`): on a loaded machine its
    CPU seconds say more than the wall clock."""
    command = [sys.executable, "-m", "thaiplan.cli", "import", str(sheet), "--data", str(data_dir)]
    command.append("--dry-run")
    cap = int(memory_gib * 1024**3)

    def limit() -> None:
        """The child's address-space cap (runs in the child before it starts Python)."""
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    started = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, preexec_fn=limit)
        stopped = ""
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if not stopped and time.perf_counter() - started > timeout:
                child.kill()
                stopped = f"stopped after {timeout:.0f} s"
            time.sleep(0.2)
        seconds = time.perf_counter() - started
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    code = os.waitstatus_to_exitcode(status)
    exit_text = stopped or (
        str(code) if code >= 0 or "memory allocation" not in stderr else "out of memory cap"
    )
    if "MemoryError" in stderr:
        exit_text = "out of memory cap"
    problems = sum(1 for line in stderr.splitlines() if ", row " in line)
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, exit_text, problems


def commit() -> str:
    """The checkout's commit (short), as the results name the code they measured."""
    try:
        found = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return found.stdout.strip()


def load() -> str:
    """The machine's load (1-minute average, as `uptime` shows it): other engineers share the 2 CPUs."""
    return f"{os.getloadavg()[0]:.1f}"


def main() -> int:
    """Generate, import and write the results table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="1000,10000,100000", help="comma-separated row counts")
    parser.add_argument("--formats", default="csv,xlsx", help="csv, xlsx or both")
    parser.add_argument("--out", type=Path, default=RESULTS, help="the results file (Markdown)")
    parser.add_argument("--memory-gib", type=float, default=14.0, help="each import's address-space cap")
    parser.add_argument("--timeout", type=float, default=3600.0, help="each import's time limit, seconds")
    args = parser.parse_args()
    lines = [
        "# `thaiplan import` benchmark (issue 16)",
        "",
        f"Machine: {platform.machine()}, Python {platform.python_version()}, commit {commit()}; "
        f"`bench/import.py --rows {args.rows} --formats {args.formats}`.",
        "Dry-run imports of synthetic project rows into a copy of the shipped curated data: clean",
        "sheets (cell checks, shapes with the existing graph, change list) and sheets with one bad row",
        "in 50 (cell checks; no shapes once a cell is bad). CPU s and peak MiB (max RSS): that import's",
        "own. Load: the 1-minute load average when it started (2 CPUs; other work shares the machine).",
        "Aim (issue 16): 100,000 rows in under 60 s and 2 GiB.",
        "",
        "| rows | sheet | format | seconds | CPU s | peak MiB | exit | problems | problems/s | load |",
        "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    with tempfile.TemporaryDirectory(prefix="thaiplan-bench-import-") as scratch:
        data_dir = Path(scratch) / "data"
        shutil.copytree(default_data_dir(), data_dir, ignore=shutil.ignore_patterns("imports"))
        shutil.copy(sources_ttl(), data_dir / "sources.ttl")
        for count in (int(c) for c in args.rows.split(",")):
            for bad in (False, True):
                data = rows(count, bad)
                for fmt in args.formats.split(","):
                    sheet = Path(scratch) / f"bench-{count}-{'bad' if bad else 'clean'}.{fmt}"
                    write(sheet, data)
                    before = load()
                    found = measure(sheet, data_dir, args.memory_gib, args.timeout)
                    seconds, cpu, peak, code, problems = found
                    rate = problems / seconds if seconds else 0.0
                    kind = "1 in 50 bad" if bad else "clean"
                    cells = [f"{count:,}", kind, fmt, f"{seconds:.1f}", f"{cpu:.1f}", f"{peak:.0f}", code]
                    cells += [f"{problems:,}", f"{rate:.0f}", before]
                    lines.append("| " + " | ".join(cells) + " |")
                    print(lines[-1], flush=True)
                    # Written after each import: a long run stopped halfway keeps what it measured.
                    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
