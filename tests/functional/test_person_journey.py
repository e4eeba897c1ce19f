"""A link worker finds a person by name from the search box, opens the person page from the
referral, changes their details and reads the referral's timeline; every page is checked with
axe at 1280 and at 375 pixels wide, and none is wider than a 375-pixel phone."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from linkwork.people.models import PersonChange
from tests.conftest import build_world
from tests.factories import ContactFactory, FollowUpFactory, PersonFactory, ReferralFactory
from tests.functional.conftest import assert_accessible, sign_in

WIDTHS = (1280, 375)


def check(page: Any, width: int) -> None:
    """No axe violations, and nothing sideways to scroll."""
    assert_accessible(page)
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= width, f"{page.url} is {wide} pixels wide at {width}"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", WIDTHS)
def test_link_worker_finds_person_and_opens_person_page(live_server, page, width):
    world = build_world()
    page.set_viewport_size({"width": width, "height": 900})
    rowan = ReferralFactory(
        scheme=world.scheme_a,
        link_worker=world.link_worker_a,
        status="active",
        received_at=timezone.now() - dt.timedelta(days=30),
        person=PersonFactory(
            given_name="Rowan",
            family_name="Staffref",
            phone="01632 960001",
            preferred_language="pl",
            gp_practice=world.practice,
        ),
    )
    ContactFactory(referral=rowan, recorded_by=world.link_worker_a, note="First call went well")
    for given in ("Sam", "Tess"):
        other = ReferralFactory(
            scheme=world.scheme_a,
            link_worker=world.link_worker_a,
            status="active",
            person=PersonFactory(given_name=given, family_name="Other"),
        )
        FollowUpFactory(referral=other, due_on=timezone.localdate() - dt.timedelta(days=1))
    sign_in(page, live_server, world.link_worker_a)

    page.goto(f"{live_server.url}/casework/caseload/")
    rows = page.locator("tbody tr")
    assert rows.count() == 3
    check(page, width)

    page.get_by_label("Find a person").fill("rowan")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/casework/caseload/?q=rowan")
    assert rows.count() == 1
    assert "Rowan Staffref" in rows.nth(0).inner_text()
    check(page, width)

    page.get_by_role("link", name="Rowan Staffref").click()
    page.wait_for_url(f"**/referrals/{rowan.pk}/")
    check(page, width)

    page.get_by_role("link", name="Rowan Staffref").click()
    page.wait_for_url(f"**/people/{rowan.person_id}/")
    expect(page.get_by_role("heading", name="Rowan Staffref")).to_be_visible()
    expect(page.get_by_text("01632 960001")).to_be_visible()
    expect(page.get_by_text("Polish")).to_be_visible()
    expect(page.get_by_text("Alder Street Surgery")).to_be_visible()
    check(page, width)

    page.get_by_role("link", name="Change details").click()
    page.wait_for_url(f"**/people/{rowan.person_id}/edit/")
    check(page, width)
    page.get_by_label("Email address (optional)").fill("not an email")
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check(page, width)
    page.get_by_label("Email address (optional)").fill("rowan@example.org")
    page.get_by_label("Phone number (optional)").fill("07700 900123")
    page.get_by_role("button", name="Save details").click()
    page.wait_for_url(f"**/people/{rowan.person_id}/")
    expect(page.get_by_text("07700 900123")).to_be_visible()
    expect(page.get_by_role("cell", name="Phone number, Email address")).to_be_visible()
    check(page, width)
    assert PersonChange.objects.get(person_id=rowan.person_id).fields == ["phone", "email"]

    page.goto(f"{live_server.url}/casework/referrals/{rowan.pk}/timeline/")
    expect(page.get_by_text("First call went well")).to_be_visible()
    check(page, width)
