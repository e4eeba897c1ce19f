"""Content components in the NHS.UK macros' markup, drawn in Python: tags, summary lists,
buttons, back links, warning callouts, inset text and cards.

The macros (nhsuk-frontend-jinja 0.10, `nhsuk/components/*/template.jinja`) call a macro for
each summary list row and each action, and `nhsukAttributes` for every attribute list; with a
dozen summary rows and tags a page they were a large share of its rendering. Each function here
writes the same elements, attributes, classes and text (white space aside) for the parameters
our pages use, and refuses the macros' other features (icons, images, card actions, care cards,
captions) with an error naming the parameter, rather than drawing them half right.
tests/unit/core/test_components_content.py compares each with its macro.

Templates import them with the macros' names from `linkwork/components/content.jinja`. As in
the macros, `text` is escaped and `html` (markup our code built) is written as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from jinja2 import Undefined
from markupsafe import Markup, escape

from linkwork.core.html import MISSING, attribute, attributes, given, modifier, param
from linkwork.core.html import refuse as _refuse_unknown

_TAG_COLOURS: Final = (
    "white",
    "grey",
    "green",
    "aqua-green",
    "blue",
    "purple",
    "pink",
    "red",
    "orange",
    "yellow",
)
_BUTTON_VARIANTS: Final = ("brand", "login", "reverse", "secondary", "secondary-solid", "warning")
_CARD_VARIANTS: Final = ("secondary", "warning")
_HEADING_SIZES: Final = ("xxs", "xs", "s", "m", "l", "xl")

_TAG_KEYS: Final = frozenset({"text", "html", "classes", "colour", "border", "id", "attributes"})
_LIST_KEYS: Final = frozenset(
    {"rows", "classes", "border", "lastRowBorder", "id", "attributes", "html"}
)
_ROW_KEYS: Final = frozenset({"key", "value", "actions", "classes", "border", "id", "attributes"})
_ROW_PART_KEYS: Final = frozenset({"text", "html", "classes", "width", "id", "attributes"})
_ACTIONS_KEYS: Final = frozenset({"items", "classes", "width", "id", "attributes"})
_ACTION_KEYS: Final = frozenset(
    {"text", "html", "href", "type", "name", "value", "visuallyHiddenText", "classes", "id"}
    | {"attributes"}
)
_BUTTON_KEYS: Final = frozenset(
    {"text", "html", "href", "element", "type", "name", "value", "variant", "small", "classes"}
    | {"id", "preventDoubleClick", "disabled", "ariaLabel", "attributes"}
)
_BACK_LINK_KEYS: Final = frozenset(
    {"text", "html", "href", "element", "type", "variant", "classes", "id", "attributes"}
    | {"visuallyHiddenText"}
)
_INSET_KEYS: Final = frozenset(
    {"text", "html", "visuallyHiddenText", "classes", "id", "attributes"}
)
_CALLOUT_KEYS: Final = frozenset(
    {"heading", "headingLevel", "headingClasses", "text", "html", "visuallyHiddenText"}
    | {"classes", "id", "attributes"}
)
_CALLOUT_HEADING_KEYS: Final = frozenset(
    {"text", "html", "id", "visuallyHiddenText", "level", "classes", "attributes"}
)
_CARD_KEYS: Final = frozenset(
    {"heading", "headingId", "headingHtml", "headingVisuallyHiddenText", "headingSize"}
    | {"headingLevel", "headingClasses", "description", "descriptionHtml", "href"}
    | {"clickable", "secondary", "warning", "variant", "type", "classes", "id", "attributes"}
)
_CARD_HEADING_KEYS: Final = frozenset(
    {"text", "html", "id", "visuallyHiddenText", "size", "level", "classes", "attributes"}
)
_CARD_DESCRIPTION_KEYS: Final = frozenset({"text", "html", "classes", "attributes"})


def _refuse(component: str, mapping: Mapping[str, Any], known: frozenset[str]) -> None:
    _refuse_unknown(
        component,
        mapping,
        known,
        module="linkwork.core.components.content",
        tests="tests/unit/core/test_components_content.py",
    )


def _params(component: str, params: Any, known: frozenset[str]) -> Mapping[str, Any]:
    """The macro's parameters: an undefined or missing set is an empty one, as in the macro."""
    if params is None or isinstance(params, Undefined):
        return {}
    if not isinstance(params, Mapping):
        raise ValueError(
            f"{component}: the parameters must be a mapping, not {type(params).__name__}"
        )
    _refuse(component, params, known)
    return params


def _text(value: Any) -> str:
    """`{{ value | trim }}`: the value as text, trimmed and escaped."""
    return str(escape(value if isinstance(value, str) else str(value))).strip()


def _html(value: Any) -> str:
    """`{{ value | safe | trim }}`: markup written as it is (the macros trust `html`)."""
    return str(value).strip()


def _content(html: Any, text: Any) -> str:
    """The `html` if there is any, otherwise the escaped `text`, otherwise nothing."""
    if html:
        return _html(html)
    if text:
        return _text(text)
    return ""


def _as_part(value: Any) -> Mapping[str, Any]:
    """A part given as a string, as the macros read it: its text, and its HTML if it is markup.
    Anything else that is not a mapping draws nothing."""
    if isinstance(value, Mapping):
        return value
    return {
        "text": value if isinstance(value, str) else None,
        "html": value if hasattr(value, "__html__") else None,
    }


def _markup(written: str) -> Markup:
    return Markup(written)  # noqa: S704 - every value is escaped above; `html` is trusted as in the macros # nosec B704


def _id(value: Any) -> str:
    return f' id="{escape(value)}"' if value else ""


def _unless_in(classes: Any, name: str) -> bool:
    return not classes or name not in classes


# Tag.


def tag(params: Any = None) -> Markup:
    """The HTML the NHS.UK `tag` macro draws for `params` (the macro's own parameters)."""
    params = _params("tag", params, _TAG_KEYS)
    classes = param(params, "classes")
    names = "nhsuk-tag"
    colour = param(params, "colour")
    names += modifier("nhsuk-tag--", colour, _TAG_COLOURS, classes)
    if param(params, "colour") is False and _unless_in(classes, "nhsuk-tag--no-colour"):
        names += " nhsuk-tag--no-colour"
    if param(params, "border") is False and _unless_in(classes, "nhsuk-tag--no-border"):
        names += " nhsuk-tag--no-border"
    if classes:
        names += f" {classes}"
    inner = _content(param(params, "html"), param(params, "text"))
    return _markup(
        f'<strong class="{escape(names)}"{_id(param(params, "id"))}'
        f"{attributes(param(params, 'attributes'))}>\n  {inner}\n</strong>"
    )


# Summary list.


def _mappings(value: Any) -> list[Mapping[str, Any]]:
    """`value | select("mapping") | list`: the mappings among an iterable's items."""
    if not value or isinstance(value, str | Undefined) or not isinstance(value, Iterable):
        return []
    return [item for item in value if isinstance(item, Mapping)]


def _actions(given_actions: Any) -> list[Mapping[str, Any]]:
    """A row's actions: a list of them, or a mapping with the list as its `items`."""
    actions = _mappings(given_actions)
    if isinstance(given_actions, Mapping):
        _refuse("summaryList row actions", given_actions, _ACTIONS_KEYS)
        if not actions:
            actions = _mappings(param(given_actions, "items"))
    return actions


def _action(action: Mapping[str, Any]) -> str:
    """A row's action as the card action macro draws it (the list has no card, so the hidden
    words are the action's own)."""
    _refuse("summaryList row action", action, _ACTION_KEYS)
    classes = param(action, "classes")
    names = "nhsuk-link" + (f" {classes}" if classes else "")
    kind = given(action, "type")
    written = attribute("class", names, False) + attribute("id", given(action, "id"), True)
    if param(action, "href") and not param(action, "type"):
        element = "a"
        href = given(action, "href")
        written += attribute("href", "#" if href is MISSING else href, False)
    else:
        element = "button"
        written += (
            attribute("name", given(action, "name"), True)
            + attribute("type", "submit" if kind is MISSING else kind, False)
            + attribute("value", given(action, "value"), True)
        )
    written += attributes(param(action, "attributes"))
    inner = _content(param(action, "html"), param(action, "text"))
    hidden = param(action, "visuallyHiddenText")
    if hidden:
        inner += f'<span class="nhsuk-u-visually-hidden"> {escape(hidden)}</span>'
    return f"<{element}{written}>{inner}</{element}>"


def _row_part(element: str, base: str, part: Mapping[str, Any], where: str) -> str:
    _refuse(f"summaryList row {where}", part, _ROW_PART_KEYS)
    names = base
    width, classes = param(part, "width"), param(part, "classes")
    if width and _unless_in(classes, f"nhsuk-u-width-{width}"):
        names += f" nhsuk-u-width-{width}"
    if classes:
        names += f" {classes}"
    inner = _content(param(part, "html"), param(part, "text"))
    return (
        f'  <{element} class="{escape(names)}"{_id(param(part, "id"))}'
        f"{attributes(param(part, 'attributes'))}>\n    {inner}\n  </{element}>"
    )


def _row(
    row: Mapping[str, Any], list_params: Mapping[str, Any], *, last: bool, has_actions: bool
) -> str:
    _refuse("summaryList row", row, _ROW_KEYS)
    given_actions = param(row, "actions")
    actions = _actions(given_actions)
    classes = param(row, "classes")
    names = "nhsuk-summary-list__row"
    if has_actions and not actions:
        names += " nhsuk-summary-list__row--no-actions"
    list_classes = param(list_params, "classes")
    if (
        param(row, "border") is False
        and _unless_in(classes, "nhsuk-summary-list__row--no-border")
        and not (
            list_classes
            and (
                "nhsuk-summary-list--no-border" in list_classes
                or "nhsuk-summary-list--no-last-row-border" in list_classes
            )
        )
        and not (param(list_params, "lastRowBorder") is False and last)
    ):
        names += " nhsuk-summary-list__row--no-border"
    if classes:
        names += f" {classes}"
    lines = [
        f'<div class="{escape(names)}"{_id(param(row, "id"))}'
        f"{attributes(param(row, 'attributes'))}>",
        _row_part("dt", "nhsuk-summary-list__key", _as_part(param(row, "key")), "key"),
        _row_part("dd", "nhsuk-summary-list__value", _as_part(param(row, "value")), "value"),
    ]
    if actions:
        settings: Mapping[str, Any] = given_actions if isinstance(given_actions, Mapping) else {}
        action_names = "nhsuk-summary-list__actions"
        width, action_classes = param(settings, "width"), param(settings, "classes")
        if width and _unless_in(action_classes, f"nhsuk-u-width-{width}"):
            action_names += f" nhsuk-u-width-{width}"
        if action_classes:
            action_names += f" {action_classes}"
        lines.append(
            f'  <dd class="{escape(action_names)}"{_id(param(settings, "id"))}'
            f"{attributes(param(settings, 'attributes'))}>"
        )
        if len(actions) == 1:
            lines.append("    " + _action(actions[0]))
        else:
            lines.append('    <ul class="nhsuk-summary-list__actions-list">')
            for action in actions:
                lines.append(
                    '      <li class="nhsuk-summary-list__actions-list-item">\n'
                    f"        {_action(action)}\n      </li>"
                )
            lines.append("    </ul>")
        lines.append("  </dd>")
    lines.append("</div>")
    return "\n".join(lines)


def summary_list(params: Any = None) -> Markup:
    """The HTML the NHS.UK `summaryList` macro draws for `params` (its own parameters)."""
    params = _params("summaryList", params, _LIST_KEYS)
    classes = param(params, "classes")
    names = "nhsuk-summary-list"
    if param(params, "border") is False:
        if not (classes and "nhsuk-summary-list--no-border" in classes):
            names += " nhsuk-summary-list--no-border"
    elif param(params, "lastRowBorder") is False and not (
        classes and "nhsuk-summary-list--no-last-row-border" in classes
    ):
        names += " nhsuk-summary-list--no-last-row-border"
    if classes:
        names += f" {classes}"
    rows = _mappings(param(params, "rows"))
    has_actions = any(
        isinstance(row.get("actions"), Mapping) and param(row["actions"], "items") for row in rows
    )
    lines = [
        f'<dl class="{escape(names)}"{_id(param(params, "id"))}'
        f"{attributes(param(params, 'attributes'))}>"
    ]
    html = param(params, "html")
    if html:
        lines.append(_html(html))
    else:
        for index, row in enumerate(rows):
            lines.append(_row(row, params, last=index == len(rows) - 1, has_actions=has_actions))
    lines.append("</dl>")
    return _markup("\n".join(lines))


# Button.


def button(params: Any = None) -> Markup:
    """The HTML the NHS.UK `button` macro draws for `params` (its own parameters), without
    icons."""
    params = _params("button", params, _BUTTON_KEYS)
    classes = param(params, "classes")
    names = "nhsuk-button"
    variant = param(params, "variant")
    names += modifier("nhsuk-button--", variant, _BUTTON_VARIANTS, classes)
    if param(params, "small") and _unless_in(classes, "nhsuk-button--small"):
        names += " nhsuk-button--small"
    if classes:
        names += f" {classes}"
    element = param(params, "element")
    if element:
        element = str(element).lower()
    else:
        element = "a" if param(params, "href") and not param(params, "type") else "button"
    if element not in ("a", "button", "input"):
        raise ValueError(f"button: `element` {element!r} is not supported")
    double = param(params, "preventDoubleClick")
    written = (
        attribute("class", names, False)
        + attribute("id", given(params, "id"), True)
        + attribute("name", given(params, "name") if element != "a" else False, True)
        + attribute("data-module", "nhsuk-button", False)
        + attribute(
            "data-prevent-double-click",
            str(double).lower() if double in (True, False) else False,
            True,
        )
    )
    if element == "a":
        href = given(params, "href")
        written += (
            attribute("href", "#" if href is MISSING else href, False)
            + attribute("role", "button", False)
            + attribute("draggable", "false", False)
            + attribute("aria-label", given(params, "ariaLabel"), True)
        )
    else:
        kind = given(params, "type")
        disabled = given(params, "disabled")
        written += (
            attribute("type", "submit" if kind is MISSING else kind, False)
            + attribute("value", given(params, "text" if element == "input" else "value"), True)
            + attribute("disabled", disabled, True)
            + attribute("aria-label", given(params, "ariaLabel"), True)
            + attribute("aria-disabled", "true" if param(params, "disabled") else False, True)
        )
    written += attributes(param(params, "attributes"))
    if element == "input":
        return _markup(f"<input{written}>")
    inner = _content(param(params, "html"), param(params, "text"))
    return _markup(f"<{element}{written}>\n  {inner}\n</{element}>")


# Back link.


def back_link(params: Any = None) -> Markup:
    """The HTML the NHS.UK `backLink` macro draws for `params` (its own parameters)."""
    params = _params("backLink", params, _BACK_LINK_KEYS)
    classes = param(params, "classes")
    names = "nhsuk-back-link"
    if param(params, "variant") == "reverse" and _unless_in(classes, "nhsuk-back-link--reverse"):
        names += " nhsuk-back-link--reverse"
    if classes:
        names += f" {classes}"
    element = param(params, "element")
    if element:
        element = str(element).lower()
    else:
        element = "a" if param(params, "href") and not param(params, "type") else "button"
    written = attribute("class", names, False) + attribute("id", given(params, "id"), True)
    if element == "button":
        kind = given(params, "type")
        written += attribute("type", "submit" if kind is MISSING else kind, False)
    elif element == "a":
        href = given(params, "href")
        written += attribute("href", "#" if href is MISSING else href, False)
    written += attributes(param(params, "attributes"))
    html = param(params, "html")
    inner = _html(html) if html else _text(param(params, "text") or "Back")
    hidden = param(params, "visuallyHiddenText")
    if hidden:
        inner = f'<span class="nhsuk-u-visually-hidden">{escape(hidden)} </span>{inner}'
    tag_name = escape(element)
    return _markup(f"<{tag_name}{written}>\n  {inner}\n</{tag_name}>")


# Inset text.


def inset_text(params: Any = None, caller: Any = None) -> Markup:
    """The HTML the NHS.UK `insetText` macro draws for `params` (its own parameters); `caller`
    is the body of a `{% call %}`, which the macro writes in place of the text."""
    params = _params("insetText", params, _INSET_KEYS)
    classes = param(params, "classes")
    names = "nhsuk-inset-text" + (f" {classes}" if classes else "")
    hidden = param(params, "visuallyHiddenText") or "Information"
    if caller is not None:
        inner = str(caller)
    elif param(params, "html"):
        inner = _html(param(params, "html"))
    elif param(params, "text"):
        inner = f"<p>{_text(param(params, 'text'))}</p>"
    else:
        inner = ""
    return _markup(
        f'<div class="{escape(names)}"{_id(param(params, "id"))}'
        f"{attributes(param(params, 'attributes'))}>\n"
        f'  <span class="nhsuk-u-visually-hidden">{escape(hidden)}: </span>\n'
        f"{inner}\n</div>"
    )


# Card, and the warning callout, which is a card.


def _first_given(*values: Any) -> Any:
    """`a | default(b) | default(c)`: the first value that is not undefined."""
    for value in values:
        if value is not MISSING:
            return value
    return MISSING


def _card_heading(heading: Mapping[str, Any], *, href: Any, feature: bool) -> str:
    """The card's heading as the card draws it through the heading macro."""
    text, html = param(heading, "text"), param(heading, "html")
    written = ""
    if text:
        names = "nhsuk-card__heading"
        size, classes = param(heading, "size"), param(heading, "classes")
        names += modifier("nhsuk-heading-", size, _HEADING_SIZES, classes)
        if classes:
            names += f" {classes}"
        level = given(heading, "level")
        level = 2 if level is MISSING else level
        element = f"h{level if level else '1'}".lower()
        hidden = param(heading, "visuallyHiddenText")
        if href and not feature:
            inner = f'<a class="nhsuk-card__link" href="{escape(href)}">{_text(text)}</a>'
        elif hidden:
            inner = (
                '<span role="text">\n'
                f'    <span class="nhsuk-u-visually-hidden">{escape(hidden)}: </span>'
                f"{_text(text)}\n  </span>"
            )
        else:
            inner = _text(text)
        written = (
            f"<{escape(element)}"
            + attribute("class", names, True)
            + attribute("id", given(heading, "id"), True)
            + attributes(param(heading, "attributes"))
            + f">\n  {inner}\n</{escape(element)}>\n"
        )
    if html:
        written += _html(html) + "\n"
    return written


def _card(
    params: Mapping[str, Any],
    heading: Mapping[str, Any],
    description: Mapping[str, Any],
    *,
    variant: Any,
    caller: Any,
) -> Markup:
    classes = param(params, "classes")
    names = "nhsuk-card"
    if param(params, "clickable"):
        names += " nhsuk-card--clickable"
    if param(params, "secondary"):
        names += " nhsuk-card--secondary"
    if param(params, "warning"):
        names += " nhsuk-card--warning"
    if variant:
        if variant not in _CARD_VARIANTS:
            raise ValueError(f"card: the `variant` {variant!r} is not supported")
        if not classes or not any(
            f"nhsuk-card--{v}" in classes for v in ("feature", "primary", "secondary", "warning")
        ):
            names += f" nhsuk-card--{variant}"
    if classes:
        names += f" {classes}"
    content_names = "nhsuk-card__content"
    if param(description, "classes"):
        content_names += f" {param(description, 'classes')}"
    lines = [
        f'<div class="{escape(names)}"{_id(param(params, "id"))}'
        f"{attributes(param(params, 'attributes'))}>",
        f'  <div class="{escape(content_names)}"{attributes(param(description, "attributes"))}>',
    ]
    if param(heading, "text") or param(heading, "html"):
        lines.append(
            _card_heading(
                heading, href=param(params, "href"), feature="nhsuk-card--feature" in names
            )
        )
    text, html = param(description, "text"), param(description, "html")
    if caller is not None:
        lines.append(str(caller))
    elif html:
        lines.append(_html(html))
    elif text:
        lines.append(f'<p class="nhsuk-card__description">{_text(text)}</p>')
    lines.append("  </div>\n</div>")
    return _markup("\n".join(lines))


def card(params: Any = None, caller: Any = None) -> Markup:
    """The HTML the NHS.UK `card` macro draws for `params` (its own parameters), for the plain,
    clickable, secondary and warning cards; `caller` is the body of a `{% call %}`."""
    params = _params("card", params, _CARD_KEYS)
    given_heading = param(params, "heading")
    if isinstance(given_heading, Mapping):
        _refuse("card heading", given_heading, _CARD_HEADING_KEYS)
        heading: Mapping[str, Any] = given_heading
    else:
        heading = {
            "id": param(params, "headingId"),
            "text": given_heading if isinstance(given_heading, str) else None,
            "html": given_heading
            if hasattr(given_heading, "__html__")
            else param(params, "headingHtml"),
            "visuallyHiddenText": param(params, "headingVisuallyHiddenText"),
            "size": param(params, "headingSize"),
            "level": given(params, "headingLevel"),
            "classes": param(params, "headingClasses"),
        }
    given_description = param(params, "description")
    if isinstance(given_description, Mapping):
        _refuse("card description", given_description, _CARD_DESCRIPTION_KEYS)
        description: Mapping[str, Any] = given_description
    else:
        description = {
            "text": given_description if isinstance(given_description, str) else None,
            "html": given_description
            if hasattr(given_description, "__html__")
            else param(params, "descriptionHtml"),
        }
    variant = param(params, "variant") or param(params, "type")
    return _card(params, heading, description, variant=variant, caller=caller)


def warning_callout(params: Any = None, caller: Any = None) -> Markup:
    """The HTML the NHS.UK `warningCallout` macro draws for `params` (its own parameters): a
    warning card whose heading says, to screen readers, that it is important."""
    params = _params("warningCallout", params, _CALLOUT_KEYS)
    given_heading = param(params, "heading")
    if isinstance(given_heading, Mapping):
        _refuse("warningCallout heading", given_heading, _CALLOUT_HEADING_KEYS)
        source: Mapping[str, Any] = given_heading
    else:
        source = {
            "text": given_heading if isinstance(given_heading, str) else None,
            "html": given_heading if hasattr(given_heading, "__html__") else None,
        }
    text = param(source, "text")
    hidden = None
    if text and not ("Important" in text or "important" in text):
        hidden = _first_given(
            given(source, "visuallyHiddenText"), given(params, "visuallyHiddenText")
        )
        if hidden is MISSING or not hidden:
            hidden = "Important"
    level = _first_given(given(source, "level"), given(params, "headingLevel"), 3)
    heading = {
        "id": param(source, "id"),
        "text": text,
        "html": param(source, "html"),
        "visuallyHiddenText": hidden,
        "level": level,
        "classes": _first_given(given(source, "classes"), given(params, "headingClasses")),
        "attributes": param(source, "attributes"),
    }
    if heading["classes"] is MISSING:
        heading["classes"] = None
    description = {"text": param(params, "text"), "html": param(params, "html")}
    return _card(params, heading, description, variant="warning", caller=caller)
