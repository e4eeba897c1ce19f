"""Caseload journeys in Chromium, each page checked with axe: a link worker opens the caseload,
filters it and finds the overdue person first; a scheme lead opens capacity, assigns someone
from the waiting list over a limit (confirming it) and reassigns a case."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from linkwork.accounts.models import Role
from linkwork.audit.models import AuditEvent
from tests.conftest import build_world
from tests.factories import (
    FollowUpFactory,
    MembershipFactory,
    PersonFactory,
    ReferralFactory,
    UserFactory,
)
from tests.functional.conftest import assert_accessible, sign_in


@pytest.mark.django_db(transaction=True)
def test_link_worker_sees_overdue_first_and_filters(live_server, page):
    world = build_world()
    today = timezone.localdate()
    calm = ReferralFactory(
        scheme=world.scheme_a,
        link_worker=world.link_worker_a,
        status="active",
        received_at=timezone.now() - dt.timedelta(days=60),
        person=PersonFactory(given_name="Carl", family_name="Calm"),
    )
    FollowUpFactory(referral=calm, due_on=today + dt.timedelta(days=10))
    late = ReferralFactory(
        scheme=world.scheme_a,
        link_worker=world.link_worker_a,
        status="active",
        person=PersonFactory(given_name="Olive", family_name="Overdue"),
    )
    FollowUpFactory(referral=late, due_on=today - dt.timedelta(days=2))
    ReferralFactory(
        scheme=world.scheme_a,
        link_worker=world.link_worker_a,
        status="accepted",
        person=PersonFactory(given_name="Nina", family_name="New"),
    )
    sign_in(page, live_server, world.link_worker_a)

    page.goto(f"{live_server.url}/casework/caseload/")
    expect(page.get_by_role("heading", name="Your caseload")).to_be_visible()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Olive Overdue")
    expect(rows.nth(0)).to_contain_text("1 follow-up overdue")
    assert_accessible(page)

    page.get_by_label("Status").select_option("accepted")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/casework/caseload/?status=accepted*")
    expect(rows).to_have_count(1)
    expect(rows.nth(0)).to_contain_text("Nina New")
    assert_accessible(page)

    page.get_by_role("link", name="Clear filters").click()
    # The cleared page has the same form: wait for it, or the box is ticked on the old one.
    page.wait_for_url("**/casework/caseload/")
    page.get_by_label("Only people with something due").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/casework/caseload/?*due=1*")
    expect(rows).to_have_count(1)
    expect(rows.nth(0)).to_contain_text("Olive Overdue")

    page.get_by_role("link", name="Olive Overdue").click()
    page.wait_for_url(f"**/referrals/{late.pk}/")
    assert AuditEvent.objects.filter(action="caseload.viewed").count() == 4


@pytest.mark.django_db(transaction=True)
def test_scheme_lead_assigns_from_the_waiting_list_and_reassigns(live_server, page):
    world = build_world()
    world.scheme_a.active_caseload_limit = 1
    world.scheme_a.save()
    other = UserFactory(full_name="Omar Other", totp=True)
    MembershipFactory(
        user=other, organisation=world.scheme_a.host, scheme=world.scheme_a, role=Role.LINK_WORKER
    )
    ReferralFactory(
        scheme=world.scheme_a,
        link_worker=world.link_worker_a,
        status="active",
        person=PersonFactory(given_name="Fay", family_name="Full"),
    )
    waiting = ReferralFactory(
        scheme=world.scheme_a,
        status="accepted",
        link_worker=None,
        waiting_since=timezone.now() - dt.timedelta(days=6),
        person=PersonFactory(given_name="Walt", family_name="Waiting"),
    )
    sign_in(page, live_server, world.scheme_lead_a)

    page.goto(f"{live_server.url}/casework/capacity/")
    expect(page.get_by_role("heading", name="Capacity", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="At limit")).to_be_visible()
    expect(page.locator("tbody").last).to_contain_text("6 days")
    assert_accessible(page)

    # Lina is at her limit: assigning Walt to her needs "Assign anyway".
    page.get_by_role("link", name="Assign Walt Waiting").click()
    page.wait_for_url(f"**/casework/referrals/{waiting.pk}/assign/")
    assert_accessible(page)
    page.get_by_label("Lina Worker").check()
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_text("This would give Lina Worker 2 active")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Assign anyway").check()
    page.get_by_role("button", name="Assign").click()
    page.wait_for_url("**/casework/capacity/")
    expect(page.get_by_text("assigned to Lina Worker")).to_be_visible()
    expect(page.get_by_text("No one is waiting for a link worker.")).to_be_visible()

    # Then move Fay to Omar, who has room.
    page.goto(f"{live_server.url}/casework/caseload/")
    assert_accessible(page)
    page.get_by_role("link", name="Reassign Fay Full").click()
    page.get_by_label("Omar Other").check()
    page.get_by_role("button", name="Assign").click()
    page.wait_for_url("**/casework/capacity/")
    expect(page.get_by_text("assigned to Omar Other")).to_be_visible()
    waiting.refresh_from_db()
    assert waiting.link_worker == world.link_worker_a
    assert AuditEvent.objects.filter(action="referral.assigned").count() == 2
