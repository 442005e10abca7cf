"""The `thaiplan` command's top level: help, version, and clean errors for bad usage."""

import subprocess
import sys

import pytest

from thaiplan.cli import main


def test_help_lists_subcommands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    assert "ontology" in capsys.readouterr().out


def test_unknown_subcommand_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["no-such-command"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_console_script_runs() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "thaiplan.cli", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.startswith("thaiplan ")
