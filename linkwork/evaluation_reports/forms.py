"""The form that asks for the standard evaluation of a scheme."""

from __future__ import annotations

from typing import Any

from django import forms

from linkwork.accounts.models import Scheme
from linkwork.core.forms import HouseVoice
from linkwork.evaluation_reports.models import ANALYSES
from linkwork.evaluation_reports.spec import MONTH


class EvaluationForm(HouseVoice, forms.Form):
    scheme = forms.TypedChoiceField(
        label="Scheme", coerce=int, error_messages={"required": "Choose the scheme to evaluate"}
    )
    period_from = forms.CharField(
        label="Referrals received from (month)",
        required=False,
        help_text="YYYY-MM, for example 2025-04. Leave empty for every month",
    )
    period_to = forms.CharField(
        label="Referrals received to (month)",
        required=False,
        help_text="YYYY-MM, for example 2026-03. Leave empty for every month",
    )
    analyses = forms.MultipleChoiceField(
        label="Analyses",
        choices=ANALYSES,
        widget=forms.CheckboxSelectMultiple,
        initial=[value for value, _ in ANALYSES],
        error_messages={"required": "Choose at least one analysis"},
    )
    with_pdf = forms.BooleanField(
        label="Also make a PDF of the report", required=False, initial=True
    )

    def __init__(self, *args: Any, schemes: frozenset[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.schemes = {
            scheme.pk: scheme for scheme in Scheme.objects.filter(pk__in=schemes).order_by("name")
        }
        self.fields["scheme"].choices = [  # type: ignore[attr-defined]
            ("", "Choose a scheme"),
            *((pk, scheme.name) for pk, scheme in self.schemes.items()),
        ]

    def _month(self, name: str) -> str:
        value = (self.cleaned_data.get(name) or "").strip()
        if value and not MONTH.match(value):
            raise forms.ValidationError("Enter the month as YYYY-MM, for example 2025-04")
        return str(value)

    def clean_period_from(self) -> str:
        return self._month("period_from")

    def clean_period_to(self) -> str:
        return self._month("period_to")

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        since, until = data.get("period_from"), data.get("period_to")
        if since and until and since > until:
            self.add_error("period_to", "The to month must be the same as or after the from month")
        return data
