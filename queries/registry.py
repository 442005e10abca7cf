"""The named queries: every `queries/*.rq` with its `#+` header, its parameters, and how to run it.

A query's header declares `summary`, `description`, `method`, `tags` and `params`; each parameter has a
`type`:

- `string` — a text, normalized (pythainlp, no NFKC) and bound as a plain literal `?name`;
- `int` — an integer (optional `minimum` / `maximum`), bound as `xsd:integer`;
- `iri` — an absolute IRI, bound as a named node;
- `entity` — a code, IRI, label or abbreviation as written in the sources, resolved to one IRI
  (optionally of a `class`, e.g. `tp:Agency`) and bound as `?name`; none or several → a clear error;
- `text` — a search text, bound as `?nameKey` (lower-cased key), `?nameSquash` (no dots or spaces),
  `?nameIri` (when it is an IRI) and `?nameTok1`…`?nameTok4` (its words, padded by repeating the first).

Only the variables a query uses are bound (pyoxigraph rejects a substitution it does not project). Files
whose name starts with `_` are internal (the build and the resolver use them) and are not listed.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from thaiplan import rq
from thaiplan.errors import InputError
from thaiplan.queries import keys
from thaiplan.queries.errors import ParameterError, UnknownQuery
from thaiplan.queries.execute import Term, execute
from thaiplan.queries.guard.canonical import tokens
from thaiplan.queries.header import HeaderError, parse_header, split_rq
from thaiplan.queries.resolve import ID_BASE, IRI_PATTERN, SHORT_ID_PATTERN, resolve

PARAM_TYPES = ("string", "int", "iri", "entity", "text")
# A parameter longer than this is not a code, label or search: refuse it before any work.
MAX_PARAM_CHARS = 1000
_NAME = re.compile(r"^[a-z][a-z0-9-]*$")
_PARAM_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")


@dataclass(frozen=True)
class Param:
    """One declared parameter of a named query."""

    name: str
    type: str
    required: bool
    description: str = ""
    example: str | int | None = None
    default: str | int | None = None
    class_iri: str | None = None
    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True)
class NamedQuery:
    """A `.rq` file: its name, header fields, parameters and SPARQL text."""

    name: str
    summary: str
    description: str
    method: str
    tags: tuple[str, ...]
    params: tuple[Param, ...]
    sparql: str
    path: Path
    # The variables its code names, as the guard's tokens read it (comments and strings hold none).
    variables: frozenset[str]

    def param(self, name: str) -> Param | None:
        """The declared parameter called `name`, if any."""
        return next((p for p in self.params if p.name == name), None)

    def bind(self, params: Mapping[str, Any], store: Any) -> dict[str, Term]:
        """Check `params` against the declaration and turn them into variable bindings."""
        for given in params:
            if self.param(given) is None:
                declared = ", ".join(p.name for p in self.params) or "none"
                raise ParameterError(given, f"not a parameter of {self.name!r} (declared: {declared})")
        bindings: dict[str, Term] = {}
        for p in self.params:
            raw = params.get(p.name, p.default)
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                if p.required:
                    raise ParameterError(p.name, f"required by {self.name!r} ({p.description or p.type})")
                continue
            bindings.update(_bind(p, _single(p, raw), store))
        return {k: v for k, v in bindings.items() if k in self.variables}

    def helper_variables(self) -> list[str]:
        """The variables its text parameters derive (keys, words, IRI): bound, but not part of the answer.

        pyoxigraph binds only projected variables, so the queries project them; the API leaves them out.
        """
        return sorted(n for p in self.params if p.type == "text" for n in text_helpers(p.name))

    def run(self, params: Mapping[str, Any], store: Any) -> Any:
        """Run the query on `store` with `params` bound; pyoxigraph-style results."""
        return execute(store, self.sparql, self.bind(params, store))


def _single(p: Param, raw: Any) -> str:
    """One value as a string (a list of more than one value is an error)."""
    if isinstance(raw, list | tuple):
        if len(raw) != 1:
            raise ParameterError(p.name, "give it once")
        raw = raw[0]
    text = str(raw)
    if len(text) > MAX_PARAM_CHARS:
        raise ParameterError(p.name, f"longer than {MAX_PARAM_CHARS} characters")
    if "\x00" in text:
        raise ParameterError(p.name, "contains a NUL character")
    return text


def _bind(p: Param, raw: str, store: Any) -> dict[str, Term]:
    """The bindings one parameter value gives, by the parameter's type."""
    if p.type == "int":
        if not re.fullmatch(r"\s*[+-]?\d{1,9}\s*", raw):
            raise ParameterError(p.name, f"expected an integer, got {raw!r}")
        value = int(raw)
        if p.minimum is not None and value < p.minimum:
            raise ParameterError(p.name, f"must be at least {p.minimum}, got {value}")
        if p.maximum is not None and value > p.maximum:
            raise ParameterError(p.name, f"must be at most {p.maximum}, got {value}")
        return {p.name: ox.Literal(value)}
    if p.type == "iri":
        try:
            if not IRI_PATTERN.match(raw.strip()):
                raise ValueError(raw)
            return {p.name: ox.NamedNode(raw.strip())}
        except ValueError:
            raise ParameterError(p.name, f"expected an absolute IRI, got {raw!r}") from None
    if p.type == "entity":
        return {p.name: resolve(store, p.name, raw, p.class_iri)}
    text = keys.normalize_text(raw)
    if p.type == "string":
        return {p.name: ox.Literal(text)}
    return _text_bindings(p.name, text)


def text_helpers(name: str) -> list[str]:
    """The variables `_text_bindings` may bind besides `name` itself."""
    tokens = [f"{name}Tok{i}" for i in range(1, keys.QUERY_TOKENS + 1)]
    return [f"{name}Key", f"{name}Squash", f"{name}Iri", *tokens]


def _text_bindings(name: str, text: str) -> dict[str, Term]:
    """The bindings of a search text: key, squashed key, IRI if it is one, and its words."""
    out: dict[str, Term] = {
        name: ox.Literal(text),
        f"{name}Key": ox.Literal(keys.key(text)),
        f"{name}Squash": ox.Literal(keys.squash(text) or keys.key(text)),
    }
    short = SHORT_ID_PATTERN.match(text)
    iri = ID_BASE + short.group(1) if short else text
    if IRI_PATTERN.match(iri):
        with contextlib.suppress(ValueError):  # not a valid IRI after all: no IRI binding
            out[f"{name}Iri"] = ox.NamedNode(iri)
    words = keys.query_tokens(text)
    # No indexable word: the empty string, which is never indexed, so the token tiers match nothing.
    padded = (
        (words + [words[0]] * keys.QUERY_TOKENS)[: keys.QUERY_TOKENS] if words else [""] * keys.QUERY_TOKENS
    )
    out.update({f"{name}Tok{i}": ox.Literal(w) for i, w in enumerate(padded, start=1)})
    return out


def _param(name: str, spec: Any, where: str) -> Param:
    """A parameter from its header declaration, checked."""
    if not _PARAM_NAME.match(name):
        raise HeaderError(f"{where}: parameter name {name!r} must be letters and digits")
    spec = spec or {}
    if not isinstance(spec, dict):
        raise HeaderError(f"{where}: parameter {name!r} must be a mapping (type, required, …)")
    kind = spec.get("type", "string")
    if kind not in PARAM_TYPES:
        raise HeaderError(f"{where}: parameter {name!r} has unknown type {kind!r} ({', '.join(PARAM_TYPES)})")
    unknown = set(spec) - {
        "type",
        "required",
        "description",
        "example",
        "default",
        "class",
        "minimum",
        "maximum",
    }
    if unknown:
        raise HeaderError(f"{where}: parameter {name!r} has unknown fields {sorted(unknown)}")
    return Param(
        name=name,
        type=kind,
        required=bool(spec.get("required", False)),
        description=str(spec.get("description", "")),
        example=spec.get("example"),
        default=spec.get("default"),
        class_iri=spec.get("class"),
        minimum=spec.get("minimum"),
        maximum=spec.get("maximum"),
    )


def load_query(path: Path) -> NamedQuery:
    """Read one `.rq` file and check its header."""
    text = rq.read_path(path)
    header_text, _ = split_rq(text)
    where = path.name
    try:
        header = parse_header(header_text)
    except HeaderError as exc:
        raise HeaderError(f"{where}: {exc}") from exc
    if not header.get("summary"):
        raise HeaderError(f"{where}: the header has no `summary`")
    params = header.get("params") or {}
    if not isinstance(params, dict):
        raise HeaderError(f"{where}: `params` must map parameter names to their declarations")
    declared = tuple(_param(n, s, where) for n, s in params.items())
    used = _variables(text, where)
    for p in declared:
        var = f"{p.name}Key" if p.type == "text" else p.name
        if var not in used:
            raise HeaderError(f"{where}: parameter {p.name!r} is declared but ?{var} is not in the query")
    tags = header.get("tags") or []
    return NamedQuery(
        name=path.stem,
        summary=str(header["summary"]),
        description=str(header.get("description", "")),
        method=str(header.get("method", "GET")).upper(),
        tags=tuple(str(t) for t in (tags if isinstance(tags, list) else [tags])),
        params=declared,
        # The whole file: the header lines are SPARQL comments, and the engine reports line numbers as-is.
        sparql=text,
        path=path,
        variables=frozenset(used),
    )


def _variables(text: str, where: str) -> set[str]:
    """The variables the query's code names, read by the guard's tokens (a `?x` in a comment is none)."""
    try:
        return {token.text[1:] for token in tokens(text) if token.kind == "var"}
    except InputError as exc:
        raise HeaderError(f"{where}: {exc}") from exc


class Registry:
    """The named queries found in one folder, by name."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._queries: dict[str, NamedQuery] = {}
        for path in rq.rq_files(self.folder):
            if not _NAME.match(path.stem.lstrip("_")):
                raise HeaderError(f"{path.name}: a query name is lower-case letters, digits and hyphens")
            self._queries[path.stem] = load_query(path)

    def list_queries(self, *, internal: bool = False) -> list[NamedQuery]:
        """The named queries sorted by name (internal `_` ones only when asked)."""
        return [q for n, q in sorted(self._queries.items()) if internal or not n.startswith("_")]

    def get(self, name: str) -> NamedQuery:
        """The public named query `name`, or `UnknownQuery`."""
        if name.startswith("_") or name not in self._queries:
            raise UnknownQuery(name, [q.name for q in self.list_queries()])
        return self._queries[name]

    def run(self, name: str, params: Mapping[str, Any], store: Any) -> Any:
        """Run the named query `name` on `store` with `params` (raw strings as the user wrote them)."""
        return self.get(name).run(params, store)


@cache
def default_registry() -> Registry:
    """The registry of the queries shipped in this package."""
    return Registry(rq.folder("queries"))


def list_queries() -> list[NamedQuery]:
    """The public named queries of this package, sorted by name."""
    return default_registry().list_queries()


def get(name: str) -> NamedQuery:
    """The public named query `name` of this package, or `UnknownQuery`."""
    return default_registry().get(name)


def run(name: str, params: Mapping[str, Any], store: Any) -> Any:
    """Run the named query `name` of this package on `store` with `params`."""
    return default_registry().run(name, params, store)
