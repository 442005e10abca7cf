"""Resolving a parameter as written in the sources (a code, IRI, label or abbreviation) to one IRI.

The text is bound as values of `_resolve.rq` (never pasted into it). Matches come in tiers (IRI, code,
label or abbreviation, abbreviation without dots); the best tier wins, and more than one entity in it
is ambiguous: the caller gets the candidates to choose from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pyoxigraph as ox
import rdflib

from thaiplan.ontology import terms as ontology_terms
from thaiplan.ontology.namespace import ID_BASE
from thaiplan.queries import keys, terms
from thaiplan.queries.errors import AmbiguousParameter, UnresolvedParameter
from thaiplan.queries.execute import execute, rows
from thaiplan.queries.resolve_table import ResolverTable, table_of
from thaiplan.rq import read_rq

IRI_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")
# `activity/BR0201` or `id:activity/BR0201`: an instance IRI written short, as in the data files.
SHORT_ID_PATTERN = re.compile(r"^(?:id:)?([a-z][a-z0-9-]*/[^\s/<>\"{}|\\^`]+)$")


@dataclass
class Candidate:
    """One entity a text may name, with what a person needs to choose it."""

    iri: str
    tier: int
    types: set[str] = field(default_factory=set)
    code: str | None = None
    label_th: str | None = None
    label_en: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready description (for an HTTP 300 answer listing the choices)."""
        return {
            "iri": self.iri,
            "types": sorted(self.types),
            "code": self.code,
            "label_th": self.label_th,
            "label_en": self.label_en,
        }


@cache
def subclasses(class_iri: str) -> frozenset[str]:
    """The class and all its subclasses in the ontology (read from the canonical Turtle once)."""
    graph = ontology_terms.load()
    root = rdflib.URIRef(class_iri)
    found = set(graph.transitive_subjects(rdflib.RDFS.subClassOf, root))
    return frozenset(str(c) for c in found | {root})


def expand_class(name: str) -> str:
    """A class written `tp:Agency` (or as a full IRI) as a full IRI."""
    return terms.TP + name[3:] if name.startswith("tp:") else name


def as_iri(text: str) -> str | None:
    """The IRI a normalized text writes (in full, or short: `activity/BR0201`); None for a code or label."""
    short = SHORT_ID_PATTERN.match(text)
    if short and not text.startswith(("http:", "https:", "urn:")):
        return ID_BASE + short.group(1)
    if IRI_PATTERN.match(text) and ":" in text and not text.startswith("tp:"):
        return text
    return None


def search_keys(text: str) -> tuple[str, str]:
    """The key and the squashed key `_resolve.rq` matches a normalized text by."""
    return keys.key(text), keys.squash(text) or keys.key(text)


def candidates(store: Any, text: str) -> list[Candidate]:
    """Every entity `text` may name, best tier first (no class restriction)."""
    text = keys.normalize_text(text)
    iri = as_iri(text)
    if iri is not None:
        return _by_iri(store, iri)
    key, squash = search_keys(text)
    bindings = {"text": ox.Literal(text), "textKey": ox.Literal(key), "textSquash": ox.Literal(squash)}
    return _collect(rows(execute(store, read_rq("queries", "_resolve"), bindings)))


def _by_iri(store: Any, iri: str) -> list[Candidate]:
    """The entity an IRI names, when the graph says anything about it."""
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        return []
    found = rows(execute(store, read_rq("queries", "_resolve-iri"), {"entity": node}))
    return _collect([{**r, "tier": ox.Literal(1)} for r in found])


def _collect(found: list[dict[str, Any]]) -> list[Candidate]:
    """Merge result rows into one candidate per entity, keeping its best tier."""
    by_iri: dict[str, Candidate] = {}
    for row in found:
        iri = row["entity"].value
        tier = int(row["tier"].value)
        cand = by_iri.setdefault(iri, Candidate(iri, tier))
        cand.tier = min(cand.tier, tier)
        if "type" in row:
            cand.types.add(row["type"].value)
        cand.code = cand.code or (row["code"].value if "code" in row else None)
        cand.label_th = cand.label_th or (row["labelTh"].value if "labelTh" in row else None)
        cand.label_en = cand.label_en or (row["labelEn"].value if "labelEn" in row else None)
    return sorted(by_iri.values(), key=lambda c: (c.tier, c.iri))


def from_table(table: ResolverTable, text: str, class_iri: str | None) -> list[Candidate] | None:
    """The candidates the resolver's table gives (types and tiers only), or None when the store must say.

    None: an IRI the table does not hold (it may name an entity without codes or labels), or more than one
    entity at the best tier (the answer lists their codes and labels, which `_resolve.rq` reads).
    """
    text = keys.normalize_text(text)
    iri = as_iri(text)
    if iri is not None:
        if not table.knows(iri):
            return None
        found = [Candidate(iri, 1, set(table.types.get(iri, ())))]
    else:
        tiers = table.matches(text, *search_keys(text))
        found = [Candidate(e, t, set(table.types.get(e, ()))) for e, t in tiers.items()]
    found = _of_class(found, class_iri)
    best = [c for c in found if c.tier == found[0].tier]
    if len(best) > 1 or any(c.iri.startswith("_:") for c in best):
        return None
    return found


def _of_class(found: list[Candidate], class_iri: str | None) -> list[Candidate]:
    """The candidates of class `class_iri` (or a subclass), best tier first; all when no class is given."""
    if class_iri:
        allowed = subclasses(expand_class(class_iri))
        found = [c for c in found if c.types & allowed]
    return sorted(found, key=lambda c: (c.tier, c.iri))


def resolve(store: Any, param: str, text: str, class_iri: str | None = None) -> ox.NamedNode:
    """The one entity `text` names (of class `class_iri` if given), or a clear error naming `param`.

    A store that keeps the resolver's table per build (remote) is asked only when the table cannot say.
    """
    table = table_of(store)
    found = from_table(table, text, class_iri) if table is not None else None
    if found is None:
        found = _of_class(candidates(store, text), class_iri)
    kind = expand_class(class_iri).rsplit("#", 1)[-1].lower() if class_iri else "entity"
    if not found:
        raise UnresolvedParameter(
            param, f"no {kind} has the code, label, abbreviation or IRI {keys.normalize_text(text)!r}"
        )
    best = [c for c in found if c.tier == found[0].tier]
    if len(best) > 1:
        raise AmbiguousParameter(
            param,
            f"{keys.normalize_text(text)!r} names {len(best)} entities; give a code or an IRI",
            [c.as_dict() for c in best],
        )
    return ox.NamedNode(best[0].iri)
