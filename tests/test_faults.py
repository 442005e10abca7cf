"""Faults caused for real (issue 8): a build killed mid-load, a query worker killed, a damaged store.

Each test makes the fault happen (SIGKILL, garbage bytes, a file where a directory should be, an
unprivileged user) and checks what the user sees: the old graph served whole, a 503 then service, or a
message naming the store directory and the command that rebuilds it, never a traceback.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.test_sparql_support import NUMBERS_GRAPH, free_port, make_store, running_app
from thaiplan.cli import main
from thaiplan.config import Config
from thaiplan.graph.build.pipeline import build
from thaiplan.graph.store.local import POINTER, EmbeddedStore, snapshot_id, snapshots_dir

DATA = Path(__file__).parent / "data" / "build"
COUNT = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{NUMBERS_GRAPH}> {{ ?s ?p ?o }} }}"
# A cross product of every quad with itself four times: tens of seconds on the test store.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
NOBODY = 65534


def write_big_data(folder: Path, subjects: int = 150_000) -> Path:
    """A data folder with one Turtle file large enough that `thaiplan build` takes seconds to load it."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "bulk.ttl", "w", encoding="utf-8") as out:
        out.write("@prefix ex: <https://example.org/> .\n")
        for i in range(subjects):
            out.write(f'ex:s{i} ex:label "ค่าที่ {i} of a synthetic load test" ; ex:next ex:s{i + 1} .\n')
    return folder


def count_numbers(store_dir: Path) -> str:
    """The number of quads in the test store's numbers graph, read through a fresh read-only store."""
    store = EmbeddedStore(store_dir)
    return next(iter(store.query(COUNT)))["n"].value


def thaiplan_cmd(*args: str) -> list[str]:
    """The `thaiplan` command line run by this interpreter."""
    return [sys.executable, "-m", "thaiplan.cli", *args]


# --- a build killed with SIGKILL ----------------------------------------------------------------------


def start_build(store_dir: Path, data_dir: Path) -> subprocess.Popen[bytes]:
    """`thaiplan build` as a child process."""
    return subprocess.Popen(
        thaiplan_cmd("build", "--store", str(store_dir), "--data", str(data_dir)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_for_new_snapshot(store_dir: Path, old: str, proc: subprocess.Popen[bytes]) -> bool:
    """Wait until the build has created its new snapshot directory (it is loading); False if it ended."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        folder = snapshots_dir(store_dir)
        if any(child.name != old for child in folder.iterdir()):
            return True
        time.sleep(0.01)
    return False


def test_build_killed_mid_load_keeps_the_old_graph_whole_issue8(tmp_path: Path) -> None:
    store_dir = make_store(tmp_path / "store", numbers=42)
    old = snapshot_id(store_dir)
    big = write_big_data(tmp_path / "big")
    killed_mid_build = 0
    with running_app(store_dir, workers=1) as app:
        client = app.test_client()
        assert (
            client.get("/sparql", query_string={"query": COUNT}).json["results"]["bindings"][0]["n"]["value"]
            == "42"
        )
        # Kill points after the new snapshot directory appears: at once, early in the bulk load, later.
        for delay in (0.0, 0.3, 0.9, 1.8):
            proc = start_build(store_dir, big)
            started = wait_for_new_snapshot(store_dir, old or "", proc)
            time.sleep(delay)
            if started and proc.poll() is None:
                killed_mid_build += 1
            proc.send_signal(signal.SIGKILL)
            proc.wait(30)
            proc.stderr.close()  # type: ignore[union-attr]
            if proc.returncode == 0:
                continue  # the build won the race: it completed, which is the other allowed outcome
            assert proc.returncode == -signal.SIGKILL
            # The old graph, whole: the pointer, the snapshot and its answers are unchanged.
            assert snapshot_id(store_dir) == old
            assert count_numbers(store_dir) == "42"
            reply = client.get("/sparql", query_string={"query": COUNT})
            assert reply.status_code == 200
            assert reply.json["results"]["bindings"][0]["n"]["value"] == "42"
    assert killed_mid_build >= 2, "the build finished before the kill points: make the data bigger"
    leftovers = {p.name for p in snapshots_dir(store_dir).iterdir()} - {old}
    assert leftovers  # half-written snapshots of the killed builds are still on disk …
    report = build(Config(store_dir=store_dir), DATA / "valid", out=lambda _: None)
    # … and the next build succeeds, switches, and removes them.
    assert snapshot_id(store_dir) == report.snapshot_id != old
    assert {p.name for p in snapshots_dir(store_dir).iterdir()} == {report.snapshot_id, old}


# --- a query worker killed --------------------------------------------------------------------------


def cpu_ticks(pid: int) -> int:
    """User plus system CPU ticks a process has used, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def busy_worker(pids: list[int]) -> int:
    """The worker process that is using the CPU (running the slow query)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        before = {pid: cpu_ticks(pid) for pid in pids}
        time.sleep(0.3)
        busy = [pid for pid in pids if cpu_ticks(pid) - before[pid] >= 10]
        if len(busy) == 1:
            return busy[0]
    raise AssertionError("no worker became busy with the slow query")


def test_worker_killed_mid_query_is_a_503_and_service_goes_on_issue8(tmp_path: Path) -> None:
    store_dir = make_store(tmp_path / "store", numbers=60)
    with running_app(store_dir, workers=2, query_timeout=60.0) as app:
        client = app.test_client()
        pool = app.extensions["thaiplan_pool"]
        for _ in range(4):  # both workers up and warm
            assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200
        replies: list[object] = []
        slow = threading.Thread(
            target=lambda: replies.append(client.get("/sparql", query_string={"query": SLOW})), daemon=True
        )
        slow.start()
        victim = busy_worker(pool.pids)
        # While one worker is busy the other keeps answering.
        assert client.get("/sparql", query_string={"query": COUNT}).status_code == 200
        os.kill(victim, signal.SIGKILL)
        slow.join(30)
        assert not slow.is_alive()
        (killed,) = replies
        assert killed.status_code == 503  # type: ignore[attr-defined]
        assert "stopped unexpectedly" in killed.get_data(as_text=True)  # type: ignore[attr-defined]
        assert "Traceback" not in killed.get_data(as_text=True)  # type: ignore[attr-defined]
        for _ in range(6):  # the next ones are served, by the survivor and by the replacement
            reply = client.get("/sparql", query_string={"query": COUNT})
            assert reply.status_code == 200
            assert reply.json["results"]["bindings"][0]["n"]["value"] == "60"
        assert victim not in pool.pids


# --- a missing, unreadable or damaged store -----------------------------------------------------------


def _garbage_sst(store_dir: Path) -> None:
    """Overwrite every RocksDB table of the current snapshot with random bytes."""
    for table in (snapshots_dir(store_dir) / (snapshot_id(store_dir) or "")).glob("*.sst"):
        table.write_bytes(os.urandom(4096))


def _garbage_all(store_dir: Path) -> None:
    """Overwrite every file of the current snapshot (CURRENT, MANIFEST, tables) with random bytes."""
    for path in (snapshots_dir(store_dir) / (snapshot_id(store_dir) or "")).iterdir():
        path.write_bytes(os.urandom(200))


def _emptied(store_dir: Path) -> None:
    """Delete the files of the current snapshot, leaving its empty directory."""
    for path in (snapshots_dir(store_dir) / (snapshot_id(store_dir) or "")).iterdir():
        path.unlink()


def _pointer(text: bytes) -> Callable[[Path], object]:
    """Damage: write `text` into CURRENT."""
    return lambda store_dir: (store_dir / POINTER).write_bytes(text)


def _file_instead(store_dir: Path) -> None:
    """A plain file where the store directory should be."""
    shutil.rmtree(store_dir)
    store_dir.write_text("not a store\n")


DAMAGE = {
    "sst-garbage": _garbage_sst,
    "all-files-garbage": _garbage_all,
    "snapshot-emptied": _emptied,
    "pointer-to-nowhere": _pointer(b"20250101T000000Z-deadbeef\n"),
    "pointer-binary": _pointer(os.urandom(64) + b"\xff"),
    "pointer-path": _pointer(b"../../../../etc\n"),
    "pointer-nul": _pointer(b"abc\x00def\n"),
    "file-instead-of-dir": _file_instead,
}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One small built store, copied by each damage case."""
    return make_store(tmp_path_factory.mktemp("pristine") / "store", numbers=3)


def damaged_copy(pristine: Path, where: Path, damage: str) -> Path:
    """A copy of the pristine store with one kind of damage done to it."""
    store_dir = where / "store"
    shutil.copytree(pristine, store_dir)
    DAMAGE[damage](store_dir)
    return store_dir


def assert_clear_message(stderr: str, store_dir: Path) -> None:
    """The message names the store directory and how to rebuild, with no traceback."""
    assert "Traceback" not in stderr
    assert str(store_dir) in stderr
    assert "thaiplan build" in stderr


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_query_on_a_damaged_store_says_how_to_rebuild_issue8(
    pristine: Path, tmp_path: Path, damage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    store_dir = damaged_copy(pristine, tmp_path, damage)
    query = tmp_path / "count.rq"
    query.write_text(COUNT)
    assert main(["query", str(query), "--store", str(store_dir)]) == 1
    assert_clear_message(capsys.readouterr().err, store_dir)


@pytest.mark.parametrize(
    "damage", ["sst-garbage", "pointer-to-nowhere", "pointer-binary", "file-instead-of-dir"]
)
def test_serve_on_a_damaged_store_exits_with_advice_issue8(
    pristine: Path, tmp_path: Path, damage: str
) -> None:
    store_dir = damaged_copy(pristine, tmp_path, damage)
    result = subprocess.run(
        thaiplan_cmd("serve", "--store", str(store_dir), "--port", str(free_port())),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert_clear_message(result.stderr, store_dir)
    assert "building it first" not in result.stdout  # a damaged store is reported, never replaced


def test_damaged_store_is_repaired_by_the_next_build_issue8(pristine: Path, tmp_path: Path) -> None:
    store_dir = damaged_copy(pristine, tmp_path, "pointer-path")
    report = build(Config(store_dir=store_dir), DATA / "valid", out=lambda _: None)
    assert snapshot_id(store_dir) == report.snapshot_id
    assert EmbeddedStore(store_dir).named_graphs()


def test_query_without_a_store_says_how_to_build_issue8(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    query = tmp_path / "count.rq"
    query.write_text(COUNT)
    missing = tmp_path / "never-built"
    assert main(["query", str(query), "--store", str(missing)]) == 1
    assert_clear_message(capsys.readouterr().err, missing)


@pytest.fixture
def world_readable_tmp() -> Iterator[Path]:
    """A temporary folder that an unprivileged user can enter (pytest's own is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="thaiplan-faults-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run_unprivileged(args: list[str]) -> subprocess.CompletedProcess[str]:
    """Run a command as user nobody when we are root (root ignores file modes), else as ourselves.

    `setpriv` (util-linux) drops to nobody with no capabilities; Python's own `user=` cannot exec this
    interpreter here (its real path is under /root), while setpriv can.
    """
    env = {**os.environ, "HOME": tempfile.gettempdir()}
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: cannot drop privileges to make a store unreadable")
        args = [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *args]
    return subprocess.run(args, capture_output=True, text=True, timeout=60, env=env)


@pytest.mark.parametrize("what", ["store-dir", "snapshot-dir"])
@pytest.mark.parametrize("command", ["query", "serve"])
def test_unreadable_store_is_a_clear_message_issue8(
    pristine: Path, world_readable_tmp: Path, what: str, command: str
) -> None:
    store_dir = world_readable_tmp / "store"
    shutil.copytree(pristine, store_dir)
    query = world_readable_tmp / "count.rq"
    query.write_text(COUNT)
    query.chmod(0o644)
    target = store_dir if what == "store-dir" else snapshots_dir(store_dir) / (snapshot_id(store_dir) or "")
    target.chmod(0o000)
    args = (
        thaiplan_cmd("query", str(query), "--store", str(store_dir))
        if command == "query"
        else thaiplan_cmd("serve", "--store", str(store_dir), "--port", str(free_port()))
    )
    result = run_unprivileged(args)
    assert result.returncode == 1, result.stderr
    assert_clear_message(result.stderr, store_dir)
    assert "Permission denied" in result.stderr


# --- the disk full during a build ----------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MiB tmpfs mounted for the test (root only), unmounted afterwards."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount_point)], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs to fill up (needs root): {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_disk_full_during_build_leaves_the_previous_store_untouched_issue8(
    small_disk: Path, tmp_path: Path
) -> None:
    store_dir = make_store(small_disk / "store", numbers=11)
    old = snapshot_id(store_dir)
    files_before = sorted(p.relative_to(store_dir) for p in store_dir.rglob("*"))
    big = write_big_data(tmp_path / "big", subjects=100_000)  # ~40 MiB of snapshot: cannot fit in 4 MiB
    result = subprocess.run(
        thaiplan_cmd("build", "--store", str(store_dir), "--data", str(big)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "the disk is full" in result.stderr and str(store_dir) in result.stderr
    assert "previous snapshot is untouched" in result.stderr
    assert snapshot_id(store_dir) == old
    assert count_numbers(store_dir) == "11"
    # The failed snapshot is gone: the disk holds what it held before (the space is free again).
    assert sorted(p.relative_to(store_dir) for p in store_dir.rglob("*")) == files_before
    report = build(Config(store_dir=store_dir), DATA / "valid", out=lambda _: None)
    assert snapshot_id(store_dir) == report.snapshot_id != old


def test_disk_already_full_at_build_start_is_a_clear_message_issue8(
    small_disk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store_dir = make_store(small_disk / "store", numbers=5)
    old = snapshot_id(store_dir)
    # Take every byte that is left.
    with open(small_disk / "filler", "wb") as filler, contextlib.suppress(OSError):
        while True:
            filler.write(b"\0" * 65536)
            filler.flush()
    assert main(["build", "--store", str(store_dir), "--data", str(DATA / "valid")]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and str(store_dir) in err
    assert "the disk is full" in err and "previous snapshot is untouched" in err
    assert snapshot_id(store_dir) == old
    assert count_numbers(store_dir) == "5"
