"""An SVG diagram of the core classes and the object properties between them, drawn from the Turtle."""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from dataclasses import dataclass
from html import escape

import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SDO

from thaiplan.ontology.terms import TP_NS, is_tp

WIDTH, HEIGHT = 980, 720  # the circle the classes sit on; the drawing's extent is measured after
BOX_H = 44
MARGIN = 8
Box = tuple[float, float, float]  # centre x, centre y, width
Point = tuple[float, float]
Rect = tuple[float, float, float, float]  # left, top, right, bottom
CORNERS = ((-1, -1), (-1, 1), (1, -1), (1, 1))
CURVE = 36  # how far an edge bends, so that A→B and B→A do not overlap


def _local(iri: rdflib.term.Node) -> str:
    """The local name of a tp: IRI."""
    return str(iri)[len(TP_NS) :]


def top_class(graph: rdflib.Graph, cls: rdflib.term.Node) -> rdflib.term.Node | None:
    """The top-level tp: class above `cls` (itself if it has no tp: superclass); None if not a tp: class."""
    if not is_tp(cls):
        return None
    seen = {cls}
    while True:
        parents = [p for p in graph.objects(cls, RDFS.subClassOf) if is_tp(p) and p not in seen]
        if not parents:
            return cls
        cls = sorted(parents)[0]
        seen.add(cls)


def _ends(graph: rdflib.Graph, prop: rdflib.term.Node, strict: rdflib.URIRef, loose: rdflib.URIRef) -> set:
    """Top-level tp: classes at one end of a property: its OWL domain/range, else its expected ones."""
    declared = list(graph.objects(prop, strict)) or list(graph.objects(prop, loose))
    return {t for t in (top_class(graph, c) for c in declared) if t is not None}


def core_edges(graph: rdflib.Graph) -> dict[tuple[rdflib.term.Node, rdflib.term.Node], list[str]]:
    """(domain class, range class) → local names of the object properties drawn between them."""
    edges: dict[tuple[rdflib.term.Node, rdflib.term.Node], list[str]] = defaultdict(list)
    props = sorted(p for p in graph.subjects(RDF.type, OWL.ObjectProperty) if is_tp(p))
    for prop in props:
        pairs = {
            (d, r)
            for d in _ends(graph, prop, RDFS.domain, SDO.domainIncludes)
            for r in _ends(graph, prop, RDFS.range, SDO.rangeIncludes)
        }
        for pair in sorted(pairs):
            edges[pair].append(_local(prop))
    return dict(edges)


def _crossings(order: list, pairs: list[tuple]) -> int:
    """How many edges cross when the nodes sit on a circle in this order (chords whose ends interleave)."""
    index = {n: i for i, n in enumerate(order)}
    chords = [tuple(sorted((index[a], index[b]))) for a, b in pairs]
    return sum(
        1 for i, (a, b) in enumerate(chords) for c, d in chords[i + 1 :] if a < c < b < d or c < a < d < b
    )


def _order(graph: rdflib.Graph, nodes: set, pairs: list[tuple]) -> list:
    """Nodes around the circle: the best-connected on top, then pairwise swaps while crossings drop."""
    degree = defaultdict(int)
    for a, b in pairs:
        degree[a] += 1
        degree[b] += 1
    # Deterministic start (degree, then label) so that the drawing does not move between runs.
    order = sorted(nodes, key=lambda n: (-degree[n], str(graph.value(n, RDFS.label) or _local(n))))
    best = _crossings(order, pairs)
    improved = True
    while improved:
        improved = False
        for i in range(1, len(order)):
            for j in range(i + 1, len(order)):
                order[i], order[j] = order[j], order[i]
                score = _crossings(order, pairs)
                if score < best:
                    best, improved = score, True
                else:
                    order[i], order[j] = order[j], order[i]
    return order


def _label(graph: rdflib.Graph, node: rdflib.term.Node, lang: str) -> str:
    """The label of a class in the reader's language, falling back to English and the local name."""
    labels = {o.language: str(o) for o in graph.objects(node, RDFS.label) if isinstance(o, rdflib.Literal)}
    return labels.get(lang) or labels.get("en") or _local(node)


def _box_width(text: str) -> float:
    """A generous width estimate for a label (no font metrics in pure Python)."""
    return max(110.0, 8.0 * len(text) + 24)


def _clip(cx: float, cy: float, w: float, tx: float, ty: float) -> tuple[float, float]:
    """Where the line from the box centre (cx, cy) towards (tx, ty) leaves the box."""
    dx, dy = tx - cx, ty - cy
    if dx == 0 and dy == 0:
        return cx, cy
    scale = min(
        (w / 2 + 4) / abs(dx) if dx else math.inf,
        (BOX_H / 2 + 4) / abs(dy) if dy else math.inf,
    )
    return cx + dx * scale, cy + dy * scale


def _text(x: float, y: float, lines: list[str], css: str) -> str:
    """A centred multi-line SVG text element, every line escaped."""
    first = -(len(lines) - 1) * 0.6
    spans = "".join(
        f'<tspan x="{x:.1f}" dy="{(first if i == 0 else 1.2):.1f}em">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text class="{css}" x="{x:.1f}" y="{y:.1f}" text-anchor="middle">{spans}</text>'


def core_diagram_svg(graph: rdflib.Graph, lang: str = "en") -> str:
    """The SVG (as a string) of the top-level tp: classes and the object properties between them."""
    edges = core_edges(graph)
    pairs = sorted({tuple(sorted(pair)) for pair in edges if pair[0] != pair[1]})
    nodes = _order(graph, {n for pair in edges for n in pair}, pairs)
    cx, cy, rx, ry = WIDTH / 2, HEIGHT / 2, WIDTH / 2 - 120, HEIGHT / 2 - 140
    pos: dict[rdflib.term.Node, tuple[float, float, float]] = {}
    for i, node in enumerate(nodes):
        angle = -math.pi / 2 + 2 * math.pi * i / max(1, len(nodes))
        width = _box_width(_label(graph, node, lang))
        pos[node] = (cx + rx * math.cos(angle), cy + ry * math.sin(angle), width)

    # Rectangles a label must keep clear of: the boxes, then each label already placed.
    taken = [(x - w / 2, y - BOX_H / 2, x + w / 2, y + BOX_H / 2) for x, y, w in pos.values()]
    drawn = [
        _edge_svg(pos[src], pos[dst], [f"tp:{n}" for n in names], (cx, cy), taken)
        for (src, dst), names in sorted(edges.items())
    ]
    points = [p for edge in drawn for p in edge.extent]
    points += [(x + sx * w / 2, y + sy * BOX_H / 2) for x, y, w in pos.values() for sx, sy in CORNERS]
    # The drawing's own extent, so that a loop or a label beyond the circle is never cut off.
    left, top = min(x for x, _ in points) - MARGIN, min(y for _, y in points) - MARGIN
    width, height = max(x for x, _ in points) + MARGIN - left, max(y for _, y in points) + MARGIN - top
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{left:.0f} {top:.0f} {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" aria-label="thaiplan core classes">',
        "<style>.node{fill:#eef6ff;stroke:#0969da;stroke-width:1.5}"
        ".cls{font:600 14px sans-serif;fill:#1b1f23}"
        ".iri{font:11px monospace;fill:#57606a}.edge{fill:none;stroke:#57606a;stroke-width:1.2}"
        ".prop{font:11px monospace;fill:#8250df;paint-order:stroke;stroke:#fff;stroke-width:4px}</style>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" '
        'orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#57606a"/></marker></defs>',
    ]
    parts += [edge.path for edge in drawn]
    for node in nodes:
        x, y, w = pos[node]
        parts.append(
            f'<g id="class-{escape(_local(node))}"><a href="#{escape(_local(node))}">'
            f'<rect class="node" x="{x - w / 2:.1f}" y="{y - BOX_H / 2:.1f}" '
            f'width="{w:.1f}" height="{BOX_H}" rx="6"/>'
            f"{_text(x, y - 5, [_label(graph, node, lang)], 'cls')}"
            f"{_text(x, y + 13, ['tp:' + _local(node)], 'iri')}</a></g>"
        )
    parts += [edge.label for edge in drawn]  # over the boxes: a label is never hidden behind one
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Edge:
    """One drawn arrow: its path, its labels, and the points that bound both."""

    path: str
    label: str
    extent: list[tuple[float, float]]


def _label_spot(s: Point, q: Point, e: Point, labels: list[str], taken: list[Rect]) -> Point:
    """A point on (or just above or below) the curve s–q–e for the labels, clear of `taken` if it can be.

    The labels' rectangle is added to `taken`, so that later labels keep clear of it too.
    """
    spots = []
    for t, shift in itertools.product((0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8), (0, 14, -14, 28, -28)):
        x = (1 - t) ** 2 * s[0] + 2 * (1 - t) * t * q[0] + t**2 * e[0]
        y = (1 - t) ** 2 * s[1] + 2 * (1 - t) * t * q[1] + t**2 * e[1] + shift
        (x0, y0), (x1, y1) = _label_extent(x, y, labels)
        spots.append(((x, y), (x0, y0, x1, y1)))
        if not any(x0 < r[2] and x1 > r[0] and y0 < r[3] and y1 > r[1] for r in taken):
            break
    else:
        spots = spots[:1]  # nowhere clear: the middle
    spot, rect = spots[-1]
    taken.append(rect)
    return spot


def _label_extent(x: float, y: float, labels: list[str]) -> list[tuple[float, float]]:
    """Corners of a centred block of monospace labels (11 px: about 6.7 px a character, 13 px a line)."""
    half_w = max(len(t) for t in labels) * 6.7 / 2 + 4
    half_h = len(labels) * 13.2 / 2 + 4
    return [(x - half_w, y - half_h), (x + half_w, y + half_h)]


def _edge_svg(a: Box, b: Box, labels: list[str], centre: Point, taken: list[Rect]) -> Edge:
    """One arrow (a curve, or a loop when a property links a class to itself) with its labels."""
    (ax, ay, aw), (bx, by, bw) = a, b
    if (ax, ay) == (bx, by):
        # A loop on the side of the box that faces away from the centre of the drawing.
        ox, oy = ax - centre[0], ay - centre[1]
        norm = math.hypot(ox, oy) or 1.0
        ux, uy = ox / norm, oy / norm
        px, py = -uy, ux
        sx, sy = _clip(ax, ay, aw, ax + ux * 100 + px * 30, ay + uy * 100 + py * 30)
        ex, ey = _clip(ax, ay, aw, ax + ux * 100 - px * 30, ay + uy * 100 - py * 30)
        c1 = (sx + ux * 70 + px * 40, sy + uy * 70 + py * 40)
        c2 = (ex + ux * 70 - px * 40, ey + uy * 70 - py * 40)
        path = f"M{sx:.1f},{sy:.1f} C{c1[0]:.1f},{c1[1]:.1f} {c2[0]:.1f},{c2[1]:.1f} {ex:.1f},{ey:.1f}"
        lx, ly = (c1[0] + c2[0]) / 2, (c1[1] + c2[1]) / 2
        curve = [(sx, sy), c1, c2, (ex, ey)]
    else:
        mx, my = (ax + bx) / 2, (ay + by) / 2
        dx, dy = bx - ax, by - ay
        norm = math.hypot(dx, dy) or 1.0
        qx, qy = mx - dy / norm * CURVE * 2, my + dx / norm * CURVE * 2
        sx, sy = _clip(ax, ay, aw, qx, qy)
        ex, ey = _clip(bx, by, bw, qx, qy)
        path = f"M{sx:.1f},{sy:.1f} Q{qx:.1f},{qy:.1f} {ex:.1f},{ey:.1f}"
        lx, ly = _label_spot((sx, sy), (qx, qy), (ex, ey), labels, taken)
        curve = [(sx, sy), (lx, ly), (ex, ey)]
    return Edge(
        path=f'<path class="edge" d="{path}" marker-end="url(#arrow)"/>',
        label=_text(lx, ly, labels, "prop"),
        extent=curve + _label_extent(lx, ly, labels),
    )
