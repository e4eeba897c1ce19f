"""A scheme lead finds a link worker by name on a referral's triage page, in a scheme with more
link workers than the page lists, and assigns the one found."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from linkwork.accounts.models import Role
from linkwork.referrals.lifecycle import Status
from tests.conftest import _member, build_world
from tests.factories import ReferralFactory
from tests.functional.conftest import assert_accessible, sign_in


@pytest.mark.django_db(transaction=True)
def test_scheme_lead_finds_a_link_worker_by_name_and_assigns_them(live_server, page):
    world = build_world()
    scheme = world.scheme_a
    for n in range(11):
        _member(Role.LINK_WORKER, scheme.host, scheme, full_name=f"Worker {n:02d}")
    # Two open cases: twelve link workers have more room, so she is not among those listed.
    found = _member(Role.LINK_WORKER, scheme.host, scheme, full_name="Priya Okonkwo")
    ReferralFactory.create_batch(2, scheme=scheme, link_worker=found, status=Status.ACTIVE)
    referral = ReferralFactory(scheme=scheme, referring_organisation=world.practice)

    sign_in(page, live_server, world.scheme_lead_a)
    page.goto(f"{live_server.url}/referrals/{referral.pk}/triage/")
    expect(
        page.get_by_text("Showing the 10 with the most room of 13 link workers.")
    ).to_be_visible()
    expect(
        page.get_by_role("group", name="Assign a link worker").get_by_role("radio")
    ).to_have_count(10)
    expect(page.get_by_label("Priya Okonkwo")).to_have_count(0)
    assert_accessible(page)

    page.get_by_label("Find a link worker by name").fill("okon")
    page.get_by_role("button", name="Find").click()
    page.wait_for_url("**worker=okon*")
    expect(page.get_by_label("Find a link worker by name")).to_have_value("okon")
    offered = page.get_by_role("group", name="Assign a link worker").get_by_role("radio")
    expect(offered).to_have_count(1)
    expect(offered).to_have_accessible_name("Priya Okonkwo")
    assert_accessible(page)

    page.get_by_label("Priya Okonkwo").check()
    page.get_by_role("button", name="Accept and assign").click()
    page.wait_for_url("**/referrals/triage/")
    expect(page.locator("body")).to_contain_text(f"Referral {referral.reference} accepted")
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED
    assert referral.link_worker == found
