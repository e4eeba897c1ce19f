"""The link worker's caseload: what is on it, what is due, the order, the quick filters, the
load summary, who may see it, and a query count that does not grow with the caseload."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from linkwork.accounts.models import Role
from linkwork.audit.models import AuditEvent
from linkwork.casework.models import Connection, Contact, FollowUp
from linkwork.people.models import Person
from linkwork.referrals.models import Referral
from tests.conftest import World, signed_in
from tests.factories import (
    ConnectionFactory,
    ContactFactory,
    FollowUpFactory,
    MembershipFactory,
    PersonFactory,
    ReferralFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db
URL = reverse("casework:caseload")


def days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def case(world: World, given: str, **fields: object) -> Referral:
    fields.setdefault("status", "active")
    fields.setdefault("link_worker", world.link_worker_a)
    fields.setdefault("scheme", world.scheme_a)
    return ReferralFactory(person=PersonFactory(given_name=given, family_name="Test"), **fields)


def body_of(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def test_caseload_lists_only_the_link_workers_open_referrals(client, world: World):
    for status in ("accepted", "active", "on_hold"):
        case(world, f"Open-{status}", status=status)
    case(world, "Closed", status="closed", closure_reason="goals_met")
    case(world, "Received", status="received")
    case(world, "Colleague", link_worker=world.scheme_lead_a)
    case(world, "Elsewhere", scheme=world.scheme_b, link_worker=world.link_worker_b)
    body = body_of(signed_in(client, world.link_worker_a).get(URL))
    for status in ("accepted", "active", "on_hold"):
        assert f"Open-{status} Test" in body
    for absent in ("Closed Test", "Received Test", "Colleague Test", "Elsewhere Test"):
        assert absent not in body
    assert '<th scope="col">Link worker</th>' not in body


def test_caseload_shows_contact_follow_up_and_connections(client, world: World):
    referral = case(world, "Ann", received_at=days_ago(12), complexity="complex")
    ContactFactory(referral=referral, occurred_at=timezone.make_aware(dt.datetime(2026, 3, 4, 10)))
    ContactFactory(referral=referral, occurred_at=timezone.make_aware(dt.datetime(2026, 2, 1, 10)))
    today = timezone.localdate()
    FollowUpFactory(referral=referral, due_on=today + dt.timedelta(days=9))
    FollowUpFactory(referral=referral, due_on=today + dt.timedelta(days=3))
    FollowUpFactory(referral=referral, due_on=today - dt.timedelta(days=1), done_at=timezone.now())
    ConnectionFactory(referral=referral, status="requested", respond_by=today)
    ConnectionFactory(referral=referral, status="on_hold", held_from="accepted")
    ConnectionFactory(referral=referral, status="completed")
    body = body_of(signed_in(client, world.link_worker_a).get(URL))
    assert reverse("referrals:detail", args=[referral.pk]) in body
    assert referral.reference in body
    assert "Complex" in body
    assert "12 days ago" in body
    assert "4 March 2026" in body
    assert f"{(today + dt.timedelta(days=3)).day} " in body
    assert "1 requested, 1 on hold" in body
    assert "1 connection on hold: service paused" in body
    assert reverse("casework:connections", args=[referral.pk]) in body
    assert "find another service" in body
    assert "overdue" not in body.split("<tbody")[1]


def test_caseload_puts_overdue_first_then_earliest_due_then_oldest(client, world: World):
    today = timezone.localdate()
    calm = case(world, "Calm", received_at=days_ago(40))
    soon = case(world, "Soon", received_at=days_ago(5))
    FollowUpFactory(referral=soon, due_on=today + dt.timedelta(days=2))
    later = case(world, "Later", received_at=days_ago(50))
    FollowUpFactory(referral=later, due_on=today + dt.timedelta(days=20))
    late = case(world, "Late", received_at=days_ago(1))
    FollowUpFactory(referral=late, due_on=today - dt.timedelta(days=3))
    newer_calm = case(world, "Newer", received_at=days_ago(2))
    body = body_of(signed_in(client, world.link_worker_a).get(URL))
    order = [
        body.index(f"{r.person.given_name} Test") for r in (late, soon, later, calm, newer_calm)
    ]
    assert order == sorted(order)
    assert "1 follow-up overdue" in body
    assert "1 with something overdue (shown first)" in body


def test_caseload_flags_provider_deadlines_and_missed_contacts(client, world: World):
    today = timezone.localdate()
    late = case(world, "Late")
    ConnectionFactory(referral=late, status="requested", respond_by=today - dt.timedelta(days=1))
    ConnectionFactory(referral=late, status="accepted", respond_by=today - dt.timedelta(days=9))
    missing = case(world, "Missing")
    ContactFactory(referral=missing, occurred_at=days_ago(30), outcome="attended")
    for days in (20, 10, 5):
        ContactFactory(referral=missing, occurred_at=days_ago(days), outcome="did_not_attend")
    almost = case(world, "Almost")
    ContactFactory(referral=almost, occurred_at=days_ago(9), outcome="did_not_attend")
    ContactFactory(referral=almost, occurred_at=days_ago(8), outcome="attended")
    for days in (3, 2):
        ContactFactory(referral=almost, occurred_at=days_ago(days), outcome="cancelled")
    body = body_of(signed_in(client, world.link_worker_a).get(URL))
    assert body.count("1 connection past the provider&#39;s deadline") == 1
    assert "3 missed contacts in a row" in body
    assert reverse("casework:contacts", args=[missing.pk]) in body
    assert "review or close" in body
    assert "2 missed contacts in a row" not in body


def test_caseload_quick_filters(client, world: World):
    today = timezone.localdate()
    due = case(world, "Due", status="active", complexity="very_complex")
    FollowUpFactory(referral=due, due_on=today - dt.timedelta(days=1))
    case(world, "Waiting", status="accepted")
    case(world, "Paused", status="on_hold", complexity="complex")
    signed_in(client, world.link_worker_a)

    def names(**params: str) -> set[str]:
        body = body_of(client.get(URL, params))
        return {name for name in ("Due", "Waiting", "Paused") if f"{name} Test" in body}

    assert names() == {"Due", "Waiting", "Paused"}
    assert names(status="accepted") == {"Waiting"}
    assert names(due="1") == {"Due"}
    assert names(complexity="complex") == {"Paused"}
    assert names(status="active", complexity="complex") == set()
    assert "No one matches these filters." in body_of(
        client.get(URL, {"status": "on_hold", "due": "1"})
    )


def test_caseload_bad_filter_is_400_naming_the_field(client, world: World):
    case(world, "Ann")
    response = signed_in(client, world.link_worker_a).get(URL, {"status": "closed"})
    body = body_of(response)
    assert response.status_code == 400
    assert "There is a problem" in body
    assert "Select a status from the list" in body
    assert "Ann Test" in body


def test_caseload_view_is_audited_without_personal_data(client, world: World):
    referral = case(world, "Ann")
    signed_in(client, world.link_worker_a).get(URL, {"status": "active"})
    event = AuditEvent.objects.get(action="caseload.viewed")
    assert event.actor == world.link_worker_a
    assert event.detail == {"people": 1, "filters": {"status": "active"}}
    assert "Ann" not in str(event.detail)
    assert referral.reference not in str(event.detail)


def test_caseload_scheme_lead_sees_schemes_open_referrals_with_link_worker(client, world: World):
    case(world, "Ann")
    case(world, "Wait", status="accepted", link_worker=None)
    case(world, "Other", scheme=world.scheme_b, link_worker=world.link_worker_b)
    response = signed_in(client, world.scheme_lead_a).get(URL)
    body = body_of(response)
    assert response.status_code == 200
    assert '<th scope="col">Link worker</th>' in body
    assert "Ann Test" in body
    assert "Lina Worker" in body
    assert "Wait Test" in body
    assert "Waiting list" in body
    assert "Other Test" not in body
    assert "Your load" not in body


def test_caseload_link_worker_in_two_schemes_sees_both(client, world: World):
    MembershipFactory(
        user=world.link_worker_a,
        organisation=world.scheme_b.host,
        scheme=world.scheme_b,
        role=Role.LINK_WORKER,
    )
    case(world, "Ann")
    case(world, "Bea", scheme=world.scheme_b)
    body = body_of(signed_in(client, world.link_worker_a).get(URL))
    assert "Ann Test" in body
    assert "Bea Test" in body
    assert "Your load in Scheme A" in body
    assert "Your load in Scheme B" in body


@pytest.mark.parametrize("persona", ["provider", "referrer", "analyst", "admin", "curator"])
def test_caseload_is_403_and_audited_for_others(client, world: World, persona: str):
    response = signed_in(client, getattr(world, persona)).get(URL)
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="access.denied", path=URL).exists()


def test_caseload_warns_when_near_the_limit(client, world: World):
    world.scheme_a.active_caseload_limit = 4
    world.scheme_a.save()
    for n in range(2):
        case(world, f"Person{n}", complexity="very_complex")
    body = body_of(signed_in(client, world.link_worker_a).get(URL))
    assert "You are at your caseload limit" in body
    assert "4 of 4 at once" in body
    world.scheme_a.active_caseload_limit = 40
    world.scheme_a.save()
    body = body_of(client.get(URL))
    assert "caseload limit" not in body
    assert "4 of 40 at once" in body
    assert "Has room" in body


def test_caseload_warns_when_over_the_yearly_limit(client, world: World):
    world.scheme_a.yearly_caseload_limit = 2
    world.scheme_a.save()
    for n in range(3):
        case(world, f"Person{n}", status="closed", closure_reason="goals_met")
    body = body_of(signed_in(client, world.link_worker_a).get(URL))
    assert "You are over your caseload limit" in body
    assert "3 of 2 people this year" in body


def fill_caseload(world: World, count: int) -> None:
    """`count` open referrals for link worker A, each with contacts, connections and
    follow-ups, inserted in bulk."""
    today = timezone.localdate()
    service = ServiceFactory()
    people = Person.objects.bulk_create(
        [PersonFactory.build(given_name=f"Bulk{n}") for n in range(count)]
    )
    referrals = Referral.objects.bulk_create(
        [
            ReferralFactory.build(
                person=person,
                scheme=world.scheme_a,
                link_worker=world.link_worker_a,
                status=("active", "accepted", "on_hold")[n % 3],
                complexity=("standard", "complex", "very_complex")[n % 3],
                received_at=days_ago(n % 90),
            )
            for n, person in enumerate(people)
        ]
    )
    Contact.objects.bulk_create(
        [
            ContactFactory.build(
                referral=referral,
                recorded_by=world.link_worker_a,
                occurred_at=days_ago(k * 7 + n % 5),
                outcome=("attended", "did_not_attend", "did_not_attend", "cancelled")[k],
            )
            for n, referral in enumerate(referrals)
            for k in range(4)
        ]
    )
    Connection.objects.bulk_create(
        [
            ConnectionFactory.build(
                referral=referral,
                service=service,
                created_by=world.link_worker_a,
                status=status,
                respond_by=today - dt.timedelta(days=n % 3 - 1),
                held_from="accepted" if status == "on_hold" else "",
            )
            for n, referral in enumerate(referrals)
            for status in ("requested", "on_hold", "completed")
        ]
    )
    FollowUp.objects.bulk_create(
        [
            FollowUpFactory.build(referral=referral, due_on=today + dt.timedelta(days=n % 7 - 3))
            for n, referral in enumerate(referrals)
            for _ in range(2)
        ]
    )


def test_caseload_query_count_same_for_5_and_500(client, world: World):
    signed_in(client, world.link_worker_a)
    fill_caseload(world, 5)
    client.get(URL)  # the session and two-factor state settle on the first request
    with CaptureQueriesContext(connection) as few:
        response = client.get(URL)
    assert response.status_code == 200
    assert body_of(response).count("<tr>") == 1 + 5
    fill_caseload(world, 495)
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL)
    # 50 a page: the page counts all 500 and shows the first 50.
    assert body_of(response).count("<tr>") == 1 + 50
    assert "500 people" in body_of(response)
    assert len(many.captured_queries) == len(few.captured_queries), [
        q["sql"][:120] for q in many.captured_queries
    ]
    last = client.get(URL, {"page": 10})
    assert body_of(last).count("<tr>") == 1 + 50
    assert "Page 10 of 10" in body_of(last)


def test_caseload_query_count_same_for_scheme_lead(client, world: World):
    signed_in(client, world.scheme_lead_a)
    fill_caseload(world, 3)
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    fill_caseload(world, 30)
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL)
    assert body_of(response).count("<tr>") == 1 + 33
    assert len(many.captured_queries) == len(few.captured_queries)


def test_caseload_shows_outcome_measures_due_with_a_link_to_record(client, world: World):
    from linkwork.referrals.models import StatusChange

    started = case(world, "Mo")
    StatusChange.objects.create(
        referral=started, from_status="accepted", to_status="active", changed_at=days_ago(20)
    )
    signed_in(client, world.link_worker_a)
    page = body_of(client.get(URL))
    assert "(baseline) overdue" in page
    record = reverse("outcomes:record", args=[started.pk, "swemwbs"]) + "?time_point=baseline"
    assert record in page
