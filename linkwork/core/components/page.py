"""The header, footer and skip link every page has, in the NHS.UK macros' shape: the markup
nhsuk-frontend-jinja 0.10 draws (`nhsuk/components/header`, `footer` and `skip-link`), written
in Python. The header macro alone, with its nested macros, icon and a call of
`nhsukAttributes` for every link, was the largest part of a signed-in page's processor time.

Each function takes the macro's own parameters and writes the same elements, attributes,
classes and text (white space aside) for those our pages pass, and refuses the macro's other
features (the header's search, the footer's columns of links) with an error naming the
parameter rather than drawing them half right. tests/unit/core/test_components_page.py
compares the two. Templates import the wrappers from `linkwork/components/page.jinja`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from jinja2 import Undefined
from jinja2.filters import do_indent
from markupsafe import Markup, escape

from linkwork.core.html import MISSING, attribute, attributes, given, param
from linkwork.core.html import refuse as _refuse_unknown

__all__ = ["footer", "header", "skip_link"]

_HEADER_KEYS: Final = frozenset(
    {
        "classes",
        "id",
        "attributes",
        "containerClasses",
        "colour",
        "inline",
        "organisation",
        "service",
        "logo",
        "navigation",
        "account",
    }
)
_ORGANISATION_KEYS: Final = frozenset({"name", "split", "descriptor"})
_SERVICE_KEYS: Final = frozenset({"text", "href"})
_LOGO_KEYS: Final = frozenset({"href", "src", "alt", "ariaLabel"})
_NAVIGATION_KEYS: Final = frozenset(
    {
        "items",
        "ariaLabel",
        "classes",
        "attributes",
        "colour",
        "justified",
        "toggleMenuText",
        "toggleMenuVisuallyHiddenText",
    }
)
_NAVIGATION_ITEM_KEYS: Final = frozenset(
    {"text", "html", "href", "current", "active", "classes", "attributes"}
)
_ACCOUNT_KEYS: Final = frozenset({"items", "ariaLabel", "classes", "attributes"})
_ACCOUNT_ITEM_KEYS: Final = frozenset(
    {"text", "html", "href", "icon", "action", "method", "classes"}
)
_FOOTER_KEYS: Final = frozenset(
    {"classes", "id", "attributes", "containerClasses", "meta", "copyright"}
)
_META_KEYS: Final = frozenset(
    {"items", "text", "html", "visuallyHiddenText", "visuallyHiddenTitle"}
)
_FOOTER_ITEM_KEYS: Final = frozenset({"href", "text", "html", "attributes"})
_COPYRIGHT_KEYS: Final = frozenset({"text", "html"})
_SKIP_LINK_KEYS: Final = frozenset({"classes", "id", "attributes", "href", "text", "html"})

_NHS_LOGO_PATH: Final = (
    '<path fill="currentcolor" d="M200 0v80H0V0h200Zm-27.5 5.5c-14.5 0-29 5-29 22 0 10.2 7.7 '
    "13.5 14.7 16.3l.7.3c5.4 2 10.1 3.9 10.1 8.4 0 6.5-8.5 7.5-14 7.5s-12.5-1.5-16-3.5L135 "
    "70c5.5 2 13.5 3.5 20 3.5 15.5 0 32-4.5 32-22.5 0-19.5-25.5-16.5-25.5-25.5 0-5.5 5.5-6.5 "
    "12.5-6.5a35 35 0 0 1 14.5 3l4-13.5c-4.5-2-12-3-20-3Zm-131 2h-22l-14 65H22l9-45h.5l13.5 "
    "45h21.5l14-65H64l-9 45h-.5l-13-45Zm63 0h-18l-13 65h17l6-28H117l-5.5 "
    '28H129l13.5-65H125L119.5 32h-20l5-24.5Z"/>'
)
_USER_ICON: Final = (
    '<svg class="nhsuk-icon nhsuk-icon--user" xmlns="http://www.w3.org/2000/svg"'
    ' viewBox="0 0 24 24" width="16" height="16" focusable="false" aria-hidden="true">\n'
    '  <path d="M12 1a11 11 0 1 1 0 22 11 11 0 0 1 0-22Zm0 2a9 9 0 0 0-5 16.5V18a4 4 0 0 1 '
    "4-4h2a4 4 0 0 1 4 4v1.5A9 9 0 0 0 12 3Zm0 3a3.5 3.5 0 1 1-3.5 3.5A3.4 3.4 0 0 1 12 "
    '6Z"/>\n'
    "</svg>\n"
)


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    """A parameter that must be a mapping; nothing given reads as an empty one, as in Jinja."""
    if value is None or value is MISSING or isinstance(value, Undefined):
        return {}
    if not isinstance(value, Mapping):
        raise ValueError(f"{where}: the parameters must be a mapping, not {type(value).__name__}")
    return value


def _refuse(where: str, mapping: Mapping[str, Any], known: frozenset[str]) -> None:
    _refuse_unknown(
        where,
        mapping,
        known,
        module="linkwork.core.components.page",
        tests="tests/unit/core/test_components_page.py",
    )


def _text(value: Any) -> str:
    """A value as Jinja prints it into the page: escaped unless it is markup, nothing where it
    is missing."""
    return "" if value is MISSING else str(escape(value))


def _trimmed(value: Any) -> str:
    """`value | trim` printed: markup kept, anything else escaped."""
    return _text(value).strip()


def _indented(drawn: str) -> str:
    """`| indent(6)` of the footer's texts: Jinja2 splits them into lines as `str.splitlines`
    does (carriage returns, form feeds and line separators too) and joins them with newlines."""
    return do_indent(drawn, 6)


def _items(value: Any) -> Iterable[Any]:
    if value is None or value is MISSING or isinstance(value, Undefined):
        return ()
    if not isinstance(value, Iterable) or isinstance(value, str | Mapping):
        raise ValueError(f"`items` must be a list, not {type(value).__name__}")
    return value


def _default(value: Any, fallback: str) -> Any:
    """Jinja's `default`: the fallback only where the parameter is missing."""
    return fallback if value is MISSING else value


def _service_logo(logo: Mapping[str, Any], organisation: Mapping[str, Any]) -> str:
    alt = _text(_default(given(logo, "alt"), "NHS"))
    src = param(logo, "src")
    if src:
        drawn = (
            f'<img class="nhsuk-header__organisation-logo" src="{_text(src)}" width="280"'
            f' alt="{alt}">\n'
        )
    else:
        drawn = (
            '<svg class="nhsuk-header__logo" xmlns="http://www.w3.org/2000/svg"'
            ' viewBox="0 0 200 80" height="40" width="100" focusable="false" role="img"'
            f' aria-label="{alt}">\n  <title>{alt}</title>\n  {_NHS_LOGO_PATH}\n</svg>\n'
        )
    if organisation:
        drawn += (
            f'<span class="nhsuk-header__organisation-name">{_text(given(organisation, "name"))}'
        )
        split = param(organisation, "split")
        if split:
            drawn += f' <span class="nhsuk-header__organisation-name-split">{_text(split)}</span>'
        drawn += "</span>"
        descriptor = param(organisation, "descriptor")
        if descriptor:
            drawn += (
                f'<span class="nhsuk-header__organisation-name-descriptor">{_text(descriptor)}'
                "</span>"
            )
    return drawn.strip()


def _service_name(text: Any, href: Any = None) -> str:
    if text and href:
        return f'<a class="nhsuk-header__service-name" href="{_text(href)}">{_trimmed(text)}</a>'
    if text:
        return f'<span class="nhsuk-header__service-name">{_trimmed(text)}</span>'
    return ""


def _account_item(item: Mapping[str, Any]) -> str:
    drawn = _USER_ICON if param(item, "icon") else ""
    html, text = param(item, "html"), param(item, "text")
    if html:
        drawn += str(html).strip()
    elif text:
        drawn += _trimmed(text)
    return drawn


def _account(account: Mapping[str, Any]) -> str:
    _refuse("header account", account, _ACCOUNT_KEYS)
    classes = param(account, "classes")
    label = _text(_default(given(account, "ariaLabel"), "Account"))
    lines = [
        f'<nav class="nhsuk-header__account{" " + _text(classes) if classes else ""}"'
        f' aria-label="{label}"{attributes(param(account, "attributes"))}>',
        '<ul class="nhsuk-header__account-list">',
    ]
    for given_item in _items(given(account, "items")):
        if not given_item:
            continue
        item = _mapping(given_item, "header account item")
        _refuse("header account item", item, _ACCOUNT_ITEM_KEYS)
        item_classes = param(item, "classes")
        lines.append(
            '<li class="nhsuk-header__account-item'
            f'{" " + _text(item_classes) if item_classes else ""}">'
        )
        href, action = param(item, "href"), param(item, "action")
        if href:
            lines.append(f'<a class="nhsuk-header__account-link" href="{_text(href)}">')
            lines.append(_account_item(item))
            lines.append("</a>")
        elif action:
            method = _default(given(item, "method"), "post")
            lines.append(
                "<form"
                + attribute("class", "nhsuk-header__account-form", False)
                + attribute("action", action, False)
                + attribute("method", method, False)
                + " novalidate>"
            )
            lines.append('<button class="nhsuk-header__account-button">')
            lines.append(_account_item(item))
            lines.append("</button>\n</form>")
        else:
            lines.append(_account_item(item))
        lines.append("</li>")
    lines.append("</ul>\n</nav>")
    return "\n".join(lines)


def _navigation(navigation: Mapping[str, Any], container: str) -> str:
    _refuse("header navigation", navigation, _NAVIGATION_KEYS)
    classes = param(navigation, "classes")
    names = "nhsuk-header__navigation"
    if param(navigation, "colour") == "white" and (
        not classes or "nhsuk-header__navigation--white" not in classes
    ):
        names += " nhsuk-header__navigation--white"
    if param(navigation, "justified") and (
        not classes or "nhsuk-header__navigation--justified" not in classes
    ):
        names += " nhsuk-header__navigation--justified"
    if classes:
        names += f" {classes}"
    label = _text(_default(given(navigation, "ariaLabel"), "Menu"))
    lines = [
        f'<nav class="{_text(names)}" aria-label="{label}"'
        f"{attributes(param(navigation, 'attributes'))}>",
        f'<div class="nhsuk-header__navigation-container nhsuk-width-container{container}">',
        '<ul class="nhsuk-header__navigation-list">',
    ]
    for given_item in _items(given(navigation, "items")):
        if not given_item:
            continue
        item = _mapping(given_item, "header navigation item")
        _refuse("header navigation item", item, _NAVIGATION_ITEM_KEYS)
        current, href = param(item, "current"), param(item, "href")
        marked = bool(param(item, "active") or current)
        item_classes = param(item, "classes")
        html = param(item, "html")
        content = str(html) if html else _text(given(item, "text"))
        if marked:
            content = (
                f'<strong class="nhsuk-header__navigation-item-current-fallback">{content}</strong>'
            )
        inner = (
            attribute(
                "class",
                "nhsuk-header__navigation-link" if href else "nhsuk-header__navigation-text",
                False,
            )
            + attribute("href", href, True)
            + attribute("aria-current", ("page" if current else "true") if marked else False, True)
        )
        element = "a" if href else "span"
        lines.append(
            '<li class="nhsuk-header__navigation-item'
            f"{' nhsuk-header__navigation-item--current' if marked else ''}"
            f'{" " + _text(item_classes) if item_classes else ""}"'
            f"{attributes(param(item, 'attributes'))}>\n"
            f"<{element}{inner}>{content}</{element}>\n</li>"
        )
    hidden = _text(_default(given(navigation, "toggleMenuVisuallyHiddenText"), "Browse"))
    toggle = _text(_default(given(navigation, "toggleMenuText"), "More"))
    lines.append(
        '<li class="nhsuk-header__menu" hidden>\n'
        '<button class="nhsuk-header__menu-toggle nhsuk-header__navigation-link"'
        ' id="toggle-menu" aria-expanded="false">\n'
        f'<span class="nhsuk-u-visually-hidden">{hidden} </span>{toggle}\n'
        "</button>\n</li>\n</ul>\n</div>\n</nav>"
    )
    return "\n".join(lines)


def header(params: Mapping[str, Any] | None) -> Markup:
    """The HTML the NHS.UK `header` macro draws for `params` (the macro's own parameters)."""
    params = _mapping(params, "header")
    _refuse("header", params, _HEADER_KEYS)
    organisation = _mapping(given(params, "organisation"), "header organisation")
    service = _mapping(given(params, "service"), "header service")
    logo = _mapping(given(params, "logo"), "header logo")
    _refuse("header organisation", organisation, _ORGANISATION_KEYS)
    _refuse("header service", service, _SERVICE_KEYS)
    _refuse("header logo", logo, _LOGO_KEYS)

    classes = param(params, "classes")
    names = "nhsuk-header"
    if param(params, "colour") == "white" and (not classes or "nhsuk-header--white" not in classes):
        names += " nhsuk-header--white"
    if param(params, "inline") and (not classes or "nhsuk-header--inline" not in classes):
        names += " nhsuk-header--inline"
    if organisation:
        names += " nhsuk-header--organisation"
    if classes:
        names += f" {classes}"
    container_classes = param(params, "containerClasses")
    container = f" {_text(container_classes)}" if container_classes else ""

    # The logo and the service name share one link where both go to the same place, or where
    # only the service name has somewhere to go.
    service_text, service_href = param(service, "text"), param(service, "href")
    logo_href = param(logo, "href")
    combine = bool(
        (service_text and service_href and not logo_href)
        or (service_href and service_href == logo_href)
    )
    link_to = service_href if combine else logo_href
    lines = [
        "<header"
        + attribute("class", names, False)
        + attribute("id", param(params, "id"), True)
        + attribute("data-module", "nhsuk-header", False)
        + attribute("role", "banner", False)
        + attributes(param(params, "attributes"))
        + ">",
        f'<div class="nhsuk-header__container nhsuk-width-container{container}">',
        '<div class="nhsuk-header__service">',
    ]
    drawn_logo = _service_logo(logo, organisation)
    if link_to:
        label = param(logo, "ariaLabel")
        if label:
            words = _text(label)
        else:
            named = [
                _default(given(logo, "alt"), "NHS"),
                param(organisation, "name"),
                param(organisation, "split"),
                service_text if combine else None,
                "homepage",
            ]
            words = " ".join(_text(word) for word in named if isinstance(word, str))
        lines.append(
            f'<a class="nhsuk-header__service-logo" href="{_text(link_to)}" aria-label="{words}">'
        )
        lines.append(drawn_logo)
        if combine:
            lines.append(_service_name(service_text))
        lines.append("</a>")
    else:
        lines.append(drawn_logo)
        if combine:
            lines.append(_service_name(service_text))
    if service_text and not combine:
        lines.append(_service_name(service_text, service_href))
    lines.append("</div>")
    account = given(params, "account")
    if account and account is not MISSING:
        lines.append(_account(_mapping(account, "header account")))
    lines.append("</div>")
    navigation = given(params, "navigation")
    if navigation and navigation is not MISSING:
        navigation = _mapping(navigation, "header navigation")
        if any(True for _ in _items(given(navigation, "items"))):
            lines.append(_navigation(navigation, container))
    lines.append("</header>")
    return Markup("\n".join(lines))  # noqa: S704 - every value is escaped above; `html` is trusted as in the macro # nosec B704


def _footer_list(items: Iterable[Any]) -> str:
    lines = ['<ul class="nhsuk-footer__list">']
    for given_item in items:
        if not given_item:
            continue
        item = _mapping(given_item, "footer link")
        _refuse("footer link", item, _FOOTER_ITEM_KEYS)
        html = param(item, "html")
        content = str(html).strip() if html else _text(given(item, "text"))
        lines.append(
            '<li class="nhsuk-footer__list-item">\n'
            f'<a class="nhsuk-footer__list-item-link" href="{_text(given(item, "href"))}"'
            f"{attributes(param(item, 'attributes'))}>{content}</a>\n</li>"
        )
    lines.append("</ul>")
    return "\n".join(lines)


def _as_mapping(value: Any) -> Mapping[str, Any]:
    """The footer's `meta` or `copyright`: a mapping, or a string of text or markup."""
    if isinstance(value, Mapping):
        return value
    if not isinstance(value, str):
        return {}
    return {"text": value, "html": value} if hasattr(value, "__html__") else {"text": value}


def footer(params: Mapping[str, Any] | None) -> Markup:
    """The HTML the NHS.UK `footer` macro draws for `params` (the macro's own parameters)."""
    params = _mapping(params, "footer")
    _refuse("footer", params, _FOOTER_KEYS)
    meta = _as_mapping(given(params, "meta"))
    copyright_ = _as_mapping(given(params, "copyright"))
    _refuse("footer meta", meta, _META_KEYS)
    _refuse("footer copyright", copyright_, _COPYRIGHT_KEYS)
    classes = param(params, "classes")
    identifier = param(params, "id")
    container_classes = param(params, "containerClasses")
    lines = [
        f'<footer class="nhsuk-footer{" " + _text(classes) if classes else ""}"'
        f'{f" id={chr(34)}{_text(identifier)}{chr(34)}" if identifier else ""} role="contentinfo"'
        f"{attributes(param(params, 'attributes'))}>",
        '<div class="nhsuk-width-container'
        f'{" " + _text(container_classes) if container_classes else ""}">',
        '<div class="nhsuk-footer__meta">',
    ]
    items = list(_items(given(meta, "items")))
    if items:
        hidden = given(meta, "visuallyHiddenText")
        if hidden is MISSING:
            hidden = _default(given(meta, "visuallyHiddenTitle"), "Support links")
        lines.append(f'<h2 class="nhsuk-u-visually-hidden">{_text(hidden)}</h2>')
        lines.append(_footer_list(items))
    meta_html, meta_text = param(meta, "html"), param(meta, "text")
    if meta_html:
        lines.append(_indented(str(meta_html).strip()))
    elif meta_text:
        lines.append(f'<p class="nhsuk-body-s">{_indented(_trimmed(meta_text))}</p>')
    copyright_html, copyright_text = param(copyright_, "html"), given(copyright_, "text")
    if copyright_html:
        lines.append(_indented(str(copyright_html).strip()))
    elif copyright_text is MISSING or copyright_text not in ("", None, False):
        shown = copyright_text if copyright_text is not MISSING and copyright_text else None
        lines.append(f'<p class="nhsuk-body-s">{_indented(_text(shown or "© NHS England"))}</p>')
    lines.append("</div>\n</div>\n</footer>")
    return Markup("\n".join(lines))  # noqa: S704 - every value is escaped above; `html` is trusted as in the macro # nosec B704


def skip_link(params: Mapping[str, Any] | None) -> Markup:
    """The HTML the NHS.UK `skipLink` macro draws for `params` (the macro's own parameters)."""
    params = _mapping(params, "skip link")
    _refuse("skip link", params, _SKIP_LINK_KEYS)
    classes = param(params, "classes")
    html = param(params, "html")
    content = (
        str(html).strip() if html else _trimmed(param(params, "text") or "Skip to main content")
    )
    opening = (
        "<a"
        + attribute("class", f"nhsuk-skip-link {classes}" if classes else "nhsuk-skip-link", False)
        + attribute("id", param(params, "id"), True)
        + attribute("data-module", "nhsuk-skip-link", False)
        + attribute("href", param(params, "href") or "#maincontent", False)
        + attributes(param(params, "attributes"))
        + ">"
    )
    return Markup(f"{opening}\n  {content}\n</a>")  # noqa: S704 - every value is escaped above; `html` is trusted as in the macro # nosec B704
