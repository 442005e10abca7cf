"""Running compiled checks on the validation dataset: focus sets first, then one query per check."""

from __future__ import annotations

from concurrent.futures import Executor

import pyoxigraph as ox
from rdflib.term import Node

from thaiplan.shapes.compiled.base import CoreCheck
from thaiplan.shapes.compiled.functions import functions, less_than_or_equal
from thaiplan.shapes.dataset import CORE_GRAPHS, FOCUS, MEMBER, Dataset, fill, parallel, select, unmentioned
from thaiplan.shapes.report import Result


def run_core(dataset: Dataset, checks: list[CoreCheck]) -> list[Result]:
    """Run every check on the core graphs of the dataset; one Result per row, as pySHACL reports them."""
    focus_sets = focus_sets_of(dataset, checks)
    return [result for check in checks for result in run_check(dataset, check, focus_sets)]


def run_check(dataset: Dataset, check: CoreCheck, focus_sets: dict[str, ox.NamedNode]) -> list[Result]:
    """Run one check (its focus set already computed); safe to call from several threads at once."""
    query = check.query.replace("{{focusSet}}", str(focus_sets[check.targets]))
    rows = select(dataset.store, query, default_graph=CORE_GRAPHS, custom_functions=functions())
    if check.kind == "pairs":
        return _pair_results(dataset, check, rows)
    results = []
    for row in rows:
        focus = dataset.to_rdflib(row["this"])
        value: Node | None = None
        if check.kind == "value":
            value = dataset.to_rdflib(row["value"])
        elif check.kind == "node":
            value = focus
        results.append(_result(check, focus, value))
    return results


def focus_sets_of(
    dataset: Dataset,
    checks: list[CoreCheck],
    pool: Executor | None = None,
    allowed: frozenset[object] | None = None,
) -> dict[str, ox.NamedNode]:
    """Compute each distinct set of targets' focus nodes once, into the focus graph; name each set.

    The sets are read in parallel (`pool`) and written by this thread with one bulk insert each: at a
    million triples 37 sets hold 650k nodes, and an INSERT … WHERE per set, with the data-mention test in
    SPARQL for every node, took 7.7-12 s on its own (issue 19; bench/results/validate.md). With
    `allowed`, a set keeps only those nodes (a caller that reads the results on them alone).
    """
    targets = list(dict.fromkeys(check.targets for check in checks))
    names = {t: ox.NamedNode(f"{FOCUS.value}/{i}") for i, t in enumerate(targets)}
    outside = unmentioned(dataset)
    found = parallel(pool, lambda t: _focus_nodes(dataset, t, outside), targets)
    for t, nodes in zip(targets, found, strict=True):
        if allowed is not None:
            nodes = [node for node in nodes if node in allowed]
        dataset.store.bulk_extend(ox.Quad(names[t], MEMBER, node, FOCUS) for node in nodes)
    return names


def _focus_nodes(dataset: Dataset, targets: str, outside: frozenset[object]) -> list[object]:
    """The focus nodes of one set of targets: given target nodes, literals, and nodes the data mentions."""
    solutions = dataset.store.query(fill("focus-set.rq", targets=targets), default_graph=CORE_GRAPHS)
    try:  # read whole on this thread: pyoxigraph's iterator must be dropped where it was made
        return [
            row[0]
            for row in solutions  # type: ignore[union-attr]
            if row[1] is not None or isinstance(row[0], ox.Literal) or row[0] not in outside
        ]
    finally:
        del solutions


def _result(check: CoreCheck, focus: Node, value: Node | None) -> Result:
    """One result of a check."""
    return Result(
        focus=focus,
        severity=check.severity,
        shape=check.shape,
        component=check.component,
        path=check.path,
        value=value,
        messages=check.messages,
    )


def _pair_results(dataset: Dataset, check: CoreCheck, rows: list[dict[str, object]]) -> list[Result]:
    """sh:lessThanOrEquals: one result per (value, other value) pair that pySHACL finds out of order."""
    results = []
    for row in rows:
        value, other = dataset.to_rdflib(row["value"]), dataset.to_rdflib(row["other"])
        if not less_than_or_equal(value, other):
            results.append(_result(check, dataset.to_rdflib(row["this"]), value))
    return results
