"""XLSX and CSV downloads of the planners' tables and the named queries, over the real curated graph (#17).

The files are opened as a planner's spreadsheet would open them: the XLSX with openpyxl (cell types,
hyperlinks, frozen header, widths), the CSV with Python's csv reader after checking its BOM and quoting.
"""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date

import openpyxl
import pytest
from flask.testing import FlaskClient

from tests import test_pages_support as support
from tests.test_pages_support import BROWSER, ID
from thaiplan.server.tables import Link, Table, write_csv, write_xlsx

store_dir, app, client = support.store_dir, support.app, support.client
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def get(client: FlaskClient, url: str, lang: str = "th"):
    """GET as a browser in the given interface language."""
    return client.get(url, headers={**BROWSER, "Accept-Language": lang})


def workbook(response) -> openpyxl.Workbook:
    """The response's body opened as a workbook."""
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.content_type == XLSX
    return openpyxl.load_workbook(io.BytesIO(response.data))


def table(sheet) -> list[dict[str, object]]:
    """A sheet's rows as dicts by header."""
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)]


def test_trace_xlsx_has_a_sheet_per_table_thai_headers_links_and_a_frozen_header_issue17(client) -> None:
    response = get(client, "/trace?entity=BR0203&format=xlsx")
    book = workbook(response)
    today = date.today().isoformat()
    assert response.headers["Content-Disposition"] == f'attachment; filename="trace-BR0203-{today}.xlsx"'
    assert book.sheetnames == ["สิ่งที่สนับสนุน", "สิ่งที่สนับสนุนรายการนี้"]
    up = book["สิ่งที่สนับสนุน"]
    assert [c.value for c in up[1]][:3] == ["ระดับ", "รหัส", "ชื่อ"]
    assert all(c.font.bold for c in up[1])
    assert up.freeze_panes == "A2"
    cells = {r["รหัส"].value: r for r in table(up)}
    plan = cells["CR02"]
    assert plan["ชื่อ"].value == "แผนการปฏิรูปประเทศ (ฉบับปรับปรุง) ด้านการบริหารราชการแผ่นดิน"  # Thai intact
    assert plan["ระดับ"].value == 1 and plan["ระดับ"].data_type == "n"  # a number, not text
    iri = plan["IRI"]
    assert iri.value == ID + "plan/reform-plan-cr02"
    assert iri.hyperlink is not None and iri.hyperlink.target.endswith("/id/plan/reform-plan-cr02")
    # The widths fit the longest cell of a column (capped), the name column wider than the depth column.
    widths = {c.value: up.column_dimensions[c.column_letter].width for c in up[1]}
    assert widths["ชื่อ"] > widths["ระดับ"] >= 8
    assert any(r["ระดับ"].value >= 2 for r in table(up))  # up to the National Strategy


def test_indicator_xlsx_keeps_numbers_and_shows_years_in_the_interface_era_issue17(client) -> None:
    book = workbook(get(client, "/indicator?indicator=CR02G01-1&format=xlsx", "th"))
    rows = table(book.active)
    observed = [r for r in rows if r["ผลที่เกิดขึ้นจริง"].value is not None]
    row = next(r for r in observed if r["ปี (พ.ศ.)"].value == 2564)
    assert row["ผลที่เกิดขึ้นจริง"].value == pytest.approx(84.81) and row["ผลที่เกิดขึ้นจริง"].data_type == "n"
    assert row["ค่าเป้าหมาย"].value == 85 and row["ค่าเป้าหมาย"].data_type == "n"
    assert row["ปี (ค.ศ.)"].value == 2021
    headers = [c.value for c in book.active[1]]
    assert headers.index("ปี (พ.ศ.)") < headers.index("ปี (ค.ศ.)")  # B.E. first in Thai

    english = workbook(get(client, "/indicator?indicator=CR02G01-1&format=xlsx&lang=en", "en"))
    headers = [c.value for c in english.active[1]]
    assert headers.index("Year (CE)") < headers.index("Year (B.E.)")  # CE first in English
    row = next(r for r in table(english.active) if r["Year (CE)"].value == 2021 and r["Observed"].value)
    assert row["Year (B.E.)"].value == 2564 and row["Indicator"].value.startswith("Level of satisfaction")


def test_csv_is_utf8_with_bom_crlf_and_rfc4180_quoting_issue17(client) -> None:
    response = get(client, "/search?q=One%20Stop%20Service&format=csv&lang=en", "en")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="search-One-Stop-Service-'
    )
    body = response.data
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads the file as UTF-8
    text = body.decode("utf-8-sig")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    label = "One Stop Service (OSS): a data hub for citizens, businesses and foreigners"
    assert f'"{label}' in text  # a field with commas is quoted
    parsed = list(csv.DictReader(io.StringIO(text, newline="")))
    assert any(r["Name"].startswith(label) for r in parsed)
    assert parsed[0]["Rank"] == "1"

    thai = get(client, "/trace?entity=BR0203&format=csv&lang=th", "th").data.decode("utf-8-sig")
    parsed = list(csv.DictReader(io.StringIO(thai, newline="")))
    assert {r["ตาราง"] for r in parsed} == {"สิ่งที่สนับสนุน", "สิ่งที่สนับสนุนรายการนี้"}  # two tables, one file
    assert any(r["ชื่อ"] == "แผนการปฏิรูปประเทศ (ฉบับปรับปรุง) ด้านการบริหารราชการแผ่นดิน" for r in parsed)


def test_quotes_inside_fields_are_doubled_and_formulas_never_run_issue17() -> None:
    tables = [Table("t", ["a", "b", "c"], [['say "hi", then', "=HYPERLINK(1)", -3]])]
    text = write_csv(tables).decode("utf-8-sig")
    assert text == 'a,b,c\r\n"say ""hi"", then",\'=HYPERLINK(1),-3\r\n'
    book = openpyxl.load_workbook(io.BytesIO(write_xlsx(tables)))
    cells = [c for c in book.active[2]]
    assert cells[1].value == "=HYPERLINK(1)" and cells[1].data_type == "s"  # text, not a formula
    assert cells[2].value == -3 and cells[2].data_type == "n"
    bell = openpyxl.load_workbook(io.BytesIO(write_xlsx([Table("t\x07", ["x"], [["a\x00b\x1bc"]])])))
    assert bell.active["A2"].value == "a\ufffdb\ufffdc"  # control characters XML forbids, shown, not lost
    linked = openpyxl.load_workbook(io.BytesIO(write_xlsx([Table("t", ["x"], [[Link("i", "http://h/i")]])])))
    assert linked.active["A2"].hyperlink.target == "http://h/i"


@pytest.mark.parametrize(
    "url",
    [
        "/agency?agency=opdc&format=xlsx",
        "/gaps?format=xlsx",
        f"/gaps?plan={ID}plan/reform-plan-cr02&format=xlsx",
        "/search?q=ยืนยันตัวตน&format=xlsx",
        "/indicator?indicator=ความพึงพอใจ&format=xlsx",
    ],
)
def test_every_view_downloads_its_table_issue17(client, url) -> None:
    response = get(client, url)
    book = workbook(response)
    name = re.escape(url.split("?")[0].strip("/"))
    assert re.match(
        rf'attachment; filename="{name}[^"]*-\d{{4}}-\d\d-\d\d\.xlsx"',
        response.headers["Content-Disposition"],
    )
    rows = table(book.active)
    assert rows, url
    links = [c for r in rows for c in r.values() if c.hyperlink is not None]
    assert links and all(c.value.startswith(ID) for c in links)


def test_gaps_of_one_plan_name_the_plan_in_the_file_issue17(client) -> None:
    response = get(client, f"/gaps?plan={ID}plan/reform-plan-cr02&format=csv")
    assert 'filename="gaps-reform-plan-cr02-' in response.headers["Content-Disposition"]


BAD_VIEW_REQUESTS = [
    ("/trace?format=xlsx", 400, "parameter 'entity': required"),
    ("/trace?entity=BR0203&format=docx", 400, "parameter 'format'"),
    ("/agency?format=csv", 400, "parameter 'agency': required"),
    ("/indicator?format=csv", 400, "parameter 'indicator': required"),
    ("/search?format=xlsx", 400, "parameter 'q': required"),
    ("/trace?entity=NO-SUCH-THING-XYZ&format=xlsx", 404, "NO-SUCH-THING-XYZ"),
]


def test_bad_parameters_get_the_views_error_page_issue17(client) -> None:
    for url, status, message in BAD_VIEW_REQUESTS:
        response = get(client, url)
        assert response.status_code == status and response.mimetype == "text/html", url
        assert message in html.unescape(response.get_data(as_text=True)), url
        assert "Content-Disposition" not in response.headers


def test_named_queries_download_as_xlsx_and_csv_issue17(client) -> None:
    response = client.get("/api/queries/indicator-series?indicator=CR02G01-1&format=xlsx")
    book = workbook(response)
    assert re.match(
        r'attachment; filename="indicator-series-CR02G01-1-', response.headers["Content-Disposition"]
    )
    headers = [c.value for c in book.active[1]]
    assert "indicatorIri" not in headers and "indicatorKey" not in headers  # helper variables left out
    rows = table(book.active)
    row = next(r for r in rows if r["observedValue"].value and r["yearBE"].value == 2564)
    assert row["observedValue"].value == pytest.approx(84.81) and row["yearCE"].value == 2021
    assert row["ind"].hyperlink is not None

    text = client.get("/api/queries/search?q=ยืนยันตัวตน&format=csv").data
    assert text.startswith(b"\xef\xbb\xbf")
    parsed = list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"), newline="")))
    assert parsed and all(r["entity"].startswith(ID) for r in parsed) and "qKey" not in parsed[0]
    # Accept: text/csv without format= still gets the W3C SPARQL CSV results (no BOM), as before.
    plain = client.get("/api/queries/search?q=ยืนยันตัวตน", headers={"Accept": "text/csv"})
    assert plain.mimetype == "text/csv" and not plain.data.startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize(
    ("url", "status", "param"),
    [
        ("/api/queries/trace-up?format=xlsx", 400, "entity"),
        ("/api/queries/trace-up?entity=BR0201&maxDepth=abc&format=csv", 400, "maxDepth"),
        ("/api/queries/trace-up?entity=NO-SUCH-XYZ&format=xlsx", 404, "entity"),
    ],
)
def test_named_query_downloads_answer_bad_parameters_as_json_issue17(client, url, status, param) -> None:
    response = client.get(url)
    assert response.status_code == status and response.get_json()["parameter"] == param
    assert client.get("/api/queries/no-such-query?format=xlsx").status_code == 404


@pytest.mark.parametrize(
    ("url", "lang", "word"),
    [
        ("/trace?entity=BR0203", "th", "ดาวน์โหลดข้อมูล"),
        ("/trace?entity=BR0203", "en", "Download as"),
        ("/agency?agency=opdc", "th", "ดาวน์โหลดข้อมูล"),
        ("/gaps", "en", "Download as"),
        ("/search?q=ยืนยันตัวตน", "th", "ดาวน์โหลดข้อมูล"),
        ("/indicator?indicator=ความพึงพอใจ", "en", "Download as"),
    ],
)
def test_each_view_shows_download_links_in_its_language_issue17(client, url, lang, word) -> None:
    response = get(client, url + f"&lang={lang}" if "?" in url else url + f"?lang={lang}", lang)
    page = response.get_data(as_text=True)
    links = re.findall(r'<a class="download download-(xlsx|csv)" href="([^"]+)"', page)
    assert word in page and {fmt for fmt, _ in links} == {"xlsx", "csv"}
    for fmt, href in links:
        assert get(client, html.unescape(href), lang).status_code == 200, href
        assert f"format={fmt}" in href


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory: pytest.TempPathFactory):
    """A client of an app over the hostile graph of tests/data/hostile (markup, bidi, mark floods)."""
    from pathlib import Path

    from thaiplan.config import Config
    from thaiplan.graph.build.pipeline import build
    from thaiplan.server import create_app

    store = tmp_path_factory.mktemp("hostile-downloads") / "store"
    build(Config(store_dir=store), Path(__file__).resolve().parent / "data" / "hostile", out=lambda _: None)
    application = create_app(Config(store_dir=store, workers=1))
    application.testing = True
    try:
        yield application.test_client()
    finally:
        application.extensions["thaiplan_pool"].close()


def test_hostile_data_downloads_as_text_never_as_markup_or_formulas_issue17(hostile_client) -> None:
    script = "<script>window.__pwned=1</script>"
    for url in (
        f"/trace?entity={ID}activity/HOSTILE01",
        f"/agency?agency={ID}agency/hostile",
        f"/indicator?indicator={ID}indicator/hostile-1",
        "/search?q=window",
        "/gaps",
    ):
        book = workbook(get(hostile_client, url + "&format=xlsx" if "?" in url else url + "?format=xlsx"))
        cells = [c for sheet in book for row in sheet.iter_rows() for c in row]
        assert all(c.data_type in ("s", "n", "b") for c in cells), url  # no formula cell
        text = get(hostile_client, url + ("&" if "?" in url else "?") + "format=csv").data.decode("utf-8-sig")
        assert next(csv.reader(io.StringIO(text, newline="")))  # a well-formed header row
        if "search" in url or "HOSTILE01" in url:
            assert any(script in str(c.value) for c in cells), url  # the data's text as written
