"""`thaiplan query` (issue 3): every output format, stdin, and clean errors with exit codes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from thaiplan.cli import main
from thaiplan.config import Config
from thaiplan.graph.build.pipeline import build
from thaiplan.graph.table import display_width, render_table

DATA = Path(__file__).parent / "data" / "build"
QUERIES = DATA / "queries"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store built once from the valid test dataset."""
    path = tmp_path_factory.mktemp("store")
    build(Config(store_dir=path), DATA / "valid", out=lambda _: None)
    return path


def _query(capsys: pytest.CaptureFixture[str], store: Path, name: str, *extra: str) -> tuple[int, str, str]:
    """Run `thaiplan query` on a test query; return the exit code, stdout and stderr."""
    code = main(["query", str(QUERIES / name), "--store", str(store), *extra])
    out, err = capsys.readouterr()
    return code, out, err


def test_issue3_select_table_aligns_thai(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _query(capsys, store, "labels.rq")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].strip() == "label"
    assert lines[2:4] == ["Strategy 1@en", "ยุทธศาสตร์ที่ 1@th"]
    assert lines[-1] == "(2 rows)"


def test_issue3_select_shortens_iris(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _query(capsys, store, "ancestors.rq")
    assert code == 0
    assert "id:plan/test" in out and "id:tactic/test-1.1" in out and "(3 rows)" in out


def test_issue3_select_json_csv_tsv_xml(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _query(capsys, store, "labels.rq", "--format", "json")
    bindings = json.loads(out)["results"]["bindings"]
    assert {(b["label"]["value"], b["label"].get("xml:lang")) for b in bindings} == {
        ("Strategy 1", "en"),
        ("ยุทธศาสตร์ที่ 1", "th"),
    }
    _, out, _ = _query(capsys, store, "labels.rq", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["label"] and ["ยุทธศาสตร์ที่ 1"] in rows
    _, out, _ = _query(capsys, store, "labels.rq", "--format", "tsv")
    assert out.splitlines()[0] == "?label" and '"ยุทธศาสตร์ที่ 1"@th' in out
    _, out, _ = _query(capsys, store, "labels.rq", "--format", "xml")
    assert "<sparql" in out and "ยุทธศาสตร์ที่ 1" in out


def test_issue3_ask(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _query(capsys, store, "ask.rq")[1] == "true\n"
    assert json.loads(_query(capsys, store, "ask.rq", "--format", "json")[1])["boolean"] is True


def test_issue3_construct_turtle_and_ntriples(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _query(capsys, store, "construct.rq")
    assert code == 0 and "@prefix skos:" in out and '"แผนทดสอบ"@th' in out
    code, out, _ = _query(capsys, store, "construct.rq", "--format", "nt")
    assert code == 0 and len(out.strip().splitlines()) == 2 and out.startswith("<https://w3id.org")
    code, _, err = _query(capsys, store, "construct.rq", "--format", "csv")
    assert code == 2 and "turtle or nt" in err


def test_issue3_from_selects_a_store_graph(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _query(capsys, store, "from-agencies.rq", "--format", "csv")
    assert code == 0 and out.splitlines()[1] == "2"


def test_issue3_stdin(
    store: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO((QUERIES / "ask.rq").read_text(encoding="utf-8")))
    assert main(["query", "-", "--store", str(store)]) == 0
    assert capsys.readouterr().out == "true\n"


@pytest.mark.parametrize(
    ("name", "code", "message"),
    [
        ("syntax-error.rq", 2, "line 2, column"),
        ("service.rq", 2, "SERVICE <http://127.0.0.1:9/sparql> is not allowed"),
        ("from-file.rq", 2, "FROM <file:///etc/passwd> is not allowed"),
        ("update.rq", 2, "updates"),
        ("no-such-file.rq", 2, "no such query file"),
    ],
)
def test_issue3_query_errors(
    store: Path, capsys: pytest.CaptureFixture[str], name: str, code: int, message: str
) -> None:
    got, out, err = _query(capsys, store, name)
    assert got == code
    assert message in err and "Traceback" not in err and not out


def test_issue3_query_without_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _query(capsys, tmp_path, "ask.rq")
    assert code == 1 and not out
    assert "run `thaiplan build`" in err and str(tmp_path) in err


def test_issue3_query_without_store_subprocess(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "thaiplan.cli", "query", str(QUERIES / "ask.rq"), "--store", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "run `thaiplan build`" in result.stderr and "Traceback" not in result.stderr


def test_issue3_table_width_counts_thai_marks_as_zero() -> None:
    assert display_width("ยุทธศาสตร์") == 8  # 10 code points, 2 of them marks above or below
    table = render_table(["a", "b"], [["ยุทธศาสตร์", "x"], ["abc", "y"]])
    first, second = table.splitlines()[2:]
    assert display_width(first[: first.index("x")]) == display_width(second[: second.index("y")])
