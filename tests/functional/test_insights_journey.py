"""Insights in Chromium: a scheme lead filters the dashboards to one practice and downloads a
table as CSV; every dashboard passes axe at desktop and phone widths."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from linkwork.accounts.models import OrganisationKind
from linkwork.insights.dashboards import DASHBOARDS
from tests.conftest import build_world
from tests.factories import ContactFactory, OrganisationFactory, PersonFactory, ReferralFactory
from tests.functional.conftest import assert_accessible, sign_in


def _referrals(world):  # type: ignore[no-untyped-def]
    other = OrganisationFactory(name="Brook Lane Practice", kind=OrganisationKind.GP_PRACTICE)
    for n in range(7):
        referral = ReferralFactory(
            scheme=world.scheme_a,
            route="gp_practice",
            referring_organisation=world.practice,
            person=PersonFactory(gp_practice=world.practice),
            status="active" if n % 2 else "received",
        )
        ContactFactory(referral=referral)
    for _ in range(3):
        ReferralFactory(
            scheme=world.scheme_a,
            route="gp_practice",
            referring_organisation=other,
            person=PersonFactory(gp_practice=other),
        )
    ReferralFactory(scheme=world.scheme_a, route="self")


@pytest.mark.django_db(transaction=True)
def test_scheme_lead_filters_to_a_practice_and_downloads_csv(live_server, page):
    world = build_world()
    _referrals(world)
    sign_in(page, live_server, world.scheme_lead_a)

    page.goto(f"{live_server.url}/")
    # In the header (behind "More" on a phone), then opened.
    expect(page.locator("header a[href='/insights/']")).to_have_count(1)
    page.goto(f"{live_server.url}/insights/")
    expect(page.get_by_role("heading", name="Insights", level=1)).to_be_visible()
    page.locator("#maincontent").get_by_role("link", name="Referrals", exact=True).click()
    expect(page.get_by_role("heading", name="Referrals", level=1)).to_be_visible()
    page.get_by_label("Referring practice or organisation").select_option(
        label="Alder Street Surgery"
    )
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(
        f"{live_server.url}/insights/referrals/?date_from=&date_to=&scheme=&organisation={world.practice.pk}&route=&link_worker="
    )
    routes = page.get_by_role("table", name="Referrals by route")
    expect(routes.get_by_role("row").filter(has_text="gp_practice")).to_contain_text("7")
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download referrals by route (CSV)").click()
    saved = download.value
    assert saved.suggested_filename == "referrals_by_route.csv"
    text = Path(saved.path()).read_text(encoding="utf-8")
    assert text.splitlines()[0] == "route,count"
    assert "gp_practice,7" in text.splitlines()
    assert "self,0" in text.splitlines()


@pytest.mark.django_db(transaction=True)
def test_every_dashboard_is_accessible(live_server, page):
    world = build_world()
    _referrals(world)
    sign_in(page, live_server, world.analyst)
    page.goto(f"{live_server.url}/insights/")
    assert_accessible(page)
    for slug, entry in DASHBOARDS.items():
        page.goto(f"{live_server.url}/insights/{slug}/")
        expect(page.get_by_role("heading", name=entry.title, level=1)).to_be_visible()
        assert_accessible(page)
