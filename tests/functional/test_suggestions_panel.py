"""A curator confirms a suggested type of support and rejects a suggested age range on a
listing page, one click each, in Chromium; axe finds no violations on the panel."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from linkwork.directory.models import SuggestionKind, SuggestionStatus
from linkwork.directory.suggestions import suggest_for_services
from tests.conftest import build_world
from tests.factories import ServiceFactory
from tests.functional.conftest import assert_accessible, sign_in


@pytest.mark.django_db(transaction=True)
def test_curator_confirms_and_rejects_suggestions(live_server, page):
    world = build_world()
    service = ServiceFactory(
        name="Friday Lunch Club",
        description="<p>A hot two-course lunch and good company for people over 60.</p>",
    )
    suggest_for_services([service.pk])
    sign_in(page, live_server, world.curator)
    page.goto(f"{live_server.url}/directory/services/{service.pk}/")
    expect(page.get_by_role("heading", name="Suggestions to check")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Confirm Type of support: Social groups and activities").click()
    expect(page.locator("body")).to_contain_text(
        "Confirmed: Type of support: Social groups and activities"
    )
    page.get_by_role("button", name="Reject Ages 60 and over").click()
    expect(page.locator("body")).to_contain_text("Rejected: Ages 60 and over")
    assert_accessible(page)

    statuses = dict(service.suggestions.values_list("value", "status"))
    assert statuses["social"] == SuggestionStatus.CONFIRMED
    ages = service.suggestions.get(kind=SuggestionKind.AGES)
    assert ages.status == SuggestionStatus.REJECTED
