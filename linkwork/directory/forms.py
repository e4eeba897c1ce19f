"""Forms for directory search and curation. Every error names its field and says how to fix it."""

from __future__ import annotations

import html
from typing import Any

from django import forms

from linkwork.core import links
from linkwork.core.forms import DatePartsField, HouseVoice, PhoneField
from linkwork.core.languages import LANGUAGES
from linkwork.core.postcodes import InvalidPostcode, is_valid_postcode, normalise_postcode
from linkwork.directory.geography import Point, get_geocoder
from linkwork.directory.listing import ListingLinks, current_links
from linkwork.directory.models import (
    Capacity,
    DeliveryMode,
    Organization,
    ReferralRoute,
    Service,
    Weekday,
)
from linkwork.directory.search import (
    ACCESSIBILITY_FEATURES,
    DEFAULT_DISTANCE_KM,
    TIMES_OF_DAY,
    Criteria,
)
from linkwork.directory.text import plain_text, sanitise_html
from linkwork.vocabulary.categories import AUDIENCES, CATEGORIES

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
                message = f"Select {str(bound.label).lower()} from the list"  # noqa: S608 # nosec B608
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


SEX_AUDIENCES = ("women_only", "men_only")
SEX_CHOICES = [("", "Anyone"), *((slug, AUDIENCES[slug].name) for slug in SEX_AUDIENCES)]
OTHER_AUDIENCES = [
    (slug, term.name) for slug, term in AUDIENCES.items() if slug not in SEX_AUDIENCES
]
LANGUAGE_CODES = frozenset(code for code, _ in LANGUAGES)

# What a listing's page and forms say of a fact no feed or person has stated.
NOT_STATED = "Not stated"
DELIVERY_FIELDS = ("delivers_in_person", "delivers_online", "delivers_by_phone")


def plain_description(value: str) -> str:
    """What a person typed in a description box, as plain words: any markup typed or pasted
    in is taken out, repeatedly, so escaped markup ("&lt;script&gt;") cannot come back as tags."""
    text = value.strip()
    for _ in range(5):
        cleaned = plain_text(text)
        if cleaned == text:
            break
        text = cleaned
    return text


def description_html(text: str) -> str:
    """Plain words as the listing stores a description: each paragraph (text between blank
    lines) a `<p>`, line breaks kept; escaped, then sanitised like every description."""
    paragraphs = [part.strip() for part in text.split("\n\n") if part.strip()]
    marked = "".join(
        "<p>" + "<br>".join(html.escape(line.strip()) for line in part.split("\n")) + "</p>"
        for part in paragraphs
    )
    return sanitise_html(marked)


class ServiceForm(HouseVoice, forms.ModelForm[Service]):
    """What a curator, or the provider who runs the service, keeps up to date.

    The description is typed as plain text and stored as sanitised paragraphs; the
    organisation is any for curators, the provider's own for providers."""

    organization = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organization.objects.none(),
        empty_label="Select the organisation that runs it",
        error_messages={"required": "Select the organisation that runs the service"},
    )
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=10000,
        widget=forms.Textarea,
        help_text="What happens, in plain words. Leave a blank line between paragraphs.",
    )
    url = forms.URLField(
        label="Website",
        required=False,
        max_length=500,
        assume_scheme="https",
        validators=[links.validate_web_address],
        error_messages={
            "invalid": "Enter a web address in the correct format, like https://example.org"
        },
    )
    phone = PhoneField(
        label="Phone number",
        required=False,
        max_length=30,
        help_text="For example, 01632 960 001",
    )
    sex = forms.ChoiceField(
        label="Who can come",
        required=False,
        choices=SEX_CHOICES,
        widget=forms.RadioSelect,
    )
    audiences = forms.MultipleChoiceField(
        label="Who it is meant for",
        required=False,
        choices=OTHER_AUDIENCES,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label="Languages it is run in",
        required=False,
        choices=LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
    )
    categories = forms.MultipleChoiceField(
        label="Type of support",
        required=False,
        choices=[(slug, category.name) for slug, category in CATEGORIES.items()],
        widget=forms.CheckboxSelectMultiple,
    )
    # Capacity and route may be left "Not stated"; so may delivery (no box ticked).
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

    class Meta:
        model = Service
        fields = [
            "name",
            "organization",
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
            "minimum_age": "Minimum age (optional)",
            "maximum_age": "Maximum age (optional)",
            "fees_description": "Costs",
            "email": "Email address",
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

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisations = self.fields["organization"]
        assert isinstance(organisations, forms.ModelChoiceField)
        organisations.queryset = (
            Organization.objects.editable_by(user).only("id", "name")
            if user is not None
            else Organization.objects.none()
        )
        for name in ("minimum_age", "maximum_age"):
            self.fields[name].widget.attrs.update(min=0, max=120)
        self.links = (
            current_links(self.instance)
            if self.instance.pk and not self.instance._state.adding
            else ListingLinks()
        )
        if not self.instance._state.adding:
            self.initial["description"] = self.instance.description_text
        self.initial.update(
            phone=self.links.phone,
            sex=next((s for s in SEX_AUDIENCES if s in self.links.audiences), ""),
            audiences=sorted(self.links.audiences - set(SEX_AUDIENCES)),
            languages=sorted(self.links.languages & LANGUAGE_CODES),
            categories=sorted(self.links.categories),
        )

    def clean_description(self) -> str:
        return plain_description(self.cleaned_data.get("description") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("minimum_age"), data.get("maximum_age")
        if low is not None and high is not None and low > high:
            self.add_error(
                "maximum_age", "The maximum age must be the same as or more than the minimum age"
            )
        for name, what in (("minimum_age", "minimum"), ("maximum_age", "maximum")):
            value = data.get(name)
            if value is not None and value > 120:
                self.add_error(name, f"The {what} age must be 120 or less")
        # Ticking no delivery mode leaves delivery not stated; ticking any states every mode.
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

    def listing_changes(self) -> dict[str, Any]:
        """The listing's own fields that changed, as they are stored."""
        changes = {
            name: self.cleaned_data[name]
            for name in self.changed_data
            if name in self._meta.fields  # type: ignore[operator]
        }
        if "description" in changes:
            changes["description"] = description_html(changes["description"])
        return changes

    def listing_fields(self) -> dict[str, Any]:
        """Every field of a new listing, as stored."""
        fields = {name: self.cleaned_data[name] for name in self._meta.fields or ()}
        fields["description"] = description_html(fields["description"])
        return fields

    def new_links(self) -> ListingLinks:
        data = self.cleaned_data
        # Codes the form does not offer (a feed's own languages) are kept as they are.
        unlisted_languages = self.links.languages - LANGUAGE_CODES
        return ListingLinks(
            categories=frozenset(data["categories"]),
            audiences=frozenset(data["audiences"]) | ({data["sex"]} if data["sex"] else set()),
            languages=frozenset(data["languages"]) | unlisted_languages,
            phone=data["phone"],
        )


CAPACITY_LABELS = dict(Capacity.choices)
ROUTE_LABELS = dict(ReferralRoute.choices)


# Times typed as people write them on a timetable: 10:00, 14:30, 9.30.
TIME_FORMATS = ["%H:%M", "%H.%M", "%H:%M:%S"]


class ScheduleForm(HouseVoice, forms.Form):
    """One weekly session: a day, an opening and a closing time, and, for a course or a run
    of sessions, the dates it runs between."""

    day = forms.ChoiceField(
        label="Day",
        choices=Weekday.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the day of the week it runs"},
    )
    opens_at = forms.TimeField(
        label="Opens at",
        input_formats=TIME_FORMATS,
        help_text="Use the 24-hour clock, for example 10:00 or 14:30",
        error_messages={
            "required": "Enter the time it opens",
            "invalid": "Enter the time it opens as hours and minutes, like 10:00",
        },
    )
    closes_at = forms.TimeField(
        label="Closes at",
        input_formats=TIME_FORMATS,
        help_text="For example 12:00 or 16:30",
        error_messages={
            "required": "Enter the time it closes",
            "invalid": "Enter the time it closes as hours and minutes, like 12:00",
        },
    )
    valid_from = DatePartsField(
        what="The first date", label="First date (optional)", required=False
    )
    valid_to = DatePartsField(what="The last date", label="Last date (optional)", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["valid_from"].help_text = "For a course or a run of sessions, like 15 3 2027"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens is not None and closes is not None and closes <= opens:
            self.add_error("closes_at", "The closing time must be after the opening time")
        first, last = data.get("valid_from"), data.get("valid_to")
        if first is not None and last is not None and last < first:
            self.add_error("valid_to", "The last date must be the same as or after the first date")
        return data


class VenueForm(HouseVoice, forms.Form):
    """A place where the service runs: its address, found on the map by its postcode, and
    what it offers for access."""

    name = forms.CharField(
        label="Venue name (optional)",
        required=False,
        max_length=255,
        help_text="For example, St Mark's Church Hall",
    )
    address_1 = forms.CharField(
        label="Address line 1",
        max_length=255,
        error_messages={"required": "Enter address line 1, typically the building and street"},
    )
    address_2 = forms.CharField(label="Address line 2 (optional)", required=False, max_length=255)
    city = forms.CharField(
        label="Town or city",
        max_length=100,
        error_messages={"required": "Enter the town or city"},
    )
    county = forms.CharField(label="County (optional)", required=False, max_length=100)
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        error_messages={"required": "Enter the postcode, like BK1 1AE"},
    )
    accessibility = forms.MultipleChoiceField(
        label="Access",
        required=False,
        choices=[(key, label) for key, (label, _) in ACCESSIBILITY_FEATURES.items()],
        widget=forms.CheckboxSelectMultiple,
    )
    access_details = forms.CharField(
        label="Other access details (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea,
        help_text="For example, the entrance is round the back, by the car park",
    )
    transportation = forms.CharField(
        label="Getting there (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea,
        help_text="For example, buses 12 and 14 stop outside",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.point: Point | None = None

    def clean_postcode(self) -> str:
        try:
            postcode = normalise_postcode(self.cleaned_data["postcode"])
        except InvalidPostcode:
            raise forms.ValidationError("Enter a real postcode, like BK1 1AE") from None
        self.point = get_geocoder().locate(postcode)
        if self.point is None:
            raise forms.ValidationError(
                f"We could not find the postcode {postcode} on the map: check it and try again"
            )
        return postcode

    def clean_access_details(self) -> str:
        return plain_description(self.cleaned_data.get("access_details") or "")

    def clean_transportation(self) -> str:
        return plain_description(self.cleaned_data.get("transportation") or "")


FREE, PAID = "free", "paid"


class CostForm(HouseVoice, forms.Form):
    """One cost option: free, or an amount in pounds and what it is for."""

    kind = forms.ChoiceField(
        label="Is it free?",
        choices=[(FREE, "Yes, it is free"), (PAID, "No, it costs money")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether it is free or costs money"},
    )
    amount = forms.DecimalField(
        label="Amount in pounds",
        required=False,
        min_value=0,
        max_value=99999,
        max_digits=10,
        decimal_places=2,
        help_text="For example, 3.50",
        error_messages={
            "invalid": "Enter the amount in pounds and pence, like 3.50",
            "max_decimal_places": "Enter the amount in pounds and pence, like 3.50",
        },
    )
    amount_description = forms.CharField(
        label="What the amount is for (optional)",
        required=False,
        max_length=255,
        help_text="For example, per session, or per term for people on benefits",
    )

    def clean_amount_description(self) -> str:
        return plain_description(self.cleaned_data.get("amount_description") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == PAID:
            amount = data.get("amount")
            if amount is None and "amount" not in self.errors:
                self.add_error("amount", "Enter the amount in pounds, like 3.50")
            elif amount is not None and amount <= 0:
                self.add_error("amount", "Enter an amount more than 0, or choose free")
        return data


class TipForm(HouseVoice, forms.Form):
    """A link worker's tip about a service, checked by a curator before others see it."""

    text = forms.CharField(
        label="Your tip",
        max_length=1000,
        widget=forms.Textarea,
        help_text="What helps people go: who to ask for, the door to use. "
        "Do not name the people you support.",
        error_messages={"required": "Enter your tip"},
    )

    def clean_text(self) -> str:
        text = plain_description(self.cleaned_data.get("text") or "")
        if not text:
            raise forms.ValidationError("Enter your tip")
        return text


APPROVE, REJECT = "approve", "reject"


class TipDecisionForm(HouseVoice, forms.Form):
    """A curator's decision on one tip waiting to be checked."""

    tip = forms.UUIDField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[(APPROVE, "Approve"), (REJECT, "Reject")])


class SuggestionDecisionForm(HouseVoice, forms.Form):
    """A curator's one click on a suggested category, audience or age range."""

    suggestion = forms.UUIDField(label="Suggestion", widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label="Decision", choices=[("confirm", "Confirm"), ("reject", "Reject")]
    )
