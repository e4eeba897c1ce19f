"""The demo's health check: both demo schemes have a self-assessment, one with an earlier
submission in its history and answers below best practice; the plans hold an overdue action
and a done one; the scheme lead opens both pages."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from linkwork.accounts.models import Membership, Role, Scheme
from linkwork.healthcheck.action_plan import actions_for
from linkwork.healthcheck.framework import below_best
from linkwork.healthcheck.models import SelfAssessment
from linkwork.healthcheck.self_assessment import latest_ratings
from tests.conftest import seeded_demo_by_module, signed_in


@pytest.fixture(scope="module")
def seeded_demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    with seeded_demo_by_module(django_db_blocker, people=60, seed=11) as printed:
        yield printed


@pytest.fixture
def demo(seeded_demo: str, db: None) -> str:
    return seeded_demo


def test_demo_every_scheme_has_a_self_assessment_covering_every_cell(demo):
    schemes = list(Scheme.objects.order_by("name"))
    assert len(schemes) >= 2
    for scheme in schemes:
        ratings = latest_ratings(scheme)
        assert len(ratings) == 12, scheme.name
        assert any(below_best(cell.rating) for cell in ratings.values()), scheme.name


def test_demo_first_scheme_has_history_and_a_weaker_latest(demo):
    first = Scheme.objects.order_by("name", "pk").first()
    assert first is not None
    assert SelfAssessment.objects.filter(scheme=first).count() == 2
    below = [cell for cell in latest_ratings(first).values() if below_best(cell.rating)]
    assert len(below) >= 6


def test_demo_plan_has_an_overdue_action_and_a_done_one(demo):
    first = Scheme.objects.order_by("name", "pk").first()
    assert first is not None
    found = actions_for(first)
    assert any(action.is_overdue() for action in found)
    assert any(action.status == "done" for action in found)
    assert all(action.changes.exists() for action in found)


def test_demo_seed_again_adds_nothing(demo):
    before = SelfAssessment.objects.count()
    out = io.StringIO()
    call_command("seed_health_check_demo", stdout=out)
    assert "nothing to do" in out.getvalue()
    assert SelfAssessment.objects.count() == before


def test_demo_lead_opens_the_pages(demo, client):
    membership = (
        Membership.objects.filter(role=Role.SCHEME_LEAD).select_related("user", "scheme").first()
    )
    assert membership is not None
    assert membership.scheme is not None
    signed_in(client, membership.user)
    for name in ("self_assessment", "self_assessment_history", "actions"):
        response = client.get(reverse(f"healthcheck:{name}", args=[membership.scheme.pk]))
        assert response.status_code == 200, name
