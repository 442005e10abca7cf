"""Normalization of the Thai source texts and the check that a quote stands in them.

The reform-plan text was extracted from a PDF and carries several kinds of damage; the repairs run in
this order, each because a later step relies on it:

1. Private-use glyph variants (U+F700–U+F71A, the "low" tone marks of Thai PDF fonts) are mapped back
   to the Thai characters they draw (`การสร\\uf70bาง` → `การสร้าง`).
2. Every U+FFFD is dropped: the extraction writes one beside sara am (`ด�ำเนิน`, `ต�่ำ`, `ซ�้ำ`,
   `สำ�นักงาน`), where the character it stands for is already present.
3. Spaces before a combining mark or sara am are removed (`อยู ่` → `อยู่`, `อ ำ` → `อำ`).
4. pythainlp's `normalize` runs line by line (mark order such as `ดา้น` → `ด้าน`, duplicate marks).
5. Letter-spaced runs are joined (`ผู้ ส นั บ ส นุ น` → `ผู้สนับสนุน`) without gluing real phrase breaks:
   a space between two Thai runs is removed only when one side is a *fragment* — a run that pythainlp's
   dictionary tokenizer cannot read without short unknown pieces or that cannot start or end a word
   (it starts with a following vowel or mark, or ends with a leading vowel). Between two readable runs
   the space is a phrase break and stays (`ความชัดเจน ไม่ซ้ำซ้อน`). Abbreviations (`อ.ก.พ.`) are never
   fragments. Spaced digits around a decimal point (`5 9 . 9 5`), spaced Latin letters
   (`S k i l l s e t`) and stray spaces inside abbreviations (`ก .พ .ร .`) are closed up too.
6. Marks that the PDF font moved one letter too far (`บรหิาร` → `บริหาร`, `ใหเ้ป็น` → `ให้เป็น`) are
   moved back, one at a time, only while the dictionary reading of the run improves.

Footnote reference numbers in the strategy text (`(Flagship Project)5`, `แนวราบ11`) are left in the
normalized text: deleting digits glued to a word cannot be done safely in a document full of figures,
and curators quote the text as it stands. `footnote_marks` finds them (the numbers 1, 2, 3 … glued to
the end of a word, in document order) so that tools and curators can tell them from figures.

NFKC is never applied: it decomposes sara am. The whole normalization of both documents takes well
under a second (0.55–0.76 s measured, see tests/test_text.py).
"""

from __future__ import annotations

import re
import sys
from functools import cache, lru_cache
from importlib.resources import files
from pathlib import Path

from pythainlp.corpus import thai_words
from pythainlp.tokenize import word_tokenize
from pythainlp.util import normalize as thai_normalize

# Document keys → file names in graph/sources/.
SOURCES: dict[str, str] = {
    "reform-plan-cr02": "reform-plan-cr02-public-administration.txt",
    "psds-2567-2570": "public-sector-development-strategy-2567-2570.txt",
    "national-strategy": "national-strategy-2561-2580-strategies.txt",
}

# Thai combining marks: mai han-akat, sara i..uu, phinthu, maitaikhu..yamakkan (tone marks, thanthakhat,
# nikhahit). Sara am (U+0E33) is a spacing vowel but is also split off by the extraction.
_MARKS = "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"
_SPACE_BEFORE_MARK = re.compile(rf"(?<=[\u0e01-\u0e4f])[ \t]+(?=[{_MARKS}\u0e33])")
_WHITESPACE = re.compile(r"\s+")

# Thai PDF fonts draw shifted variants of marks in the private-use area (the Adobe/Microsoft Thai
# table); the extraction copies those code points instead of the characters.
_PUA_THAI = str.maketrans(
    {
        0xF700: "\u0e10", 0xF701: "\u0e34", 0xF702: "\u0e35", 0xF703: "\u0e36", 0xF704: "\u0e37",
        0xF705: "\u0e48", 0xF706: "\u0e49", 0xF707: "\u0e4a", 0xF708: "\u0e4b", 0xF709: "\u0e4c",
        0xF70A: "\u0e48", 0xF70B: "\u0e49", 0xF70C: "\u0e4a", 0xF70D: "\u0e4b", 0xF70E: "\u0e4c",
        0xF70F: "\u0e0d", 0xF710: "\u0e31", 0xF711: "\u0e4d", 0xF712: "\u0e47", 0xF713: "\u0e48",
        0xF714: "\u0e49", 0xF715: "\u0e4a", 0xF716: "\u0e4b", 0xF717: "\u0e4c", 0xF718: "\u0e38",
        0xF719: "\u0e39", 0xF71A: "\u0e3a",
    }
)  # fmt: skip

# A Thai "word character" run: consonants, vowels and marks (not ฯ, ๆ, digits or ฿).
_THAI_RUN = re.compile("[\u0e01-\u0e2e\u0e30-\u0e3a\u0e40-\u0e45\u0e47-\u0e4e]+")
_NOT_INITIAL = set("\u0e30\u0e31\u0e32\u0e33\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e45") | set(
    "\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e"
)
_LEADING_VOWELS = set("\u0e40\u0e41\u0e42\u0e43\u0e44")
_CONSONANTS = {chr(c) for c in range(0x0E01, 0x0E2F)}
# Marks the PDF font may draw one letter late: above and below vowels and tone marks.
_MOVABLE = set("\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c")
# Short Thai words that stand alone in running text (pythainlp's list lacks some; the others are so
# common that a space beside them is a phrase break, not letter-spacing).
_SHORT_WORDS = frozenset({"ณ", "ฯ", "ๆ", "ก็", "ปี", "ที่", "มี", "ผู้", "ดี", "สู่", "นี้"})
_MARK_SET = set(
    "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e"
)
# The most pieces one letter-spaced word is assumed to be split into.
_MAX_JOIN = 48

_SPACED_DECIMAL = re.compile(r"(?<![\d.])\d(?: [\d.])+(?![\d.])")
_SPACED_LATIN = re.compile(r"(?<![A-Za-z])[A-Za-z]{1,2}(?: [A-Za-z]{1,2}){3,}(?![A-Za-z])")
_SPACE_IN_ABBREVIATION = re.compile(r"(?<=[\u0e01-\u0e2e]) +(?=\.(?:[\u0e01-\u0e2e]|\s|$))", re.MULTILINE)
_SPACE_BEFORE_HYPHEN_NUMBER = re.compile(r"(?<=[\u0e01-\u0e4e]) +(?=-\d)")
_SPACE_BEFORE_CLOSING = re.compile(r"(?<=[A-Za-z\u0e01-\u0e4e]) +(?=\))")
_FOOTNOTE_CANDIDATE = re.compile(r"(?<=[^\s\d.,/\-–])(\d{1,2})(?=[\s\u00a0\u0e01-\u0e4e]|$)")


def source_path(doc: str) -> Path:
    """Path of a source document's raw text, by document key."""
    if doc not in SOURCES:
        raise KeyError(f"unknown source document {doc!r}; known: {', '.join(SOURCES)}")
    return Path(str(files("thaiplan.graph").joinpath("sources", SOURCES[doc])))


@cache
def _dictionary() -> frozenset[str]:
    """pythainlp's Thai word list (loaded once)."""
    return frozenset(thai_words())


@lru_cache(maxsize=65536)
def _unknown_chars(run: str) -> int:
    """How many characters of a Thai run fall in tokens that pythainlp's dictionary does not know."""
    words = _dictionary()
    if run in words:
        return 0
    return sum(
        len(token)
        for token in word_tokenize(run, engine="newmm", keep_whitespace=False)
        if token not in words and token not in _SHORT_WORDS
    )


def _broken_edges(run: str) -> int:
    """How many edges of a Thai run no word can have: a following vowel first, a leading vowel last."""
    return (run[0] in _NOT_INITIAL) + (run[-1] in _LEADING_VOWELS or run[-1] == "\u0e31")


@lru_cache(maxsize=65536)
def _cost(run: str) -> float:
    """How badly the dictionary reads a Thai run: unknown characters plus impossible word edges."""
    return _unknown_chars(run) + 2 * _broken_edges(run) if run else 0


def _is_fragment(run: str) -> bool:
    """True when a Thai run cannot be read as whole words: perhaps a piece of a letter-spaced word."""
    return bool(run) and _cost(run) > 0


def _single_cluster(run: str) -> bool:
    """True for a run of at most one base letter with its marks (`ส`, `นั`, `ผู้`), not a known word."""
    return run not in _SHORT_WORDS and sum(ch not in _MARK_SET for ch in run) <= 1


def _edge_run(piece: str, at_end: bool) -> str:
    """The Thai run at one edge of a space-separated piece, or '' when that edge is not Thai."""
    runs = list(_THAI_RUN.finditer(piece))
    if not runs:
        return ""
    run = runs[-1] if at_end else runs[0]
    if at_end and run.end() != len(piece):
        return ""
    if not at_end and run.start() != 0:
        return ""
    # A run next to a dot is an abbreviation (อ.ก.พ., ครม.), never a piece of a spaced word.
    before = piece[run.start() - 1] if run.start() > 0 else ""
    after = piece[run.end()] if run.end() < len(piece) else ""
    if "." in (before, after):
        return ""
    return run.group()


def _gap_cost(left: str, right: str) -> float:
    """The price of removing the space between two pieces: cheap beside a lone letter, dear elsewhere."""
    return -0.5 if _single_cluster(left) or _single_cluster(right) else 0.5


def _best_joins(pieces: list[str]) -> list[bool]:
    """For the gaps of a run of Thai pieces, which to remove so the dictionary reads the run best (DP)."""
    n = len(pieces)
    best: list[float] = [0.0] + [float("inf")] * n
    choice = [0] * (n + 1)
    for j in range(1, n + 1):
        for i in range(max(0, j - _MAX_JOIN), j):
            joined = "".join(pieces[i:j])
            gaps = sum(_gap_cost(pieces[k], pieces[k + 1]) for k in range(i, j - 1))
            cost = best[i] + _cost(joined) + gaps
            if cost < best[j]:
                best[j], choice[j] = cost, i
    remove = [False] * (n - 1)
    j = n
    while j > 0:
        i = choice[j]
        for k in range(i, j - 1):
            remove[k] = True
        j = i
    return remove


def _join_letter_spaced(line: str) -> str:
    """Remove the spaces of a line that split a Thai word, keeping the spaces between phrases."""
    parts = re.split(r"( +)", line)
    if len(parts) < 3:
        return line
    pieces, gaps = parts[0::2], parts[1::2]
    # A gap is in question only between two Thai edges one of which the dictionary cannot read;
    # runs of such gaps are decided together, every other space is kept.
    open_gap = []
    for k in range(len(gaps)):
        left, right = _edge_run(pieces[k], at_end=True), _edge_run(pieces[k + 1], at_end=False)
        suspect = any(_is_fragment(run) or _single_cluster(run) for run in (left, right))
        open_gap.append(bool(left and right) and suspect)
    remove = [False] * len(gaps)
    k = 0
    while k < len(gaps):
        if not open_gap[k]:
            k += 1
            continue
        end = k
        while end < len(gaps) and open_gap[end]:
            end += 1
        edges = [_edge_run(pieces[k], at_end=True)]
        edges += [pieces[m] for m in range(k + 1, end)]
        edges.append(_edge_run(pieces[end], at_end=False))
        if all(_THAI_RUN.fullmatch(p) for p in edges):
            remove[k:end] = _best_joins(edges)
        k = end
    out = [pieces[0]]
    for gap, piece, drop in zip(gaps, pieces[1:], remove, strict=True):
        out.append(piece if drop else gap + piece)
    return "".join(out)


def _mark_moves(run: str) -> list[str]:
    """Every run obtained by moving one mark back over the letter (and its marks) before it."""
    moves = []
    for i, char in enumerate(run):
        if char not in _MOVABLE or i < 2:
            continue
        k = i - 1
        while k > 0 and run[k] in _MOVABLE:
            k -= 1
        if run[k] not in _CONSONANTS and run[k] not in _LEADING_VOWELS:
            continue
        if run[k - 1] not in _CONSONANTS and run[k - 1] not in _MOVABLE:
            continue
        moves.append(thai_normalize(run[:k] + char + run[k:i] + run[i + 1 :]))
    return moves


def _repair_marks(run: str) -> str:
    """Move marks drawn one letter too late back while the dictionary reads the run better; keep the
    run as it was unless it then reads as known words throughout."""
    best, score = run, _cost(run)
    while score > 0:
        candidates = [(_cost(m), m) for m in _mark_moves(best)]
        if not candidates:
            break
        new_score, new = min(candidates)
        if new_score >= score:
            break
        best, score = new, new_score
    return best if score == 0 else run


def _repair_runs(line: str) -> str:
    """Repair displaced marks in each Thai run of a line that the dictionary cannot read."""
    return _THAI_RUN.sub(lambda m: _repair_marks(m.group()) if _is_fragment(m.group()) else m.group(), line)


def _close_spaced_tokens(line: str) -> str:
    """Close up spaced decimals, spaced Latin words and spaces inside Thai abbreviations."""
    line = _SPACED_DECIMAL.sub(_join_spaced_decimal, line)
    line = _SPACED_LATIN.sub(_join_spaced_latin, line)
    line = _SPACE_IN_ABBREVIATION.sub("", line)
    line = _SPACE_BEFORE_HYPHEN_NUMBER.sub("", line)
    return _SPACE_BEFORE_CLOSING.sub("", line)


def _join_spaced_decimal(match: re.Match[str]) -> str:
    """Join spaced digits (`5 9 . 9 5`) only when a spaced decimal point shows they are one number."""
    return match.group().replace(" ", "") if " . " in match.group() else match.group()


def _join_spaced_latin(match: re.Match[str]) -> str:
    """Join a run of spaced Latin letters (`S k i l l s e t`) when most pieces are single letters."""
    pieces = match.group().split(" ")
    singles = sum(len(p) == 1 for p in pieces)
    return "".join(pieces) if singles * 3 >= len(pieces) * 2 else match.group()


def _letter_spaced(line: str) -> bool:
    """True when a line holds a lone Thai letter between spaces: the sign of letter-spacing."""
    return any(_THAI_RUN.fullmatch(p) and _single_cluster(p) for p in line.split(" "))


def normalize_line(line: str) -> str:
    """Normalize one line whose PUA glyphs, U+FFFD and spaces before marks are already repaired."""
    line = thai_normalize(line)
    # Marks are repaired before spaces are joined, except on letter-spaced lines whose pieces would
    # be "repaired" into wrong short words before they are joined.
    if not _letter_spaced(line):
        line = _repair_runs(line)
    line = _close_spaced_tokens(line)
    return _repair_runs(_join_letter_spaced(line))


def normalize_text(raw: str) -> str:
    """Repair PDF-extraction damage in Thai text and apply pythainlp's normalization, line by line."""
    text = raw.translate(_PUA_THAI).replace("\ufffd", "")
    text = _SPACE_BEFORE_MARK.sub("", text)
    return "\n".join(normalize_line(line) for line in text.split("\n"))


def footnote_marks(text: str) -> list[tuple[int, str]]:
    """Offsets and numbers of footnote marks: 1, 2, 3 … glued to a word's end, in document order.

    A mark glued to a figure (`อันดับที่ 204`: rank 20, footnote 4) cannot be told from the figure by
    its form; the sequence then skips that number, and the skip tells curators where to look."""
    marks: list[tuple[int, str]] = []
    for m in _FOOTNOTE_CANDIDATE.finditer(text):
        last = int(marks[-1][1]) if marks else 0
        if last < int(m.group(1)) <= last + 2:
            marks.append((m.start(1), m.group(1)))
    return marks


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
    """`python -m thaiplan.graph.text.normalize show DOC` prints a normalized source, to quote from."""
    if len(argv) != 2 or argv[0] != "show" or argv[1] not in SOURCES:
        print(f"usage: python -m thaiplan.graph.text.normalize show {{{'|'.join(SOURCES)}}}", file=sys.stderr)
        return 2
    sys.stdout.write(normalized_source(argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
