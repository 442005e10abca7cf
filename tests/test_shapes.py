"""The SHACL shapes (issue 4), tested like pySHACL's own suite: data files with their expected reports.

`shapes/cases/<Shape>/<case>.ttl` is a small graph that breaks `tpsh:<Shape>`; `<case>.expected.ttl` is
the `sh:ValidationReport` expected of that shape on it (focus nodes, constraint components, severities;
results of other shapes are not compared). `shapes/cases/conforming/*.ttl` keep every promise: they must
validate with no result at all, and every shape must have focus nodes there, so that each shape is seen
both passing and failing.
"""

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SH, SKOS
from rdflib.term import Node

from thaiplan.shapes.validate import (
    SPARQL_DIR,
    core_shapes,
    focus_nodes,
    load_ontology,
    load_shapes,
    read_rdf,
    sparql_checks,
    validate,
)

TPSH = Namespace("https://w3id.org/thaiplan/shapes#")
TP = Namespace("https://w3id.org/thaiplan/ontology#")
CASES = Path(__file__).resolve().parent.parent / "shapes" / "cases"
CONFORMING = sorted((CASES / "conforming").glob("*.ttl"))
BROKEN = sorted(p for p in CASES.glob("*Shape/*.ttl") if not p.name.endswith(".expected.ttl"))


def _expected(case: Path) -> Counter:
    """(focus, component, severity) of every result the case's expected report lists."""
    report = Graph().parse(case.with_name(case.stem + ".expected.ttl"))
    return Counter(
        (
            report.value(r, SH.focusNode),
            report.value(r, SH.sourceConstraintComponent),
            report.value(r, SH.resultSeverity),
        )
        for r in report.subjects(RDF.type, SH.ValidationResult)
    )


def _checked_shapes(shapes: Graph) -> set[Node]:
    """Shapes that can produce results: named shapes with targets, or named property shapes of those."""
    targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
    named = {s for t in targets for s in shapes.subjects(t, None) if isinstance(s, URIRef)}
    named |= {o for s in list(named) for o in shapes.objects(s, SH.property) if isinstance(o, URIRef)}
    constraint_free = {s for s in named if not _has_constraint(shapes, s)}
    return named - constraint_free


def _has_constraint(shapes: Graph, shape: Node) -> bool:
    """True when the shape itself carries a constraint parameter (not only nested property shapes)."""
    return any(
        str(p).startswith(str(SH))
        and p not in {SH.property, SH.name, SH.description, SH.severity, SH.message}
        and not str(p).startswith(str(SH) + "target")
        and p not in {SH.path, SH.deactivated}
        for p in shapes.predicates(shape, None)
    )


@pytest.mark.parametrize("case", BROKEN, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_broken_case_gives_expected_results_issue4(case: Path) -> None:
    shape = TPSH[case.parent.name]
    report = validate(read_rdf([case]))
    got = Counter((r.focus, r.component, r.severity) for r in report.results if r.shape == shape)
    assert got == _expected(case)
    assert got, "a broken case must break its shape"


@pytest.mark.parametrize("case", CONFORMING, ids=lambda p: p.stem)
def test_conforming_case_has_no_result_issue4(case: Path) -> None:
    report = validate(read_rdf([case]))
    assert [(r.shape, r.focus) for r in report.results] == []
    assert report.conforms


def test_every_shape_has_a_broken_and_a_conforming_case_issue4() -> None:
    shapes = load_shapes()
    checked = _checked_shapes(shapes)
    broken = {TPSH[p.parent.name] for p in BROKEN}
    assert sorted(checked - broken) == [], "shapes without a broken case"
    assert sorted(broken - checked) == [], "case folders named after no shape"
    conforming = Graph()
    for path in CONFORMING:
        conforming += read_rdf([path])
    full = conforming + load_ontology()
    parents = {o: s for s, o in shapes.subject_objects(SH.property)}
    unexercised = []
    for shape in checked:
        owner = shape if focus_nodes(shapes, shape, full) or shape not in parents else parents[shape]
        if not focus_nodes(shapes, owner, full) & set(conforming.subjects()):
            unexercised.append(shape)
    assert sorted(unexercised) == [], "shapes with no focus node in any conforming case"


def test_shapes_are_named_and_explained_in_thai_and_english_issue4() -> None:
    shapes = load_shapes()
    for shape in _checked_shapes(shapes):
        for prop in (SH.name,):
            langs = {o.language for o in shapes.objects(shape, prop) if isinstance(o, Literal)}
            assert {"th", "en"} <= langs, f"{shape} {prop}"
        messages = list(shapes.objects(shape, SH.message))
        for constraint in shapes.objects(shape, SH.sparql):
            messages += list(shapes.objects(constraint, SH.message))
        assert {"th", "en"} <= {m.language for m in messages}, f"{shape} sh:message"
        assert shapes.value(shape, SH.severity) in (SH.Violation, SH.Warning, SH.Info), f"{shape} severity"


def test_severities_are_deliberate_issue4() -> None:
    shapes = load_shapes()
    severity = {s: shapes.value(s, SH.severity) for s in _checked_shapes(shapes)}
    # A missing Thai name breaks the graph; since issue 15 (bilingual pages) a missing English one too.
    assert severity[TPSH.ThaiPrefLabelShape] == SH.Violation
    assert severity[TPSH.EnglishPrefLabelShape] == SH.Violation
    # Gaps the sources leave are warnings, never violations.
    for gap in (TPSH.IndicatorTargetShape, TPSH.TargetValueShape, TPSH.MeasuredObservedShape):
        assert severity[gap] == SH.Warning
    assert {SH.Violation, SH.Warning, SH.Info} == set(severity.values())


@pytest.mark.parametrize(
    ("shape", "scheme"),
    [
        (TPSH.UnitValueShape, TP.UnitScheme),
        (TPSH.ComparatorValueShape, TP.ComparatorScheme),
        (TPSH.StatusValueShape, TP.StatusScheme),
    ],
)
def test_sh_in_lists_match_the_ontology_schemes_issue4(shape: URIRef, scheme: URIRef) -> None:
    from rdflib.collection import Collection

    shapes = load_shapes()
    members = set(Collection(shapes, shapes.value(shape, SH["in"])))
    assert members == set(load_ontology().subjects(SKOS.inScheme, scheme))


def test_every_query_file_is_used_and_parses_issue4() -> None:
    shapes = load_shapes()
    used = {str(o) for o in shapes.objects(None, TPSH.selectFile)}
    assert used == {p.name for p in SPARQL_DIR.glob("*.rq")}
    store = ox.Store()
    for check in sparql_checks(shapes):
        list(store.query(check.query))  # parses and runs on an empty store
        assert "$this" in check.query and "VALUES" not in check.query and "MINUS" not in check.query


def test_core_shapes_leave_sparql_to_oxigraph_issue4() -> None:
    assert not list(core_shapes(load_shapes()).triples((None, SH.sparql, None)))


def test_shapes_graph_is_standard_shacl_sparql_issue4() -> None:
    shapes = load_shapes()
    for constraint in shapes.subjects(TPSH.selectFile, None):
        assert isinstance(shapes.value(constraint, SH.select), Literal)


def test_a_shapes_file_s_prefixes_are_read_by_the_rdf_parser_issue14(tmp_path: Path) -> None:
    """The report's compact names use the prefixes the file declares, as the parser reads them: SPARQL-style
    `PREFIX` too, past a BOM, relative ones against the file; a `@prefix` inside a string declares nothing."""
    from thaiplan.shapes.validate import read_shapes

    path = tmp_path / "mine.ttl"
    path.write_text(
        "\ufeffPREFIX mine: <http://example.org/mine#>\n@prefix rel: <rel#> .\n"
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        'mine:S a sh:NodeShape ; sh:message "@prefix fake: <http://example.org/fake#>" .\n',
        encoding="utf-8",
    )
    namespaces = {prefix: str(ns) for prefix, ns in read_shapes(path).namespaces()}
    assert namespaces["mine"] == "http://example.org/mine#"
    assert namespaces["rel"] == (tmp_path / "rel#").as_uri().replace("%23", "#")
    assert "fake" not in namespaces
