"""What every part of the synthetic generator shares: its state and the small helpers that draw from its one
seeded random sequence (the parts are mixins of `model.Generator`, split by kind of entity)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

from thaiplan.graph.synth.sizes import Shape, Sizes
from thaiplan.graph.synth.terms import V, g_year, integer, lit_th

Block = tuple[str, list[tuple[str, str]]]
T = TypeVar("T")


class GeneratorBase:
    """The generator's state (set by `model.Generator.__init__`) and its helpers."""

    sizes: Sizes
    shape: Shape
    base: str
    rng: random.Random
    years_be: list[int]
    year_terms: list[tuple[str, str]]
    # (target, observation, status) per year of the indicator written last: a project assesses its own.
    rated: list[tuple[str, str, str]]

    def node(self, kind: str, key: str) -> str:
        """The IRI of an instance of a kind, in N-Triples syntax."""
        return f"<{self.base}{kind}/{key}>"

    def below(self, n: int) -> int:
        """A random integer in [0, n)."""
        return int(self.rng.random() * n)

    def pick(self, items: Sequence[T]) -> T:
        """A random item of a sequence."""
        return items[int(self.rng.random() * len(items))]

    def shuffled(self, items: Sequence[T]) -> list[T]:
        """A seeded permutation of a sequence."""
        out = list(items)
        self.rng.shuffle(out)
        return out

    def passage(self, key: str, quote: str, source: str) -> tuple[str, Block]:
        """A passage node and its block: the quote (@th) and the synthetic source it is quoted from."""
        node = self.node("passage", key)
        return node, (node, [(V.type, V.Passage), (V.quote, lit_th(quote)), (V.quoted_from, source)])

    def period(self) -> list[tuple[str, str]]:
        """The start and end years (B.E. and CE) of the generated years."""
        first, last = self.years_be[0], self.years_be[-1]
        return [
            (V.start_year_be, integer(first)),
            (V.start_year, g_year(first - 543)),
            (V.end_year_be, integer(last)),
            (V.end_year, g_year(last - 543)),
        ]
