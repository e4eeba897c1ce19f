"""Synthetic EQ-5D-5L for the demo, so the demo's evaluation has utilities for its QALYs and
cost-effectiveness section: at first contact and at the follow-up week or discharge, scored by
the real scoring library (England 5L value set). Made up, like every demo person.

Drawn from a random stream of its own, so the rest of the demo is the same with or without it.
People whom a provider took on improve a little more than the rest, about as much as published
evaluations suggest is believable (SPRING_NE's incremental QALY was 0.004): a demo shows the
analysis working, never evidence that social prescribing works.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Collection, Iterable, Sequence

from linkwork.outcomes.demo import scheduled, scored, support_dates
from linkwork.outcomes.models import OutcomeMeasure, TimePoint
from linkwork.referrals.models import Referral, StatusChange

RECORDED = {TimePoint.BASELINE: 0.8, TimePoint.FOLLOW_UP: 0.6, TimePoint.DISCHARGE: 0.6}
# Mean change in problem level (1 best to 5 worst) per dimension from first contact to the end.
GAIN = {True: 0.35, False: 0.2}


def _state(rng: random.Random, level: float) -> str:
    return "".join(str(max(1, min(5, round(rng.gauss(level, 0.7))))) for _ in range(5))


def seed_eq5d(
    *,
    rng: random.Random,
    referrals: Sequence[Referral],
    changes: Iterable[StatusChange],
    now: dt.datetime,
    connected: Collection[object] = (),
) -> int:
    """EQ-5D-5L measures for every referral whose support started; returns how many."""
    started, closed = support_dates(changes)
    measures = []
    for referral in referrals:
        first = started.get(referral.pk)
        if first is None or referral.link_worker_id is None:
            continue
        level = rng.uniform(1.6, 3.2)
        gain = rng.gauss(GAIN[referral.pk in connected], 0.3)
        for point, when, share in scheduled(first, closed.get(referral.pk), now):
            if rng.random() > RECORDED[point]:
                continue
            responses = {"state": _state(rng, level - gain * share), "vas": rng.randint(35, 90)}
            measures.append(
                scored(
                    referral,
                    "eq5d5l",
                    point,
                    responses,
                    by=referral.link_worker_id,
                    at=when + dt.timedelta(minutes=40),
                )
            )
    OutcomeMeasure.objects.bulk_create(measures, batch_size=2000)
    return len(measures)
