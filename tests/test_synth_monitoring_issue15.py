"""The synthetic graph carries the monitoring model (issue 15): for every project its alignment levels, and
for every year a budget in a fiscal year and a progress report."""

from __future__ import annotations

from pathlib import Path

import pytest
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


def test_every_synthetic_project_has_yearly_assessments_of_its_indicator_issue15() -> None:
    graph = synthetic_graph()
    for project in graph.subjects(RDF.type, TP.Project):
        (indicator,) = graph.objects(project, TP.hasIndicator)
        targets = set(graph.objects(indicator, TP.hasTarget))
        assessments = {a for t in targets for a in graph.subjects(TP.assesses, t)}
        assert len(assessments) == SIZES.years
        for assessment in assessments:
            assert (assessment, RDF.type, TP.Assessment) in graph
            observation = graph.value(assessment, TP.observation)
            target = graph.value(assessment, TP.assesses)
            assert graph.value(observation, TP.year) == graph.value(target, TP.year)
            # The assessment rates what the observation's own colour says, reported in the agency's plan.
            assert graph.value(assessment, TP.status) == graph.value(observation, TP.status)
            assert (graph.value(assessment, TP.reportedIn), RDF.type, TP.SourceDocument) in graph


def test_every_synthetic_progress_report_states_a_dated_or_pending_milestone_issue15() -> None:
    graph = synthetic_graph()
    reports = set(graph.subjects(RDF.type, TP.ProgressReport))
    assert len(reports) == SIZES.projects * SIZES.years
    states = set()
    for report in reports:
        (milestone,) = graph.objects(report, TP.milestone)
        status = graph.value(milestone, TP.progressStatus)
        states.add(status)
        year = graph.value(report, TP.fiscalYear)
        be = int(graph.value(year, TP.yearBE))
        if status == TP.progressCompleted:
            date = graph.value(milestone, TP.achievedOn).toPython()
            assert graph.value(milestone, TP.fiscalYear) == year
            assert date.year == be - 543 and 7 <= date.month <= 9  # the fourth quarter
            assert graph.value(report, TP.progressStatus) == TP.progressOnSchedule
        else:
            assert status == TP.progressInProgress
            assert (
                int(graph.value(milestone, TP.yearBE)) == be and graph.value(milestone, TP.achievedOn) is None
            )
    assert states == {TP.progressCompleted, TP.progressInProgress}


@pytest.mark.slow
def test_a_synthetic_graph_is_consistent_with_the_ontology_and_upstream_issue15(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from thaiplan.cli import main

    out = tmp_path / "synth.nt"
    assert main(["synth", "--agencies", "20", "--projects", "5", "--years", "2", "-o", str(out)]) == 0
    capsys.readouterr()
    code = main(["ontology", "check", "--with", str(out)])
    report = capsys.readouterr().out
    assert code == 0 and "consistent: yes" in report, report
