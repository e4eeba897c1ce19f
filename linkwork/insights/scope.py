"""What each person may count, and the records a dashboard counts.

Scheme leads count their own schemes, analysts the schemes their organisations host
(`Referral.objects.for_analysis`), admins every scheme. `filters_for` turns that into the
`Filters.schemes` every builder is given; `records` is the one place the builders' querysets
start from, so no builder reaches a record outside those schemes.

Dates: referrals, the funnel, waits, outcomes and equity count the referrals *received* in the
period (and what followed them); contacts count those *made* in it; connections those
*created* in it. The organisation filter matches a referral made by that organisation or
about a person registered with it (a GP practice), so a practice sees its self-referrals too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.db import connection, transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from linkwork.accounts import permissions
from linkwork.accounts.models import Role, Scheme
from linkwork.casework.models import Connection, Contact
from linkwork.insights.model import Filters
from linkwork.insights.models import ConnectionFact, ContactFact, OutcomeFact, ReferralFact
from linkwork.outcomes.models import OutcomeMeasure
from linkwork.referrals.models import Referral


def scheme_ids_for(user: Any) -> frozenset[int]:
    """Every scheme the user may count: led, hosted by an organisation they analyse for, or
    all of them for an admin."""
    if permissions.has_role(user, Role.ADMIN):
        return frozenset(Scheme.objects.values_list("pk", flat=True))
    led = permissions.scheme_ids(user, Role.SCHEME_LEAD)
    hosts = permissions.organisation_ids(user, Role.ANALYST)
    analysed = (
        set(Scheme.objects.filter(host_id__in=hosts).values_list("pk", flat=True))
        if hosts
        else set()
    )
    return frozenset(led | analysed)


def exact_for(user: Any, filters: Filters) -> bool:
    """Whether the user has case access to every scheme the figures count, and so may see
    exact small numbers on the page (never in a download)."""
    led = permissions.scheme_ids(user, Role.SCHEME_LEAD)
    return filters.schemes <= led


def _bounds(filters: Filters) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The period as [start, end) instants in the deployment's time zone."""
    start = end = None
    if filters.date_from is not None:
        start = timezone.make_aware(dt.datetime.combine(filters.date_from, dt.time.min))
    if filters.date_to is not None:
        end = timezone.make_aware(
            dt.datetime.combine(filters.date_to + dt.timedelta(days=1), dt.time.min)
        )
    return start, end


def referral_q(filters: Filters, prefix: str = "", *, dated: bool = True) -> Q:
    """The filters as a condition on referrals, reached through `prefix` ("referral__")."""
    q = Q(**{f"{prefix}scheme_id__in": sorted(filters.schemes)})
    if filters.route:
        q &= Q(**{f"{prefix}route": filters.route})
    if filters.link_worker is not None:
        q &= Q(**{f"{prefix}link_worker_id": filters.link_worker})
    if filters.referring_organisation is not None:
        q &= Q(**{f"{prefix}referring_organisation_id": filters.referring_organisation}) | Q(
            **{f"{prefix}person__gp_practice_id": filters.referring_organisation}
        )
    if dated:
        q &= period_q(filters, f"{prefix}received_at")
    return q


def period_q(filters: Filters, field: str) -> Q:
    start, end = _bounds(filters)
    q = Q()
    if start is not None:
        q &= Q(**{f"{field}__gte": start})
    if end is not None:
        q &= Q(**{f"{field}__lt": end})
    return q


@dataclass(frozen=True)
class Records:
    """The querysets a builder counts, each already narrowed to the filters."""

    referrals: QuerySet[Referral]
    contacts: QuerySet[Contact]
    connections: QuerySet[Connection]
    measures: QuerySet[OutcomeMeasure]


def records(filters: Filters) -> Records:
    """The records of `filters.schemes` (set by `filters_for` from what the user may count)
    that the filters pick out. Builders count these; they never show one."""
    return Records(
        referrals=Referral.objects.filter(referral_q(filters)).order_by(),
        contacts=Contact.objects.filter(
            referral_q(filters, "referral__", dated=False) & period_q(filters, "occurred_at")
        ).order_by(),
        connections=Connection.objects.filter(
            referral_q(filters, "referral__", dated=False) & period_q(filters, "created_at")
        ).order_by(),
        measures=OutcomeMeasure.objects.filter(referral_q(filters, "referral__")).order_by(),
    )


def organisation_choices(schemes: frozenset[int]) -> list[tuple[int, str]]:
    """Organisations worth filtering by: every GP practice, and every other organisation that
    referred into the schemes. Ids and names only; one query, an index probe of the referral
    facts per organisation (`referralfact_referrer_idx`) rather than a scan of the referrals."""
    from linkwork.accounts.models import Organisation, OrganisationKind

    # The first such fact in the index's order, not EXISTS: the planner, expecting thousands
    # of referrals from each organisation, would look for one by reading the whole table,
    # and an organisation that never referred (a scheme's host) has none to find.
    first = Subquery(
        ReferralFact.objects.filter(
            referring_organisation_id=OuterRef("pk"), scheme_id__in=sorted(schemes)
        )
        .order_by("referring_organisation_id", "scheme_id")
        .values("pk")[:1]
    )
    return list(
        Organisation.objects.alias(first=first)
        .filter(Q(kind=OrganisationKind.GP_PRACTICE) | Q(first__isnull=False))
        .order_by("name")
        .values_list("pk", "name")
    )


def fact_q(filters: Filters, *, dated: str = "received_at") -> Q:
    """The filters as a condition on the facts (`insights.facts`), which carry the referral's
    dimensions on every row; `dated` is the field the period applies to ("" for none)."""
    q = Q(scheme_id__in=sorted(filters.schemes))
    if filters.route:
        q &= Q(route=filters.route)
    if filters.link_worker is not None:
        q &= Q(link_worker_id=filters.link_worker)
    if filters.referring_organisation is not None:
        q &= Q(referring_organisation_id=filters.referring_organisation) | Q(
            gp_practice_id=filters.referring_organisation
        )
    if dated:
        q &= period_q(filters, dated)
    return q


@dataclass(frozen=True)
class Facts:
    """The facts a builder counts, each already narrowed to the filters: referrals received
    in the period, contacts made in it, connections created in it, and the outcome scores of
    the referrals received in it."""

    referrals: QuerySet[ReferralFact]
    contacts: QuerySet[ContactFact]
    connections: QuerySet[ConnectionFact]
    outcomes: QuerySet[OutcomeFact]


def facts(filters: Filters) -> Facts:
    return Facts(
        referrals=ReferralFact.objects.filter(fact_q(filters)).order_by(),
        contacts=ContactFact.objects.filter(fact_q(filters, dated="occurred_at")).order_by(),
        connections=ConnectionFact.objects.filter(fact_q(filters, dated="created_at")).order_by(),
        outcomes=OutcomeFact.objects.filter(fact_q(filters)).order_by(),
    )


# Memory each sort or hash of a dashboard's queries may use on PostgreSQL before it spills to
# disk: the grouped counts of a million facts fit in it (the server's default, 4 MB, does not).
WORK_MEM = "64MB"
Built = TypeVar("Built")


@contextmanager
def reading() -> Iterator[None]:
    """One transaction for a dashboard's queries, so they count the same state of the facts,
    with `WORK_MEM` for their grouping on PostgreSQL (`SET LOCAL`: for this transaction only,
    the connection's setting is back when it ends)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        yield


def read(build: Callable[[Any], Built]) -> Callable[[Any], Built]:
    """`build(filters)` run inside `reading()`."""

    @wraps(build)
    def built(filters: Any) -> Built:
        with reading():
            return build(filters)

    return built
