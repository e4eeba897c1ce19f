"""Group sessions: sessions made ahead once, booking up to the places of a session, marking
the register, and finalising it, which writes one attendance to each person's record exactly
once, however often and however many at once (issue 19, item 4)."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection as db_connection
from django.db import connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linkwork.audit.models import AuditEvent
from linkwork.casework.lifecycle import ConnectionStatus
from linkwork.casework.models import Attendance, Connection
from linkwork.groups import actions
from linkwork.groups.actions import GroupError
from linkwork.groups.models import EntryStatus, Group, GroupSession, RegisterEntry
from linkwork.groups.tasks import make_sessions_ahead
from tests.conftest import World, build_world, signed_in
from tests.factories import (
    ConnectionFactory,
    DirectoryOrganizationFactory,
    PersonFactory,
    ReferralFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db

TWO_WEEKS_AGO = 14


def provider_group(world: World, *, capacity: int = 3) -> Group:
    """A weekly group of the provider's organisation that started two weeks ago."""
    listing = DirectoryOrganizationFactory(account_organisation=world.provider_org)
    service = ServiceFactory(organization=listing, name="Tuesday Walk and Talk")
    first = timezone.localdate() - dt.timedelta(days=TWO_WEEKS_AGO)
    return actions.create_group(
        by=world.provider,
        name="Walk and Talk",
        service=service,
        venue="Millbrook Park cafe",
        recurrence="weekly",
        weekday=first.weekday(),
        starts_at=dt.time(10, 30),
        first_on=first,
        capacity=capacity,
        organisation=world.provider_org,
        today=first,
    )


def connected(world: World, group: Group, given: str = "Ann") -> Connection:
    referral = ReferralFactory(
        scheme=world.scheme_a,
        link_worker=world.link_worker_a,
        status="active",
        person=PersonFactory(given_name=given, family_name="Example"),
    )
    return ConnectionFactory(
        referral=referral,
        service=group.service,
        status=ConnectionStatus.ACCEPTED,
        created_by=world.link_worker_a,
    )


def past_session(group: Group) -> GroupSession:
    return group.sessions.filter(starts_at__lt=timezone.now()).order_by("starts_at").first()


def test_sessions_are_made_ahead_once_however_often_asked(world: World):
    group = provider_group(world)
    made = group.sessions.count()
    # Two weeks behind and eight ahead of the first session's day.
    assert made == 9
    assert actions.make_sessions(group=group) == 2  # today's run adds the next two weeks
    assert actions.make_sessions(group=group) == 0
    assert group.sessions.count() == made + 2
    assert set(group.sessions.values_list("capacity", flat=True)) == {3}


def test_finalising_writes_one_attendance_per_person_exactly_once(world: World):
    group = provider_group(world)
    session = past_session(group)
    came, missed, cancelled = (connected(world, group, name) for name in ("Ann", "Bea", "Cy"))
    entries = {
        c: actions.book(by=world.provider, session=session, connection=c)
        for c in (came, missed, cancelled)
    }
    actions.mark(
        by=world.provider,
        entries={
            entries[came]: EntryStatus.ATTENDED,
            entries[missed]: EntryStatus.ABSENT,
            entries[cancelled]: EntryStatus.CANCELLED,
        },
    )

    assert actions.finalise(by=world.provider, session=session) == (2, 0)
    assert actions.finalise(by=world.provider, session=session) == (0, 0)

    day = timezone.localtime(session.starts_at).date()
    written = Attendance.objects.filter(connection__in=[came, missed, cancelled])
    assert sorted((a.connection_id, a.session_on, a.attended) for a in written) == sorted(
        [(came.pk, day, True), (missed.pk, day, False)]
    )
    assert RegisterEntry.objects.get(pk=entries[came].pk).attendance is not None
    assert RegisterEntry.objects.get(pk=entries[cancelled].pk).attendance is None
    # Attending the first session starts the person with the service.
    came.refresh_from_db()
    assert came.status == ConnectionStatus.IN_PROGRESS
    assert (
        AuditEvent.objects.filter(action="register.finalised", object_id=str(session.pk)).count()
        == 1
    )
    assert AuditEvent.objects.filter(action="attendance.recorded").count() == 2


def test_finalised_register_cannot_change(world: World):
    group = provider_group(world)
    session = past_session(group)
    entry = actions.book(by=world.provider, session=session, connection=connected(world, group))
    actions.mark(by=world.provider, entries={entry: EntryStatus.ATTENDED})
    actions.finalise(by=world.provider, session=session)
    with pytest.raises(GroupError, match="finalised"):
        actions.mark(by=world.provider, entries={entry: EntryStatus.ABSENT})
    with pytest.raises(GroupError, match="finalised"):
        actions.book(by=world.provider, session=session, connection=connected(world, group, "Di"))


def test_finalising_waits_until_everyone_is_marked(world: World):
    group = provider_group(world)
    session = past_session(group)
    actions.book(by=world.provider, session=session, connection=connected(world, group))
    with pytest.raises(GroupError, match="1 person is still only booked"):
        actions.finalise(by=world.provider, session=session)
    session.refresh_from_db()
    assert session.finalised_at is None
    assert not Attendance.objects.exists()


def test_a_session_to_come_cannot_be_finalised(world: World):
    group = provider_group(world)
    coming = group.sessions.filter(starts_at__gt=timezone.now()).first()
    with pytest.raises(GroupError, match="once the session has started"):
        actions.finalise(by=world.provider, session=coming)


def test_booking_stops_at_the_session_capacity_and_names_the_field(world: World):
    group = provider_group(world, capacity=2)
    session = past_session(group)
    first, second, third = (connected(world, group, name) for name in ("Ann", "Bea", "Cy"))
    actions.book(by=world.provider, session=session, connection=first)
    actions.book(by=world.provider, session=session, connection=second)
    with pytest.raises(GroupError, match="This session is full: all 2 places") as refused:
        actions.book(by=world.provider, session=session, connection=third)
    assert refused.value.field == "connection"
    assert session.entries.count() == 2


def test_a_cancelled_booking_frees_its_place(world: World):
    group = provider_group(world, capacity=1)
    session = past_session(group)
    first, second = connected(world, group, "Ann"), connected(world, group, "Bea")
    entry = actions.book(by=world.provider, session=session, connection=first)
    actions.mark(by=world.provider, entries={entry: EntryStatus.CANCELLED})
    actions.book(by=world.provider, session=session, connection=second)
    # Booking the first person again would take a second place.
    with pytest.raises(GroupError, match="full"):
        actions.mark(by=world.provider, entries={entry: EntryStatus.BOOKED})


def test_only_people_connected_to_the_service_can_be_booked(world: World):
    group = provider_group(world)
    session = past_session(group)
    elsewhere = ConnectionFactory(status=ConnectionStatus.ACCEPTED)
    requested = connected(world, group)
    Connection.objects.filter(pk=requested.pk).update(status=ConnectionStatus.REQUESTED)
    requested.refresh_from_db()
    with pytest.raises(GroupError, match="connected to this group's service"):
        actions.book(by=world.provider, session=session, connection=elsewhere)
    with pytest.raises(GroupError, match="accepted or started"):
        actions.book(by=world.provider, session=session, connection=requested)


# --- The pages -------------------------------------------------------------------------------


def test_provider_books_marks_and_finalises_through_the_pages(client: Client, world: World):
    group = provider_group(world, capacity=1)
    session = past_session(group)
    first, second = connected(world, group, "Ann"), connected(world, group, "Bea")
    signed_in(client, world.provider)
    url = reverse("groups:session", args=[session.pk])

    assert client.post(url, {"form": "book", "connection": str(first.pk)}).status_code == 302
    full = client.post(url, {"form": "book", "connection": str(second.pk)})
    assert full.status_code == 400
    page = full.content.decode()
    assert "This session is full: all 1 places are booked" in page
    assert 'href="#id_connection"' in page

    entry = RegisterEntry.objects.get(session=session)
    marked = client.post(url, {"form": "mark", f"entry-{entry.pk}": "attended"})
    assert marked.status_code == 302
    assert client.post(url, {"form": "finalise"}).status_code == 302
    again = client.post(url, {"form": "finalise"})
    assert again.status_code == 302
    assert Attendance.objects.filter(connection=first).count() == 1

    shown = client.get(url).content.decode()
    assert "The register can no longer be changed" in shown
    assert 'name="form" value="mark"' not in shown
    late = client.post(url, {"form": "mark", f"entry-{entry.pk}": "absent"})
    assert late.status_code == 400
    assert "can no longer be changed" in late.content.decode()
    assert Attendance.objects.get(connection=first).attended is True


def test_a_provider_sees_a_name_only_when_it_was_shared(client: Client, world: World):
    group = provider_group(world)
    session = past_session(group)
    actions.book(by=world.provider, session=session, connection=connected(world, group, "Zelda"))
    page = signed_in(client, world.provider).get(reverse("groups:session", args=[session.pk]))
    assert "Zelda" not in page.content.decode()
    assert "Referral " in page.content.decode()
    assert AuditEvent.objects.filter(action="register.viewed", object_id=str(session.pk)).exists()


def test_another_providers_group_and_session_are_not_found(client: Client, world: World):
    group = provider_group(world)
    session = past_session(group)
    other = build_world()  # another provider organisation, another scheme
    for user in (other.provider, world.link_worker_a):
        signed_in(client, user)
        for url in (
            reverse("groups:group", args=[group.pk]),
            reverse("groups:session", args=[session.pk]),
        ):
            assert client.get(url).status_code == 404
        session_url = reverse("groups:session", args=[session.pk])
        assert client.post(session_url, {"form": "finalise"}).status_code == 404
        assert group.name not in client.get(reverse("groups:index")).content.decode()
    session.refresh_from_db()
    assert session.finalised_at is None
    signed_in(client, world.referrer)
    assert client.get(reverse("groups:index")).status_code == 403


def test_a_schemes_group_is_run_by_its_link_workers(client: Client, world: World):
    service = ServiceFactory(name="Scheme A coffee morning")
    first = timezone.localdate() - dt.timedelta(days=7)
    group = actions.create_group(
        by=world.scheme_lead_a,
        name="Coffee morning",
        service=service,
        venue="Scheme A office",
        recurrence="fortnightly",
        weekday=first.weekday(),
        starts_at=dt.time(9, 0),
        first_on=first,
        capacity=8,
        scheme=world.scheme_a,
        today=first,
    )
    session = past_session(group)
    person = connected(world, group, "Ffion")
    signed_in(client, world.link_worker_a)
    page = client.get(reverse("groups:session", args=[session.pk])).content.decode()
    assert "Ffion Example" in page
    booked = client.post(
        reverse("groups:session", args=[session.pk]), {"form": "book", "connection": str(person.pk)}
    )
    assert booked.status_code == 302
    signed_in(client, world.link_worker_b)
    assert client.get(reverse("groups:session", args=[session.pk])).status_code == 404
    signed_in(client, world.provider)
    assert client.get(reverse("groups:group", args=[group.pk])).status_code == 404


def test_booking_someone_the_user_cannot_reach_names_the_field(client: Client, world: World):
    group = provider_group(world)
    session = past_session(group)
    stranger = ConnectionFactory(service=group.service, status=ConnectionStatus.DRAFT)
    signed_in(client, world.provider)
    answer = client.post(
        reverse("groups:session", args=[session.pk]),
        {"form": "book", "connection": str(stranger.pk)},
    )
    assert answer.status_code == 400
    assert "Select one of the people listed" in answer.content.decode()
    assert not RegisterEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    db_connection.vendor != "postgresql", reason="SQLite's test database is one in-memory file"
)
def test_two_finalising_at_the_same_moment_write_each_attendance_once():
    """Two real transactions at once on PostgreSQL: the session's row lock makes them take
    turns; the second finds the register finalised and writes nothing."""
    world = build_world()
    group = provider_group(world)
    session = past_session(group)
    people = [connected(world, group, name) for name in ("Ann", "Bea")]
    for person in people:
        entry = actions.book(by=world.provider, session=session, connection=person)
        actions.mark(by=world.provider, entries={entry: EntryStatus.ATTENDED})
    start = threading.Barrier(2)
    results: list[tuple[int, int]] = []

    def finalise() -> None:
        try:
            start.wait()
            results.append(actions.finalise(by=world.provider, session=session))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=finalise) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [(0, 0), (2, 0)]
    assert Attendance.objects.filter(connection__in=people).count() == 2


def test_the_daily_job_makes_the_coming_sessions_of_active_groups(world: World):
    group = provider_group(world)
    stopped = provider_group(world)
    Group.objects.filter(pk=stopped.pk).update(active=False)
    assert make_sessions_ahead.call() == 2
    assert group.sessions.count() == 11
    assert stopped.sessions.count() == 9


def test_the_header_shows_groups_to_those_who_run_them(client: Client, world: World):
    for user, shown in (
        (world.provider, True),
        (world.link_worker_a, True),
        (world.scheme_lead_a, True),
        (world.referrer, False),
        (world.analyst, False),
    ):
        body = signed_in(client, user).get(reverse("web:home")).content.decode()
        assert ('href="/groups/"' in body) is shown, user


def _group_form(world: World, service: Any, **changes: str) -> dict[str, str]:
    first = timezone.localdate() - dt.timedelta(days=7)
    return {
        "name": "Walk and Talk",
        "runner": f"organisation:{world.provider_org.pk}",
        "service": str(service.pk),
        "venue": "Millbrook Park cafe",
        "recurrence": "weekly",
        "weekday": str(first.weekday()),
        "starts_at": "10:30",
        "first_on[day]": str(first.day),
        "first_on[month]": str(first.month),
        "first_on[year]": str(first.year),
        "capacity": "12",
        **changes,
    }


def test_a_provider_starts_a_group_with_its_sessions_since_the_first(client: Client, world: World):
    listing = DirectoryOrganizationFactory(account_organisation=world.provider_org)
    service = ServiceFactory(organization=listing)
    signed_in(client, world.provider)
    answer = client.post(reverse("groups:new"), _group_form(world, service))
    group = Group.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == reverse("groups:group", args=[group.pk])
    assert (group.organisation, group.scheme, group.capacity) == (world.provider_org, None, 12)
    days = [timezone.localtime(s.starts_at).date() for s in group.sessions.order_by("starts_at")]
    first = timezone.localdate() - dt.timedelta(days=7)
    # Last week's, this week's and eight ahead.
    assert days == [first + dt.timedelta(weeks=week) for week in range(10)]
    assert AuditEvent.objects.filter(action="group.created", object_id=str(group.pk)).exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"starts_at": "half ten"}, "Enter the start time as hours and minutes, like 10:30"),
        ({"capacity": "0"}, "Places at each session must be 1 or more"),
        ({"name": ""}, "Enter name of the group"),
        ({"first_on[year]": "2020"}, "The first session must be within the last 12 weeks"),
        ({"runner": "scheme:999999"}, "Select one of the choices"),
    ],
)
def test_starting_a_group_with_a_bad_answer_names_the_field(
    client: Client, world: World, changes: dict[str, str], message: str
):
    listing = DirectoryOrganizationFactory(account_organisation=world.provider_org)
    service = ServiceFactory(organization=listing)
    signed_in(client, world.provider)
    answer = client.post(reverse("groups:new"), _group_form(world, service, **changes))
    assert answer.status_code == 400
    assert message in answer.content.decode()
    assert not Group.objects.exists()


def test_a_provider_cannot_start_a_group_on_another_organisations_service(
    client: Client, world: World
):
    elsewhere = ServiceFactory()
    signed_in(client, world.provider)
    answer = client.post(reverse("groups:new"), _group_form(world, elsewhere))
    assert answer.status_code == 400
    assert "Select one of the choices" in answer.content.decode() or (
        "Select a service that the group's runner may use" in answer.content.decode()
    )
    assert not Group.objects.exists()


def test_a_cancelled_session_takes_no_bookings_and_is_never_finalised(client: Client, world: World):
    group = provider_group(world)
    coming = group.sessions.filter(starts_at__gt=timezone.now()).first()
    person = connected(world, group)
    signed_in(client, world.provider)
    url = reverse("groups:session", args=[coming.pk])
    assert client.post(url, {"form": "cancel"}).status_code == 302
    coming.refresh_from_db()
    assert coming.cancelled
    refused = client.post(url, {"form": "book", "connection": str(person.pk)})
    assert refused.status_code == 400
    assert "This session is cancelled" in refused.content.decode()
    with pytest.raises(GroupError, match="cancelled"):
        actions.finalise(by=world.provider, session=coming)
    assert not RegisterEntry.objects.exists()
    assert AuditEvent.objects.filter(action="group_session.cancelled").count() == 1
