"""The stewards' `/import` page in a real headless Chromium against `thaiplan serve` (issue 16).

A steward's XLSX file (written with openpyxl) is chosen in the file input and sent: first a file with a
bad cell (the report names it), then a good one (the change preview), confirmed with the token; once the
server has rebuilt and switched, the imported project's `/id/…` page and its trace up to the National
Strategy are read in the same browser. Screenshots go to tests/artifacts/import-*.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from tests import test_browser
from tests.test_browser import CHROMEDRIVER, CHROMIUM, serving, shoot
from tests.test_import_page_issue16 import GOOD, KEYS, PROJECT, TOKEN, fresh_data
from thaiplan.config import Config
from thaiplan.graph.build.pipeline import build

browser = test_browser.browser  # the headless Chromium fixture of the browser tests

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
        reason="needs Debian's chromium and chromium-driver (scripts/setup --test installs them)",
    ),
]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """`thaiplan serve` with the import page on, over a store built from a copy of the data: URL, data."""
    where = tmp_path_factory.mktemp("import-browser")
    data = fresh_data(where / "data")
    build(Config(store_dir=where / "store"), data, out=lambda _: None)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("THAIPLAN_IMPORT_TOKEN", TOKEN)
        env.setenv("THAIPLAN_DATA_DIR", str(data))
        with serving(where / "store", where) as url:
            yield url, data


def workbook(path: Path, rows: list[dict[str, str]]) -> Path:
    """A steward's workbook: a `projects` sheet, the column keys in its first row."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "projects"
    sheet.append(KEYS)
    for row in rows:
        sheet.append([row.get(k, "") for k in KEYS])
    book.save(path)
    return path


def send(driver: object, url: str, path: Path, wait_for: str) -> object:
    """Open the form, fill in the token, choose the file, submit; the element `wait_for` of the answer."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(url + "/import")  # type: ignore[attr-defined]
    driver.find_element(By.ID, "import-token").send_keys(TOKEN)  # type: ignore[attr-defined]
    driver.find_element(By.ID, "import-file").send_keys(str(path))  # type: ignore[attr-defined]
    driver.find_element(By.ID, "import-by").send_keys("ผู้ดูแลข้อมูล")  # type: ignore[attr-defined]
    driver.find_element(By.ID, "import-check").click()  # type: ignore[attr-defined]
    return WebDriverWait(driver, 240).until(lambda d: d.find_element(By.ID, wait_for))


def test_a_steward_uploads_reads_the_report_confirms_and_finds_the_project_issue16(
    served: tuple[str, Path], browser: object, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    url, data = served
    driver = browser
    driver.set_page_load_timeout(300)  # type: ignore[attr-defined]  # a preview and a rebuild take seconds
    driver.get(url + "/import")  # type: ignore[attr-defined]
    assert "นำเข้าข้อมูลจากตารางคำนวณ" in driver.find_element(By.TAG_NAME, "h1").text  # type: ignore[attr-defined]
    assert shoot(driver, "import-form") > 100

    bad = workbook(tmp_path / "projects-browser.xlsx", [{**GOOD, "budget_baht": "หนึ่งล้าน"}])
    report = send(driver, url, bad, "problem-table")
    cells = [td.text for td in report.find_elements(By.CSS_SELECTOR, "tbody tr td")]  # type: ignore[attr-defined]
    assert cells[:5] == ["projects-browser.xlsx", "projects", "2", "budget_baht", "หนึ่งล้าน"]
    assert "ไม่ใช่ตัวเลข" in cells[5]
    assert shoot(driver, "import-problems") > 100
    assert not (data / "imports").exists() or not any((data / "imports").iterdir())

    good = workbook(tmp_path / "projects-browser.xlsx", [GOOD])
    preview = send(driver, url, good, "import-preview")
    assert "เพิ่ม 4" in preview.text and "project/opdc-P-WEB-1" in preview.text  # type: ignore[attr-defined]
    assert shoot(driver, "import-preview") > 100

    form = driver.find_element(By.ID, "confirm-form")  # type: ignore[attr-defined]
    form.find_element(By.NAME, "token").send_keys(TOKEN)
    form.find_element(By.ID, "confirm-button").click()
    done = WebDriverWait(driver, 300).until(lambda d: d.find_element(By.ID, "import-done"))
    assert "นำเข้าเรียบร้อย" in done.text
    assert shoot(driver, "import-done") > 100
    assert sorted(p.name for p in (data / "imports").iterdir()) == [
        "projects-browser.ttl",
        "projects-browser.xlsx",
    ]

    driver.find_element(By.CSS_SELECTOR, f'a.entity-link[href="{PROJECT}"]').click()  # type: ignore[attr-defined]
    WebDriverWait(driver, 60).until(lambda d: PROJECT in d.current_url)
    assert "โครงการนำเข้าผ่านหน้าเว็บ" in driver.find_element(By.TAG_NAME, "h1").text  # type: ignore[attr-defined]
    driver.get(f"{url}/trace?entity=https://w3id.org/thaiplan/id{PROJECT[3:]}")  # type: ignore[attr-defined]
    assert "ยุทธศาสตร์ชาติ" in driver.find_element(By.TAG_NAME, "main").text  # type: ignore[attr-defined]
    # A second version of the same file: the preview shows each changed value, old → new (not confirmed).
    changed = workbook(tmp_path / "projects-browser.xlsx", [{**GOOD, "budget_baht": "2,000,000"}])
    again = send(driver, url, changed, "import-preview")
    assert "แก้ไข 1" in again.text  # type: ignore[attr-defined]
    old = again.find_element(By.CSS_SELECTOR, "#change-table td.old").text  # type: ignore[attr-defined]
    new = again.find_element(By.CSS_SELECTOR, "#change-table td.new").text  # type: ignore[attr-defined]
    assert "1250000" in old and "2000000" in new
    assert shoot(driver, "import-changed") > 100

    logged = driver.get_log("browser")  # type: ignore[attr-defined]
    # The refused file's report is a 422 page, which Chromium logs as a failed load: that one is expected.
    errors = [e for e in logged if e.get("level") == "SEVERE" and "status of 422" not in e.get("message", "")]
    assert not errors, errors
