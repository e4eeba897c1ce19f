"""`referral_event`: who gets which message, by which channel, with consent respected."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from linkwork.audit.models import AuditEvent
from linkwork.notifications.models import Letter, Message, MessageStatus
from linkwork.people.models import ConsentKind, ContactMethod
from linkwork.referrals.lifecycle import DeclineReason
from linkwork.referrals.messages import referral_event
from tests.unit.notifications import helpers

pytestmark = pytest.mark.django_db


def addressed(messages: list[Message]) -> set[tuple[str, str, str]]:
    return {(m.audience, m.channel, m.recipient_address) for m in messages}


def test_acceptance_goes_to_the_referrer_by_email(world):
    referral = helpers.accepted(world)
    messages = referral_event(referral.pk, "accepted", by=world.scheme_lead_a)
    assert addressed(messages) == {("referrer", "email", "rita@example.org")}
    [message] = messages
    assert message.recipient_name == "Dr Rita Referrer"
    assert message.status == MessageStatus.QUEUED
    assert "Lina Worker" in message.body


def test_return_response_to_email_comes_before_the_referrers_own(world):
    referral = helpers.accepted(
        world, response_to={"name": "Care coordinators", "email": "care@example.org"}
    )
    [message] = referral_event(referral.pk, "accepted")
    assert (message.recipient_name, message.recipient_address) == (
        "Care coordinators",
        "care@example.org",
    )


def test_return_response_to_a_postal_address_sends_a_letter(world):
    referral = helpers.accepted(
        world,
        referrer={"name": "Sam Housing"},
        response_to={"name": "Sam Housing", "address": "Millbrook Homes\n2 Mill Lane"},
    )
    [message] = referral_event(referral.pk, "accepted")
    assert (message.channel, message.recipient_address) == (
        "letter",
        "Millbrook Homes\n2 Mill Lane",
    )


def test_no_referrer_address_means_no_referrer_message_and_says_why(world):
    referral = helpers.accepted(world, referrer={"name": "Someone"})
    assert not Message.objects.filter(referral=referral, event="accepted").exists()
    event = AuditEvent.objects.get(action="message.queued", detail__event="accepted")
    assert event.detail["skipped"]["referrer"] == "no_referrer_address"


def test_gp_gets_a_copy_when_the_person_consented_to_message_back(world):
    helpers.practice_mailbox(world)
    who = helpers.person(world)
    helpers.consent(who, ConsentKind.MESSAGE_BACK, True)
    messages = referral_event(helpers.accepted(world, who=who).pk, "accepted")
    assert addressed(messages) == {
        ("referrer", "email", "rita@example.org"),
        ("gp", "email", helpers.PRACTICE_MAILBOX),
    }
    gp = next(m for m in messages if m.audience == "gp")
    assert gp.body.startswith("A copy for Alder Street Surgery")


@pytest.mark.parametrize(
    ("decisions", "reason"),
    [
        ([], "no_message_back_consent"),
        ([False], "no_message_back_consent"),
        ([True, False], "no_message_back_consent"),
    ],
    ids=["not asked", "refused", "given then refused"],
)
def test_gp_gets_no_copy_without_message_back_consent(world, decisions, reason):
    helpers.practice_mailbox(world)
    who = helpers.person(world)
    for given in decisions:
        helpers.consent(who, ConsentKind.MESSAGE_BACK, given)
    # The acceptance writes its messages itself, in its own transaction.
    referral = helpers.accepted(world, who=who)
    messages = Message.objects.filter(referral=referral, event="accepted")
    assert [m.audience for m in messages] == ["referrer"]
    event = AuditEvent.objects.get(action="message.queued", detail__event="accepted")
    assert event.detail["skipped"] == {"gp": reason}


def test_gp_copy_goes_by_letter_when_the_practice_has_no_email(world):
    helpers.practice_mailbox(world, email="", address="Alder Street Surgery\n3 Alder Street")
    who = helpers.person(world)
    helpers.consent(who, ConsentKind.MESSAGE_BACK, True)
    messages = referral_event(helpers.accepted(world, who=who).pk, "accepted")
    gp = next(m for m in messages if m.audience == "gp")
    assert (gp.channel, gp.recipient_address) == ("letter", "Alder Street Surgery\n3 Alder Street")


def test_acknowledgement_goes_to_the_person_only(world):
    messages = referral_event(helpers.referral(world).pk, "received")
    assert addressed(messages) == {("person", "text", "07700900123")}


def test_no_message_to_a_person_who_refused_contact(world):
    who = helpers.person(world)
    helpers.consent(who, ConsentKind.CONTACT, False)
    referral = helpers.referral(world, who=who)
    assert referral_event(referral.pk, "received") == []
    when = timezone.now() + dt.timedelta(days=2)
    assert referral_event(referral.pk, "appointment", appointment_at=when) == []
    event = AuditEvent.objects.filter(action="message.queued").first()
    assert event.detail["skipped"] == {"person": "contact_consent_refused"}


def test_contact_consent_given_again_after_refusal_allows_messages(world):
    who = helpers.person(world)
    helpers.consent(who, ConsentKind.CONTACT, False)
    helpers.consent(who, ConsentKind.CONTACT, True)
    assert len(referral_event(helpers.referral(world, who=who).pk, "received")) == 1


@pytest.mark.parametrize(
    ("preference", "fields", "expected"),
    [
        (ContactMethod.TEXT, {}, ("text", "07700900123")),
        (ContactMethod.EMAIL, {}, ("email", "ann@example.org")),
        (ContactMethod.LETTER, {}, ("letter", "1 High Street\nMillbrook\nBK1 2AB")),
        (ContactMethod.PHONE, {}, ("text", "07700900123")),
        (ContactMethod.IN_PERSON, {}, ("text", "07700900123")),
        (
            ContactMethod.PHONE,
            {"phone": "0113 496 0000"},
            ("letter", "1 High Street\nMillbrook\nBK1 2AB"),
        ),
        (ContactMethod.TEXT, {"phone": ""}, ("letter", "1 High Street\nMillbrook\nBK1 2AB")),
        (ContactMethod.EMAIL, {"email": ""}, ("text", "07700900123")),
        (
            ContactMethod.LETTER,
            {"address": "", "phone": "+44 7700 900123"},
            ("text", "07700900123"),
        ),
    ],
    ids=[
        "text",
        "email",
        "letter",
        "phone falls back to text",
        "in person falls back to text",
        "a landline cannot take texts",
        "no phone: letter",
        "no email: text",
        "no address: text (international form)",
    ],
)
def test_person_is_reached_by_preference_then_fallback(world, preference, fields, expected):
    who = helpers.person(world, preferred_contact_method=preference, **fields)
    [message] = referral_event(helpers.referral(world, who=who).pk, "received")
    assert (message.channel, message.recipient_address) == expected


def test_person_with_no_way_to_be_reached_gets_nothing(world):
    who = helpers.person(world, phone="", email="", address="")
    assert referral_event(helpers.referral(world, who=who).pk, "received") == []


def test_closure_writes_back_and_tells_the_person(world):
    messages = referral_event(helpers.closed(world).pk, "closed")
    assert {(m.audience, m.event) for m in messages} == {
        ("referrer", "closed"),
        ("person", "closed"),
    }


def test_decline_writes_back_but_does_not_message_the_person(world):
    referral = helpers.declined(world, DeclineReason.OUTSIDE_AREA)
    assert [m.audience for m in referral_event(referral.pk, "declined")] == ["referrer"]


def test_appointment_needs_a_date_and_time(world):
    with pytest.raises(ValueError, match="date and time"):
        referral_event(helpers.active(world).pk, "appointment")


def test_unknown_event_is_refused(world):
    with pytest.raises(ValueError, match="is not a valid Event"):
        referral_event(helpers.referral(world).pk, "exploded")


def test_messages_are_delivered_after_commit_by_each_channel(
    world, django_capture_on_commit_callbacks
):
    helpers.practice_mailbox(world, email="", address="3 Alder Street")
    who = helpers.person(world)
    helpers.consent(who, ConsentKind.MESSAGE_BACK, True)
    referral = helpers.closed(world, who=who)
    with django_capture_on_commit_callbacks(execute=True):
        messages = referral_event(referral.pk, "closed", by=world.link_worker_a)
    by_audience = {m.audience: Message.objects.get(pk=m.pk) for m in messages}
    # The local text backend simulates the provider's delivery receipt: its text is delivered.
    assert {a: m.status for a, m in by_audience.items()} == {
        "referrer": MessageStatus.SENT,
        "gp": MessageStatus.SENT,
        "person": MessageStatus.DELIVERED,
    }
    [email] = mail.outbox
    assert email.to == ["rita@example.org"]
    assert email.subject == by_audience["referrer"].subject
    assert "Needs identified" in email.body
    assert email.extra_headers["Message-ID"] == by_audience["referrer"].provider_reference
    assert by_audience["person"].provider_reference == f"local:{by_audience['person'].pk}"
    letter = Letter.objects.get(message=by_audience["gp"])
    assert bytes(letter.pdf).startswith(b"%PDF")


def test_audit_of_queued_messages_holds_no_personal_data(world):
    who = helpers.person(world)
    referral = helpers.closed(world, who=who)  # closed by the link worker
    event = AuditEvent.objects.get(action="message.queued", detail__event="closed")
    assert event.actor == world.link_worker_a
    assert event.object_id == str(referral.pk)
    text = str(event.detail)
    for personal in ("Ann", "Example", "rita@", "07700", "High Street"):
        assert personal not in text
