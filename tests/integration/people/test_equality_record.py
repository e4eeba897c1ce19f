"""The record the equity figures depend on: both intake forms ask sex, gender identity, ethnic
group, digital access and language, every question optional; the person's area (LSOA, local
authority, IMD decile) comes from the postcode tables when they are created and again when
their postcode changes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from linkwork.accounts.models import User
from linkwork.audit.models import AuditEvent
from linkwork.directory.models import ImdDecile, Postcode
from linkwork.people.actions import create_person, edit_person
from linkwork.people.models import ConsentMethod, Person, PersonChange
from linkwork.referrals.models import Referral
from tests.conftest import SELF_REFERRAL as SELF
from tests.conftest import World, signed_in
from tests.integration.people.test_person_page import form_for
from tests.integration.test_referral_forms import PERSON, details

pytestmark = pytest.mark.django_db

EQUALITY = {
    "sex": "female",
    "gender_same_as_sex": "no",
    "gender_identity": "Non-binary",
    "ethnicity": "black_caribbean",
    "digital_access": "none",
}


@pytest.fixture
def tables() -> None:
    """Two loaded postcodes in different areas, one of them with its IMD decile."""
    Postcode.objects.create(
        postcode="BK1 1AE",
        latitude=53.80,
        longitude=-1.55,
        lsoa="E01999003",
        local_authority="E08999001",
    )
    Postcode.objects.create(
        postcode="BK2 4QT",
        latitude=53.81,
        longitude=-1.52,
        lsoa="E01999010",
        local_authority="E08999002",
    )
    ImdDecile.objects.create(lsoa="E01999003", decile=2)
    ImdDecile.objects.create(lsoa="E01999010", decile=9)


def staff_refer(client, world: World, person: dict[str, object]) -> Referral:  # type: ignore[no-untyped-def]
    signed_in(client, world.referrer)
    client.get(reverse("referrals:new"))
    first = client.post(reverse("referrals:new_person"), person)
    assert first["Location"] == reverse("referrals:new_details"), first.content.decode()[-3000:]
    client.post(reverse("referrals:new_details"), details(world))
    sent = client.post(reverse("referrals:new_check"), {"consent_to_refer": "on"})
    assert sent["Location"] == reverse("referrals:sent")
    return Referral.objects.select_related("person").get()


# --- The staff form ---------------------------------------------------------------------


def test_staff_form_records_the_equality_answers(client, world: World, tables):
    person = staff_refer(client, world, {**PERSON, **EQUALITY, "preferred_language": "pl"}).person
    assert (person.sex, person.gender_same_as_sex, person.gender_identity) == (
        "female",
        "no",
        "Non-binary",
    )
    assert (person.ethnicity, person.digital_access, person.preferred_language) == (
        "black_caribbean",
        "none",
        "pl",
    )


def test_staff_form_left_unanswered_records_not_known_never_confident(client, world: World):
    person = staff_refer(client, world, PERSON).person
    assert (person.sex, person.ethnicity, person.digital_access) == (
        "not_known",
        "not_known",
        "not_known",
    )
    assert person.gender_same_as_sex == ""


def test_staff_form_takes_prefer_not_to_say_for_each_question(client, world: World):
    declined = {
        "sex": "prefer_not_to_say",
        "gender_same_as_sex": "prefer_not_to_say",
        "ethnicity": "prefer_not_to_say",
        "digital_access": "prefer_not_to_say",
    }
    person = staff_refer(client, world, {**PERSON, **declined}).person
    assert {name: getattr(person, name) for name in declined} == declined


def test_staff_form_asks_the_questions_in_its_own_voice(client, world: World):
    signed_in(client, world.referrer)
    body = client.get(reverse("referrals:new_person")).content.decode()
    for asked in (
        "What is the person&#39;s sex? (optional)",
        "What is the person&#39;s ethnic group? (optional)",
        "Does the person use the internet? (optional)",
        "White: English, Welsh, Scottish, Northern Irish or British",
        "Other ethnic group: Arab",
    ):
        assert asked in body, asked


def test_staff_check_page_shows_the_answers(client, world: World):
    signed_in(client, world.referrer)
    client.get(reverse("referrals:new"))
    client.post(reverse("referrals:new_person"), {**PERSON, "ethnicity": "asian_bangladeshi"})
    client.post(reverse("referrals:new_details"), details(world))
    body = client.get(reverse("referrals:new_check")).content.decode()
    assert "Asian or Asian British: Bangladeshi" in body


@pytest.mark.parametrize(
    ("field", "value"),
    [("ethnicity", "A"), ("sex", "indeterminate"), ("digital_access", "sometimes")],
)
def test_staff_form_refuses_an_answer_not_offered_in_house_voice(
    client, world: World, field, value
):
    signed_in(client, world.referrer)
    response = client.post(reverse("referrals:new_person"), {**PERSON, field: value})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "Select one of the choices given for" in body
    assert "Select a valid choice" not in body


# --- The self-referral form --------------------------------------------------------------


def self_refer(client, **answers: object) -> Person:  # type: ignore[no-untyped-def]
    response = client.post(reverse("refer"), {**SELF, **answers})
    assert response["Location"] == reverse("refer_done"), response.content.decode()[-3000:]
    return Referral.objects.select_related("person").get().person


def test_self_referral_records_the_equality_answers_and_language(client, world: World):
    person = self_refer(client, **EQUALITY, preferred_language="so", interpreter_needed="on")
    assert (person.sex, person.ethnicity, person.digital_access) == (
        "female",
        "black_caribbean",
        "none",
    )
    assert (person.gender_same_as_sex, person.gender_identity) == ("no", "Non-binary")
    assert (person.preferred_language, person.interpreter_needed) == ("so", True)


def test_self_referral_questions_are_optional(client, world: World):
    unanswered = {"digital_access": "", "preferred_language": ""}
    person = self_refer(client, **unanswered)
    assert (person.sex, person.ethnicity, person.digital_access) == (
        "not_known",
        "not_known",
        "not_known",
    )
    assert person.preferred_language == "en"


def test_self_referral_says_the_questions_are_optional(client, world: World):
    body = client.get(reverse("refer")).content.decode()
    assert "What is your sex? (optional)" in body
    assert "What is your ethnic group? (optional)" in body
    assert (
        "Is the gender you identify with the same as your sex registered at birth? (optional)"
        in body
    )
    assert "You do not have to answer them" in body


def test_self_referral_gp_practice_chosen_from_the_practices_known(client, world: World):
    person = self_refer(client, gp_practice=str(world.practice.pk))
    assert person.gp_practice == world.practice
    assert person.no_known_gp_practice is False


def test_self_referral_not_registered_with_a_gp(client, world: World):
    person = self_refer(client, gp_practice="none")
    assert (person.gp_practice, person.no_known_gp_practice) == (None, True)


def test_self_referral_gp_practice_not_known(client, world: World):
    person = self_refer(client, gp_practice="unknown")
    assert (person.gp_practice, person.no_known_gp_practice) == (None, False)


def test_self_referral_lists_the_practices_and_the_two_other_answers(client, world: World):
    body = client.get(reverse("refer")).content.decode()
    assert "Alder Street Surgery" in body
    assert "I am not registered with a GP" in body
    assert "I do not know" in body


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Select your GP practice, or select \u201cI do not know\u201d"),
        ("999999", "Select your GP practice from the list"),
        ("Alder Street Surgery", "Select your GP practice from the list"),
    ],
)
def test_self_referral_gp_practice_errors(client, world: World, value, message):
    body = client.post(reverse("refer"), {**SELF, "gp_practice": value}).content.decode()
    assert message in body
    assert not Referral.objects.exists()


# --- The area, from the postcode ---------------------------------------------------------


def test_self_referral_fills_the_area_from_the_postcode(client, world: World, tables):
    person = self_refer(client, postcode="bk2 4qt")
    assert (person.lsoa_code, person.local_authority, person.imd_decile) == (
        "E01999010",
        "E08999002",
        9,
    )


def test_staff_referral_fills_the_area_from_the_postcode(client, world: World, tables):
    person = staff_refer(client, world, PERSON).person  # postcode bk1 1ae
    assert (person.lsoa_code, person.local_authority, person.imd_decile) == (
        "E01999003",
        "E08999001",
        2,
    )


def test_a_postcode_not_in_the_tables_leaves_the_area_unknown(world: World, tables):
    person = _create(postcode="BK9 9ZZ")
    assert (person.lsoa_code, person.local_authority, person.imd_decile) == ("", "", None)


def test_an_lsoa_without_a_decile_keeps_its_lsoa(world: World, tables):
    ImdDecile.objects.filter(lsoa="E01999010").delete()
    person = _create(postcode="BK2 4QT")
    assert (person.lsoa_code, person.imd_decile) == ("E01999010", None)


def _create(**details: object) -> Person:
    base = {"given_name": "Ann", "family_name": "Example", "date_of_birth": "1960-05-17"}
    return create_person(
        by=None,
        details={**base, **details},
        consents={},
        consent_method=ConsentMethod.VERBAL,
    )


def test_editing_the_postcode_recomputes_the_area(client, world: World, tables, referral_a):
    person = referral_a.person
    person.postcode = "BK1 1AE"
    person.save()
    signed_in(client, world.link_worker_a)
    response = client.post(
        reverse("people:edit", args=[person.pk]), form_for(person, postcode="bk2 4qt")
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.lsoa_code, person.local_authority, person.imd_decile) == (
        "E01999010",
        "E08999002",
        9,
    )
    change = PersonChange.objects.get(person=person)
    assert {"postcode", "lsoa_code", "local_authority", "imd_decile"} <= set(change.fields)
    event = AuditEvent.objects.get(action="person.edited")
    assert "E01999010" not in str(event.detail)


def test_editing_to_an_unknown_postcode_clears_the_old_area(world: World, tables):
    person = _create(postcode="BK1 1AE")
    assert person.imd_decile == 2
    user: User = world.link_worker_a
    edit_person(
        by=user, person=person, details={"postcode": "BK9 9ZZ"}, consents={}, consent_method=None
    )
    person.refresh_from_db()
    assert (person.lsoa_code, person.local_authority, person.imd_decile) == ("", "", None)


def test_editing_other_details_leaves_the_area_alone(world: World, tables):
    person = _create(postcode="BK1 1AE")
    # The tables change after the person was created: only a new postcode looks again.
    ImdDecile.objects.filter(lsoa="E01999003").update(decile=5)
    edit_person(
        by=world.link_worker_a,
        person=person,
        details={"phone": "07700 900999"},
        consents={},
        consent_method=None,
    )
    person.refresh_from_db()
    assert person.imd_decile == 2


# --- The person page --------------------------------------------------------------------


def test_staff_correct_the_name_and_equality_answers(client, world: World, referral_a):
    person = referral_a.person
    signed_in(client, world.scheme_lead_a)
    response = client.post(
        reverse("people:edit", args=[person.pk]),
        form_for(
            person,
            given_name="Anne",
            sex="female",
            ethnicity="white_irish",
            gender_same_as_sex="yes",
        ),
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.given_name, person.sex, person.ethnicity, person.gender_same_as_sex) == (
        "Anne",
        "female",
        "white_irish",
        "yes",
    )
    change = PersonChange.objects.get(person=person)
    assert {"given_name", "sex", "ethnicity", "gender_same_as_sex"} <= set(change.fields)
    assert "Anne" not in str(change.fields)
    body = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "White: Irish" in body
    assert "Same as sex registered at birth" in body
    assert "First name, Sex, Gender identity, Ethnic group" in body


def test_a_name_cannot_be_blanked(client, world: World, referral_a):
    person = referral_a.person
    signed_in(client, world.link_worker_a)
    body = client.post(
        reverse("people:edit", args=[person.pk]), form_for(person, family_name=" ")
    ).content.decode()
    assert "Enter the person&#39;s last name" in body
    person.refresh_from_db()
    assert person.family_name == "Example"


def test_person_page_shows_the_area_decile(client, world: World, tables, referral_a):
    person = referral_a.person
    person.lsoa_code, person.imd_decile = "E01999003", 2
    person.save()
    signed_in(client, world.link_worker_a)
    body = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "IMD decile 2 of 10 (1 is the most deprived), LSOA E01999003" in body
