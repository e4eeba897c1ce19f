"""The notifications API for other apps. Call it after the change it reports has committed.

From a referral action::

    transaction.on_commit(
        partial(notifications.referral_event, referral.pk, "accepted", by=by), robust=True
    )
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from linkwork.notifications import service
from linkwork.notifications.models import Message


def referral_event(
    referral_id: UUID | str,
    event: str,
    *,
    by: Any = None,
    appointment_at: dt.datetime | None = None,
    appointment_place: str = "",
) -> list[Message]:
    """Build and queue the messages that follow `event` on a referral; return them.

    Events: received (acknowledgement to the person), accepted, declined, redirected,
    first_contact (message back to the referrer and GP), closed (message back and a note to
    the person) and appointment (a confirmation to the person; needs `appointment_at`).
    Consent and channel rules are applied; messages nobody may receive are not made. Each
    message is sent by the task worker after this function's transaction commits.
    """
    return service.referral_event(
        referral_id,
        event,
        by=by,
        appointment_at=appointment_at,
        appointment_place=appointment_place,
    )
