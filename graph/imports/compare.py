"""What an import changes (issue 16): against the last import of the same file, and against the graph.

Entities are compared by value (a decimal 1250000.0 is 1250000; a rank 60 is the decimal 60), types by what
they entail (tp:DesiredOutcome is a tp:Goal), and without the import's own provenance records. A row that
restates an entity the curated graph already has, with the same values, is no change: that is what makes
an exported file import as 0 changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox
from rdflib import RDF, XSD, Graph, Literal, URIRef

from thaiplan.graph.imports.cells import mapping
from thaiplan.graph.imports.entities import PROV, Made
from thaiplan.graph.imports.lookup import ID, statements
from thaiplan.graph.imports.quads import ImportGraph
from thaiplan.rq import read_rq

# Provenance records the importer writes about itself (the file, the run, the rows, cited sources):
# compared apart from the entities, so that re-importing the same file is no change.
RECORD_KINDS = ("import/", "row/", "source/import-")
_NUMBERS = {str(XSD.decimal), str(XSD.integer), str(XSD.double), str(XSD.int), str(XSD.long)}


@dataclass
class Changes:
    """What an import would change in its curated file: entities added, changed (old → new), removed."""

    added: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    restated: int = 0

    def count(self) -> int:
        """How many entities change."""
        return len(self.added) + len(self.changed) + len(self.removed)

    def render(self, lang: str) -> str:
        """The change list as text."""
        words = {
            "en": ("added", "changed", "removed", "changes", "unchanged, already in the graph"),
            "th": ("เพิ่ม", "แก้ไข", "ลบ", "รายการเปลี่ยนแปลง", "ไม่เปลี่ยน มีอยู่ในกราฟแล้ว"),
        }
        add, change, remove, total, same = words["th" if lang == "th" else "en"]
        lines = [f"+ {add}: {iri}" for iri in self.added]
        for iri, diffs in self.changed.items():
            lines.append(f"~ {change}: {iri}")
            lines.extend(f"    {d}" for d in diffs)
        lines.extend(f"- {remove}: {iri}" for iri in self.removed)
        summary = (
            f"{self.count()} {total} ({len(self.added)} {add}, {len(self.changed)} {change}, "
            f"{len(self.removed)} {remove})"
        )
        lines.append(summary + (f"; {self.restated} {same}" if self.restated else ""))
        return "\n".join(lines)


def compact(iri: str) -> str:
    """An IRI as a CURIE of the mapping's prefixes (the change list's predicates), else in brackets."""
    for prefix, base in mapping()["prefixes"].items():
        if iri.startswith(base) and prefix != "id":
            return prefix + ":" + iri[len(base) :]
    return f"<{iri}>"


def object_key(value: Any) -> str:
    """An object as compared: a number by its value (1250000.0 is 1250000, 60 is 60.0), else its N3."""
    if isinstance(value, Literal) and value.datatype is not None and str(value.datatype) in _NUMBERS:
        try:
            return format(Decimal(str(value)).normalize(), "f")
        except InvalidOperation:
            return value.n3()
    return value.n3()


def _is_record(value: Any) -> bool:
    """Whether a term is one of the import's own provenance records."""
    return any(str(value).startswith(ID + k) for k in RECORD_KINDS)


def entities(graph: Graph) -> dict[str, set[tuple[str, str]]]:
    """Each imported entity's statements (predicate, object) without the import's own provenance records."""
    out: dict[str, set[tuple[str, str]]] = {}
    # An entity is what the import types; a link it adds onto another (a goal's tp:hasIndicator) belongs
    # to the row that made the linked entity, whose own statements show the change.
    typed = set(graph.subjects(RDF.type, None))
    for s, p, o in graph:
        if _is_record(s) or _is_record(o) or s not in typed:
            continue
        out.setdefault(str(s), set()).add((compact(str(p)), object_key(o)))
    return out


def diff(old: Graph | ImportGraph, new: Graph | ImportGraph) -> Changes:
    """Entities added, changed (each statement old → new) and removed between two imports of one file."""
    if isinstance(old, ImportGraph) and isinstance(new, ImportGraph):
        return diff_in_store(old, new)
    before, after = entities(old), entities(new)
    changes = Changes(added=sorted(set(after) - set(before)), removed=sorted(set(before) - set(after)))
    for iri in sorted(set(before) & set(after)):
        if before[iri] != after[iri]:
            changes.changed[iri] = _lines(before[iri] - after[iri], after[iri] - before[iri])
    return changes


def diff_in_store(old: ImportGraph, new: ImportGraph) -> Changes:
    """The change list as store queries: typed entities of each graph, then the few whose statements differ
    compared as `entities` compares them (the rows' graph of 100,000 rows is never read whole into Python)."""
    old.flush()
    new.flush()
    before, after = _typed(old), _typed(new)
    changes = Changes(added=sorted(after - before), removed=sorted(before - after))
    both = before & after
    if not both:
        return changes
    bindings = {ox.Variable("new"): new.name, ox.Variable("old"): old.name}
    found = new.store.query(read_rq("graph", "import-differing"), substitutions=bindings)
    candidates = sorted({row["entity"].value for row in found} & both)  # type: ignore[union-attr]
    for iri in candidates:
        was, now = _statements(old, iri), _statements(new, iri)
        if was != now:
            changes.changed[iri] = _lines(was - now, now - was)
    return changes


def diff_part(old: ImportGraph, before: set[str], new: ImportGraph) -> tuple[Changes, set[str]]:
    """A chunk's share of the change list: its entities added, and changed against the last import (whose
    typed entities are `before`), and its typed entities; the entities removed are the caller's, once
    every chunk is in.

    The last import's statements of the chunk's entities are copied into the chunk's store beside it, so
    the comparison is `diff_in_store`'s, on those entities only."""
    new.flush()
    after = _typed(new)
    both = after & before
    changes = Changes(added=sorted(after - before))
    if not both:
        return changes, after
    if old.store is not new.store:
        copied = ImportGraph(new.store, old.name)
        new.store.bulk_extend(
            q
            for iri in sorted(both)
            for q in old.store.quads_for_pattern(ox.NamedNode(iri), None, None, old.name)
        )
        copied.know_written(old.written_forms())
        old = copied
    changes.changed = diff_in_store(old, new).changed
    return changes, after


def typed_entities(graph: ImportGraph) -> set[str]:
    """The IRIs of the entities a graph of the import's store types, its own provenance records left out."""
    graph.flush()
    return _typed(graph)


def _typed(graph: ImportGraph) -> set[str]:
    """The IRIs of the entities a graph of the import's store types, its own provenance records left out."""
    bindings = {ox.Variable("graph"): graph.name}
    found = graph.store.query(read_rq("graph", "import-typed"), substitutions=bindings)
    iris = {row["entity"].value for row in found}  # type: ignore[union-attr]
    return {iri for iri in iris if not _is_record(iri)}


def _statements(graph: ImportGraph, iri: str) -> set[tuple[str, str]]:
    """An entity's statements (predicate, object) as `entities` keeps them."""
    return {
        (compact(str(p)), object_key(o)) for p, o in graph.predicate_objects(URIRef(iri)) if not _is_record(o)
    }


def _lines(gone: set[tuple[str, str]], came: set[tuple[str, str]]) -> list[str]:
    """The differing statements, one line per predicate: old values → new values."""
    lines = []
    for p in sorted({p for p, _ in gone | came}):
        olds = ", ".join(sorted(o for q, o in gone if q == p)) or "∅"
        news = ", ".join(sorted(o for q, o in came if q == p)) or "∅"
        lines.append(f"{p}: {olds} → {news}")
    return lines


def restatement_differences(
    iri: URIRef,
    new: Graph,
    old: set[tuple[URIRef, Any]],
    direct: frozenset[str],
    generated: set[tuple[URIRef, URIRef]],
    supers: dict[str, set[str]],
) -> list[str]:
    """How a row's entity differs from the graph's on what the row states (empty: a restatement)."""
    compared = {p for p in direct if (iri, URIRef(p)) not in generated}
    mine = {(str(p), o) for p, o in new.predicate_objects(iri) if str(p) in compared}
    theirs = {(str(p), o) for p, o in old if str(p) in compared}

    def keys(statements: set[tuple[str, Any]]) -> set[tuple[str, str]]:
        out = set()
        for p, o in statements:
            if p == str(RDF.type):
                out.update((compact(p), f"<{c}>") for c in supers.get(str(o), {str(o)}))
            else:
                out.add((compact(p), object_key(o)))
        return out

    a, b = keys(theirs), keys(mine)
    return _lines(a - b, b - a) if a != b else []


def drop_restated(
    graph: Graph, restated: dict[URIRef, set[tuple[URIRef, Any]]], direct_of: dict[URIRef, frozenset[str]]
) -> None:
    """Remove what restated entities say that the graph already says (their own statements, provenance and
    the links other rows' entities do not make), then the row records no entity is derived from any more."""
    if not restated:
        return
    typed = set(graph.subjects(RDF.type, None))
    for iri, old in restated.items():
        direct = direct_of[iri]
        keep = {(p, object_key(o)) for p, o in old}
        for p, o in list(graph.predicate_objects(iri)):
            if str(p) in direct or p == PROV.wasDerivedFrom or (p, object_key(o)) in keep:
                graph.remove((iri, p, o))
        for s, p in list(graph.subject_predicates(iri)):
            if s not in typed:
                graph.remove(
                    (s, p, iri)
                )  # a link onto the restated entity from one the import does not define
    used = {o for s, p, o in graph if not _is_record(s)}
    for row in [s for s in set(graph.subjects()) if str(s).startswith(ID + "row/") and s not in used]:
        graph.remove((row, None, None))
    used = set(graph.objects())
    for cited in [
        s for s in set(graph.subjects()) if str(s).startswith(ID + "source/import-") and s not in used
    ]:
        graph.remove((cited, None, None))


def against_graph(
    iri: URIRef,
    graph: Graph,
    store: ox.Store,
    known: dict[str, list[str]],
    made: Made,
    supers: dict[str, set[str]],
    restated: dict[URIRef, set[tuple[URIRef, Any]]],
) -> tuple[str, str] | None:
    """Whether an entity is new, restates the curated graph (remembered), or is refused (the problem)."""
    graphs = known.get(str(iri), [])
    if not graphs:
        return None
    other_imports = [g for g in graphs if "/graph/import-" in g]
    if other_imports:
        where = ", ".join(other_imports)
        return (
            f"{iri} is already in the graph ({where}): another file defines it",
            f"{iri} มีอยู่แล้วในกราฟ ({where}): กำหนดไว้ในไฟล์อื่น",
        )
    old = set().union(*(statements(store, str(iri), g) for g in graphs))
    differences = restatement_differences(iri, graph, old, made.direct[iri], made.generated, supers)
    if not differences:
        restated[iri] = old
        return None
    where = ", ".join(graphs)
    listed = "; ".join(differences)
    return (
        f"{iri} is already in the graph ({where}) with other values ({listed}): another file defines it; "
        "change it there",
        f"{iri} มีอยู่แล้วในกราฟ ({where}) ด้วยค่าอื่น ({listed}): กำหนดไว้ในไฟล์อื่น ให้แก้ไขที่ไฟล์นั้น",
    )
