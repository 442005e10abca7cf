"""Bound values written into the query text, for stores that take no bindings (remote SPARQL endpoints).

Over 400 lines because it is one reader of the SPARQL query grammar (`_Reader`) whose methods share the
token position and the stack of open groups: split across modules they would pass that state around.

pyoxigraph binds values with `substitutions=`; a SPARQL endpoint takes only text. The server's workers use
this module for a remote store (`RemoteStore`); on the embedded store they bind with `substitutions=`,
and the text written here must give the same answers.

What `substitutions=` means (pyoxigraph 0.5, checked in tests/test_inline_issue7.py): evaluation starts
from a solution that binds the variable, so the variable has its value in every group of the query,
MINUS's right side included, and in the projection, GROUP BY and ORDER BY; a sub-select that does not
project the variable has a variable of its own by that name, which stays free.

The text is rewritten token by token (a small reader of the SPARQL 1.1 query grammar; comments, strings
and IRIs are read whole, so a `?x` or a brace inside them is never touched):

- **Written in place**, as the term's N-Triples text (pyoxigraph's serializer: escaped, typed, never the
  user's text spliced raw), wherever the grammar takes a term and the meaning is the same: a triple
  pattern's object; its subject when the value is an IRI; its predicate and `GRAPH`'s name when the
  value is an IRI; a variable inside a FILTER's or BIND's expression, a function argument, and
  `EXISTS { … }` groups. The engine then sees a constant, so it looks the value up instead of matching
  the pattern against the whole graph and joining the value afterwards (issue 7: seconds → milliseconds
  at 1M triples).
- **Kept a variable**, bound by a one-row `VALUES` block in the group graph pattern that needs it, where
  it must stay one: the SELECT projection and its expressions, GROUP BY, HAVING and ORDER BY (all read
  after grouping, where a constant would not mean "the group's value": the row goes into that SELECT's
  WHERE group, outer or sub-select), `SELECT *`, CONSTRUCT templates and DESCRIBE, `BOUND(?x)`,
  `AS ?x` (the row then goes after the BIND, where a VALUES before it would be a syntax error), VALUES
  heads, `SERVICE ?x`. A literal is also kept a variable as a subject (the grammar allows it there, but
  some stores refuse it, and it matches nothing anyway), as a predicate or as a graph name (a syntax
  error written in place).
- **MINUS**: binding the variable up front puts it into both sides' solutions, so MINUS always shares
  it, even when its pattern does not name it (then it removes every row). Written in place only, the
  variable would not be shared; so a MINUS group, and the group it is in (before it), also get the row.
- A sub-select that does not project the variable is left as written.
- **UNION**: when one branch binds the variable (a sub-select projecting it, a row) and another does not,
  the other gets the row too. SPARQL keeps both branches' solutions when they meet a row; Virtuoso 7.2
  joins as SQL does and dropped those without the variable (trace-down lost 21 of its 22 rows).
- No row elsewhere: a row in every group, even one whose variable no pattern names any more, makes
  pyoxigraph as slow as the old text (measured: trace-up 850 ms at 1M triples with rows everywhere,
  8 ms without). OPTIONAL groups are not given this care: one that keeps the variable (BOUND, a literal
  as predicate) next to a row outside it is still a Virtuoso risk; the project's queries have none.

Blank nodes are refused (a blank node in a query is a variable, not a value). A bound variable that
does not occur in the query is ignored. Text this reader does not understand is a ValueError, never a
guess: every `.rq` file of the project is read by it in the tests.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox

from thaiplan.queries.execute import Term

# SPARQL's PN_CHARS_BASE (names of variables and prefixed names may use Thai and other scripts).
_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_CHARS = _BASE + r"_\-0-9\u00b7\u0300-\u036f\u203f-\u2040"  # PN_CHARS
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PNAME = (
    rf"(?:[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?)?:"
    rf"(?:(?:[{_BASE}_:0-9]|{_PLX})(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?)?"
)
_EXP = "(?:[eE][+-]?[0-9]+)"
# One token of SPARQL: what can hide a `{` or a `?` (comments, strings, IRIs) is consumed whole.
_TOKEN = re.compile(
    rf"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
              |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][{_BASE}_0-9][{_BASE}_0-9\u00b7\u0300-\u036f\u203f-\u2040]*)
  | (?P<bnode>_:[{_BASE}_0-9](?:[{_CHARS}.]*[{_CHARS}])?)
  | (?P<pname>{_PNAME})
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<number>[+-]?(?:[0-9]*\.[0-9]+{_EXP}?|[0-9]+\.[0-9]*{_EXP}|[0-9]+{_EXP}?))
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<other>\^\^|&&|\|\||!=|<=|>=|.)
    """,
    re.VERBOSE | re.DOTALL,
)
_VARIABLE = re.compile(r"[A-Za-z0-9_]+")
_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
_MODIFIERS = ("GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES")


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
    """The query with `bindings` written in: as terms where the grammar allows, else by VALUES rows."""
    if not bindings:
        return sparql
    for name, term in bindings.items():
        if not _VARIABLE.fullmatch(name):
            raise ValueError(f"not a SPARQL variable name: {name!r}")
        term_text(term)  # refuses a blank node
    tokens = [(m.lastgroup or "other", m.group()) for m in _TOKEN.finditer(sparql)]
    used = {text[1:] for kind, text in tokens if kind == "var"}
    terms = {name: term for name, term in bindings.items() if name in used}
    if not terms:
        return sparql
    reader = _Reader(tokens, terms)
    reader.query()
    return reader.text()


@dataclass
class _Group:
    """A group graph pattern: where its braces are and which bound variables it needs a VALUES row for."""

    open: int
    close: int = -1
    start: set[str] = field(default_factory=set)  # bound in the group: a row right after `{` …
    end: set[str] = field(default_factory=set)  # … but right before `}` for BIND's target (after the BIND)
    early: set[str] = field(default_factory=set)  # needed before an element (a MINUS's left side)
    binds: set[str] = field(default_factory=set)  # bound in its every solution (by a row, here or nested)
    wrapper: bool = False  # `{ SELECT … }`: it holds the sub-select alone, so a row needs braces around it


class _Reader:
    """Reads a query's tokens once, deciding for each bound variable where it is written in place."""

    def __init__(self, tokens: list[tuple[str, str]], terms: Mapping[str, Term]) -> None:
        """Start before the first token; `terms` are the bound variables the query names."""
        self.tokens = tokens
        self.terms = dict(terms)
        self.sig = [i for i, (kind, _) in enumerate(tokens) if kind not in ("space", "comment")]
        self.pos = 0  # index into `sig`
        self.replace: dict[int, str] = {}
        self.groups: list[_Group] = []
        self.trailing: set[str] = set()  # a row after the query (CONSTRUCT WHERE's short form, DESCRIBE)
        self.values_clause = False  # the last solution modifiers read ended with a VALUES clause

    # --- the token stream -------------------------------------------------------------------------------

    def peek(self, ahead: int = 0) -> tuple[str, str]:
        """The kind and text of a significant token (`("end", "")` past the end)."""
        at = self.pos + ahead
        return self.tokens[self.sig[at]] if at < len(self.sig) else ("end", "")

    def word(self, ahead: int = 0) -> str:
        """The token's text upper-cased when it is a keyword or a name, else its text."""
        kind, text = self.peek(ahead)
        return text.upper() if kind == "word" else text

    def take(self) -> tuple[str, str]:
        """Consume one significant token and return it."""
        token = self.peek()
        if token[0] == "end":
            raise ValueError("the query ends too early")
        self.pos += 1
        return token

    def expect(self, text: str) -> None:
        """Consume one token that must be `text` (a keyword or punctuation)."""
        if self.word() != text:
            raise ValueError(f"cannot bind values in this query: expected {text!r} near {self.context()!r}")
        self.pos += 1

    def context(self) -> str:
        """The text around the current token, for error messages."""
        start = self.sig[self.pos] if self.pos < len(self.sig) else len(self.tokens)
        return "".join(t for _, t in self.tokens[max(0, start - 6) : start + 6])

    def bound(self, live: frozenset[str]) -> str | None:
        """The current token's variable name when it is a bound variable in scope, else None."""
        kind, text = self.peek()
        return text[1:] if kind == "var" and text[1:] in live else None

    def substitute(self) -> None:
        """Write the current token's bound value in its place and consume the token."""
        self.replace[self.sig[self.pos]] = term_text(self.terms[self.peek()[1][1:]])
        self.pos += 1

    # --- queries ---------------------------------------------------------------------------------------

    def query(self) -> None:
        """A whole query: prologue, form, and what follows the WHERE group."""
        while self.word() in ("PREFIX", "BASE"):
            self.pos += 3 if self.word() == "PREFIX" else 2
        form = self.word()
        live = frozenset(self.terms)
        if form == "SELECT":
            self.select(live, top=True)
        elif form in ("CONSTRUCT", "DESCRIBE", "ASK"):
            self.pos += 1
            {"CONSTRUCT": self.construct, "DESCRIBE": self.describe, "ASK": self.ask}[form](live)
        else:
            raise ValueError(f"cannot bind values in this query: expected one of {_FORMS}")
        if self.peek()[0] != "end":
            raise ValueError(f"cannot bind values in this query: unexpected text near {self.context()!r}")
        if self.trailing and self.values_clause:
            raise ValueError("cannot bind values in this query: it has a VALUES clause of its own at the end")

    def select(self, live: frozenset[str], top: bool) -> set[str]:
        """A SELECT query or sub-select; its WHERE group gets a row for what its other clauses name."""
        self.expect("SELECT")
        if self.word() in ("DISTINCT", "REDUCED"):
            self.pos += 1
        named, projected, star = self.projection()
        inner = live if top else live & (live if star else projected)
        self.dataset()
        group = self.where(inner)
        named |= self.modifiers(inner)
        if star:
            named |= self.names(group.open, group.close) & inner
        group.start |= named & inner
        return group.start  # what its every answer binds

    def projection(self) -> tuple[set[str], set[str], bool]:
        """The variables a SELECT clause names, those it projects, and whether it is `SELECT *`."""
        if self.word() == "*":
            self.pos += 1
            return set(), set(), True
        named: set[str] = set()
        projected: set[str] = set()
        while self.word() not in ("WHERE", "FROM", "{", ""):
            kind, text = self.take()
            if kind == "var":
                named.add(text[1:])
                projected.add(text[1:])
            elif text == "(":  # `(expression AS ?v)`: ?v is projected, the expression's variables kept
                named |= self.skip_parens(depth=1)
                projected.add(self.peek(-2)[1][1:])
        return named, projected, False

    def skip_parens(self, depth: int) -> set[str]:
        """Consume up to the `)` closing an open `(`; the variables named inside (all kept as variables)."""
        names: set[str] = set()
        while depth:
            kind, text = self.take()
            if kind == "var":
                names.add(text[1:])
            elif text == "(":
                depth += 1
            elif text == ")":
                depth -= 1
        return names

    def dataset(self) -> None:
        """FROM and FROM NAMED clauses (no variables)."""
        while self.word() == "FROM":
            self.pos += 3 if self.word(1) == "NAMED" else 2

    def where(self, live: frozenset[str]) -> _Group:
        """`WHERE { … }` (the keyword may be left out)."""
        if self.word() == "WHERE":
            self.pos += 1
        return self.group(live)

    def modifiers(self, live: frozenset[str]) -> set[str]:
        """GROUP BY … OFFSET and a trailing VALUES clause: the bound variables they name (kept)."""
        names: set[str] = set()
        self.values_clause = False
        while self.word() in _MODIFIERS:
            if self.word() == "VALUES":
                names |= self.inline_data(live)
                self.values_clause = True
                continue
            self.pos += 1
            while self.word() not in (*_MODIFIERS, "}", ""):
                kind, text = self.take()
                if kind == "var":
                    names.add(text[1:])
                elif text == "(":
                    names |= self.skip_parens(depth=1)
        return names & live

    def construct(self, live: frozenset[str]) -> None:
        """CONSTRUCT: a template's variables are kept and bound in WHERE; the short form's are in place."""
        if self.word() == "{":
            open_at = self.pos
            self.skip_braces()
            template = self.names(self.sig[open_at], self.sig[self.pos - 1])
            self.dataset()
            group = self.where(live)
            group.start |= (template | self.modifiers(live)) & live
            return
        self.dataset()
        self.expect("WHERE")
        group = self.group(live)
        # `CONSTRUCT WHERE { triples }` takes no VALUES inside: its template is its pattern, so a value
        # written in place is in both; what stays a variable is bound by a VALUES clause after the query.
        self.trailing |= group.start | group.end | group.early
        group.start, group.end, group.early = set(), set(), set()
        self.trailing |= self.modifiers(live)

    def describe(self, live: frozenset[str]) -> None:
        """DESCRIBE: an IRI value is written in place of the variable; anything else is bound in WHERE."""
        kept: set[str] = set()
        star = self.word() == "*"
        if star:
            self.pos += 1
        while not star and self.word() not in ("WHERE", "FROM", "{", "") and self.word() not in _MODIFIERS:
            name = self.bound(live)
            if name and isinstance(self.terms[name], ox.NamedNode):
                self.substitute()
                continue
            if name:
                kept.add(name)
            self.take()
        self.dataset()
        if self.word() in ("WHERE", "{"):
            group = self.where(live)
            if star:
                kept |= self.names(group.open, group.close) & live
            group.start |= (kept | self.modifiers(live)) & live
        else:
            self.trailing |= (kept | self.modifiers(live)) & live

    def ask(self, live: frozenset[str]) -> None:
        """ASK: only what its modifiers name needs a row."""
        self.dataset()
        group = self.where(live)
        group.start |= self.modifiers(live)

    # --- group graph patterns --------------------------------------------------------------------------

    def group(self, live: frozenset[str]) -> _Group:
        """A group graph pattern `{ … }`, its nested groups, triples, filters and binds."""
        group = _Group(self.sig[self.pos])
        self.expect("{")
        self.groups.append(group)
        nested: set[str] = set()
        if self.word() == "SELECT":
            group.wrapper = True
            nested = self.select(live, top=False)
        while self.word() != "}":
            nested |= self.element(live, group)
        group.close = self.sig[self.pos]
        self.pos += 1
        group.binds = nested | group.start | group.end | group.early
        return group

    def union(self, live: frozenset[str]) -> set[str]:
        """`{ … } UNION { … } …`: the branches that lack a variable another binds get its row too."""
        branches = [self.group(live)]
        while self.word() == "UNION":
            self.pos += 1
            branches.append(self.group(live))
        # Virtuoso 7.2 joins a row with the union's solutions as SQL does, dropping those where the
        # variable is unbound; SPARQL keeps them (compatible). Bound in every branch, it keeps them all.
        bound = set().union(*(b.binds for b in branches))
        for branch in branches:
            branch.start |= bound - branch.binds
            branch.binds |= bound
        return bound

    def element(self, live: frozenset[str], group: _Group) -> set[str]:
        """One element of a group (a nested group or union, OPTIONAL, MINUS, GRAPH, FILTER, BIND, VALUES or
        triples); the bound variables its every solution binds."""
        word = self.word()
        if word == ".":
            self.pos += 1
        elif word == "{":
            return self.union(live)
        elif word == "OPTIONAL":
            self.pos += 1
            self.group(live)
        elif word == "MINUS":
            self.pos += 1
            self.group(live).start |= live
            group.early |= live  # the left side carries the value too
        elif word in ("GRAPH", "SERVICE"):
            return self.graph(live, group)
        elif word == "FILTER":
            self.pos += 1
            self.constraint(live, group)
        elif word == "BIND":
            self.pos += 1
            self.expression(live, group)
        elif word == "VALUES":
            group.start |= self.inline_data(live)
        else:
            self.triples(live, group)
        return set()

    def graph(self, live: frozenset[str], group: _Group) -> set[str]:
        """`GRAPH ?g { … }` (an IRI value in place) or `SERVICE SILENT? ?s { … }` (kept)."""
        service = self.take()[1].upper() == "SERVICE"
        if service and self.word() == "SILENT":
            self.pos += 1
        name = self.bound(live)
        if name and not service and isinstance(self.terms[name], ox.NamedNode):
            self.substitute()
        else:
            if name:
                group.start.add(name)
            self.take()
        return self.group(live).binds

    def inline_data(self, live: frozenset[str]) -> set[str]:
        """A VALUES block, skipped; the bound variables of its head (kept)."""
        self.expect("VALUES")
        if self.word() == "(":
            self.pos += 1
            names = self.skip_parens(depth=1)
        else:
            names = {self.take()[1][1:]}
        self.skip_braces()
        return names & live

    def skip_braces(self) -> None:
        """Consume a `{ … }` block whole (VALUES data, a CONSTRUCT template)."""
        self.expect("{")
        depth = 1
        while depth:
            text = self.take()[1]
            depth += (text == "{") - (text == "}")

    def names(self, start: int, stop: int) -> set[str]:
        """The variable names between two token indices."""
        return {text[1:] for kind, text in self.tokens[start:stop] if kind == "var"}

    # --- expressions -----------------------------------------------------------------------------------

    def constraint(self, live: frozenset[str], group: _Group) -> None:
        """A FILTER's constraint: `( … )`, a function call, or `[NOT] EXISTS { … }`."""
        if self.word() == "NOT":
            self.pos += 1
        if self.word() == "EXISTS":
            self.pos += 1
            self.group(live)
            return
        if self.word() != "(":
            kind, _ = self.take()  # a built-in's or a function's name
            if kind not in ("word", "iri", "pname"):
                raise ValueError(f"cannot bind values in this FILTER near {self.context()!r}")
        self.expression(live, group)

    def expression(self, live: frozenset[str], group: _Group) -> None:
        """A parenthesized expression: bound variables written in place but in `BOUND(?x)` and `AS ?x`."""
        self.expect("(")
        depth = 1
        while depth:
            name = self.bound(live)
            if name and self.word(-1).upper() == "AS":
                group.end.add(name)
            elif name and self.word(-1) == "(" and self.word(-2).upper() == "BOUND":
                group.start.add(name)
            elif name:
                self.substitute()
                continue
            if self.word() == "EXISTS":
                self.pos += 1
                self.group(live)
                continue
            text = self.take()[1]
            if text == "{":
                raise ValueError(f"cannot bind values in this expression near {self.context()!r}")
            depth += (text == "(") - (text == ")")

    # --- triples ---------------------------------------------------------------------------------------

    def triples(self, live: frozenset[str], group: _Group) -> None:
        """A block of triple patterns `s p o ; p o , o .`, up to the next element or the group's end."""
        while True:
            node_with_properties = self.node(live, group, subject=True)
            if self.word() not in (".", "}", "") and self.word() not in _ELEMENTS:
                self.properties(live, group)
            elif not node_with_properties:
                raise ValueError(f"cannot bind values in this triple pattern near {self.context()!r}")
            if self.word() != "." or self.word(1) in ("}", "") or self.word(1) in _ELEMENTS:
                return
            self.pos += 1

    def properties(self, live: frozenset[str], group: _Group) -> None:
        """A property list: verbs, each with its objects, separated by `;`."""
        while True:
            self.verb(live, group)
            self.node(live, group, subject=False)
            while self.word() == ",":
                self.pos += 1
                self.node(live, group, subject=False)
            if self.word() != ";":
                return
            while self.word() == ";":
                self.pos += 1
            if self.word() in (".", "]", "}", ""):
                return

    def verb(self, live: frozenset[str], group: _Group) -> None:
        """A predicate: a variable (an IRI value in place, a literal kept) or a property path."""
        name = self.bound(live)
        if name and isinstance(self.terms[name], ox.NamedNode):
            self.substitute()
        elif self.peek()[0] == "var":
            if name:
                group.start.add(name)
            self.pos += 1
        else:
            self.path()

    def path(self) -> None:
        """A property path (IRIs, `a`, `^ / | ! ( ) * + ?`; the grammar allows no variable in it)."""
        element = True  # expecting an element, not an operator
        while True:
            kind, text = self.peek()
            if element and text in ("^", "!"):
                self.pos += 1
            elif element and text == "(":
                self.pos += 1
                if self.word() != ")":  # `!()` is not SPARQL, but `( path )` is
                    self.path()
                self.expect(")")
                element = False
            elif element and (kind in ("iri", "pname") or text == "a"):
                self.pos += 1
                element = False
            elif element:
                raise ValueError(f"cannot bind values in this property path near {self.context()!r}")
            elif text in ("*", "+", "?"):
                self.pos += 1
            elif text in ("/", "|"):
                self.pos += 1
                element = True
            else:
                return

    def node(self, live: frozenset[str], group: _Group, subject: bool) -> bool:
        """A subject or object; True when it is `[ … ]` or `( … )`, which may stand without properties."""
        kind, text = self.peek()
        name = self.bound(live)
        if name and subject and not isinstance(self.terms[name], ox.NamedNode):
            group.start.add(name)  # a literal subject: kept (some stores refuse one; it matches nothing)
            self.pos += 1
        elif name:
            self.substitute()
        elif text == "[":
            self.pos += 1
            if self.word() != "]":
                self.properties(live, group)
            self.expect("]")
            return True
        elif text == "(":
            self.pos += 1
            while self.word() != ")":
                self.node(live, group, subject=False)
            self.pos += 1
            return True
        elif kind == "string":
            self.pos += 1
            if self.peek()[0] == "lang":
                self.pos += 1
            elif self.word() == "^^":
                self.pos += 1
                if self.peek()[0] not in ("iri", "pname"):
                    raise ValueError(f"cannot bind values near {self.context()!r}")
                self.pos += 1
        elif kind in ("var", "iri", "pname", "bnode", "number") or self.word() in ("TRUE", "FALSE"):
            self.pos += 1
        else:
            raise ValueError(f"cannot bind values in this triple pattern near {self.context()!r}")
        return False

    # --- the result ------------------------------------------------------------------------------------

    def text(self) -> str:
        """The query text with the values written in and the VALUES rows added."""
        before: dict[int, str] = {}  # token index → text written before the token
        after: dict[int, str] = {}  # token index → text written after it
        for group in self.groups:
            if group.early & group.end:
                both = ", ".join(sorted(group.early & group.end))
                raise ValueError(f"cannot bind ?{both}: BIND's target and needed before a MINUS in one group")
            start, end = (group.start | group.early) - group.end, group.end
            if group.wrapper and (start or end):  # `{ { SELECT … } VALUES … }`
                after[group.open] = " { "
                before[group.close] = f" }} {self.row(start | end)} "
                continue
            if start:
                after[group.open] = f" {self.row(start)} "
            if end:
                before[group.close] = f" {self.row(end)} "
        out: list[str] = []
        for i, (_, text) in enumerate(self.tokens):
            out.append(before.get(i, ""))
            out.append(self.replace.get(i, text))
            out.append(after.get(i, ""))
        if self.trailing:
            out.append(f"\n{self.row(self.trailing)}\n")
        return "".join(out)

    def row(self, names: set[str]) -> str:
        """The one-row VALUES block of some of the bound variables."""
        return values_block({n: self.terms[n] for n in names})


# Keywords that start an element of a group other than a triple pattern.
_ELEMENTS = ("OPTIONAL", "MINUS", "GRAPH", "SERVICE", "FILTER", "BIND", "VALUES", "UNION", "{")
