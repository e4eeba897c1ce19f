"""The demo's synthetic GP and hospital records: clinical measures before and after referral
for people with long-term conditions, care use by quarter in the year before and after, only for
people a real file could match (an NHS number), and a modest shift from unplanned to
planned care among the people a provider took on."""

from __future__ import annotations

import datetime as dt
import io
import random
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command

from linkwork.insights.clinical import MEASURES
from linkwork.insights.demo import Someone, care_use_of, clinical_of, quarters_of
from linkwork.insights.models import CareSetting, CareUse, ClinicalMeasure, ClinicalMeasureKind
from linkwork.people.models import Person
from tests.conftest import seeded_demo_by_module

TODAY = dt.date(2026, 12, 6)


@pytest.fixture(scope="module")
def seeded_demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    with seeded_demo_by_module(django_db_blocker, people=150, seed=11) as printed:
        yield printed


@pytest.fixture
def demo(seeded_demo: str, db: None) -> str:
    return seeded_demo


def test_demo_has_clinical_measures_and_care_use_for_people_with_nhs_numbers(demo):
    assert "synthetic clinical measures" in demo
    people = set(CareUse.objects.values_list("person_id", flat=True))
    assert people
    numbers = list(Person.objects.filter(pk__in=people).values_list("nhs_number", flat=True))
    assert "" not in numbers
    # Each one a file could match: no NHS number shared with another record.
    assert not Person.objects.filter(nhs_number__in=numbers).exclude(pk__in=people).exists()
    assert set(CareUse.objects.values_list("setting", flat=True)) == set(CareSetting.values)
    assert set(ClinicalMeasure.objects.values_list("measure", flat=True)) == set(
        ClinicalMeasureKind.values
    )
    # Every measure is in range, as an import would have checked.
    for measure, value in ClinicalMeasure.objects.exclude(
        measure=ClinicalMeasureKind.SMOKING_STATUS
    ).values_list("measure", "value"):
        assert MEASURES[measure].low <= value <= MEASURES[measure].high, measure


def test_seeding_clinical_data_again_adds_nothing(demo):
    before = (CareUse.objects.count(), ClinicalMeasure.objects.count())
    out = io.StringIO()
    call_command("seed_clinical_demo", stdout=out)
    assert "nothing to do" in out.getvalue()
    assert (CareUse.objects.count(), ClinicalMeasure.objects.count()) == before


def someone(
    n: int,
    *,
    connected: bool,
    conditions: tuple[str, ...] = (),
    index: dt.date = dt.date(2025, 3, 14),
) -> Someone:
    return Someone(
        person_id=uuid.UUID(int=n),
        born=dt.date(1950, 1, 1),
        conditions=conditions,
        index=index,
        connected=connected,
    )


def test_periods_are_the_quarters_around_the_referral_month():
    rows = care_use_of(random.Random(1), someone(1, connected=True), TODAY)
    periods = sorted({(row.period_start, row.period_end) for row in rows})
    # Four quarters before the referral month, the quarter from it, and four after.
    assert periods == [
        (dt.date(2024, 3, 1), dt.date(2024, 5, 31)),
        (dt.date(2024, 6, 1), dt.date(2024, 8, 31)),
        (dt.date(2024, 9, 1), dt.date(2024, 11, 30)),
        (dt.date(2024, 12, 1), dt.date(2025, 2, 28)),
        (dt.date(2025, 3, 1), dt.date(2025, 5, 31)),
        (dt.date(2025, 6, 1), dt.date(2025, 8, 31)),
        (dt.date(2025, 9, 1), dt.date(2025, 11, 30)),
        (dt.date(2025, 12, 1), dt.date(2026, 2, 28)),
        (dt.date(2026, 3, 1), dt.date(2026, 5, 31)),
    ]
    assert len(rows) == len(periods) * len(CareSetting.values)
    measures = clinical_of(
        random.Random(1), someone(1, connected=True, conditions=("COPD",)), TODAY
    )
    days = sorted({row.measured_on for row in measures})
    assert len(days) == 2
    assert days[0] < dt.date(2025, 3, 14) < days[1]
    assert clinical_of(random.Random(1), someone(1, connected=True), TODAY) == []


def test_only_quarters_ended_before_today_are_seeded():
    recent = someone(1, connected=True, index=dt.date(2026, 6, 10))
    quarters = quarters_of(recent, TODAY)
    assert [quarter for quarter, _, _ in quarters] == [-4, -3, -2, -1, 0, 1]
    assert quarters[-1][1:] == (dt.date(2026, 9, 1), dt.date(2026, 11, 30))
    assert quarters_of(someone(1, connected=True, index=dt.date(2026, 11, 20)), TODAY)[-1][0] == -1


def unplanned_by_quarter(connected: bool) -> dict[int, float]:
    """Mean A&E attendances and emergency admissions per person in each quarter."""
    rng = random.Random(5)
    totals: dict[int, int] = {}
    people = 3000
    for n in range(people):
        for row in care_use_of(rng, someone(n, connected=connected, conditions=("COPD",)), TODAY):
            if row.setting in (CareSetting.AE_ATTENDANCE, CareSetting.NON_ELECTIVE_ADMISSION):
                quarter = ((row.period_start.year - 2025) * 12 + row.period_start.month - 3) // 3
                totals[quarter] = totals.get(quarter, 0) + row.count
    return {quarter: total / people for quarter, total in sorted(totals.items())}


def test_unplanned_care_has_no_trend_before_referral():
    for connected in (True, False):
        means = unplanned_by_quarter(connected)
        before = [means[q] for q in (-4, -3, -2, -1)]
        # Sampling noise alone moves a quarter's mean by a few per cent; a trend of even 7%
        # a quarter would spread them by over 20%.
        assert max(before) / min(before) < 1.2, before


def test_people_taken_on_shift_modestly_from_unplanned_care():
    def after_over_before(connected: bool) -> float:
        means = unplanned_by_quarter(connected)
        before = sum(means[q] for q in (-4, -3, -2, -1)) / 4
        after = sum(means[q] for q in (1, 2, 3, 4)) / 4
        return after / before

    taken_on, not_taken_on = after_over_before(True), after_over_before(False)
    assert 0.7 < taken_on < 0.9
    assert 0.9 < not_taken_on < 1.1
