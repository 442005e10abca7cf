"""The one reader of the project's SPARQL files: `.rq` queries and `.ru` updates kept as package data.

Each area keeps its SPARQL beside its code (`graph/sparql/`, `server/sparql/`, `shapes/sparql/`, and the
named queries at the top of `queries/`); every module reads them here, by area and name, so that a file is
read once per process and a typo names the file it looked for (issue 14: six readers did this before). A
folder given at run time (the named-query registry's, which tests give their own) is listed with `rq_files`
and read with `read_path`, uncached.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

# The folder of each area that holds its SPARQL files, relative to the area's package.
FOLDERS = {"graph": "sparql", "server": "sparql", "shapes": "sparql", "queries": ""}
EXTENSIONS = (".rq", ".ru")


def folder(area: str) -> Path:
    """The folder of `area`'s SPARQL files (KeyError for an area that has none)."""
    base = Path(str(files(f"thaiplan.{area}")))
    return base / FOLDERS[area] if FOLDERS[area] else base


def rq_path(area: str, name: str) -> Path:
    """The file of query `name` of `area` (`.rq` added unless the name ends in `.rq` or `.ru`)."""
    return folder(area) / (name if name.endswith(EXTENSIONS) else f"{name}.rq")


@cache
def read_rq(area: str, name: str) -> str:
    """The text of query (or update) `name` of `area`, e.g. `read_rq("graph", "quotes")`."""
    return read_path(rq_path(area, name))


def rq_files(directory: Path) -> list[Path]:
    """The `.rq` files directly in `directory`, sorted by name (a folder of named queries, a test's too)."""
    return sorted(Path(directory).glob("*.rq"))


def read_path(path: Path) -> str:
    """The text of the SPARQL file at `path`, uncached (a folder a caller was given may change)."""
    return Path(path).read_text(encoding="utf-8")
