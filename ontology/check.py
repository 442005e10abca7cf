"""The reasoner check: the ontology, the vendored upstream vocabularies and extra files, through HermiT."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

import rdflib
from rdflib.exceptions import ParserError
from rdflib.namespace import OWL
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.util import guess_format

from thaiplan.errors import InputError
from thaiplan.graph.build.inputs import check_regular_file
from thaiplan.ontology import ontology_path
from thaiplan.ontology.external import unknown_external_iris
from thaiplan.ontology.profile import ReasonerUnavailable, hermit_jar
from thaiplan.ontology.terms import TP_NS
from thaiplan.ontology.vendored import upstream_paths
from thaiplan.shapes.input_guard import check_file

# HermiT implements exactly the OWL 2 datatype map; xsd:gYear (tp:year) and rdf:langString (tp:quote)
# are outside it, so HermiT is told to treat them as opaque rather than stop.
IGNORED_DATATYPES_NOTE = (
    "xsd:gYear and rdf:langString are outside the OWL 2 datatype map: HermiT treats them as opaque "
    "datatypes, so year literals are not checked by the reasoner (SHACL checks them)."
)


@dataclass
class CheckResult:
    """What HermiT said about the merged input, and what went into it."""

    files: list[Path]
    triples: int
    consistent: bool
    unsatisfiable: list[str]
    seconds: float
    dropped_imports: list[str] = field(default_factory=list)
    unknown_external: list[str] = field(default_factory=list)
    unknown_own: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when consistent, every named class satisfiable and every external and tp: IRI known."""
        return (
            self.consistent and not self.unsatisfiable and not self.unknown_external and not self.unknown_own
        )

    def report(self) -> str:
        """A short human-readable report, one fact per line."""
        lines = ["HermiT (owlready2's HermiT.jar) on:"]
        lines += [f"  {path}" for path in self.files]
        lines.append(f"triples: {self.triples}")
        for iri in self.dropped_imports:
            lines.append(f"owl:imports <{iri}> not followed (the check runs offline)")
        lines.append(f"consistent: {'yes' if self.consistent else 'NO'}")
        if self.consistent:
            lines.append(f"unsatisfiable classes: {len(self.unsatisfiable) or 'none'}")
            lines += [f"  {iri}" for iri in self.unsatisfiable]
        for iri in self.unknown_external:
            lines.append(f"unknown external IRI (typo?): <{iri}>")
        for iri in self.unknown_own:
            lines.append(f"unknown thaiplan term, not in the ontology (typo?): <{iri}>")
        lines.append(f"note: {IGNORED_DATATYPES_NOTE}")
        lines.append(f"reasoner time: {self.seconds:.1f} s")
        lines.append("result: " + ("OK" if self.ok else "FAILED"))
        return "\n".join(lines)


def parse_file(graph: rdflib.Graph, path: Path) -> None:
    """Parse one RDF file into `graph`, turning any syntax error into an InputError with file and line."""
    check_regular_file(path)  # a directory, FIFO, device or broken link, by name (issue 13)
    fmt = guess_format(str(path)) or "turtle"
    source = check_file(path, fmt)  # no entity expansion, no fetched JSON-LD context, as validate (#13)
    try:
        graph.parse(format=fmt, **source)
    except BadSyntax as exc:
        # BadSyntax.lines counts the newlines before the error, so the line number is one more.
        raise InputError(f"{path}:{exc.lines + 1}: RDF syntax error: {exc._why}") from exc
    except (ParserError, SyntaxError, ValueError, UnicodeDecodeError) as exc:
        line = getattr(exc, "getLineNumber", lambda: None)()
        where = f"{path}:{line}" if line else str(path)
        raise InputError(f"{where}: cannot parse as {fmt}: {exc}") from exc
    except Exception as exc:  # rdflib's parsers raise a variety of exception types on bad input
        raise InputError(f"{path}: cannot parse as {fmt}: {exc}") from exc


def merge(paths: Iterable[Path]) -> tuple[rdflib.Graph, list[str]]:
    """Merge the files into one graph and strip owl:imports, which the OWL API would try to fetch."""
    graph = rdflib.Graph()
    for path in paths:
        parse_file(graph, path)
    imports = sorted({str(o) for o in graph.objects(None, OWL.imports)})
    graph.remove((None, OWL.imports, None))
    return graph, imports


def run_hermit(graph: rdflib.Graph, timeout: float = 600.0) -> tuple[bool, list[str]]:
    """Run HermiT on `graph`: (consistent, IRIs of unsatisfiable named classes).

    Consistency is decided on the whole graph; unsatisfiable classes on its terminological part (the
    graph without its individuals): the same answer where no class is defined by enumerating
    individuals (thaiplan and its upstream vocabularies define none), and seconds instead of a minute,
    since classifying with thousands of individuals is what made HermiT slow.
    """
    java = shutil.which("java")
    if java is None:
        raise ReasonerUnavailable("Java not found: HermiT needs Java 11 or newer")
    source = Path(str(files("thaiplan.ontology").joinpath("ReasonerCheck.java")))
    with tempfile.TemporaryDirectory(prefix="thaiplan-hermit-") as tmp:
        whole, tbox = Path(tmp) / "merged.nt", Path(tmp) / "tbox.nt"
        graph.serialize(whole, format="nt", encoding="utf-8")
        terminology(graph).serialize(tbox, format="nt", encoding="utf-8")
        done = subprocess.run(
            [
                java,
                f"-Djava.io.tmpdir={tmp}",
                "-Xmx2000M",
                "-cp",
                str(hermit_jar()),
                str(source),
                str(whole),
                str(tbox),
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    lines = done.stdout.splitlines()
    if done.returncode != 0 or not lines or not lines[0].startswith("consistent: "):
        raise InputError(f"HermiT cannot process the input: {_java_message(done.stderr)}")
    unsatisfiable = sorted(line.split("\t", 1)[1] for line in lines[1:] if line.startswith("unsatisfiable\t"))
    return lines[0] == "consistent: yes", unsatisfiable


# Classes whose instances are terms of the language, not individuals: a node typed only with these is
# part of the terminology (a class, property, restriction, list of disjoint classes, the ontology).
_META = {str(OWL), str(rdflib.RDFS), str(rdflib.RDF)}


def terminology(graph: rdflib.Graph) -> rdflib.Graph:
    """The graph without its individuals: every node typed with a class outside OWL/RDF/RDFS goes."""
    individuals = {
        s for s, o in graph.subject_objects(rdflib.RDF.type) if not any(str(o).startswith(ns) for ns in _META)
    }
    out = rdflib.Graph()
    for triple in graph:
        if triple[0] not in individuals:
            out.add(triple)
    return out


def _java_message(text: str) -> str:
    """The first informative line of a Java error (an exception's message, not its stack)."""
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith(("at ", "...")):
            return line
    return text.strip() or "no output"


def check(extra: Sequence[Path] = (), ontology: Path | None = None, upstream: bool = True) -> CheckResult:
    """Check the ontology (or another file) plus extra files and, by default, the upstream axioms."""
    paths = [ontology or ontology_path()]
    # External IRIs are spell-checked in the ontology only: data files may cite anything.
    own, _ = merge(paths[:1])
    unknown = unknown_external_iris(own)
    if upstream:
        paths += upstream_paths()
    paths += list(extra)
    graph, imports = merge(paths)
    # The vendored vocabularies import one another (DCAT imports SKOS and DCMI Terms): all are loaded, so
    # only the imports of the checked files themselves are worth a line of the report.
    _, imports = merge([paths[0], *extra])
    extras, _ = merge(extra)
    started = time.perf_counter()
    consistent, unsatisfiable = run_hermit(graph)
    return CheckResult(
        files=paths,
        triples=len(graph),
        consistent=consistent,
        unsatisfiable=unsatisfiable,
        seconds=time.perf_counter() - started,
        dropped_imports=imports,
        unknown_external=unknown,
        unknown_own=unknown_own_terms(own, extras),
    )


def unknown_own_terms(ontology: rdflib.Graph, data: rdflib.Graph) -> list[str]:
    """tp: IRIs the data uses that neither the ontology nor the data itself defines (issue 20).

    A misspelled term (`tp:ReformActvity`) would otherwise pass: to the reasoner it is a new class or
    property like any other. A term the data types (`tp:NewKind a owl:Class`) is an extension, not a typo.
    """
    known = {s for s in ontology.subjects() if isinstance(s, rdflib.URIRef)}
    known |= {s for s in data.subjects(rdflib.RDF.type, None) if isinstance(s, rdflib.URIRef)}
    used = {
        term
        for triple in data
        for term in triple
        if isinstance(term, rdflib.URIRef) and str(term).startswith(TP_NS)
    }
    return sorted(str(term) for term in used - known)
