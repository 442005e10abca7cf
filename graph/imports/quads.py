"""An import's triples kept as quads of an in-memory pyoxigraph store, added as store or rdflib terms and
read as rdflib terms.

The importer's templates speak rdflib terms; an rdflib Graph of 100,000 rows (some 7.5 million triples)
took over 9 GiB and most of the run filling its indexes (issue 16, bench/results/import.md). Here each
triple goes to a buffer, converted once per distinct term, and into the store a row at a time; the few
reads the importer makes (what a row said of an entity, restatements dropped) are pattern lookups.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from thaiplan.graph.imports.lookup import to_rdflib
from thaiplan.shapes.dataset import DATA, term_to_ox

_BASE = "urn:thaiplan:import:"
# The rows' triples, in the graph the shapes read as the data: validated where they are (shapes_check.py).
IMPORTED = DATA
PREVIOUS = ox.NamedNode(_BASE + "previous")  # the last import of the same file, read back
Triple = tuple[Node, Node, Node]
Pattern = tuple[Node | None, Node | None, Node | None]


class ImportGraph:
    """One named graph of a store, filled and read with rdflib terms (a small part of rdflib's Graph API)."""

    def __init__(self, store: ox.Store | None = None, name: ox.NamedNode = IMPORTED) -> None:
        """An empty graph `name` of `store` (a new in-memory store when none is given)."""
        self.store = store if store is not None else ox.Store()
        self.name = name
        self._iris: dict[str, ox.NamedNode | ox.Literal] = {}
        self._buffer: list[ox.Quad] = []
        # Literals the store keeps in another (canonical) form ("1250000.0"^^xsd:decimal as "1250000"), by
        # that form: read back as written, so the curated file says what the rows said (issue 16).
        self._noted: list[tuple[ox.Literal, Literal]] = []
        self._written: dict[str, Literal] = {}

    def add(self, triple: Triple) -> None:
        """Add one triple (written to the store at the next read or flush)."""
        s, p, o = triple
        iri = self._iri
        self._buffer.append(
            ox.Quad(iri(s), iri(p), iri(o) if type(o) is URIRef else self._literal(o), self.name)
        )
        if len(self._buffer) >= 50_000:
            self.flush()

    def add_quad(self, s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal) -> None:
        """Add one triple of store terms (the templates' own: graph/imports/entities.py)."""
        self._buffer.append(ox.Quad(s, p, o, self.name))
        if len(self._buffer) >= 50_000:
            self.flush()

    def named(self, text: str) -> ox.NamedNode:
        """The store's IRI of a text (converted once per distinct IRI, refused as `term_to_ox` refuses)."""
        found = self._iris.get(text)
        if found is None:
            found = self._iri(URIRef(text))
        return found  # type: ignore[return-value]

    def note(self, stored: ox.Literal, written: Literal) -> None:
        """Remember how the rows wrote a literal the store keeps in another (canonical) form."""
        self._noted.append((stored, written))

    def ox_object(self, term: Node) -> ox.NamedNode | ox.Literal:
        """The store's term for an rdflib IRI or literal (its written form noted when the store may change
        it)."""
        return self._ox(term)

    def _literal(self, term: Node) -> ox.NamedNode | ox.Literal:
        """The store's literal for an rdflib one, its written form noted when the store may change it."""
        found = term_to_ox(term)
        if isinstance(found, ox.Literal) and _may_change(found):
            self._noted.append((found, term))  # type: ignore[arg-type]
        return found

    def flush(self) -> None:
        """Write the buffered triples to the store, and learn the stored form of each noted literal."""
        if self._buffer:
            self.store.bulk_extend(self._buffer)
            self._buffer = []
        if self._noted:
            scratch, marker = ox.Store(), ox.NamedNode(_BASE + "written")
            scratch.extend(
                ox.Quad(ox.NamedNode(f"{_BASE}{i}"), marker, lit) for i, (lit, _) in enumerate(self._noted)
            )
            for quad in scratch:
                original = self._noted[int(quad.subject.value.removeprefix(_BASE))][1]
                self._written.setdefault(str(quad.object), original)
            self._noted = []

    def written_forms(self) -> dict[str, Literal]:
        """Each literal the store keeps in another form, by that form, as the rows wrote it."""
        self.flush()
        return dict(self._written)

    def know_written(self, written: dict[str, Literal]) -> None:
        """Read stored literals back in these written forms (those of the chunks it was filled from)."""
        for canonical, original in written.items():
            self._written.setdefault(canonical, original)

    def _back(self, term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
        """A stored term as the rdflib term it was written as."""
        if self._written and isinstance(term, ox.Literal):
            found = self._written.get(str(term))
            if found is not None:
                return found
        return to_rdflib(term)

    def _iri(self, term: Node) -> ox.NamedNode | ox.Literal:
        """The store's term for an IRI, converted once per distinct IRI (keyed by its text: rdflib's term
        equality is Python code, several times slower to look up)."""
        text = str(term)
        found = self._iris.get(text)
        if found is None:
            found = self._iris[text] = term_to_ox(term)
            if len(self._iris) > 100_000:
                self._iris.clear()  # a bound on memory: IRIs unique to a row are seldom met again
        return found

    def _ox(self, term: Node) -> ox.NamedNode | ox.Literal:
        """The store's term for an rdflib IRI or literal (a literal, mostly a row's own, each time)."""
        return self._iri(term) if isinstance(term, URIRef) else self._literal(term)

    def _quads(self, pattern: Pattern) -> Iterator[ox.Quad]:
        """The stored quads matching a pattern of rdflib terms (None: any)."""
        self.flush()
        s, p, o = (None if t is None else self._ox(t) for t in pattern)
        return self.store.quads_for_pattern(s, p, o, self.name)  # type: ignore[arg-type]

    def triples(self, pattern: Pattern) -> Iterator[Triple]:
        """The triples matching a pattern, as rdflib terms."""
        for q in list(self._quads(pattern)):
            yield to_rdflib(q.subject), to_rdflib(q.predicate), self._back(q.object)

    def __iter__(self) -> Iterator[Triple]:
        """Every triple, as rdflib terms."""
        return self.triples((None, None, None))

    def __len__(self) -> int:
        """How many triples the graph holds."""
        return sum(1 for _ in self._quads((None, None, None)))

    def predicate_objects(self, subject: Node) -> Iterator[tuple[Node, Node]]:
        """What the graph says of a subject."""
        return ((p, o) for _, p, o in self.triples((subject, None, None)))

    def subject_predicates(self, obj: Node) -> Iterator[tuple[Node, Node]]:
        """What points at an object, and by which predicate."""
        return ((s, p) for s, p, _ in self.triples((None, None, obj)))

    def subjects(self, predicate: Node | None = None, obj: Node | None = None) -> Iterator[Node]:
        """The subjects of the triples matching a predicate and object (each once)."""
        return iter(dict.fromkeys(s for s, _, _ in self.triples((None, predicate, obj))))

    def objects(self) -> Iterator[Node]:
        """The objects of every triple (each once)."""
        return iter(dict.fromkeys(o for _, _, o in self.triples((None, None, None))))

    def remove(self, pattern: Pattern) -> None:
        """Remove the triples matching a pattern."""
        for quad in list(self._quads(pattern)):
            self.store.remove(quad)

    def rdflib(self) -> Graph:
        """The triples as an rdflib Graph (for writing the curated Turtle with rdflib's serializer)."""
        graph = Graph()
        graph.addN((s, p, o, graph) for s, p, o in self)
        return graph


def add_all(graph: ImportGraph, triples: Iterable[Triple]) -> None:
    """Add rdflib triples (a parsed file, a small graph) to an import graph."""
    for triple in triples:
        graph.add(triple)


def _may_change(term: ox.Literal) -> bool:
    """True for a literal the store may keep in another form (a typed one not canonical, a language tag
    with capitals)."""
    from thaiplan.shapes.dataset import _may_change as changes

    return changes(term) or (bool(term.language) and term.language != term.language.lower())
