"""The facts the dashboards count follow the records: a change to a referral, a contact, a
connection, an outcome measure or the person rewrites them (the task runs at once in tests),
and `linkwork insights refresh` rebuilds them exactly as they were kept."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from linkwork.casework.models import Attendance
from linkwork.insights import facts
from linkwork.insights.models import ConnectionFact, ContactFact, OutcomeFact, ReferralFact
from linkwork.outcomes.models import OutcomeMeasure
from linkwork.referrals.models import StatusChange
from tests.conftest import at
from tests.factories import (
    ConnectionFactory,
    ContactFactory,
    PersonFactory,
    ReferralFactory,
    SchemeFactory,
    SupportPlanFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def fact(referral: Any) -> ReferralFact:
    return ReferralFact.objects.get(referral=referral)


def _measure(referral: Any, when: dt.datetime, metric: float, time_point: str) -> OutcomeMeasure:
    return OutcomeMeasure.objects.create(
        referral=referral,
        instrument="swemwbs",
        instrument_version="1.0.0",
        time_point=time_point,
        responses={},
        result={"metric": metric},
        recorded_by=UserFactory(),
        recorded_at=when,
    )


def test_a_change_to_the_referral_its_contacts_and_outcomes_rewrites_its_facts():
    # Thursday 2 April 2026; Good Friday and Easter Monday are bank holidays.
    referral = ReferralFactory(received_at=at("2026-04-02"), status="received")
    assert (fact(referral).status, fact(referral).had_contact) == ("received", False)
    assert fact(referral).triage_wait is None

    StatusChange.objects.create(
        referral=referral, from_status="received", to_status="accepted", changed_at=at("2026-04-07")
    )
    referral.status = "active"
    referral.save()
    contact = ContactFactory(referral=referral, occurred_at=at("2026-04-08"))
    found = fact(referral)
    assert (found.status, found.had_contact) == ("active", True)
    assert (found.triage_wait, found.first_contact_wait) == (1, 2)
    assert ContactFact.objects.filter(referral=referral, mode="phone").count() == 1

    _measure(referral, at("2026-04-08"), 20.0, "baseline")
    assert OutcomeFact.objects.get(referral=referral).change is None
    follow_up = _measure(referral, at("2026-06-08"), 24.0, "follow_up")
    outcome = OutcomeFact.objects.get(referral=referral)
    assert (outcome.change, outcome.improved) == (4.0, True)

    follow_up.delete()
    contact.delete()
    assert OutcomeFact.objects.get(referral=referral).change is None
    assert (fact(referral).had_contact, fact(referral).first_contact_wait) == (False, None)
    assert not ContactFact.objects.filter(referral=referral).exists()


def test_connections_plans_attendance_and_the_person_rewrite_the_facts():
    referral = ReferralFactory(status="active", received_at=at("2026-03-02"))
    SupportPlanFactory(referral=referral, agreed_on=dt.date(2026, 3, 9))
    connection = ConnectionFactory(
        referral=referral, requested_at=at("2026-03-10"), responded_at=at("2026-03-12")
    )
    found = fact(referral)
    assert (found.plan_agreed, found.connected, found.attended) == (True, False, False)
    assert ConnectionFact.objects.get(connection=connection.pk).response_days == 2

    Attendance.objects.create(
        connection=connection,
        session_on=dt.date(2026, 3, 20),
        attended=True,
        recorded_by=UserFactory(),
    )
    assert fact(referral).attended is True

    person = referral.person
    person.sex, person.imd_decile = "female", 3
    person.save()
    assert (fact(referral).sex, fact(referral).imd_decile) == ("female", 3)

    assert fact(referral).only_referral is True
    second = ReferralFactory(person=person, scheme=referral.scheme)
    assert (fact(referral).only_referral, fact(second).only_referral) == (False, False)


def _snapshot() -> dict[str, list[tuple[Any, ...]]]:
    out = {}
    for model in (ReferralFact, ContactFact, ConnectionFact, OutcomeFact):
        names = [
            f.attname for f in model._meta.concrete_fields if f.name not in {"refreshed_at", "id"}
        ]
        out[model.__name__] = sorted(
            (tuple(str(v) for v in row) for row in model.objects.values_list(*names)),
        )
    return out


def test_refresh_rebuilds_the_facts_exactly_as_they_were_kept():
    scheme = SchemeFactory()
    people = [PersonFactory(imd_decile=n + 1, sex="male" if n % 2 else "female") for n in range(4)]
    for n in range(8):
        referral = ReferralFactory(
            scheme=scheme,
            person=people[n % 4],
            status="active" if n % 3 else "received",
            received_at=at("2026-01-05") + dt.timedelta(days=n),
            needs=["loneliness", "housing"][: 1 + n % 2],
        )
        if n % 3:
            StatusChange.objects.create(
                referral=referral,
                from_status="received",
                to_status="accepted",
                changed_at=at("2026-01-12") + dt.timedelta(days=n),
            )
            ContactFactory(referral=referral, occurred_at=at("2026-01-20"))
            ConnectionFactory(referral=referral, status="accepted", responded_at=at("2026-01-22"))
            _measure(referral, at("2026-01-20"), 18.0 + n, "baseline")
            _measure(referral, at("2026-04-20"), 21.0 + n, "follow_up")
    kept = _snapshot()
    assert len(kept["ReferralFact"]) == 8
    assert len(kept["OutcomeFact"]) == 5

    ReferralFact.objects.all().delete()
    OutcomeFact.objects.all().delete()
    stdout = StringIO()
    call_command("insights", "refresh", stdout=stdout)

    assert "Refreshed the facts of 8 referrals" in stdout.getvalue()
    assert _snapshot() == kept
    assert facts.as_of() is not None


def test_working_days_from_the_calendar_agree_with_the_referral_calendar():
    from linkwork.referrals.working_days import working_days_between

    calendar = facts.Calendar()
    days = [dt.date(2025, 12, 20) + dt.timedelta(days=n) for n in range(40)]
    for start in days[:15]:
        for end in days[::4]:
            assert calendar.wait(start, end) == working_days_between(start, end)
    assert calendar.wait(days[0], None) is None


def test_the_needs_key_holds_each_need_once_sorted_and_follows_a_change():
    referral = ReferralFactory(needs=["housing", "debt", "housing"])
    assert fact(referral).needs_key == "debt,housing"
    assert facts.needs_of(fact(referral).needs_key) == ["debt", "housing"]
    referral.needs = []
    referral.save()
    assert fact(referral).needs_key == ""
    assert facts.needs_of("") == []


def test_the_migration_fills_the_needs_key_of_facts_written_before_it():
    from importlib import import_module

    from django.apps import apps

    referral = ReferralFactory(needs=["loneliness", "debt"])
    ReferralFact.objects.filter(pk=referral.pk).update(needs_key="")
    migration = import_module("linkwork.insights.migrations.0006_referral_fact_needs_key")
    migration.fill_needs_key(apps, None)
    assert fact(referral).needs_key == "debt,loneliness"
