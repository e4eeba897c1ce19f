"""Link worker support in Chromium: a scheme lead records a supervision session, the link
worker supervised reads its private notes, and the support pages of both pass axe at desktop
and phone widths."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from linkwork.support.models import RequiredCourse
from tests.conftest import build_world
from tests.functional.conftest import assert_accessible, sign_in

NOTES = "Talked through a hard week; agreed to pause new referrals for a fortnight."


@pytest.mark.django_db(transaction=True)
def test_lead_records_supervision_and_the_link_worker_reads_its_notes(live_server, page):
    world = build_world()
    RequiredCourse.objects.create(scheme=world.scheme_a, name="Safeguarding adults")
    sign_in(page, live_server, world.scheme_lead_a)

    page.goto(f"{live_server.url}/")
    expect(page.locator("header a[href='/support/']")).to_have_count(1)
    page.goto(f"{live_server.url}/support/overview/")
    expect(page.get_by_role("heading", name="Support overview", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Record a supervision session").click()
    expect(page.get_by_role("heading", name="Record a supervision session")).to_be_visible()
    page.get_by_label("Link worker supervised").select_option(label="Lina Worker")
    page.get_by_label("Supervisor").select_option(label="Lee Lead")
    page.get_by_label("Day").fill("12")
    page.get_by_label("Month").fill("1")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("Clinical supervision").check()
    page.get_by_label("Duration in minutes").fill("60")
    page.get_by_label("Private notes (optional)").fill(NOTES)
    assert_accessible(page)
    page.get_by_role("button", name="Save session").click()

    expect(page.get_by_role("heading", name="Supervision session", level=1)).to_be_visible()
    expect(page.locator("#maincontent")).to_contain_text("12 January 2026")
    assert_accessible(page)

    sign_in(page, live_server, world.link_worker_a)
    page.goto(f"{live_server.url}/support/")
    expect(page.get_by_role("heading", name="Support", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("table", name="Your supervision").get_by_role(
        "link", name="12 January 2026"
    ).click()
    page.get_by_role("link", name="Read the private notes").click()
    expect(page.get_by_role("heading", name="Supervision notes", level=1)).to_be_visible()
    expect(page.locator("#maincontent")).to_contain_text(NOTES)
    assert_accessible(page)

    for path, heading in (
        ("/support/training/", "Your training"),
        ("/support/wellbeing/", "Wellbeing check-in"),
        ("/support/peers/yours/", "Your peer network entry"),
        ("/support/peers/", "Peer network"),
    ):
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
        assert_accessible(page)
