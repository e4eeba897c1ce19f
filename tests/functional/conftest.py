"""Real Chromium (Debian's package) driven by Playwright, with axe-core for accessibility.

Without /usr/bin/chromium or axe-core, functional tests skip on a developer's machine and
fail under CI=true (`tests/prerequisites.py`); CI installs both.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.prerequisites import AXE, CHROMIUM, require_path

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Assertions wait for the page (expect(...)); the wait is generous because two cores run the
# server, the browser and, under xdist, other tests at once. A pass is never slowed by it.
expect.set_options(timeout=15_000)
# WCAG 2.2 AA and everything below it.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# And two moderate best-practice rules: every part of the page is in a landmark, and heading
# levels never skip (a screen reader user moves by landmarks and headings).
AXE_RULES = {"region": {"enabled": True}, "heading-order": {"enabled": True}}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "functional" in item.nodeid.split("/"):
            item.add_marker(pytest.mark.functional)
            # The live server listens on a local socket, which the rest of the suite forbids.
            item.add_marker(pytest.mark.enable_socket)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    require_path(CHROMIUM, "install Debian's Chromium (apt-get install chromium)")
    require_path(AXE, "axe-core is installed by `npm ci` (make test does)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread while the browser is open; the
    # ORM calls tests make to arrange data are still synchronous and safe.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


# Every journey runs on a desktop and on a small phone (the NHS.UK frontend's smallest
# breakpoint is 320 px; 375 px is a common phone).
WIDTHS = {"desktop": 1280, "phone": 375}


@pytest.fixture(params=list(WIDTHS.values()), ids=list(WIDTHS))
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": request.param, "height": 900})
    page = context.new_page()
    refused = watch_csp(page)
    yield page
    context.close()
    # Every journey doubles as a Content-Security-Policy check: nothing it loaded was refused.
    assert not refused, f"the Content-Security-Policy refused: {refused}"


def watch_csp(page: Any) -> list[str]:
    """Collect what Chromium's console reports the Content-Security-Policy refused."""
    refused: list[str] = []

    def on_console(message: Any) -> None:
        if "Content Security Policy" in message.text:
            refused.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    return refused


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core in the page and return its WCAG 2.2 AA violations, and those of the rules
    in `AXE_RULES`."""
    # Evaluated through the DevTools protocol, not added as an inline script, which the
    # page's Content-Security-Policy would rightly refuse.
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "async ([tags, rules]) => await axe.run(document, "
        "{runOnly: {type: 'tag', values: tags}, rules: rules})",
        [AXE_TAGS, AXE_RULES],
    )
    return list(result["violations"])


def assert_accessible(page: Any) -> None:
    violations = axe_violations(page)
    summary = [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in violations
    ]
    assert not violations, f"axe found violations on {page.url}: {json.dumps(summary, indent=2)}"


def sign_in(page: Any, live_server: Any, user: Any) -> None:
    """Start a verified session for `user` and hand its cookie to the browser."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session.session_key,
                "url": live_server.url,
            }
        ]
    )
