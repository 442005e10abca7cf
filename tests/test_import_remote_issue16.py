"""`/import` against a remote store (issue 16): Oxigraph's own server, started here on 127.0.0.1 and stopped
by PID, holds the built graph; the page previews an upload, refuses a bad one with the store unchanged, and
applies a good one, whose rebuild publishes into the server, where the new project is then served. Also the
import child's answer (problems in both languages) and its memory cap (`server/import_job.py`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.test_import_page_issue16 import (
    GOOD,
    PROJECT,
    TOKEN,
    confirm_fields,
    fresh_data,
    imports_of,
    sheet_bytes,
    upload,
)
from tests.test_remote_support import Server, oxigraph_server, remote_config
from thaiplan.config import Config
from thaiplan.graph.build.pipeline import build
from thaiplan.server.app import create_app

pytestmark = pytest.mark.remote


@pytest.fixture
def oxigraph(tmp_path: Path) -> Iterator[tuple[Server, Path]]:
    """Oxigraph's server with the shipped curated data (a copy) built into it, and that data folder."""
    server = oxigraph_server(tmp_path / "server")
    server.start()
    try:
        # Long read timeouts: the apply publishes the whole graph, on a machine other work shares.
        server.config = remote_config(server, tmp_path, store_read_timeout=120.0)
        data = fresh_data(tmp_path / "data")
        build(server.config, data, out=lambda _: None)
        yield server, data
    finally:
        server.stop()


def app_on(config: Config, data: Path) -> Flask:
    """The app over the remote store with the import page on."""
    app = create_app(dataclasses.replace(config, data_dir=data, import_token=TOKEN, workers=1))
    app.testing = True
    return app


def test_import_page_previews_refuses_and_applies_on_a_remote_store_issue16(
    oxigraph: tuple[Server, Path],
) -> None:
    server, data = oxigraph
    app = app_on(server.config, data)
    try:
        client = app.test_client()
        assert client.get(PROJECT).status_code == 404
        # A bad cell: the cell report, nothing written, the remote store as it was.
        status, page = upload(client, sheet_bytes([{**GOOD, "budget_baht": "หนึ่งล้าน"}]), "bad-web.csv")
        assert status == 422 and "budget_baht" in page and "หนึ่งล้าน" in page
        assert imports_of(data) == {} and client.get(PROJECT).status_code == 404
        # A good file: the preview, then the confirm rebuilds into the server.
        status, page = upload(client, sheet_bytes([GOOD]), "projects-web.csv")
        assert status == 200 and "4 added · 0 changed · 0 removed" in page, page
        assert imports_of(data) == {} and client.get(PROJECT).status_code == 404
        response = client.post("/import/confirm", data={"token": TOKEN, **confirm_fields(page)})
        done = response.get_data(as_text=True)
        assert response.status_code == 200 and 'id="import-done"' in done, done
        assert sorted(imports_of(data)) == ["projects-web.csv", "projects-web.ttl"]
        shown = client.get(PROJECT + "?lang=th")
        assert shown.status_code == 200 and "โครงการนำเข้าผ่านหน้าเว็บ" in shown.get_data(as_text=True)
        # The same file again changes nothing.
        status, again = upload(client, sheet_bytes([GOOD]), "projects-web.csv")
        assert status == 200 and "Nothing changes" in again
    finally:
        app.extensions["thaiplan_pool"].close()


def test_the_import_childs_problems_come_in_both_languages_issue16(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from thaiplan.server import import_job

    # In this process: no address-space cap, which the test run's later children (a browser) would inherit.
    monkeypatch.setenv("THAIPLAN_IMPORT_MEMORY_MB", "0")

    data = fresh_data(tmp_path / "data")
    sheet = tmp_path / "bad.csv"
    sheet.write_bytes(sheet_bytes([{**GOOD, "budget_baht": "หนึ่งล้าน"}]))
    result = tmp_path / "answer.json"
    argv = ["preview", "--file", str(sheet), "--kind", "projects", "--lang", "th", "--data", str(data)]
    assert import_job.main([*argv, "--result", str(result)]) == 1
    answer = json.loads(result.read_text(encoding="utf-8"))
    assert answer["ok"] is False and answer["problems"][0][3] == "budget_baht"
    assert set(answer["messages"]) == {"en", "th"} and "nothing was written" in answer["messages"]["en"]
    by_lang = answer["problems_by_lang"]
    assert (
        [r[:5] for r in by_lang["en"]]
        == [r[:5] for r in by_lang["th"]]
        == [r[:5] for r in answer["problems"]]
    )
    assert by_lang["th"] == answer["problems"] and by_lang["en"][0][5] != by_lang["th"][0][5]


def test_the_import_child_stops_at_its_memory_cap_with_a_clear_message_issue16(tmp_path: Path) -> None:
    import json
    import os
    import subprocess
    import sys

    data = fresh_data(tmp_path / "data")
    sheet = tmp_path / "good.csv"
    sheet.write_bytes(sheet_bytes([GOOD]))
    result = tmp_path / "answer.json"
    command = [sys.executable, "-m", "thaiplan.server.import_job", "preview", "--file", str(sheet)]
    command += ["--kind", "projects", "--data", str(data), "--result", str(result)]
    env = {**os.environ, "THAIPLAN_IMPORT_MEMORY_MB": "1"}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 3, done.stderr
    answer = json.loads(result.read_text(encoding="utf-8"))
    assert answer["ok"] is False and answer["stage"] == "memory"
    assert "1 MiB" in answer["message"] and "THAIPLAN_IMPORT_MEMORY_MB" in answer["message"]
    assert imports_of(data) == {}
    env["THAIPLAN_IMPORT_MEMORY_MB"] = "lots"
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 2 and "whole number of MiB" in result.read_text(encoding="utf-8")
