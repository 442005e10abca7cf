"""`thaiplan import`, `template` and `export`: stewards' spreadsheets in and out (issue 16)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from thaiplan.graph.cli import add_data_option, data_folder
from thaiplan.graph.imports.cells import mapping


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add the `import`, `template` and `export` commands (`add`: thaiplan.cli.add_command)."""
    command = add(
        "import",
        run,
        help="check a steward's spreadsheet (XLSX or CSV) and write it as curated data",
        description="Check every cell of an XLSX or CSV file against the import mapping and the shapes, "
        "print what would change (entities added, changed, removed), then write "
        "graph/data/imports/<name>.ttl and keep the spreadsheet beside it; `thaiplan build` reads it. "
        "Exit 0 on success, 1 when a cell or shape has a problem (each named by file, sheet, row and "
        "column; nothing is written), 2 on an unreadable file.",
    )
    command.add_argument("file", type=Path, metavar="FILE.xlsx|FILE.csv")
    command.add_argument("--kind", choices=list(mapping()["kinds"]), default="projects")
    command.add_argument("--dry-run", action="store_true", help="print the changes, write nothing")
    command.add_argument("--lang", choices=["th", "en"], default="en", help="language of the messages")
    command.add_argument("--by", metavar="NAME", help="who runs the import (default: the OS user)")
    add_data_option(command)
    command.add_argument(
        "--report",
        type=Path,
        metavar="FILE.csv|FILE.html",
        help="also write the problems found as CSV or HTML",
    )

    template = add(
        "template",
        run_template,
        help="write the empty import workbook (a sheet per kind, headers, keys, lists, README)",
        description="Write an empty XLSX workbook for `thaiplan import`: one sheet per kind with a header "
        "row in Thai and English, a second row of column keys, data validation lists for coded columns and "
        "a README sheet explaining each column, all generated from the import mapping and the ontology.",
    )
    template.add_argument("--kind", choices=list(mapping()["kinds"]), action="append", help="repeat for more")
    template.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.xlsx")

    export = add(
        "export",
        run_export,
        help="write the curated graph in the import format (XLSX: every kind; CSV: one kind)",
        description="Write the shipped curated graph as import spreadsheets: an XLSX workbook laid out as "
        "the template (a sheet per kind) or one kind as CSV. `thaiplan import` of the file with --dry-run "
        "reports 0 changes; its README sheet counts what the format does not hold.",
    )
    export.add_argument("output", type=Path, metavar="FILE.xlsx|FILE.csv")
    export.add_argument("--kind", choices=list(mapping()["kinds"]), action="append", help="repeat for more")
    add_data_option(export)


def run(args: argparse.Namespace) -> int:
    """`thaiplan import`: check, show the changes, write unless --dry-run."""
    from thaiplan.graph.imports.importer import Options, run_import

    run_import(
        Options(args.file, args.kind, args.dry_run, args.lang, args.by, data_folder(args), args.report)
    )
    return 0


def run_template(args: argparse.Namespace) -> int:
    """`thaiplan template`: write the workbook."""
    from thaiplan.graph.imports.template import write_template

    write_template(args.output, args.kind or list(mapping()["kinds"]))
    print(f"wrote {args.output}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    """`thaiplan export`: the curated graph in the import format."""
    from thaiplan.graph.imports.export import export

    counted = export(args.output, args.kind or list(mapping()["kinds"]), data_folder(args))
    for kind, (rows, misfits) in counted.items():
        print(f"{kind}: {rows} rows" + (f" ({misfits} entities do not fit the format)" if misfits else ""))
    print(f"wrote {args.output}")
    return 0
