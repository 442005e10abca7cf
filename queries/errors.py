"""Errors of the named queries: an unknown name, and a parameter that is missing, malformed or unclear."""

from __future__ import annotations

from typing import Any

from thaiplan.errors import InputError, ThaiplanError


class UnknownQuery(ThaiplanError, LookupError):
    """No named query has this name (the server answers 404)."""

    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(f"no named query {name!r}; known queries: {', '.join(known)}")
        self.name = name


class ParameterError(InputError):
    """A parameter is missing, malformed or unknown (the server answers 400); `param` names it."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(f"parameter {param!r}: {message}")
        self.param = param


class UnresolvedParameter(ParameterError):
    """A parameter names nothing in the graph (no code, label, abbreviation or IRI matches)."""


class AmbiguousParameter(ParameterError):
    """A parameter matches more than one entity; `candidates` lists them (the server answers 300)."""

    def __init__(self, param: str, message: str, candidates: list[dict[str, Any]]) -> None:
        super().__init__(param, message)
        self.candidates = candidates
