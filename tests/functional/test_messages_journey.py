"""Two-way messages in Chromium, at desktop and phone widths, with axe on every new page: a
link worker sees a failed text and a person's reply on the case and marks a letter printed
and posted; an admin matches an unmatched reply by hand and previews the message templates."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from linkwork.notifications import actions
from linkwork.notifications.letters import render_letter
from linkwork.notifications.models import InboundMessage, InboundStatus, Letter, Message
from tests.conftest import build_world
from tests.functional.conftest import assert_accessible, sign_in
from tests.unit.notifications import helpers


def fits_the_width(page) -> None:  # type: ignore[no-untyped-def]
    wide = page.evaluate("document.documentElement.scrollWidth")
    seen = page.evaluate("document.documentElement.clientWidth")
    assert wide <= seen, f"{page.url} is {wide}px wide in a {seen}px window"


@pytest.mark.django_db(transaction=True)
def test_replies_failures_print_queue_and_templates(live_server, page):
    world = build_world()
    referral = helpers.active(world)
    text = Message.objects.create(
        referral=referral,
        audience="person",
        event="appointment",
        channel="text",
        recipient_address="07700900123",
        subject="Your appointment with Scheme A",
        body="Hello Ann, this confirms your appointment.",
        status="sent",
        sent_at=timezone.now(),
    )
    actions.record_receipt(reference=str(text.pk), provider_id="", status="permanent-failure")
    actions.receive_reply(
        provider_id="in-1",
        source_number="447700900123",
        destination_number="",
        body="Thank you, Tuesday is fine.",
    )
    letter_message = Message.objects.create(
        referral=referral,
        audience="gp",
        event="accepted",
        channel="letter",
        recipient_name="Millbrook Surgery",
        recipient_address="3 Alder Street\nMillbrook",
        subject="Referral accepted",
        body="Referral accepted.",
        status="sent",
        sent_at=timezone.now(),
    )
    Letter.objects.create(message=letter_message, pdf=render_letter(letter_message))
    unmatched = actions.receive_reply(
        provider_id="in-2",
        source_number="07700900999",
        destination_number="",
        body="Is this about the walking group?",
    )
    assert unmatched.status == InboundStatus.UNMATCHED

    # The link worker: the failure and the reply on the case.
    sign_in(page, live_server, world.link_worker_a)
    page.goto(f"{live_server.url}/messages/referrals/{referral.pk}/")
    expect(page.get_by_role("heading", name="Not delivered")).to_be_visible()
    expect(page.locator("#maincontent")).to_contain_text("Thank you, Tuesday is fine.")
    assert_accessible(page)
    fits_the_width(page)

    # The print queue: mark the letter printed and posted.
    page.goto(f"{live_server.url}/")
    page.goto(f"{live_server.url}/messages/letters/")
    expect(page.get_by_role("heading", name="Letters to print and post", level=1)).to_be_visible()
    assert_accessible(page)
    fits_the_width(page)
    page.get_by_role(
        "button", name="Printed and posted: Referral accepted to Millbrook Surgery"
    ).click()
    expect(page.locator("#maincontent")).to_contain_text(
        "There are no letters waiting to be printed"
    )
    assert_accessible(page)
    assert Letter.objects.get(pk=letter_message.pk).printed_by == world.link_worker_a

    # The admin: match the unknown number's reply by hand.
    sign_in(page, live_server, world.admin)
    page.goto(f"{live_server.url}/messages/replies/")
    expect(page.get_by_role("heading", name="Replies to match", level=1)).to_be_visible()
    expect(page.locator("#maincontent")).to_contain_text("Is this about the walking group?")
    assert_accessible(page)
    fits_the_width(page)
    page.get_by_role("button", name="Match to referral").click()
    expect(page.locator("#maincontent")).to_contain_text("Enter the reference")
    assert_accessible(page)
    page.get_by_label("Referral reference").fill(referral.reference)
    page.get_by_role("button", name="Match to referral").click()
    expect(page.locator("#maincontent")).to_contain_text(
        f"The reply is now on referral {referral.reference}"
    )
    assert_accessible(page)
    assert InboundMessage.objects.get(pk=unmatched.pk).referral_id == referral.pk

    # The admin: every message template, previewed.
    page.goto(f"{live_server.url}/messages/templates/")
    expect(page.get_by_role("heading", name="Message templates", level=1)).to_be_visible()
    page.locator("summary", has_text="Referral received: to the person").click()
    expect(page.locator("#maincontent")).to_contain_text("We have your referral")
    assert_accessible(page)
    fits_the_width(page)
