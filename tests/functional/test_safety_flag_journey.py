"""Safety flags in Chromium, each page checked with axe at 1280 and 375 pixels: a link worker
sees a self-harm flag on the caseload and the referral page, records what they did and sees it
close; the scheme lead sees the flag on the referral and the email that told them of it."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from linkwork.outcomes import actions
from linkwork.outcomes.models import FlagHandling
from tests.conftest import build_world
from tests.factories import PersonFactory, ReferralFactory
from tests.functional.conftest import assert_accessible, sign_in

FLAG = "Safety flag: thoughts of self-harm"


def accessible_at_both_widths(page: Any) -> None:
    assert_accessible(page)
    page.set_viewport_size({"width": 375, "height": 800})
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 800})


@pytest.mark.django_db(transaction=True)
def test_link_worker_resolves_a_self_harm_flag_and_the_lead_is_told(live_server, browser):
    world = build_world()
    referral = ReferralFactory(
        scheme=world.scheme_a,
        referring_organisation=world.practice,
        link_worker=world.link_worker_a,
        status="active",
        person=PersonFactory(given_name="Ann", family_name="Example"),
    )
    actions.record_measure(
        by=world.link_worker_a,
        referral=referral,
        instrument="phq9",
        time_point="baseline",
        responses={"items": [1, 1, 0, 0, 0, 0, 0, 0, 1]},
    )

    worker = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    sign_in(worker, live_server, world.link_worker_a)
    worker.goto(f"{live_server.url}/casework/caseload/")
    row = worker.locator("tbody tr").filter(has_text="Ann Example")
    assert FLAG in row.inner_text()
    accessible_at_both_widths(worker)

    row.get_by_role("link", name="act on it").click()
    worker.wait_for_url(f"**/referrals/{referral.pk}/")
    expect(worker.get_by_text(FLAG)).to_be_visible()
    expect(worker.get_by_text("Talk with them today")).to_be_visible()
    accessible_at_both_widths(worker)

    worker.get_by_role("link", name="Record what you did").first.click()
    expect(worker.get_by_role("heading", name=FLAG, level=1)).to_be_visible()
    worker.get_by_role("button", name="Record what I did").click()
    expect(worker.get_by_role("heading", name="There is a problem")).to_be_visible()
    accessible_at_both_widths(worker)
    worker.get_by_label("What did you do?").fill("Phoned Ann, agreed a safety plan, told her GP.")
    worker.get_by_role("button", name="Record what I did").click()
    worker.wait_for_url(f"**/referrals/{referral.pk}/")
    expect(worker.get_by_text("The safety flag is closed")).to_be_visible()
    assert worker.get_by_text(FLAG).count() == 0
    accessible_at_both_widths(worker)
    assert FlagHandling.objects.get().handled_by == world.link_worker_a

    lead = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    sign_in(lead, live_server, world.scheme_lead_a)
    lead.goto(f"{live_server.url}/messages/referrals/{referral.pk}/")
    notice = lead.get_by_role("link", name=f"Safety flag on referral {referral.reference}")
    expect(notice).to_be_visible()
    accessible_at_both_widths(lead)
    notice.click()
    expect(lead.get_by_text("records how it was handled", exact=False)).to_be_visible()
    accessible_at_both_widths(lead)
