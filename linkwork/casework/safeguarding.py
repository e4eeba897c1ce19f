"""Safeguarding concerns, flagged at the top of every page of a person's casework record."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from linkwork.accounts import permissions
from linkwork.accounts.permissions import Ability
from linkwork.casework.models import CaseNote
from linkwork.referrals.models import Referral


def safeguarding_concerns(user: Any, referral: Referral) -> list[str]:
    """The concern given with this referral, the person's recorded concerns, then
    safeguarding case notes, newest first."""
    concerns = [referral.safeguarding_concern] if referral.safeguarding_concern else []
    recorded = referral.person.safeguarding_concerns
    if recorded and recorded.strip() not in concerns:
        concerns.append(recorded)
    concerns += (
        CaseNote.objects.visible_to(user)
        .filter(referral=referral, safeguarding=True)
        .values_list("text", flat=True)
    )
    return concerns


def referral_page_panel(request: HttpRequest, referral: Referral) -> str | None:
    """The safeguarding banner at the top of the referral page, for the scheme's team only
    (registered with `referrals.panels`)."""
    if not permissions.may(request.user, Ability.DO_CASEWORK, referral):
        return None
    return render_to_string(
        "casework/_safeguarding.jinja",
        {"safeguarding": safeguarding_concerns(request.user, referral)},
    )
