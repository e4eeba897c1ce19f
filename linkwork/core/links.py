"""The one rule for addresses Linkwork stores, publishes and links to.

A web address is kept only when it is `http://` or `https://` followed by a host, with no
whitespace or control character anywhere. Anything else (`javascript:`, `data:`, `vbscript:`,
the same in mixed case, with whitespace or control characters before or inside the scheme,
which browsers ignore) is refused: it could run script or embed content when clicked.
`mailto:` and `tel:` are allowed only where a caller asks for them (an email or phone link).

The rule is an allow-list, so a scheme nobody thought of is refused too. It is applied at
import, in forms, when the ORUK API publishes a record and again when a page renders a link
(`link` below), so rows written before the rule are safe as well.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Final

from django.core.exceptions import ValidationError
from markupsafe import Markup, escape

WEB: Final = frozenset({"http", "https"})

_WEB_RE: Final = re.compile(r"^https?://[^\s/?#@]+(?:[/?#][^\s]*)?$", re.IGNORECASE)
_MAILTO_RE: Final = re.compile(r"^mailto:[^\s@:/?]+@[A-Za-z0-9.\-]+$", re.IGNORECASE)
_TEL_RE: Final = re.compile(r"^tel:\+?[0-9][0-9 ()\-.]{2,30}$", re.IGNORECASE)
_PATTERNS: Final = {"http": _WEB_RE, "https": _WEB_RE, "mailto": _MAILTO_RE, "tel": _TEL_RE}
# C0 controls, DEL and the C1 controls; browsers drop some of them silently from a URL.
_CONTROL: Final = re.compile("[\x00-\x1f\x7f-\x9f]")
# The scheme a browser would see: leading whitespace and controls are skipped, and tabs and
# newlines inside the scheme are removed (WHATWG URL parsing).
_SCHEME: Final = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_BARE_DOMAIN: Final = re.compile(
    r"^(www\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}([/?#]\S*)?$"
)


def scheme_of(value: str) -> str:
    """The scheme a browser would act on, in lower case, or "" when there is none."""
    text = _CONTROL.sub("", value).strip()
    match = _SCHEME.match(text)
    return match.group(1).lower() if match else ""


def problem(value: str, *, schemes: Collection[str] = WEB) -> str | None:
    """What is wrong with `value` as a link address, or None when it is safe to link."""
    if _CONTROL.search(value) or value != value.strip():
        return "has spaces or hidden characters around or inside it"
    scheme = scheme_of(value)
    if not scheme:
        return "is not a web address (it needs to start with https://)"
    if scheme not in schemes:
        allowed = " or ".join(sorted(f"{s}:" for s in schemes))
        return f"is a {scheme}: address; only {allowed} addresses are kept"
    if not _PATTERNS[scheme].match(value):
        return f"is not a correct {scheme}: address"
    return None


def is_safe(value: str, *, schemes: Collection[str] = WEB) -> bool:
    return problem(value, schemes=schemes) is None


def safe_or_empty(value: str | None, *, schemes: Collection[str] = WEB) -> str:
    """The address when it is safe, "" otherwise (for output that must never carry it)."""
    if not value:
        return ""
    return value if is_safe(value, schemes=schemes) else ""


def normalise(value: str) -> str:
    """A web address as typed or fed, tidied: surrounding whitespace removed, a bare domain
    (`www.example.org/x`) given `https://`. Never makes an unsafe address safe."""
    text = value.strip()
    if not scheme_of(text) and _BARE_DOMAIN.match(text):
        return f"https://{text}"
    return text


def validate_web_address(value: str) -> None:
    """Form and model validator: only http and https addresses."""
    if value and (reason := problem(value)):
        raise ValidationError(
            "Enter a web address that starts with https:// or http:// (this one %(reason)s)",
            code="scheme",
            params={"reason": reason},
        )


def link(value: str | None, text: str | None = None, *, schemes: Collection[str] = WEB) -> Markup:
    """A link to `value` when it is safe; otherwise the address as plain text, never a link.

    Used by templates for every address that came from data (`{{ link(service.url) }}`).
    """
    if not value:
        return Markup("")
    label = value if text is None else text
    if not is_safe(value, schemes=schemes):
        return escape(label)
    return Markup('<a href="{}">{}</a>').format(value, label)
