"""The query editor page (YASGUI): the ontology's prefixes and example queries from `queries/*.rq`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import current_app, render_template, request, url_for

from thaiplan.errors import ThaiplanError
from thaiplan.graph.store.inline import bind_inline
from thaiplan.ontology.namespace import prefixes
from thaiplan.queries import registry
from thaiplan.queries.errors import ParameterError
from thaiplan.queries.guard.canonical import tokens
from thaiplan.rq import read_rq
from thaiplan.server import answers
from thaiplan.server.named import QueryFailed, named_bindings, pool
from thaiplan.server.workers import WorkerUnavailable

VENDOR_FILES = ("yasgui.min.js", "yasgui.min.css")


@dataclass(frozen=True)
class Example:
    """One named query offered in the editor."""

    name: str
    title: str
    query: str
    # False when the query needs parameter values (the editor then shows it without running it).
    runnable: bool = True


def editor_prefixes(base_iri: str) -> dict[str, str]:
    """Prefixes preloaded in the editor and used in Turtle results: the project's map (the ontology's own
    prefixes among them), `id:` naming the configured instance base."""
    return prefixes(base_iri)


def load_examples() -> list[Example]:
    """The public named queries (`queries/*.rq`, not `_*.rq`), titled by their `#+ summary` header."""
    examples = []
    for query in registry.list_queries():
        runnable = not any(p.required for p in query.params)
        body = _param_notes(query.name, query.params) + _body(query.sparql)
        examples.append(Example(query.name, query.summary.strip().splitlines()[0], body, runnable))
    return examples


def filled_examples(examples: list[Example], graphs: list[str]) -> list[Example]:
    """The examples with their parameters filled in from their headers' example values (issue 20).

    Each value is resolved as the API resolves it (a code, a label, an abbreviation → the entity's IRI) and
    written into the text as a term (`graph/store/inline.py`, what the remote backend runs), so that a click
    runs a meaningful query as shown. The named queries read the ontology and the build's indexes beside
    the data, which /sparql keeps out of its default graph: each example names the store's `graphs` in
    FROM, the dataset the API runs it on. An example whose values do not resolve (another `build --data`
    graph) keeps its parameter notes and is shown without running.
    """
    filled = []
    for example in examples:
        try:
            query = registry.get(example.name)
            values = {p.name: p.example for p in query.params if p.example is not None}
            if not values:
                filled.append(example)
                continue
            bindings = named_bindings(example.name, values) if values else {}
            text = with_dataset(bind_inline(_body(query.sparql), bindings), graphs)
        except (ThaiplanError, ParameterError, QueryFailed, ValueError):
            filled.append(example)
            continue
        given = ", ".join(f"{k} = {v}" for k, v in values.items())
        note = (
            f"# Parameters filled with their examples (GET /api/queries/{example.name}?…): {given}\n"
            if values
            else ""
        ) + "# FROM: the data with the ontology and the indexes, the dataset the named queries read.\n"
        filled.append(Example(example.name, example.title, note + text, True))
    return filled


def with_dataset(query: str, graphs: list[str]) -> str:
    """The query with a FROM clause per graph, written before its first WHERE (ValueError: no WHERE)."""
    # The guard's tokens, not a second scan of the text: a WHERE in a comment or a string is no keyword.
    where = next((tk.start for tk in tokens(query) if tk.kind == "word" and tk.text.upper() == "WHERE"), None)
    if where is None or not graphs:
        raise ValueError("no WHERE to put the dataset before")
    clauses = "".join(f"FROM <{g}>\n" for g in graphs)
    return query[:where] + clauses + query[where:]


def _param_notes(name: str, params: tuple[registry.Param, ...]) -> str:
    """Comment lines telling which variables the query expects to be bound, with example values."""
    if not params:
        return ""
    lines = [f"# Parameters (bound by GET /api/queries/{name}?…; here, bind them with VALUES or BIND):"]
    for p in params:
        need = "required" if p.required else "optional"
        example = f", e.g. {p.example}" if p.example is not None else ""
        lines.append(f"#   ?{p.name} ({p.type}, {need}{example})")
    return "\n".join(lines) + "\n"


def _body(text: str) -> str:
    """The query without its `#+` header lines."""
    return "".join(line for line in text.splitlines(keepends=True) if not line.startswith("#+")).lstrip()


def vendor_installed(static_folder: str | None) -> bool:
    """True when scripts/setup-frontend has copied YASGUI into static/vendor/."""
    if not static_folder:
        return False
    return all((Path(static_folder) / "vendor" / name).is_file() for name in VENDOR_FILES)


def default_query(prefixes: dict[str, str]) -> str:
    """The query shown in a new editor tab: the prefixes and a first look at the plans."""
    lines = [f"PREFIX {k}: <{v}>" for k, v in sorted(prefixes.items())]
    example = read_rq("server", "editor-default")
    return "\n".join(lines) + "\n\n" + example


def render_editor(endpoint: str) -> str:
    """The HTML of the editor page for the endpoint at `endpoint` (under the public URL, else a path).

    A path keeps the editor working whatever name the browser reached the server by, and never takes the
    client's `Host` into a page that is cached for everyone (issue 13).
    """
    config = current_app.config["THAIPLAN"]
    prefixes = editor_prefixes(config.base_iri)
    examples = load_examples()
    try:
        _, graphs = pool().graphs(snapshot=answers.current_build())
        examples = filled_examples(examples, sorted(graphs))
    except WorkerUnavailable:
        pass  # no store to resolve the values in: the examples keep their parameter notes
    settings = {
        "endpoint": endpoint,
        "prefixes": prefixes,
        "defaultQuery": default_query(prefixes),
        # Result IRIs under the instance base link to this server's own /id/ pages (issue 20).
        "instanceBase": config.base_iri,
        "localInstanceBase": request.script_root + "/id/",
        "examples": [
            {"name": e.name, "title": e.title, "query": e.query, "runnable": e.runnable} for e in examples
        ],
    }
    return render_template(
        "sparql_editor.html",
        settings=settings,
        examples=examples,
        installed=vendor_installed(current_app.static_folder),
        endpoint=endpoint,
        service_description_url=url_for("sparql.endpoint", format="turtle"),
    )
