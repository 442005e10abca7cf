"""The synthetic national-scale graph: agencies, plans, goals, indicators, targets, observations, projects.

`generate` yields one block per entity, `(subject, [(predicate, object), …])`, with every term already in
N-Triples syntax, so that a writer streams millions of triples in constant memory. The plan hierarchy
follows Thailand's "XYZ" alignment (field notes): projects (X) in agency action plans support tactics and
goals of master plans (Y), which support the six strategies of the National Strategy (Z).

    National Strategy (tp:NationalStrategy, level 1) ── 6 strategies (tp:Strategy), each measured
    master plans (tp:MasterPlan, level 2) ── tp:supports a strategy; one goal (tp:Goal) each, measured
        sub-plans (tp:Strategy, tp:partOf the master plan) ── tp:supports its goal, measured
            tactics (tp:Tactic, tp:partOf the sub-plan)
    agency action plans (tp:Plan, one per department) ── tp:supports a master plan
        projects (tp:Project) ── tp:supports a tactic and its master plan's goal; lead: the department,
                                  co-responsible: a local administration; measured

Every entity is prov:wasDerivedFrom a tp:Passage quoted from a synthetic tp:SourceDocument under the
synthetic base: those documents do not exist, so their quotes cannot be (and must not be) checked.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from thaiplan.graph.synth import words as W
from thaiplan.graph.synth.agencies import Agency, AgencyBlocks
from thaiplan.graph.synth.base import Block
from thaiplan.graph.synth.indicators import IndicatorBlocks
from thaiplan.graph.synth.monitoring import MonitoringBlocks
from thaiplan.graph.synth.sizes import FIRST_YEAR_BE, Shape, Sizes, shape_of
from thaiplan.graph.synth.terms import (
    SYNTH_BASE,
    V,
    g_year,
    integer,
    lit,
    lit_en,
    lit_th,
)

PROJECT_SHARE_IN_OWN_MASTER_PLAN = 0.7  # projects mostly serve their department's own master plan


class Generator(AgencyBlocks, IndicatorBlocks, MonitoringBlocks):
    """Generates the blocks of one synthetic graph; all randomness comes from one seeded generator."""

    def __init__(self, sizes: Sizes, base: str = SYNTH_BASE) -> None:
        """Prepare the generator for the sizes, under the given base IRI for instances."""
        self.sizes = sizes
        self.shape: Shape = shape_of(sizes)
        self.base = base
        self.rng = random.Random(sizes.seed)
        self.years_be = [FIRST_YEAR_BE + i for i in range(sizes.years)]
        self.year_terms = [(integer(y), g_year(y - 543)) for y in self.years_be]
        self.ministries: list[Agency] = []
        self.departments: list[Agency] = []
        self.department_ministry: list[int] = []
        self.locals: list[Agency] = []
        self.ministry_fields: list[tuple[str, str]] = []
        self.ns_strategies: list[str] = []
        self.master_ids: list[str] = []  # issue keys, e.g. "mp-20"
        self.master_plans_nodes: list[str] = []
        self.master_goals: list[str] = []
        self.tactics: list[tuple[str, int]] = []  # (tactic node, master-plan index)
        self.tactics_by_master: list[list[str]] = []
        self.department_master: list[int] = []  # each department's own master plan
        # (target, observation, status) per year of the indicator written last: a project assesses its own.
        self.rated: list[tuple[str, str, str]] = []

    # --- the whole graph --------------------------------------------------------------------------

    def blocks(self) -> Iterator[Block]:
        """Every block of the graph, in a fixed order: agencies, plans, then projects."""
        yield from self.agencies()
        yield from self.national_strategy()
        yield from self.master_plans()
        yield from self.agency_plans()
        yield from self.fiscal_years()
        for index in range(self.shape.projects):
            yield from self.project(index)

    # --- plans ------------------------------------------------------------------------------------

    def national_strategy(self) -> Iterator[Block]:
        """The National Strategy (synthetic copy) and its six strategies, each measured by an indicator."""
        plan = self.node("plan", "national-strategy")
        source = self.node("source", "national-strategy")
        lead = self.ministries[0].node
        yield self.source_block(
            source, "ยุทธศาสตร์ชาติ (ข้อมูลสังเคราะห์)", "National Strategy (synthetic)", lead, "national-strategy"
        )
        passage, block = self.passage("national-strategy", "ยุทธศาสตร์ชาติ (พ.ศ. 2561-2580)", source)
        yield (
            plan,
            [
                (V.type, V.NationalStrategy),
                (V.pref, lit_th("ยุทธศาสตร์ชาติ (พ.ศ. 2561-2580) (ข้อมูลสังเคราะห์)")),
                (V.pref, lit_en("National Strategy (2018-2037) (synthetic)")),
                (V.notation, lit("NS")),
                (V.start_year_be, integer(2561)),
                (V.start_year, g_year(2018)),
                (V.end_year_be, integer(2580)),
                (V.end_year, g_year(2037)),
                (V.prepared_by, lead),
                (V.derived, passage),
            ],
        )
        yield block
        for i, (th, en) in enumerate(W.NS_STRATEGIES, start=1):
            node = self.node("strategy", f"ns-{i}")
            self.ns_strategies.append(node)
            lead_i = self.ministries[(i - 1) % len(self.ministries)].node
            passage, block = self.passage(f"national-strategy-{i}", f"({i}) {th}", source)
            indicator = self.node("indicator", f"ns-{i}-1")
            yield (
                node,
                [
                    (V.type, V.Strategy),
                    (V.pref, lit_th(th)),
                    (V.pref, lit_en(en)),
                    (V.notation, lit(str(i))),
                    (V.part_of, plan),
                    (V.in_scheme, plan),
                    (V.lead, lead_i),
                    (V.has_indicator, indicator),
                    (V.derived, passage),
                ],
            )
            yield block
            yield from self.indicator(f"ns-{i}-1", f"NS{i}-1", node, plan, passage, lead_i)

    def master_plans(self) -> Iterator[Block]:
        """Master plans with their goal, sub-plans and tactics, all measured where the shapes expect it."""
        for m in range(self.shape.master_plans):
            issue, topic_th, topic_en, strategy = W.MASTER_PLAN_ISSUES[m]
            key = f"mp-{issue:02d}"
            self.master_ids.append(key)
            plan, goal = self.node("plan", key), self.node("goal", key)
            self.master_plans_nodes.append(plan)
            self.master_goals.append(goal)
            lead = self.ministries[m % len(self.ministries)].node
            source = self.node("source", key)
            th = f"แผนแม่บทภายใต้ยุทธศาสตร์ชาติ ประเด็นที่ {issue} {topic_th} (ข้อมูลสังเคราะห์)"
            en = f"Master Plan {issue} under the National Strategy: {topic_en} (synthetic)"
            yield self.source_block(source, th, en, lead, key)
            passage, block = self.passage(key, f"แผนแม่บทภายใต้ยุทธศาสตร์ชาติ ประเด็นที่ {issue} {topic_th}", source)
            target_strategy = self.ns_strategies[strategy - 1]
            yield (
                plan,
                [
                    (V.type, V.MasterPlan),
                    (V.pref, lit_th(th)),
                    (V.pref, lit_en(en)),
                    (V.notation, lit(f"MP{issue:02d}")),
                    *self.period(),
                    (V.supports, target_strategy),
                    (V.lead, lead),
                    (V.prepared_by, lead),
                    (V.derived, passage),
                ],
            )
            yield block
            goal_passage, block = self.passage(f"{key}-goal", f"เป้าหมายระดับประเด็น{topic_th}", source)
            yield (
                goal,
                [
                    (V.type, V.Goal),
                    (V.pref, lit_th(f"เป้าหมายระดับประเด็น{topic_th}")),
                    (V.pref, lit_en(f"Issue-level goal: {topic_en}")),
                    (V.notation, lit(f"MP{issue:02d}-G")),
                    (V.part_of, plan),
                    (V.in_scheme, plan),
                    (V.supports, target_strategy),
                    (V.has_indicator, self.node("indicator", f"{key}-g-1")),
                    (V.derived, goal_passage),
                ],
            )
            yield block
            yield from self.indicator(f"{key}-g-1", f"MP{issue:02d}-G-1", goal, plan, goal_passage, lead)
            for s in range(1, self.shape.subplans_per_master + 1):
                yield from self.subplan(m, key, issue, s, plan, goal, source)

    def subplan(
        self, m: int, key: str, issue: int, s: int, plan: str, goal: str, source: str
    ) -> Iterator[Block]:
        """A sub-plan of a master plan (a tp:Strategy), measured, with its tactics."""
        node = self.node("strategy", f"{key}-{s}")
        (a_th, a_en), (o_th, o_en) = self.pick(W.PROJECT_ACTIONS), self.pick(W.PROJECT_OBJECTS)
        th = f"แผนย่อยที่ {s} ของแผนแม่บทประเด็นที่ {issue}: {a_th}{o_th}"
        en = f"Sub-plan {s} of Master Plan {issue}: {a_en} {o_en}"
        lead = self.departments[self.below(len(self.departments))].node
        passage, block = self.passage(f"{key}-{s}", th, source)
        yield (
            node,
            [
                (V.type, V.Strategy),
                (V.pref, lit_th(th)),
                (V.pref, lit_en(en)),
                (V.notation, lit(f"MP{issue:02d}.{s}")),
                (V.part_of, plan),
                (V.in_scheme, plan),
                (V.supports, goal),
                (V.lead, lead),
                (V.has_indicator, self.node("indicator", f"{key}-{s}-1")),
                (V.derived, passage),
            ],
        )
        yield block
        yield from self.indicator(f"{key}-{s}-1", f"MP{issue:02d}.{s}-1", node, plan, passage, lead)
        for t in range(1, self.shape.tactics_per_subplan + 1):
            tactic = self.node("tactic", f"{key}-{s}.{t}")
            self.tactics.append((tactic, m))
            (a_th, a_en), (o_th, o_en) = self.pick(W.PROJECT_ACTIONS), self.pick(W.PROJECT_OBJECTS)
            th = f"แนวทางการพัฒนาที่ {s}.{t}: {a_th}{o_th}"
            passage, block = self.passage(f"{key}-{s}.{t}", th, source)
            yield (
                tactic,
                [
                    (V.type, V.Tactic),
                    (V.pref, lit_th(th)),
                    (V.pref, lit_en(f"Development guideline {s}.{t}: {a_en} {o_en}")),
                    (V.notation, lit(f"MP{issue:02d}.{s}.{t}")),
                    (V.part_of, node),
                    (V.in_scheme, plan),
                    (V.derived, passage),
                ],
            )
            yield block

    def agency_plans(self) -> Iterator[Block]:
        """One action plan per department (a tp:Plan, level 3), supporting the department's master plan."""
        self.tactics_by_master = [[] for _ in range(self.shape.master_plans)]
        for tactic, m in self.tactics:
            self.tactics_by_master[m].append(tactic)
        first, last = self.years_be[0], self.years_be[-1]
        for department in self.departments:
            key = "ap-" + department.node.rsplit("/", 1)[1][:-1]
            m = self.below(self.shape.master_plans)
            self.department_master.append(m)
            th = f"แผนปฏิบัติราชการของ{department.th} พ.ศ. {first}-{last} (ข้อมูลสังเคราะห์)"
            en = f"Action plan of the {department.en}, {first - 543}-{last - 543} (synthetic)"
            source = self.node("source", key)
            yield self.source_block(source, th, en, department.node, key)
            passage, block = self.passage(key, f"แผนปฏิบัติราชการของ{department.th}", source)
            yield (
                self.node("plan", key),
                [
                    (V.type, V.Plan),
                    (V.pref, lit_th(th)),
                    (V.pref, lit_en(en)),
                    *self.period(),
                    (V.prepared_by, department.node),
                    (V.supports, self.master_plans_nodes[m]),
                    (V.derived, passage),
                ],
            )
            yield block

    # --- projects ---------------------------------------------------------------------------------

    def project(self, index: int) -> Iterator[Block]:
        """A project of a department's action plan, supporting a tactic and its master plan's goal."""
        width = max(6, len(str(self.shape.projects)))
        key = f"p{index + 1:0{width}d}"
        j = self.below(len(self.departments))
        department = self.departments[j]
        plan = self.node("plan", "ap-" + department.node.rsplit("/", 1)[1][:-1])
        m = self.department_master[j]
        if self.rng.random() >= PROJECT_SHARE_IN_OWN_MASTER_PLAN:
            m = self.below(self.shape.master_plans)
        tactic = self.pick(self.tactics_by_master[m])
        if self.locals:
            partner = self.locals[index % len(self.locals)]
        else:
            partner = self.ministries[self.department_ministry[j]]
        (a_th, a_en), (o_th, o_en) = self.pick(W.PROJECT_ACTIONS), self.pick(W.PROJECT_OBJECTS)
        f_th, f_en = self.pick(W.FIELDS)
        th = f"โครงการ{a_th}{o_th}ด้าน{f_th}"
        en = f"Project to {a_en} {o_en} for {f_en.lower()}"
        if partner.place_th:
            th, en = f"{th} ในพื้นที่{partner.place_th}", f"{en} in {partner.place_en}"
        code = key.upper()
        source = self.node("source", "ap-" + department.node.rsplit("/", 1)[1][:-1])
        passage, block = self.passage(f"project-{key}", f"{th} ({code})", source)
        node = self.node("project", key)
        yield (
            node,
            [
                (V.type, V.Project),
                (V.pref, lit_th(th)),
                (V.pref, lit_en(en)),
                (V.notation, lit(code)),
                (V.part_of, plan),
                (V.in_scheme, plan),
                (V.supports, tactic),
                (V.supports, self.master_goals[m]),
                (V.alignment, self.node("alignment", f"{key}-1")),
                (V.alignment, self.node("alignment", f"{key}-2")),
                (V.lead, department.node),
                (V.co_responsible, partner.node),
                (V.has_indicator, self.node("indicator", f"{key}-1")),
                *self.period(),
                (V.derived, passage),
            ],
        )
        yield block
        yield from self.indicator(f"{key}-1", f"{code}-1", node, plan, passage, department.node)
        yield from self.monitoring(index, key, node, passage, tactic, self.master_goals[m])
        yield from self.assessments(key, passage, source)


def generate(sizes: Sizes, base: str = SYNTH_BASE) -> Iterator[Block]:
    """Every block of the synthetic graph for the sizes, deterministic for the seed."""
    return Generator(sizes, base).blocks()
