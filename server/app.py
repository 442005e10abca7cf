"""The Flask application factory: `create_app(config)` wires blueprints, security, errors, workers."""

from __future__ import annotations

import logging
from types import ModuleType

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from thaiplan.config import Config
from thaiplan.server import budget, security
from thaiplan.server.errors import error_response
from thaiplan.server.workers import WorkerPool

log = logging.getLogger(__name__)


def create_app(config: Config | None = None) -> Flask:
    """A new app serving the store in `config.store_dir`; query workers start with the first query."""
    config = config or Config.from_env()
    app = Flask("thaiplan.server", static_folder="static", template_folder="templates")
    # Werkzeug answers `//` in a path with a redirect to an absolute URL built from the `Host` header
    # (issue 13): no merging, so `/static//x` is simply not found.
    app.url_map.merge_slashes = False
    app.config["THAIPLAN"] = config
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Thai text as it is in JSON answers
    security.init_app(app, config.max_body_bytes)

    # The store is chosen once, here (issue 14): the web process asks it which build is current, once per
    # request; the workers (separate processes) choose the same backend from its location and environment.
    from thaiplan.graph.store.backend import location, open_store, worker_env

    app.extensions["thaiplan_store"] = open_store(config, opened=False)
    pool = WorkerPool(
        location(config),
        config.workers,
        config.query_timeout,
        env=worker_env(config),
        memory_mb=config.worker_memory_mb,  # each worker's memory ceiling (#13)
        max_answer_bytes=config.max_answer_bytes,
    )
    # Closed by whoever ends the app (`thaiplan serve` on shutdown, `close_app`); a worker whose web process
    # is gone ends by itself (server/worker_process.py), so no interpreter-exit hook per app is kept.
    app.extensions["thaiplan_pool"] = pool
    budget.init_app(app, config)  # per-client query-time budget: wraps the pool, 429 once spent (#8)

    from thaiplan.server.sparql import bp as sparql_bp

    app.register_blueprint(sparql_bp)
    register_pages(app)
    register_error_handlers(app)
    return app


def close_app(app: Flask) -> None:
    """Stop the app's query workers (the app answers 503 afterwards)."""
    app.extensions["thaiplan_pool"].close()


def register_pages(app: Flask) -> None:
    """The planners' pages, linked-data pages, the named-queries API and the validation report (#6)."""
    from thaiplan.server import (
        api,
        downloads,
        i18n,
        pagekit,
        reader,
        report,
        resources,
        validation_page,
        views,
        void,
    )  # fmt: skip

    i18n.init_app(app)
    install_template_helpers(app, (i18n, pagekit, downloads))
    # downloads, report, reader: issue 17
    for module in (views, resources, api, validation_page, void, downloads, report, reader):
        app.register_blueprint(module.bp)
    from thaiplan.server import import_page

    import_page.init_app(app)  # /import, the stewards' upload (issue 16): 404 unless THAIPLAN_IMPORT_TOKEN


def install_template_helpers(app: Flask, providers: tuple[ModuleType, ...]) -> None:
    """Give the templates each module's helpers, in this order, as Jinja globals (macros imported without
    context see them too); a name two modules provide is an error, never a silent override (issue 14)."""
    for module in providers:
        helpers = module.template_helpers()
        taken = sorted(set(helpers) & set(app.jinja_env.globals))
        if taken:
            raise RuntimeError(f"{module.__name__} would replace the template helpers {taken}")
        app.jinja_env.globals.update(helpers)
        app.jinja_env.filters.update(getattr(module, "template_filters", dict)())


def register_error_handlers(app: Flask) -> None:
    """Turn HTTP errors and unexpected exceptions into clean messages."""

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        """Werkzeug's errors (404, 405, 413, …) with a message that says what to do."""
        status = exc.code or 500
        message = {
            405: f"{request.method} is not allowed here; use {', '.join(exc.valid_methods or [])}."
            if getattr(exc, "valid_methods", None)
            else None,
            413: f"The request body is larger than the limit of {app.config['MAX_CONTENT_LENGTH']} bytes.",
        }.get(status) or (exc.description or "")
        response = error_response(status, exc.name, message)
        if status == 405 and getattr(exc, "valid_methods", None):
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception) -> Response:
        """Anything else: logged with its traceback on the server, a short message to the client."""
        log.exception("unexpected error on %s %s", request.method, request.path)
        return error_response(
            500,
            "Internal Server Error",
            "The server failed to answer this request; the error has been logged.",
        )
