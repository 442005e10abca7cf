"""The validation dataset: one in-memory pyoxigraph store with the data, the ontology and RDFS entailments.

Named graphs keep apart what each engine must see (issue 7). The SHACL-SPARQL constraints read the data,
the ontology and the plan levels, as asserted. The core constraints read what pySHACL would read after
`inference="rdfs"`: the data, the ontology *as pySHACL mixes it in* (its `inoculate`: classes, properties
and their axioms, named individuals), and the RDFS entailments of that union that a shape can observe —
the triples of a super-property for every sub-property triple (rdfs7) of the predicates the shapes read
or that carry a domain or range, and every instance of each class a shape names (rdf:type via
rdfs:domain, rdfs:range and rdfs:subClassOf*: rdfs2, rdfs3, rdfs9). Nothing else owlrl would add
(`rdfs:Resource` types, `rdf:Property` types, axioms) is observable by the shapes, so it is not computed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import TypeVar

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from thaiplan.errors import InputError, ThaiplanError
from thaiplan.rq import read_rq

_BASE = "urn:thaiplan:validate:"
DATA = ox.NamedNode(_BASE + "data")
ONTOLOGY = ox.NamedNode(_BASE + "ontology")
ONTOLOGY_MIXED = ox.NamedNode(_BASE + "ontology-mixed")
LEVELS = ox.NamedNode(_BASE + "levels")
SUPER_PROPERTIES = ox.NamedNode(_BASE + "super-properties")
TYPES = ox.NamedNode(_BASE + "types")
FOCUS = ox.NamedNode(_BASE + "focus")  # each focus set as `?node MEMBER <set>` (shapes/compiled/)
MEMBER = ox.NamedNode(_BASE + "in")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
# Lexical forms pyoxigraph stores unchanged; other typed literals may come back canonical ("01" → "1").
_CANONICAL = {
    XSD + "integer": re.compile(r"0|-?[1-9][0-9]*"),
    XSD + "decimal": re.compile(r"0|-?[1-9][0-9]*|-?(0|[1-9][0-9]*)\.[0-9]*[1-9]"),
    XSD + "gYear": re.compile(r"[1-9][0-9]{3}"),
    XSD + "boolean": re.compile(r"true|false"),
}

# What each engine reads as its default graph.
SPARQL_GRAPHS = [DATA, ONTOLOGY, LEVELS]
T = TypeVar("T")
R = TypeVar("R")
CORE_GRAPHS = [DATA, ONTOLOGY_MIXED, SUPER_PROPERTIES, TYPES]


def select(store: ox.Store, query: str, **options: object) -> list[dict[str, object]]:
    """The rows of a SELECT query as dicts of terms (unbound variables left out), read on this thread.

    pyoxigraph's solution iterator may only be dropped on the thread that made it: reading it whole here
    and dropping it at once lets worker threads run queries (shapes/validate.py).
    """
    solutions = store.query(query, **options)  # type: ignore[arg-type]
    try:
        names = [v.value for v in solutions.variables]
        return [{n: row[n] for n in names if row[n] is not None} for row in solutions]
    finally:
        del solutions


def core_query(name: str) -> str:
    """The text of a query template in shapes/sparql/core/."""
    return read_rq("shapes", f"core/{name}")


@dataclass
class Dataset:
    """The store, and how its blank nodes map back to the rdflib ones of a graph it was copied from."""

    store: ox.Store = field(default_factory=ox.Store)
    bnodes_back: dict[str, BNode] = field(default_factory=dict)
    # Literals as written, by the canonical form pyoxigraph keeps ("2567.0"^^xsd:decimal is stored "2567"):
    # reports show a value as the data wrote it, as pySHACL on the rdflib graph did.
    literals_back: dict[str, Literal] = field(default_factory=dict)
    _bnodes_in: dict[BNode, ox.BlankNode] = field(default_factory=dict)
    _written: list[tuple[ox.Literal, Literal]] = field(default_factory=list)

    def add_graph(self, graph: Iterable[tuple[Node, Node, Node]], into: ox.NamedNode) -> None:
        """Copy rdflib triples into one named graph of the store."""
        self.store.bulk_extend(
            ox.Quad(self.to_ox(s), self.to_ox(p), self._object(o), into) for s, p, o in graph
        )
        self.remember_written()

    def add_quads(self, quads: Iterable[ox.Quad], into: ox.NamedNode) -> None:
        """Copy parsed quads into one named graph of the store (their own graph names are merged)."""
        self.store.bulk_extend(ox.Quad(q.subject, q.predicate, self._parsed(q.object), into) for q in quads)
        self.remember_written()

    def _object(self, term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        """An rdflib object for the store, its written form noted when the store may change it."""
        found = self.to_ox(term)
        if isinstance(term, Literal) and (
            (term.language and term.language != term.language.lower()) or _may_change(found)
        ):
            self._written.append((found, term))
        return found

    def _parsed(
        self, term: ox.NamedNode | ox.BlankNode | ox.Literal
    ) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        """A parsed object for the store, its written form noted when the store may change it."""
        if isinstance(term, ox.Literal) and _may_change(term):
            # As written: rdflib would normalize it ("1.5E6"^^xsd:double to "1500000.0"), unlike the
            # rdflib parsers of the other path (`_lexical_forms_kept`, issue 19), so reports differed.
            written = Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)
            self._written.append((term, written))
        return term

    def remember_written(self) -> None:
        """Map the stored (canonical) form of each noted literal back to the form the data wrote."""
        if not self._written:
            return
        scratch = ox.Store()
        marker = ox.NamedNode(_BASE + "written")
        scratch.bulk_extend(
            ox.Quad(ox.NamedNode(f"{_BASE}literal/{i}"), marker, lit)
            for i, (lit, _) in enumerate(self._written)
        )
        for quad in scratch:
            original = self._written[int(quad.subject.value.rsplit("/", 1)[1])][1]
            self.literals_back.setdefault(str(quad.object), original)
        self._written.clear()

    def to_ox(self, term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        """The pyoxigraph term of an rdflib term (blank nodes remembered, so results map back)."""
        if isinstance(term, BNode):
            return self._blank(term)
        return term_to_ox(term)

    def _blank(self, node: BNode) -> ox.BlankNode:
        """The store's blank node for an rdflib one (its own id when pyoxigraph accepts it)."""
        found = self._bnodes_in.get(node)
        if found is None:
            try:
                found = ox.BlankNode(str(node))
            except ValueError:
                found = ox.BlankNode()
            self._bnodes_in[node] = found
            self.bnodes_back[found.value] = node
        return found

    def to_rdflib(self, term: object, plain_strings: bool = True, written: bool = True) -> Node:
        """The rdflib term of a store term.

        `plain_strings` gives xsd:string literals no datatype, as rdflib's parsers do; `written` gives a
        literal as the data wrote it rather than in the canonical form the store keeps.
        """
        if isinstance(term, ox.NamedNode):
            return URIRef(term.value)
        if isinstance(term, ox.BlankNode):
            return self.bnodes_back.get(term.value) or BNode(term.value)
        if isinstance(term, ox.Literal):
            if self.literals_back and written:
                found = self.literals_back.get(str(term))
                if found is not None:
                    return found
            if term.language:
                return Literal(term.value, lang=term.language)
            if plain_strings and term.datatype.value == XSD_STRING:
                return Literal(term.value)
            return Literal(term.value, datatype=URIRef(term.datatype.value))
        raise ThaiplanError(f"unexpected term in a SPARQL result: {term!r}")


def _may_change(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> bool:
    """True for a typed literal the store may keep in another (canonical) lexical form."""
    if not isinstance(term, ox.Literal) or term.language:
        return False
    datatype = term.datatype.value
    if datatype == XSD_STRING:
        return False
    pattern = _CANONICAL.get(datatype)
    return pattern is None or pattern.fullmatch(term.value) is None


# pyoxigraph's parsers refuse a term over 16 MiB; the same cap holds for terms copied from rdflib.
MAX_TERM_BYTES = 16 * 1024 * 1024


def _check_size(text: str) -> None:
    """Refuse a term too large to check, as pyoxigraph's parsers do (issue 8)."""
    if len(text) > MAX_TERM_BYTES // 4 and len(text.encode("utf-8")) > MAX_TERM_BYTES:
        raise InputError(
            f"too large to check: a literal or IRI over 16 MiB ({len(text.encode('utf-8'))} bytes)"
        )


def term_to_ox(term: Node) -> ox.NamedNode | ox.Literal:
    """The pyoxigraph IRI or literal of an rdflib one (same lexical form, language or datatype)."""
    _check_size(str(term))
    if isinstance(term, URIRef):
        try:
            return ox.NamedNode(str(term))
        except ValueError as exc:
            raise InputError(f"{str(term)[:200]!r} is not a valid IRI") from exc
    if not isinstance(term, Literal):
        raise ThaiplanError(f"unexpected RDF term {term!r}")
    try:
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    except ValueError as exc:
        raise InputError(f"literal {str(term)[:80]!r}: {exc}") from exc


def add_schema(dataset: Dataset, ontology: Graph, mixed: Graph, levels: Graph) -> None:
    """Add the ontology (as asserted, and as pySHACL mixes it into the data) and the plan levels."""
    dataset.add_graph(ontology, ONTOLOGY)
    dataset.add_graph(mixed, ONTOLOGY_MIXED)
    dataset.add_graph(levels, LEVELS)


# --- RDFS entailments ------------------------------------------------------------------------------------


def _column(store: ox.Store, name: str, variable: str, **bindings: ox.NamedNode) -> list[ox.NamedNode]:
    """One column of a core template's answers over the core graphs, IRIs only."""
    substitutions = {ox.Variable(k): v for k, v in bindings.items()}
    rows = store.query(core_query(name), default_graph=CORE_GRAPHS, substitutions=substitutions)
    return [row[variable] for row in rows if isinstance(row[variable], ox.NamedNode)]


def entail(
    dataset: Dataset,
    predicates: set[ox.NamedNode],
    classes: set[ox.NamedNode],
    rdfs: bool = True,
    pool: Executor | None = None,
) -> None:
    """Materialize the super-property triples and class instances the core shapes can observe.

    Without `rdfs`, only SHACL's own reading of the data is kept: an instance of a class is typed with it
    or with a sub-class (`rdf:type/rdfs:subClassOf*`, SHACL 1.5), never through a domain or a range.
    The classes' instances are read in parallel (`pool`): they read the data, the mixed-in ontology and
    the super-property triples, never the types graph they fill.
    """
    store = dataset.store
    if rdfs:
        described = set(_column(store, "described-properties.rq", "property"))
        for prop in sorted(predicates | described | {RDF_TYPE}, key=str):
            subs = [p for p in _column(store, "subproperties.rq", "sub", property=prop) if p != prop]
            if subs:
                store.update(fill("super-property-triples.ru", super=prop, subs=subs))
    queries = [(cls, _instances_query(store, cls, rdfs)) for cls in sorted(classes, key=str)]
    found = parallel(pool, lambda q: _instances(store, q[1]), queries)
    for (cls, _), nodes in zip(queries, found, strict=True):
        store.bulk_extend(ox.Quad(node, RDF_TYPE, cls, TYPES) for node in nodes)


def _instances_query(store: ox.Store, cls: ox.NamedNode, rdfs: bool) -> str:
    """The query of a class's instances (sub-classes, and with `rdfs` the domains and ranges)."""
    subclasses = _column(store, "subclasses.rq", "sub", **{"class": cls})
    domain: list[ox.NamedNode] = []
    range_: list[ox.NamedNode] = []
    if rdfs:
        domain = [p for c in subclasses for p in _column(store, "domain-of.rq", "property", **{"class": c})]
        range_ = [p for c in subclasses for p in _column(store, "range-of.rq", "property", **{"class": c})]
    return fill("class-instances.rq", cls=cls, subclasses=subclasses, domain=domain, range=range_)


def _instances(store: ox.Store, query: str) -> list[object]:
    """The answers of one class-instances query, read whole on this thread."""
    solutions = store.query(query, default_graph=[DATA, ONTOLOGY_MIXED, SUPER_PROPERTIES])
    try:
        return [row[0] for row in solutions]  # type: ignore[union-attr]
    finally:
        del solutions


def unmentioned(dataset: Dataset) -> frozenset[object]:
    """The nodes of the mixed-in ontology the data never mentions (left out of every focus set)."""
    solutions = dataset.store.query(fill("unmentioned.rq"))
    try:
        return frozenset(row[0] for row in solutions)  # type: ignore[union-attr]
    finally:
        del solutions


def parallel(pool: Executor | None, func: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
    """`func` over `items`, on the pool's threads when there is one, answers in the items' order."""
    return pool.map(func, items) if pool is not None else map(func, items)


def fill(name: str, **terms: ox.NamedNode | list[ox.NamedNode] | str) -> str:
    """A core template with `{{name}}` replaced by IRIs (each checked by pyoxigraph, written `<…>`) or by
    fragments compiled from them (shapes/compiled/)."""
    text = core_query(name)
    graphs = {
        "data": DATA,
        "mixed": ONTOLOGY_MIXED,
        "superGraph": SUPER_PROPERTIES,
        "typesGraph": TYPES,
        "focusGraph": FOCUS,
        "member": MEMBER,
    }
    for key, value in {**graphs, **terms}.items():
        rendered = " ".join(str(v) for v in value) if isinstance(value, list) else str(value)
        text = text.replace("{{" + key + "}}", rendered)
    return text
