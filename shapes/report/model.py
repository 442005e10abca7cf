"""Validation reports: the model of the results (its renderings are text.py, tables.py and html.py here).

The model is built from a standard `sh:ValidationReport` graph (pySHACL's, or one read back from
Turtle), so the server can render a stored report as well as a fresh one. Stewards read results grouped
by severity × shape × constraint × path × message, with the focus nodes named by their labels and codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, RDF, RDFS, SH, SKOS
from rdflib.term import Node

from thaiplan.ontology.namespace import ID_BASE, TP_NS, TPSH_NS

SEVERITIES = (SH.Violation, SH.Warning, SH.Info)
SEVERITY_NAMES = {
    SH.Violation: {"en": "Violation", "th": "ข้อผิดพลาด"},
    SH.Warning: {"en": "Warning", "th": "คำเตือน"},
    SH.Info: {"en": "Info", "th": "ข้อแนะนำ"},
}
FORMATS = ("text", "turtle", "json", "csv", "html")

# Interface words of the rendered reports, in both languages.
WORDS = {
    "title": {"en": "thaiplan validation report", "th": "รายงานการตรวจสอบข้อมูล thaiplan"},
    # One definition of conformance in every format: SHACL's (3.6.2.1), no result of any severity.
    "conforms": {
        "en": "Conforms: yes (no result of any severity)",
        "th": "เป็นไปตามรูปร่าง: ใช่ (ไม่มีผลการตรวจในระดับใดเลย)",
    },
    "not_conforms": {
        "en": "Conforms: no (SHACL: a graph conforms only when there is no result, of any severity)",
        "th": "เป็นไปตามรูปร่าง: ไม่ (ตาม SHACL กราฟเป็นไปตามรูปร่างเมื่อไม่มีผลการตรวจเลย ไม่ว่าระดับใด)",
    },
    "no_violation": {
        "en": "No violation: only warnings and hints, which do not fail the check (exit code 0).",
        "th": "ไม่มีข้อผิดพลาด มีเพียงคำเตือนและข้อแนะนำ ซึ่งไม่ทำให้การตรวจไม่ผ่าน (รหัสออก 0)",
    },
    "where": {"en": "Where", "th": "ตำแหน่ง"},
    "results": {"en": "results", "th": "รายการ"},
    "focus": {"en": "Focus node", "th": "สิ่งที่ตรวจ"},
    "code": {"en": "Code", "th": "รหัส"},
    "label": {"en": "Name", "th": "ชื่อ"},
    "value": {"en": "Value", "th": "ค่า"},
    "message": {"en": "Message", "th": "ข้อความ"},
    "shape": {"en": "Shape", "th": "รูปร่าง"},
    "constraint": {"en": "Constraint", "th": "ข้อกำหนด"},
    "path": {"en": "Path", "th": "เส้นทาง"},
    "count": {"en": "Count", "th": "จำนวน"},
    "generated": {"en": "Generated", "th": "สร้างเมื่อ"},
}


def word(key: str, lang: str) -> str:
    """An interface word in the reader's language (English when there is no translation)."""
    return WORDS[key].get(lang, WORDS[key]["en"])


@dataclass(frozen=True)
class Result:
    """One validation result, as in SHACL's `sh:ValidationResult`."""

    focus: Node
    severity: URIRef
    shape: Node
    component: URIRef
    path: Node | None = None
    value: Node | None = None
    messages: tuple[Literal, ...] = ()
    constraint: Node | None = None


@dataclass
class Group:
    """Results sharing severity, shape, constraint component, path and message."""

    severity: URIRef
    shape: Node
    component: URIRef
    path: Node | None
    message: str
    results: list[Result] = field(default_factory=list)


@dataclass
class Report:
    """A validation report with what is needed to explain it: the data (labels) and the shapes (names)."""

    results: list[Result]
    paths: Graph = field(default_factory=Graph)  # blank-node property paths the results refer to
    data: Graph = field(default_factory=Graph)
    shapes: Graph = field(default_factory=Graph)
    handed: dict[Node, str] = field(default_factory=dict)  # shapes run by pySHACL, and why (issue 19)
    locations: dict[Node, str] = field(default_factory=dict)  # focus node → `file:line` (issue 20)

    # --- reading ----------------------------------------------------------------------------------

    @classmethod
    def from_graph(cls, report: Graph, data: Graph | None = None, shapes: Graph | None = None) -> Report:
        """Read every `sh:ValidationResult` of a report graph."""
        paths = Graph()
        results = []
        for node in report.subjects(RDF.type, SH.ValidationResult):
            path = report.value(node, SH.resultPath)
            if isinstance(path, BNode):
                _copy_cbd(report, path, paths)
            results.append(
                Result(
                    focus=report.value(node, SH.focusNode),  # type: ignore[arg-type]
                    severity=report.value(node, SH.resultSeverity) or SH.Violation,  # type: ignore[arg-type]
                    shape=report.value(node, SH.sourceShape),  # type: ignore[arg-type]
                    component=report.value(node, SH.sourceConstraintComponent),  # type: ignore[arg-type]
                    path=path,
                    value=report.value(node, SH.value),
                    messages=tuple(sorted(report.objects(node, SH.resultMessage), key=str)),  # type: ignore[arg-type]
                    constraint=report.value(node, SH.sourceConstraint),
                )
            )
        return cls(results=results, paths=paths, data=data or Graph(), shapes=shapes or Graph())

    @property
    def conforms(self) -> bool:
        """SHACL's `sh:conforms`: true only when there is no result at all, of any severity."""
        return not self.results

    def count(self, severity: URIRef) -> int:
        """How many results have this severity."""
        return sum(1 for r in self.results if r.severity == severity)

    @property
    def violations(self) -> int:
        """How many results are violations (what the exit code is about)."""
        return self.count(SH.Violation)

    def counts(self) -> dict[str, int]:
        """Results per severity, by English severity name."""
        return {SEVERITY_NAMES[s]["en"]: self.count(s) for s in SEVERITIES}

    def groups(self, lang: str = "en") -> list[Group]:
        """Results grouped by severity × shape × constraint × path × message, worst and largest first."""
        groups: dict[tuple, Group] = {}
        for result in self.results:
            message = self.message(result, lang)
            key = (result.severity, result.shape, result.component, self.path_text(result.path), message)
            group = groups.get(key)
            if group is None:
                group = groups[key] = Group(
                    result.severity, result.shape, result.component, result.path, message
                )
            group.results.append(result)
        for group in groups.values():
            group.results.sort(key=lambda r: (self.code(r.focus), str(r.focus), str(r.value)))
        return sorted(
            groups.values(),
            key=lambda g: (
                _severity_rank(g.severity),
                -len(g.results),
                self.shape_name(g.shape, "en"),
                g.message,
            ),
        )

    # --- naming -----------------------------------------------------------------------------------

    def message(self, result: Result, lang: str) -> str:
        """The result's message in `lang`, else English, else any."""
        return _pick(result.messages, lang) or self.component_name(result.component)

    def label(self, node: Node | None, lang: str) -> str:
        """A human name for a node of the data: its prefLabel (or title, label) in `lang` if there is one."""
        if node is None:
            return ""
        if isinstance(node, Literal):
            return str(node)
        for prop in (SKOS.prefLabel, DCTERMS.title, RDFS.label):
            found = _pick(tuple(self.data.objects(node, prop)), lang)
            if found:
                return found
        return ""

    def code(self, node: Node | None) -> str:
        """The official codes (`skos:notation`) of a node, joined."""
        if node is None:
            return ""
        return ", ".join(sorted(str(n) for n in self.data.objects(node, SKOS.notation)))

    def shape_name(self, shape: Node, lang: str) -> str:
        """The shape's `sh:name` in `lang`, else its compact IRI (a blank property shape: its path)."""
        name = _pick(tuple(self.shapes.objects(shape, SH.name)), lang)
        if name:
            return name
        path = self.shapes.value(shape, SH.path) if isinstance(shape, BNode) else None
        return f"sh:path {self.path_text(path)}" if path is not None else self.compact(shape)

    def shape_description(self, shape: Node, lang: str) -> str:
        """The shape's `sh:description` in `lang` (may be empty)."""
        return _pick(tuple(self.shapes.objects(shape, SH.description)), lang)

    def component_name(self, component: Node) -> str:
        """A constraint component's short name (`MinCount`, `SPARQL`)."""
        text = str(component).rsplit("#", 1)[-1]
        return text.removesuffix("ConstraintComponent")

    def compact(self, node: Node | None) -> str:
        """A node written compactly: `tp:`/`id:` prefixed name, `_:b0`, or a literal's text."""
        if node is None:
            return ""
        if isinstance(node, URIRef):
            return _compact_iri(str(node))
        if isinstance(node, Literal):
            return str(node)
        return node.n3()

    def path_text(self, path: Node | None) -> str:
        """A property path in SPARQL syntax (`^tp:indicator`, `tp:a|tp:b`, `tp:a/tp:b`)."""
        if path is None:
            return ""
        if isinstance(path, URIRef):
            return self.compact(path)
        graphs = (self.paths, self.shapes)
        for graph in graphs:
            if (path, None, None) in graph:
                return _path_text(graph, path, self.compact)
        return path.n3()

    # --- writing ----------------------------------------------------------------------------------

    def to_graph(self) -> Graph:
        """The standard `sh:ValidationReport` graph of this report."""
        graph = Graph()
        for prefix, ns in self.data.namespaces():
            graph.bind(prefix, ns, override=False)
        graph.bind("sh", SH)
        report = BNode()
        graph.add((report, RDF.type, SH.ValidationReport))
        graph.add((report, SH.conforms, Literal(self.conforms)))
        for result in self.results:
            node = BNode()
            graph.add((report, SH.result, node))
            graph.add((node, RDF.type, SH.ValidationResult))
            graph.add((node, SH.focusNode, result.focus))
            graph.add((node, SH.resultSeverity, result.severity))
            graph.add((node, SH.sourceShape, result.shape))
            if isinstance(result.shape, BNode):  # a blank shape is known by its description (issue 19)
                _copy_cbd(self.shapes, result.shape, graph)
            graph.add((node, SH.sourceConstraintComponent, result.component))
            if result.path is not None:
                graph.add((node, SH.resultPath, result.path))
                if isinstance(result.path, BNode):
                    _copy_cbd(
                        self.paths if (result.path, None, None) in self.paths else self.shapes,
                        result.path,
                        graph,
                    )
            if result.value is not None:
                graph.add((node, SH.value, result.value))
            if result.constraint is not None:
                graph.add((node, SH.sourceConstraint, result.constraint))
            for message in result.messages:
                graph.add((node, SH.resultMessage, message))
        return graph


# Prefixes for compact names in reports; the longest matching namespace wins (`id:` is the catch-all).
PREFIXES = {
    "id": ID_BASE,
    "tp": TP_NS,
    "tpsh": TPSH_NS,
    "sh": str(SH),
    "skos": str(SKOS),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "dcterms": str(DCTERMS),
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def _compact_iri(iri: str) -> str:
    """`tp:Goal`, `id:goal/CR02G01`: an IRI under a known namespace, prefixed; others as they are."""
    best = max((ns for ns in PREFIXES.values() if iri.startswith(ns)), key=len, default=None)
    if best is None:
        return iri
    prefix = next(p for p, ns in PREFIXES.items() if ns == best)
    return f"{prefix}:{iri[len(best) :]}"


def _severity_rank(severity: Node) -> int:
    """Violations first, then warnings, infos, and anything else."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def _pick(literals: tuple[Node, ...], lang: str) -> str:
    """The literal in `lang`, else English, else untagged, else any; empty when there is none."""
    texts = [lit for lit in literals if isinstance(lit, Literal)]
    for wanted in (lang, "en", None):
        for lit in texts:
            if lit.language == wanted:
                return str(lit)
    return str(texts[0]) if texts else ""


def _copy_cbd(source: Graph, node: Node, target: Graph) -> None:
    """Copy a blank node's concise bounded description (its triples, recursively through blank nodes)."""
    for p, o in source.predicate_objects(node):
        if (node, p, o) in target:
            continue
        target.add((node, p, o))
        if isinstance(o, BNode):
            _copy_cbd(source, o, target)


def _path_text(graph: Graph, path: Node, compact) -> str:
    """Render a SHACL property path node as SPARQL path syntax."""
    if isinstance(path, URIRef):
        return compact(path)
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + _path_text(graph, inverse, compact)
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(_path_text(graph, p, compact) for p in Collection(graph, alternatives)) + ")"
    for prop, suffix in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = graph.value(path, prop)
        if inner is not None:
            return _path_text(graph, inner, compact) + suffix
    if graph.value(path, RDF.first) is not None:
        return "/".join(_path_text(graph, p, compact) for p in Collection(graph, path))
    return path.n3()
