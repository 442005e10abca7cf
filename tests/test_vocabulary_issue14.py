"""Issue 14: one vocabulary module — the namespaces, the graph IRIs and the one prefix map, used by every
module that names the project's IRIs (tests/test_layout_issue14.py checks that nothing spells them)."""

from __future__ import annotations

from thaiplan.config import Config
from thaiplan.graph.results import shorten as table_shorten
from thaiplan.ontology import ONTOLOGY_IRI
from thaiplan.ontology.namespace import (
    GRAPH_BASE,
    ID,
    ID_BASE,
    INDEX_GRAPHS,
    PREFIXES,
    TP,
    TP_NS,
    TPI,
    prefixes,
    shorten,
)
from thaiplan.queries import terms


def test_issue14_one_module_names_every_project_iri() -> None:
    assert TP_NS == ONTOLOGY_IRI + "#" == str(TP.Goal)[: -len("Goal")]
    assert Config().base_iri == ID_BASE == str(ID) == PREFIXES["id"]
    assert str(TPI) == terms.TPI and terms.INDEX_GRAPHS == INDEX_GRAPHS
    assert all(g.startswith(GRAPH_BASE) for g in INDEX_GRAPHS) and PREFIXES["tpg"] == GRAPH_BASE


def test_issue14_shortening_takes_the_longest_namespace_and_the_configured_base() -> None:
    assert shorten(TP_NS + "Goal") == "tp:Goal"
    assert shorten(ID_BASE + "goal/CR02G01") == "id:goal/CR02G01"
    assert shorten("http://example.org/x") is None and shorten(TP_NS) is None  # a namespace alone stays
    other = "https://plans.example.go.th/id/"
    assert prefixes(other)["id"] == other and shorten(other + "plan/x", other) == "id:plan/x"
    assert PREFIXES["id"] == ID_BASE  # the map itself is not changed by asking for another base
    assert table_shorten(TP_NS + "Goal") == "tp:Goal" and table_shorten("urn:x") == "<urn:x>"
