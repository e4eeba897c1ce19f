"""`core.constraints`: a record's check constraints asked in one query give exactly the errors
Django's own `Model.validate_constraints` gives, one statement instead of three per check."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.test.utils import CaptureQueriesContext

from linkwork.core import constraints
from linkwork.notifications.models import Message
from linkwork.people.models import Person, RiskStatus
from linkwork.referrals.lifecycle import Status
from linkwork.referrals.models import Referral
from tests.factories import PersonFactory, ReferralFactory


def errors_of(check: Any, instance: Any, exclude: Any = None) -> dict[str, list[tuple[str, Any]]]:
    """The errors `check` raises, as (message, code) pairs per field, in order."""
    try:
        check(instance, exclude=exclude)
    except ValidationError as error:
        return {
            field: [(e.message % (e.params or {}), e.code) for e in found]
            for field, found in error.error_dict.items()
        }
    return {}


def assert_same_as_django(instance: Any, exclude: Any = None) -> dict[str, Any]:
    ours = errors_of(constraints.validate_constraints, instance, exclude)
    assert ours == errors_of(models.Model.validate_constraints, instance, exclude)
    return ours


PERSON_VALUES: dict[str, list[Any]] = {
    "imd_decile": [None, 1, 10, 0, 11],
    "nhs_number": ["", "9434765919", "12345", "abcdefghij"],
    "no_known_gp_practice": [False, True],
    "risk_status": [RiskStatus.NO_KNOWN_RISKS, RiskStatus.RISKS_IDENTIFIED],
    "risks": ["", "Lives alone"],
}


@pytest.mark.django_db
def test_person_errors_are_djangos_for_every_combination():
    person = PersonFactory()
    assert person.gp_practice_id is not None or person.gp_practice is None
    failures = 0
    for values in itertools.product(*PERSON_VALUES.values()):
        for name, value in zip(PERSON_VALUES, values, strict=True):
            setattr(person, name, value)
        failures += bool(assert_same_as_django(person))
    assert failures > 0  # the combinations include violations, not only valid records


@pytest.mark.django_db
def test_referral_errors_and_excluded_fields_are_djangos():
    referral = ReferralFactory()
    for status, closure, decline in itertools.product(
        [Status.RECEIVED, Status.CLOSED, Status.DECLINED], ["", "moved"], ["", "out of area"]
    ):
        referral.status, referral.closure_reason, referral.decline_reason = status, closure, decline
        assert_same_as_django(referral)
        # A check naming a field left out of validation is not checked, as in Django.
        assert_same_as_django(referral, exclude={"closure_reason"})
        assert_same_as_django(referral, exclude={"status"})


@pytest.mark.django_db
def test_message_unique_and_check_errors_keep_djangos_order():
    message = Message(
        audience="nobody", channel="pigeon", status="sent", recipient_address="", subject="s"
    )
    found = assert_same_as_django(message)
    assert len(found["__all__"]) >= 4


@pytest.mark.django_db
def test_one_query_asks_every_check_of_a_record():
    referral = ReferralFactory()
    person: Person = referral.person
    for instance in (person, referral):
        checks = [c for c in instance._meta.constraints if isinstance(c, models.CheckConstraint)]
        assert len(checks) >= 3
        with CaptureQueriesContext(connection) as django_way:
            models.Model.validate_constraints(instance)
        with CaptureQueriesContext(connection) as ours:
            constraints.validate_constraints(instance)
        selects = [q for q in ours.captured_queries if q["sql"].startswith("SELECT")]
        unique = len(instance._meta.constraints) - len(checks)
        assert len(selects) == 1 + unique
        assert len(ours.captured_queries) < len(django_way.captured_queries)


@pytest.mark.django_db
def test_models_validate_through_one_query():
    for model in (Person, Referral, Message):
        assert issubclass(model, constraints.ChecksInOneQuery)


@pytest.mark.django_db
def test_a_new_records_random_key_is_not_looked_up():
    referral = ReferralFactory()
    fresh = Person(
        given_name="Ann", family_name="Example", date_of_birth=referral.person.date_of_birth
    )
    with CaptureQueriesContext(connection) as asked:
        fresh.validate_unique()
    assert not [q for q in asked.captured_queries if '"people_person"."id" =' in q["sql"]]
    # Other unique fields are still looked up: a new referral may not reuse a reference.
    with pytest.raises(ValidationError):
        Referral(reference=referral.reference).validate_unique()
