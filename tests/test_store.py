"""Store snapshots (issue 3): atomic switch, pruning, leftovers, the build lock, read-only opening."""

from __future__ import annotations

from pathlib import Path

import pytest

from thaiplan.config import Config
from thaiplan.errors import ThaiplanError
from thaiplan.graph.build import closure
from thaiplan.graph.build.pipeline import build
from thaiplan.graph.store.api import GraphStore
from thaiplan.graph.store.local import (
    EmbeddedStore,
    build_lock,
    current_snapshot,
    open_read_only,
    snapshot_id,
)

DATA = Path(__file__).parent / "data" / "build"
COUNT = (DATA / "queries" / "from-agencies.rq").read_text(encoding="utf-8")
LABELS = (DATA / "queries" / "labels.rq").read_text(encoding="utf-8")


def _build(store_dir: Path, dataset: str = "valid") -> str:
    """Build a test dataset quietly and return the new snapshot id."""
    return build(Config(store_dir=store_dir), DATA / dataset, out=lambda _: None).snapshot_id


def _labels(store: EmbeddedStore) -> list[str]:
    """The labels the labels query returns, as text."""
    return [row["label"].value for row in store.query(LABELS)]


def test_issue3_no_store_yet(tmp_path: Path) -> None:
    assert current_snapshot(tmp_path) is None
    assert snapshot_id(tmp_path) is None
    with pytest.raises(ThaiplanError, match="run `thaiplan build`") as exc:
        open_read_only(tmp_path)
    assert str(tmp_path) in str(exc.value)


def test_issue3_corrupt_snapshot_says_to_rebuild(tmp_path: Path) -> None:
    sid = _build(tmp_path)
    for child in (tmp_path / "snapshots" / sid).iterdir():
        child.write_bytes(b"garbage")
    with pytest.raises(ThaiplanError, match="thaiplan build"):
        open_read_only(tmp_path)


def test_issue3_embedded_store_is_a_graph_store(tmp_path: Path) -> None:
    sid = _build(tmp_path)
    store = EmbeddedStore(tmp_path)
    assert isinstance(store, GraphStore)
    assert store.snapshot_id == sid == snapshot_id(tmp_path)
    assert "https://w3id.org/thaiplan/graph/agencies" in store.named_graphs()
    # The default graph is the union of the named graphs; FROM narrows it to one graph.
    assert _labels(store) == ["Strategy 1", "ยุทธศาสตร์ที่ 1"]
    assert int(next(iter(store.query(COUNT)))["n"].value) == 2
    default = ["https://w3id.org/thaiplan/graph/plan"]
    assert len(list(store.query(LABELS, default_graph=default))) == 2
    assert not list(store.query(LABELS, default_graph=["https://w3id.org/thaiplan/graph/agencies"]))


def test_issue3_rebuild_switches_atomically_and_keeps_previous(tmp_path: Path) -> None:
    first = _build(tmp_path)
    reader = EmbeddedStore(tmp_path)  # a server holding the first snapshot open
    second = _build(tmp_path)
    assert second != first and snapshot_id(tmp_path) == second
    assert current_snapshot(tmp_path) == tmp_path / "snapshots" / second
    # The old reader still sees its whole graph; a new reader sees the new snapshot.
    assert reader.snapshot_id == first and _labels(reader) == ["Strategy 1", "ยุทธศาสตร์ที่ 1"]
    assert EmbeddedStore(tmp_path).snapshot_id == second
    third = _build(tmp_path)
    kept = sorted(p.name for p in (tmp_path / "snapshots").iterdir())
    assert kept == sorted([second, third])  # the previous one stays for readers, older ones go


def test_issue3_failed_build_keeps_current_snapshot_and_answers(tmp_path: Path) -> None:
    first = _build(tmp_path)
    before = _labels(EmbeddedStore(tmp_path))
    for dataset in ("bad-turtle", "missing-quote", "unknown-source"):
        with pytest.raises(ThaiplanError):
            _build(tmp_path, dataset)
        assert snapshot_id(tmp_path) == first
        assert _labels(EmbeddedStore(tmp_path)) == before
    assert [p.name for p in (tmp_path / "snapshots").iterdir()] == [first]


def test_issue3_interrupted_build_is_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _build(tmp_path)

    def interrupt(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(closure, "materialize", interrupt)
    with pytest.raises(KeyboardInterrupt):
        _build(tmp_path)
    assert snapshot_id(tmp_path) == first
    assert [p.name for p in (tmp_path / "snapshots").iterdir()] == [first]


def test_issue3_leftovers_of_a_killed_build_are_cleaned(tmp_path: Path) -> None:
    first = _build(tmp_path)
    # What a SIGKILLed build leaves: a half-written snapshot and a pointer temp file.
    (tmp_path / "snapshots" / "20000101T000000Z-deadbeef").mkdir()
    (tmp_path / "snapshots" / "20000101T000000Z-deadbeef" / "000001.sst").write_bytes(b"half")
    (tmp_path / ".CURRENT.99999.tmp").write_text("20000101T000000Z-deadbeef\n")
    assert snapshot_id(tmp_path) == first
    second = _build(tmp_path)
    assert sorted(p.name for p in (tmp_path / "snapshots").iterdir()) == sorted([first, second])
    assert not list(tmp_path.glob(".CURRENT.*"))


def test_issue3_concurrent_build_is_refused(tmp_path: Path) -> None:
    first = _build(tmp_path)
    with build_lock(tmp_path), pytest.raises(ThaiplanError, match="another `thaiplan build`"):
        _build(tmp_path)
    assert snapshot_id(tmp_path) == first
    assert _build(tmp_path) != first  # the lock is released afterwards
