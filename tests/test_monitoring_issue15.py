"""The monitoring model on the shipped data (issue 15): statuses on assessments, series shared across
plans, fiscal years, deadlines, and the EGDI rank measured once."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from thaiplan.graph.build import search_index, trace_index
from thaiplan.graph.build.inputs import build_inputs
from thaiplan.graph.build.pipeline import load_file
from thaiplan.queries import registry
from thaiplan.queries.execute import rows

TP = "https://w3id.org/thaiplan/ontology#"
ID = "https://w3id.org/thaiplan/id/"
TIME = "http://www.w3.org/2006/time#"


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    for item in build_inputs():
        load_file(store, item)
    store.extend(list(search_index.index_triples(store)))
    store.extend(list(trace_index.index_triples(store)))
    return store


def _objects(store: ox.Store, subject: str, prop: str) -> set[str]:
    """Every object of one subject and property, in any graph."""
    return {
        q.object.value for q in store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(TP + prop), None)
    }


def _subjects(store: ox.Store, prop: str, obj: str) -> set[str]:
    """Every subject with one property and object, in any graph."""
    return {
        q.subject.value for q in store.quads_for_pattern(None, ox.NamedNode(TP + prop), ox.NamedNode(obj))
    }


def test_no_target_carries_a_status_issue15(store: ox.Store) -> None:
    targets = _objects(store, ID + "indicator/CR02G01-1", "hasTarget") | _objects(
        store, ID + "indicator/CR02G02-1", "hasTarget"
    )
    assert len(targets) == 4
    assert all(not _objects(store, t, "status") for t in targets)


def test_the_reports_ratings_are_assessments_of_target_and_observation_issue15(store: ox.Store) -> None:
    rated = {
        (target.rsplit("/", 1)[1], obs.rsplit("/", 1)[1], status.rsplit("#", 1)[1])
        for a in _subjects(store, "reportedIn", ID + "source/reform-plan-cr02")
        for target in _objects(store, a, "assesses")
        for obs in _objects(store, a, "observation")
        for status in _objects(store, a, "status")
    }
    assert rated == {
        ("CR02G01-1-2564", "CR02G01-1-2564", "statusNearTarget"),
        ("CR02G01-1-2565", "CR02G01-1-2564", "statusNearTarget"),
        ("CR02G02-1-2564", "CR02G02-1-2563", "statusAchieved"),
        ("CR02G02-1-2565", "CR02G02-1-2563", "statusNearTarget"),
    }


def test_egdi_rank_57_is_measured_once_not_revised_issue15(store: ox.Store) -> None:
    observations = _subjects(store, "indicator", ID + "indicator/CR02G02-1")
    fifty_seven = {o for o in observations if _objects(store, o, "value") == {"57"}}
    assert fifty_seven == {ID + "observation/CR02G02-1-2563"}
    revisions = store.quads_for_pattern(None, ox.NamedNode("http://www.w3.org/ns/prov#wasRevisionOf"), None)
    assert not [q for q in revisions if "/observation/" in q.subject.value]


def test_indicator_series_reads_the_status_from_the_assessment_issue15(store: ox.Store) -> None:
    found = rows(registry.run("indicator-series", {"indicator": ID + "indicator/CR02G01-1"}, store))
    rated = {
        int(r["yearBE"].value): r["status"].value
        for r in found
        if "status" in r and r["ind"].value.endswith("/CR02G01-1")
    }
    assert rated == {2564: TP + "statusNearTarget"}  # no status on the observation: the assessment's


@pytest.mark.parametrize(
    ("series", "indicators"),
    [
        ("public-service-satisfaction", {"CR02G01-1", "psds-2567-2570-1"}),
        ("un-egdi-rank", {"CR02G02-1", "psds-2567-2570-2"}),
        ("un-egdi-score", {"psds-2567-2570-2"}),
    ],
)
def test_one_series_is_shared_by_the_indicators_of_both_plans_issue15(
    store: ox.Store, series: str, indicators: set[str]
) -> None:
    linked = {
        s.rsplit("/", 1)[1] for s in _subjects(store, "series", ID + "series/" + series) if "/indicator/" in s
    }
    assert linked == indicators


def test_the_egdi_rank_and_score_targets_sit_on_two_series_issue15(store: ox.Store) -> None:
    assert _objects(store, ID + "target/psds-2567-2570-2-1", "series") == {ID + "series/un-egdi-rank"}
    assert _objects(store, ID + "target/psds-2567-2570-2-2", "series") == {ID + "series/un-egdi-score"}


def test_fiscal_year_2564_runs_from_october_2563_to_september_2564_issue15(store: ox.Store) -> None:
    fy = ID + "fiscal-year/2564"
    assert _objects(store, fy, "yearBE") == {"2564"}
    for prop, date in (("hasBeginning", "2020-10-01"), ("hasEnd", "2021-09-30")):
        (instant,) = [
            q.object for q in store.quads_for_pattern(ox.NamedNode(fy), ox.NamedNode(TIME + prop), None)
        ]
        dates = {
            q.object.value for q in store.quads_for_pattern(instant, ox.NamedNode(TIME + "inXSDDate"), None)
        }
        assert dates == {date}


def test_by_2570_is_a_deadline_and_in_a_period_is_not_issue15(store: ox.Store) -> None:
    assert _objects(store, ID + "target/psds-2567-2570-s1-4-2570", "deadline") == {"true"}
    assert _objects(store, ID + "target/psds-2567-2570-1-1", "deadline") == set()


def test_figures_the_text_gives_for_a_fiscal_year_carry_it_issue15(store: ox.Store) -> None:
    for key in ("gdx-platform-agencies-2564", "gdx-platform-calls-2564", "CR02G01-1-2564"):
        assert _objects(store, ID + "observation/" + key, "fiscalYear") == {ID + "fiscal-year/2564"}


def test_an_indicator_brings_the_other_plans_indicator_of_its_series_issue15(store: ox.Store) -> None:
    found = rows(registry.run("indicator-series", {"indicator": ID + "indicator/CR02G01-1"}, store))
    assert {r["ind"].value for r in found} == {ID + "indicator/CR02G01-1", ID + "indicator/psds-2567-2570-1"}
    plans = {r["plan"].value for r in found if "plan" in r}
    assert plans == {ID + "plan/reform-plan-cr02", ID + "plan/psds-2567-2570"}


def test_trace_up_returns_each_steps_alignment_level_issue15(store: ox.Store) -> None:
    found = rows(registry.run("trace-up", {"entity": ID + "activity/BR0201"}, store))
    steps = {
        (r["via"].value.split("/id/")[1], r["node"].value.split("/id/")[1]): (
            r["level"].value,
            r["levelLabelEn"].value,
            r["stated"].value,
        )
        for r in found
        if "via" in r and "level" in r
    }
    assert steps[("activity/BR0201", "goal/CR02G01")] == (
        TP + "levelReformPlan",
        "national reform plan",
        "true",
    )
    # The reform plan's support of the National Strategy's strategies is the curators' inference.
    assert steps[("plan/reform-plan-cr02", "strategy/ns-6")] == (
        TP + "levelNationalStrategy",
        "National Strategy (X)",
        "false",
    )
    # The entity's own row (no via) is never given a level of some other contributor's alignment.
    own = [r for r in found if r["depth"].value == "0"]
    assert own and all("level" not in r for r in own)
    # A partOf step is no alignment: no level.
    part = [r for r in found if r["node"].value.endswith("/plan/reform-plan-cr02")]
    assert part and all("level" not in r for r in part)
