"""The audit's fidelity fixes (issue 15), each on the shipped curated data: nothing stated more strongly
than the text, no label from outside the sources, no code the sources do not give."""

from __future__ import annotations

import pytest
import rdflib
from rdflib.namespace import RDF, SKOS

from thaiplan.graph.build.inputs import build_inputs

TP = rdflib.Namespace("https://w3id.org/thaiplan/ontology#")
ID = rdflib.Namespace("https://w3id.org/thaiplan/id/")
DCTERMS = rdflib.Namespace("http://purl.org/dc/terms/")
ORG = rdflib.Namespace("http://www.w3.org/ns/org#")


@pytest.fixture(scope="module")
def g() -> rdflib.Graph:
    graph = rdflib.Graph()
    for item in build_inputs():
        graph.parse(item.path, format="turtle")
    return graph


def _labels(g: rdflib.Graph, node: rdflib.URIRef) -> set[str]:
    """Every pref and alt label of a node."""
    return {str(o) for p in (SKOS.prefLabel, SKOS.altLabel) for o in g.objects(node, p)}


def test_kor_por_is_the_commission_not_its_office_issue15(g: rdflib.Graph) -> None:
    csc, ocsc = ID["agency/csc"], ID["agency/ocsc"]
    assert (csc, RDF.type, TP.Commission) in g and "ก.พ." in _labels(g, csc)
    assert "ก.พ." not in _labels(g, ocsc) and "สำนักงาน ก.พ." in _labels(g, ocsc)
    assert set(g.objects(ID["activity/BR0203"], TP.leadAgency)) == {csc}
    assert (ID["agency/csc-subcommittee-law"], ORG.subOrganizationOf, csc) in g


def test_cr02g02_has_one_indicator_and_supporting_evidence_issue15(g: rdflib.Graph) -> None:
    goal = ID["goal/CR02G02"]
    assert set(g.objects(goal, TP.hasIndicator)) == {ID["indicator/CR02G02-1"]}
    assert set(g.subjects(TP.evidenceFor, goal)) == {ID["indicator/CR02G02-2"], ID["indicator/CR02G02-3"]}
    assert not list(g.triples((ID["indicator/CR02G02-2"], TP.partOf, goal)))


@pytest.mark.parametrize("key", ["CR02G01-1", "CR02G02-1", "CR02G02-2", "CR02G02-3"])
def test_project_made_indicator_keys_are_no_official_codes_issue15(g: rdflib.Graph, key: str) -> None:
    indicator = ID[f"indicator/{key}"]
    assert g.value(indicator, SKOS.notation) is None
    assert str(g.value(indicator, SKOS.hiddenLabel)) == key  # still found by the search and the API


def test_the_law_reform_committee_is_not_responsible_for_the_drafts_it_considers_issue15(
    g: rdflib.Graph,
) -> None:
    committee = ID["agency/urgent-law-reform-committee"]
    responsible = (TP.responsibleAgency, TP.leadAgency, TP.coResponsibleAgency)
    assert not [s for p in responsible for s in g.subjects(p, committee)]
    considering = set(g.subjects(DCTERMS.references, committee))
    assert ID["measure/public-procurement-act-2560"] in considering


def test_a_law_is_no_plan_part_the_measure_is_issue15(g: rdflib.Graph) -> None:
    law, measure = ID["law/civil-service-act-2551"], ID["measure/civil-service-act-2551"]
    assert (law, RDF.type, TP.Law) in g and g.value(law, TP.partOf) is None
    assert (
        g.value(measure, TP.concernsLaw) == law and g.value(measure, TP.partOf) == ID["plan/reform-plan-cr02"]
    )
    act = ID["measure/electronic-government-operations-act"]
    assert g.value(g.value(act, TP.alignment), TP.alignedTo) == ID["goal/CR02G02"]


@pytest.mark.parametrize(
    ("node", "label"),
    [
        ("plan/national-strategy", "20-Year National Strategy"),
        ("strategy/ns-1", "National Security"),
        ("strategy/ns-2", "Building Competitiveness"),
        ("strategy/ns-3", "Human Resource Development and Empowerment"),
        ("strategy/ns-4", "Creating Social Opportunities and Equality"),
        ("strategy/ns-5", "Environmentally Friendly Growth and Quality of Life"),
        ("strategy/ns-6", "Rebalancing and Developing Public Sector Management"),
        ("agency/imd", "สถาบันการจัดการนานาชาติ"),
        ("law/personal-data-protection-act-2562", "พระราชบัญญัติคุ้มครองข้อมูลส่วนบุคคล พ.ศ. 2562"),
    ],
)
def test_labels_from_outside_the_sources_are_gone_issue15(g: rdflib.Graph, node: str, label: str) -> None:
    assert label not in _labels(g, ID[node])


def test_the_national_strategy_text_names_no_publisher_issue15(g: rdflib.Graph) -> None:
    assert g.value(ID["source/national-strategy"], DCTERMS.publisher) is None


def test_every_target_is_named_in_thai_and_english_issue15(g: rdflib.Graph) -> None:
    unnamed = [
        str(t)
        for t in g.subjects(RDF.type, TP.Target)
        if {"th", "en"} - {label.language for label in g.objects(t, SKOS.prefLabel)}
    ]
    assert unnamed == []


def test_the_big_rock_outputs_of_2564_are_milestones_issue15(g: rdflib.Graph) -> None:
    reports = {g.value(r, TP.reportsOn): r for r in g.subjects(RDF.type, TP.ProgressReport)}
    assert set(reports) == {ID[f"activity/BR020{n}"] for n in range(1, 6)}
    assert {g.value(r, TP.progressStatus) for r in reports.values()} == {TP.progressOnSchedule}
    milestones = {m for r in reports.values() for m in g.objects(r, TP.milestone)}
    assert len(milestones) >= 14
    labels = {str(g.value(m, SKOS.prefLabel)): m for m in milestones}
    digital_id = labels["เปิดระบบยืนยันตัวตนดิจิทัลเพื่อเข้าใช้บริการอิเล็กทรอนิกส์ของกรมสรรพากร"]
    assert str(g.value(digital_id, TP.achievedOn)) == "2021-03-18"
    standard = next(m for text, m in labels.items() if "Data Exchange Standard" in text)
    assert g.value(standard, TP.progressStatus) == TP.progressInProgress  # the text: being prepared
    assert all(g.value(m, TP.yearBE) is not None and g.value(m, RDF.type) == TP.Milestone for m in milestones)


def test_every_quote_begins_and_ends_at_a_break_of_the_text_issue15(g: rdflib.Graph) -> None:
    """No quote cut mid-word: it starts after and ends before whitespace (or the text's ends), so that it
    holds whole phrases (Thai writes no space between the words of a phrase)."""
    from thaiplan.graph.text.normalize import normalized_source
    from thaiplan.graph.text.quotes import quote_span

    prov = rdflib.Namespace("http://www.w3.org/ns/prov#")
    cut = []
    for passage, quote in g.subject_objects(TP.quote):
        doc = str(g.value(passage, prov.wasQuotedFrom)).rsplit("/", 1)[1]
        text = normalized_source(doc)
        start, end = quote_span(str(quote), doc) or (0, 0)
        if not ((start == 0 or text[start - 1].isspace()) and (end == len(text) or text[end].isspace())):
            cut.append(str(passage))
    assert cut == []


# Words that continue a sentence begun before them (a quote starting with one was cut from its sentence's
# head) and words that need what follows (a quote ending with one was cut from its tail).
CONTINUES = {"นั้น", "และ", "หรือ", "โดย", "ซึ่ง", "เพื่อ", "รวมทั้ง", "ตลอดจน", "ได้แก่", "ของ", "ที่", "ให้"}
CONTINUES |= {"กับ", "แต่", "จึง", "อีกทั้ง", "รวมถึง", "ใน", "จาก", "ต่อ", "ด้วย"}
# Not listed: verbs (ได้, มี, เป็น, จะ) that begin a sentence whose subject Thai leaves out or a heading gives.
NEEDS_MORE = {"และ", "หรือ", "โดย", "ซึ่ง", "เพื่อ", "ของ", "ที่", "ให้", "กับ", "รวมทั้ง", "ตลอดจน", "ทั้ง"}
NEEDS_MORE |= {"ใน", "จาก", "ต่อ", "คือ", "เป็น", "มี", "แต่", "จึง", "การ", "ความ", "ด้าน", "อาทิ", "เช่น"}
# Labels of the plan's alignment figure, quoted as the figure prints them (no sentence holds them).
FIGURE_LABELS = {"reform-plan-cr02-10"}


def test_every_quote_is_a_whole_sentence_issue15(g: rdflib.Graph) -> None:
    """No quote begins with a word that continues a sentence or ends with one that needs more: each holds
    the whole sentence (pythainlp's crfcut sentences, joined across an abbreviation's period) its facts
    come from, so that a reader checks the fact in its context."""
    from pythainlp.tokenize import word_tokenize

    cut = []
    for passage, quote in g.subject_objects(TP.quote):
        words = [w for w in word_tokenize(str(quote), engine="newmm") if w.strip()]
        if words[0] in CONTINUES or words[-1] in NEEDS_MORE:
            cut.append(str(passage).rsplit("/", 1)[1])
    assert sorted(set(cut) - FIGURE_LABELS) == []


def test_whole_sentences_still_hold_the_facts_cut_from_them_issue15(g: rdflib.Graph) -> None:
    # The Revenue Department's digital ID of 18 March 2564, once quoted from "เพื่อ…": the sentence says who.
    passage = ID["passage/reform-plan-cr02-agency-rd-1"]
    quote = str(g.value(passage, TP.quote))
    assert quote.startswith("นอกจากนี้ยังมี") and "กรมสรรพากร" in quote and "18 มีนาคม 2564" in quote
    # The original plan's six topics carried on through Big Rock: the sentence, not "นั้น ได้นำมา…".
    topics = str(g.value(ID["passage/reform-plan-cr02-9"], TP.quote))
    assert not topics.startswith("นั้น") and "ฉบับเดิม" in topics and "Big Rock" in topics


def test_no_budget_is_invented_where_the_sources_give_none_issue15(g: rdflib.Graph) -> None:
    """tp:BudgetAllocation is used by imports and the synthetic graph: the three sources state no amount in
    baht, so the curated data holds no allocation (nothing invented)."""
    import re

    from thaiplan.graph.text.normalize import normalized_source

    for doc in ("reform-plan-cr02", "psds-2567-2570", "national-strategy"):
        assert not re.search(r"[0-9๐-๙][0-9๐-๙,.]*\s*(ล้าน)?บาท", normalized_source(doc)), doc
    assert list(g.subjects(RDF.type, TP.BudgetAllocation)) == []


def test_every_thai_status_note_is_whole_sentences_of_its_source_issue15(g: rdflib.Graph) -> None:
    """A status note in Thai is the source's own words: it stands in the normalized text and is not cut."""
    from pythainlp.tokenize import word_tokenize

    from thaiplan.graph.text.normalize import quote_found

    cut, missing = [], []
    for node, note in g.subject_objects(TP.statusNote):
        if note.language != "th":
            continue
        words = [w for w in word_tokenize(str(note), engine="newmm") if w.strip()]
        if words[0] in CONTINUES or words[-1] in NEEDS_MORE:
            cut.append(str(node))
        if not any(quote_found(str(note), doc) for doc in ("reform-plan-cr02", "psds-2567-2570")):
            missing.append(str(node))
    assert cut == [] and missing == []
