"""`/import`, the stewards' page (issue 16), through Flask's test client on a real store and data folder:
off without a token, the token's rules, the body cap, 4xx for bad files, the cell report in the page's
language, the change preview, the confirm that applies exactly the previewed upload, the rebuild that
switches while the old snapshot is served, and a failed rebuild that leaves snapshot and files as before.
The importer and the build really run (in the page's child process), on a copy of the shipped data.
Over 400 lines because one file holds every rule of the page, sharing the fixtures of its real store
and data."""

from __future__ import annotations

import contextlib
import csv
import io
import re
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient

from thaiplan.config import Config
from thaiplan.graph.build.inputs import default_data_dir, sources_ttl
from thaiplan.graph.build.pipeline import build
from thaiplan.graph.store.local import build_lock, snapshot_id
from thaiplan.server.app import create_app
from thaiplan.server.import_page import split_change

TOKEN = "steward-token-for-the-tests-of-issue-16"
KEYS = [
    "project_code",
    "name_th",
    "name_en",
    "agency",
    "aligned_to",
    "fiscal_year",
    "budget_baht",
    "status",
    "source_title",
    "source_url",
    "source_locator",
]
GOOD = {
    "project_code": "P-WEB-1",
    "name_th": "โครงการนำเข้าผ่านหน้าเว็บ",
    "name_en": "Project imported through the web page",
    "agency": "สำนักงาน ก.พ.ร.",
    "aligned_to": "CR02G01",
    "fiscal_year": "๒๕๖๗",
    "budget_baht": "1,250,000",
    "status": "on schedule",
    "source_title": "แผนปฏิบัติราชการประจำปี 2567",
    "source_url": "https://example.org/plan-2567.pdf",
    "source_locator": "หน้า 12",
}
PROJECT = "/id/project/opdc-P-WEB-1"


def sheet_bytes(rows: list[dict[str, str]], suffix: str = ".csv", keys: list[str] = KEYS) -> bytes:
    """A real spreadsheet's bytes: CSV (UTF-8 with BOM, as Excel writes it) or XLSX (openpyxl)."""
    if suffix == ".xlsx":
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "projects"
        sheet.append(keys)
        for row in rows:
            sheet.append([row.get(k, "") for k in keys])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(keys)
    writer.writerows([[row.get(k, "") for k in keys] for row in rows])
    return b"\xef\xbb\xbf" + text.getvalue().encode("utf-8")


def fresh_data(where: Path) -> Path:
    """A copy of the shipped curated data with the sources description (imports never touch the real one)."""
    shutil.copytree(default_data_dir(), where, ignore=shutil.ignore_patterns("imports"))
    shutil.copy(sources_ttl(), where / "sources.ttl")
    return where


def built(where: Path) -> tuple[Path, Path]:
    """A data folder and a store built from it."""
    data = fresh_data(where / "data")
    build(Config(store_dir=where / "store"), data, out=lambda _: None)
    return data, where / "store"


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Data and store for the tests that never apply an import."""
    return built(tmp_path_factory.mktemp("import-page"))


@contextlib.contextmanager
def running(store: Path, data: Path, **settings: object) -> Iterator[Flask]:
    """An app with the import page on; its query worker stopped afterwards."""
    fields: dict[str, object] = {"import_token": TOKEN, "workers": 1, **settings}
    app = create_app(Config(store_dir=store, data_dir=data, **fields))  # type: ignore[arg-type]
    app.testing = True
    try:
        yield app
    finally:
        app.extensions["thaiplan_pool"].close()


@pytest.fixture(scope="module")
def app(shared: tuple[Path, Path]) -> Iterator[Flask]:
    """The import page over the shared store."""
    data, store = shared
    with running(store, data) as application:
        yield application


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client without cookies."""
    return app.test_client()


def upload(
    client: FlaskClient,
    body: bytes,
    name: str = "projects-web.csv",
    *,
    token: str | None = TOKEN,
    kind: str = "auto",
    lang: str = "en",
    headers: dict[str, str] | None = None,
) -> tuple[int, str]:
    """POST a file to /import as the form does; the status and the page."""
    form: dict[str, object] = {"kind": kind, "by": "test steward", "file": (io.BytesIO(body), name)}
    if token is not None:
        form["token"] = token
    response = client.post(
        f"/import?lang={lang}", data=form, content_type="multipart/form-data", headers=headers or {}
    )
    return response.status_code, response.get_data(as_text=True)


def confirm_fields(page: str) -> dict[str, str]:
    """The hidden fields of the preview's confirm form (the upload's id and SHA-256)."""
    return dict(re.findall(r'<input type="hidden" name="(upload|sha256)" value="([^"]+)">', page))


def imports_of(data: Path) -> dict[str, bytes]:
    """The files in the data folder's imports/ (name → bytes)."""
    folder = data / "imports"
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.is_dir() else {}


def test_the_page_is_off_without_a_token_issue16(shared: tuple[Path, Path]) -> None:
    data, store = shared
    with running(store, data, import_token="") as app:
        client = app.test_client()
        assert client.get("/import").status_code == 404
        assert client.post("/import", data={"token": ""}).status_code == 404
        assert client.post("/import/confirm", data={"token": "x"}).status_code == 404
    assert Config().import_token == ""  # never on by default
    assert TOKEN not in repr(Config(import_token=TOKEN))  # a logged config does not show it


def test_the_token_is_required_from_the_body_or_the_header_never_the_url_issue16(client: FlaskClient) -> None:
    page = client.get("/import?lang=en")
    assert page.status_code == 200 and 'type="password" name="token"' in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    body = sheet_bytes([GOOD])
    status, text = upload(client, body, token=None)
    assert status == 401 and "import token is required" in text
    assert client.post("/import", data={}).headers["WWW-Authenticate"].startswith("Bearer")
    assert upload(client, body, token="wrong-" + TOKEN)[0] == 403
    assert upload(client, body, token=TOKEN[:-1])[0] == 403
    assert upload(client, body, token=None, headers={"Authorization": "Bearer nope"})[0] == 403
    response = client.post(f"/import?token={TOKEN}", data={"file": (io.BytesIO(body), "p.csv")})
    assert response.status_code == 401  # a token in the URL is not read
    assert client.post("/import/confirm", data={"upload": "x" * 22}).status_code == 401
    # The header alone is enough (scripts): the next check is the file's (a .txt is refused).
    status, text = upload(client, b"x", "notes.txt", token=None, headers={"Authorization": f"Bearer {TOKEN}"})
    assert status == 400 and "notes.txt" in text and ".xlsx or .csv" in text
    assert TOKEN not in text


def test_an_upload_over_the_cap_is_a_413_with_the_limit_issue16(shared: tuple[Path, Path]) -> None:
    data, store = shared
    with running(store, data, import_max_bytes=4096) as app:
        status, text = upload(app.test_client(), b"x" * 5000, "big.csv")
        assert status == 413 and "4,096" in text


@pytest.mark.parametrize(
    ("name", "body", "kind", "expected"),
    [
        ("notes.txt", b"project_code\n", "auto", "not a spreadsheet"),
        ("empty.csv", b"", "auto", "the file is empty"),
        ("broken.xlsx", b"PK\x03\x04 not a workbook", "projects", "not a readable XLSX workbook"),
        ("header.csv", b"code,name\nP-1,x\n", "projects", "no header row of column keys"),
        ("p.csv", sheet_bytes([GOOD]), "plans-of-mars", "Unknown kind"),
        ("p.csv", sheet_bytes([GOOD]), "agencies", "no header row of column keys"),
    ],
)
def test_bad_files_are_4xx_with_a_message_issue16(
    client: FlaskClient, shared: tuple[Path, Path], name: str, body: bytes, kind: str, expected: str
) -> None:
    status, text = upload(client, body, name, kind=kind)
    assert status == 400, text
    assert expected in text
    assert "thaiplan-uploads-" not in text  # the server's own paths stay on the server
    assert imports_of(shared[0]) == {}


def test_a_workbook_without_the_kinds_sheet_is_refused_issue16(client: FlaskClient) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Sheet1"
    book.create_sheet("Sheet2")
    out = io.BytesIO()
    book.save(out)
    status, text = upload(client, out.getvalue(), "two-sheets.xlsx", kind="projects")
    assert status == 400 and "no sheet named &#39;projects&#39;" in text


def test_the_cell_report_names_every_bad_cell_in_the_pages_language_issue16(
    client: FlaskClient, shared: tuple[Path, Path]
) -> None:
    rows = [
        {**GOOD, "budget_baht": "หนึ่งล้าน"},  # row 2
        {**GOOD, "project_code": "P-WEB-2", "aligned_to": "NOPE99"},  # row 3
    ]
    for lang, message in (("th", "ไม่ใช่ตัวเลข"), ("en", "not a number")):
        status, text = upload(client, sheet_bytes(rows, ".xlsx"), "bad-cells.xlsx", lang=lang)
        assert status == 422
        table = text[text.index('id="problem-table"') :]
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", table, re.S)]
        assert cells[:5] == ["bad-cells.xlsx", "projects", "2", "budget_baht", "หนึ่งล้าน"]
        assert message in cells[5]
        assert "aligned_to" in cells and "NOPE99" in cells
        assert 'id="confirm-form"' not in text
        assert f'<html lang="{lang}">' in text
    assert imports_of(shared[0]) == {}


def test_the_cell_report_also_gives_the_other_language_from_the_same_run_issue16(
    client: FlaskClient, shared: tuple[Path, Path]
) -> None:
    """The page's language first; the same cells in the other language below it, without a second import."""
    rows = [{**GOOD, "budget_baht": "หนึ่งล้าน"}]
    for lang, other in (("th", "not a number"), ("en", "ไม่ใช่ตัวเลข")):
        status, text = upload(client, sheet_bytes(rows, ".xlsx"), "bad-cells.xlsx", lang=lang)
        assert status == 422
        first = text[text.index('id="problem-table"') : text.index('id="problems-other-lang"')]
        second = text[text.index('id="problem-table-other"') :]
        assert other not in first and other in second and "budget_baht" in second
    assert imports_of(shared[0]) == {}


def test_the_kind_is_inferred_from_the_header_issue16(client: FlaskClient) -> None:
    keys = ["agency_code", "name_th", "name_en", "abbreviations_en", "source_title"]
    row = {
        "agency_code": "web-test-office",
        "name_th": "สำนักงานทดสอบการนำเข้า",
        "name_en": "Import Test Office",
        "abbreviations_en": "ITO",
        "source_title": "คำสั่งจัดตั้ง",
    }
    status, text = upload(client, sheet_bytes([row], keys=keys), "agencies-web.csv")
    assert status == 200, text
    assert "(agencies)" in text and "agency/web-test-office" in text
    assert "imports/agencies-web.ttl" in text


def test_confirm_applies_exactly_the_previewed_upload_issue16(
    client: FlaskClient, shared: tuple[Path, Path]
) -> None:
    data, store = shared
    before = snapshot_id(store)
    status, page = upload(client, sheet_bytes([GOOD]))
    assert status == 200, page
    fields = confirm_fields(page)
    assert set(fields) == {"upload", "sha256"}

    def confirm(**changed: str) -> tuple[int, str]:
        response = client.post("/import/confirm", data={"token": TOKEN, **fields, **changed})
        return response.status_code, response.get_data(as_text=True)

    assert confirm(sha256="0" * 64)[0] == 409
    assert confirm(upload="A" * 22)[0] == 404
    assert confirm(upload="../../etc")[0] == 400
    assert confirm(token="wrong")[0] == 403
    # The curated data changed after the preview: the preview no longer says what would happen.
    (data / "fiscal-years.ttl").touch()
    time.sleep(0.01)
    status, text = confirm()
    assert status == 409 and "changed since this preview" in text
    assert confirm()[0] == 404  # that upload is gone
    assert imports_of(data) == {} and snapshot_id(store) == before


def test_preview_confirm_rebuild_switch_while_serving_the_old_snapshot_issue16(tmp_path: Path) -> None:
    data, store = built(tmp_path)
    old = snapshot_id(store)
    with running(store, data) as app:
        client = app.test_client()
        status, page = upload(client, sheet_bytes([GOOD], ".xlsx"), "projects-web.xlsx", lang="en")
        assert status == 200, page
        assert "project/opdc-P-WEB-1" in page and "1 added" not in page  # 4 entities: project, alignment, …
        assert "4 added · 0 changed · 0 removed" in page
        assert "imports/projects-web.ttl" in page
        assert imports_of(data) == {}, "a preview writes nothing"
        assert client.get(PROJECT).status_code == 404

        answer: dict[str, object] = {}
        fields = {"token": TOKEN, **confirm_fields(page)}

        def confirm() -> None:
            response = app.test_client().post("/import/confirm", data=fields)
            answer["status"], answer["page"] = response.status_code, response.get_data(as_text=True)

        worker = threading.Thread(target=confirm)
        worker.start()
        during = []
        while worker.is_alive():
            sid = snapshot_id(store)
            home, project = client.get("/?lang=en"), client.get(PROJECT)
            if snapshot_id(store) == sid == old:
                during.append((home.status_code, project.status_code))
            time.sleep(0.2)
        worker.join()
        assert during and all(d == (200, 404) for d in during), during  # answered from the old snapshot
        assert answer["status"] == 200, answer["page"]
        assert 'id="import-done"' in str(answer["page"])
        new = snapshot_id(store)
        assert new != old and new in str(answer["page"])
        assert sorted(imports_of(data)) == ["projects-web.ttl", "projects-web.xlsx"]
        shown = client.get(PROJECT + "?lang=th")
        assert shown.status_code == 200 and "โครงการนำเข้าผ่านหน้าเว็บ" in shown.get_data(as_text=True)
        assert f'href="{PROJECT}"' in str(answer["page"])  # the done page links the imported entities

        # The same file again changes nothing, so there is nothing to confirm.
        status, again = upload(client, sheet_bytes([GOOD], ".xlsx"), "projects-web.xlsx")
        assert status == 200 and "Nothing changes" in again and 'id="confirm-form"' not in again


def test_a_failed_rebuild_keeps_the_old_snapshot_and_the_files_issue16(tmp_path: Path) -> None:
    from thaiplan.cli import main

    data = fresh_data(tmp_path / "data")
    first = tmp_path / "projects-web.csv"
    first.write_bytes(sheet_bytes([GOOD]))
    assert main(["import", str(first), "--data", str(data)]) == 0  # an earlier import of the same file
    store = tmp_path / "store"
    build(Config(store_dir=store), data, out=lambda _: None)
    old, files = snapshot_id(store), imports_of(data)
    with running(store, data) as app:
        client = app.test_client()
        status, page = upload(client, sheet_bytes([{**GOOD, "budget_baht": "2,000,000"}]), lang="en")
        assert status == 200, page
        assert "0 added · 1 changed · 0 removed" in page
        row = re.search(r'<td class="old">([^<]*)</td><td class="new">([^<]*)</td>', page)
        assert row is not None and "1250000" in row.group(1) and "2000000" in row.group(2)
        with build_lock(store):  # another build holds the store: the rebuild fails
            response = client.post("/import/confirm", data={"token": TOKEN, **confirm_fields(page)})
        assert response.status_code == 503
        assert "current graph is still served" in response.get_data(as_text=True)
        assert snapshot_id(store) == old
        assert imports_of(data) == files  # the Turtle and the spreadsheet as they were


def test_a_changed_value_is_split_into_old_and_new_even_with_arrows_inside_issue16() -> None:
    line = 'skos:prefLabel: "Alignment: A → B"@en, "x, y"@en → "Alignment: A → C"@en'
    old, new = '"Alignment: A → B"@en, "x, y"@en', '"Alignment: A → C"@en'
    assert split_change(line) == ("skos:prefLabel", old, new)
    assert split_change("tp:amount: ∅ → 5") == ("tp:amount", "∅", "5")
    assert split_change("something else") == ("something else", "", "")


def test_an_upload_keeps_its_own_name_without_folders_issue16() -> None:
    from thaiplan.server.import_files import safe_name

    assert safe_name("../../etc/passwd.csv") == "passwd.csv"
    assert safe_name("C:\\Users\\steward\\โครงการ 2567.xlsx") == "โครงการ 2567.xlsx"
    assert safe_name(".hidden.csv") == "hidden.csv"
    assert safe_name("a\x00b\u202e.csv") == "ab.csv"
    assert safe_name("/") == ""
    assert len(safe_name("ก" * 300 + ".xlsx")) == 105


def test_the_pages_cap_is_its_own_above_the_servers_issue16(client: FlaskClient) -> None:
    # 1.5 MB passes the page's 10 MiB cap although the rest of the server stops at 1 MB: the next check
    # is the file's own (a .txt is refused).
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    # Encoded in memory: the test client would spool a body this large to a file it leaves open.
    big = FileStorage(io.BytesIO(b"x" * 1_500_000), "notes.txt")
    boundary, body = encode_multipart({"token": TOKEN, "file": big})
    response = client.post(
        "/import?lang=en", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 400 and "notes.txt" in response.get_data(as_text=True)


def test_an_apply_that_runs_out_of_time_is_stopped_and_undone_issue16(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from thaiplan.server import import_files

    data, store = built(tmp_path)
    old = snapshot_id(store)
    with running(store, data) as app:
        client = app.test_client()
        status, page = upload(client, sheet_bytes([GOOD]))
        assert status == 200, page
        monkeypatch.setitem(import_files.JOB_SECONDS, "apply", 1.0)  # the child's process group is killed
        response = client.post("/import/confirm", data={"token": TOKEN, **confirm_fields(page)})
        assert response.status_code == 503
        assert "current graph is still served" in response.get_data(as_text=True)
        assert snapshot_id(store) == old
        assert imports_of(data) == {}
        assert client.get(PROJECT).status_code == 404
