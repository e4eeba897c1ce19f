"""The person's own prescription in Chromium (issue 19, item 5): a person opens their link in
English, reads the easy-read version, switches to Welsh, and answers the feedback survey; a
used link shows a page naming no one; a link worker makes and prints a link; a provider reads
their service's feedback. Axe on every page, on a desktop and a 375 px phone, and nothing
wider than the screen."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from linkwork.notifications.models import Message
from linkwork.prescription import actions
from linkwork.prescription.actions import create_link
from linkwork.prescription.models import FeedbackAnswer
from tests.conftest import build_world
from tests.factories import (
    ConnectionFactory,
    DirectoryOrganizationFactory,
    PersonFactory,
    ReferralFactory,
    ServiceFactory,
)
from tests.functional.conftest import assert_accessible, sign_in
from tests.integration.prescription.conftest import build_case


def fits(page) -> None:  # type: ignore[no-untyped-def]
    """Nothing is wider than the screen (no sideways scrolling on a phone)."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


def check(page) -> None:  # type: ignore[no-untyped-def]
    assert_accessible(page)
    fits(page)


def _case():  # type: ignore[no-untyped-def]
    world = build_world()
    referral = ReferralFactory(
        scheme=world.scheme_a,
        referring_organisation=world.practice,
        link_worker=world.link_worker_a,
        status="active",
        person=PersonFactory(given_name="Ann", family_name="Example"),
    )
    return world, build_case(world, referral)


@pytest.mark.django_db(transaction=True)
def test_a_person_opens_their_prescription_in_english_and_welsh_and_answers_the_survey(
    live_server, page
):
    world, case = _case()
    made = create_link(by=world.link_worker_a, referral=case, send=True)
    message = Message.objects.get(pk=made.link.message_id)
    (link,) = re.findall(r"https?://\S+/p/\S+/", message.body)

    page.goto(live_server.url + urlsplit(link).path)
    page.wait_for_url("**/p/")
    expect(page.get_by_role("heading", name="Your social prescription", level=1)).to_be_visible()
    expect(page.get_by_text("Getting out of the house and meeting people.")).to_be_visible()
    expect(page.get_by_role("heading", name="Riverside Walking Group")).to_be_visible()
    expect(page.get_by_text("Tuesdays, 10am to 12pm")).to_be_visible()
    check(page)

    page.get_by_role("link", name="Easy read version").click()
    expect(page.get_by_role("heading", name="Your plan", level=1)).to_be_visible()
    check(page)

    page.get_by_role("link", name="Cymraeg").click()
    expect(page.get_by_role("heading", name="Eich cynllun", level=1)).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "cy"
    check(page)
    page.get_by_role("link", name="Fersiwn safonol").click()
    expect(
        page.get_by_role("heading", name="Eich presgripsiwn cymdeithasol", level=1)
    ).to_be_visible()
    check(page)

    # The same link in another browser shows nothing about Ann.
    other = page.context.browser.new_context()
    stranger = other.new_page()
    stranger.goto(live_server.url + urlsplit(link).path)
    expect(stranger.get_by_role("heading", name="This link does not work")).to_be_visible()
    assert "Ann" not in stranger.content()
    assert_accessible(stranger)
    other.close()

    # A week after she started going, the survey comes by text message.
    going = case.connections.get(status="in_progress")
    going.history.update(changed_at=timezone.now() - dt.timedelta(days=8))
    actions.send_due_surveys()
    survey = Message.objects.get(event="survey")
    (survey_link,) = re.findall(r"https?://\S+/s/\S+/", survey.body)
    page.goto(live_server.url + urlsplit(survey_link).path + "?lang=cy")
    page.wait_for_url("**/s/?lang=cy")
    expect(
        page.get_by_role("heading", name="Sut mae Riverside Walking Group yn mynd?")
    ).to_be_visible()
    check(page)
    page.get_by_role("button", name="Anfon eich atebion").click()
    expect(page.get_by_role("heading", name="Mae problem")).to_be_visible()
    check(page)

    page.get_by_role("link", name="English").click()
    expect(
        page.get_by_role("heading", name="How is Riverside Walking Group going?")
    ).to_be_visible()
    page.get_by_role("group", name="Have you been to the service?").get_by_label(
        "Yes", exact=True
    ).check()
    page.get_by_label("Very welcome", exact=True).check()
    page.get_by_label("Yes, a little", exact=True).check()
    page.get_by_role("group", name="Would you recommend it to someone like you?").get_by_label(
        "Yes", exact=True
    ).check()
    page.get_by_label("Anything else you want to tell us (optional)").fill("Kind people.")
    page.get_by_role("button", name="Send your answers").click()
    page.wait_for_url("**/s/thanks/")
    expect(page.get_by_text("Thank you for your answers")).to_be_visible()
    check(page)
    answer = FeedbackAnswer.objects.get()
    assert (answer.went, answer.welcome, answer.helped, answer.recommend) == (
        "yes",
        "very",
        "a_little",
        "yes",
    )


@pytest.mark.django_db(transaction=True)
def test_a_link_worker_makes_and_prints_a_link_and_a_provider_reads_feedback(live_server, page):
    world, case = _case()
    sign_in(page, live_server, world.link_worker_a)
    page.goto(f"{live_server.url}/referrals/{case.pk}/")
    page.get_by_role("link", name="Send, print or revoke a link to their prescription").click()
    expect(page.get_by_role("heading", name="The person's own prescription")).to_be_visible()
    check(page)
    page.get_by_role("button", name="Make the link").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check(page)
    page.get_by_label("Print it and hand it over or post it").check()
    page.get_by_role("button", name="Make the link").click()
    expect(page.get_by_text("The link, shown this once")).to_be_visible()
    check(page)
    page.get_by_role("link", name="Print the prescription", exact=True).click()
    expect(page.get_by_role("heading", name="Your social prescription", level=1)).to_be_visible()
    check(page)
    page.get_by_role("link", name="Back to the prescription links").click()
    page.get_by_role("button", name=re.compile("^Revoke the link made")).click()
    expect(page.get_by_text("Link revoked")).to_be_visible()
    check(page)

    service = ServiceFactory(
        name="Garden Club",
        organization=DirectoryOrganizationFactory(account_organisation=world.provider_org),
    )
    for _ in range(5):
        connection = ConnectionFactory(
            referral=case, service=service, status="in_progress", created_by=world.link_worker_a
        )
        FeedbackAnswer.objects.create(
            connection=connection,
            service=service,
            went="yes",
            welcome="very",
            helped="a_lot",
            recommend="yes",
        )
    sign_in(page, live_server, world.provider)
    page.goto(f"{live_server.url}/prescription/feedback/")
    expect(page.get_by_role("heading", name="Feedback from people")).to_be_visible()
    check(page)
    page.get_by_role("link", name="Garden Club").click()
    expect(page.get_by_role("heading", name="Feedback about Garden Club")).to_be_visible()
    check(page)
