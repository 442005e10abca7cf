"""Issue 3: the curated graph of the Public Sector Development Strategy B.E. 2567-2570 and the higher plans.

The counts are checked against the normalized source text itself where the text can be counted (tactic
and guideline numbers, flagship project numbers), so that a part left out of the graph fails a test.
These tests read the Turtle files with rdflib only: they do not depend on the store or the build.
Over 400 lines because each part of the strategy (strategies, goals, indicators, tactics, guidelines,
flagship projects) is checked against the source text in its own test, on one parsed graph.
"""

from __future__ import annotations

import re
from collections import deque
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS, XSD

from thaiplan.graph.text.normalize import SOURCES, normalized_source, quote_found

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "graph" / "data"
TP = Namespace("https://w3id.org/thaiplan/ontology#")
ID = Namespace("https://w3id.org/thaiplan/id/")
SOURCE = "https://w3id.org/thaiplan/id/source/"
PLAN = ID["plan/psds-2567-2570"]
DOC = "psds-2567-2570"

# Classes whose instances are named things: each needs a Thai and an English preferred label.
LABELLED = (
    TP.Plan,
    TP.PlanComponent,
    TP.Strategy,
    TP.Goal,
    TP.Tactic,
    TP.Guideline,
    TP.Project,
    TP.Indicator,
)
LABELLED += (TP.Benefit, TP.Decision, TP.Vision, TP.DevelopmentPlanMilestone, TP.FlagshipProject)
LABELLED += (TP.NationalStrategy,)
LABELLED += (
    TP.MasterPlan,
    TP.ReformPlan,
    TP.NationalDevelopmentPlan,
    TP.SecurityPolicy,
    TP.DevelopmentStrategy,
)


@cache
def psds() -> Graph:
    """The strategy's named graph."""
    return Graph().parse(DATA / "psds-2567-2570.ttl", format="turtle")


@cache
def national_strategy() -> Graph:
    """The National Strategy's named graph."""
    return Graph().parse(DATA / "national-strategy.ttl", format="turtle")


@cache
def merged() -> Graph:
    """Both plan graphs and the agency register together, as the store holds them."""
    graph = Graph()
    for path in [
        DATA / "psds-2567-2570.ttl",
        DATA / "national-strategy.ttl",
        *sorted((DATA / "agencies").glob("*.ttl")),
    ]:
        graph.parse(path, format="turtle")
    return graph


def instances(graph: Graph, cls: URIRef, scheme: URIRef | None = None) -> set[URIRef]:
    """Instances of a class, optionally only those in a plan's scheme."""
    found = set(graph.subjects(RDF.type, cls))
    if scheme is not None:
        found = {s for s in found if (s, SKOS.inScheme, scheme) in graph}
    return found


def parts_of(graph: Graph, whole: URIRef, cls: URIRef) -> set[URIRef]:
    """Direct parts of a whole that are of one class."""
    return {s for s in graph.subjects(TP.partOf, whole) if (s, RDF.type, cls) in graph}


def strategies_section() -> str:
    """The normalized text from the first strategy to the benefits: where tactics and guidelines stand."""
    text = normalized_source(DOC)
    return text[text.index("ยุทธศาสตร์ที่ 1") : text.index("ประโยชน์ของร่างยุทธศาสตร์")]


def strategy(n: int) -> URIRef:
    """The IRI of strategy n of the plan."""
    return ID[f"strategy/psds-2567-2570-{n}"]


# --- counts against the text -----------------------------------------------------------------------


def test_three_strategies_as_the_text_says() -> None:
    assert "จำนวน 3 ยุทธศาสตร์" in normalized_source(DOC)
    assert len(re.findall(r"ยุทธศาสตร์ที่\s\d\s", strategies_section())) == 3
    assert parts_of(psds(), PLAN, TP.Strategy) == {strategy(1), strategy(2), strategy(3)}


def test_eight_tactics_counted_in_the_text_and_the_graph() -> None:
    in_text = re.findall(r"(?m)^(\d)\.\s", strategies_section())
    assert len(in_text) == 8
    per_strategy = [len(parts_of(psds(), strategy(n), TP.Tactic)) for n in (1, 2, 3)]
    assert per_strategy == [3, 2, 3]
    assert len(instances(psds(), TP.Tactic, PLAN)) == 8


def test_twenty_six_guidelines_counted_in_the_text_and_the_graph() -> None:
    # A guideline number is "t.g " at the start of a line or after its tactic (not "3.1)" or "4.0").
    in_text = re.findall(r"(?:^|\s)([1-9])\.([1-9])\s", strategies_section(), flags=re.MULTILINE)
    assert len(in_text) == 26
    graph = psds()
    tactics = sorted(instances(graph, TP.Tactic, PLAN))
    assert [len(parts_of(graph, t, TP.Guideline)) for t in tactics] == [2, 3, 3, 4, 3, 4, 3, 4]
    assert len(instances(graph, TP.Guideline, PLAN)) == 26


def test_guideline_notations_match_their_tactic() -> None:
    graph = psds()
    for guideline in instances(graph, TP.Guideline, PLAN):
        tactic = graph.value(guideline, TP.partOf)
        assert str(graph.value(guideline, SKOS.notation)).split(".")[0] == str(
            graph.value(tactic, SKOS.notation)
        )


def test_eight_flagship_projects_counted_in_the_text_and_the_graph() -> None:
    in_text = re.findall(r"(?:^|\s)(\d)\)\sโครงการ", strategies_section())
    assert in_text == ["1", "2", "3", "1", "2", "1", "2", "3"]
    graph = psds()
    assert [len(parts_of(graph, strategy(n), TP.FlagshipProject)) for n in (1, 2, 3)] == [3, 2, 3]
    assert len(instances(graph, TP.FlagshipProject, PLAN)) == 8


def test_indicators_per_strategy_and_overall() -> None:
    graph = psds()
    assert len(set(graph.objects(PLAN, TP.hasIndicator))) == 3
    assert [len(set(graph.objects(strategy(n), TP.hasIndicator))) for n in (1, 2, 3)] == [4, 2, 3]
    assert len(instances(graph, TP.Indicator)) == 12
    for indicator in instances(graph, TP.Indicator):
        assert set(graph.objects(indicator, TP.hasTarget)), indicator


def test_vision_goal_strategy_goals_and_benefits() -> None:
    graph = psds()
    assert parts_of(graph, PLAN, TP.Vision) == {ID["goal/psds-2567-2570-vision"]}
    assert ID["goal/psds-2567-2570-goal"] in parts_of(graph, PLAN, TP.Goal)
    for n in (1, 2, 3):
        assert parts_of(graph, strategy(n), TP.Goal) == {ID[f"goal/psds-2567-2570-s{n}"]}
        assert {ID["goal/psds-2567-2570-vision"], ID["goal/psds-2567-2570-goal"]} <= set(
            graph.objects(strategy(n), TP.supports)
        )
    assert len(parts_of(graph, PLAN, TP.Benefit)) == 3


# --- targets ---------------------------------------------------------------------------------------


def targets_of(indicator: str) -> list[tuple[URIRef, Decimal, URIRef]]:
    """(comparator, value, unit) of every target of an indicator, by indicator key."""
    graph = psds()
    found = []
    for target in graph.objects(ID[f"indicator/{indicator}"], TP.hasTarget):
        value = graph.value(target, TP.value)
        assert isinstance(value, Literal)
        found.append((graph.value(target, TP.comparator), Decimal(str(value)), graph.value(target, TP.unit)))
    return sorted(found)


@pytest.mark.parametrize(
    ("indicator", "expected"),
    [
        ("psds-2567-2570-1", [(TP.atLeast, Decimal(90), TP.unitPercent)]),
        (
            "psds-2567-2570-2",
            [(TP.atLeast, Decimal("0.82"), TP.unitScore), (TP.topRank, Decimal(40), TP.unitRank)],
        ),
        # The text reads "อันดับที่ 204": the 4 is footnote 4, the target is rank 20.
        ("psds-2567-2570-3", [(TP.topRank, Decimal(20), TP.unitRank)]),
        ("psds-2567-2570-s1-1", [(TP.atLeast, Decimal(100), TP.unitPercent)]),
        (
            "psds-2567-2570-s1-2",
            [(TP.atLeast, Decimal("0.82"), TP.unitScore), (TP.topRank, Decimal(40), TP.unitRank)],
        ),
        ("psds-2567-2570-s1-3", [(TP.atLeast, Decimal(1452), TP.unitCount)]),
        ("psds-2567-2570-s1-4", [(TP.atLeast, Decimal(35), TP.unitPercent)]),
        ("psds-2567-2570-s2-1", [(TP.atLeast, Decimal(100), TP.unitPercent)]),
        ("psds-2567-2570-s2-2", [(TP.atLeast, Decimal("0.82"), TP.unitScore)]),
        ("psds-2567-2570-s3-1", [(TP.atLeast, Decimal(100), TP.unitPercent)]),
        ("psds-2567-2570-s3-2", [(TP.atLeast, Decimal(100), TP.unitPercent)]),
        ("psds-2567-2570-s3-3", [(TP.atLeast, Decimal(85), TP.unitPercent)]),
    ],
)
def test_targets_as_the_text_states_them(
    indicator: str, expected: list[tuple[URIRef, Decimal, URIRef]]
) -> None:
    assert targets_of(indicator) == sorted(expected)


def test_every_target_points_back_and_has_a_year_or_period() -> None:
    graph = psds()
    for target in instances(graph, TP.Target):
        indicator = graph.value(target, TP.indicator)
        assert (indicator, TP.hasTarget, target) in graph
        assert graph.value(target, TP.year) is not None or graph.value(target, TP.endYear) is not None, target
    target = ID["target/psds-2567-2570-s1-4-2570"]
    assert graph.value(target, TP.yearBE).toPython() == 2570


def test_buddhist_era_years_stand_beside_common_era_years() -> None:
    graph = merged()
    for be, ce in [(TP.yearBE, TP.year), (TP.startYearBE, TP.startYear), (TP.endYearBE, TP.endYear)]:
        for node, year_be in graph.subject_objects(be):
            year_ce = graph.value(node, ce)
            assert isinstance(year_ce, Literal) and year_ce.datatype == XSD.gYear, (node, ce)
            assert int(str(year_ce)) == year_be.toPython() - 543, node


# --- history, alignment, decisions -------------------------------------------------------------------


def test_predecessors_and_why_none_in_2562_2563() -> None:
    graph = psds()
    assert (PLAN, TP.succeeds, ID["plan/psds-2564-2565"]) in graph
    assert (ID["plan/psds-2564-2565"], TP.succeeds, ID["plan/psds-2556-2561"]) in graph
    note = " ".join(str(n) for n in graph.objects(ID["plan/psds-2564-2565"], SKOS.historyNote))
    assert "2562-2563" in note


@pytest.mark.parametrize(
    "higher",
    [
        "strategy/ns-6",
        "plan/master-plan-20",
        "goal/nesdp-13-milestone-13",
        "plan/national-security-policy",
        "plan/government-policy",
    ],
)
def test_the_strategy_aligns_with_the_higher_plans_the_text_names(higher: str) -> None:
    assert (PLAN, TP.supports, ID[higher]) in psds()


@pytest.mark.parametrize(
    ("key", "th", "start", "end"),
    [
        ("plan/national-strategy", "ยุทธศาสตร์ชาติ (พ.ศ. 2561-2580)", 2561, 2580),
        ("plan/master-plan-20", "แผนแม่บทประเด็นที่ 20 การบริการประชาชนและประสิทธิภาพภาครัฐ", 2561, 2565),
        ("plan/psds-2567-2570", "ยุทธศาสตร์การพัฒนาระบบราชการ (พ.ศ. 2567-2570)", 2567, 2570),
        ("plan/nesdp-13", "แผนพัฒนาเศรษฐกิจและสังคมแห่งชาติ ฉบับที่ 13 (พ.ศ. 2566-2570)", 2566, 2570),
        ("plan/reform-plan-cr02", "แผนการปฏิรูปประเทศ (ฉบับปรับปรุง) ด้านการบริหารราชการแผ่นดิน", None, None),
        (
            "goal/nesdp-13-milestone-13",
            "หมุดหมายที่ 13 ไทยมีภาครัฐที่ทันสมัย มีประสิทธิภาพ และตอบโจทย์ประชาชน",
            None,
            None,
        ),
    ],
)
def test_shared_plans_are_labelled_here(key: str, th: str, start: int | None, end: int | None) -> None:
    graph = psds()
    node = ID[key]
    assert Literal(th, lang="th") in set(graph.objects(node, SKOS.prefLabel))
    assert [o for o in graph.objects(node, SKOS.prefLabel) if o.language == "en"]
    assert set(graph.objects(node, PROV.wasDerivedFrom))
    if start is not None:
        assert graph.value(node, TP.startYearBE).toPython() == start
        assert graph.value(node, TP.endYearBE).toPython() == end


@pytest.mark.parametrize(
    ("key", "body", "date", "meeting", "approves"),
    [
        ("cabinet-2024-07-09", "cabinet", "2024-07-09", None, "psds-2567-2570"),
        ("pdc-2021-05-31", "pdc", "2021-05-31", "2/2564", "psds-2564-2565"),
        ("nesd-council-2023-08-16", "nesd-council", "2023-08-16", "8/2566", "psds-2567-2570"),
        ("pdc-2023-11-08", "pdc", "2023-11-08", "5/2566", "psds-2567-2570"),
    ],
)
def test_decisions_with_bodies_dates_and_meetings(
    key: str, body: str, date: str, meeting: str | None, approves: str
) -> None:
    graph = psds()
    decision = ID[f"decision/{key}"]
    assert (decision, RDF.type, TP.Decision) in graph
    assert graph.value(decision, TP.decisionBody) == ID[f"agency/{body}"]
    assert str(graph.value(decision, DCTERMS.date)) == date
    assert (
        graph.value(decision, TP.meetingNumber) and str(graph.value(decision, TP.meetingNumber))
    ) == meeting
    assert (decision, TP.approves, ID[f"plan/{approves}"]) in graph


# --- agencies ----------------------------------------------------------------------------------------


def test_every_strategy_and_flagship_has_a_responsible_agency_of_the_register() -> None:
    graph = merged()
    register = {s for s in graph.subjects(RDF.type, None) if str(s).startswith(str(ID["agency/"]))}
    parts = instances(psds(), TP.Strategy, PLAN) | instances(psds(), TP.FlagshipProject, PLAN)
    assert len(parts) == 11
    for part in parts:
        agencies = set(graph.objects(part, TP.responsibleAgency))
        assert agencies, part
        assert agencies <= register, (part, agencies - register)


@pytest.mark.parametrize(
    ("project", "agencies"),
    [
        (1, {"dga", "etda", "moi", "dopa", "moc", "dbd"}),
        (2, {"opdc", "business-service-agencies"}),
        (3, {"dga", "ocsc", "public-service-government-agencies"}),
        (4, {"opdc", "ocsc"}),
        (5, {"opdc", "opsopm"}),
        (6, {"sopm", "mdes", "nso", "gbdi"}),
        (7, {"dga", "ocsc"}),
        (8, {"ocsc", "opdc"}),
    ],
)
def test_flagship_project_agencies_as_the_text_names_them(project: int, agencies: set[str]) -> None:
    found = set(psds().objects(ID[f"project/psds-2567-2570-fp-{project}"], TP.responsibleAgency))
    assert found == {ID[f"agency/{a}"] for a in agencies}


# --- traceability ------------------------------------------------------------------------------------


def reaches(graph: Graph, start: URIRef, goal: URIRef) -> bool:
    """True when goal is reachable from start over tp:supports and tp:partOf edges."""
    seen, queue = {start}, deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            return True
        for prop in (TP.supports, TP.partOf):
            for nxt in graph.objects(node, prop):
                if isinstance(nxt, URIRef) and nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
    return False


def test_every_flagship_and_guideline_traces_up_to_the_national_strategy() -> None:
    graph = merged()
    starts = instances(graph, TP.FlagshipProject, PLAN) | instances(graph, TP.Guideline, PLAN)
    assert len(starts) == 34
    for start in starts:
        assert reaches(graph, start, ID["strategy/ns-6"]), start
        assert reaches(graph, start, ID["plan/national-strategy"]), start
    assert not reaches(graph, ID["plan/national-strategy"], PLAN)


# --- labels, structure and provenance ----------------------------------------------------------------


def named_entities(graph: Graph) -> set[URIRef]:
    """Every subject typed with one of the named-thing classes."""
    return {s for cls in LABELLED for s in graph.subjects(RDF.type, cls) if isinstance(s, URIRef)}


@pytest.mark.parametrize("graph_file", ["psds-2567-2570.ttl", "national-strategy.ttl"])
def test_every_entity_has_thai_and_english_labels_and_provenance(graph_file: str) -> None:
    graph = psds() if graph_file.startswith("psds") else national_strategy()
    entities = named_entities(graph) | set(graph.subjects(RDF.type, TP.Target))
    assert entities
    for entity in entities:
        passages = set(graph.objects(entity, PROV.wasDerivedFrom))
        assert passages, entity
        assert all((p, RDF.type, TP.Passage) in graph for p in passages), entity
        if (entity, RDF.type, TP.Target) in graph:
            continue
        languages = sorted(o.language for o in graph.objects(entity, SKOS.prefLabel))
        assert languages == ["en", "th"], entity


def test_every_plan_part_has_part_of_and_scheme() -> None:
    graph = psds()
    for cls in (TP.Strategy, TP.Goal, TP.Tactic, TP.Guideline, TP.Project, TP.Indicator, TP.Benefit):
        for part in graph.subjects(RDF.type, cls):
            assert graph.value(part, TP.partOf) is not None, part
            assert graph.value(part, SKOS.inScheme) is not None, part


@pytest.mark.parametrize("graph_file", ["psds-2567-2570.ttl", "national-strategy.ttl"])
def test_every_quote_stands_in_its_normalized_source(graph_file: str) -> None:
    graph = Graph().parse(DATA / graph_file, format="turtle")
    passages = set(graph.subjects(RDF.type, TP.Passage))
    assert passages
    for passage in passages:
        doc = str(graph.value(passage, PROV.wasQuotedFrom)).removeprefix(SOURCE)
        assert doc in SOURCES, passage
        quote = graph.value(passage, TP.quote)
        assert isinstance(quote, Literal) and quote.language == "th", passage
        assert quote_found(str(quote), doc), f"{passage}: {quote}"


def test_footnote_numbers_are_never_figures() -> None:
    # Footnote references 1..13 glued to words must not turn up as target values.
    values = {Decimal(str(v)) for v in psds().objects(None, TP.value)}
    assert Decimal(204) not in values and Decimal(20) in values
    assert Decimal(1452) in values and Decimal(14526) not in values


# --- the National Strategy -----------------------------------------------------------------------------

OFFICIAL_NAMES = {
    1: ("ยุทธศาสตร์ชาติด้านความมั่นคง", "Security"),
    2: ("ยุทธศาสตร์ชาติด้านการสร้างความสามารถในการแข่งขัน", "Competitiveness Enhancement"),
    3: ("ยุทธศาสตร์ชาติด้านการพัฒนาและเสริมสร้างศักยภาพทรัพยากรมนุษย์", "Developing and Strengthening Human Capital"),
    4: ("ยุทธศาสตร์ชาติด้านการสร้างโอกาสและความเสมอภาคทางสังคม", "Social Cohesion and Equity"),
    5: ("ยุทธศาสตร์ชาติด้านการสร้างการเติบโตบนคุณภาพชีวิตที่เป็นมิตรต่อสิ่งแวดล้อม", "Eco-Friendly Development and Growth"),
    6: ("ยุทธศาสตร์ชาติด้านการปรับสมดุลและพัฒนาระบบการบริหารจัดการภาครัฐ", "Public Sector Rebalancing and Development"),
}


def test_the_national_strategy_source_is_registered_and_described() -> None:
    assert "national-strategy" in SOURCES
    text = normalized_source("national-strategy")
    assert "ราชกิจจานุเบกษา เล่ม 135 ตอนที่ 82 ก" in text
    assert (URIRef(SOURCE + "national-strategy"), RDF.type, TP.SourceDocument) in national_strategy()


@pytest.mark.parametrize("n", sorted(OFFICIAL_NAMES))
def test_six_national_strategies_with_official_names(n: int) -> None:
    graph = national_strategy()
    node = ID[f"strategy/ns-{n}"]
    th, en = OFFICIAL_NAMES[n]
    assert (node, RDF.type, TP.Strategy) in graph
    assert (node, TP.partOf, ID["plan/national-strategy"]) in graph
    assert set(graph.objects(node, SKOS.prefLabel)) == {Literal(th, lang="th"), Literal(en, lang="en")}
    assert str(graph.value(node, SKOS.notation)) == str(n)
    assert th in normalized_source("national-strategy") and en in normalized_source("national-strategy")
    assert len(parts_of(graph, ID["plan/national-strategy"], TP.Strategy)) == 6


SHARED = [
    "plan/national-strategy",
    "plan/master-plan-20",
    "plan/reform-plan-cr02",
    "plan/psds-2567-2570",
    "plan/nesdp-13",
    "goal/nesdp-13-milestone-13",
    *(f"strategy/ns-{n}" for n in range(1, 7)),
]


@pytest.mark.parametrize("key", SHARED)
def test_shared_entities_have_one_label_per_language_across_all_graphs(key: str) -> None:
    graph = Graph()
    for path in sorted(DATA.glob("*.ttl")):
        graph.parse(path, format="turtle")
    labels = [o for o in graph.objects(ID[key], SKOS.prefLabel) if isinstance(o, Literal)]
    assert sorted(o.language for o in labels) == ["en", "th"], (key, labels)
