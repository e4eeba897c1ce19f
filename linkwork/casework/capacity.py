"""The caseload: what the link worker's day shows of each of their referrals (contacts missed,
follow-ups, connections and outcome measures due). Loads, limits and the waiting list are in
`referrals.capacity`.

Every function here reads a fixed number of queries however many people there are: caseload
facts are correlated subqueries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from linkwork.accounts.models import Scheme
from linkwork.casework.lifecycle import OPEN_STATUSES as OPEN_CONNECTION_STATUSES
from linkwork.casework.lifecycle import ConnectionStatus
from linkwork.casework.models import Connection, Contact, FollowUp, Outcome
from linkwork.outcomes.schedules import DueMeasure, due_measures
from linkwork.referrals.models import Referral


def _count(queryset: models.QuerySet[Any]) -> Subquery:
    """A correlated COUNT(*) of `queryset`, 0 when it has no rows."""
    return Subquery(
        queryset.order_by().values("referral_id").annotate(n=Count("pk")).values("n")[:1],
        output_field=models.IntegerField(),
    )


def annotate_caseload(queryset: models.QuerySet[Referral], today: dt.date) -> Any:
    """Add to an already scoped referral queryset what the caseload page shows of each, as
    correlated subqueries (one SQL statement whatever the number of people):

    - `review_after`: the scheme's missed contacts in a row before a review;
    - `last_contact_at`: the latest contact;
    - `missed_in_a_row`: contacts since the latest attended one (all, if none attended);
    - `next_follow_up_on` and `overdue_follow_ups`: open follow-ups.

    Connections are counted separately by `connection_counts`.
    """
    contacts = Contact.objects.filter(referral_id=OuterRef("pk"))
    # Correlated with the referral, not with each contact counted, so the database finds the
    # latest attended contact once per referral.
    attended = Contact.objects.filter(
        referral_id=OuterRef(OuterRef("pk")), outcome=Outcome.ATTENDED
    )
    last_attended = attended.order_by("-occurred_at").values("occurred_at")[:1]
    # Every contact after the latest attended one was missed.
    missed = contacts.filter(Q(occurred_at__gt=Subquery(last_attended)) | ~Exists(attended))
    open_follow_ups = FollowUp.objects.filter(referral_id=OuterRef("pk"), done_at__isnull=True)
    return queryset.annotate(
        review_after=F("scheme__missed_contacts_before_review"),
        last_contact_at=Subquery(contacts.order_by("-occurred_at").values("occurred_at")[:1]),
        missed_in_a_row=Coalesce(_count(missed), 0),
        next_follow_up_on=Subquery(open_follow_ups.order_by("due_on").values("due_on")[:1]),
        overdue_follow_ups=Coalesce(_count(open_follow_ups.filter(due_on__lt=today)), 0),
    )


@dataclass
class ConnectionCounts:
    """Open connections of one referral, by status, and those past the provider's deadline."""

    by_status: dict[str, int]
    past_deadline: int = 0
    earliest_deadline: dt.date | None = None

    @property
    def on_hold(self) -> int:
        return self.by_status.get(ConnectionStatus.ON_HOLD, 0)


def connection_counts(
    referrals: models.QuerySet[Referral], today: dt.date
) -> dict[Any, ConnectionCounts]:
    """Open connections of each of `referrals` (a scoped queryset), counted by status in one
    grouped query. The referrals are a subquery, not a list of ids, so the database can join
    rather than compare every connection with hundreds of ids."""
    counts: dict[Any, ConnectionCounts] = {}
    rows = (
        Connection.objects.filter(
            referral_id__in=referrals.order_by().values("pk"),
            status__in=OPEN_CONNECTION_STATUSES,
        )
        .order_by()
        .values("referral_id", "status")
        .annotate(
            n=Count("pk"),
            late=Count("pk", filter=Q(status=ConnectionStatus.REQUESTED, respond_by__lt=today)),
            deadline=models.Min("respond_by", filter=Q(status=ConnectionStatus.REQUESTED)),
        )
    )
    for row in rows:
        entry = counts.setdefault(row["referral_id"], ConnectionCounts(by_status={}))
        entry.by_status[row["status"]] = row["n"]
        entry.past_deadline += row["late"]
        if row["deadline"] is not None and (
            entry.earliest_deadline is None or row["deadline"] < entry.earliest_deadline
        ):
            entry.earliest_deadline = row["deadline"]
    return counts


def measures_due(referrals: Sequence[Any], today: dt.date) -> dict[Any, list[DueMeasure]]:
    """Outcome measures due for each referral by the scheme's schedule, by referral id. Three
    queries whatever the number of referrals, since the caseload page asks for every row
    together."""
    schedules = dict(
        Scheme.objects.filter(pk__in={r.scheme_id for r in referrals}).values_list(
            "pk", "outcome_schedule"
        )
    )
    return due_measures(referrals, today=today, schedules=schedules)
