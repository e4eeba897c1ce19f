"""The messages that follow a referral event: what each says (`message_back`), who receives
it under which consent (`addressing`), sent through `linkwork.notifications.send`.

Call `referral_event` inside the transaction of the change it reports, so the messages commit
with the change or not at all (an outbox); each is handed to the task worker on commit.
"""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from linkwork import notifications
from linkwork.accounts.models import Membership, Role, User
from linkwork.audit import auditor
from linkwork.core.i18n import ENGLISH, language_for
from linkwork.notifications.addressing import Recipient, Skip, person_recipient
from linkwork.notifications.models import Audience, DeliveryChannel, Event, Message
from linkwork.people.models import current_consents
from linkwork.referrals import addressing
from linkwork.referrals.message_back import (
    MESSAGE_BACK_EVENTS,
    PERSON_EVENTS,
    REFERRER_EVENTS,
    message_back,
    person_message,
)
from linkwork.referrals.models import Referral


def referral_event(
    referral_id: UUID | str,
    event: str,
    *,
    by: User | None = None,
    appointment_at: dt.datetime | None = None,
    appointment_place: str = "",
) -> list[Message]:
    """Build and queue the messages that follow `event` on a referral; return them.

    Events: received (acknowledgement to the person), accepted, declined, redirected,
    first_contact (message back to the referrer and GP), closed (message back and a note to
    the person), appointment (a confirmation to the person; needs `appointment_at`) and
    withdrawn (a notice to the link worker, or the scheme's leads while nobody is assigned,
    and a confirmation to the referrer).
    Consent and channel rules are applied; messages nobody may receive are not made. Each
    message is sent by the task worker after this function's transaction commits.
    """
    event = Event(event)
    if event == Event.APPOINTMENT and appointment_at is None:
        raise ValueError("An appointment message needs the appointment's date and time.")
    # Part of the caller's transaction, without a savepoint: a failure here fails the change.
    with transaction.atomic(savepoint=False):
        referral = Referral.objects.select_related(
            "person__gp_practice", "scheme__host", "link_worker", "referring_organisation"
        ).get(pk=referral_id)
        consents = current_consents(referral.person)
        addressed: list[Recipient | Skip] = []
        messages: list[Message] = []
        if event in MESSAGE_BACK_EVENTS:
            subject, body = message_back(referral, event)
            referrer = addressing.referrer_recipient(referral)
            gp = addressing.gp_recipient(referral, consents)
            if (
                isinstance(gp, Recipient)
                and isinstance(referrer, Recipient)
                and (gp.channel, gp.address.lower()) == (referrer.channel, referrer.address.lower())
            ):
                gp = Skip(gp.audience, "gp_is_referrer")
            addressed += [referrer, gp]
            for recipient in (referrer, gp):
                if isinstance(recipient, Recipient):
                    messages.append(_queue(referral, event, recipient, subject, body))
        if event in REFERRER_EVENTS:
            subject, body = message_back(referral, event)
            referrer = addressing.referrer_recipient(referral)
            addressed.append(referrer)
            if isinstance(referrer, Recipient):
                messages.append(_queue(referral, event, referrer, subject, body))
        if event == Event.WITHDRAWN:
            messages += _tell_staff_withdrawn(referral)
        if event in PERSON_EVENTS:
            person = person_recipient(referral.person, consents)
            addressed.append(person)
            if isinstance(person, Recipient):
                # In the person's own language (Welsh or English), whatever the page's.
                language = language_for(referral.person.preferred_language)
                with translation.override(language):
                    subject, body = person_message(
                        referral,
                        event,
                        appointment_at=appointment_at,
                        appointment_place=appointment_place,
                    )
                messages.append(_queue(referral, event, person, subject, body, language=language))
        auditor.record(
            action="message.queued",
            actor=by if getattr(by, "is_authenticated", False) else None,
            target=referral,
            scheme_id=referral.scheme_id,
            detail={
                "event": event.value,
                "messages": [
                    {"id": str(m.pk), "audience": m.audience, "channel": m.channel}
                    for m in messages
                ],
                "skipped": {s.audience.value: s.reason for s in addressed if isinstance(s, Skip)},
            },
        )
    return messages


def _queue(
    referral: Referral,
    event: Event,
    recipient: Recipient,
    subject: str,
    body: str,
    *,
    language: str = ENGLISH,
) -> Message:
    if recipient.audience == Audience.GP:
        body = gp_copy(recipient.name, body)
    return notifications.send(
        to=recipient,
        event=event,
        subject=subject,
        body=body,
        referral_id=referral.pk,
        language=language,
    )


def gp_copy(practice: str, body: str) -> str:
    """The message back as the GP practice's copy."""
    return f"A copy for {practice}, the GP practice of the person referred.\n\n" + body


def withdrawn_notice(referral: Referral) -> tuple[str, str]:
    """The subject and body of the notice to staff that a referral was withdrawn."""
    link = settings.LINKWORK_BASE_URL.rstrip("/") + reverse("referrals:detail", args=[referral.pk])
    subject = f"Referral {referral.reference} has been withdrawn"
    body = (
        f"Referral {referral.reference} to {referral.scheme.name} has been withdrawn by the "
        "organisation that sent it. It no longer counts on any caseload, and requests to "
        "services that had not started have been cancelled.\n\n"
        f"The reason is on the referral page:\n{link}\n"
    )
    return subject, body


def _tell_staff_withdrawn(referral: Referral) -> list[Message]:
    """A notice that the referral was withdrawn, to its link worker, or while nobody is
    assigned to the scheme's leads. It names the reference, never the person: the reader
    signs in to see the reason."""
    worker = referral.link_worker
    if worker is not None and worker.is_active:
        to = [(Audience.LINK_WORKER, worker.full_name, worker.email)]
    else:
        to = [
            (Audience.SCHEME_LEAD, m.user.full_name, m.user.email)
            for m in Membership.objects.filter(
                role=Role.SCHEME_LEAD, scheme_id=referral.scheme_id, user__is_active=True
            )
            .select_related("user")
            .order_by("user_id")
        ]
    subject, body = withdrawn_notice(referral)
    sent: list[Message] = []
    seen: set[str] = set()
    for audience, name, address in to:
        if not address or address.lower() in seen:
            continue
        seen.add(address.lower())
        recipient = Recipient(audience, DeliveryChannel.EMAIL, name, address)
        sent.append(
            notifications.send(
                to=recipient,
                event=Event.WITHDRAWN,
                subject=subject,
                body=body,
                referral_id=referral.pk,
            )
        )
    return sent
