"""Reading the data to validate: RDF files (any syntax) or a built store, parsed once, with clear errors.

N-Triples and N-Quads go straight into the validation store through pyoxigraph's parser (what `thaiplan
synth` writes, several times faster than rdflib's: issue 7); other syntaxes go through rdflib's parsers
and the hostile-input guards of shapes/input_guard.py, each literal kept as written (issue 19). A file
that cannot be read or parsed is an InputError naming the file and, when known, the line.
"""

from __future__ import annotations

import json
import re
import warnings
import xml.sax
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib import Dataset as RdflibDataset
from rdflib.namespace import SH
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.term import Node
from rdflib.util import guess_format

from thaiplan.errors import InputError, ThaiplanError
from thaiplan.graph.build.default_graph import COPY_GRAPH
from thaiplan.graph.build.inputs import INFERRED_GRAPH, ONTOLOGY_GRAPH, check_regular_file, rdf_source
from thaiplan.ontology.namespace import ID_BASE, TP_NS, TPSH_NS
from thaiplan.shapes import input_guard
from thaiplan.shapes.dataset import DATA, Dataset

TPSH = Namespace(TPSH_NS)

# A store's graphs that are not curated data: the ontology, the inferred closures, a remote store's copy.
_NOT_DATA = frozenset((ONTOLOGY_GRAPH, INFERRED_GRAPH, COPY_GRAPH))
# Formats a quad syntax may carry: their named graphs are merged into one graph before validation.
_QUAD_FORMATS = {"trig", "nquads", "trix", "json-ld", "hext"}

# Line-based formats whose parser errors carry no line number: the bad line is found by re-reading.
_LINE_FORMATS = {"nt", "nt11", "ntriples", "nquads"}


def project_files() -> list[Path]:
    """The curated files the build reads (sources description and graph/data), without the ontology."""
    from thaiplan.graph.build.inputs import ONTOLOGY_GRAPH, build_inputs

    return [item.path for item in build_inputs() if item.graph != ONTOLOGY_GRAPH]


def read_rdf(paths: Iterable[Path]) -> Graph:
    """Parse RDF files (format guessed from the extension) into one graph; bad input is an InputError."""
    merged = Graph()
    for path in paths:
        for triple in parse_one(Path(path)):
            merged.add(triple)
    bind_prefixes(merged)
    return merged


def parse_one(path: Path) -> Graph | RdflibDataset:
    """Parse one file, turning any failure into a message with the file and, when known, the line."""
    fmt = guess_format(str(path)) or ("turtle" if path.suffix == "" else None)
    if fmt is None:
        raise InputError(f"{path}: unknown RDF format (extension {path.suffix!r})")
    check_regular_file(path)  # a directory, FIFO, device or broken link, by name (issue 13)
    source = input_guard.check_file(path, fmt)  # no entity expansion, no fetched JSON-LD context (8, 13)
    fast = _parse_fast(path, fmt)
    if fast is not None:
        return fast
    target: Graph | RdflibDataset = RdflibDataset() if fmt in _QUAD_FORMATS else Graph()
    try:
        with warnings.catch_warnings():
            # rdflib's own Dataset.parse calls its deprecated default_context: not ours to fix.
            warnings.simplefilter("ignore", DeprecationWarning)
            with _lexical_forms_kept():
                target.parse(format=fmt, **source)  # JSON-LD: the very document checked
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except Exception as exc:  # any parser failure on untrusted input is a message, never a traceback
        raise InputError(_parse_message(path, fmt, exc)) from exc
    input_guard.check_iris(path, target.quads() if isinstance(target, RdflibDataset) else target)
    if isinstance(target, RdflibDataset):
        flat = Graph()
        for s, p, o, _ in target.quads():
            flat.add((s, p, o))
        return flat
    return target


@contextmanager
def _lexical_forms_kept() -> Iterator[None]:
    """Parse with rdflib keeping each literal's lexical form as written (issue 19).

    rdflib normalizes typed literals on parsing: `"yes"^^xsd:boolean` becomes `"false"` (flagged
    ill-typed only on that Python object), so the copy into pyoxigraph lost the error pySHACL reports.
    """
    before = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False
    try:
        yield
    finally:
        rdflib.NORMALIZE_LITERALS = before


# The line-based formats (what `thaiplan synth` writes) that pyoxigraph's parser reads several times
# faster than rdflib's (issue 7); anything it refuses is parsed again by rdflib, for rdflib's messages.
# Turtle stays with rdflib, whose refusal of hostile nesting is relied upon (issue 8).
_FAST_FORMATS = {"nt": "N_TRIPLES", "nt11": "N_TRIPLES", "ntriples": "N_TRIPLES", "nquads": "N_QUADS"}


def _parse_fast(path: Path, fmt: str) -> Graph | None:
    """Parse a file with pyoxigraph into an rdflib graph (named graphs merged); None when it cannot."""
    name = _FAST_FORMATS.get(fmt)
    if name is None:
        return None
    graph = Graph()
    try:
        with rdf_source(path) as source:  # a BOM skipped, the file's own base IRI, as the build (issue 13)
            quads = ox.parse(format=getattr(ox.RdfFormat, name), **source)
            graph.addN(
                (_to_rdflib(q.subject), _to_rdflib(q.predicate), _parsed(q.object), graph) for q in quads
            )
    except (SyntaxError, ValueError, OSError, MemoryError, ThaiplanError):
        return None  # rdflib parses it again and says where and why it fails
    return graph


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _parsed(term: object) -> Node:
    """A parsed object as rdflib's own parsers give it: a simple literal has no datatype in rdflib."""
    if isinstance(term, ox.Literal) and not term.language and term.datatype.value == _XSD_STRING:
        return Literal(term.value)
    return _to_rdflib(term)


def _parse_message(path: Path, fmt: str, exc: BaseException) -> str:
    """Say where a parse failed: `file:line: bad <format>: why`, line taken from the parser's error."""
    line = _error_line(exc) or (_first_bad_line(path, fmt) if fmt in _LINE_FORMATS else None)
    why = _error_reason(exc)
    where = f"{path}:{line}" if line else f"{path}"
    return f"{where}: bad {fmt}: {why}"


def _first_bad_line(path: Path, fmt: str) -> int | None:
    """The first line a line-based format (N-Triples, N-Quads) cannot parse on its own."""
    parser_graph = RdflibDataset() if fmt == "nquads" else Graph()
    with open(path, encoding="utf-8", errors="replace") as lines:
        for number, line in enumerate(lines, start=1):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", DeprecationWarning)
                    parser_graph.parse(data=line, format=fmt)
            except Exception:
                return number
    return None


def _error_line(exc: BaseException) -> int | None:
    """The 1-based line of a parser error, from whichever attribute that parser uses."""
    if isinstance(exc, BadSyntax):
        return exc.lines + 1
    if isinstance(exc, xml.sax.SAXParseException):
        return exc.getLineNumber()
    if isinstance(exc, json.JSONDecodeError):
        return exc.lineno
    if isinstance(exc, SyntaxError) and exc.lineno:
        return exc.lineno
    match = re.search(r"\bline (\d+)", str(exc))
    return int(match.group(1)) if match else None


def _error_reason(exc: BaseException) -> str:
    """A one-line reason for a parse error, without the parser's multi-line context dump."""
    if isinstance(exc, BadSyntax):
        return exc._why  # the bare reason; str(exc) repeats the whole offending line
    return " ".join(str(exc).split()) or type(exc).__name__


def load_files(dataset: Dataset, paths: Iterable[Path]) -> None:
    """Load RDF files into the dataset's data graph: line-based ones straight into pyoxigraph (issue 7)."""
    for path in paths:
        path = Path(path)
        fmt = guess_format(str(path)) or ("turtle" if path.suffix == "" else None)
        if fmt in _FAST_FORMATS and path.is_file():
            _load_fast(dataset, path, fmt)
            continue
        graph = parse_one(path)
        try:
            dataset.add_graph(graph, DATA)
        except InputError as exc:
            raise InputError(f"{path}: {exc}") from exc


def _load_fast(dataset: Dataset, path: Path, fmt: str) -> None:
    """Stream an N-Triples / N-Quads file into the data graph (graph names merged), or say where it is bad."""
    try:
        with rdf_source(path) as source:  # a BOM skipped, the file's own base IRI, as the build (issue 13)
            dataset.add_quads(ox.parse(format=getattr(ox.RdfFormat, _FAST_FORMATS[fmt]), **source), DATA)
    except MemoryError as exc:  # pyoxigraph caps one term at 16 MiB and says so as a MemoryError
        raise InputError(f"{path}: too large to check: {exc} (a literal or IRI over 16 MiB?)") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except (SyntaxError, ValueError) as exc:
        _parse_one_slowly(path, fmt)  # rdflib's message (file:line) for what it refuses too
        line = getattr(exc, "lineno", None)
        where = f"{path}:{line}" if line else str(path)
        raise InputError(f"{where}: bad {fmt}: {' '.join(str(exc).split())}") from exc


def _parse_one_slowly(path: Path, fmt: str) -> None:
    """Parse a line-based file with rdflib, only for its error message (and its IRI check)."""
    target: Graph | RdflibDataset = RdflibDataset() if fmt in _QUAD_FORMATS else Graph()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            target.parse(str(path), format=fmt)
    except Exception as exc:  # any parser failure on untrusted input is a message, never a traceback
        raise InputError(_parse_message(path, fmt, exc)) from exc
    input_guard.check_iris(path, target.quads() if isinstance(target, RdflibDataset) else target)


def load_store(dataset: Dataset, store: Any) -> None:
    """Load the curated data of a built store (every named graph but the ontology and inferred closures).

    `store` is a `GraphStore` (graph/store/api.py, e.g. the server's worker) or a command's `--store DIR|URL`.
    A remote store's copy of the data graphs (issue 19) is skipped: it repeats them.
    """
    from thaiplan.graph.store.api import GraphStore
    from thaiplan.graph.store.backend import open_location

    if not isinstance(store, GraphStore):
        store = open_location(store)
    for name in store.named_graphs():
        if name in _NOT_DATA:
            continue
        dataset.store.load(store.dump_graph(name), format=ox.RdfFormat.N_TRIPLES, to_graph=DATA)


def bind_prefixes(graph: Graph) -> None:
    """Bind the project's prefixes so reports show `tp:`, `id:` and `tpsh:` names."""
    graph.bind("tp", TP_NS)
    graph.bind("id", ID_BASE)
    graph.bind("tpsh", str(TPSH))
    graph.bind("sh", str(SH))


def namespaced(graph: Graph) -> Graph:
    """The graph with the project's prefixes bound."""
    bind_prefixes(graph)
    return graph


def _to_rdflib(term: object) -> Node:
    """Turn a pyoxigraph term into the equal rdflib term (a literal's lexical form kept, as parsed)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        # Not normalized, as the rdflib parsers read it (`_lexical_forms_kept`): an N-Triples file and
        # a Turtle file with the same literal give the same graph (issue 19).
        return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)
    raise ThaiplanError(f"unexpected term in a SPARQL result: {term!r}")
