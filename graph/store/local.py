"""The embedded store: `EmbeddedStore` (the `GraphStore` of graph/store/api.py on pyoxigraph), its snapshots.

Layout of `store_dir`:

    store_dir/
      CURRENT              one line: the id of the current snapshot (replaced atomically)
      build.lock           held (flock) by the one build that may run at a time
      snapshots/<id>/      one RocksDB directory per successful build

A build writes a new snapshot directory, then replaces `CURRENT` (write to a temporary file, fsync,
rename, fsync the directory), then prunes every snapshot but the new one and the one it replaced (a
server may still be reading it). A reader resolves `CURRENT` once and opens that directory read-only, so
it never sees half a graph; a failed or killed build leaves `CURRENT` alone and its directory is removed
by the next build.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import gc
import os
import re
import secrets
import shutil
import stat
import sys
import time
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path

import pyoxigraph as ox

from thaiplan.errors import InputError, ThaiplanError
from thaiplan.graph.store.api import Bindings, QueryResult, Snapshot, default_graphs
from thaiplan.queries.guard.safety import query_dataset

POINTER = "CURRENT"
LOCK = "build.lock"
SNAPSHOTS = "snapshots"
# What a snapshot id looks like (see new_snapshot_id); anything else in CURRENT is damage, never a path.
SNAPSHOT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")


class EmbeddedStore:
    """The `GraphStore` of an embedded store: a read-only pyoxigraph store over one snapshot of `store_dir`.

    Opened on the current snapshot unless `opened` is False (a query worker, which opens the snapshot its
    first job names; the store may not be built yet when the worker starts).
    """

    def __init__(self, store_dir: Path, *, opened: bool = True) -> None:
        self.store_dir = Path(store_dir)
        self._store: ox.Store | None = None
        self._sid: str | None = None
        self._graphs: list[str] = []
        if opened:
            self.use()

    def current(self, fresh: bool = False) -> Snapshot | None:
        """The snapshot `CURRENT` names now (read each time: one small file), or None before any build."""
        sid = snapshot_id(self.store_dir)
        return Snapshot(sid) if sid else None

    def use(self, snapshot: Snapshot | None = None) -> Snapshot:
        """Read `snapshot` (default: the current one); reopen only when it is not the one open.

        A snapshot a build has pruned since the web process named it is replaced by the current one: the
        reply says which snapshot answered (`snapshot_id`), so the answer is never cached as another's.
        """
        if snapshot is not None and snapshot.id == self._sid and self._store is not None:
            return snapshot
        if snapshot is not None and not (snapshots_dir(self.store_dir) / snapshot.id).is_dir():
            snapshot = None
        sid = snapshot.id if snapshot is not None else snapshot_id(self.store_dir)
        if sid != self._sid or self._store is None:
            store = open_read_only(self.store_dir, sid)
            self._graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
            self._store, self._sid = store, sid
        return Snapshot(self._sid or "")

    @property
    def store(self) -> ox.Store:
        """The open pyoxigraph store (opened on the current snapshot if nothing is in use yet)."""
        if self._store is None:
            self.use()
        assert self._store is not None
        return self._store

    @property
    def snapshot_id(self) -> str:
        """The id of the snapshot in use."""
        if self._store is None:
            self.use()
        return self._sid or ""

    def named_graphs(self) -> list[str]:
        """IRIs of the named graphs in the snapshot, sorted."""
        if self._store is None:
            self.use()
        return list(self._graphs)

    def query(
        self,
        sparql: str,
        *,
        bindings: Bindings | None = None,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        public: bool = False,
    ) -> QueryResult:
        """Run a SPARQL query on the snapshot (see `GraphStore.query` for the default graph)."""
        return run_query(
            self.store,
            sparql,
            bindings=bindings,
            default_graph=default_graph,
            named_graphs=named_graphs,
            public=public,
        )

    def dump_graph(self, graph: str) -> bytes:
        """One named graph of the snapshot as N-Triples."""
        return self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph)) or b""


def run_query(
    store: ox.Store,
    sparql: str,
    *,
    bindings: Bindings | None = None,
    default_graph: Sequence[str] | None = None,
    named_graphs: Sequence[str] | None = None,
    public: bool = False,
) -> QueryResult:
    """Run a SPARQL query on a pyoxigraph store with bound values and an optional dataset.

    Without `default_graph` (the protocol's `default-graph-uri`), `named_graphs` and the query's own FROM,
    the dataset is `default_dataset`'s (graph/store/api.py): for the project's own queries the data with
    the ontology and the indexes, with `public` what `/sparql` serves (the data graphs' set, issue 19).
    """
    substitutions = {ox.Variable(k): v for k, v in (bindings or {}).items()} or None
    if default_graph is None and named_graphs is None and not names_graphs(sparql):
        default = default_graphs(store, public=public)
        if default == [ox.DefaultGraph()]:  # the store's own default graph and its named graphs, as they are
            return store.query(sparql, substitutions=substitutions)
        return store.query(sparql, default_graph=default, substitutions=substitutions)
    default = [ox.NamedNode(g) for g in default_graph] if default_graph is not None else None
    named = [ox.NamedNode(g) for g in named_graphs] if named_graphs is not None else None
    return store.query(sparql, default_graph=default, named_graphs=named, substitutions=substitutions)


def names_graphs(sparql: str) -> bool:
    """True when the query has FROM or FROM NAMED (unparsable text: False, the store reports it)."""
    try:
        return bool(query_dataset(sparql))
    except InputError:
        return False


# --- snapshots -------------------------------------------------------------------------------------


def snapshots_dir(store_dir: Path) -> Path:
    """The folder that holds one RocksDB directory per snapshot."""
    return Path(store_dir) / SNAPSHOTS


def rebuild_advice(store_dir: Path) -> str:
    """What to run to rebuild the store in `store_dir` (named, so a non-default store is rebuilt)."""
    return f"run `thaiplan build` to rebuild it (with --store {store_dir})"


def found_snapshots(store_dir: Path) -> list[str]:
    """The names of the snapshot directories in `store_dir`, oldest first (ids sort by time)."""
    folder = snapshots_dir(store_dir)
    try:
        return sorted(c.name for c in folder.iterdir() if c.is_dir() and not c.is_symlink())
    except OSError:
        return []


def damaged_pointer(store_dir: Path, what: str) -> ThaiplanError:
    """The error for a pointer that names no snapshot: the file, the snapshots found, the user's choices.

    Nothing is deleted or rebuilt on the user's behalf (issue 13: an empty CURRENT made `serve` rebuild and
    prune an intact snapshot): they may point CURRENT at a snapshot they trust, or rebuild.
    """
    pointer = Path(store_dir) / POINTER
    found = found_snapshots(store_dir)
    if found:
        choices = (
            f"snapshots found in {snapshots_dir(store_dir)}: {', '.join(found)}; none was deleted. Write the "
            f"id of one you trust into {pointer}, or "
        )
    else:
        choices = f"no snapshot was found in {snapshots_dir(store_dir)}; "
    return ThaiplanError(
        f"the store pointer {pointer} is damaged ({what}); {choices}{rebuild_advice(store_dir)}"
    )


# A pointer holds one snapshot id and a newline: anything longer is damage, and is never read whole.
_POINTER_BYTES = 256


def read_pointer(pointer: Path) -> bytes:
    """The first bytes of the pointer: a regular file only (a FIFO would hang a read, /dev/zero never end)."""
    fd = os.open(pointer, os.O_RDONLY | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise damaged_pointer(pointer.parent, "not a regular file")
        return os.read(fd, _POINTER_BYTES + 1)
    finally:
        os.close(fd)


def snapshot_id(store_dir: Path) -> str | None:
    """The id of the current snapshot (the name of its directory), or None when there is none.

    A pointer that cannot be read or does not hold a snapshot name (empty, garbage, a path, not a regular
    file) is a damaged store: ThaiplanError naming the pointer and the snapshots found (issues 8, 13).
    """
    pointer = Path(store_dir) / POINTER
    try:
        raw = read_pointer(pointer)
        text = raw.decode("utf-8").strip()
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        raise ThaiplanError(
            f"the store path {store_dir} is not a directory: remove it (or choose another with --store), "
            f"then run `thaiplan build` (with --store {store_dir})"
        ) from None
    except UnicodeDecodeError:
        raise damaged_pointer(store_dir, "not text") from None
    except OSError as exc:
        raise ThaiplanError(
            f"cannot read the store pointer {pointer}: {exc.strerror or exc}; check the permissions of "
            f"{store_dir}, or {rebuild_advice(store_dir)}"
        ) from exc
    if not text:
        raise damaged_pointer(store_dir, "it is empty")
    if len(raw) > _POINTER_BYTES or not SNAPSHOT_NAME.fullmatch(text):
        raise damaged_pointer(store_dir, f"it holds {text[:60]!r}, not a snapshot name")
    return text


def _previous_snapshot(store_dir: Path) -> str | None:
    """The current snapshot id for a build, or None when the pointer is missing or damaged."""
    try:
        return snapshot_id(store_dir)
    except ThaiplanError:
        return None  # a damaged pointer is what a rebuild repairs


def _kept_by_build(store_dir: Path) -> set[str]:
    """The snapshots a build must not prune: the current one, or every one when the pointer is damaged.

    With a damaged, dangling or missing pointer the build cannot tell which snapshot was being served, so
    it keeps them all (issue 13); once the new one is current, the next build prunes as usual.
    """
    previous = _previous_snapshot(store_dir)
    if previous is not None and (snapshots_dir(store_dir) / previous).is_dir():
        return {previous}
    # A missing pointer beside snapshots may be a deleted one as well as a killed first build: keep them
    # for now; the build after this one (with a pointer again) prunes them.
    return set(found_snapshots(store_dir))


def current_snapshot(store_dir: Path) -> Path | None:
    """Directory of the current snapshot, or None when no build has completed."""
    sid = snapshot_id(store_dir)
    if sid is None:
        return None
    path = snapshots_dir(store_dir) / sid
    return path if path.is_dir() else None


def open_read_only(store_dir: Path, sid: str | None = None) -> ox.Store:
    """Open the current snapshot (or the snapshot `sid`) read-only; say to build when there is none."""
    store_dir = Path(store_dir)
    sid = sid or snapshot_id(store_dir)
    if sid is None:
        raise ThaiplanError(
            f"no graph store in {store_dir}: run `thaiplan build` first (with --store {store_dir})"
        )
    path = snapshots_dir(store_dir) / sid
    if not path.is_dir():
        raise damaged_pointer(store_dir, f"it names snapshot {sid}, which is missing")
    try:
        return ox.Store.read_only(str(path))
    except (OSError, RuntimeError) as exc:  # RocksDB reports corruption as RuntimeError
        raise ThaiplanError(
            f"the graph store in {path} cannot be opened ({exc}); {rebuild_advice(store_dir)}"
        ) from exc


def new_snapshot_id() -> str:
    """A fresh, sortable, unique snapshot id: UTC time plus random bits."""
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-" + secrets.token_hex(4)


def _fsync_dir(path: Path) -> None:
    """Make a rename or a new entry in `path` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def switch_current(store_dir: Path, sid: str) -> None:
    """Point `CURRENT` at snapshot `sid` atomically (temp file, fsync, rename, fsync directory)."""
    store_dir = Path(store_dir)
    tmp = store_dir / f".{POINTER}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(sid + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, store_dir / POINTER)
    _fsync_dir(store_dir)


def prune(store_dir: Path, keep: set[str]) -> list[str]:
    """Remove every snapshot directory (and stray temp file) except those in `keep`; return the removed."""
    removed = []
    folder = snapshots_dir(store_dir)
    if folder.is_dir():
        for child in folder.iterdir():
            if child.name not in keep:
                if child.is_dir() and not child.is_symlink():
                    shutil.rmtree(child, ignore_errors=True)
                else:
                    child.unlink(missing_ok=True)
                removed.append(child.name)
    for stray in Path(store_dir).glob(f".{POINTER}.*.tmp"):
        stray.unlink(missing_ok=True)
    return removed


@contextlib.contextmanager
def build_lock(store_dir: Path) -> Iterator[None]:
    """Hold the store's build lock, or fail at once when another build holds it."""
    store_dir = Path(store_dir)
    try:
        store_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(store_dir / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise ThaiplanError(f"cannot create the store directory {store_dir}: {exc}") from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EWOULDBLOCK, errno.EACCES):
                raise ThaiplanError(
                    f"another `thaiplan build` is writing {store_dir}; wait for it to finish"
                ) from exc
            raise
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


@contextlib.contextmanager
def new_snapshot(store_dir: Path) -> Iterator[tuple[str, Path]]:
    """Yield a new, empty snapshot directory; on success make it current and prune, on failure remove it.

    The caller must hold `build_lock` and must have released (closed) every store it opened on the
    directory before the block ends, so that readers never open a directory still being written.
    """
    store_dir = Path(store_dir)
    kept = _kept_by_build(store_dir)
    # Leftovers of killed builds go first, so that disk use stays bounded.
    prune(store_dir, kept)
    sid = new_snapshot_id()
    path = snapshots_dir(store_dir) / sid
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        yield sid, path
    except BaseException:
        # Frames in the traceback still hold the RocksDB handle; drop them so the files close first.
        traceback.clear_frames(sys.exc_info()[2])
        gc.collect()
        shutil.rmtree(path, ignore_errors=True)
        raise
    switch_current(store_dir, sid)
    prune(store_dir, {sid} | kept)
