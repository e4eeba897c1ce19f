"""Recording a contact. The first attended contact of an accepted referral starts support:
the referral becomes active, is coded, and the first-contact message goes back."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from linkwork.audit import auditor
from linkwork.casework.models import Contact, Mode, Outcome
from linkwork.referrals.actions import start_support
from linkwork.referrals.lifecycle import Status
from linkwork.referrals.models import Referral


@transaction.atomic
def record_contact(
    *,
    by: Any,
    referral: Referral,
    occurred_at: dt.datetime,
    mode: Mode,
    duration_minutes: int,
    outcome: Outcome,
    note: str = "",
) -> Contact:
    contact = Contact.objects.create(
        referral=referral,
        occurred_at=occurred_at,
        mode=mode,
        duration_minutes=duration_minutes,
        outcome=outcome,
        note=note,
        recorded_by=by,
    )
    auditor.record(
        action="contact.recorded",
        actor=by,
        target=contact,
        scheme_id=referral.scheme_id,
        detail={"referral": str(referral.pk), "mode": mode, "outcome": outcome},
    )
    if referral.status == Status.ACCEPTED and outcome == Outcome.ATTENDED:
        start_support(by=by, referral=referral)
    return contact
