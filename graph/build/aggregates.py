"""Aggregates the pages need, computed once per build into the trace-index graph (issue 18).

A GROUP BY over the whole graph is where pyoxigraph is furthest behind a column store (411 ms against
Virtuoso's 16 ms at 1M triples, issue 7), and the graph only changes when a build makes a new snapshot.
So the build runs the aggregates once (`graph/sparql/aggregate-*.rq`, after the closures, the trace
index and the default graph's copy of the data) and writes their results as `tpi:` quads; the pages and
named queries then read a count or a roll-up by a lookup:

- `agency tpi:itemCount n` — plan items the agency leads, shares or is responsible for;
- `class tpi:instanceCount n` — entities of a thaiplan class, its subclasses' included;
- `entity tpi:descendantCount n` — what supports the entity or is part of it, transitively;
- a roll-up node per plan part (or project) and fiscal year: `tpi:budgetOf part`, `tpi:fiscalYear year`,
  `tpi:budgetTotal` (the sum of the tp:amount of the tp:BudgetAllocations to the part and to everything
  under it, through the trace index) and `tpi:allocationCount`.

Nothing is invented: every figure is a count or a sum of what the sources' graphs hold.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pyoxigraph as ox

from thaiplan.queries import terms
from thaiplan.rq import read_rq

_GRAPH = ox.NamedNode(terms.TRACE_INDEX_GRAPH)
ITEM_COUNT = ox.NamedNode(terms.TPI + "itemCount")
INSTANCE_COUNT = ox.NamedNode(terms.TPI + "instanceCount")
DESCENDANT_COUNT = ox.NamedNode(terms.TPI + "descendantCount")
BUDGET_OF = ox.NamedNode(terms.TPI + "budgetOf")
FISCAL_YEAR = ox.NamedNode(terms.TPI + "fiscalYear")
BUDGET_TOTAL = ox.NamedNode(terms.TPI + "budgetTotal")
ALLOCATION_COUNT = ox.NamedNode(terms.TPI + "allocationCount")
# Each count query: its file and the predicate its `?n` is written with, on the subject it groups by.
COUNTS = (
    ("aggregate-agency-items", "agency", ITEM_COUNT),
    ("aggregate-class-counts", "class", INSTANCE_COUNT),
    ("aggregate-descendants", "entity", DESCENDANT_COUNT),
)


def roll_up_node(part: ox.NamedNode, year: ox.NamedNode | ox.Literal) -> ox.NamedNode:
    """The IRI of one roll-up (a part and a fiscal year): a digest, the same in every build of the data."""
    digest = hashlib.sha256(f"{part.value}\n{year}".encode()).hexdigest()[:24]
    return ox.NamedNode(f"{terms.TPI}budget-{digest}")


def aggregate_quads(store: ox.Store) -> Iterator[ox.Quad]:
    """The aggregates' quads, from `store` as loaded (data, closures and the trace index)."""
    # pyoxigraph answers a GROUP BY over no solution with one row of unbound values: skipped.
    for name, subject, predicate in COUNTS:
        for row in store.query(read_rq("graph", name)):
            if row[subject] is not None:
                yield ox.Quad(row[subject], predicate, row["n"], _GRAPH)
    for row in store.query(read_rq("graph", "aggregate-budget")):
        if row["part"] is None:
            continue
        node = roll_up_node(row["part"], row["year"])
        yield ox.Quad(node, BUDGET_OF, row["part"], _GRAPH)
        yield ox.Quad(node, FISCAL_YEAR, row["year"], _GRAPH)
        yield ox.Quad(node, BUDGET_TOTAL, row["total"], _GRAPH)
        yield ox.Quad(node, ALLOCATION_COUNT, row["n"], _GRAPH)


def materialize(store: ox.Store) -> int:
    """Write the aggregates into the trace-index graph of `store`; return how many quads."""
    quads = list(aggregate_quads(store))
    store.bulk_extend(quads)
    return len(quads)
