"""Which addresses an endpoint may have: HTTPS only, and never this machine or a private
network, so that an endpoint cannot make Linkwork call into its own network. Plain HTTP to
this machine (127.0.0.1, ::1, localhost) is allowed only with DEBUG on or
LINKWORK_WEBHOOK_ALLOW_LOOPBACK set, for development, the demo and the tests.

Names are checked as written; a name that resolves to a private address is not looked up
here (the deployment's egress rules are the place for that).
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def loopback_allowed() -> bool:
    return bool(settings.DEBUG or settings.LINKWORK_WEBHOOK_ALLOW_LOOPBACK)


def _private(host: str) -> bool:
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return not address.is_global


def why_not_allowed(url: str) -> str:
    """Why `url` may not be an endpoint's address, or an empty string when it may."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 - a bad port raises here
    except ValueError:
        return "Enter a full web address, like https://example.org/linkwork/webhooks"
    if not host or parts.scheme not in ("https", "http"):
        return "Enter a full web address, like https://example.org/linkwork/webhooks"
    if parts.username or parts.password:
        return "The address must not contain a user name or password"
    if host in LOOPBACK_NAMES and loopback_allowed():
        return ""
    if parts.scheme != "https":
        return "The address must start with https://"
    if _private(host):
        return "The address must be on the internet, not this machine or a private network"
    return ""


def validate(url: str) -> None:
    """A model and form validator: raises ValidationError naming what is wrong."""
    if problem := why_not_allowed(url):
        raise ValidationError(problem, code="webhook_address")
