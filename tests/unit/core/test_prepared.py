"""A prepared query answers as its queryset does, for any value, and follows the data."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from linkwork.accounts import permissions
from linkwork.accounts.models import Membership, Role
from linkwork.core.prepared import STAND_IN, Prepared
from linkwork.notifications import centre
from linkwork.notifications.models import Alert, AlertKind


def _memberships(user_id: int) -> Any:
    return Membership.objects.filter(user_id=user_id, organisation__is_active=True).values_list(
        "role", "organisation_id", "scheme_id", "organisation__kind"
    )


@pytest.mark.django_db
def test_rows_and_counts_are_the_querysets(world: Any) -> None:
    rows = Prepared(_memberships)
    count = Prepared(lambda user_id: Membership.objects.filter(user_id=user_id), count=True)
    for user in (world.link_worker_a, world.scheme_lead_a, world.admin, world.provider):
        assert sorted(rows.rows(user.pk)) == sorted(_memberships(user.pk))
        assert count.count(user.pk) == Membership.objects.filter(user_id=user.pk).count() > 0
    assert rows.rows(STAND_IN + 1) == []
    assert count.count(0) == 0


@pytest.mark.django_db
def test_a_role_given_or_taken_counts_on_the_next_request(world: Any) -> None:
    user = type(world.referrer).objects.get(pk=world.referrer.pk)
    assert not permissions.has_role(user, Role.CURATOR)
    Membership.objects.create(user=user, organisation=world.practice, role=Role.CURATOR)
    fresh = type(user).objects.get(pk=user.pk)
    assert permissions.has_role(fresh, Role.CURATOR)
    world.practice.is_active = False
    world.practice.save()
    assert permissions.grants(type(user).objects.get(pk=user.pk)) == ()


@pytest.mark.django_db
def test_unread_count_counts_the_users_own_unread_alerts(world: Any) -> None:
    user, other = world.link_worker_a, world.link_worker_b
    assert centre.unread_count(user) == 0
    centre.tell([user, other], AlertKind.OVERDUE, "LW-1 is overdue", "/a/", key="one")
    centre.tell([user], AlertKind.OVERDUE, "LW-2 is overdue", "/b/", key="two")
    assert centre.unread_count(user) == 2
    assert centre.unread_count(other) == 1
    Alert.objects.filter(recipient=user, key="one").update(read_at=timezone.now())
    assert centre.unread_count(user) == 1
    user.is_active = False
    assert centre.unread_count(user) == 0


def test_a_query_must_use_its_value_once() -> None:
    with pytest.raises(ValueError, match="exactly once"):
        Prepared(lambda user_id: Membership.objects.all()).rows(1)
    with pytest.raises(ValueError, match="exactly once"):
        Prepared(
            lambda user_id: Membership.objects.filter(user_id=user_id, scheme_id=user_id)
        ).rows(1)
