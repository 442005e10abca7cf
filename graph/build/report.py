"""What a build loaded, and its rendering as plain-text tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from thaiplan.graph.store.local import run_query
from thaiplan.graph.table import render_table
from thaiplan.ontology.namespace import TP_NS as TP
from thaiplan.rq import read_rq


@dataclass
class BuildReport:
    """The outcome of one successful build."""

    snapshot_id: str
    snapshot_dir: Path
    files: list[Path]
    triples_per_graph: dict[str, int] = field(default_factory=dict)
    entities_per_class: dict[str, int] = field(default_factory=dict)
    inferred: dict[str, int] = field(default_factory=dict)
    indexed: dict[str, int] = field(default_factory=dict)
    quotes_checked: int = 0
    quotes_unchecked: int = 0  # quotes of the synthetic graph, whose documents have no text (issue 7)
    seconds: float = 0.0

    @property
    def total_triples(self) -> int:
        """Triples in all named graphs together."""
        return sum(self.triples_per_graph.values())

    def render(self) -> str:
        """The report as the tables `thaiplan build` prints."""
        graphs = [[g, str(n)] for g, n in self.triples_per_graph.items()]
        graphs.append(["total", str(self.total_triples)])
        classes = [["tp:" + c.removeprefix(TP), str(n)] for c, n in self.entities_per_class.items()]
        parts = [
            render_table(["named graph", "triples"], graphs, align="lr"),
            "",
            render_table(["class", "entities"], classes or [["(none)", "0"]], align="lr"),
            "",
            f"{self.quotes_checked} quotes checked against the normalized sources; "
            + (
                f"{self.quotes_unchecked} quotes of the synthetic graph not checked (its source documents "
                "have no text); "
                if self.quotes_unchecked
                else ""
            )
            + ", ".join(f"{n} tp:{p.removeprefix(TP)}" for p, n in self.inferred.items())
            + " materialized; "
            + ", ".join(f"{n} {name} quads" for name, n in self.indexed.items())
            + " indexed.",
            f"snapshot {self.snapshot_id} in {self.snapshot_dir} ({len(self.files)} files, "
            f"{self.seconds:.2f} s)",
        ]
        return "\n".join(parts)


def count_graphs(store: ox.Store) -> dict[str, int]:
    """Triples per named graph."""
    return {r["g"].value: int(r["triples"].value) for r in run_query(store, read_rq("graph", "graph-sizes"))}


def count_classes(store: ox.Store) -> dict[str, int]:
    """Entities per tp: class, in the data graphs."""
    found = run_query(store, read_rq("graph", "class-counts"))
    return {r["class"].value: int(r["entities"].value) for r in found}
