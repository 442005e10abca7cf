"""Diagrams drawn on the server as inline SVG (no script, so the pages keep a strict CSP).

`trace_diagram` lays a trace out in rows: what the entity supports above it (one row per step), the
entity in the middle, what supports it below; each box links to the item's page, and every link of the
traced subgraph is drawn. `indicator_chart` draws targets (dashed) against observed values (solid) by
year on an axis that names the unit (a rank axis runs downwards).

Hand-drawn rather than a charting library (issue 20): pygal's SVG needs its script for tooltips (the
pages' CSP allows no inline script) and matplotlib, ~40 MB, lays out Thai labels without complex-text
shaping unless the text is left to the browser anyway; the two drawings here are about 250 lines and
use the page's fonts, CSS and native `<title>` tooltips.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape

from markupsafe import Markup

from thaiplan.server.pagekit import display_text

BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN = 220, 94, 14, 40, 10
MAX_PER_ROW = 7
TITLE_LINES = 3
# A line of a box holds 202px of text: 15 em of the 13.5px name, 18.4 em of the 11px type and code.
TITLE_EMS, SUB_EMS = 202 / 13.5, 202 / 11
LABEL_CHARS = 25  # for `shorten`, the cut of a label shown elsewhere in visible characters
# Advance widths in em of the pages' fonts (Loma for Thai, Liberation Sans-like for Latin), measured in
# Debian's Chromium: Thai letters run from 0.34 (เ) to 0.9 (ฒ) em, so a count of characters is no measure.
WIDE_THAI, NARROW_THAI = set("ฒฑณญฌฆฬ"), set("เโใไะๆ")
NARROW_LATIN, WIDE_LATIN = set("ijlIft.,:;'|!"), set("mwMW")
SVG_NS = "http://www.w3.org/2000/svg"


@dataclass
class Box:
    """One item of a trace diagram."""

    key: str
    title: str
    subtitle: str
    href: str | None
    row: int
    parent: str | None = None  # the key of the box it links to (one step nearer the entity)
    kind: str = "node"  # "node", "center" or "more"
    x: float = 0.0
    y: float = 0.0
    extra: list[str] = field(default_factory=list)
    code: str = ""  # drawn whole, never cut (issue 20)


def _is_mark(ch: str) -> bool:
    """True for a Thai above/below vowel or tone mark, which takes no width of its own."""
    # Sara aa (U+0E32) and sara am (U+0E33) sit between these and do take width.
    return ch == "\u0e31" or "\u0e34" <= ch <= "\u0e3a" or "\u0e47" <= ch <= "\u0e4e"


def em_width(text: str) -> float:
    """The drawn width of `text` in em, by the measured advance widths of the pages' fonts."""
    total = 0.0
    for ch in text:
        if _is_mark(ch):
            continue
        if "\u0e00" <= ch <= "\u0e7f":
            total += 0.9 if ch in WIDE_THAI else 0.38 if ch in NARROW_THAI else 0.65
        elif ch in NARROW_LATIN:
            total += 0.26
        elif ch in WIDE_LATIN:
            total += 0.85
        elif ch.isupper():
            total += 0.7
        elif ch.isalnum():
            total += 0.56
        elif ch.isspace():
            total += 0.28
        else:
            total += 0.36
    return total


def fit(text: str, ems: float) -> str:
    """The text cut to `ems` of width with an ellipsis (a single word longer than a line)."""
    if em_width(text) <= ems:
        return text
    out = ""
    for ch in text:
        if em_width(out + ch) > ems - 1.0:
            break
        out += ch
    return out.rstrip() + "…"


def shorten(text: str, limit: int = LABEL_CHARS) -> str:
    """The text cut to about `limit` visible characters (Thai marks do not count) with an ellipsis."""
    out, visible = [], 0
    for ch in text:
        if not _is_mark(ch):
            visible += 1
        if visible > limit:
            return "".join(out).rstrip() + "…"
        out.append(ch)
    return text


@lru_cache(maxsize=4096)
def words(text: str) -> tuple[str, ...]:
    """The text cut into words where a line may break: pythainlp's newmm for Thai, spaces otherwise."""
    if not any("\u0e00" <= ch <= "\u0e7f" for ch in text):
        return tuple(re.findall(r"\S+\s*", text))
    # Local import: the tokenizer loads its dictionary on first use, only pages with Thai labels pay it.
    from pythainlp.tokenize import word_tokenize

    return tuple(word_tokenize(text, engine="newmm", keep_whitespace=True))


def wrap(text: str, ems: float = TITLE_EMS, lines: int = TITLE_LINES) -> list[str]:
    """The text in at most `lines` lines of `ems` width, broken between words; the last line ends in an
    ellipsis when the text goes on (the whole text is in the tooltip and the tables)."""
    out: list[str] = [""]
    for word in words(text):
        if out[-1].strip() and em_width(out[-1] + word.rstrip()) > ems:
            out.append(word.lstrip())
        else:
            out[-1] += word
    out = [line.strip() for line in out if line.strip()]
    if len(out) > lines:
        last = ""
        for word in words(out[lines - 1]):
            if em_width(last + word.rstrip()) > ems - 1.0:
                break
            last += word
        out = [*out[: lines - 1], last.rstrip() + "…"]
    return [fit(line, ems) for line in out]


def trace_diagram(
    boxes: list[Box], label_more: str, edges: list[tuple[str, str]] | None = None, title: str = ""
) -> Markup:
    """An SVG of the boxes in their rows, a line for every edge between two drawn boxes (each box's
    parent when no edges are given), rows capped in width and laid out from the left, so that on a
    narrow screen the diagram starts with its first boxes in view."""
    rows: dict[int, list[Box]] = {}
    for box in boxes:
        rows.setdefault(box.row, []).append(box)
    placed: dict[str, Box] = {}
    shown_rows: dict[int, list[Box]] = {}
    for row, items in rows.items():
        if len(items) > MAX_PER_ROW:
            hidden = len(items) - (MAX_PER_ROW - 1)
            items = [
                *items[: MAX_PER_ROW - 1],
                Box(f"more{row}", f"{label_more} {hidden}", "", None, row, kind="more"),
            ]
        shown_rows[row] = items
    width = max(len(v) for v in shown_rows.values()) * (BOX_W + GAP_X) - GAP_X + 2 * MARGIN
    order = sorted(shown_rows)
    height = len(order) * (BOX_H + GAP_Y) - GAP_Y + 2 * MARGIN
    for i, row in enumerate(order):
        for j, box in enumerate(shown_rows[row]):
            box.x, box.y = MARGIN + j * (BOX_W + GAP_X), MARGIN + i * (BOX_H + GAP_Y)
            placed[box.key] = box
    if edges is None:
        edges = [(b.key, b.parent) for b in placed.values() if b.parent]
    parts = [
        f'<svg xmlns="{SVG_NS}" class="trace-diagram" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" aria-labelledby="trace-diagram-title" '
        f'aria-describedby="trace-up trace-down">'
        f'<title id="trace-diagram-title">{escape(display_text(title))}</title>'
    ]
    drawn = set()
    for lower_key, upper_key in edges:
        a, b = placed.get(lower_key), placed.get(upper_key)
        if a is None or b is None or (a.key, b.key) in drawn or a.key == b.key:
            continue
        drawn.add((a.key, b.key))
        parts.append(_edge_svg(a, b))
    for box in placed.values():
        parts.append(_box_svg(box))
    parts.append("</svg>")
    return Markup("".join(parts))


def _edge_svg(a: Box, b: Box) -> str:
    """A line from box `a` up to box `b` (bottom of the upper to top of the lower, or a curve within one
    row), naming both ends for tests and tools."""
    ends = f'data-from="{escape(a.key)}" data-to="{escape(b.key)}"'
    if a.y == b.y:
        x1, x2, y = a.x + BOX_W / 2, b.x + BOX_W / 2, a.y + BOX_H
        return (
            f'<path class="edge" {ends} d="M{x1:.0f},{y:.0f} C{x1:.0f},{y + GAP_Y * 0.8:.0f} '
            f'{x2:.0f},{y + GAP_Y * 0.8:.0f} {x2:.0f},{y:.0f}"/>'
        )
    upper, lower = (a, b) if a.y < b.y else (b, a)
    return (
        f'<line class="edge" {ends} x1="{upper.x + BOX_W / 2:.0f}" y1="{upper.y + BOX_H:.0f}" '
        f'x2="{lower.x + BOX_W / 2:.0f}" y2="{lower.y:.0f}"/>'
    )


def _box_svg(box: Box) -> str:
    """One box: a rounded rectangle with its type and code, and its name in up to two lines broken
    between words, linked when it has a page; the whole text is its tooltip."""
    x, y = round(box.x), round(box.y)
    # Each part isolated, so that a right-to-left override in one cannot turn the others around (issue 8).
    texts = (box.subtitle, box.code, box.title, *box.extra)
    tooltip = escape(" · ".join(display_text(t) for t in texts if t))
    # The code is drawn whole; the type name gives way to it.
    room = SUB_EMS - (em_width(box.code + " ") if box.code else 0)
    sub = " ".join(x for x in (fit(box.subtitle, max(room, 3.0)) if box.subtitle else "", box.code) if x)
    lines = "".join(
        f'<tspan x="0" y="{40 + 19 * i}">{escape(display_text(line))}</tspan>'
        for i, line in enumerate(wrap(box.title))
    )
    # The texts sit in a nested viewport, which clips whatever a label of unusual glyphs still overflows.
    body = (
        f'<g class="box {box.kind}"><title>{tooltip}</title>'
        f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="6"/>'
        f'<svg x="{x + 8}" y="{y}" width="{BOX_W - 12}" height="{BOX_H}" overflow="hidden">'
        f'<text class="sub" x="0" y="18">{escape(display_text(sub))}</text>'
        f'<text class="title" x="0" y="40">{lines}</text></svg></g>'
    )
    if box.href:
        return f'<a href="{escape(box.href)}">{body}</a>'
    return body


@dataclass
class Point:
    """One value of a series at one year."""

    year: int
    value: float
    label: str


@dataclass(frozen=True)
class Scale:
    """The value axis of a chart: its range, whether it runs downwards (ranks) and its title."""

    lo: float
    hi: float
    inverted: bool
    title: str


def nice_step(span: float, ticks: int = 5) -> float:
    """A round tick step (1, 2 or 5 times a power of ten) giving about `ticks` intervals over `span`."""
    raw = span / ticks if span > 0 else 1.0
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def value_scale(values: list[float], kind: str, title: str) -> Scale:
    """The axis for an indicator's values by the kind of its unit: a percentage from 0 to 100, a rank
    from 1 (drawn at the top) down to past the worst rank, anything else from zero."""
    hi = max(values)
    lo = min(values)
    if kind == "rank":
        step = nice_step(hi)
        return Scale(1, max(step, math.ceil(hi * 1.1 / step) * step), True, title)
    if kind == "percent" and lo >= 0 and hi <= 100:
        return Scale(0, 100, False, title)
    top = hi * 1.1 if hi > 0 else 1.0
    step = nice_step(top - min(lo, 0))
    bottom = 0.0 if lo >= 0 else math.floor(lo * 1.1 / step) * step
    return Scale(bottom, math.ceil(top / step) * step, False, title)


def indicator_chart(
    target: list[Point], observed: list[Point], year_text: dict[int, str], names: tuple[str, str],
    kind: str = "", axis_title: str = "",
) -> Markup | None:
    """A line chart of targets (dashed) and observed values (solid) by year; None when nothing to draw.

    The value axis starts at a baseline a reader can trust (zero, or 0–100 for a percentage) and names
    the unit; a rank axis runs downwards, so that a better (smaller) rank is drawn higher.
    """
    points = target + observed
    if not points:
        return None
    width, height, left, right, top, bottom = 640, 300, 78, 20, 20, 56
    years = sorted({p.year for p in points})
    scale = value_scale([p.value for p in points], kind, axis_title)

    def px(year: int) -> float:
        span = max(1, years[-1] - years[0])
        inner = width - left - right - 40
        return left + 20 + inner * ((year - years[0]) / span if len(years) > 1 else 0.5)

    def py(v: float) -> float:
        share = (v - scale.lo) / (scale.hi - scale.lo)
        return top + (height - top - bottom) * (share if scale.inverted else 1 - share)

    base = height - bottom
    parts = [
        f'<svg xmlns="{SVG_NS}" class="chart" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(axis_title)}" '
        f'data-axis="{"inverted" if scale.inverted else "upright"}">',
    ]
    step = nice_step(scale.hi - scale.lo)
    ticks = [scale.lo] if scale.inverted else []
    v = math.ceil(scale.lo / step) * step
    while v <= scale.hi + step / 1000:
        if not ticks or abs(v - ticks[-1]) > step / 2:
            ticks.append(v)
        v += step
    for v in ticks:
        parts.append(
            f'<line class="grid" x1="{left}" y1="{py(v):.1f}" x2="{width - right}" y2="{py(v):.1f}"/>'
            f'<text class="tick" x="{left - 6}" y="{py(v) + 4:.1f}" text-anchor="end">{_num(v)}</text>'
        )
    parts.append(
        f'<line class="axis" x1="{left}" y1="{base}" x2="{width - right}" y2="{base}"/>'
        f'<line class="axis" x1="{left}" y1="{top}" x2="{left}" y2="{base}"/>'
        f'<text class="axis-title" transform="translate(16 {(top + base) / 2:.0f}) rotate(-90)" '
        f'text-anchor="middle">{escape(display_text(axis_title))}</text>'
    )
    for y in years:
        parts.append(
            f'<text class="tick" x="{px(y):.1f}" y="{base + 18}" text-anchor="middle">'
            f"{escape(year_text.get(y, str(y)))}</text>"
        )
    for series, cls in ((target, "target"), (observed, "observed")):
        pts = sorted(series, key=lambda p: p.year)
        if len(pts) > 1:
            coords = " ".join(f"{px(p.year):.1f},{py(p.value):.1f}" for p in pts)
            parts.append(f'<polyline class="{cls}" points="{coords}"/>')
        for p in pts:
            parts.append(
                f'<circle class="{cls}" cx="{px(p.year):.1f}" cy="{py(p.value):.1f}" r="4.5">'
                f"<title>{escape(display_text(p.label))}</title></circle>"
            )
    legend_y = height - 10
    parts.append(
        f'<line class="target" x1="{left}" y1="{legend_y - 4}" x2="{left + 28}" y2="{legend_y - 4}"/>'
        f'<text class="legend" x="{left + 34}" y="{legend_y}">{escape(names[0])}</text>'
        f'<line class="observed" x1="{left + 220}" y1="{legend_y - 4}" x2="{left + 248}" '
        f'y2="{legend_y - 4}"/>'
        f'<text class="legend" x="{left + 254}" y="{legend_y}">{escape(names[1])}</text>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))


def bar(value: float, scale: Scale) -> Markup:
    """A small horizontal bar of `value` on `scale` (a breakdown's share), drawn without inline style."""
    share = max(0.0, min(1.0, (value - scale.lo) / ((scale.hi - scale.lo) or 1)))
    return Markup(
        f'<svg xmlns="{SVG_NS}" class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" '
        f'width="100%" height="12" aria-hidden="true"><rect class="bar-bg" width="100" height="10"/>'
        f'<rect class="bar-fill" width="{share * 100:.2f}" height="10"/></svg>'
    )


def _num(v: float) -> str:
    """A tick value with no more digits than it needs."""
    return f"{v:,.0f}" if abs(v) >= 100 or float(v).is_integer() else f"{v:,.2f}".rstrip("0").rstrip(".")
