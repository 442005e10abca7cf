"""The search index: keys and words of every instance's codes, labels and definitions, as quads.

Per entity the index holds each code and label key (`search.rq` and the resolver match a query by
equality on them: index look-ups), the key without dots and spaces where that differs, one literal
with all its keys and label words that `search.rq` scans once for prefixes, whole words and
substrings (`search_text`), and, where a definition adds words, one literal with its label and
definition words. One literal per entity instead of a quad per word and per prefix keeps the index a
seventh of the size it was (issue 7: writing 1.1M index quads cost more than loading the graph).

The build computes it from the rows of its input files in a worker process while it bulk-loads them
(graph/build/indexes.py, `index_quads`); tests and small graphs from the store (`index_triples`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from thaiplan.ontology.namespace import ID_BASE
from thaiplan.queries import keys, terms

_GRAPH = ox.NamedNode(terms.SEARCH_INDEX_GRAPH)
# Per entity: its code and label keys and label words in one literal (see `search_text`); and, when a
# definition adds words, every label or definition word (see `keys.word_list`).
SEARCH_TEXT = terms.SEARCH_TEXT
WORDS = terms.WORDS
_P = {
    name: ox.NamedNode(iri)
    for name, iri in {
        "code": terms.CODE_KEY,
        "label": terms.LABEL_KEY,
        "squash": terms.SQUASH_KEY,
        "searchText": SEARCH_TEXT,
        "words": WORDS,
    }.items()
}
# The properties whose objects are indexed, by field (in any named graph, as queries see the union).
FIELDS = {
    "code": (terms.SKOS + "notation",),
    "label": (
        terms.SKOS + "prefLabel",
        terms.SKOS + "altLabel",
        terms.SKOS + "hiddenLabel",
        terms.RDFS + "label",
    ),
    "definition": (terms.SKOS + "definition", "http://purl.org/dc/terms/description", terms.TP + "essence"),
}
FIELD_OF = {prop: field for field, props in FIELDS.items() for prop in props}
# Instances only: ontology terms share labels with instances (ยุทธศาสตร์ชาติ is a class and a plan).
INSTANCES = ID_BASE

Row = tuple[ox.NamedNode, str, str]  # (instance, field, text)
_Entries = tuple[tuple[str, str], ...]
Keyed = dict[tuple[str, str], _Entries]


def entries(field: str, text: str) -> Iterator[tuple[str, str]]:
    """The (kind, value) pairs of one text of one field: keys, then words (`word`, `definitionWord`)."""
    text_key = keys.key(text)
    if field in ("code", "label"):
        yield field, text_key
        squashed = keys.squash(text)
        if squashed != text_key:  # otherwise the code or label key is the squashed key (search.rq)
            yield "squash", squashed
    if field == "label":
        yield from (("word", w) for w in keys.tokens(text))
    elif field == "definition":
        yield from (("definitionWord", w) for w in keys.tokens(text))


def _entries_of(field_text: tuple[str, str]) -> _Entries:
    """The non-empty (kind, value) pairs of one (field, text), sorted (a set's order varies by process)."""
    return tuple(sorted(e for e in entries(*field_text) if e[1]))


def key_texts(field_texts: Iterable[tuple[str, str]]) -> Keyed:
    """The index entries of each distinct (field, text), in this process."""
    return {ft: _entries_of(ft) for ft in sorted(set(field_texts))}


# --- reading the texts ------------------------------------------------------------------------------


def row_of(quad: ox.Quad) -> Row | None:
    """The (instance, field, text) a quad gives to index, if any."""
    field = FIELD_OF.get(quad.predicate.value)
    subject, obj = quad.subject, quad.object
    if (
        field is None
        or not isinstance(subject, ox.NamedNode)
        or not isinstance(obj, ox.Literal)
        or not subject.value.startswith(INSTANCES)
    ):
        return None
    return subject, field, obj.value


def texts(store: ox.Store) -> list[Row]:
    """Every (instance, field, text) to index in a store, read by pattern (no SPARQL union to plan)."""
    found = set()
    for prop in FIELD_OF:
        for quad in store.quads_for_pattern(None, ox.NamedNode(prop), None, None):
            row = row_of(quad)
            if row is not None:
                found.add(row)
    return list(found)


# --- from texts to quads ----------------------------------------------------------------------------


def _by_entity(rows: list[Row], known: Keyed) -> dict[ox.NamedNode, set[tuple[str, str]]]:
    """The (kind, value) entries of each entity, from its texts and the entries of each text."""
    by_entity: dict[ox.NamedNode, set[tuple[str, str]]] = {}
    for entity, field, text in rows:
        by_entity.setdefault(entity, set()).update(known[field, text])
    return by_entity


def quads_of(rows: list[Row], known: Keyed) -> Iterator[ox.Quad]:
    """The index quads of every entity, from its texts and the entries of each text."""
    for entity, found in _by_entity(rows, known).items():
        for kind, value in _entity_values(found):
            yield ox.Quad(entity, _P[kind], ox.Literal(value), _GRAPH)


def nquads_of(rows: list[Row], known: Keyed) -> str:
    """The same quads as `quads_of`, written as N-Quads (a build's worker sends them as text, issue 7).

    Written here rather than by pyoxigraph: a Quad object per index entry cost the worker 1.5 s at 1M
    triples. Plain string literals need only the four escapes of N-Triples' STRING_LITERAL_QUOTE.
    """
    graph = str(_GRAPH)
    lines = []
    for entity, found in _by_entity(rows, known).items():
        subject = str(entity)
        for kind, value in _entity_values(found):
            lines.append(f'{subject} {_NT[kind]} "{value.translate(_ESCAPES)}" {graph} .\n')
    return "".join(lines)


_NT = {kind: str(node) for kind, node in _P.items()}
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def _entity_values(found: set[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    """The (index property, literal) pairs of one entity from its (kind, value) entries."""
    found_keys = {v for k, v in found if k in ("code", "label")}
    label_words = {v for k, v in found if k == "word"}
    more_words = {v for k, v in found if k == "definitionWord"} - label_words
    for kind, value in found:
        if kind in ("code", "label", "squash"):
            yield kind, value
    if found_keys:
        yield "searchText", search_text(found_keys, label_words)
    if more_words:
        # Only where a definition adds words: an entity with all the words in its labels ranks higher.
        yield "words", keys.word_list(label_words | more_words)


def search_text(text_keys: Iterable[str], words: Iterable[str]) -> str:
    """One literal for `search.rq`'s one scan: a newline before each code or label key, a tab around each
    label word (keys hold neither: their whitespace is collapsed to single spaces).

    A query key is in it only inside a key (words are parts of keys), after a newline only at the start
    of one, and a query word between tabs only as a whole label word.
    """
    return "".join("\n" + k for k in sorted(text_keys)) + "\n\t" + "".join(w + "\t" for w in sorted(words))


def index_triples(store: ox.Store) -> Iterator[ox.Quad]:
    """Quads of the search index (graph `SEARCH_INDEX_GRAPH`) for every instance in `store`."""
    return index_quads(texts(store))


def index_quads(rows: list[Row]) -> Iterator[ox.Quad]:
    """Quads of the search index of the given (instance, field, text) rows."""
    # A national-scale graph repeats texts (place names, project kinds): each distinct one is keyed once.
    return quads_of(rows, key_texts((field, text) for _, field, text in rows))


def index_nquads(rows: list[Row]) -> tuple[str, int]:
    """The search index of the given rows as N-Quads, and how many quads."""
    text = nquads_of(rows, key_texts((field, text) for _, field, text in rows))
    return text, text.count("\n")
