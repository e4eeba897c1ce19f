"""Text messages people send back, and what happens to them.

Delivery knows no referral, so the apps that do register, at start-up (in their
`AppConfig.ready()`), how a reply finds its case and who hears of it:

- a matcher, `matcher(number) -> referral id or None`, given the sender's number as
  07xxxxxxxxx. It answers a referral only when it is sure (one person with that mobile, with
  one open referral); otherwise the reply is kept unmatched for an admin to match by hand,
  never attached to a guess.
- listeners, `listener(reply)`, called by `reply_received(reply)` once a reply is threaded on
  a referral (automatically or by hand): the referrals app emails the link worker; an in-app
  notification centre can register here too.

The reply's text and the sender's number are personal data: never logged, never in an audit
event's detail.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from linkwork.notifications.models import InboundMessage

Matcher = Callable[[str], Any]
Listener = Callable[["InboundMessage"], None]
_matchers: list[Matcher] = []
_listeners: list[Listener] = []


def register_matcher(matcher: Matcher) -> None:
    if matcher not in _matchers:
        _matchers.append(matcher)


def register_listener(listener: Listener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def normalised_number(number: str) -> str:
    """A UK mobile number as 07xxxxxxxxx, whichever way it came (Notify sends 447xxxxxxxxx;
    people write +44 7xxx xxxxxx or 07xxx xxxxxx); other numbers as their digits."""
    from linkwork.notifications.addressing import mobile_number

    digits = re.sub(r"[^\d+]", "", number or "")
    if re.fullmatch(r"447\d{9}", digits):
        digits = "+" + digits
    return mobile_number(digits) or digits.lstrip("+")[:20]


def match(number: str) -> Any:
    """The referral a reply from `number` belongs to, or None when no registered matcher is
    sure of one."""
    for matcher in _matchers:
        found = matcher(number)
        if found is not None:
            return found
    return None


def reply_received(reply: InboundMessage) -> None:
    """A reply was threaded on a referral: tell everyone who listens (its link worker). Called
    inside the transaction that threaded it, so what listeners send commits with it."""
    for listener in _listeners:
        listener(reply)
