"""The synthetic graph carries the monitoring model (issue 15): for every project its alignment levels, and
for every year a budget in a fiscal year and a progress report."""

from __future__ import annotations

from rdflib import Graph, Namespace
from rdflib.namespace import RDF

from tests.test_synth_graph import SIZES, synthetic_graph

TP = Namespace("https://w3id.org/thaiplan/ontology#")
TIME = Namespace("http://www.w3.org/2006/time#")


def test_every_synthetic_project_has_levelled_alignments_budgets_and_reports_issue15() -> None:
    graph: Graph = synthetic_graph()
    projects = set(graph.subjects(RDF.type, TP.Project))
    assert len(projects) == SIZES.projects
    for project in projects:
        alignments = set(graph.objects(project, TP.alignment))
        levels = {graph.value(a, TP.alignmentLevel) for a in alignments}
        assert levels == {TP.levelSubPlanTarget, TP.levelMasterPlanTarget}
        assert {graph.value(a, TP.alignedTo) for a in alignments} == set(graph.objects(project, TP.supports))
        budgets = set(graph.subjects(TP.allocatedTo, project))
        reports = set(graph.subjects(TP.reportsOn, project))
        assert len(budgets) == len(reports) == SIZES.years
        years = {graph.value(b, TP.fiscalYear) for b in budgets}
        assert years == {graph.value(r, TP.fiscalYear) for r in reports} and len(years) == SIZES.years
        assert all(graph.value(b, TP.amount).datatype.endswith("#decimal") for b in budgets)


def test_synthetic_fiscal_years_run_october_to_september_issue15() -> None:
    graph = synthetic_graph()
    years = set(graph.subjects(RDF.type, TP.FiscalYear))
    assert len(years) == SIZES.years
    for year in years:
        be = int(graph.value(year, TP.yearBE))
        start = graph.value(graph.value(year, TIME.hasBeginning), TIME.inXSDDate)
        end = graph.value(graph.value(year, TIME.hasEnd), TIME.inXSDDate)
        assert (str(start), str(end)) == (f"{be - 544}-10-01", f"{be - 543}-09-30")
