"""The server's own URLs in answers: from THAIPLAN_PUBLIC_URL, else relative paths, never from `Host`.

A client picks the `Host` header; echoed into links, the editor's endpoint or a redirect, and kept in the
answer and page caches, it would send every later client to a host of the first client's choosing
(issue 13). Where a link can be relative it is a path; where an absolute IRI is required (the service
description's `sd:endpoint`, the base IRI of queries) it is the public URL, else the address `serve`
listens on.
"""

from __future__ import annotations

from flask import current_app


def link(path: str) -> str:
    """`path` under the configured public URL, or the path itself (the client resolves it)."""
    public = current_app.config["THAIPLAN"].public_url
    return public.rstrip("/") + path if public else path


def public_base() -> str:
    """The configured public URL without its final slash, or "" when links are relative."""
    return current_app.config["THAIPLAN"].public_url.rstrip("/")


def absolute(path: str) -> str:
    """An absolute URL for `path`: under the public URL, else under the address the server listens on."""
    config = current_app.config["THAIPLAN"]
    if config.public_url:
        return config.public_url.rstrip("/") + path
    host = f"[{config.host}]" if ":" in config.host else config.host
    return f"http://{host}:{config.port}{path}"
