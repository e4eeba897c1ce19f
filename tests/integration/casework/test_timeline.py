"""One referral's timeline: contacts, notes, connections and their status changes, outcome
measures, safety flags and messages, newest first, filtered by kind, for the scheme's staff,
in a constant number of queries."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from linkwork.audit.models import AuditEvent
from linkwork.casework.actions import book_appointment, cancel_appointment
from linkwork.casework.models import CaseNote, ConnectionStatusChange, Mode
from linkwork.notifications.models import Message
from linkwork.outcomes import get_instrument
from linkwork.outcomes.actions import record_measure
from linkwork.outcomes.models import SafetyFlag
from tests.conftest import World, signed_in
from tests.factories import ConnectionFactory, ContactFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def fill(world: World, referral, n: int = 1) -> None:  # type: ignore[no-untyped-def]
    """`n` of each kind of entry, the oldest first: contact, note, connection, measure with a
    flag, message."""
    for i in range(n):
        base = 50 - 10 * i
        ContactFactory(
            referral=referral,
            occurred_at=ago(base),
            recorded_by=world.link_worker_a,
            note=f"Talked about walking {i}",
        )
        CaseNote.objects.create(
            referral=referral,
            text=f"Prefers mornings {i}",
            written_by=world.link_worker_a,
            written_at=ago(base - 1),
        )
        found = ConnectionFactory(
            referral=referral,
            service=ServiceFactory(name=f"Walking Group {i}"),
            created_by=world.link_worker_a,
        )
        ConnectionStatusChange.objects.create(
            connection=found,
            to_status="requested",
            changed_by=world.link_worker_a,
            changed_at=ago(base - 2),
        )
        # Question 9, thoughts of self-harm, answered "more than half the days".
        responses = [0] * len(get_instrument("phq9").items)
        responses[8] = 2
        measure = record_measure(
            by=world.link_worker_a,
            referral=referral,
            instrument="phq9",
            time_point="baseline",
            responses={"items": responses},
        )
        type(measure).objects.filter(pk=measure.pk).update(recorded_at=ago(base - 3))
        SafetyFlag.objects.filter(measure=measure).update(raised_at=ago(base - 3))
        Message.objects.create(
            referral=referral,
            audience="referrer",
            event="accepted",
            channel="email",
            recipient_address="gp@example.org",
            subject="Referral accepted",
            body="Accepted.",
            status="sent",
            created_at=ago(base - 4),
            sent_at=ago(base - 4),
        )


URL = "casework:timeline"


def test_timeline_lists_every_kind_newest_first_with_uk_dates(client, world, referral_a):
    fill(world, referral_a)
    signed_in(client, world.link_worker_a)
    body = client.get(reverse(URL, args=[referral_a.pk])).content.decode()
    order = [
        body.index(text)
        for text in (
            "Referral accepted: email to the referrer",
            "Safety flag raised: thoughts of self-harm",
            "Walking Group 0: requested",
            "Prefers mornings 0",
            "Talked about walking 0",
        )
    ]
    assert order == sorted(order)
    assert "thoughts of self-harm" in body
    assert "<ol " in body
    contact_day = ago(50)
    assert f"{timezone.localtime(contact_day).day} {timezone.localtime(contact_day):%B %Y}" in body
    assert '<time datetime="' in body


def test_timeline_filters_by_kind(client, world, referral_a):
    fill(world, referral_a)
    signed_in(client, world.link_worker_a)
    body = client.get(
        reverse(URL, args=[referral_a.pk]), {"kind": ["contact", "flag"]}
    ).content.decode()
    assert "Talked about walking 0" in body
    assert "Safety flag raised: thoughts of self-harm" in body
    assert "Prefers mornings 0" not in body
    assert "Walking Group 0" not in body
    assert "Referral accepted: email" not in body
    assert re.search(r'value="contact"[^>]*checked', body)
    assert not re.search(r'value="note"[^>]*checked', body)


def test_timeline_safeguarding_note_is_a_flag(client, world, referral_a):
    CaseNote.objects.create(
        referral=referral_a,
        text="Concern at home",
        safeguarding=True,
        written_by=world.link_worker_a,
    )
    signed_in(client, world.link_worker_a)
    flags = client.get(reverse(URL, args=[referral_a.pk]), {"kind": "flag"}).content.decode()
    notes = client.get(reverse(URL, args=[referral_a.pk]), {"kind": "note"}).content.decode()
    assert "Safeguarding concern recorded" in flags
    assert "Safeguarding concern recorded" not in notes


def test_timeline_unknown_kind_is_ignored(client, world, referral_a):
    fill(world, referral_a)
    signed_in(client, world.link_worker_a)
    response = client.get(reverse(URL, args=[referral_a.pk]), {"kind": "<script>"})
    assert response.status_code == 200
    assert "Talked about walking 0" in response.content.decode()


def test_timeline_query_count_does_not_grow(client, world, referral_a):
    signed_in(client, world.link_worker_a)
    fill(world, referral_a, 1)
    client.get(reverse(URL, args=[referral_a.pk]))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse(URL, args=[referral_a.pk]))
    fill(world, referral_a, 4)
    with CaptureQueriesContext(connection) as many:
        body = client.get(reverse(URL, args=[referral_a.pk])).content.decode()
    assert "Talked about walking 3" in body
    assert len(many.captured_queries) == len(few.captured_queries), [
        q["sql"][:100] for q in many.captured_queries
    ]


def test_timeline_is_audited_with_kinds_only(client, world, referral_a):
    fill(world, referral_a)
    signed_in(client, world.scheme_lead_a)
    client.get(reverse(URL, args=[referral_a.pk]), {"kind": "note"})
    event = AuditEvent.objects.get(action="timeline.viewed")
    assert event.object_id == str(referral_a.pk)
    assert event.detail == {"kinds": ["note"]}


def test_timeline_refused_to_referrer_and_other_scheme(client, world, referral_a):
    signed_in(client, world.referrer)
    assert client.get(reverse(URL, args=[referral_a.pk])).status_code == 403
    signed_in(client, world.link_worker_b)
    assert client.get(reverse(URL, args=[referral_a.pk])).status_code == 404


def test_referral_page_links_to_timeline(client, world, referral_a):
    signed_in(client, world.link_worker_a)
    body = client.get(reverse("referrals:detail", args=[referral_a.pk])).content.decode()
    assert reverse(URL, args=[referral_a.pk]) in body


def test_timeline_shows_each_flag_and_how_it_was_handled(client, world, referral_a):
    from linkwork.outcomes import actions as outcome_actions

    fill(world, referral_a)
    flag = SafetyFlag.objects.get()
    signed_in(client, world.link_worker_a)
    body = client.get(reverse(URL, args=[referral_a.pk]), {"kind": "flag"}).content.decode()
    assert "Still open: not yet recorded as handled." in body
    assert reverse("outcomes:flag", args=[referral_a.pk, flag.pk]) in body
    outcome_actions.record_flag_handled(
        by=world.link_worker_a, flag=flag, action_taken="Phoned her; she has a crisis plan."
    )
    body = client.get(reverse(URL, args=[referral_a.pk]), {"kind": "flag"}).content.decode()
    assert "Safety flag handled: thoughts of self-harm" in body
    assert "Phoned her; she has a crisis plan." in body
    assert "Still open" not in body


def test_timeline_shows_appointments_booked_and_cancelled(client, world, referral_a):
    """A booked appointment is on the timeline from when it was booked, linked to its page;
    a cancelled one also when it was cancelled. One that happened shows as its contact."""
    booked = book_appointment(
        by=world.link_worker_a,
        referral=referral_a,
        starts_at=timezone.now() + dt.timedelta(days=3),
        duration_minutes=30,
        mode=Mode.PHONE,
    )
    dropped = book_appointment(
        by=world.link_worker_a,
        referral=referral_a,
        starts_at=timezone.now() + dt.timedelta(days=5),
        duration_minutes=45,
        mode=Mode.IN_PERSON,
        place="Library",
    )
    cancel_appointment(by=world.link_worker_a, appointment=dropped)
    signed_in(client, world.link_worker_a)
    body = client.get(reverse(URL, args=[referral_a.pk]), {"kind": "appointment"}).content.decode()
    assert body.count("Appointment booked: ") == 2
    assert body.count("Appointment cancelled: in person, ") == 1
    assert "Appointment booked: phone, " in body
    assert reverse("casework:appointment", args=[referral_a.pk, booked.pk]) in body
    assert "Library" not in body, "the place is read on the appointment's own page"
    assert re.search(r'value="appointment"[^>]*checked', body)
    contacts_only = client.get(reverse(URL, args=[referral_a.pk]), {"kind": "contact"})
    assert "Appointment booked" not in contacts_only.content.decode()
