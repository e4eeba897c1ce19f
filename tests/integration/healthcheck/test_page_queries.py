"""The health check page takes the same number of queries however many records the scheme
has, and shows another scheme's health check to nobody but its own lead and its host's
admins and analysts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from linkwork.accounts.models import Role
from linkwork.audit.models import AuditEvent
from linkwork.healthcheck.actions import add_action, submit_self_assessment
from linkwork.healthcheck.questionnaire import questionnaire
from linkwork.support.models import RequiredCourse, SupervisionSession, TrainingRecord
from tests.conftest import World, at, signed_in
from tests.factories import ConnectionFactory, ContactFactory, MembershipFactory, ReferralFactory

pytestmark = pytest.mark.django_db


def _records(world: World, count: int) -> None:
    for n in range(count):
        referral = ReferralFactory(
            scheme=world.scheme_a,
            received_at=at("2026-04-13"),
            status="active",
            link_worker=world.link_worker_a,
            route="self" if n % 3 == 0 else "gp_practice",
        )
        ContactFactory(referral=referral, occurred_at=at("2026-04-15"))
        ConnectionFactory(referral=referral, created_at=at("2026-04-16"))


def _plan(world: World, count: int) -> None:
    """`count` self-assessments, `count` actions in each of two cells, and `count`
    supervision sessions and training records."""
    answers = {q.id: "developing" for q in questionnaire().questions}
    course, _ = RequiredCourse.objects.get_or_create(scheme=world.scheme_a, name="Safeguarding")
    for n in range(count):
        SupervisionSession.objects.create(
            scheme=world.scheme_a,
            supervisee=world.link_worker_a,
            supervisor=world.scheme_lead_a,
            held_on=dt.date(2026, 4, 1 + n),
            kind="case",
            duration_minutes=45,
            recorded_by=world.scheme_lead_a,
        )
        TrainingRecord.objects.create(
            worker=world.link_worker_a,
            course=course.name,
            provider="Trainer",
            completed_on=dt.date(2025, 1, 1 + n),
        )
        submit_self_assessment(by=world.scheme_lead_a, scheme=world.scheme_a, answers=answers)
        for level, setting in (("organisational", "link_workers"), ("policy", "community")):
            add_action(
                by=world.scheme_lead_a,
                scheme=world.scheme_a,
                level=level,
                setting=setting,
                what=f"Action {n}",
                owner=world.scheme_lead_a,
                due_on=dt.date(2026, 1, 1) if n % 2 else dt.date(2099, 1, 1),
            )


def _queries(client: Any, world: World) -> int:
    url = reverse("healthcheck:scheme", kwargs={"scheme_id": world.scheme_a.pk})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"quarter": "2026-Q2"})
    assert response.status_code == 200
    return len(queries)


def test_the_page_takes_a_fixed_number_of_queries(client, world: World):
    signed_in(client, world.scheme_lead_a)
    _records(world, 1)
    few = _queries(client, world)
    _records(world, 5)
    assert _queries(client, world) == few


# The grid page's queries: the session and the user's grants, the scheme, the measures (the
# support measures ask once a quarter: supervision two queries, training three; continuity,
# services closed and tips shared two each, consent one), the latest
# self-assessment and its answers, the open actions, the audit row, and the header's count
# of unread notifications. Fixed whatever the scheme holds; a change here should be a
# deliberate one.
GRID_QUERIES = 52


def test_the_query_count_does_not_grow_with_assessments_and_actions(client, world: World):
    signed_in(client, world.scheme_lead_a)
    _records(world, 1)
    _plan(world, 1)
    assert _queries(client, world) == GRID_QUERIES
    _records(world, 3)
    _plan(world, 4)
    assert _queries(client, world) == GRID_QUERIES


def test_the_host_analyst_reads_it_and_another_lead_gets_a_404(client, world: World):
    url = reverse("healthcheck:scheme", kwargs={"scheme_id": world.scheme_a.pk})
    signed_in(client, world.analyst)
    assert client.get(url).status_code == 200
    listed = client.get(reverse("healthcheck:index")).content.decode()
    assert world.scheme_a.name in listed
    assert world.scheme_b.name not in listed

    other_lead = world.link_worker_b
    MembershipFactory(
        user=other_lead,
        organisation=world.scheme_b.host,
        scheme=world.scheme_b,
        role=Role.SCHEME_LEAD,
    )
    signed_in(client, other_lead)
    assert client.get(url).status_code == 404
    refused = AuditEvent.objects.get(actor=other_lead, action="access.denied")
    assert refused.detail["page"] == "healthcheck:scheme"
