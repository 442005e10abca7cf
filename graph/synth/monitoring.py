"""The monitoring part of the synthetic graph (ontology 0.2.0, issue 15): fiscal years, and for every project
its alignments, and per year a budget, a progress report with the milestone it states, and an assessment of
the project indicator's target, as a national monitoring record holds them."""

from __future__ import annotations

import random
from collections.abc import Iterator

from thaiplan.graph.synth.base import Block, GeneratorBase
from thaiplan.graph.synth.terms import V, g_year, hundredths, integer, lit_en, lit_th, xsd_date


class MonitoringBlocks(GeneratorBase):
    """The monitoring blocks of a Generator."""

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
            milestone = self.node("milestone", f"{key}-{be}-1")
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
                    (V.milestone, milestone),
                    (V.derived, passage),
                ],
            )
            yield self.milestone(milestone, code, be, late, rng, passage)

    def milestone(self, node: str, code: str, be: int, late: bool, rng: random.Random, passage: str) -> Block:
        """The step a fourth-quarter report states: done on a day of the quarter, or (late) still under way
        with the report's year, as a real report gives a date only for what was reached."""
        th, en = f"ผลสำเร็จของโครงการ {code} ปีงบประมาณ {be}", f"Milestone of project {code}, fiscal year {be}"
        if late:  # the year of the report, B.E. and CE as everywhere
            when = [(V.year_be, integer(be)), (V.year, g_year(be - 543))]
        else:  # a day of July to September of the fiscal year's end (CE): its fourth quarter
            month, day = 7 + rng.randrange(3), 1 + rng.randrange(30)
            date = xsd_date(f"{be - 543:04d}-{month:02d}-{day:02d}")
            when = [(V.achieved_on, date), (V.fiscal_year, self.node("fiscal-year", str(be)))]
        return (
            node,
            [
                (V.type, V.Milestone),
                (V.pref, lit_th(th)),
                (V.pref, lit_en(en)),
                (V.progress_status, V.in_progress if late else V.completed),
                *when,
                (V.derived, passage),
            ],
        )

    def assessments(self, key: str, passage: str, source: str) -> Iterator[Block]:
        """One tp:Assessment a year of the project's indicator: its target, observation and status, reported
        in the department's action plan (the status agrees with the value: tpsh:AssessmentAgreesShape)."""
        code = key.upper()
        for be, (target, observation, rated) in zip(self.years_be, self.rated, strict=True):
            yield (
                self.node("assessment", f"{key}-1-{be}"),
                [
                    (V.type, V.Assessment),
                    (V.pref, lit_th(f"การประเมินผลตัวชี้วัด {code}-1 ปี {be}")),
                    (V.pref, lit_en(f"Assessment of indicator {code}-1 for {be}")),
                    (V.assesses, target),
                    (V.observation, observation),
                    (V.status, rated),
                    (V.reported_in, source),
                    (V.derived, passage),
                ],
            )
