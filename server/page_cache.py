"""Rendered pages cached per store snapshot, with ETags, like the answers they are made of (issue 8).

A page runs its queries from the answer cache, but rendering its template still took ≈ 25 ms of the
web process's time under load (p50 of pages on the 1M-triple graph, against 4–6 ms for everything
else), enough for the pages' tail to set the whole mix's p99. A page depends only on the snapshot, its
path, its arguments and the interface language (the app's settings do not change while it runs), so its
HTML is kept in the same LRU under those. Only 200 pages are kept. A page is never kept when one of its
queries was answered from another snapshot (a worker not yet reopened after a build switched): it is
marked `stale` and served once, untagged. The language cookie that `?lang=` sets is added after the
view, on every response, cached or not (`server/i18n.py`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Response, g, request

from thaiplan.server import answers, i18n
from thaiplan.server.execution import Reply

HTML_FORMAT = {"page": "text/html"}
BODY_HEADERS = ("content-type", "content-length")  # the Reply carries these itself


def mark_stale() -> None:
    """Note that this request used an answer from another snapshot than the one it is keyed to."""
    g.thaiplan_page_stale = True


def cached_page(view: Callable[..., Response]) -> Callable[..., Response]:
    """The view's HTML served from the per-snapshot cache (304 when the client holds it)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        """Serve the cached page, or render it with `view` and keep it."""
        params = {
            "args": sorted(request.args.items(multi=True)),
            "lang": i18n.ui_lang(),
            "root": request.script_root,
        }
        return answers.serve(f"page:{request.path}", params, HTML_FORMAT, lambda: _render(view, args, kwargs))

    return wrapper


def _render(view: Callable[..., Response], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Reply:
    """The view's response as a Reply tied to the snapshot its queries were answered from."""
    response = view(*args, **kwargs)
    snapshot = None if g.get("thaiplan_page_stale") else answers.current_snapshot()
    headers = {k: v for k, v in response.headers.items() if k.lower() not in BODY_HEADERS}
    return Reply(response.status_code, response.get_data(), response.content_type, headers, snapshot)
