"""The staff referral form and the self-referral form ask for the person in the same way:
the same fields, limits and checks, worded for staff or for the person."""

from __future__ import annotations

import pytest

from linkwork.people.models import ContactMethod
from linkwork.referrals.forms import (
    ABOUT_THE_PERSON,
    ABOUT_YOU,
    PersonFieldsForm,
    PersonForm,
    SelfReferralForm,
)

pytestmark = pytest.mark.django_db

SHARED = list(PersonFieldsForm.base_fields)


def test_person_forms_share_the_person_fields():
    staff, public = PersonForm(), SelfReferralForm()
    for name in SHARED:
        a, b = staff.fields[name], public.fields[name]
        assert type(a) is type(b), name
        assert getattr(a, "max_length", None) == getattr(b, "max_length", None), name
        assert type(a.widget) is type(b.widget), name
        assert a.help_text == b.help_text, name


def test_person_forms_word_every_shared_field_for_their_reader():
    for form, wording in ((PersonForm(), ABOUT_THE_PERSON), (SelfReferralForm(), ABOUT_YOU)):
        assert form.fields["preferred_contact_method"].label == wording.contact_method
        assert form.fields["phone"].label == wording.phone
        assert form.fields["email"].error_messages["invalid"] == wording.email_invalid
        assert form.fields["given_name"].error_messages["required"] == wording.given_name_missing
        assert set(wording.detail_missing) == {"phone", "email", "address"}


def test_person_forms_keep_their_own_field_order():
    assert list(PersonForm().fields)[:8] == [
        "given_name",
        "family_name",
        "date_of_birth",
        "nhs_number",
        "postcode",
        "phone",
        "email",
        "preferred_contact_method",
    ]
    # The self-referral form asks the GP practice beside the postcode, as its page shows it;
    # the shared fields keep their order around it.
    public = list(SelfReferralForm().fields)
    assert [name for name in public if name in SHARED] == SHARED
    assert public[: len(SHARED) + 1] == [*SHARED[:4], "gp_practice", *SHARED[4:]]


def test_person_forms_ask_the_same_equality_questions_in_their_own_voice():
    staff, public = PersonForm(), SelfReferralForm()
    for name in ("sex", "gender_same_as_sex", "gender_identity", "ethnicity", "digital_access"):
        a, b = staff.fields[name], public.fields[name]
        assert type(a) is type(b), name
        assert not a.required, name
        assert not b.required, name
        assert a.label != b.label, name
        assert a.label.endswith("(optional)"), name
        assert b.label.endswith("(optional)"), name
        offered = [value for value, _ in getattr(a, "choices", [])]
        assert not offered or "prefer_not_to_say" in offered, name


def test_postcode_is_optional_for_staff_and_asked_of_the_person():
    assert not PersonForm().fields["postcode"].required
    assert SelfReferralForm().fields["postcode"].required


def test_self_referral_offers_no_in_person_contact():
    staff = [value for value, _ in PersonForm().fields["preferred_contact_method"].choices]
    public = [value for value, _ in SelfReferralForm().fields["preferred_contact_method"].choices]
    assert staff == ContactMethod.values
    assert public == [v for v in ContactMethod.values if v != ContactMethod.IN_PERSON]


def test_person_form_wording_is_per_form_not_shared_state():
    staff = PersonForm()
    SelfReferralForm()
    assert staff.fields["given_name"].error_messages["required"] == (
        "Enter the person's first name"
    )
    assert PersonFieldsForm.base_fields["given_name"].error_messages["required"] != (
        "Enter your first name"
    )
