"""The query guard shared by `thaiplan query` and the server (issue 3): parsed, not text-matched."""

from __future__ import annotations

import pytest

from thaiplan.errors import InputError
from thaiplan.queries.guard.safety import check_query_safe, query_dataset

OWN = {"https://w3id.org/thaiplan/graph/agencies", "https://w3id.org/thaiplan/graph/ontology"}


@pytest.mark.parametrize(
    "sparql",
    [
        "SELECT * WHERE { ?s ?p ?o }",
        "# SERVICE <http://127.0.0.1:9/> in a comment\nSELECT * WHERE { ?s <http://ex/SERVICE> 'SERVICE' }",
        "SELECT * FROM <https://w3id.org/thaiplan/graph/agencies> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <https://w3id.org/thaiplan/graph/ontology> WHERE { GRAPH ?g { ?s ?p ?o } }",
        "ASK {}",
        "DESCRIBE <https://w3id.org/thaiplan/id/agency/opdc>",
        "CONSTRUCT WHERE { ?s ?p ?o }",
    ],
)
def test_issue3_safe_queries_pass(sparql: str) -> None:
    check_query_safe(sparql, OWN)


@pytest.mark.parametrize(
    ("sparql", "message"),
    [
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "SERVICE <http://127.0.0.1:9/>"),
        (
            "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } } }",
            "SERVICE",
        ),
        ("SELECT * WHERE { { SELECT ?s WHERE { SERVICE ?x { ?s ?p ?o } } } }", "SERVICE ?x"),
        ("SELECT * WHERE { OPTIONAL { SERVICE SILENT <http://x/> { ?s ?p ?o } } }", "SERVICE"),
        ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", "FROM <file:///etc/passwd>"),
        (
            "SELECT * FROM NAMED <http://127.0.0.1:9/g> WHERE { ?s ?p ?o }",
            "FROM NAMED <http://127.0.0.1:9/g>",
        ),
        ("LOAD <http://127.0.0.1:9/data.ttl>", "updates"),
        ("INSERT DATA { <a:b> <a:c> <a:d> }", "updates"),
        ("DROP ALL", "updates"),
        ("SELECT * WHERE {\n  ?s ?p\n}", "line 2, column"),
    ],
)
def test_issue3_unsafe_or_broken_queries_are_refused(sparql: str, message: str) -> None:
    with pytest.raises(InputError) as exc:
        check_query_safe(sparql, OWN)
    assert message in str(exc.value)
    assert exc.value.exit_code == 2


def test_issue3_query_dataset() -> None:
    dataset = query_dataset("SELECT * FROM <http://a> FROM NAMED <http://b> WHERE { ?s ?p ?o }")
    assert dataset.default == ("http://a",) and dataset.named == ("http://b",)
    assert not query_dataset("SELECT * WHERE { ?s ?p ?o }")
