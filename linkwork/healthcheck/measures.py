"""The measures behind the indicators, computed from live data for one scheme over the last
four quarters.

Each measure takes the scheme and the quarters (oldest first) and returns a `Measurement` for
each quarter it can measure: counted in the database, in one or two grouped queries over the
insights facts (`insights.facts`) whatever the number of quarters or records, each quarter
picked out by a CASE on the date the period applies to. A quarter with nothing to count (a
denominator of 0) has no measurement: the page says "not measured". Snapshot measures (how
things stand today: caseloads, directory freshness) measure the latest quarter only.

Indicator files name these measures by their `source` ("referrals.message_back").
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from linkwork.accounts.models import Scheme
from linkwork.audit.models import AuditEvent
from linkwork.casework.lifecycle import ConnectionStatus
from linkwork.directory.models import (
    Entity,
    Metadata,
    Service,
    ServiceStatus,
    ServiceTip,
    TipStatus,
    stale_after_days,
)
from linkwork.healthcheck.indicators import INDICATORS
from linkwork.insights import population
from linkwork.insights.facts import Calendar
from linkwork.insights.figures import percentile
from linkwork.insights.models import ConnectionFact, OutcomeFact, ReferralFact
from linkwork.notifications.models import Audience
from linkwork.people.models import PREFER_NOT_TO_SAY, Consent, ConsentKind
from linkwork.referrals.capacity import scheme_loads
from linkwork.referrals.lifecycle import DeclineReason, Status
from linkwork.referrals.message_back import MESSAGE_BACK_EVENTS
from linkwork.support import measures as support_measures
from linkwork.support.staff import link_workers
from linkwork.vocabulary.routes import NHS_ROUTES, Route

# Working days within which the referrer should hear back (the message back indicator).
MESSAGE_BACK_DAYS = 5
# Declined as not suitable for social prescribing: the referral should not have been made.
NOT_SUITABLE = (DeclineReason.NOT_ELIGIBLE, DeclineReason.NEEDS_CLINICAL_CARE)
# Connections a provider was asked to take (drafts and signposting ask nobody).
ASKED = ~Q(status__in=[ConnectionStatus.DRAFT, ConnectionStatus.SIGNPOSTED])
UNKNOWN = ("", "not_known", PREFER_NOT_TO_SAY)


@dataclass(frozen=True)
class Quarter:
    """A calendar quarter: "2026-Q2" is April to June 2026."""

    name: str
    first: dt.date
    last: dt.date

    @classmethod
    def of(cls, year: int, number: int) -> Quarter:
        first = dt.date(year, 3 * number - 2, 1)
        after = dt.date(year + 1, 1, 1) if number == 4 else dt.date(year, 3 * number + 1, 1)
        return cls(f"{year}-Q{number}", first, after - timedelta(days=1))

    @property
    def start(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.first, dt.time.min))

    @property
    def end(self) -> dt.datetime:
        """The instant after the quarter (exclusive)."""
        return timezone.make_aware(dt.datetime.combine(self.last + timedelta(days=1), dt.time.min))

    @property
    def words(self) -> str:
        return f"{self.first:%B} to {self.last:%B %Y}"

    def previous(self) -> Quarter:
        year, number = int(self.name[:4]), int(self.name[-1])
        return Quarter.of(year - 1, 4) if number == 1 else Quarter.of(year, number - 1)


@dataclass(frozen=True)
class Measurement:
    """A measured value, with what it was worked out from: a numerator over a denominator
    (shares and rates), or the count of things timed (medians, with no denominator)."""

    value: float
    numerator: int
    denominator: int | None = None


Measured = dict[int, Measurement]  # by the quarter's index in the quarters given
Measure = Callable[[Scheme, Sequence[Quarter]], Measured]
MEASURES: dict[str, Measure] = {}


def measure(name: str) -> Callable[[Measure], Measure]:
    def register(function: Measure) -> Measure:
        MEASURES[name] = function
        return function

    return register


def _quarter_of(field: str, quarters: Sequence[Quarter]) -> Case:
    """The index of the quarter `field` falls in (None outside them)."""
    return Case(
        *(
            When(**{f"{field}__gte": q.start, f"{field}__lt": q.end}, then=Value(i))
            for i, q in enumerate(quarters)
        ),
        default=None,
        output_field=IntegerField(),
    )


def _referrals(scheme: Scheme, quarters: Sequence[Quarter]) -> QuerySet[Any]:
    """The scheme's referral facts received in the quarters, each with its quarter `q`."""
    return (
        ReferralFact.objects.filter(
            scheme_id=scheme.pk,
            received_at__gte=quarters[0].start,
            received_at__lt=quarters[-1].end,
        )
        .annotate(q=_quarter_of("received_at", quarters))
        .order_by()
    )


def _connections(scheme: Scheme, quarters: Sequence[Quarter]) -> QuerySet[Any]:
    """The scheme's connection facts created in the quarters and sent to a provider."""
    return (
        ConnectionFact.objects.filter(
            ASKED,
            scheme_id=scheme.pk,
            created_at__gte=quarters[0].start,
            created_at__lt=quarters[-1].end,
        )
        .annotate(q=_quarter_of("created_at", quarters))
        .order_by()
    )


def _share(rows: Sequence[Mapping[str, Any]], part: str = "part", whole: str = "whole") -> Measured:
    """Percentages, to one decimal place, from grouped rows of (q, part, whole)."""
    return {
        row["q"]: Measurement(round(100 * row[part] / row[whole], 1), row[part], row[whole])
        for row in rows
        if row["q"] is not None and row[whole]
    }


def _median(rows: Sequence[Mapping[str, Any]], field: str) -> Measured:
    """Nearest-rank medians per quarter from grouped rows of (q, field, n)."""
    counts: dict[int, Counter[int]] = defaultdict(Counter)
    for row in rows:
        if row["q"] is not None and row[field] is not None:
            counts[row["q"]][row[field]] += row["n"]
    found: Measured = {}
    for q, waits in counts.items():
        middle = percentile(waits, 0.5)
        if middle is not None:
            found[q] = Measurement(float(middle), sum(waits.values()))
    return found


# --- Referrers ------------------------------------------------------------------------------


@measure("referrals.complete_information")
def complete_information(scheme: Scheme, quarters: Sequence[Quarter]) -> Measured:
    """Referrals made by someone else (not self-referrals) that gave at least one need and
    a reason for referring."""
    rows = (
        _referrals(scheme, quarters)
        .exclude(route=Route.SELF)
        .values("q")
        .annotate(
            whole=Count("pk"),
            part=Count("pk", filter=~Q(needs_key="") & ~Q(referral__reason="")),
        )
    )
    return _share(list(rows))


@measure("referrals.declined_not_suitable")
def declined_not_suitable(scheme: Scheme, quarters: Sequence[Quarter]) -> Measured:
    """Triaged referrals declined as not eligible or needing clinical care first."""
    rows = (
        _referrals(scheme, quarters)
        .filter(triage_wait__isnull=False)
        .values("q")
        .annotate(
            whole=Count("pk"),
            part=Count("pk", filter=Q(status=Status.DECLINED, decline_reason__in=NOT_SUITABLE)),
        )
    )
    return _share(list(rows))


@measure("referrals.non_nhs_routes")
def non_nhs_routes(scheme: Scheme, quarters: Sequence[Quarter]) -> Measured:
    rows = (
        _referrals(scheme, quarters)
        .values("q")
        .annotate(whole=Count("pk"), part=Count("pk", filter=~Q(route__in=sorted(NHS_ROUTES))))
    )
    return _share(list(rows))


@measure("referrals.rate_per_1000")
def rate_per_1000(scheme: Scheme, quarters: Sequence[Quarter]) -> Measured:
    """People referred each quarter per 1,000 patients registered with the scheme's GP
    practices: the practices (with a list size loaded) whose patients were referred to the
    scheme in any of the quarters."""
    sizes = population.list_sizes()
    if not sizes:
        return {}
    referred = _referrals(scheme, quarters).filter(gp_practice_id__in=sorted(sizes))
    practices = set(referred.values_list("gp_practice_id", flat=True).distinct())
    registered = sum(sizes[p] for p in practices)
    rows = referred.values("q").annotate(people=Count("person_id", distinct=True))
    return {
        row["q"]: Measurement(
            round(1000 * row["people"] / registered, 2), row["people"], registered
        )
        for row in rows
        if row["q"] is not None and registered
    }


@measure("referrals.message_back")
def message_back(scheme: Scheme, quarters: Sequence[Quarter]) -> Measured:
    """Triaged referrals from a referrer (not self-referrals) whose first message back to the
    referrer or the GP practice was sent within `MESSAGE_BACK_DAYS` working days of the
    referral being received (counted from the day after). A message counts when it was sent:
    one still queued, or that failed, does not."""
    back = Q(
        referral__messages__audience__in=[Audience.REFERRER, Audience.GP],
        referral__messages__event__in=sorted(MESSAGE_BACK_EVENTS),
        referral__messages__sent_at__isnull=False,
    )
    rows = (
        _referrals(scheme, quarters)
        .exclude(route=Route.SELF)
        .filter(triage_wait__isnull=False)
        .values("pk", "q", "received_at")
        .annotate(first=Min("referral__messages__sent_at", filter=back))
    )
    calendar = Calendar()
    whole: Counter[int] = Counter()
    part: Counter[int] = Counter()
    for row in rows:
        if row["q"] is None:
            continue
        whole[row["q"]] += 1
        if row["first"] is not None:
            received = timezone.localtime(row["received_at"]).date()
            days = calendar.wait(received, timezone.localtime(row["first"]).date())
            part[row["q"]] += days is not None and days <= MESSAGE_BACK_DAYS
    return _share([{"q": q, "part": part[q], "whole": n} for q, n in whole.items()])


# --- Link workers ---------------------------------------------------------------------------


@measure("casework.first_contact_wait")
def first_contact_wait(scheme: Scheme, quarters: Sequence[Quarter]) -> Measured:
    """The median working days from a referral being received to the person's first contact
    with a link worker, for the referrals received in the quarter that had one."""
    rows = (
        _referrals(scheme, quarters)
        .filter(first_contact_wait__isnull=False)
        .values("q", "first_contact_wait")
        .annotate(n=Count("pk"))
    )
    return _median(list(rows), "first_contact_wait")


@measure("casework.outcome_completion")
def outcome_completion(scheme: Scheme, quarters: Sequence[Quarter]) -> Measured:
    """Closed episodes with a contact (received in the quarter) that have an outcome score at
    baseline and at follow-up."""
    followed = OutcomeFact.objects.filter(referral_id=OuterRef("referral_id"), change__isnull=False)
    rows = (
        _referrals(scheme, quarters)
        .filter(status=Status.CLOSED, had_contact=True)
        .alias(followed=Exists(followed))
        .values("q")
        .annotate(whole=Count("pk"), part=Count("pk", filter=Q(followed=True)))
    )
    return _share(list(rows))


@measure("casework.supported_linking")
def supported_linking(scheme: Scheme, quarters: Sequence[Quarter]) -> Measured:
    rows = (
        _connections(scheme, quarters)
        .values("q")
        .annotate(whole=Count("pk"), part=Count("pk", filter=Q(supported_linking=True)))
    )
    return _share(list(rows))


@measure("casework.caseload_within_limit")
def caseload_within_limit(scheme: Scheme, quarters: Sequence[Quarter]) -> Measured:
    """Active link workers whose weighted active caseload today is within the scheme's safe
    limit (`referrals.capacity`). A snapshot: the latest quarter only."""
    loads = scheme_loads([scheme]).get(scheme.pk, [])
    if not loads:
        return {}
    within = sum(load.active_weighted <= load.active_limit for load in loads)
    latest = len(quarters) - 1
    return {latest: Measurement(round(100 * within / len(loads), 1), within, len(loads))}


@measure("casework.continuity")
def continuity(scheme: Scheme, quarters: Sequence[Quarter]) -> Measured:
    """Referrals received in the quarter that have a link worker and were never moved from
    one link worker to another. A move is an assignment (the audit event "referral.assigned"
    that `referrals.actions.assign_link_worker` writes) from a different link worker; a first
    assignment from the waiting list is not one. Two queries."""
    rows = list(
        _referrals(scheme, quarters)
        .filter(referral__link_worker__isnull=False)
        .values_list("pk", "q")
    )
    if not rows:
        return {}
    moved = {
        object_id
        for object_id, detail in AuditEvent.objects.filter(
            action="referral.assigned",
            object_type="referrals.referral",
            scheme_id=scheme.pk,
            occurred_at__gte=quarters[0].start,
        )
        .order_by()
        .values_list("object_id", "detail")
        if isinstance(detail, dict)
        and detail.get("from") is not None
        and detail.get("from") != detail.get("to")
    }
    whole: Counter[int] = Counter()
    part: Counter[int] = Counter()
    for pk, q in rows:
        if q is None:
            continue
        whole[q] += 1
        part[q] += str(pk) not in moved
    return _share([{"q": q, "part": part[q], "whole": n} for q, n in whole.items()])


@measure("people.consent_recorded")
def consent_recorded(scheme: Scheme, quarters: Sequence[Quarter]) -> Measured:
    """Referrals received in the quarter whose person's consent in force today (the latest
    decision, as `people.models.current_consents` reads it) is to share their details with
    the services they are connected to. The referral form records every kind of consent,
    an unticked one as refused, so a refusal counts as not recorded."""
    latest = (
        Consent.objects.filter(
            person_id=OuterRef("person_id"), kind=ConsentKind.SHARE_WITH_PROVIDERS
        )
        .order_by("-recorded_at", "-id")
        .values("given")[:1]
    )
    rows = (
        _referrals(scheme, quarters)
        .alias(sharing=Subquery(latest))
        .values("q")
        .annotate(whole=Count("pk"), part=Count("pk", filter=Q(sharing=True)))
    )
    return _share(list(rows))


@measure("insights.monitoring_completeness")
def monitoring_completeness(scheme: Scheme, quarters: Sequence[Quarter]) -> Measured:
    """Referrals whose person's sex and ethnic group are recorded (an answer, "prefer not to
    say" not counted as recorded), so the scheme can see whom it reaches."""
    known = ~Q(sex__in=UNKNOWN) & ~Q(ethnicity__in=UNKNOWN)
    rows = (
        _referrals(scheme, quarters)
        .values("q")
        .annotate(whole=Count("pk"), part=Count("pk", filter=known))
    )
    return _share(list(rows))


# --- Community sector -----------------------------------------------------------------------


@measure("connections.provider_response")
def provider_response(scheme: Scheme, quarters: Sequence[Quarter]) -> Measured:
    """The median working days providers took to answer the scheme's connection requests
    created in the quarter (answered ones)."""
    rows = (
        _connections(scheme, quarters)
        .filter(response_days__isnull=False)
        .values("q", "response_days")
        .annotate(n=Count("pk"))
    )
    return _median(list(rows), "response_days")


@measure("connections.unfunded_demand")
def unfunded_demand(scheme: Scheme, quarters: Sequence[Quarter]) -> Measured:
    """Connection requests to services not funded for social prescribing referrals."""
    rows = (
        _connections(scheme, quarters)
        .values("q")
        .annotate(
            whole=Count("pk"),
            part=Count("pk", filter=Q(service__funded_for_social_prescribing=False)),
        )
    )
    return _share(list(rows))


# Statuses a listing can move to that take it out of use, for a while or for good.
CLOSED_STATUSES = (
    ServiceStatus.INACTIVE,
    ServiceStatus.DEFUNCT,
    ServiceStatus.TEMPORARILY_CLOSED,
)


@measure("directory.services_closed")
def services_closed(scheme: Scheme, quarters: Sequence[Quarter]) -> Measured:
    """Of the services the scheme sent connection requests to over the four quarters (the
    part of the directory it relies on), the share whose listing moved to inactive, defunct
    or temporarily closed during the quarter, as the directory's version history
    (`directory.versioning`) records. Two queries."""
    used = set(_connections(scheme, quarters).values_list("service_id", flat=True).distinct())
    if not used:
        return {}
    changes = (
        Metadata.objects.filter(
            resource_type=Entity.SERVICE,
            resource_id__in=sorted(used, key=str),
            field_name="status",
            replacement_value__in=[str(s) for s in CLOSED_STATUSES],
            last_action_date__gte=quarters[0].start,
            last_action_date__lt=quarters[-1].end,
        )
        .annotate(q=_quarter_of("last_action_date", quarters))
        .order_by()
        .values_list("q", "resource_id")
        .distinct()
    )
    closed: Counter[int] = Counter(q for q, _ in changes if q is not None)
    return {
        i: Measurement(round(100 * closed[i] / len(used), 1), closed[i], len(used))
        for i in range(len(quarters))
    }


@measure("directory.tips_shared")
def tips_shared(scheme: Scheme, quarters: Sequence[Quarter]) -> Measured:
    """The scheme's active link workers (today's, for every quarter) who wrote at least one
    tip about a service in the quarter that a curator has not rejected. Two queries; no link
    workers, no measurement."""
    workers = list(link_workers(scheme).values_list("pk", flat=True))
    if not workers:
        return {}
    rows = (
        ServiceTip.objects.filter(
            author_id__in=workers,
            created_at__gte=quarters[0].start,
            created_at__lt=quarters[-1].end,
        )
        .exclude(status=TipStatus.REJECTED)
        .annotate(q=_quarter_of("created_at", quarters))
        .order_by()
        .values("q")
        .annotate(part=Count("author_id", distinct=True))
    )
    shared = {row["q"]: row["part"] for row in rows if row["q"] is not None}
    return _share(
        [{"q": i, "part": shared.get(i, 0), "whole": len(workers)} for i in range(len(quarters))]
    )


@measure("directory.freshness")
def freshness(scheme: Scheme, quarters: Sequence[Quarter]) -> Measured:
    """Services the scheme asked to take people in the latest quarter that someone has
    checked within the directory's stale limit, as of today. A snapshot: a listing keeps only
    its latest check, so earlier quarters cannot be told."""
    latest = len(quarters) - 1
    used = _connections(scheme, quarters[latest:]).values("service_id")
    cutoff = timezone.localdate() - timedelta(days=stale_after_days())
    found = Service.objects.filter(pk__in=used).aggregate(
        whole=Count("pk"), part=Count("pk", filter=Q(assured_date__gte=cutoff))
    )
    return _share([{"q": latest, **found}])


# --- Link worker support -----------------------------------------------------------------


@measure("support.supervision_frequency")
def supervision_frequency(scheme: Scheme, quarters: Sequence[Quarter]) -> Measured:
    """Supervision sessions per link worker per month in each quarter
    (`support.measures.supervision_rate`: two queries a quarter). No link workers, no
    measurement."""
    found: Measured = {}
    for i, quarter in enumerate(quarters):
        rate = support_measures.supervision_rate(scheme, quarter.first, quarter.last)
        if rate.value is not None:
            found[i] = Measurement(round(rate.value, 2), int(rate.numerator), int(rate.denominator))
    return found


@measure("support.training_in_date")
def training_in_date(scheme: Scheme, quarters: Sequence[Quarter]) -> Measured:
    """The share of required courses in date on each quarter's last day
    (`support.measures.training_compliance`: three queries a quarter). No required courses or
    no link workers, no measurement."""
    found: Measured = {}
    for i, quarter in enumerate(quarters):
        rate = support_measures.training_compliance(scheme, quarter.last)
        if rate.value is not None:
            found[i] = Measurement(
                round(100 * rate.value, 1), int(rate.numerator), int(rate.denominator)
            )
    return found


def check_sources() -> None:
    """Every indicator names a measure that exists."""
    missing = sorted(i.source for i in INDICATORS.values() if i.source not in MEASURES)
    if missing:
        raise LookupError(f"Indicators name measures that do not exist: {', '.join(missing)}")


check_sources()
