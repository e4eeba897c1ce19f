"""Forms of the insights pages."""

from __future__ import annotations

from django import forms

from linkwork.core.forms import HouseVoice
from linkwork.insights.models import ExtractFormat


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
