"""Indicators of the synthetic graph: each with a target and an observation for every year, the status of
each observation agreeing with its target (values.py)."""

from __future__ import annotations

from collections.abc import Iterator

from thaiplan.graph.synth import words as W
from thaiplan.graph.synth.base import Block, GeneratorBase
from thaiplan.graph.synth.terms import V, lit, lit_en, lit_th
from thaiplan.graph.synth.values import KINDS, literal, observe, pick_kind, status, targets


class IndicatorBlocks(GeneratorBase):
    """The indicator blocks of a Generator."""

    def indicator(
        self, key: str, code: str, owner: str, plan: str, passage: str, agency: str
    ) -> Iterator[Block]:
        """An indicator of an owner, with a target and an observation (status agreeing) for every year."""
        kind_index = pick_kind(self.rng)
        kind = KINDS[kind_index]
        th, en = self.indicator_name(kind_index)
        node = self.node("indicator", key)
        series = targets(kind, len(self.years_be), self.rng)
        target_nodes = [self.node("target", f"{key}-{y}") for y in self.years_be]
        observation_nodes = [self.node("observation", f"{key}-{y}") for y in self.years_be]
        pos = [
            (V.type, V.Indicator),
            (V.pref, lit_th(th)),
            (V.pref, lit_en(en)),
            (V.notation, lit(code)),
            (V.in_scheme, plan),
            (V.part_of, owner),
            (V.unit, kind.unit),
            (V.derived, passage),
        ]
        pos.extend((V.has_target, t) for t in target_nodes)
        pos.extend((V.has_observation, o) for o in observation_nodes)
        yield node, pos
        self.rated = []
        for (year_be, year), target_value, target_node, observation_node in zip(
            self.year_terms, series, target_nodes, observation_nodes, strict=True
        ):
            yield (
                target_node,
                [
                    (V.type, V.Target),
                    # Every entity a page shows is named in both languages (issue 15).
                    (V.pref, lit_th(f"ค่าเป้าหมายปี {year_be_text(year_be)}: {th}")),
                    (V.pref, lit_en(f"Target for {year_be_text(year_be)}: {en}")),
                    (V.indicator, node),
                    (V.year_be, year_be),
                    (V.year, year),
                    (V.comparator, kind.comparator),
                    (V.value, literal(kind, target_value)),
                    (V.unit, kind.unit),
                    (V.derived, passage),
                ],
            )
            observed = observe(kind, target_value, self.rng)
            rated = status(kind.comparator, observed, target_value)
            self.rated.append((target_node, observation_node, rated))
            yield (
                observation_node,
                [
                    (V.type, V.Observation),
                    (V.pref, lit_th(f"ผลการดำเนินงานปี {year_be_text(year_be)}: {th}")),
                    (V.pref, lit_en(f"Result for {year_be_text(year_be)}: {en}")),
                    (V.indicator, node),
                    (V.year_be, year_be),
                    (V.year, year),
                    (V.value, literal(kind, observed)),
                    (V.unit, kind.unit),
                    (V.status, rated),
                    (V.observation_source, agency),
                    (V.derived, passage),
                ],
            )

    def indicator_name(self, kind_index: int) -> tuple[str, str]:
        """A Thai and an English indicator name fitting the kind's unit."""
        if kind_index == 0:
            (s_th, s_en), (o_th, o_en) = self.pick(W.SUBJECTS), self.pick(W.OUTCOMES)
            return f"ร้อยละของ{s_th}ที่{o_th}", f"Percentage of {s_en} that {o_en}"
        if kind_index == 1:
            (s_th, s_en), (v_th, v_en) = self.pick(W.SUBJECTS), self.pick(W.SERVICES)
            return f"คะแนนความพึงพอใจของ{s_th}ต่อ{v_th}", f"Satisfaction score of {s_en} with {v_en}"
        if kind_index == 2:
            i_th, i_en = self.pick(W.INDICES)
            return f"อันดับของประเทศไทยใน{i_th}", f"Thailand's rank in {i_en}"
        if kind_index == 4:
            v_th, v_en = self.pick(W.SERVICES)
            return f"ต้นทุนต่อหน่วยของ{v_th}", f"Unit cost of {v_en}"
        c_th, c_en = self.pick(W.COUNTED)
        if kind_index == 5:
            return f"จำนวน{c_th}ตามแผน", f"Number of {c_en} as planned"
        return f"จำนวน{c_th}", f"Number of {c_en}"


def year_be_text(term: str) -> str:
    """The B.E. year of a pre-rendered integer literal (`"2564"^^<…#integer>`), as text."""
    return term.split('"')[1] if term.startswith('"') else term
