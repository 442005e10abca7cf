"""Where the lexer stands in a query's structure: just enough to tell the `<` operator from an IRI's start.

Issue 13: the SPARQL grammar's IRIREF admits `?`, `&`, `=` and `!`, so the longest match reads
`FILTER(?a<?b&&?b>?a)` as the IRI `<?b&&?b>`, while pyoxigraph's parser (rust-peg, no separate lexer)
reads it as `(?a < ?b) && (?b > ?a)` — a probe with pyoxigraph 0.5.13: the filter keeps the pairs with
`?a < ?b`, and `FILTER(?a<=?b&&?b>=?a)` and `FILTER(?a<<urn:x>)` (`?a < <urn:x>`) likewise. The grammar
agrees with the engine there: inside an expression, after an operand, no IRI can follow (an expression
never puts two operands side by side), so a `<` in that place can only be the operator. Everywhere else
(triple patterns, collections, VALUES rows, DESCRIBE, ORDER BY's list of conditions) a term may follow a
term, and `?a<?b>?c` is the triple pattern with predicate `<?b>`, as for pyoxigraph.

An expression is what a `(` opens inside an expression, after FILTER, BIND, HAVING, ASC, DESC or a
function's name, after `FILTER <f>`, or in the SELECT clause and the solution modifiers; other parentheses
are collections, property paths or VALUES rows. A mistake here cannot let anything past the guard: the
lexer's tokens are written out with a space between each, so the engine reads the same tokens whichever
way a `<` was taken, and a misread valid query is a syntax error, not another query.
"""

from __future__ import annotations

from typing import Protocol

from thaiplan.errors import InputError

# Bare words after which a `(` is not an expression's: the query's structure, the update forms' words and
# the grammar's lower-case terms (`?s a (1 2)` is a collection after the predicate `a`).
STRUCTURE = frozenset(
    {
        "BASE", "PREFIX", "VERSION", "SELECT", "CONSTRUCT", "DESCRIBE", "ASK", "DISTINCT", "REDUCED", "AS",
        "FROM", "NAMED", "WHERE", "GROUP", "BY", "ORDER", "LIMIT", "OFFSET", "VALUES", "UNDEF", "OPTIONAL",
        "GRAPH", "SERVICE", "SILENT", "MINUS", "UNION", "LATERAL", "SEPARATOR", "LOAD", "CLEAR", "DROP",
        "CREATE", "ADD", "MOVE", "COPY", "INSERT", "DELETE", "WITH", "DATA", "USING", "TO", "INTO", "ALL",
        "DEFAULT", "A", "TRUE", "FALSE",
    }
)
# Tokens after which an expression expects an operator: the end of an operand.
OPERAND_KINDS = frozenset({"var", "number", "string", "lang", "iri", "pname", "bnode"})
OPERAND_WORDS = frozenset({"TRUE", "FALSE"})
# Clauses of a group (or of the query) whose parentheses are expressions.
EXPRESSION_CLAUSES = frozenset({"select", "modifier"})
# Words that switch the clause of the group they are in.
CLAUSE_WORDS = {"SELECT": "select", "GROUP": "modifier", "ORDER": "modifier", "HAVING": "modifier",
                "WHERE": "pattern", "VALUES": "pattern"}
OPENERS = {"(": None, "{": "group", "[": "list", "<<": "list", "<<(": "list", "{|": "list"}
CLOSERS = frozenset({")", "}", "]", ">>", ")>>", "|}"})
# Brackets open at once, and prefix operators in a row, at most (issue 13): pyoxigraph's parser recurses,
# and its worker died of a stack overflow (SIGSEGV) from ~4,000 nested braces or OPTIONALs (2,000 passed),
# from ~20,000 parentheses or `!`s; the real queries of the suites nest at most a few dozen deep.
MAX_DEPTH = 500
UNARY = frozenset({"!", "-", "+"})


class Token(Protocol):
    """What is read of a lexer's token here: its kind and text."""

    kind: str
    text: str


class Nesting:
    """The open brackets around the lexer's position, and the tokens just before it."""

    def __init__(self) -> None:
        # One frame per open bracket, the query itself first: its kind ("group", "expr" or "list") and,
        # for a group, the clause being read ("pattern", "select" or "modifier").
        self.frames: list[list[str]] = [["group", "pattern"]]
        self.previous: Token | None = None
        self.before: Token | None = None
        self.unary = 0  # prefix operators in a row just before this position

    def expects_operator(self) -> bool:
        """True inside an expression right after an operand: a `<` here is less-than, never an IRI."""
        return self.frames[-1][0] == "expr" and self.previous is not None and _ends_operand(self.previous)

    def feed(self, token: Token) -> None:
        """Follow the structure past one token."""
        frame = self.frames[-1]
        if token.kind == "word" and frame[0] == "group":
            clause = CLAUSE_WORDS.get(token.text.upper())
            if clause is not None:
                frame[1] = clause
        elif token.kind == "punct" and token.text in OPENERS:
            kind = OPENERS[token.text] or ("expr" if self._opens_expression() else "list")
            if kind == "group" and frame[0] == "group":
                frame[1] = "pattern"  # a group pattern starts: the clause before it is over
            self.frames.append([kind, "pattern"])
            if len(self.frames) > MAX_DEPTH:
                raise InputError(f"the query nests brackets more than {MAX_DEPTH} deep")
        elif token.kind == "punct" and token.text in CLOSERS and len(self.frames) > 1:
            self.frames.pop()
        self.unary = self.unary + 1 if token.kind == "punct" and token.text in UNARY else 0
        if self.unary > MAX_DEPTH:
            raise InputError(f"the query has more than {MAX_DEPTH} operators in a row")
        self.before, self.previous = self.previous, token

    def _opens_expression(self) -> bool:
        """True when a `(` here opens an expression (or a function's arguments)."""
        kind, clause = self.frames[-1]
        if kind != "group":
            return kind == "expr"
        previous, before = self.previous, self.before
        if previous is not None and previous.kind == "word" and previous.text.upper() not in STRUCTURE:
            return True  # FILTER, BIND, HAVING, ASC, DESC, a built-in function
        if previous is not None and previous.kind in ("iri", "pname") and _is_filter(before):
            return True  # FILTER <f>(…): a function call
        return clause in EXPRESSION_CLAUSES


def _is_filter(token: Token | None) -> bool:
    """True when `token` is the keyword FILTER."""
    return token is not None and token.kind == "word" and token.text.upper() == "FILTER"


def _ends_operand(token: Token) -> bool:
    """True when `token` can end an operand of an expression."""
    if token.kind in OPERAND_KINDS:
        return True
    if token.kind == "word":
        return token.text.upper() in OPERAND_WORDS
    return token.kind == "punct" and token.text == ")"
