"""The query guard: reject what would reach outside the store, on the very text the engine will run.

pyoxigraph fetches SERVICE and LOAD URLs. The guard once walked rdflib's parse of the user's text while
pyoxigraph parsed that text itself; the two parsers disagreed (issue 13), and a SERVICE hid from the
check. Now the text is read once, by `queries/guard/canonical.py`, into tokens; the checks read that token
stream, and the engine (embedded or remote) is given the canonical text written from the same tokens,
which any conformant parser reads back as those tokens. So the check and the engine cannot disagree on
where a comment ends, what an escape means or which word is a keyword.

Checked on the tokens: updates (LOAD, INSERT, …), SERVICE anywhere, FROM / FROM NAMED of a graph outside
the store, and the functions whose value changes from run to run (NOW, RAND, UUID, STRUUID, BNODE: such an
answer is never cached). Syntax beyond the tokens is pyoxigraph's own parse of the canonical text.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
import sys
import threading
from dataclasses import dataclass

import pyoxigraph as ox
from cachetools import LRUCache

from thaiplan.errors import InputError
from thaiplan.queries.guard.canonical import (
    QUERY_FORMS,
    UPDATE_WORDS,
    Canonical,
    Position,
    canonicalize,
    tokens,
)

VOLATILE = frozenset({"NOW", "RAND", "UUID", "STRUUID", "BNODE"})
UPDATE_MESSAGE = "updates (INSERT, DELETE, LOAD, CLEAR, …) are not allowed: the store is read-only"
# Canonical texts kept per process, bounded by their size (issue 13: a 430 KB query's parse once kept
# 10–25 MB per entry, 256 entries); a text is about as large as the query it comes from.
CACHE_BYTES = 8 * 2**20
_cache: LRUCache[tuple[str, str | None], CheckedText] = LRUCache(
    maxsize=CACHE_BYTES, getsizeof=lambda value: value.size
)
_cache_lock = threading.Lock()
# Oxigraph's syntax errors: "error at LINE:COLUMN: expected …".
_OXIGRAPH_ERROR = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)
_CHARACTER_CLASSES = re.compile(r"(?:, )?(?:\[_\]|\['[^\]]*\])")
# Texts above this size get Oxigraph's error position only (rdflib's parser takes seconds on them).
RDFLIB_MESSAGE_LIMIT = 64 * 1024


@dataclass(frozen=True)
class QueryDataset:
    """The graphs a query's own FROM and FROM NAMED clauses select."""

    default: tuple[str, ...] = ()
    named: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        """True when the query names any graph in FROM or FROM NAMED."""
        return bool(self.default or self.named)


@dataclass(frozen=True)
class CheckedText:
    """The canonical text of a query and what its tokens say about it."""

    text: str
    form: str | None  # SELECT, CONSTRUCT, DESCRIBE, ASK, an update keyword, or None for an empty text
    dataset: QueryDataset
    service: str | None  # the target of the first SERVICE, as written in the canonical text
    update: bool
    volatile: bool
    source_bytes: int = 0  # the size of the query text it was read from (its key in the cache)
    # For `SELECT *` (DISTINCT/REDUCED too) as the first projection: the variables in the order the query
    # first names them (pyoxigraph lists them alphabetically, a shuffle to researchers, issue 20); else None.
    star_order: tuple[str, ...] | None = None

    @property
    def size(self) -> int:
        """Bytes this entry and its key keep in the cache (roughly)."""
        order = self.star_order or ()  # a `SELECT *` of many variables keeps their names too
        names = sys.getsizeof(order) + sum(map(sys.getsizeof, order))
        return sys.getsizeof(self.text) + self.source_bytes + 200 + names


def read_query(sparql: str, base_iri: str | None = None) -> CheckedText:
    """The canonical text and token facts of `sparql` (cached by size); InputError when unreadable."""
    key = (sparql, base_iri)
    with _cache_lock:
        hit = _cache.get(key)
    if hit is not None:
        return hit
    checked = dataclasses.replace(_facts(canonicalize(sparql, base_iri)), source_bytes=sys.getsizeof(sparql))
    if checked.size <= CACHE_BYTES // 4:
        with _cache_lock:
            _cache[key] = checked
    return checked


def _facts(canonical: Canonical) -> CheckedText:
    """What the checks need from a canonical token stream."""
    words = canonical.words
    form = next((w for w in words if w in QUERY_FORMS or w in UPDATE_WORDS), None)
    default: list[str] = []
    named: list[str] = []
    service = None
    for i, word in enumerate(words):
        if word == "FROM" and i + 1 < len(words):
            is_named = words[i + 1] == "NAMED"
            iri = (words[i + 2] if i + 2 < len(words) else "") if is_named else words[i + 1]
            if iri.startswith("<"):
                (named if is_named else default).append(iri[1:-1])
        elif word == "SERVICE" and service is None:
            rest = [w for w in words[i + 1 : i + 3] if w != "SILENT"]
            service = rest[0] if rest else ""
    return CheckedText(
        text=canonical.text,
        form=form,
        dataset=QueryDataset(tuple(default), tuple(named)),
        service=service,
        update=any(w in UPDATE_WORDS for w in words),
        volatile=any(w in VOLATILE for w in words),
        star_order=_star_order(words),
    )


def _star_order(words: tuple[str, ...]) -> tuple[str, ...] | None:
    """The variables of a `SELECT *` query in the order its tokens first name them; None for other forms."""
    at = words.index("SELECT") + 1 if "SELECT" in words else len(words)
    if at < len(words) and words[at] in ("DISTINCT", "REDUCED"):
        at += 1
    if at >= len(words) or words[at] != "*":
        return None
    # A variable token is `?name` or `$name` (the same variable); a lone `?` is a path modifier.
    return tuple(dict.fromkeys(w[1:] for w in words if len(w) > 1 and w[0] in "?$"))


def check_query(
    sparql: str, allowed_graphs: set[str] | frozenset[str], base_iri: str | None = None, *, parse: bool = True
) -> CheckedText:
    """The canonical text of `sparql` once it is one read-only query inside `allowed_graphs`; else InputError.

    Rejected: unreadable text (with line and column), updates (LOAD, INSERT, …), SERVICE anywhere (also
    inside FILTER EXISTS or sub-queries), and FROM / FROM NAMED of a graph not in `allowed_graphs`. With
    `parse`, pyoxigraph also parses the canonical text (without running it) so that grammar errors are
    reported here; the server's workers leave that to the engine's own parse of the same text.
    """
    checked = read_query(sparql, base_iri)
    if checked.form is None:
        raise InputError("the query is empty: write a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    if checked.update:
        raise InputError(UPDATE_MESSAGE)
    if checked.service is not None:
        raise InputError(f"SERVICE {checked.service} is not allowed: queries run on the local store only")
    for keyword, iris in (("FROM", checked.dataset.default), ("FROM NAMED", checked.dataset.named)):
        for iri in iris:
            if iri not in allowed_graphs:
                raise InputError(
                    f"{keyword} <{iri}> is not allowed: only the store's own graphs can be selected "
                    f"(list them with SELECT DISTINCT ?g {{ GRAPH ?g {{}} }})"
                )
    if parse:
        _parse(checked.text, sparql, base_iri)
    return checked


# The default graph of a protocol dataset none of whose graphs the store holds: a graph no store holds, so
# that the default graph is empty on either backend (an empty list would mean "no dataset" to a remote one).
NO_GRAPH = "urn:thaiplan:no-graph"


def protocol_graphs(
    default: tuple[str, ...] | None, named: tuple[str, ...] | None, held: set[str] | frozenset[str]
) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
    """The protocol's default-graph-uri / named-graph-uri lists, keeping only the graphs the store holds.

    The SPARQL 1.1 Protocol's dataset names graphs; one the store does not hold is an empty graph (the
    W3C Protocol suite asks `default-graph-uri` of a graph it gives no data for and expects an answer), so
    it adds nothing to the default graph and is left out of the named ones. Like FROM's IRIs (checked
    against the same graphs), it is never handed to the engine or a remote store, which might fetch it.
    """
    if default is None and named is None:
        return None, None
    kept_default = tuple(g for g in default or () if g in held)
    kept_named = tuple(g for g in named or () if g in held)
    if not kept_default:
        kept_default = (NO_GRAPH,)
    return kept_default, kept_named


def check_query_safe(sparql: str, allowed_graphs: set[str]) -> None:
    """Raise InputError unless `sparql` is one read-only query that stays inside `allowed_graphs`."""
    check_query(sparql, allowed_graphs)


def query_dataset(sparql: str, base_iri: str | None = None) -> QueryDataset:
    """The FROM / FROM NAMED graphs of a query (empty when it has none); InputError if unreadable."""
    return read_query(sparql, base_iri).dataset


def query_form(sparql: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE (an update keyword for updates); InputError if unreadable."""
    return read_query(sparql).form


def is_volatile(sparql: str) -> bool:
    """True when the query calls NOW, RAND, UUID, STRUUID or BNODE (unreadable text: True, never cached).

    Read from the same tokens as the canonical text (whose words are these tokens' words), without
    writing it: the web process asks this of every /sparql query, outside the worker's time limit.
    """
    try:
        return any(t.kind == "word" and t.text.upper() in VOLATILE for t in tokens(sparql))
    except InputError:
        return True


def _parse(text: str, sparql: str, base_iri: str | None) -> None:
    """Parse the canonical text with pyoxigraph without evaluating it; InputError for a grammar error."""
    try:
        # On an empty store, with no dataset: SELECT, CONSTRUCT and DESCRIBE answers are lazy iterators
        # (parsing is all that happens); ASK evaluates, over nothing.
        ox.Store().query(text, default_graph=[], named_graphs=[])
    except SyntaxError as exc:
        raise syntax_error(exc, sparql, base_iri) from None
    except RuntimeError:
        pass  # an evaluation error (an unknown function, …): the text parsed


def syntax_error(exc: SyntaxError, sparql: str, base_iri: str | None = None) -> InputError:
    """pyoxigraph's syntax error on a canonical text, placed at the line and column of the user's text."""
    message = str(exc)
    found = _OXIGRAPH_ERROR.match(message)
    if found is None:
        return InputError(f"SPARQL syntax error: {message}")
    hint = _rdflib_position(sparql)
    if hint is not None:
        return InputError(f"SPARQL syntax error at line {hint[0]}, column {hint[1]}: {hint[2]}")
    column = int(found.group(2))
    # Oxigraph lists character classes and its whitespace rule among what it expected: noise to a reader.
    expected = _CHARACTER_CLASSES.sub("", " ".join(found.group(3).split())).rstrip(", ")[:300]
    canonical = canonicalize(sparql, base_iri)
    offsets = _offsets(canonical)
    index = max(0, min(len(offsets) - 1, _last_at_or_before(offsets, column - 1)))
    if not canonical.starts:
        return InputError(f"SPARQL syntax error: {expected}")
    line, col = Position(sparql).at(canonical.starts[index])
    near = canonical.words[index][:40]
    return InputError(f"SPARQL syntax error at line {line}, column {col} (near {near}): {expected}")


def _offsets(canonical: Canonical) -> list[int]:
    """Where each canonical token starts in the canonical text."""
    offsets, at = [], 0
    for word in canonical.words:
        position = canonical.text.find(word, at)
        offsets.append(position)
        at = position + len(word)
    return offsets


def _last_at_or_before(offsets: list[int], position: int) -> int:
    """The index of the last token starting at or before `position`."""
    return bisect.bisect_right(offsets, position) - 1


def _rdflib_position(sparql: str) -> tuple[int, int, str] | None:
    """Where rdflib's parser stops on the user's text, for the message only (the check never uses it)."""
    if len(sparql) > RDFLIB_MESSAGE_LIMIT:
        return None
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parseQuery(sparql)
    except ParseBaseException as exc:
        return exc.lineno, exc.col, exc.msg
    except Exception:  # rdflib fails in other ways too (deep nesting, numbers it cannot read)
        return None
    return None
