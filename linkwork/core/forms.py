"""Bridge Django forms to the NHS.UK frontend macros: error summary and field parameters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, cast

from django import forms
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from linkwork.core.phones import InvalidPhone, normalise_phone
from linkwork.core.text import NoControlCharacters


def error_summary(form: forms.Form) -> list[dict[str, str]]:
    """Error summary items, each linking to its field, in the form's field order."""
    items = [{"text": str(error), "href": "#id___all__"} for error in form.non_field_errors()]
    for name, field in form.fields.items():
        bound = form[name]
        for error in bound.errors:
            widget_id = bound.id_for_label or bound.auto_id
            # Choice widgets put the first option's id on the label, as the NHS.UK macros do.
            if isinstance(field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                widget_id = f"{bound.auto_id}"
            if isinstance(field.widget, DatePartsWidget):
                widget_id = f"{bound.auto_id}-day"
            items.append({"text": str(error), "href": f"#{widget_id}"})
    return items


def _english() -> bool:
    return (translation.get_language() or "en").startswith("en")


def error_message(bound: forms.BoundField) -> dict[str, str]:
    """The NHS.UK error message of a field, its hidden "Error:" in the page's language."""
    return {
        "text": " ".join(str(error) for error in bound.errors),
        "visuallyHiddenText": _("Error"),
    }


def field(bound: forms.BoundField, label: str | None = None, **params: Any) -> dict[str, Any]:
    """Parameters for an NHS.UK input-like macro from a bound field."""
    value = bound.value()
    result: dict[str, Any] = {
        "id": bound.auto_id,
        "name": bound.html_name,
        "label": {"text": label or str(bound.label)},
        "value": "" if value is None else value,
    }
    if bound.help_text:
        result["hint"] = {"text": str(bound.help_text)}
    if bound.errors:
        result["errorMessage"] = error_message(bound)
    if bound.field.required:
        result.setdefault("attributes", {})["required"] = "required"
    for key, extra in params.items():
        if isinstance(extra, dict) and isinstance(result.get(key), dict):
            result[key] = {**result[key], **extra}
        else:
            result[key] = extra
    return result


def choice_field(
    bound: forms.BoundField, label: str | None = None, **params: Any
) -> dict[str, Any]:
    """Parameters for the NHS.UK select, radios or checkboxes macros from a choice field."""
    result = field(bound, label, **params)
    current = bound.value()
    chosen = (
        {str(value) for value in current} if isinstance(current, list | tuple) else {str(current)}
    )
    choices = getattr(bound.field, "choices", [])
    result["idPrefix"] = bound.auto_id
    result["items"] = [
        {
            "value": value,
            "text": text,
            "selected": str(value) in chosen,
            "checked": str(value) in chosen,
        }
        for value, text in choices
    ]
    result.pop("value", None)
    if isinstance(bound.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        # The first option carries the field's id (idPrefix); the group must not repeat it.
        result.pop("id", None)
    return result


def checkbox(bound: forms.BoundField, label: str | None = None, **params: Any) -> dict[str, Any]:
    """Parameters for a single yes-or-no checkbox, drawn with the checkboxes macro."""
    item = {"value": "on", "text": label or str(bound.label), "checked": bool(bound.value())}
    result: dict[str, Any] = {"idPrefix": bound.auto_id, "name": bound.html_name, "items": [item]}
    if bound.errors:
        result["errorMessage"] = error_message(bound)
    return {**result, **params}


class DatePartsWidget(forms.Widget):
    """Day, month and year boxes named `<name>[day]` and so on, as the NHS.UK date input."""

    parts = ("day", "month", "year")

    def value_from_datadict(self, data: Any, files: Any, name: str) -> dict[str, str]:
        return {part: str(data.get(f"{name}[{part}]", "")).strip() for part in self.parts}

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return not any(f"{name}[{part}]" in data for part in self.parts)


class DatePartsField(forms.Field):
    """A date typed as day, month and year, with the NHS.UK error messages for each case."""

    widget = DatePartsWidget

    def __init__(self, *, what: str, past: bool = False, **kwargs: Any) -> None:
        self.what = what
        self.past = past
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dt.date):
            return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}
        return value

    def to_python(self, value: Any) -> dt.date | None:
        if isinstance(value, dt.date):
            return value
        parts = value or {}
        if not any(parts.values()):
            return None
        missing = [part for part in DatePartsWidget.parts if not parts.get(part)]
        # First in the English sentence, mid-sentence in the Welsh.
        what = self.what if _english() else _lower(self.what)
        if missing:
            names = {"day": _("day"), "month": _("month"), "year": _("year")}
            raise forms.ValidationError(
                _("%(what)s must include a %(parts)s")
                % {"what": what, "parts": _(" and ").join(names[part] for part in missing)}
            )
        try:
            day, month, year = (int(parts[part]) for part in DatePartsWidget.parts)
            value = dt.date(year, month, day)
        except ValueError:
            message = _("%(what)s must be a real date") % {"what": what}
            raise forms.ValidationError(message) from None
        if year < 1900:
            raise forms.ValidationError(_("%(what)s must be after 1900") % {"what": what})
        if self.past and value >= timezone.localdate():
            raise forms.ValidationError(_("%(what)s must be in the past") % {"what": what})
        return value

    def validate(self, value: Any) -> None:
        if value in self.empty_values and self.required:
            what = self.what[0].lower() + self.what[1:]
            raise forms.ValidationError(_("Enter %(what)s") % {"what": what})


def date_field(bound: forms.BoundField, legend: str | None = None, **params: Any) -> dict[str, Any]:
    """Parameters for the NHS.UK date input macro from a `DatePartsField`."""
    value = bound.field.prepare_value(bound.value()) or {}
    result: dict[str, Any] = {
        "id": bound.auto_id,
        "namePrefix": bound.html_name,
        "fieldset": {"legend": {"text": legend or str(bound.label), "size": "s"}},
        "values": value if isinstance(value, dict) else {},
    }
    if bound.help_text:
        result["hint"] = {"text": str(bound.help_text)}
    if bound.errors:
        result["errorMessage"] = error_message(bound)
    if not _english():
        # The macro names the boxes "Day", "Month" and "Year" in English unless told.
        values = result["values"]
        for part, label in (("day", _("Day")), ("month", _("Month")), ("year", _("Year"))):
            result[part] = {
                "name": part,
                "value": values.get(part),
                "width": 4 if part == "year" else 2,
                "label": label,
            }
    return {**result, **params}


def today_or_later(day: dt.date | None, what: str) -> dt.date | None:
    """`day` unchanged, or a form error when it is in the past (`what` names the date)."""
    if day is not None and day < timezone.localdate():
        raise forms.ValidationError(_("%(what)s must be today or in the future") % {"what": what})
    return day


def today_or_earlier(day: dt.date | None, what: str) -> dt.date | None:
    """`day` unchanged, or a form error when it is in the future (`what` names the date)."""
    if day is not None and day > timezone.localdate():
        raise forms.ValidationError(_("%(what)s must be today or in the past") % {"what": what})
    return day


# --- Messages in the house voice -----------------------------------------------------------
#
# Django's own messages ("This field is required.", "Ensure this value has at most 10
# characters (it has 12).") name no field and read as a machine talking. Every form here mixes
# in `HouseVoice`, which swaps any message still at Django's default for one that names the
# field and says how to put it right. Messages a form sets itself are kept.

_CHOOSE_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple, forms.Select)
_CHOOSE_FIELDS = (forms.ChoiceField, forms.ModelChoiceField, forms.BooleanField)


def django_default_messages(field: forms.Field) -> set[str]:
    """The messages Django itself gives this kind of field."""
    return {
        str(message)
        for klass in type(field).__mro__
        if klass.__module__.startswith("django.")
        for message in getattr(klass, "default_error_messages", {}).values()
    }


def _validator_codes(field: forms.Field) -> dict[str, Any]:
    """The error codes of the field's validators, each with its limit (if it has one)."""
    codes: dict[str, Any] = {}
    for validator in field.validators:
        code = getattr(validator, "code", None)
        if isinstance(code, str):
            codes[code] = getattr(validator, "limit_value", None)
    return codes


def _field_name(field: forms.Field, name: str) -> str:
    label = str(field.label or name.replace("_", " ").capitalize())
    return label.removesuffix(" (optional)").strip()


def _lower(label: str) -> str:
    # "NHS number" keeps its capitals; "First name" becomes "first name".
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def house_message(field: forms.Field, name: str, code: str, limit: Any = None) -> str:
    """A message for `code` that names the field and says how to put it right (in the
    language of the page: the label is already in it)."""
    label = _field_name(field, name)
    question = label.endswith("?")
    words = {"label": label, "limit": limit}
    thing = _('an answer to "%(label)s"') % words if question else _lower(label)
    # Mid-sentence in Welsh ("Rhaid i enw cyntaf fod..."), first in English.
    subject = (
        _('The answer to "%(label)s"') % words
        if question
        else label[:1].upper() + label[1:]
        if _english()
        else _lower(label)
    )
    words.update(thing=thing, subject=subject)
    choose = isinstance(field, _CHOOSE_FIELDS) or isinstance(field.widget, _CHOOSE_WIDGETS)
    if code == "required":
        return (_("Select %(thing)s") if choose else _("Enter %(thing)s")) % words
    if code in {"invalid_choice", "invalid_list", "invalid_pk_value"}:
        return (
            _('Select one of the choices given for "%(label)s"')
            if question
            else _("Select one of the choices given for %(thing)s")
        ) % words
    if code == "max_length":
        return _("%(subject)s must be %(limit)s characters or fewer") % words
    if code == "min_length":
        return _("%(subject)s must be %(limit)s characters or more") % words
    if code == "max_value":
        return _("%(subject)s must be %(limit)s or less") % words
    if code == "min_value":
        return _("%(subject)s must be %(limit)s or more") % words
    if code == "step_size":
        return _("%(subject)s must be a multiple of %(limit)s") % words
    if code in ("null_characters_not_allowed", NoControlCharacters.code):
        return _("Remove the hidden (control) characters from %(thing)s") % words
    if isinstance(field, forms.EmailField):
        return _("Enter %(thing)s in the correct format, like name@example.com") % words
    if isinstance(field, forms.URLField):
        return _("Enter %(thing)s in the correct format, like https://www.example.org") % words
    if isinstance(field, forms.IntegerField):
        return _("%(subject)s must be a whole number") % words
    if isinstance(field, forms.DecimalField | forms.FloatField):
        return _("%(subject)s must be a number") % words
    if isinstance(field, forms.DateField):
        return _("%(subject)s must be a real date") % words
    if isinstance(field, forms.TimeField):
        return _("%(subject)s must be a real time, like 14:30") % words
    return _("Enter %(thing)s in the correct format") % words


def translate_fields(form: forms.BaseForm) -> None:
    """Put a person-facing form's words into the language of the page: each field's label,
    hint, choices (but not those named in the form's `untranslated_choices`, such as names
    from the database) and messages. Their English is the catalogue's key, so words from
    shared lists (needs, languages) are translated where they are shown. Nothing changes in
    English."""
    if _english():
        return
    skip = set(getattr(form, "untranslated_choices", ()))
    for name, field_ in form.fields.items():
        if field_.label:
            field_.label = _(str(field_.label))
        if field_.help_text:
            field_.help_text = _(str(field_.help_text))
        if isinstance(field_, DatePartsField):
            field_.what = _(field_.what)
        if isinstance(field_, forms.ChoiceField) and name not in skip:
            choices = cast(Iterable[tuple[Any, Any]], field_.choices)
            field_.choices = [(value, _(str(text))) for value, text in choices]
        field_.error_messages = {
            code: _(str(message)) for code, message in field_.error_messages.items()
        }


def use_house_voice(fields: Mapping[str, forms.Field]) -> None:
    """Give every field a house-voice message wherever Django's default would show."""
    for name, field in fields.items():
        defaults = django_default_messages(field)
        codes: dict[str, Any] = dict.fromkeys(field.error_messages)
        codes.update(_validator_codes(field))
        for code, limit in codes.items():
            current = field.error_messages.get(code)
            if current is None or str(current) in defaults:
                field.error_messages[code] = house_message(field, name, code, limit)


class PhoneField(forms.CharField):
    """A phone number for people to call (`core.phones`): its spaces tidied, "" for none."""

    def clean(self, value: Any) -> str:
        try:
            return normalise_phone(str(super().clean(value) or ""))
        except InvalidPhone as invalid:
            raise forms.ValidationError(str(invalid), code="invalid") from None


class HouseVoice(forms.BaseForm):
    """Mixed into every form: no message of Django's own reaches a person (see above).
    The messages are set when the form is cleaned, after any `__init__` has relabelled or
    added fields."""

    def full_clean(self) -> None:
        refuse_control_characters(self.fields)
        use_house_voice(self.fields)
        super().full_clean()
        # A choice of a record raises Django's own words for a NUL byte, bypassing the field's
        # messages: word it as every text field does.
        for name, errors in self.errors.items():
            field = self.fields.get(name)
            for index, error in enumerate(errors.data):
                if field is not None and getattr(error, "code", None) == (
                    "null_characters_not_allowed"
                ):
                    errors.data[index] = forms.ValidationError(
                        house_message(field, name, NoControlCharacters.code),
                        code=NoControlCharacters.code,
                    )


def refuse_control_characters(fields: Mapping[str, forms.Field]) -> None:
    """Every text field of every form refuses control characters (`core.text`)."""
    for field in fields.values():
        if isinstance(field, forms.CharField) and not any(
            isinstance(v, NoControlCharacters) for v in field.validators
        ):
            field.validators.append(NoControlCharacters())
