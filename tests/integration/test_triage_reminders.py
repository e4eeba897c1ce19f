"""Referrals not triaged within the scheme's working days are flagged and the lead reminded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from linkwork.referrals.tasks import overdue_for_triage, remind_overdue_triage
from tests.conftest import World, signed_in
from tests.factories import ReferralFactory


@pytest.mark.django_db
def test_overdue_referrals_flagged_and_lead_reminded(client, world: World):
    today = timezone.localdate()
    late = ReferralFactory(scheme=world.scheme_a, triage_due=today - dt.timedelta(days=1))
    on_time = ReferralFactory(scheme=world.scheme_a, triage_due=today + dt.timedelta(days=1))
    done = ReferralFactory(
        scheme=world.scheme_a,
        triage_due=today - dt.timedelta(days=3),
        status="declined",
        decline_reason="duplicate",
    )
    assert overdue_for_triage() == [late]

    assert remind_overdue_triage.call() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [world.scheme_lead_a.email]
    body = mail.outbox[0].body
    assert late.reference in body
    assert on_time.reference not in body
    assert done.reference not in body
    assert late.person.family_name not in body

    signed_in(client, world.scheme_lead_a)
    page = client.get(reverse("referrals:triage_queue")).content.decode()
    assert "Overdue" in page


@pytest.mark.django_db
def test_no_email_when_nothing_overdue(world: World):
    assert remind_overdue_triage.call() == 0
    assert mail.outbox == []
