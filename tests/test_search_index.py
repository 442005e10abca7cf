"""The search and trace indexes of issue 7: smaller, computed beside the load, same answers."""

from __future__ import annotations

import multiprocessing
import signal
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from thaiplan.config import Config
from thaiplan.errors import InputError
from thaiplan.graph.build import indexes, search_index, trace_index
from thaiplan.graph.build import pipeline as build_module
from thaiplan.graph.build.inputs import INFERRED_GRAPH, build_inputs
from thaiplan.graph.build.pipeline import build
from thaiplan.graph.store.local import EmbeddedStore
from thaiplan.queries import keys, registry, terms
from thaiplan.queries.execute import execute, read_rq, rows
from thaiplan.queries.resolve import candidates

ID = "https://w3id.org/thaiplan/id/"
MINI = Path(__file__).parent / "data" / "queries" / "mini.trig"
BUILD_DATA = Path(__file__).parent / "data" / "build"
GRAPH = ox.NamedNode(terms.SEARCH_INDEX_GRAPH)


def _store(trig: str) -> ox.Store:
    """An in-memory store of some TriG with its search index."""
    store = ox.Store()
    store.load(trig.encode(), format=ox.RdfFormat.TRIG)
    store.extend(list(search_index.index_triples(store)))
    return store


def _search(store: ox.Store, q: str) -> list[tuple[str, str]]:
    """(entity, match) of the search results, entities without the id base."""
    found = rows(registry.run("search", {"q": q}, store))
    return [(r["entity"].value.removeprefix(ID), r["match"].value) for r in found]


def _quads(quads: object) -> set[tuple[str, str, str, str]]:
    """Quads as comparable strings."""
    return {(str(q.subject), str(q.predicate), str(q.object), str(q.graph_name)) for q in quads}


_AGENCY = """
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix agency: <https://w3id.org/thaiplan/id/agency/> .
<https://w3id.org/thaiplan/graph/test> {
  agency:a skos:prefLabel "กพร"@th ; skos:altLabel "Digital Government Development Agency"@en ;
      skos:notation "AG-01" .
  agency:b skos:prefLabel "สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน)"@th ;
      skos:definition "หน่วยงานด้านอิเล็กทรอนิกส์"@th .
}
"""


def test_issue7_index_holds_one_word_literal_per_entity_and_no_per_word_quads() -> None:
    store = _store(_AGENCY)
    index = list(store.quads_for_pattern(None, None, None, GRAPH))
    predicates = {q.predicate.value for q in index}
    assert predicates <= {
        terms.CODE_KEY,
        terms.LABEL_KEY,
        terms.SQUASH_KEY,
        search_index.SEARCH_TEXT,
        search_index.WORDS,
    }
    texts = [q for q in index if q.predicate.value == search_index.SEARCH_TEXT]
    assert len(texts) == 2  # one per entity
    a = next(q.object.value for q in texts if q.subject.value == ID + "agency/a")
    assert "\ndigital government development agency" in a and "\nag-01" in a
    assert "\tdigital\t" in a and "\tagency\t" in a
    # กพร has nothing to squash: its label key is its squashed key, not repeated as a squashKey.
    squashed = {q.object.value for q in index if q.predicate.value == terms.SQUASH_KEY}
    assert "กพร" not in squashed and "ag01" in squashed


def test_issue7_an_abbreviation_without_dots_is_found_by_one_with_dots() -> None:
    store = _store(_AGENCY)
    assert _search(store, "ก.พ.ร.")[0] == ("agency/a", "abbreviation")
    assert _search(store, "AG 01")[0] == ("agency/a", "abbreviation")
    assert [c.iri for c in candidates(store, "ก.พ.ร.")] == [ID + "agency/a"]


def test_issue7_words_match_whole_words_prefixes_any_length_and_substrings_inside_keys() -> None:
    store = _store(_AGENCY)
    assert _search(store, "development agency")[0] == ("agency/a", "label words")
    assert _search(store, "Digital Government Development")[0] == ("agency/a", "prefix")  # 3 words in
    assert _search(store, "velopment") == [("agency/a", "substring")]  # part of a word only
    assert _search(store, "ag-0") == [("agency/a", "prefix")]  # a code's start
    assert _search(store, "g-01") == [("agency/a", "substring")]  # part of a code
    assert _search(store, "อิเล็กทรอนิกส์") == [("agency/b", "words")]  # only in a definition
    # A word of the query across the boundary of two label words is not a word match.
    assert _search(store, "developmentagency") == []


def test_issue7_a_texts_words_are_its_chunks_words() -> None:
    text = "โครงการพัฒนาระบบพิสูจน์และยืนยันตัวตน ทางดิจิทัล  Digital-ID project"
    chunks = keys.key(text).split(" ")
    assert keys.tokens(text) == frozenset().union(*(keys.chunk_words(c) for c in chunks))
    assert {"โครงการ", "พัฒนา", "ยืนยัน", "ตัวตน", "ดิจิทัล", "project"} <= keys.tokens(text)


def test_issue7_what_the_worker_derives_from_the_files_equals_what_the_store_gives() -> None:
    store = ox.Store()
    store.load(path=str(MINI), format=ox.RdfFormat.TRIG)
    data, counts, closed = indexes.derive_from_files([(str(MINI), ox.RdfFormat.TRIG.media_type)])
    indexes.derive_here(store)
    derived = [ox.NamedNode(g) for g in (INFERRED_GRAPH, terms.SEARCH_INDEX_GRAPH, terms.TRACE_INDEX_GRAPH)]
    expected = _quads(q for g in derived for q in store.quads_for_pattern(None, None, None, g))
    assert closed and _quads(ox.parse(data, format=ox.RdfFormat.N_QUADS)) == expected
    assert counts == {
        "search-index": sum(1 for _ in store.quads_for_pattern(None, None, None, GRAPH)),
        "trace-index": sum(1 for _ in store.quads_for_pattern(None, None, None, derived[2])),
    }


def test_issue7_blank_nodes_in_a_chain_leave_the_closures_to_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "chain.ttl"
    path.write_text(
        "@prefix tp: <https://w3id.org/thaiplan/ontology#> .\n"
        "<https://w3id.org/thaiplan/id/a> tp:partOf [ tp:partOf <https://w3id.org/thaiplan/id/c> ] .\n",
        encoding="utf-8",
    )
    files = [(path, ox.RdfFormat.TURTLE)]
    _, _, closed = indexes.derive_from_files([(str(path), "text/turtle")])
    assert not closed  # an anonymous node is labelled anew by each parse: the store's labels count
    monkeypatch.setattr(indexes, "PARALLEL_BYTES", 0)
    store, reference = ox.Store(), ox.Store()
    with indexes.started(files) as derive:
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
        derived = derive(store)
    reference.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    assert derived.inferred == indexes.derive_here(reference).inferred
    inferred = ox.NamedNode(INFERRED_GRAPH)
    pairs = {(str(q.subject), str(q.object)) for q in store.quads_for_pattern(None, None, None, inferred)}
    assert ("<https://w3id.org/thaiplan/id/a>", "<https://w3id.org/thaiplan/id/c>") in pairs


def test_issue7_build_with_the_index_worker_gives_the_same_graph(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inline = build(Config(store_dir=tmp_path / "inline"), out=lambda _: None)
    monkeypatch.setattr(indexes, "PARALLEL_BYTES", 0)
    parallel = build(Config(store_dir=tmp_path / "worker"), out=lambda _: None)
    assert multiprocessing.active_children() == []
    assert parallel.indexed == inline.indexed and parallel.inferred == inline.inferred
    assert parallel.triples_per_graph == inline.triples_per_graph
    a, b = EmbeddedStore(tmp_path / "inline"), EmbeddedStore(tmp_path / "worker")
    for graph in (INFERRED_GRAPH, terms.SEARCH_INDEX_GRAPH, terms.TRACE_INDEX_GRAPH):
        name = ox.NamedNode(graph)
        assert _quads(a.store.quads_for_pattern(None, None, None, name)) == _quads(
            b.store.quads_for_pattern(None, None, None, name)
        )
    assert _search(b.store, "ยืนยันตัวตน")[0][1] == "label words"


def test_issue7_a_bad_file_fails_the_build_and_stops_the_index_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(indexes, "PARALLEL_BYTES", 0)
    with pytest.raises(InputError, match=r"plan\.ttl:6:19: bad Turtle"):
        build(Config(store_dir=tmp_path / "store"), BUILD_DATA / "bad-turtle", out=lambda _: None)
    assert multiprocessing.active_children() == []


def test_issue7_trace_edges_read_by_pattern_equal_the_query() -> None:
    store = ox.Store()
    store.load(path=str(MINI), format=ox.RdfFormat.TRIG)
    by_query: dict[ox.NamedNode, set[ox.NamedNode]] = {}
    for row in rows(execute(store, read_rq("_trace-edges"))):
        by_query.setdefault(row["from"], set()).add(row["to"])
    assert trace_index.upward_edges(store) == by_query and len(by_query) >= 5


def test_issue7_build_reads_the_inputs_in_the_formats_it_loads() -> None:
    formats = {i.path.suffix: build_module.ox_format(i) for i in build_inputs(None)}
    assert formats[".ttl"] == ox.RdfFormat.TURTLE


def test_issue7_a_killed_build_takes_its_index_worker_with_it(tmp_path: Path) -> None:
    from tests.test_faults import start_build, write_big_data

    big = write_big_data(tmp_path / "big")  # above PARALLEL_BYTES: the build forks its index worker
    assert (big / "bulk.ttl").stat().st_size > indexes.PARALLEL_BYTES
    proc = start_build(tmp_path / "store", big)
    children: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while not children and proc.poll() is None and time.monotonic() < deadline:
            children = _children(proc.pid)
            time.sleep(0.01)
        assert children  # the worker, forked before the store was opened
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        proc.stderr.close()  # type: ignore[union-attr]
    # An orphaned worker would go on keying 150k texts for many seconds; it must end with its parent.
    deadline = time.monotonic() + 3
    while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in children if _alive(pid)]
    # The build lock went with them: the next build runs.
    build(Config(store_dir=tmp_path / "store"), BUILD_DATA / "valid", out=lambda _: None)


def _children(pid: int) -> list[int]:
    """The child processes of `pid` (Linux /proc; none once it has ended)."""
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except FileNotFoundError:
        return []
    return [int(p) for p in text.split()]


def _alive(pid: int) -> bool:
    """True while `pid` runs (a zombie, dead but not yet reaped by init, counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_issue7_index_written_as_nquads_equals_the_quads() -> None:
    trig = (
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "<https://w3id.org/thaiplan/graph/t> { <https://w3id.org/thaiplan/id/x/1> skos:prefLabel "
        '"A \\"quoted\\" back\\\\slash\\nlabel"@en , "ก.พ.ร."@th ; skos:notation "X-1" ; '
        'skos:definition "นิยาม \\"อิเล็กทรอนิกส์\\""@th . }'
    )
    store = ox.Store()
    store.load(trig.encode(), format=ox.RdfFormat.TRIG)
    rows = search_index.texts(store)
    text, count = search_index.index_nquads(rows)
    expected = _quads(search_index.index_quads(rows))
    assert _quads(ox.parse(text.encode(), format=ox.RdfFormat.N_QUADS)) == expected
    assert count == len(expected) and '\\"quoted\\"' in text
