"""The notification centre: short alerts to staff in Linkwork itself, and by email for the
kinds each user switched on.

Every app tells staff through one function, `tell(...)`. What an alert says lives with the app
it is about; like the rest of this package, the centre knows no referral, casework or outcome.
An alert says as little as it can: a referral's reference, never the person's name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from linkwork import notifications
from linkwork.core.prepared import Prepared
from linkwork.notifications.addressing import Recipient
from linkwork.notifications.models import (
    Alert,
    AlertKind,
    Audience,
    DeliveryChannel,
    Event,
    email_kinds_of,
)

# The message event of each kind's email, so it is kept and listed like every other message.
EMAIL_EVENT = {
    AlertKind.CASE_ASSIGNED: Event.CASE_ASSIGNED,
    AlertKind.CONNECTION_ANSWERED: Event.CONNECTION_ANSWERED,
    AlertKind.PERSON_REPLIED: Event.PERSON_REPLIED,
    AlertKind.SAFETY_FLAG: Event.SAFETY_FLAG,
    AlertKind.OUTCOME_DUE: Event.OUTCOME_DUE,
    AlertKind.OVERDUE: Event.OVERDUE,
}
TEXT_LENGTH = Alert._meta.get_field("text").max_length or 200
LINK_LENGTH = Alert._meta.get_field("link").max_length or 300


class AlertError(ValueError):
    """An alert that cannot be made; the message says which part is wrong."""


@dataclass(frozen=True)
class Email:
    """What the email of an alert says, when the caller words it more fully than the alert
    itself; `audience` is who the recipients are to the case."""

    subject: str
    body: str
    audience: Audience = Audience.LINK_WORKER


def tell(
    users: Iterable[Any],
    kind: AlertKind | str,
    text: str,
    link: str,
    referral: Any = None,
    *,
    key: str = "",
    email: Email | None = None,
) -> list[Alert]:
    """Alert each active user in `users` (once each) that `text` happened, linking to the
    path `link`, about `referral` if any; return the alerts made.

    With a `key`, a user who already has an alert with that key gets no other: a daily job may
    call again every day and each user hears once. Users who switched the kind's email on
    (`AlertSettings`; `EMAIL_BY_DEFAULT` otherwise) also get an email, worded by `email` or
    from the text and link, sent through `notifications.send` after the caller's
    transaction commits."""
    kind = AlertKind(kind)
    text = " ".join(text.split())
    if not text:
        raise AlertError("text: say what happened")
    if not link.startswith("/") or link.startswith("//") or len(link) > LINK_LENGTH:
        raise AlertError("link: give a path on this site, such as /referrals/1/")
    key = key[: Alert._meta.get_field("key").max_length]
    recipients = {user.pk: user for user in users if user is not None and user.is_active}
    if key:
        already = set(
            Alert.objects.filter(recipient_id__in=list(recipients), key=key).values_list(
                "recipient_id", flat=True
            )
        )
        recipients = {pk: user for pk, user in recipients.items() if pk not in already}
    if not recipients:
        return []
    made: list[Alert] = []
    for user in recipients.values():
        alert = Alert(
            recipient=user,
            kind=kind,
            text=_shorten(text),
            link=link,
            referral=referral,
            key=key,
        )
        if key:
            # Two runs at once: the second finds the first's alert by the unique key.
            try:
                with transaction.atomic():
                    alert.save()
            except IntegrityError:
                continue
        else:
            alert.save()
        made.append(alert)
    by_email = email_kinds_of([alert.recipient_id for alert in made])
    for alert in made:
        if kind in by_email[alert.recipient_id] and alert.recipient.email:
            _email(alert, email)
    return made


def _shorten(text: str) -> str:
    return text if len(text) <= TEXT_LENGTH else text[: TEXT_LENGTH - 1].rstrip() + "…"


def _email(alert: Alert, email: Email | None) -> None:
    user = alert.recipient
    address = settings.LINKWORK_BASE_URL.rstrip("/") + alert.link
    wording = email or Email(subject=alert.text, body=f"{alert.text}\n\n{address}\n")
    notifications.send(
        to=Recipient(wording.audience, DeliveryChannel.EMAIL, user.full_name, user.email),
        event=EMAIL_EVENT[AlertKind(alert.kind)],
        subject=wording.subject,
        body=wording.body,
        referral_id=alert.referral_id,
    )


def unread_count(user: Any) -> int:
    """How many of the user's alerts are unread: one COUNT query, on every signed-in page."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Alert.objects.visible_to(user).unread().count()
    return _UNREAD.count(user.pk)


class _Recipient:
    """A signed-in, active user with an id, whose alerts `_UNREAD` is compiled for."""

    is_authenticated = True
    is_active = True

    def __init__(self, pk: int) -> None:
        self.pk = pk


_UNREAD = Prepared(
    lambda user_id: Alert.objects.visible_to(_Recipient(user_id)).unread(), count=True
)
