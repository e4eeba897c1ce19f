"""Account journeys in Chromium, each page checked with axe (issue 19, item 6): a link worker
who forgot their password asks for a link, reads the email, chooses a new password, and at the
next login is still asked for the authenticator code; a scheme lead adds a new link worker; a
system admin resets a lost authenticator."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from linkwork.accounts.models import Membership, User
from tests.conftest import build_world
from tests.functional.conftest import assert_accessible, sign_in

NEW_PASSWORD = "copper kettle harbour lantern"


@pytest.mark.django_db(transaction=True)
def test_forgotten_password_then_the_authenticator_is_still_asked(live_server, page):
    world = build_world()
    user = world.link_worker_a

    page.goto(f"{live_server.url}/account/login/")
    page.get_by_role("link", name="Forgotten your password?").click()
    page.wait_for_url("**/account/password-reset/")
    expect(page).to_have_title(re.compile(r"^Reset your password"))
    assert_accessible(page)
    page.get_by_label("Email address").fill(user.email)
    page.get_by_role("button", name="Send the link").click()

    page.wait_for_url("**/account/password-reset/sent/")
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert_accessible(page)

    (message,) = mail.outbox
    assert message.to == [user.email]
    (link,) = re.findall(r"https?://\S+/account/password-reset/\S+", message.body)
    page.goto(live_server.url + urlsplit(link).path)
    page.wait_for_url("**/new-password/")
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    assert_accessible(page)
    # A too-short password first: the error is accessible too.
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("Type the new password again").fill("short")
    page.get_by_role("button", name="Save the new password").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Type the new password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save the new password").click()

    page.wait_for_url("**/account/login/")
    expect(page.get_by_text("Your password has been changed")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Continue").click()

    page.wait_for_url("**/account/two-factor/")
    expect(page.get_by_role("heading", name="Enter your security code")).to_be_visible()
    device = TOTPDevice.objects.get(user=user)
    code = TOTP(device.bin_key, device.step, device.t0, device.digits).token()
    page.get_by_label("Security code").fill(f"{code:06d}")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{live_server.url}/")

    # The link was used: following it again shows a clear page.
    page.goto(live_server.url + urlsplit(link).path)
    expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_scheme_lead_adds_a_link_worker(live_server, page):
    world = build_world()
    sign_in(page, live_server, world.scheme_lead_a)
    page.goto(f"{live_server.url}/account/scheme/{world.scheme_a.pk}/link-workers/")
    expect(page.get_by_role("heading", name="Link workers in Scheme A")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Email address").fill("new.worker@example.org")
    page.get_by_role("button", name="Add link worker").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Full name").fill("Noor Worker")
    page.get_by_role("button", name="Add link worker").click()

    expect(page.get_by_text("Noor Worker is now a link worker in Scheme A")).to_be_visible()
    expect(page.get_by_role("cell", name="new.worker@example.org")).to_be_visible()
    assert_accessible(page)
    added = User.objects.get(email="new.worker@example.org")
    assert Membership.objects.filter(user=added, scheme=world.scheme_a).exists()
    (message,) = mail.outbox
    assert message.to == ["new.worker@example.org"]


@pytest.mark.django_db(transaction=True)
def test_admin_resets_a_lost_authenticator(live_server, page):
    world = build_world()
    sign_in(page, live_server, world.admin)
    page.goto(f"{live_server.url}/account/users/{world.link_worker_a.pk}/reset-two-factor/")
    assert_accessible(page)
    page.get_by_label("They lost their phone, or it was stolen").check()
    page.get_by_label("I have checked that this request came from the account holder").check()
    page.get_by_role("button", name="Reset their authenticator app").click()

    expect(page.get_by_text("authenticator app has been reset")).to_be_visible()
    expect(page.get_by_text("They have no authenticator app set up")).to_be_visible()
    assert_accessible(page)
    assert not TOTPDevice.objects.filter(user=world.link_worker_a).exists()
