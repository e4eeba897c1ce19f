"""Delivering messages: keeping each one, sending it by email, text or letter, and trying again.

Every app sends through `send(...)`. What a message says, and to whom, is decided by the app
it is about; this app knows no referral, casework or outcome.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from linkwork.notifications.addressing import Recipient
    from linkwork.notifications.models import Message


def send(
    *,
    to: Recipient,
    event: str,
    subject: str,
    body: str,
    referral_id: Any = None,
    language: str = "en-gb",
) -> Message:
    """Keep a message to `to` as queued and hand it to the task worker once the caller's
    transaction commits; return it. `event` is one of `models.Event`; `referral_id` names the
    referral the message is about, if any, so that those who may see it can read it;
    `language` is the language the message is written in ("en-gb" or "cy"), which a letter's
    own words (date, reference, page numbers) follow.

    A message a registered hold refuses (`holds.held_because`, such as a restriction of
    processing) is kept as cancelled, with the reason, and never sent."""
    # Imported here: this package is imported before the app registry is ready.
    from linkwork.notifications.holds import held_because
    from linkwork.notifications.models import Message
    from linkwork.notifications.tasks import hold, queue

    message = Message(
        referral_id=referral_id,
        audience=to.audience,
        event=event,
        channel=to.channel,
        recipient_name=to.name[:200],
        recipient_address=to.address,
        subject=subject[:200],
        body=body,
        language=language,
    )
    if reason := held_because(referral_id, to.audience):
        return hold(message, reason=reason)
    return queue(message)
