"""The child process behind `/import` (issue 16): preview or apply one uploaded spreadsheet, answer in JSON.

The web process never runs the importer or the build itself: both load the whole graph into a scratch
store, validate it with pySHACL and may fork an index worker, which a multi-threaded server must not do
and whose memory it should not keep. So `server/import_page.py` runs

    python -m thaiplan.server.import_job preview|apply --file F --kind K --lang L --by B [--data D] --result R

with the store's settings in `THAIPLAN_*` variables, and reads `R` (JSON): `{"ok": true, "kind", "changes":
{"added", "changed", "removed"}, "snapshot"}` or `{"ok": false, "stage": "import"|"build", "message",
"problems": [[file, sheet, row, column, value, message], …]}`; a refused import adds `"messages": {"en",
"th"}` and `"problems_by_lang": {"en": [rows], "th": [rows]}`, the same problems in both languages. `apply`
is `thaiplan import` followed by `thaiplan build`; undoing the data files when the build fails is the web
process's job (it also covers a child that was killed).

Memory: like a query worker (`server/worker_process.py`), the child caps its own address space
(`RLIMIT_AS`) at what it maps once started plus `THAIPLAN_IMPORT_MEMORY_MB` (4096 unless set; 0: no cap).
An import that passes it stops with `{"ok": false, "stage": "memory", "message": …}` (exit 3), naming the
limit, and writes nothing; one that makes pyoxigraph's allocator abort dies, which the page reports as a
failed child. Measured: 0.8-1.0 GiB for 10,000 project rows, ~70 KiB a row (bench/results/import.md).
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import os
import sys
import tempfile
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from thaiplan.config import Config
from thaiplan.errors import InputError, ThaiplanError
from thaiplan.graph.imports.cells import mapping, read_table

AUTO = "auto"
MEMORY_ENV = "THAIPLAN_IMPORT_MEMORY_MB"
DEFAULT_MEMORY_MB = 4096
MEMORY_EXIT = 3


def infer_kind(path: Path) -> str:
    """The one kind whose sheet and header the file holds with data rows (InputError when none or many)."""
    found, empty, errors = [], [], []
    for kind in mapping()["kinds"]:
        try:
            table = read_table(path, kind)
        except InputError as exc:
            errors.append(str(exc))
            continue
        (found if table.rows else empty).append(kind)
    if len(found) == 1:
        return found[0]
    if found:
        raise InputError(
            f"{path.name}: holds rows of several kinds ({', '.join(found)}): choose the kind to import / "
            f"ไฟล์มีข้อมูลหลายประเภท ({', '.join(found)}) กรุณาเลือกประเภทที่จะนำเข้า"
        )
    if empty:
        raise InputError(
            f"{path.name}: the {', '.join(empty)} sheet has a header but no data rows / ไม่มีแถวข้อมูล"
        )
    kinds = ", ".join(mapping()["kinds"])
    raise InputError(f"the file matches no import kind ({kinds}): {errors[0]}")


def problems_of(report: Path) -> list[list[str]]:
    """The rows of the importer's CSV report (file, sheet, row, column, value, message), header left out."""
    if not report.is_file():
        return []
    with report.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream))[1:]


def failed(exc: Any) -> dict[str, Any]:
    """A refused import's message and problems in both languages (the page shows either; no second run)."""
    return {
        "message": str(exc),
        "messages": exc.messages,
        "problems_by_lang": {lang: [p.as_row(lang) for p in exc.problems] for lang in ("en", "th")},
    }


def run(args: argparse.Namespace) -> tuple[int, dict[str, Any]]:
    """Preview or apply the upload; the exit code and the JSON answer."""
    from thaiplan.graph.imports.importer import ImportFailed, Options, run_import

    path = Path(args.file)
    data = Path(args.data) if args.data else None
    answer: dict[str, Any] = {"ok": False, "stage": "import", "kind": None}
    with tempfile.TemporaryDirectory(prefix="thaiplan-import-report-") as scratch:
        report = Path(scratch) / "problems.csv"
        try:
            kind = infer_kind(path) if args.kind == AUTO else args.kind
            answer["kind"] = kind
            options = Options(
                path=path,
                kind=kind,
                dry_run=args.action == "preview",
                lang=args.lang,
                by=args.by,
                data_dir=data,
                report=report,
            )
            changes = run_import(options, out=lambda _: None)
        except ImportFailed as exc:
            return exc.exit_code, {**answer, **failed(exc), "problems": problems_of(report)}
        except ThaiplanError as exc:
            return exc.exit_code, {**answer, "message": str(exc), "problems": []}
        except MemoryError:
            # Python's side of the address-space cap: the stack unwound, the rows' store freed; say why.
            return MEMORY_EXIT, {**answer, "stage": "memory", "message": memory_message(), "problems": []}
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            # openpyxl lets these out of a file that only looks like a workbook (the importer names other
            # unreadable files itself): the same answer as theirs, exit 2.
            message = f"{path.name}: not a readable XLSX workbook ({exc}) / ไม่ใช่ไฟล์ XLSX ที่อ่านได้"
            return 2, {**answer, "message": message, "problems": []}
    answer.update(ok=True, changes=dataclasses.asdict(changes), snapshot=None)
    if args.action == "apply" and changes.count():
        from thaiplan.graph.build.pipeline import build

        answer["stage"] = "build"
        try:
            built = build(Config.from_env(), data, out=lambda _: None)
        except ThaiplanError as exc:
            return exc.exit_code, {**answer, "ok": False, "message": str(exc)}
        answer["snapshot"] = built.snapshot_id
    return 0, answer


def memory_mb() -> int:
    """The import child's memory cap in MiB above what it maps at start (`THAIPLAN_IMPORT_MEMORY_MB`)."""
    text = os.environ.get(MEMORY_ENV, "").strip()
    try:
        return int(text) if text else DEFAULT_MEMORY_MB
    except ValueError as exc:
        raise InputError(f"{MEMORY_ENV} must be a whole number of MiB, not {text!r}") from exc


def memory_message() -> str:
    """What a steward is told when the import passed the child's memory cap (both languages)."""
    limit = memory_mb()
    return (
        f"The import was stopped: it needed more memory than the server's limit of {limit} MiB "
        f"({MEMORY_ENV}); nothing was written. Split the spreadsheet into smaller files. / "
        f"การนำเข้าถูกหยุด: ใช้หน่วยความจำเกินขีดจำกัดของเซิร์ฟเวอร์ {limit} MiB ไม่มีการบันทึกข้อมูล "
        "กรุณาแบ่งไฟล์ให้เล็กลง"
    )


def limit_memory() -> None:
    """Cap this process's address space at what it maps now plus the import's allowance (0: no cap)."""
    from thaiplan.graph.imports import importer  # noqa: F401  (loaded before the cap: its libraries count)
    from thaiplan.server.worker_process import limit_memory as cap

    cap(None, memory_mb())


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the arguments, run, write the JSON answer; the exit code of `thaiplan import`/`build`."""
    parser = argparse.ArgumentParser(prog="thaiplan.server.import_job")
    parser.add_argument("action", choices=["preview", "apply"])
    parser.add_argument("--file", required=True)
    parser.add_argument("--kind", default=AUTO)
    parser.add_argument("--lang", choices=["th", "en"], default="en")
    parser.add_argument("--by", default=None)
    parser.add_argument("--data", default=None)
    parser.add_argument("--result", required=True)
    args = parser.parse_args(argv)
    try:
        limit_memory()
    except InputError as exc:
        code, answer = exc.exit_code, {"ok": False, "stage": "import", "kind": None, "message": str(exc)}
    else:
        code, answer = run(args)
    Path(args.result).write_text(json.dumps(answer, ensure_ascii=False), encoding="utf-8")
    return code


if __name__ == "__main__":
    sys.exit(main())
