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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from thaiplan.graph.synth import words as W
from thaiplan.graph.synth.sizes import FIRST_YEAR_BE, Shape, Sizes, shape_of
from thaiplan.graph.synth.terms import (
    SYNTH_BASE,
    V,
    g_year,
    hundredths,
    integer,
    lit,
    lit_en,
    lit_th,
    xsd_date,
)
from thaiplan.graph.synth.values import KINDS, literal, observe, pick_kind, status, targets

Block = tuple[str, list[tuple[str, str]]]
T = TypeVar("T")

PROJECT_SHARE_IN_OWN_MASTER_PLAN = 0.7  # projects mostly serve their department's own master plan


@dataclass(frozen=True)
class Agency:
    """A generated agency: its IRI (N-Triples) and names."""

    node: str
    th: str
    en: str
    abbr: str
    place_th: str = ""
    place_en: str = ""


class Generator:
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

    # --- helpers ----------------------------------------------------------------------------------

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

    # --- agencies ---------------------------------------------------------------------------------

    def agencies(self) -> Iterator[Block]:
        """Ministries, departments under them and local administrations under departments."""
        source = self.node("source", "agencies")
        self.make_ministries()
        self.make_departments()
        self.make_locals()
        yield self.source_block(
            source,
            "ทำเนียบหน่วยงานภาครัฐ (ข้อมูลสังเคราะห์)",
            "Directory of government agencies (synthetic)",
            self.ministries[0].node,
            "agencies",
        )
        for agency in self.ministries:
            yield from self.agency_blocks(agency, [(V.type, V.Ministry), (V.type, V.Agency)], source)
        for agency, ministry in zip(self.departments, self.department_ministry, strict=True):
            parent = self.ministries[ministry].node
            yield from self.agency_blocks(agency, [(V.type, V.Agency), (V.sub_org, parent)], source)
        for agency in self.locals:
            parent = self.departments[self.below(len(self.departments))].node
            yield from self.agency_blocks(agency, [(V.type, V.Agency), (V.sub_org, parent)], source)

    def agency_blocks(self, agency: Agency, head: list[tuple[str, str]], source: str) -> Iterator[Block]:
        """One agency (types, names, parent) and the passage of the directory that names it."""
        key = agency.node.rsplit("/", 1)[1][:-1]
        passage, passage_block = self.passage(f"agency-{key}", f"{agency.th} ({agency.abbr})", source)
        yield (
            agency.node,
            [
                *head,
                (V.pref, lit_th(agency.th)),
                (V.pref, lit_en(agency.en)),
                (V.alt, lit_th(agency.abbr)),
                (V.derived, passage),
            ],
        )
        yield passage_block

    def make_ministries(self) -> None:
        """Ministries: "กระทรวง" + a field, abbreviated "ก" + the field's initial + "." + number."""
        fields = self.shuffled(W.FIELDS)
        self.ministry_fields = fields
        for i in range(self.shape.ministries):
            th, en = fields[i]
            key = f"m{i + 1:02d}"
            abbr = f"ก{W.initials(th)}.{i + 1}"
            self.ministries.append(
                Agency(self.node("agency", key), f"กระทรวง{th}", f"Ministry of {en}", abbr)
            )

    def make_departments(self) -> None:
        """Departments: "กรม" + an action + a field, under the ministry of that field when there is one."""
        combos = self.shuffled(
            [(a, f) for f in range(len(W.FIELDS)) for a in range(len(W.DEPARTMENT_ACTIONS))]
        )
        field_of_ministry = {W.FIELDS.index(self.ministry_fields[i]): i for i in range(self.shape.ministries)}
        width = max(4, len(str(self.shape.departments)))
        for j in range(self.shape.departments):
            action, field = combos[j % len(combos)]
            round_ = j // len(combos)
            (a_th, a_en), (f_th, f_en) = W.DEPARTMENT_ACTIONS[action], W.FIELDS[field]
            th, en = f"กรม{a_th}{f_th}", f"Department of {f_en} {a_en}"
            if round_:
                th, en = f"{th} เขต {round_ + 1}", f"{en}, Region {round_ + 1}"
            abbr = f"ก{W.initials(a_th)}{W.initials(f_th)}.{j + 1}"
            self.departments.append(Agency(self.node("agency", f"d{j + 1:0{width}d}"), th, en, abbr))
            self.department_ministry.append(field_of_ministry.get(field, field % self.shape.ministries))

    def make_locals(self) -> None:
        """Local administrations: a kind (weighted like the real shares) + a unique place name."""
        first, middle, last = (self.shuffled(t) for t in (W.PLACE_FIRST, W.PLACE_MIDDLE, W.PLACE_LAST))
        weights = [kind[3] for kind in W.LOCAL_KINDS]
        total = sum(weights)
        width = max(6, len(str(self.shape.locals)))
        n1, n2, n3 = len(first), len(middle), len(last)
        for k in range(self.shape.locals):
            a, b, c, round_ = k % n1, (k // n1) % n2, (k // (n1 * n2)) % n3, k // (n1 * n2 * n3)
            place_th = first[a][0] + middle[b][0] + last[c][0]
            place_en = " ".join(part for part in (first[a][1], middle[b][1], last[c][1]) if part)
            if round_:
                place_th, place_en = f"{place_th} {round_ + 1}", f"{place_en} {round_ + 1}"
            draw, index = self.rng.random() * total, 0
            while draw >= weights[index]:
                draw -= weights[index]
                index += 1
            kind_th, kind_en, kind_abbr, _ = W.LOCAL_KINDS[index]
            node = self.node("agency", f"l{k + 1:0{width}d}")
            self.locals.append(
                Agency(
                    node,
                    kind_th + place_th,
                    f"{place_en} {kind_en}",
                    kind_abbr + place_th,
                    place_th,
                    place_en,
                )
            )

    def source_block(self, node: str, th: str, en: str, publisher: str, key: str) -> Block:
        """A synthetic source document: names, title, publisher, and a comment saying it does not exist."""
        return (
            node,
            [
                (V.type, V.SourceDocument),
                (V.pref, lit_th(th)),
                (V.pref, lit_en(en)),
                (V.title, lit_th(th)),
                (V.publisher, publisher),
                (
                    V.comment,
                    lit_en(
                        "Synthetic document generated by thaiplan synth: it has no text, so quotes from it "
                        "are not checked."
                    ),
                ),
                (V.identifier, lit(f"synth-{key}-seed-{self.sizes.seed}")),
            ],
        )

    # --- indicators -------------------------------------------------------------------------------

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
                    (V.status, status(kind.comparator, observed, target_value)),
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

    # --- monitoring (ontology 0.2.0, issue 15) ----------------------------------------------------

    def fiscal_years(self) -> Iterator[Block]:
        """One tp:FiscalYear per year (1 October to 30 September, named by its B.E. end year)."""
        for (year_be, year), be in zip(self.year_terms, self.years_be, strict=True):
            node = self.node("fiscal-year", str(be))
            start, end = self.node("fiscal-year", f"{be}-start"), self.node("fiscal-year", f"{be}-end")
            yield (
                node,
                [
                    (V.type, V.FiscalYear),
                    (V.pref, lit_th(f"ปีงบประมาณ พ.ศ. {be}")),
                    (V.pref, lit_en(f"Fiscal year B.E. {be}")),
                    (V.year_be, year_be),
                    (V.year, year),
                    (V.has_beginning, start),
                    (V.has_end, end),
                ],
            )
            ce = be - 543
            for instant, th, en, date in (
                (start, f"1 ตุลาคม {be - 1}", f"1 October {ce - 1}", f"{ce - 1:04d}-10-01"),
                (end, f"30 กันยายน {be}", f"30 September {ce}", f"{ce:04d}-09-30"),
            ):
                yield (
                    instant,
                    [
                        (V.type, V.Instant),
                        (V.pref, lit_th(th)),
                        (V.pref, lit_en(en)),
                        (V.in_xsd_date, xsd_date(date)),
                    ],
                )

    def monitoring(
        self, index: int, key: str, project: str, passage: str, tactic: str, goal: str
    ) -> Iterator[Block]:
        """The project's two alignments (Y2: a sub-plan's tactic, Y1: a master plan's goal), and for each
        year a budget allocation and a fourth-quarter progress report, as a monitoring record holds them."""
        code = key.upper()
        for n, (supported, level, th, en) in enumerate(
            (
                (tactic, V.level_sub_plan_target, "กลยุทธ์ของแผนย่อย", "a sub-plan tactic"),
                (goal, V.level_master_plan_target, "เป้าหมายของแผนแม่บท", "a master-plan goal"),
            ),
            start=1,
        ):
            yield (
                self.node("alignment", f"{key}-{n}"),
                [
                    (V.type, V.Alignment),
                    (V.pref, lit_th(f"ความสอดคล้องของโครงการ {code} กับ{th}")),
                    (V.pref, lit_en(f"Alignment of project {code} to {en}")),
                    (V.aligned_to, supported),
                    (V.alignment_level, level),
                    (V.stated, V.true),
                    (V.derived, passage),
                ],
            )
        # A generator of its own per project: the budgets do not shift the sequence of the rest of the graph.
        rng = random.Random(f"{self.sizes.seed}-monitoring-{index}")
        for be in self.years_be:
            fiscal_year = self.node("fiscal-year", str(be))
            yield (
                self.node("budget", f"{key}-{be}"),
                [
                    (V.type, V.BudgetAllocation),
                    (V.pref, lit_th(f"งบประมาณโครงการ {code} ปีงบประมาณ {be}")),
                    (V.pref, lit_en(f"Budget of project {code}, fiscal year {be}")),
                    (V.amount, hundredths(rng.randrange(50_000, 500_000) * 10_000)),
                    (V.fiscal_year, fiscal_year),
                    (V.allocated_to, project),
                    (V.derived, passage),
                ],
            )
            late = rng.random() < 0.2
            yield (
                self.node("progress", f"{key}-{be}-q4"),
                [
                    (V.type, V.ProgressReport),
                    (V.pref, lit_th(f"รายงานความก้าวหน้าโครงการ {code} ไตรมาส 4 ปีงบประมาณ {be}")),
                    (V.pref, lit_en(f"Progress report of project {code}, Q4 of fiscal year {be}")),
                    (V.reports_on, project),
                    (V.fiscal_year, fiscal_year),
                    (V.quarter, integer(4)),
                    (V.progress_status, V.behind_schedule if late else V.on_schedule),
                    (V.derived, passage),
                ],
            )


def generate(sizes: Sizes, base: str = SYNTH_BASE) -> Iterator[Block]:
    """Every block of the synthetic graph for the sizes, deterministic for the seed."""
    return Generator(sizes, base).blocks()


def year_be_text(term: str) -> str:
    """The B.E. year of a pre-rendered integer literal (`"2564"^^<…#integer>`), as text."""
    return term.split('"')[1] if term.startswith('"') else term
