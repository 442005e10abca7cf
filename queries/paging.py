"""Paging of a named query's answer (issue 18): `limit` and `offset` on `/api/queries/<name>`.

A page is the query's own answer, in its own ORDER BY (every shipped named query has one, a test checks;
a query without one answers a paging request with 400), cut by a LIMIT and OFFSET written after its
solution modifiers: pages of one snapshot never overlap and together are the whole answer. The two numbers
are parsed here as integers and written back as digits, so nothing of the request's text reaches the query
(the one place the project writes SPARQL in Python: two integers). A query with its own LIMIT (search: 50)
keeps it: a page never reaches past it. Where the query's ORDER BY and LIMIT are is read from the guard's
tokens (queries/guard/canonical.py), at the outermost level only, so a comment, a string or a sub-query's
modifiers never count.

A query whose costly look-ups are per item can keep a page's cost to its own rows with a *page window*: a
sub-select that chooses the items, ordered by the outer ORDER BY's leading keys, with an ORDER BY and no
LIMIT or OFFSET of its own (an order that by itself changes nothing: a join keeps no order). A page writes
`LIMIT offset + limit` after that ORDER BY, so the look-ups outside run for the page's items and those before
it, not for the whole answer (trace-down: every item below a master plan); the whole answer runs the text as
written. No marker number is needed, so nothing caps the whole answer (Virtuoso refuses a sorted LIMIT
over 10,000, the first thought for a marker). The query's author guarantees what makes a page exact: every
windowed row gives at least one row of the answer, the outer ORDER BY starts with the window's keys, and
rows from one windowed row tie on them; tests compare every page with the whole answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from thaiplan.queries.errors import ParameterError
from thaiplan.queries.guard import canonical

# The largest page: a client that wants more asks for the whole answer (no paging parameter).
MAX_LIMIT = 10_000
NAMES = ("limit", "offset")


@dataclass(frozen=True)
class Page:
    """One page of an answer: at most `limit` rows after the first `offset`."""

    limit: int
    offset: int = 0

    def next(self) -> Page:
        """The page after this one."""
        return Page(self.limit, self.offset + self.limit)

    def previous(self) -> Page:
        """The page before this one (the first page for the first)."""
        return Page(self.limit, max(0, self.offset - self.limit))

    def as_params(self) -> dict[str, str]:
        """The page as query-string parameters (also the answer cache's key for it)."""
        return {"limit": str(self.limit), "offset": str(self.offset)}


def _count(name: str, text: str, minimum: int, maximum: int) -> int:
    """A paging parameter's value as an integer in [minimum, maximum]; ParameterError naming it."""
    text = text.strip()
    if not text.isascii() or not text.isdigit():
        raise ParameterError(name, f"must be a whole number from {minimum} to {maximum}, not {text!r}")
    number = int(text)
    if not minimum <= number <= maximum:
        raise ParameterError(name, f"must be a whole number from {minimum} to {maximum}, not {number}")
    return number


def page_of(args: Mapping[str, str | list[str]]) -> Page | None:
    """The page the request asks for, or None when it gives neither `limit` nor `offset` (whole answer).

    `offset` alone pages with the largest limit; a repeated parameter is a ParameterError as for a query's
    own parameters.
    """
    given = {n: args[n] for n in NAMES if n in args}
    if not given:
        return None
    for name, text in given.items():
        if isinstance(text, list):
            raise ParameterError(name, "is given more than once")
    limit = _count("limit", str(given["limit"]), 1, MAX_LIMIT) if "limit" in given else MAX_LIMIT
    offset = _count("offset", str(given["offset"]), 0, 10**9) if "offset" in given else 0
    return Page(limit, offset)


@dataclass(frozen=True)
class Modifiers:
    """A query's outermost solution modifiers as paging needs them, with where they are in its text."""

    ordered: bool
    limit: int | None  # its own LIMIT
    cut: tuple[int, int]  # the text its own LIMIT takes (empty: none), replaced by the page's
    insert: int  # where the page's LIMIT and OFFSET go: before a trailing VALUES, else the end
    window: int | None = None  # where the page window's LIMIT goes: the end of its sub-select (None: none)


@lru_cache(maxsize=64)
def modifiers(sparql: str) -> Modifiers:
    """The outermost ORDER BY and LIMIT of `sparql`, from its tokens; ValueError for an own OFFSET."""
    depth, ordered, limit, cut, insert, window = 0, False, None, (0, 0), len(sparql), None
    # A sub-select's ORDER BY read so far: its depth, and whether a LIMIT or OFFSET followed it.
    order_depth: int | None = None
    limited = False
    tokens = list(canonical.tokens(sparql))
    for n, token in enumerate(tokens):
        if token.text == "}" and order_depth == depth:
            if not limited:  # the sub-select's closing brace: the window's LIMIT goes before it
                if window is not None:
                    raise ValueError("a query has one page window at most")
                window = token.start
            order_depth = None
        if token.text in ("{", "}"):
            depth += 1 if token.text == "{" else -1
            continue
        if token.kind != "word":
            continue
        keyword = token.text.upper()
        if depth:  # a sub-query's modifiers are inside braces: only a page window counts there
            if keyword == "ORDER":
                order_depth, limited = depth, False
            elif keyword in ("LIMIT", "OFFSET") and order_depth == depth:
                limited = True
            continue
        if keyword == "ORDER":
            ordered = True
        elif keyword == "OFFSET":
            raise ValueError("a query with its own OFFSET cannot be paged")
        elif keyword == "LIMIT" and n + 1 < len(tokens) and tokens[n + 1].kind == "number":
            limit = int(tokens[n + 1].text)
            cut = (token.start, tokens[n + 1].start + len(tokens[n + 1].text))
        elif keyword == "VALUES" and ordered:
            insert = token.start  # the trailing VALUES clause comes after the modifiers
    return Modifiers(ordered, limit, cut, insert, window)


def has_next(sparql: str, page: Page, rows: int) -> bool:
    """True when a page of `rows` rows may have a next one: it is full and the query's own LIMIT goes on."""
    own = modifiers(sparql).limit
    return rows >= page.limit and (own is None or page.offset + page.limit < own)


def paged(sparql: str, page: Page | None) -> str:
    """The query's text cut to `page` (unchanged for None); ValueError for a query with no ORDER BY."""
    if page is None:
        return sparql
    found = modifiers(sparql)
    if not found.ordered:
        raise ValueError("a query without ORDER BY has no stable pages")
    limit = page.limit if found.limit is None else max(0, min(page.limit, found.limit - page.offset))
    start, end = found.cut
    head = sparql[: found.insert]
    head = head[:start] + head[end:] if end else head
    if found.window is not None:  # before the outer cut in the text: its position still holds
        head = f"{head[: found.window].rstrip()}\n  LIMIT {page.offset + limit}\n{head[found.window :]}"
    return f"{head.rstrip()}\nLIMIT {limit}\nOFFSET {page.offset}\n{sparql[found.insert :]}"
