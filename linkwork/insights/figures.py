"""Small pieces the dashboards share: percentages, weighted percentiles, working-day waits,
age bands and groups of the person's recorded details."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear

from linkwork.people.models import Person, ethnic_group
from linkwork.referrals.working_days import is_working_day

NOT_RECORDED = "Not recorded"


def percent(part: int, whole: int) -> float | None:
    """`part` as a percentage of `whole`, to one decimal place; None when `whole` is 0."""
    return round(100 * part / whole, 1) if whole else None


def per_thousand(part: int, whole: int | None) -> float | None:
    return round(1000 * part / whole, 1) if whole else None


def percentile(counts: Mapping[int, int], share: float) -> int | None:
    """The nearest-rank percentile of values given as {value: how many}: the smallest value
    at or below which at least `share` of them lie. None for no values."""
    total = sum(counts.values())
    if not total:
        return None
    rank = max(1, math.ceil(share * total))
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        if seen >= rank:
            return value
    return None  # pragma: no cover - the loop always reaches the rank


@lru_cache(maxsize=16)
def _running(first: dt.date, last: dt.date, nation: str) -> dict[dt.date, int]:
    """Working days from `first` up to and including each day to `last` (for `nation`'s bank
    holidays, the key of the cache)."""
    running: dict[dt.date, int] = {}
    counted = 0
    day = first
    while day <= last:
        counted += is_working_day(day)
        running[day] = counted
        day += dt.timedelta(days=1)
    return running


def working_day_waits(
    pairs: Iterable[tuple[dt.date, dt.date | None, int]],
    span: tuple[dt.date, dt.date] | None = None,
) -> Counter[int]:
    """{working days waited: how many} from (start day, end day, how many) groups; groups not
    yet ended are left out. Working days after the start up to and including the end, as
    `referrals.working_days.working_days_between` counts them, read off a running count of
    working days over the calendar the groups span (or `span`, when several calls share one),
    so each day is looked up once however many referrals there are."""
    given = [(start, end, n) for start, end, n in pairs if start is not None and end is not None]
    waits: Counter[int] = Counter()
    if not given:
        return waits
    first = min(start for start, _, _ in given)
    last = max(end for _, end, _ in given)
    if span is not None and span[0] <= first and last <= span[1]:
        first, last = span
    running = _running(first, last, str(getattr(settings, "LINKWORK_BANK_HOLIDAYS", "ENG")))
    for start, end, n in given:
        waits[max(0, running[end] - running[start])] += n
    return waits


# Age bands of the age on the day the referral was received.
AGE_BANDS: tuple[tuple[int, int | None, str], ...] = (
    (0, 17, "Under 18"),
    (18, 24, "18 to 24"),
    (25, 34, "25 to 34"),
    (35, 44, "35 to 44"),
    (45, 54, "45 to 54"),
    (55, 64, "55 to 64"),
    (65, 74, "65 to 74"),
    (75, 84, "75 to 84"),
    (85, None, "85 and over"),
)


def age_band_of(age: int) -> str:
    for low, high, name in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return name
    return AGE_BANDS[0][2]


def annotate_age(queryset, prefix: str = ""):  # type: ignore[no-untyped-def]
    """`queryset` annotated with `age_band_low`: the lowest age of the person's band on the day
    the referral was received."""
    received, born = f"{prefix}received_at", f"{prefix}person__date_of_birth"
    annotated = queryset.annotate(
        _ry=ExtractYear(received),
        _rm=ExtractMonth(received),
        _rd=ExtractDay(received),
        _by=ExtractYear(born),
        _bm=ExtractMonth(born),
        _bd=ExtractDay(born),
    ).annotate(
        _age=F("_ry")
        - F("_by")
        - Case(
            When(Q(_rm__lt=F("_bm")) | Q(_rm=F("_bm"), _rd__lt=F("_bd")), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    )
    whens = [When(_age__gte=low, then=Value(low)) for low, _, _ in reversed(AGE_BANDS)]
    return annotated.annotate(
        age_band_low=Case(*whens, default=Value(0), output_field=IntegerField())
    )


def age_band_name(low: int | None) -> str:
    for band_low, _, name in AGE_BANDS:
        if band_low == low:
            return name
    return NOT_RECORDED


def _choices(field: str) -> dict[str, str]:
    """The labels of a person field's choices, read from the model as it stands, so the
    figures follow the fields the record holds."""
    try:
        found = Person._meta.get_field(field)
    except FieldDoesNotExist:  # a field the record does not hold yet
        return {}
    choices = getattr(found, "choices", None) or []
    return {str(value): str(label) for value, label in choices}


def person_fields() -> set[str]:
    return {field.name for field in Person._meta.get_fields()}


def label_of(field: str, value: object) -> str:
    if value in (None, ""):
        return NOT_RECORDED
    return _choices(field).get(str(value), str(value))


def ethnicity_group(value: object) -> str:
    """The ONS 2021 high-level group of an ethnicity code ("White", "Asian or Asian British",
    ...), as the person model groups it (`people.models.ethnic_group`)."""
    if value in (None, ""):
        return NOT_RECORDED
    if str(value) not in _choices("ethnicity"):
        return str(value)
    return str(ethnic_group(str(value)).label)


def deprivation_quintile(decile: object) -> str:
    """IMD quintile from a decile: 1 is the most deprived fifth."""
    if not isinstance(decile, int) or not 1 <= decile <= 10:
        return NOT_RECORDED
    quintile = (decile + 1) // 2
    words = {1: "1 (most deprived)", 5: "5 (least deprived)"}
    return words.get(quintile, str(quintile))
