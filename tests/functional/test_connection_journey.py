"""A link worker records a contact, finds a service for the person from the connections page
and connects them, then ends support, in Chromium; axe checks every page on the way."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from linkwork.casework.lifecycle import ConnectionStatus
from linkwork.casework.models import Connection, Contact
from linkwork.directory.models import ReferralRoute
from linkwork.people.models import Consent, ConsentKind, ConsentMethod, DigitalAccess
from tests.conftest import build_world
from tests.factories import (
    DirectoryOrganizationFactory,
    PersonFactory,
    ReferralFactory,
    ServiceFactory,
)
from tests.functional.conftest import assert_accessible, sign_in


@pytest.mark.django_db(transaction=True)
def test_link_worker_records_contact_connects_and_discharges(live_server, page):
    world = build_world()
    person = PersonFactory(
        given_name="Ann", family_name="Example", digital_access=DigitalAccess.NONE
    )
    Consent.objects.create(
        person=person,
        kind=ConsentKind.SHARE_WITH_PROVIDERS,
        given=True,
        method=ConsentMethod.VERBAL,
    )
    referral = ReferralFactory(
        scheme=world.scheme_a,
        referring_organisation=world.practice,
        referrer_email="rita@example.nhs.uk",
        link_worker=world.link_worker_a,
        status="accepted",
        person=person,
    )
    ServiceFactory(
        name="Millbrook Walking Group",
        organization=DirectoryOrganizationFactory(account_organisation=world.provider_org),
    )
    ServiceFactory(name="Millbrook Library Café", referral_route=ReferralRoute.SIGNPOST)
    sign_in(page, live_server, world.link_worker_a)
    case = f"{live_server.url}/referrals/{referral.pk}/"

    # Contact entry: no video offered to someone with no digital access.
    page.goto(case)
    page.get_by_role("link", name="Contacts").click()
    page.wait_for_url(f"**/casework/referrals/{referral.pk}/contacts/")
    expect(page.get_by_label("Phone")).to_be_visible()
    expect(page.get_by_label("Video call")).to_have_count(0)
    assert_accessible(page)
    today = timezone.localdate()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Time").fill("00:01")
    page.get_by_label("Phone").check()
    page.get_by_label("Duration in minutes").fill("30")
    page.get_by_label("Attended").check()
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_text("Contact recorded")).to_be_visible()
    assert Contact.objects.count() == 1

    # Find a service from the connections page and connect, sharing the name only.
    page.goto(case)
    page.get_by_role("link", name="Connections to services").click()
    page.wait_for_url(f"**/casework/referrals/{referral.pk}/connections/")
    assert_accessible(page)
    page.get_by_role("link", name="Find a service").click()
    # The person's postcode comes filled in; these test services have no venue, so clear it.
    expect(page.get_by_label("Postcode")).to_have_value("BK1 2AB")
    page.get_by_label("Postcode").fill("")
    page.get_by_label("Search", exact=True).fill("Millbrook")
    page.get_by_role("button", name="Search").click()
    connect = page.get_by_role("link", name="Request a place for Ann at Millbrook Walking Group")
    expect(connect).to_be_visible()
    assert_accessible(page)
    connect.click()
    expect(page.get_by_role("button", name="Send request")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Name", exact=True).check()
    page.get_by_label("I will go with the person the first time").check()
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text("Request sent to Millbrook Walking Group")).to_be_visible()
    connection = Connection.objects.get()
    assert connection.status == ConnectionStatus.REQUESTED
    assert connection.shared_fields == ["name"]
    assert connection.supported_linking

    # Signpost the café from the search too.
    page.get_by_role("link", name="Find a service").click()
    page.get_by_label("Postcode").fill("")
    page.get_by_label("Search", exact=True).fill("Café")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Record signposting for Ann to Millbrook Library Café").click()
    page.get_by_role("button", name="Record signposting").click()
    expect(page.get_by_text("Signposting to Millbrook Library Café recorded")).to_be_visible()

    page.get_by_role("link", name="Millbrook Walking Group").click()
    page.wait_for_url(f"**/casework/referrals/{referral.pk}/connections/*/")
    assert_accessible(page)

    # End support.
    page.goto(case)
    page.get_by_role("link", name="End support").click()
    page.wait_for_url(f"**/casework/referrals/{referral.pk}/discharge/")
    assert_accessible(page)
    page.get_by_role("button", name="End support and send the message back").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Goals met").check()
    page.get_by_role("button", name="End support and send the message back").click()
    expect(page.get_by_text("Support ended.")).to_be_visible()
    referral.refresh_from_db()
    assert referral.status == "closed"
