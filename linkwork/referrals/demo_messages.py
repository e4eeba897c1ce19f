"""The demo's messages: texts to people delivered (by the simulated receipt), one that could
not be delivered, replies threaded on cases, one reply nobody's number matched, and letters to
GP practices waiting in the print queue. Every detail is synthetic: numbers are in Ofcom's
drama range (07700 900000 to 900999), which reaches no one."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from linkwork.notifications.addressing import mobile_number
from linkwork.notifications.letters import render_letter
from linkwork.notifications.models import (
    Audience,
    DeliveryChannel,
    Event,
    InboundMessage,
    InboundStatus,
    Letter,
    Message,
    MessageStatus,
)
from linkwork.referrals.lifecycle import OPEN_STATUSES
from linkwork.referrals.message_back import message_back, person_message
from linkwork.referrals.models import Referral

REPLIES = (
    "Thank you. Tuesday at 10 is fine, see you then.",
    "Can we make it the afternoon? I have the dentist in the morning.",
    "Yes please, I would like to try the walking group.",
    "Sorry I missed your call. I'm free after 2 most days.",
)
UNMATCHED_REPLY = "Hi, is this about the gardening club? This is my new phone. Can you call me?"
UNMATCHED_NUMBER = "07700900999"
NOT_DELIVERED = "Not delivered: the number or address does not exist or refused it"


def _number(referral: Referral, index: int) -> str:
    return mobile_number(referral.person.phone) or f"07700900{100 + index:03d}"


def seed_messages(
    *,
    rng: random.Random,
    referrals: Sequence[Referral],
    now: dt.datetime,
    focus_worker_id: int | None,
) -> dict[str, int]:
    """Seed the demo's messages over open referrals, the focus link worker's first."""
    open_ones = [r for r in referrals if r.status in OPEN_STATUSES and r.link_worker_id]
    open_ones.sort(key=lambda r: (r.link_worker_id != focus_worker_id, r.received_at))
    chosen = open_ones[:8]
    if not chosen:
        return {}
    messages: list[Message] = []
    replies: list[InboundMessage] = []
    for index, referral in enumerate(chosen):
        at = now - dt.timedelta(days=2 + index, hours=rng.randint(0, 6))
        subject, body = person_message(
            referral,
            Event.APPOINTMENT,
            appointment_at=(now + dt.timedelta(days=3 + index)).replace(
                hour=10, minute=0, second=0, microsecond=0
            ),
            appointment_place="Millbrook Community Centre",
        )
        failed = index == 3
        messages.append(
            Message(
                referral=referral,
                audience=Audience.PERSON,
                event=Event.APPOINTMENT,
                channel=DeliveryChannel.TEXT,
                recipient_name=referral.person.full_name[:200],
                recipient_address=_number(referral, index),
                subject=subject,
                body=body,
                status=MessageStatus.PERMANENT_FAILURE if failed else MessageStatus.DELIVERED,
                last_error=NOT_DELIVERED if failed else "",
                attempts=1,
                provider_reference=f"demo-{referral.reference}",
                sent_at=at,
                receipt_at=at + dt.timedelta(seconds=8),
                created_at=at,
            )
        )
        if index in (0, 1, 2):
            replies.append(
                InboundMessage(
                    provider_id=f"demo-reply-{referral.reference}",
                    source_number=_number(referral, index),
                    destination_number="07700900000",
                    body=REPLIES[index],
                    received_at=at + dt.timedelta(hours=1, minutes=rng.randint(1, 50)),
                    status=InboundStatus.MATCHED,
                    referral=referral,
                )
            )
    replies.append(
        InboundMessage(
            provider_id="demo-reply-unmatched",
            source_number=UNMATCHED_NUMBER,
            destination_number="07700900000",
            body=UNMATCHED_REPLY,
            received_at=now - dt.timedelta(hours=3),
            status=InboundStatus.UNMATCHED,
        )
    )
    # Letters to GP practices, waiting in the print queue: the message back on acceptance.
    letters: list[Message] = []
    for referral in chosen[:3]:
        subject, body = message_back(referral, Event.ACCEPTED)
        letters.append(
            Message(
                referral=referral,
                audience=Audience.GP,
                event=Event.ACCEPTED,
                channel=DeliveryChannel.LETTER,
                recipient_name="The GP practice",
                recipient_address="The Practice Manager\n1 Surgery Lane\nMillbrook\nBK1 1AA",
                subject=subject,
                body=body,
                status=MessageStatus.SENT,
                attempts=1,
                provider_reference=f"letter:{referral.reference}",
                sent_at=now - dt.timedelta(hours=5),
                created_at=now - dt.timedelta(hours=5),
            )
        )
    Message.objects.bulk_create([*messages, *letters])
    Letter.objects.bulk_create(
        Letter(message=message, pdf=render_letter(message)) for message in letters
    )
    InboundMessage.objects.bulk_create(replies)
    return {"messages": len(messages) + len(letters), "replies": len(replies)}
