"""Indicator series of the synthetic graph: yearly targets, observed values, and the status they imply.

Values are kept as integers (hundredths for decimal units) so that the status is computed on exactly the
number that is written: an observation is `achieved` exactly when its value meets the same-year target
under the target's comparator (what tpsh:StatusAgreesShape checks), and otherwise near the target (gap
of at most 5 %), at risk (at most 15 %) or critical.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from thaiplan.graph.synth.terms import V, hundredths, integer


@dataclass(frozen=True)
class Kind:
    """One family of indicators: unit, comparator, whether values are decimals, first target, yearly step."""

    unit: str
    comparator: str
    decimal: bool
    low: int  # first-year target range, in hundredths when decimal
    high: int
    step_low: float  # relative change of the target per year (negative: the target falls)
    step_high: float
    cap: int | None  # the target never passes this (100 % for percentages, 5 points for scores)
    weight: int


KINDS: tuple[Kind, ...] = (
    Kind(V.percent, V.atLeast, True, 6000, 9000, 0.005, 0.02, 10000, 40),
    Kind(V.score, V.atLeast, True, 300, 420, 0.01, 0.03, 500, 15),
    Kind(V.rank, V.topRank, False, 20, 60, -0.08, -0.02, None, 5),
    Kind(V.count, V.atLeast, False, 10, 500, 0.05, 0.15, None, 25),
    Kind(V.baht, V.atMost, True, 20000, 500000, -0.05, -0.01, None, 10),
    Kind(V.count, V.exactly, False, 1, 20, 0.0, 0.0, None, 5),
)
_CUMULATIVE = tuple(sum(k.weight for k in KINDS[: i + 1]) for i in range(len(KINDS)))
_TOTAL = _CUMULATIVE[-1]

ACHIEVED_SHARE = 0.55  # share of observations that meet their target


def pick_kind(rng: random.Random) -> int:
    """The index of an indicator kind, drawn by weight."""
    draw = rng.random() * _TOTAL
    for index, bound in enumerate(_CUMULATIVE):
        if draw < bound:
            return index
    return len(KINDS) - 1


def targets(kind: Kind, years: int, rng: random.Random) -> list[int]:
    """Yearly target values (hundredths when decimal), moving by the kind's step and never below 1."""
    value = kind.low + int(rng.random() * (kind.high - kind.low + 1))
    out = []
    for _ in range(years):
        out.append(value)
        step = kind.step_low + rng.random() * (kind.step_high - kind.step_low)
        moved = round(value * (1 + step))
        if moved == value and step != 0:
            moved += 1 if step > 0 else -1
        value = max(1, moved if kind.cap is None else min(kind.cap, moved))
    return out


def observe(kind: Kind, target: int, rng: random.Random) -> int:
    """An observed value for a target: meeting it with probability ACHIEVED_SHARE, else falling short."""
    comparator = kind.comparator
    if rng.random() < ACHIEVED_SHARE:
        margin = int(target * 0.1 * rng.random())
        if comparator == V.atLeast:
            high = kind.cap if kind.cap is not None else target + margin
            return min(max(high, target), target + margin)
        if comparator == V.exactly:
            return target
        return max(1 if comparator == V.topRank else 0, target - margin)
    gap = max(1, math.ceil(target * (0.005 + 0.345 * rng.random())))
    if comparator == V.atLeast:
        return max(0, target - gap)
    if comparator == V.exactly:
        return target + gap if rng.random() < 0.5 or target - gap < 0 else target - gap
    return target + gap


def met(comparator: str, observed: int, target: int) -> bool:
    """Whether an observed value meets a target under a comparator (as status-agrees.rq reads it)."""
    if comparator == V.atLeast:
        return observed >= target
    if comparator in (V.atMost, V.topRank):
        return observed <= target
    return observed == target


def status(comparator: str, observed: int, target: int) -> str:
    """The status an observation gets: achieved when met, else by the size of the gap to the target."""
    if met(comparator, observed, target):
        return V.achieved
    gap = abs(observed - target)
    if gap * 20 <= target:
        return V.near
    if gap * 100 <= target * 15:
        return V.at_risk
    return V.critical


def literal(kind: Kind, value: int) -> str:
    """A value as an N-Triples literal: xsd:decimal from hundredths, or xsd:integer."""
    return hundredths(value) if kind.decimal else integer(value)
