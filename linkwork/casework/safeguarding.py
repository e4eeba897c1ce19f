"""Safeguarding concerns, flagged at the top of every page of a person's casework record."""

from __future__ import annotations

from typing import Any

from linkwork.casework.models import CaseNote
from linkwork.referrals.models import Referral


def safeguarding_concerns(user: Any, referral: Referral) -> list[str]:
    """The person's recorded concerns, then safeguarding case notes, newest first."""
    concerns = (
        [referral.person.safeguarding_concerns] if referral.person.safeguarding_concerns else []
    )
    concerns += (
        CaseNote.objects.visible_to(user)
        .filter(referral=referral, safeguarding=True)
        .values_list("text", flat=True)
    )
    return concerns
