"""Bound values written into the query text, for stores that take no bindings (remote SPARQL endpoints).

pyoxigraph binds values with `substitutions=`; a SPARQL endpoint takes only text. Every group graph
pattern of the query gets a one-row `VALUES` block whose terms are rendered by pyoxigraph's N-Triples
serializer (escaped and typed: the user's text is never spliced into the SPARQL). Putting the row into
every group, not only the outermost, gives the answers binding up front gives: a FILTER in a nested group
or a sub-select sees the value too. The server's workers use it for a remote store (`RemoteSnapshot`); on
the embedded store they bind with `substitutions=`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pyoxigraph as ox
from thaiplan.queries.execute import Term

# One token of SPARQL: what can hide a `{` or a `?` (comments, strings, IRIs) is consumed whole.
_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
              |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_]+)
  | (?P<word>[A-Za-z_][A-Za-z0-9_-]*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_VARIABLE = re.compile(r"[A-Za-z0-9_]+")


def term_text(term: Term) -> str:
    """A term in SPARQL syntax, written by pyoxigraph (N-Triples form: `<iri>`, `"text"@th`, typed)."""
    if not isinstance(term, ox.NamedNode | ox.Literal):
        # A blank node in VALUES is a syntax error; bound values are IRIs and literals.
        raise ValueError(f"only IRIs and literals can be bound, not {term!r}")
    return str(term)


def values_block(bindings: Mapping[str, Term]) -> str:
    """A one-row VALUES block of the bindings."""
    names = sorted(bindings)
    terms = " ".join(term_text(bindings[n]) for n in names)
    return f"VALUES ({' '.join('?' + n for n in names)}) {{ ({terms}) }}"


def bind_inline(sparql: str, bindings: Mapping[str, Term] | None) -> str:
    """The query with a VALUES row of `bindings` opening every group graph pattern."""
    if not bindings:
        return sparql
    for name in bindings:
        if not _VARIABLE.fullmatch(name):
            raise ValueError(f"not a SPARQL variable name: {name!r}")
    block = values_block(bindings)
    tokens = [(m.lastgroup, m.group()) for m in _TOKEN.finditer(sparql)]
    out: list[str] = []
    skip_next_brace = False  # the `{` after VALUES, CONSTRUCT, MINUS or DATA is not a group to bind in
    skip_depth = 0  # inside a VALUES data block, a CONSTRUCT template or a MINUS group
    for i, (kind, text) in enumerate(tokens):
        out.append(text)
        if kind == "word" and text.upper() in ("VALUES", "CONSTRUCT", "MINUS") and not skip_depth:
            skip_next_brace = True
        elif kind == "other" and text == "{":
            if skip_depth or skip_next_brace:
                skip_depth += 1
                skip_next_brace = False
            elif _next_word(tokens, i + 1) != "SELECT":  # a sub-select's group holds nothing else
                out.append(f" {block} ")
        elif kind == "other" and text == "}":
            skip_depth = max(0, skip_depth - 1)
        elif kind == "word" and text.upper() == "WHERE":
            skip_next_brace = False  # CONSTRUCT WHERE { … }: the short form's pattern is a group
    return "".join(out)


def _next_word(tokens: list[tuple[str | None, str]], start: int) -> str | None:
    """The next keyword or punctuation after `start`, upper-cased, skipping space and comments."""
    for kind, text in tokens[start:]:
        if kind not in ("space", "comment"):
            return text.upper()
    return None
