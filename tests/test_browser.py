"""End-to-end in a real headless Chromium against a real `thaiplan serve` (issue 6).

Debian's chromium and chromedriver (installed by `scripts/setup --test` from scripts/debian-test-packages)
are driven by Selenium with the driver's path given, so nothing is downloaded. Screenshots go to
tests/artifacts/ and are checked not to be blank.
"""

from __future__ import annotations

import base64
import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_pages_support import build_store
from thaiplan.server.pdf import OFFLINE_FLAGS

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
# The browser the tests drive: the PDF printer's offline flags, a desktop window, the Thai interface.
DRIVER_FLAGS = (*OFFLINE_FLAGS, "--window-size=1280,1000", "--lang=th-TH")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
        reason="needs Debian's chromium and chromium-driver (scripts/setup --test installs them)",
    ),
]

# Mean-free pixel variance of a screenshot, computed by the browser itself on a canvas (sampled).
VARIANCE_JS = """
const done = arguments[arguments.length - 1];
const img = new Image();
img.onload = () => {
  const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
  const g = c.getContext('2d'); g.drawImage(img, 0, 0);
  const d = g.getImageData(0, 0, c.width, c.height).data;
  let n = 0, s = 0, s2 = 0;
  for (let i = 0; i < d.length; i += 4 * 7) {
    const v = (d[i] + d[i + 1] + d[i + 2]) / 3; n++; s += v; s2 += v * v;
  }
  done(s2 / n - (s / n) * (s / n));
};
img.onerror = () => done(-1);
img.src = 'data:image/png;base64,' + arguments[0];
"""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(store: Path, log_dir: Path) -> Iterator[str]:
    """`thaiplan serve` on a free port of 127.0.0.1 over `store`, yielding its URL; stopped by its PID."""
    port = free_port()
    log = (log_dir / "serve.log").open("w")
    command = [sys.executable, "-m", "thaiplan.cli", "serve", "--store", str(store)]
    command += ["--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError), urllib.request.urlopen(url + "/api/queries", timeout=2) as r:
                if r.status == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"thaiplan serve did not start: see {log.name}")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        log.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`thaiplan serve` over a fresh store of the curated graph."""
    store = build_store(tmp_path_factory.mktemp("browser-store"))
    with serving(store, tmp_path_factory.mktemp("browser-log")) as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """Headless Chromium with a fresh profile, no network services, driven through chromedriver."""
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_AVOID_STATS", "true")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*DRIVER_FLAGS, f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"intl.accept_languages": "th-TH,th"})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def shoot(driver: object, name: str) -> float:
    """Save a screenshot under tests/artifacts/ and return its pixel variance (0: a blank page)."""
    ARTIFACTS.mkdir(exist_ok=True)
    png = driver.get_screenshot_as_png()  # type: ignore[attr-defined]
    (ARTIFACTS / f"{name}.png").write_bytes(png)
    return driver.execute_async_script(VARIANCE_JS, base64.b64encode(png).decode())  # type: ignore[attr-defined]


def test_home_search_trace_and_language_switch_in_chromium_issue6(server: str, browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    driver.get(server + "/")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "th"  # from Accept-Language
    tree = driver.find_element(By.ID, "plan-tree")
    assert "ยุทธศาสตร์ชาติ" in tree.text
    assert shoot(driver, "home") > 100

    box = driver.find_element(By.CSS_SELECTOR, ".search-box input[name=q]")
    box.send_keys("ยืนยันตัวตน")
    box.submit()
    # submit() does not wait for the navigation it starts (a fresh-clone CI run once looked too early).
    results = WebDriverWait(driver, 30).until(lambda d: d.find_element(By.ID, "search-results"))
    assert results.find_elements(By.TAG_NAME, "li")
    assert shoot(driver, "search") > 100

    # Follow the trace of a reform activity found by its code.
    driver.get(server + "/search?q=BR0201")
    driver.find_element(By.CSS_SELECTOR, "#search-results li .trace-link").click()
    assert "/trace" in driver.current_url
    diagram = driver.find_element(By.CSS_SELECTOR, "svg.trace-diagram")
    assert diagram.size["width"] > 200 and diagram.size["height"] > 100
    up = driver.find_element(By.ID, "trace-up").text
    assert "ยุทธศาสตร์ชาติ" in up
    assert shoot(driver, "trace-th") > 100

    driver.find_element(By.ID, "lang-switch").click()
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert "What it supports" in driver.find_element(By.ID, "trace-up").text
    assert shoot(driver, "trace-en") > 100
    # The choice holds on the next page (cookie).
    driver.get(server + "/indicator?indicator=ความพึงพอใจ")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert driver.find_elements(By.CSS_SELECTOR, "svg.chart")
    assert shoot(driver, "indicator-en") > 100
    driver.get(server + "/id/activity/BR0201?lang=th")
    assert shoot(driver, "resource-th") > 100
    # No CSP violation or script error was logged by the pages.
    errors = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    assert not errors, errors


def test_query_editor_runs_a_query_and_shows_thai_results_in_chromium_issue5(server: str, browser) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    driver.get(server + "/sparql")
    WebDriverWait(driver, 30).until(lambda d: d.execute_script("return !!document.querySelector('.yasqe')"))
    # The page names the endpoint as the browser reached it; the server sent only a path (issue 13).
    assert driver.find_element("id", "endpoint-url").text == server + "/sparql"
    # Set a query through YASGUI's own API (CodeMirror owns the text box) and run it as a user would.
    driver.execute_script(
        "document.querySelector('.yasqe .CodeMirror').CodeMirror.setValue(arguments[0]);",
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "SELECT ?label WHERE { <https://w3id.org/thaiplan/id/activity/BR0201> skos:prefLabel ?label }",
    )
    driver.find_element("css selector", ".yasqe_queryButton").click()
    WebDriverWait(driver, 30).until(
        lambda d: "ปรับเปลี่ยนรูปแบบการบริหารงาน" in d.find_element("css selector", ".yasr").text
    )
    assert shoot(driver, "sparql-editor") > 100
    errors = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    assert not errors, errors
