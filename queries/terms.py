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

# The format of the derived indexes: `<trace-index graph> tpi:indexVersion N` in the trace-index graph. The
# named queries read the indexes of this format; a store built by an older thaiplan answers some of them
# incompletely until it is rebuilt, so `thaiplan serve` says so. 2: with the class closure (issue 7).
INDEX_VERSION = TPI + "indexVersion"
INDEX_FORMAT = 2


def reaches(depth: int) -> str:
    """The predicate that links an entity to what it reaches in exactly `depth` steps at the shortest."""
    return f"{TPI}reaches{depth}"
