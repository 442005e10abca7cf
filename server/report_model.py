"""The progress report's model (issue 17): the plan's items, indicators with their targets and results per
year, activities' progress and milestones, and the footnotes citing each fact's passage — built from the
rows of `server/sparql/report-*.rq`; `server/report.py` serves it as a page and a PDF.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from thaiplan.queries.execute import Term
from thaiplan.server import i18n
from thaiplan.server.pagekit import TP, code_key, value

GOAL_TYPES = {TP + t for t in ("Vision", "Goal", "DesiredOutcome", "Strategy", "DevelopmentPlanMilestone")}
WORK_KINDS = (
    "ReformActivity",
    "Project",
    "FlagshipProject",
    "Tactic",
    "Guideline",
    "LegislativeMeasure",
    "Law",
)
WORK_TYPES = {TP + t for t in WORK_KINDS}
COLOURS = ("green", "yellow", "orange", "red")
STATUS_OF_COLOUR = {
    "green": TP + "statusAchieved",
    "yellow": TP + "statusNearTarget",
    "orange": TP + "statusAtRisk",
    "red": TP + "statusCritical",
}
ROLE_ORDER = {"lead": 0, "responsible": 1, "co-responsible": 2}
MONTHS_TH = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip



@dataclass
class Item:
    """One item of the plan: its types, names, parent, progress and agencies."""

    iri: str
    code: str = ""
    labelTh: str = ""
    labelEn: str = ""
    types: set[str] = field(default_factory=set)
    parent: str = ""
    noteTh: str = ""
    noteEn: str = ""
    status: str = ""
    colour: str = ""
    agencies: list[dict[str, str]] = field(default_factory=list)
    reports: list[Progress] = field(default_factory=list)
    children: list[Item] = field(default_factory=list)
    depth: int = 0

    @property
    def name(self) -> str:
        """The label in the interface language."""
        return i18n.label(self.labelTh, self.labelEn, self.iri)

    @property
    def note(self) -> str:
        """The progress note in the interface language (else the other one)."""
        return i18n.label(self.noteTh, self.noteEn)


@dataclass
class Milestone:
    """A milestone a progress report states: its names, progress status, date reached and year."""

    iri: str
    labelTh: str = ""
    labelEn: str = ""
    progress: str = ""
    achievedOn: str = ""
    yearBE: int | None = None

    @property
    def name(self) -> str:
        """The label in the interface language."""
        return i18n.label(self.labelTh, self.labelEn, self.iri)


@dataclass
class Progress:
    """A progress report on an item: its period, progress status, note and milestones."""

    iri: str
    yearBE: int | None = None
    quarter: str = ""
    fiscal: bool = False
    progress: str = ""
    noteTh: str = ""
    noteEn: str = ""
    milestones: list[Milestone] = field(default_factory=list)

    @property
    def note(self) -> str:
        """The report's note in the interface language (else the other one)."""
        return i18n.label(self.noteTh, self.noteEn)


@dataclass
class YearRow:
    """One year of an indicator: its target, its result, and the assessment rating the target."""

    year: int
    start: int | None = None
    target: dict[str, Term] | None = None
    observed: dict[str, Term] | None = None
    rating: dict[str, Term] | None = None

    @property
    def colour(self) -> str:
        """The assessment's colour; else, in ontology 0.1.0 data, the result's or the target's own."""
        for fig in (self.rating, self.observed, self.target):
            if fig and value(fig.get("colour")) in COLOURS:
                return value(fig.get("colour"))
        return ""

    @property
    def rated(self) -> dict[str, Term] | None:
        """The result the assessment rated when the year has no result of its own (figure_text's keys)."""
        if self.observed is not None or self.rating is None or self.rating.get("obs") is None:
            return None
        row = self.rating
        return {"fig": row["obs"], "value": row.get("obsValue"), "unit": row.get("obsUnit"),
                "yearBE": row.get("obsYearBE")}  # fmt: skip

    @property
    def rated_year(self) -> int | None:
        """The year of the rated result when it is not this row's year (a 2565 target rated in 2564)."""
        rated = self.rated
        year = _int(rated.get("yearBE")) if rated else None
        return year if year is not None and year != self.year else None


@dataclass
class Indicator:
    """An indicator of an item in the plan, with its figures by year."""

    iri: str
    owner: str
    code: str
    labelTh: str
    labelEn: str
    years: dict[int, YearRow] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The label in the interface language."""
        return i18n.label(self.labelTh, self.labelEn, self.iri)


def number_text(term: Term | None) -> str:
    """A figure as people read it: thousands grouped, decimals as given (84.81, 81,768)."""
    text = value(term)
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        return text
    return f"{number:,f}" if "." in text else f"{int(number):,}"


def figure_text(fig: dict[str, Term] | None, target: bool) -> str:
    """A target or result as written: the Thai wording in Thai when given, else comparator, value, unit."""
    from thaiplan.server.pagekit import term_name

    if not fig:
        return ""
    written = fig.get("valueText")
    if target and written is not None and i18n.ui_lang() == getattr(written, "language", None):
        return value(written)
    unit = term_name(fig.get("unit")) if fig.get("unit") is not None else ""
    number = number_text(fig.get("value"))
    comparator = term_name(fig.get("comparator")) if target else ""
    if re.search(r"\bN\b", comparator) and number:  # "within the top N": the number takes N's place
        return re.sub(r"\bN\b", number, comparator, count=1)
    # Thai names the unit before the number (ร้อยละ 85, อันดับ 20, จำนวน 129); English after it, but rank 20.
    before = i18n.ui_lang() == "th" or value(fig.get("unit")) == TP + "unitRank"
    parts = [comparator, *([unit, number] if before else [number, unit])]
    text = " ".join(p for p in parts if p)
    return text or value(written)


def collect_items(found: list[dict[str, Term]], agencies: list[dict[str, Term]]) -> dict[str, Item]:
    """The plan's items from `report-items.rq` rows, their agencies from `report-agencies.rq`."""
    items: dict[str, Item] = {}
    for row in found:
        iri = value(row["item"])
        item = items.setdefault(iri, Item(iri))
        item.types.add(value(row.get("type")))
        for name in ("code", "labelTh", "labelEn", "noteTh", "noteEn", "status", "colour"):
            if not getattr(item, name) and row.get(name) is not None:
                setattr(item, name, value(row[name]))
        parent = value(row.get("parent"))
        if parent and (not item.parent or parent < item.parent):
            item.parent = parent  # one parent, the same on every run
    for row in agencies:
        item = items.get(value(row["item"]))
        agency = value(row["agency"])
        if item is not None and agency not in {a["iri"] for a in item.agencies}:
            item.agencies.append(
                {
                    "iri": agency,
                    "role": value(row.get("role")),
                    "labelTh": value(row.get("agencyLabelTh")),
                    "labelEn": value(row.get("agencyLabelEn")),
                }
            )
    for item in items.values():
        item.agencies.sort(key=lambda a: (ROLE_ORDER.get(a["role"], 9), a["iri"]))
    return items


def outline(items: dict[str, Item], kinds: set[str]) -> list[Item]:
    """The items of `kinds` in reading order, each followed by its sub-items (depth set)."""
    chosen = {iri: i for iri, i in items.items() if i.types & kinds}
    for item in chosen.values():
        item.children = []
    roots = []
    for item in chosen.values():
        parent = chosen.get(item.parent)
        (parent.children if parent is not None and parent is not item else roots).append(item)
    flat: list[Item] = []

    def walk(level: list[Item], depth: int) -> None:
        """Append the items of one level, each before its children."""
        for item in sorted(level, key=item_order):
            if item in flat:
                continue  # a cycle of tp:partOf in bad data: each item once
            item.depth = depth
            flat.append(item)
            walk(item.children, depth + 1)

    walk(roots, 0)
    return flat


def item_order(item: Item) -> tuple[Any, ...]:
    """Items by code as people number them, then by name."""
    return (code_key(item.code), item.labelTh, item.iri)


def collect_indicators(found: list[dict[str, Term]], ratings: list[dict[str, Term]]) -> list[Indicator]:
    """The indicators with their targets and results by year (`report-figures.rq` rows), and the
    assessment of each target (`report-assessments.rq` rows: the latest one when it was rated again)."""
    latest: dict[str, dict[str, Term]] = {}
    for row in ratings:
        key = value(row["target"])
        if key not in latest or _rating_order(row) > _rating_order(latest[key]):
            latest[key] = row
    indicators: dict[tuple[str, str], Indicator] = {}
    for row in found:
        key = (value(row["owner"]), value(row["ind"]))
        ind = indicators.setdefault(
            key,
            Indicator(key[1], key[0], value(row.get("indCode")), value(row.get("indLabelTh")),
                      value(row.get("indLabelEn"))),
        )  # fmt: skip
        if row.get("fig") is None:
            continue
        year = _int(row.get("yearBE")) or _int(row.get("endYearBE"))
        if year is None:
            continue  # a figure with no year (the report says "so far") is not a year's result
        slot = ind.years.setdefault(year, YearRow(year))
        if value(row.get("kind")) == "target":
            slot.target = slot.target or row
            slot.start = _int(row.get("startYearBE"))
            slot.rating = latest.get(value(slot.target["fig"]))  # the assessment of the target shown
        else:
            slot.observed = slot.observed or row
    return sorted(indicators.values(), key=lambda i: (i.owner, i.code, i.iri))


def _rating_order(row: dict[str, Term]) -> tuple[int, str]:
    """Assessments of one target by the year they were made, then by IRI (the same pick on every run)."""
    return (_int(row.get("ratingYearBE")) or 0, value(row["rating"]))


def collect_progress(items: dict[str, Item], found: list[dict[str, Term]]) -> None:
    """Attach each item's progress reports and their milestones from `report-progress.rq` rows."""
    reports: dict[str, Progress] = {}
    for row in found:
        item = items.get(value(row["item"]))
        if item is None:
            continue
        iri = value(row["report"])
        report = reports.get(iri)
        if report is None:
            year, fiscal_year = _int(row.get("yearBE")), _int(row.get("fiscalYearBE"))
            fiscal = year is None and fiscal_year is not None  # the period is named as a fiscal year
            report = Progress(iri, fiscal_year if fiscal else year, value(row.get("quarter")), fiscal)
            reports[iri] = report
            item.reports.append(report)
        for name, column in (("progress", "progress"), ("noteTh", "noteTh"), ("noteEn", "noteEn")):
            if not getattr(report, name) and row.get(column) is not None:
                setattr(report, name, value(row[column]))
        if row.get("milestone") is None:
            continue
        key = value(row["milestone"])
        milestone = next((m for m in report.milestones if m.iri == key), None)
        if milestone is None:
            milestone = Milestone(key, yearBE=_int(row.get("mYearBE")))
            report.milestones.append(milestone)
        for name, column in (("labelTh", "mLabelTh"), ("labelEn", "mLabelEn"), ("progress", "mProgress"),
                             ("achievedOn", "achievedOn")):  # fmt: skip
            if not getattr(milestone, name) and row.get(column) is not None:
                setattr(milestone, name, value(row[column]))
    for report in reports.values():
        report.milestones.sort(key=_milestone_order)
    for item in items.values():
        item.reports.sort(key=lambda r: (r.yearBE or 0, _int(r.quarter) or 0, r.iri))


def _milestone_order(milestone: Milestone) -> tuple[int, str]:
    """Milestones in the order the report lists them (`…-2564-2` before `…-2564-10`), else by IRI."""
    stem, _, number = milestone.iri.rpartition("-")
    return (int(number), stem) if number.isdigit() else (0, milestone.iri)


def date_text(iso: str) -> str:
    """An xsd:date as people write it: `18 มีนาคม 2564` (B.E.) in Thai, `18 March 2021` in English."""
    match = re.fullmatch(r"(-?\d{4,})-(\d{2})-(\d{2})(Z|[+-]\d{2}:\d{2})?", iso)
    if not match or not 1 <= int(match.group(2)) <= 12:
        return iso
    year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3))
    if i18n.ui_lang() == "th":
        return f"{day} {MONTHS_TH[month - 1]} {year + i18n.BE_OFFSET}"
    return f"{day} {MONTHS_EN[month - 1]} {year}"


def _int(term: Term | None) -> int | None:
    """A literal's integer value, or None."""
    try:
        return int(value(term)) if term is not None else None
    except ValueError:
        return None
