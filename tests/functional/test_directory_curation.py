"""A curator adds a listing in Chromium, gives it a weekly time and a venue, and sees both on
the listing page; a link worker adds a tip and the curator approves it. axe finds no
violations on any page, errors included."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from linkwork.directory.models import Postcode, Schedule, Service, ServiceAtLocation
from linkwork.directory.taxonomy import ensure_linkwork_taxonomy
from tests.conftest import build_world
from tests.functional.conftest import assert_accessible, sign_in
from tests.unit.directory.factories import OrganizationFactory


@pytest.mark.django_db(transaction=True)
def test_curator_creates_a_listing_with_a_weekly_time_and_a_venue(live_server, page):
    world = build_world()
    ensure_linkwork_taxonomy()
    OrganizationFactory(name="Millbrook Walkers")
    Postcode.objects.create(postcode="BK1 1AE", latitude=53.801, longitude=-1.548)
    sign_in(page, live_server, world.curator)

    page.goto(f"{live_server.url}/directory/services/new/")
    expect(page.get_by_role("heading", level=1, name="Add a listing")).to_be_visible()
    assert_accessible(page)
    # Nothing filled in: the errors name the fields, and the page stays accessible.
    page.get_by_role("button", name="Add listing").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="Enter the name of the service")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Service name").fill("Millbrook Tuesday Walk")
    page.get_by_label("Organisation").select_option(label="Millbrook Walkers")
    page.get_by_label("Description").fill("A gentle walk round the park, with tea after.")
    page.get_by_label("Physical activity").check()
    page.get_by_label("In person").check()
    page.get_by_label("Minimum age (optional)").fill("50")
    page.get_by_role("button", name="Add listing").click()
    expect(page.get_by_role("heading", level=1, name="Millbrook Tuesday Walk")).to_be_visible()
    expect(page.get_by_text("Listing added.")).to_be_visible()
    service = Service.objects.get(name="Millbrook Tuesday Walk")

    page.get_by_role("link", name="Change when it runs").click()
    expect(page.get_by_role("heading", level=1, name="When it runs")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Tuesday").check()
    page.get_by_label("Opens at").fill("10:00")
    page.get_by_label("Closes at").fill("09:00")
    page.get_by_role("button", name="Add time").click()
    expect(
        page.get_by_role("link", name="The closing time must be after the opening time")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Closes at").fill("12:00")
    page.get_by_role("button", name="Add time").click()
    expect(page.get_by_text("Added Tuesdays, 10am to 12pm")).to_be_visible()
    assert Schedule.objects.filter(service=service, byday="TU").exists()
    assert_accessible(page)

    page.get_by_role("link", name="Where it runs").click()
    expect(page.get_by_role("heading", level=1, name="Where it runs")).to_be_visible()
    page.get_by_label("Venue name (optional)").fill("Millbrook Park Cafe")
    page.get_by_label("Address line 1").fill("1 Park Road")
    page.get_by_label("Town or city").fill("Brackenfield")
    page.get_by_label("Postcode").fill("bk1 1ae")
    page.get_by_label("Step-free access").check()
    page.get_by_role("button", name="Add venue").click()
    expect(page.get_by_text("Venue added")).to_be_visible()
    assert ServiceAtLocation.objects.filter(service=service).exists()
    assert_accessible(page)

    page.get_by_role("link", name="See the listing as link workers do").click()
    heading = page.get_by_role("heading", level=1, name="Millbrook Tuesday Walk")
    expect(heading).to_be_visible()
    body = page.locator("main")
    expect(body).to_contain_text("Tuesdays, 10am to 12pm")
    expect(body).to_contain_text("Millbrook Park Cafe")
    expect(body).to_contain_text("1 Park Road, Brackenfield BK1 1AE")
    expect(body).to_contain_text("A gentle walk round the park, with tea after.")
    expect(body).to_contain_text("Physical activity")
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_link_worker_tip_is_checked_by_a_curator(live_server, page):
    world = build_world()
    service = Service.objects.create(
        organization=OrganizationFactory(name="Millbrook Walkers"), name="Millbrook Choir"
    )
    sign_in(page, live_server, world.link_worker_a)
    page.goto(f"{live_server.url}/directory/services/{service.pk}/")
    page.get_by_role("link", name="Add a tip").click()
    expect(page.get_by_role("heading", level=1, name="Add a tip")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Your tip").fill("Ask for Jo at the side door.")
    page.get_by_role("button", name="Send tip").click()
    expect(page.get_by_text("Waiting to be checked")).to_be_visible()
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in(page, live_server, world.curator)
    page.goto(f"{live_server.url}/directory/tips/")
    expect(page.get_by_text("Ask for Jo at the side door.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Tip approved")).to_be_visible()
    expect(page.get_by_text("No tips are waiting to be checked.")).to_be_visible()
    assert_accessible(page)
