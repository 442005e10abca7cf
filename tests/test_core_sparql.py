"""The compiled validator gives pySHACL's report (issue 7): same results, field by field, on every case.

`thaiplan validate` now runs the core constraints as SPARQL on pyoxigraph (shapes/compiled/) over
the RDFS entailments of shapes/dataset.py; shapes/reference.py keeps the validator it replaced (pySHACL
with `inference="rdfs"` on an rdflib graph). Both run here on every shapes/cases file, on the shipped
graph, on a small synthetic graph and on data written to probe the corners (inferred types, sub-properties,
ill-typed and odd literals), and must agree on every result: focus node, path, value, constraint
component, source shape and constraint, severity and messages.
"""

from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import DCTERMS, RDFS, SKOS

from thaiplan.shapes.reference import validate_reference
from thaiplan.shapes.report import Report
from thaiplan.shapes.validate import project_files, read_rdf, validate, validate_files

CASES = Path(__file__).resolve().parent.parent / "shapes" / "cases"
ALL_CASES = sorted(p for p in CASES.glob("*/*.ttl") if not p.name.endswith(".expected.ttl"))
PROBES = Path(__file__).resolve().parent / "data" / "validate-probes"


def _results(report: Report) -> Counter:
    """Every result as comparable fields (paths as SPARQL text: blank-node paths differ in id only)."""
    return Counter(
        (
            r.focus,
            r.severity,
            r.shape,
            r.component,
            report.path_text(r.path),
            r.value,
            r.messages,
            r.constraint,
        )
        for r in report.results
    )


def _assert_same(data: Graph) -> Report:
    """Validate with both engines and compare; return the new report."""
    new = validate(data)
    old = validate_reference(data)
    assert _results(new) == _results(old)
    return new


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_compiled_validator_equals_pyshacl_on_every_case_issue7(case: Path) -> None:
    _assert_same(read_rdf([case]))


def test_compiled_validator_equals_pyshacl_on_the_shipped_graph_issue7() -> None:
    report = _assert_same(read_rdf(project_files()))
    assert report.results, (
        "the shipped graph has warnings (known gaps): a comparison of nothing proves little"
    )


def test_all_cases_together_issue7() -> None:
    """Every case in one graph: shapes meet each other's data (and many more focus nodes per query)."""
    _assert_same(read_rdf(ALL_CASES))


@pytest.mark.parametrize("probe", sorted(PROBES.glob("*.ttl")), ids=lambda p: p.stem)
def test_compiled_validator_equals_pyshacl_on_probes_issue7(probe: Path) -> None:
    report = _assert_same(read_rdf([probe]))
    assert report.results, "a probe must break something"


def test_damaged_synthetic_graph_issue7() -> None:
    report = _assert_same(_damaged_synthetic())
    assert len({r.shape for r in report.results}) >= 10


def test_files_and_graph_give_the_same_report_issue7(tmp_path: Path) -> None:
    """The fast path (N-Quads straight into pyoxigraph) reports what validating the parsed graph does."""
    data = read_rdf(ALL_CASES)
    nq = tmp_path / "cases.nt"
    nq.write_text(data.serialize(format="nt"), encoding="utf-8")
    from_file = validate_files([nq])
    from_graph = validate(data)
    assert _results(from_file) == _results(from_graph)
    naming = (SKOS.prefLabel, SKOS.notation, DCTERMS.title, RDFS.label)
    for result in from_file.results:
        for prop in naming:  # what the report names focus nodes by (labels, codes)
            assert set(from_file.data.objects(result.focus, prop)) == set(data.objects(result.focus, prop))


# --- SHACL-SPARQL queries rewritten for speed ------------------------------------------------------------

BEFORE = Path(__file__).resolve().parent / "data" / "queries-before-issue7"
SPARQL = Path(__file__).resolve().parent.parent / "shapes" / "sparql"


def _damaged_synthetic() -> Graph:
    """A synthetic graph with every 13th triple dropped: many shapes broken at once, on many focus nodes."""
    from thaiplan.graph.synth.model import generate
    from thaiplan.graph.synth.sizes import Sizes
    from thaiplan.graph.synth.write import chunks_for

    text = "".join(chunks_for("nt", generate(Sizes(agencies=20, projects=30, years=2, seed=5)), [0], ""))
    whole = Graph().parse(data=text, format="nt")
    damaged = Graph()
    for number, triple in enumerate(sorted(whole)):
        if number % 13:
            damaged.add(triple)
    return damaged


@pytest.mark.parametrize("name", sorted(p.name for p in BEFORE.glob("*.rq")))
def test_rewritten_sparql_constraints_answer_as_before_issue7(name: str) -> None:
    """orphan-part, agency-abbreviation and range-asserted: the fast form gives the rows the old form did."""
    from thaiplan.shapes.dataset import DATA, SPARQL_GRAPHS, Dataset, add_schema
    from thaiplan.shapes.validate import _levels, load_ontology

    data = read_rdf([*ALL_CASES, *sorted(PROBES.glob("*.ttl")), *project_files()])
    data += _damaged_synthetic()
    dataset = Dataset()
    dataset.add_graph(data, DATA)
    add_schema(dataset, load_ontology(), Graph(), _levels())

    def rows(path: Path) -> set[tuple]:
        answers = dataset.store.query(path.read_text(encoding="utf-8"), default_graph=SPARQL_GRAPHS)
        names = [v.value for v in answers.variables]
        return {tuple(str(row[n]) for n in names) for row in answers}

    old, new = rows(BEFORE / name), rows(SPARQL / name)
    assert new == old
    assert old, f"{name}: the data must give the query something to find"
