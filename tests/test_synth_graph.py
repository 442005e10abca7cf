"""Issue 7: what the synthetic graph says holds together (statuses, support direction, labels, shapes)."""

from __future__ import annotations

from decimal import Decimal
from functools import cache

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SH, SKOS

from thaiplan.graph.synth.model import generate
from thaiplan.graph.synth.sizes import Sizes
from thaiplan.graph.synth.write import chunks_for

TP = Namespace("https://w3id.org/thaiplan/ontology#")
SIZES = Sizes(agencies=80, projects=120, years=3, seed=11)


@cache
def synthetic_graph(sizes: Sizes = SIZES) -> Graph:
    """The synthetic graph for the sizes, parsed by rdflib from the N-Triples the writer produces."""
    counter = [0]
    text = "".join(chunks_for("nt", generate(sizes), counter, ""))
    return Graph().parse(data=text, format="nt")


def one(graph: Graph, subject: URIRef, predicate: URIRef) -> object:
    """The single value of a property (the test fails when there is not exactly one)."""
    values = list(graph.objects(subject, predicate))
    assert len(values) == 1, (subject, predicate, values)
    return values[0]


def test_every_observation_status_agrees_with_its_target_issue_7() -> None:
    graph = synthetic_graph()
    targets = {
        (one(graph, t, TP.indicator), one(graph, t, TP.year)): t for t in graph.subjects(RDF.type, TP.Target)
    }
    statuses = set()
    observations = list(graph.subjects(RDF.type, TP.Observation))
    assert len(observations) == len(targets) > 100
    for obs in observations:
        target = targets[(one(graph, obs, TP.indicator), one(graph, obs, TP.year))]
        observed = Decimal(str(one(graph, obs, TP.value)))
        wanted = Decimal(str(one(graph, target, TP.value)))
        comparator, status = one(graph, target, TP.comparator), one(graph, obs, TP.status)
        met = {
            TP.atLeast: observed >= wanted,
            TP.atMost: observed <= wanted,
            TP.topRank: observed <= wanted,
            TP.exactly: observed == wanted,
        }[comparator]
        assert (status == TP.statusAchieved) == met, (obs, observed, comparator, wanted, status)
        assert one(graph, obs, TP.unit) == one(graph, target, TP.unit)
        statuses.add(status)
    assert statuses == {TP.statusAchieved, TP.statusNearTarget, TP.statusAtRisk, TP.statusCritical}


# The plan level (1 highest) of each kind of plan, and the rank of each kind of part within a plan, as
# shapes/levels.ttl orders them; agency action plans (plain tp:Plan) are level 3.
LEVEL = {TP.NationalStrategy: 1, TP.MasterPlan: 2, TP.Plan: 3}
RANK = {TP.Goal: 1, TP.Strategy: 2, TP.Tactic: 3, TP.Project: 5}


def position(graph: Graph, node: URIRef) -> tuple[URIRef, int, int]:
    """A node's plan, that plan's level, and the node's rank within it (0 for the plan itself)."""
    kind = one(graph, node, RDF.type)
    if kind in LEVEL:
        return node, LEVEL[kind], 0
    plan = one(graph, node, SKOS.inScheme)
    return plan, LEVEL[one(graph, plan, RDF.type)], RANK[kind]


def test_supports_never_points_down_the_hierarchy_issue_7() -> None:
    graph = synthetic_graph()
    edges = list(graph.subject_objects(TP.supports))
    assert len(edges) > 200
    for source, target in edges:
        from_plan, from_level, from_rank = position(graph, source)
        to_plan, to_level, to_rank = position(graph, target)
        if from_plan == to_plan:
            assert from_rank > to_rank, (source, target)
        else:
            assert from_level > to_level, (source, target)
        assert (target, TP.partOf, source) not in graph


def test_xyz_chain_reaches_the_national_strategy_issue_7() -> None:
    graph = synthetic_graph()
    ns_strategies = set(graph.subjects(SKOS.inScheme, next(graph.subjects(RDF.type, TP.NationalStrategy))))
    for project in graph.subjects(RDF.type, TP.Project):
        goals = [o for o in graph.objects(project, TP.supports) if (o, RDF.type, TP.Goal) in graph]
        tactics = [o for o in graph.objects(project, TP.supports) if (o, RDF.type, TP.Tactic) in graph]
        assert len(goals) == 1 and len(tactics) == 1
        assert one(graph, goals[0], TP.supports) in ns_strategies
        subplan = one(graph, tactics[0], TP.partOf)
        assert one(graph, subplan, SKOS.inScheme) == one(graph, goals[0], SKOS.inScheme)


def test_every_label_has_thai_and_english_issue_7() -> None:
    graph = synthetic_graph()
    labelled = set(graph.subjects(SKOS.prefLabel))
    assert len(labelled) > 300
    for subject in labelled:
        labels = list(graph.objects(subject, SKOS.prefLabel))
        assert sorted(label.language for label in labels if isinstance(label, Literal)) == ["en", "th"], (
            subject
        )
    for label in graph.objects(None, SKOS.prefLabel):
        if label.language == "th":
            assert any("\u0e01" <= char <= "\u0e5b" for char in str(label)), label


def test_agencies_form_three_tiers_issue_7() -> None:
    graph = synthetic_graph()
    org = Namespace("http://www.w3.org/ns/org#")
    ministries = set(graph.subjects(RDF.type, TP.Ministry))
    departments = {s for s, o in graph.subject_objects(org.subOrganizationOf) if o in ministries}
    locals_ = {s for s, o in graph.subject_objects(org.subOrganizationOf) if o in departments}
    assert ministries and departments and locals_
    assert len(ministries) + len(departments) + len(locals_) == SIZES.agencies
    for project in graph.subjects(RDF.type, TP.Project):
        assert one(graph, project, TP.leadAgency) in departments
        assert one(graph, project, TP.coResponsibleAgency) in locals_


def test_every_entity_comes_from_a_passage_of_a_synthetic_source_issue_7() -> None:
    graph = synthetic_graph()
    prov = Namespace("http://www.w3.org/ns/prov#")
    sources = set(graph.subjects(RDF.type, TP.SourceDocument))
    assert sources and all(str(s).startswith("https://w3id.org/thaiplan/id/synth/source/") for s in sources)
    for passage in graph.subjects(RDF.type, TP.Passage):
        assert one(graph, passage, prov.wasQuotedFrom) in sources
        assert one(graph, passage, TP.quote).language == "th"
    for kind in (TP.Agency, TP.Project, TP.Indicator, TP.Target, TP.Observation, TP.Strategy, TP.Goal):
        for entity in graph.subjects(RDF.type, kind):
            assert (one(graph, entity, prov.wasDerivedFrom), RDF.type, TP.Passage) in graph


def test_small_synthetic_graph_conforms_to_the_shapes_issue_7() -> None:
    validate = pytest.importorskip("thaiplan.shapes.validate", reason="shapes/validate.py not present")
    # Enough projects that every local administration is referred to (else AgencyUsedShape gives Info).
    report = validate.validate(synthetic_graph(Sizes(agencies=40, projects=60, years=2, seed=3)))
    problems = [(r.severity, r.shape, r.focus, r.messages[:1]) for r in report.results]
    assert report.count(SH.Violation) == 0, problems
    assert report.count(SH.Warning) == 0, problems
    assert report.conforms, problems
