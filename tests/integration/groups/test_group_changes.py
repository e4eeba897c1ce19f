"""Changing a group's details and closing it: the coming sessions follow a new start time and
places, sessions that have started and finalised registers never change, no session is ever
overbooked, a closed group's empty coming sessions are cancelled and no more are made, and a
change made on an older version of the group is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linkwork.audit.models import AuditEvent
from linkwork.core.concurrency import EditConflict
from linkwork.core.presenters import date_uk
from linkwork.groups import actions
from linkwork.groups.actions import GroupError
from linkwork.groups.models import EntryStatus, Group, GroupSession
from tests.conftest import World, build_world, signed_in
from tests.integration.groups.test_registers import connected, past_session, provider_group

pytestmark = pytest.mark.django_db


def coming(group: Group) -> list[GroupSession]:
    return list(group.sessions.filter(starts_at__gt=timezone.now()).order_by("starts_at"))


def local_time(session: GroupSession) -> dt.time:
    return timezone.localtime(session.starts_at).time()


def test_changing_details_moves_the_coming_sessions_only(world: World):
    group = provider_group(world)
    finalised = past_session(group)
    actions.finalise(by=world.provider, session=finalised)
    started = group.sessions.filter(starts_at__lt=timezone.now()).exclude(pk=finalised.pk)
    started_before = {s.pk: (s.starts_at, s.capacity) for s in started}
    ahead = coming(group)
    cancelled = actions.cancel_session(by=world.provider, session=ahead[-1])

    changed = actions.edit_group(
        by=world.provider,
        group=group,
        name="Thursday Walk and Talk",
        venue="Millbrook Library",
        starts_at=dt.time(14, 0),
        duration_minutes=60,
        capacity=8,
        version="1",
    )

    assert changed == ["name", "venue", "starts_at", "duration_minutes", "capacity"]
    group.refresh_from_db()
    assert (group.name, group.venue, group.starts_at) == (
        "Thursday Walk and Talk",
        "Millbrook Library",
        dt.time(14, 0),
    )
    assert (group.duration_minutes, group.capacity, group.version) == (60, 8, 2)
    assert group.updated_by == world.provider
    for session in ahead[:-1]:
        before = timezone.localtime(session.starts_at).date()
        session.refresh_from_db()
        assert timezone.localtime(session.starts_at).date() == before
        assert (local_time(session), session.capacity) == (dt.time(14, 0), 8)
    cancelled.refresh_from_db()
    assert (local_time(cancelled), cancelled.capacity) == (dt.time(10, 30), 3)
    finalised.refresh_from_db()
    assert (local_time(finalised), finalised.capacity) == (dt.time(10, 30), 3)
    for session in group.sessions.filter(pk__in=started_before):
        assert (session.starts_at, session.capacity) == started_before[session.pk]


def test_a_change_is_audited_by_field_names_only(world: World):
    group = provider_group(world)
    actions.edit_group(by=world.provider, group=group, venue="12 Acacia Avenue", capacity=5)
    event = AuditEvent.objects.get(action="group.changed", object_id=str(group.pk))
    assert event.actor == world.provider
    assert event.detail == {"fields": ["venue", "capacity"], "sessions": len(coming(group))}
    assert "Acacia" not in str(event.detail)


def test_nothing_changed_writes_nothing(world: World):
    group = provider_group(world)
    assert actions.edit_group(by=world.provider, group=group, name=" Walk and Talk ") == []
    group.refresh_from_db()
    assert group.version == 1
    assert not AuditEvent.objects.filter(action="group.changed").exists()


def test_places_below_those_booked_on_a_coming_session_are_refused_naming_it(world: World):
    group = provider_group(world, capacity=3)
    session = coming(group)[1]
    for name in ("Ann", "Bea"):
        actions.book(by=world.provider, session=session, connection=connected(world, group, name))

    with pytest.raises(GroupError) as refused:
        actions.edit_group(by=world.provider, group=group, capacity=1, name="Renamed")

    assert refused.value.field == "capacity"
    assert f"The session on {date_uk(session.starts_at)} has 2 places booked" in str(refused.value)
    group.refresh_from_db()
    session.refresh_from_db()
    assert (group.name, group.capacity, group.version, session.capacity) == (
        "Walk and Talk",
        3,
        1,
        3,
    )
    assert actions.edit_group(by=world.provider, group=group, capacity=2) == ["capacity"]


def test_places_booked_on_a_session_that_has_started_do_not_hold_the_places(world: World):
    group = provider_group(world, capacity=3)
    session = past_session(group)
    for name in ("Ann", "Bea"):
        actions.book(by=world.provider, session=session, connection=connected(world, group, name))
    actions.edit_group(by=world.provider, group=group, capacity=1)
    session.refresh_from_db()
    assert session.capacity == 3
    assert all(later.capacity == 1 for later in coming(group))


def test_a_new_start_time_does_not_make_a_second_session_on_the_same_day(world: World):
    group = provider_group(world)
    today = timezone.localdate()
    zone = timezone.get_current_timezone()
    # Today's session (10:30) has started; the later ones move to 2pm.
    actions.edit_group(
        by=world.provider,
        group=group,
        starts_at=dt.time(14, 0),
        now=dt.datetime.combine(today, dt.time(10, 31), tzinfo=zone),
    )
    group.refresh_from_db()
    actions.make_sessions(group=group, today=today)
    days = [timezone.localtime(s.starts_at).date() for s in group.sessions.all()]
    assert len(days) == len(set(days))
    assert local_time(group.sessions.get(starts_at__date=today)) == dt.time(10, 30)
    assert {local_time(s) for s in group.sessions.filter(starts_at__date__gt=today)} == {
        dt.time(14, 0)
    }


def test_a_change_on_an_older_version_is_refused_naming_who_changed_it(world: World):
    group = provider_group(world)
    actions.edit_group(by=world.provider, group=group, name="First change", version="1")
    with pytest.raises(EditConflict) as conflict:
        actions.edit_group(by=world.provider, group=group, name="Second change", version="1")
    assert "Pat Provider changed this group" in conflict.value.message
    assert conflict.value.current == "2"
    group.refresh_from_db()
    assert group.name == "First change"
    with pytest.raises(EditConflict):
        actions.close_group(by=world.provider, group=group, version="1")
    group.refresh_from_db()
    assert group.active


def test_closing_cancels_the_empty_coming_sessions_and_makes_no_more(world: World):
    group = provider_group(world)
    ahead = coming(group)
    started = list(group.sessions.filter(starts_at__lt=timezone.now()))
    count = group.sessions.count()

    assert actions.close_group(by=world.provider, group=group, version="1") == len(ahead)

    group.refresh_from_db()
    assert not group.active
    assert group.version == 2
    assert all(s.cancelled for s in group.sessions.filter(pk__in=[s.pk for s in ahead]))
    assert not any(s.cancelled for s in group.sessions.filter(pk__in=[s.pk for s in started]))
    assert (
        actions.make_sessions(group=group, today=timezone.localdate() + dt.timedelta(weeks=4)) == 0
    )
    assert group.sessions.count() == count
    event = AuditEvent.objects.get(action="group.closed", object_id=str(group.pk))
    assert event.detail == {"sessions_cancelled": len(ahead)}
    assert AuditEvent.objects.filter(action="group_session.cancelled").count() == len(ahead)
    with pytest.raises(GroupError, match="This group is closed"):
        actions.edit_group(by=world.provider, group=group, name="Again")
    with pytest.raises(GroupError, match="This group is closed"):
        actions.close_group(by=world.provider, group=group)


def test_nobody_new_is_booked_onto_a_closed_groups_sessions(world: World):
    """Its sessions that had started when it closed keep their registers, but take nobody
    new."""
    group = provider_group(world)
    actions.close_group(by=world.provider, group=group)
    started = past_session(group)
    assert not started.cancelled
    with pytest.raises(GroupError, match="This group has closed"):
        actions.book(by=world.provider, session=started, connection=connected(world, group))
    assert not started.entries.exists()


def test_closing_is_refused_while_people_are_booked_on_a_coming_session(world: World):
    group = provider_group(world)
    session = coming(group)[2]
    entry = actions.book(by=world.provider, session=session, connection=connected(world, group))

    with pytest.raises(GroupError) as refused:
        actions.close_group(by=world.provider, group=group)

    assert f"People are booked on 1 coming session, the first on {date_uk(session.starts_at)}" in (
        str(refused.value)
    )
    assert "Cancel their bookings" in str(refused.value)
    group.refresh_from_db()
    assert group.active
    assert not group.sessions.filter(cancelled=True).exists()
    actions.mark(by=world.provider, entries={entry: EntryStatus.CANCELLED})
    assert actions.close_group(by=world.provider, group=group) == len(coming(group))


# --- The pages ---------------------------------------------------------------------------------


def _details(**changes: str) -> dict[str, str]:
    return {
        "name": "Walk and Talk",
        "venue": "Millbrook Park cafe",
        "starts_at": "10:30",
        "duration_minutes": "90",
        "capacity": "3",
        "version": "1",
        **changes,
    }


def test_the_edit_page_is_filled_in_with_the_group_as_it_is(client: Client, world: World):
    group = provider_group(world)
    signed_in(client, world.provider)
    page = client.get(reverse("groups:group", args=[group.pk])).content.decode()
    assert f'href="{reverse("groups:edit", args=[group.pk])}"' in page
    assert f'href="{reverse("groups:close", args=[group.pk])}"' in page
    answer = client.get(reverse("groups:edit", args=[group.pk]))
    assert answer.status_code == 200
    body = answer.content.decode()
    for value in ("Walk and Talk", "Millbrook Park cafe", "10:30", "90", "3"):
        assert f'value="{value}"' in body
    assert 'name="version" value="1"' in body


def test_saving_the_edit_page_changes_the_group_and_returns_to_it(client: Client, world: World):
    group = provider_group(world)
    signed_in(client, world.provider)
    answer = client.post(
        reverse("groups:edit", args=[group.pk]), _details(starts_at="14:00", capacity="6")
    )
    assert answer.status_code == 302
    assert answer["Location"] == reverse("groups:group", args=[group.pk])
    group.refresh_from_db()
    assert (group.starts_at, group.capacity, group.version) == (dt.time(14, 0), 6, 2)
    assert all(session.capacity == 6 for session in coming(group))
    shown = client.get(answer["Location"]).content.decode()
    assert "Group details saved" in shown


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"starts_at": "half two"}, "starts_at", "Enter the start time as hours and minutes"),
        ({"capacity": "0"}, "capacity", "Places at each session must be 1 or more"),
        ({"duration_minutes": ""}, "duration_minutes", "Enter how long each session lasts"),
        ({"name": ""}, "name", "Enter name of the group"),
    ],
)
def test_a_bad_answer_on_the_edit_page_names_the_field(
    client: Client, world: World, changes: dict[str, str], field: str, message: str
):
    group = provider_group(world)
    signed_in(client, world.provider)
    answer = client.post(reverse("groups:edit", args=[group.pk]), _details(**changes))
    assert answer.status_code == 400
    body = answer.content.decode()
    assert message in body
    assert f'href="#id_{field}"' in body
    group.refresh_from_db()
    assert group.version == 1


def test_places_below_those_booked_name_the_session_on_the_page(client: Client, world: World):
    group = provider_group(world)
    session = coming(group)[0]
    for name in ("Ann", "Bea"):
        actions.book(by=world.provider, session=session, connection=connected(world, group, name))
    signed_in(client, world.provider)
    answer = client.post(reverse("groups:edit", args=[group.pk]), _details(capacity="1"))
    assert answer.status_code == 400
    body = answer.content.decode()
    assert f"The session on {date_uk(session.starts_at)} has 2 places booked" in body
    assert 'href="#id_capacity"' in body


def test_a_stale_edit_page_answers_409_with_the_other_change(client: Client, world: World):
    group = provider_group(world)
    actions.edit_group(by=world.provider, group=group, name="Changed meanwhile")
    signed_in(client, world.provider)
    answer = client.post(reverse("groups:edit", args=[group.pk]), _details(capacity="5"))
    assert answer.status_code == 409
    body = answer.content.decode()
    assert "Pat Provider changed this group" in body
    assert 'name="version" value="2"' in body
    assert 'value="5"' in body
    group.refresh_from_db()
    assert (group.name, group.capacity) == ("Changed meanwhile", 3)


def test_closing_through_the_page_shows_the_group_as_closed(client: Client, world: World):
    group = provider_group(world)
    signed_in(client, world.provider)
    url = reverse("groups:close", args=[group.pk])
    assert "Close this group" in client.get(url).content.decode()
    answer = client.post(url, {"version": "1"})
    assert answer.status_code == 302
    assert answer["Location"] == reverse("groups:group", args=[group.pk])
    group.refresh_from_db()
    assert not group.active
    page = client.get(answer["Location"]).content.decode()
    assert "Walk and Talk closed" in page
    assert "This group is closed" in page
    assert reverse("groups:edit", args=[group.pk]) not in page
    listed = client.get(reverse("groups:index")).content.decode()
    assert "Closed groups" in listed
    assert "Walk and Talk" in listed
    refused = client.post(
        reverse("groups:edit", args=[group.pk]), _details(name="Reopened", version="2")
    )
    assert refused.status_code == 400
    assert "This group is closed" in refused.content.decode()


def test_closing_with_people_booked_is_refused_on_the_page(client: Client, world: World):
    group = provider_group(world)
    session = coming(group)[0]
    actions.book(by=world.provider, session=session, connection=connected(world, group))
    signed_in(client, world.provider)
    url = reverse("groups:close", args=[group.pk])
    shown = client.get(url).content.decode()
    assert reverse("groups:session", args=[session.pk]) in shown
    answer = client.post(url, {"version": "1"})
    assert answer.status_code == 400
    assert "Cancel their bookings" in answer.content.decode()
    group.refresh_from_db()
    assert group.active


def test_another_organisations_group_cannot_be_changed_or_closed(client: Client, world: World):
    group = provider_group(world)
    other = build_world()
    for user, status in ((other.provider, 404), (world.link_worker_a, 404), (world.referrer, 403)):
        signed_in(client, user)
        for name in ("groups:edit", "groups:close"):
            url = reverse(name, args=[group.pk])
            assert client.get(url).status_code == status, (user, name)
            assert client.post(url, _details(name="Taken over")).status_code == status
    group.refresh_from_db()
    assert (group.name, group.active, group.version) == ("Walk and Talk", True, 1)
    assert AuditEvent.objects.filter(action="access.denied").count() == 12
