"""The named queries of issue 6 on a mini plan hierarchy: answers, parameters, ranking, injection, OpenAPI."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from thaiplan.graph.build import search_index, trace_index
from thaiplan.ontology import ontology_path
from thaiplan.queries import registry, terms
from thaiplan.queries.errors import AmbiguousParameter, ParameterError, UnknownQuery, UnresolvedParameter
from thaiplan.queries.execute import rows
from thaiplan.queries.openapi import openapi_spec

DATA = Path(__file__).parent / "data" / "queries" / "mini.trig"
ID = "https://w3id.org/thaiplan/id/"
TP = "https://w3id.org/thaiplan/ontology#"
INJECTIONS = ['"} ; DROP ALL #', "> } UNION { ?s ?p ?o } #", "BR0201> } ; CLEAR ALL ; SELECT * { <x"]


def build_store(data: Path = DATA) -> ox.Store:
    """A TriG dataset (the mini one by default), the ontology and both indexes in an in-memory store."""
    store = ox.Store()
    store.load(path=str(data), format=ox.RdfFormat.TRIG)
    store.load(
        path=str(ontology_path()),
        format=ox.RdfFormat.TURTLE,
        to_graph=ox.NamedNode("https://w3id.org/thaiplan/graph/ontology"),
    )
    store.extend(list(search_index.index_triples(store)))
    store.extend(list(trace_index.index_triples(store)))
    return store


@pytest.fixture(scope="module")
def store() -> ox.Store:
    return build_store()


def run(store: Any, name: str, **params: str) -> list[dict[str, str]]:
    """Run a named query and give its rows as plain strings (IRIs shortened to `id:`/`tp:`)."""
    out = []
    for row in rows(registry.run(name, params, store)):
        out.append({k: v.value.replace(ID, "").replace(TP, "tp:") for k, v in row.items()})
    return out


def depths(result: list[dict[str, str]]) -> dict[str, int]:
    """Node → depth of a trace result."""
    return {r["node"]: int(r["depth"]) for r in result}


# --- trace ------------------------------------------------------------------------------------------


def test_trace_up_from_br0201_reaches_the_national_strategy_with_depths_issue6(store: ox.Store) -> None:
    result = run(store, "trace-up", entity="BR0201")
    assert depths(result) == {
        "activity/BR0201": 0,
        "goal/CR02G01": 1,
        "plan/reform-plan-cr02": 1,
        "plan/master-plan-20": 2,
        "strategy/ns-6": 3,
        "plan/national-strategy": 4,
    }
    top = next(r for r in result if r["node"] == "plan/national-strategy")
    assert top["type"] == "tp:NationalStrategy"  # the most specific type, not tp:Plan
    assert top["labelTh"].startswith("ยุทธศาสตร์ชาติ") and top["labelEn"].startswith("National Strategy")
    assert (top["via"], top["relation"]) == ("strategy/ns-6", "tp:partOf")  # written as tp:hasPart
    roles = {(r["agency"], r["role"]) for r in result if r["node"] == "activity/BR0201"}
    assert roles == {("agency/opdc", "lead"), ("agency/dga", "co-responsible")}
    plan = [r for r in result if r["node"] == "plan/reform-plan-cr02"]
    assert [(r["agency"], r["role"], r["agencyLabelTh"]) for r in plan] == [
        ("agency/opdc", "responsible", "สำนักงานคณะกรรมการพัฒนาระบบราชการ")
    ]


def test_trace_up_takes_the_shortest_path_and_accepts_iri_short_id_and_label(store: ox.Store) -> None:
    by_code = depths(run(store, "trace-up", entity="project/digital-id"))
    # Two ways up to Master Plan 20: via BR0201 → reform plan (3) and via tactic 1.1 → … → PSDS (4).
    assert by_code["plan/master-plan-20"] == 3
    assert by_code["plan/national-strategy"] == 5
    label = "โครงการพัฒนาระบบพิสูจน์และยืนยันตัวตนทางดิจิทัล"
    assert depths(run(store, "trace-up", entity=label)) == by_code
    assert depths(run(store, "trace-up", entity=ID + "project/digital-id")) == by_code
    assert depths(run(store, "trace-up", entity="Digital identity verification project")) == by_code


def test_trace_up_max_depth(store: ox.Store) -> None:
    assert set(depths(run(store, "trace-up", entity="BR0201", maxDepth="1")).values()) == {0, 1}


def test_trace_down_from_the_national_strategy(store: ox.Store) -> None:
    result = run(store, "trace-down", entity="ยุทธศาสตร์ชาติ")
    found = depths(result)
    assert found["plan/national-strategy"] == 0
    assert found["strategy/ns-6"] == 1
    assert found["plan/master-plan-20"] == 2
    assert found["plan/reform-plan-cr02"] == found["plan/psds-2567-2570"] == 3
    assert found["activity/BR0201"] == 4
    assert found["project/digital-id"] == 5
    digital_id = next(r for r in result if r["node"] == "project/digital-id")
    assert digital_id["via"] == "activity/BR0201" and digital_id["relation"] == "tp:supports"
    assert (digital_id["agency"], digital_id["role"]) == ("agency/dga", "lead")


def test_trace_down_from_a_goal(store: ox.Store) -> None:
    assert depths(run(store, "trace-down", entity="CR02G01")) == {
        "goal/CR02G01": 0,
        "activity/BR0201": 1,
        "project/digital-id": 2,
    }
    assert depths(run(store, "trace-down", entity="CR02G02")) == {"goal/CR02G02": 0}


# --- agencies ---------------------------------------------------------------------------------------


def test_agency_portfolio_by_abbreviation_issue6(store: ox.Store) -> None:
    for written in ("กพร.", "สำนักงาน ก.พ.ร.", "OPDC", "opdc", "agency/opdc"):
        result = run(store, "agency-portfolio", agency=written)
        assert {(r["item"], r["role"], r["plan"]) for r in result} == {
            ("activity/BR0201", "lead", "plan/reform-plan-cr02"),
            ("plan/reform-plan-cr02", "responsible", "plan/reform-plan-cr02"),
        }, written


def test_agency_portfolio_lead_before_co_responsible(store: ox.Store) -> None:
    result = run(store, "agency-portfolio", agency="สพร.")
    assert [(r["item"], r["role"]) for r in result] == [
        ("project/digital-id", "lead"),
        ("activity/BR0201", "co-responsible"),
    ]
    assert result[0]["planLabelTh"].startswith("แผนการปฏิรูปประเทศ")


def test_commission_and_its_office_are_told_apart(store: ox.Store) -> None:
    # ก.พ.ร. is the commission (agency/pdc): responsible for nothing here, not the office's portfolio.
    assert run(store, "agency-portfolio", agency="ก.พ.ร.") == []


def test_agency_parameter_must_name_an_agency(store: ox.Store) -> None:
    with pytest.raises(UnresolvedParameter) as exc:
        run(store, "agency-portfolio", agency="BR0201")
    assert exc.value.param == "agency" and "no agency" in str(exc.value)


# --- resolution -------------------------------------------------------------------------------------


def test_ambiguous_code_lists_the_candidates(store: ox.Store) -> None:
    with pytest.raises(AmbiguousParameter) as exc:
        run(store, "trace-up", entity="1.1")
    assert exc.value.param == "entity"
    iris = sorted(c["iri"] for c in exc.value.candidates)
    assert iris == [ID + "tactic/psds-2564-2565-1.1", ID + "tactic/psds-2567-2570-1.1"]
    assert all(c["label_th"] and c["label_en"] for c in exc.value.candidates)
    json.dumps(exc.value.candidates)  # the server sends them as they are


def test_unknown_entity_and_unknown_iri(store: ox.Store) -> None:
    for text in ("BR9999", ID + "activity/BR9999", "ไม่มีสิ่งนี้"):
        with pytest.raises(UnresolvedParameter):
            run(store, "trace-up", entity=text)


# --- indicators -------------------------------------------------------------------------------------


def test_indicator_series_met_and_not_met_issue6(store: ox.Store) -> None:
    result = run(store, "indicator-series", indicator="ความพึงพอใจ")
    assert [
        (r["yearBE"], r["yearCE"], r["comparator"], r["targetValue"], r["observedValue"], r["met"])
        for r in result
    ] == [
        ("2564", "2021", "tp:atLeast", "80", "82.5", "true"),
        ("2565", "2022", "tp:atLeast", "85", "83", "false"),
    ]
    assert {r["targetUnit"] for r in result} == {"tp:unitPercent"}
    assert result[0]["status"] == "tp:statusAchieved"
    assert {(r["owner"], r["plan"]) for r in result} == {("goal/CR02G01", "plan/reform-plan-cr02")}
    # The same indicator by an English phrase, whatever its case.
    assert len(run(store, "indicator-series", indicator="Public SATISFACTION")) == 2


def test_indicator_series_target_or_observation_alone(store: ox.Store) -> None:
    rank = run(store, "indicator-series", indicator="อันดับ")
    assert [(r["comparator"], r["targetValue"], "met" in r, "observedValue" in r) for r in rank] == [
        ("tp:topRank", "20", False, False)
    ]
    count = run(store, "indicator-series", indicator="indicator/CR02G01-3")
    assert [(r["yearBE"], r["observedValue"], "targetValue" in r, "met" in r) for r in count] == [
        ("2565", "120", False, False)
    ]
    assert run(store, "indicator-series", indicator="ไม่มีตัวชี้วัดนี้") == []


# --- search -----------------------------------------------------------------------------------------


def test_search_finds_a_thai_word_inside_a_longer_label_issue6(store: ox.Store) -> None:
    result = run(store, "search", q="ยืนยันตัวตน")
    assert result[0]["entity"] == "project/digital-id"
    # โครงการ alone is one word; in the label newmm cuts โครง|การพัฒนา: still found.
    assert "project/digital-id" in {r["entity"] for r in run(store, "search", q="โครงการ")}
    # พัฒนา is inside the token การพัฒนา of that label.
    assert "project/digital-id" in {r["entity"] for r in run(store, "search", q="พัฒนา")}


def test_search_ranks_an_exact_code_first(store: ox.Store) -> None:
    result = run(store, "search", q="BR0201")
    assert (result[0]["entity"], result[0]["match"], result[0]["score"]) == ("activity/BR0201", "code", "100")
    prefix = run(store, "search", q="br02")
    assert {r["entity"] for r in prefix[:2]} == {"activity/BR0201", "activity/BR0205"}
    assert prefix[0]["match"] == "prefix"


def test_search_ranking_tiers(store: ox.Store) -> None:
    scores = {r["entity"]: (int(r["score"]), r["match"]) for r in run(store, "search", q="ภาครัฐ")}
    assert scores["goal/CR02G02"] == (70, "prefix")
    assert scores["tactic/psds-2567-2570-1.2"] == (50, "label words")
    ordered = [s for s, _ in scores.values()]
    assert ordered == sorted(ordered, reverse=True)
    # A word only in a definition ranks as "words"; part of a word only as "substring".
    assert run(store, "search", q="อิเล็กทรอนิกส์")[0]["match"] == "words"
    assert run(store, "search", q="velopment")[0]["match"] == "substring"


def test_search_abbreviations_with_and_without_dots(store: ox.Store) -> None:
    exact = run(store, "search", q="สำนักงาน ก.พ.ร.")
    assert (exact[0]["entity"], exact[0]["match"]) == ("agency/opdc", "label")
    squashed = {r["entity"]: r["match"] for r in run(store, "search", q="กพร")}
    assert squashed == {"agency/opdc": "abbreviation", "agency/pdc": "abbreviation"}


def test_search_english_is_case_insensitive(store: ox.Store) -> None:
    assert run(store, "search", q="DIGITAL GOVERNMENT DEVELOPMENT AGENCY")[0]["entity"] == "agency/dga"


# --- gaps -------------------------------------------------------------------------------------------


def test_gaps_lists_the_planted_gaps_issue6(store: ox.Store) -> None:
    found = {(r["gap"], r["item"]) for r in run(store, "gaps")}
    assert found == {
        ("unsupported", "goal/CR02G02"),
        ("unsupported", "tactic/psds-2567-2570-1.2"),
        ("unsupported", "tactic/psds-2564-2565-1.1"),
        ("no-observation", "indicator/CR02G01-2"),
        ("no-target", "indicator/CR02G01-3"),
        ("no-responsible-agency", "activity/BR0205"),
    }


def test_gaps_of_one_plan(store: ox.Store) -> None:
    result = run(store, "gaps", plan="ยุทธศาสตร์การพัฒนาระบบราชการ (พ.ศ. 2567-2570)")
    assert {(r["gap"], r["item"]) for r in result} == {("unsupported", "tactic/psds-2567-2570-1.2")}
    reform = {r["item"] for r in run(store, "gaps", plan=ID + "plan/reform-plan-cr02")}
    assert reform == {"goal/CR02G02", "indicator/CR02G01-2", "indicator/CR02G01-3", "activity/BR0205"}
    with pytest.raises(UnresolvedParameter):
        run(store, "gaps", plan="BR0201")  # an activity is not a plan


# --- parameters and names ---------------------------------------------------------------------------


def test_unknown_query_is_a_lookup_error() -> None:
    with pytest.raises(UnknownQuery) as exc:
        registry.get("no-such-query")
    assert isinstance(exc.value, LookupError) and "trace-up" in str(exc.value)
    with pytest.raises(UnknownQuery):
        registry.get("_resolve")  # internal queries are not served


def test_missing_and_malformed_parameters_name_the_parameter(store: ox.Store) -> None:
    cases: list[tuple[str, Mapping[str, Any], str]] = [
        ("trace-up", {}, "entity"),
        ("trace-up", {"entity": "   "}, "entity"),
        ("trace-up", {"entity": "BR0201", "maxDepth": "two"}, "maxDepth"),
        ("trace-up", {"entity": "BR0201", "maxDepth": "-1"}, "maxDepth"),
        ("trace-up", {"entity": "BR0201", "colour": "red"}, "colour"),
        ("trace-up", {"entity": ["BR0201", "BR0205"]}, "entity"),
        ("search", {"q": "x" * 5000}, "q"),
        ("search", {}, "q"),
    ]
    for name, params, param in cases:
        with pytest.raises(ParameterError) as exc:
            registry.run(name, params, store)
        assert exc.value.param == param and param in str(exc.value), (name, params)


@pytest.mark.parametrize("value", INJECTIONS)
def test_parameter_values_are_data_not_sparql(store: ox.Store, value: str) -> None:
    before = len(store)
    for q in registry.list_queries():
        for p in q.params:
            params = {x.name: str(x.example) for x in q.params if x.required}
            params[p.name] = value
            try:
                result = rows(q.run(params, store))
            except ParameterError:
                continue  # refused as a value (an int that is not one, an entity that is not there)
            assert all(len(r) < 40 for r in result)
            assert q.name in ("search", "indicator-series", "gaps") or result == []
    assert len(store) == before
    assert run(store, "search", q=value) == [] or all(
        r["match"] == "substring" for r in run(store, "search", q=value)
    )


def test_queries_work_through_a_graph_store_interface() -> None:
    """The server's stores expose `query(sparql, bindings=…)` (thaiplan.graph.store.local.GraphStore)."""
    from thaiplan.graph.store.local import run_query

    inner = build_store()

    class Wrapped:
        def query(self, sparql: str, *, bindings: Mapping[str, Any] | None = None) -> Any:
            return run_query(inner, sparql, bindings=bindings)

    assert depths(run(Wrapped(), "trace-up", entity="กพร.")) == {"agency/opdc": 0}  # supports nothing
    assert run(Wrapped(), "search", q="BR0201")[0]["entity"] == "activity/BR0201"


# --- registry, indexes, OpenAPI ---------------------------------------------------------------------


def test_every_named_query_declares_its_question() -> None:
    names = {q.name for q in registry.list_queries()}
    assert {"trace-up", "trace-down", "agency-portfolio", "indicator-series", "search", "gaps"} <= names
    for q in registry.list_queries():
        assert q.summary and q.description and q.method == "GET" and q.tags, q.name
        assert all(p.example is not None and p.description for p in q.params), q.name
    assert registry.get("gaps").param("plan").required is False
    assert registry.get("agency-portfolio").param("agency").class_iri == "tp:Agency"


def test_search_index_covers_instances_only(store: ox.Store) -> None:
    quads = list(search_index.index_triples(store))
    assert {q.graph_name.value for q in quads} == {terms.SEARCH_INDEX_GRAPH}
    assert all(q.subject.value.startswith(ID) for q in quads)
    text = next(
        q.object.value
        for q in quads
        if q.subject.value == ID + "project/digital-id" and q.predicate.value == terms.SEARCH_TEXT
    )
    assert {"โครงการ", "ยืนยัน", "ตัวตน", "พัฒนา", "digital", "identity"} <= set(text.split("\t"))


def test_trace_index_holds_shortest_depths(store: ox.Store) -> None:
    quads = list(trace_index.index_triples(store))
    links = {(q.subject.value, q.predicate.value, q.object.value) for q in quads}
    assert (ID + "activity/BR0201", terms.reaches(4), ID + "plan/national-strategy") in links
    assert (terms.reaches(4), terms.DEPTH, "4") in {(s, p, o) for s, p, o in links}
    # One depth per pair: the shortest.
    pairs = [(q.subject, q.object) for q in quads if q.predicate.value != terms.DEPTH]
    assert len(pairs) == len(set(pairs))


def test_trace_index_survives_a_cycle() -> None:
    up = {"a": {"b"}, "b": {"c"}, "c": {"a"}}
    assert trace_index.shortest_depths(up, "a") == {"b": 1, "c": 2}


def test_openapi_describes_every_named_query() -> None:
    spec = openapi_spec("http://127.0.0.1:5000/")
    json.dumps(spec)
    assert spec["openapi"].startswith("3.") and spec["servers"] == [{"url": "http://127.0.0.1:5000"}]
    assert "/api/queries" in spec["paths"]
    for q in registry.list_queries():
        op = spec["paths"][f"/api/queries/{q.name}"]["get"]
        assert op["summary"] == q.summary
        assert [p["name"] for p in op["parameters"]] == [p.name for p in q.params]
        assert {"200", "400", "404"} <= set(op["responses"])
    trace = spec["paths"]["/api/queries/trace-up"]["get"]
    assert "300" in trace["responses"]
    depth = next(p for p in trace["parameters"] if p["name"] == "maxDepth")
    assert depth["schema"] == {"type": "integer", "minimum": 0, "maximum": 100} and not depth["required"]
    assert next(p for p in trace["parameters"] if p["name"] == "entity")["required"] is True
