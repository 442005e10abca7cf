"""The source reader and the coverage of the source documents, over the real curated graph (#17)."""

from __future__ import annotations

import html
import json
import re

import pytest

from tests import test_pages_support as support
from tests.test_pages_support import BROWSER
from thaiplan.cli import main as thaiplan_main
from thaiplan.graph.text.coverage import collapsed_with_offsets, locate
from thaiplan.graph.text.normalize import collapse, normalized_source

store_dir, app, client = support.store_dir, support.app, support.client
DOC = "reform-plan-cr02"


def get(client, url: str, lang: str = "th"):
    """GET as a browser in the given interface language."""
    return client.get(url, headers={**BROWSER, "Accept-Language": lang})


def reader_text(page: str) -> str:
    """The text block of the reader, with its markup taken away."""
    block = page[page.index('id="source-text"') : page.index("</div>", page.index('id="source-text"'))]
    block = block[block.index(">") + 1 :]
    return html.unescape(re.sub(r"<[^>]+>", "", block))


def test_reader_shows_the_normalized_text_whole_with_each_cited_passage_linked_to_its_facts_issue17(
    client,
) -> None:
    response = get(client, f"/source/{DOC}?lang=th")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert reader_text(page) == normalized_source(DOC)  # every character, in order, nothing added
    # The passage of the 2564 satisfaction figure: anchored, highlighted, its facts on hover and in the list.
    key = "reform-plan-cr02-19"
    assert f'<span id="{key}"></span>' in page
    link = re.search(rf'<a class="passage" href="#facts-{key}" title="([^"]*)"[^>]*><mark[^>]*>([^<]*)', page)
    assert link is not None
    assert "84.81" in html.unescape(link.group(1))  # hovering names the observation derived from it
    assert html.unescape(link.group(2)).startswith("ความพึงพอใจในคุณภาพการให้บริการของภาครัฐในภาพรวม")
    item = page[page.index(f'<li id="facts-{key}">') :]
    item = item[: item.index("</li>\n      \n")] if "</li>\n      \n" in item else item[:3000]
    assert "/id/observation/CR02G01-1-2564" in item  # clicking leads to the facts, linked to their pages


def test_uncovered_sentences_are_marked_and_coverage_is_shown_per_section_and_document_issue17(
    client,
) -> None:
    page = get(client, f"/source/{DOC}?lang=en", "en").get_data(as_text=True)
    uncovered = [html.unescape(t) for t in re.findall(r'<span class="uncovered">([^<]*)</span>', page)]
    assert uncovered
    marks = re.findall(r'<mark class="([^"]*)">', page)
    assert marks and not any("uncovered" in m for m in marks)  # a sentence under a passage is covered
    # No uncovered sentence holds a quote some fact cites (every place a quote stands counts as cited).
    cited = {collapse(html.unescape(q)) for q in re.findall(r'<div class="quote" lang="th">«([^»]*)»', page)}
    assert cited and not any(q in collapse(u) for u in uncovered for q in cited)
    rows = re.findall(r'<tr><td>[^<]*</td><td class="num">(\d+)</td><td class="num">(\d+)</td>', page)
    total, covered = sum(int(a) for a, _ in rows), sum(int(b) for _, b in rows)
    assert len(rows) > 1 and 0 < covered < total
    shown = re.search(r'id="coverage-document">([\d.]+)%', page)
    assert shown and float(shown.group(1)) == pytest.approx(round(100 * covered / total, 1))
    assert "Share of sentences cited by at least one fact" in page


def test_thaiplan_validate_reports_the_coverage_the_reader_shows_issue17(client, store_dir, capsys) -> None:
    page = get(client, f"/source/{DOC}?lang=en", "en").get_data(as_text=True)
    shown = float(re.search(r'id="coverage-document">([\d.]+)%', page).group(1))  # type: ignore[union-attr]
    assert thaiplan_main(["validate", "--store", str(store_dir), "--format", "json"]) in (0, 1)
    report = json.loads(capsys.readouterr().out)
    figures = {c["document"]: c for c in report["sourceCoverage"]}
    assert set(figures) == {"reform-plan-cr02", "psds-2567-2570", "national-strategy"}
    mine = figures[DOC]
    assert round(100 * mine["coverage"], 1) == pytest.approx(shown, abs=0.06)
    assert sum(s["sentences"] for s in mine["sections"]) == mine["sentences"]
    assert "results" in report and "conforms" in report  # the SHACL report is all still there
    assert thaiplan_main(["validate", "--store", str(store_dir), "--format", "text", "--lang", "th"]) in (
        0,
        1,
    )
    text = capsys.readouterr().out
    line = next(line for line in text.splitlines() if line.strip().startswith(f"{DOC}:"))
    assert re.fullmatch(rf"\s+{DOC}: {shown:.1f}% \(\d+ / {mine['sentences']} ประโยค\)", line), line


def test_every_passage_of_the_curated_graph_is_located_at_its_quote_issue17(store_dir) -> None:
    import pyoxigraph as ox

    from thaiplan.graph.store.local import open_read_only
    from thaiplan.graph.text.coverage import cited_passages

    store = open_read_only(store_dir)
    cited = cited_passages(store)
    assert set(cited) == {"reform-plan-cr02", "psds-2567-2570", "national-strategy"}
    for doc, passages in cited.items():
        text = normalized_source(doc)
        for iri, quote in passages:
            span = locate(doc, quote)
            assert span is not None, iri
            assert collapse(text[span[0] : span[1]]) == collapse(quote), iri
    assert isinstance(store, ox.Store)


def test_collapsed_offsets_map_back_to_the_text_issue17() -> None:
    text = "ก ข\n\n  ค\tง "
    flat, offsets = collapsed_with_offsets(text)
    assert flat == collapse(text) == "ก ข ค ง"
    assert [text[o] if not flat[i].isspace() else " " for i, o in enumerate(offsets)] == list(flat)


def test_unknown_document_is_a_404_page_issue17(client) -> None:
    for url in ("/source/no-such-doc", "/source/reform-plan-cr02.txt"):
        response = get(client, url)
        assert response.status_code == 404 and "reform-plan-cr02" in response.get_data(as_text=True)


def test_report_footnotes_open_the_passage_in_the_reader_issue17(client) -> None:
    report = html.unescape(get(client, "/report/reform-plan-cr02").get_data(as_text=True))
    targets = set(re.findall(r'href="[^"]*/source/([a-z0-9-]+)#([a-z0-9-]+)"', report))
    assert targets
    pages = {doc: get(client, f"/source/{doc}").get_data(as_text=True) for doc, _ in targets}
    for doc, key in targets:
        assert f'<span id="{key}"></span>' in pages[doc], (doc, key)


@pytest.fixture(scope="module")
def unused_passage_app(tmp_path_factory: pytest.TempPathFactory):
    """An app over the curated graph plus one passage of the reform plan that no fact cites."""
    import shutil

    from thaiplan.config import Config
    from thaiplan.graph.build.inputs import default_data_dir, sources_ttl
    from thaiplan.graph.build.pipeline import build
    from thaiplan.server import create_app

    folder = tmp_path_factory.mktemp("unused-passage")
    data = folder / "data"
    shutil.copytree(default_data_dir(), data)
    shutil.copy(sources_ttl(), data / "sources.ttl")
    (data / "extra.ttl").write_text(
        "@prefix tp: <https://w3id.org/thaiplan/ontology#> .\n"
        "@prefix prov: <http://www.w3.org/ns/prov#> .\n"
        "<https://w3id.org/thaiplan/id/passage/reform-plan-cr02-unused-1> a tp:Passage ;\n"
        '    tp:quote "สรุปการบรรลุเป้าหมายอันพึงประสงค์ของการปฏิรูปประเทศด้านการบริหารราชการแผ่นดิน"@th ;\n'
        "    prov:wasQuotedFrom <https://w3id.org/thaiplan/id/source/reform-plan-cr02> .\n",
        encoding="utf-8",
    )
    config = Config(store_dir=folder / "store", workers=1)
    build(config, data, out=lambda _: None)
    application = create_app(config)
    application.testing = True
    try:
        yield application
    finally:
        application.extensions["thaiplan_pool"].close()


def test_validation_page_links_a_passage_finding_to_its_place_in_the_reader_issue17(
    unused_passage_app,
) -> None:
    client = unused_passage_app.test_client()
    page = get(client, "/validation?lang=en", "en").get_data(as_text=True)
    key = "reform-plan-cr02-unused-1"
    link = re.search(rf'<a class="reader-link" href="([^"]*/source/reform-plan-cr02#{key})">', page)
    assert link is not None  # the Info finding "Nothing is derived from this passage" points into the reader
    reader = get(client, link.group(1).split("#")[0]).get_data(as_text=True)
    assert f'<span id="{key}"></span>' in reader and f'<li id="facts-{key}">' in reader
    assert '<mark class=" uncited' in reader  # shown, but not as a cited passage
