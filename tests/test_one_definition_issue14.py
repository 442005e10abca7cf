"""One definition of each thing the tidy of issue 14 joined: Chromium's launch flags (server/pdf.py), the
server's translation table (`i18n.STRINGS`), the error responses (server/errors.py) and the sub-commands'
registration (thaiplan/cli.py's `add_command`). Read from the source with `ast`, so a second copy fails."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.test_layout_issue14 import ROOT, python_files

THAI = re.compile(r"[\u0e00-\u0e7f]")
THIS = Path(__file__).resolve().relative_to(ROOT).as_posix()


def _trees(under: str = "") -> dict[str, ast.Module]:
    """The parsed Python files of the project (under a folder when given), by path relative to the root."""
    found = {}
    for path in python_files():
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith(under):
            found[rel] = ast.parse(path.read_text(encoding="utf-8"))
    return found


def _strings(tree: ast.AST) -> list[str]:
    """Every string constant of a tree."""
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def test_issue14_chromium_flags_are_spelled_in_server_pdf_only() -> None:
    trees = {rel: tree for rel, tree in _trees().items() if rel != THIS}
    spelled = {rel for rel, tree in trees.items() if any(s.startswith("--headless") for s in _strings(tree))}
    assert spelled == {"server/pdf.py"}, f"Chromium's flags spelled outside server/pdf.py: {spelled}"


def test_issue14_the_server_has_one_translation_table() -> None:
    """No server module but i18n.py keeps a table of (Thai, English) interface strings of its own (names of
    RDF terms keyed by their IRIs, pagekit's KNOWN_TERMS, label the data's vocabulary, not the UI)."""
    tables = set()
    for rel, tree in _trees("server/").items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Dict) or len(node.values) < 3:
                continue
            if all(isinstance(k, ast.Constant) and "://" in str(k.value) for k in node.keys):
                continue  # labels of terms, by IRI
            pairs = [v for v in node.values if isinstance(v, ast.Tuple) and len(v.elts) == 2]
            if len(pairs) == len(node.values) and any(THAI.search(" ".join(_strings(p))) for p in pairs):
                tables.add(rel)
    assert tables == {"server/i18n.py"}, f"translation tables outside server/i18n.py: {tables}"


def test_issue14_error_pages_are_made_by_server_errors_only() -> None:
    makers = {rel for rel, tree in _trees("server/").items() if "error.html" in _strings(tree)}
    assert makers == {"server/errors.py"}, f"error pages rendered outside server/errors.py: {makers}"


def test_issue14_sub_commands_are_added_by_thaiplan_cli_only() -> None:
    """Every folder registers through `add` (thaiplan.cli.add_command), never on the sub-parsers themselves
    (a folder's own nested actions, like `ontology check`, hang from the parser `add` gave it)."""
    callers = set()
    for rel, tree in _trees().items():
        for node in ast.walk(tree):
            registers = isinstance(node, ast.FunctionDef) and node.name == "register" and node.args.args
            if registers and node.args.args[0].arg != "add":  # type: ignore[union-attr]
                callers.add(rel)
    assert not callers, f"register(sub) instead of register(add): {callers}"
    assert Path(ROOT / "thaiplan" / "cli.py").read_text(encoding="utf-8").count("sub.add_parser(") == 1
