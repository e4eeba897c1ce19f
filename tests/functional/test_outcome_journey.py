"""A link worker records SWEMWBS at baseline and follow-up in Chromium and sees the change on
the trajectories page; axe checks the form and the chart page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from linkwork.outcomes.models import OutcomeMeasure
from tests.conftest import build_world
from tests.factories import PersonFactory, ReferralFactory
from tests.functional.conftest import assert_accessible, sign_in

ITEMS = [
    "Optimistic about the future",
    "Feeling useful",
    "Feeling relaxed",
    "Dealing with problems well",
    "Thinking clearly",
    "Feeling close to other people",
    "Able to make up my own mind",
]


def _answer_all(page, time_point: str, answer: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("group", name="When was this measure taken?").get_by_label(
        time_point, exact=True
    ).check()
    for n, text in enumerate(ITEMS, start=1):
        page.get_by_role("group", name=f"{n}. {text}").get_by_label(answer, exact=True).check()
    page.get_by_role("button", name="Save measure").click()


@pytest.mark.django_db(transaction=True)
def test_link_worker_records_swemwbs_and_sees_the_change(live_server, page):
    world = build_world()
    referral = ReferralFactory(
        scheme=world.scheme_a,
        referring_organisation=world.practice,
        link_worker=world.link_worker_a,
        status="active",
        person=PersonFactory(given_name="Ann", family_name="Example"),
    )
    sign_in(page, live_server, world.link_worker_a)
    record = f"{live_server.url}/outcomes/referrals/{referral.pk}/record/swemwbs/"

    page.goto(record)
    assert_accessible(page)
    page.get_by_role("button", name="Save measure").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)

    _answer_all(page, "Baseline", "seldom")
    page.wait_for_url("**/outcomes/referrals/*/?recorded=*")
    expect(page.get_by_text("recorded").first).to_be_visible()
    # The follow-up counts as change only 6 weeks or more after the baseline.
    OutcomeMeasure.objects.update(recorded_at=timezone.now() - dt.timedelta(weeks=7))

    page.goto(record)
    _answer_all(page, "Follow-up", "usually")
    page.wait_for_url("**/outcomes/referrals/*/?recorded=*")

    expect(page.locator('svg[role="img"]')).to_have_count(1)
    expect(page.get_by_role("img", name="SWEMWBS", exact=False)).to_have_count(1)
    expect(page.get_by_role("cell", name="+9.71 meaningful change (improvement)")).to_be_visible()
    assert_accessible(page)
    assert OutcomeMeasure.objects.count() == 2
