"""`thaiplan` sub-commands owned by the graph folder: `build` and `query`."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from thaiplan.config import Config
from thaiplan.errors import InputError, ThaiplanError
from thaiplan.graph.build.inputs import open_regular
from thaiplan.graph.results import FORMATS, render
from thaiplan.graph.store.backend import add_store_argument
from thaiplan.queries.guard.safety import check_query, syntax_error


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add the `build` and `query` commands (`add`: thaiplan.cli.add_command)."""
    build = add(
        "build",
        run_build,
        help="load the ontology and the curated data into a new store snapshot",
        description="Load the ontology and the curated graph into a new snapshot of the embedded store, "
        "check every quote against its source, materialize the transitive closures, and switch to the new "
        "snapshot atomically. Exit 0 on success, 1 on a data problem, 2 on unreadable input.",
    )
    add_store_argument(build)
    add_data_option(build, "curated-data folder to build from")

    query = add(
        "query",
        run_query_command,
        help="run a SPARQL query on the store",
        description="Run a read-only SPARQL query on the current store snapshot, on the dataset /sparql "
        "serves: the default graph is the data graphs' union, each triple once, without the ontology and "
        "the indexes; GRAPH selects any named graph, FROM picks the default graph. SERVICE, updates and "
        "FROM of foreign graphs are refused.",
    )
    query.add_argument("file", metavar="FILE.rq", help="the query file, or - to read standard input")
    query.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help="output: table (default), json, xml, csv, tsv for SELECT/ASK; turtle (default) or nt for "
        "CONSTRUCT/DESCRIBE",
    )
    add_store_argument(query)


def add_data_option(parser: argparse.ArgumentParser, what: str = "curated-data folder") -> None:
    """The `--data DIR` option of the commands that read or write the curated data (build, import, export)."""
    parser.add_argument(
        "--data", type=Path, metavar="DIR", help=f"{what} (default: THAIPLAN_DATA_DIR, else graph/data)"
    )


def data_folder(args: argparse.Namespace) -> Path | None:
    """The curated-data folder a command works on: --data, else THAIPLAN_DATA_DIR, else None (graph/data).

    The variable is the folder `serve` builds from and `/import` writes into: every command reads it, so
    that an import and the build after it see the same folder (issue 14).
    """
    if args.data is not None:
        return args.data
    # Only this variable: a malformed setting of the server's must not stop an import or an export.
    return Config.from_env({k: v for k, v in os.environ.items() if k == "THAIPLAN_DATA_DIR"}).data_dir


def run_build(args: argparse.Namespace) -> int:
    """`thaiplan build`: build a new snapshot and print what it holds."""
    from thaiplan.graph.build.pipeline import build
    from thaiplan.graph.store.backend import with_location

    build(with_location(Config.from_env(), args.store), data_folder(args))
    return 0


def run_query_command(args: argparse.Namespace) -> int:
    """`thaiplan query`: run one query on the current snapshot and print its results."""
    from thaiplan.graph.store.backend import open_store, with_location

    config = with_location(Config.from_env(), args.store)
    sparql = read_query(args.file, config.max_body_bytes)
    store = open_store(config)
    # The store runs the guard's canonical text, not the file's (issue 13).
    checked = check_query(sparql, set(store.named_graphs()))
    try:
        # What /sparql serves when the query names no graphs: the data graphs' set, without the ontology
        # and the indexes (issue 19); the query's own FROM / FROM NAMED otherwise.
        result = store.query(checked.text, public=True)
        text = render(result, args.format)
    except SyntaxError as exc:
        raise syntax_error(exc, sparql) from exc
    except (OSError, RuntimeError, ValueError) as exc:
        raise ThaiplanError(f"the query failed: {exc}") from exc
    sys.stdout.write(text)
    return 0


def read_query(name: str, limit: int) -> str:
    """The query text from a regular file, or from standard input for `-`, of at most `limit` bytes.

    The cap is the server's request-body cap (THAIPLAN_MAX_BODY_BYTES): `/dev/zero` grew the process to
    23 GB and a FIFO hung it (issue 13); an empty text is said to be empty, not "an update".
    """
    if name == "-":
        binary = getattr(sys.stdin, "buffer", None)  # a text stream without one (a test's StringIO)
        data = binary.read(limit + 1) if binary is not None else sys.stdin.read(limit + 1).encode("utf-8")
    else:
        try:
            with open_regular(Path(name), "query file") as stream:
                data = stream.read(limit + 1)
        except OSError as exc:
            raise InputError(f"{name}: cannot read: {exc.strerror}") from exc
    if len(data) > limit:
        raise InputError(
            f"{name}: the query is larger than {limit:,} bytes (the limit of THAIPLAN_MAX_BODY_BYTES)"
        )
    try:
        text = data.decode("utf-8-sig")  # a BOM, as editors on Windows write it, is not part of the query
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    if not text.strip():
        raise InputError(f"{name}: the query is empty")
    return text
