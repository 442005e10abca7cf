"""Build-time indexes for the named queries: search keys and shortest trace depths, one graph each.

The graph is read-mostly and rebuilt atomically, so search tokens (pythainlp segmentation) and trace
depths are computed once per build; `search`, `trace-up` and `trace-down` then stay index look-ups.
"""

from __future__ import annotations

import pyoxigraph as ox
from thaiplan.queries import search_index, trace_index


def materialize(store: ox.Store) -> dict[str, int]:
    """Add the search and trace indexes to the store; return how many quads each index got."""
    counts = {}
    for name, module in (("search-index", search_index), ("trace-index", trace_index)):
        # Materialize first: the generators read the store that bulk_extend writes to.
        quads = list(module.index_triples(store))
        store.bulk_extend(quads)
        counts[name] = len(quads)
    return counts
