"""Forms for directory search and curation. Every error names its field and says how to fix it."""

from __future__ import annotations

from typing import Any

from django import forms

from linkwork.core.forms import HouseVoice
from linkwork.core.languages import LANGUAGES
from linkwork.core.postcodes import is_valid_postcode
from linkwork.directory.geography import Point, get_geocoder
from linkwork.directory.models import Capacity, DeliveryMode, ReferralRoute, Service, Weekday
from linkwork.directory.search import (
    ACCESSIBILITY_FEATURES,
    DEFAULT_DISTANCE_KM,
    TIMES_OF_DAY,
    Criteria,
)
from linkwork.vocabulary.categories import CATEGORIES

ANY: list[tuple[str, str]] = [("", "Any")]
DISTANCES = [(1, "1 km"), (2, "2 km"), (5, "5 km"), (10, "10 km"), (20, "20 km")]


class SearchForm(HouseVoice, forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        help_text="For example walking group, debt advice or the name of an organisation",
    )
    category = forms.ChoiceField(
        label="Type of support",
        required=False,
        choices=ANY + [(slug, category.name) for slug, category in CATEGORIES.items()],
    )
    postcode = forms.CharField(
        label="Postcode",
        required=False,
        max_length=10,
        help_text="To find services near the person, for example BK1 1AE",
    )
    within = forms.TypedChoiceField(
        label="Distance",
        required=False,
        coerce=int,
        choices=DISTANCES,
        initial=int(DEFAULT_DISTANCE_KM),
    )
    day = forms.ChoiceField(label="Day", required=False, choices=ANY + list(Weekday.choices))
    time = forms.ChoiceField(
        label="Time of day",
        required=False,
        choices=ANY + [(key, label) for key, (_, _, label) in TIMES_OF_DAY.items()],
    )
    delivery = forms.ChoiceField(
        label="How it is delivered", required=False, choices=ANY + list(DeliveryMode.choices)
    )
    language = forms.ChoiceField(label="Language", required=False, choices=ANY + LANGUAGES)
    accessibility = forms.MultipleChoiceField(
        label="Accessibility",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(key, label) for key, (label, _) in ACCESSIBILITY_FEATURES.items()],
    )
    free = forms.BooleanField(label="Free only", required=False)
    accepting = forms.BooleanField(label="Accepting referrals now", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.origin: Point | None = None
        for bound in self:
            if isinstance(bound.field, forms.ChoiceField):
                message = f"Select {str(bound.label).lower()} from the list"  # noqa: S608
                bound.field.error_messages["invalid_choice"] = message

    def clean_postcode(self) -> str:
        postcode: str = self.cleaned_data["postcode"].strip()
        if not postcode:
            return ""
        if not is_valid_postcode(postcode):
            raise forms.ValidationError("Enter a real postcode, like BK1 1AE")
        self.origin = get_geocoder().locate(postcode)
        if self.origin is None:
            raise forms.ValidationError(
                f"We could not find the postcode {postcode.upper()}: check it and try again"
            )
        return postcode

    def criteria(self) -> Criteria:
        data = self.cleaned_data
        return Criteria(
            text=data["q"],
            category=data["category"],
            origin=self.origin,
            within_km=float(data["within"] or DEFAULT_DISTANCE_KM),
            day=data["day"],
            time_of_day=data["time"],
            delivery=data["delivery"],
            free_only=data["free"],
            language=data["language"],
            accessibility=tuple(data["accessibility"]),
            accepting_only=data["accepting"],
        )


# What a listing's page and forms say of a fact no feed or person has stated.
NOT_STATED = "Not stated"
DELIVERY_FIELDS = ("delivers_in_person", "delivers_online", "delivers_by_phone")


class ServiceForm(HouseVoice, forms.ModelForm[Service]):
    """What a curator, or the provider who runs the service, keeps up to date.

    Capacity and route may be left "Not stated"; ticking no delivery mode leaves delivery
    not stated, ticking any states every mode (the unticked ones as not offered).
    """

    capacity = forms.ChoiceField(
        label="Capacity", required=False, choices=[("", NOT_STATED), *Capacity.choices]
    )
    referral_route = forms.ChoiceField(
        label="How people get a place",
        required=False,
        choices=[("", NOT_STATED), *ReferralRoute.choices],
    )
    delivers_in_person = forms.BooleanField(label="In person", required=False)
    delivers_online = forms.BooleanField(label="Online", required=False)
    delivers_by_phone = forms.BooleanField(label="By phone", required=False)

    url = forms.URLField(
        label="Website",
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages={
            "invalid": "Enter a web address in the correct format, like https://example.org"
        },
    )

    class Meta:
        model = Service
        fields = [
            "name",
            "description",
            "status",
            "capacity",
            "referral_route",
            "delivers_in_person",
            "delivers_online",
            "delivers_by_phone",
            "eligibility_description",
            "minimum_age",
            "maximum_age",
            "fees_description",
            "email",
            "url",
            "funded_for_social_prescribing",
            "funding_note",
        ]
        labels = {
            "name": "Service name",
            "status": "Status",
            "capacity": "Capacity",
            "referral_route": "How people get a place",
            "delivers_in_person": "In person",
            "delivers_online": "Online",
            "delivers_by_phone": "By phone",
            "eligibility_description": "Who it is for",
            "fees_description": "Costs",
            "url": "Website",
            "funded_for_social_prescribing": "Funded to take social prescribing referrals",
        }
        error_messages = {
            "name": {"required": "Enter the name of the service"},
            "email": {
                "invalid": "Enter an email address in the correct format, like name@example.org"
            },
            "url": {
                "invalid": "Enter a web address in the correct format, like https://example.org"
            },
            "minimum_age": {"invalid": "Enter the minimum age as a whole number, like 18"},
            "maximum_age": {"invalid": "Enter the maximum age as a whole number, like 65"},
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("minimum_age"), data.get("maximum_age")
        if low is not None and high is not None and low > high:
            self.add_error(
                "maximum_age", "The maximum age must be the same as or more than the minimum age"
            )
        stated = any(data.get(name) for name in DELIVERY_FIELDS)
        for name in DELIVERY_FIELDS:
            data[name] = bool(data.get(name)) if stated else None
        return data

    @property
    def changed_data(self) -> list[str]:
        """As Django has it, except that the delivery modes are compared as stored: an
        unticked box is None (not stated) or False (not offered), decided together."""
        changed = [name for name in super().changed_data if name not in DELIVERY_FIELDS]
        cleaned = getattr(self, "cleaned_data", {})
        return changed + [
            name
            for name in DELIVERY_FIELDS
            if name in cleaned and cleaned[name] != self.initial.get(name)
        ]


CAPACITY_LABELS = dict(Capacity.choices)
ROUTE_LABELS = dict(ReferralRoute.choices)
