"""A link worker records PAM and MYCaW, switched on for the scheme's licence, in Chromium and
sees the scores over time; axe checks the forms, their errors and the trajectories page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from linkwork.outcomes.models import OutcomeMeasure
from tests.conftest import build_world
from tests.factories import PersonFactory, ReferralFactory
from tests.functional.conftest import assert_accessible, sign_in


@pytest.mark.django_db(transaction=True)
def test_link_worker_records_pam_and_mycaw_and_sees_them(live_server, page, settings):
    settings.LINKWORK_LICENSED_INSTRUMENTS = ["pam", "mycaw"]
    world = build_world()
    referral = ReferralFactory(
        scheme=world.scheme_a,
        referring_organisation=world.practice,
        link_worker=world.link_worker_a,
        status="active",
        person=PersonFactory(given_name="Ann", family_name="Example"),
    )
    sign_in(page, live_server, world.link_worker_a)
    base = f"{live_server.url}/outcomes/referrals/{referral.pk}/record"

    page.goto(f"{base}/pam/")
    assert_accessible(page)
    page.get_by_role("button", name="Save measure").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Baseline", exact=True).check()
    page.get_by_label("PAM score").fill("62.5")
    page.get_by_label("PAM level").fill("3")
    page.get_by_role("button", name="Save measure").click()
    page.wait_for_url("**/outcomes/referrals/*/?recorded=*")

    page.goto(f"{base}/mycaw/")
    assert_accessible(page)
    page.get_by_label("Baseline", exact=True).check()
    concern = page.get_by_role("group", name="Concern 1", exact=True)
    concern.get_by_label("Concern in the person's words").fill("Sleeping badly")
    concern.get_by_label("Score").fill("9")
    page.get_by_label("Wellbeing").fill("3")
    page.get_by_role("button", name="Save measure").click()
    expect(
        page.get_by_role("link", name="Concern 1 score is 9; it must be from 0 to 6.")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("group", name="Concern 1", exact=True).get_by_label("Score").fill("4")
    page.get_by_role("button", name="Save measure").click()
    page.wait_for_url("**/outcomes/referrals/*/?recorded=*")

    expect(page.get_by_role("img", name="PAM score", exact=False)).to_have_count(1)
    expect(page.get_by_role("cell", name="Sleeping badly")).to_be_visible()
    assert_accessible(page)
    assert OutcomeMeasure.objects.count() == 2
