"""Intake checks on the referral forms: the postcode is in the UK format, kept in one shape,
and a postcode the loaded postcode table does not know is questioned but not refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from linkwork.directory.models import Postcode
from linkwork.referrals.models import Referral
from tests.conftest import World, signed_in
from tests.integration.test_referral_forms import PERSON, SELF, details

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
