"""The scheme's contact details on people's prescription pages: set by the scheme's leads on
a staff page, validated field by field, audited by field name only, refused to everyone else."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from linkwork.accounts.models import Role
from linkwork.audit.models import AuditEvent
from linkwork.prescription import content
from linkwork.prescription.models import SchemeContact
from tests.conftest import World, signed_in
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

GOOD = {"phone": "01632  960 000", "email": "team@example.org", "hours": "Weekdays, 9am to 5pm"}


def _url(world: World) -> str:
    return reverse("prescription:scheme_contact", args=[world.scheme_a.pk])


def _as(world: World, user: Any) -> Client:
    return signed_in(Client(), user)


def test_lead_sees_the_current_contact_details(world: World):
    SchemeContact.objects.create(
        scheme=world.scheme_a, phone="01632 960 000", email="team@example.org", hours="Weekdays"
    )
    response = _as(world, world.scheme_lead_a).get(_url(world))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="01632 960 000"' in body
    assert 'value="team@example.org"' in body
    assert 'value="Weekdays"' in body


def test_lead_sees_a_blank_form_when_none_are_set(world: World):
    response = _as(world, world.scheme_lead_a).get(_url(world))
    assert response.status_code == 200
    assert "Contact details on people's prescription pages" in html.unescape(
        response.content.decode()
    )
    assert not SchemeContact.objects.exists()


def test_lead_saving_creates_the_contact_and_audits_field_names_only(world: World):
    client = _as(world, world.scheme_lead_a)
    response = client.post(_url(world), GOOD)
    assert response.status_code == 302
    assert response["Location"] == _url(world)
    contact = SchemeContact.objects.get(scheme=world.scheme_a)
    # Runs of spaces in the number are made one.
    assert (contact.phone, contact.email, contact.hours) == (
        "01632 960 000",
        "team@example.org",
        "Weekdays, 9am to 5pm",
    )
    event = AuditEvent.objects.get(action="scheme_contact.changed")
    assert event.actor == world.scheme_lead_a
    assert event.scheme_id == world.scheme_a.pk
    assert event.object_id == str(contact.pk)
    # Field names, never their values.
    assert event.detail == {"changed": ["phone", "email", "hours"], "created": True}
    assert "Contact details saved" in client.get(_url(world)).content.decode()


def test_lead_saving_changes_only_the_fields_changed(world: World):
    contact = SchemeContact.objects.create(
        scheme=world.scheme_a, phone="01632 960 000", email="old@example.org", hours="Weekdays"
    )
    client = _as(world, world.scheme_lead_a)
    response = client.post(
        _url(world), {"phone": "01632 960 000", "email": "new@example.org", "hours": "Weekdays"}
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.email == "new@example.org"
    event = AuditEvent.objects.get(action="scheme_contact.changed")
    assert event.detail == {"changed": ["email"], "created": False}
    assert SchemeContact.objects.count() == 1


def test_saving_the_same_details_writes_nothing(world: World):
    SchemeContact.objects.create(scheme=world.scheme_a, phone="01632 960 000")
    response = _as(world, world.scheme_lead_a).post(
        _url(world), {"phone": "01632 960 000", "email": "", "hours": ""}
    )
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="scheme_contact.changed").exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not an email", "Enter an email address in the correct format"),
        ("phone", "call me maybe", "Enter a phone number, like 01632 960 001"),
        ("phone", "0163", "Enter a phone number, like 01632 960 001"),
        ("phone", "0" * 21, "Phone number must be 20 characters or fewer"),
        ("hours", "x" * 201, "When the phone is answered must be 200 characters or fewer"),
        ("hours", "Weekdays\x00", "Remove the hidden (control) characters"),
        ("email", "team\x00@example.org", "Remove the hidden (control) characters"),
        ("hours", "Weekdays\x1b[31m", "Remove the hidden (control) characters"),
    ],
)
def test_bad_input_answers_400_naming_the_field(world: World, field, value, message):
    response = _as(world, world.scheme_lead_a).post(_url(world), {**GOOD, field: value})
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert message in body
    assert f'href="#id_{field}"' in body
    assert not SchemeContact.objects.exists()
    assert not AuditEvent.objects.filter(action="scheme_contact.changed").exists()


def test_a_link_worker_is_refused_and_audited(world: World):
    client = _as(world, world.link_worker_a)
    assert client.get(_url(world)).status_code == 403
    assert client.post(_url(world), GOOD).status_code == 403
    assert not SchemeContact.objects.exists()
    denied = AuditEvent.objects.filter(action="access.denied", actor=world.link_worker_a)
    assert denied.count() == 2
    assert {event.detail["page"] for event in denied} == {"prescription:scheme_contact"}


def test_a_lead_of_another_scheme_gets_404_and_the_refusal_is_audited(world: World):
    lead_b = UserFactory(totp=True)
    MembershipFactory(
        user=lead_b, organisation=world.scheme_b.host, scheme=world.scheme_b, role=Role.SCHEME_LEAD
    )
    client = _as(world, lead_b)
    assert client.get(_url(world)).status_code == 404
    assert client.post(_url(world), GOOD).status_code == 404
    assert not SchemeContact.objects.exists()
    denied = AuditEvent.objects.filter(action="access.denied", actor=lead_b)
    assert denied.count() == 2
    assert {event.object_id for event in denied} == {str(world.scheme_a.pk)}


def test_an_unknown_scheme_gets_404(world: World):
    url = reverse("prescription:scheme_contact", args=[999999])
    assert _as(world, world.scheme_lead_a).get(url).status_code == 404


def test_a_system_admin_who_operates_the_platform_may_set_them(world: World):
    # The admin of the world is staff: they add and change schemes at /manage/.
    response = _as(world, world.admin).post(_url(world), GOOD)
    assert response.status_code == 302
    assert SchemeContact.objects.get(scheme=world.scheme_a).email == "team@example.org"


def test_anonymous_is_sent_to_login(world: World):
    response = Client().get(_url(world))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_persons_page_shows_what_the_lead_set(world: World, case):
    # The case's contact (from conftest) is changed by the lead on the staff page.
    _as(world, world.scheme_lead_a).post(_url(world), GOOD)
    who = content.build(case).who_to_call
    assert (who.phone, who.email, who.hours) == (
        "01632 960 000",
        "team@example.org",
        "Weekdays, 9am to 5pm",
    )


def test_capacity_page_links_to_the_contact_details(world: World):
    body = _as(world, world.scheme_lead_a).get(reverse("casework:capacity")).content.decode()
    assert f'href="{_url(world)}"' in body
    assert "Contact details on people's prescription pages" in html.unescape(body)


def test_case_page_says_when_the_contact_details_are_not_set(world: World, referral_a):
    case_url = reverse("prescription:case", args=[referral_a.pk])
    lead_page = _as(world, world.scheme_lead_a).get(case_url).content.decode()
    assert "contact details are not set" in lead_page
    assert f'href="{_url(world)}"' in lead_page
    # A link worker cannot set them, so is not told to.
    worker_page = _as(world, world.link_worker_a).get(case_url).content.decode()
    assert "contact details are not set" not in worker_page
    SchemeContact.objects.create(scheme=world.scheme_a, phone="01632 960 000")
    assert "contact details are not set" not in (
        _as(world, world.scheme_lead_a).get(case_url).content.decode()
    )


def test_administration_scheme_page_links_to_the_contact_details(world: World):
    body = (
        _as(world, world.admin)
        .get(reverse("administration:scheme", args=[world.scheme_a.pk]))
        .content.decode()
    )
    assert f'href="{_url(world)}"' in body
