"""Scale (issue 7): synthetic graphs build; fast closures and search keys equal slow ones; answer cache."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st
from pythainlp.util import normalize

from tests import test_pages_support as support
from thaiplan.cli import main
from thaiplan.config import Config
from thaiplan.errors import ThaiplanError
from thaiplan.graph.build import closure, indexes, search_index
from thaiplan.graph.build.inputs import GRAPH_BASE, INFERRED_GRAPH
from thaiplan.graph.build.pipeline import build
from thaiplan.graph.synth.terms import SYNTH_GRAPH
from thaiplan.queries import keys
from thaiplan.rq import read_rq
from thaiplan.server import answers

DATA = Path(__file__).parent / "data" / "build"
TP = "https://w3id.org/thaiplan/ontology#"
EX = "https://w3id.org/thaiplan/id/test/"
store_dir, app, client = support.store_dir, support.app, support.client


@pytest.fixture(scope="module")
def tiny_synth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding a tiny synthetic graph in N-Quads (~900 triples)."""
    folder = tmp_path_factory.mktemp("synth-data")
    assert (
        main(["synth", "--agencies", "40", "--projects", "3", "--years", "1", "-o", str(folder / "s.nq")])
        == 0
    )
    return folder


def test_issue7_build_reads_nquads_and_skips_the_quotes_of_the_synthetic_graph(
    tiny_synth: Path, tmp_path: Path
) -> None:
    lines: list[str] = []
    report = build(Config(store_dir=tmp_path / "store"), tiny_synth, out=lines.append)
    assert report.triples_per_graph[SYNTH_GRAPH] > 800  # the quads kept the graph they name
    assert report.quotes_checked == 0 and report.quotes_unchecked > 0
    assert f"{report.quotes_unchecked} quotes of the synthetic graph not checked" in "\n".join(lines)
    assert report.inferred[TP + "partOfTransitive"] > 0


def test_issue7_quotes_outside_the_synthetic_graph_are_still_checked(
    tiny_synth: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(tiny_synth, data)
    shutil.copy(DATA / "missing-quote" / "plan.ttl", data / "plan.ttl")
    with pytest.raises(ThaiplanError, match="quote check"):
        build(Config(store_dir=tmp_path / "store"), data, out=lambda _: None)


def test_issue7_build_reads_ntriples_into_the_graph_named_by_the_file(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "extra.nt").write_text(f"<{EX}a> <{TP}partOf> <{EX}b> .\n", encoding="utf-8")
    report = build(Config(store_dir=tmp_path / "store"), data, out=lambda _: None)
    assert report.triples_per_graph[GRAPH_BASE + "extra"] == 1


def _edges_store() -> ox.Store:
    """A store with chains, a diamond, a cycle and a self-loop of tp:partOf and tp:supports in two graphs."""
    store = ox.Store()
    edges = [
        ("a", "partOf", "b", "g1"),
        ("b", "partOf", "c", "g2"),
        ("c", "partOf", "a", "g1"),  # a cycle: a, b and c each reach themselves
        ("d", "partOf", "d", "g1"),  # a self-loop
        ("e", "partOfTransitive", "f", "g2"),  # an asserted closure edge is followed too
        ("f", "partOf", "g", "g1"),
        ("p", "supports", "q", "g1"),
        ("p", "supports", "r", "g2"),
        ("q", "supports", "s", "g1"),
        ("r", "supports", "s", "g1"),  # a diamond: p reaches s twice
    ]
    for s, p, o, g in edges:
        store.add(
            ox.Quad(ox.NamedNode(EX + s), ox.NamedNode(TP + p), ox.NamedNode(EX + o), ox.NamedNode(EX + g))
        )
    return store


@pytest.mark.parametrize(
    ("prop", "rq"), [("partOfTransitive", "closure-part-of"), ("supportsTransitive", "closure-supports")]
)
def test_issue7_closures_in_python_equal_the_sparql_property_paths(prop: str, rq: str) -> None:
    reference = _edges_store()
    expected = {
        (t.subject.value, t.object.value)
        for t in reference.query(read_rq("graph", rq), use_default_graph_as_union=True)
    }
    store = _edges_store()
    closure.materialize(store)
    got = {
        (q.subject.value, q.object.value)
        for q in store.quads_for_pattern(None, ox.NamedNode(TP + prop), None, ox.NamedNode(INFERRED_GRAPH))
    }
    assert got == expected and len(got) >= 5


def test_issue7_search_keys_in_worker_processes_equal_the_serial_ones() -> None:
    texts = {
        ("label", "โครงการพัฒนาระบบชลประทาน"),
        ("label", "Project to improve irrigation"),
        ("code", "BR0201"),
    }
    texts |= {("definition", f"การพัฒนาบริการภาครัฐ {n}") for n in range(40)}
    serial = search_index.key_texts(texts)
    with indexes.in_worker(search_index.key_texts, sorted(texts)) as result:
        assert result() == serial


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=40))
def test_issue7_ascii_texts_skip_pythainlp_but_normalize_the_same(text: str) -> None:
    slow = " ".join(normalize(text).split())  # what pythainlp would give, spaces collapsed as keys do
    assert keys.normalize_text(text) == keys._SPACE.sub(" ", slow).strip()


def test_issue7_named_answers_carry_an_etag_and_revalidate_with_304(client: FlaskClient) -> None:
    url = "/api/queries/trace-up?entity=BR0201"
    first = client.get(url)
    tag = first.headers["ETag"]
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-cache"
    again = client.get(url)  # from the in-process cache: the same bytes
    assert again.status_code == 200 and again.data == first.data and again.headers["ETag"] == tag
    not_modified = client.get(url, headers={"If-None-Match": tag})
    assert not_modified.status_code == 304 and not not_modified.data
    other = client.get(url + "&maxDepth=1")
    assert (
        other.headers["ETag"] != tag and client.get(url, headers={"If-None-Match": '"x"'}).status_code == 200
    )


def test_issue7_an_answer_from_a_worker_on_another_snapshot_is_not_cached_as_the_current_one(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Right after a build switches, a worker may still answer from the previous snapshot; that answer
    # must be tagged (and cached) with the snapshot it came from, never as the new one's.
    url = "/api/queries/search?q=BR0203"
    tag_of_the_data = client.get(url).headers["ETag"]
    monkeypatch.setattr(answers, "current_snapshot", lambda: "a-newer-snapshot")
    stale = client.get(url)  # the web process believes in a newer snapshot; the worker holds the old one
    assert stale.status_code == 200
    assert stale.headers["ETag"] == tag_of_the_data


def test_issue7_the_etag_changes_with_the_snapshot_query_params_and_format() -> None:
    base = answers.etag("s1", "search", {"q": "x"}, {"solutions": "json"})
    assert base and base.startswith('"')
    assert base != answers.etag("s2", "search", {"q": "x"}, {"solutions": "json"})
    assert base != answers.etag("s1", "search", {"q": "y"}, {"solutions": "json"})
    assert base != answers.etag("s1", "search", {"q": "x"}, {"solutions": "csv"})
    assert answers.etag(None, "search", {"q": "x"}, {}) is None
    assert answers.matches(f'"a", W/{base}', base) and not answers.matches('"a"', base)


def test_issue7_the_answer_cache_is_bounded_in_bytes() -> None:
    cache = answers.AnswerCache(max_bytes=800)
    for n in range(10):
        cache.put(f"t{n}", answers.Answer(b"x" * 100, "text/plain"))
    assert len(cache) == 8 and cache.get("t0") is None and cache.get("t9") is not None
    cache.put("big", answers.Answer(b"x" * 200, "text/plain"))  # over an eighth of the bound: not kept
    assert cache.get("big") is None


def test_issue7_the_quote_query_leaves_out_exactly_the_unchecked_graphs() -> None:
    from thaiplan.graph.text.quotes import UNCHECKED_GRAPHS

    assert UNCHECKED_GRAPHS == (SYNTH_GRAPH,) and f"<{SYNTH_GRAPH}>" in read_rq("graph", "quotes")
