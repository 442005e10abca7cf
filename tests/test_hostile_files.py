"""Hostile file input to `thaiplan validate` and `thaiplan build` (issue 8).

Malformed Turtle, huge literals, 100k-deep nesting, RDF/XML entity bombs and JSON-LD with remote contexts
must end in a clear message and exit code, in bounded time and memory, never a traceback; a remote context
is never fetched (a listener on 127.0.0.1 must see no connection); entities are never expanded.
"""

from __future__ import annotations

import contextlib
import resource
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thaiplan.errors import InputError
from thaiplan.graph.build.inputs import Input
from thaiplan.graph.build.pipeline import load_file
from thaiplan.shapes.validate import read_rdf

FUZZ = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
# Memory a `thaiplan` child may use (address space): an expanded entity bomb would need far more.
MEMORY_LIMIT = 2 * 1024**3
TIME_LIMIT = 60

PREFIX = "@prefix ex: <https://example.org/> .\n"
DEPTH = 100_000
LAUGHS = "".join(f'  <!ENTITY a{i} "{"".join(f"&a{i - 1};" for _ in range(10))}">\n' for i in range(1, 10))
BILLION_LAUGHS = f"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
  <!ENTITY a0 "lollollollollollollollollollol">
{LAUGHS}]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="https://example.org/">
  <rdf:Description rdf:about="https://example.org/s"><ex:p>&a9;</ex:p></rdf:Description>
</rdf:RDF>
"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="https://example.org/">
  <rdf:Description rdf:about="https://example.org/s"><ex:p>&secret;</ex:p></rdf:Description>
</rdf:RDF>
"""
TRIX_BOMB = """<?xml version="1.0"?>
<!DOCTYPE TriX [ <!ENTITY a "aaaaaaaaaa"> <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"> ]>
<TriX xmlns="http://www.w3.org/2004/03/trix/trix-1/"><graph><triple>
  <uri>https://example.org/s</uri><uri>https://example.org/p</uri><plainLiteral>&b;</plainLiteral>
</triple></graph></TriX>
"""


def limit_memory() -> None:
    """In the child: cap the address space, so expansion would fail rather than take the machine."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def thaiplan(*args: str) -> subprocess.CompletedProcess[str]:
    """Run `thaiplan` in a child with bounded memory and time."""
    return subprocess.run(
        [sys.executable, "-m", "thaiplan.cli", *args],
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT,
        preexec_fn=limit_memory,
    )


def assert_clean_failure(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    """Exit code 2 (input refused) with a one-line message, no traceback."""
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in result.stderr


@contextlib.contextmanager
def listener() -> Iterator[tuple[int, list[object]]]:
    """A TCP listener on 127.0.0.1 that records every connection it receives."""
    connections: list[object] = []
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    stop = threading.Event()

    def accept() -> None:
        """Record connections until stopped."""
        while not stop.is_set():
            try:
                conn, peer = server.accept()
            except TimeoutError:
                continue
            connections.append(peer)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1], connections
    finally:
        stop.set()
        thread.join(5)
        server.close()


# --- thaiplan validate ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "needle"),
    [
        ("bomb.rdf", BILLION_LAUGHS, "entity declarations"),
        ("external.rdf", EXTERNAL_ENTITY, "entity declarations"),
        ("bomb.trix", TRIX_BOMB, "entity declarations"),
    ],
)
def test_validate_refuses_xml_entities_issue8(tmp_path: Path, name: str, text: str, needle: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    result = thaiplan("validate", str(path))
    assert_clean_failure(result, needle, str(path))
    assert "root:x:0:0" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    "document",
    [
        '{{"@context": "http://127.0.0.1:{port}/ctx.jsonld", "@id": "https://example.org/s", "name": "x"}}',
        '{{"@context": [{{"ex": "https://example.org/"}}, "http://127.0.0.1:{port}/c"], "@id": "ex:s"}}',
        '{{"@graph": [{{"@context": "http://127.0.0.1:{port}/nested", "@id": "https://example.org/s"}}]}}',
        '{{"@context": {{"@import": "http://127.0.0.1:{port}/import", "@version": 1.1}}, "@id": "urn:x"}}',
    ],
)
def test_validate_never_fetches_a_json_ld_context_issue8(tmp_path: Path, document: str) -> None:
    with listener() as (port, connections):
        path = tmp_path / "remote.jsonld"
        path.write_text(document.format(port=port))
        result = thaiplan("validate", str(path))
    assert connections == []
    assert_clean_failure(result, "not fetched", str(path))


def test_validate_accepts_an_inline_json_ld_context_issue8(tmp_path: Path) -> None:
    path = tmp_path / "inline.jsonld"
    path.write_text('{"@context": {"ex": "https://example.org/"}, "@id": "ex:s", "ex:p": "ค่า"}')
    assert len(read_rdf([path])) == 1


def deep_turtle(kind: str) -> str:
    """Turtle nested DEPTH levels deep in blank-node brackets or collections."""
    if kind == "brackets":
        return PREFIX + "ex:s ex:p " + "[ ex:p " * DEPTH + "ex:o" + " ]" * DEPTH + " .\n"
    return PREFIX + "ex:s ex:p " + "( " * DEPTH + "ex:o" + " )" * DEPTH + " .\n"


BAD_TURTLE = {
    "unterminated": PREFIX + 'ex:s ex:p "never closed .\nex:a ex:b ex:c .\n',
    "undefined-prefix": "nope:s nope:p nope:o .\n",
    "bad-iri": PREFIX + "<http://exa mple.org/ s> ex:p ex:o .\n",
    "binary": "\x00\xff\xfe garbage",
    "bad-escape": PREFIX + 'ex:s ex:p "\\uZZZZ" .\n',
}


@pytest.mark.parametrize("kind", ["brackets", "collections"])
def test_validate_deep_nesting_is_a_message_issue8(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "deep.ttl"
    path.write_text(deep_turtle(kind))
    assert_clean_failure(thaiplan("validate", str(path)), str(path))


def test_validate_huge_literal_is_a_message_issue8(tmp_path: Path) -> None:
    path = tmp_path / "huge.ttl"
    path.write_text(PREFIX + 'ex:s ex:p "' + "ก" * 6_000_000 + '" .\n')  # 18 MB: over the 16 MiB term cap
    assert_clean_failure(thaiplan("validate", str(path)), "16 MiB")


# rdflib reads "\\uZZZZ" as the literal text itself: lenient, not a failure, so it is not listed here.
@pytest.mark.parametrize("name", sorted(set(BAD_TURTLE) - {"bad-escape"}))
def test_validate_malformed_turtle_names_file_and_line_issue8(tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.ttl"
    path.write_bytes(BAD_TURTLE[name].encode("utf-8", "surrogateescape"))
    with pytest.raises(InputError, match=str(path)):
        read_rdf([path])


# --- thaiplan build -------------------------------------------------------------------------------------


def data_dir(tmp_path: Path, text: str) -> Path:
    """A data folder with one Turtle file holding `text`."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "hostile.ttl").write_text(text)
    return folder


@pytest.mark.parametrize("kind", ["brackets", "collections"])
def test_build_deep_nesting_loads_in_bounded_time_issue8(tmp_path: Path, kind: str) -> None:
    result = thaiplan(
        "build", "--store", str(tmp_path / "store"), "--data", str(data_dir(tmp_path, deep_turtle(kind)))
    )
    assert result.returncode == 0, result.stderr[-2000:]  # pyoxigraph's parser is not recursive


def test_build_huge_literal_is_a_message_issue8(tmp_path: Path) -> None:
    folder = data_dir(tmp_path, PREFIX + 'ex:s ex:p "' + "x" * 17_000_000 + '" .\n')
    result = thaiplan("build", "--store", str(tmp_path / "store"), "--data", str(folder))
    assert_clean_failure(result, "hostile.ttl", "too large to load")
    assert not (tmp_path / "store" / "CURRENT").exists()  # nothing half-built became current


@pytest.mark.parametrize("name", sorted(BAD_TURTLE))
def test_build_malformed_turtle_is_a_message_issue8(tmp_path: Path, name: str) -> None:
    folder = data_dir(tmp_path, "")
    (folder / "hostile.ttl").write_bytes(BAD_TURTLE[name].encode("utf-8", "surrogateescape"))
    with pytest.raises(InputError, match=r"hostile\.ttl"):
        load_file(ox.Store(), Input(folder / "hostile.ttl", "https://w3id.org/thaiplan/graph/hostile"))


# --- any bytes, any format ------------------------------------------------------------------------------

TURTLE_BITS = st.sampled_from(
    [
        "@prefix",
        "ex:",
        "<https://example.org/>",
        ".",
        ";",
        ",",
        "[",
        "]",
        "(",
        ")",
        '"',
        '"""',
        "'",
        "@th",
        "^^",
        "ex:s",
        "ex:p",
        "_:b",
        "a",
        "\n",
        "#",
        "\\u0000",
        "\\",
        "<",
        ">",
        "true",
        "1e9999",
        "ก",
        "\u200b",
    ]
)
FILE_BYTES = st.one_of(
    st.binary(max_size=400),
    st.lists(TURTLE_BITS, max_size=60).map(lambda bits: " ".join(bits).encode("utf-8")),
)


@FUZZ
@given(content=FILE_BYTES, suffix=st.sampled_from([".ttl", ".nt", ".rdf", ".jsonld", ".trig", ".nq", ".n3"]))
def test_validate_reader_any_bytes_issue8(tmp_path: Path, content: bytes, suffix: str) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(content)
    with contextlib.suppress(InputError):
        read_rdf([path])


@FUZZ
@given(content=FILE_BYTES)
def test_build_loader_any_bytes_issue8(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "fuzz.ttl"
    path.write_bytes(content)
    with contextlib.suppress(InputError):
        load_file(ox.Store(), Input(path, "https://w3id.org/thaiplan/graph/fuzz"))
