"""Where a focus node is written: the file and line of its statements, for stewards (issue 20).

Hand-written because neither parser says it: rdflib keeps no positions, and pyoxigraph's parser gives
positions only in its error messages. The files are read once more, line by line, and only when there
are results to place: the first line where the node starts a statement (its subject), else the first
line that names it. Nodes are recognised as written there: `<IRI>`, or a prefixed name under the
file's own `@prefix` / `PREFIX` declarations. A blank node (its label is the parser's) or a literal
has no place of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from rdflib import URIRef
from rdflib.term import Node

_PREFIX = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>\s]*)>", re.IGNORECASE)
_LOCAL = re.compile(r"[\w-](?:[\w.-]*[\w-])?|")  # a plain PN_LOCAL (no escapes, no trailing dot)
_FIRST = re.compile(r"\s*(<[^>\s]*>|[A-Za-z][\w.-]*:[\w.-]*[\w-]|[A-Za-z][\w.-]*:|:[\w.-]*[\w-])")
_TOKEN = re.compile(r"<[^>\s]*>|(?<![\w.:-])[A-Za-z][\w.-]*:[\w.-]*[\w-]|(?<![\w.:-]):[\w.-]*[\w-]")
_LINE_FORMATS = {".nt", ".nq"}


def locate(nodes: Iterable[Node], paths: Sequence[Path], root: Path | None = None) -> dict[Node, str]:
    """`file:line` of each IRI among `nodes` in the files (paths shown relative to `root` when under it)."""
    wanted = {node for node in nodes if isinstance(node, URIRef)}
    subjects: dict[Node, str] = {}
    mentions: dict[Node, str] = {}
    for path in paths:
        if not wanted - subjects.keys():
            break
        _scan(Path(path), wanted - subjects.keys(), _shown(Path(path), root), subjects, mentions)
    return {
        node: subjects.get(node) or mentions[node] for node in wanted if node in subjects or node in mentions
    }


def _shown(path: Path, root: Path | None) -> str:
    """The path as a steward reads it: relative to the project when it lies there."""
    if root is not None:
        try:
            return str(path.resolve().relative_to(root.resolve()))
        except ValueError:
            pass
    return str(path)


def _scan(
    path: Path, wanted: set[Node], shown: str, subjects: dict[Node, str], mentions: dict[Node, str]
) -> None:
    """Note the first subject line, and the first mention, of each wanted node in one file."""
    forms = {f"<{node}>": node for node in wanted}
    prefixed = path.suffix not in _LINE_FORMATS
    try:
        lines = path.open(encoding="utf-8", errors="replace")
    except OSError:
        return
    with lines:
        for number, line in enumerate(lines, start=1):
            if prefixed and "prefix" in line[:16].lower():
                _add_prefix(line, wanted, forms)
            match = _FIRST.match(line)
            node = forms.get(match.group(1)) if match else None
            if node is not None and node not in subjects:
                subjects[node] = f"{shown}:{number}"
            if len(mentions) < len(wanted):
                for token in _TOKEN.findall(line):
                    named = forms.get(token)
                    if named is not None and named not in mentions:
                        mentions[named] = f"{shown}:{number}"


def _add_prefix(line: str, wanted: set[Node], forms: dict[str, Node]) -> None:
    """Add the prefixed spellings a `@prefix` line makes possible for the wanted nodes."""
    match = _PREFIX.match(line)
    if match is None:
        return
    prefix, namespace = match.group(1) or "", match.group(2)
    for node in wanted:
        text = str(node)
        if namespace and text.startswith(namespace) and _LOCAL.fullmatch(text[len(namespace) :]):
            forms[f"{prefix}:{text[len(namespace) :]}"] = node
