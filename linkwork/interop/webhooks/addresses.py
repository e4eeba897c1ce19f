"""Which addresses an endpoint may have: HTTPS only, and never this machine or a private
network, so that an endpoint cannot make Linkwork call into its own network. Plain HTTP to
this machine (127.0.0.1, ::1, localhost) is allowed only with DEBUG on or
LINKWORK_WEBHOOK_ALLOW_LOOPBACK set, for development, the demo and the tests.

An address is checked twice. When it is saved, as written (`why_not_allowed`): its scheme,
and a literal IP address or local name. When a delivery is sent, in the worker
(`address_to_connect`): the name is looked up, and every address it resolves to must be on the
internet (or, with the loopback exception, on this machine); the delivery then connects to the
address that was checked (`transport`), so a name that changes its answer between the check
and the connection (DNS rebinding) cannot lead anywhere else.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def loopback_allowed() -> bool:
    return bool(settings.DEBUG or settings.LINKWORK_WEBHOOK_ALLOW_LOOPBACK)


# Looks a name up: the IP addresses it resolves to. Tests put their own in its place.
Resolver = Callable[[str, int], list[str]]


class NotAllowed(Exception):
    """The endpoint's address may not be called; the message says why, for its admin."""


class LookupFailed(OSError):
    """The endpoint's name could not be looked up now (it may next time)."""


def system_resolver(host: str, port: int) -> list[str]:
    return [str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


resolve: Resolver = system_resolver


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    address = ipaddress.ip_address(text)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped  # ::ffff:10.0.0.1 is 10.0.0.1
    return address


def address_to_connect(url: str) -> str:
    """The IP address a delivery to `url` connects to, once every address its name resolves
    to is allowed. `NotAllowed` (say why) or `LookupFailed`."""
    if problem := why_not_allowed(url):
        raise NotAllowed(problem)
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        found = [_ip(host)]
    except ValueError:
        try:
            found = [_ip(text) for text in resolve(host, port)]
        except (OSError, UnicodeError, ValueError) as failure:
            raise LookupFailed(f"Could not look up {host}") from failure
    if not found:
        raise LookupFailed(f"Could not look up {host}")
    if host in LOOPBACK_NAMES and loopback_allowed():
        allowed = all(address.is_loopback for address in found)
    else:
        allowed = all(address.is_global for address in found)
    if not allowed:
        raise NotAllowed(
            "The address's name leads to this machine or a private network, not the internet"
        )
    return str(found[0])


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
