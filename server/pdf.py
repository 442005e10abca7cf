"""HTML to PDF with headless Chromium's print-to-PDF (issue 17).

Chromium rather than WeasyPrint, measured on the report's Thai with fonts-thai-tlwg's Laksaman (WeasyPrint
70 with Debian 12's Pango 1.50, Chromium 156): both break Thai lines at the same word boundaries and draw
the same glyphs, but WeasyPrint's text layer loses sara am — `pdftotext` reads ดำเนินการ as ดาเนินการ and
ต่ำ as ต่า — so its PDF cannot be searched or copied from; Chromium's text layer keeps it. Chromium also
repeats table headers on every page and embeds the font subset. One rendering runs at a time (each is a
browser process of a second or two); the report caches the PDF per store snapshot.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
# Flags of a browser that reaches no network service (field notes): the one definition, which the browser
# tests drive Chromium with too.
OFFLINE_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)
# Printing adds no extensions and no header or footer. The page itself forbids scripts and every fetch by its
# CSP; `--blink-settings=scriptEnabled=false` would too, but then Chromium prints no PDF.
FLAGS = (*OFFLINE_FLAGS, "--disable-extensions", "--no-pdf-header-footer")
_one_at_a_time = threading.Lock()


class PdfUnavailable(Exception):
    """No PDF could be made: no Chromium on this machine, or it failed or ran out of time."""


def find_chromium() -> str | None:
    """The Chromium executable on PATH (Debian's `chromium`), or None."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def html_to_pdf(html: str, timeout: float = 90.0) -> bytes:
    """The PDF Chromium prints from a self-contained HTML page (styles inline, nothing to fetch)."""
    exe = find_chromium()
    if exe is None:
        raise PdfUnavailable("PDF needs Chromium (Debian package chromium): run `bash scripts/setup`")
    with tempfile.TemporaryDirectory(prefix="thaiplan-pdf-") as tmp:
        page, out = Path(tmp) / "report.html", Path(tmp) / "report.pdf"
        page.write_text(html, encoding="utf-8")
        command = [exe, *FLAGS, f"--user-data-dir={tmp}/profile", f"--print-to-pdf={out}", page.as_uri()]
        with _one_at_a_time:
            _run(command, timeout)
        if not out.exists() or out.stat().st_size == 0:
            raise PdfUnavailable("Chromium wrote no PDF")
        return out.read_bytes()


def _run(command: list[str], timeout: float) -> None:
    """Run the browser in its own process group; on time-out stop that group (its helpers too)."""
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        _, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise PdfUnavailable(f"Chromium took more than {timeout:g} s to print the report") from None
    if process.returncode != 0:
        tail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        raise PdfUnavailable(f"Chromium failed (exit {process.returncode}): {tail[0]}")
