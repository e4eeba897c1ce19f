"""Demo appointments: each link worker's diary this week and next, Monday to Friday, with
some already past and waiting to be recorded, one cancelled, and the rest to come (so a demo
seeded at the weekend still has appointments ahead). Synthetic, from the demo's
own people and referrals."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from linkwork.casework.models import Appointment, AppointmentStatus, Mode
from linkwork.people.models import DigitalAccess
from linkwork.referrals.lifecycle import OPEN_STATUSES
from linkwork.referrals.models import Referral

# Made-up places in the demo's made-up town.
VENUES = (
    "Brackenfield Library, meeting room 2",
    "The Hub café, Market Street",
    "Community centre, Mill Lane",
    "Health centre, room 4",
    "Riverside Park, by the bandstand",
)
SLOTS = ((9, 30), (11, 0), (13, 30), (15, 0))
PER_WORKER = 8


def _mode(rng: random.Random, referral: Any) -> tuple[str, str]:
    modes = [Mode.IN_PERSON, Mode.IN_PERSON, Mode.PHONE, Mode.HOME_VISIT]
    if referral.person.digital_access != DigitalAccess.NONE:
        modes.append(Mode.VIDEO)
    mode = rng.choice(modes)
    if mode == Mode.IN_PERSON:
        return mode, rng.choice(VENUES)
    if mode == Mode.VIDEO:
        return mode, "Video link sent by text"
    return mode, ""


def seed_appointments(*, rng: random.Random, now: dt.datetime) -> int:
    """Up to `PER_WORKER` appointments for each link worker with open cases, on the working
    days of this week and next; returns how many were made."""
    today = timezone.localtime(now).date()
    monday = today - dt.timedelta(days=today.weekday())
    slots = [
        timezone.make_aware(dt.datetime.combine(monday + dt.timedelta(days=day), dt.time(h, m)))
        for day in (0, 1, 2, 3, 4, 7, 8, 9, 10, 11)
        for h, m in SLOTS
    ]
    by_worker: dict[int, list[Referral]] = {}
    for referral in (
        Referral.objects.filter(status__in=OPEN_STATUSES, link_worker__isnull=False)
        .select_related("person")
        .order_by("link_worker_id", "received_at")
    ):
        by_worker.setdefault(referral.link_worker_id or 0, []).append(referral)
    made: list[Appointment] = []
    for worker_id, referrals in sorted(by_worker.items()):
        chosen = rng.sample(referrals, min(PER_WORKER, len(referrals)))
        times = sorted(rng.sample(slots, len(chosen)))
        cancelled = False
        for referral, starts_at in zip(chosen, times, strict=True):
            mode, place = _mode(rng, referral)
            status = AppointmentStatus.BOOKED
            if starts_at > now and not cancelled:
                # One cancellation a week, so the diary shows what one looks like.
                status, cancelled = AppointmentStatus.CANCELLED, True
            made.append(
                Appointment(
                    referral=referral,
                    link_worker_id=worker_id,
                    starts_at=starts_at,
                    duration_minutes=rng.choice((30, 45, 60, 60)),
                    mode=mode,
                    place=place,
                    status=status,
                    created_by_id=worker_id,
                    updated_by_id=worker_id,
                    created_at=min(now, starts_at) - dt.timedelta(days=rng.randint(2, 14)),
                    updated_at=min(now, starts_at),
                )
            )
    Appointment.objects.bulk_create(made, batch_size=500)
    return len(made)
