"""Issue 2: the reference page and its diagram are generated from the Turtle, in Thai and English."""

import re
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest
import rdflib

from thaiplan.cli import main
from thaiplan.ontology.diagram import core_diagram_svg, core_edges
from thaiplan.ontology.reference import render_html
from thaiplan.ontology.terms import defined_terms, load


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids.update(v for k, v in attrs if k == "id" and v)


@pytest.mark.parametrize("lang", ["en", "th"])
def test_issue2_every_term_has_an_anchor_with_both_languages(lang: str) -> None:
    page = render_html(lang)
    parser = _Ids()
    parser.feed(page)
    missing = sorted(defined_terms() - parser.ids)
    assert not missing, f"no anchor for {missing}"
    assert "เป้าหมาย" in page and "Goal" in page  # labels in both languages on either page
    assert f'<html lang="{lang}">' in page


def test_issue2_diagram_is_valid_svg_with_core_classes_and_properties() -> None:
    svg = core_diagram_svg(load())
    root = ElementTree.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    for expected in ("tp:Plan", "tp:Indicator", "tp:Agency", "tp:partOf", "tp:supports", "tp:hasTarget"):
        assert expected in svg
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in render_html("en")


@pytest.mark.parametrize("lang", ["en", "th"])
def test_issue2_diagram_text_lies_inside_its_view_box(lang: str) -> None:
    """Every label and class name is inside the viewBox: nothing is cut off at an edge (seen in #8)."""
    root = ElementTree.fromstring(core_diagram_svg(load(), lang))
    left, top, width, height = (float(v) for v in root.get("viewBox", "").split())
    ns = "{http://www.w3.org/2000/svg}"
    texts = list(root.iter(f"{ns}text"))
    assert len(texts) > 20
    for text in texts:
        x, y = float(text.get("x", "nan")), float(text.get("y", "nan"))
        longest = max(len(span.text or "") for span in text.iter(f"{ns}tspan"))
        half = longest * 3.3  # half the width of 11 px monospace text
        assert left <= x - half and x + half <= left + width, (text.get("class"), longest, x)
        assert top <= y <= top + height, (text.get("class"), y)


def test_issue2_diagram_edges_come_from_domains_and_ranges() -> None:
    edges = core_edges(load())
    tp = rdflib.Namespace("https://w3id.org/thaiplan/ontology#")
    assert "hasTarget" in edges[(tp.Indicator, tp.Target)]
    assert "partOf" in edges[(tp.PlanComponent, tp.Plan)]


def test_issue2_literals_are_escaped() -> None:
    graph = rdflib.Graph()
    for triple in load():
        graph.add(triple)
    goal = rdflib.URIRef("https://w3id.org/thaiplan/ontology#Goal")
    graph.add((goal, rdflib.RDFS.label, rdflib.Literal('<script>alert("x")</script>', lang="fr")))
    page = render_html("en", graph)
    assert "<script>" not in page
    assert "&lt;script&gt;" in page


def test_issue2_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError):
        render_html("fr")


def test_issue2_doc_command_writes_pages_and_svg(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ontology", "doc", "--output", str(tmp_path)]) == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["core.svg", "index.html", "index.th.html"]
    assert re.search(r'id="Goal"', (tmp_path / "index.html").read_text(encoding="utf-8"))
    ElementTree.parse(tmp_path / "core.svg")
    assert "index.html" in capsys.readouterr().out


def test_the_reference_marks_deprecated_terms_and_change_notes_issue15() -> None:
    from thaiplan.ontology.reference import render_html

    for lang, deprecated, replaced, note in (
        ("en", "deprecated", "Deprecated; replaced by", "Change note"),
        ("th", "เลิกใช้", "เลิกใช้ แทนที่ด้วย", "หมายเหตุการเปลี่ยนแปลง"),
    ):
        html = render_html(lang)
        inferred = html[html.index('id="inferred"') :].split("</section>", 1)[0]
        assert f'<span class="deprecated">{deprecated}</span>' in inferred
        assert f"<dt>{replaced}</dt>" in inferred and 'href="#stated"' in inferred
        milestone = html[html.index('id="Milestone"') :].split("</section>", 1)[0]
        assert f"<dt>{note}</dt>" in milestone and "DevelopmentPlanMilestone" in milestone
        assert 'class="deprecated"' not in milestone  # kept, with a new meaning (ontology/README.md)
