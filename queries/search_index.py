"""The search index: keys and tokens of every instance's codes, labels and definitions, as quads.

The build calls `index_triples(store)` once per build and writes the quads into the search-index
graph; `search.rq` and the resolver then match a query by equality on indexed literals (an index
lookup, not a scan of every label), so search stays fast at millions of triples.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
from thaiplan.queries import keys, terms
from thaiplan.queries.execute import execute, read_rq, rows

_GRAPH = ox.NamedNode(terms.SEARCH_INDEX_GRAPH)
_P = {
    name: ox.NamedNode(iri)
    for name, iri in {
        "code": terms.CODE_KEY,
        "label": terms.LABEL_KEY,
        "squash": terms.SQUASH_KEY,
        "prefix": terms.PREFIX_KEY,
        "labelToken": terms.LABEL_TOKEN,
        "definitionToken": terms.DEFINITION_TOKEN,
    }.items()
}


def entries(field: str, text: str) -> Iterator[tuple[str, str]]:
    """The (index property, key) pairs of one text of one field (code, label or definition)."""
    if field == "code":
        yield "code", keys.key(text)
        yield "squash", keys.squash(text)
        yield from (("prefix", p) for p in keys.prefixes(text, code=True))
    elif field == "label":
        yield "label", keys.key(text)
        yield "squash", keys.squash(text)
        yield from (("prefix", p) for p in keys.prefixes(text))
        yield from (("labelToken", t) for t in keys.tokens(text))
    else:
        yield from (("definitionToken", t) for t in keys.tokens(text))


def index_triples(store: Any) -> Iterator[ox.Quad]:
    """Quads of the search index (graph `SEARCH_INDEX_GRAPH`) for every instance in `store`."""
    by_entity: dict[ox.NamedNode, set[tuple[str, str]]] = {}
    for row in rows(execute(store, read_rq("_search-texts"))):
        found = by_entity.setdefault(row["entity"], set())
        found.update(e for e in entries(row["field"].value, row["text"].value) if e[1])
    for entity, found in by_entity.items():
        label_tokens = {k for p, k in found if p == "labelToken"}
        for prop, value in sorted(found):
            # A definition word that is already a label word adds nothing: the label tier ranks higher.
            if prop == "definitionToken" and value in label_tokens:
                continue
            yield ox.Quad(entity, _P[prop], ox.Literal(value), _GRAPH)
