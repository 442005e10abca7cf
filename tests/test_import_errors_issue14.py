"""The `/import` page's errors through the one error responder (issue 14): the form again with the message,
the headers its status calls for (WWW-Authenticate on 401, Retry-After when busy), no half-written data."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.test_import_page_issue16 import GOOD, TOKEN, built, imports_of, running, sheet_bytes, upload


def test_issue14_a_busy_import_page_is_a_503_with_retry_after_and_the_form(tmp_path: Path) -> None:
    data, store = built(tmp_path)
    with running(store, data) as app:
        previews = app.extensions["thaiplan_imports"]["previews"]
        assert previews.acquire(blocking=False) and previews.acquire(blocking=False)  # two checks running
        try:
            client = app.test_client()
            form = {"token": TOKEN, "kind": "auto", "file": (io.BytesIO(sheet_bytes([GOOD])), "p.csv")}
            response = client.post("/import?lang=en", data=form, content_type="multipart/form-data")
        finally:
            previews.release()
            previews.release()
        text = response.get_data(as_text=True)
        assert response.status_code == 503 and response.headers["Retry-After"] == "30"
        assert "Other files are being checked" in text and 'name="token"' in text  # the form, to try again
        assert "WWW-Authenticate" not in response.headers
        status, page = upload(app.test_client(), sheet_bytes([GOOD]), token=None)
        assert status == 401 and 'name="token"' in page
    assert imports_of(data) == {}


@pytest.mark.parametrize("status", [400, 401, 403, 409])
def test_issue14_form_errors_carry_only_the_headers_their_status_calls_for(status: int) -> None:
    from flask import Flask, Response

    from thaiplan.server.errors import form_error

    def form(code: int, text: str) -> Response:
        """A stand-in for the page's form stage: the message as the body."""
        return Response(text, status=code)

    with Flask(__name__).test_request_context("/import"):
        response = form_error(status, "why", form, challenge="Bearer")
        assert response.status_code == status and response.get_data(as_text=True) == "why"
        assert ("WWW-Authenticate" in response.headers) == (status == 401)
        assert "Retry-After" not in response.headers
        later = form_error(status, "why", form, retry_after=5)
        assert later.headers["Retry-After"] == "5" and "WWW-Authenticate" not in later.headers
