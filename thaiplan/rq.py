"""The one reader of the project's SPARQL files: `.rq` queries and `.ru` updates kept as package data.

Each area keeps its SPARQL beside its code (`graph/sparql/`, `server/sparql/`, `shapes/sparql/`, and the
named queries at the top of `queries/`); every module reads them here, by area and name, so that a file is
read once per process and a typo names the file it looked for (issue 14: six readers did this before).
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
    return rq_path(area, name).read_text(encoding="utf-8")
