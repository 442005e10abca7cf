"""The grlc-style `#+` header of a `.rq` file: a small YAML subset parsed without PyYAML.

A header is the run of lines at the top of the file that start with `#+ `; stripped of that prefix they
form a YAML document. PyYAML is not a dependency, so this module reads the subset the query files use:
block mappings, block sequences (of scalars or of mappings), plain/quoted scalars (strings, integers,
booleans, null), flow lists `[a, b]`, and folded (`>`) or literal (`|`) block scalars.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from thaiplan.errors import InputError

HEADER_PREFIX = "#+"


class HeaderError(InputError):
    """A `#+` header that is not in the YAML subset this parser reads."""


@dataclass(frozen=True)
class _Line:
    """One non-blank header line: its indentation, its text and its line number in the file."""

    indent: int
    text: str
    number: int


def split_rq(text: str) -> tuple[str, str]:
    """Split a `.rq` file into its header (the `#+` prefix removed) and the SPARQL that follows."""
    header: list[str] = []
    lines = text.splitlines(keepends=True)
    i = 0
    while i < len(lines) and lines[i].startswith(HEADER_PREFIX):
        content = lines[i][len(HEADER_PREFIX) :].rstrip("\r\n")
        # `#+ key: v` and `#+key: v` both occur in grlc files; one space after the prefix is not content.
        header.append(content[1:] if content.startswith(" ") else content)
        i += 1
    return "\n".join(header), "".join(lines[i:])


def parse_header(header: str) -> dict[str, Any]:
    """Parse the YAML subset of a header into a dict (an empty header gives an empty dict)."""
    lines = [
        _Line(len(raw) - len(raw.lstrip(" ")), raw.strip(), n)
        for n, raw in enumerate(header.splitlines(), start=1)
        if raw.strip() and not raw.strip().startswith("#")
    ]
    for n, raw in enumerate(header.splitlines(), start=1):
        if raw[: len(raw) - len(raw.lstrip())].count("\t"):
            raise HeaderError(f"header line {n}: tabs are not allowed for indentation")
    if not lines:
        return {}
    value, end = _block(lines, 0, lines[0].indent, header.splitlines())
    if end != len(lines):
        raise HeaderError(f"header line {lines[end].number}: unexpected indentation")
    if not isinstance(value, dict):
        raise HeaderError("the header must be a mapping of `key: value` lines")
    return value


def _block(lines: list[_Line], i: int, indent: int, raw: list[str]) -> tuple[Any, int]:
    """Parse the block (mapping or sequence) whose lines start at `i` with indentation `indent`."""
    if lines[i].text.startswith("- ") or lines[i].text == "-":
        return _sequence(lines, i, indent, raw)
    return _mapping(lines, i, indent, raw)


def _mapping(lines: list[_Line], i: int, indent: int, raw: list[str]) -> tuple[dict[str, Any], int]:
    """Parse `key: value` lines at one indentation into a dict."""
    result: dict[str, Any] = {}
    while i < len(lines) and lines[i].indent == indent:
        line = lines[i]
        key, sep, rest = line.text.partition(":")
        if not sep or not key.strip() or line.text.startswith("- "):
            raise HeaderError(f"header line {line.number}: expected `key: value`, got {line.text!r}")
        key = _unquote(key.strip())
        if key in result:
            raise HeaderError(f"header line {line.number}: duplicate key {key!r}")
        rest = rest.strip()
        if rest in (">", "|", ">-", "|-"):
            result[key], i = _block_scalar(lines, i, indent, raw, folded=rest.startswith(">"))
        elif rest:
            result[key], i = _scalar(rest, line.number), i + 1
        elif i + 1 < len(lines) and lines[i + 1].indent > indent:
            result[key], i = _block(lines, i + 1, lines[i + 1].indent, raw)
        elif i + 1 < len(lines) and lines[i + 1].indent == indent and lines[i + 1].text.startswith("- "):
            # YAML allows a sequence under a key at the key's own indentation.
            result[key], i = _sequence(lines, i + 1, indent, raw)
        else:
            result[key], i = None, i + 1
    if i < len(lines) and lines[i].indent > indent:
        raise HeaderError(f"header line {lines[i].number}: unexpected indentation")
    return result, i


def _sequence(lines: list[_Line], i: int, indent: int, raw: list[str]) -> tuple[list[Any], int]:
    """Parse `- item` lines at one indentation into a list (items may be scalars or mappings)."""
    result: list[Any] = []
    while (
        i < len(lines)
        and lines[i].indent == indent
        and (lines[i].text.startswith("- ") or lines[i].text == "-")
    ):
        line = lines[i]
        item = line.text[1:].strip()
        if not item:
            if i + 1 < len(lines) and lines[i + 1].indent > indent:
                value, i = _block(lines, i + 1, lines[i + 1].indent, raw)
            else:
                value, i = None, i + 1
        elif _looks_like_mapping(item):
            # `- key: value` opens a mapping whose further keys sit under `key`.
            inner_indent = indent + (len(line.text) - len(item))
            inner = [_Line(inner_indent, item, line.number)]
            j = i + 1
            while j < len(lines) and lines[j].indent >= inner_indent:
                inner.append(lines[j])
                j += 1
            value, end = _mapping(inner, 0, inner_indent, raw)
            if end != len(inner):
                raise HeaderError(f"header line {inner[end].number}: unexpected indentation")
            i = j
        else:
            value, i = _scalar(item, line.number), i + 1
        result.append(value)
    return result, i


def _block_scalar(
    lines: list[_Line], i: int, indent: int, raw: list[str], *, folded: bool
) -> tuple[str, int]:
    """Read a `>` (folded) or `|` (literal) block scalar: the more-indented lines after the key."""
    j = i + 1
    while j < len(lines) and lines[j].indent > indent:
        j += 1
    if j == i + 1:
        return "", j
    first, last = lines[i + 1].number, lines[j - 1].number
    body = raw[first - 1 : last]
    margin = min(len(t) - len(t.lstrip(" ")) for t in body if t.strip())
    texts = [t[margin:].rstrip() for t in body]
    if not folded:
        return "\n".join(texts).strip("\n"), j
    # Folded: lines join with a space, a blank line is a paragraph break.
    paragraphs = " ".join(t if t else "\n" for t in texts)
    return re.sub(r" ?\n ?", "\n", paragraphs).strip(), j


def _looks_like_mapping(item: str) -> bool:
    """True when a sequence item is `key: value` (a colon followed by a space or the end)."""
    if item[:1] in "\"'[":
        return False
    return bool(re.match(r"^[^:\s][^:]*:(\s|$)", item))


def _scalar(text: str, number: int) -> Any:
    """Turn a plain, quoted or flow-list scalar into a Python value."""
    if text.startswith("["):
        if not text.endswith("]"):
            raise HeaderError(f"header line {number}: unclosed flow list {text!r}")
        inner = text[1:-1].strip()
        return [_scalar(part.strip(), number) for part in _split_flow(inner, number)] if inner else []
    if text[:1] in "\"'":
        if len(text) < 2 or text[-1] != text[0]:
            raise HeaderError(f"header line {number}: unclosed quote in {text!r}")
        return _unquote(text)
    # A comment after a plain scalar: ` #` starts it, as in YAML.
    text = re.split(r"\s+#", text, maxsplit=1)[0].strip()
    lowered = text.lower()
    if lowered in ("true", "yes"):
        return True
    if lowered in ("false", "no"):
        return False
    if lowered in ("null", "~"):
        return None
    if re.fullmatch(r"[-+]?\d+", text):
        return int(text)
    return text


def _split_flow(inner: str, number: int) -> list[str]:
    """Split the inside of a flow list on commas that are not inside quotes."""
    parts, current, quote = [], "", ""
    for ch in inner:
        if quote:
            current += ch
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote, current = ch, current + ch
        elif ch == ",":
            parts.append(current)
            current = ""
        else:
            current += ch
    if quote:
        raise HeaderError(f"header line {number}: unclosed quote in a flow list")
    parts.append(current)
    return parts


def _unquote(text: str) -> str:
    """Remove matching quotes; in double quotes `\\"` and `\\\\` are escapes, in single quotes `''`."""
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return re.sub(r"\\(.)", r"\1", text[1:-1])
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    return text
