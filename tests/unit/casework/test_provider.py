"""What a provider may see about a person and a request (`linkwork.casework.provider`)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from linkwork.casework import provider
from linkwork.casework.models import SharedField
from linkwork.people.models import Consent, ConsentKind, ConsentMethod
from tests.factories import (
    ConnectionFactory,
    PersonFactory,
    ReferralFactory,
    SupportPlanFactory,
    UserFactory,
)


def _consent(person, given: bool = True) -> None:  # type: ignore[no-untyped-def]
    Consent.objects.create(
        person=person,
        kind=ConsentKind.SHARE_WITH_PROVIDERS,
        given=given,
        method=ConsentMethod.WRITTEN,
    )


@pytest.fixture
def person(db: None):  # type: ignore[no-untyped-def]
    person = PersonFactory(
        given_name="Ann",
        family_name="Example",
        phone="07700 900123",
        email="ann@example.org",
        date_of_birth=dt.date(1951, 2, 3),
        address="1 Mill Lane\nMillbrook",
        postcode="MB1 2CD",
        preferred_language="pl",
        interpreter_needed=True,
        accessibility_needs="Uses a wheelchair",
        safeguarding_concerns="Not for providers",
        risks="Not for providers either",
    )
    _consent(person)
    return person


@pytest.fixture
def worker(db: None):  # type: ignore[no-untyped-def]
    return UserFactory(full_name="Lina Worker", email="lina@example.org")


def _connection(person, worker, fields, **extra):  # type: ignore[no-untyped-def]
    referral = ReferralFactory(
        person=person,
        link_worker=worker,
        needs=["loneliness", "money_debt"],
        what_matters="From the referral",
    )
    return ConnectionFactory(referral=referral, shared_fields=list(fields), **extra)


@pytest.mark.django_db
def test_shared_details_every_field_in_order(person, worker):
    connection = _connection(person, worker, reversed(SharedField.values))
    assert provider.shared_details(connection) == [
        ("Name", "Ann Example"),
        ("Phone number", "07700 900123"),
        ("Email address", "ann@example.org"),
        ("Date of birth", "3 February 1951"),
        ("Address", "1 Mill Lane, Millbrook, MB1 2CD"),
        ("Needs", "Loneliness or isolation, Money or debt"),
        ("What matters to them", "From the referral"),
        ("Preferred language", "Polish"),
        ("Needs an interpreter", "Yes"),
        ("Accessibility needs", "Uses a wheelchair"),
    ]


@pytest.mark.django_db
def test_shared_details_only_the_chosen_fields(person, worker):
    connection = _connection(person, worker, ["needs"])
    details = provider.shared_details(connection)
    assert details == [("Needs", "Loneliness or isolation, Money or debt")]
    shown = " ".join(value for _, value in details)
    for private in ("Ann", "07700 900123", "1951", "MB1 2CD", "Not for providers"):
        assert private not in shown


@pytest.mark.django_db
def test_shared_details_nothing_when_none_chosen(person, worker):
    assert provider.shared_details(_connection(person, worker, [])) == []


@pytest.mark.django_db
def test_shared_details_nothing_once_consent_is_withdrawn(person, worker):
    connection = _connection(person, worker, ["name", "contact"])
    _consent(person, given=False)
    assert provider.shared_details(connection) == []


@pytest.mark.django_db
def test_shared_details_nothing_without_consent(worker):
    connection = _connection(PersonFactory(), worker, ["name"])
    assert provider.shared_details(connection) == []


@pytest.mark.django_db
def test_shared_details_what_matters_comes_from_the_plan(person, worker):
    connection = _connection(person, worker, ["what_matters"])
    SupportPlanFactory(referral=connection.referral, what_matters="From the plan")
    connection.referral.refresh_from_db()
    assert provider.shared_details(connection) == [("What matters to them", "From the plan")]


@pytest.mark.django_db
def test_shared_details_empty_plan_falls_back_to_the_referral(person, worker):
    connection = _connection(person, worker, ["what_matters"])
    SupportPlanFactory(referral=connection.referral, what_matters="")
    connection.referral.refresh_from_db()
    assert provider.shared_details(connection) == [("What matters to them", "From the referral")]


@pytest.mark.django_db
def test_shared_details_say_what_is_not_recorded(worker):
    person = PersonFactory(phone="", email="", address="", postcode="")
    _consent(person)
    connection = _connection(person, worker, ["contact", "address"])
    assert provider.shared_details(connection) == [
        ("Phone number", "Not recorded"),
        ("Email address", "Not recorded"),
        ("Address", "Not recorded"),
    ]


@pytest.mark.django_db
def test_request_details_how_to_reach_the_link_worker(person, worker):
    connection = _connection(
        person,
        worker,
        [],
        supported_linking=True,
        message_to_provider="Please call first",
        requested_at=timezone.make_aware(dt.datetime(2026, 3, 4, 10, 0)),
    )
    details = dict(provider.request_details(connection))
    assert details["Referral"] == connection.referral.reference
    assert details["Scheme"] == connection.referral.scheme.name
    assert details["Link worker"] == "Lina Worker"
    assert details["Link worker's email"] == "lina@example.org"
    assert details["Message from the link worker"] == "Please call first"
    assert details["Supported linking"] == provider.SUPPORTED_LINKING
    assert details["Requested"] == "4 March 2026"
    assert "Ann" not in " ".join(details.values())


@pytest.mark.django_db
def test_inbox_row_marks_an_overdue_request(person, worker):
    today = dt.date(2026, 3, 10)
    late = _connection(person, worker, [], respond_by=dt.date(2026, 3, 9))
    due_today = _connection(person, worker, [], respond_by=today)
    assert provider.inbox_row(late, today).overdue
    assert provider.inbox_row(late, today).deadline == "9 March 2026"
    assert not provider.inbox_row(due_today, today).overdue


@pytest.mark.django_db
def test_inbox_row_waiting_list_and_answered(person, worker):
    answered = timezone.make_aware(dt.datetime(2026, 3, 5, 12, 0))
    connection = _connection(
        person, worker, [], status="accepted", waiting_list=True, responded_at=answered
    )
    row = provider.inbox_row(connection, dt.date(2026, 3, 10))
    assert row.tag["text"] == "Waiting list"
    assert row.deadline == "Answered 5 March 2026"
    assert not row.overdue
    assert row.supported_linking == "No"
