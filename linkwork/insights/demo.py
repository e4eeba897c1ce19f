"""Synthetic clinical measures and health-care use for the demo, so an evaluation of the demo
data has every section to show. Made up, like every demo person: no real record is behind
any figure.

Only people with an NHS number no one else has get any, since a GP or hospital file is
matched by it. Each
person's index month is the month their first referral was received:
- health-care use: counts of GP appointments, A&E attendances, non-elective and elective
  admissions and outpatient attendances by quarter (three calendar months): the four
  quarters before the index month, the quarter it starts, and up to four after that (each
  quarter once it has ended before today), more for people with long-term conditions and
  for older people, and with no trend before referral;
- clinical measures, for people with long-term conditions: HbA1c (most of those with type
  2 diabetes, some others), BMI, blood pressure, total cholesterol and smoking status, once
  in the six months before referral and once four to ten months after it when that has come.

People whom a provider took on (a connection accepted, attending, paused or completed)
shift modestly from unplanned to planned care afterwards and improve a little more than the
rest, about as much as published evaluations of social prescribing suggest is believable: a
demo shows the analysis working, never evidence that it works.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.db.models import Count, Exists, Min, OuterRef
from django.utils import timezone

from linkwork.casework.models import Connection
from linkwork.insights.facts import CONNECTED
from linkwork.insights.models import (
    CareSetting,
    CareUse,
    ClinicalMeasure,
    ClinicalMeasureKind,
    SmokingStatus,
)
from linkwork.people.models import Person

BATCH = 5_000
QUARTERS_BEFORE = 4
QUARTERS_AFTER = 4
DIABETES = "type 2 diabetes"
# Uses a year: (base, extra with a long-term condition).
RATES = {
    CareSetting.GP_APPOINTMENT: (4.5, 3.0),
    CareSetting.AE_ATTENDANCE: (0.3, 0.35),
    CareSetting.NON_ELECTIVE_ADMISSION: (0.08, 0.15),
    CareSetting.ELECTIVE_ADMISSION: (0.06, 0.06),
    CareSetting.OUTPATIENT_ATTENDANCE: (1.0, 1.3),
}
# After referral, against before: (connected, not connected).
AFTER = {
    CareSetting.GP_APPOINTMENT: (0.9, 1.0),
    CareSetting.AE_ATTENDANCE: (0.8, 0.98),
    CareSetting.NON_ELECTIVE_ADMISSION: (0.8, 1.0),
    CareSetting.ELECTIVE_ADMISSION: (1.1, 1.0),
    CareSetting.OUTPATIENT_ATTENDANCE: (1.1, 1.02),
}


@dataclass(frozen=True)
class Someone:
    person_id: uuid.UUID
    born: dt.date
    conditions: tuple[str, ...]
    index: dt.date
    connected: bool


def _month_start(day: dt.date, months: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth's method: the means here are small)."""
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def people_to_seed() -> Iterator[Someone]:
    """Everyone with an NHS number no one else has (so a file could match them) and a
    referral: their index day and whether a provider took them on in any referral."""
    shared = (
        Person._default_manager.exclude(nhs_number="")
        .order_by()
        .values("nhs_number")
        .annotate(people=Count("pk"))
        .filter(people__gt=1)
        .values("nhs_number")
    )
    connected = Connection._default_manager.filter(
        referral__person_id=OuterRef("pk"), status__in=CONNECTED
    )
    rows = (
        Person._default_manager.exclude(nhs_number="")
        .exclude(nhs_number__in=shared)
        .annotate(
            first=Min("referrals__received_at"),
            connected=Exists(connected),
        )
        .filter(first__isnull=False)
        .order_by("pk")
        .values_list("pk", "date_of_birth", "long_term_conditions", "first", "connected")
    )
    for pk, born, conditions, first, took_on in rows.iterator(BATCH):
        yield Someone(
            person_id=pk,
            born=born,
            conditions=tuple(conditions or ()),
            index=timezone.localtime(first).date(),
            connected=bool(took_on),
        )


def quarters_of(someone: Someone, today: dt.date) -> list[tuple[int, dt.date, dt.date]]:
    """The person's quarters as (quarter, first day, last day): quarter 0 is the three months
    from the index month, -4 to -1 the year before it, and 1 to 4 the year after it as far
    as full quarters have ended before today."""
    month = _month_start(someone.index)
    last_full = _month_start(today) - dt.timedelta(days=1)
    found = []
    for quarter in range(-QUARTERS_BEFORE, QUARTERS_AFTER + 1):
        start = _month_start(month, 3 * quarter)
        end = _month_start(month, 3 * quarter + 3) - dt.timedelta(days=1)
        if end > last_full:
            break
        found.append((quarter, start, end))
    return found


def care_use_of(rng: random.Random, someone: Someone, today: dt.date) -> list[CareUse]:
    """Counts of each kind of care by quarter around the index month: the same rate in every
    quarter before it (no trend to test against), and for people taken on a shift that is
    half made in the quarter support starts and whole from the next."""
    rows = []
    age = (someone.index - someone.born).days / 365.25
    frailty = 1.3 if age >= 65 else 1.0
    usual = rng.lognormvariate(0, 0.35)  # some people use more care than others
    for setting, (base, extra) in RATES.items():
        rate = (base + (extra if someone.conditions else 0)) * frailty * usual / 4
        shift = AFTER[setting][0 if someone.connected else 1]
        for quarter, start, end in quarters_of(someone, today):
            factor = 1.0 if quarter < 0 else shift if quarter else (1.0 + shift) / 2
            rows.append(
                CareUse(
                    person_id=someone.person_id,
                    setting=setting,
                    period_start=start,
                    period_end=end,
                    count=_poisson(rng, rate * factor),
                )
            )
    return rows


def _on(rng: random.Random, day: dt.date, low: int, high: int) -> dt.date:
    return day + dt.timedelta(days=rng.randint(low, high))


def clinical_of(rng: random.Random, someone: Someone, today: dt.date) -> list[ClinicalMeasure]:
    if not someone.conditions:
        return []
    before = _on(rng, someone.index, -180, -14)
    after = _on(rng, someone.index, 120, 300)
    days = [before] + ([after] if after < today else [])
    better = someone.connected
    rows = []

    def add(
        measure: str,
        start: float,
        change: float,
        spread: float,
        low: float,
        high: float,
        decimals: int,
    ) -> None:
        value = min(high, max(low, start))
        for n, day in enumerate(days):
            if n:
                value = min(high, max(low, value + change + rng.gauss(0, spread)))
            rows.append(
                ClinicalMeasure(
                    person_id=someone.person_id,
                    measure=measure,
                    measured_on=day,
                    value=round(value, decimals),
                )
            )

    diabetic = DIABETES in someone.conditions
    if diabetic or rng.random() < 0.4:
        start = rng.gauss(64, 12) if diabetic else rng.gauss(39, 4)
        change = (-2.5 if better else -0.5) if diabetic else 0.0
        add(ClinicalMeasureKind.HBA1C, start, change, 5 if diabetic else 2, 28, 130, 0)
    add(ClinicalMeasureKind.BMI, rng.gauss(30.5, 5), -0.5 if better else -0.1, 1.0, 16, 60, 1)
    systolic = rng.gauss(138, 16)
    add(ClinicalMeasureKind.SYSTOLIC_BP, systolic, -3 if better else -0.5, 9, 95, 210, 0)
    diastolic = min(systolic - 25, rng.gauss(84, 9))
    add(ClinicalMeasureKind.DIASTOLIC_BP, diastolic, -1.5 if better else -0.3, 5, 50, 125, 0)
    add(
        ClinicalMeasureKind.TOTAL_CHOLESTEROL,
        rng.gauss(5.0, 1.0),
        -0.1 if better else 0.0,
        0.4,
        2.5,
        9,
        1,
    )
    status = rng.choices(
        [SmokingStatus.CURRENT, SmokingStatus.EX, SmokingStatus.NEVER], [20, 30, 50]
    )[0]
    for n, day in enumerate(days):
        if n and status == SmokingStatus.CURRENT and rng.random() < (0.12 if better else 0.05):
            status = SmokingStatus.EX
        rows.append(
            ClinicalMeasure(
                person_id=someone.person_id,
                measure=ClinicalMeasureKind.SMOKING_STATUS,
                measured_on=day,
                category=status,
            )
        )
    return rows


def _write(model: type[CareUse] | type[ClinicalMeasure], rows: Sequence[object]) -> None:
    model._default_manager.bulk_create(rows, batch_size=BATCH)  # type: ignore[arg-type]


def seed_clinical(*, seed: int, today: dt.date) -> tuple[int, int]:
    """Write the demo's clinical measures and care use; (measures, counts) written. Its own
    stream of random numbers, so the rest of the demo is the same with or without it."""
    rng = random.Random(f"clinical-{seed}")
    measures: list[ClinicalMeasure] = []
    counts: list[CareUse] = []
    written = [0, 0]
    # Read first, then write: no table is written while a cursor over people is open.
    for someone in list(people_to_seed()):
        measures += clinical_of(rng, someone, today)
        counts += care_use_of(rng, someone, today)
        if len(counts) >= BATCH:
            _write(CareUse, counts)
            written[1] += len(counts)
            counts = []
        if len(measures) >= BATCH:
            _write(ClinicalMeasure, measures)
            written[0] += len(measures)
            measures = []
    _write(CareUse, counts)
    _write(ClinicalMeasure, measures)
    return written[0] + len(measures), written[1] + len(counts)
