"""Diagrams drawn on the server as inline SVG (no script, so the pages keep a strict CSP).

`trace_diagram` lays a trace out in rows: what the entity supports above it (one row per step), the
entity in the middle, what supports it below; each box links to the item's page. `indicator_chart`
draws targets (dashed) against observed values (solid) by year.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from markupsafe import Markup
from thaiplan.server.pagekit import display_text

BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN = 210, 58, 14, 34, 10
MAX_PER_ROW = 7
LABEL_CHARS = 23
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


def shorten(text: str, limit: int = LABEL_CHARS) -> str:
    """The text cut to about `limit` visible characters (Thai marks do not count) with an ellipsis."""
    out, visible = [], 0
    for ch in text:
        # Thai above/below vowels and tone marks take no width of their own.
        if not ("\u0e31" <= ch <= "\u0e3a" or "\u0e47" <= ch <= "\u0e4e"):
            visible += 1
        if visible > limit:
            return "".join(out).rstrip() + "…"
        out.append(ch)
    return text


def trace_diagram(boxes: list[Box], label_more: str) -> Markup:
    """An SVG of the boxes in their rows, lines from each box to its parent, rows capped in width."""
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
        items = shown_rows[row]
        row_w = len(items) * (BOX_W + GAP_X) - GAP_X
        x0 = (width - row_w) / 2
        for j, box in enumerate(items):
            box.x, box.y = x0 + j * (BOX_W + GAP_X), MARGIN + i * (BOX_H + GAP_Y)
            placed[box.key] = box
    parts = [
        f'<svg xmlns="{SVG_NS}" class="trace-diagram" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img">'
    ]
    for box in placed.values():
        parent = placed.get(box.parent or "")
        if parent is None:
            continue
        upper, lower = (parent, box) if parent.y < box.y else (box, parent)
        parts.append(
            f'<line class="edge" x1="{upper.x + BOX_W / 2:.0f}" y1="{upper.y + BOX_H:.0f}" '
            f'x2="{lower.x + BOX_W / 2:.0f}" y2="{lower.y:.0f}"/>'
        )
    for box in placed.values():
        parts.append(_box_svg(box))
    parts.append("</svg>")
    return Markup("".join(parts))


def _box_svg(box: Box) -> str:
    """One box: a rounded rectangle with a subtitle and a title, linked when it has a page."""
    x, y = round(box.x), round(box.y)
    # Each part isolated, so that a right-to-left override in one cannot turn the others around (issue 8).
    tooltip = escape(" · ".join(display_text(t) for t in (box.subtitle, box.title, *box.extra) if t))
    # The texts sit in a nested viewport, which clips whatever a long Thai label still overflows.
    body = (
        f'<g class="box {box.kind}"><title>{tooltip}</title>'
        f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="6"/>'
        f'<svg x="{x + 8}" y="{y}" width="{BOX_W - 14}" height="{BOX_H}" overflow="hidden">'
        f'<text class="sub" x="0" y="18">{escape(display_text(shorten(box.subtitle, 30)))}</text>'
        f'<text class="title" x="0" y="40">{escape(display_text(shorten(box.title)))}</text></svg></g>'
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


def indicator_chart(
    target: list[Point], observed: list[Point], year_text: dict[int, str], names: tuple[str, str]
) -> Markup | None:
    """A line chart of targets (dashed) and observed values (solid) by year; None when nothing to draw."""
    points = target + observed
    if not points:
        return None
    width, height, left, right, top, bottom = 640, 280, 64, 20, 20, 50
    years = sorted({p.year for p in points})
    lo, hi = min(p.value for p in points), max(p.value for p in points)
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    pad = (hi - lo) * 0.1
    lo, hi = (0 if lo >= 0 and lo - pad < 0 else lo - pad), hi + pad

    def px(year: int) -> float:
        span = max(1, years[-1] - years[0])
        return left + (width - left - right) * ((year - years[0]) / span if len(years) > 1 else 0.5)

    def py(v: float) -> float:
        return top + (height - top - bottom) * (1 - (v - lo) / (hi - lo))

    base = height - bottom
    parts = [
        f'<svg xmlns="{SVG_NS}" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img">',
        f'<line class="axis" x1="{left}" y1="{base}" x2="{width - right}" y2="{base}"/>',
        f'<line class="axis" x1="{left}" y1="{top}" x2="{left}" y2="{height - bottom}"/>',
    ]
    for i in range(5):
        v = lo + (hi - lo) * i / 4
        parts.append(
            f'<line class="grid" x1="{left}" y1="{py(v):.1f}" x2="{width - right}" y2="{py(v):.1f}"/>'
            f'<text class="tick" x="{left - 6}" y="{py(v) + 4:.1f}" text-anchor="end">{_num(v)}</text>'
        )
    for y in years:
        parts.append(
            f'<text class="tick" x="{px(y):.1f}" y="{height - bottom + 18}" text-anchor="middle">'
            f"{escape(year_text.get(y, str(y)))}</text>"
        )
    for series, cls in ((target, "target"), (observed, "observed")):
        pts = sorted(series, key=lambda p: p.year)
        if len(pts) > 1:
            coords = " ".join(f"{px(p.year):.1f},{py(p.value):.1f}" for p in pts)
            parts.append(f'<polyline class="{cls}" points="{coords}"/>')
        for p in pts:
            parts.append(
                f'<circle class="{cls}" cx="{px(p.year):.1f}" cy="{py(p.value):.1f}" r="4">'
                f"<title>{escape(display_text(p.label))}</title></circle>"
            )
    legend_y = height - 12
    parts.append(
        f'<line class="target" x1="{left}" y1="{legend_y - 4}" x2="{left + 28}" y2="{legend_y - 4}"/>'
        f'<text class="legend" x="{left + 34}" y="{legend_y}">{escape(names[0])}</text>'
        f'<line class="observed" x1="{left + 200}" y1="{legend_y - 4}" x2="{left + 228}" '
        f'y2="{legend_y - 4}"/>'
        f'<text class="legend" x="{left + 234}" y="{legend_y}">{escape(names[1])}</text>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))


def _num(v: float) -> str:
    """A tick value with no more digits than it needs."""
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.2f}".rstrip("0").rstrip(".")
