"""Synthetic outcome measures for the demo: SWEMWBS and ONS4 at first contact, at the
follow-up week and at discharge, as the default schedule asks, most people a little better by
the end. Scored by the real scoring library, so every number is what Linkwork would compute."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Sequence

from linkwork.outcomes.models import OutcomeMeasure, TimePoint
from linkwork.outcomes.schedules import DEFAULT_FOLLOW_UP_WEEKS
from linkwork.outcomes.scoring import INSTRUMENTS, score
from linkwork.referrals.lifecycle import Status
from linkwork.referrals.models import Referral, StatusChange

# How often a scheduled measure was actually recorded, as in practice: not every time.
RECORDED = {TimePoint.BASELINE: 0.85, TimePoint.FOLLOW_UP: 0.65, TimePoint.DISCHARGE: 0.6}


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


def seed_outcomes(
    *,
    rng: random.Random,
    referrals: Sequence[Referral],
    changes: Iterable[StatusChange],
    now: dt.datetime,
    instruments: Sequence[str] = ("swemwbs", "ons4"),
) -> int:
    """Measures for every referral whose support started; returns how many were written."""
    started: dict[object, dt.datetime] = {}
    closed: dict[object, dt.datetime] = {}
    for change in changes:
        if change.to_status == Status.ACTIVE:
            started.setdefault(change.referral_id, change.changed_at)
        elif change.to_status == Status.CLOSED:
            closed[change.referral_id] = change.changed_at
    measures = []
    for referral in referrals:
        first = started.get(referral.pk)
        if first is None or referral.link_worker_id is None:
            continue
        level = rng.uniform(0.2, 0.5)
        gain = rng.gauss(0.15, 0.12)
        moments = [(TimePoint.BASELINE, first, level)]
        follow_up = first + dt.timedelta(weeks=DEFAULT_FOLLOW_UP_WEEKS)
        end = closed.get(referral.pk)
        if follow_up < (end or now):
            moments.append((TimePoint.FOLLOW_UP, follow_up, level + gain * 0.7))
        if end is not None:
            moments.append((TimePoint.DISCHARGE, end, level + gain))
        for point, when, at_level in moments:
            if rng.random() > RECORDED[point]:
                continue
            for instrument in instruments:
                responses = _responses(rng, instrument, min(1.0, max(0.0, at_level)))
                result = score(instrument, responses)
                measures.append(
                    OutcomeMeasure(
                        referral_id=referral.pk,
                        instrument=instrument,
                        instrument_version=INSTRUMENTS[instrument].version,
                        time_point=point,
                        responses=responses,
                        result=result.to_dict(),
                        flags=list(result.flags or ()),
                        recorded_by_id=referral.link_worker_id,
                        recorded_at=when + dt.timedelta(minutes=30),
                    )
                )
    OutcomeMeasure.objects.bulk_create(measures, batch_size=2000)
    return len(measures)
