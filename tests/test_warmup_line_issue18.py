"""`thaiplan serve` says on stderr when its warm-up has ended (issue 18), the line a benchmark waits for.

A real `thaiplan serve` on a free 127.0.0.1 port, its stderr read until the line, stopped by its PID.
"""

from __future__ import annotations

import os
import re
import selectors
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_isolation_support import stop
from tests.test_sparql_support import free_port
from thaiplan.config import Config
from thaiplan.graph.build.pipeline import build
from thaiplan.server import warmup

LINE = re.compile(r"^thaiplan serve: warmed up in \d+\.\d s \((\d+) requests on (\d+) workers\)$")
SECONDS = 120.0


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The curated graph, built once for this module."""
    store_dir = tmp_path_factory.mktemp("warm-line") / "store"
    build(Config(store_dir=store_dir), out=lambda _: None)
    return store_dir


def stderr_until(proc: subprocess.Popen[str], pattern: re.Pattern[str], seconds: float) -> list[str]:
    """The lines the process writes to stderr, up to and with the first that matches `pattern`."""
    assert proc.stderr is not None
    lines: list[str] = []
    deadline = time.monotonic() + seconds
    with selectors.DefaultSelector() as selector:
        selector.register(proc.stderr, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if not selector.select(timeout=0.5):
                continue
            line = proc.stderr.readline()
            if not line:  # the server exited
                break
            lines.append(line.rstrip("\n"))
            if pattern.match(lines[-1]):
                return lines
    pytest.fail(f"no warm-up line within {seconds:.0f} s; stderr: {lines[-20:]}")


def test_serve_prints_the_end_of_its_warmup_on_stderr_issue18(store: Path) -> None:
    """One stderr line with the seconds, the requests (every named query and page) and the workers."""
    port = free_port()
    cmd = [sys.executable, "-m", "thaiplan.cli", "serve", "--store", str(store), "--port", str(port)]
    cmd += ["--host", "127.0.0.1", "--workers", "1"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    try:
        lines = stderr_until(proc, LINE, SECONDS)
    finally:
        stop(proc, 30)
    found = LINE.match(lines[-1])
    assert found is not None
    requests, workers = int(found[1]), int(found[2])
    assert requests >= 10  # every public named query and the keyed pages
    assert workers == 2  # one worker and the light clients' reserve
    assert not any("Traceback" in line for line in lines), lines


def test_warm_calls_its_callback_and_returns_its_statuses_issue18(monkeypatch) -> None:
    """`warm(app, done)` returns the statuses as before and hands `done` the seconds, requests, workers."""
    seen: list[tuple[float, int, int]] = []
    monkeypatch.setattr(warmup, "warm_text", lambda: None)
    monkeypatch.setattr(warmup, "wait_for_workers", lambda app: None)
    monkeypatch.setattr(warmup, "warm_paths", lambda app: [("/a", "text/html"), ("/b", "text/html")])
    monkeypatch.setattr(warmup, "on_every_worker", lambda app, path, accept: 200)
    monkeypatch.setattr(warmup, "lanes", lambda app: 3)
    statuses = warmup.warm(object(), done=lambda *args: seen.append(args))  # type: ignore[arg-type]
    assert statuses == {"/a": 200, "/b": 200}
    assert len(seen) == 1 and seen[0][1:] == (2, 3) and seen[0][0] >= 0
