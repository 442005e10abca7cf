"""The `thaiplan` command after issue 14's tidy: `build`, `import` and `export` read THAIPLAN_DATA_DIR as
`serve` does, and every sub-command is registered through the one helper with its options, help and exit
codes unchanged."""

from __future__ import annotations

import argparse
from pathlib import Path
from types import ModuleType

import pytest

from thaiplan.cli import add_command, build_parser, main
from thaiplan.graph import cli as graph_cli
from thaiplan.graph.imports import cli as import_cli
from thaiplan.graph.synth import command as synth_cli
from thaiplan.ontology import cli as ontology_cli
from thaiplan.ontology.namespace import GRAPH_BASE, IMPORT_GRAPH_BASE
from thaiplan.server import cli as server_cli
from thaiplan.shapes import cli as shapes_cli

DATA = Path(__file__).parent / "data" / "build"
# Each folder's sub-commands, as the README's command table lists them.
AREAS: dict[ModuleType, set[str]] = {
    ontology_cli: {"ontology"},
    graph_cli: {"build", "query"},
    import_cli: {"import", "template", "export"},
    synth_cli: {"synth"},
    shapes_cli: {"validate"},
    server_cli: {"serve"},
}


@pytest.mark.parametrize("area", list(AREAS), ids=lambda m: m.__name__)
def test_issue14_every_folder_registers_through_the_one_helper(area: ModuleType) -> None:
    """A folder's `register` adds its commands with `add` alone: nothing reaches the sub-parsers around it."""
    sub = argparse.ArgumentParser().add_subparsers()
    added: list[str] = []

    def add(name: str, run: object, **options: str) -> argparse.ArgumentParser:
        """thaiplan.cli.add_command, noting the name."""
        added.append(name)
        return add_command(sub, name, run, **options)  # type: ignore[arg-type]

    area.register(add)
    assert sorted(added) == sorted(AREAS[area]) == sorted(sub.choices)
    for name in added:
        parser = sub.choices[name]
        assert parser.description or name == "ontology", f"{name} has no description"
        assert callable(parser.get_default("func")) or name == "ontology"


def test_issue14_the_command_runs_every_sub_command_with_its_options_and_exit_codes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert set(sub.choices) == set().union(*AREAS.values())
    for name in ("build", "import", "export"):  # the curated-data option, one definition for the three
        data = next(a for a in sub.choices[name]._actions if a.dest == "data")
        assert data.metavar == "DIR" and data.type is Path and "graph/data" in str(data.help)
    with pytest.raises(SystemExit) as exc:
        main(["build", "--help"])
    assert exc.value.code == 0 and "THAIPLAN_DATA_DIR" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exc:
        main(["serve", "--no-such-option"])
    assert exc.value.code == 2 and "unrecognized arguments: --no-such-option" in capsys.readouterr().err


def test_issue14_build_reads_thaiplan_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """THAIPLAN_DATA_DIR names the folder built, as it names the one `serve` builds and `/import` writes."""
    store = str(tmp_path / "store")
    monkeypatch.setenv("THAIPLAN_DATA_DIR", str(DATA / "valid"))
    assert main(["build", "--store", store]) == 0
    out = capsys.readouterr().out
    # The fixture's one plan file, not the shipped graph/data (which has no graph named `plan`).
    assert f"{GRAPH_BASE}plan " in out and "tp:Plan                   1" in out


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


def test_issue14_import_writes_into_thaiplan_data_dir_that_build_then_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """One variable, one folder: `thaiplan import` writes where `thaiplan build` (and `serve`) read."""
    from tests.test_import_page_issue16 import GOOD, fresh_data, sheet_bytes

    data = fresh_data(tmp_path / "data")
    sheet = tmp_path / "projects-env.csv"
    sheet.write_bytes(sheet_bytes([GOOD]))
    monkeypatch.setenv("THAIPLAN_DATA_DIR", str(data))
    assert main(["import", str(sheet)]) == 0
    assert sorted(p.name for p in (data / "imports").iterdir()) == ["projects-env.csv", "projects-env.ttl"]
    capsys.readouterr()
    assert main(["build", "--store", str(tmp_path / "store")]) == 0
    assert f"{IMPORT_GRAPH_BASE}projects-env " in capsys.readouterr().out


def test_issue14_data_folder_reads_only_thaiplan_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A malformed server setting does not stop `import` or `export` from finding their folder."""
    monkeypatch.setenv("THAIPLAN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("THAIPLAN_WORKERS", "many")
    assert graph_cli.data_folder(argparse.Namespace(data=None)) == tmp_path
    assert graph_cli.data_folder(argparse.Namespace(data=DATA)) == DATA
