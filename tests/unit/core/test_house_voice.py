"""No form of ours can show one of Django's own messages ("This field is required.", "Ensure
this value has at most 10 characters (it has 12).") in an NHS-styled page: every message a
field can give is in the house voice and names the field."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from typing import Any

import pytest
from django import forms

import linkwork
from linkwork.casework.models import SharedField
from linkwork.core.forms import HouseVoice, django_default_messages, house_message
from linkwork.directory.models import Service
from linkwork.healthcheck.questionnaire import questionnaire
from linkwork.outcomes.scoring import INSTRUMENTS
from linkwork.referrals.capacity import WorkerLoad
from tests.conftest import World

# Modules that run or serve something when imported, and hold no forms.
NOT_IMPORTED = {"linkwork.__main__", "linkwork.cli", "linkwork.wsgi"}
# Bases never shown themselves: their subclasses (which say whose voice) are checked.
ABSTRACT = {"PersonFieldsForm"}


def _our_form_classes() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(linkwork.__path__, "linkwork."):
        if module.name in NOT_IMPORTED or ".migrations" in module.name:
            continue
        importlib.import_module(module.name)

    def below(klass: type[forms.BaseForm]) -> Iterator[type[forms.BaseForm]]:
        for sub in klass.__subclasses__():
            yield sub
            yield from below(sub)

    found = {
        klass
        for klass in below(forms.BaseForm)
        if klass.__module__.startswith("linkwork.") and klass.__name__ not in ABSTRACT
    }
    return sorted(found - {HouseVoice}, key=lambda klass: klass.__qualname__)


FORMS = _our_form_classes()


def _instances(klass: type[Any], world: World, referral: Any) -> list[forms.BaseForm]:
    """The form as its views make it: bound, so it is cleaned, with what it is built for."""
    name = klass.__name__
    if name in {"ContactForm", "AppointmentForm"}:
        return [klass({}, person=referral.person)]
    if name == "ConnectForm":
        return [klass({}, shareable=[SharedField.NAME, SharedField.CONTACT])]
    if name == "AssignForm":
        load = WorkerLoad(scheme=world.scheme_a, worker=world.link_worker_a)
        return [klass({}, loads=[load])]
    if name == "TriageForm":
        return [klass({}, referral=referral)]
    if name == "PersonDetailsForm":
        return [klass({}, person=referral.person)]
    if name in {"EndpointForm", "RequestForm"}:  # the organisations the user may choose
        choices = [(world.practice.pk, world.practice.name)]
        return [klass({}, organisations=choices if name == "EndpointForm" else dict(choices))]
    if name in {"NewPasswordForm", "ChangePasswordForm"}:
        return [klass({}, user=world.link_worker_a)]
    if name == "ExportForm":
        return [klass({}, rows=[])]
    if name == "SelfAssessmentForm":
        return [klass({}, asked=questionnaire())]
    if name == "HealthActionForm":
        return [klass({}, owners=[world.scheme_lead_a])]
    if name == "MembershipForm":  # the user who is to hold the role
        return [klass({}, user=world.curator)]
    if name in {"FiltersForm", "EvaluationForm"}:
        return [klass({}, schemes=frozenset({world.scheme_a.pk}))]
    if name == "SessionForm":  # link worker support: a lead's choices
        return [klass({}, user=world.scheme_lead_a, led=[world.scheme_a], worked=[])]
    if name == "PeerForm":
        return [klass({}, services=Service.objects.none())]
    if name == "SettingsForm":
        return [klass({}, schemes=[world.scheme_a])]
    if name in {"MeasureForm", "Eq5dForm", "LicensedForm"}:
        made = []
        for instrument in INSTRUMENTS.values():
            try:
                made.append(klass({}, instrument=instrument))
            except ValueError:  # not this kind of instrument
                continue
        return made
    return [klass({})]


def test_every_form_is_found():
    names = {klass.__name__ for klass in FORMS}
    assert {"PersonForm", "SelfReferralForm", "ContactForm", "ServiceForm"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize("klass", FORMS, ids=lambda klass: klass.__name__)
def test_form_shows_no_django_default_message(klass, world: World, referral_a):
    assert issubclass(klass, HouseVoice), f"{klass.__name__} does not mix in HouseVoice"
    for form in _instances(klass, world, referral_a):
        form.full_clean()
        for name, field in form.fields.items():
            defaults = django_default_messages(field)
            codes = set(field.error_messages)
            codes |= {v.code for v in field.validators if isinstance(getattr(v, "code", 0), str)}
            for code in codes:
                message = field.error_messages.get(code)
                assert message is not None, f"{klass.__name__}.{name}: no message for {code}"
                assert str(message) not in defaults, f"{klass.__name__}.{name}: {message}"


@pytest.mark.parametrize(
    ("field", "code", "limit", "expected"),
    [
        (forms.CharField(label="Last name"), "max_length", 100, "Last name must be 100 "),
        (forms.CharField(label="NHS number (optional)"), "required", None, "Enter NHS number"),
        (forms.ChoiceField(label="Scheme"), "required", None, "Select scheme"),
        (forms.ChoiceField(label="Scheme"), "invalid_choice", None, "Select one of the choices"),
        (forms.EmailField(label="Email"), "invalid", None, "Enter email in the correct format"),
        (forms.IntegerField(label="Minutes"), "min_value", 1, "Minutes must be 1 or more"),
        (forms.IntegerField(label="Minutes"), "invalid", None, "Minutes must be a whole number"),
        (forms.TimeField(label="Time"), "invalid", None, "Time must be a real time"),
        (forms.CharField(label="Who?"), "required", None, 'Enter an answer to "Who?"'),
    ],
)
def test_house_message_names_the_field(field, code, limit, expected):
    assert house_message(field, "unused", code, limit).startswith(expected)


@pytest.mark.django_db
def test_a_too_long_answer_is_named_in_the_house_voice(client, world: World):
    from django.urls import reverse

    from tests.conftest import signed_in
    from tests.integration.test_referral_forms import PERSON

    signed_in(client, world.referrer)
    client.get(reverse("referrals:new"))
    body = client.post(
        reverse("referrals:new_person"), {**PERSON, "phone": "0" * 21}
    ).content.decode()
    assert "Phone number must be 20 characters or fewer" in body
    assert "Ensure this value" not in body
