"""The W3C SPARQL 1.1 query evaluation suite as a harness (issue 19): its manifests, stores built from its
data, the two ways of running a test (through `/sparql`, and pyoxigraph alone), comparing with
test_sparql_w3c_answers_support.py.

No tests here; `tests/test_sparql_w3c.py` runs them. Comparison as the suite defines it: SELECT results as
a multiset of solutions up to blank-node renaming (in order when the query has ORDER BY), ASK by its
boolean, CONSTRUCT by graph isomorphism; the CSV/TSV tests compare the answer in that format (the answers
and their comparison: tests/test_sparql_w3c_answers_support.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from tests.test_sparql_support import W3C_DATA
from tests.test_sparql_w3c_answers_support import (
    Answer,
    csv_answer,
    graph_answer,
    query_result_answer,
    solutions_answer,
)
from thaiplan.config import Config
from thaiplan.graph.build import default_graph
from thaiplan.graph.build.pipeline import build
from thaiplan.graph.store.local import build_lock, current_snapshot, new_snapshot

SUITE = W3C_DATA / "sparql11-query"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
QT = "http://www.w3.org/2001/sw/DataAccess/tests/test-query#"
RS = "http://www.w3.org/2001/sw/DataAccess/tests/result-set#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
# The default graph of a test with no data: a graph no store holds (the union would be the whole store).
EMPTY_GRAPH = "urn:x-thaiplan-test:empty"
RDF_SYNTAX = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".rdf": ox.RdfFormat.RDF_XML}
RESULTS_SYNTAX = {
    ".srx": ox.QueryResultsFormat.XML,
    ".srj": ox.QueryResultsFormat.JSON,
    ".tsv": ox.QueryResultsFormat.TSV,
    ".csv": ox.QueryResultsFormat.CSV,
}
MEDIA = {
    ".srx": "application/sparql-results+xml",
    ".srj": "application/sparql-results+json",
    ".csv": "text/csv",
    ".tsv": "text/tab-separated-values",
    ".ttl": "application/sparql-results+json",  # a result set written as RDF (rs:ResultSet), or a graph
}
ORDER_BY = re.compile(r"\bORDER\s+BY\b", re.IGNORECASE)
FROM = re.compile(r"^\s*FROM\b", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class W3CTest:
    """One query evaluation test: its query, dataset and expected result files."""

    name: str  # folder/local name, e.g. aggregates/agg01
    query: Path
    data: tuple[Path, ...]
    graph_data: tuple[Path, ...]
    result: Path

    @property
    def text(self) -> str:
        """The query, with its file's IRI as base (the suite resolves relative IRIs against it)."""
        return f"BASE <{self.query.as_uri()}>\n" + self.query.read_text(encoding="utf-8")

    @property
    def ordered(self) -> bool:
        """True when the query orders its solutions."""
        return bool(ORDER_BY.search(self.query.read_text(encoding="utf-8")))

    def dataset(self) -> tuple[list[str], list[str]] | None:
        """The test's default and named graphs as IRIs, or None when the query's FROM chooses them."""
        if FROM.search(self.query.read_text(encoding="utf-8")):
            return None
        default = [p.as_uri() for p in self.data] or [EMPTY_GRAPH]
        return default, [p.as_uri() for p in self.graph_data]


def _objects(quads: list[ox.Quad], subject: ox.NamedNode | ox.BlankNode, predicate: str) -> list[ox.Term]:
    """Objects of `subject predicate ?` in a parsed manifest."""
    return [q.object for q in quads if q.subject == subject and q.predicate.value == predicate]


def _rdf_list(quads: list[ox.Quad], head: ox.Term) -> list[ox.Term]:
    """The members of an RDF collection."""
    items = []
    while not (isinstance(head, ox.NamedNode) and head.value == RDF + "nil"):
        items += _objects(quads, head, RDF + "first")  # type: ignore[arg-type]
        head = _objects(quads, head, RDF + "rest")[0]  # type: ignore[arg-type]
    return items


def _path(term: ox.Term) -> Path:
    """The local file a manifest IRI names."""
    return Path(term.value.removeprefix("file://"))


def manifests() -> list[Path]:
    """The manifests the top manifest includes, then the other folders of the suite that have one."""
    top = SUITE / "manifest-sparql11-query.ttl"
    quads = list(ox.parse(path=str(top), base_iri=top.as_uri()))
    included = [
        _path(t) for q in quads if q.predicate.value == MF + "include" for t in _rdf_list(quads, q.object)
    ]
    others = sorted(p for p in SUITE.glob("*/manifest.ttl") if p not in included)
    return [p for p in included if p.is_file()] + others


def load_tests() -> list[W3CTest]:
    """Every query evaluation test of the suite, in manifest order."""
    tests = []
    for manifest in manifests():
        quads = list(ox.parse(path=str(manifest), base_iri=manifest.as_uri()))
        entries = [
            e for q in quads if q.predicate.value == MF + "entries" for e in _rdf_list(quads, q.object)
        ]
        kinds = {MF + "QueryEvaluationTest", MF + "CSVResultFormatTest"}
        for entry in entries:
            if not {t.value for t in _objects(quads, entry, RDF + "type")} & kinds:
                continue
            action = _objects(quads, entry, MF + "action")[0]
            name = f"{manifest.parent.name}/{entry.value.rpartition('#')[2]}"
            tests.append(
                W3CTest(
                    name=name,
                    query=_path(_objects(quads, action, QT + "query")[0]),
                    data=tuple(_path(t) for t in _objects(quads, action, QT + "data")),
                    graph_data=tuple(_path(t) for t in _objects(quads, action, QT + "graphData")),
                    result=_path(_objects(quads, entry, MF + "result")[0]),
                )
            )
    return tests


def data_files(tests: Iterable[W3CTest]) -> list[Path]:
    """Every data file the tests read, once."""
    return sorted({p for t in tests for p in (*t.data, *t.graph_data)})


def parse_data(path: Path, prefix: str) -> list[ox.Quad]:
    """One data file as quads in the graph named by its IRI, blank nodes labelled apart from other files."""
    graph = ox.NamedNode(path.as_uri())
    quads = []
    for q in ox.parse(path=str(path), format=RDF_SYNTAX[path.suffix], base_iri=path.as_uri()):
        s = ox.BlankNode(prefix + q.subject.value) if isinstance(q.subject, ox.BlankNode) else q.subject
        o = ox.BlankNode(prefix + q.object.value) if isinstance(q.object, ox.BlankNode) else q.object
        quads.append(ox.Quad(s, q.predicate, o, graph))
    return quads


def build_suite_store(tests: Sequence[W3CTest], folder: Path, config: Config) -> int:
    """`thaiplan build --data` of every data file of the suite into `config`'s store; return the file count.

    Each file is written as N-Quads naming its own graph (the file's IRI, as the suite names graphs), so one
    build holds every test's data and a test selects its own with `default-graph-uri`/`named-graph-uri`.
    """
    folder.mkdir(parents=True, exist_ok=True)
    files = data_files(tests)
    for i, path in enumerate(files):
        quads = parse_data(path, f"f{i}x")
        (folder / f"w3c-{i:03d}.nq").write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
    build(config, folder, out=lambda _: None)
    return len(files)


def pyoxigraph_store(tests: Sequence[W3CTest]) -> ox.Store:
    """pyoxigraph alone: an in-memory store with every data file in the graph named by its IRI."""
    store = ox.Store()
    for i, path in enumerate(data_files(tests)):
        store.extend(parse_data(path, f"f{i}x"))
    return store


def rs_graph_answer(path: Path) -> Answer:
    """A result set written in RDF with the rs: vocabulary (rs:ResultSet), as an answer."""
    quads = list(ox.parse(path=str(path), base_iri=path.as_uri()))
    sets = [
        q.subject for q in quads if q.predicate.value == RDF + "type" and q.object.value == RS + "ResultSet"
    ]
    names = [str(t.value) for t in _objects(quads, sets[0], RS + "resultVariable")]
    rows = []
    for solution in _objects(quads, sets[0], RS + "solution"):
        row: dict[str, ox.Term | None] = {}
        for binding in _objects(quads, solution, RS + "binding"):  # type: ignore[arg-type]
            var = _objects(quads, binding, RS + "variable")[0]  # type: ignore[arg-type]
            row[str(var.value)] = _objects(quads, binding, RS + "value")[0]  # type: ignore[arg-type]
        rows.append(row)
    return solutions_answer(names, rows)


def expected_answer(test: W3CTest) -> Answer:
    """What the test's result file holds."""
    suffix = test.result.suffix
    if suffix == ".csv":
        return csv_answer(test.result.read_bytes())
    if suffix in RESULTS_SYNTAX:
        return query_result_answer(
            ox.parse_query_results(path=str(test.result), format=RESULTS_SYNTAX[suffix])
        )
    text = test.result.read_text(encoding="utf-8")
    if RS + "ResultSet" in text or "rs:ResultSet" in text:
        return rs_graph_answer(test.result)
    quads = ox.parse(path=str(test.result), format=RDF_SYNTAX[suffix], base_iri=test.result.as_uri())
    return graph_answer(ox.Triple(q.subject, q.predicate, q.object) for q in quads)


# --- the two runners -------------------------------------------------------------------------------------

Runner = Callable[[W3CTest], Answer]


def run_pyoxigraph(store: ox.Store, test: W3CTest) -> Answer:
    """pyoxigraph alone: the query on the in-memory store, serialized and read back by pyoxigraph."""
    dataset = test.dataset()
    kwargs = {} if dataset is None else {"default_graph": [ox.NamedNode(g) for g in dataset[0]],
                                          "named_graphs": [ox.NamedNode(g) for g in dataset[1]]}  # fmt: skip
    result = store.query(test.text, **kwargs)  # type: ignore[arg-type]
    if isinstance(result, ox.QueryTriples):
        return graph_answer(result)
    fmt = RESULTS_SYNTAX.get(test.result.suffix, ox.QueryResultsFormat.JSON)
    body = result.serialize(format=fmt)
    if test.result.suffix == ".csv":
        return csv_answer(body)
    return query_result_answer(ox.parse_query_results(body, format=fmt))


def endpoint_params(test: W3CTest) -> list[tuple[str, str]]:
    """The protocol's dataset parameters for a test (none when the query's FROM names its graphs)."""
    dataset = test.dataset()
    if dataset is None:
        return []
    return [("default-graph-uri", g) for g in dataset[0]] + [("named-graph-uri", g) for g in dataset[1]]


def accept_for(test: W3CTest) -> str:
    """The Accept header of a test's request: the format of its expected result, N-Triples for graphs."""
    return f"{MEDIA.get(test.result.suffix, MEDIA['.srj'])}, application/n-triples;q=0.5"


def add_quads(store_dir: Path, quads: Iterable[ox.Quad]) -> Path:
    """A new snapshot of `store_dir`: the current one plus `quads`, its default graph made again as a build
    makes it (the data graphs' set union)."""
    with build_lock(store_dir), new_snapshot(store_dir) as (_sid, path):
        previous = ox.Store.read_only(str(current_snapshot(store_dir)))
        store = ox.Store(str(path))
        store.bulk_extend(q for q in previous if not isinstance(q.graph_name, ox.DefaultGraph))
        del previous
        store.extend(quads)
        default_graph.materialize(store)
        store.flush()
        del store  # the snapshot must be closed before it becomes current
    return store_dir
