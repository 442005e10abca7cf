"""IRIs of the derived index: the `tpi:` terms and the graphs the build writes them into.

The index is data computed from the curated graphs at build time (search keys and tokens, shortest
trace depths), kept apart from the `tp:` core vocabulary so that it can be dropped and rebuilt at will.
Pages that list an entity's properties should leave out these graphs (or the `tpi:` predicates).
"""

from __future__ import annotations

from thaiplan.ontology.namespace import INDEX_GRAPHS, PREFIXES, SEARCH_INDEX_GRAPH, TRACE_INDEX_GRAPH
from thaiplan.ontology.namespace import TP_NS as TP
from thaiplan.ontology.namespace import TPI_NS as TPI

__all__ = ["INDEX_GRAPHS", "SEARCH_INDEX_GRAPH", "TP", "TPI", "TRACE_INDEX_GRAPH"]
SKOS = PREFIXES["skos"]
RDFS = PREFIXES["rdfs"]
RDF = PREFIXES["rdf"]

# Search keys: whole normalized texts, lower-cased, looked up by equality (an index lookup, no scan).
CODE_KEY = TPI + "codeKey"
LABEL_KEY = TPI + "labelKey"
SQUASH_KEY = TPI + "squashKey"
# One literal per entity: its keys, one per line, then its words between tabs (scanned by search.rq).
SEARCH_TEXT = TPI + "searchText"
# The words a definition adds to an entity's label words (tier "words" of search.rq).
WORDS = TPI + "words"

# Trace: `x tpi:reachesN y` when y is N steps up from x (tp:supports / tp:partOf) and no fewer.
DEPTH = TPI + "depth"

# Classes: `a tpi:subClassOf b` when b is above a in the rdfs:subClassOf hierarchy (a != b), so that a query
# finds an item's most specific type by a lookup instead of the path rdfs:subClassOf+, which Virtuoso 7.2
# evaluates wrongly with both ends bound (issue 7).
SUBCLASS_OF = TPI + "subClassOf"
# `x tpi:mostSpecificType c`: of x's tp: classes, the one none of x's other types is a subclass of (of two
# such, the last by IRI), as trace-up, trace-down and search show an entity's type (issue 18). Precomputed
# at build (graph/build/type_index.py): the same choice in the queries took two nested NOT EXISTS per row,
# a third of trace-down's time on a master plan at 1M triples.
MOST_SPECIFIC_TYPE = TPI + "mostSpecificType"

# The format of the derived indexes: `<trace-index graph> tpi:indexVersion N` in the trace-index graph. The
# named queries read the indexes of this format; a store built by an older thaiplan answers some of them
# incompletely until it is rebuilt, so `thaiplan serve` says so. 2: with the class closure (issue 7);
# 3: with the aggregates (graph/build/aggregates.py: counts and budget roll-ups, issue 18); 4: with each
# entity's most specific type (graph/build/type_index.py, issue 18).
INDEX_VERSION = TPI + "indexVersion"
INDEX_FORMAT = 4


def reaches(depth: int) -> str:
    """The predicate that links an entity to what it reaches in exactly `depth` steps at the shortest."""
    return f"{TPI}reaches{depth}"
