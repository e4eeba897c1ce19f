"""Caseload and capacity: each link worker's load against the scheme's limits, the caseload
query behind the link worker's day, the waiting list, and (re)assignment.

A link worker's **active load** is the sum of the complexity weights of their open referrals
(accepted, active or on hold): a complex person counts as one and a half, a very complex one
as two (`COMPLEXITY_WEIGHTS`). Their **yearly load** counts the distinct people referred in the
last 365 days whom they were assigned, weighted likewise. Both are per scheme, against the
scheme's `active_caseload_limit` and `yearly_caseload_limit`.

Every function here reads a fixed number of queries however many link workers or people there
are: loads are grouped in the database, caseload facts are correlated subqueries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from linkwork.accounts.models import Membership, Role, Scheme, User
from linkwork.audit import auditor
from linkwork.casework.lifecycle import OPEN_STATUSES as OPEN_CONNECTION_STATUSES
from linkwork.casework.lifecycle import ConnectionStatus
from linkwork.casework.models import Connection, Contact, FollowUp, Outcome
from linkwork.outcomes.schedules import DueMeasure, due_measures
from linkwork.referrals.actions import AssignmentError as AssignmentError
from linkwork.referrals.actions import accept_referral
from linkwork.referrals.lifecycle import COMPLEXITY_WEIGHTS, OPEN_STATUSES, Complexity, Status
from linkwork.referrals.models import Referral

YEAR = dt.timedelta(days=365)
# At or above this share of a limit, a link worker is "near" it.
NEAR_SHARE = 0.9


def weight_expression() -> Case:
    """The complexity weight of a referral as a SQL expression."""
    return Case(
        *[
            When(complexity=complexity, then=Value(weight))
            for complexity, weight in COMPLEXITY_WEIGHTS.items()
        ],
        default=Value(COMPLEXITY_WEIGHTS[Complexity.STANDARD]),
        output_field=FloatField(),
    )


def weight_of(complexity: str) -> float:
    return COMPLEXITY_WEIGHTS.get(complexity, COMPLEXITY_WEIGHTS[Complexity.STANDARD])


# Loads


class LoadStatus(models.TextChoices):
    HAS_ROOM = "has_room", "Has room"
    NEAR_LIMIT = "near_limit", "Near limit"
    AT_LIMIT = "at_limit", "At limit"
    OVER_LIMIT = "over_limit", "Over limit"


def status_for(share: float) -> LoadStatus:
    """The status in words for the larger of the two shares of a limit (1.0 = at the limit)."""
    if share > 1.0:
        return LoadStatus.OVER_LIMIT
    if share == 1.0:
        return LoadStatus.AT_LIMIT
    if share >= NEAR_SHARE:
        return LoadStatus.NEAR_LIMIT
    return LoadStatus.HAS_ROOM


@dataclass(frozen=True)
class WorkerLoad:
    """One link worker's load in one scheme, against that scheme's limits."""

    scheme: Scheme
    worker: User
    active_people: int = 0
    active_weighted: float = 0.0
    year_people: int = 0
    year_weighted: float = 0.0

    @property
    def active_limit(self) -> int:
        return self.scheme.active_caseload_limit

    @property
    def yearly_limit(self) -> int:
        return self.scheme.yearly_caseload_limit

    @property
    def active_share(self) -> float:
        return self.active_weighted / self.active_limit

    @property
    def year_share(self) -> float:
        return self.year_weighted / self.yearly_limit

    @property
    def status(self) -> LoadStatus:
        return status_for(max(self.active_share, self.year_share))

    @property
    def is_full(self) -> bool:
        """At or over the active limit: takes no one new without the lead's say-so."""
        return self.active_weighted >= self.active_limit


def _loads(schemes: Sequence[Scheme], worker: User | None = None) -> dict[int, list[WorkerLoad]]:
    """Loads of every active link worker (or only `worker`) of each scheme, by scheme id.

    Three queries whatever the number of link workers: the memberships, the open referrals
    grouped by link worker, and the year's people grouped by link worker and person.
    """
    by_id = {scheme.pk: scheme for scheme in schemes}
    if not by_id:
        return {}
    members = Membership.objects.filter(
        scheme_id__in=by_id, role=Role.LINK_WORKER, user__is_active=True
    ).select_related("user")
    referrals = Referral.objects.filter(scheme_id__in=by_id, link_worker__isnull=False)
    if worker is not None:
        members = members.filter(user=worker)
        referrals = referrals.filter(link_worker=worker)
    active = {
        (row["scheme_id"], row["link_worker_id"]): row
        for row in referrals.filter(status__in=OPEN_STATUSES)
        .order_by()
        .values("scheme_id", "link_worker_id")
        .annotate(people=Count("id"), weighted=Sum(weight_expression()))
    }
    # A person referred twice in the year counts once, at the heavier weight.
    year: dict[tuple[int, int], list[float]] = defaultdict(list)
    for row in (
        referrals.filter(received_at__gte=timezone.now() - YEAR)
        .order_by()
        .values("scheme_id", "link_worker_id", "person_id")
        .annotate(weight=Max(weight_expression()))
    ):
        year[(row["scheme_id"], row["link_worker_id"])].append(float(row["weight"]))
    loads: dict[int, list[WorkerLoad]] = {scheme_id: [] for scheme_id in by_id}
    for member in sorted(members, key=lambda m: (m.user.full_name, m.user.pk)):
        scheme_id = member.scheme_id
        assert scheme_id is not None  # a link worker's membership always has a scheme
        key = (scheme_id, member.user_id)
        now = active.get(key, {})
        weights = year.get(key, [])
        loads[scheme_id].append(
            WorkerLoad(
                scheme=by_id[scheme_id],
                worker=member.user,
                active_people=int(now.get("people") or 0),
                active_weighted=float(now.get("weighted") or 0.0),
                year_people=len(weights),
                year_weighted=float(sum(weights, 0.0)),
            )
        )
    return loads


def scheme_loads(schemes: Iterable[Scheme]) -> dict[int, list[WorkerLoad]]:
    """Every active link worker's load in each scheme, by scheme id, ordered by name."""
    return _loads(list(schemes))


def worker_loads(worker: User, schemes: Iterable[Scheme]) -> list[WorkerLoad]:
    """One link worker's load in each of `schemes` they work in."""
    return [load for loads in _loads(list(schemes), worker).values() for load in loads]


def load_of(worker: User, scheme: Scheme) -> WorkerLoad:
    """One link worker's load in one scheme (zero if they are not a link worker there)."""
    loads = _loads([scheme], worker).get(scheme.pk, [])
    return loads[0] if loads else WorkerLoad(scheme=scheme, worker=worker)


def scheme_is_full(scheme: Scheme) -> bool:
    """Whether every active link worker of the scheme is at or over the active limit, so a new
    referral can only join the waiting list. A scheme with no link worker is full too."""
    return all(load.is_full for load in scheme_loads([scheme]).get(scheme.pk, []))


# The waiting list


def waiting_list(referrals: models.QuerySet[Referral]) -> models.QuerySet[Referral]:
    """The waiting list among `referrals` (scope them first, for example with
    `Referral.objects.visible_to(user)`): accepted referrals with no link worker yet, the
    longest waiting first. `waited_from` is when they joined it (or arrived, if not known)."""
    return (
        referrals.filter(status=Status.ACCEPTED, link_worker__isnull=True)
        .annotate(waited_from=Coalesce("waiting_since", "received_at"))
        .order_by("waited_from", "received_at", "pk")
    )


def waiting_list_position(referral: Referral) -> int | None:
    """1 for the person who has waited longest in the scheme; None when not on the list."""
    if referral.status != Status.ACCEPTED or referral.link_worker_id is not None:
        return None
    since = referral.waiting_since or referral.received_at
    ahead = (
        waiting_list(Referral.objects.filter(scheme_id=referral.scheme_id))
        .filter(
            Q(waited_from__lt=since)
            | Q(waited_from=since, received_at__lt=referral.received_at)
            | Q(waited_from=since, received_at=referral.received_at, pk__lt=referral.pk)
        )
        .count()
    )
    return ahead + 1


# Assignment


class CapacityWarning(ValueError):
    """Assigning would take the link worker over a limit; the message says which and by how
    much. The lead may still assign, saying so (`over_limit_ok=True`)."""

    def __init__(self, message: str, load: WorkerLoad) -> None:
        super().__init__(message)
        self.load = load


def _number(value: float) -> str:
    return f"{value:g}"


def over_limit_message(load: WorkerLoad, referral: Referral, complexity: str) -> str | None:
    """Why giving `referral` (at `complexity`) to the worker of `load` goes over a limit, or
    None when it does not. The load may already include the referral; it is counted once."""
    weight = weight_of(complexity)
    current = weight_of(referral.complexity) if referral.link_worker_id == load.worker.pk else 0.0
    counts_now = referral.status in OPEN_STATUSES and referral.scheme_id == load.scheme.pk
    active = load.active_weighted - (current if counts_now else 0.0) + weight
    problems = []
    if active > load.active_limit:
        problems.append(f"{_number(active)} active against a limit of {load.active_limit} at once")
    if referral.received_at >= timezone.now() - YEAR and referral.link_worker_id != load.worker.pk:
        # A referral already theirs is already counted in their year.
        year = load.year_weighted + weight
        if year > load.yearly_limit:
            problems.append(
                f"{_number(year)} people this year against a limit of {load.yearly_limit}"
            )
    if not problems:
        return None
    return f"This would give {load.worker.full_name} {' and '.join(problems)}."


@transaction.atomic
def assign_link_worker(
    *,
    by: Any,
    referral: Referral,
    link_worker: User,
    complexity: str | None = None,
    over_limit_ok: bool = False,
) -> Referral:
    """Give an open referral to a link worker of its scheme (from the waiting list, or from
    another link worker), optionally setting its complexity.

    Raises `AssignmentError` when the user is not an active link worker of the scheme or the
    referral is not open, and `CapacityWarning` when the link worker would go over the
    scheme's active or yearly limit, unless `over_limit_ok`.
    """
    # Assignments to one link worker are made one at a time, so two leads cannot both fill
    # the last place; the referral row is locked against a concurrent change of status.
    User.objects.select_for_update().filter(pk=link_worker.pk).first()
    locked = Referral.objects.select_for_update().select_related("scheme").get(pk=referral.pk)
    if locked.status not in OPEN_STATUSES:
        raise AssignmentError(
            f"Referral {locked.reference} is {locked.get_status_display().lower()}: only a "
            "referral that is accepted, active or on hold can be assigned."
        )
    if not Membership.objects.filter(
        user=link_worker, scheme_id=locked.scheme_id, role=Role.LINK_WORKER, user__is_active=True
    ).exists():
        raise AssignmentError("Choose a link worker who works in this scheme.")
    if complexity is None:
        complexity = locked.complexity
    if complexity not in Complexity.values:
        raise AssignmentError("Choose how complex the person's needs are.")
    load = load_of(link_worker, locked.scheme)
    warning = over_limit_message(load, locked, complexity)
    if warning is not None and not over_limit_ok:
        raise CapacityWarning(warning, load)
    previous = locked.link_worker_id
    locked.link_worker = link_worker
    locked.complexity = complexity
    locked.waiting_since = None
    locked.save(update_fields=["link_worker", "complexity", "waiting_since"])
    auditor.record(
        action="referral.assigned",
        actor=by if getattr(by, "is_authenticated", False) else None,
        target=locked,
        scheme_id=locked.scheme_id,
        detail={
            "from": previous,
            "to": link_worker.pk,
            "complexity": complexity,
            "over_limit": warning is not None,
        },
    )
    return locked


def add_to_waiting_list(*, by: Any, referral: Referral) -> Referral:
    """Accept a received referral with no link worker: the person joins the scheme's waiting
    list, from when a lead assigns them (`assign_link_worker`). Meant for when
    `scheme_is_full`, but a lead may choose it at any time."""
    return accept_referral(by=by, referral=referral, link_worker=None)


# The caseload


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
