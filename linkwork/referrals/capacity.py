"""Capacity: each link worker's load against the scheme's limits, the waiting list, and the
over-limit check that assignment makes. It reads referrals and scheme settings only; the
writes that assign are in `actions.py`.

A link worker's **active load** is the sum of the complexity weights of their open referrals
(accepted, active or on hold): a complex person counts as one and a half, a very complex one
as two (`COMPLEXITY_WEIGHTS`). Their **yearly load** counts the distinct people referred in the
last 365 days whom they were assigned, weighted likewise, except referrals the referrer
withdrew: those count on neither load. Both are per scheme, against the
scheme's `active_caseload_limit` and `yearly_caseload_limit`.

Every function here reads a fixed number of queries however many link workers or people there
are: loads are grouped in the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connections, models
from django.db.models import Case, Count, FloatField, Max, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from linkwork.accounts.models import Membership, Role, Scheme, User
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
    year = _year_loads(referrals)
    loads: dict[int, list[WorkerLoad]] = {scheme_id: [] for scheme_id in by_id}
    for member in sorted(members, key=lambda m: (m.user.full_name, m.user.pk)):
        scheme_id = member.scheme_id
        assert scheme_id is not None  # a link worker's membership always has a scheme
        key = (scheme_id, member.user_id)
        now = active.get(key, {})
        year_people, year_weighted = year.get(key, (0, 0.0))
        loads[scheme_id].append(
            WorkerLoad(
                scheme=by_id[scheme_id],
                worker=member.user,
                active_people=int(now.get("people") or 0),
                active_weighted=float(now.get("weighted") or 0.0),
                year_people=year_people,
                year_weighted=year_weighted,
            )
        )
    return loads


def _year_loads(referrals: models.QuerySet[Referral]) -> dict[tuple[int, int], tuple[int, float]]:
    """People referred in the last 365 days and their weighted sum, by (scheme, link worker).

    A person referred twice in the year counts once, at the heavier weight: the weights are
    taken per person in a grouped subquery and summed per link worker around it, so the
    database returns one row per link worker rather than one per person."""
    per_person = (
        referrals.filter(received_at__gte=timezone.now() - YEAR)
        .exclude(status=Status.WITHDRAWN)
        .order_by()
        .values("scheme_id", "link_worker_id", "person_id")
        .annotate(weight=Max(weight_expression()))
    )
    sql, params = per_person.query.sql_with_params()
    # The inner SQL is Django's own, its parameters passed separately.
    columns = "per_person.scheme_id, per_person.link_worker_id"
    summed = f"SELECT {columns}, COUNT(*), SUM(per_person.weight) FROM ({sql}) per_person GROUP BY {columns}"  # noqa: S608, E501 # nosec B608
    with connections[per_person.db].cursor() as cursor:
        cursor.execute(summed, params)
        return {
            (scheme_id, worker_id): (int(people), float(weighted or 0.0))
            for scheme_id, worker_id, people, weighted in cursor.fetchall()
        }


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


# Finding link workers by name, on the triage page and the capacity page

# The longest name a lead may search for.
NAME_SEARCH_LENGTH = 100


def name_search(text: str) -> str:
    """A name as typed to find a link worker: runs of spaces as one, at most 100 characters."""
    return " ".join(text.split())[:NAME_SEARCH_LENGTH]


def filter_loads(
    loads: Iterable[WorkerLoad], *, name: str = "", status: str = ""
) -> list[WorkerLoad]:
    """The loads whose link worker's name contains `name` (case and spacing aside) and, when
    `status` is given, that are at that status, in the order given."""
    wanted = name_search(name).casefold()
    return [
        load
        for load in loads
        if (not status or load.status == status) and wanted in load.worker.full_name.casefold()
    ]


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


# Going over a limit


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
