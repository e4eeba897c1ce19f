"""The forms of the service's management pages, each error naming its field (`HouseVoice`).

Where a model holds a rule of its own (a unique ODS code or email address, a scheme role held
in a scheme, one role once), the form asks the model and puts the answer on the field it is
about, never in a message that names no field."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from linkwork.accounts.models import (
    SCHEME_ROLES,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    Scheme,
    User,
)
from linkwork.api.models import Scope
from linkwork.core.forms import DatePartsField, HouseVoice
from linkwork.core.postcodes import InvalidPostcode, normalise_postcode
from linkwork.outcomes import INSTRUMENTS
from linkwork.vocabulary.routes import Route


class SearchForm(HouseVoice, forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)


class OrganisationSearchForm(SearchForm):
    q = forms.CharField(
        label="Name or ODS code", required=False, max_length=200, help_text="For example Z90001"
    )
    kind = forms.ChoiceField(
        label="Kind",
        required=False,
        choices=[("", "Any kind"), *OrganisationKind.choices],
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Active or inactive"), ("active", "Active"), ("inactive", "Inactive")],
    )


class UserSearchForm(SearchForm):
    q = forms.CharField(label="Name or email address", required=False, max_length=200)
    organisation = forms.TypedChoiceField(
        label="Organisation", required=False, coerce=int, empty_value=None
    )
    role = forms.ChoiceField(label="Role", required=False, choices=[("", "Any role")])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation = self.fields["organisation"]
        assert isinstance(organisation, forms.TypedChoiceField)
        organisation.choices = [
            ("", "Any organisation"),
            *(
                (pk, name if active else f"{name} (inactive)")
                for pk, name, active in Organisation.objects.order_by("name").values_list(
                    "pk", "name", "is_active"
                )
            ),
        ]
        role = self.fields["role"]
        assert isinstance(role, forms.ChoiceField)
        role.choices = [("", "Any role"), *Role.choices]


class OrganisationForm(HouseVoice, forms.ModelForm[Organisation]):
    """An organisation, and for a GP practice the secure mailbox its messages back go to."""

    mailbox_email = forms.EmailField(
        label="Secure mailbox (email address)",
        required=False,
        max_length=254,
        help_text="Where messages back to the practice are sent: its NHSmail shared mailbox, "
        "usually ending @nhs.net. Leave empty to send letters to its postcode instead.",
        error_messages={
            "invalid": "Enter the secure mailbox in the correct format, like gp.z90001@nhs.net"
        },
    )

    class Meta:
        model = Organisation
        fields = ["name", "kind", "ods_code", "postcode"]
        labels = {"name": "Name", "kind": "Kind", "ods_code": "ODS code", "postcode": "Postcode"}
        help_texts = {
            "ods_code": "The Organisation Data Service code, where it has one (GP practices, "
            "PCNs and hospitals do), such as Z90001.",
            "postcode": "Optional. Letters to a GP practice without a secure mailbox go here.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [("", "Select the kind of organisation"), *OrganisationKind.choices]
        self.fields["kind"].error_messages["required"] = "Select the kind of organisation"
        self.fields["name"].error_messages["required"] = "Enter the organisation's name"
        mailbox = getattr(self.instance, "mailbox", None) if self.instance.pk else None
        if mailbox is not None:
            self.initial["mailbox_email"] = mailbox.email

    def clean_ods_code(self) -> str:
        code = "".join(self.cleaned_data.get("ods_code", "").split()).upper()
        if code and not code.isalnum():
            raise ValidationError("Enter the ODS code as letters and numbers only, like Z90001")
        others = Organisation.objects.exclude(pk=self.instance.pk)
        if code and others.filter(ods_code__iexact=code).exists():
            raise ValidationError("Another organisation has this ODS code: check it is right")
        return code

    def clean_postcode(self) -> str:
        text = self.cleaned_data.get("postcode", "").strip()
        if not text:
            return ""
        try:
            return normalise_postcode(text)
        except InvalidPostcode:
            raise ValidationError("Enter a real postcode, like BK1 1AE") from None

    def clean_mailbox_email(self) -> str:
        return str(self.cleaned_data.get("mailbox_email", "")).strip().lower()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("mailbox_email") and data.get("kind") != OrganisationKind.GP_PRACTICE:
            self.add_error(
                "mailbox_email", "Only a GP practice has a secure mailbox here: leave it empty"
            )
        return data

    def validate_unique(self) -> None:
        # The ODS code's uniqueness is checked, and worded, by `clean_ods_code`.
        return


class SchemeForm(HouseVoice, forms.ModelForm[Scheme]):
    """A scheme's name, host and the settings its pages and jobs follow."""

    accepted_routes = forms.MultipleChoiceField(
        label="Referral routes accepted",
        required=False,
        choices=Route.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked to accept referrals from every route.",
    )
    postcode_districts = forms.CharField(
        label="Postcode districts served",
        required=False,
        max_length=1000,
        help_text="Separated by commas, such as BK1, BK2, BK3.",
    )

    class Meta:
        model = Scheme
        fields = [
            "name",
            "slug",
            "host",
            "catchment",
            "active_caseload_limit",
            "yearly_caseload_limit",
            "triage_working_days",
            "provider_response_working_days",
            "provider_reminder_working_days",
            "follow_up_days_after_connection",
            "missed_contacts_before_review",
            "minimum_age",
            "share_all_data_with_gp",
        ]
        labels = {
            "name": "Name",
            "slug": "Short name for addresses and the API",
            "host": "Host organisation",
            "catchment": "Catchment",
            "active_caseload_limit": "Active caseload limit per link worker",
            "yearly_caseload_limit": "Yearly caseload limit per link worker",
            "triage_working_days": "Working days to triage a referral",
            "provider_response_working_days": "Working days a provider has to answer",
            "provider_reminder_working_days": "Working days before a provider is reminded",
            "follow_up_days_after_connection": "Days after a connection before checking in",
            "missed_contacts_before_review": "Missed contacts in a row before a review",
            "minimum_age": "Youngest age supported, in years",
            "share_all_data_with_gp": "Share outcome scores with GP practices",
        }
        help_texts = {
            "slug": "Lower-case letters, numbers and hyphens, such as brackenfield-link. It "
            "cannot be changed later: systems use it to send referrals.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        host = self.fields["host"]
        assert isinstance(host, forms.ModelChoiceField)
        host.empty_label = "Select the host organisation"
        # An inactive organisation cannot be chosen; a scheme it already hosts keeps it.
        current = self.instance.host_id if self.instance.pk else None
        host.queryset = Organisation.objects.filter(Q(is_active=True) | Q(pk=current))
        host.error_messages["required"] = "Select the organisation that hosts the scheme"
        self.fields["name"].error_messages["required"] = "Enter the scheme's name"
        if self.instance.pk:
            # Systems send referrals by the slug (`api.actions.receive_referral`): it stays.
            del self.fields["slug"]
            # Initial values always, so `changed_data` names only what was changed.
            self.initial["accepted_routes"] = list(self.instance.accepted_routes)
            self.initial["postcode_districts"] = ", ".join(
                self.instance.catchment_postcode_districts
            )
        else:
            self.fields["slug"].error_messages["required"] = (
                "Enter a short name for addresses, such as brackenfield-link"
            )

    def clean_slug(self) -> str:
        slug = str(self.cleaned_data.get("slug", "")).strip().lower()
        if slug and Scheme.objects.filter(slug=slug).exists():
            raise ValidationError("Another scheme has this short name: choose another")
        return slug

    def clean_postcode_districts(self) -> list[str]:
        districts = []
        for part in str(self.cleaned_data.get("postcode_districts", "")).split(","):
            district = "".join(part.split()).upper()
            if not district:
                continue
            if not (2 <= len(district) <= 4 and district[0].isalpha() and district.isalnum()):
                raise ValidationError("Enter postcode districts like BK1, separated by commas")
            districts.append(district)
        return list(dict.fromkeys(districts))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        respond = data.get("provider_response_working_days")
        remind = data.get("provider_reminder_working_days")
        if isinstance(respond, int) and isinstance(remind, int) and remind >= respond:
            self.add_error(
                "provider_reminder_working_days",
                "The reminder must come before the provider's time to answer ends",
            )
        for name in ("active_caseload_limit", "yearly_caseload_limit"):
            value = data.get(name)
            if isinstance(value, int) and value < 1:
                self.add_error(name, f"The {self.fields[name].label.lower()} must be 1 or more")  # type: ignore[union-attr]
        return data

    def validate_unique(self) -> None:
        # The slug's uniqueness is checked, and worded, by `clean_slug`.
        return

    def save(self, commit: bool = True) -> Scheme:
        scheme = super().save(commit=False)
        scheme.accepted_routes = list(self.cleaned_data["accepted_routes"])
        scheme.catchment_postcode_districts = self.cleaned_data["postcode_districts"]
        if commit:
            scheme.save()
        return scheme


class UserForm(HouseVoice, forms.ModelForm[User]):
    class Meta:
        model = User
        fields = ["full_name", "email", "job_title"]
        labels = {
            "full_name": "Full name",
            "email": "Email address",
            "job_title": "Job title (optional)",
        }
        help_texts = {"email": "They sign in with it, and the link to set a password goes to it."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["full_name"].error_messages["required"] = "Enter their full name"
        self.fields["email"].error_messages.update(
            required="Enter their email address",
            invalid="Enter an email address in the correct format, like name@example.org",
        )

    def clean_email(self) -> str:
        email = str(self.cleaned_data.get("email", "")).strip().lower()
        if User.objects.exclude(pk=self.instance.pk).filter(email__iexact=email).exists():
            raise ValidationError("Another user has this email address")
        return email

    def validate_unique(self) -> None:
        # The email address's uniqueness is checked, and worded, by `clean_email`.
        return


class MembershipForm(HouseVoice, forms.Form):
    """One role for a user: in an organisation, and for a link worker or scheme lead, in one
    of its schemes. The membership is checked by the model's own rules before it is kept."""

    role = forms.ChoiceField(label="Role", choices=[("", "Select a role"), *Role.choices])
    organisation = forms.TypedChoiceField(
        label="Organisation",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="For a link worker or scheme lead, leave this to be the scheme's host.",
    )
    scheme = forms.TypedChoiceField(
        label="Scheme",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="Link workers and scheme leads work in one scheme; other roles have none.",
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["role"].error_messages["required"] = "Select a role"
        organisation = self.fields["organisation"]
        assert isinstance(organisation, forms.TypedChoiceField)
        # A role cannot be given in an inactive organisation, nor in a scheme it hosts.
        organisation.choices = [
            ("", "Select an organisation"),
            *Organisation.objects.active().order_by("name").values_list("pk", "name"),
        ]
        scheme = self.fields["scheme"]
        assert isinstance(scheme, forms.TypedChoiceField)
        scheme.choices = [
            ("", "No scheme"),
            *Scheme.objects.filter(host__is_active=True).order_by("name").values_list("pk", "name"),
        ]
        self.membership: Membership | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role = data.get("role")
        if not role:
            return data
        scheme = Scheme.objects.filter(pk=data["scheme"]).first() if data.get("scheme") else None
        organisation_id = data.get("organisation") or (scheme.host_id if scheme else None)
        if role in SCHEME_ROLES and scheme is None:
            self.add_error(
                "scheme", f"Select the scheme: a {Role(role).label.lower()} works in a scheme"
            )
            return data
        if role not in SCHEME_ROLES and scheme is not None:
            self.add_error(
                "scheme", "Only link workers and scheme leads work in a scheme: select No scheme"
            )
            return data
        if organisation_id is None:
            self.add_error("organisation", "Select the organisation where they hold the role")
            return data
        membership = Membership(
            user=self.user, organisation_id=organisation_id, scheme=scheme, role=role
        )
        try:
            membership.full_clean(exclude=["created_at"])
        except ValidationError as error:
            self._place(error, role=Role(role))
            return data
        self.membership = membership
        return data

    def _place(self, error: ValidationError, *, role: Role) -> None:
        """The model's answer on the field it concerns: a role held already names the role."""
        messages = (
            error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        )
        for name, texts in messages.items():
            for text in texts:
                if "membership_unique" in text or "already exists" in text:
                    self.add_error("role", f"They are a {role.label.lower()} there already")
                elif "membership_scheme_role_needs_scheme" in text:
                    self.add_error("scheme", "Select the scheme for this role")
                elif name in self.fields:
                    self.add_error(name, text)
                else:
                    self.add_error("role", text)


class ApiTokenForm(HouseVoice, forms.Form):
    name = forms.CharField(
        label="What the token is for",
        max_length=100,
        help_text="Such as the name of the system that will use it.",
        error_messages={"required": "Enter what the token is for"},
    )
    scopes = forms.MultipleChoiceField(
        label="APIs it may use",
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one API the token may use"},
    )
    expires = DatePartsField(
        label="Date it stops working (optional)",
        what="The date it stops working",
        required=False,
        help_text="It works until the start of that day. Leave empty for no end date. "
        "For example, 30 6 2027.",
    )

    def clean_expires(self) -> dt.datetime | None:
        day = self.cleaned_data.get("expires")
        if day is None:
            return None
        if day <= timezone.localdate():
            raise ValidationError("The date it stops working must be in the future")
        return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


class RotateForm(HouseVoice, forms.Form):
    grace_hours = forms.TypedChoiceField(
        label="When the old token stops working",
        coerce=int,
        choices=[(0, "At once"), (24, "After 24 hours"), (168, "After 7 days")],
        widget=forms.RadioSelect,
        initial=0,
        error_messages={"required": "Select when the old token stops working"},
    )


class LicenceForm(HouseVoice, forms.Form):
    """Switch one licensed instrument on or off for one scheme (see `outcomes.licensing`)."""

    scheme = forms.TypedChoiceField(
        label="Scheme", coerce=int, error_messages={"required": "Select a scheme"}
    )
    instrument = forms.ChoiceField(
        label="Instrument", error_messages={"required": "Select an instrument"}
    )
    enabled = forms.TypedChoiceField(
        label="Can the scheme record it?",
        coerce=lambda value: value == "on",
        choices=[
            ("on", "Yes: follow the installation"),
            ("off", "No: switched off for this scheme"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the scheme can record it"},
    )
    reference = forms.CharField(
        label="Licence reference (optional)",
        max_length=200,
        required=False,
        help_text="Such as the licence or registration number the scheme holds.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scheme = self.fields["scheme"]
        assert isinstance(scheme, forms.TypedChoiceField)
        scheme.choices = [
            ("", "Select a scheme"),
            *Scheme.objects.order_by("name").values_list("pk", "name"),
        ]
        instrument = self.fields["instrument"]
        assert isinstance(instrument, forms.ChoiceField)
        instrument.choices = [
            ("", "Select an instrument"),
            *sorted(
                ((i.id, i.name) for i in INSTRUMENTS.values() if i.requires_registration),
                key=lambda choice: choice[1].lower(),
            ),
        ]
