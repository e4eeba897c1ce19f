"""A group's register in Chromium: a provider opens their group, books people onto a session
up to its places (the error when it is full names the field), marks who came and finalises
the register, which writes each person's attendance to their record. The provider starts the
group through its form first, with a first session last week, and at the end changes its
places and time and closes it. Axe on every page, at desktop and phone widths, and nothing
wider than the screen."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from linkwork.casework.lifecycle import ConnectionStatus
from linkwork.casework.models import Attendance
from linkwork.groups.models import Group
from linkwork.groups.presenters import person_label
from tests.conftest import build_world
from tests.factories import (
    ConnectionFactory,
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
def test_provider_books_marks_and_finalises_a_register(live_server, page):
    world = build_world()
    listing = DirectoryOrganizationFactory(account_organisation=world.provider_org)
    service = ServiceFactory(organization=listing, name="Millbrook Walk and Talk")
    people = [
        ConnectionFactory(
            referral=ReferralFactory(
                scheme=world.scheme_a,
                link_worker=world.link_worker_a,
                status="active",
                person=PersonFactory(given_name=name, family_name="Example"),
            ),
            service=service,
            status=ConnectionStatus.ACCEPTED,
        )
        for name in ("Ann", "Bea", "Cy")
    ]
    labels = [person_label(connection, as_provider=True) for connection in people]
    sign_in(page, live_server, world.provider)

    page.goto(f"{live_server.url}/")
    expect(page.locator("header a[href='/groups/']")).to_have_count(1)
    page.goto(f"{live_server.url}/groups/")
    expect(page.get_by_role("heading", name="Groups", level=1)).to_be_visible()
    check(page)
    page.get_by_role("button", name="Start a group").click()
    expect(page.get_by_role("heading", name="Start a group", level=1)).to_be_visible()
    check(page)
    first = timezone.localdate() - dt.timedelta(days=7)
    page.get_by_label("Name of the group").fill("Walk and Talk")
    page.get_by_label("Run by").select_option(label=world.provider_org.name)
    page.get_by_label("Service", exact=True).select_option(label=service.name)
    page.get_by_label("Where").fill("Millbrook Park cafe")
    page.get_by_label("Every week").check()
    page.get_by_label("Day of the week").select_option(label=f"{first:%A}")
    page.get_by_label("Start time").fill("half ten")
    page.get_by_label("Day", exact=True).fill(str(first.day))
    page.get_by_label("Month", exact=True).fill(str(first.month))
    page.get_by_label("Year", exact=True).fill(str(first.year))
    page.get_by_label("Places at each session").fill("2")
    page.get_by_role("button", name="Start the group").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Enter the start time as hours and minutes, like 10:30"
    )
    check(page)
    page.get_by_label("Start time").fill("10:30")
    page.get_by_role("button", name="Start the group").click()
    expect(page.get_by_role("heading", name="Walk and Talk", level=1)).to_be_visible()
    check(page)
    page.get_by_role("table", name="Coming sessions").get_by_role("link").first.click()
    expect(page.get_by_role("button", name="Cancel this session")).to_be_visible()
    check(page)
    page.go_back()
    page.get_by_role("table", name="Past sessions").get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="Register for", level=1)).to_be_visible()
    check(page)

    for label in labels[:2]:
        page.get_by_label("Person to book").select_option(label=label)
        page.get_by_role("button", name="Book onto this session").click()
        expect(page.locator(".nhsuk-notification-banner")).to_contain_text("Booked")
    page.get_by_label("Person to book").select_option(label=labels[2])
    page.get_by_role("button", name="Book onto this session").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("This session is full: all 2 places are booked")
    expect(summary.get_by_role("link")).to_have_attribute("href", "#id_connection")
    check(page)

    page.get_by_role("group", name=labels[0]).get_by_label("Attended").check()
    page.get_by_role("group", name=labels[1]).get_by_label("Did not attend").check()
    page.get_by_role("button", name="Save register").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("Register saved: 2")
    check(page)
    page.get_by_role("button", name="Finalise register").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text(
        "attendance written to 2 people's records"
    )
    expect(page.get_by_role("table", name="Register")).to_contain_text("Did not attend")
    expect(page.get_by_role("button", name="Save register")).to_have_count(0)
    check(page)

    assert sorted(Attendance.objects.values_list("attended", flat=True)) == [False, True]
    group = Group.objects.get()
    assert group.sessions.filter(finalised_at__isnull=False).count() == 1

    # The provider changes the group's places and time: a bad answer names the field first.
    page.get_by_role("link", name="Back to Walk and Talk").click()
    page.get_by_role("link", name="Change group details").click()
    expect(page.get_by_role("heading", name="Change group details", level=1)).to_be_visible()
    expect(page.get_by_label("Places at each session")).to_have_value("2")
    check(page)
    page.get_by_label("Places at each session").fill("0")
    page.get_by_role("button", name="Save changes").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Places at each session must be 1 or more")
    expect(summary.get_by_role("link")).to_have_attribute("href", "#id_capacity")
    check(page)
    page.get_by_label("Places at each session").fill("4")
    page.get_by_label("Start time").fill("11:00")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("Group details saved")
    expect(page.get_by_role("table", name="Coming sessions")).to_contain_text("0 of 4")
    check(page)

    # The group ends: closing it cancels its coming sessions, none of which has anyone booked.
    page.get_by_role("link", name="Close this group").click()
    expect(page.get_by_role("heading", name="Close this group", level=1)).to_be_visible()
    check(page)
    page.get_by_role("button", name="Close this group").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("Walk and Talk closed")
    expect(page.get_by_text("This group is closed.")).to_be_visible()
    check(page)
    group.refresh_from_db()
    assert (group.capacity, group.active) == (4, False)
