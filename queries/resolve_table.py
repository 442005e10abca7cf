"""The resolver's look-up table, read whole once per build, for stores where every query is an HTTP request.

On a remote store a named query with an entity parameter asked the store twice: `_resolve.rq`, then the
query (issue 14). Its look-ups are equalities on the build's search index (code, label and squashed keys)
and on `skos:notation`, so the table of those keys (`_resolve-table.rq`, one request per build and worker,
like the manifest) answers them in the worker: the cache miss is then one request, the query itself.

The table is kept only for a build of at most `MAX_ROWS` keys and types (the curated graph: 2,320, read
in one request of 0.6 MB): a national-scale build's table (a synthetic graph of 100k triples: 56,220 rows,
13.8 MB of SPARQL JSON, seconds to read in a loaded worker, and growing with the entities) would cost
every worker its time and memory, so there the resolver asks the store, two requests per miss, as before.

The table decides which entities a text names and at which tier, as `_resolve.rq` would: a text that names
one entity (of the wanted class) is resolved without a request, and one that names none is refused without
one. The answers that need more than the table holds go to the store as before: several entities at the
best tier (the candidates' codes and labels for the 300 answer come from `_resolve.rq`), and an IRI the
table does not know (an entity without codes or labels: `_resolve-iri.rq` says whether it exists).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from thaiplan.errors import ThaiplanError
from thaiplan.queries.execute import execute
from thaiplan.rq import read_rq

# A store that offers `remember(name, compute)` (graph/store/remote.py) keeps this table per build.
TABLE_NAME = "resolver-table"
XSD_STRING = ox.NamedNode("http://www.w3.org/2001/XMLSchema#string")
# The most rows (keys and types) a table holds; `_resolve-table.rq` asks for one more (its LIMIT).
MAX_ROWS = 10_000
log = logging.getLogger(__name__)


@dataclass
class ResolverTable:
    """Keys to entities by look-up (code, notation, label, squash), and each keyed entity's types."""

    keys: dict[str, dict[str, set[str]]] = field(default_factory=lambda: defaultdict(dict))
    types: dict[str, frozenset[str]] = field(default_factory=dict)
    entities: set[str] = field(default_factory=set)

    def add(self, kind: str, key: str, entity: str) -> None:
        """Record that `entity` has `key` of look-up `kind`."""
        self.keys[kind].setdefault(key, set()).add(entity)
        self.entities.add(entity)

    def matches(self, text: str, text_key: str, text_squash: str) -> dict[str, int]:
        """Each entity the text names with its best tier, by `_resolve.rq`'s four look-ups."""
        tiers: dict[str, int] = {}
        look_ups = (
            (2, "code", text_key),
            (2, "notation", text),
            (3, "label", text_key),
            (4, "squash", text_squash),
            (4, "label", text_squash),
            (4, "code", text_squash),
        )
        for tier, kind, key in look_ups:
            for entity in self.keys.get(kind, {}).get(key, ()):
                tiers[entity] = min(tier, tiers.get(entity, tier))
        return tiers

    def knows(self, iri: str) -> bool:
        """True when the table holds the entity `iri` (it has a code or label key, so triples)."""
        return iri in self.entities


def load(store: Any) -> ResolverTable | None:
    """The table of the build `store` reads (one query), or None when the build has more than MAX_ROWS."""
    table = ResolverTable()
    types: dict[str, set[str]] = defaultdict(set)
    interned: dict[str, str] = {}
    for number, row in enumerate(execute(store, read_rq("queries", "_resolve-table")), start=1):
        if number > MAX_ROWS:
            return None
        entity_term, kind_term, key = row[0], row[1], row[2]
        # A blank node keeps its `_:` so that it never passes for an IRI (the resolver asks the store then).
        entity = entity_term.value if isinstance(entity_term, ox.NamedNode) else str(entity_term)
        entity = interned.setdefault(entity, entity)
        if kind_term.value == "type":
            table.entities.add(entity)
            types[entity].add(interned.setdefault(key.value, key.value))
        elif isinstance(key, ox.Literal) and key.language is None and key.datatype == XSD_STRING:
            # `_resolve.rq` binds plain literals: a typed or language-tagged key never equals one.
            table.add(kind_term.value, key.value, entity)
    table.types = {entity: frozenset(found) for entity, found in types.items()}
    return table


def table_of(store: Any) -> ResolverTable | None:
    """The store's table for the build in use when it keeps one per build (a remote store), else None."""
    remember = getattr(store, "remember", None)
    if remember is None:
        return None
    try:
        return remember(TABLE_NAME, lambda: load(store))
    except ThaiplanError as exc:
        # Not remembered: the next query asks again (one failed request must not cost the whole build its
        # table); meanwhile resolving on the store still works, or reports the failure.
        log.warning("the resolver's table could not be read; parameters resolve on the store: %s", exc)
        return None
