"""`thaiplan` sub-commands owned by the shapes folder: `thaiplan validate`."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from thaiplan.errors import InputError
from thaiplan.graph.store.backend import add_store_argument
from thaiplan.shapes.report import FORMATS, render

if TYPE_CHECKING:
    from thaiplan.shapes.dataset import Dataset


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add the `validate` command (`add`: thaiplan.cli.add_command)."""
    parser = add(
        "validate",
        run,
        help="check the graph (or RDF files) against the SHACL shapes and write a report",
        description="Validate the project's curated graph (graph/data and the sources description, as the "
        "build reads them), a built store (--store), or the given RDF files, against the thaiplan SHACL "
        "shapes with the ontology and RDFS inference, or against a shapes graph of your own (--shapes, "
        "read as SHACL reads a data graph: no ontology, no inference). Exit 0: no violation (the report "
        "may still hold warnings, and then does not conform, as SHACL defines); 1: violations; "
        "2: input or shapes unusable.",
    )
    parser.add_argument(
        "files", nargs="*", type=Path, metavar="FILE", help="RDF files (format from extension)"
    )
    parser.add_argument("--format", choices=FORMATS, default="text", help="report format (default: text)")
    parser.add_argument(
        "--output", "-o", type=Path, metavar="PATH", help="write the report here (default: stdout)"
    )
    parser.add_argument(
        "--shapes",
        type=Path,
        metavar="SHAPES",
        help="validate against this SHACL shapes graph instead of the project's (no ontology, no inference)",
    )
    parser.add_argument("--lang", choices=("en", "th"), default="en", help="language of messages and names")
    add_store_argument(
        parser, help="validate the current build of a store: its directory, or a remote SPARQL query endpoint"
    )
    parser.add_argument(
        "--link-base",
        default=None,
        metavar="URL",
        help="server base URL for links in the HTML report (default: THAIPLAN_PUBLIC_URL, else each "
        "resource's own https://w3id.org/thaiplan/id/… IRI, so that a report opened from disk links out)",
    )


def run(args: argparse.Namespace) -> int:
    """Validate, write the report, and return 1 when there are violations."""
    from thaiplan.shapes.dataset import Dataset
    from thaiplan.shapes.validate import validate_files

    if args.files and args.store is not None:
        raise InputError("give either FILEs or --store, not both")
    dataset = Dataset()  # kept for the coverage figures: the input is parsed once (issue 19)
    report = validate_files(args.files, store_dir=args.store, shapes_path=args.shapes, dataset=dataset)
    text = render(report, args.format, lang=args.lang, link_base=_link_base(args.link_base))
    text = source_coverage(text, args, dataset)
    if args.output is None:
        sys.stdout.write(text)
    else:
        write_atomically(args.output, text)
    return 1 if report.violations else 0


def _link_base(given: str | None) -> str | None:
    """The HTML report's link base: as given, else the configured public URL, else None (the IRIs)."""
    if given is not None:
        return given
    from thaiplan.config import Config

    return Config.from_env().public_url or None


def source_coverage(text: str, args: argparse.Namespace, dataset: Dataset) -> str:
    """Issue 17's hook: the coverage of each source document added to the text and JSON reports.

    Read from the data graph of the store the validation loaded (at 1M triples, reading the input a
    second time cost 5-6 s of CPU: issue 19).
    """
    from thaiplan.graph.text.coverage import add_to_report
    from thaiplan.shapes.dataset import DATA

    if args.format not in ("text", "json") or args.shapes is not None:
        return text  # with a steward's own shapes, the data need not be the project's documents
    return add_to_report(text, args.format, args.lang, dataset.store, DATA)


def write_atomically(path: Path, text: str) -> None:
    """Write a file through a temporary sibling and a rename, so no reader sees half a report."""
    path = Path(path)
    if not path.parent.is_dir():
        raise InputError(f"{path}: folder {path.parent} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
