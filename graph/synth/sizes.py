"""Sizes of the synthetic graph: how the arguments shape it, its exact triple count, and sizing for a target.

The shape of the graph depends only on the sizes, never on the seed (the seed picks names, links and
values), so the triple count is a closed formula; `thaiplan synth --triples T` inverts it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from thaiplan.errors import InputError

FIRST_YEAR_BE = 2561  # the first year of the National Strategy (2018)
MAX_YEARS = 20  # the National Strategy's period, 2561-2580
MAX_AGENCIES = 200_000  # agencies are held in memory (a few hundred bytes each); projects are streamed
MAX_PROJECTS = 5_000_000
MAX_TRIPLES = 500_000_000
NATIONAL_AGENCIES = 8_120  # 20 ministries, 300 departments, 7,800 local administrations
DEFAULT_YEARS = 4

# Triples per entity (checked against the generator by tests/test_synth.py).
AGENCY_TRIPLES = 9  # type(s), 2 prefLabels, altLabel, parent or second type, derivedFrom, passage (3)
PASSAGE_TRIPLES = 3  # type, quote, quotedFrom
SOURCE_TRIPLES = 7  # type, 2 prefLabels, title, publisher, comment, identifier
TARGET_TRIPLES = 10  # type, 2 prefLabels, indicator, yearBE, year, comparator, value, unit, derivedFrom
OBSERVATION_TRIPLES = 11  # type, 2 prefLabels, indicator, yearBE, year, value, unit, status, source, prov
# Issue 15: per project 2 alignments (7 each) and their 2 links; per project and year a budget (7), a
# progress report (9, with its milestone link), the milestone it states (7: type, 2 prefLabels, progress
# status, a date and its fiscal year or a B.E. and CE year, derivedFrom) and an assessment of the project
# indicator's target (8: type, 2 prefLabels, assesses, observation, status, reportedIn, derivedFrom); per
# year a fiscal year (7) and its two instants (4 each).
MONITORING_TRIPLES = 2 * 7 + 2
MONITORING_YEAR_TRIPLES = 7 + 9 + 7 + 8
FISCAL_YEAR_TRIPLES = 7 + 2 * 4
INDICATOR_TRIPLES = 8  # type, 2 prefLabels, notation, inScheme, partOf, unit, derivedFrom (+ 2 per year)
PROJECT_TRIPLES = 16  # type, 2 prefLabels, notation, partOf, inScheme, 2 supports, 2 alignments, lead, …
# A project with its passage, measured indicator and monitoring record: a fixed part and a part per year.
PER_PROJECT = PROJECT_TRIPLES + PASSAGE_TRIPLES + INDICATOR_TRIPLES + MONITORING_TRIPLES
PER_PROJECT_YEAR = 2 + TARGET_TRIPLES + OBSERVATION_TRIPLES + MONITORING_YEAR_TRIPLES


@dataclass(frozen=True)
class Sizes:
    """What the user asked for: agencies, projects, years of targets and observations, and the seed."""

    agencies: int
    projects: int
    years: int
    seed: int

    def check(self) -> None:
        """Refuse sizes the generator cannot honour, with a message saying what is allowed."""
        _in_range("--agencies", self.agencies, 2, MAX_AGENCIES)
        _in_range("--projects", self.projects, 1, MAX_PROJECTS)
        _in_range("--years", self.years, 1, MAX_YEARS)
        if self.seed < 0:
            raise InputError(f"--seed must be 0 or more, not {self.seed}")


@dataclass(frozen=True)
class Shape:
    """How many of each kind of entity the generator writes for given sizes."""

    ministries: int
    departments: int
    locals: int
    master_plans: int
    subplans_per_master: int
    tactics_per_subplan: int
    projects: int
    years: int

    @property
    def indicator_triples(self) -> int:
        """Triples of one indicator with its yearly targets and observations."""
        return INDICATOR_TRIPLES + self.years * (2 + TARGET_TRIPLES + OBSERVATION_TRIPLES)

    @property
    def subplans(self) -> int:
        """All sub-plans of all master plans."""
        return self.master_plans * self.subplans_per_master

    @property
    def tactics(self) -> int:
        """All tactics (development guidelines) of all sub-plans."""
        return self.subplans * self.tactics_per_subplan


def _in_range(name: str, value: int, low: int, high: int) -> None:
    """Raise an InputError when a value is outside [low, high]."""
    if not low <= value <= high:
        raise InputError(f"{name} must be between {low:,} and {high:,}, not {value:,}")


def shape_of(sizes: Sizes) -> Shape:
    """The entity counts: agency tiers scale like Thailand's, plans with the number of projects."""
    n = sizes.agencies
    ministries = min(20, max(1, n // 40))
    departments = max(1, round((n - ministries) * 300 / (NATIONAL_AGENCIES - 20)))
    departments = min(departments, n - ministries)
    locals_ = n - ministries - departments
    # The real master plans number 23 with about 6 sub-plans each; small graphs get fewer so that a
    # 10k-triple graph is still mostly projects.
    master_plans = min(len_master_plans(), max(1, math.ceil(sizes.projects / 20)))
    subplans = min(6, max(1, math.ceil(sizes.projects / (master_plans * 10))))
    tactics = min(3, max(1, math.ceil(sizes.projects / (master_plans * subplans * 5))))
    return Shape(
        ministries, departments, locals_, master_plans, subplans, tactics, sizes.projects, sizes.years
    )


def len_master_plans() -> int:
    """How many master-plan issues the word lists know (23)."""
    from thaiplan.graph.synth.words import MASTER_PLAN_ISSUES

    return len(MASTER_PLAN_ISSUES)


def count_triples(sizes: Sizes) -> int:
    """The exact number of triples `generate` writes for these sizes."""
    s = shape_of(sizes)
    ind = s.indicator_triples
    # Sources: the agency directory, the National Strategy, each master plan, each agency plan.
    sources = (2 + s.master_plans + s.departments) * SOURCE_TRIPLES
    agencies = (s.ministries + s.departments + s.locals) * AGENCY_TRIPLES
    national = 10 + PASSAGE_TRIPLES + 6 * (9 + PASSAGE_TRIPLES + ind)
    master = s.master_plans * (
        (12 + PASSAGE_TRIPLES)  # the plan
        + (9 + PASSAGE_TRIPLES + ind)  # its goal, measured
    )
    subplans = s.subplans * (10 + PASSAGE_TRIPLES + ind)
    tactics = s.tactics * (7 + PASSAGE_TRIPLES)
    agency_plans = s.departments * (10 + PASSAGE_TRIPLES)
    projects = s.projects * (PER_PROJECT + sizes.years * PER_PROJECT_YEAR)
    fiscal_years = sizes.years * FISCAL_YEAR_TRIPLES
    return (
        sources + agencies + national + master + subplans + tactics + agency_plans + projects + fiscal_years
    )


def default_agencies_for(triples: int) -> int:
    """Agencies for a target size: national scale (8,120) from about 1M triples, fewer below."""
    return max(20, min(NATIONAL_AGENCIES, triples // 120))


def sizes_for_triples(triples: int, years: int, seed: int, agencies: int | None = None) -> Sizes:
    """Sizes whose triple count is as close as possible to `triples` (projects found by bisection)."""
    _in_range("--triples", triples, 1, MAX_TRIPLES)
    if agencies is None:
        agencies = default_agencies_for(triples)
    smallest = Sizes(agencies, 1, years, seed)
    smallest.check()
    if count_triples(smallest) > triples:
        raise InputError(
            f"--triples {triples:,} is too small: {agencies:,} agencies and {years} years already make "
            f"{count_triples(smallest):,} triples (lower --agencies or --years, or ask for more)"
        )
    low, high = 1, MAX_PROJECTS
    while low < high:  # the largest project count whose graph is not larger than asked
        mid = (low + high + 1) // 2
        if count_triples(Sizes(agencies, mid, years, seed)) <= triples:
            low = mid
        else:
            high = mid - 1
    best = Sizes(agencies, low, years, seed)
    if low < MAX_PROJECTS:
        above = Sizes(agencies, low + 1, years, seed)
        if count_triples(above) - triples < triples - count_triples(best):
            best = above
    best.check()
    return best
