"""Search keys and tokens of a text, computed the same way for the index and for the user's query.

Thai has no spaces between words: pythainlp's `newmm` segments it, but splits some compounds
differently in a long label than alone (โครงการพัฒนา → โครง + การพัฒนา, while โครงการ alone stays
whole). So the index holds, besides the tokens, every dictionary word that starts or ends at a token
boundary (โครงการ, พัฒนา), and the query is tokenized alone: a query word is then found whichever way
the label was cut. English and codes are lower-cased words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache, lru_cache

from pythainlp.tokenize import word_dict_trie, word_tokenize
from pythainlp.util import Trie, normalize

# Thai digits are read as Arabic digits in keys, so that ๒๕๖๔ finds 2564.
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_SPACE = re.compile(r"\s+")
# What an abbreviation may be written with or without: dots, spaces, hyphens, brackets.
_SQUASH = re.compile(r"[\s.\-–()\[\]/,'\"]+")
_ENGLISH_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "it",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
    ]  # short on purpose
)
# A query is matched on at most this many of its words (the longest); the rest only by substring.
QUERY_TOKENS = 4


# Bounded caches: a national-scale build repeats texts across entities and asks for the key of one text
# several times (key, squash, prefixes, tokens); pythainlp's normalize is the build's slowest step (issue 7).
@lru_cache(maxsize=262144)
def normalize_text(text: str) -> str:
    """Normalize a label or a query: pythainlp repairs, Thai digits as Arabic, one space between words."""
    if not text.isascii():
        # pythainlp's normalize, never NFKC (it breaks sara am); NFC only joins Latin combining marks.
        # ASCII text skips both: they change nothing in it but whitespace, which is collapsed below.
        text = normalize(unicodedata.normalize("NFC", text)).translate(_THAI_DIGITS)
    return _SPACE.sub(" ", text).strip()


@lru_cache(maxsize=262144)
def key(text: str) -> str:
    """The equality key of a text: normalized and lower-cased."""
    return normalize_text(text).casefold()


def squash(text: str) -> str:
    """The key without dots, spaces, hyphens or brackets: กพร. and ก.พ.ร. both become กพร."""
    return _SQUASH.sub("", key(text))


@cache
def _trie() -> Trie:
    """pythainlp's default word dictionary (the one newmm uses) as a trie."""
    return word_dict_trie()


# Thai function words only: pythainlp's stopword list also holds content words (ยืนยัน, ระบบ) that
# planners search for.
_THAI_STOPWORDS = frozenset(
    [
        "และ",
        "หรือ",
        "ของ",
        "ที่",
        "ใน",
        "การ",
        "ความ",
        "เพื่อ",
        "ให้",
        "ได้",
        "มี",
        "เป็น",
        "กับ",
        "จาก",
        "โดย",
        "แก่",
        "ต่อ",
        "ซึ่ง",
        "อย่าง",
        "ด้วย",
        "แห่ง",
        "ไป",
        "มา",
        "จะ",
        "ได้แก่",
        "ตาม",
        "ว่า",
        "นี้",
        "นั้น",
        "อยู่",
        "ทั้ง",
        "ระหว่าง",
    ]
)


def _stopwords() -> frozenset[str]:
    """Thai and English words too common to index as tokens (they are still found by substring)."""
    return _THAI_STOPWORDS | _ENGLISH_STOPWORDS


@lru_cache(maxsize=65536)
def _segments(text_key: str) -> tuple[tuple[int, str], ...]:
    """The newmm tokens of a key with their start offsets, whitespace left out."""
    out, pos = [], 0
    for tok in word_tokenize(text_key, engine="newmm", keep_whitespace=True):
        if tok.strip():
            out.append((pos, tok))
        pos += len(tok)
    return tuple(out)


def _indexable(word: str) -> bool:
    """A word worth indexing: two characters or more, a letter or digit in it, not a stopword."""
    return len(word) >= 2 and any(ch.isalnum() for ch in word) and word not in _stopwords()


def tokens(text: str) -> frozenset[str]:
    """Every indexed word of a text: the words of each of its space-separated chunks."""
    return frozenset().union(*(chunk_words(chunk) for chunk in key(text).split(" ")))


# Bounded: a national-scale build repeats chunks (place kinds, project kinds) across many labels.
@lru_cache(maxsize=262144)
def chunk_words(chunk: str) -> frozenset[str]:
    """The indexed words of one chunk of a key: its tokens plus dictionary words at a token boundary.

    newmm never joins words across a space, so a text's words are the union of its chunks' (issue 7: a
    build segments each distinct chunk once, not each distinct label).
    """
    segs = _segments(chunk)
    words = {tok for _, tok in segs}
    trie = _trie()
    for start, tok in segs:
        # Dictionary words starting here (โครงการ inside โครง|การพัฒนา) ...
        words.update(w for w in trie.prefixes(chunk[start:]) if len(w) >= 3)
        # ... and ending at the end of this token (พัฒนา inside การพัฒนา).
        words.update(tok[i:] for i in range(1, len(tok) - 2) if tok[i:] in trie)
    # A dictionary entry with a space (ปาว ๆ) cannot be a word of a chunk; a query word has no space.
    return frozenset(w for w in words if _indexable(w) and " " not in w)


def word_list(words: Iterable[str]) -> str:
    """Words as one index literal, each between single spaces: a query word is found as ` word `."""
    return " " + " ".join(sorted(words)) + " "


def query_tokens(text: str) -> list[str]:
    """The words of a user's query to match against the index: the longest first, at most a few."""
    seen: list[str] = []
    for _, tok in _segments(key(text)):
        if _indexable(tok) and tok not in seen:
            seen.append(tok)
    # The longest words are the most selective; ties keep the order of the query.
    return sorted(seen, key=len, reverse=True)[:QUERY_TOKENS]
