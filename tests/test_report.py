"""The printable progress report, HTML and PDF, over the real curated graph and a synthetic plan (#17).

The PDF is made by the real renderer (Debian's Chromium), then read with poppler's tools as a reader's
PDF viewer would: `pdftotext` for its figures and Thai text, `pdffonts` for the embedded Thai font,
`pdftoppm` for page images (kept in tests/artifacts/ to look at, and checked not to be blank).
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests import test_pages_support as support
from tests.test_pages_support import BROWSER
from thaiplan.cli import main as thaiplan_main
from thaiplan.config import Config
from thaiplan.graph.build.pipeline import build
from thaiplan.server import create_app

store_dir, app, client = support.store_dir, support.app, support.client
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
POPPLER = all(shutil.which(tool) for tool in ("pdftotext", "pdftoppm", "pdffonts", "pdfinfo"))
needs_pdf_tools = pytest.mark.skipif(
    not (POPPLER and shutil.which("chromium")),
    reason="needs Debian's chromium and poppler-utils (scripts/setup --test installs them)",
)


def get(client: FlaskClient, url: str, lang: str = "th"):
    """GET as a browser in the given interface language."""
    return client.get(url, headers={**BROWSER, "Accept-Language": lang})


def pdf_text(path: Path, first: int | None = None, last: int | None = None) -> str:
    """The text of a PDF (or of some of its pages) as poppler's pdftotext reads it."""
    pages = [*(["-f", str(first)] if first else []), *(["-l", str(last)] if last else [])]
    command = ["pdftotext", "-layout", *pages, str(path), "-"]
    return subprocess.run(command, capture_output=True, check=True, text=True).stdout


def page_count(path: Path) -> int:
    """How many pages the PDF has (pdfinfo)."""
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))  # type: ignore[union-attr]


def gray_pages(path: Path, out: Path, dpi: int = 40) -> list[list[int]]:
    """Each page as grey pixel values (pdftoppm's PGM), and PNGs of the pages in `out` to look at."""
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(out)], check=True)
    prefix = path.with_name(path.stem + "-gray")  # beside the PDF (a temporary folder)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", str(path), str(prefix)], check=True)
    pages = []
    for pgm in sorted(prefix.parent.glob(prefix.name + "-*.pgm")):
        data = pgm.read_bytes()
        parts = data.split(maxsplit=4)  # P5, width, height, maxval, pixels
        pages.append(list(parts[4]))
    return pages


def variance(pixels: list[int]) -> float:
    """The variance of a page's grey values (0 for a blank page)."""
    mean = sum(pixels) / len(pixels)
    return sum((p - mean) ** 2 for p in pixels) / len(pixels)


def test_report_html_has_goals_figures_status_colours_agencies_and_sources_issue17(client) -> None:
    response = get(client, "/report/reform-plan-cr02?lang=th")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = html.unescape(response.get_data(as_text=True))
    assert '<html lang="th">' in page
    # The goals' and activities' codes, and the indicator by its name: since issue 15 (5ba5267) the
    # plan gives the indicator no code ("CR02G01-1" is the project's hidden key, not shown as a code).
    for text in ("CR02G01", "CR02G02", "ระดับความพึงพอใจในคุณภาพการให้บริการของภาครัฐ", "BR0201", "BR0205"):
        assert text in page, text
    # The satisfaction indicator: 2564 target and result, rated yellow (near the target), in B.E.
    summary = page[page.index('id="summary-table"') : page.index('id="work"')]
    row = next(r for r in summary.split("<tr") if "84.81" in r)
    assert "พ.ศ. 2564" in row and "ไม่น้อยกว่าร้อยละ 85" in row and "s-yellow" in row
    assert "สำนักงานคณะกรรมการพัฒนาระบบราชการ" in page  # a lead agency (OPDC) of the activities
    # Footnotes: numbered, each linked to its passage in the source reader.
    notes = re.findall(r'<li id="fn-(\d+)"[^>]*>«([^»]*)».*?href="([^"]+)"', page)
    assert notes and [int(n) for n, _, _ in notes] == list(range(1, len(notes) + 1))
    quote = next((q, h) for _, q, h in notes if "84.81" in q)
    assert quote[1].endswith("/source/reform-plan-cr02#reform-plan-cr02-19")
    marks = re.findall(r'<a href="#fn-(\d+)">', page)
    assert {int(m) for m in marks} == set(range(1, len(notes) + 1))  # every footnote is cited


def milestone_item(html_text: str, label: str) -> str:
    """The list item of the milestone named `label` in a part of the activities table."""
    items = (li.split("</li>")[0] for li in html_text.split('<li class="milestone')[1:])
    return next(li for li in items if label in li)


def test_report_shows_each_activitys_progress_reports_and_dated_milestones_issue17(client) -> None:
    # Issue 15 moved the activities' outputs into tp:ProgressReport / tp:Milestone nodes; the report
    # lists them under their activity (issue 17: "activities with their lead agencies, progress and
    # milestones"), the Revenue Department's digital ID with the date the source gives, 18 March 2564.
    page = html.unescape(get(client, "/report/reform-plan-cr02?lang=th").get_data(as_text=True))
    row = next(r for r in page.split("<tr") if ">BR0201<" in r)
    assert "เป็นไปตามแผน" in row  # the progress report's status: on schedule
    item = milestone_item(row, "กรมสรรพากร")
    assert "18 มีนาคม 2564" in item and 'datetime="2021-03-18"' in item and "ดำเนินการแล้วเสร็จ" in item
    assert re.search(r'<a href="#fn-\d+">', item)  # cited: its passage is a footnote
    assert "วันที่ 18 มีนาคม 2564" in page[page.index('id="sources"') :]  # the quote behind it
    assert row.count('<li class="milestone') == 8  # BR0201's eight outputs of 2564
    english = html.unescape(get(client, "/report/reform-plan-cr02?lang=en", "en").get_data(as_text=True))
    item = milestone_item(english[english.index('id="work-table"') :], "Revenue Department")
    assert "18 March 2021" in item and "2564" not in item and "completed" in item


def test_report_in_english_shows_common_era_years_issue17(client) -> None:
    page = html.unescape(get(client, "/report/reform-plan-cr02?lang=en", "en").get_data(as_text=True))
    assert '<html lang="en">' in page and "Summary of achievement" in page
    summary = page[page.index('id="summary-table"') : page.index('id="work"')]
    row = next(r for r in summary.split("<tr") if "84.81" in r)
    assert ">2021<" in row and "at least 85 percent" in row
    assert "2564" not in row


def test_unknown_plan_is_a_404_page_issue17(client) -> None:
    unknown = ["/report/no-such-plan", "/report/no-such-plan.pdf", "/report/..%2F..%2Fetc"]
    unknown.append("/report/goal/CR02G01")  # a goal is no plan
    for url in unknown:
        response = get(client, url + "?lang=en", "en")
        assert response.status_code == 404 and response.mimetype == "text/html", url
        body = html.unescape(response.get_data(as_text=True))
        assert "Traceback" not in body and "There is no plan" in body, url  # says what was not found


@needs_pdf_tools
def test_report_pdf_has_the_figures_in_right_thai_with_an_embedded_font_issue17(client, tmp_path) -> None:
    response = get(client, "/report/reform-plan-cr02.pdf?lang=th")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    pdf = tmp_path / "report-th.pdf"
    pdf.write_bytes(response.data)
    text = pdf_text(pdf)
    lines = text.splitlines()
    at = next(n for n, line in enumerate(lines) if "84.81" in line)
    row = " ".join(lines[max(at - 4, 0) : at + 4]).replace("84.81", "")
    assert "พ.ศ. 2564" in row and re.search(r"\b85\b", row)  # the result beside its target in one table row
    assert "ไม่น้อยกว่าร้อยละ 85" in text
    # Thai as written: sara am and tone marks survive the text layer, no replacement characters.
    assert "ผลการดำเนินงาน" in text and "\ufffd" not in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, check=True, text=True).stdout
    assert re.search(r"Laksaman\s.*\byes\b", fonts), fonts  # the Thai font is embedded
    ARTIFACTS.mkdir(exist_ok=True)
    pages = gray_pages(pdf, ARTIFACTS / "report-th")
    assert len(pages) == page_count(pdf) >= 2
    assert all(variance(p) > 50 for p in pages)  # no blank page
    assert "1 / " in pdf_text(pdf, 1, 1)  # page numbers in the footer


@pytest.fixture(scope="module")
def synth_app(tmp_path_factory: pytest.TempPathFactory):
    """An app over a store of a small synthetic graph: one action plan with 300 projects."""
    folder = tmp_path_factory.mktemp("synth-report")
    data = folder / "data"
    data.mkdir()
    sizes = ["--agencies", "40", "--projects", "300", "--years", "3"]
    assert thaiplan_main(["synth", *sizes, "-o", str(data / "s.nq")]) == 0
    config = Config(store_dir=folder / "store", workers=1, query_timeout=60.0)
    build(config, data, out=lambda _: None)
    application: Flask = create_app(config)
    application.testing = True
    try:
        yield application
    finally:
        application.extensions["thaiplan_pool"].close()


@needs_pdf_tools
def test_report_of_a_plan_with_hundreds_of_items_repeats_table_headers_on_each_page_issue17(
    synth_app, tmp_path
) -> None:
    client = synth_app.test_client()
    page = get(client, "/report/synth/plan/ap-d0001?lang=th").get_data(as_text=True)
    work = page[page.index('id="work-table"') :]
    assert len(re.findall(r'<td class="code">P\d{6}</td>', work)) == 300  # every project, once
    response = get(client, "/report/synth/plan/ap-d0001.pdf?lang=th")
    assert response.status_code == 200, response.get_data(as_text=True)[-400:]
    pdf = tmp_path / "synth.pdf"
    pdf.write_bytes(response.data)
    pages = page_count(pdf)
    assert pages >= 10
    header = re.compile(r"รหัส\s+รายการ\s+หน่วยงานหลัก\s+ความก้าวหน้า")  # the activities table's header row
    summary = re.compile(r"ตัวชี้วัด\s+ปี\s+ค่าเป้\s?าหมาย")  # the summary table's (pdftotext spaces a mark)
    texts = [pdf_text(pdf, n, n) for n in range(1, pages + 1)]
    row_start = re.compile(r"^\s*P\d{6}\s", re.MULTILINE)  # a table row starts with a project's code
    with_rows = [t for t in texts if row_start.search(t)]
    assert len(with_rows) >= 3
    assert all(header.search(t) or summary.search(t) for t in with_rows)  # every page of rows has its header
    assert sum(1 for t in texts if header.search(t)) >= 3
    codes = {c.strip() for t in texts for c in row_start.findall(t)}
    assert len(codes) == 300
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "2", "-l", "3", str(pdf), str(ARTIFACTS / "synth")])
