"""The OWL 2 DL profile check (issue 15): the OWL API's `OWL2DLProfile` on one ontology file.

No Python library checks OWL 2 profiles, so `ProfileCheck.java` (beside this file) calls the OWL API that
owlready2 ships inside HermiT.jar, run in Java's source-file mode (Java 11+): nothing is downloaded or
built ahead. Takes about 5 s (the compile and the JVM start), so `thaiplan ontology check` runs it only
with `--profile`; the test suite runs it once on the shipped ontology.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from thaiplan.errors import InputError, ThaiplanError


@dataclass(frozen=True)
class Violation:
    """One OWL 2 DL profile violation: the OWL API's kind (class name) and its message."""

    kind: str
    message: str


class ReasonerUnavailable(ThaiplanError):
    """The reasoner could not be started (no Java); exit code 3."""

    exit_code = 3


def hermit_jar() -> Path:
    """The HermiT.jar owlready2 installs (it bundles the OWL API 3)."""
    import owlready2

    return Path(owlready2.__file__).parent / "hermit" / "HermiT.jar"


def profile_violations(path: Path, timeout: float = 120.0) -> list[Violation]:
    """Every OWL 2 DL profile violation of the ontology file `path` (Turtle, RDF/XML, N-Triples)."""
    java = shutil.which("java")
    if java is None:
        raise ReasonerUnavailable("Java not found: the OWL 2 DL profile check needs Java 11 or newer")
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    source = Path(str(files("thaiplan.ontology").joinpath("ProfileCheck.java")))
    with tempfile.TemporaryDirectory(prefix="thaiplan-profile-") as tmp:
        # Source-file mode compiles into memory; a private temp dir keeps javac's scratch files apart.
        done = subprocess.run(
            [java, f"-Djava.io.tmpdir={tmp}", "-cp", str(hermit_jar()), str(source), str(path.resolve())],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    lines = done.stdout.splitlines()
    if done.returncode != 0 or not lines or not lines[-1].startswith("violations: "):
        raise ThaiplanError(f"{path}: the OWL API could not check the file: {_first_error(done.stderr)}")
    return [Violation(*line.split("\t", 1)) for line in lines[:-1] if "\t" in line]


def _first_error(stderr: str) -> str:
    """The first line of a Java error worth showing."""
    for line in stderr.splitlines():
        if line.strip() and not line.strip().startswith("at "):
            return line.strip()
    return "no output"
