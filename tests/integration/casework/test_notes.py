"""Case notes: newest first, safeguarding pinned at the top, and only for the scheme team."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from linkwork.audit.models import AuditEvent
from linkwork.casework.models import CaseNote
from tests.conftest import World, signed_in


def notes_url(referral) -> str:  # type: ignore[no-untyped-def]
    return reverse("casework:notes", args=[referral.pk])


def note(referral, by, text: str, days_ago: int, *, safeguarding: bool = False) -> CaseNote:  # type: ignore[no-untyped-def]
    return CaseNote.objects.create(
        referral=referral,
        text=text,
        safeguarding=safeguarding,
        written_by=by,
        written_at=timezone.now() - dt.timedelta(days=days_ago),
    )


@pytest.mark.django_db
def test_notes_newest_first_with_safeguarding_pinned(client, world: World, referral_a):
    note(referral_a, world.link_worker_a, "Oldest note about the allotment.", 9)
    note(
        referral_a, world.link_worker_a, "Raised a concern about a neighbour.", 8, safeguarding=True
    )
    note(referral_a, world.scheme_lead_a, "Newest note after supervision.", 1)
    signed_in(client, world.link_worker_a)
    response = client.get(notes_url(referral_a))
    body = response.content.decode()
    assert response.status_code == 200
    pinned = body.index("Raised a concern about a neighbour.")
    assert body.index("Safeguarding concerns") < pinned
    assert pinned < body.index("Newest note after supervision.")
    assert body.index("Newest note after supervision.") < body.index(
        "Oldest note about the allotment."
    )
    assert AuditEvent.objects.filter(action="notes.viewed", object_id=str(referral_a.pk)).exists()


@pytest.mark.django_db
def test_note_added(client, world: World, referral_a):
    signed_in(client, world.link_worker_a)
    response = client.post(
        notes_url(referral_a), {"note-text": "  Phoned the food bank for her.  "}
    )
    assert response.status_code == 302
    saved = CaseNote.objects.get()
    assert (saved.text, saved.safeguarding, saved.written_by) == (
        "Phoned the food bank for her.",
        False,
        world.link_worker_a,
    )
    assert AuditEvent.objects.filter(action="case_note.written", object_id=str(saved.pk)).exists()
    assert "Phoned the food bank for her." in client.get(notes_url(referral_a)).content.decode()


@pytest.mark.django_db
def test_safeguarding_note_shown_on_the_plan(client, world: World, referral_a):
    signed_in(client, world.link_worker_a)
    client.post(
        notes_url(referral_a),
        {"note-text": "Said her son takes her pension.", "note-safeguarding": "on"},
    )
    assert CaseNote.objects.get().safeguarding is True
    plan = client.get(reverse("casework:plan", args=[referral_a.pk])).content.decode()
    assert "Said her son takes her pension." in plan


@pytest.mark.django_db
def test_empty_note_refused_and_named(client, world: World, referral_a):
    signed_in(client, world.link_worker_a)
    response = client.post(notes_url(referral_a), {"note-text": "   ", "note-safeguarding": "on"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Enter the note" in body
    assert 'href="#id_note-text"' in body
    assert 'id="id_note-text"' in body
    assert not CaseNote.objects.exists()


@pytest.mark.django_db
def test_overlong_note_refused(client, world: World, referral_a):
    signed_in(client, world.link_worker_a)
    response = client.post(notes_url(referral_a), {"note-text": "x" * 10001})
    assert response.status_code == 400
    assert "The note must be 10,000 characters or fewer" in response.content.decode()
    assert not CaseNote.objects.exists()


@pytest.mark.django_db
def test_scheme_lead_reads_and_writes_notes(client, world: World, referral_a):
    signed_in(client, world.scheme_lead_a)
    assert client.get(notes_url(referral_a)).status_code == 200
    assert client.post(notes_url(referral_a), {"note-text": "Supervision."}).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "status"),
    # Another scheme's link worker: 404. Roles that do no casework: 403 (the gate's rule).
    [
        ("link_worker_b", 404),
        ("referrer", 403),
        ("provider", 403),
        ("analyst", 403),
        ("curator", 403),
        ("admin", 403),
    ],
)
def test_notes_hidden_outside_the_scheme_team(client, world: World, referral_a, persona, status):
    referral_a.referring_organisation = world.practice
    referral_a.save()
    note(referral_a, world.link_worker_a, "Private note.", 1)
    signed_in(client, getattr(world, persona))
    response = client.get(notes_url(referral_a))
    assert response.status_code == status
    assert "Private note." not in response.content.decode()
    denied = AuditEvent.objects.filter(action="access.denied", actor=getattr(world, persona))
    assert denied.exists()
    assert not AuditEvent.objects.filter(action="notes.viewed").exists()


@pytest.mark.django_db
def test_platform_admin_is_staff_and_still_refused(client, world: World, referral_a):
    assert world.admin.is_staff
    signed_in(client, world.admin)
    assert client.post(notes_url(referral_a), {"note-text": "Admin note."}).status_code == 403
    assert not CaseNote.objects.exists()
    assert AuditEvent.objects.filter(action="access.denied", actor=world.admin).exists()


@pytest.mark.django_db
def test_provider_cannot_add_notes(client, world: World, referral_a):
    signed_in(client, world.provider)
    assert client.post(notes_url(referral_a), {"note-text": "Provider note."}).status_code == 403
    assert not CaseNote.objects.exists()
    assert AuditEvent.objects.filter(action="access.denied", actor=world.provider).exists()
