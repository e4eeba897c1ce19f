"""A provider answers a referral in Chromium: opens the inbox and the request, sees only the
details the person agreed to share, accepts it, records attendance, and closes a service for
a while; axe checks the inbox, the request and the availability pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from linkwork.casework import actions
from linkwork.casework.lifecycle import ConnectionStatus
from linkwork.casework.models import Attendance, Connection
from linkwork.directory.models import Service, ServiceStatus
from linkwork.people.models import Consent, ConsentKind, ConsentMethod
from tests.conftest import build_world
from tests.factories import (
    DirectoryOrganizationFactory,
    PersonFactory,
    ReferralFactory,
    ServiceFactory,
)
from tests.functional.conftest import assert_accessible, sign_in


@pytest.mark.django_db(transaction=True)
def test_provider_answers_a_referral_and_closes_a_service(live_server, page):
    world = build_world()
    person = PersonFactory(
        given_name="Ann",
        family_name="Example",
        phone="07700 900123",
        date_of_birth=dt.date(1951, 2, 3),
    )
    Consent.objects.create(
        person=person,
        kind=ConsentKind.SHARE_WITH_PROVIDERS,
        given=True,
        method=ConsentMethod.VERBAL,
        recorded_by=world.link_worker_a,
    )
    referral = ReferralFactory(
        scheme=world.scheme_a, person=person, link_worker=world.link_worker_a, status="active"
    )
    listing = DirectoryOrganizationFactory(account_organisation=world.provider_org)
    service = ServiceFactory(organization=listing, name="Millbrook Walks")
    connection = actions.create_connection(
        by=world.link_worker_a,
        referral=referral,
        service=service,
        shared_fields=["name", "needs"],
        supported_linking=True,
    )
    sign_in(page, live_server, world.provider)

    page.goto(f"{live_server.url}/casework/inbox/")
    expect(page.get_by_role("heading", name="Needs an answer")).to_be_visible()
    expect(
        page.get_by_role("cell", name="The link worker will come to the first session")
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=referral.reference).click()
    page.wait_for_url(f"**/casework/inbox/{connection.pk}/")
    expect(page.get_by_text("Ann Example")).to_be_visible()
    expect(page.get_by_text("Loneliness or isolation")).to_be_visible()
    expect(page.get_by_text("07700 900123")).to_have_count(0)
    expect(page.get_by_text("3 February 1951")).to_have_count(0)
    assert_accessible(page)

    # Declining without a reason is refused, and says why.
    page.get_by_label("Decline", exact=True).check()
    page.get_by_role("button", name="Send answer").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Accept", exact=True).check()
    page.get_by_role("button", name="Send answer").click()
    expect(page.get_by_text(f"You accepted referral {referral.reference}")).to_be_visible()

    today = timezone.localdate()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Yes, they attended").check()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("recorded").first).to_be_visible()
    expect(page.get_by_role("cell", name="Attended", exact=True)).to_be_visible()
    assert_accessible(page)

    connection = Connection.objects.get(pk=connection.pk)
    assert connection.status == ConnectionStatus.IN_PROGRESS
    assert Attendance.objects.filter(connection=connection, attended=True).count() == 1

    page.goto(f"{live_server.url}/casework/services/")
    assert_accessible(page)
    page.get_by_role("link", name="Change availability of Millbrook Walks").click()
    expect(page.get_by_label("Temporarily closed")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Temporarily closed").check()
    page.get_by_role("button", name="Save availability").click()
    page.wait_for_url("**/casework/services/")
    expect(page.get_by_text("1 referral to it went on hold")).to_be_visible()
    assert Service.objects.get(pk=service.pk).status == ServiceStatus.TEMPORARILY_CLOSED
    assert Connection.objects.get(pk=connection.pk).status == ConnectionStatus.ON_HOLD
