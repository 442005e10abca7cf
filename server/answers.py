"""Answers cached per store snapshot, with ETags: named queries (issue 7), `/sparql` and pages (issue 8).

The graph is read-mostly and a build switches snapshots atomically, so an answer depends only on the
snapshot id, the query, its parameters and the negotiated format. The ETag is a digest of those four;
a client that sends it back in If-None-Match gets 304, and repeated requests are served from an
in-process LRU of serialized answers (cachetools', bounded in bytes). A new snapshot changes every key,
so nothing stale is ever served; old entries simply age out.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cachetools import LRUCache
from werkzeug.http import parse_etags, unquote_etag

from thaiplan.graph.store.api import Snapshot
from thaiplan.server.execution import Reply

# About 64 MiB of answers (THAIPLAN_ANSWER_CACHE_MB); one answer larger than an eighth is not kept.
DEFAULT_MAX_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Answer:
    """One serialized answer: what the response needs to be rebuilt."""

    body: bytes
    content_type: str
    headers: tuple[tuple[str, str], ...] = ()
    bound: tuple[tuple[str, str], ...] = ()  # a named query's resolved parameters (Reply.bound)


def etag(
    snapshot: str | None, name: str, params: Mapping[str, Any], formats: Mapping[str, Any]
) -> str | None:
    """The strong ETag of an answer, or None when there is no snapshot to tie it to."""
    if not snapshot:
        return None
    canonical = json.dumps(
        [snapshot, name, sorted((k, v) for k, v in params.items()), sorted(formats.items())],
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return '"' + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32] + '"'


def matches(if_none_match: str | None, tag: str) -> bool:
    """True when an If-None-Match header names `tag` (or is `*`); weak tags compare equal (RFC 9110)."""
    # werkzeug parses the header (quoting, weak prefixes, `*`); the weak comparison is the project's rule.
    return parse_etags(if_none_match).contains_weak(unquote_etag(tag)[0])


class AnswerCache:
    """A thread-safe LRU of answers by ETag, bounded by the total size of the bodies (cachetools)."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        """An empty cache holding at most `max_bytes` of bodies (0 turns it off)."""
        self.max_bytes = max_bytes
        # Sized by body: the LRU evicts the least recently used answers until a new one fits.
        self._items: LRUCache[str, Answer] = LRUCache(maxsize=max(0, max_bytes), getsizeof=body_size)
        self._lock = threading.Lock()  # cachetools' caches are not thread-safe
        self.hits = 0
        self.misses = 0

    def get(self, tag: str) -> Answer | None:
        """The cached answer for `tag`, marked as recently used, or None."""
        with self._lock:
            answer = self._items.get(tag)
            if answer is None:
                self.misses += 1
                return None
            self.hits += 1
            return answer

    def put(self, tag: str, answer: Answer) -> None:
        """Keep `answer` under `tag`, evicting the least recently used answers beyond the bound."""
        if self.max_bytes <= 0 or body_size(answer) > self.max_bytes // 8:
            return
        with self._lock:
            self._items[tag] = answer

    def __len__(self) -> int:
        """How many answers are cached."""
        return len(self._items)


def body_size(answer: Answer) -> int:
    """What an answer counts against the cache's bound: its body's bytes."""
    return len(answer.body)


# --- the Flask side: what server/api.py calls --------------------------------------------------------


def app_cache() -> AnswerCache:
    """The answer cache of the running app (one per app, created on first use)."""
    from flask import current_app

    cache = current_app.extensions.get("thaiplan_answers")
    if cache is None:
        size = current_app.config["THAIPLAN"].answer_cache_mb * 1024 * 1024
        cache = current_app.extensions.setdefault("thaiplan_answers", AnswerCache(size))
    return cache


def current_snapshot() -> str | None:
    """The id of the snapshot the server answers from now, or None when it cannot tell (see current_build)."""
    build = current_build()
    return build.id if build is not None else None


def current_build() -> Snapshot | None:
    """The build the server answers this request from, or None when the store cannot tell.

    Read once per request (issue 14): a page's several queries are keyed to one snapshot and read it in
    the workers, which are handed it with each job; the embedded store's `CURRENT` is read once, a remote
    store's manifest at most once per THAIPLAN_STORE_MANIFEST_SECONDS. A request that asks afresh
    (`Cache-Control: no-cache`) reads it again.
    """
    from flask import g, request

    if "thaiplan_snapshot" not in g:
        g.thaiplan_snapshot = _read_build(wants_fresh(request.headers))
    return g.thaiplan_snapshot


def _read_build(fresh: bool) -> Snapshot | None:
    """The current build as the app's store reports it, or None when it cannot tell."""
    from flask import current_app

    from thaiplan.errors import ThaiplanError

    try:
        # The app's own store (a remote store's timeouts come from the app's settings, issue 7): a slow
        # store must not hold a request longer than the configured read timeout.
        return current_app.extensions["thaiplan_store"].current(fresh)
    except (ThaiplanError, OSError):
        return None  # no caching rather than a wrong answer; the query itself reports the problem


def not_modified(tag: str) -> Any:
    """The 304 response for a client that already holds the answer `tag`."""
    from flask import Response

    return mark(Response(status=304), tag)


def keep(
    tag: str | None,
    body: bytes,
    content_type: str,
    headers: Mapping[str, str] | None = None,
    bound: tuple[tuple[str, str], ...] = (),
) -> None:
    """Cache a 200 answer under `tag` (nothing without a tag)."""
    if tag:
        app_cache().put(tag, Answer(bytes(body), content_type, tuple(dict(headers or {}).items()), bound))


def mark(response: Any, tag: str | None) -> Any:
    """Give a cacheable response its ETag; clients may keep it but must revalidate (the graph changes)."""
    if tag:
        response.headers["ETag"] = tag
        response.headers["Cache-Control"] = "no-cache"
    else:
        response.headers["Cache-Control"] = "no-store"
    return response


def wants_fresh(headers: Mapping[str, str]) -> bool:
    """True when the request says `Cache-Control: no-cache` (or `Pragma: no-cache`): compute it again.

    RFC 9111 §5.2.1.4: a stored answer must not be used without validating it at the origin; here the
    origin is the store, so the query runs (and its fresh answer replaces the stored one).
    """
    control = {d.strip().split("=", 1)[0].lower() for d in headers.get("Cache-Control", "").split(",")}
    return "no-cache" in control or "no-store" in control or headers.get("Pragma", "").lower() == "no-cache"


def serve(
    name: str,
    params: Mapping[str, Any],
    formats: Mapping[str, Any],
    run: Callable[[], Reply],
    cacheable: bool = True,
) -> Any:
    """The answer as a response: 304 when the client holds it, else from the LRU, else `run()` and kept.

    `run` returns a worker's Reply; what it raises propagates. Only 200 answers are tagged and kept; an
    answer that is not `cacheable` (it changes from run to run) is never tagged and says `no-store`.
    """
    from flask import Response, request

    tag = etag(current_snapshot() if cacheable else None, name, params, formats)
    if tag and matches(request.headers.get("If-None-Match"), tag):
        return not_modified(tag)
    reply, tag = fetch(name, params, formats, run, cacheable)
    response = Response(
        reply.body, status=reply.status, content_type=reply.content_type, headers=reply.headers
    )
    if reply.status == 200:
        mark(response, tag)
    return response


def fetch(
    name: str,
    params: Mapping[str, Any],
    formats: Mapping[str, Any],
    run: Callable[[], Reply],
    cacheable: bool = True,
) -> tuple[Reply, str | None]:
    """The answer and its ETag: from the LRU unless the client asks afresh, else `run()`, kept when 200.

    A cached answer comes back as a Reply of the current snapshot; a computed one keeps the snapshot the
    worker answered from.
    """
    from flask import request

    snapshot = current_snapshot() if cacheable else None
    tag = etag(snapshot, name, params, formats)
    hit = app_cache().get(tag) if tag and not wants_fresh(request.headers) else None
    if hit is not None:
        return Reply(200, hit.body, hit.content_type, dict(hit.headers), snapshot, bound=hit.bound), tag
    reply = run()
    if reply.status == 200:
        if cacheable and reply.snapshot != snapshot:
            # The worker answered from another snapshot (it had not reopened yet after a build switched):
            # tag the answer with the data it holds, so it is never served as the current snapshot's (#7).
            tag = etag(reply.snapshot, name, params, formats)
        keep(tag, reply.body, reply.content_type, reply.headers, reply.bound)
    return reply, tag
