"""Two-way messages: GOV.UK Notify's delivery receipts and received texts (bearer-token
callbacks), replies threaded on the case or kept for an admin to match, failures on the case,
the print queue and the admins' page of message templates."""

from __future__ import annotations

import json
import logging

import pytest
from django.core import mail
from django.urls import reverse

from linkwork.audit.models import AuditEvent
from linkwork.notifications import actions
from linkwork.notifications.catalogue import every_template
from linkwork.notifications.models import (
    Alert,
    AlertKind,
    AlertSettings,
    Event,
    InboundMessage,
    InboundStatus,
    Letter,
    Message,
    MessageStatus,
)
from linkwork.people.models import ConsentKind
from linkwork.referrals.messages import referral_event
from tests.conftest import signed_in
from tests.unit.notifications import helpers

pytestmark = pytest.mark.django_db

TOKEN = "notify-callback-token-for-tests"
RECEIPTS = "notify_callbacks:delivery_status"
REPLIES = "notify_callbacks:received_text"


@pytest.fixture(autouse=True)
def callback_token(settings):  # type: ignore[no-untyped-def]
    settings.NOTIFY_CALLBACK_TOKEN = TOKEN


def call(client, name: str, body: object, token: str | None = TOKEN):  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return client.post(
        reverse(name), json.dumps(body), content_type="application/json", headers=headers
    )


def sent_message(referral, *, channel: str = "text") -> Message:  # type: ignore[no-untyped-def]
    return Message.objects.create(
        referral=referral,
        audience="person",
        event="received",
        channel=channel,
        recipient_address="07700900123",
        subject="We have your referral",
        body="Hello.",
        status=MessageStatus.SENT,
        sent_at="2026-03-02T10:00:00Z",
        provider_reference="notify-id-1",
    )


def receipt(message: Message, status: str, **more: str) -> dict[str, str]:
    return {
        "id": "notify-id-1",
        "reference": str(message.pk),
        "to": "07700900123",
        "status": status,
        "created_at": "2026-03-02T10:00:00Z",
        "completed_at": "2026-03-02T10:00:05Z",
        "sent_at": "2026-03-02T10:00:01Z",
        "notification_type": "sms",
        **more,
    }


def text_from(number: str, words: str = "Yes please, Tuesday is fine", id: str = "in-1"):  # type: ignore[no-untyped-def]
    return {
        "id": id,
        "source_number": number,
        "destination_number": "07781123456",
        "message": words,
        "date_received": "2026-03-02 11:00:00.000000",
    }


# --- Delivery receipts ------------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "", "not-the-token", TOKEN + "x"])
def test_a_receipt_with_a_missing_or_wrong_token_is_refused_and_audited(client, world, token):
    message = sent_message(helpers.active(world))
    response = call(client, RECEIPTS, receipt(message, "delivered"), token=token)
    assert response.status_code in (401, 403)
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    event = AuditEvent.objects.filter(action="access.denied").last()
    assert event.detail["page"] == RECEIPTS
    assert event.detail["status"] == response.status_code


def test_with_no_token_configured_every_callback_is_refused(client, world, settings):
    settings.NOTIFY_CALLBACK_TOKEN = ""
    message = sent_message(helpers.active(world))
    assert call(client, RECEIPTS, receipt(message, "delivered"), token="").status_code == 401
    assert call(client, RECEIPTS, receipt(message, "delivered"), token="x").status_code == 403
    assert call(client, REPLIES, text_from("07700900123"), token="x").status_code == 403
    assert not InboundMessage.objects.exists()


def test_callbacks_take_post_only(client):
    assert (
        client.get(reverse(RECEIPTS), headers={"Authorization": f"Bearer {TOKEN}"}).status_code
        == 405
    )


@pytest.mark.parametrize(
    ("status", "becomes"),
    [
        ("delivered", MessageStatus.DELIVERED),
        ("permanent-failure", MessageStatus.PERMANENT_FAILURE),
        ("temporary-failure", MessageStatus.TEMPORARY_FAILURE),
        ("technical-failure", MessageStatus.PERMANENT_FAILURE),
    ],
)
def test_a_receipt_updates_the_message_status(client, world, status, becomes):
    message = sent_message(helpers.active(world))
    response = call(client, RECEIPTS, receipt(message, status))
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.status == becomes
    assert message.receipt_at is not None
    event = AuditEvent.objects.get(action="message.receipt")
    assert event.detail == {"from": "sent", "to": becomes.value}


@pytest.mark.parametrize("status", ["accepted", "received", "pending-virus-check"])
def test_a_letters_receipts_on_the_way_change_nothing(client, world, status):
    message = sent_message(helpers.active(world), channel="letter")
    response = call(client, RECEIPTS, receipt(message, status))
    assert response.json() == {"result": "ignored"}
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT


def test_a_letter_notify_could_not_print_is_not_delivered(client, world):
    message = sent_message(helpers.active(world), channel="letter")
    call(client, RECEIPTS, receipt(message, "validation-failed"))
    message.refresh_from_db()
    assert message.status == MessageStatus.PERMANENT_FAILURE
    assert message.last_error == "Not posted: Notify could not print the letter's PDF"


def test_a_receipt_is_matched_by_the_providers_id_without_a_reference(client, world):
    message = sent_message(helpers.active(world))
    call(client, RECEIPTS, receipt(message, "delivered", reference=""))
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED


def test_a_temporary_failure_can_still_be_delivered_later(client, world):
    message = sent_message(helpers.active(world))
    call(client, RECEIPTS, receipt(message, "temporary-failure"))
    call(client, RECEIPTS, receipt(message, "delivered"))
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED


def test_a_receipt_for_an_unknown_message_is_answered_200_and_ignored(client, world):
    response = call(
        client,
        RECEIPTS,
        {
            "id": "nobody",
            "reference": "00000000-0000-4000-8000-000000000000",
            "status": "delivered",
        },
    )
    assert response.status_code == 200
    assert response.json() == {"result": "ignored"}
    assert not AuditEvent.objects.filter(action="message.receipt").exists()


def test_the_same_receipt_twice_changes_nothing_the_second_time(client, world):
    message = sent_message(helpers.active(world))
    call(client, RECEIPTS, receipt(message, "delivered"))
    assert call(client, RECEIPTS, receipt(message, "delivered")).json() == {"result": "ignored"}
    assert AuditEvent.objects.filter(action="message.receipt").count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("not json", "body"),
        ([1, 2], "body"),
        ({"reference": "x", "status": "lost"}, "status"),
        ({"status": "delivered"}, "reference"),
    ],
)
def test_a_bad_receipt_gets_a_400_naming_the_field(client, world, body, field):
    response = client.post(
        reverse(RECEIPTS),
        body if isinstance(body, str) else json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert response.status_code == 400
    assert response.json()["field"] == field


def test_a_failure_shows_on_the_case_and_the_failed_messages_page(client, world):
    referral = helpers.active(world)
    message = sent_message(referral)
    call(client, RECEIPTS, receipt(message, "permanent-failure"))
    signed_in(client, world.link_worker_a)
    page = client.get(reverse("notifications:referral_messages", args=[referral.pk]))
    body = page.content.decode()
    assert "Not delivered" in body
    assert "does not exist or refused it" in body
    signed_in(client, world.scheme_lead_a)
    failed = client.get(reverse("notifications:failed")).content.decode()
    assert message.subject in failed
    assert "Try again" in failed


def test_a_permanently_failed_message_can_be_tried_again(client, world):
    referral = helpers.active(world)
    message = sent_message(referral)
    call(client, RECEIPTS, receipt(message, "permanent-failure"))
    signed_in(client, world.scheme_lead_a)
    client.post(reverse("notifications:retry", args=[message.pk]))
    message.refresh_from_db()
    assert message.status in (MessageStatus.QUEUED, MessageStatus.DELIVERED, MessageStatus.SENT)


def test_the_local_text_backend_simulates_a_delivered_receipt(
    world, django_capture_on_commit_callbacks
):
    who = helpers.person(world)
    with django_capture_on_commit_callbacks(execute=True):
        [text] = referral_event(helpers.referral(world, who=who).pk, "received")
    text.refresh_from_db()
    assert (text.channel, text.status) == ("text", MessageStatus.DELIVERED)


# --- Received texts ---------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["447700900123", "+447700900123", "07700 900123"])
def test_a_reply_from_the_persons_mobile_is_threaded_on_their_open_referral(
    client, world, number, django_capture_on_commit_callbacks
):
    referral = helpers.active(world)
    with django_capture_on_commit_callbacks(execute=True):
        response = call(client, REPLIES, text_from(number))
    assert response.status_code == 200
    reply = InboundMessage.objects.get()
    assert (reply.status, reply.referral_id, reply.source_number) == (
        InboundStatus.MATCHED,
        referral.pk,
        "07700900123",
    )
    # The link worker is told in the notification centre, without the words or the name.
    alert = Alert.objects.get(kind=AlertKind.PERSON_REPLIED)
    assert alert.recipient == world.link_worker_a
    assert referral.reference in alert.text
    assert "Tuesday" not in alert.text
    assert "Ann" not in alert.text
    # The link worker reads it on the case; the read is audited.
    signed_in(client, world.link_worker_a)
    page = client.get(reverse("notifications:referral_messages", args=[referral.pk]))
    assert "Yes please, Tuesday is fine" in page.content.decode()
    event = AuditEvent.objects.filter(action="message.list_viewed").last()
    assert event.detail["replies"] == [str(reply.pk)]


def test_a_reply_from_an_unknown_number_is_kept_for_an_admin_never_attached(client, world):
    helpers.active(world)
    call(client, REPLIES, text_from("07700900999"))
    reply = InboundMessage.objects.get()
    assert (reply.status, reply.referral_id) == (InboundStatus.UNMATCHED, None)
    assert not Alert.objects.filter(kind=AlertKind.PERSON_REPLIED).exists()


def test_a_number_shared_by_two_people_is_never_guessed(client, world):
    helpers.active(world)
    helpers.active(world, who=helpers.person(world, given_name="Bea", nhs_number=""))
    call(client, REPLIES, text_from("07700900123"))
    assert InboundMessage.objects.get().status == InboundStatus.UNMATCHED


def test_a_person_with_two_open_referrals_is_never_guessed(client, world):
    who = helpers.person(world)
    helpers.active(world, who=who)
    helpers.accepted(world, who=who)
    call(client, REPLIES, text_from("07700900123"))
    assert InboundMessage.objects.get().status == InboundStatus.UNMATCHED


def test_a_person_with_no_open_referral_is_not_matched(client, world):
    helpers.closed(world)
    call(client, REPLIES, text_from("07700900123"))
    assert InboundMessage.objects.get().status == InboundStatus.UNMATCHED


def test_the_same_received_text_twice_keeps_one_reply(client, world):
    helpers.active(world)
    call(client, REPLIES, text_from("07700900123"))
    call(client, REPLIES, text_from("07700900123"))
    assert InboundMessage.objects.count() == 1


@pytest.mark.parametrize("missing", ["id", "source_number", "message"])
def test_a_received_text_without_a_field_gets_a_400_naming_it(client, world, missing):
    body = text_from("07700900123")
    del body[missing]
    response = call(client, REPLIES, body)
    assert response.status_code == 400
    assert response.json()["field"] == missing
    assert not InboundMessage.objects.exists()


def test_a_reply_is_never_logged_nor_in_the_audit(client, world, caplog):
    helpers.active(world)
    with caplog.at_level(logging.DEBUG):
        call(client, REPLIES, text_from("07700900123", words="My secret words"))
    assert "secret" not in caplog.text
    assert "900123" not in caplog.text
    for event in AuditEvent.objects.all():
        assert "secret" not in json.dumps(event.detail)
        assert "900123" not in json.dumps(event.detail)


def test_an_admin_matches_an_unmatched_reply_by_hand(
    client, world, django_capture_on_commit_callbacks
):
    referral = helpers.active(world)
    call(client, REPLIES, text_from("07700900999", words="It's Ann, new phone"))
    reply = InboundMessage.objects.get()
    signed_in(client, world.admin)
    page = client.get(reverse("notifications:unmatched_replies"))
    assert "It&#39;s Ann, new phone" in page.content.decode()
    assert AuditEvent.objects.filter(action="reply.unmatched_list_viewed").exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("notifications:match_reply", args=[reply.pk]),
            {"reference": referral.reference.lower()},
        )
    assert response.status_code == 302
    reply.refresh_from_db()
    assert (reply.status, reply.referral_id, reply.matched_by) == (
        InboundStatus.MATCHED,
        referral.pk,
        world.admin,
    )
    assert AuditEvent.objects.filter(action="reply.matched", actor=world.admin).exists()
    assert Alert.objects.filter(kind=AlertKind.PERSON_REPLIED).count() == 1
    # Matched, it leaves the admin's list.
    assert (
        "new phone" not in client.get(reverse("notifications:unmatched_replies")).content.decode()
    )


@pytest.mark.parametrize("reference", ["", "LW-NONE-XXXX", "LW-\x00", "X" * 300])
def test_matching_to_no_referral_says_why_and_changes_nothing(client, world, reference):
    helpers.active(world)
    call(client, REPLIES, text_from("07700900999"))
    reply = InboundMessage.objects.get()
    signed_in(client, world.admin)
    response = client.post(
        reverse("notifications:match_reply", args=[reply.pk]), {"reference": reference}, follow=True
    )
    body = response.content.decode()
    assert "Enter the reference" in body or "No referral has the reference" in body, body
    reply.refresh_from_db()
    assert reply.status == InboundStatus.UNMATCHED


def test_unmatched_replies_are_for_admins_who_run_the_service(client, world):
    call(client, REPLIES, text_from("07700900999"))
    for user in (world.scheme_lead_a, world.link_worker_a):
        signed_in(client, user)
        assert client.get(reverse("notifications:unmatched_replies")).status_code == 403
    assert not InboundMessage.objects.visible_to(world.link_worker_a).exists()


def test_a_matched_reply_is_not_read_by_another_scheme(client, world):
    helpers.active(world)
    call(client, REPLIES, text_from("07700900123"))
    assert InboundMessage.objects.visible_to(world.link_worker_a).count() == 1
    assert not InboundMessage.objects.visible_to(world.link_worker_b).exists()


# --- The print queue --------------------------------------------------------------------------


@pytest.fixture
def letter(world, django_capture_on_commit_callbacks) -> Letter:  # type: ignore[no-untyped-def]
    """A letter to the GP practice (no email, a postal address), waiting to print."""
    helpers.practice_mailbox(world, email="", address="3 Alder Street\nMillbrook")
    who = helpers.person(world)
    helpers.consent(who, ConsentKind.MESSAGE_BACK, True)
    referral = helpers.closed(world, who=who)
    with django_capture_on_commit_callbacks(execute=True):
        referral_event(referral.pk, "closed")
    return Letter.objects.get(message__audience="gp")


def test_the_print_queue_lists_letters_and_marks_them_printed(client, world, letter):
    signed_in(client, world.link_worker_a)
    page = client.get(reverse("notifications:print_queue")).content.decode()
    assert reverse("notifications:letter", args=[letter.message_id]) in page
    assert AuditEvent.objects.filter(action="letter.queue_viewed").exists()
    response = client.post(reverse("notifications:mark_printed", args=[letter.message_id]))
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.printed_by == world.link_worker_a
    assert letter.printed_at is not None
    assert AuditEvent.objects.filter(action="letter.printed", actor=world.link_worker_a).exists()
    page = client.get(reverse("notifications:print_queue")).content.decode()
    assert "There are no letters waiting to be printed" in page
    # Twice: refused in words, the first mark kept.
    first = letter.printed_at
    again = client.post(
        reverse("notifications:mark_printed", args=[letter.message_id]), follow=True
    )
    assert "already been marked" in again.content.decode()
    letter.refresh_from_db()
    assert letter.printed_at == first


def test_another_scheme_cannot_see_or_mark_the_letter(client, world, letter):
    signed_in(client, world.link_worker_b)
    page = client.get(reverse("notifications:print_queue")).content.decode()
    assert str(letter.message_id) not in page
    response = client.post(reverse("notifications:mark_printed", args=[letter.message_id]))
    assert response.status_code == 404
    letter.refresh_from_db()
    assert letter.printed_at is None


def test_letters_sent_through_notify_are_not_in_the_print_queue(client, world, letter):
    Letter.objects.filter(pk=letter.pk).update(via_notify=True)
    signed_in(client, world.link_worker_a)
    page = client.get(reverse("notifications:print_queue")).content.decode()
    assert "There are no letters waiting to be printed" in page


def test_mark_printed_twice_in_actions_is_refused(world, letter):
    actions.mark_printed(by=world.link_worker_a, letter=letter)
    with pytest.raises(ValueError, match="already"):
        actions.mark_printed(by=world.link_worker_a, letter=letter)


# --- Templates --------------------------------------------------------------------------------


def test_every_template_is_previewed_for_admins_who_run_the_service(client, world):
    signed_in(client, world.admin)
    response = client.get(reverse("notifications:templates"))
    assert response.status_code == 200
    body = response.content.decode()
    templates = every_template()
    keys = {t.key for t in templates}
    # Every event Linkwork writes to a person, a referrer, a GP or staff about a referral.
    assert {
        "received.person",
        "accepted.referrer",
        "accepted.gp",
        "declined.referrer",
        "closed.person",
        "closed.gp",
        "appointment.person",
        "withdrawn.referrer",
        "withdrawn.link_worker",
        "conn_requested.provider",
        "conn_overdue.scheme_lead",
        "person_replied.link_worker",
        "due_items.link_worker",
        "safety_flag.scheme_lead",
        "support_prompts.scheme_lead",
    } <= keys
    for template in templates:
        assert template.title.replace("'", "&#39;") in body
        subject, _ = template.render()
        assert subject in body.replace("&#39;", "'")
    assert "Sam" in body
    assert "Example Social Prescribing" in body


def test_template_previews_use_the_same_words_as_the_messages(world):
    from linkwork.casework.notices import NOTICES, example_fields

    by_key = {t.key: t for t in every_template()}
    notice = NOTICES[Event.CONNECTION_REQUESTED]
    assert by_key["conn_requested.provider"].render() == (
        notice.subject.format(**example_fields()),
        notice.body.format(**example_fields()),
    )
    _, gp = by_key["accepted.gp"].render()
    assert gp.startswith("A copy for Example Surgery, the GP practice of the person referred.")


@pytest.mark.parametrize("persona", ["scheme_lead_a", "link_worker_a", "referrer"])
def test_the_templates_page_is_refused_to_others(client, world, persona):
    signed_in(client, getattr(world, persona))
    assert client.get(reverse("notifications:templates")).status_code == 403


def test_replies_and_failures_show_on_the_case_timeline(client, world):
    referral = helpers.active(world)
    message = sent_message(referral)
    call(client, RECEIPTS, receipt(message, "permanent-failure"))
    call(client, REPLIES, text_from("07700900123", words="Thanks, see you then"))
    signed_in(client, world.link_worker_a)
    body = client.get(reverse("casework:timeline", args=[referral.pk])).content.decode()
    assert "Text message reply from the person" in body
    assert "Not delivered: the number or address does not exist or refused it" in body
    # The words are read on the messages page, not on the timeline.
    assert "see you then" not in body


def test_callbacks_need_no_csrf_token_being_server_to_server(world):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    message = sent_message(helpers.active(world))
    assert call(strict, RECEIPTS, receipt(message, "delivered")).status_code == 200
    assert call(strict, REPLIES, text_from("07700900123")).status_code == 200


@pytest.mark.parametrize("field", ["id", "source_number", "message", "destination_number"])
def test_a_received_text_with_a_nul_character_gets_a_400_naming_the_field(client, world, field):
    body = text_from("07700900123")
    body[field] = body[field] + "\x00"
    response = call(client, REPLIES, body)
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert not InboundMessage.objects.exists()


def test_a_receipt_with_a_nul_character_gets_a_400(client, world):
    message = sent_message(helpers.active(world))
    response = call(client, RECEIPTS, receipt(message, "delivered", reference="x\x00"))
    assert response.status_code == 400
    assert response.json()["field"] == "reference"


def test_a_link_worker_who_chose_email_for_replies_gets_one_without_the_words(
    client, world, django_capture_on_commit_callbacks
):
    AlertSettings.objects.create(user=world.link_worker_a, email_kinds=["person_replied"])
    referral = helpers.active(world)
    with django_capture_on_commit_callbacks(execute=True):
        call(client, REPLIES, text_from("07700900123"))
    told = Message.objects.get(event=Event.PERSON_REPLIED)
    assert told.recipient_address == world.link_worker_a.email
    assert referral.reference in told.subject
    assert "Tuesday" not in told.body
    assert "Ann" not in told.body
    assert any(referral.reference in email.subject for email in mail.outbox)
