"""The facts the dashboards count, derived from the records and kept current.

A dashboard over a million referrals cannot afford to work out, per request and per referral,
whether there was a contact, how many working days triage took or how a score changed: those
are worked out here once, when the records change, into narrow rows (`insights.models`:
`ReferralFact`, `ContactFact`, `ConnectionFact`, `OutcomeFact`). The dashboards count those
rows with the same definitions they always used, so the figures are the same.

`refresh(referrals=..., people=...)` rewrites the facts of some referrals (every referral of
a person is rewritten together, so a person's details and "only referral" agree across them);
the task worker calls it as records change (`insights.signals`, `insights.tasks`). `rebuild()`
rewrites every fact (`linkwork insights refresh`): after a bulk load, or after a change the
records do not show (the bank holidays, an instrument's scoring, the time zone).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from linkwork.casework.lifecycle import ConnectionStatus
from linkwork.casework.models import Attendance, Connection, Contact, Outcome, SupportPlan
from linkwork.core.postcodes import InvalidPostcode, normalise_postcode
from linkwork.insights.figures import AGE_BANDS
from linkwork.insights.models import ConnectionFact, ContactFact, OutcomeFact, ReferralFact
from linkwork.outcomes.change import too_soon
from linkwork.outcomes.models import OutcomeMeasure, TimePoint
from linkwork.outcomes.scoring import INSTRUMENTS
from linkwork.referrals.lifecycle import Status
from linkwork.referrals.models import Referral, StatusChange
from linkwork.referrals.working_days import is_working_day

CHUNK = 5000
CONNECTED = (
    ConnectionStatus.ACCEPTED,
    ConnectionStatus.IN_PROGRESS,
    ConnectionStatus.ON_HOLD,
    ConnectionStatus.COMPLETED,
)
ATTENDING = (ConnectionStatus.IN_PROGRESS, ConnectionStatus.COMPLETED)
FIELDS = (
    "id",
    "person_id",
    "scheme_id",
    "route",
    "referring_organisation_id",
    "person__gp_practice_id",
    "link_worker_id",
    "received_at",
    "status",
    "decline_reason",
    "closure_reason",
    "needs",
    "person__date_of_birth",
    "person__sex",
    "person__ethnicity",
    "person__imd_decile",
    "person__digital_access",
    "person__preferred_language",
    "person__postcode",
)


class Calendar:
    """A running count of working days, so a wait is one subtraction: the working days after
    the start day up to and including the end day, as `working_days_between` counts them."""

    def __init__(self) -> None:
        self.first: dt.date | None = None
        self.last: dt.date | None = None
        self.running: dict[dt.date, int] = {}

    def _cover(self, low: dt.date, high: dt.date) -> None:
        if self.first is not None and self.last is not None:
            if self.first <= low and high <= self.last:
                return
            low, high = min(low, self.first), max(high, self.last)
        low, high = low - dt.timedelta(days=366), high + dt.timedelta(days=366)
        running, counted, day = {}, 0, low
        while day <= high:
            counted += is_working_day(day)
            running[day] = counted
            day += dt.timedelta(days=1)
        self.first, self.last, self.running = low, high, running

    def wait(self, start: dt.date, end: dt.date | None) -> int | None:
        if end is None:
            return None
        self._cover(min(start, end), max(start, end))
        return max(0, self.running[end] - self.running[start])


def _day(moment: dt.datetime | None) -> dt.date | None:
    """The day in the deployment's time zone, as the databases' `TruncDate` gives it."""
    return None if moment is None else timezone.localtime(moment).date()


def _response_days(
    calendar: Calendar, requested_at: dt.datetime | None, responded_at: dt.datetime | None
) -> int | None:
    """Working days from the request to the answer, when both are recorded."""
    asked = _day(requested_at)
    return None if asked is None else calendar.wait(asked, _day(responded_at))


def needs_key(needs: Sequence[str] | None) -> str:
    """A referral's needs as one short text, each once, sorted and comma-separated (needs are
    slugs): what the dashboards group by, much faster to compare than the JSON list."""
    return ",".join(sorted(set(needs or [])))


def needs_of(key: str) -> list[str]:
    """The needs a `needs_key` holds."""
    return key.split(",") if key else []


def band_low(age: int) -> int:
    """The lowest age of the age band `age` falls in (0 for the youngest band)."""
    return next((low for low, _, _ in reversed(AGE_BANDS) if age >= low), 0)


def _age(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _postcode(text: str) -> str:
    try:
        return normalise_postcode(text or "")
    except InvalidPostcode:
        return ""


def _outcome_rows(measures: Sequence[tuple[Any, ...]]) -> Iterator[tuple[str, str, Any, Any]]:
    """(instrument, score key, change, improved) for each score of one referral's measures
    with a baseline, as the outcomes figures define them: the baseline is the first measure
    marked baseline (else the first recorded), the follow-up the latest recorded long enough
    after it (`outcomes.change.too_soon`)."""
    from linkwork.insights.dashboards.outcomes import episodes, scores_of, value_of

    for episode in episodes(iter(measures)):
        inst = INSTRUMENTS.get(episode[0][1])
        if inst is None:
            continue
        base = next((m for m in episode if m[2] == TimePoint.BASELINE), episode[0])
        later = [
            m for m in episode if m is not base and m[3] > base[3] and not too_soon(base[3], m[3])
        ]
        for score in scores_of(inst):
            start = value_of(score, base[4], base[5])
            if start is None:
                continue
            ends = [v for m in later if (v := value_of(score, m[4], m[5])) is not None]
            change = ends[-1] - start if ends else None
            improved = None
            if change is not None and score.rule is not None:
                better = change if score.rule.improvement == "increase" else -change
                improved = better >= score.rule.points
            yield inst.id, score.key, change, improved


def _write(rows: list[dict[str, Any]], calendar: Calendar, now: dt.datetime) -> None:
    """Insert the facts of these referrals (their old facts already gone)."""
    ids = [row["id"] for row in rows]
    triaged: dict[Any, dt.datetime] = {}
    # A referral withdrawn before triage was never triaged: it waited for nobody.
    for referral_id, at in (
        StatusChange.objects.filter(referral_id__in=ids, from_status=Status.RECEIVED)
        .exclude(to_status=Status.WITHDRAWN)
        .values_list("referral_id", "changed_at")
    ):
        if referral_id not in triaged or at < triaged[referral_id]:
            triaged[referral_id] = at
    contacts = defaultdict(list)
    for contact in Contact.objects.filter(referral_id__in=ids).values_list(
        "id", "referral_id", "occurred_at", "mode", "outcome"
    ):
        contacts[contact[1]].append(contact)
    planned = set(
        SupportPlan.objects.filter(referral_id__in=ids, agreed_on__isnull=False).values_list(
            "referral_id", flat=True
        )
    )
    connections = defaultdict(list)
    for connection in Connection.objects.filter(referral_id__in=ids).values_list(
        "id",
        "referral_id",
        "service_id",
        "status",
        "created_at",
        "requested_at",
        "responded_at",
        "supported_linking",
        "waiting_list",
        "rejection_reason",
    ):
        connections[connection[1]].append(connection)
    went = set(
        Attendance.objects.filter(connection__referral_id__in=ids, attended=True).values_list(
            "connection__referral_id", flat=True
        )
    )
    measures = defaultdict(list)
    for measure in (
        OutcomeMeasure.objects.filter(referral_id__in=ids)
        .values_list(
            "referral_id", "instrument", "time_point", "recorded_at", "result", "responses"
        )
        .order_by("referral_id", "instrument", "recorded_at")
    ):
        measures[measure[0]].append(measure)
    people = {row["person_id"] for row in rows}
    referred = dict(
        Referral._default_manager.filter(person_id__in=people)
        .values("person_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("person_id", "n")
    )

    referral_facts, contact_facts, connection_facts, outcome_facts = [], [], [], []
    for row in rows:
        pk = row["id"]
        received = row["received_at"]
        received_on = _day(received)
        assert received_on is not None
        born = row["person__date_of_birth"]
        dimensions = {
            "scheme_id": row["scheme_id"],
            "route": row["route"],
            "referring_organisation_id": row["referring_organisation_id"],
            "gp_practice_id": row["person__gp_practice_id"],
            "link_worker_id": row["link_worker_id"],
            "received_at": received,
        }
        characteristics = {
            "sex": row["person__sex"] or "",
            "ethnicity": row["person__ethnicity"] or "",
            "imd_decile": row["person__imd_decile"],
            "digital_access": row["person__digital_access"] or "",
            "preferred_language": row["person__preferred_language"] or "",
        }
        own_contacts = contacts.get(pk, [])
        attended_at = [c[2] for c in own_contacts if c[4] == Outcome.ATTENDED]
        own_connections = connections.get(pk, [])
        statuses = {c[3] for c in own_connections}
        referral_facts.append(
            ReferralFact(
                referral_id=pk,
                person_id=row["person_id"],
                only_referral=referred.get(row["person_id"], 0) <= 1,
                received_month=received_on.replace(day=1),
                status=row["status"],
                decline_reason=row["decline_reason"] or "",
                closure_reason=row["closure_reason"] or "",
                needs=row["needs"] or [],
                needs_key=needs_key(row["needs"]),
                had_contact=bool(attended_at),
                plan_agreed=pk in planned,
                connected=bool(statuses.intersection(CONNECTED)),
                attended=bool(statuses.intersection(ATTENDING)) or pk in went,
                triage_wait=calendar.wait(received_on, _day(triaged.get(pk))),
                first_contact_wait=calendar.wait(
                    received_on, _day(min(attended_at)) if attended_at else None
                ),
                postcode=_postcode(row["person__postcode"]),
                refreshed_at=now,
                age_band_low=band_low(_age(born, received_on)) if born else None,
                **characteristics,
                **dimensions,
            )
        )
        for contact_id, _, occurred_at, mode, outcome in own_contacts:
            contact_facts.append(
                ContactFact(
                    contact=contact_id,
                    referral_id=pk,
                    occurred_at=occurred_at,
                    mode=mode,
                    outcome=outcome,
                    **dimensions,
                )
            )
        for (
            connection_id,
            _,
            service_id,
            status,
            created_at,
            requested_at,
            responded_at,
            supported,
            waitlisted,
            rejection,
        ) in own_connections:
            connection_facts.append(
                ConnectionFact(
                    connection=connection_id,
                    referral_id=pk,
                    person_id=row["person_id"],
                    service_id=service_id,
                    created_at=created_at,
                    status=status,
                    supported_linking=supported,
                    waiting_list=waitlisted,
                    rejection_reason=rejection or "",
                    responded=responded_at is not None,
                    response_days=_response_days(calendar, requested_at, responded_at),
                    **dimensions,
                )
            )
        if pk in measures:
            # The age as the outcome figures have always taken it: on the day of the
            # received instant as stored (UTC).
            age_low = band_low(_age(born, received.date())) if born else None
            for instrument, key, change, improved in _outcome_rows(measures[pk]):
                outcome_facts.append(
                    OutcomeFact(
                        referral_id=pk,
                        instrument=instrument,
                        score_key=key,
                        change=change,
                        improved=improved,
                        age_band_low=age_low,
                        **characteristics,
                        **dimensions,
                    )
                )
    ReferralFact.objects.bulk_create(referral_facts, batch_size=2000)
    ContactFact.objects.bulk_create(contact_facts, batch_size=2000)
    ConnectionFact.objects.bulk_create(connection_facts, batch_size=2000)
    OutcomeFact.objects.bulk_create(outcome_facts, batch_size=2000)


def _forget(ids: Sequence[Any]) -> None:
    for model in (ReferralFact, ContactFact, ConnectionFact, OutcomeFact):
        model.objects.filter(referral_id__in=ids).delete()


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def refresh(*, referrals: Iterable[Any] = (), people: Iterable[Any] = ()) -> int:
    """Rewrite the facts of these referrals and of every referral of these people, together
    with every other referral of the same people. Returns how many referrals were rewritten."""
    referral_ids, person_ids = list(referrals), list(people)
    if not referral_ids and not person_ids:
        return 0
    persons = Referral._default_manager.filter(pk__in=referral_ids).values("person_id")
    rows = list(
        Referral._default_manager.filter(Q(person_id__in=persons) | Q(person_id__in=person_ids))
        .order_by()
        .values(*FIELDS)
    )
    calendar, now = Calendar(), timezone.now()
    with transaction.atomic():
        # Referrals gone since they were asked for lose their facts with the rest.
        ids = sorted({row["id"] for row in rows} | set(referral_ids), key=str)
        for chunk in _chunks(ids):
            _forget(chunk)
        for chunk in _chunks(rows):
            _write(list(chunk), calendar, now)
    return len(rows)


def rebuild(*, progress: Any = None) -> int:
    """Rewrite every fact from the records, a chunk of referrals at a time."""
    calendar, now = Calendar(), timezone.now()
    written = 0
    with transaction.atomic():
        for model in (OutcomeFact, ConnectionFact, ContactFact, ReferralFact):
            model.objects.all().delete()
        after: Any = None
        while True:
            page = Referral._default_manager.order_by("id")
            if after is not None:
                page = page.filter(id__gt=after)
            rows = list(page.values(*FIELDS)[:CHUNK])
            if not rows:
                break
            _write(rows, calendar, now)
            written += len(rows)
            after = rows[-1]["id"]
            if progress is not None:
                progress(written)
    return written


def as_of() -> dt.datetime | None:
    """When the facts were last written (None before the first time)."""
    latest = ReferralFact.objects.order_by("-refreshed_at").values_list("refreshed_at", flat=True)
    return latest.first()
