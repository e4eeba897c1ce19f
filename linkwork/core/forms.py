"""Bridge Django forms to the NHS.UK frontend macros: error summary and field parameters."""

from __future__ import annotations

from typing import Any

from django import forms


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
            items.append({"text": str(error), "href": f"#{widget_id}"})
    return items


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
        result["errorMessage"] = {"text": " ".join(str(error) for error in bound.errors)}
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
    return result


def checkbox(bound: forms.BoundField, label: str | None = None, **params: Any) -> dict[str, Any]:
    """Parameters for a single yes-or-no checkbox, drawn with the checkboxes macro."""
    item = {"value": "on", "text": label or str(bound.label), "checked": bool(bound.value())}
    result: dict[str, Any] = {"idPrefix": bound.auto_id, "name": bound.html_name, "items": [item]}
    if bound.errors:
        result["errorMessage"] = {"text": " ".join(str(error) for error in bound.errors)}
    return {**result, **params}
