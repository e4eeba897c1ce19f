"""A link worker searches the directory by postcode and category in Chromium, then opens a
result; axe finds no violations on the search, results and listing pages."""

from __future__ import annotations

import random

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from linkwork.directory.demo import seed_directory
from tests.conftest import build_world
from tests.functional.conftest import assert_accessible


def sign_in(page, live_server, user) -> None:  # type: ignore[no-untyped-def]
    """Start a verified session for `user` and hand its cookie to the browser."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": live_server.url}]
    )


@pytest.mark.django_db(transaction=True)
def test_link_worker_finds_a_service_near_a_postcode(live_server, page):
    world = build_world()
    seed_directory(rng=random.Random(2), account_organisations=[world.provider_org])
    sign_in(page, live_server, world.link_worker_a)

    page.goto(f"{live_server.url}/directory/")
    assert page.get_by_role("heading", name="Find a service").is_visible()
    assert_accessible(page)

    page.get_by_label("Type of support").select_option(label="Social groups and activities")
    page.get_by_label("Postcode").fill("BK1 1AE")
    page.get_by_label("Distance").select_option("2")
    page.get_by_role("button", name="Search").click()

    heading = page.get_by_role("heading", name="services found")
    heading.wait_for()
    assert "away" in page.locator("ol").first.inner_text()
    assert_accessible(page)

    first = page.locator("ol h3 a").first
    name = first.inner_text()
    first.click()
    page.get_by_role("heading", level=1, name=name).wait_for()
    assert "Last checked" in page.content()
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_search_errors_are_accessible(live_server, page):
    world = build_world()
    sign_in(page, live_server, world.link_worker_a)
    page.goto(f"{live_server.url}/directory/?postcode=nonsense")
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert_accessible(page)
