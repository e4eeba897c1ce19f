"""The person page shows how to reach the person and what they need, and the scheme's staff
can change it: each change kept (who, when, which fields) and audited, never its values."""

from __future__ import annotations

import pytest
from django.urls import reverse

from linkwork.audit.models import AuditEvent
from linkwork.people.forms import initial_details
from linkwork.people.models import Consent, ConsentKind, Person, PersonChange
from tests.conftest import World, signed_in
from tests.factories import ReferralFactory

FORM = {
    "preferred_contact_method": "phone",
    "phone": "07700 900123",
    "email": "ann@example.org",
    "address": "1 Mill Lane\nBrackenfield",
    "postcode": "bk1  2ab",
    "gp_practice": "",
    "preferred_language": "pl",
    "interpreter_needed": "on",
    "digital_access": "limited",
    "accessibility_needs": "Uses a wheelchair",
    "reasonable_adjustments": "",
    "sex": "not_known",
    "ethnicity": "not_known",
}


def form_for(person: Person, **change: str) -> dict[str, str]:
    """The edit form as posted: the person's own name, FORM's details, then `change`."""
    return {
        "given_name": person.given_name,
        "family_name": person.family_name,
        **FORM,
        **change,
    }


@pytest.fixture
def person(world: World, referral_a) -> Person:  # type: ignore[no-untyped-def]
    person: Person = referral_a.person
    person.phone = "01632 960001"
    person.email = "ann.example@example.org"
    person.address = "4 Orchard Way"
    person.gp_practice = world.practice
    person.preferred_language = "pl"
    person.accessibility_needs = "Large print"
    person.save()
    Consent.objects.create(person=person, kind=ConsentKind.CONTACT, given=True, method="verbal")
    return person


@pytest.mark.django_db
def test_person_page_shows_contact_details_gp_and_language_by_name(client, world, person):
    signed_in(client, world.link_worker_a)
    body = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    for shown in ("01632 960001", "ann.example@example.org", "4 Orchard Way"):
        assert shown in body
    assert "Alder Street Surgery" in body
    assert "Polish" in body
    assert ">pl<" not in body
    assert "Large print" in body
    assert "To be contacted by the scheme" in body
    assert "Given" in body


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["link_worker_a", "scheme_lead_a"])
def test_person_page_offers_change_link_to_scheme_staff(client, world, person, persona):
    signed_in(client, getattr(world, persona))
    body = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert reverse("people:edit", args=[person.pk]) in body


@pytest.mark.django_db
def test_person_page_offers_no_change_link_to_referrer(client, world, person):
    signed_in(client, world.referrer)
    body = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert reverse("people:edit", args=[person.pk]) not in body
    assert client.get(reverse("people:edit", args=[person.pk])).status_code == 403


@pytest.mark.django_db
def test_edit_person_saves_records_change_and_audits_without_values(client, world, person):
    signed_in(client, world.link_worker_a)
    response = client.post(
        reverse("people:edit", args=[person.pk]),
        form_for(person, consent_contact="refused", consent_method="verbal"),
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.phone == "07700 900123"
    assert person.postcode == "BK1 2AB"
    assert person.gp_practice is None
    assert person.interpreter_needed is True
    assert person.digital_access == "limited"
    change = PersonChange.objects.get(person=person)
    assert change.changed_by == world.link_worker_a
    assert set(change.fields) >= {"phone", "email", "address", "gp_practice", "consent:contact"}
    assert "preferred_language" not in change.fields
    latest = person.consents.filter(kind=ConsentKind.CONTACT).first()
    assert latest is not None
    assert latest.given is False
    assert latest.recorded_by == world.link_worker_a
    event = AuditEvent.objects.get(action="person.edited")
    assert event.object_id == str(person.pk)
    assert event.detail["fields"] == change.fields
    assert "07700" not in str(event.detail)
    assert "07700" not in str(change.fields)


@pytest.mark.django_db
def test_edit_person_history_shows_who_and_what_changed(client, world, person):
    signed_in(client, world.scheme_lead_a)
    client.post(reverse("people:edit", args=[person.pk]), form_for(person))
    body = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "Changes to these details" in body
    assert "Lee Lead" in body
    assert "Phone number, Email address" in body


@pytest.mark.django_db
def test_edit_person_unchanged_writes_no_history(client, world, person):
    signed_in(client, world.link_worker_a)
    initial = initial_details(person)
    data = {name: value for name, value in initial.items() if value not in (None, False)}
    client.post(reverse("people:edit", args=[person.pk]), data)
    assert not PersonChange.objects.exists()
    assert not AuditEvent.objects.filter(action="person.edited").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"email": "not-an-email"}, "Enter an email address in the correct format"),
        ({"phone": "0" * 21}, "Phone number must be 20 characters or fewer"),
        (
            {"preferred_contact_method": "email", "email": ""},
            "Enter an email address, or choose another way to contact them",
        ),
        (
            {"consent_contact": "refused"},
            "Select how the person gave the consent decision you changed",
        ),
        ({"gp_practice": "999999"}, "Select a GP practice from the list"),
        # The same postcode rule as at intake: a format the directory could not look up.
        ({"postcode": "12345"}, "Enter a real postcode, like BK1 1AE"),
    ],
)
def test_edit_person_errors_name_the_field_in_house_voice(client, world, person, change, message):
    signed_in(client, world.link_worker_a)
    response = client.post(reverse("people:edit", args=[person.pk]), form_for(person, **change))
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body
    assert "There is a problem" in body
    assert "Ensure this value" not in body
    assert not PersonChange.objects.exists()


@pytest.mark.django_db
def test_edit_person_refused_to_link_worker_of_another_scheme(client, world, person):
    signed_in(client, world.link_worker_b)
    response = client.post(reverse("people:edit", args=[person.pk]), form_for(person))
    assert response.status_code == 404
    person.refresh_from_db()
    assert person.phone == "01632 960001"
    assert AuditEvent.objects.filter(action="access.denied").count() == 1


@pytest.mark.django_db
def test_person_change_rows_cannot_be_changed_or_deleted(world, person):
    change = PersonChange.objects.create(person=person, fields=["phone"])
    change.fields = ["email"]
    with pytest.raises(ValueError, match="immutable"):
        change.save()
    with pytest.raises(ValueError, match="immutable"):
        change.delete()


@pytest.mark.django_db
def test_referrer_who_made_referral_still_cannot_edit_other_scheme_person(client, world):
    referral = ReferralFactory(scheme=world.scheme_b, referring_organisation=world.practice)
    signed_in(client, world.link_worker_a)
    assert client.get(reverse("people:edit", args=[referral.person_id])).status_code == 404
