"""The reasoner check: load the ontology (plus extra files) with owlready2 and classify it with HermiT."""

from __future__ import annotations

import shutil
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

from thaiplan.errors import InputError, ThaiplanError
from thaiplan.graph.build.inputs import check_regular_file
from thaiplan.ontology import ontology_path
from thaiplan.ontology.external import unknown_external_iris
from thaiplan.ontology.terms import TP_NS
from thaiplan.shapes.input_guard import check_file

# HermiT implements exactly the OWL 2 datatype map; xsd:gYear (tp:year) and rdf:langString (tp:quote)
# are outside it, so HermiT is told to treat them as opaque rather than stop.
IGNORED_DATATYPES_NOTE = (
    "xsd:gYear and rdf:langString are outside the OWL 2 datatype map: HermiT treats them as opaque "
    "datatypes, so year literals are not checked by the reasoner (SHACL checks them)."
)


class ReasonerUnavailable(ThaiplanError):
    """The reasoner could not be started (no Java); exit code 3."""

    exit_code = 3


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
        lines = ["HermiT (via owlready2) on:"]
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


def upstream_axioms_path() -> Path:
    """Path of the upstream axioms (SKOS, PROV-O, ORG, …) that the check adds by default."""
    return Path(str(files("thaiplan.ontology").joinpath("upstream-axioms.ttl")))


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
    """Merge the files into one graph and strip owl:imports, which owlready2 would try to fetch."""
    graph = rdflib.Graph()
    for path in paths:
        parse_file(graph, path)
    imports = sorted(str(o) for o in graph.objects(None, OWL.imports))
    graph.remove((None, OWL.imports, None))
    return graph, imports


def run_hermit(graph: rdflib.Graph) -> tuple[bool, list[str]]:
    """Run HermiT through owlready2 on `graph`: (consistent, IRIs of unsatisfiable classes)."""
    import owlready2

    if shutil.which(owlready2.JAVA_EXE) is None:
        raise ReasonerUnavailable(f"Java ({owlready2.JAVA_EXE}) not found: HermiT needs Java 8 or newer")
    with tempfile.TemporaryDirectory(prefix="thaiplan-hermit-") as tmp:
        # owlready2 reads RDF/XML or N-Triples, not Turtle; a fresh World keeps checks independent.
        nt = Path(tmp) / "merged.nt"
        graph.serialize(nt, format="nt", encoding="utf-8")
        world = owlready2.World()
        try:
            world.get_ontology(nt.as_uri()).load()
            try:
                owlready2.sync_reasoner_hermit(world, debug=0, ignore_unsupported_datatypes=True)
            except owlready2.OwlReadyInconsistentOntologyError:
                return False, []
            except owlready2.OwlReadyJavaError as exc:
                raise InputError(f"HermiT cannot process the input: {_java_message(str(exc))}") from exc
            nothing = str(OWL.Nothing)
            unsatisfiable = sorted(
                c.iri for c in world.inconsistent_classes() if getattr(c, "iri", nothing) != nothing
            )
            return True, unsatisfiable
        finally:
            world.close()


def _java_message(text: str) -> str:
    """The first informative line of a Java stack trace."""
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith(("at ", "Java error message")):
            return line
    return text.strip()


def check(extra: Sequence[Path] = (), ontology: Path | None = None, upstream: bool = True) -> CheckResult:
    """Check the ontology (or another file) plus extra files and, by default, the upstream axioms."""
    paths = [ontology or ontology_path()]
    # External IRIs are spell-checked in the ontology only: data files may cite anything.
    own, _ = merge(paths[:1])
    unknown = unknown_external_iris(own)
    if upstream:
        paths.append(upstream_axioms_path())
    paths += list(extra)
    graph, imports = merge(paths)
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
