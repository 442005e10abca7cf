"""Issue 3: the curated graph of the revised National Reform Plan on public administration (CR02).

Parses graph/data/reform-plan-cr02.ttl with rdflib alone (no store, no build) and checks it against
what the document states.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS, XSD

from thaiplan.graph.text.normalize import quote_found

GRAPH_DIR = Path(__file__).resolve().parents[1] / "graph"
TP = Namespace("https://w3id.org/thaiplan/ontology#")
ID = Namespace("https://w3id.org/thaiplan/id/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
SOURCE = ID["source/reform-plan-cr02"]
# Shared entities that the strategy graph labels; this file only links to them.
SHARED = {ID["strategy/ns-2"], ID["strategy/ns-4"], ID["strategy/ns-6"], ID["plan/national-strategy"]}


@pytest.fixture(scope="module")
def g() -> Graph:
    """The reform-plan graph, parsed once."""
    graph = Graph()
    graph.parse(GRAPH_DIR / "data" / "reform-plan-cr02.ttl", format="turtle")
    return graph


def _of_type(g: Graph, cls: URIRef) -> set[URIRef]:
    """Subjects typed with a class."""
    return set(g.subjects(RDF.type, cls))


def _value(g: Graph, node: URIRef) -> Decimal:
    """The numeric tp:value of a target or observation."""
    return Decimal(str(g.value(node, TP.value)))


def test_issue3_two_desired_outcomes_with_codes(g: Graph) -> None:
    """CR02G01 and CR02G02 are the plan's desired outcomes, with their notations."""
    goals = _of_type(g, TP.DesiredOutcome)
    assert goals == {ID["goal/CR02G01"], ID["goal/CR02G02"]}
    for goal in goals:
        assert (goal, TP.partOf, ID["plan/reform-plan-cr02"]) in g
        assert str(g.value(goal, SKOS.notation)) == goal.rsplit("/", 1)[1]


def test_issue3_five_big_rock_activities_with_lead_agencies(g: Graph) -> None:
    """BR0201–BR0205 each have their lead agency, essence and status note as the document gives."""
    leads = {
        "BR0201": "mdes",
        "BR0202": "opdc",
        "BR0203": "csc",  # ก.พ. in the table: the commission (issue 15)
        "BR0204": "opdc",
        "BR0205": "cgd",
    }
    assert _of_type(g, TP.ReformActivity) == {ID[f"activity/{code}"] for code in leads}
    for code, lead in leads.items():
        activity = ID[f"activity/{code}"]
        assert set(g.objects(activity, TP.leadAgency)) == {ID[f"agency/{lead}"]}
        assert g.value(activity, TP.essence) is not None
        assert g.value(activity, TP.statusNote) is not None


@pytest.mark.parametrize(
    ("indicator", "years"),
    [("CR02G01-1", {2564, 2565}), ("CR02G02-1", {2564, 2565})],
)
def test_issue3_every_indicator_has_targets_for_the_years_given(g: Graph, indicator: str, years: set) -> None:
    """The targeted indicators have one target per year the text gives, with comparator, value and unit."""
    ind = ID[f"indicator/{indicator}"]
    targets = set(g.objects(ind, TP.hasTarget))
    assert {int(g.value(t, TP.yearBE)) for t in targets} == years
    for t in targets:
        assert (t, TP.indicator, ind) in g
        assert g.value(t, TP.comparator) is not None
        assert g.value(t, TP.value) is not None
        assert g.value(t, TP.unit) is not None


@pytest.mark.parametrize(
    ("goal", "observed", "target", "comparator", "unit", "status"),
    [
        ("CR02G01-1", Decimal("84.81"), Decimal("85"), TP.atLeast, TP.unitPercent, TP.statusNearTarget),
        ("CR02G02-1", Decimal("57"), Decimal("60"), TP.topRank, TP.unitRank, TP.statusAchieved),
    ],
)
def test_issue3_target_versus_observed_2564(
    g: Graph, goal: str, observed: Decimal, target: Decimal, comparator: URIRef, unit: URIRef, status: URIRef
) -> None:
    """2564: satisfaction 84.81 against at least 85 (yellow); UN EGDI rank 57 against the top 60 (green).

    Since ontology 0.2.0 (issue 15) the rating is a tp:Assessment of the target and the observation it rates
    (for the EGDI, the survey of 2563), not a status on the observation."""
    tgt = ID[f"target/{goal}-2564"]
    (assessment,) = g.subjects(TP.assesses, tgt)
    obs = g.value(assessment, TP.observation)
    assert _value(g, obs) == observed
    assert _value(g, tgt) == target
    assert g.value(tgt, TP.comparator) == comparator
    assert g.value(obs, TP.unit) == unit == g.value(tgt, TP.unit)
    assert g.value(assessment, TP.status) == status
    assert g.value(obs, TP.status) is None and g.value(tgt, TP.status) is None
    met = observed >= target if comparator == TP.atLeast else observed <= target
    assert met == (status == TP.statusAchieved)


def test_issue3_2565_targets_and_ratings(g: Graph) -> None:
    """2565: satisfaction at least 85 and EGDI top 50, both rated close to the target (yellow) by an
    assessment in the 2564 report (issue 15: no longer a status on the target)."""
    assert _value(g, ID["target/CR02G01-1-2565"]) == Decimal("85")
    assert _value(g, ID["target/CR02G02-1-2565"]) == Decimal("50")
    for key in ("CR02G01-1-2565", "CR02G02-1-2565"):
        (assessment,) = g.subjects(TP.assesses, ID[f"target/{key}"])
        assert g.value(assessment, TP.status) == TP.statusNearTarget


def test_issue3_egdi_history(g: Graph) -> None:
    """The EGDI ranks the text gives: 77 in 2559, 73 in 2561, 57 in 2563 (2020), each measured once (issue
    15: the 2564 rating rests on the 2563 survey; it is no second observation of 57)."""
    ranks = {
        int(g.value(o, TP.yearBE)): int(_value(g, o))
        for o in g.objects(ID["indicator/CR02G02-1"], TP.hasObservation)
    }
    assert ranks == {2559: 77, 2561: 73, 2563: 57}


def test_issue3_laws_and_decisions(g: Graph) -> None:
    """The two laws of the plan, the other laws it drafts or amends, and the dated decisions."""
    laws = _of_type(g, TP.Law)
    assert {ID["law/state-administration-act-2534"], ID["law/civil-service-act-2551"]} <= laws
    assert len(laws) == 6  # issue 15: the cited PDPA is a tp:Law too, now that a law is not a plan part
    # The plan's items that call for them are legislative measures (issue 15), one per law drafted or amended.
    measures = _of_type(g, TP.LegislativeMeasure)
    cited = ID["law/personal-data-protection-act-2562"]
    assert {g.value(m, TP.concernsLaw) for m in measures} == laws - {cited}
    assert not [law for law in laws if (law, TP.partOf, None) in g or (law, TP.supports, None) in g]
    date = URIRef("http://purl.org/dc/terms/date")
    decisions = {d: str(g.value(d, date)) for d in _of_type(g, TP.Decision)}
    assert decisions == {
        ID["decision/cabinet-2021-03-30"]: "2021-03-30",
        ID["decision/csc-subcommittee-law-2021-04-02"]: "2021-04-02",
        ID["decision/deputy-prime-minister-2021-08-10"]: "2021-08-10",
    }
    assert g.value(ID["decision/cabinet-2021-03-30"], TP.decisionBody) == ID["agency/cabinet"]


def test_issue3_projects_and_their_figures(g: Graph) -> None:
    """The projects and platforms named, with the figures the text gives."""
    projects = _of_type(g, TP.Project)
    assert len(projects) == 12
    figures = {
        "citizen-service-portal": {45, 81768},
        "biz-portal": {78, 25, 762, 1177},
        "government-data-exchange": {169, 63300000},
    }
    for key, values in figures.items():
        got = {_value(g, o) for o in g.objects(ID[f"project/{key}"], TP.hasObservation)}
        assert got == {Decimal(v) for v in values}


def test_issue3_challenges_and_recommendations(g: Graph) -> None:
    """Two goal challenges, their two recommendations and the six numbered recommendations."""
    assert len(_of_type(g, TP.Challenge)) == 2
    assert len(_of_type(g, TP.Recommendation)) == 8


def test_issue3_alignment_to_the_national_strategy(g: Graph) -> None:
    """The plan supports strategies 2, 4 and 6 of the National Strategy; BR0202 supports strategy 6."""
    plan = ID["plan/reform-plan-cr02"]
    strategies = {ID["strategy/ns-2"], ID["strategy/ns-4"], ID["strategy/ns-6"]}
    assert set(g.objects(plan, TP.supports)) == strategies
    assert (ID["activity/BR0202"], TP.supports, ID["strategy/ns-6"]) in g
    for shared in SHARED:
        assert g.value(shared, SKOS.prefLabel) is None


def test_issue3_every_quote_is_in_the_normalized_text(g: Graph) -> None:
    """Every passage quotes the normalized reform-plan text word for word and names its source."""
    passages = _of_type(g, TP.Passage)
    assert len(passages) > 50
    for p in passages:
        quote = g.value(p, TP.quote)
        assert isinstance(quote, Literal) and quote.language == "th"
        assert quote_found(str(quote), "reform-plan-cr02"), f"{p}: {quote}"
        assert g.value(p, PROV.wasQuotedFrom) == SOURCE


def test_issue3_every_entity_has_thai_and_english_labels_and_provenance(g: Graph) -> None:
    """Every typed entity but passages and reified statements has prefLabels @th and @en and passages."""
    entities = {s for s in g.subjects(RDF.type, None) if isinstance(s, URIRef)} - _of_type(g, TP.Passage)
    assert len(entities) > 60
    for e in entities:
        langs = {lbl.language for lbl in g.objects(e, SKOS.prefLabel)}
        assert langs == {"th", "en"}, e
        sources = set(g.objects(e, PROV.wasDerivedFrom))
        assert sources and all((s, RDF.type, TP.Passage) in g for s in sources), e


def test_issue3_years_are_consistent(g: Graph) -> None:
    """Every tp:year is the CE year of its tp:yearBE (CE = B.E. − 543), typed xsd:gYear."""
    nodes = set(g.subjects(TP.yearBE, None))
    assert nodes
    for n in nodes:
        year = g.value(n, TP.year)
        assert year is not None and year.datatype == XSD.gYear
        assert int(str(year)) == int(g.value(n, TP.yearBE)) - 543


def test_cited_law_is_not_a_plan_part_issue4(g: Graph) -> None:
    """The personal data protection act is only cited in a challenge: a law, not a plan part (since ontology
    0.2.0 a tp:Law is never a plan part, issue 15; until then it was typed eli:LegalResource alone)."""
    pdpa = ID["law/personal-data-protection-act-2562"]
    assert set(g.objects(pdpa, RDF.type)) == {TP.Law}
    assert not list(g.subjects(TP.concernsLaw, pdpa))
    assert g.value(pdpa, SKOS.inScheme) is None and g.value(pdpa, TP.partOf) is None
    assert (ID["challenge/CR02G02-1"], URIRef("http://purl.org/dc/terms/references"), pdpa) in g


def test_satisfaction_breakdowns_are_components_of_the_2564_figure_issue4(g: Graph) -> None:
    """Service-type breakdowns and the survey sample: parts of the overall figure, not indicator values."""
    overall = ID["observation/CR02G01-1-2564"]
    indicator = ID["indicator/CR02G01-1"]
    of_indicator = {o for o in _of_type(g, TP.Observation) if g.value(o, TP.indicator) == indicator}
    assert of_indicator == {overall} == set(g.objects(indicator, TP.hasObservation))
    kinds = ("trade-investment", "tourism", "agriculture", "finance", "health", "registration-land", "sample")
    assert set(g.subjects(TP.partOf, overall)) == {ID[f"observation/CR02G01-1-2564-{k}"] for k in kinds}
    for part in g.subjects(TP.partOf, overall):
        assert g.value(part, TP.indicator) is None
        assert int(g.value(part, TP.yearBE)) == 2564


def test_survey_sample_split_by_sex_adds_up_issue4(g: Graph) -> None:
    """8,093 respondents: 2,595 men and 5,498 women, both components of the sample."""
    sample = ID["observation/CR02G01-1-2564-sample"]
    parts = set(g.subjects(TP.partOf, sample))
    assert parts == {
        ID["observation/CR02G01-1-2564-sample-male"],
        ID["observation/CR02G01-1-2564-sample-female"],
    }
    assert sum(_value(g, p) for p in parts) == _value(g, sample) == Decimal(8093)


def test_undated_project_figures_say_why_issue4(g: Graph) -> None:
    """The Tang Rat and Biz Portal counts, given "so far" / "at present", have no year and say so."""
    undated = {o for o in _of_type(g, TP.Observation) if g.value(o, TP.year) is None}
    owners = {g.value(None, TP.hasObservation, o) for o in undated}
    assert owners == {ID["project/citizen-service-portal"], ID["project/biz-portal"]}
    assert len(undated) == 6
    for o in undated:
        assert "no year is stated" in str(g.value(o, RDFS.comment))


def test_planned_welfare_schemes_are_not_an_observation_issue4(g: Graph) -> None:
    """The platform "will start with" 3 schemes (จะเริ่มดำเนินการ): a plan, kept in the status note."""
    platform = ID["project/government-welfare-platform"]
    assert g.value(platform, TP.hasObservation) is None
    assert any("3 สวัสดิการ" in str(n) for n in g.objects(platform, TP.statusNote))


def test_alignment_read_from_the_infographic_is_marked_inferred_issue4(g: Graph) -> None:
    """The plan's links to strategies 2, 4 and 6 rest on the infographic's labels only: inferred, explained.

    Until ontology 0.2.0 each was a reified rdf:Statement marked tp:inferred; issue 15 made each a
    tp:Alignment with tp:stated false, its comment and its passages."""
    plan = ID["plan/reform-plan-cr02"]
    label_words = {2: "ความสามารถ", 4: "ความเสมอภาค", 6: "การปรับสมดุล"}
    for n, words in label_words.items():
        (statement,) = [
            a for a in g.objects(plan, TP.alignment) if g.value(a, TP.alignedTo) == ID[f"strategy/ns-{n}"]
        ]
        assert g.value(statement, TP.stated) == Literal(False)
        assert g.value(statement, RDFS.comment) is not None
        quotes = " ".join(str(g.value(p, TP.quote)) for p in g.objects(statement, PROV.wasDerivedFrom))
        assert "ยุทธศาสตร์ชา ติด้าน" in quotes and words in quotes
