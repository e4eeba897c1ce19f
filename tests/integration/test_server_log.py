"""What the server log says: one line for an intended refusal, never a traceback."""

from __future__ import annotations

import io
import logging

import pytest

from tests.conftest import signed_in


@pytest.fixture
def console() -> io.StringIO:
    """What the configured console handler writes, captured for the test."""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if isinstance(h, logging.StreamHandler) and h.filters
    )
    # Swapped directly: setStream would flush the old stream, which pytest may have closed.
    previous, handler.stream = handler.stream, io.StringIO()
    yield handler.stream
    handler.stream = previous


def test_refusal_logs_one_line_without_traceback(client, world, console):
    signed_in(client, world.referrer)

    response = client.get("/audit/")

    assert response.status_code == 403
    log = console.getvalue()
    assert "Forbidden (Permission denied): /audit/" in log
    assert "Traceback" not in log
    assert len(log.strip().splitlines()) == 1


def test_server_error_still_logs_its_traceback(console):
    logging.getLogger("django.request").error(
        "Internal Server Error: /x/", exc_info=ValueError("boom"), extra={"status_code": 500}
    )

    assert "ValueError: boom" in console.getvalue()
