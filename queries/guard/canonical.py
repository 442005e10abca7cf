"""The SPARQL query text the engine runs: the user's text read into tokens and written out again, canonically.

Issue 13: the guard once checked a query with rdflib's parser while pyoxigraph ran it, and the two read
some texts differently (a `#` comment ends at `\\r` for Oxigraph, only at `\\n` for rdflib), so a SERVICE
the guard never saw reached the network. No well-kept Python library exposes Oxigraph's own parse
(pyoxigraph 0.5 gives no algebra), so this module is hand-written: a lexer for the terminals of the
SPARQL 1.1 grammar (with SPARQL 1.2's triple-term punctuation and base directions), whose token stream the
checks read (`queries/guard/safety.py`), and which writes the text the engine is given. That text is built
so that any conformant parser, Oxigraph's rust-peg one included, reads the same tokens back:

- no comments, one space between tokens (a language tag stays glued to its string);
- every IRI absolute (relative ones resolved against BASE or the request's base by pyoxigraph's own IRI
  code), every prefixed name expanded to `<…>`, PREFIX declarations left out, the base in force written
  once, as the first declaration (IRI() and URI() of a string resolve against it): Oxigraph matches
  keywords without a word boundary, so `SERVICE:x`, read as a prefixed name here, could be read there as
  the keyword SERVICE and the IRI `:x`; an IRIREF starting with a scheme cannot be read as anything else;
- keywords upper case (`a`, `true`, `false` as the grammar spells them); a bare word that is no keyword of
  the grammar is a syntax error here, never passed on;
- strings in one form: `"…"` with `\\"`, `\\\\`, `\\n`, `\\r`, `\\t`, `\\b`, `\\f` escaped; a `u`/`U` right
  after a backslash written `\\u0075`/`\\u0055`, so the text holds no `\\u` that a parser unescaping code
  points over the whole text (SPARQL 1.1 §19.2, Jena) could read differently from one unescaping only in
  strings and IRIs (Oxigraph 0.5, SPARQL 1.2): both read the same characters.

Codepoint escapes (`\\uXXXX`, `\\UXXXXXXXX`) are read where Oxigraph 0.5 reads them, inside strings and
IRIs (a probe: `\\u0053ELECT` is a syntax error for pyoxigraph 0.5.13, `"\\u0022"` is the string `"`).
Elsewhere a backslash is a syntax error here too. Measured cost (`bench/guard.py`): linear, one regular
expression match per token, 3–14 µs a token on the shared, loaded 2-CPU machine (a 412 KB VALUES query:
0.14–0.7 s; pyoxigraph's own parse of it 0.01–0.1 s); to be measured again on a quiet machine.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

import pyoxigraph as ox

from thaiplan.errors import InputError
from thaiplan.queries.guard.nesting import Nesting

# SPARQL's PN_CHARS_BASE, PN_CHARS_U and PN_CHARS (names of variables and prefixed names may be Thai).
_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_U = _BASE + "_"
_CHARS = _U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PREFIX = rf"[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?"
_LOCAL = rf"(?:[{_U}:0-9]|{_PLX})(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?"
_EXP = "[eE][+-]?[0-9]+"
_HEX4 = "[0-9A-Fa-f]{4}"
_UCHAR = rf"\\u{_HEX4}|\\U[0-9A-Fa-f]{{8}}"

# One alternative per terminal, tried in order at each position; `error` catches anything else.
_TOKEN = re.compile(
    rf"""
    (?:[\x20\t\r\n]+|\#[^\r\n]*)*  # spaces and comments before the token, skipped
    (?:
    (?P<string>'''(?:(?:''?)?(?:[^'\\]|\\[\s\S]))*'''|\"\"\"(?:(?:""?)?(?:[^"\\]|\\[\s\S]))*\"\"\"
              |'(?:[^'\\\n\r]|\\[\s\S])*'|"(?:[^"\\\n\r]|\\[\s\S])*")
  | (?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|{_UCHAR})*>)
  | (?P<var>[?$][{_U}0-9][{_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*)
  | (?P<bnode>_:[{_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?)
  | (?P<pname>(?:{_PREFIX})?:(?:{_LOCAL})?)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*(?:--[A-Za-z]+)?)
  | (?P<number>[+-]?(?:[0-9]+\.[0-9]*{_EXP}|\.[0-9]+{_EXP}|[0-9]+{_EXP}|[0-9]*\.[0-9]+|[0-9]+))
  | (?P<word>[A-Za-z][A-Za-z0-9_]*)
  | (?P<punct><<\(|\)>>|<<|>>|\{{\||\|}}|\^\^|&&|\|\||!=|<=|>=|[{{}}()\[\],;.^|!=<>+\-*/?~])
  | (?P<error>[\s\S])
  | (?P<end>$)
    )
    """,
    re.VERBOSE,
)

# Less-than (or less-or-equal) where an expression expects an operator: never the start of an IRI.
_LESS_THAN = re.compile(r"(?:[\x20\t\r\n]+|\#[^\r\n]*)*(?P<punct><=?)")

# Every bare word of the SPARQL 1.1 query and update grammars, SPARQL 1.2's and Oxigraph's additions.
KEYWORDS = frozenset(
    [
        "BASE", "PREFIX", "VERSION", "SELECT", "CONSTRUCT", "DESCRIBE", "ASK", "DISTINCT", "REDUCED",
        "AS", "FROM", "NAMED", "WHERE", "GROUP", "BY", "HAVING", "ORDER", "ASC", "DESC", "LIMIT",
        "OFFSET", "VALUES", "UNDEF", "OPTIONAL", "GRAPH", "SERVICE", "SILENT", "BIND", "MINUS", "UNION",
        "FILTER", "LATERAL", "NOT", "IN", "EXISTS", "SEPARATOR", "COUNT", "SUM", "MIN", "MAX", "AVG",
        "SAMPLE", "GROUP_CONCAT", "STR", "LANG", "LANGMATCHES", "LANGDIR", "DATATYPE", "BOUND", "IRI",
        "URI", "BNODE", "RAND", "ABS", "CEIL", "FLOOR", "ROUND", "CONCAT", "SUBSTR", "STRLEN", "REPLACE",
        "UCASE", "LCASE", "ENCODE_FOR_URI", "CONTAINS", "STRSTARTS", "STRENDS", "STRBEFORE", "STRAFTER",
        "YEAR", "MONTH", "DAY", "HOURS", "MINUTES", "SECONDS", "TIMEZONE", "TZ", "NOW", "UUID",
        "STRUUID", "MD5", "SHA1", "SHA256", "SHA384", "SHA512", "COALESCE", "IF", "STRLANG",
        "STRLANGDIR", "STRDT", "SAMETERM", "ISIRI", "ISURI", "ISBLANK", "ISLITERAL", "ISNUMERIC",
        "REGEX", "HASLANG", "HASLANGDIR", "TRIPLE", "SUBJECT", "PREDICATE", "OBJECT", "ISTRIPLE",
        "ADJUST", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "INSERT", "DELETE", "WITH",
        "DATA", "USING", "TO", "INTO", "ALL", "DEFAULT",
    ]
)
# The grammar spells these in lower case; Oxigraph accepts no other case for `true` and `false`.
LOWER_WORDS = frozenset({"a", "true", "false"})
UPDATE_WORDS = frozenset(
    {"LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "INSERT", "DELETE", "WITH"}
)
QUERY_FORMS = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_ESCAPE = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_ESCAPED = re.compile(r'[\\"\n\r\t\b\f]')
_STRING_ESCAPE = re.compile(rf"{_UCHAR}|\\[\s\S]")
_UCHAR_RE = re.compile(_UCHAR)
_IRI_FORBIDDEN = re.compile(r'[<>"{}|^`\\\x00-\x20]')
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_PLX_ESCAPE = re.compile(r"\\(.)")
# The subject and predicate of the documents whose Turtle parser resolves relative IRIs.
_PROBE = "urn:thaiplan:resolve"


class Token(NamedTuple):
    """One terminal: its kind (a group name of `_TOKEN`), its text as written and where it starts."""

    kind: str
    text: str
    start: int


@dataclass(frozen=True)
class Canonical:
    """A query as the engine will read it, and the facts the checks need, all from one token stream."""

    text: str
    # The canonical token texts: BASE and its IRI first when there is a base, then one per token of the
    # query after its BASE and PREFIX declarations.
    words: tuple[str, ...]
    # Offsets into the user's text of each canonical token, for error positions.
    starts: tuple[int, ...]


class Position:
    """Line and column (1-based, in characters) of offsets in a text."""

    def __init__(self, text: str) -> None:
        self.breaks = [i for i, c in enumerate(text) if c == "\n"]

    def at(self, offset: int) -> tuple[int, int]:
        """The line and column of `offset`."""
        line = bisect.bisect_left(self.breaks, offset)
        column = offset - (self.breaks[line - 1] + 1 if line else 0) + 1
        return line + 1, column


def syntax_error(text: str, offset: int, message: str) -> InputError:
    """An InputError naming the line and column of `offset` in the user's text."""
    line, column = Position(text).at(offset)
    return InputError(f"SPARQL syntax error at line {line}, column {column}: {message}")


def tokens(text: str) -> Iterator[Token]:
    """The significant tokens of `text` (no spaces or comments); InputError at an unreadable character.

    Inside an expression, right after an operand, `<` is the less-than operator, not an IRI's start
    (`queries/guard/nesting.py`: pyoxigraph reads `?a<?b&&?b>?a` so, and so does the grammar).
    """
    nesting = Nesting()
    at = 0
    while True:
        match = _LESS_THAN.match(text, at) if nesting.expects_operator() else None
        if match is None:
            match = _TOKEN.match(text, at)
            assert match is not None  # `error` and `end` leave no position unmatched
        kind = match.lastgroup or "end"
        if kind == "end":
            return
        start = match.start(kind)
        if kind == "error":
            raise syntax_error(text, start, _unexpected(text, start))
        token = Token(kind, match.group(kind), start)
        try:
            nesting.feed(token)
        except InputError as exc:
            raise syntax_error(text, start, str(exc)) from None
        yield token
        at = match.end()


def _unexpected(text: str, offset: int) -> str:
    """Why the character at `offset` starts no token."""
    if text[offset : offset + 2] in ("\\u", "\\U"):
        return "a \\u or \\U escape is read only inside a string or an IRI (SPARQL 1.2, as pyoxigraph)"
    return f"unexpected character {text[offset]!r}"


def word(token: Token) -> str | None:
    """A bare word's keyword in canonical case (None for other tokens); InputError for unknown words."""
    if token.kind != "word":
        return None
    if token.text in LOWER_WORDS:
        return token.text
    upper = token.text.upper()
    if upper in ("TRUE", "FALSE"):
        return upper.lower()
    if upper not in KEYWORDS:
        raise InputError(f"{token.text!r} is not a SPARQL keyword")
    return upper


def string_value(token: Token) -> str:
    """The characters a string token stands for (its escapes read); InputError for a bad escape."""
    quote = 3 if token.text[:3] in ('"""', "'''") else 1
    body = token.text[quote:-quote]
    if "\\" not in body:
        return body

    def unescape(match: re.Match[str]) -> str:
        """One escape sequence's character."""
        seq = match.group()
        if seq[1] in "uU":
            return codepoint(seq[2:])
        if seq[1] not in _ECHAR:
            raise InputError(f"{seq!r} is not an escape sequence of SPARQL strings")
        return _ECHAR[seq[1]]

    return _STRING_ESCAPE.sub(unescape, body)


def codepoint(hex_digits: str) -> str:
    """The character of a `\\u`/`\\U` escape; InputError for surrogates and values beyond Unicode."""
    value = int(hex_digits, 16)
    if 0xD800 <= value <= 0xDFFF or value > 0x10FFFF:
        raise InputError(f"\\u{hex_digits} is not a Unicode character")
    return chr(value)


def string_text(value: str) -> str:
    """A string value as canonical SPARQL: double quotes, escapes for the few characters that need one."""
    if not _ESCAPED.search(value):
        return f'"{value}"'
    text = _ESCAPED.sub(lambda m: _ESCAPE[m.group()], value)
    # A `u` after an escaped backslash is written as a code point, so no `\u` is left for a parser that
    # unescapes code points over the whole text to read (see the module docstring).
    return '"' + text.replace("\\\\u", "\\\\\\u0075").replace("\\\\U", "\\\\\\u0055") + '"'


def iri_value(token: Token) -> str:
    """The IRI an IRIREF token stands for (its `\\u` escapes read); InputError for a forbidden character."""
    value = token.text[1:-1]
    if "\\" not in value:
        return value  # the lexer let no forbidden character in
    value = _UCHAR_RE.sub(lambda m: codepoint(m.group()[2:]), value)
    bad = _IRI_FORBIDDEN.search(value)
    if bad:
        raise InputError(f"the IRI <{value}> holds {bad.group()!r}, which IRIs may not contain")
    return value


def resolve(iris: list[str], base: str | None) -> list[str]:
    """The IRIs made absolute against `base` by pyoxigraph's own IRI code (the SPARQL parser's resolution)."""
    relative = [i for i in iris if not _SCHEME.match(i)]
    if not relative:
        return iris
    if base is None:
        raise InputError(f"the relative IRI <{relative[0]}> needs a BASE")
    document = "".join(f"<{i}> <{_PROBE}> <{_PROBE}> .\n" for i in relative)
    try:
        quads = ox.parse(document, format=ox.RdfFormat.TURTLE, base_iri=base)
        resolved = iter([q.subject.value for q in quads])
    except (SyntaxError, ValueError) as exc:
        raise InputError(f"an IRI cannot be resolved against the base <{base}>: {exc}") from None
    return [i if _SCHEME.match(i) else next(resolved) for i in iris]


def canonicalize(text: str, base_iri: str | None = None) -> Canonical:
    """The query's canonical text and token stream; InputError (with line and column) for unreadable text."""
    if base_iri is not None and (_IRI_FORBIDDEN.search(base_iri) or not _SCHEME.match(base_iri)):
        # The request's base is written into the canonical text: it must be one absolute IRI, nothing more.
        raise InputError(f"the base IRI {base_iri!r} is not an absolute IRI")
    stream = list(tokens(text))
    prefixes: dict[str, str] = {}
    first, base = _prologue(text, stream, prefixes, base_iri)
    words: list[str] = []
    starts: list[int] = []
    glued: set[int] = set()  # canonical tokens written without a space before them
    # IRIs to resolve at the end, in one call: (index of the canonical token, the IRI as written).
    pending: list[tuple[int, str]] = []
    for token in stream[first:]:
        kind, written = token.kind, token.text
        try:
            if kind == "word":
                written = word(token) or ""
            elif kind == "string":
                written = string_text(string_value(token))
            elif kind == "iri":
                pending.append((len(words), iri_value(token)))
            elif kind == "pname":
                written = f"<{expand(written, prefixes)}>"
            elif kind == "lang" or (written == "(" and words and words[-1][:1].isalpha()):
                # A language tag belongs to its string; Oxigraph 0.5 takes no space between some function
                # names and their `(` (COALESCE, CONCAT).
                glued.add(len(words))
        except InputError as exc:
            raise syntax_error(text, token.start, str(exc)) from None
        words.append(written)  # var, bnode, number, punct: as written (no character needs escaping)
        starts.append(token.start)
    if pending:
        try:
            absolute = resolve([iri for _, iri in pending], base)
        except InputError as exc:
            raise syntax_error(text, starts[pending[0][0]], str(exc)) from None
        for (index, _), iri in zip(pending, absolute, strict=True):
            words[index] = f"<{iri}>"
    if base is not None:
        # Every IRI above is absolute already; the base is still needed by IRI() and URI() on a string.
        words[:0], starts[:0] = ["BASE", f"<{base}>"], [0, 0]
        glued = {i + 2 for i in glued}
    canonical = "".join(w if i in glued or not i else " " + w for i, w in enumerate(words))
    return Canonical(canonical, tuple(words), tuple(starts))


def _prologue(
    text: str, stream: list[Token], prefixes: dict[str, str], base: str | None
) -> tuple[int, str | None]:
    """Read the BASE and PREFIX declarations at the start; the index of the first other token and the base."""
    i = 0
    while i < len(stream):
        keyword = stream[i].text.upper() if stream[i].kind == "word" else None
        try:
            if keyword == "BASE" and i + 1 < len(stream) and stream[i + 1].kind == "iri":
                (base,) = resolve([iri_value(stream[i + 1])], base)
                i += 2
            elif keyword == "PREFIX" and i + 2 < len(stream) and stream[i + 1].kind == "pname" \
                    and stream[i + 1].text.endswith(":") and stream[i + 2].kind == "iri":
                (prefixes[stream[i + 1].text[:-1]],) = resolve([iri_value(stream[i + 2])], base)
                i += 3
            else:
                return i, base
        except InputError as exc:
            raise syntax_error(text, stream[i].start, str(exc)) from None
    return i, base


def expand(pname: str, prefixes: dict[str, str]) -> str:
    """A prefixed name's IRI, as SPARQL defines it (the local part's `\\` escapes dropped)."""
    prefix, local = pname.split(":", 1)
    if prefix not in prefixes:
        raise InputError(f"the prefix {prefix}: is not declared (add PREFIX {prefix}: <…>)")
    iri = prefixes[prefix] + _PLX_ESCAPE.sub(r"\1", local)
    bad = _IRI_FORBIDDEN.search(iri)
    if bad:
        raise InputError(f"the prefixed name {pname} makes the IRI <{iri}>, which holds {bad.group()!r}")
    return iri
