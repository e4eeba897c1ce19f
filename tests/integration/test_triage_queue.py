"""The triage queue shows what a scheme lead needs to decide, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from linkwork.referrals.lifecycle import Status
from tests.conftest import World, signed_in
from tests.factories import PersonFactory, ReferralFactory


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC), tick=False)
def test_triage_queue_shows_person_age_needs_referrer_and_area(client, world: World):
    person = PersonFactory(
        given_name="Rowan",
        family_name="Queue",
        date_of_birth=dt.date(1980, 6, 2),
        postcode="bk3 4qt",
    )
    ReferralFactory(
        scheme=world.scheme_a,
        person=person,
        needs=["loneliness", "money_debt"],
        referring_organisation=world.practice,
        referrer_name="Dr Ada Lee",
    )
    signed_in(client, world.scheme_lead_a)
    body = client.get(reverse("referrals:triage_queue")).content.decode()
    assert "Rowan Queue, 45" in body  # a day short of 46
    assert "Loneliness or isolation, Money or debt" in body
    assert f"GP practice: Dr Ada Lee, {world.practice.name}" in body
    assert "> BK3 <" in " ".join(body.split())
    assert "BK3 4QT" not in body.upper()  # the inward code is never shown
    assert "open referral elsewhere" not in body


@pytest.mark.django_db
def test_triage_queue_marks_a_person_with_an_open_referral_elsewhere(client, world: World):
    known = PersonFactory()
    ReferralFactory(scheme=world.scheme_b, person=known, status=Status.ACTIVE)
    ReferralFactory(scheme=world.scheme_a, person=known)
    ReferralFactory(scheme=world.scheme_a)  # someone new: no badge
    ReferralFactory(
        scheme=world.scheme_a,
        person=PersonFactory(),
        status=Status.CLOSED,
        closure_reason="goals_met",
    )
    signed_in(client, world.scheme_lead_a)
    body = client.get(reverse("referrals:triage_queue")).content.decode()
    assert body.count("Known person: open referral elsewhere") == 1
    assert world.scheme_b.name not in body  # the fact only, never where


@pytest.mark.django_db
def test_triage_queue_queries_do_not_grow_with_referrals(client, world: World):
    signed_in(client, world.scheme_lead_a)
    ReferralFactory(scheme=world.scheme_a, referring_organisation=world.practice)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("referrals:triage_queue"))
    for _ in range(5):
        person = PersonFactory()
        ReferralFactory(scheme=world.scheme_a, person=person, referring_organisation=world.practice)
        ReferralFactory(scheme=world.scheme_b, person=person, status=Status.ACTIVE)
    with CaptureQueriesContext(connection) as six:
        client.get(reverse("referrals:triage_queue"))
    assert len(six.captured_queries) == len(one.captured_queries)


@pytest.mark.django_db
def test_triage_queue_is_paged_fifty_at_a_time_urgent_first(client, world: World):
    from linkwork.referrals.models import Urgency

    ReferralFactory.create_batch(55, scheme=world.scheme_a)
    urgent = ReferralFactory(scheme=world.scheme_a, urgency=Urgency.URGENT)
    signed_in(client, world.scheme_lead_a)
    first = client.get(reverse("referrals:triage_queue")).content.decode()
    assert "56 referrals are waiting" in first
    assert "Page 1 of 2" in first
    assert urgent.reference in first
    second = client.get(reverse("referrals:triage_queue"), {"page": 2}).content.decode()
    assert "Page 2 of 2" in second
    assert urgent.reference not in second
    assert 'page=1"' in second  # a link back to the first page
