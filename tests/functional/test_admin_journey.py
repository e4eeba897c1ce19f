"""A system admin adds a user to a scheme in Chromium: makes the account, then gives it a
link worker role in a scheme; axe checks the management pages, their errors, and the user's
page, on a desktop and at 375 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from linkwork.accounts.models import Membership, Role, User
from tests.conftest import build_world
from tests.functional.conftest import assert_accessible, sign_in


@pytest.mark.django_db(transaction=True)
def test_admin_adds_a_user_to_a_scheme(live_server, page):
    world = build_world()
    sign_in(page, live_server, world.admin)

    page.goto(f"{live_server.url}/")
    # In the header's navigation (behind "More" on a narrow screen).
    expect(page.locator("header a[href='/manage/']")).to_have_count(1)
    page.goto(f"{live_server.url}/manage/")
    expect(page.get_by_role("heading", name="Manage the service", level=1)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Users").first.click()
    expect(page.get_by_role("heading", name="Users", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Add a user").click()
    expect(page.get_by_role("heading", name="Add a user")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Add the user").click()
    expect(page.get_by_role("link", name="Enter their full name")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Full name").fill("Nia Newcombe")
    page.get_by_label("Email address").fill("nia.newcombe@example.org")
    page.get_by_role("button", name="Add the user").click()
    expect(page.get_by_role("heading", name="Nia Newcombe", level=1)).to_be_visible()
    expect(page.get_by_text("No password set yet")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Role").select_option(label="Link worker")
    page.get_by_role("button", name="Add the role").click()
    expect(
        page.get_by_role("link", name="Select the scheme: a link worker works in a scheme")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Role").select_option(label="Link worker")
    page.get_by_label("Scheme").select_option(label="Scheme A")
    page.get_by_role("button", name="Add the role").click()
    expect(page.get_by_text("Link worker at Scheme A").first).to_be_visible()
    assert_accessible(page)

    user = User.objects.get(email="nia.newcombe@example.org")
    assert not user.has_usable_password()
    membership = Membership.objects.get(user=user)
    assert (membership.role, membership.scheme_id) == (Role.LINK_WORKER, world.scheme_a.pk)


@pytest.mark.django_db(transaction=True)
def test_admin_sets_a_practice_mailbox_and_makes_a_token(live_server, page):
    """The other management pages, each checked by axe: organisations, a GP practice's
    secure mailbox, its API tokens and the token shown once, schemes and instruments."""
    world = build_world()
    sign_in(page, live_server, world.admin)
    base = f"{live_server.url}/manage"

    page.goto(f"{base}/organisations/")
    assert_accessible(page)
    page.get_by_role("link", name="Alder Street Surgery").click()
    assert_accessible(page)
    page.get_by_label("Secure mailbox (email address)").fill("not-an-address")
    page.get_by_role("button", name="Save the organisation").click()
    expect(
        page.get_by_role("link", name="Enter the secure mailbox in the correct format", exact=False)
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Secure mailbox (email address)").fill("alder.street@nhs.net")
    page.get_by_role("button", name="Save the organisation").click()
    expect(page.get_by_text("Alder Street Surgery is saved")).to_be_visible()

    page.get_by_role("link", name="Manage API tokens").click()
    assert_accessible(page)
    page.get_by_label("What the token is for").fill("Practice system")
    page.get_by_label("The FHIR API (/fhir/)").check()
    page.get_by_role("button", name="Make the token").click()
    expect(page.locator("#api-token")).to_contain_text("lw_")
    assert_accessible(page)
    page.get_by_role("button", name="Back to API tokens").click()
    expect(page.get_by_role("button", name="Revoke Practice system")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{base}/schemes/")
    assert_accessible(page)
    page.get_by_role("link", name="Scheme A").click()
    page.get_by_label("Active caseload limit per link worker").fill("0")
    page.get_by_role("button", name="Save the scheme").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{base}/instruments/")
    assert_accessible(page)
    # A scheme's switch: saved without a choice, each field is named; then switched off.
    page.get_by_role("button", name="Save the switch").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Scheme", exact=True).select_option(label="Scheme A")
    page.get_by_label("Instrument", exact=True).select_option(
        label="Patient Activation Measure (PAM)"
    )
    page.get_by_label("No: switched off for this scheme").check()
    page.get_by_label("Licence reference (optional)").fill("REF-1")
    page.get_by_role("button", name="Save the switch").click()
    expect(
        page.get_by_text("Scheme A cannot record Patient Activation Measure (PAM)")
    ).to_be_visible()
    expect(page.get_by_role("cell", name="REF-1")).to_be_visible()
    assert_accessible(page)
