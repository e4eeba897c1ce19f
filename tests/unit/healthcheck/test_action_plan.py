"""The action plan keeps its history: every change is an immutable row naming who, when and
what changed; `actions_for` filters by cell; an owner must work in the scheme."""

from __future__ import annotations

import datetime as dt

import pytest

from linkwork.audit.models import AuditEvent
from linkwork.healthcheck.action_plan import actions_for
from linkwork.healthcheck.actions import (
    HealthCheckError,
    add_action,
    change_status,
    edit_action,
)
from linkwork.healthcheck.models import Action, ActionChange
from tests.conftest import World

DUE = dt.date(2030, 6, 30)


def _add(world: World, **extra):  # type: ignore[no-untyped-def]
    values = {
        "level": "organisational",
        "setting": "link_workers",
        "what": "Monthly group supervision",
        "owner": world.link_worker_a,
        "due_on": DUE,
    }
    values.update(extra)
    return add_action(by=world.scheme_lead_a, scheme=world.scheme_a, **values)


@pytest.mark.django_db
def test_add_action_writes_history_and_audit(world: World):
    action = _add(world)
    (change,) = ActionChange.objects.filter(action=action)
    assert change.created
    assert change.changed_by == world.scheme_lead_a
    assert change.fields["status"] == [None, "planned"]
    assert change.fields["owner"] == [None, world.link_worker_a.pk]
    event = AuditEvent.objects.get(action="healthcheck.action_added")
    assert (event.actor, event.object_id, event.scheme_id) == (
        world.scheme_lead_a,
        str(action.pk),
        world.scheme_a.pk,
    )


@pytest.mark.django_db
def test_edit_and_status_changes_each_add_a_row(world: World):
    action = _add(world)
    changed = edit_action(
        by=world.scheme_lead_a,
        action=action,
        level="organisational",
        setting="link_workers",
        what="Fortnightly group supervision",
        owner=world.scheme_lead_a,
        due_on=DUE,
    )
    assert changed == ["owner", "what"]
    assert change_status(by=world.scheme_lead_a, action=action, status="done")
    assert not change_status(by=world.scheme_lead_a, action=action, status="done")
    rows = list(ActionChange.objects.filter(action=action))
    assert len(rows) == 3
    assert rows[1].fields == {
        "what": ["Monthly group supervision", "Fortnightly group supervision"],
        "owner": [world.link_worker_a.pk, world.scheme_lead_a.pk],
    }
    assert rows[2].fields == {"status": ["planned", "done"]}
    action.refresh_from_db()
    assert (action.status, action.what) == ("done", "Fortnightly group supervision")
    assert AuditEvent.objects.filter(action="healthcheck.action_status_changed").count() == 1


@pytest.mark.django_db
def test_owner_from_another_scheme_refused_naming_the_field(world: World):
    with pytest.raises(HealthCheckError) as caught:
        _add(world, owner=world.link_worker_b)
    assert caught.value.field == "owner"
    assert not Action.objects.exists()
    assert not ActionChange.objects.exists()


@pytest.mark.django_db
def test_unknown_status_refused_naming_the_field(world: World):
    action = _add(world)
    with pytest.raises(HealthCheckError) as caught:
        change_status(by=world.scheme_lead_a, action=action, status="forgotten")
    assert caught.value.field == "status"
    assert ActionChange.objects.filter(action=action).count() == 1


@pytest.mark.django_db
def test_actions_for_filters_by_cell_and_scheme(world: World):
    first = _add(world, due_on=dt.date(2030, 1, 1))
    second = _add(world, level="policy", setting="community", due_on=dt.date(2029, 1, 1))
    assert actions_for(world.scheme_a) == [second, first]
    assert actions_for(world.scheme_a, level="policy") == [second]
    assert actions_for(world.scheme_a, level="organisational", setting="link_workers") == [first]
    assert actions_for(world.scheme_b) == []


@pytest.mark.django_db
def test_overdue_only_while_open(world: World):
    action = _add(world, due_on=dt.date(2020, 1, 1))
    assert action.is_overdue(dt.date(2026, 1, 1))
    assert not action.is_overdue(dt.date(2019, 12, 31))
    change_status(by=world.scheme_lead_a, action=action, status="done")
    assert not action.is_overdue(dt.date(2026, 1, 1))
