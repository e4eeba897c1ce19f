"""The API takes the same equality answers as the forms, in the model's codes: ONS 2021 ethnic
groups (and the NHS 2001 letters older systems send, recorded as their 2021 group), sex with
"prefer not to say", the gender identity question, digital access not known unless sent; and
fills the person's area from the postcode tables."""

from __future__ import annotations

import pytest

from linkwork.directory.models import ImdDecile, Postcode
from linkwork.people.models import Person
from tests.integration.api.conftest import field_errors, post

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("sent", "recorded"),
    [
        ("N", "black_african"),
        ("R", "asian_chinese"),
        ("z", "prefer_not_to_say"),
        ("other_arab", "other_arab"),
        ("white_gypsy_or_irish_traveller", "white_gypsy_or_irish_traveller"),
    ],
)
def test_ethnicity_in_2021_codes_or_nhs_letters(client, practice, body, sent, recorded):
    body["person"]["ethnicity"] = sent
    response = post(client, practice, body)
    assert response.status_code == 201, response.content
    assert Person.objects.get().ethnicity == recorded


def test_an_unknown_ethnicity_is_named(client, practice, body):
    body["person"]["ethnicity"] = "martian"
    response = post(client, practice, body)
    assert response.status_code == 422
    assert "person.ethnicity" in field_errors(response)


def test_sex_gender_identity_and_declining(client, practice, body):
    body["person"].update(
        sex="prefer_not_to_say", gender_same_as_sex="no", gender_identity="Non-binary"
    )
    response = post(client, practice, body)
    assert response.status_code == 201, response.content
    person = Person.objects.get()
    assert (person.sex, person.gender_same_as_sex, person.gender_identity) == (
        "prefer_not_to_say",
        "no",
        "Non-binary",
    )


def test_digital_access_and_gender_not_sent_are_not_known(client, practice, body):
    del body["person"]["digital_access"]
    response = post(client, practice, body)
    assert response.status_code == 201, response.content
    person = Person.objects.get()
    assert (person.digital_access, person.gender_same_as_sex) == ("not_known", "")


def test_the_area_comes_from_the_postcode(client, practice, body):
    Postcode.objects.create(
        postcode="BK1 2AB",
        latitude=53.8,
        longitude=-1.5,
        lsoa="E01999004",
        local_authority="E08999001",
    )
    ImdDecile.objects.create(lsoa="E01999004", decile=1)
    response = post(client, practice, body)
    assert response.status_code == 201, response.content
    person = Person.objects.get()
    assert (person.lsoa_code, person.local_authority, person.imd_decile) == (
        "E01999004",
        "E08999001",
        1,
    )
