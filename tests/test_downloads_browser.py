"""Downloads, the report and the source reader in a real headless Chromium against `thaiplan serve` (#17).

The browser's download folder is set (preferences and the DevTools download behaviour), a download link
is clicked as a planner would, and the file that lands there is opened with openpyxl or read as CSV.
Screenshots of the report and the reader in Thai and English go to tests/artifacts/.
"""

from __future__ import annotations

import io
import os
import time
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from tests.test_browser import CHROMEDRIVER, CHROMIUM, DRIVER_FLAGS, serving, shoot
from tests.test_pages_support import build_store

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
        reason="needs Debian's chromium and chromium-driver (scripts/setup --test installs them)",
    ),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`thaiplan serve` over a fresh store of the curated graph."""
    store = build_store(tmp_path_factory.mktemp("downloads-store"))
    with serving(store, tmp_path_factory.mktemp("downloads-log")) as url:
        yield url


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder Chromium saves downloads in."""
    return tmp_path_factory.mktemp("chromium-downloads")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory, downloads: Path) -> Iterator[object]:
    """Headless Chromium that saves downloads in `downloads` without asking."""
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_AVOID_STATS", "true")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*DRIVER_FLAGS, f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    options.add_experimental_option(
        "prefs",
        {
            "intl.accept_languages": "th-TH,th",
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
            "safebrowsing.enabled": False,
        },
    )
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for_file(folder: Path, pattern: str, timeout: float = 30) -> Path:
    """The downloaded file matching `pattern` once Chromium has finished writing it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [p for p in folder.glob(pattern) if not p.name.endswith(".crdownload")]
        if done and not list(folder.glob("*.crdownload")):
            return done[0]
        time.sleep(0.2)
    pytest.fail(f"no download matching {pattern} in {folder}: {sorted(p.name for p in folder.iterdir())}")


def test_clicking_the_download_links_saves_an_xlsx_and_a_csv_that_open_issue17(server, browser, downloads):
    from selenium.webdriver.common.by import By

    driver = browser
    driver.get(server + "/trace?entity=BR0203&lang=th")
    links = driver.find_element(By.ID, "downloads")
    assert "ดาวน์โหลดข้อมูล" in links.text
    links.find_element(By.CSS_SELECTOR, "a.download-xlsx").click()
    saved = wait_for_file(downloads, "trace-BR0203-*.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(saved.read_bytes()))
    assert book.sheetnames == ["สิ่งที่สนับสนุน", "สิ่งที่สนับสนุนรายการนี้"]
    names = [row[2].value for row in book["สิ่งที่สนับสนุน"].iter_rows(min_row=2)]
    assert "แผนการปฏิรูปประเทศ (ฉบับปรับปรุง) ด้านการบริหารราชการแผ่นดิน" in names

    driver.get(server + "/search?q=ยืนยันตัวตน&lang=en")
    driver.find_element(By.CSS_SELECTOR, "#downloads a.download-csv").click()
    csv_file = wait_for_file(downloads, "search-*.csv")
    data = csv_file.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    assert data.decode("utf-8-sig").splitlines()[0].startswith("Rank,Score,Code,Name")
    errors = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    assert not errors, errors


def test_report_and_reader_render_in_thai_and_english_issue17(server, browser) -> None:
    from selenium.webdriver.common.by import By

    driver = browser
    for lang in ("th", "en"):
        driver.get(f"{server}/report/reform-plan-cr02?lang={lang}")
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang
        table = driver.find_element(By.ID, "summary-table")
        assert "84.81" in table.text and table.size["width"] > 600
        swatch = driver.find_element(By.CSS_SELECTOR, "#summary-table .swatch.s-yellow")
        assert swatch.value_of_css_property("background-color") == "rgba(244, 196, 48, 1)"  # the yellow
        assert shoot(driver, f"report-{lang}") > 100

        driver.get(f"{server}/source/reform-plan-cr02?lang={lang}")
        mark = driver.find_element(By.CSS_SELECTOR, 'a.passage[href="#facts-reform-plan-cr02-19"]')
        assert "84.81" in (mark.get_attribute("title") or "")  # what hovering shows
        assert driver.find_elements(By.CSS_SELECTOR, "#source-text .uncovered")
        assert shoot(driver, f"reader-{lang}") > 100
        mark.click()  # the facts of the passage come into view, highlighted by :target
        target = driver.find_element(By.ID, "facts-reform-plan-cr02-19")
        assert target.value_of_css_property("background-color") == "rgba(255, 247, 204, 1)"
        assert "/id/observation/CR02G01-1-2564" in target.get_attribute("innerHTML")
        assert shoot(driver, f"reader-facts-{lang}") > 100
    errors = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    assert not errors, errors
