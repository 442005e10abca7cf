"""`thaiplan import` (issue 16): every cell checked, nothing half-written, changes shown, re-import a no-op,
the build reads the import and the named queries see it. Real XLSX files (openpyxl) and CSV files."""

from __future__ import annotations

import csv
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from thaiplan.cli import main
from thaiplan.graph.build.inputs import default_data_dir, sources_ttl
from thaiplan.graph.imports.cells import mapping

KEYS = list(mapping()["kinds"]["projects"]["columns"])
GOOD = {
    "project_code": "P-001",
    "name_th": "โครงการพัฒนาระบบบริการดิจิทัลของหน่วยงาน",
    "name_en": "Agency digital service development project",
    "agency": "สำนักงาน ก.พ.ร.",
    "aligned_to": "CR02G01;strategy/ns-6",
    "fiscal_year": "๒๕๖๗",
    "budget_baht": "1,250,000.50",
    "status": "on schedule",
    "source_title": "แผนปฏิบัติราชการประจำปี 2567",
    "source_url": "https://example.org/plan-2567.pdf",
    "source_locator": "หน้า 12",
}


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A copy of the shipped curated data (with the sources description): imports never touch the real one."""
    target = tmp_path / "data"
    shutil.copytree(default_data_dir(), target, ignore=shutil.ignore_patterns("imports"))
    shutil.copy(sources_ttl(), target / "sources.ttl")
    return target


def write_sheet(path: Path, rows: list[dict[str, str]], keys: list[str] = KEYS) -> Path:
    """A real spreadsheet: XLSX through openpyxl (sheet `projects`) or CSV, keys in the first row."""
    if path.suffix == ".xlsx":
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "projects"
        sheet.append(keys)
        for row in rows:
            sheet.append([row.get(k, "") for k in keys])
        book.save(path)
    else:
        with path.open("w", encoding="utf-8-sig", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(keys)
            writer.writerows([[row.get(k, "") for k in keys] for row in rows])
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the real command line in-process; its exit code, output and error output."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def imports_of(data_dir: Path) -> list[str]:
    """The files an import wrote into the curated data."""
    folder = data_dir / "imports"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_every_bad_cell_is_named_and_nothing_written_issue16(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    rows = [
        {**GOOD, "budget_baht": "หนึ่งล้าน"},  # row 2
        {**GOOD, "project_code": "P-002", "budget_baht": "1,2,3", "fiscal_year": "2024"},  # row 3
        {**GOOD, "project_code": "P-003", "aligned_to": "NOPE99", "agency": "ไม่มีหน่วยงานนี้"},  # row 4
        {**GOOD, "project_code": "P-004", "name_th": "", "fiscal_year": "3100"},  # row 5
        {**GOOD, "project_code": "P-005", "agency": "กพร"},  # row 6: the office or the commission
        {**GOOD, "project_code": "P-006"},  # row 7: fine
        {**GOOD, "project_code": "P-006"},  # row 8: the same code for the same agency
        {**GOOD, "project_code": "P-007", "target_value": "95"},  # row 9: a target without its indicator
    ]
    sheet = write_sheet(tmp_path / f"projects{suffix}", rows)
    code, _, err = run(capsys, "import", str(sheet), "--data", str(data_dir))
    assert code == 1
    lines = err.splitlines()

    def named(row: int, column: str, value: str) -> bool:
        return any(f"row {row}, column {column} ({value!r})" in line for line in lines)

    assert named(2, "budget_baht", "หนึ่งล้าน")
    assert named(3, "budget_baht", "1,2,3")
    assert named(3, "fiscal_year", "2024") and "B.E. year (2567)" in err
    assert named(4, "aligned_to", "NOPE99")
    assert named(4, "agency", "ไม่มีหน่วยงานนี้")
    assert any("row 5, column name_th: a required cell is empty" in line for line in lines)
    assert named(5, "fiscal_year", "3100")
    ambiguous = next(line for line in lines if "row 6, column agency" in line)
    assert "/id/agency/opdc" in ambiguous and "/id/agency/pdc" in ambiguous
    assert named(8, "project_code", "P-006") and "row 7" in next(line for line in lines if "row 8" in line)
    # The indicator columns are imported now (refused by cell until the monitoring model was mapped):
    # a target value alone names the cells it needs.
    assert named(9, "target_value", "95") and "needs indicator_th, target_unit" in err
    assert not any("row 7" in line.split(":")[1] for line in lines)
    assert f"projects{suffix}: sheet" in err
    assert "nothing was written" in err
    assert imports_of(data_dir) == []


def test_messages_in_thai_issue16(tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sheet = write_sheet(tmp_path / "p.csv", [{**GOOD, "budget_baht": "หนึ่งล้าน"}])
    code, _, err = run(capsys, "import", str(sheet), "--data", str(data_dir), "--lang", "th")
    assert code == 1
    assert "แถว 2 คอลัมน์ budget_baht ('หนึ่งล้าน'): ไม่ใช่ตัวเลข" in err
    assert "ไม่มีการบันทึกข้อมูล" in err


def test_wrong_header_and_sheet_issue16(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = write_sheet(tmp_path / "p.csv", [GOOD], keys=["code", *KEYS[1:]])
    code, _, err = run(capsys, "import", str(sheet), "--data", str(data_dir))
    assert code == 2 and "no header row of column keys" in err
    missing = write_sheet(tmp_path / "m.xlsx", [GOOD], keys=[k for k in KEYS if k != "agency"])
    code, _, err = run(capsys, "import", str(missing), "--data", str(data_dir))
    assert code == 2 and "lacks the required column(s) agency" in err
    book = openpyxl.Workbook()
    book.active.title = "budgets"
    book.create_sheet("other")
    book.save(tmp_path / "two.xlsx")
    code, _, err = run(capsys, "import", str(tmp_path / "two.xlsx"), "--data", str(data_dir))
    assert code == 2 and "no sheet named 'projects'" in err
    # Thai Windows (cp874) is not UTF-8: said so, by file, rather than read as mojibake.
    (tmp_path / "cp874.csv").write_bytes(",".join(KEYS).encode() + "\nP-1,โครงการ\n".encode("cp874"))
    code, _, err = run(capsys, "import", str(tmp_path / "cp874.csv"), "--data", str(data_dir))
    assert code == 2 and "cp874.csv: not UTF-8 text" in err
    assert imports_of(data_dir) == []


def _damaged_member(workbook: bytes, path: Path) -> bytes:
    """The workbook with the first sheet's compressed bytes overwritten, its zip directory intact."""
    with zipfile.ZipFile(path) as archive:
        info = next(i for i in archive.infolist() if i.filename.endswith("sheet1.xml"))
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 8
    return workbook[:start] + b"\xff" * 40 + workbook[start + 40 :]


def test_truncated_or_damaged_workbook_is_refused_by_name_issue16(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write_sheet(tmp_path / "good.xlsx", [GOOD])
    workbook = good.read_bytes()
    damaged = {
        "half.xlsx": workbook[: len(workbook) // 2],
        "tail.xlsx": workbook[:-30],
        "member.xlsx": _damaged_member(workbook, good),
    }
    for name, content in damaged.items():
        (tmp_path / name).write_bytes(content)
        code, out, err = run(capsys, "import", str(tmp_path / name), "--data", str(data_dir))
        assert code == 2, (name, out, err)
        assert f"{name}: not a readable XLSX workbook" in err and "Traceback" not in err + out
    assert imports_of(data_dir) == []


def test_shape_violations_are_reported_per_row_issue16(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Every entity is named in Thai and English (a shape, not a column rule): row 3 has no English name.
    sheet = write_sheet(tmp_path / "p.xlsx", [GOOD, {**GOOD, "project_code": "P-002", "name_en": ""}])
    code, _, err = run(capsys, "import", str(sheet), "--data", str(data_dir))
    assert code == 1
    assert "row 3, column name_th / name_en" in err and "English skos:prefLabel" in err
    assert "project/opdc-P-002" in err
    assert "row 2" not in err
    assert imports_of(data_dir) == []


def test_dry_run_write_reimport_change_and_remove_issue16(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    second = {**GOOD, "project_code": "P-002", "aligned_to": "CR02G01", "status": ""}
    sheet = write_sheet(tmp_path / "Projects 2567.xlsx", [GOOD, second])
    code, out, _ = run(
        capsys, "import", str(sheet), "--data", str(data_dir), "--dry-run", "--by", "steward-a"
    )
    assert code == 0
    assert "+ added: https://w3id.org/thaiplan/id/project/opdc-P-001" in out
    assert "+ added: https://w3id.org/thaiplan/id/alignment/project-opdc-P-001--strategy-ns-6" in out
    assert "+ added: https://w3id.org/thaiplan/id/budget/opdc-P-001-2567" in out
    assert imports_of(data_dir) == []

    code, out, _ = run(capsys, "import", str(sheet), "--data", str(data_dir), "--by", "steward-a")
    assert code == 0 and "wrote" in out
    assert imports_of(data_dir) == ["projects-2567.ttl", "projects-2567.xlsx"]
    written = (data_dir / "imports" / "projects-2567.ttl").read_bytes()
    assert (data_dir / "imports" / "projects-2567.xlsx").read_bytes() == sheet.read_bytes()
    text = written.decode("utf-8")
    assert "sha256:" in text and "steward-a" in text and '"projects!2"' in text
    assert "หน้า 12" in text and "https://example.org/plan-2567.pdf" in text

    code, out, _ = run(capsys, "import", str(sheet), "--data", str(data_dir))
    assert code == 0 and "0 changes" in out and "wrote" not in out
    assert (data_dir / "imports" / "projects-2567.ttl").read_bytes() == written

    write_sheet(sheet, [{**GOOD, "budget_baht": "2,000,000"}])
    code, out, _ = run(capsys, "import", str(sheet), "--data", str(data_dir), "--dry-run")
    assert code == 0
    assert "~ changed: https://w3id.org/thaiplan/id/budget/opdc-P-001-2567" in out
    assert "tp:amount: " in out and "1250000.5" in out and "→" in out and "2000000" in out
    assert "- removed: https://w3id.org/thaiplan/id/project/opdc-P-002" in out
    assert (data_dir / "imports" / "projects-2567.ttl").read_bytes() == written


def test_the_build_reads_the_import_and_the_queries_trace_it_issue16(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from thaiplan.config import Config
    from thaiplan.graph.store.backend import open_store, with_location
    from thaiplan.queries import registry
    from thaiplan.queries.execute import rows

    sheet = write_sheet(tmp_path / "agency.csv", [{**GOOD, "aligned_to": "CR02G01"}])
    assert run(capsys, "import", str(sheet), "--data", str(data_dir))[0] == 0
    store_dir = tmp_path / "store"
    code, out, _ = run(capsys, "build", "--store", str(store_dir), "--data", str(data_dir))
    assert code == 0 and "import-agency" in out
    store = open_store(with_location(Config.from_env(), str(store_dir)))
    project = "https://w3id.org/thaiplan/id/project/opdc-P-001"
    up = rows(registry.run("trace-up", {"entity": project}, store))
    reached = {r["node"].value for r in up}
    # The first step is the alignment's tp:supports (derived by the build), not a tp:partOf.
    first = {r["relation"].value for r in up if r.get("via") is not None and r["via"].value == project}
    assert first == {"https://w3id.org/thaiplan/ontology#supports"}
    assert "https://w3id.org/thaiplan/id/goal/CR02G01" in reached
    assert "https://w3id.org/thaiplan/id/plan/national-strategy" in reached
    portfolio = rows(registry.run("agency-portfolio", {"agency": "OPDC"}, store))
    assert project in {r["item"].value for r in portfolio}


def test_template_is_generated_and_imports_when_filled_issue16(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "template.xlsx"
    code, out, _ = run(capsys, "template", "-o", str(target))
    assert code == 0 and target.is_file()
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["README", "lists", *(k["sheet"] for k in mapping()["kinds"].values())]
    sheet = book["projects"]
    assert [c.value for c in sheet[2]] == KEYS
    assert sheet["A1"].value == "รหัสโครงการ / Project code"
    readme = [row for row in book["README"].iter_rows(min_row=2, values_only=True) if row[0] == "projects"]
    assert [row[1] for row in readme] == KEYS
    rules = {str(rule.sqref).split(":")[0]: rule.formula1 for rule in sheet.data_validations.dataValidation}
    level_column = openpyxl.utils.get_column_letter(KEYS.index("alignment_level") + 1)
    listed = [c.value for c in book["lists"]["A"]]
    assert rules[f"{level_column}3"].startswith("=lists!$A$1") and {"X", "Y1", "Y2"} <= set(listed)
    for column, key in enumerate(KEYS, start=1):
        sheet.cell(row=3, column=column, value={**GOOD, "alignment_level": "Y1"}.get(key))
    book.save(tmp_path / "filled.xlsx")
    code, out, err = run(
        capsys, "import", str(tmp_path / "filled.xlsx"), "--data", str(data_dir), "--dry-run"
    )
    assert code == 0, err
    assert "+ added: https://w3id.org/thaiplan/id/project/opdc-P-001" in out


@pytest.mark.parametrize("suffix", [".csv", ".html"])
def test_problems_as_csv_or_html_report_issue16(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    sheet = write_sheet(tmp_path / "p.csv", [{**GOOD, "budget_baht": "1,2,3"}])
    report = tmp_path / f"report{suffix}"
    code, _, _ = run(
        capsys, "import", str(sheet), "--data", str(data_dir), "--report", str(report), "--lang", "th"
    )
    assert code == 1
    if suffix == ".csv":
        rows = list(csv.reader(report.read_text(encoding="utf-8-sig").splitlines()))
        assert rows[0][0] == "ไฟล์" and rows[1][:5] == ["p.csv", "csv", "2", "budget_baht", "1,2,3"]
    else:
        text = report.read_text(encoding="utf-8")
        assert "<td>budget_baht</td>" in text and "<td>1,2,3</td>" in text and "ไม่ใช่ตัวเลข" in text


def test_agencies_kind_then_projects_of_the_new_agency_issue16(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    keys = list(mapping()["kinds"]["agencies"]["columns"])
    agency = {
        "agency_code": "tij",
        "name_th": "สถาบันเพื่อการยุติธรรมแห่งประเทศไทย",
        "name_en": "Thailand Institute of Justice",
        "abbreviations_th": "",
        "abbreviations_en": "TIJ",
        "parent": "OPDC",
        "source_title": "ทะเบียนหน่วยงาน",
    }
    bad = write_sheet(
        tmp_path / "bad-agencies.csv",
        [{**agency, "parent": "ไม่มีหน่วยงานนี้"}, {**agency, "agency_code": "opdc"}],
        keys=keys,
    )
    code, _, err = run(capsys, "import", str(bad), "--kind", "agencies", "--data", str(data_dir))
    assert code == 1 and "row 2, column parent ('ไม่มีหน่วยงานนี้')" in err
    # An agency of the register is not redefined by a spreadsheet: it would merge with the curated one.
    assert "row 3, column agency_code ('opdc')" in err and "graph/agencies" in err
    sheet = write_sheet(tmp_path / "agencies.csv", [agency], keys=keys)
    code, out, err = run(capsys, "import", str(sheet), "--kind", "agencies", "--data", str(data_dir))
    assert code == 0, err
    assert "+ added: https://w3id.org/thaiplan/id/agency/tij" in out
    text = (data_dir / "imports" / "agencies.ttl").read_text(encoding="utf-8")
    assert "org:subOrganizationOf" in text and "agency/opdc" in text and '"TIJ"@en' in text
    # The next import resolves the new agency by its abbreviation.
    projects = write_sheet(tmp_path / "tij-projects.csv", [{**GOOD, "agency": "TIJ"}])
    code, out, err = run(capsys, "import", str(projects), "--data", str(data_dir))
    assert code == 0, err
    assert "+ added: https://w3id.org/thaiplan/id/project/tij-P-001" in out
    # The same project from another file is refused: its IRI is the agency's and the code's.
    again = write_sheet(tmp_path / "copy.csv", [{**GOOD, "agency": "สถาบันเพื่อการยุติธรรมแห่งประเทศไทย"}])
    code, _, err = run(capsys, "import", str(again), "--data", str(data_dir), "--dry-run")
    assert code == 1 and "row 2, column project_code ('P-001')" in err and "graph/import-tij-projects" in err


def test_an_imported_file_is_consistent_with_the_ontology_and_prov_issue16(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # HermiT with the real PROV-O/SKOS/ORG axioms: the rows, the run and its agent are typed as PROV says.
    sheet = write_sheet(tmp_path / "p.csv", [GOOD])
    assert run(capsys, "import", str(sheet), "--data", str(data_dir), "--by", "steward-a")[0] == 0
    code, out, err = run(capsys, "ontology", "check", "--with", str(data_dir / "imports" / "p.ttl"))
    assert code == 0, out + err
    assert "consistent: yes" in out
