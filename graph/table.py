"""Plain-text tables whose columns line up in a terminal, Thai text included.

Thai vowel and tone marks above and below the line take no column of their own, and East Asian wide
characters take two, so padding counts display columns, not code points.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence


def display_width(text: str) -> int:
    """Terminal columns `text` takes: combining marks and format characters 0, wide characters 2."""
    width = 0
    for char in text:
        if unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def pad(text: str, width: int, align: str = "l") -> str:
    """Pad `text` with spaces to `width` display columns, on the right (l) or on the left (r)."""
    fill = " " * max(0, width - display_width(text))
    return fill + text if align == "r" else text + fill


def render_table(headers: Sequence[str], rows: Sequence[Sequence[str]], align: str = "") -> str:
    """A table with a header rule; `align` gives one of l/r per column (default left)."""
    cells = [[_one_line(c) for c in row] for row in rows]
    widths = [display_width(h) for h in headers]
    for row in cells:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], display_width(cell))
    aligns = align.ljust(len(headers), "l")

    def line(values: Sequence[str]) -> str:
        return "  ".join(pad(v, w, a) for v, w, a in zip(values, widths, aligns, strict=True)).rstrip()

    out = [line(headers), "  ".join("-" * w for w in widths)]
    out.extend(line(row) for row in cells)
    return "\n".join(out)


def _one_line(text: str) -> str:
    """Show line breaks and tabs inside a cell as escapes so each row stays one line."""
    return text.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
