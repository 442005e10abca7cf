"""indicator-series after issue 18's speed fix: the status an assessment gives is read by two patterns and a
nested OPTIONAL instead of three patterns, with the same rows in every case an assessment can make."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from thaiplan.graph.build import search_index
from thaiplan.queries import registry
from thaiplan.queries.execute import rows

ID = "https://w3id.org/thaiplan/id/test18/"

# One indicator, a target and an observation per year 2561-2567, and the assessments that make each case:
# 2561 rated against its own target; 2562 unrated, with the observation's own status (0.1.0); 2563 rated
# against another year's target only; 2564 rated against its target and the next one's; 2565 an assessment
# without a status and 2566 one without a target (neither counts); 2567 rated and carrying its own status.
DATA = """
@prefix tp: <https://w3id.org/thaiplan/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix : <https://w3id.org/thaiplan/id/test18/> .

:ind a tp:Indicator ; skos:prefLabel "ตัวชี้วัดทดสอบ"@th, "Test indicator"@en .
:t2561 a tp:Target ; tp:indicator :ind ; tp:yearBE 2561 ; tp:value 10 ; tp:comparator tp:atLeast .
:t2562 a tp:Target ; tp:indicator :ind ; tp:yearBE 2562 ; tp:value 10 ; tp:comparator tp:atLeast .
:t2563 a tp:Target ; tp:indicator :ind ; tp:yearBE 2563 ; tp:value 10 ; tp:comparator tp:atLeast .
:t2564 a tp:Target ; tp:indicator :ind ; tp:yearBE 2564 ; tp:value 10 ; tp:comparator tp:atLeast .
:t2565 a tp:Target ; tp:indicator :ind ; tp:yearBE 2565 ; tp:value 10 ; tp:comparator tp:atLeast .
:t2566 a tp:Target ; tp:indicator :ind ; tp:yearBE 2566 ; tp:value 10 ; tp:comparator tp:atLeast .
:t2567 a tp:Target ; tp:indicator :ind ; tp:yearBE 2567 ; tp:value 10 ; tp:comparator tp:atLeast .
:o2561 a tp:Observation ; tp:indicator :ind ; tp:yearBE 2561 ; tp:value 11 .
:o2562 a tp:Observation ; tp:indicator :ind ; tp:yearBE 2562 ; tp:value 12 ; tp:status tp:statusAtRisk .
:o2563 a tp:Observation ; tp:indicator :ind ; tp:yearBE 2563 ; tp:value 13 .
:o2564 a tp:Observation ; tp:indicator :ind ; tp:yearBE 2564 ; tp:value 14 .
:o2565 a tp:Observation ; tp:indicator :ind ; tp:yearBE 2565 ; tp:value 15 ; tp:status tp:statusAtRisk .
:o2566 a tp:Observation ; tp:indicator :ind ; tp:yearBE 2566 ; tp:value 16 .
:o2567 a tp:Observation ; tp:indicator :ind ; tp:yearBE 2567 ; tp:value 17 ; tp:status tp:statusAtRisk .
:a2561 tp:assesses :t2561 ; tp:observation :o2561 ; tp:status tp:statusAchieved .
:a2563 tp:assesses :t2562 ; tp:observation :o2563 ; tp:status tp:statusAchieved .
:a2564 tp:assesses :t2564 ; tp:observation :o2564 ; tp:status tp:statusAchieved .
:a2564b tp:assesses :t2565 ; tp:observation :o2564 ; tp:status tp:statusNearTarget .
:a2565 tp:assesses :t2565 ; tp:observation :o2565 .
:a2566 tp:observation :o2566 ; tp:status tp:statusNearTarget .
:a2567 tp:assesses :t2567 ; tp:observation :o2567 ; tp:status tp:statusCritical .
"""


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    store.load(DATA.encode("utf-8"), ox.RdfFormat.TURTLE)
    store.extend(list(search_index.index_triples(store)))
    return store


def _years(store: ox.Store) -> set[tuple[int, str | None, str | None]]:
    """(year, observed value, status) of every row of indicator-series for the test indicator."""
    found = rows(registry.run("indicator-series", {"indicator": ID + "ind"}, store))
    return {
        (
            int(r["yearBE"].value),
            r["observedValue"].value if "observedValue" in r else None,
            r["status"].value.rsplit("#", 1)[1] if "status" in r else None,
        )
        for r in found
    }


def test_indicator_series_statuses_from_assessments_issue18(store: ox.Store) -> None:
    assert _years(store) == {
        (2561, "11", "statusAchieved"),
        (2562, "12", "statusAtRisk"),
        # Rated against 2562's target only: the observation is not this target's (as before issue 18).
        (2563, None, None),
        (2564, "14", "statusAchieved"),
        (2565, "15", "statusAtRisk"),
        (2566, "16", None),
        (2567, "17", "statusCritical"),
    }
