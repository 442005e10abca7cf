"""Reports for a terminal (text) and as standard SHACL (Turtle), and the choice among every rendering."""

from __future__ import annotations

from thaiplan.shapes.report.model import SEVERITIES, SEVERITY_NAMES, Report, Result, word


def render_turtle(report: Report) -> str:
    """The standard `sh:ValidationReport` in Turtle."""
    return report.to_graph().serialize(format="turtle")


def render_text(report: Report, lang: str = "en") -> str:
    """A terminal-readable report: counts, then each group with its focus nodes."""
    lines = [word("title", lang), f"{conformance(report, lang)} · {_counts_line(report, lang)}"]
    if report.results and report.violations == 0:
        lines.append(word("no_violation", lang))
    for group in report.groups(lang):
        severity = SEVERITY_NAMES.get(group.severity, {}).get(lang, report.compact(group.severity))
        where = " · ".join(
            part for part in (report.component_name(group.component), report.path_text(group.path)) if part
        )
        lines.append("")
        lines.append(
            f"[{severity}] {report.shape_name(group.shape, lang)} ({report.compact(group.shape)}) "
            f"· {where} — {len(group.results)}"
        )
        lines.append(f"  {group.message}")
        for result in group.results:
            lines.append("    " + _focus_text(report, result, lang))
    return "\n".join(lines) + "\n"


def conformance(report: Report, lang: str) -> str:
    """SHACL's sh:conforms, in words: the same verdict every format gives."""
    return word("conforms" if report.conforms else "not_conforms", lang)


def _counts_line(report: Report, lang: str) -> str:
    """`Violation 0 · Warning 12 · Info 3` in the reader's language."""
    return " · ".join(f"{SEVERITY_NAMES[s][lang]} {report.count(s)}" for s in SEVERITIES)


def _focus_text(report: Report, result: Result, lang: str) -> str:
    """One focus node on one line: IRI, code, label and the offending value when it differs."""
    parts = [report.compact(result.focus)]
    code = report.code(result.focus)
    if code:
        parts.append(f"[{code}]")
    label = report.label(result.focus, lang)
    if label:
        parts.append(label)
    if result.value is not None and result.value != result.focus:
        parts.append(f"= {report.compact(result.value)}")
    where = report.locations.get(result.focus)
    if where:
        parts.append(f"({where})")
    return " ".join(parts)
