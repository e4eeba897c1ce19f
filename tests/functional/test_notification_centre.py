"""The notification centre in Chromium: a provider's answer reaches the link worker, who sees
the count in the header, opens the notification (marked read, at the connections page),
marks the rest read, and chooses which also come by email. Axe on every page, at desktop and
phone widths, with nothing sideways to scroll."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from linkwork.casework import actions as casework_actions
from linkwork.notifications import centre
from linkwork.notifications.models import Alert, AlertKind, AlertSettings
from linkwork.people.models import Consent, ConsentKind, ConsentMethod
from tests.conftest import build_world
from tests.factories import (
    DirectoryOrganizationFactory,
    PersonFactory,
    ReferralFactory,
    ServiceFactory,
)
from tests.functional.conftest import assert_accessible, sign_in


def check(page: Any) -> None:
    """No axe violations, and nothing sideways to scroll."""
    assert_accessible(page)
    width = page.viewport_size["width"]
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= width, f"{page.url} is {wide} pixels wide at {width}"


@pytest.mark.django_db(transaction=True)
def test_link_worker_reads_notifications_and_chooses_emails(live_server, page):
    world = build_world()
    person = PersonFactory(given_name="Ann", family_name="Example")
    Consent.objects.create(
        person=person,
        kind=ConsentKind.SHARE_WITH_PROVIDERS,
        given=True,
        method=ConsentMethod.VERBAL,
    )
    referral = ReferralFactory(
        scheme=world.scheme_a, person=person, link_worker=world.link_worker_a, status="active"
    )
    listing = DirectoryOrganizationFactory(account_organisation=world.provider_org)
    service = ServiceFactory(organization=listing, name="Millbrook Walks")
    draft = casework_actions.create_connection(
        by=world.link_worker_a,
        referral=referral,
        service=service,
        shared_fields=["name"],
        send=False,
    )
    requested = casework_actions.request_connection(by=world.link_worker_a, connection=draft)
    casework_actions.respond_to_connection(
        by=world.provider, connection=requested, decision="accept"
    )
    older = centre.tell(
        [world.link_worker_a],
        AlertKind.OUTCOME_DUE,
        f"SWEMWBS (follow-up) for referral {referral.reference} is due",
        f"/outcomes/referrals/{referral.pk}/",
        referral,
    )
    Alert.objects.filter(pk=older[0].pk).update(created_at=timezone.now() - dt.timedelta(days=2))

    sign_in(page, live_server, world.link_worker_a)
    page.goto(f"{live_server.url}/")
    header_link = page.locator("header a[href='/notifications/']")
    expect(header_link).to_contain_text("Notifications (2 unread)")
    header_link.click()

    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    expect(page.locator("#maincontent")).to_contain_text("You have 2 unread notifications")
    check(page)
    rows = page.locator("#maincontent tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text(f"Millbrook Walks accepted referral {referral.reference}")
    expect(page.locator("#maincontent")).not_to_contain_text("Example")

    page.get_by_role("link", name=f"Millbrook Walks accepted referral {referral.reference}").click()
    page.wait_for_url(f"**/casework/referrals/{referral.pk}/connections/")
    page.goto(f"{live_server.url}/notifications/")
    expect(page.locator("header a[href='/notifications/']")).to_contain_text(
        "Notifications (1 unread)"
    )
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text(
        "All notifications marked as read"
    )
    expect(page.locator("#maincontent")).to_contain_text("You have read every notification")
    expect(page.locator("header a[href='/notifications/']")).to_have_text("Notifications")
    check(page)

    page.get_by_role("link", name="Choose which notifications also come by email").click()
    expect(page.get_by_role("heading", name="Emails about notifications", level=1)).to_be_visible()
    expect(page.get_by_label("A safety flag is raised")).to_be_checked()
    check(page)
    page.get_by_label("An outcome measure is due").check()
    page.get_by_role("button", name="Save your choices").click()
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    check(page)
    assert set(AlertSettings.objects.get(user=world.link_worker_a).email_kinds) == {
        AlertKind.SAFETY_FLAG,
        AlertKind.CONNECTION_ANSWERED,
        AlertKind.OUTCOME_DUE,
    }
