"""Streaming writers for the synthetic graph: N-Triples, N-Quads (one named graph) and Turtle.

Each writer turns blocks of pre-rendered terms into text and writes it in chunks, so memory stays
constant whatever the size. Output to a file goes through a temporary sibling renamed into place at the
end: an interrupted or failed run never leaves a half-written graph under the requested name.
"""

from __future__ import annotations

import gzip
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from thaiplan.errors import InputError, ThaiplanError
from thaiplan.graph.synth.terms import SYNTH_GRAPH, VOCAB_PREFIXES, kind_prefixes

Block = tuple[str, list[tuple[str, str]]]
FORMATS = ("nt", "nq", "ttl")
SUFFIXES = {".nt": "nt", ".nq": "nq", ".ttl": "ttl"}
CHUNK_BLOCKS = 4096  # blocks joined into one write: large enough to amortize, small enough to stream

# A Turtle local name we can write without escapes (PN_LOCAL's safe subset; no trailing dot).
_SAFE_LOCAL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")


def format_for(path: Path | None, requested: str | None) -> str:
    """The output format: the one asked for, else the file's extension (ignoring .gz), else N-Triples."""
    if requested is not None:
        if requested not in FORMATS:
            raise InputError(f"--format must be one of {', '.join(FORMATS)}, not {requested!r}")
        return requested
    if path is None:
        return "nt"
    if path.is_dir():
        raise InputError(f"{path}: is a folder; give a file name")
    suffixes = [s for s in path.suffixes if s != ".gz"]
    if suffixes and suffixes[-1] in SUFFIXES:
        return SUFFIXES[suffixes[-1]]
    raise InputError(
        f"{path}: cannot tell the format from the extension: give --format ({', '.join(FORMATS)})"
    )


def chunked(blocks: Iterable[Block], counter: list[int], render: Callable[[Block], str]) -> Iterator[str]:
    """The rendered blocks joined into one chunk per CHUNK_BLOCKS blocks; the counter gets the triples."""
    parts: list[str] = []
    count = 0
    for block in blocks:
        parts.append(render(block))
        count += len(block[1])
        if len(parts) == CHUNK_BLOCKS:
            yield "".join(parts)
            parts.clear()
    counter[0] += count
    yield "".join(parts)


def nt_chunks(blocks: Iterable[Block], counter: list[int], graph: str | None = None) -> Iterator[str]:
    """N-Triples (or, with a graph, N-Quads) text, one chunk per CHUNK_BLOCKS blocks."""
    end = f" {graph} .\n" if graph else " .\n"

    def render(block: Block) -> str:
        """One subject's triples, one line each."""
        head = block[0] + " "
        return "".join(f"{head}{p} {o}{end}" for p, o in block[1])

    return chunked(blocks, counter, render)


class TurtleTerms:
    """Shortens N-Triples terms to prefixed names where Turtle allows it."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        """Index the namespaces, longest first so that the most specific prefix wins."""
        self.prefixes = prefixes
        self.namespaces = sorted(((ns, p) for p, ns in prefixes.items()), key=lambda item: -len(item[0]))
        self.cache: dict[str, str] = {}

    def header(self) -> str:
        """The @prefix lines."""
        return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in self.prefixes.items()) + "\n"

    def iri(self, term: str) -> str:
        """An IRI term (<…>) as a prefixed name when one fits, else unchanged."""
        value = term[1:-1]
        for ns, prefix in self.namespaces:
            if value.startswith(ns):
                local = value[len(ns) :]
                if _SAFE_LOCAL.match(local):
                    return f"{prefix}:{local}"
                break
        return term

    def term(self, term: str) -> str:
        """Any term: IRIs shortened, typed literals with a shortened datatype, cached for vocabulary terms."""
        if term[0] == "<":
            cached = self.cache.get(term)
            if cached is None:
                cached = self.iri(term)
                if len(self.cache) < 10_000:  # vocabulary terms repeat; instance IRIs do not
                    self.cache[term] = cached
            return cached
        if term.endswith(_INTEGER):  # Turtle's bare integers read back as xsd:integer
            return term[1 : -len(_INTEGER) - 1]
        if term.endswith(">") and "^^<" in term:
            lexical, datatype = term.rsplit("^^", 1)
            return f"{lexical}^^{self.term(datatype)}"
        return term


def turtle_chunks(blocks: Iterable[Block], counter: list[int], prefixes: dict[str, str]) -> Iterator[str]:
    """Turtle text: prefixes, then one subject per block with its predicate-object list."""
    terms = TurtleTerms(prefixes)
    short = terms.term

    def render(block: Block) -> str:
        """One subject with its predicate-object list."""
        subject, pos = block
        body = " ;\n    ".join(f"{short(p) if p != _RDF_TYPE else 'a'} {short(o)}" for p, o in pos)
        return f"{short(subject)} {body} .\n"

    yield terms.header()
    yield from chunked(blocks, counter, render)


_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_INTEGER = "^^<http://www.w3.org/2001/XMLSchema#integer>"


def chunks_for(fmt: str, blocks: Iterable[Block], counter: list[int], base: str) -> Iterator[str]:
    """The text chunks of the graph in a format; the counter receives the number of triples."""
    if fmt == "nt":
        return nt_chunks(blocks, counter)
    if fmt == "nq":
        return nt_chunks(blocks, counter, f"<{SYNTH_GRAPH}>")
    return turtle_chunks(blocks, counter, {**VOCAB_PREFIXES, **kind_prefixes(base)})


@contextmanager
def open_output(path: Path | None) -> Iterator[BinaryIO]:
    """A binary stream to standard output, or to a temporary file renamed onto `path` on success."""
    if path is None:
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path}: is a folder; give a file name")
    if not path.parent.is_dir():
        raise InputError(f"{path}: folder {path.parent} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise InputError(f"{path}: cannot write in {path.parent}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "wb", buffering=1 << 20) as raw:
            if path.suffix == ".gz":
                # mtime=0 and no file name in the header keep the output byte-identical for a seed.
                with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=1, mtime=0) as zipped:
                    yield zipped  # type: ignore[misc]
            else:
                yield raw
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ThaiplanError(f"{path}: write failed: {exc.strerror or exc}") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write(chunks: Iterable[str], out: BinaryIO, progress: Callable[[int], None] | None = None) -> int:
    """Write text chunks as UTF-8; return the number of bytes written (before compression)."""
    written = 0
    for chunk in chunks:
        data = chunk.encode("utf-8")
        out.write(data)
        written += len(data)
        if progress is not None:
            progress(written)
    return written
