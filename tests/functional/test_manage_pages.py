"""Every page under /manage/ and the account pages added with them, in Chromium on a desktop
and at 375 px (issue 19, item 6): axe finds no violations and nothing is wider than the
screen. A system admin makes an organisation inactive and active again; a user of that
organisation is refused at login with a clear message; a link worker changes their own
password from the header's link and stays signed in.

"An admin adds a user to a scheme" is `test_admin_journey.py::test_admin_adds_a_user_to_a_scheme`.
"""

from __future__ import annotations

import pytest
from django.core import mail
from playwright.sync_api import expect

from linkwork.accounts.models import Membership, Organisation
from linkwork.api.actions import issue_api_token
from tests.conftest import build_world
from tests.factories import PASSWORD
from tests.functional.conftest import assert_accessible, sign_in

NEW_PASSWORD = "copper kettle harbour lantern"


def assert_fits(page) -> None:  # type: ignore[no-untyped-def]
    """Nothing on the page is wider than the screen (no sideways scrolling at 375 px)."""
    wide = page.evaluate("document.documentElement.scrollWidth")
    screen = page.evaluate("window.innerWidth")
    assert wide <= screen, f"{page.url} is {wide} px wide on a {screen} px screen"


def check(page) -> None:  # type: ignore[no-untyped-def]
    assert_accessible(page)
    assert_fits(page)


@pytest.mark.django_db(transaction=True)
def test_every_manage_page_is_accessible_and_fits(live_server, page):
    world = build_world()
    token, _ = issue_api_token(by=None, organisation=world.practice, name="Practice system")
    membership = Membership.objects.get(user=world.link_worker_a)
    sign_in(page, live_server, world.admin)
    base = f"{live_server.url}/manage"
    pages = {
        "": "Manage the service",
        "organisations/": "Organisations",
        "organisations/?status=inactive": "Organisations",
        "organisations/new/": "Add an organisation",
        f"organisations/{world.practice.pk}/": "Alder Street Surgery",
        f"organisations/{world.practice.pk}/tokens/": "API tokens",
        "schemes/": "Schemes",
        "schemes/new/": "Add a scheme",
        f"schemes/{world.scheme_a.pk}/": "Scheme A",
        "users/": "Users",
        "users/?q=lina": "Users",
        "users/new/": "Add a user",
        f"users/{world.link_worker_a.pk}/": "Lina Worker",
        "instruments/": "Outcome instruments",
    }
    for path, heading in pages.items():
        page.goto(f"{base}/{path}")
        expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
        check(page)
    assert membership.pk  # the user's page above lists this role with its "Remove" button
    assert token.pk


@pytest.mark.django_db(transaction=True)
def test_admin_makes_an_organisation_inactive_and_its_user_is_refused(live_server, page):
    world = build_world()
    sign_in(page, live_server, world.admin)

    page.goto(f"{live_server.url}/manage/organisations/{world.practice.pk}/")
    page.get_by_role("button", name="Make the organisation inactive").click()
    expect(page.get_by_text("Alder Street Surgery is inactive; sessions ended: 0")).to_be_visible()
    expect(page.get_by_role("button", name="Make the organisation active again")).to_be_visible()
    check(page)
    page.goto(f"{live_server.url}/manage/organisations/")
    expect(page.get_by_role("cell", name="Inactive")).to_be_visible()
    check(page)
    page.goto(f"{live_server.url}/manage/users/{world.referrer.pk}/")
    expect(page.get_by_text("Organisation inactive: gives no access")).to_be_visible()
    check(page)

    # Its referrer, in another browser, is refused at login with the reason.
    other = page.context.browser.new_context(viewport=page.viewport_size)
    referrer = other.new_page()
    referrer.goto(f"{live_server.url}/account/login/")
    referrer.get_by_label("Email address").fill(world.referrer.email)
    referrer.get_by_label("Password", exact=True).fill(PASSWORD)
    referrer.get_by_role("button", name="Continue").click()
    expect(
        referrer.get_by_text(
            "You cannot log in because Alder Street Surgery is no longer active"
        ).first
    ).to_be_visible()
    check(referrer)
    other.close()

    page.goto(f"{live_server.url}/manage/organisations/{world.practice.pk}/")
    page.get_by_role("button", name="Make the organisation active again").click()
    expect(page.get_by_text("Alder Street Surgery is active again")).to_be_visible()
    check(page)
    assert Organisation.objects.get(pk=world.practice.pk).is_active


@pytest.mark.django_db(transaction=True)
def test_link_worker_changes_their_password_and_stays_signed_in(live_server, page):
    world = build_world()
    user = world.link_worker_a
    sign_in(page, live_server, user)

    page.goto(f"{live_server.url}/")
    page.locator("header a[href='/account/password/']").click()
    page.wait_for_url("**/account/password/")
    expect(page.get_by_role("heading", name="Change your password", level=1)).to_be_visible()
    check(page)
    page.get_by_label("Current password").fill("not my password")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Type the new password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change your password").click()
    expect(
        page.get_by_role("link", name="Your current password is wrong: enter it again")
    ).to_be_visible()
    check(page)

    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Type the new password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change your password").click()
    expect(page.get_by_text("Your password has been changed")).to_be_visible()
    check(page)
    # Still signed in, second factor and all: the caseload opens.
    page.goto(f"{live_server.url}/casework/caseload/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "/account/" not in page.url
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert [m.subject for m in mail.outbox] == ["Your password has been changed"]
