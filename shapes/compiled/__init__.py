"""SHACL core constraints compiled to SPARQL and run on the validation dataset, with pySHACL's results.

Why (issue 7): pySHACL needs the data as an rdflib graph and RDFS inference by owlrl over all of it;
at a million triples that took 12 minutes and 2.9 GiB, nearly all of it parsing and inferring, not
validating. Here every constraint of every shape becomes one SPARQL query (templates in
shapes/sparql/core/) on the pyoxigraph store of shapes/dataset.py, whose named graphs hold the RDFS
entailments the shapes can observe. The results are those pySHACL gives with `inference="rdfs"` —
focus node, path, value, constraint component, shape, severity and messages — and
tests/test_core_sparql.py holds the two engines to that on every case and on the shipped graph, and
tests/test_shacl_w3c.py holds it to the W3C SHACL test suite (issue 19).

Split by SHACL's sections (issue 14): targets.py (2.1), paths.py (2.3.1), components.py (4, the
component table), compiler.py (the walk over the shapes), functions.py (the Python the queries call
back) and run.py. A shape using a feature the table lacks compiles to no check and is named in
`Compiled.unsupported`: shapes/handover.py gives it to pySHACL, so it is never silently passed.
"""

from __future__ import annotations

from rdflib import Graph

from thaiplan.shapes.compiled.base import CLASS_TYPES, TARGETS, Compiled, CoreCheck, Unsupported
from thaiplan.shapes.compiled.compiler import Compiler, check_vocabulary
from thaiplan.shapes.compiled.run import focus_sets_of, run_check, run_core
from thaiplan.shapes.compiled.targets import sparql_targets, targeted_shapes

__all__ = [
    "CLASS_TYPES",
    "TARGETS",
    "Compiled",
    "CoreCheck",
    "Unsupported",
    "compile_shapes",
    "focus_sets_of",
    "run_check",
    "run_core",
    "sparql_targets",
    "targeted_shapes",
]


def compile_shapes(shapes: Graph) -> Compiled:
    """The checks of a shapes graph, with the predicates and classes whose entailments they observe."""
    check_vocabulary(shapes)
    compiler = Compiler(shapes)
    checks = compiler.checks()
    return Compiled(
        checks, frozenset(compiler.predicates), frozenset(compiler.classes), compiler.unsupported_shapes
    )
