"""An import checked a chunk of rows at a time (issue 16) reports what one run over all rows reports: the
same problems (cells and shapes, per row), the same change list and the same Turtle; and the shapes run
on the import's entities alone (its focus nodes, its violations) give the whole run's results on them."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from rdflib import SH

from tests.test_import_issue16 import GOOD, write_sheet
from tests.test_import_issue16 import data_dir as shipped_data_copy
from thaiplan.graph.imports import parts
from thaiplan.graph.imports.importer import Options, _convert, check_import, commit_import, scratch_store
from thaiplan.graph.imports.shapes_check import curated_graph
from thaiplan.shapes.dataset import Dataset
from thaiplan.shapes.validate import validate_dataset

data_dir = shipped_data_copy  # a copy of the shipped curated data per test
ID = "https://w3id.org/thaiplan/id/"


def projects(count: int, no_english: set[int] = frozenset()) -> list[dict[str, str]]:
    """`count` project rows of the shipped agencies and plan parts; those in `no_english` lack English
    names (a shape violation, not a cell problem)."""
    agencies, parts_ = ["OPDC", "สพร.", "มท"], ["CR02G01", "CR02G02;BR0201", "strategy/ns-6"]
    rows = []
    for n in range(count):
        row = {
            **GOOD,
            "project_code": f"C-{n:03d}",
            "name_th": f"โครงการทดสอบที่ {n}",
            "name_en": "" if n in no_english else f"Test project {n}",
            "agency": agencies[n % 3],
            "aligned_to": parts_[n % 3],
            "budget_baht": f"1,{n:03d},{n % 10}50.{n % 7}0",
            "indicator_th": f"ตัวชี้วัดที่ {n}",
            "target_value": str(50 + n),
            "target_unit": "ร้อยละ",
            "result_value": f"{40 + n}.50",
        }
        rows.append(row)
    return rows


def checked(
    sheet: Path, data: Path, size: int, monkeypatch: pytest.MonkeyPatch, dry_run: bool = False
) -> tuple[list, object]:
    """The problems (as text in both languages) and the change list of a check with chunks of `size` rows."""
    monkeypatch.setattr(parts, "CHUNK_ROWS", size)
    result = check_import(Options(sheet, data_dir=data, by="steward", dry_run=dry_run))
    problems = [(p.file, p.sheet, p.row, p.column, p.value, p.en, p.th) for p in result.problems]
    return problems, result.changes


def turtle(path: Path) -> str:
    """A written import without its run's time (the one line two runs differ in)."""
    return re.sub(r'prov:startedAtTime "[^"]+"', "", path.read_text(encoding="utf-8"))


def test_chunks_report_the_shape_problems_of_one_run_issue16(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sheet = write_sheet(tmp_path / "chunks.csv", projects(11, no_english={1, 5, 6, 10}))
    whole, whole_changes = checked(sheet, data_dir, 10**6, monkeypatch)
    assert {p[2] for p in whole} == {3, 7, 8, 12}  # the rows without English names, by the shapes
    assert any("English skos:prefLabel" in p[5] for p in whole)
    for size in (1, 3, 4):
        assert checked(sheet, data_dir, size, monkeypatch) == (whole, whole_changes)
        # A dry run keeps no graph to write, and finds the same.
        assert checked(sheet, data_dir, size, monkeypatch, dry_run=True) == (whole, whole_changes)
    clean = write_sheet(tmp_path / "clean.csv", projects(7))
    assert checked(clean, data_dir, 2, monkeypatch, dry_run=True)[0] == []


def test_chunks_write_the_turtle_and_changes_of_one_run_issue16(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = projects(10)
    (tmp_path / "sheets").mkdir()
    sheet = tmp_path / "sheets" / "chunks.csv"
    written, changes = {}, {}
    for size in (10**6, 3):
        copy = tmp_path / f"data-{size}"
        shutil.copytree(data_dir, copy)
        monkeypatch.setattr(parts, "CHUNK_ROWS", size)
        result = check_import(Options(write_sheet(sheet, rows), data_dir=copy, by="steward"))
        assert not result.problems and commit_import(result)
        written[size] = turtle(copy / "imports" / "chunks.ttl")
        # A changed row and three removed, compared with the written import a chunk at a time.
        changed = [{**rows[0], "budget_baht": "5"}, *rows[1:7]]
        changes[size] = check_import(Options(write_sheet(sheet, changed), data_dir=copy)).changes
    assert written[10**6] == written[3]
    assert changes[10**6] == changes[3]
    assert list(changes[3].changed) == [f"{ID}budget/opdc-C-000-2567"] and not changes[3].added
    assert f"{ID}project/moi-C-008" in changes[3].removed


def test_the_shapes_on_the_imports_entities_equal_the_whole_run_issue16(
    tmp_path: Path, data_dir: Path
) -> None:
    sheet = write_sheet(tmp_path / "focus.csv", projects(6, no_english={2, 4}))
    opts = Options(sheet, data_dir=data_dir)
    store = scratch_store(data_dir, data_dir, exclude=data_dir / "imports" / "focus.ttl")
    curated = curated_graph(data_dir, data_dir / "imports" / "focus.ttl")
    reports = []
    for whole in (True, False):
        graph, problems, rows_of, _ = _convert(opts_table(opts), store, opts, "focus")
        assert not problems
        graph.flush()
        graph.store.bulk_extend(curated.quads)
        dataset = Dataset(store=graph.store, bnodes_back=curated.bnodes_back)
        if whole:
            report = validate_dataset(dataset)
        else:
            report = validate_dataset(dataset, focus=set(rows_of), violations_only=True)
        reports.append(
            {
                (r.focus, r.path, r.component, r.shape, r.value, r.messages)
                for r in report.results
                if r.severity == SH.Violation and r.focus in rows_of
            }
        )
    assert reports[0] and reports[0] == reports[1]


def opts_table(opts: Options) -> object:
    """The checked table of an import's spreadsheet."""
    from thaiplan.graph.imports.cells import read_table

    return read_table(opts.path, opts.kind)
