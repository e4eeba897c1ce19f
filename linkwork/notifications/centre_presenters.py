"""Presenters for the notification centre: each alert as a row, and the header's link."""

from __future__ import annotations

from dataclasses import dataclass

from linkwork.core.presenters import ago, datetime_uk
from linkwork.notifications.models import Alert, AlertKind

KIND_LABEL = {
    AlertKind.CASE_ASSIGNED: "New case",
    AlertKind.CONNECTION_ANSWERED: "Provider answered",
    AlertKind.PERSON_REPLIED: "Reply",
    AlertKind.SAFETY_FLAG: "Safety flag",
    AlertKind.OUTCOME_DUE: "Outcome measure due",
    AlertKind.OVERDUE: "Overdue",
}


@dataclass(frozen=True)
class AlertRow:
    id: int
    text: str
    kind: str
    when: str
    when_exact: str
    unread: bool

    @classmethod
    def of(cls, alert: Alert) -> AlertRow:
        return cls(
            id=alert.pk,
            text=alert.text,
            kind=KIND_LABEL.get(AlertKind(alert.kind), "Notification"),
            when=ago(alert.created_at),
            when_exact=datetime_uk(alert.created_at),
            unread=alert.read_at is None,
        )


def header_text(unread: int) -> str:
    """The header's link: "Notifications", with how many are unread when any are."""
    return f"Notifications ({unread} unread)" if unread else "Notifications"
