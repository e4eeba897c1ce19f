"""Welsh: the self-referral form and its confirmation in Welsh, chosen by a link and
remembered; staff pages stay in English; messages to a person in their own language."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from linkwork.notifications.models import Audience, Message
from linkwork.people.models import Person
from linkwork.referrals import messages
from linkwork.referrals.models import Referral
from tests.conftest import SELF_REFERRAL, World, signed_in

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME


def test_self_referral_form_in_welsh_by_link(client, world: World):
    response = client.get(reverse("refer") + "?lang=cy")
    body = response.content.decode()
    assert '<html lang="cy">' in body
    assert "Atgyfeirio eich hun ar gyfer presgripsiynu cymdeithasol" in body
    # Labels, choices from shared lists, the date boxes and the page's own chrome.
    for welsh in ["Enw cyntaf", "Unigrwydd neu arwahanrwydd", "Neges destun", "Diwrnod"]:
        assert welsh in body
    assert "Neidio i'r prif gynnwys" in body
    assert "Presgripsiynu cymdeithasol" in body, "the default service name in the header"
    assert "Refer yourself for social prescribing" not in body
    assert "Loneliness or isolation" not in body
    # Our Welsh wins over Django's own catalogues for the same English ("Email").
    assert "E-bost" in body
    assert "Ebost" not in body
    # The switch back to English, named in English and marked as English.
    assert 'href="/refer/?lang=en" lang="en" hreflang="en">English</a>' in body
    assert response.cookies[COOKIE].value == "cy"
    assert response["Content-Language"] == "cy"


def test_self_referral_in_english_by_default_with_switch_to_welsh(client, world: World):
    body = client.get(reverse("refer")).content.decode()
    assert '<html lang="en">' in body
    assert "Refer yourself for social prescribing" in body
    assert 'href="/refer/?lang=cy" lang="cy" hreflang="cy">Cymraeg</a>' in body


def test_language_is_remembered_across_pages(client, world: World):
    client.get(reverse("refer") + "?lang=cy")
    # No link this time: the cookie chooses Welsh on the next person-facing page.
    easy = client.get(reverse("refer_easy_read")).content.decode()
    assert "Gofyn am help gan weithiwr cyswllt" in easy
    client.get(reverse("refer") + "?lang=en")
    assert "Refer yourself" in client.get(reverse("refer")).content.decode()


def test_switch_keeps_other_query_parameters(client, world: World):
    body = client.get(reverse("refer") + "?lang=cy&from=leaflet").content.decode()
    assert 'href="/refer/?from=leaflet&amp;lang=en"' in body


def test_unknown_language_falls_back_to_english(client, world: World):
    response = client.get(reverse("refer") + "?lang=xx")
    assert '<html lang="en">' in response.content.decode()
    assert COOKIE not in response.cookies


def test_staff_pages_stay_english_whatever_the_cookie(client, world: World):
    signed_in(client, world.scheme_lead_a)
    client.cookies[COOKIE] = "cy"
    body = client.get(reverse("referrals:triage_queue") + "?lang=cy").content.decode()
    assert '<html lang="en">' in body
    assert "Skip to main content" in body
    assert "Cymraeg</a>" not in body


def test_self_referral_errors_in_welsh_and_nothing_written(client, world: World):
    client.get(reverse("refer") + "?lang=cy")
    data = {"preferred_contact_method": "email", "date_of_birth[day]": "31"}
    body = client.post(reverse("refer"), data).content.decode()
    for message in [
        "Mae problem",
        "Rhowch eich enw cyntaf",
        "Rhaid i eich dyddiad geni gynnwys mis a blwyddyn",
        "Rhowch eich cod post",
        "Dewiswch o leiaf un peth yr hoffech gael help ag ef",
        "Cadarnhewch eich bod yn cytuno i weithiwr cyswllt gysylltu â chi",
        "Rhowch eich cyfeiriad e-bost, neu dewiswch ffordd arall i ni gysylltu â chi",
        '<span class="nhsuk-u-visually-hidden">Gwall: </span>',
        "<title>Gwall:",
    ]:
        assert message in body, message
    assert "Enter your first name" not in body
    assert not Referral.objects.exists()


def test_self_referral_bad_postcode_in_welsh(client, world: World):
    client.get(reverse("refer") + "?lang=cy")
    body = client.post(reverse("refer"), {**SELF_REFERRAL, "postcode": "12345"}).content.decode()
    assert "Rhowch god post go iawn, fel BK1 1AE" in body
    assert not Referral.objects.exists()


def test_self_referral_in_welsh_end_to_end(client, world: World, mailoutbox):
    client.get(reverse("refer") + "?lang=cy")
    data = {**SELF_REFERRAL}
    data.pop("preferred_language", None)
    response = client.post(reverse("refer"), data)
    assert response["Location"] == reverse("refer_done")
    done = client.get(reverse("refer_done")).content.decode()
    assert "Diolch: mae eich manylion gennym" in done
    referral = Referral.objects.get()
    assert referral.reference in done
    # Filled in on the Welsh page without choosing: Welsh is the person's language.
    person = Person.objects.get()
    assert person.preferred_language == "cy"
    [acknowledgement] = Message.objects.filter(audience=Audience.PERSON)
    assert acknowledgement.language == "cy"
    assert acknowledgement.subject == (
        "Mae eich atgyfeiriad ar gyfer presgripsiynu cymdeithasol gennym"
    )
    assert acknowledgement.body.startswith("Helo Sam,")
    assert f"Eich cyfeirnod yw {referral.reference}." in acknowledgement.body


def test_english_self_referral_message_unchanged(client, world: World):
    client.post(reverse("refer"), SELF_REFERRAL)
    [acknowledgement] = Message.objects.filter(audience=Audience.PERSON)
    assert acknowledgement.language == "en-gb"
    assert acknowledgement.subject == "We have your referral for social prescribing"
    assert acknowledgement.body.startswith("Hello Sam,")


def test_easy_read_form_sends_the_same_data_with_the_same_checks(client, world: World):
    page = client.get(reverse("refer_easy_read")).content.decode()
    assert "lw-easy-read" in page
    assert "What is your first name?" in page
    errors = client.post(reverse("refer_easy_read"), {}).content.decode()
    assert "Enter your first name" in errors
    assert "lw-easy-read" in errors
    assert not Referral.objects.exists()
    response = client.post(reverse("refer_easy_read"), SELF_REFERRAL)
    assert response["Location"] == reverse("refer_done")
    referral = Referral.objects.get()
    assert referral.needs == ["anxiety_stress"]
    assert referral.person.phone == "07700 900456"


def test_easy_read_form_in_welsh(client, world: World):
    body = client.get(reverse("refer_easy_read") + "?lang=cy").content.decode()
    assert "Beth yw eich enw cyntaf?" in body
    assert "What is your first name?" not in body


def test_appointment_message_to_welsh_speaker_is_in_welsh(referral_a: Referral):
    referral = referral_a
    Person.objects.filter(pk=referral.person_id).update(
        preferred_language="cy", phone="07700 900123", preferred_contact_method="text"
    )
    when = timezone.make_aware(dt.datetime(2026, 3, 4, 14, 5))
    sent = messages.referral_event(
        referral.pk, "appointment", appointment_at=when, appointment_place="Canolfan Gymunedol"
    )
    [message] = [m for m in sent if m.audience == Audience.PERSON]
    assert message.language == "cy"
    assert message.subject == f"Eich apwyntiad gyda {referral.scheme.name}"
    assert "4 Mawrth 2026 am 2:05yp yn Canolfan Gymunedol" in message.body
    assert "If you cannot make it" not in message.body


def test_language_cookie_is_http_only_and_lax(client, world: World, settings):
    settings.LANGUAGE_COOKIE_SECURE = True
    cookie = client.get(reverse("refer") + "?lang=cy").cookies[COOKIE]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["secure"] is True
    assert int(cookie["max-age"]) == 365 * 24 * 60 * 60


@pytest.mark.parametrize(
    ("event", "subject"),
    [
        ("received", "Mae eich atgyfeiriad ar gyfer presgripsiynu cymdeithasol gennym"),
        ("closed", "Mae eich cymorth presgripsiynu cymdeithasol wedi dod i ben"),
    ],
)
def test_every_message_to_a_person_has_its_welsh(referral_a: Referral, event, subject):
    from django.utils import translation

    from linkwork.referrals.message_back import person_message

    with translation.override("cy"):
        welsh_subject, body = person_message(referral_a, event)
    assert welsh_subject == subject
    assert body.startswith("Helo Ann,")
    assert referral_a.reference in body
    assert referral_a.scheme.name in body
    for english in ("Hello", "Your reference", "working day", "support", "%("):
        assert english not in body, english
