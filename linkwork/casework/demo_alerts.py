"""The demo's notifications: each link worker and scheme lead of the demo schemes has a few,
the newest unread and the older ones read, about their own cases as the demo has them (a case
assigned, a provider's answer, a safety flag, a measure due, a follow-up or an answer
overdue). Casework seeds them, on the floor that knows referrals, connections and outcomes.

Each alert names a referral by its reference, never the person, as the real ones do."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import Any

from django.urls import reverse

from linkwork.accounts.models import Membership, Role
from linkwork.casework.lifecycle import ConnectionStatus
from linkwork.casework.models import Connection, FollowUp
from linkwork.notifications.models import Alert, AlertKind
from linkwork.outcomes.models import FlagKind, SafetyFlag
from linkwork.outcomes.schedules import due_measures
from linkwork.referrals.lifecycle import Status
from linkwork.referrals.models import Referral

OPEN = [Status.ACCEPTED, Status.ACTIVE, Status.ON_HOLD]
# The newest this many of each user's alerts are unread.
UNREAD = 3


def seed_alerts(*, rng: random.Random, now: dt.datetime) -> int:
    """Write each demo link worker's and scheme lead's notifications; return how many."""
    today = now.date()
    members = Membership._default_manager.filter(
        role__in=[Role.LINK_WORKER, Role.SCHEME_LEAD],
        scheme__isnull=False,
        user__is_active=True,
    ).select_related("user")
    planned: dict[Any, list[tuple[AlertKind, str, str, Any]]] = defaultdict(list)
    users: dict[Any, Any] = {}
    open_referrals = list(
        Referral._default_manager.filter(status__in=OPEN, link_worker__isnull=False)
        .select_related("scheme")
        .order_by("-received_at")
    )
    by_worker: dict[Any, list[Referral]] = defaultdict(list)
    for referral in open_referrals:
        by_worker[referral.link_worker_id].append(referral)
    due = due_measures(open_referrals, today=today)
    for membership in members:
        user = membership.user
        users[user.pk] = user
        if membership.role == Role.LINK_WORKER:
            planned[user.pk] += _link_worker_alerts(user.pk, by_worker[user.pk], due, today)
        else:
            planned[user.pk] += _lead_alerts(membership.scheme_id, today)
    alerts: list[Alert] = []
    for user_id, items in planned.items():
        seen: set[tuple[str, str]] = set()
        # Spread over the last fortnight, newest first.
        ages = sorted(rng.uniform(0.2, 14 * 24) for _ in items)
        for (kind, text, link, referral), hours in zip(items, ages, strict=True):
            if (kind, text) in seen:
                continue
            seen.add((kind, text))
            created = now - dt.timedelta(hours=hours)
            # At least one read and one unread for anyone with two or more.
            unread = len(seen) <= max(1, min(UNREAD, len(items) - 1))
            alerts.append(
                Alert(
                    recipient=users[user_id],
                    kind=kind,
                    text=text[:200],
                    link=link,
                    referral=referral,
                    created_at=created,
                    read_at=None if unread else created + dt.timedelta(hours=rng.uniform(1, 20)),
                )
            )
    Alert.objects.bulk_create(alerts, batch_size=500)
    return len(alerts)


def _ended_cases(worker_id: Any) -> list[Referral]:
    """A link worker with no open case was still assigned their past ones."""
    return list(
        Referral._default_manager.filter(link_worker_id=worker_id).order_by("-received_at")[:2]
    )


def _link_worker_alerts(
    worker_id: Any, referrals: list[Referral], due: dict[Any, Any], today: dt.date
) -> list[tuple[AlertKind, str, str, Any]]:
    found: list[tuple[AlertKind, str, str, Any]] = []
    for referral in (referrals or _ended_cases(worker_id))[:2]:
        found.append(
            (
                AlertKind.CASE_ASSIGNED,
                f"Referral {referral.reference} is assigned to you",
                reverse("referrals:detail", args=[referral.pk]),
                referral,
            )
        )
    ids = [referral.pk for referral in referrals]
    for connection in (
        Connection._default_manager.filter(
            referral_id__in=ids,
            status__in=[ConnectionStatus.ACCEPTED, ConnectionStatus.REJECTED],
            responded_at__isnull=False,
        )
        .select_related("service", "referral")
        .order_by("-responded_at")[:2]
    ):
        reference, service = connection.referral.reference, connection.service.name
        if connection.status == ConnectionStatus.REJECTED:
            text = f"{service} declined referral {reference}"
        elif connection.waiting_list:
            text = f"{service} put referral {reference} on its waiting list"
        else:
            text = f"{service} accepted referral {reference}"
        link = reverse("casework:connections", args=[connection.referral_id])
        found.append((AlertKind.CONNECTION_ANSWERED, text, link, connection.referral))
    found += _flags(ids, limit=1)
    measures = [
        (referral, measure) for referral in referrals for measure in due.get(referral.pk, [])[:1]
    ]
    for referral, measure in measures[:2]:
        found.append(
            (
                AlertKind.OVERDUE if measure.overdue else AlertKind.OUTCOME_DUE,
                f"{measure.label} for referral {referral.reference} is "
                + ("overdue" if measure.overdue else "due"),
                reverse("outcomes:trajectories", args=[referral.pk]),
                referral,
            )
        )
    for follow_up in (
        FollowUp._default_manager.filter(
            referral_id__in=ids, done_at__isnull=True, due_on__lt=today
        )
        .select_related("referral")
        .order_by("due_on")[:1]
    ):
        referral = follow_up.referral
        found.append(
            (
                AlertKind.OVERDUE,
                f"Follow-up for referral {referral.reference} was due on "
                f"{follow_up.due_on.day} {follow_up.due_on:%B}",
                reverse("casework:connections", args=[referral.pk]),
                referral,
            )
        )
    return found


def _lead_alerts(scheme_id: Any, today: dt.date) -> list[tuple[AlertKind, str, str, Any]]:
    ids = list(
        Referral._default_manager.filter(scheme_id=scheme_id, status__in=OPEN).values_list(
            "pk", flat=True
        )
    )
    found = _flags(ids, limit=2)
    # Follow-ups of the scheme's cases past their date, which the lead may need to chase.
    for follow_up in (
        FollowUp._default_manager.filter(
            referral_id__in=ids, done_at__isnull=True, due_on__lt=today
        )
        .select_related("referral")
        .order_by("due_on")[:2]
    ):
        referral = follow_up.referral
        found.append(
            (
                AlertKind.OVERDUE,
                f"Follow-up for referral {referral.reference} was due on "
                f"{follow_up.due_on.day} {follow_up.due_on:%B}",
                reverse("casework:connections", args=[referral.pk]),
                referral,
            )
        )
    for connection in (
        Connection._default_manager.filter(
            referral_id__in=ids, status=ConnectionStatus.REQUESTED, respond_by__lt=today
        )
        .select_related("service", "referral")
        .order_by("respond_by")[:2]
    ):
        referral = connection.referral
        found.append(
            (
                AlertKind.OVERDUE,
                f"No answer from {connection.service.name} for referral {referral.reference} "
                "by its deadline",
                reverse("casework:connections", args=[referral.pk]),
                referral,
            )
        )
    return found


def _flags(referral_ids: list[Any], *, limit: int) -> list[tuple[AlertKind, str, str, Any]]:
    return [
        (
            AlertKind.SAFETY_FLAG,
            f"Safety flag ({FlagKind(flag.kind).label.lower()}) raised on referral "
            f"{flag.referral.reference}",
            reverse("referrals:detail", args=[flag.referral_id]),
            flag.referral,
        )
        for flag in SafetyFlag._default_manager.filter(referral_id__in=referral_ids)
        .select_related("referral")
        .order_by("-raised_at")[:limit]
    ]
