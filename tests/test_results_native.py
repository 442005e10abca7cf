"""SPARQL JSON through pyoxigraph's own serializer (issue 18): same bytes as the row writer, same limits."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from thaiplan.server import results

EX = "http://example.org/"
# Texts that look like the JSON around them: a row opener, a row with no binding, escapes, Thai.
TRICKY = ['a,{"', "x,{", '},{"p":{"type"', "{}", ",{}", '[{"', "\\", '"', "ข้อความ,{", "\u2028", "end{"]


def store_with(rows: int) -> ox.Store:
    """A store of `rows` subjects, each with a tricky literal and every third one without a label."""
    store = ox.Store()
    quads = []
    for i in range(rows):
        s = ox.NamedNode(f"{EX}s{i:05d}")
        quads.append(ox.Quad(s, ox.NamedNode(EX + "text"), ox.Literal(TRICKY[i % len(TRICKY)] * (1 + i % 7))))
        if i % 3:
            quads.append(ox.Quad(s, ox.NamedNode(EX + "label"), ox.Literal(f"ชื่อ {i}", language="th")))
    store.extend(quads)
    return store


QUERY = f"SELECT ?s ?text ?label WHERE {{ ?s <{EX}text> ?text OPTIONAL {{ ?s <{EX}label> ?label }} }}"
QUERY += " ORDER BY ?s"
# Every row without a binding: only `{}` rows (the exact count), mixed with strings holding `{}`.
EMPTY = f"SELECT ?none WHERE {{ ?s <{EX}text> ?text OPTIONAL {{ ?s <{EX}nothing> ?none }} }}"


def python_json(store: ox.Store, query: str, limit: int) -> bytes:
    """The row writer's SPARQL JSON (the reference)."""
    solutions = store.query(query)
    variables = [v.value for v in solutions.variables]
    out = results.CappedOutput(0)
    results._json_solutions(variables, results.limited(solutions, limit), out)
    return out.getvalue()


@pytest.mark.parametrize("rows", [0, 1, 5, 2000])
def test_native_json_same_bytes_as_row_writer_issue_18(rows: int) -> None:
    """pyoxigraph's serializer writes what the row writer wrote, byte for byte, across 8 KiB chunks."""
    store = store_with(rows)
    native = results.serialize_solutions(store.query(QUERY), "json", rows + 1)
    assert native == python_json(store, QUERY, rows + 1)


@pytest.mark.parametrize("rows", [1, 7, 1999, 2000])
def test_native_json_row_limit_exact_issue_18(rows: int) -> None:
    """The row limit holds at its exact value: `rows` rows pass with limit `rows`, not with `rows - 1`."""
    store = store_with(rows)
    assert results.serialize_solutions(store.query(QUERY), "json", rows)
    with pytest.raises(results.RowLimitExceeded):
        results.serialize_solutions(store.query(QUERY), "json", rows - 1)


def test_native_json_rows_without_binding_counted_issue_18() -> None:
    """Rows with no binding (`{}`) count as rows, while `{}` inside strings does not."""
    store = store_with(300)
    body = results.serialize_solutions(store.query(EMPTY), "json", 300)
    assert body.count(b"{}") == 300
    with pytest.raises(results.RowLimitExceeded):
        results.serialize_solutions(store.query(EMPTY), "json", 299)
    # The strings hold `{}` but every row has a binding: the exact count must not see extra rows.
    assert results.serialize_solutions(store.query(QUERY), "json", 300)


def test_native_json_byte_cap_issue_18() -> None:
    """The byte cap stops the native serializer too, with AnswerTooLarge and nothing kept."""
    store = store_with(2000)
    size = len(results.serialize_solutions(store.query(QUERY), "json", 2000))
    assert results.serialize_solutions(store.query(QUERY), "json", 2000, max_bytes=size)
    with pytest.raises(results.AnswerTooLarge):
        results.serialize_solutions(store.query(QUERY), "json", 2000, max_bytes=size - 1)


def test_hidden_columns_and_select_star_keep_row_writer_issue_18() -> None:
    """Hidden columns and a reordered SELECT * still go through the row writer (pyoxigraph cannot)."""
    store = store_with(10)
    hidden = results.serialize_solutions(store.query(QUERY), "json", 10, hidden=("label",))
    assert b'"label"' not in hidden
    star = f"SELECT * WHERE {{ ?text ^<{EX}text> ?s }}"
    body = results.serialize_solutions(store.query(star), "json", 10, query=star)
    assert body.startswith(b'{"head":{"vars":["text","s"]}')
