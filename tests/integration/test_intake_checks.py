"""Intake checks on the referral forms: the postcode is in the UK format, kept in one shape,
and a postcode the loaded postcode table does not know is questioned but not refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from linkwork.directory.models import Postcode
from linkwork.referrals.models import Referral
from tests.conftest import SELF_REFERRAL as SELF
from tests.conftest import World, signed_in
from tests.integration.test_referral_forms import PERSON, details

NOT_POSTCODES = ["12345", "ZZ99 9ZZ", "BK1", "BK1 1A", "Q1 1AA"]


@pytest.mark.django_db
@pytest.mark.parametrize("postcode", NOT_POSTCODES)
def test_staff_form_refuses_a_postcode_not_in_the_uk_format(client, world: World, postcode):
    signed_in(client, world.referrer)
    client.get(reverse("referrals:new"))
    response = client.post(reverse("referrals:new_person"), {**PERSON, "postcode": postcode})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Enter a real postcode, like BK1 1AE" in body
    assert 'href="#id_postcode"' in body


@pytest.mark.django_db
@pytest.mark.parametrize("postcode", NOT_POSTCODES)
def test_self_referral_refuses_a_postcode_not_in_the_uk_format(client, world: World, postcode):
    body = client.post(reverse("refer"), {**SELF, "postcode": postcode}).content.decode()
    assert "Enter a real postcode, like BK1 1AE" in body
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_self_referral_keeps_the_postcode_in_upper_case_with_one_space(client, world: World):
    client.post(reverse("refer"), {**SELF, "postcode": " bf12ab "})
    assert Referral.objects.get().person.postcode == "BF1 2AB"


def _to_check_page(client, world: World, postcode: str) -> str:  # type: ignore[no-untyped-def]
    signed_in(client, world.referrer)
    client.get(reverse("referrals:new"))
    client.post(reverse("referrals:new_person"), {**PERSON, "postcode": postcode})
    client.post(reverse("referrals:new_details"), details(world))
    return client.get(reverse("referrals:new_check")).content.decode()


@pytest.mark.django_db
def test_staff_form_questions_a_postcode_the_table_does_not_know(client, world: World):
    Postcode.objects.create(postcode="BK1 1AE", latitude=53.8, longitude=-1.5)
    page = _to_check_page(client, world, "bf1  2ab")
    assert "Check the postcode" in page
    assert "BF1 2AB" in page
    response = client.post(
        reverse("referrals:new_check"), {"consent_to_refer": "on", "consents": ["contact"]}
    )
    assert response["Location"] == reverse("referrals:sent")  # warned, not blocked
    assert Referral.objects.get().person.postcode == "BF1 2AB"


@pytest.mark.django_db
def test_staff_form_does_not_question_a_known_postcode_or_when_no_table(client, world: World):
    assert "Check the postcode" not in _to_check_page(client, world, "BF1 2AB")
    Postcode.objects.create(postcode="BF1 2AB", latitude=53.8, longitude=-1.5)
    assert "Check the postcode" not in _to_check_page(client, world, "BF1 2AB")


@pytest.mark.django_db
def test_self_referral_questions_an_unknown_postcode_once_then_sends(client, world: World):
    Postcode.objects.create(postcode="BK1 1AE", latitude=53.8, longitude=-1.5)
    form = {**SELF, "postcode": "bk2 9zz"}
    page = client.post(reverse("refer"), form).content.decode()
    assert "Check your postcode" in page
    assert "BK2 9ZZ" in page
    assert 'name="postcode_checked" value="BK2 9ZZ"' in page
    assert not Referral.objects.exists()
    # Changing the postcode to another unknown one asks again; sending the same one goes ahead.
    page = client.post(
        reverse("refer"), {**form, "postcode": "BK2 9ZY", "postcode_checked": "BK2 9ZZ"}
    ).content.decode()
    assert "Check your postcode" in page
    response = client.post(reverse("refer"), {**form, "postcode_checked": "BK2 9ZZ"})
    assert response.status_code == 302
    assert Referral.objects.get().person.postcode == "BK2 9ZZ"


@pytest.mark.django_db
def test_self_referral_with_a_known_postcode_is_not_questioned(client, world: World):
    Postcode.objects.create(postcode="BK2 4QT", latitude=53.8, longitude=-1.5)
    response = client.post(reverse("refer"), {**SELF, "postcode": "BK2 4QT"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_triage_questions_an_unknown_postcode_from_any_route(client, world: World):
    """A referral from the API or a self-referral reaches triage with the question still open."""
    from tests.factories import PersonFactory, ReferralFactory

    Postcode.objects.create(postcode="BK1 1AE", latitude=53.8, longitude=-1.5)
    referral = ReferralFactory(scheme=world.scheme_a, person=PersonFactory(postcode="BK1 9ZZ"))
    signed_in(client, world.scheme_lead_a)
    page = client.get(reverse("referrals:triage", args=[referral.pk])).content.decode()
    assert "Check the postcode" in page
    assert "BK1 9ZZ" in page
    Postcode.objects.create(postcode="BK1 9ZZ", latitude=53.8, longitude=-1.5)
    page = client.get(reverse("referrals:triage", args=[referral.pk])).content.decode()
    assert "Check the postcode" not in page
