"""Inputs and the store (issue 13 §4, and issue 19's base IRI): every refusal is a message and an exit code.

JSON-LD contexts by reference are refused at any depth without touching the network or the disk; a damaged
store pointer is reported and no snapshot deleted; `thaiplan query`, `validate` and `build` refuse what
they cannot read (empty, endless, non-regular, broken links) by name; a BOM is accepted by both readers.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from thaiplan.graph.store import POINTER, snapshots_dir

from tests.test_hostile_files import assert_clean_failure, listener, thaiplan
from tests.test_sparql_support import free_port, make_store

# --- JSON-LD contexts ---------------------------------------------------------------------------------

REMOTE_CONTEXTS = [
    '{{"@context": [["http://127.0.0.1:{port}/ctx"]], "@id": "https://example.org/s"}}',
    '{{"@context": [[["http://127.0.0.1:{port}/ctx"]]], "@id": "https://example.org/s"}}',
    '{{"@context": [[{{"@import": "http://127.0.0.1:{port}/i"}}]], "@id": "https://example.org/s"}}',
    '{{"@context": {{"@context": "http://127.0.0.1:{port}/c"}}, "@id": "https://example.org/s"}}',
    '{{"@context": [{{"@context": ["http://127.0.0.1:{port}/c"]}}], "@id": "https://example.org/s"}}',
    '{{"@context": {{"p": {{"@id": "https://example.org/p", "@context": [["http://127.0.0.1:{port}/s"]]}}}},'
    ' "@id": "https://example.org/s", "p": {{"@id": "https://example.org/o"}}}}',
]


@pytest.mark.parametrize("document", REMOTE_CONTEXTS)
def test_validate_never_fetches_a_nested_json_ld_context_issue13(tmp_path: Path, document: str) -> None:
    with listener() as (port, connections):
        path = tmp_path / "remote.jsonld"
        path.write_text(document.format(port=port))
        result = thaiplan("validate", str(path))
    assert connections == []
    assert_clean_failure(result, "not fetched", str(path))


def test_json_ld_file_context_reveals_nothing_issue13(tmp_path: Path) -> None:
    existing = tmp_path / "secret.json"
    existing.write_text('{"@context": {"ex": "https://example.org/"}}')
    messages = []
    for target in (existing, tmp_path / "missing.json"):
        path = tmp_path / "probe.jsonld"
        path.write_text(json.dumps({"@context": [[str(target)]], "@id": "https://example.org/s"}))
        result = thaiplan("validate", str(path))
        assert_clean_failure(result, "not fetched")
        messages.append(result.stderr.replace(str(target), "TARGET"))
    assert messages[0] == messages[1]


def test_ontology_check_never_fetches_a_json_ld_context_issue13(tmp_path: Path) -> None:
    with listener() as (port, connections):
        path = tmp_path / "extra.jsonld"
        path.write_text(
            json.dumps({"@context": f"http://127.0.0.1:{port}/ctx", "@id": "https://example.org/s"})
        )
        result = thaiplan("ontology", "check", "--with", str(path))
    assert connections == []
    assert_clean_failure(result, "not fetched", str(path))


# --- the store pointer --------------------------------------------------------------------------------

DAMAGED_POINTERS = {"empty": b"", "blank": b" \n", "too-long": b"a" * 300 + b"\n", "fifo": None}


@pytest.mark.parametrize("damage", sorted(DAMAGED_POINTERS))
def test_serve_on_a_damaged_pointer_keeps_the_snapshot_issue13(tmp_path: Path, damage: str) -> None:
    store_dir = make_store(tmp_path / "store", numbers=3)
    (snapshot,) = [p.name for p in snapshots_dir(store_dir).iterdir()]
    pointer = store_dir / POINTER
    pointer.unlink()
    if DAMAGED_POINTERS[damage] is None:
        os.mkfifo(pointer)
    else:
        pointer.write_bytes(DAMAGED_POINTERS[damage])
    result = thaiplan("serve", "--store", str(store_dir), "--port", str(free_port()))
    assert result.returncode == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert str(pointer) in result.stderr and "damaged" in result.stderr
    assert snapshot in result.stderr  # the snapshots found are named: the user chooses
    assert (snapshots_dir(store_dir) / snapshot).is_dir()
    assert "building it first" not in result.stdout


def test_build_over_a_damaged_pointer_deletes_no_snapshot_issue13(tmp_path: Path) -> None:
    store_dir = make_store(tmp_path / "store", numbers=3)
    (snapshot,) = [p.name for p in snapshots_dir(store_dir).iterdir()]
    (store_dir / POINTER).write_bytes(b"")
    data = tmp_path / "data"
    data.mkdir()
    (data / "x.ttl").write_text("<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n")
    result = thaiplan("build", "--store", str(store_dir), "--data", str(data))
    assert result.returncode == 0, result.stderr[-2000:]
    assert (snapshots_dir(store_dir) / snapshot).is_dir()  # the user may still go back to it
    assert (store_dir / POINTER).read_text().strip() != snapshot
