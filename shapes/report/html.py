"""Reports as one self-contained HTML page for stewards: counts, then collapsible groups of focus nodes."""

from __future__ import annotations

import html
from datetime import UTC, datetime

from rdflib import URIRef
from rdflib.term import Node

from thaiplan.shapes.report.model import ID_BASE, SEVERITIES, SEVERITY_NAMES, Group, Report, word
from thaiplan.shapes.report.text import conformance


def link_for(node: Node, link_base: str | None = "", id_base: str = ID_BASE) -> str | None:
    """The server page of an instance IRI (`…/id/X` → `<link_base>/id/X`), None for other nodes.

    `link_base` None links to the IRI itself (its persistent w3id.org address): a report opened from
    disk has no server beside it (issue 20).
    """
    if isinstance(node, URIRef) and str(node).startswith(id_base):
        if link_base is None:
            return str(node)
        return f"{link_base.rstrip('/')}/id/{str(node)[len(id_base) :]}"
    return None


_CSS = """
body{font-family:system-ui,"Noto Sans Thai","TH Sarabun New",sans-serif;margin:1.5rem;color:#1b1b1b;
line-height:1.45}
h1{font-size:1.4rem}table{border-collapse:collapse;width:100%;margin:.5rem 0}
td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
/* Values come from the data: a long unbroken one must wrap, not widen the page (#8). */
td{overflow-wrap:anywhere}
.counts{display:flex;gap:1rem;margin:1rem 0}.count{padding:.5rem 1rem;border-radius:.4rem;font-weight:600}
.Violation{background:#fde2e1;color:#8a1c1c}.Warning{background:#fff3cd;color:#6b4f00}
.Info{background:#e2effd;color:#1c4a8a}
details{border:1px solid #ddd;border-radius:.4rem;margin:.4rem 0;padding:.3rem .6rem}
summary{cursor:pointer}.sev{padding:0 .4rem;border-radius:.3rem;font-size:.85em}
.muted{color:#555;font-size:.9em}
code{font-size:.9em}
"""


def render_html(report: Report, lang: str = "en", link_base: str | None = "", id_base: str = ID_BASE) -> str:
    """A self-contained HTML page for stewards: counts first, then collapsible groups of focus nodes."""
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{e(lang)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(word('title', lang))}</title><style>{_CSS}</style></head><body>",
        f"<h1>{e(word('title', lang))}</h1>",
        '<div class="counts">',
    ]
    for severity in SEVERITIES:
        name = SEVERITY_NAMES[severity]["en"]
        parts.append(
            f'<div class="count {name}">{e(SEVERITY_NAMES[severity][lang])}: {report.count(severity)}</div>'
        )
    parts.append("</div>")
    parts.append(f'<p class="conforms">{e(conformance(report, lang))}</p>')
    if report.results and report.violations == 0:
        parts.append(f"<p>{e(word('no_violation', lang))}</p>")
    for group in report.groups(lang):
        parts.append(_html_group(report, group, lang, link_base, id_base))
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    parts.append(f'<p class="muted">{e(word("generated", lang))}: {e(stamp)}</p></body></html>')
    return "\n".join(parts) + "\n"


def _html_group(report: Report, group: Group, lang: str, link_base: str | None, id_base: str) -> str:
    """One `<details>` block: the group's summary line and a table of its focus nodes."""
    e = html.escape
    sev = SEVERITY_NAMES.get(group.severity, {"en": "Other", lang: "Other"})
    description = report.shape_description(group.shape, lang)
    rows = []
    for result in group.results:
        shown = result.value not in (None, result.focus)
        value = _html_node(report, result.value, link_base, id_base) if shown else ""  # type: ignore[arg-type]
        rows.append(
            "<tr>"
            f"<td>{_html_node(report, result.focus, link_base, id_base)}</td>"
            f"<td>{e(report.code(result.focus))}</td>"
            f"<td>{e(report.label(result.focus, lang))}</td>"
            f"<td>{value}</td>"
            f"<td>{e(report.message(result, lang))}</td>"
            + (
                f"<td><code>{e(report.locations.get(result.focus, ''))}</code></td>"
                if report.locations
                else ""
            )
            + "</tr>"
        )
    path = report.path_text(group.path)
    return (
        "<details><summary>"
        f'<span class="sev {e(sev["en"])}">{e(sev.get(lang, sev["en"]))}</span> '
        f"<strong>{e(report.shape_name(group.shape, lang))}</strong> "
        f"<code>{e(report.component_name(group.component))}</code> "
        + (f"<code>{e(path)}</code> " if path else "")
        + f"— {e(group.message)} <strong>({len(group.results)})</strong></summary>"
        + (f'<p class="muted">{e(description)}</p>' if description else "")
        + f'<p class="muted">{e(word("shape", lang))}: <code>{e(report.compact(group.shape))}</code></p>'
        "<table><thead><tr>"
        f"<th>{e(word('focus', lang))}</th><th>{e(word('code', lang))}</th><th>{e(word('label', lang))}</th>"
        f"<th>{e(word('value', lang))}</th><th>{e(word('message', lang))}</th>"
        + (f"<th>{e(word('where', lang))}</th>" if report.locations else "")
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></details>"
    )


def _html_node(report: Report, node: Node, link_base: str | None, id_base: str) -> str:
    """A node as escaped text, linked to its server page when it is an instance IRI."""
    text = html.escape(report.compact(node))
    href = link_for(node, link_base, id_base)
    if href is None:
        return f"<code>{text}</code>"
    return f'<a href="{html.escape(href, quote=True)}"><code>{text}</code></a>'
