"""The `thaiplan` command after issue 14's tidy: `build` reads THAIPLAN_DATA_DIR as `serve` does, and every
sub-command is registered through the one helper with its options, help and exit codes unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from thaiplan.cli import main

DATA = Path(__file__).parent / "data" / "build"


def test_issue14_build_reads_thaiplan_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """THAIPLAN_DATA_DIR names the folder built, as it names the one `serve` builds and `/import` writes."""
    store = str(tmp_path / "store")
    monkeypatch.setenv("THAIPLAN_DATA_DIR", str(DATA / "valid"))
    assert main(["build", "--store", store]) == 0
    out = capsys.readouterr().out
    # The fixture's one plan file, not the shipped graph/data (which has no graph named `plan`).
    assert "https://w3id.org/thaiplan/graph/plan " in out and "tp:Plan                   1" in out


def test_issue14_build_data_option_wins_over_thaiplan_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store = str(tmp_path / "store")
    monkeypatch.setenv("THAIPLAN_DATA_DIR", str(DATA / "missing-quote"))
    assert main(["build", "--store", store]) == 1  # the variable is read: its data has a problem
    assert "quote check" in capsys.readouterr().err
    assert main(["build", "--store", store, "--data", str(DATA / "valid")]) == 0


def test_issue14_build_names_a_missing_thaiplan_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere"
    monkeypatch.setenv("THAIPLAN_DATA_DIR", str(missing))
    assert main(["build", "--store", str(tmp_path / "store")]) == 2
    err = capsys.readouterr().err
    assert f"data folder {missing} does not exist" in err and "Traceback" not in err
