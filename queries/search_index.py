"""The search index: keys and tokens of every instance's codes, labels and definitions, as quads.

The build calls `index_triples(store)` once per build and writes the quads into the search-index
graph; `search.rq` and the resolver then match a query by equality on indexed literals (an index
lookup, not a scan of every label), so search stays fast at millions of triples.
"""

from __future__ import annotations

import multiprocessing
import os
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


# Above this many distinct texts the keys are computed in worker processes (pythainlp is pure Python).
PARALLEL_TEXTS = 20_000
_Entries = tuple[tuple[str, str], ...]


def _entries_of(field_text: tuple[str, str]) -> _Entries:
    """The non-empty (index property, key) pairs of one (field, text)."""
    return tuple(e for e in entries(*field_text) if e[1])


def keyed(field_texts: set[tuple[str, str]]) -> dict[tuple[str, str], _Entries]:
    """The index entries of each distinct (field, text), in a process pool when there are many."""
    ordered = sorted(field_texts)
    workers = min(os.cpu_count() or 1, 8)
    if len(ordered) < PARALLEL_TEXTS or workers < 2:
        return {ft: _entries_of(ft) for ft in ordered}
    # fork: the children only run pure Python on the texts they are sent (never the parent's store), and
    # spawn would re-import the caller's __main__. Where fork is missing, the work stays in this process.
    if "fork" not in multiprocessing.get_all_start_methods():
        return {ft: _entries_of(ft) for ft in ordered}
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        found = pool.map(_entries_of, ordered, chunksize=max(256, len(ordered) // (workers * 8)))
    return dict(zip(ordered, found, strict=True))


def index_triples(store: Any) -> Iterator[ox.Quad]:
    """Quads of the search index (graph `SEARCH_INDEX_GRAPH`) for every instance in `store`."""
    texts = [
        (row["entity"], row["field"].value, row["text"].value)
        for row in rows(execute(store, read_rq("_search-texts")))
    ]
    # A national-scale graph repeats texts (place names, project kinds): each distinct one is keyed once.
    known = keyed({(field, text) for _, field, text in texts})
    by_entity: dict[ox.NamedNode, set[tuple[str, str]]] = {}
    for entity, field, text in texts:
        by_entity.setdefault(entity, set()).update(known[field, text])
    literals: dict[str, ox.Literal] = {}
    for entity, found in by_entity.items():
        label_tokens = {k for p, k in found if p == "labelToken"}
        for prop, value in sorted(found):
            # A definition word that is already a label word adds nothing: the label tier ranks higher.
            if prop == "definitionToken" and value in label_tokens:
                continue
            literal = literals.get(value)
            if literal is None:
                literal = literals[value] = ox.Literal(value)
            yield ox.Quad(entity, _P[prop], literal, _GRAPH)
