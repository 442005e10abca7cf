"""SHACL-SPARQL (SHACL 5): the `sh:sparql` constraints of the shapes, run on the validation store.

Each constraint's SELECT runs once on the data, the ontology and the level vocabulary as asserted, with
`$this` free; its rows whose `this` is a focus node of the shape become `sh:ValidationResult`s exactly as
a SHACL-SPARQL engine writes them (`sh:sourceConstraintComponent sh:SPARQLConstraintComponent`,
`sh:sourceShape`, `sh:sourceConstraint`, messages with `{?var}` substituted). That equals pre-binding
`$this` (SHACL 5.3.1) only for queries written for it: the project's own (`tpsh:selectFile`); any other
goes to pySHACL (shapes/handover.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from thaiplan.errors import ThaiplanError
from thaiplan.shapes.compiled import sparql_targets
from thaiplan.shapes.dataset import DATA, ONTOLOGY, SPARQL_GRAPHS, Dataset, core_query, select
from thaiplan.shapes.inputs import TPSH
from thaiplan.shapes.report import Result


@dataclass(frozen=True)
class SparqlCheck:
    """One SPARQL-based constraint of one shape, ready to run."""

    shape: Node
    constraint: Node
    query: str
    severity: URIRef
    messages: tuple[Literal, ...]


def sparql_checks(shapes: Graph) -> list[SparqlCheck]:
    """Every active `sh:sparql` constraint of every active shape, in a stable order."""
    checks = []
    for shape, constraint in shapes.subject_objects(SH.sparql):
        if _deactivated(shapes, shape) or _deactivated(shapes, constraint):
            continue
        query = shapes.value(constraint, SH.select)
        if query is None:
            raise ThaiplanError(f"SPARQL constraint {constraint} of {shape} has no sh:select")
        # Sorted as Report.from_graph sorts them, so a report read back from Turtle equals the fresh one
        # whatever order rdflib yields the literals in (it varies with the hash seed).
        found = list(shapes.objects(constraint, SH.message)) or list(shapes.objects(shape, SH.message))
        messages = tuple(sorted(found, key=str))
        severity = shapes.value(shape, SH.severity) or SH.Violation
        checks.append(SparqlCheck(shape, constraint, str(query), severity, messages))  # type: ignore[arg-type]
    return sorted(checks, key=lambda c: (str(c.shape), str(c.constraint)))


def _deactivated(shapes: Graph, node: Node) -> bool:
    """True when a shape or constraint says `sh:deactivated true`."""
    return any(o.toPython() is True for o in shapes.objects(node, SH.deactivated) if isinstance(o, Literal))


def sparql_unsupported(shapes: Graph, check: SparqlCheck) -> str | None:
    """Why a SPARQL constraint cannot run on the fast path (joined with the focus nodes), or None.

    The fast path runs the query once with `$this` free and keeps the rows whose `this` is a focus node,
    which equals pre-binding `$this` (SHACL 5.3.1) only for queries written for it: the project's own,
    read from shapes/sparql/ (`tpsh:selectFile`), are (tests/test_core_sparql.py); any other goes to
    pySHACL, which pre-binds.
    """
    if (check.constraint, TPSH.selectFile, None) in shapes:
        return None
    return f"{check.constraint}: a SHACL-SPARQL constraint of a given shapes graph (pre-binding)"


def _run_sparql(dataset: Dataset, shapes: Graph, namespaces: Graph) -> list[Result]:
    """Run every SPARQL constraint on the data, ontology and levels graphs, on its shape's focus nodes."""
    return [
        r for check in sparql_checks(shapes) for r in _run_sparql_check(dataset, shapes, check, namespaces)
    ]


def _run_sparql_check(dataset: Dataset, shapes: Graph, check: SparqlCheck, namespaces: Graph) -> list[Result]:
    """Run one SPARQL constraint on its shape's focus nodes (those that are subjects of the data)."""
    try:
        rows = select(dataset.store, check.query, default_graph=SPARQL_GRAPHS)
    except SyntaxError as exc:
        raise ThaiplanError(f"the query of {check.constraint} is not valid SPARQL: {exc}") from exc
    if not rows:  # the usual case: no need to list the focus nodes (116k of them for one shape at 1M)
        return []
    query = core_query("targets.rq").replace("{{data}}", str(DATA))
    query = query.replace("{{targets}}", sparql_targets(shapes, check.shape))
    targets = select(dataset.store, query, default_graph=[DATA, ONTOLOGY])
    focus = {dataset.to_rdflib(row["this"], plain_strings=False, written=False) for row in targets}
    return _sparql_results(dataset, check, rows, focus, namespaces)


def _as_sparql_result(dataset: Dataset, term: object) -> Node:
    """A SPARQL answer term as rdflib (literals as the store gives them, as the SHACL-SPARQL engine did)."""
    return dataset.to_rdflib(term, plain_strings=False, written=False)


def focus_nodes(shapes: Graph, shape: Node, graph: Graph) -> set[Node]:
    """The focus nodes of a shape's targets in `graph` (SHACL 2.1.3, with rdfs:subClassOf closure)."""
    nodes: set[Node] = set(shapes.objects(shape, SH.targetNode))
    for cls in shapes.objects(shape, SH.targetClass):
        for sub in graph.transitive_subjects(RDFS.subClassOf, cls):
            nodes.update(graph.subjects(RDF.type, sub))
    for prop in shapes.objects(shape, SH.targetSubjectsOf):
        nodes.update(graph.subjects(prop, None))
    for prop in shapes.objects(shape, SH.targetObjectsOf):
        nodes.update(graph.objects(None, prop))
    return nodes


def _sparql_results(
    dataset: Dataset, check: SparqlCheck, rows: list[dict[str, object]], focus: set[Node], namespaces: Graph
) -> list[Result]:
    """The results of a SPARQL constraint's rows whose `this` is a focus node (each result once)."""
    values = [{name: _as_sparql_result(dataset, term) for name, term in row.items()} for row in rows]
    return sparql_results(check, values, focus, namespaces)


def sparql_results(
    check: SparqlCheck, rows: Iterable[dict[str, Node]], focus: set[Node], namespaces: Graph
) -> list[Result]:
    """The results of a SPARQL constraint's rows (rdflib terms) whose `this` is a focus node, each once."""
    seen: set[Result] = set()
    results = []
    for values in rows:
        this = values.get("this")
        if this is None or this not in focus:
            continue
        path = values.get("path")
        result = Result(
            focus=this,
            severity=check.severity,
            shape=check.shape,
            component=SH.SPARQLConstraintComponent,
            path=path if isinstance(path, URIRef) else None,
            value=values.get("value", this),
            messages=tuple(_substitute(m, values, namespaces) for m in check.messages),
            constraint=check.constraint,
        )
        if result not in seen:
            seen.add(result)
            results.append(result)
    return results


def _substitute(message: Literal, values: dict[str, Node], data: Graph) -> Literal:
    """Fill `{?var}` / `{$var}` in a message from a result row (SHACL 5.3.2), keeping its language."""

    def fill(match: re.Match[str]) -> str:
        term = values.get(match.group(1))
        if term is None:
            return match.group(0)
        if isinstance(term, URIRef):
            return term.n3(data.namespace_manager)
        return str(term)

    text = re.sub(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}", fill, str(message))
    return Literal(text, lang=message.language)
