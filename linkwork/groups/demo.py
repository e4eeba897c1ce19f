"""Synthetic group sessions for the demo: the demo provider runs a weekly group on its busiest
service, with six past sessions finalised (their attendance on each person's record) and this
week's session waiting to be marked, people booked; the demo link worker's scheme runs a
fortnightly coffee morning with this week's register open. Made up; no one real."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from linkwork.accounts.models import Membership, Role
from linkwork.casework.models import Connection
from linkwork.directory.models import Service, ServiceStatus
from linkwork.groups import actions
from linkwork.groups.actions import BOOKABLE
from linkwork.groups.models import EntryStatus, Group, GroupSession, Recurrence, RegisterEntry

DEMO_EMAILS = "@demo.linkwork.invalid"
PAST_FINALISED = 6


def _first_member(role: Role) -> Membership | None:
    return (
        Membership.objects.filter(role=role, user__email__endswith=DEMO_EMAILS)
        .select_related("user", "organisation", "scheme")
        .order_by("pk")
        .first()
    )


def _busiest(services: Any, connections: Any) -> Service | None:
    """The active service with most people whose connection could be booked."""
    return (
        services.filter(status=ServiceStatus.ACTIVE)
        .annotate(
            bookable=Count(
                "connections", filter=Q(connections__in=connections.filter(status__in=BOOKABLE))
            )
        )
        .filter(bookable__gt=0)
        .order_by("-bookable", "name")
        .first()
    )


def _yesterday_weekday(today: dt.date) -> int:
    return (today - dt.timedelta(days=1)).weekday()


def _book_all(by: Any, session: GroupSession, connections: list[Connection]) -> list[RegisterEntry]:
    return [
        actions.book(by=by, session=session, connection=connection)
        for connection in connections[: session.capacity]
    ]


def seed_groups(*, seed: int = 2026, today: dt.date | None = None) -> dict[str, int]:
    """Load the demo's groups; returns counts of groups, sessions and finalised registers."""
    rng = random.Random(f"groups-{seed}")
    today = today or timezone.localdate()
    counts = {"groups": 0, "finalised": 0, "booked": 0}
    provider = _first_member(Role.PROVIDER)
    if provider is not None:
        counts = _provider_group(rng, provider, today, counts)
    worker = _first_member(Role.LINK_WORKER)
    if worker is not None and worker.scheme is not None:
        counts = _scheme_group(worker, today, counts)
    counts["sessions"] = GroupSession.objects.count()
    return counts


def _provider_group(
    rng: random.Random, member: Membership, today: dt.date, counts: dict[str, int]
) -> dict[str, int]:
    organisation = member.organisation
    services = Service.objects.filter(organization__account_organisation=organisation)
    connections = Connection.objects.filter(service__in=services)
    service = _busiest(services, connections)
    if service is None:
        return counts
    first_on = today - dt.timedelta(weeks=PAST_FINALISED, days=1)
    group = actions.create_group(
        by=member.user,
        name=f"{service.name}: weekly group",
        service=service,
        venue=f"{organisation.name}, community room",
        recurrence=Recurrence.WEEKLY,
        weekday=_yesterday_weekday(today),
        starts_at=dt.time(10, 30),
        first_on=first_on,
        capacity=12,
        organisation=organisation,
        today=first_on,
    )
    actions.make_sessions(group=group, today=today)
    people = list(
        connections.filter(service=service, status__in=BOOKABLE).order_by("requested_at", "pk")
    )
    sessions = list(group.sessions.filter(starts_at__lt=timezone.now()).order_by("starts_at"))
    for session in sessions[:-1]:
        entries = _book_all(member.user, session, people)
        marks: dict[RegisterEntry, EntryStatus | str] = {
            entry: rng.choices(
                [EntryStatus.ATTENDED, EntryStatus.ABSENT, EntryStatus.CANCELLED], [8, 2, 1]
            )[0]
            for entry in entries
        }
        actions.mark(by=member.user, entries=marks)
        actions.finalise(by=member.user, session=session)
        counts["finalised"] += 1
    if sessions:
        # This week's session: everyone booked, the register still to mark.
        counts["booked"] += len(_book_all(member.user, sessions[-1], people))
    counts["groups"] += 1
    return counts


def _scheme_group(member: Membership, today: dt.date, counts: dict[str, int]) -> dict[str, int]:
    scheme = member.scheme
    connections = Connection.objects.filter(referral__scheme=scheme)
    service = _busiest(
        Service.objects.filter(organization__account_organisation__isnull=True), connections
    )
    if service is None or scheme is None:
        return counts
    first_on = today - dt.timedelta(days=1)
    group = actions.create_group(
        by=member.user,
        name="Coffee and chat",
        service=service,
        venue=f"{scheme.name} drop-in room",
        recurrence=Recurrence.FORTNIGHTLY,
        weekday=first_on.weekday(),
        starts_at=dt.time(9, 30),
        first_on=first_on,
        capacity=10,
        scheme=scheme,
        today=first_on,
    )
    people = list(
        connections.filter(service=service, status__in=BOOKABLE).order_by("requested_at", "pk")
    )
    first = group.sessions.order_by("starts_at").first()
    if first is not None:
        counts["booked"] += len(_book_all(member.user, first, people))
    counts["groups"] += 1
    return counts


def loaded() -> bool:
    return Group.objects.exists()
