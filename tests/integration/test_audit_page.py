"""The audit log page says what happened in words, and what a refusal refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from linkwork.audit.labels import action_words
from linkwork.audit.models import AuditEvent
from tests.conftest import World, signed_in


def _squashed(body: str) -> str:
    return " ".join(body.split())


@pytest.mark.django_db
def test_audit_page_says_which_page_and_record_a_refusal_refused(client, world: World, referral_a):
    signed_in(client, world.link_worker_b)
    url = reverse("referrals:detail", args=[referral_a.pk])
    assert client.get(url).status_code == 404
    signed_in(client, world.admin)
    body = _squashed(
        client.get(reverse("audit:search"), {"action": "access.denied"}).content.decode()
    )
    assert "Access refused" in body
    assert f"Referral <code>{referral_a.pk}</code>" in body
    assert f"Page <code>{url}</code> (referrals:detail) answered 404" in body


@pytest.mark.django_db
def test_audit_page_refused_page_without_a_record(client, world: World):
    signed_in(client, world.link_worker_a)
    client.get(reverse("audit:search"))
    signed_in(client, world.admin)
    body = _squashed(
        client.get(reverse("audit:search"), {"action": "access.denied"}).content.decode()
    )
    assert f"Page <code>{reverse('audit:search')}</code> (audit:search) answered 403" in body


@pytest.mark.django_db
def test_audit_page_shows_actions_as_words(client, world: World, referral_a):
    signed_in(client, world.link_worker_a)
    client.get(reverse("people:detail", args=[referral_a.person_id]))
    signed_in(client, world.admin)
    body = client.get(reverse("audit:search"), {"action": "person.viewed"}).content.decode()
    assert "Person viewed" in body
    assert AuditEvent.objects.filter(action="person.viewed").exists()


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("access.denied", "Access refused"),
        ("person.viewed", "Person viewed"),
        ("case_note.written", "Case note written"),
        ("referral.triage_queue_viewed", "Triage queue viewed"),
        ("logout", "Signed out"),
        ("referral.accepted", "Referral accepted"),
    ],
)
def test_action_words(code, words):
    assert action_words(code) == words
