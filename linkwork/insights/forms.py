"""The dashboards' filters: dates, scheme, referring practice or organisation, route, link
worker. Every choice offered is one the user may count."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from linkwork.accounts.models import Membership, Role, Scheme
from linkwork.core.forms import HouseVoice
from linkwork.insights import scope
from linkwork.insights.model import Filters
from linkwork.insights.models import ExtractFormat
from linkwork.vocabulary.routes import Route


class FiltersForm(HouseVoice, forms.Form):
    date_from = forms.DateField(
        label="From date",
        required=False,
        help_text="Received on or after, for example 2026-04-01",
        error_messages={"invalid": "Enter the from date as YYYY-MM-DD"},
    )
    date_to = forms.DateField(
        label="To date",
        required=False,
        help_text="Received on or before, for example 2026-06-30",
        error_messages={"invalid": "Enter the to date as YYYY-MM-DD"},
    )
    scheme = forms.ChoiceField(label="Scheme", required=False)
    organisation = forms.TypedChoiceField(
        label="Referring practice or organisation", required=False, coerce=int, empty_value=None
    )
    route = forms.ChoiceField(
        label="Route", required=False, choices=[("", "Every route"), *Route.choices]
    )
    link_worker = forms.TypedChoiceField(
        label="Link worker", required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, schemes: frozenset[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.schemes = schemes
        self.scheme_rows = list(
            Scheme.objects.filter(pk__in=schemes).order_by("name").values_list("pk", "slug", "name")
        )
        self.fields["scheme"].choices = [  # type: ignore[attr-defined]
            ("", "Every scheme"),
            *((slug, name) for _, slug, name in self.scheme_rows),
        ]
        self.fields["organisation"].choices = [  # type: ignore[attr-defined]
            ("", "Every organisation"),
            *scope.organisation_choices(schemes),
        ]
        workers = (
            Membership.objects.filter(scheme_id__in=schemes, role=Role.LINK_WORKER)
            .order_by("user__full_name", "user_id")
            .values_list("user_id", "user__full_name")
            .distinct()
        )
        self.fields["link_worker"].choices = [  # type: ignore[attr-defined]
            ("", "Every link worker"),
            *workers,
        ]

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        since, until = data.get("date_from"), data.get("date_to")
        if isinstance(since, dt.date) and isinstance(until, dt.date) and since > until:
            self.add_error("date_to", "The to date must be the same as or after the from date")
        return data

    def filters(self) -> Filters:
        """The filters chosen (call after `is_valid()`); everything the user may count when
        the form is unbound or invalid."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        schemes = self.schemes
        if data.get("scheme"):
            schemes = frozenset(pk for pk, slug, _ in self.scheme_rows if slug == data["scheme"])
        return Filters(
            schemes=schemes,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            referring_organisation=data.get("organisation"),
            route=data.get("route") or "",
            link_worker=data.get("link_worker"),
        )


class ExtractForm(HouseVoice, forms.Form):
    file_format = forms.ChoiceField(
        label="File format",
        choices=[
            (ExtractFormat.CSV, "CSV (opens in a spreadsheet)"),
            (ExtractFormat.PARQUET, "Parquet (for R, Python and other analysis tools)"),
        ],
        widget=forms.RadioSelect,
        initial=ExtractFormat.CSV,
    )
    with_measures = forms.BooleanField(
        label="Also write a file of outcome measures, one row per measure",
        required=False,
        initial=True,
    )
    with_clinical = forms.BooleanField(
        label=(
            "Also write the clinical measures and the health-care use loaded from GP and "
            "hospital records, one file each"
        ),
        required=False,
        initial=True,
    )
