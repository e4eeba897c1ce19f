"""Synthetic outcome measures for the demo: SWEMWBS and ONS4 at first contact, at the
follow-up week and at discharge, as the default schedule asks, most people a little better by
the end. Scored by the real scoring library, so every number is what Linkwork would compute.

Some people whose low mood was the reason for referral also answered the PHQ-9 at first
contact; a few said they had thoughts of self-harm, which raised a safety flag. Most of those
flags were handled (what was done, by whom, when); the demo link worker has one still open,
so the flag can be seen and handled in the demo."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Sequence

from linkwork.outcomes.models import (
    FlagHandling,
    FlagKind,
    OutcomeMeasure,
    SafetyFlag,
    TimePoint,
)
from linkwork.outcomes.schedules import DEFAULT_FOLLOW_UP_WEEKS
from linkwork.outcomes.scoring import INSTRUMENTS, score
from linkwork.referrals.lifecycle import Status
from linkwork.referrals.models import Referral, StatusChange

# How often a scheduled measure was actually recorded, as in practice: not every time.
RECORDED = {TimePoint.BASELINE: 0.85, TimePoint.FOLLOW_UP: 0.65, TimePoint.DISCHARGE: 0.6}
# Of people referred for low mood whose support started, how many answered the PHQ-9 at
# first contact, and of those how many answered question 9 (self-harm) above "not at all".
PHQ9_SHARE = 0.5
SELF_HARM_SHARE = 0.1
# Of flags on open cases, how many a link worker has already recorded as handled.
HANDLED_SHARE = 0.7
HANDLED_ACTIONS = [
    "Talked it through the same day. They have no plans to act on the thoughts and agreed a "
    "safety plan; GP told with their agreement.",
    "Phoned the same afternoon. They are safe and their daughter is with them; gave the "
    "crisis line number and booked a GP appointment for tomorrow.",
    "Discussed with the scheme lead and followed the safety procedure: GP practice told, "
    "crisis line number given, next contact in two days.",
]


def _answers(rng: random.Random, level: float, count: int, low: int, high: int) -> list[int]:
    """`count` answers around `level` (0 worst to 1 best) on a `low`..`high` scale."""
    centre = low + level * (high - low)
    return [max(low, min(high, round(rng.gauss(centre, 0.8)))) for _ in range(count)]


def _responses(rng: random.Random, instrument: str, level: float) -> dict[str, object]:
    if instrument == "swemwbs":
        return {"items": _answers(rng, level, 7, 1, 5)}
    happy = _answers(rng, level, 3, 0, 10)
    return {
        "life_satisfaction": happy[0],
        "worthwhile": happy[1],
        "happiness": happy[2],
        "anxiety": _answers(rng, 1 - level, 1, 0, 10)[0],
    }


def support_dates(
    changes: Iterable[StatusChange],
) -> tuple[dict[object, dt.datetime], dict[object, dt.datetime]]:
    """When each referral's support started (its first move to active) and when it closed."""
    started: dict[object, dt.datetime] = {}
    closed: dict[object, dt.datetime] = {}
    for change in changes:
        if change.to_status == Status.ACTIVE:
            started.setdefault(change.referral_id, change.changed_at)
        elif change.to_status == Status.CLOSED:
            closed[change.referral_id] = change.changed_at
    return started, closed


def scheduled(
    first: dt.datetime, end: dt.datetime | None, now: dt.datetime
) -> list[tuple[TimePoint, dt.datetime, float]]:
    """The measures the default schedule asks for of support that started at `first` and
    ended at `end` (None while open), as of `now`: each time point, when, and how much of the
    change by the end a person shows by then."""
    due = [(TimePoint.BASELINE, first, 0.0)]
    follow_up = first + dt.timedelta(weeks=DEFAULT_FOLLOW_UP_WEEKS)
    if follow_up < (end or now):
        due.append((TimePoint.FOLLOW_UP, follow_up, 0.7))
    if end is not None:
        due.append((TimePoint.DISCHARGE, end, 1.0))
    return due


def scored(
    referral: Referral,
    instrument: str,
    point: TimePoint,
    responses: dict[str, object],
    *,
    by: int,
    at: dt.datetime,
) -> OutcomeMeasure:
    """A measure of `instrument` for `referral`, scored by the real scoring library, recorded
    by `by` (the referral's link worker) at `at`."""
    result = score(instrument, responses)
    return OutcomeMeasure(
        referral_id=referral.pk,
        instrument=instrument,
        instrument_version=INSTRUMENTS[instrument].version,
        time_point=point,
        responses=responses,
        result=result.to_dict(),
        flags=list(result.flags or ()),
        recorded_by_id=by,
        recorded_at=at,
    )


def seed_outcomes(
    *,
    rng: random.Random,
    referrals: Sequence[Referral],
    changes: Iterable[StatusChange],
    now: dt.datetime,
    instruments: Sequence[str] = ("swemwbs", "ons4"),
    focus_worker_id: int | None = None,
) -> int:
    """Measures for every referral whose support started; returns how many were written.
    `focus_worker_id`, the demo link worker, gets one open self-harm flag to handle."""
    started, closed = support_dates(changes)
    measures = []
    for referral in referrals:
        first = started.get(referral.pk)
        if first is None or referral.link_worker_id is None:
            continue
        level = rng.uniform(0.2, 0.5)
        gain = rng.gauss(0.15, 0.12)
        for point, when, share in scheduled(first, closed.get(referral.pk), now):
            if rng.random() > RECORDED[point]:
                continue
            at_level = level + gain * share
            for instrument in instruments:
                responses = _responses(rng, instrument, min(1.0, max(0.0, at_level)))
                measures.append(
                    scored(
                        referral,
                        instrument,
                        point,
                        responses,
                        by=referral.link_worker_id,
                        at=when + dt.timedelta(minutes=30),
                    )
                )
    # Drawn last, so the measures above stay as they were for a given seed.
    measures += _phq9_with_flags(rng, referrals, started, closed, now, focus_worker_id)
    OutcomeMeasure.objects.bulk_create(measures, batch_size=2000)
    _write_flags(rng, measures, referrals, now, focus_worker_id)
    return len(measures)


def _phq9_with_flags(
    rng: random.Random,
    referrals: Sequence[Referral],
    started: dict[object, dt.datetime],
    closed: dict[object, dt.datetime],
    now: dt.datetime,
    focus_worker_id: int | None,
) -> list[OutcomeMeasure]:
    """PHQ-9 at first contact for some people referred for low mood; a few with question 9
    above 0. The focus link worker's first such open case always has one."""
    measures = []
    focus_done = False
    for referral in sorted(referrals, key=lambda r: str(r.pk)):
        first = started.get(referral.pk)
        if first is None or referral.link_worker_id is None or "low_mood" not in referral.needs:
            continue
        is_focus = (
            not focus_done
            and referral.link_worker_id == focus_worker_id
            and referral.status == Status.ACTIVE
        )
        if not is_focus and rng.random() > PHQ9_SHARE:
            continue
        self_harm = is_focus or rng.random() < SELF_HARM_SHARE
        focus_done = focus_done or is_focus
        items = _answers(rng, rng.uniform(0.3, 0.7), 9, 0, 3)
        items[8] = rng.choice((1, 2)) if self_harm else 0
        measures.append(
            scored(
                referral,
                "phq9",
                TimePoint.BASELINE,
                {"items": items},
                by=referral.link_worker_id,
                at=min(first + dt.timedelta(minutes=35), now),
            )
        )
    return measures


def _write_flags(
    rng: random.Random,
    measures: Sequence[OutcomeMeasure],
    referrals: Sequence[Referral],
    now: dt.datetime,
    focus_worker_id: int | None,
) -> None:
    """A flag for each PHQ-9 with thoughts of self-harm, handled within a day unless the case
    is still open and the draw (or the focus case) leaves it for the link worker."""
    status = {referral.pk: referral.status for referral in referrals}
    flags, handled = [], []
    focus_left_open = False
    for measure in measures:
        if measure.instrument != "phq9" or "self_harm_risk" not in (measure.flags or ()):
            continue
        flag = SafetyFlag(
            referral_id=measure.referral_id,
            kind=FlagKind.SELF_HARM,
            measure_id=measure.pk,
            raised_by_id=measure.recorded_by_id,
            raised_at=measure.recorded_at,
        )
        flags.append(flag)
        is_open = status[measure.referral_id] != Status.CLOSED
        if is_open and measure.recorded_by_id == focus_worker_id and not focus_left_open:
            focus_left_open = True
            continue
        if is_open and rng.random() > HANDLED_SHARE:
            continue
        handled.append(
            FlagHandling(
                flag=flag,
                action_taken=rng.choice(HANDLED_ACTIONS),
                handled_by_id=measure.recorded_by_id,
                handled_at=min(measure.recorded_at + dt.timedelta(hours=4), now),
            )
        )
    SafetyFlag.objects.bulk_create(flags, batch_size=2000)
    FlagHandling.objects.bulk_create(handled, batch_size=2000)
