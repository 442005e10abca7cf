"""Paging of a named query's answer (issue 18): `limit` and `offset` on `/api/queries/<name>`.

A page is the query's own answer, in its own ORDER BY (every named query has one, checked at load by
`paged`), cut by a LIMIT and OFFSET written after it: pages of one snapshot never overlap and together are
the whole answer. The two numbers are parsed here as integers and written back as digits, so nothing of
the request's text reaches the query. A query with its own LIMIT (search: 50) keeps it: a page never
reaches past it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from thaiplan.queries.errors import ParameterError

# The largest page: a client that wants more asks for the whole answer (no paging parameter).
MAX_LIMIT = 10_000
NAMES = ("limit", "offset")
_ORDER_BY = re.compile(r"^ORDER\s+BY\b", re.IGNORECASE | re.MULTILINE)
# The query's own LIMIT, written on its last line (search.rq); OFFSET is not used by any named query.
_OWN_LIMIT = re.compile(r"^LIMIT\s+(\d+)\s*\Z", re.IGNORECASE | re.MULTILINE)


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


def _own_limit(sparql: str) -> int | None:
    """The LIMIT the query itself ends with, if any."""
    own = _OWN_LIMIT.search(sparql)
    return None if own is None else int(own.group(1))


def has_next(sparql: str, page: Page, rows: int) -> bool:
    """True when a page of `rows` rows may have a next one: it is full and the query's own LIMIT goes on."""
    own = _own_limit(sparql)
    return rows >= page.limit and (own is None or page.offset + page.limit < own)


def paged(sparql: str, page: Page | None) -> str:
    """The query's text cut to `page` (unchanged for None); ValueError for a query with no ORDER BY."""
    if page is None:
        return sparql
    if not _ORDER_BY.search(sparql):
        raise ValueError("a query without ORDER BY has no stable pages")
    own = _OWN_LIMIT.search(sparql)
    limit = page.limit
    if own is not None:
        limit = max(0, min(limit, int(own.group(1)) - page.offset))
        sparql = sparql[: own.start()]
    return f"{sparql.rstrip()}\nLIMIT {limit}\nOFFSET {page.offset}\n"
