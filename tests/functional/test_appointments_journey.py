"""Appointments in Chromium, each page checked with axe and for sideways scrolling: a link
worker who also leads the scheme accepts a referral at triage, books the first appointment
straight after, and sees it in their diary by day and by week and in the scheme's diary; they
open it and move it to a later time, record what happened once its time has come, and make a
calendar address."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from linkwork.accounts.models import Role
from linkwork.casework.models import Appointment, Contact
from tests.conftest import build_world
from tests.factories import MembershipFactory, PersonFactory, ReferralFactory
from tests.functional.conftest import assert_accessible, sign_in


def check(page: Any) -> None:
    """No axe violations, and nothing sideways to scroll."""
    assert_accessible(page)
    width = page.viewport_size["width"]
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= width, f"{page.url} is {wide} pixels wide at {width}"


@pytest.mark.django_db(transaction=True)
def test_link_worker_books_first_appointment_at_triage_and_sees_it_in_the_diary(live_server, page):
    world = build_world()
    worker = world.link_worker_a
    # A small scheme: its link worker triages too.
    MembershipFactory(
        user=worker, role=Role.SCHEME_LEAD, organisation=world.scheme_a.host, scheme=world.scheme_a
    )
    referral = ReferralFactory(
        scheme=world.scheme_a,
        status="received",
        person=PersonFactory(given_name="Rosa", family_name="Reed"),
    )
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    sign_in(page, live_server, worker)

    page.goto(f"{live_server.url}/referrals/{referral.pk}/triage/")
    expect(page.get_by_text("you can book the first appointment")).to_be_visible()
    page.get_by_label("Lina Worker").check()
    page.get_by_role("button", name="Accept and assign").click()
    page.wait_for_url(f"**/casework/referrals/{referral.pk}/appointments/?after=triage")
    expect(page.get_by_role("heading", name="Book the first appointment")).to_be_visible()
    check(page)

    # Nothing filled in: the errors name each field.
    page.get_by_role("button", name="Book appointment").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the time of the appointment")
    expect(page.get_by_role("alert")).to_contain_text("Select how you will meet")
    check(page)

    page.get_by_label("Day").fill(str(tomorrow.day))
    page.get_by_label("Month").fill(str(tomorrow.month))
    page.get_by_label("Year").fill(str(tomorrow.year))
    page.get_by_label("Time").fill("10:30")
    page.get_by_label("In person", exact=True).check()
    page.get_by_label("Where, or how to join (optional)").fill("Millbrook Library, Station Road")
    page.get_by_label("Duration in minutes").fill("45")
    page.get_by_role("button", name="Book appointment").click()
    page.wait_for_url("**/referrals/triage/")
    expect(page.get_by_text("Appointment booked for")).to_be_visible()
    appointment = Appointment.objects.get(referral=referral)
    assert appointment.link_worker == worker

    # The diary, on the day.
    page.goto(f"{live_server.url}/casework/diary/?date={tomorrow.isoformat()}")
    expect(page.get_by_role("heading", name="Your diary")).to_be_visible()
    expect(page.get_by_text("1 appointment.")).to_be_visible()
    row = page.locator("tbody tr").first
    expect(row).to_contain_text("10:30am to 11:15am")
    expect(row).to_contain_text("Rosa Reed")
    check(page)

    # And in the week.
    page.get_by_role("link", name="Show the week").click()
    page.wait_for_url("**view=week")
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody tr").first).to_contain_text("Rosa Reed")
    expect(page.get_by_role("heading", name=f"{tomorrow:%A}", exact=False).first).to_be_visible()
    check(page)

    # The scheme's diary, for its lead.
    page.get_by_role("link", name="The scheme\u2019s diary").click()
    page.wait_for_url("**/casework/diary/scheme/")
    page.goto(f"{live_server.url}/casework/diary/scheme/?date={tomorrow.isoformat()}")
    expect(page.locator("tbody tr").first).to_contain_text("Lina Worker")
    check(page)

    # The appointment itself; once its time has come, what happened is recorded.
    page.get_by_role("link", name="Rosa Reed").click()
    page.wait_for_url(f"**/appointments/{appointment.pk}/")
    expect(page.get_by_role("link", name="Add to your calendar (.ics file)")).to_be_visible()
    check(page)
    # The person asks for a later time: the appointment moves, filled in as booked.
    expect(page.get_by_label("Time")).to_have_value("10:30")
    page.get_by_label("Time").fill("half two")
    page.get_by_role("button", name="Move appointment").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the time as hours and minutes")
    check(page)
    page.get_by_label("Time").fill("14:30")
    page.get_by_role("button", name="Move appointment").click()
    expect(page.get_by_text("Appointment moved to")).to_be_visible()
    check(page)
    appointment.refresh_from_db()
    assert timezone.localtime(appointment.starts_at).strftime("%H:%M") == "14:30"
    # An earlier appointment whose time has come: what happened is recorded, once.
    earlier = Appointment.objects.create(
        referral=referral,
        link_worker=worker,
        starts_at=timezone.now() - dt.timedelta(hours=1),
        duration_minutes=30,
        mode="phone",
        created_by=worker,
        updated_by=worker,
    )
    page.goto(f"{live_server.url}/casework/referrals/{referral.pk}/appointments/{earlier.pk}/")
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_role("alert")).to_contain_text("Select whether the person came")
    check(page)
    page.get_by_label("The person came").check()
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_text("Recorded as a contact").first).to_be_visible()
    check(page)
    assert Contact.objects.filter(referral=referral).count() == 1

    # Their diary in a calendar app: the address is shown once.
    page.goto(f"{live_server.url}/casework/diary/calendar/")
    expect(page.get_by_role("heading", name="Your diary in your calendar app")).to_be_visible()
    check(page)
    page.get_by_role("button", name="Make an address").click()
    expect(page.get_by_text("/casework/diary/calendar/").first).to_be_visible()
    check(page)
