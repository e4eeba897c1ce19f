"""A person with a plan and two agreed services, in scheme A, for the prescription tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from linkwork.casework.models import ConnectionStatusChange
from linkwork.directory.models import (
    Address,
    Location,
    Phone,
    Schedule,
    ServiceAtLocation,
)
from linkwork.people.models import Consent
from linkwork.prescription.models import SchemeContact
from tests.conftest import World
from tests.factories import ConnectionFactory, GoalFactory, ServiceFactory, SupportPlanFactory


def agreed_service(name: str = "Riverside Walking Group") -> Any:
    service = ServiceFactory(name=name, description="Gentle walks by the river, then a cuppa.")
    place = Location.objects.create(
        organization=service.organization,
        name="Riverside Community Centre",
        transportation="Bus 12 to Mill Lane, then a 2 minute walk.",
    )
    Address.objects.create(
        location=place,
        address_1="12 Mill Lane",
        city="Brackenfield",
        state_province="Brackenshire",
        postal_code="BK1 1AE",
    )
    ServiceAtLocation.objects.create(service=service, location=place)
    Schedule.objects.create(
        service=service,
        freq="WEEKLY",
        byday="TU",
        opens_at=dt.time(10),
        closes_at=dt.time(12),
    )
    Phone.objects.create(service=service, number="01632 960 111")
    return service


@pytest.fixture
def case(world: World, referral_a: Any) -> Any:
    return build_case(world, referral_a)


def build_case(world: World, referral_a: Any) -> Any:
    """Scheme A's referral, with a plan, a goal, an agreed service (in progress) and a
    cancelled one, a mobile number, consent to contact, and the scheme's phone number."""
    person = referral_a.person
    person.phone = "07700 900123"
    person.preferred_contact_method = "text"
    person.save()
    Consent.objects.create(
        person=person,
        kind="contact",
        given=True,
        method="verbal",
        recorded_by=world.link_worker_a,
    )
    plan = SupportPlanFactory(
        referral=referral_a,
        what_matters="Getting out of the house and meeting people.",
        updated_by=world.link_worker_a,
    )
    GoalFactory(plan=plan, description="Go to a group once a week")
    going = ConnectionFactory(
        referral=referral_a,
        service=agreed_service(),
        status="in_progress",
        created_by=world.link_worker_a,
    )
    ConnectionStatusChange.objects.create(
        connection=going, from_status="accepted", to_status="in_progress"
    )
    ConnectionFactory(
        referral=referral_a,
        service=ServiceFactory(name="Cancelled Choir"),
        status="cancelled",
        created_by=world.link_worker_a,
    )
    SchemeContact.objects.create(
        scheme=world.scheme_a, phone="01632 960 000", hours="Monday to Friday, 9am to 5pm"
    )
    return referral_a
