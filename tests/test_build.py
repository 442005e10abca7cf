"""`thaiplan build` (issue 3): loading, the quote check, closures, the report, and failed builds."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from thaiplan.cli import main
from thaiplan.config import Config
from thaiplan.errors import InputError, ThaiplanError
from thaiplan.graph.build.inputs import (
    AGENCIES_GRAPH,
    GRAPH_BASE,
    INFERRED_GRAPH,
    ONTOLOGY_GRAPH,
    SOURCES_GRAPH,
)
from thaiplan.graph.build.pipeline import build
from thaiplan.graph.store.local import EmbeddedStore, current_snapshot, snapshot_id

DATA = Path(__file__).parent / "data" / "build"
TP = "https://w3id.org/thaiplan/ontology#"
ID = "https://w3id.org/thaiplan/id/"


def _build(store_dir: Path, dataset: str) -> tuple[list[str], object]:
    """Build one test dataset into `store_dir`, returning the printed lines and the report."""
    lines: list[str] = []
    report = build(Config(store_dir=store_dir), DATA / dataset, out=lines.append)
    return lines, report


def _objects(store: EmbeddedStore, subject: str, prop: str, graph: str) -> set[str]:
    """The objects of one subject and property in one named graph."""
    quads = store.store.quads_for_pattern(
        ox.NamedNode(subject), ox.NamedNode(prop), None, ox.NamedNode(graph)
    )
    return {q.object.value for q in quads}


def test_issue3_build_loads_every_graph_and_prints_counts(tmp_path: Path) -> None:
    lines, report = _build(tmp_path, "valid")
    text = "\n".join(lines)
    graphs = report.triples_per_graph
    assert set(graphs) >= {ONTOLOGY_GRAPH, SOURCES_GRAPH, AGENCIES_GRAPH, GRAPH_BASE + "plan", INFERRED_GRAPH}
    assert graphs[AGENCIES_GRAPH] == 4 + 3  # both agency files go into the one register graph
    assert report.entities_per_class[TP + "Passage"] == 1
    assert report.entities_per_class[TP + "Agency"] == 1
    assert report.quotes_checked == 1
    for needle in (GRAPH_BASE + "plan", "tp:Strategy", "tp:Passage", "1 quotes checked", report.snapshot_id):
        assert needle in text


def test_issue3_closures_are_materialized_in_the_inferred_graph(tmp_path: Path) -> None:
    _, report = _build(tmp_path, "valid")
    store = EmbeddedStore(tmp_path)
    guideline = ID + "guideline/test-1.1-1"
    assert _objects(store, guideline, TP + "partOfTransitive", INFERRED_GRAPH) == {
        ID + "tactic/test-1.1",
        ID + "strategy/test-1",
        ID + "plan/test",
    }
    assert _objects(store, ID + "activity/TEST01", TP + "supportsTransitive", INFERRED_GRAPH) == {
        ID + "goal/TEST-G1",
        ID + "strategy/test-1",
    }
    assert report.inferred == {TP + "partOfTransitive": 6, TP + "supportsTransitive": 3}


def test_issue3_bad_turtle_names_file_and_line_and_keeps_previous(tmp_path: Path) -> None:
    _build(tmp_path, "valid")
    before = snapshot_id(tmp_path)
    with pytest.raises(InputError) as exc:
        _build(tmp_path, "bad-turtle")
    assert exc.value.exit_code == 2
    assert str(DATA / "bad-turtle" / "plan.ttl") + ":6:" in str(exc.value)
    assert snapshot_id(tmp_path) == before
    assert [p.name for p in (tmp_path / "snapshots").iterdir()] == [before]


def test_issue3_missing_quote_names_file_passage_and_quote(tmp_path: Path) -> None:
    with pytest.raises(ThaiplanError) as exc:
        _build(tmp_path, "missing-quote")
    message = str(exc.value)
    assert exc.value.exit_code == 1
    assert f"{DATA / 'missing-quote' / 'plan.ttl'}:7:" in message
    assert ID + "passage/invented-1" in message
    assert "ข้อความนี้ไม่มีอยู่ในเอกสารต้นฉบับเลย" in message
    assert current_snapshot(tmp_path) is None  # nothing was ever built: still nothing
    assert not any((tmp_path / "snapshots").iterdir())


def test_issue3_unknown_source_fails_the_build(tmp_path: Path) -> None:
    with pytest.raises(ThaiplanError) as exc:
        _build(tmp_path, "unknown-source")
    assert "no-such-document" in str(exc.value)
    assert "not a known source document" in str(exc.value)


def test_issue3_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = str(tmp_path / "store")
    assert main(["build", "--store", store, "--data", str(DATA / "valid")]) == 0
    assert "named graph" in capsys.readouterr().out
    assert main(["build", "--store", store, "--data", str(DATA / "missing-quote")]) == 1
    assert "quote check" in capsys.readouterr().err
    assert main(["build", "--store", store, "--data", str(DATA / "bad-turtle")]) == 2
    err = capsys.readouterr().err
    assert "bad Turtle" in err and "Traceback" not in err
    assert main(["build", "--store", store, "--data", str(tmp_path / "nowhere")]) == 2


def test_issue3_real_project_data_builds(tmp_path: Path) -> None:
    """The curated data in graph/data loads, passes the quote check and has every agency graph."""
    lines: list[str] = []
    report = build(Config(store_dir=tmp_path), out=lines.append)
    assert report.triples_per_graph[ONTOLOGY_GRAPH] > 100
    data_files = [p for p in report.files if "data" in p.parts]
    assert data_files, "graph/data holds no curated Turtle"
    for path in data_files:
        graph = AGENCIES_GRAPH if path.parent.name == "agencies" else GRAPH_BASE + path.stem
        assert report.triples_per_graph.get(graph, 0) > 0, f"{path} loaded no triples"
    assert report.quotes_checked > 0
