"""`/import`: the data stewards' page (issue 16) — upload a spreadsheet, read its report, confirm, rebuild.

Off (404) unless `THAIPLAN_IMPORT_TOKEN` is set. Every POST carries the token, in the form or as
`Authorization: Bearer`, compared in constant time (missing 401, wrong 403; never read from the URL), so
no cookie authenticates anything and a cross-site form cannot post. The upload is kept server-side under
a random id with its SHA-256; the confirmation names both and applies exactly that file, and is refused
when the curated data changed since the preview. Applying runs `thaiplan import` and `thaiplan build` in a
child process (`server/import_job.py`) while this process keeps answering from the old snapshot; the
build switches `CURRENT` atomically, and when it fails the data files are put back as they were.
"""

from __future__ import annotations

import atexit
import hmac
import logging
import re
import tempfile
import threading
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, abort, current_app, request, url_for
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge

from thaiplan.config import Config
from thaiplan.graph.imports.cells import mapping
from thaiplan.graph.imports.importer import import_name
from thaiplan.server import i18n
from thaiplan.server.errors import form_error
from thaiplan.server.import_files import (
    SUFFIXES,
    Pending,
    Uploads,
    file_sha256,
    fingerprint,
    put_back,
    run_job,
    safe_name,
    saved_files,
)

log = logging.getLogger(__name__)
bp = Blueprint("imports", __name__)
_UPLOAD_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
MAX_BY = 200  # characters of the "imported by" name
CHALLENGE = 'Bearer realm="thaiplan import"'  # the 401's WWW-Authenticate: the token goes in a header


def settings() -> Config:
    """The app's configuration."""
    return current_app.config["THAIPLAN"]


def state() -> dict[str, Any]:
    """The app's uploads and the locks that keep one apply and two previews running at most."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    return app.extensions["thaiplan_imports"]  # type: ignore[no-any-return]


def init_app(app: Flask) -> None:
    """Register the page and its state (the upload folder is made on the first upload, removed at exit)."""
    app.extensions["thaiplan_imports"] = {
        "uploads": None,
        "made": threading.Lock(),
        "apply": threading.Lock(),
        "previews": threading.BoundedSemaphore(2),
    }
    if 0 < len(app.config["THAIPLAN"].import_token) < 16:
        log.warning("THAIPLAN_IMPORT_TOKEN is shorter than 16 characters: choose a long random one")
    app.register_blueprint(bp)


def uploads() -> Uploads:
    """The app's upload store, made the first time it is needed."""
    st = state()
    with st["made"]:
        if st["uploads"] is None:
            st["uploads"] = Uploads()
            atexit.register(st["uploads"].close)
        return st["uploads"]  # type: ignore[no-any-return]


@bp.before_request
def only_when_enabled() -> None:
    """404 unless a token is configured; the page's own body cap (a spreadsheet outgrows the default)."""
    if not settings().import_token:
        abort(404)
    request.max_content_length = settings().import_max_bytes


@bp.after_request
def never_stored(response: Response) -> Response:
    """No cache keeps a report or a preview."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(RequestEntityTooLarge)
def too_large(exc: RequestEntityTooLarge) -> Response:
    """413 naming the page's own limit."""
    limit = settings().import_max_bytes
    return refuse(413, i18n.t("import_too_large").format(n=f"{limit:,}"))


def screen(stage: str, status: int = 200, **context: Any) -> Response:
    """The page at one stage (form, preview, problems, done), with the upload form's choices."""
    from thaiplan.server.pagekit import page

    kinds = [(k, v.get(f"title_{i18n.ui_lang()}", k)) for k, v in mapping()["kinds"].items()]
    return page(
        "import.html",
        status=status,
        stage=stage,
        kinds=kinds,
        link=entity_link,
        limit=settings().import_max_bytes,
        **context,
    )


def refuse(status: int, message: str, *, retry_after: int | None = None) -> Response:
    """The upload form again with what went wrong, through the one error responder (server/errors.py)."""

    def form(code: int, text: str) -> Response:
        """The form stage with the message."""
        return screen("form", code, message=text)

    return form_error(status, message, form, challenge=CHALLENGE, retry_after=retry_after)


def refused() -> Response | None:
    """The 401/403 page when the request does not carry the token (header or form), else None."""
    header = request.headers.get("Authorization", "")
    given = header[7:].strip() if header[:7].lower() == "bearer " else request.form.get("token", "")
    if not given:
        return refuse(401, i18n.t("import_token_missing"))
    expected = settings().import_token.encode("utf-8")
    if not hmac.compare_digest(given.encode("utf-8"), expected):
        log.warning("import: a wrong token from %s", request.remote_addr)
        return refuse(403, i18n.t("import_token_wrong"))
    return None


@bp.get("/import")
def form() -> Response:
    """The upload form."""
    return screen("form")


@bp.post("/import")
def preview() -> Response:
    """Check the uploaded spreadsheet and show its report or the changes it would make."""
    if (answer := refused()) is not None:
        return answer
    upload = request.files.get("file")
    if upload is None:
        return refuse(400, i18n.t("import_no_file"))
    try:
        return checked(upload)
    finally:
        upload.close()  # Werkzeug spooled a large upload to a temporary file of its own


def checked(upload: FileStorage) -> Response:
    """Keep the upload under a new id, preview it in the child process, and show what it found."""
    name = safe_name(upload.filename or "")
    if not name:
        return refuse(400, i18n.t("import_no_file"))
    if Path(name).suffix.lower() not in SUFFIXES:
        return refuse(400, i18n.t("import_bad_suffix").format(name=name))
    kind = request.form.get("kind", "auto")
    if kind != "auto" and kind not in mapping()["kinds"]:
        kinds = ", ".join(mapping()["kinds"])
        return refuse(400, i18n.t("import_bad_kind").format(kind=kind, kinds=kinds))
    by = " ".join(request.form.get("by", "").split())[:MAX_BY] or "thaiplan /import"
    pending = uploads().add(name, upload.stream)
    if pending.path.stat().st_size == 0:
        uploads().drop(pending.id)
        return refuse(400, i18n.t("import_empty_file").format(name=name))
    pending.lang, pending.by = i18n.ui_lang(), by
    pending.fingerprint = fingerprint(settings().data_dir)
    if not state()["previews"].acquire(blocking=False):
        uploads().drop(pending.id)
        return refuse(503, i18n.t("import_busy"), retry_after=30)
    try:
        code, answer = run_job("preview", pending, settings(), kind)
    finally:
        state()["previews"].release()
    return previewed(pending, code, answer)


def previewed(pending: Pending, code: int, answer: dict[str, Any]) -> Response:
    """The page after a preview: the changes (and the confirm form), the cell report, or the error."""
    message = str(answer.get("message", "")).replace(str(pending.path), pending.name)
    if not answer.get("ok"):
        uploads().drop(pending.id)
        if answer.get("problems"):
            # The same cells in the page's other language, from the one run (a steward may share the report).
            other = "en" if pending.lang == "th" else "th"
            return screen(
                "problems",
                422,
                pending=pending,
                problems=answer["problems"],
                other_problems=answer.get("problems_by_lang", {}).get(other, []),
                message=message,
            )
        if code == -1:
            return refuse(503, i18n.t("import_job_failed"))
        return refuse(400 if code == 2 else 422, message or i18n.t("import_job_failed"))
    pending.kind, pending.changes = answer["kind"], answer["changes"]
    count = sum(len(pending.changes[k]) for k in ("added", "changed", "removed"))
    if count == 0:
        uploads().drop(pending.id)  # nothing to confirm
    return screen(
        "preview",
        pending=pending,
        count=count,
        rows=change_rows(pending.changes),
        target=f"imports/{import_name(Path(pending.name))}.ttl",
    )


@bp.post("/import/confirm")
def confirm() -> Response:
    """Apply exactly the previewed upload: write the import, rebuild, switch; undo the files on failure."""
    if (answer := refused()) is not None:
        return answer
    upload_id, sha = request.form.get("upload", ""), request.form.get("sha256", "")
    if not _UPLOAD_ID.fullmatch(upload_id) or not _SHA256.fullmatch(sha):
        return refuse(400, i18n.t("import_bad_confirm"))
    pending = uploads().get(upload_id)
    if pending is None or not pending.kind:
        return refuse(404, i18n.t("import_unknown_upload"))
    if sha != pending.sha256 or file_sha256(pending.path) != pending.sha256:
        return refuse(409, i18n.t("import_not_the_preview"))
    if not state()["apply"].acquire(blocking=False):
        return refuse(409, i18n.t("import_apply_running"))
    try:
        if fingerprint(settings().data_dir) != pending.fingerprint:
            uploads().drop(pending.id)
            return refuse(409, i18n.t("import_data_changed"))
        return applied(pending)
    finally:
        state()["apply"].release()


def applied(pending: Pending) -> Response:
    """Run the import and the build (the apply lock held); the page that says what happened."""
    from thaiplan.graph.build.inputs import default_data_dir
    from thaiplan.graph.store.backend import location
    from thaiplan.graph.store.local import snapshot_id

    config = settings()
    folder = Path(config.data_dir or default_data_dir()) / "imports"
    before = _snapshot(location(config), snapshot_id)
    with tempfile.TemporaryDirectory(prefix="thaiplan-import-backup-") as backup:
        saved = saved_files(folder, Path(backup))
        code, answer = run_job("apply", pending, config, pending.kind)
        after = _snapshot(location(config), snapshot_id)
        if not answer.get("ok") and after == before:
            put_back(folder, saved, Path(backup))  # the old snapshot is still served: so are the old files
            uploads().drop(pending.id)
            log.error("import of %s failed (%s): %s", pending.name, code, answer.get("message"))
            if answer.get("stage") == "import" and code in (1, 2):
                message = str(answer.get("message", "")).replace(str(pending.path), pending.name)
                return refuse(422, message or i18n.t("import_job_failed"))
            return refuse(503, i18n.t("import_rebuild_failed"))
    uploads().drop(pending.id)
    changes = answer.get("changes") or pending.changes
    return screen("done", pending=pending, rows=change_rows(changes), snapshot=after, linked=True)


def _snapshot(where: object, read: Any) -> str | None:
    """The store's current snapshot id, or None when it cannot be read."""
    try:
        return read(where)  # type: ignore[no-any-return]
    except Exception:
        return None


def entity_link(iri: str) -> str | None:
    """The local page of an imported entity."""
    base = settings().base_iri
    return url_for("resources.resource", path=iri[len(base) :]) if iri.startswith(base) else None


# An RDF term as the importer's change list writes it (N3): a literal (with its language or datatype),
# an IRI in brackets, or ∅ for none; a literal may itself hold ", " or " → ".
_TERM = re.compile(r'"(?:[^"\\]|\\.)*"(?:@[A-Za-z0-9-]+|\^\^<[^>]*>)?|<[^>]*>|∅|[^\s,]+')


def _terms(text: str, start: int, stop: str) -> tuple[list[str], int] | None:
    """The terms from `start` separated by ", " up to `stop` (or the end); None when they do not parse."""
    out, at = [], start
    while True:
        match = _TERM.match(text, at)
        if match is None:
            return None
        out.append(match.group(0))
        at = match.end()
        if text.startswith(", ", at):
            at += 2
            continue
        if (stop and text.startswith(stop, at)) or (not stop and at == len(text)):
            return out, at
        return None


def split_change(line: str) -> tuple[str, str, str]:
    """One "predicate: old → new" line of the change list as its three parts (the line whole if unread)."""
    predicate, sep, rest = line.partition(": ")
    if sep:
        olds = _terms(rest, 0, " → ")
        if olds is not None:
            news = _terms(rest, olds[1] + 3, "")
            if news is not None:
                return predicate, ", ".join(olds[0]), ", ".join(news[0])
    return line, "", ""


def change_rows(changes: dict[str, Any]) -> list[dict[str, Any]]:
    """The entities added, changed (with each property's old and new values) and removed, as table rows."""
    rows: list[dict[str, Any]] = [
        {"op": "added", "iri": iri, "details": []} for iri in changes.get("added", [])
    ]
    for iri, lines in changes.get("changed", {}).items():
        rows.append({"op": "changed", "iri": iri, "details": [split_change(line) for line in lines]})
    rows += [{"op": "removed", "iri": iri, "details": []} for iri in changes.get("removed", [])]
    return rows
