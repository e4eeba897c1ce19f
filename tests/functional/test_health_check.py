"""A scheme lead in Chromium answers the self-assessment, adds an action to the health check's
action plan and prints the plan; from the health check grid, adds an action for a weak cell,
sees it on the grid and prints the grid; axe checks every page, at desktop and phone widths."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from linkwork.healthcheck.actions import submit_self_assessment
from linkwork.healthcheck.models import Action, SelfAssessment
from linkwork.healthcheck.questionnaire import questionnaire
from tests.conftest import build_world
from tests.functional.conftest import assert_accessible, sign_in


@pytest.mark.django_db(transaction=True)
def test_scheme_lead_assesses_adds_an_action_and_prints_the_plan(live_server, page):
    world = build_world()
    scheme = world.scheme_a
    sign_in(page, live_server, world.scheme_lead_a)
    base = f"{live_server.url}/schemes/{scheme.pk}/health-check"

    # The self-assessment: saving with nothing chosen names each question.
    page.goto(f"{base}/self-assessment/")
    expect(page.get_by_role("heading", name="Self-assessment", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Save self-assessment").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    first = questionnaire().questions[0]
    expect(page.get_by_role("link", name=f'Select an answer to "{first.text}"')).to_be_visible()
    assert_accessible(page)
    for question in questionnaire().questions:
        group = page.get_by_role("group", name=question.text)
        group.get_by_label("Developing" if question.level == "policy" else "Good practice").check()
    page.get_by_role("button", name="Save self-assessment").click()
    expect(page.get_by_text("Self-assessment saved").first).to_be_visible()
    assert SelfAssessment.objects.filter(scheme=scheme).count() == 1
    assert_accessible(page)

    # The action plan: add an action for a weak cell.
    page.goto(f"{base}/actions/")
    expect(page.get_by_text("No actions yet.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Add an action").click()
    page.wait_for_url("**/actions/new/")
    page.get_by_role("group", name="Level").get_by_label("Policy").check()
    page.get_by_role("group", name="Setting").get_by_label("Community sector").check()
    page.get_by_label("Action").fill("Ask commissioners to fund the busiest groups")
    page.get_by_label("Owner").select_option(label="Lee Lead")
    due = page.get_by_role("group", name="Due date")
    due.get_by_label("Day").fill("30")
    due.get_by_label("Month").fill("9")
    due.get_by_label("Year").fill("2099")
    assert_accessible(page)
    page.get_by_role("button", name="Add action").click()
    expect(page.get_by_text("Action added").first).to_be_visible()
    cell = page.get_by_role("cell", name="Ask commissioners to fund the busiest groups")
    expect(cell).to_be_visible()
    assert_accessible(page)
    assert Action.objects.get(scheme=scheme).status == "planned"

    # Printing: the print button is offered, and on paper the plan shows without the header,
    # the navigation or the buttons.
    expect(page.get_by_role("button", name="Print the action plan")).to_be_visible()
    page.emulate_media(media="print")
    expect(cell).to_be_visible()
    expect(page.get_by_text("Printed from Linkwork.")).to_be_visible()
    expect(page.get_by_role("button", name="Print the action plan")).to_be_hidden()
    expect(page.get_by_role("button", name="Add an action")).to_be_hidden()
    expect(page.locator("header.nhsuk-header")).to_be_hidden()
    page.emulate_media(media="screen")

    # Moving the action on keeps its history.
    cell.get_by_role("link").click()
    page.wait_for_url("**/actions/*/")
    page.get_by_role("group", name="Status of the action").get_by_label("In progress").check()
    page.get_by_role("button", name="Save status").click()
    expect(page.get_by_text("Status changed to in progress").first).to_be_visible()
    expect(page.get_by_role("cell", name="In progress")).to_be_visible()
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_scheme_lead_adds_an_action_from_the_grid_and_prints_the_grid(live_server, page):
    world = build_world()
    scheme = world.scheme_a
    # Community funding below best practice, the rest best: the policy level is weak.
    submit_self_assessment(
        by=world.scheme_lead_a,
        scheme=scheme,
        answers={
            q.id: "developing" if q.level == "policy" else "best" for q in questionnaire().questions
        },
    )
    sign_in(page, live_server, world.scheme_lead_a)

    page.goto(f"{live_server.url}/schemes/{scheme.pk}/health-check/")
    expect(page.get_by_role("heading", name="Scheme health check", exact=False)).to_be_visible()
    expect(page.get_by_text("by Lee Lead").first).to_be_visible()
    assert_accessible(page)

    # A weak cell offers an action, with its level and setting filled in.
    page.get_by_role("link", name="Add an action for policy: community sector").click()
    page.wait_for_url("**/actions/new/?level=policy&setting=community")
    expect(page.get_by_role("group", name="Level").get_by_label("Policy")).to_be_checked()
    expect(
        page.get_by_role("group", name="Setting").get_by_label("Community sector")
    ).to_be_checked()
    page.get_by_label("Action").fill("Ask commissioners for a three-year grant")
    page.get_by_label("Owner").select_option(label="Lee Lead")
    due = page.get_by_role("group", name="Due date")
    due.get_by_label("Day").fill("30")
    due.get_by_label("Month").fill("9")
    due.get_by_label("Year").fill("2099")
    page.get_by_role("button", name="Add action").click()
    expect(page.get_by_text("Action added").first).to_be_visible()
    assert Action.objects.get(scheme=scheme).level == "policy"

    # Back to the grid: the action is in its cell.
    page.get_by_role("link", name="Health check grid").click()
    page.wait_for_url(f"**/schemes/{scheme.pk}/health-check/")
    action = page.get_by_role("link", name="Ask commissioners for a three-year grant", exact=False)
    expect(action).to_be_visible()
    expect(page.get_by_text("Open actions (1)").first).to_be_visible()
    assert_accessible(page)

    # Printed, the grid and the action show without the header and the navigation.
    page.emulate_media(media="print")
    expect(action).to_be_visible()
    expect(page.locator("header.nhsuk-header")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Self-assessment and action plan")).to_be_hidden()
    expect(
        page.get_by_role("link", name="Add an action for policy: community sector")
    ).to_be_hidden()
    page.emulate_media(media="screen")
