"""A link worker searches the directory by postcode and category in Chromium, then opens a
result, and searches by a word for a feeling; axe finds no violations on the search, results
and listing pages."""

from __future__ import annotations

import random

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from linkwork.directory.demo import seed_directory
from linkwork.directory.models import Organization, Service
from tests.conftest import build_world
from tests.functional.conftest import assert_accessible, sign_in


@pytest.mark.django_db(transaction=True)
def test_link_worker_finds_a_service_near_a_postcode(live_server, page):
    world = build_world()
    seed_directory(rng=random.Random(2), account_organisations=[world.provider_org])
    sign_in(page, live_server, world.link_worker_a)

    page.goto(f"{live_server.url}/directory/")
    expect(page.get_by_role("heading", name="Find a service")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Type of support").select_option(label="Social groups and activities")
    page.get_by_label("Postcode").fill("BK1 1AE")
    page.get_by_label("Distance").select_option("2")
    page.get_by_role("button", name="Search").click()

    heading = page.get_by_role("heading", name="services found")
    heading.wait_for()
    expect(page.locator("ol").first).to_contain_text("away")
    assert_accessible(page)

    first = page.locator("ol h3 a").first
    name = first.inner_text()
    first.click()
    page.get_by_role("heading", level=1, name=name).wait_for()
    expect(page.locator("body")).to_contain_text("Last checked")
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_search_errors_are_accessible(live_server, page):
    world = build_world()
    sign_in(page, live_server, world.link_worker_a)
    page.goto(f"{live_server.url}/directory/?postcode=nonsense")
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_link_worker_searching_lonely_finds_the_loneliness_service_first(live_server, page):
    world = build_world()
    seed_directory(rng=random.Random(2), account_organisations=[world.provider_org])
    owner = Organization.objects.create(name="Hollinbeck Neighbours")
    Service.objects.create(
        organization=owner,
        name="Tackling Loneliness Together",
        description="<p>Company and a friendly welcome for people who spend <em>too much "
        "time on their own</em>.</p>",
        assured_date=timezone.localdate(),
    )
    sign_in(page, live_server, world.link_worker_a)

    page.goto(f"{live_server.url}/directory/")
    page.get_by_label("Search", exact=True).fill("lonely")
    page.get_by_role("button", name="Search").click()

    page.get_by_role("heading", name="services found").wait_for()
    expect(page.locator("ol h3 a").first).to_have_text("Tackling Loneliness Together")
    # The befriending services that say "lonely" are found too.
    expect(page.locator("ol")).to_contain_text("Befriending")
    assert_accessible(page)
