"""The health check in Chromium: a scheme lead finds it in the header, chooses a quarter,
opens an indicator's evidence and prints the page; axe finds no violations at desktop and
phone widths, and the print layout drops the menus and forms."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from linkwork.healthcheck.measures import Quarter
from tests.conftest import at, build_world
from tests.factories import ContactFactory, ReferralFactory
from tests.functional.conftest import assert_accessible, sign_in

Q2 = Quarter.of(2026, 2)


@pytest.mark.django_db(transaction=True)
def test_scheme_lead_reads_the_health_check_and_prints_it(live_server, page):
    world = build_world()
    for route in ("gp_practice", "gp_practice", "self"):
        referral = ReferralFactory(
            scheme=world.scheme_a, route=route, received_at=at("2026-04-13"), status="active"
        )
        ContactFactory(referral=referral, occurred_at=at("2026-04-16"))
    sign_in(page, live_server, world.scheme_lead_a)

    page.goto(f"{live_server.url}/")
    expect(page.locator("header a[href='/health-check/']")).to_have_count(1)
    page.goto(f"{live_server.url}/health-check/")
    page.get_by_role("link", name=world.scheme_a.name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Scheme health check")
    page.get_by_label("Quarter").select_option(Q2.name)
    page.get_by_role("button", name="Show this quarter").click()
    expect(page).to_have_url(
        f"{live_server.url}/schemes/{world.scheme_a.pk}/health-check/?quarter={Q2.name}"
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("April to June 2026")
    grid = page.get_by_role("table", name="Ratings by level and setting, April to June 2026")
    expect(grid).to_contain_text("Referrals from non-NHS routes: 33.3%")
    page.get_by_text("The evidence behind wait for first contact").click()
    expect(page.locator("#first_contact_wait")).to_contain_text("Rhodes J, Bell S (2021)")
    assert_accessible(page)

    page.emulate_media(media="print")
    expect(page.locator("header.nhsuk-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Show this quarter")).to_be_hidden()
    expect(grid).to_be_visible()
