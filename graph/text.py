"""Normalization of the Thai source texts and the check that a quote stands in them.

pythainlp's `normalize` removes zero-width characters and reorders marks, but it drops a tone mark that
follows a space (PDF extraction puts one there: `อยู ่`) instead of re-attaching it, and it knows nothing
of the `�ำ` that the reform-plan extraction writes for sara am. Those repairs run first. NFKC is never
applied: it decomposes sara am.
"""

from __future__ import annotations

import re
import sys
from functools import cache
from importlib.resources import files
from pathlib import Path

from pythainlp.util import normalize as thai_normalize

# Document keys → file names in graph/sources/.
SOURCES: dict[str, str] = {
    "reform-plan-cr02": "reform-plan-cr02-public-administration.txt",
    "psds-2567-2570": "public-sector-development-strategy-2567-2570.txt",
}

# Thai combining marks: mai han-akat, sara i..uu, phinthu, maitaikhu..yamakkan (tone marks, thanthakhat,
# nikhahit). Sara am (U+0E33) is a spacing vowel but is also split off by the extraction.
_MARKS = "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"
_SPACE_BEFORE_MARK = re.compile(rf"(?<=[\u0e01-\u0e4f])[ \t]+(?=[{_MARKS}\u0e33])")
_BROKEN_SARA_AM = re.compile("\ufffd\\s*\u0e33")
_WHITESPACE = re.compile(r"\s+")


def source_path(doc: str) -> Path:
    """Path of a source document's raw text, by document key."""
    if doc not in SOURCES:
        raise KeyError(f"unknown source document {doc!r}; known: {', '.join(SOURCES)}")
    return Path(str(files("thaiplan.graph").joinpath("sources", SOURCES[doc])))


def normalize_text(raw: str) -> str:
    """Repair PDF-extraction damage in Thai text, then apply pythainlp's normalization line by line."""
    text = _BROKEN_SARA_AM.sub("\u0e33", raw)
    text = _SPACE_BEFORE_MARK.sub("", text)
    return "\n".join(thai_normalize(line) for line in text.split("\n"))


@cache
def normalized_source(doc: str) -> str:
    """The normalized text of a source document (cached: sources do not change while running)."""
    return normalize_text(source_path(doc).read_text(encoding="utf-8"))


def collapse(text: str) -> str:
    """Read every run of whitespace as one space, so that quotes may cross line breaks."""
    return _WHITESPACE.sub(" ", text).strip()


@cache
def _collapsed_source(doc: str) -> str:
    """The normalized source with whitespace collapsed, for quote look-ups."""
    return collapse(normalized_source(doc))


def quote_found(quote: str, doc: str) -> bool:
    """True when the quote (whitespace collapsed) stands word for word in the normalized source."""
    needle = collapse(quote)
    return bool(needle) and needle in _collapsed_source(doc)


def main(argv: list[str]) -> int:
    """`python -m thaiplan.graph.text show DOC` prints a normalized source, for curators to quote from."""
    if len(argv) != 2 or argv[0] != "show" or argv[1] not in SOURCES:
        print(f"usage: python -m thaiplan.graph.text show {{{'|'.join(SOURCES)}}}", file=sys.stderr)
        return 2
    sys.stdout.write(normalized_source(argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
