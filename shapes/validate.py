"""Validate RDF data against the thaiplan shapes: core SHACL and SHACL-SPARQL, both as SPARQL on pyoxigraph.

The data is loaded once into an in-memory pyoxigraph store (shapes/dataset.py): N-Triples and N-Quads
straight from pyoxigraph's parser, other syntaxes through rdflib's parsers and the hostile-input guards
of shapes/input_guard.py. The core constraints (sh:minCount, sh:class, sh:or, …) are compiled to SPARQL
and read the RDFS entailments the shapes can observe (shapes/compiled/), giving the results pySHACL
gives with `inference="rdfs"` — shapes/reference.py keeps that engine as the oracle the tests compare
with. The `sh:sparql` constraints run on the data, the ontology and the level vocabulary as asserted, and
their rows become `sh:ValidationResult`s of the same report, exactly as a SHACL-SPARQL engine would
produce them (`sh:sourceConstraintComponent sh:SPARQLConstraintComponent`, `sh:sourceShape`,
`sh:sourceConstraint`, messages with `{?var}` substituted). Why not pySHACL itself (issue 7): at a
million triples rdflib's parsing and owlrl's inference took 12 minutes and 2.9 GiB.
"""

from __future__ import annotations

import json
import os
import re
import warnings
import xml.sax
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib
from pyshacl.rdfutil.inoculate import inoculate
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib import Dataset as RdflibDataset
from rdflib.namespace import DCTERMS, RDF, RDFS, SH, SKOS
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.term import Node
from rdflib.util import guess_format

from thaiplan.errors import InputError, ThaiplanError
from thaiplan.graph.build.inputs import check_regular_file, rdf_source
from thaiplan.ontology import ontology_path
from thaiplan.shapes import input_guard
from thaiplan.shapes.compiled import (
    compile_shapes,
    focus_sets_of,
    run_check,
    sparql_targets,
    targeted_shapes,
)
from thaiplan.shapes.dataset import (
    DATA,
    ONTOLOGY,
    SPARQL_GRAPHS,
    Dataset,
    add_schema,
    core_query,
    entail,
    select,
)
from thaiplan.shapes.handover import run_handed
from thaiplan.shapes.locations import locate
from thaiplan.shapes.report import Report, Result

SHAPES_DIR = Path(__file__).resolve().parent
SPARQL_DIR = SHAPES_DIR / "sparql"
SHAPE_FILES = (
    "common.ttl",
    "plans.ttl",
    "indicators.ttl",
    "agencies.ttl",
    "provenance.ttl",
    "vocabulary.ttl",
    "imports.ttl",
)
LEVELS_FILE = SHAPES_DIR / "levels.ttl"
TPSH = Namespace("https://w3id.org/thaiplan/shapes#")

# Formats a quad syntax may carry: their named graphs are merged into one graph before validation.
_QUAD_FORMATS = {"trig", "nquads", "trix", "json-ld", "hext"}
# Line-based formats whose parser errors carry no line number: the bad line is found by re-reading.
_LINE_FORMATS = {"nt", "nt11", "ntriples", "nquads"}


# --- inputs ---------------------------------------------------------------------------------------------


def project_files() -> list[Path]:
    """The curated files the build reads (sources description and graph/data), without the ontology."""
    from thaiplan.graph.build.inputs import ONTOLOGY_GRAPH, build_inputs

    return [item.path for item in build_inputs() if item.graph != ONTOLOGY_GRAPH]


def read_rdf(paths: Iterable[Path]) -> Graph:
    """Parse RDF files (format guessed from the extension) into one graph; bad input is an InputError."""
    merged = Graph()
    for path in paths:
        for triple in _parse_one(Path(path)):
            merged.add(triple)
    _bind_prefixes(merged)
    return merged


def _parse_one(path: Path) -> Graph | RdflibDataset:
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
        graph = _parse_one(path)
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
    """
    from thaiplan.graph.build.inputs import INFERRED_GRAPH, ONTOLOGY_GRAPH
    from thaiplan.graph.store.api import GraphStore
    from thaiplan.graph.store.backend import open_location

    if not isinstance(store, GraphStore):
        store = open_location(store)
    skip = {ONTOLOGY_GRAPH, INFERRED_GRAPH}
    for name in store.named_graphs():
        if name in skip:
            continue
        dataset.store.load(store.dump_graph(name), format=ox.RdfFormat.N_TRIPLES, to_graph=DATA)


def read_store(store_dir: Path) -> Graph:
    """The curated data of a built store (every named graph but the ontology and inferred closures)."""
    from thaiplan.graph.build.inputs import INFERRED_GRAPH, ONTOLOGY_GRAPH
    from thaiplan.graph.store.backend import open_location

    store = open_location(store_dir)
    skip = {ONTOLOGY_GRAPH, INFERRED_GRAPH}
    merged = Graph()
    for name in store.named_graphs():
        if name in skip:
            continue
        merged.parse(data=store.dump_graph(name).decode("utf-8"), format="nt")
    _bind_prefixes(merged)
    return merged


def _bind_prefixes(graph: Graph) -> None:
    """Bind the project's prefixes so reports show `tp:`, `id:` and `tpsh:` names."""
    graph.bind("tp", "https://w3id.org/thaiplan/ontology#")
    graph.bind("id", "https://w3id.org/thaiplan/id/")
    graph.bind("tpsh", str(TPSH))
    graph.bind("sh", str(SH))


# --- shapes ---------------------------------------------------------------------------------------------


@cache
def _shapes_cached() -> Graph:
    """Parse the shapes files once per process (they ship with the package and do not change)."""
    graph = Graph()
    for name in SHAPE_FILES:
        graph.parse(SHAPES_DIR / name, format="turtle")
    for constraint, file_name in list(graph.subject_objects(TPSH.selectFile)):
        query_path = SPARQL_DIR / str(file_name)
        if not query_path.is_file():
            raise ThaiplanError(f"shape constraint {constraint} names a missing query {query_path}")
        graph.add((constraint, SH.select, Literal(query_path.read_text(encoding="utf-8"))))
    _bind_prefixes(graph)
    return graph


def load_shapes() -> Graph:
    """The thaiplan shapes as one standard SHACL(-SPARQL) graph, each query copied into `sh:select`."""
    copy = Graph()
    copy += _shapes_cached()
    _bind_prefixes(copy)
    return copy


def core_shapes(shapes: Graph) -> Graph:
    """The shapes without their SPARQL constraints: what pySHACL runs."""
    core = Graph()
    for triple in shapes:
        if triple[1] != SH.sparql:
            core.add(triple)
    return core


@cache
def load_ontology() -> Graph:
    """The thaiplan ontology (parsed once per process; callers must not modify it)."""
    graph = Graph()
    graph.parse(ontology_path(), format="turtle")
    return graph


@dataclass(frozen=True)
class SparqlCheck:
    """One SPARQL-based constraint of one shape, ready to run."""

    shape: Node
    constraint: Node
    query: str
    severity: URIRef
    messages: tuple[Literal, ...]


def sparql_checks(shapes: Graph) -> list[SparqlCheck]:
    """Every active `sh:sparql` constraint of every active shape, in a stable order."""
    checks = []
    for shape, constraint in shapes.subject_objects(SH.sparql):
        if _deactivated(shapes, shape) or _deactivated(shapes, constraint):
            continue
        query = shapes.value(constraint, SH.select)
        if query is None:
            raise ThaiplanError(f"SPARQL constraint {constraint} of {shape} has no sh:select")
        # Sorted as Report.from_graph sorts them, so a report read back from Turtle equals the fresh one
        # whatever order rdflib yields the literals in (it varies with the hash seed).
        found = list(shapes.objects(constraint, SH.message)) or list(shapes.objects(shape, SH.message))
        messages = tuple(sorted(found, key=str))
        severity = shapes.value(shape, SH.severity) or SH.Violation
        checks.append(SparqlCheck(shape, constraint, str(query), severity, messages))  # type: ignore[arg-type]
    return sorted(checks, key=lambda c: (str(c.shape), str(c.constraint)))


def _deactivated(shapes: Graph, node: Node) -> bool:
    """True when a shape or constraint says `sh:deactivated true`."""
    return any(o.toPython() is True for o in shapes.objects(node, SH.deactivated) if isinstance(o, Literal))


# --- running --------------------------------------------------------------------------------------------


def validate(
    data: Graph, shapes: Graph | None = None, ontology: Graph | None = None, rdfs: bool = True
) -> Report:
    """Validate `data` (curated triples, no ontology) and return one report of both engines' results."""
    dataset = Dataset()
    dataset.add_graph(data, DATA)
    return validate_dataset(dataset, shapes, ontology, data=data, rdfs=rdfs)


def validate_dataset(
    dataset: Dataset,
    shapes: Graph | None = None,
    ontology: Graph | None = None,
    data: Graph | None = None,
    rdfs: bool = True,
) -> Report:
    """Validate the data graph of a dataset: core constraints compiled to SPARQL, then SHACL-SPARQL ones.

    With `rdfs` (the project's shapes), the ontology's RDFS entailments are read as pySHACL's
    `inference="rdfs"` reads them; without it (`--shapes`), the data graph is read as it is, as SHACL
    defines. A shape the compiler does not run goes whole to pySHACL (shapes/handover.py). `data`, when
    the caller has it as an rdflib graph, names the focus nodes in the report; otherwise their labels and
    codes are read from the store.
    """
    shapes = load_shapes() if shapes is None else shapes
    if rdfs:
        ontology = load_ontology() if ontology is None else ontology
        add_schema(dataset, ontology, _mixed_ontology(ontology), _levels())
    compiled = compile_shapes(shapes)
    handed = dict(compiled.unsupported)
    targeted = set(targeted_shapes(shapes))
    all_sparql = [c for c in sparql_checks(shapes) if c.shape in targeted]
    for check in all_sparql:
        reason = sparql_unsupported(shapes, check)
        if reason is not None:
            handed.setdefault(check.shape, reason)
    checks = [c for c in compiled.checks if c.root not in handed]
    sparql_list = [c for c in all_sparql if c.shape not in handed]
    entail(
        dataset,
        {ox.NamedNode(str(p)) for p in compiled.predicates},
        {ox.NamedNode(str(c)) for c in compiled.classes},
        rdfs=rdfs,
    )
    namespaces = data if data is not None else _namespaced(Graph())
    focus_sets = focus_sets_of(dataset, checks)
    # The queries are independent and pyoxigraph lets go of the GIL while it evaluates them: run them on
    # every core (on two cores, 1.8× faster; issue 7). Results keep the order of the checks.
    with ThreadPoolExecutor(max_workers=_workers()) as pool:
        core = [pool.submit(run_check, dataset, check, focus_sets) for check in checks]
        sparql = [pool.submit(_run_sparql_check, dataset, shapes, check, namespaces) for check in sparql_list]
        results = [result for future in core + sparql for result in future.result()]
    paths = Graph()
    if handed:
        graph = data if data is not None else data_graph(dataset)
        handover = run_handed(graph, shapes, set(handed), ontology if rdfs else None)
        results.extend(handover.results)
        paths = handover.paths
    names = data if data is not None else _names(dataset, {r.focus for r in results})
    return Report(results=results, paths=paths, data=names, shapes=shapes, handed=handed)


def sparql_unsupported(shapes: Graph, check: SparqlCheck) -> str | None:
    """Why a SPARQL constraint cannot run on the fast path (joined with the focus nodes), or None.

    The fast path runs the query once with `$this` free and keeps the rows whose `this` is a focus node,
    which equals pre-binding `$this` (SHACL 5.3.1) only for queries written for it: the project's own,
    read from shapes/sparql/ (`tpsh:selectFile`), are (tests/test_core_sparql.py); any other goes to
    pySHACL, which pre-binds.
    """
    if (check.constraint, TPSH.selectFile, None) in shapes:
        return None
    return f"{check.constraint}: a SHACL-SPARQL constraint of a given shapes graph (pre-binding)"


def data_graph(dataset: Dataset) -> Graph:
    """The dataset's data graph as rdflib terms (for the reference engine), blank nodes mapped back."""
    graph = _namespaced(Graph())
    convert = dataset.to_rdflib
    graph.addN(
        (convert(q.subject), convert(q.predicate), convert(q.object), graph)
        for q in dataset.store.quads_for_pattern(None, None, None, DATA)
    )
    return graph


def _mixed_ontology(ontology: Graph) -> Graph:
    """The ontology as pySHACL mixes it into the data graph before inference (its `inoculate`)."""
    if ontology is load_ontology():
        return _mixed_default()
    return inoculate(Graph(), ontology)


@cache
def _mixed_default() -> Graph:
    """The shipped ontology, mixed as pySHACL mixes it (once per process)."""
    return inoculate(Graph(), load_ontology())


# Properties that name a focus node in a report (Report.label and Report.code read them).
_NAMING = (SKOS.prefLabel, DCTERMS.title, RDFS.label, SKOS.notation)


def _names(dataset: Dataset, nodes: set[Node]) -> Graph:
    """The labels, titles and codes of the given nodes, from the data graph, as a small rdflib graph."""
    names = _namespaced(Graph())
    for node in nodes:
        subject = dataset.to_ox(node)
        if isinstance(subject, ox.Literal):
            continue
        for prop in _NAMING:
            for quad in dataset.store.quads_for_pattern(subject, ox.NamedNode(str(prop)), None, DATA):
                names.add((node, prop, dataset.to_rdflib(quad.object)))
    return names


def _namespaced(graph: Graph) -> Graph:
    """The graph with the project's prefixes bound."""
    _bind_prefixes(graph)
    return graph


def _run_sparql(dataset: Dataset, shapes: Graph, namespaces: Graph) -> list[Result]:
    """Run every SPARQL constraint on the data, ontology and levels graphs, on its shape's focus nodes."""
    return [
        r for check in sparql_checks(shapes) for r in _run_sparql_check(dataset, shapes, check, namespaces)
    ]


def _run_sparql_check(dataset: Dataset, shapes: Graph, check: SparqlCheck, namespaces: Graph) -> list[Result]:
    """Run one SPARQL constraint on its shape's focus nodes (those that are subjects of the data)."""
    try:
        rows = select(dataset.store, check.query, default_graph=SPARQL_GRAPHS)
    except SyntaxError as exc:
        raise ThaiplanError(f"the query of {check.constraint} is not valid SPARQL: {exc}") from exc
    if not rows:  # the usual case: no need to list the focus nodes (116k of them for one shape at 1M)
        return []
    query = core_query("targets.rq").replace("{{data}}", str(DATA))
    query = query.replace("{{targets}}", sparql_targets(shapes, check.shape))
    targets = select(dataset.store, query, default_graph=[DATA, ONTOLOGY])
    focus = {dataset.to_rdflib(row["this"], plain_strings=False, written=False) for row in targets}
    return _sparql_results(dataset, check, rows, focus, namespaces)


def _workers() -> int:
    """How many queries to run at once: one per core (at most 8)."""
    return max(
        1, min(8, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
    )


def _as_sparql_result(dataset: Dataset, term: object) -> Node:
    """A SPARQL answer term as rdflib (literals as the store gives them, as the SHACL-SPARQL engine did)."""
    return dataset.to_rdflib(term, plain_strings=False, written=False)


@cache
def _levels() -> Graph:
    """The plan-level vocabulary the supports checks read."""
    graph = Graph()
    graph.parse(LEVELS_FILE, format="turtle")
    return graph


def focus_nodes(shapes: Graph, shape: Node, graph: Graph) -> set[Node]:
    """The focus nodes of a shape's targets in `graph` (SHACL 2.1.3, with rdfs:subClassOf closure)."""
    nodes: set[Node] = set(shapes.objects(shape, SH.targetNode))
    for cls in shapes.objects(shape, SH.targetClass):
        for sub in graph.transitive_subjects(RDFS.subClassOf, cls):
            nodes.update(graph.subjects(RDF.type, sub))
    for prop in shapes.objects(shape, SH.targetSubjectsOf):
        nodes.update(graph.subjects(prop, None))
    for prop in shapes.objects(shape, SH.targetObjectsOf):
        nodes.update(graph.objects(None, prop))
    return nodes


def _sparql_results(
    dataset: Dataset, check: SparqlCheck, rows: list[dict[str, object]], focus: set[Node], namespaces: Graph
) -> list[Result]:
    """The results of a SPARQL constraint's rows whose `this` is a focus node (each result once)."""
    values = [{name: _as_sparql_result(dataset, term) for name, term in row.items()} for row in rows]
    return sparql_results(check, values, focus, namespaces)


def sparql_results(
    check: SparqlCheck, rows: Iterable[dict[str, Node]], focus: set[Node], namespaces: Graph
) -> list[Result]:
    """The results of a SPARQL constraint's rows (rdflib terms) whose `this` is a focus node, each once."""
    seen: set[Result] = set()
    results = []
    for values in rows:
        this = values.get("this")
        if this is None or this not in focus:
            continue
        path = values.get("path")
        result = Result(
            focus=this,
            severity=check.severity,
            shape=check.shape,
            component=SH.SPARQLConstraintComponent,
            path=path if isinstance(path, URIRef) else None,
            value=values.get("value", this),
            messages=tuple(_substitute(m, values, namespaces) for m in check.messages),
            constraint=check.constraint,
        )
        if result not in seen:
            seen.add(result)
            results.append(result)
    return results


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


def _substitute(message: Literal, values: dict[str, Node], data: Graph) -> Literal:
    """Fill `{?var}` / `{$var}` in a message from a result row (SHACL 5.3.2), keeping its language."""

    def fill(match: re.Match[str]) -> str:
        term = values.get(match.group(1))
        if term is None:
            return match.group(0)
        if isinstance(term, URIRef):
            return term.n3(data.namespace_manager)
        return str(term)

    text = re.sub(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}", fill, str(message))
    return Literal(text, lang=message.language)


def validate_files(
    paths: Sequence[Path] | None = None, store_dir: Path | None = None, shapes_path: Path | None = None
) -> Report:
    """Validate the given files, a built store, or (neither given) the project's curated files.

    With `shapes_path`, the data is validated against that shapes graph alone, as SHACL reads a data
    graph: no ontology and no inference.
    """
    shapes = read_shapes(shapes_path) if shapes_path is not None else None
    dataset = Dataset()
    files = list(paths) if paths else project_files()
    if store_dir is not None:
        load_store(dataset, store_dir)
    else:
        load_files(dataset, files)
    report = validate_dataset(dataset, shapes, rdfs=shapes is None)
    if store_dir is None and report.results:
        # Where to fix each result: the file and line of its focus node (issue 20).
        root = None if paths else SHAPES_DIR.parent
        report.locations = locate({r.focus for r in report.results}, files, root)
    return report


def read_shapes(path: Path) -> Graph:
    """A shapes graph from a file (any RDF syntax), with the project's prefixes for report names."""
    graph = Graph()
    for triple in _parse_one(Path(path)):
        graph.add(triple)
    for prefix, namespace in _namespaces_of(Path(path)):
        graph.bind(prefix, namespace, override=False)
    return _namespaced(graph)


def _namespaces_of(path: Path) -> list[tuple[str, URIRef]]:
    """The prefixes a Turtle file declares (for compact names in its report); none for other syntaxes."""
    if path.suffix not in (".ttl", ".trig", ".n3"):
        return []
    found = re.findall(
        r"@prefix\s+([A-Za-z][\w.-]*)?:\s*<([^>\s]*)>", path.read_text(encoding="utf-8", errors="replace")
    )
    return [(prefix, URIRef(namespace)) for prefix, namespace in found if prefix]
