"""The grlc-style `#+` header of a `.rq` file, read with PyYAML's safe loader.

A header is the run of lines at the top of the file that start with `#+`; stripped of that prefix they
form a YAML document (grlc's convention), read by `yaml.safe_load` with two rules of the project on top:
a key given twice is an error (YAML leaves it to the loader; PyYAML keeps the last silently), and block
scalars (`>`, `|`) lose their final newline, as the hand-written parser this replaces gave them (issue 14:
both gave identical results on every header of the project, tests/test_layout_issue14.py).
"""

from __future__ import annotations

from typing import Any

import yaml

from thaiplan.errors import InputError

HEADER_PREFIX = "#+"


class HeaderError(InputError):
    """A `#+` header that is not a YAML mapping of `key: value` lines."""


class _UniqueKeyLoader(yaml.SafeLoader):
    """The safe loader, refusing a mapping that gives one key twice."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """Build the mapping, stopping at the first repeated key."""
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                line = key_node.start_mark.line + 1
                raise HeaderError(f"header line {line}: duplicate key {key!r}")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


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
    """The header as a dict (an empty header gives an empty dict); HeaderError when it is not a mapping."""
    try:
        value = yaml.load(header, Loader=_UniqueKeyLoader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"header line {mark.line + 1}: " if mark is not None else ""
        raise HeaderError(f"{where}{exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise HeaderError(f"unreadable header: {exc}") from None
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise HeaderError("the header must be a mapping of `key: value` lines")
    return _trimmed(value)


def _trimmed(value: Any) -> Any:
    """The value with each string's final newlines removed (block scalars keep one in YAML)."""
    if isinstance(value, str):
        return value.rstrip("\n")
    if isinstance(value, dict):
        return {k: _trimmed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_trimmed(v) for v in value]
    return value
