"""A link worker builds a support plan in Chromium: what matters, a goal with progress, an
action, the person's agreement, a new progress rating and the printable letter; axe checks
the plan page, the goal page and the letter."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from linkwork.casework.models import Goal, PlanAction, SupportPlan
from tests.conftest import build_world
from tests.factories import PersonFactory, ReferralFactory
from tests.functional.conftest import assert_accessible, sign_in


@pytest.mark.django_db(transaction=True)
def test_link_worker_agrees_a_plan_and_prints_the_letter(live_server, page):
    world = build_world()
    referral = ReferralFactory(
        scheme=world.scheme_a,
        referring_organisation=world.practice,
        link_worker=world.link_worker_a,
        status="active",
        what_matters="Feeling less alone.",
        person=PersonFactory(given_name="Ann", family_name="Example"),
    )
    sign_in(page, live_server, world.link_worker_a)
    page.goto(f"{live_server.url}/casework/referrals/{referral.pk}/plan/")
    assert_accessible(page)

    page.get_by_label("What matters to the person").fill("Feeling less alone. Getting out more.")
    page.get_by_label("Strengths").fill("Loves music.")
    page.get_by_role("button", name="Save plan").click()
    expect(page.get_by_text("Plan saved").first).to_be_visible()

    page.get_by_role("button", name="Add goal").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Enter the goal").click()
    page.get_by_label("Goal", exact=True).fill("Join the community choir")
    page.get_by_label("How much does this goal matter to the person?").fill("9")
    page.get_by_label("Where are they now? (optional)").fill("2")
    page.get_by_role("button", name="Add goal").click()
    expect(page.get_by_text("Goal added").first).to_be_visible()

    page.get_by_label("What will be done").fill("Ring the choir leader")
    page.get_by_label("Link worker").check()
    due = page.get_by_role("group", name="By when (optional)")
    due.get_by_label("Day").fill("1")
    due.get_by_label("Month").fill("1")
    due.get_by_label("Year").fill("2099")
    page.get_by_role("button", name="Add action").click()
    expect(page.get_by_text("Action added").first).to_be_visible()

    page.get_by_label("The person has agreed this plan").check()
    page.get_by_role("button", name="Save plan").click()
    expect(page.get_by_text("the person has agreed it").first).to_be_visible()
    expect(page.get_by_role("cell", name="Ring the choir leader")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Join the community choir").click()
    page.wait_for_url("**/plan/goals/*/")
    assert_accessible(page)
    page.get_by_label("Progress today, from 0 to 10").fill("5")
    page.get_by_role("button", name="Save progress").click()
    expect(page.get_by_text("Progress recorded").first).to_be_visible()
    expect(page.get_by_role("cell", name="5 out of 10")).to_be_visible()

    page.get_by_role("link", name="Back to the support plan").click()
    page.wait_for_url(f"**/casework/referrals/{referral.pk}/plan/")
    expect(page.get_by_text("2 (", exact=False).first).to_be_visible()
    page.get_by_role("link", name="Plan letter for Ann, to print").click()
    page.wait_for_url("**/plan/letter/")
    expect(page.get_by_role("heading", name="What matters to you")).to_be_visible()
    expect(page.get_by_text("Join the community choir")).to_be_visible()
    expect(page.get_by_text("Lina Worker, your link worker")).to_be_visible()
    assert_accessible(page)

    plan = SupportPlan.objects.get(referral=referral)
    assert plan.agreed_on is not None
    assert [r.score for r in Goal.objects.get(plan=plan).ratings.order_by("recorded_at")] == [2, 5]
    assert PlanAction.objects.get(plan=plan).who == "Link worker"
