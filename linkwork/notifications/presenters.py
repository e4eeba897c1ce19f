"""Presenters for message pages: labels, dates, tag colours and the body as paragraphs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from linkwork.core.presenters import datetime_uk
from linkwork.notifications.models import (
    FAILED_STATUSES,
    Audience,
    DeliveryChannel,
    Event,
    InboundMessage,
    Message,
    MessageStatus,
)


class About(Protocol):
    """What a message is about, as its pages show it: a referral, without naming the model."""

    @property
    def pk(self) -> Any: ...

    @property
    def reference(self) -> str: ...


STATUS_TAG = {
    MessageStatus.QUEUED: "nhsuk-tag--blue",
    MessageStatus.SENDING: "nhsuk-tag--purple",
    MessageStatus.SENT: "nhsuk-tag--green",
    MessageStatus.FAILED: "nhsuk-tag--red",
    MessageStatus.CANCELLED: "nhsuk-tag--grey",
    MessageStatus.DELIVERED: "nhsuk-tag--green",
    MessageStatus.PERMANENT_FAILURE: "nhsuk-tag--red",
    MessageStatus.TEMPORARY_FAILURE: "nhsuk-tag--orange",
}


@dataclass(frozen=True)
class MessageRow:
    id: str
    subject: str
    to: str
    audience: str
    channel: str
    event: str
    status: str
    status_classes: str
    when: str
    attempts: int
    last_error: str
    referral_id: str
    referral_reference: str
    is_failed: bool

    @classmethod
    def of(cls, message: Message, referral: About | None = None) -> MessageRow:
        """The row of `message`; pass the referral it is about when already loaded."""
        about: About | None = referral if referral is not None else message.referral
        status = MessageStatus(message.status)
        return cls(
            id=str(message.pk),
            subject=message.subject,
            to=message.recipient_name or Audience(message.audience).label,
            audience=Audience(message.audience).label,
            channel=DeliveryChannel(message.channel).label,
            event=Event(message.event).label,
            status=status.label,
            status_classes=STATUS_TAG[status],
            when=datetime_uk(message.sent_at or message.created_at),
            attempts=message.attempts,
            last_error=message.last_error,
            referral_id=str(about.pk) if about is not None else "",
            referral_reference=about.reference if about is not None else "",
            is_failed=status in FAILED_STATUSES,
        )


def summary_rows(message: Message) -> list[dict[str, Any]]:
    """Rows for the NHS.UK summary list at the top of a message's page."""
    status = MessageStatus(message.status)

    def row(key: str, value: str) -> dict[str, Any]:
        return {"key": {"text": key}, "value": {"text": value}}

    rows = [
        row("To", message.recipient_name or Audience(message.audience).label),
        row("Sent to", message.recipient_address.replace("\n", ", ")),
        row("How", DeliveryChannel(message.channel).label),
        row("About", Event(message.event).label),
        row("Status", status.label),
        row("Written", datetime_uk(message.created_at)),
    ]
    if message.sent_at:
        rows.append(row("Sent", datetime_uk(message.sent_at)))
    if message.receipt_at:
        rows.append(row("Delivery receipt", datetime_uk(message.receipt_at)))
    if status in (
        MessageStatus.FAILED,
        MessageStatus.QUEUED,
        MessageStatus.SENDING,
        MessageStatus.PERMANENT_FAILURE,
        MessageStatus.TEMPORARY_FAILURE,
    ) and (message.last_error):
        rows.append(row("Attempts", str(message.attempts)))
        rows.append(row("Last problem", message.last_error))
    return rows


def paragraphs(body: str) -> list[list[str]]:
    """The plain-text body as paragraphs of lines, for the template to lay out."""
    return [block.splitlines() for block in body.strip().split("\n\n") if block.strip()]


@dataclass(frozen=True)
class ReplyRow:
    """A text message a person sent back, as the referral's messages page and the unmatched
    replies page show it. The number is shown only to those who match replies by hand."""

    id: str
    received: str
    paragraphs: list[list[str]]
    matched_by_hand: bool

    @classmethod
    def of(cls, reply: InboundMessage) -> ReplyRow:
        return cls(
            id=str(reply.pk),
            received=datetime_uk(reply.received_at),
            paragraphs=paragraphs(reply.body),
            matched_by_hand=reply.matched_by_id is not None,
        )
