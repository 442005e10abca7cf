"""`thaiplan import` of every kind (issue 16): plans with their parts, results with assessments, the projects
sheet's indicator columns; `thaiplan export` of the shipped curated graph and its round trip (0 changes);
the planners' views over a store built with an import (Flask test client).
Over 400 lines because every kind's rules share the fixtures of one exported workbook and built store."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest
from rdflib import Graph, Literal, URIRef

from tests.test_import_issue16 import GOOD, imports_of, run, write_sheet
from tests.test_import_issue16 import data_dir as shipped_data_copy
from thaiplan.graph.imports.cells import mapping

data_dir = shipped_data_copy  # the same fixture: a copy of the shipped curated data per test

ID = "https://w3id.org/thaiplan/id/"
TP = "https://w3id.org/thaiplan/ontology#"
PLAN_KEYS = list(mapping()["kinds"]["plans"]["columns"])
RESULT_KEYS = list(mapping()["kinds"]["results"]["columns"])
SOURCE = {"source_title": "แผนปฏิบัติราชการ กรมทดสอบ (ชุดทดสอบ)"}
# A new plan in one sheet: parents by code (bare, type/code), its indicator under the goal, two targets.
PLAN = [
    {
        "part_type": "DevelopmentStrategy",
        "code": "test-plan-2568",
        "name_th": "แผนทดสอบ",
        "name_en": "Test plan",
        "start_year_be": "๒๕๖๘",
        "end_year_be": "2570",
    },
    {
        "part_type": "Strategy",
        "code": "tp-s1",
        "parent": "test-plan-2568",
        "notation": "1",
        "name_th": "ยุทธศาสตร์ที่ 1",
        "name_en": "Strategy 1",
        "agencies": "OPDC",
    },
    {
        "part_type": "Goal",
        "code": "tp-s1-g1",
        "parent": "strategy/tp-s1",
        "name_th": "เป้าหมาย",
        "name_en": "Goal",
    },
    {
        "part_type": "Indicator",
        "code": "tp-s1-g1-1",
        "parent": "tp-s1-g1",
        "name_th": "ร้อยละของบริการดิจิทัล",
        "name_en": "Share of digital services",
        "unit": "ร้อยละ",
    },
    {
        "part_type": "Target",
        "code": "tp-s1-g1-1-2568",
        "parent": "indicator/tp-s1-g1-1",
        "year_be": "2568",
        "name_th": "ค่าเป้าหมายปี 2568",
        "name_en": "Target for 2568",
        "comparator": ">=",
        "value": "80",
        "unit": "percent",
    },
    {
        "part_type": "Target",
        "code": "tp-s1-g1-1-2569",
        "parent": "indicator/tp-s1-g1-1",
        "year_be": "2569",
        "name_th": "ค่าเป้าหมายปี 2569",
        "name_en": "Target for 2569",
        "comparator": "atLeast",
        "value": "90",
        "unit": "unitPercent",
    },
]


def statements(path: Path) -> Graph:
    """The curated Turtle an import wrote."""
    return Graph().parse(path, format="turtle")


def test_a_new_plan_and_its_parts_from_one_sheet_issue16(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = write_sheet(tmp_path / "plan.xlsx", [{**r, **SOURCE} for r in PLAN], keys=PLAN_KEYS)
    book = openpyxl.load_workbook(sheet)
    book.active.title = "plans"
    book.save(sheet)
    code, out, err = run(capsys, "import", str(sheet), "--kind", "plans", "--data", str(data_dir))
    assert code == 0, err
    assert f"+ added: {ID}target/tp-s1-g1-1-2569" in out and "6 changes (6 added" in out
    g = statements(data_dir / "imports" / "plan.ttl")
    plan, strategy, goal = (
        URIRef(ID + p) for p in ("plan/test-plan-2568", "strategy/tp-s1", "goal/tp-s1-g1")
    )
    indicator, target = URIRef(ID + "indicator/tp-s1-g1-1"), URIRef(ID + "target/tp-s1-g1-1-2568")
    assert (strategy, URIRef(TP + "partOf"), plan) in g and (goal, URIRef(TP + "partOf"), strategy) in g
    # Every part sits in the plan's scheme, found up the sheet's chain; a target hangs under its indicator.
    assert {o for o in g.objects(indicator, URIRef("http://www.w3.org/2004/02/skos/core#inScheme"))} == {plan}
    assert (goal, URIRef(TP + "hasIndicator"), indicator) in g and (
        indicator,
        URIRef(TP + "partOf"),
        goal,
    ) in g
    assert (target, URIRef(TP + "indicator"), indicator) in g and (
        indicator,
        URIRef(TP + "hasTarget"),
        target,
    ) in g
    assert (target, URIRef(TP + "comparator"), URIRef(TP + "atLeast")) in g
    assert (target, URIRef(TP + "unit"), URIRef(TP + "unitPercent")) in g
    # B.E. shown, C.E. stored beside it; Thai digits read.
    assert (plan, URIRef(TP + "startYearBE"), Literal(2568)) in g
    assert str(g.value(plan, URIRef(TP + "startYear"))) == "2025"
    assert (strategy, URIRef(TP + "responsibleAgency"), URIRef(ID + "agency/opdc")) in g

    # Results of the new indicator, rated against its targets: an observation and its assessment.
    results = [
        {
            "indicator": "indicator/tp-s1-g1-1",
            "year_be": "2568",
            "value": "82.5",
            "unit": "ร้อยละ",
            "status": "green",
            "target_year_be": "2568",
            "observation_source": "สพร.",
            **SOURCE,
        },
        {
            "indicator": "indicator/tp-s1-g1-1",
            "year_be": "2568",
            "value": "82.5",
            "unit": "ร้อยละ",
            "status": "yellow",
            "target_year_be": "2569",
            "assessment_year_be": "2568",
            **SOURCE,
        },
    ]
    sheet = write_sheet(tmp_path / "results.csv", results, keys=RESULT_KEYS)
    code, out, err = run(capsys, "import", str(sheet), "--kind", "results", "--data", str(data_dir))
    assert code == 0, err
    g = statements(data_dir / "imports" / "results.ttl")
    observation = URIRef(ID + "observation/tp-s1-g1-1-2568")
    assessment = URIRef(ID + "assessment/tp-s1-g1-1-2569")
    assert (observation, URIRef(TP + "indicator"), indicator) in g
    assert (indicator, URIRef(TP + "hasObservation"), observation) in g
    assert (assessment, URIRef(TP + "assesses"), URIRef(ID + "target/tp-s1-g1-1-2569")) in g
    assert (assessment, URIRef(TP + "observation"), observation) in g
    assert (assessment, URIRef(TP + "status"), URIRef(TP + "statusNearTarget")) in g
    assert (assessment, URIRef(TP + "yearBE"), Literal(2568)) in g
    assert (observation, URIRef(TP + "observationSource"), URIRef(ID + "agency/dga")) in g

    # A row deleted since the last import of the same file is shown as removed.
    write_sheet(tmp_path / "plan.csv", [{**r, **SOURCE} for r in PLAN[:-1]], keys=PLAN_KEYS)
    code, out, err = run(
        capsys, "import", str(tmp_path / "plan.csv"), "--kind", "plans", "--data", str(data_dir), "--dry-run"
    )
    assert code == 0, err
    assert (
        f"- removed: {ID}target/tp-s1-g1-1-2569" in out
        and "tp:hasTarget: " in out
        and "(0 added, 1 changed, 1 removed)" in out
    )


def test_plan_rows_that_cannot_hang_are_named_issue16(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        *PLAN[:4],
        {
            "part_type": "Target",
            "code": "bad-1",
            "parent": "goal/tp-s1-g1",
            "name_th": "ก",
            "name_en": "a",
        },  # row 6
        {"part_type": "Goal", "code": "bad-2", "parent": "NOPE-99", "name_th": "ข", "name_en": "b"},  # row 7
        {"part_type": "Plan", "code": "bad-3", "parent": "tp-s1", "name_th": "ค", "name_en": "c"},  # row 8
        {"part_type": "Chapter", "code": "bad-4", "name_th": "ง", "name_en": "d"},  # row 9
        {"part_type": "Indicator", "code": "tp-s1-g1-1", "parent": "tp-s1-g1", "name_th": "จ"},  # row 10
        {"part_type": "Goal", "code": "bad-5", "name_th": "ฉ", "name_en": "f"},  # row 11: no parent, no plan
        {
            "part_type": "Goal",
            "code": "bad-6",
            "parent": "tp-s1",
            "value": "หนึ่ง",
            "name_th": "ช",
            "name_en": "g",
        },
    ]
    sheet = write_sheet(tmp_path / "bad-plan.csv", [{**r, **SOURCE} for r in rows], keys=PLAN_KEYS)
    code, _, err = run(capsys, "import", str(sheet), "--kind", "plans", "--data", str(data_dir))
    assert code == 1
    lines = err.splitlines()

    def at(row: int, column: str) -> str:
        return next(line for line in lines if f"row {row}, column {column}" in line)

    assert "is not a tp:Indicator" in at(6, "parent")
    assert "not in this sheet" in at(7, "parent")
    assert "a plan has no parent" in at(8, "parent")
    assert "not a type of this sheet" in at(9, "part_type")
    assert "duplicate: row 5" in at(10, "code")
    assert "no plan" in at(11, "parent")
    assert "not a number" in at(12, "value")
    assert imports_of(data_dir) == []


def test_result_rows_checked_against_the_indicator_issue16(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = {"indicator": "CR02G01-1", "year_be": "2566", "value": "86", "unit": "ร้อยละ", **SOURCE}
    rows = [
        {**base, "status": "green"},  # row 2: a status needs the year of the target it rates
        {**base, "status": "green", "target_year_be": "2570"},  # row 3: no target for 2570
        {**base, "indicator": "ไม่มีตัวชี้วัดนี้"},  # row 4
        {**base, "unit": "กิโลกรัม"},  # row 5
        {**base, "status": "purple", "target_year_be": "2565"},  # row 6
        {**base, "indicator": "BR0201"},  # row 7: an activity, not an indicator
    ]
    sheet = write_sheet(tmp_path / "bad-results.csv", rows, keys=RESULT_KEYS)
    code, _, err = run(
        capsys, "import", str(sheet), "--kind", "results", "--data", str(data_dir), "--lang", "en"
    )
    assert code == 1
    assert "row 2, column status ('green'): this cell needs target_year_be" in err
    assert "row 3, column target_year_be ('2570')" in err and "has no target for 2570" in err
    assert "row 4, column indicator ('ไม่มีตัวชี้วัดนี้')" in err
    assert "row 5, column unit ('กิโลกรัม'): not a code of tp:UnitScheme" in err
    assert "row 6, column status ('purple')" in err
    assert "row 7, column indicator ('BR0201')" in err
    assert imports_of(data_dir) == []
    # A new result of the curated graph's own indicator: added. Rating its 2565 target again is refused: the
    # reform-plan file has that assessment, with the 2564 result.
    rows = [base, {**base, "year_be": "2567", "status": "yellow", "target_year_be": "2565"}]
    sheet = write_sheet(tmp_path / "results.csv", rows, keys=RESULT_KEYS)
    code, out, err = run(
        capsys, "import", str(sheet), "--kind", "results", "--data", str(data_dir), "--dry-run"
    )
    assert code == 1
    line = next(x for x in err.splitlines() if "row 3, column target_year_be ('2565')" in x)
    assert "assessment/CR02G01-1-2565 is already in the graph" in line and "graph/reform-plan-cr02" in line
    sheet = write_sheet(tmp_path / "results.csv", rows[:1], keys=RESULT_KEYS)
    code, out, err = run(
        capsys, "import", str(sheet), "--kind", "results", "--data", str(data_dir), "--dry-run"
    )
    assert code == 0, err
    assert f"+ added: {ID}observation/CR02G01-1-2566" in out and "1 changes (1 added" in out


def test_the_projects_sheet_indicator_columns_issue16(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    row = {
        **GOOD,
        "indicator_th": "ร้อยละของบริการที่ให้บริการออนไลน์",
        "target_value": "๘๐",
        "target_unit": "ร้อยละ",
        "result_value": "72.5",
    }
    sheet = write_sheet(tmp_path / "p.csv", [row])
    code, out, err = run(capsys, "import", str(sheet), "--data", str(data_dir))
    assert code == 0, err
    for kind in (
        "indicator/project-opdc-P-001",
        "target/project-opdc-P-001-2567",
        "observation/project-opdc-P-001-2567",
    ):
        assert f"+ added: {ID}{kind}" in out
    g = statements(data_dir / "imports" / "p.ttl")
    project, indicator = URIRef(ID + "project/opdc-P-001"), URIRef(ID + "indicator/project-opdc-P-001")
    target, observation = (
        URIRef(ID + "target/project-opdc-P-001-2567"),
        URIRef(ID + "observation/project-opdc-P-001-2567"),
    )
    assert (indicator, URIRef(TP + "partOf"), project) in g and (
        project,
        URIRef(TP + "hasIndicator"),
        indicator,
    ) in g
    assert (target, URIRef(TP + "fiscalYear"), URIRef(ID + "fiscal-year/2567")) in g
    assert float(g.value(target, URIRef(TP + "value"))) == 80.0
    assert float(g.value(observation, URIRef(TP + "value"))) == 72.5
    assert (observation, URIRef(TP + "unit"), URIRef(TP + "unitPercent")) in g
    # Named in both languages: the English name is the row's when given, else says whose indicator it is.
    assert Literal("Indicator of project P-001", lang="en") in set(g.objects(indicator, None))
    code, out, _ = run(capsys, "import", str(sheet), "--data", str(data_dir))
    assert code == 0 and "0 changes" in out


def test_export_of_the_shipped_graph_imports_as_zero_changes_issue16(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workbook = tmp_path / "curated.xlsx"
    code, out, err = run(capsys, "export", str(workbook), "--data", str(data_dir))
    assert code == 0, err
    book = openpyxl.load_workbook(workbook)
    assert [c.value for c in book["plans"][2]] == PLAN_KEYS and book["plans"].row_dimensions[2].hidden
    assert book["plans"].max_row > 100 and book["agencies"].max_row > 40 and book["results"].max_row > 8
    for kind in ("plans", "agencies", "results"):
        code, out, err = run(
            capsys, "import", str(workbook), "--kind", kind, "--data", str(data_dir), "--dry-run"
        )
        assert code == 0, err
        assert "0 changes (0 added, 0 changed, 0 removed)" in out and "unchanged, already in the graph" in out
    # Not a dry run: nothing to write (every row restates the curated graph).
    code, out, _ = run(capsys, "import", str(workbook), "--kind", "plans", "--data", str(data_dir))
    assert code == 0 and "wrote" not in out and imports_of(data_dir) == []
    # One kind as CSV round-trips the same way.
    plans_csv = tmp_path / "plans.csv"
    assert run(capsys, "export", str(plans_csv), "--kind", "plans", "--data", str(data_dir))[0] == 0
    code, out, err = run(
        capsys, "import", str(plans_csv), "--kind", "plans", "--data", str(data_dir), "--dry-run"
    )
    assert code == 0 and "0 changes" in out, err
    # A value edited in the export is refused by row, old → new, naming the curated file to change.
    with plans_csv.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.DictReader(stream))
    edited = next(i for i, r in enumerate(rows) if r["code"] == "CR02G01")
    rows[edited]["name_en"] = "Edited name"
    with plans_csv.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=PLAN_KEYS)
        writer.writeheader()
        writer.writerows(rows)
    code, _, err = run(
        capsys, "import", str(plans_csv), "--kind", "plans", "--data", str(data_dir), "--dry-run"
    )
    assert code == 1
    line = next(x for x in err.splitlines() if f"row {edited + 2}, column code ('CR02G01')" in x)
    assert "graph/reform-plan-cr02" in line and "Edited name" in line and "→" in line


def test_a_csv_export_needs_one_kind_issue16(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "export", str(tmp_path / "all.csv"))
    assert code == 2 and "a CSV file holds one kind" in err
    code, _, err = run(capsys, "export", str(tmp_path / "all.ods"))
    assert code == 2 and "export writes .xlsx" in err


def test_planners_views_show_an_imported_project_issue16(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from thaiplan.config import Config
    from thaiplan.server import create_app

    rows = [
        {**GOOD, "aligned_to": "CR02G01", "budget_baht": "1,000,000"},
        {
            **GOOD,
            "project_code": "P-002",
            "aligned_to": "CR02G01",
            "budget_baht": "250,000.50",
            "name_th": "โครงการที่สองของสำนักงาน",
            "name_en": "The office's second project",
        },
    ]
    sheet = write_sheet(tmp_path / "office.csv", rows)
    assert run(capsys, "import", str(sheet), "--data", str(data_dir))[0] == 0
    store = tmp_path / "store"
    assert run(capsys, "build", "--store", str(store), "--data", str(data_dir))[0] == 0
    app = create_app(Config(store_dir=store, workers=1))
    app.testing = True
    project = f"{ID}project/opdc-P-001"
    try:
        client = app.test_client()
        page = client.get(f"/trace?entity={project}&lang=en")
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert "Agency digital service development project" in text
        assert f"{ID}plan/national-strategy" in text or "/id/plan/national-strategy" in text
        api = client.get("/api/queries/agency-portfolio?agency=OPDC", headers={"Accept": "application/json"})
        assert api.status_code == 200
        items = {b["item"]["value"] for b in api.get_json()["results"]["bindings"]}
        assert {project, f"{ID}project/opdc-P-002"} <= items
        portfolio = client.get("/agency?agency=OPDC&lang=en").get_data(as_text=True)
        assert "The office&#39;s second project" in portfolio or "The office's second project" in portfolio
        query = (Path(__file__).parent / "data" / "import" / "budget-per-part.rq").read_text(encoding="utf-8")
        answer = client.post(
            "/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"}
        )
        assert answer.status_code == 200
        rolled = [
            b
            for b in json.loads(answer.get_data())["results"]["bindings"]
            if b["part"]["value"] == f"{ID}goal/CR02G01"
        ]
        assert len(rolled) == 1 and float(rolled[0]["total"]["value"]) == 1_250_000.5
        assert rolled[0]["projects"]["value"] == "2" and rolled[0]["fiscalYear"]["value"].endswith("/2567")
    finally:
        app.extensions["thaiplan_pool"].close()


def test_check_then_commit_for_a_caller_that_shows_the_report_first_issue16(
    tmp_path: Path, data_dir: Path
) -> None:
    from thaiplan.graph.imports.importer import ImportFailed, Options, check_import, commit_import

    bad = write_sheet(tmp_path / "bad.csv", [{**GOOD, "budget_baht": "หนึ่งล้าน"}])
    checked = check_import(Options(bad, data_dir=data_dir))
    assert [(p.row, p.column) for p in checked.problems] == [(2, "budget_baht")]
    with pytest.raises(ImportFailed):
        commit_import(checked)
    assert imports_of(data_dir) == []
    good = write_sheet(tmp_path / "good.csv", [GOOD])
    checked = check_import(Options(good, data_dir=data_dir, by="steward-b"))
    assert not checked.problems and checked.writes() and f"{ID}project/opdc-P-001" in checked.changes.added
    assert imports_of(data_dir) == []  # checking writes nothing
    assert commit_import(checked) is True
    assert imports_of(data_dir) == ["good.csv", "good.ttl"]
    again = check_import(Options(good, data_dir=data_dir))
    assert again.changes.count() == 0 and not again.writes() and commit_import(again) is False


def test_the_template_has_every_kind_with_its_lists_issue16(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "template.xlsx"
    assert run(capsys, "template", "-o", str(target))[0] == 0
    book = openpyxl.load_workbook(target)
    plans, results = book["plans"], book["results"]
    assert [c.value for c in plans[2]] == PLAN_KEYS and [c.value for c in results[2]] == RESULT_KEYS
    assert plans["A1"].value == "ประเภท / Type" and plans.row_dimensions[2].hidden
    lists = {
        str(rule.sqref).split(":")[0]: rule.formula1.split("!")[1]
        for rule in plans.data_validations.dataValidation
    }

    def listed(key: str) -> set[str]:
        letter = openpyxl.utils.get_column_letter(PLAN_KEYS.index(key) + 1)
        column = lists[f"{letter}3"].split(":")[0].strip("$").rstrip("$1").replace("$", "")
        return {c.value for c in book["lists"][column] if c.value}

    assert {"Strategy", "Goal", "Indicator", "Target", "FlagshipProject"} <= listed("part_type")
    assert {">=", "<=", "rank<="} <= listed("comparator")
    readme = [row for row in book["README"].iter_rows(min_row=2, values_only=True) if row[0] == "results"]
    assert [row[1] for row in readme] == RESULT_KEYS
    assert any("needs target_year_be" in (row[5] or "") for row in readme)


def test_two_rows_giving_one_result_two_values_are_refused_issue16(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Two ratings of one result share its observation; they must agree on it.
    base = {"indicator": "CR02G02-1", "year_be": "2566", "value": "55", "unit": "rank", **SOURCE}
    rows = [base, {**base, "value": "56"}]
    rows[1]["year_be"] = "2566"
    sheet = write_sheet(
        tmp_path / "r.csv",
        [rows[0], {**rows[1], "status": "green", "target_year_be": "2565"}],
        keys=RESULT_KEYS,
    )
    code, _, err = run(
        capsys, "import", str(sheet), "--kind", "results", "--data", str(data_dir), "--dry-run"
    )
    assert code == 1
    assert f"{ID}observation/CR02G02-1-2566 is also made by row 2, with other values (tp:value: 56)" in err
