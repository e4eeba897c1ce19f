"""A link worker logs in with two-factor in Chromium and lands on the home page; axe finds
no violations on the login, two-factor and home pages."""

from __future__ import annotations

import re

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.conftest import build_world
from tests.factories import PASSWORD, ReferralFactory
from tests.functional.conftest import assert_accessible


@pytest.mark.django_db(transaction=True)
def test_link_worker_logs_in_with_two_factor(live_server, page):
    world = build_world()
    ReferralFactory(scheme=world.scheme_a, link_worker=world.link_worker_a, status="active")
    user = world.link_worker_a

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/account/login/\?next=/$"))
    expect(page).to_have_title(re.compile(r"^Log in"))
    assert_accessible(page)

    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()

    page.wait_for_url("**/account/two-factor/")
    assert_accessible(page)
    device = TOTPDevice.objects.get(user=user)
    code = TOTP(device.bin_key, device.step, device.t0, device.digits).token()
    page.get_by_label("Security code").fill(f"{code:06d}")
    page.get_by_role("button", name="Continue").click()

    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Your caseload")).to_be_visible()
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_login_errors_are_accessible(live_server, page):
    page.goto(f"{live_server.url}/account/login/")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_accessible(page)
