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

from tests.test_hostile_files import assert_clean_failure, listener, thaiplan
from tests.test_sparql_support import free_port, make_store
from thaiplan.graph.build.inputs import GRAPH_BASE
from thaiplan.graph.store.local import POINTER, EmbeddedStore, snapshot_id, snapshots_dir

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

DAMAGED_POINTERS = {
    "empty": b"",
    "blank": b" \n",
    "too-long": b"a" * 300 + b"\n",
    "fifo": None,
    "missing": b"",  # removed: the snapshot beside it is still the user's
}


@pytest.mark.parametrize("damage", sorted(DAMAGED_POINTERS))
def test_serve_on_a_damaged_pointer_keeps_the_snapshot_issue13(tmp_path: Path, damage: str) -> None:
    store_dir = make_store(tmp_path / "store", numbers=3)
    (snapshot,) = [p.name for p in snapshots_dir(store_dir).iterdir()]
    pointer = store_dir / POINTER
    pointer.unlink()
    if DAMAGED_POINTERS[damage] is None:
        os.mkfifo(pointer)
    elif damage != "missing":
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


# --- thaiplan query -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small built store the query tests read."""
    return make_store(tmp_path_factory.mktemp("query") / "store", numbers=3)


@pytest.mark.parametrize("text", ["", " \n\t\n"])
def test_query_of_an_empty_file_says_it_is_empty_issue13(store: Path, tmp_path: Path, text: str) -> None:
    query = tmp_path / "empty.rq"
    query.write_text(text)
    result = thaiplan("query", str(query), "--store", str(store))
    assert_clean_failure(result, str(query), "empty")
    assert "update" not in result.stderr


@pytest.mark.parametrize("kind", ["dev-zero", "fifo", "directory"])
def test_query_refuses_what_is_not_a_regular_file_issue13(store: Path, tmp_path: Path, kind: str) -> None:
    query = tmp_path / "query.rq"
    if kind == "dev-zero":
        query.symlink_to("/dev/zero")  # read whole, it grew the process to 23 GB
    elif kind == "fifo":
        os.mkfifo(query)  # nobody writes: reading it hung
    else:
        query.mkdir()
    result = thaiplan("query", str(query), "--store", str(store))
    assert_clean_failure(result, str(query), "directory" if kind == "directory" else "not a regular file")


def test_query_larger_than_the_cap_is_refused_issue13(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("THAIPLAN_MAX_BODY_BYTES", "1000")
    query = tmp_path / "big.rq"
    query.write_text("ASK {}" + " " * 2000)
    assert_clean_failure(
        thaiplan("query", str(query), "--store", str(store)), str(query), "larger than 1,000"
    )
    query.write_text("ASK {}")
    assert thaiplan("query", str(query), "--store", str(store)).returncode == 0


# --- thaiplan validate --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("{ ?x a :A } => { ?x a :B } .\n:s a :A .\n", "N3 formulas"),
        (":s :p ( :a { :b :c :d } ) .\n", "N3 formulas"),
        ("?x :p :o .\n", "N3 variables"),
        ("@forAll :x .\n:x :p :o .\n", "N3 variables"),
        ('"text" :p :o .\n', "a literal cannot be the subject"),
    ],
)
def test_validate_of_n3_beyond_rdf_is_unreadable_input_issue13(
    tmp_path: Path, text: str, needle: str
) -> None:
    path = tmp_path / "rules.n3"
    path.write_text("@prefix : <https://example.org/> .\n" + text)
    assert_clean_failure(thaiplan("validate", str(path)), str(path), needle)


def test_validate_of_a_directory_says_so_issue13(tmp_path: Path) -> None:
    folder = tmp_path / "folder.ttl"
    folder.mkdir()
    result = thaiplan("validate", str(folder))
    assert_clean_failure(result, str(folder), "a directory")
    assert "no such file" not in result.stderr


# --- thaiplan build -----------------------------------------------------------------------------------

TRIPLE = "<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n"


def test_build_refuses_unreadable_data_files_and_switches_nothing_issue13(tmp_path: Path) -> None:
    store_dir = make_store(tmp_path / "store", numbers=3)
    before = snapshot_id(store_dir)
    data = tmp_path / "data"
    data.mkdir()
    (data / "good.ttl").write_text(TRIPLE)
    (data / "broken.ttl").symlink_to(tmp_path / "gone.ttl")
    os.mkfifo(data / "pipe.ttl")
    (data / "folder.nt").mkdir()
    result = thaiplan("build", "--store", str(store_dir), "--data", str(data))
    assert_clean_failure(result, "broken.ttl", "pipe.ttl", "folder.nt", "broken symbolic link")
    assert snapshot_id(store_dir) == before
    assert [p.name for p in snapshots_dir(store_dir).iterdir()] == [before]


def test_a_bom_is_accepted_by_validate_and_build_issue13(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for name, text in (
        ("bom.ttl", "@prefix ex: <https://example.org/> .\nex:a ex:b ex:c .\n"),
        ("bom.nt", TRIPLE),
    ):
        (data / name).write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
        result = thaiplan("validate", str(data / name))
        assert result.returncode == 0, result.stderr[-2000:]
    result = thaiplan("build", "--store", str(tmp_path / "store"), "--data", str(data))
    assert result.returncode == 0, result.stderr[-2000:]
    answer = EmbeddedStore(tmp_path / "store").query("ASK { GRAPH ?g { <https://example.org/a> ?p ?o } }")
    assert bool(answer)


def test_build_gives_each_file_its_own_base_iri_issue19(tmp_path: Path) -> None:
    data = tmp_path / "d"
    data.mkdir()
    (data / "x.ttl").write_text("<a> <b> <c> .\n")
    (data / "y.ttl").write_text("@prefix : <#> .\n<> :p :o .\n")
    result = thaiplan("build", "--store", str(tmp_path / "store"), "--data", str(data))
    assert result.returncode == 0, result.stderr[-2000:]
    store = EmbeddedStore(tmp_path / "store")
    x, y = (data / "x.ttl").as_uri(), (data / "y.ttl").as_uri()
    rows = store.query(
        "SELECT ?g ?s ?p ?o { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?s), 'file:')) } ORDER BY ?s"
    )
    found = [tuple(row[v].value for v in ("g", "s", "p", "o")) for row in rows]
    folder = data.as_uri() + "/"
    assert found == [
        (GRAPH_BASE + "x", folder + "a", folder + "b", folder + "c"),
        (GRAPH_BASE + "y", y, y + "#p", y + "#o"),
    ]
    assert x.startswith(folder)


def test_build_refuses_a_broken_agencies_folder_issue13(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "good.ttl").write_text(TRIPLE)
    (data / "agencies").symlink_to(tmp_path / "gone")  # the register would silently be left out
    result = thaiplan("build", "--store", str(tmp_path / "store"), "--data", str(data))
    assert_clean_failure(result, str(data / "agencies"), "not a folder")
    assert not (tmp_path / "store" / POINTER).exists()
