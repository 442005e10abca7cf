"""The remote backend's pure parts (issue 7): location parsing, VALUES binding, store dialects, the switch."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from thaiplan.config import Config
from thaiplan.graph.store.backend import is_remote, remote_url, with_location, worker_env
from thaiplan.graph.store.inline import bind_inline
from thaiplan.graph.store.publish import switch_update
from thaiplan.graph.store.remote import MANIFEST_GRAPH
from thaiplan.graph.store.results import normalize_json_results, parse_answer


def test_locations_tell_urls_from_directories_even_through_path() -> None:
    """A URL folded by `Path` is still a URL and gets its `//` back; a directory stays a directory."""
    url = "http://127.0.0.1:7878/query"
    assert is_remote(url) and is_remote(Path(url)) and remote_url(Path(url)) == url
    assert not is_remote("var/store") and not is_remote(Path("/srv/http/store"))
    assert with_location(Config(), url).store == url
    config = with_location(Config(store=url), "/tmp/store")
    assert config.store == "" and config.store_dir == Path("/tmp/store")


def test_worker_env_carries_the_remote_settings() -> None:
    """Workers are separate processes: the remote URL and credentials reach them in the environment."""
    env = worker_env(Config(store="http://h/sparql", store_user="u", store_password="p"))
    assert env["THAIPLAN_STORE"] == "http://h/sparql" and env["THAIPLAN_STORE_PASSWORD"] == "p"
    assert Config.from_env(env).store_read_timeout == Config().store_read_timeout


def test_bound_values_are_escaped_terms_in_every_group() -> None:
    """User text goes in as an escaped literal, written in place in the outer and the nested groups."""
    evil = 'x" } } ; DROP ALL ; SELECT * { "'
    text = bind_inline("SELECT ?s WHERE { ?s ?p ?q . { ?s ?p2 ?q } }", {"q": ox.Literal(evil)})
    assert text.count(str(ox.Literal(evil))) == 2 and "?q" not in text  # not projected: no VALUES row
    solutions = ox.Store().query(text)
    assert list(solutions) == []  # it parses: nothing was injected
    projected = bind_inline("SELECT ?q WHERE { ?s ?p ?q }", {"q": ox.Literal(evil)})
    assert list(ox.Store().query(projected)) == []


def test_bind_inline_leaves_values_construct_templates_and_subselect_groups_alone_issue7() -> None:
    """A template keeps its variable (a row binds it); a sub-select that does not project it keeps its own."""
    text = bind_inline(
        "CONSTRUCT { ?s ?p ?o } WHERE { VALUES ?s { <x:a> } { SELECT ?p WHERE { ?s ?p ?o } } }",
        {"o": ox.NamedNode("x:o")},
    )
    assert text.startswith("CONSTRUCT { ?s ?p ?o } WHERE { VALUES (?o)")
    assert text.count("VALUES (?o)") == 1 and "{ SELECT ?p WHERE { ?s ?p ?o } }" in text
    ox.Store().query(text)


def test_virtuoso_json_dialect_is_read() -> None:
    """`typed-literal` and `nodeID://` blank nodes (Virtuoso) become standard terms."""
    body = json.dumps(
        {
            "head": {"link": [], "vars": ["b", "n"]},
            "results": {
                "bindings": [
                    {
                        "b": {"type": "bnode", "value": "nodeID://b10000"},
                        "n": {"type": "typed-literal", "datatype": ox.NamedNode("x:t").value, "value": "4"},
                    }
                ]
            },
        }
    ).encode()
    (row,) = list(ox.parse_query_results(normalize_json_results(body), format=ox.QueryResultsFormat.JSON))
    assert isinstance(row["b"], ox.BlankNode) and row["n"] == ox.Literal("4", datatype=ox.NamedNode("x:t"))


def test_virtuoso_json_booleans_are_read_as_true_and_false_issue7() -> None:
    """Virtuoso 7.2 writes every xsd:boolean as 1 or 0 in JSON: the same value, read in canonical form."""
    boolean = "http://www.w3.org/2001/XMLSchema#boolean"
    given = (("a", "typed-literal", "1"), ("b", "literal", "0"), ("c", "literal", "true"))
    cells = {name: {"type": kind, "datatype": boolean, "value": value} for name, kind, value in given}
    body = json.dumps({"head": {"vars": ["a", "b", "c"]}, "results": {"bindings": [cells]}}).encode()
    (row,) = list(ox.parse_query_results(normalize_json_results(body), format=ox.QueryResultsFormat.JSON))
    assert [row[n].value for n in "abc"] == ["true", "false", "true"]


def test_unreadable_answer_is_a_clear_error() -> None:
    """An answer in a format thaiplan does not read names the store."""
    with pytest.raises(Exception, match="http://h/sparql answered in an unexpected format"):
        parse_answer(b"<html/>", "text/html", "http://h/sparql")


def test_switch_is_one_valid_update_request() -> None:
    """MOVEs, DROPs of graphs the build lacks, and the new manifest, in one request that parses."""
    text = switch_update(
        "b1", ["https://g/a", "https://g/b"], ["https://g/a", "https://g/old"], "2026-01-01T00:00:00Z"
    )
    assert text.count("MOVE SILENT") == 2 and "DROP SILENT GRAPH <https://g/old>" in text
    assert f"GRAPH <{MANIFEST_GRAPH}>" in text
    store = ox.Store()
    store.add(
        ox.Quad(ox.NamedNode("x:s"), ox.NamedNode("x:p"), ox.Literal("old"), ox.NamedNode("https://g/old"))
    )
    store.add(
        ox.Quad(
            ox.NamedNode("x:s"),
            ox.NamedNode("x:p"),
            ox.Literal("new"),
            ox.NamedNode("urn:thaiplan:staging:b1:https://g/a"),
        )
    )
    store.update(text)
    graphs = {g.value for g in store.named_graphs()}
    assert graphs == {"https://g/a", MANIFEST_GRAPH}
