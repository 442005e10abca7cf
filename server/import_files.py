"""What `/import` keeps and runs beside the page (issue 16): uploads held under a random id with their
SHA-256, the child process that previews or applies one, and the data files put back when a rebuild fails.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from thaiplan.config import Config
from thaiplan.errors import ThaiplanError

log = logging.getLogger(__name__)

SUFFIXES = (".xlsx", ".csv")
# An upload waits this long for its confirmation, and at most this many wait at once (oldest dropped).
KEEP_SECONDS = 3600
MOST_PENDING = 16
# A preview or an apply (import + build) that runs longer than this is stopped (its process group killed).
JOB_SECONDS = {"preview": 300, "apply": 900}
_ID_BYTES = 16
_CHUNK = 1 << 16


@dataclass
class Pending:
    """An uploaded spreadsheet waiting for its confirmation: where it is, what it is, what it would change."""

    id: str
    path: Path
    name: str
    sha256: str
    created: float
    kind: str = ""
    lang: str = "en"
    by: str = ""
    fingerprint: str = ""
    changes: dict[str, Any] = field(default_factory=dict)


class Uploads:
    """The uploads of one app, each in its own folder under a private temporary directory."""

    def __init__(self) -> None:
        """An empty set of uploads in a new directory (removed when the process ends)."""
        self.root = Path(tempfile.mkdtemp(prefix="thaiplan-uploads-"))
        self.pending: dict[str, Pending] = {}
        self.lock = threading.Lock()

    def add(self, name: str, stream: IO[bytes]) -> Pending:
        """Save the stream under a new random id, hashing it as it is written."""
        upload_id = secrets.token_urlsafe(_ID_BYTES)
        folder = self.root / upload_id
        folder.mkdir(mode=0o700)
        path = folder / name
        digest = hashlib.sha256()
        with path.open("wb") as out:
            while chunk := stream.read(_CHUNK):
                digest.update(chunk)
                out.write(chunk)
        pending = Pending(upload_id, path, name, digest.hexdigest(), time.time())
        with self.lock:
            self.pending[upload_id] = pending
            self._expire()
        return pending

    def get(self, upload_id: str) -> Pending | None:
        """The upload with this id, unless it expired or was used."""
        with self.lock:
            self._expire()
            return self.pending.get(upload_id)

    def drop(self, upload_id: str) -> None:
        """Forget an upload and delete its file."""
        with self.lock:
            pending = self.pending.pop(upload_id, None)
        if pending is not None:
            shutil.rmtree(pending.path.parent, ignore_errors=True)

    def close(self) -> None:
        """Delete every upload (at exit)."""
        shutil.rmtree(self.root, ignore_errors=True)

    def _expire(self) -> None:
        """Drop uploads older than KEEP_SECONDS, then the oldest beyond MOST_PENDING (lock held)."""
        now = time.time()
        by_age = sorted(self.pending.values(), key=lambda p: p.created)
        for number, pending in enumerate(by_age):
            if now - pending.created > KEEP_SECONDS or len(by_age) - number > MOST_PENDING:
                self.pending.pop(pending.id, None)
                shutil.rmtree(pending.path.parent, ignore_errors=True)


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def safe_name(filename: str) -> str:
    """The upload's own file name without folders or control characters ('' when nothing is left).

    The name is kept (Thai letters too): the importer names the curated file and the report after it."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable() and c not in "\0/").strip().lstrip(".")
    stem, dot, suffix = name.rpartition(".")
    if dot and len(stem) > 100:
        name = f"{stem[:100]}.{suffix}"
    return name


def fingerprint(data_dir: Path | None) -> str:
    """A digest of the curated files' names, sizes and times: it changes when any data file does."""
    from thaiplan.graph.build.inputs import build_inputs, default_data_dir

    digest = hashlib.sha256()
    try:
        paths: Iterable[Path] = [i.path for i in build_inputs(data_dir)]
    except ThaiplanError as exc:
        return "unreadable:" + hashlib.sha256(str(exc).encode()).hexdigest()
    folder = (data_dir or default_data_dir()) / "imports"
    others = sorted(folder.iterdir()) if folder.is_dir() else []  # the spreadsheets kept beside the Turtle
    for path in [*paths, *others]:
        with contextlib.suppress(OSError):
            info = path.stat()
            digest.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def child_env(config: Config) -> dict[str, str]:
    """The environment of a job: the store's settings as THAIPLAN_* variables, never the import token."""
    from thaiplan.graph.store.backend import worker_env

    env = worker_env(config)
    env["THAIPLAN_STORE_DIR"] = str(Path(config.store_dir).resolve())
    env.pop("THAIPLAN_IMPORT_TOKEN", None)
    return env


def run_job(action: str, pending: Pending, config: Config, kind: str) -> tuple[int, dict[str, Any]]:
    """Run `import_job` on the upload in a child process; its exit code and answer (an exit of its own
    when it crashed or ran out of time: -1 with a message, the details in the server's log)."""
    result = pending.path.parent / f"{action}.json"
    result.unlink(missing_ok=True)
    command = [sys.executable, "-m", "thaiplan.server.import_job", action, "--file", str(pending.path)]
    command += ["--kind", kind, "--lang", pending.lang, "--by", pending.by, "--result", str(result)]
    if config.data_dir is not None:
        command += ["--data", str(Path(config.data_dir).resolve())]
    process = subprocess.Popen(
        command,
        env=child_env(config),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: a timeout stops its index worker too
    )
    try:
        output, _ = process.communicate(timeout=JOB_SECONDS[action])
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        log.error("import %s of %s stopped after %s s", action, pending.name, JOB_SECONDS[action])
        return -1, {"ok": False, "stage": action, "message": "timeout"}
    if output:
        log.info("import %s of %s:\n%s", action, pending.name, output.decode("utf-8", "replace"))
    try:
        answer = json.loads(result.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        log.error("import %s of %s ended (%s) without an answer", action, pending.name, process.returncode)
        return -1, {"ok": False, "stage": action, "message": "crashed"}
    return process.returncode, answer


def saved_files(folder: Path, into: Path) -> list[str] | None:
    """Copy the regular files of `folder` into `into`; their names (None when `folder` does not exist)."""
    if not folder.is_dir():
        return None
    into.mkdir(parents=True, exist_ok=True)
    names = []
    for path in sorted(folder.iterdir()):
        if path.is_file() and not path.is_symlink():
            shutil.copy2(path, into / path.name)
            names.append(path.name)
    return names


def put_back(folder: Path, saved: list[str] | None, copies: Path) -> None:
    """Make `folder` hold exactly the files `saved_files` copied: new ones removed, changed ones restored."""
    if not folder.is_dir():
        return
    keep = set(saved or [])
    for path in folder.iterdir():
        if path.name not in keep and path.is_file():
            path.unlink()
    for name in keep:
        source, target = copies / name, folder / name
        if target.is_file() and file_sha256(target) == file_sha256(source):
            continue
        tmp = folder / f".{name}.restore"
        shutil.copy2(source, tmp)
        os.replace(tmp, target)  # one rename: the file is the old one or the new one, never half of each
    if saved is None and not any(folder.iterdir()):
        folder.rmdir()
