"""Issue 7: `thaiplan synth`, the synthetic national-scale graph (sizes, determinism, arguments, RDF)."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef

from thaiplan.cli import main
from thaiplan.graph.synth import words as synth_words
from thaiplan.graph.synth.model import generate
from thaiplan.graph.synth.sizes import MAX_PROJECTS, Sizes, count_triples, shape_of, sizes_for_triples
from thaiplan.graph.synth.terms import SYNTH_BASE, SYNTH_GRAPH

SKOS = "http://www.w3.org/2004/02/skos/core#"
SMALL = ["--agencies", "60", "--projects", "40", "--years", "3", "--seed", "7"]


def synth(tmp_path: Path, name: str, *args: str) -> bytes:
    """Run `thaiplan synth` into a file and return its bytes."""
    path = tmp_path / name
    assert main(["synth", *args, "--output", str(path)]) == 0
    return path.read_bytes()


# --- determinism ------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["nt", "nq", "ttl", "nt.gz"])
def test_same_seed_gives_identical_bytes_issue_7(tmp_path: Path, suffix: str) -> None:
    first = synth(tmp_path, f"a.{suffix}", *SMALL)
    second = synth(tmp_path, f"b.{suffix}", *SMALL)
    assert first == second
    assert len(first) > 1000


def test_output_does_not_depend_on_the_process_issue_7(tmp_path: Path) -> None:
    """Two processes with different string-hash seeds write the same bytes (nothing hangs on set order)."""
    outputs = []
    for hash_seed in ("1", "2"):
        path = tmp_path / f"g{hash_seed}.ttl"
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        command = [sys.executable, "-m", "thaiplan.cli", "synth", *SMALL, "--output", str(path)]
        subprocess.run(command, env=env, check=True, capture_output=True)
        outputs.append(path.read_bytes())
    assert outputs[0] == outputs[1]


def test_other_seed_gives_another_graph_of_the_same_size_issue_7(tmp_path: Path) -> None:
    one = synth(tmp_path, "a.nt", *SMALL)
    other = synth(tmp_path, "b.nt", *SMALL[:-1], "8")
    assert one != other
    assert one.count(b"\n") == other.count(b"\n")


# --- sizes ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("agencies", "projects", "years"),
    [(2, 1, 1), (3, 5, 2), (60, 40, 3), (100, 250, 4), (500, 30, 20)],
)
def test_formula_counts_exactly_what_is_written_issue_7(agencies: int, projects: int, years: int) -> None:
    sizes = Sizes(agencies, projects, years, seed=3)
    written = sum(len(pos) for _, pos in generate(sizes))
    assert written == count_triples(sizes)


@pytest.mark.parametrize("target", [10_000, 25_000])
def test_triples_option_lands_near_the_request_issue_7(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], target: int
) -> None:
    data = synth(tmp_path, "t.nt", "--triples", str(target))
    lines = data.count(b"\n")
    assert abs(lines - target) <= 0.02 * target
    assert capsys.readouterr().out.splitlines()[0] == f"{lines} triples"


@pytest.mark.parametrize("target", [100_000, 1_000_000, 10_000_000])
def test_benchmark_sizes_are_reachable_issue_7(target: int) -> None:
    sizes = sizes_for_triples(target, years=4, seed=1)
    assert abs(count_triples(sizes) - target) <= 0.001 * target


def test_national_scale_agency_tiers_issue_7() -> None:
    shape = shape_of(Sizes(8_120, 10_000, 4, 1))
    assert (shape.ministries, shape.departments, shape.locals) == (20, 300, 7_800)
    assert (shape.master_plans, shape.subplans, shape.tactics) == (23, 138, 414)


def test_projects_are_streamed_not_built_up_front_issue_7() -> None:
    started = time.perf_counter()
    first = list(itertools.islice(generate(Sizes(100, MAX_PROJECTS, 4, 1)), 2000))
    assert len(first) == 2000
    assert time.perf_counter() - started < 5  # millions of projects would take minutes if materialized


# --- arguments --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--agencies", "1"], "--agencies must be between"),
        (["--agencies", "many"], "--agencies must be a whole number"),
        (["--projects", "0"], "--projects must be between"),
        (["--years", "0"], "--years must be between"),
        (["--years", "21"], "--years must be between"),
        (["--seed", "-1"], "--seed must be a whole number"),
        (["--triples", "10"], "is too small"),
        (["--triples", "1k", "--projects", "5"], "not both"),
        (["--format", "xml"], "--format must be one of"),
        (["--base", "not an iri"], "--base must be"),
        (["--base", "https://example.org/no-slash"], "--base must be"),
        (["--output", "/nonexistent-folder/x.nt"], "does not exist"),
        (["--output", "graph.rdf"], "cannot tell the format"),
    ],
)
def test_bad_arguments_exit_2_with_a_message_issue_7(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code = main(["synth", *args])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_output_is_a_folder_is_refused_issue_7(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["synth", "--projects", "1", "--agencies", "5", "--output", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err


def test_failed_run_leaves_no_file_issue_7(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from thaiplan.graph.synth import command as synth

    monkeypatch.setattr(synth, "count_triples", lambda sizes: -1)  # forces the internal consistency error
    assert main(["synth", *SMALL, "--output", str(tmp_path / "g.nt")]) == 1
    assert list(tmp_path.iterdir()) == []


def test_standard_output_carries_the_graph_and_stderr_the_count_issue_7(
    capsys: pytest.CaptureFixture[bytes],
) -> None:
    assert main(["synth", "--agencies", "5", "--projects", "2", "--years", "1"]) == 0
    captured = capsys.readouterr()
    expected = count_triples(Sizes(5, 2, 1, 1))
    assert captured.err.splitlines()[0] == f"{expected} triples"
    assert captured.out.count("\n") == expected


# --- RDF --------------------------------------------------------------------------------------------


def test_formats_parse_to_the_same_triples_in_rdflib_and_pyoxigraph_issue_7(tmp_path: Path) -> None:
    nt = synth(tmp_path, "g.nt", *SMALL)
    ttl = synth(tmp_path, "g.ttl", *SMALL)
    nq = synth(tmp_path, "g.nq", *SMALL)
    expected = count_triples(Sizes(60, 40, 3, 7))
    store = ox.Store()
    store.load(nq, format=ox.RdfFormat.N_QUADS)
    assert len(store) == expected
    assert list(store.named_graphs()) == [ox.NamedNode(SYNTH_GRAPH)]
    triples = {(q.subject, q.predicate, q.object) for q in store}
    from_ttl = {(t.subject, t.predicate, t.object) for t in ox.parse(ttl, format=ox.RdfFormat.TURTLE)}
    from_nt = {(t.subject, t.predicate, t.object) for t in ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)}
    assert triples == from_ttl == from_nt
    assert len(Graph().parse(data=ttl, format="turtle")) == expected
    assert len(Graph().parse(data=nt, format="nt")) == expected


def test_instances_live_under_the_synthetic_base_issue_7(tmp_path: Path) -> None:
    graph = Graph().parse(data=synth(tmp_path, "g.nt", *SMALL), format="nt")
    subjects = {str(s) for s in graph.subjects()}
    assert subjects and all(s.startswith(SYNTH_BASE) for s in subjects)
    other = Graph().parse(
        data=synth(tmp_path, "h.ttl", *SMALL, "--base", "http://example.org/test/"), format="turtle"
    )
    assert all(str(s).startswith("http://example.org/test/") for s in other.subjects())
    assert len(other) == len(graph)


def test_word_lists_need_no_escaping_issue_7() -> None:
    for word in synth_words.all_words():
        assert not set(word) & set('"\\\n\r\t<>'), word


def test_agency_abbreviations_are_unique_and_never_name_a_real_agency_issue_7() -> None:
    sizes = Sizes(8_120, 1, 1, seed=5)
    alt, pref = [], set()
    for _, pos in generate(sizes):
        for p, o in pos:
            if p.endswith("#altLabel>"):
                alt.append(o)
            elif p.endswith("#prefLabel>"):
                pref.add(o)
    assert len(alt) == 8_120 and len(set(alt)) == len(alt)
    assert not set(alt) & pref
    real = Graph()
    for path in (Path(__file__).resolve().parents[1] / "graph" / "data" / "agencies").glob("*.ttl"):
        real.parse(path, format="turtle")
    real_names = {str(o) for p in ("altLabel", "prefLabel") for o in real.objects(None, URIRef(SKOS + p))}
    synthetic_abbreviations = {a.split('"')[1] for a in alt}  # the lexical form of '"…"@th'
    assert not synthetic_abbreviations & real_names
