"""Form fields in the NHS.UK macros' markup, written in Python.

Each field macro of nhsuk-frontend-jinja 0.10 (`input`, `select`, `radios`, `checkboxes`)
calls the `label`, `hint`, `error-message`, `fieldset`, `legend` and `heading` macros and
`nhsukAttributes` for every list of attributes: a form of a dozen fields cost more than the
rest of its page. The functions here write the same elements, attributes, classes and text
(white space aside) for the parameters our pages pass, and refuse the macros' other features
(captions and headings in labels and legends, content before and after the inputs) with an
error naming the parameter, rather than drawing them half right.
tests/unit/core/test_components_fields.py compares both drawings.

Text is escaped; `html` is trusted, as the macros trust it (markup our own code built).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from jinja2 import Undefined
from markupsafe import Markup, escape

from linkwork.core.html import MISSING, given, modifier, param
from linkwork.core.html import attribute as _attribute
from linkwork.core.html import attributes as _attributes
from linkwork.core.html import refuse as _refuse_unknown

Params = Mapping[str, Any]

_LABEL_KEYS: Final = frozenset(
    {"text", "html", "visuallyHiddenText", "id", "for", "size", "classes", "attributes"}
)
_HINT_KEYS: Final = frozenset({"text", "html", "id", "classes", "attributes"})
_ERROR_KEYS: Final = frozenset(
    {"text", "html", "visuallyHiddenText", "id", "classes", "attributes"}
)
_LEGEND_KEYS: Final = frozenset(
    {"text", "html", "visuallyHiddenText", "id", "size", "classes", "attributes"}
)
_FIELDSET_KEYS: Final = frozenset(
    {"legend", "id", "role", "describedBy", "classes", "attributes", "html"}
)
_GROUP_KEYS: Final = frozenset({"classes", "attributes"})
_WRAPPER_KEYS: Final = frozenset({"classes", "attributes"})
_AFFIX_KEYS: Final = frozenset({"text", "html", "classes", "attributes"})
_COMMON_KEYS: Final = frozenset(
    {"id", "name", "label", "hint", "errorMessage", "classes", "attributes", "formGroup"}
)
_INPUT_KEYS: Final = _COMMON_KEYS | {
    "type",
    "value",
    "describedBy",
    "spellcheck",
    "disabled",
    "autocomplete",
    "autocapitalize",
    "pattern",
    "placeholder",
    "inputmode",
    "width",
    "large",
    "code",
    "prefix",
    "suffix",
    "inputWrapper",
}
# `forms.choice_field` gives every choice field an `idPrefix`, and radios and checkboxes a
# `label`: the macros that do not use them ignore them, as these functions do.
_SELECT_KEYS: Final = _COMMON_KEYS | {
    "items",
    "value",
    "describedBy",
    "disabled",
    "inputWrapper",
    "idPrefix",
}
_SELECT_ITEM_KEYS: Final = frozenset(
    {"value", "text", "selected", "disabled", "attributes", "divider", "checked"}
)
_CHOICES_KEYS: Final = frozenset(
    {
        "idPrefix",
        "name",
        "items",
        "fieldset",
        "hint",
        "errorMessage",
        "classes",
        "attributes",
        "formGroup",
        "id",
        "small",
        "inline",
        "disabled",
        "describedBy",
        "label",
    }
)
_RADIOS_KEYS: Final = _CHOICES_KEYS | {"value"}
_CHECKBOXES_KEYS: Final = _CHOICES_KEYS | {"values"}
_CHOICE_ITEM_KEYS: Final = frozenset(
    {
        "value",
        "text",
        "html",
        "label",
        "hint",
        "id",
        "checked",
        "disabled",
        "classes",
        "attributes",
        "conditional",
        "divider",
        # `selected` is set by `forms.choice_field` for the select; radios ignore it.
        "selected",
    }
)
_CHECKBOX_ITEM_KEYS: Final = _CHOICE_ITEM_KEYS | {
    "name",
    "behaviour",
    "behaviourGroup",
    "exclusive",
    "exclusiveGroup",
}
_CONDITIONAL_KEYS: Final = frozenset({"html"})
_INPUT_WIDTHS: Final = ("2", "3", "4", "5", "10", "20", "30")
_SIZES: Final = ("s", "m", "l", "xl")
_HEADING_SIZES: Final = ("xxs", "xs", "s", "m", "l", "xl")


def _refuse(where: str, mapping: Params, known: frozenset[str]) -> None:
    _refuse_unknown(
        where,
        mapping,
        known,
        module="linkwork.core.components.fields",
        tests="tests/unit/core/test_components_fields.py",
    )


def _params(name: str, params: Any, known: frozenset[str]) -> Params:
    if params is None or isinstance(params, Undefined):
        params = {}
    if not isinstance(params, Mapping):
        raise ValueError(f"{name}: the parameters must be a mapping, not {type(params).__name__}")
    _refuse(name, params, known)
    return params


def _mapping(value: Any) -> Params:
    """A nested parameter (`formGroup`, `fieldset`, ...) as a mapping, empty if not one."""
    return value if isinstance(value, Mapping) else {}


def _text_or_html(value: Any) -> Params:
    """A label, hint or error message given as a mapping or, as the macros allow, a string
    (its HTML when it is markup)."""
    if isinstance(value, Mapping):
        return value
    if isinstance(value, str):
        return {"text": value, "html": value} if hasattr(value, "__html__") else {"text": value}
    return {}


def _or(value: Any, fallback: Any) -> Any:
    """Jinja's `default`: the fallback only where the value is undefined."""
    return fallback if value is MISSING else value


def _str(value: Any) -> str:
    """A value as `{{ value }}` writes it: escaped, and nothing where undefined."""
    if value is MISSING or isinstance(value, Undefined):
        return ""
    return str(escape(value))


def _cat(value: Any) -> str:
    """A value as Jinja's `~` joins it: nothing where undefined."""
    if value is MISSING or isinstance(value, Undefined):
        return ""
    return str(value)


def _content(text: Any, html: Any) -> str:
    """The macros' `html | safe | trim`, else `text` escaped and trimmed."""
    if html:
        return str(html).strip()
    if text:
        return str(escape(str(text).strip()))
    return ""


def _error_shown(error: Params, given_error: Any) -> bool:
    return bool(param(error, "text") or param(error, "html") or given_error is True)


def _classes(base: str, extra: Any) -> str:
    return f"{base} {extra}" if extra else base


def _label(label: Params, *, for_: Any, where: str) -> str:
    """The label macro's `<label>`, or nothing when it has no text."""
    _refuse(where, label, _LABEL_KEYS)
    html = param(label, "html")
    text = param(label, "text")
    if not (html or text):
        return ""
    classes = param(label, "classes")
    names = "nhsuk-label"
    size = param(label, "size")
    names += modifier("nhsuk-label--", size, _SIZES, classes, known=_HEADING_SIZES)
    names = _classes(names, classes)
    inner = _content(text, html)
    hidden = param(label, "visuallyHiddenText")
    if hidden:
        inner += f'<span class="nhsuk-u-visually-hidden"> {escape(hidden)}</span>'
    return (
        f"<label{_attribute('class', names, True)}{_attribute('id', param(label, 'id'), True)}"
        f"{_attribute('for', for_, True)}{_attributes(given(label, 'attributes'))}>\n"
        f"  {inner}\n</label>"
    )


def _hint(hint: Params, *, hint_id: Any, where: str) -> str:
    _refuse(where, hint, _HINT_KEYS)
    names = _classes("nhsuk-hint", param(hint, "classes"))
    written_id = f' id="{escape(hint_id)}"' if hint_id and hint_id is not MISSING else ""
    inner = _content(param(hint, "text"), param(hint, "html"))
    return (
        f'<div class="{escape(names)}"{written_id}{_attributes(given(hint, "attributes"))}>\n'
        f"  {inner}\n</div>"
    )


def _error(error: Params, *, error_id: Any, where: str) -> str:
    _refuse(where, error, _ERROR_KEYS)
    names = _classes("nhsuk-error-message", param(error, "classes"))
    written_id = f' id="{escape(error_id)}"' if error_id and error_id is not MISSING else ""
    html, text = param(error, "html"), param(error, "text")
    inner = str(html).strip() if html else str(escape(text)).strip() if text else ""
    hidden = _or(given(error, "visuallyHiddenText"), "Error")
    if hidden:
        inner = f'<span class="nhsuk-u-visually-hidden">{escape(hidden)}: </span>{inner}'
    return (
        f'<span class="{escape(names)}"{written_id}{_attributes(given(error, "attributes"))}>\n'
        f"  {inner}\n</span>"
    )


def _hint_and_error(
    params: Params, id_: str, described_by: str, where: str
) -> tuple[list[str], str, bool]:
    """The field's hint and error message, what the field is described by, and whether it
    shows an error."""
    parts: list[str] = []
    hint = _text_or_html(given(params, "hint"))
    if param(hint, "text") or param(hint, "html"):
        hint_id = _or(given(hint, "id"), id_ + "-hint")
        described_by = (described_by + " " + _cat(hint_id)).strip()
        parts.append(_hint(hint, hint_id=hint_id, where=f"{where} hint"))
    error = _text_or_html(given(params, "errorMessage"))
    if param(error, "text") or param(error, "html"):
        error_id = _or(given(error, "id"), id_ + "-error")
        described_by = (described_by + " " + _cat(error_id)).strip()
        parts.append(_error(error, error_id=error_id, where=f"{where} errorMessage"))
    return parts, described_by, _error_shown(error, param(params, "errorMessage"))


def _form_group(params: Params, error: bool, inner: Iterable[str], where: str) -> Markup:
    group = _mapping(param(params, "formGroup"))
    _refuse(f"{where} formGroup", group, _GROUP_KEYS)
    names = "nhsuk-form-group"
    if error:
        names += " nhsuk-form-group--error"
    names = _classes(names, param(group, "classes"))
    body = "\n".join(part for part in inner if part)
    return Markup(  # noqa: S704 - every value is escaped above; `html` is trusted as in the macros # nosec B704
        f'<div class="{escape(names)}"{_attributes(given(group, "attributes"))}>\n{body}\n</div>'
    )


def _field_id(params: Params) -> Any:
    return param(params, "id") or given(params, "name")


def _opening(
    name: str, params: Any, known: frozenset[str]
) -> tuple[Params, Any, list[str], str, bool]:
    """What a labelled field (input, select, textarea) starts from: its checked parameters,
    its id, the hint and error drawn before it, the ids it is described by, and whether it
    shows an error."""
    checked = _params(name, params, known)
    id_ = _field_id(checked)
    parts, described_by, error = _hint_and_error(
        checked, _cat(id_), param(checked, "describedBy") or "", name
    )
    return checked, id_, parts, described_by, error


def _labelled(
    params: Params, id_: Any, error: bool, parts: list[str], element: str, where: str
) -> Markup:
    """A labelled field's form group: its label, hint and error (`parts`), then `element`."""
    label = _text_or_html(given(params, "label"))
    drawn = _label(label, for_=_or(given(label, "for"), id_), where=f"{where} label")
    return _form_group(params, error, [drawn, *parts, element], where)


def _wrapper(params: Params, inner: list[str], where: str, *, large: bool = False) -> str:
    wrapper = _mapping(param(params, "inputWrapper"))
    _refuse(f"{where} inputWrapper", wrapper, _WRAPPER_KEYS)
    names = "nhsuk-input-wrapper"
    if large:
        names += " nhsuk-input-wrapper--large"
    names = _classes(names, param(wrapper, "classes"))
    body = "\n".join(inner)
    return (
        f'<div class="{escape(names)}"{_attributes(given(wrapper, "attributes"))}>\n{body}\n</div>'
    )


def _affix(value: Any, kind: str, where: str) -> str:
    affix = _text_or_html(value)
    _refuse(f"{where} {kind}", affix, _AFFIX_KEYS)
    html, text = param(affix, "html"), param(affix, "text")
    if not (html or text):
        return ""
    names = _classes(f"nhsuk-input-wrapper__{kind}", param(affix, "classes"))
    inner = str(html).strip() if html else _str(text)
    return (
        f'<div class="{escape(names)}" aria-hidden="true"'
        f"{_attributes(given(affix, 'attributes'))}>{inner}</div>"
    )


def render_input(params: Any) -> Markup:
    """The HTML the NHS.UK `input` macro draws for `params` (the macro's own parameters)."""
    params, id_, parts, described_by, error = _opening("input", params, _INPUT_KEYS)
    classes = param(params, "classes")
    names = "nhsuk-input"
    large = bool(param(params, "large")) and not (classes and "nhsuk-input--large" in classes)
    if large:
        names += " nhsuk-input--large"
    if param(params, "code") and not (classes and "nhsuk-input--code" in classes):
        names += " nhsuk-input--code"
    if error:
        names += " nhsuk-input--error"
    width = param(params, "width")
    if (
        width
        and str(width) in _INPUT_WIDTHS
        and not (classes and any(f"nhsuk-input--width-{w}" in classes for w in _INPUT_WIDTHS))
    ):
        names += f" nhsuk-input--width-{width}"
    names = _classes(names, classes)
    spellcheck = given(params, "spellcheck")
    element = (
        "<input"
        + _attribute("class", names, False)
        + _attribute("id", id_, False)
        + _attribute("name", given(params, "name"), False)
        + _attribute("type", param(params, "type") or "text", False)
        + _attribute(
            "spellcheck",
            str(spellcheck).lower() if spellcheck in (True, False) else False,
            True,
        )
        + _attribute("value", given(params, "value"), True)
        + _attribute("disabled", given(params, "disabled"), True)
        + _attribute("aria-describedby", described_by or False, True)
        + "".join(
            _attribute(name, given(params, name), True)
            for name in ("autocomplete", "autocapitalize", "pattern", "placeholder", "inputmode")
        )
        + _attributes(given(params, "attributes"))
        + ">"
    )
    prefix = _affix(given(params, "prefix"), "prefix", "input")
    suffix = _affix(given(params, "suffix"), "suffix", "input")
    wrapper = _mapping(param(params, "inputWrapper"))
    if prefix or suffix or param(wrapper, "classes") or param(wrapper, "attributes"):
        element = _wrapper(params, [prefix, element, suffix], "input", large=large)
    return _labelled(params, id_, error, parts, element, "input")


def render_select(params: Any) -> Markup:
    """The HTML the NHS.UK `select` macro draws for `params` (the macro's own parameters)."""
    params, id_, parts, described_by, error = _opening("select", params, _SELECT_KEYS)
    names = "nhsuk-select"
    if error:
        names += " nhsuk-select--error"
    names = _classes(names, param(params, "classes"))
    chosen = param(params, "value")
    options: list[str] = []
    for item in param(params, "items") or []:
        if isinstance(item, Mapping) and param(item, "divider"):
            options.append("<hr>")
            continue
        if not item:
            continue
        if not isinstance(item, Mapping):
            raise ValueError("select: each item must be a mapping")
        _refuse("select item", item, _SELECT_ITEM_KEYS)
        value = given(item, "value")
        selected = param(item, "selected")
        if not selected:
            effective = _or(value, given(item, "text"))
            selected = (
                (effective == chosen and given(item, "selected") is not False) if chosen else False
            )
        options.append(
            "<option"
            + ("" if value is MISSING else f' value="{_str(value)}"')
            + (" selected" if selected else "")
            + (" disabled" if param(item, "disabled") else "")
            + _attributes(given(item, "attributes"))
            + f">{_str(given(item, 'text'))}</option>"
        )
    element = (
        f'<select class="{escape(names)}" id="{_str(id_)}" name="{_str(given(params, "name"))}"'
        + (" disabled" if param(params, "disabled") else "")
        + (f' aria-describedby="{escape(described_by)}"' if described_by else "")
        + _attributes(given(params, "attributes"))
        + ">\n"
        + "\n".join(options)
        + "\n</select>"
    )
    wrapper = _mapping(param(params, "inputWrapper"))
    if param(wrapper, "classes") or param(wrapper, "attributes"):
        element = _wrapper(params, [element], "select")
    return _labelled(params, id_, error, parts, element, "select")


def _legend(legend: Params, where: str) -> str:
    _refuse(where, legend, _LEGEND_KEYS)
    html, text = param(legend, "html"), param(legend, "text")
    if not (html or text):
        return ""
    classes = param(legend, "classes")
    names = "nhsuk-fieldset__legend"
    size = param(legend, "size")
    names += modifier("nhsuk-fieldset__legend--", size, _SIZES, classes)
    names = _classes(names, classes)
    inner = _content(text, html)
    hidden = param(legend, "visuallyHiddenText")
    if hidden:
        inner += f'<span class="nhsuk-u-visually-hidden"> {escape(hidden)}</span>'
    return (
        f"<legend{_attribute('class', names, True)}{_attribute('id', param(legend, 'id'), True)}"
        f"{_attributes(given(legend, 'attributes'))}>\n  {inner}\n</legend>"
    )


def _fieldset(fieldset: Params, *, described_by: Any, role: Any, body: str, where: str) -> str:
    _refuse(where, fieldset, _FIELDSET_KEYS)
    legend = _text_or_html(given(fieldset, "legend"))
    opening = (
        "<fieldset"
        + _attribute("class", _classes("nhsuk-fieldset", param(fieldset, "classes")), False)
        + _attribute("id", given(fieldset, "id"), True)
        + _attribute("role", role, True)
        + _attribute("aria-describedby", described_by or False, True)
        + _attributes(given(fieldset, "attributes"))
        + ">"
    )
    return f"{opening}\n{_legend(legend, f'{where} legend')}\n{body.strip()}\n</fieldset>"


def _choices(kind: str, params: Params) -> Markup:
    """Radios or checkboxes: the two macros differ only in a few details, marked below."""
    checkbox = kind == "checkboxes"
    single = "checkbox" if checkbox else "radio"
    fieldset = param(params, "fieldset")
    has_fieldset = bool(fieldset)
    fieldset_params = _mapping(fieldset)
    id_prefix = param(params, "idPrefix") or given(params, "name")
    described_by = ""
    if checkbox:
        described_by = param(params, "describedBy") or ""
    if param(fieldset_params, "describedBy"):
        described_by = param(fieldset_params, "describedBy")
    parts, described_by, error = _hint_and_error(params, _cat(id_prefix), described_by, kind)
    group = _mapping(param(params, "formGroup"))
    _refuse(f"{kind} formGroup", group, _GROUP_KEYS)

    classes = param(params, "classes")
    names = f"nhsuk-{kind}"
    for option in ("small", "inline"):
        if param(params, option) and not (classes and f"nhsuk-{kind}--{option}" in classes):
            names += f" nhsuk-{kind}--{option}"
    names = _classes(names, classes)
    name = given(params, "name")
    chosen = param(params, "values" if checkbox else "value")
    items: list[str] = []
    for index, item in enumerate(param(params, "items") or [], start=1):
        if not item:
            continue
        if not isinstance(item, Mapping):
            raise ValueError(f"{kind}: each item must be a mapping")
        _refuse(f"{kind} item", item, _CHECKBOX_ITEM_KEYS if checkbox else _CHOICE_ITEM_KEYS)
        item_id = param(item, "id") or _cat(id_prefix) + (f"-{index}" if index > 1 else "")
        inclusive = checkbox and param(item, "behaviour") == "inclusive"
        hidden_class = " nhsuk-u-frontend-not-supported-hidden" if inclusive else ""
        divider = param(item, "divider")
        if divider:
            items.append(f'<div class="nhsuk-{kind}__divider{hidden_class}">{_str(divider)}</div>')
            continue
        value = given(item, "value")
        checked = param(item, "checked")
        if not checked:
            if checkbox:
                checked = (
                    value in chosen and given(item, "checked") is not False if chosen else False
                )
            else:
                checked = (
                    (value == chosen and given(item, "checked") is not False) if chosen else False
                )
        item_label = _text_or_html(given(item, "label"))
        item_hint = _text_or_html(given(item, "hint"))
        has_hint = bool(param(item_hint, "text") or param(item_hint, "html"))
        hint_id = _or(given(item_hint, "id"), f"{item_id}-item-hint")
        conditional = _mapping(param(item, "conditional"))
        _refuse(f"{kind} item conditional", conditional, _CONDITIONAL_KEYS)
        conditional_html = param(conditional, "html")
        conditional_id = f"conditional-{item_id}"
        disabled = param(item, "disabled") or (
            given(item, "disabled") is not False and param(params, "disabled")
        )
        extra = ""
        if checkbox:
            behaviour = "exclusive" if param(item, "exclusive") else param(item, "behaviour")
            group_name = _or(given(item, "exclusiveGroup"), given(item, "behaviourGroup"))
            if behaviour:
                extra += f' data-behaviour="{escape(behaviour)}"'
            if group_name and group_name is not MISSING:
                extra += f' data-behaviour-group="{escape(group_name)}"'
        if conditional_html:
            extra += f' data-aria-controls="{escape(conditional_id)}"'
        if checkbox:
            item_described = (
                (described_by if not has_fieldset else "")
                + " "
                + (_cat(hint_id) if has_hint else "")
            ).strip()
        else:
            item_described = _cat(hint_id) if has_hint else ""
        if item_described:
            extra += f' aria-describedby="{escape(item_described)}"'
        item_name = (param(item, "name") or name) if checkbox else name
        label_params = {
            "html": _or(given(item_label, "html"), given(item, "html")),
            "text": _or(given(item_label, "text"), given(item, "text")),
            "visuallyHiddenText": given(item_label, "visuallyHiddenText"),
            "id": given(item_label, "id"),
            "classes": _classes(f"nhsuk-{kind}__label", param(item_label, "classes")),
            "attributes": given(item_label, "attributes"),
        }
        _refuse(
            f"{kind} item label",
            item_label,
            frozenset({"text", "html", "visuallyHiddenText", "id", "classes", "attributes"}),
        )
        lines = [
            f'<div class="nhsuk-{kind}__item{hidden_class}">',
            f'<input class="{escape(_classes(f"nhsuk-{kind}__input", param(item, "classes")))}"'
            f' id="{escape(item_id)}" name="{_str(item_name)}" type="{single}"'
            f' value="{_str(value)}"'
            + (" checked" if checked else "")
            + (" disabled" if disabled else "")
            + extra
            + _attributes(given(item, "attributes"))
            + ">",
            _label(
                {k: v for k, v in label_params.items() if v is not MISSING},
                for_=item_id,
                where=f"{kind} item label",
            ),
        ]
        if has_hint:
            hint_params = {key: given(item_hint, key) for key in ("html", "text", "attributes")}
            hint_params["classes"] = _classes(f"nhsuk-{kind}__hint", param(item_hint, "classes"))
            lines.append(
                _hint(
                    {k: v for k, v in hint_params.items() if v is not MISSING},
                    hint_id=hint_id,
                    where=f"{kind} item hint",
                )
            )
        lines.append("</div>")
        if conditional_html:
            hidden = "" if checked else f" nhsuk-{kind}__conditional--hidden"
            lines.append(
                f'<div class="nhsuk-{kind}__conditional{hidden}" id="{escape(conditional_id)}">\n'
                f"{str(conditional_html).strip()}\n</div>"
            )
        items.append("\n".join(line for line in lines if line))

    inner = "\n".join(
        [
            *parts,
            "<div"
            + _attribute("class", names, False)
            + _attribute("id", given(params, "id"), True)
            + _attribute("data-module", f"nhsuk-{kind}", False)
            + _attributes(given(params, "attributes"))
            + ">",
            *items,
            "</div>",
        ]
    )
    if has_fieldset:
        inner = _fieldset(
            fieldset_params,
            described_by=described_by,
            role=given(fieldset_params, "role"),
            body=inner,
            where=f"{kind} fieldset",
        )
    return _form_group(params, error, [inner], kind)


def render_radios(params: Any) -> Markup:
    """The HTML the NHS.UK `radios` macro draws for `params` (the macro's own parameters)."""
    return _choices("radios", _params("radios", params, _RADIOS_KEYS))


def render_checkboxes(params: Any) -> Markup:
    """The HTML the NHS.UK `checkboxes` macro draws for `params` (the macro's own
    parameters)."""
    return _choices("checkboxes", _params("checkboxes", params, _CHECKBOXES_KEYS))


_TEXTAREA_KEYS: Final = _COMMON_KEYS | {
    "rows",
    "value",
    "describedBy",
    "spellcheck",
    "disabled",
    "autocomplete",
}


def render_textarea(params: Any) -> Markup:
    """The HTML the NHS.UK `textarea` macro draws for `params` (the macro's own parameters)."""
    params, id_, parts, described_by, error = _opening("textarea", params, _TEXTAREA_KEYS)
    names = "nhsuk-textarea"
    if error:
        names += " nhsuk-textarea--error"
    names = _classes(names, param(params, "classes"))
    spellcheck = given(params, "spellcheck")
    autocomplete = param(params, "autocomplete")
    element = (
        f'<textarea class="{escape(names)}" id="{_str(id_)}" name="{_str(given(params, "name"))}"'
        f' rows="{_str(param(params, "rows") or 5)}"'
        # The macro writes the value as Python spells it: "True" or "False".
        + (f' spellcheck="{escape(spellcheck)}"' if spellcheck in (True, False) else "")
        + (" disabled" if param(params, "disabled") else "")
        + (f' aria-describedby="{escape(described_by)}"' if described_by else "")
        + (f' autocomplete="{escape(autocomplete)}"' if autocomplete else "")
        + _attributes(given(params, "attributes"))
        + f">{_str(given(params, 'value'))}</textarea>"
    )
    return _labelled(params, id_, error, parts, element, "textarea")


_DATE_KEYS: Final = frozenset(
    {
        "id",
        "namePrefix",
        "values",
        "day",
        "month",
        "year",
        "fieldset",
        "hint",
        "errorMessage",
        "classes",
        "attributes",
        "formGroup",
        "disabled",
    }
)
_DATE_ITEM_KEYS: Final = frozenset(
    {
        "name",
        "value",
        "width",
        "label",
        "id",
        "classes",
        "error",
        "type",
        "inputmode",
        "autocomplete",
        "autocapitalize",
        "spellcheck",
        "pattern",
        "disabled",
        "attributes",
        "prefix",
        "suffix",
        "describedBy",
    }
)
_DATE_PARTS: Final = (("day", 2), ("month", 2), ("year", 4))


def _date_item_error(item: Params) -> bool:
    classes = param(item, "classes")
    return bool(param(item, "error") or (classes and "nhsuk-input--error" in classes))


def render_date_input(params: Any) -> Markup:
    """The HTML the NHS.UK `dateInput` macro draws for `params` (the macro's own
    parameters): a box each for the day, month and year, each an NHS.UK input."""
    params = _params("dateInput", params, _DATE_KEYS)
    values = param(params, "values")
    values = values if isinstance(values, Mapping) else {}
    parts_given: list[tuple[str, int, Params]] = []
    for part, width in _DATE_PARTS:
        item = given(params, part)
        if item is MISSING:
            item = {"name": part, "value": given(values, part), "width": width}
        if not isinstance(item, Mapping):
            raise ValueError(f"dateInput: `{part}` must be a mapping")
        _refuse(f"dateInput {part}", item, _DATE_ITEM_KEYS)
        parts_given.append((part, width, item))
    any_error = any(_date_item_error(item) for _, _, item in parts_given)

    fieldset = param(params, "fieldset")
    fieldset_params = _mapping(fieldset)
    described_by = param(fieldset_params, "describedBy") or ""
    date_id = given(params, "id")
    parts, described_by, error = _hint_and_error(params, _cat(date_id), described_by, "dateInput")
    name_prefix = param(params, "namePrefix")
    disabled = given(params, "disabled")
    boxes: list[str] = []
    for part, width, item in parts_given:
        if not item:
            continue
        name = _or(given(item, "name"), part)
        value = _or(given(item, "value"), given(values, part))
        if value is MISSING:
            value = given(values, _cat(name))
        classes = param(item, "classes")
        has_error = _date_item_error(item)
        label = _text_or_html(given(item, "label"))
        label_text = _or(given(label, "text"), _cat(name).capitalize())
        box_params: dict[str, Any] = {
            "label": {
                key: value
                for key, value in {
                    "html": given(label, "html"),
                    "text": label_text,
                    "visuallyHiddenText": given(label, "visuallyHiddenText"),
                    "id": given(label, "id"),
                    "for": given(label, "for"),
                    "classes": _classes("nhsuk-date-input__label", param(label, "classes")),
                    "attributes": given(label, "attributes"),
                }.items()
                if value is not MISSING
            },
            "errorMessage": (not classes or "nhsuk-input--error" not in classes)
            and (has_error or (given(item, "error") is not False and error and not any_error)),
            "id": param(item, "id") or f"{_cat(date_id)}-{_cat(name)}",
            "name": f"{name_prefix}[{_cat(name)}]" if name_prefix else name,
            "value": value,
            "type": param(item, "type") or "text",
            "prefix": given(item, "prefix"),
            "suffix": given(item, "suffix"),
            "width": _or(given(item, "width"), width),
            "inputmode": param(item, "inputmode") or "numeric",
            "spellcheck": given(item, "spellcheck"),
            "autocomplete": given(item, "autocomplete"),
            "autocapitalize": given(item, "autocapitalize"),
            "pattern": given(item, "pattern"),
            "disabled": _or(given(item, "disabled"), disabled),
            "describedBy": given(item, "describedBy"),
            "classes": f"nhsuk-date-input__input {classes or ''}".strip(),
            "attributes": given(item, "attributes"),
        }
        box = render_input({k: v for k, v in box_params.items() if v is not MISSING})
        boxes.append(f'<div class="nhsuk-date-input__item">\n{box}\n</div>')
    inner = "\n".join(
        [
            *parts,
            f'<div class="{escape(_classes("nhsuk-date-input", param(params, "classes")))}"'
            + (f' id="{escape(date_id)}"' if date_id and date_id is not MISSING else "")
            + _attributes(given(params, "attributes"))
            + ">",
            *boxes,
            "</div>",
        ]
    )
    if fieldset:
        inner = _fieldset(
            fieldset_params,
            described_by=described_by,
            role=_or(given(fieldset_params, "role"), "group"),
            body=inner,
            where="dateInput fieldset",
        )
    return _form_group(params, error or any_error, [inner], "dateInput")


def render_fieldset(params: Any, body: Any = None) -> Markup:
    """The HTML the NHS.UK `fieldset` macro draws for `params`, around `body` (what the
    template's `{% call fieldset(...) %}` holds) or else its `html`."""
    params = _params("fieldset", params, _FIELDSET_KEYS)
    if body is None:
        body = param(params, "html") or ""
    return Markup(  # noqa: S704 - every value is escaped in `_fieldset`; the body is our markup # nosec B704
        _fieldset(
            params,
            described_by=param(params, "describedBy"),
            role=given(params, "role"),
            body=str(body),
            where="fieldset",
        )
    )
