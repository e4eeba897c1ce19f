"""When outcome measures are due: each scheme's schedule, and what is due or overdue now.

A schedule says which instruments are asked at first contact (baseline), a number of weeks
after first contact (follow-up) and at discharge. The default follows common practice in
social prescribing evaluation: SWEMWBS and ONS4 at each of the three.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Min

from linkwork.outcomes.licensing import recordable, switched_off
from linkwork.outcomes.models import OutcomeMeasure, TimePoint
from linkwork.outcomes.scoring import INSTRUMENTS
from linkwork.referrals.lifecycle import Status
from linkwork.referrals.models import StatusChange

DEFAULT_INSTRUMENTS = ("swemwbs", "ons4")
DEFAULT_FOLLOW_UP_WEEKS = 12
# A measure is overdue once this many days have passed since it was due.
GRACE_DAYS = 14


def default_schedule() -> dict[str, Any]:
    return {
        "baseline": list(DEFAULT_INSTRUMENTS),
        "follow_up": list(DEFAULT_INSTRUMENTS),
        "follow_up_weeks": DEFAULT_FOLLOW_UP_WEEKS,
        "discharge": list(DEFAULT_INSTRUMENTS),
    }


class ScheduleError(ValueError):
    """A scheme's outcome schedule is not valid; the message names the part."""


@dataclass(frozen=True)
class Schedule:
    baseline: tuple[str, ...]
    follow_up: tuple[str, ...]
    follow_up_weeks: int
    discharge: tuple[str, ...]


def parse_schedule(raw: Mapping[str, Any] | None) -> Schedule:
    """A schedule from a scheme's stored settings; missing parts take the default."""
    merged = {**default_schedule(), **(raw or {})}
    parts: dict[str, tuple[str, ...]] = {}
    for key in ("baseline", "follow_up", "discharge"):
        value = merged[key]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ScheduleError(f"{key}: give a list of instrument ids")
        unknown = [v for v in value if v not in INSTRUMENTS]
        if unknown:
            raise ScheduleError(f"{key}: unknown instrument {unknown[0]!r}")
        parts[key] = tuple(value)
    weeks = merged["follow_up_weeks"]
    if not isinstance(weeks, int) or isinstance(weeks, bool) or not 1 <= weeks <= 104:
        raise ScheduleError("follow_up_weeks: give a whole number of weeks from 1 to 104")
    return Schedule(parts["baseline"], parts["follow_up"], weeks, parts["discharge"])


@dataclass(frozen=True)
class DueMeasure:
    instrument: str
    name: str
    time_point: TimePoint
    due_on: dt.date
    overdue: bool

    @property
    def label(self) -> str:
        return f"{self.name} ({self.time_point.label.lower()})"


def due_measures(
    referrals: Iterable[Any],
    *,
    today: dt.date,
    schedules: Mapping[Any, Any] | None = None,
) -> dict[Any, list[DueMeasure]]:
    """For each open referral, the scheduled measures now due and not yet recorded.

    Baseline measures are due from first contact; follow-up measures from the scheme's
    follow-up week. Discharge measures are asked when support ends, so never listed here.
    Instruments the referral's scheme may not record (licence not switched on for the
    installation, or switched off for the scheme) are never due.
    `schedules` maps scheme ids to their stored schedules; without it each referral's scheme is
    read. Two queries, whatever the number of referrals, and a third for the schemes' licence
    switches when the installation allows any licensed instrument.
    """
    referrals = [r for r in referrals if r.status in (Status.ACTIVE, Status.ON_HOLD)]
    if not referrals:
        return {}
    ids = [r.pk for r in referrals]
    started = dict(
        StatusChange.objects.filter(referral_id__in=ids, to_status=Status.ACTIVE)
        .values("referral_id")
        .annotate(first=Min("changed_at"))
        .values_list("referral_id", "first")
    )
    recorded: set[tuple[Any, str, str]] = set(
        OutcomeMeasure.objects.filter(referral_id__in=ids).values_list(
            "referral_id", "instrument", "time_point"
        )
    )
    # Each scheme's licence switches, read once for the run (see `licensing`).
    off = switched_off({referral.scheme_id for referral in referrals})
    due: dict[Any, list[DueMeasure]] = {}
    parsed: dict[Any, Schedule] = {}  # each scheme's schedule, read once for all its people
    for referral in referrals:
        first = started.get(referral.pk)
        if first is None:
            continue
        schedule = parsed.get(referral.scheme_id)
        if schedule is None:
            raw = (
                schedules.get(referral.scheme_id)
                if schedules is not None
                else referral.scheme.outcome_schedule
            )
            schedule = parsed[referral.scheme_id] = parse_schedule(raw)
        start = first.date()
        plan = [(slug, TimePoint.BASELINE, start) for slug in schedule.baseline] + [
            (slug, TimePoint.FOLLOW_UP, start + dt.timedelta(weeks=schedule.follow_up_weeks))
            for slug in schedule.follow_up
        ]
        found = [
            DueMeasure(
                instrument=slug,
                name=INSTRUMENTS[slug].name,
                time_point=point,
                due_on=due_on,
                overdue=today > due_on + dt.timedelta(days=GRACE_DAYS),
            )
            for slug, point, due_on in plan
            if due_on <= today
            and (referral.pk, slug, point.value) not in recorded
            and recordable(INSTRUMENTS[slug], off=off.get(referral.scheme_id, frozenset()))
        ]
        if found:
            due[referral.pk] = found
    return due
