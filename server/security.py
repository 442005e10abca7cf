"""HTTP hardening for every response: security headers, a Content-Security-Policy on HTML, CORS, a body cap.

The CSP allows scripts only from this server (no inline script, no eval); YASGUI sets inline styles,
so styles may be inline. CORS is open for the SPARQL endpoint: it is public, read-only and sends no
credentials, so any web page may query it (as other SPARQL endpoints allow).
"""

from __future__ import annotations

from flask import Flask, Response, request

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
CORS_PATHS = ("/sparql",)
CORS_METHODS = "GET, POST, OPTIONS"
CORS_HEADERS = "Accept, Content-Type"


def init_app(app: Flask, max_body_bytes: int) -> None:
    """Cap request bodies and add the headers to every response."""
    # Werkzeug answers 413 when a body (declared or streamed) is longer than this.
    app.config["MAX_CONTENT_LENGTH"] = max_body_bytes
    app.after_request(add_headers)


def is_cors_path(path: str) -> bool:
    """True for the paths that other origins may call."""
    return any(path == p or path.startswith(p + "/") for p in CORS_PATHS)


def add_headers(response: Response) -> Response:
    """Security headers everywhere, the CSP on HTML pages, CORS on the SPARQL endpoint."""
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    if response.mimetype == "text/html":
        headers.setdefault("Content-Security-Policy", CSP)
    if is_cors_path(request.path):
        headers["Access-Control-Allow-Origin"] = "*"
        headers["Access-Control-Allow-Methods"] = CORS_METHODS
        headers["Access-Control-Allow-Headers"] = CORS_HEADERS
        headers["Access-Control-Max-Age"] = "86400"
        headers["Access-Control-Expose-Headers"] = "Content-Type, Content-Disposition"
        # The same URL answers JSON, XML, Turtle or HTML depending on Accept: caches must keep them apart.
        headers.add("Vary", "Accept")
    return response
