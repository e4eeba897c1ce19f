"""Casework's side of matching. Matching is a library that knows no referrals, so what it needs
from cases is gathered here: the person's profile from a referral and its plan, how providers
have answered past connections, whose shown-log each user may see, and what happened after
each service was shown (the outcomes learning fits on)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from statistics import median
from typing import Any, Final

from django.db import connection
from django.db.models import Aggregate, Count, F, FloatField, Q, QuerySet
from django.utils import timezone

from linkwork.accounts import permissions
from linkwork.accounts.models import Role
from linkwork.casework.lifecycle import ConnectionStatus
from linkwork.casework.models import Attendance, Connection, ConnectionStatusChange, SupportPlan
from linkwork.directory.models import Attribute, Entity
from linkwork.directory.taxonomy import LINKWORK_TAXONOMY_ID
from linkwork.matching.engine import ProviderStats, Recommendations
from linkwork.matching.facts import ServiceFacts
from linkwork.matching.learning import Outcome
from linkwork.matching.models import Shown
from linkwork.matching.profile import Profile, age_on
from linkwork.matching.service import locate, recommend
from linkwork.people.models import DigitalAccess, Sex
from linkwork.referrals.models import Referral

SEXES: dict[str, str] = {Sex.FEMALE: "female", Sex.MALE: "male"}
DIGITAL: dict[str, str] = {DigitalAccess.NONE: "none", DigitalAccess.LIMITED: "limited"}
# A connection counts for a showing only if made within this many days of it.
ATTRIBUTION_DAYS: Final = 90
STILL_ATTENDING_WEEKS: Final = 8
_MADE_STATUSES = frozenset(ConnectionStatus) - {ConnectionStatus.DRAFT}
_ACCEPTED_STATUSES = frozenset(
    {
        ConnectionStatus.ACCEPTED,
        ConnectionStatus.IN_PROGRESS,
        ConnectionStatus.COMPLETED,
        # The lifecycle reaches failed only from accepted or attending.
        ConnectionStatus.FAILED,
    }
)
_ATTENDING_STATUSES = frozenset({ConnectionStatus.IN_PROGRESS, ConnectionStatus.COMPLETED})


def profile_for_referral(referral: Referral, *, today: dt.date | None = None) -> Profile:
    """The person as matching sees them, from the referral, the person and the plan. Identity
    preferences are never inferred: only what the person opted into counts, and nothing on
    the record says that yet, so none are set."""
    today = today or timezone.localdate()
    person = referral.person
    plan = SupportPlan.objects.filter(referral=referral).first()
    what_matters = " ".join(
        part
        for part in (
            plan.what_matters if plan else "",
            referral.what_matters,
            referral.reason,
        )
        if part
    )
    point = locate(person.postcode)
    language = (person.preferred_language or "en").lower()[:2]
    if language == "en":
        languages: tuple[str, ...] = ("en",)
    elif person.interpreter_needed:
        languages = (language,)
    else:
        languages = ("en", language)
    return Profile(
        needs=tuple(referral.needs),
        what_matters=what_matters,
        age=age_on(person.date_of_birth, today),
        sex=SEXES.get(person.sex, "not_known"),
        languages=languages,
        latitude=point.latitude if point else None,
        longitude=point.longitude if point else None,
        area=point.local_authority if point else "",
        digital_access=DIGITAL.get(person.digital_access, "confident"),
    )


class MedianSeconds(Aggregate):
    """PostgreSQL's exact median of a duration, in seconds."""

    function = "PERCENTILE_CONT"
    template = "PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM %(expressions)s))"
    output_field = FloatField()


def _answered(organisations: Collection[Any]) -> Any:
    """The answered connections to services of `organisations` (both dates set, so the
    type checker's nullable dates are never None here)."""
    return Connection.objects.filter(
        service__organization_id__in=organisations,
        requested_at__isnull=False,
        responded_at__isnull=False,
    )


# How long one organisation's answer statistics are reused: they summarise months of answers,
# so minutes of staleness change no ranking, and the page asks on every view.
STATS_MAX_AGE_SECONDS: Final = 300
_stats_lock = threading.Lock()
_stats_cache: dict[str, tuple[float, ProviderStats | None]] = {}


def provider_stats(services: Sequence[ServiceFacts]) -> Mapping[str, ProviderStats]:
    """For each provider organisation among `services`, the median days to answer a request
    and the share accepted, from past connections. Each organisation's figures are kept for
    `STATS_MAX_AGE_SECONDS`; those missing or older are computed in one query: grouped, with
    the medians taken by the database on PostgreSQL. Reading every answered connection on
    every view of the recommendations took a second at the 100,000-person demo."""
    now = time.monotonic()
    wanted = {str(s.organization_id) for s in services}
    with _stats_lock:
        kept = {key: _stats_cache.get(key) for key in wanted}
    fresh = {
        key: entry[1]
        for key, entry in kept.items()
        if entry is not None and now - entry[0] < STATS_MAX_AGE_SECONDS
    }
    missing = wanted - set(fresh)
    if missing:
        computed = (
            _provider_stats_in_database(missing)
            if connection.vendor == "postgresql"
            else _provider_stats_in_python(missing)
        )
        with _stats_lock:
            for key in missing:
                fresh[key] = computed.get(key)
                _stats_cache[key] = (now, fresh[key])
    return {key: stats for key, stats in fresh.items() if stats is not None}


def clear_provider_stats() -> None:
    """Forget the kept figures (tests that change answers and rank again)."""
    with _stats_lock:
        _stats_cache.clear()


def _provider_stats_in_database(organisations: Collection[str]) -> Mapping[str, ProviderStats]:
    rows = (
        _answered(organisations)
        .order_by()
        .values("service__organization_id")
        .annotate(
            answered=Count("pk"),
            accepted=Count("pk", filter=~Q(status=ConnectionStatus.REJECTED)),
            median_seconds=MedianSeconds(F("responded_at") - F("requested_at")),
        )
    )
    return {
        str(row["service__organization_id"]): ProviderStats(
            median_days=row["median_seconds"] / 86400,
            acceptance_rate=row["accepted"] / row["answered"],
            answered=row["answered"],
        )
        for row in rows
    }


def _provider_stats_in_python(organisations: Collection[Any]) -> Mapping[str, ProviderStats]:
    """`provider_stats` where the database has no median (SQLite): the answers read, up to
    20,000 of them."""
    days: dict[str, list[float]] = defaultdict(list)
    accepted: dict[str, int] = defaultdict(int)
    for organisation_id, status, requested, responded in _answered(organisations).values_list(
        "service__organization_id", "status", "requested_at", "responded_at"
    )[:20000]:
        key = str(organisation_id)
        days[key].append((responded - requested).total_seconds() / 86400)
        if status != ConnectionStatus.REJECTED:
            accepted[key] += 1
    return {
        key: ProviderStats(
            median_days=median(values),
            acceptance_rate=accepted[key] / len(values),
            answered=len(values),
        )
        for key, values in days.items()
    }


def recommend_for_referral(
    referral: Referral,
    *,
    k: int = 10,
    shown_to: Any = None,
    today: dt.date | None = None,
    skip: Collection[str] = (),
) -> Recommendations:
    """Services for the person of a referral, ranked by matching with how providers have
    answered, and logged as shown for this referral."""
    today = today or timezone.localdate()
    return recommend(
        profile_for_referral(referral, today=today),
        k=k,
        case_ref=referral.pk,
        shown_to=shown_to,
        today=today,
        skip=skip,
        provider_stats=provider_stats,
    )


def cases_visible_to(user: Any) -> QuerySet[Referral, Any] | None:
    """The referrals whose shown-log a user may see: those of the schemes where they are a
    link worker or scheme lead (None for none). Registered with matching in `ready()`."""
    schemes = permissions.scheme_ids(user, Role.LINK_WORKER, Role.SCHEME_LEAD)
    return Referral.objects.filter(scheme_id__in=schemes).values("pk") if schemes else None


@dataclass(frozen=True)
class _Connection:
    created_at: dt.datetime
    status: str
    held_from: str
    requested_at: dt.datetime | None
    reached: frozenset[str]
    sessions: tuple[dt.date, ...]

    @property
    def made(self) -> bool:
        if self.status not in _MADE_STATUSES:
            return False
        if self.status != ConnectionStatus.CANCELLED:
            return True
        return self.requested_at is not None or bool(self.reached)

    @property
    def statuses(self) -> frozenset[str]:
        """Every status it has been in, as far as the record shows."""
        current = {self.status}
        if self.status == ConnectionStatus.ON_HOLD and self.held_from:
            current.add(self.held_from)
        return self.reached | current

    @property
    def accepted(self) -> bool:
        return bool(self.statuses & _ACCEPTED_STATUSES)

    @property
    def attended(self) -> bool:
        return bool(self.sessions) or bool(self.statuses & _ATTENDING_STATUSES)

    @property
    def still_attending(self) -> bool:
        since = timezone.localdate(self.created_at)
        eight_weeks = since + dt.timedelta(weeks=STILL_ATTENDING_WEEKS)
        return ConnectionStatus.COMPLETED in self.statuses or any(
            day >= eight_weeks for day in self.sessions
        )


def outcomes_of_shown(since: dt.datetime | None = None) -> list[Outcome]:
    """Every `Shown` row (from `since`, when given) with what happened for its referral and
    service, ordered by referral then time shown. Five queries whatever the number of rows."""
    shown: QuerySet[Shown] = Shown.objects.all()
    if since is not None:
        shown = shown.filter(shown_at__gte=since)
    rows = list(
        shown.order_by("case_ref", "shown_at", "id").values_list(
            "id", "case_ref", "service_id", "position", "score", "weights_version", "shown_at"
        )
    )
    if not rows:
        return []
    referrals = shown.values("case_ref")
    categories: dict[str, set[str]] = defaultdict(set)
    for link_id, code in Attribute.objects.filter(
        link_entity=Entity.SERVICE,
        taxonomy_term__taxonomy_id=LINKWORK_TAXONOMY_ID,
        link_id__in=shown.values("service_id"),
    ).values_list("link_id", "taxonomy_term__code"):
        categories[str(link_id)].add(code)
    reached: dict[Any, set[str]] = defaultdict(set)
    for connection_id, status in ConnectionStatusChange.objects.filter(
        connection__referral_id__in=referrals,
        to_status__in=_ACCEPTED_STATUSES | _ATTENDING_STATUSES | {ConnectionStatus.REQUESTED},
    ).values_list("connection_id", "to_status"):
        reached[connection_id].add(status)
    sessions: dict[Any, list[dt.date]] = defaultdict(list)
    for connection_id, day in Attendance.objects.filter(
        connection__referral_id__in=referrals, attended=True
    ).values_list("connection_id", "session_on"):
        sessions[connection_id].append(day)
    connections: dict[tuple[str, str], list[_Connection]] = defaultdict(list)
    for (
        pk,
        referral_id,
        service_id,
        status,
        held_from,
        requested_at,
        created_at,
    ) in Connection.objects.filter(referral_id__in=referrals).values_list(
        "id", "referral_id", "service_id", "status", "held_from", "requested_at", "created_at"
    ):
        connections[(str(referral_id), str(service_id))].append(
            _Connection(
                created_at=created_at,
                status=status,
                held_from=held_from,
                requested_at=requested_at,
                reached=frozenset(reached.get(pk, ())),
                sessions=tuple(sessions.get(pk, ())),
            )
        )
    window = dt.timedelta(days=ATTRIBUTION_DAYS)
    outcomes = []
    for pk, case_ref, service_id, position, score, version, shown_at in rows:
        key = (str(case_ref), str(service_id))
        made = [c for c in connections.get(key, ()) if c.made]
        after = [c for c in made if shown_at <= c.created_at <= shown_at + window]
        outcomes.append(
            Outcome(
                shown_id=pk,
                case_ref=key[0],
                service_id=key[1],
                position=position,
                score=score,
                weights_version=version,
                shown_at=shown_at,
                categories=frozenset(categories.get(key[1], ())),
                connected=bool(after),
                accepted=any(c.accepted for c in after),
                attended=any(c.attended for c in after),
                still_attending=any(c.still_attending for c in after),
                already_connected=any(c.created_at < shown_at for c in made),
            )
        )
    return outcomes
