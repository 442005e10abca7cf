"""`thaiplan ontology …` sub-commands: `check` (HermiT) and `doc` (the reference page)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add the `ontology` command and its sub-commands (`add`: thaiplan.cli.add_command)."""
    parser = add("ontology", None, help="check the ontology or write its reference page")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True

    check = actions.add_parser(
        "check",
        help="run the HermiT reasoner: consistency and unsatisfiable classes",
        description="Load the ontology (plus any --with files and the vendored upstream PROV-O, SKOS, "
        "ORG, OWL-Time, Data Cube, DCMI Terms, DCAT and VoID) and run HermiT (the jar owlready2 ships). "
        "Exit 0 when consistent with no unsatisfiable class, 1 when not, 2 when a file cannot be read, "
        "3 when the reasoner cannot run (no Java).",
    )
    check.add_argument(
        "--ontology", type=Path, metavar="FILE", help="check this file instead of ontology/thaiplan.ttl"
    )
    check.add_argument(
        "--with",
        dest="extra",
        type=Path,
        nargs="+",
        action="extend",  # `--with A --with B` checks both (issue 15: the last one alone was checked)
        default=[],
        metavar="FILE",
        help="RDF files (Turtle, N-Triples, RDF/XML) to check together with the ontology",
    )
    check.add_argument(
        "--no-upstream",
        action="store_true",
        help="leave out the vendored upstream vocabularies (ontology/upstream/) the check adds by default",
    )
    check.add_argument(
        "--profile",
        action="store_true",
        help="also run the OWL API's OWL 2 DL profile check on the ontology (about 5 s; 1 on a violation)",
    )
    check.set_defaults(func=_check)

    doc = actions.add_parser("doc", help="write the HTML reference of the ontology with its diagram")
    doc.add_argument(
        "--output", type=Path, default=Path("build/ontology"), metavar="DIR", help="(default: %(default)s)"
    )
    doc.set_defaults(func=_doc)


def _check(args: argparse.Namespace) -> int:
    """Run the reasoner check and print its report; the exit code says whether it passed."""
    from thaiplan.ontology.check import check

    result = check(extra=args.extra, ontology=args.ontology, upstream=not args.no_upstream)
    print(result.report())
    ok = result.ok
    if args.profile:
        from thaiplan.ontology import ontology_path
        from thaiplan.ontology.profile import profile_violations

        target = args.ontology or ontology_path()
        violations = profile_violations(target)
        print(f"OWL 2 DL profile (OWL API) on {target}: {len(violations)} violations")
        for violation in violations:
            print(f"  {violation.kind}: {violation.message}")
        ok = ok and not violations
    return 0 if ok else 1


def _doc(args: argparse.Namespace) -> int:
    """Write the reference pages and the diagram, and say where."""
    from thaiplan.ontology.reference import write_reference

    for path in write_reference(args.output):
        print(path)
    return 0
