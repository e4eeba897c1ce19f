"""The demo's synthetic GP and hospital records: clinical measures before and after referral
for people with long-term conditions, care use in the 12 months before and after, only for
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
from linkwork.insights.demo import Someone, care_use_of, clinical_of
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


def someone(n: int, *, connected: bool, conditions: tuple[str, ...] = ()) -> Someone:
    return Someone(
        person_id=uuid.UUID(int=n),
        born=dt.date(1950, 1, 1),
        conditions=conditions,
        index=dt.date(2025, 3, 14),
        connected=connected,
    )


def test_periods_are_the_12_calendar_months_either_side_of_the_referral_month():
    rows = care_use_of(random.Random(1), someone(1, connected=True), TODAY)
    periods = {(row.period_start, row.period_end) for row in rows}
    assert periods == {
        (dt.date(2024, 3, 1), dt.date(2025, 2, 28)),
        (dt.date(2025, 4, 1), dt.date(2026, 3, 31)),
    }
    measures = clinical_of(
        random.Random(1), someone(1, connected=True, conditions=("COPD",)), TODAY
    )
    days = sorted({row.measured_on for row in measures})
    assert len(days) == 2
    assert days[0] < dt.date(2025, 3, 14) < days[1]
    assert clinical_of(random.Random(1), someone(1, connected=True), TODAY) == []


def unplanned_change(connected: bool) -> float:
    rng = random.Random(5)
    totals = {"before": 0, "after": 0}
    for n in range(3000):
        for row in care_use_of(rng, someone(n, connected=connected, conditions=("COPD",)), TODAY):
            if row.setting in (CareSetting.AE_ATTENDANCE, CareSetting.NON_ELECTIVE_ADMISSION):
                totals["before" if row.period_start.year == 2024 else "after"] += row.count
    return totals["after"] / totals["before"]


def test_people_taken_on_shift_modestly_from_unplanned_care():
    taken_on, not_taken_on = unplanned_change(True), unplanned_change(False)
    assert 0.7 < taken_on < 0.9
    assert 0.9 < not_taken_on < 1.1
