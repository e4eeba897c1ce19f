"""The scheme lead's capacity page with the waiting list, and assigning or reassigning a
referral, with the over-limit warning the lead must confirm."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from linkwork.accounts.models import Role, User
from linkwork.audit.models import AuditEvent
from linkwork.referrals.models import Referral
from tests.conftest import World, signed_in
from tests.factories import MembershipFactory, PersonFactory, ReferralFactory, UserFactory

pytestmark = pytest.mark.django_db
CAPACITY = reverse("casework:capacity")


def link_worker(world: World, name: str, scheme=None) -> User:  # type: ignore[no-untyped-def]
    scheme = scheme or world.scheme_a
    user = UserFactory(full_name=name, totp=True)
    MembershipFactory(user=user, organisation=scheme.host, scheme=scheme, role=Role.LINK_WORKER)
    return user


def case(world: World, given: str, **fields: object) -> Referral:
    fields.setdefault("status", "active")
    fields.setdefault("scheme", world.scheme_a)
    return ReferralFactory(person=PersonFactory(given_name=given, family_name="Test"), **fields)


def waiting(world: World, given: str, days: int) -> Referral:
    return case(
        world,
        given,
        status="accepted",
        link_worker=None,
        waiting_since=timezone.now() - dt.timedelta(days=days),
    )


def test_capacity_shows_each_link_workers_load_and_status(client, world: World):
    world.scheme_a.active_caseload_limit = 4
    world.scheme_a.save()
    busy = link_worker(world, "Busy Bee")
    for complexity in ("very_complex", "complex", "standard"):
        case(world, "Busy", link_worker=busy, complexity=complexity)
    case(world, "Lina", link_worker=world.link_worker_a)
    case(world, "Old", link_worker=world.link_worker_a, status="closed", closure_reason="moved")
    body = signed_in(client, world.scheme_lead_a).get(CAPACITY).content.decode()
    assert "Link workers in Scheme A" in body
    assert "4.5 of 4" in body
    assert "Over limit" in body
    assert "Lina Worker" in body
    assert "1 of 4" in body
    assert "2 of 250" in body
    assert "Has room" in body
    assert "1 link worker is near or over a limit" in body
    assert "Scheme B" not in body
    assert AuditEvent.objects.filter(action="capacity.viewed", actor=world.scheme_lead_a).exists()


def test_capacity_lists_the_waiting_list_oldest_first(client, world: World):
    newer = waiting(world, "Newer", 2)
    older = waiting(world, "Older", 10)
    case(world, "Assigned", status="accepted", link_worker=world.link_worker_a)
    case(world, "Other", status="accepted", link_worker=None, scheme=world.scheme_b)
    body = signed_in(client, world.scheme_lead_a).get(CAPACITY).content.decode()
    assert body.index("Older Test") < body.index("Newer Test")
    assert "10 days" in body
    assert "2 people are waiting" in body
    assert reverse("casework:assign", args=[older.pk]) in body
    assert reverse("casework:assign", args=[newer.pk]) in body
    assert "Assigned Test" not in body
    assert "Other Test" not in body


@pytest.mark.parametrize("persona", ["link_worker_a", "provider", "referrer", "analyst", "admin"])
def test_capacity_is_403_and_audited_for_all_but_scheme_leads(client, world: World, persona):
    response = signed_in(client, getattr(world, persona)).get(CAPACITY)
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="access.denied", path=CAPACITY).exists()


def test_capacity_query_count_constant_in_number_of_link_workers(client, world: World):
    signed_in(client, world.scheme_lead_a)
    waiting(world, "Wait", 3)
    client.get(CAPACITY)
    with CaptureQueriesContext(connection) as few:
        client.get(CAPACITY)
    for n in range(12):
        worker = link_worker(world, f"Worker {n}")
        case(world, f"Case{n}", link_worker=worker, complexity="complex")
        waiting(world, f"Wait{n}", n)
    with CaptureQueriesContext(connection) as many:
        response = client.get(CAPACITY)
    assert "Worker 11" in response.content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)


# Assigning


def assign_url(referral: Referral) -> str:
    return reverse("casework:assign", args=[referral.pk])


def test_assign_from_the_waiting_list(client, world: World):
    referral = waiting(world, "Wait", 5)
    signed_in(client, world.scheme_lead_a)
    page = client.get(assign_url(referral))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Wait Test" in body
    assert "On the waiting list: number 1" in body
    assert "Lina Worker" in body
    assert "Has room: 0 of 60 weighted at once" in body
    response = client.post(
        assign_url(referral), {"link_worker": world.link_worker_a.pk, "complexity": "complex"}
    )
    assert response.status_code == 302
    assert response.url == CAPACITY
    referral.refresh_from_db()
    assert (referral.link_worker, referral.complexity, referral.waiting_since) == (
        world.link_worker_a,
        "complex",
        None,
    )
    event = AuditEvent.objects.get(action="referral.assigned")
    assert event.detail["from"] is None
    assert event.detail["to"] == world.link_worker_a.pk
    assert "assigned to Lina Worker" in client.get(CAPACITY).content.decode()


def test_reassign_records_from_and_to(client, world: World):
    other = link_worker(world, "Other Worker")
    referral = case(world, "Ann", link_worker=world.link_worker_a)
    signed_in(client, world.scheme_lead_a)
    assert "Reassign a link worker" in client.get(assign_url(referral)).content.decode()
    client.post(assign_url(referral), {"link_worker": other.pk, "complexity": "standard"})
    referral.refresh_from_db()
    assert referral.link_worker == other
    event = AuditEvent.objects.get(action="referral.assigned")
    assert (event.detail["from"], event.detail["to"]) == (world.link_worker_a.pk, other.pk)
    assert event.object_id == str(referral.pk)
    assert event.scheme_id == world.scheme_a.pk


def test_assign_over_the_limit_needs_assign_anyway(client, world: World):
    world.scheme_a.active_caseload_limit = 2
    world.scheme_a.save()
    case(world, "Heavy", link_worker=world.link_worker_a, complexity="complex")
    referral = waiting(world, "Wait", 1)
    signed_in(client, world.scheme_lead_a)
    data = {"link_worker": world.link_worker_a.pk, "complexity": "standard"}
    response = client.post(assign_url(referral), data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "This goes over a caseload limit" in body
    assert "This would give Lina Worker 2.5 active against a limit of 2 at once." in body
    assert "Tick “Assign anyway” to give this person to Lina Worker over the limit" in body
    assert 'href="#id_assign_anyway"' in body
    assert f'name="warned_for" value="{world.link_worker_a.pk}"' in body
    referral.refresh_from_db()
    assert referral.link_worker is None
    response = client.post(
        assign_url(referral),
        {**data, "assign_anyway": "on", "warned_for": world.link_worker_a.pk},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.link_worker == world.link_worker_a
    assert AuditEvent.objects.get(action="referral.assigned").detail["over_limit"] is True


def test_assign_anyway_only_counts_for_the_link_worker_warned_about(client, world: World):
    world.scheme_a.active_caseload_limit = 1
    world.scheme_a.save()
    other = link_worker(world, "Other Worker")
    case(world, "Full", link_worker=other)
    referral = waiting(world, "Wait", 1)
    signed_in(client, world.scheme_lead_a)
    response = client.post(
        assign_url(referral),
        {
            "link_worker": other.pk,
            "complexity": "standard",
            "assign_anyway": "on",
            "warned_for": world.link_worker_a.pk,
        },
    )
    assert response.status_code == 400
    assert "This would give Other Worker 2 active" in response.content.decode()
    referral.refresh_from_db()
    assert referral.link_worker is None


def test_assign_errors_name_the_fields(client, world: World):
    elsewhere = link_worker(world, "Elsewhere", scheme=world.scheme_b)
    referral = waiting(world, "Wait", 1)
    signed_in(client, world.scheme_lead_a)
    response = client.post(assign_url(referral), {"link_worker": elsewhere.pk, "complexity": "x"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Select a link worker of this scheme" in body
    assert "Select how complex the person&#39;s needs are" in body
    response = client.post(assign_url(referral), {})
    assert "Select the link worker who will support this person" in response.content.decode()
    referral.refresh_from_db()
    assert referral.link_worker is None


def test_assign_closed_referral_is_refused_with_a_message(client, world: World):
    referral = case(world, "Done", status="closed", closure_reason="goals_met")
    signed_in(client, world.scheme_lead_a)
    assert "only a referral that is accepted, active or on hold" in (
        client.get(assign_url(referral)).content.decode()
    )
    response = client.post(
        assign_url(referral), {"link_worker": world.link_worker_a.pk, "complexity": "standard"}
    )
    assert response.status_code == 409
    referral.refresh_from_db()
    assert referral.link_worker is None


@pytest.mark.parametrize("persona", ["link_worker_a", "link_worker_b", "provider", "referrer"])
def test_assign_is_403_and_audited_for_all_but_the_schemes_leads(client, world: World, persona):
    referral = waiting(world, "Wait", 1)
    signed_in(client, getattr(world, persona))
    url = assign_url(referral)
    assert client.get(url).status_code == 403
    response = client.post(url, {"link_worker": world.link_worker_a.pk, "complexity": "standard"})
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="access.denied", path=url).count() == 2
    referral.refresh_from_db()
    assert referral.link_worker is None


def test_assign_is_404_for_a_lead_of_another_scheme(client, world: World):
    lead_b = UserFactory(totp=True)
    MembershipFactory(
        user=lead_b, organisation=world.scheme_b.host, scheme=world.scheme_b, role=Role.SCHEME_LEAD
    )
    referral = waiting(world, "Wait", 1)
    assert signed_in(client, lead_b).get(assign_url(referral)).status_code == 404


def test_assign_page_is_audited(client, world: World):
    referral = waiting(world, "Wait", 1)
    signed_in(client, world.scheme_lead_a).get(assign_url(referral))
    event = AuditEvent.objects.get(action="referral.assignment_viewed")
    assert event.object_id == str(referral.pk)
    assert event.detail == {}


def test_capacity_pages_link_workers_and_finds_them_by_status_or_name(client, world: World):
    world.scheme_a.active_caseload_limit = 2
    world.scheme_a.save()
    for n in range(55):
        link_worker(world, f"Extra Worker {n:02d}")
    full = link_worker(world, "Zed Full")
    case(world, "One", link_worker=full)
    case(world, "Two", link_worker=full)
    signed_in(client, world.scheme_lead_a)
    body = client.get(CAPACITY).content.decode()
    assert "Page 1 of 2 (57 link workers)" in body
    assert "Zed Full" not in body  # on page 2, by name
    assert f"page-{world.scheme_a.pk}=2" in body
    second = client.get(CAPACITY, {f"page-{world.scheme_a.pk}": 2}).content.decode()
    assert "Zed Full" in second
    over = client.get(CAPACITY, {"status": "at_limit"}).content.decode()
    assert "Zed Full" in over
    assert "Extra Worker 00" not in over
    named = client.get(CAPACITY, {"name": "worker 54"}).content.decode()
    assert "Extra Worker 54" in named
    assert "Extra Worker 53" not in named
    assert "Page 1 of" not in named


def test_capacity_queries_do_not_grow_with_link_workers(client, world: World):
    signed_in(client, world.scheme_lead_a)
    link_worker(world, "First")
    with CaptureQueriesContext(connection) as few:
        client.get(CAPACITY)
    for n in range(30):
        link_worker(world, f"More {n}")
    with CaptureQueriesContext(connection) as many:
        client.get(CAPACITY)
    assert len(many.captured_queries) == len(few.captured_queries)
