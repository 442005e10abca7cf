"""The one error responder: every error the server answers, as a page for browsers or plain text for tools.

A browser gets the error in the pages' layout (`error.html` on `layout.html`, in the interface language,
with links home and to search); everything else gets `"<status> <title>: <message>"` as text/plain, which
curl, SPARQL clients and logs show as it is. Never a traceback. (Issue 14: seven responders on two
templates and two layouts did this before.) Two contracts of their own are kept, here too: the SPARQL
Protocol's errors are the message alone (`message_text`), and the named-query API answers in JSON
(`json_error`); and a form's errors (the stewards' `/import`) show the form again with the message
(`form_error`), so that the user corrects the input where it was given.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, jsonify, render_template, request

from thaiplan.server import negotiation


def wants_page() -> bool:
    """True when the client prefers an HTML page to plain text (a browser)."""
    ranges = negotiation.parse_accept(request.headers.get("Accept"))
    return negotiation.prefers_html(ranges, negotiation.quality(ranges, "text/plain"))


def error_page(status: int, title: str, message: str) -> Response:
    """An error as a page in the pages' layout."""
    html = render_template("error.html", status=status, title=title, message=message)
    return Response(html, status=status, mimetype="text/html")


def error_text(status: int, title: str, message: str) -> Response:
    """An error as one line of plain text."""
    return Response(f"{status} {title}: {message}".rstrip() + "\n", status=status, mimetype="text/plain")


def error_response(status: int, title: str, message: str) -> Response:
    """An error as a page for browsers and as plain text for everything else."""
    return (error_page if wants_page() else error_text)(status, title, message)


def message_text(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """A SPARQL Protocol error: the message alone as plain text, which tools show as it is."""
    return Response(message.rstrip() + "\n", status=status, mimetype="text/plain", headers=headers)


def json_error(status: int, message: str, **extra: Any) -> Response:
    """A named-query API error as JSON (`error`, and `parameter` / `candidates` when they apply)."""
    response = jsonify({"error": message, **extra})
    response.status_code = status
    return response


def form_error(
    status: int,
    message: str,
    form: Callable[[int, str], Response],
    *,
    challenge: str = "",
    retry_after: int | None = None,
) -> Response:
    """A form's error: `form(status, message)` shows the form again with the message, plus the headers the
    status calls for (RFC 9110: a 401 names its `challenge`; a 503 or 409 may say when to try again)."""
    response = form(status, message)
    if status == 401 and challenge:
        response.headers["WWW-Authenticate"] = challenge
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response
