"""The caseload annotations: missed contacts, follow-ups, connections and measures due."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from linkwork.casework import actions
from linkwork.casework.capacity import annotate_caseload, connection_counts, measures_due
from linkwork.casework.models import Contact
from linkwork.referrals.models import Referral
from tests.conftest import World
from tests.factories import ConnectionFactory, ContactFactory, FollowUpFactory
from tests.unit.capacity_cases import case, days_ago

pytestmark = pytest.mark.django_db


def test_annotate_caseload_matches_missed_in_a_row(world: World):
    today = timezone.localdate()
    patterns = {
        "none": [],
        "all_missed": ["did_not_attend", "cancelled"],
        "attended_last": ["did_not_attend", "attended"],
        "missed_after_attended": ["attended", "did_not_attend", "did_not_attend", "cancelled"],
    }
    referrals = {}
    for name, outcomes in patterns.items():
        referral = case(world)
        for n, outcome in enumerate(outcomes):
            ContactFactory(referral=referral, occurred_at=days_ago(30 - n), outcome=outcome)
        referrals[name] = referral
    found = {
        r.pk: r for r in annotate_caseload(Referral.objects.filter(scheme=world.scheme_a), today)
    }
    for name, referral in referrals.items():
        contacts = Contact.objects.filter(referral=referral).order_by("-occurred_at")
        assert found[referral.pk].missed_in_a_row == actions.missed_in_a_row(contacts), name
    assert found[referrals["none"].pk].last_contact_at is None
    assert found[referrals["missed_after_attended"].pk].missed_in_a_row == 3


def test_annotate_caseload_follow_ups(world: World):
    today = timezone.localdate()
    referral = case(world)
    FollowUpFactory(referral=referral, due_on=today - dt.timedelta(days=2))
    FollowUpFactory(referral=referral, due_on=today - dt.timedelta(days=1))
    FollowUpFactory(referral=referral, due_on=today - dt.timedelta(days=5), done_at=timezone.now())
    FollowUpFactory(referral=referral, due_on=today + dt.timedelta(days=4))
    found = annotate_caseload(Referral.objects.filter(pk=referral.pk), today).get()
    assert found.overdue_follow_ups == 2
    assert found.next_follow_up_on == today - dt.timedelta(days=2)


def test_connection_counts_by_status_and_deadline(world: World):
    today = timezone.localdate()
    referral = case(world)
    ConnectionFactory(referral=referral, status="requested", respond_by=today - dt.timedelta(1))
    ConnectionFactory(referral=referral, status="requested", respond_by=today + dt.timedelta(3))
    ConnectionFactory(referral=referral, status="on_hold", held_from="requested")
    ConnectionFactory(referral=referral, status="rejected", rejection_reason="other")
    counts = connection_counts(Referral.objects.filter(pk=referral.pk), today)[referral.pk]
    assert counts.by_status == {"requested": 2, "on_hold": 1}
    assert counts.past_deadline == 1
    assert counts.earliest_deadline == today - dt.timedelta(1)
    assert connection_counts(Referral.objects.none(), today) == {}


def test_measures_due_follows_the_scheme_schedule(world: World, django_assert_num_queries):
    from linkwork.referrals.models import StatusChange

    referral = case(world)
    StatusChange.objects.create(referral=referral, from_status="accepted", to_status="active")
    # The schedules, measures started and recorded, and the schemes' licence switches.
    with django_assert_num_queries(4):
        due = measures_due([referral], timezone.localdate())
    assert [(m.instrument, m.time_point) for m in due[referral.pk]] == [
        ("swemwbs", "baseline"),
        ("ons4", "baseline"),
    ]
