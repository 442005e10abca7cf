"""The `#+` header parser (a YAML subset) and the checks `load_query` makes on a `.rq` file (issue 6)."""

from __future__ import annotations

from pathlib import Path

import pytest

from thaiplan.queries.header import HeaderError, parse_header, split_rq
from thaiplan.queries.registry import Registry, load_query

RQ = """#+ summary: What does it support?
#+ description: >
#+   Folded lines
#+   join with spaces.
#+
#+   A blank line breaks.
#+ method: get
#+ tags: [trace, "a, b"]
#+ params:
#+   entity:
#+     type: entity
#+     required: true
#+     example: 'BR0201'
#+   depth:
#+     type: int
#+     minimum: 0
#+ notes: |
#+   line one
#+     kept indented
#+ list:
#+   - one
#+   - key: value
#+     other: 2
#+   - yes

SELECT ?entity ?depth WHERE { ?entity ?p ?depth }
"""


def test_header_subset() -> None:
    header, body = split_rq(RQ)
    assert body.lstrip().startswith("SELECT")
    parsed = parse_header(header)
    assert parsed["summary"] == "What does it support?"
    assert parsed["description"] == "Folded lines join with spaces.\nA blank line breaks."
    assert parsed["tags"] == ["trace", "a, b"]
    assert parsed["params"] == {
        "entity": {"type": "entity", "required": True, "example": "BR0201"},
        "depth": {"type": "int", "minimum": 0},
    }
    assert parsed["notes"] == "line one\n  kept indented"
    assert parsed["list"] == ["one", {"key": "value", "other": 2}, True]


@pytest.mark.parametrize(
    "header",
    [
        "summary: a\nsummary: b",  # duplicate key
        "summary a",  # no colon
        "summary: a\n   extra: b",  # bad indentation
        "tags: [a, b",  # unclosed flow list
        "summary: 'open",  # unclosed quote
        "- a\n- b",  # not a mapping
    ],
)
def test_bad_headers_are_clear_errors(header: str) -> None:
    with pytest.raises(HeaderError):
        parse_header(header)


def test_empty_header() -> None:
    assert parse_header(split_rq("SELECT * {}")[0]) == {}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.rq"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_query(tmp_path: Path) -> None:
    q = load_query(write(tmp_path, "trace", RQ))
    assert (q.name, q.method, q.tags) == ("trace", "GET", ("trace", "a, b"))
    assert [(p.name, p.type, p.required) for p in q.params] == [
        ("entity", "entity", True),
        ("depth", "int", False),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("#+ description: no summary\nSELECT * {}", "summary"),
        ("#+ summary: s\n#+ params:\n#+   x:\n#+     type: float\nSELECT ?x {}", "unknown type"),
        ("#+ summary: s\n#+ params:\n#+   x:\n#+     type: string\nSELECT ?y {}", "?x is not in the query"),
        ("#+ summary: s\n#+ params:\n#+   x:\n#+     colour: red\nSELECT ?x {}", "unknown fields"),
        ("#+ summary: s\n#+ params: [x]\nSELECT ?x {}", "must map"),
    ],
)
def test_bad_declarations_are_refused_at_load(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(HeaderError) as exc:
        load_query(write(tmp_path, "q", text))
    assert message in str(exc.value) and "q.rq" in str(exc.value)


def test_registry_hides_internal_queries(tmp_path: Path) -> None:
    write(tmp_path, "public", "#+ summary: s\nSELECT * {}")
    write(tmp_path, "_helper", "#+ summary: s\nSELECT * {}")
    reg = Registry(tmp_path)
    assert [q.name for q in reg.list_queries()] == ["public"]
    assert [q.name for q in reg.list_queries(internal=True)] == ["_helper", "public"]


def test_a_parameter_named_only_in_a_comment_or_a_string_is_refused_issue14(tmp_path: Path) -> None:
    """A query's variables are read by the guard's tokens: `?x` in a comment or a string names none of its."""
    declares_x = "#+ summary: s\n#+ params:\n#+   x:\n#+     type: string\n"
    for body in ("SELECT ?y { # ?x\n}", "SELECT ?y { BIND('?x' AS ?y) }"):
        with pytest.raises(HeaderError) as exc:
            load_query(write(tmp_path, "q", declares_x + body))
        assert "?x is not in the query" in str(exc.value)
    query = load_query(write(tmp_path, "q", declares_x + "SELECT $x {}"))
    assert query.variables == {"x"}  # `$x` is `?x`; the header's comment lines name none
    with pytest.raises(HeaderError) as exc:
        load_query(write(tmp_path, "bad", "#+ summary: s\nSELECT ?x { \\ }"))
    assert "bad.rq" in str(exc.value)  # unreadable text: the file named, not a traceback
