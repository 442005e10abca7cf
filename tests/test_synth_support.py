"""Helpers for tests on a small synthetic graph: `thaiplan synth` written to a data folder and built."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from thaiplan.config import Config
from thaiplan.graph.build.pipeline import build

ROOT = Path(__file__).resolve().parents[1]


def built_synthetic(factory: pytest.TempPathFactory, name: str, triples: str, workers: int = 1) -> Config:
    """A config whose store holds a synthetic graph of about `triples` (e.g. "20k"), built by the pipeline."""
    tmp = factory.mktemp(name)
    data = tmp / "data"
    data.mkdir()
    cli = [sys.executable, "-m", "thaiplan.cli", "synth", "--triples", triples, "-o", str(data / "synth.nq")]
    subprocess.run(cli, check=True, cwd=ROOT, capture_output=True)
    config = Config(store_dir=tmp / "store", workers=workers)
    build(config, data, out=lambda _: None)
    return config
