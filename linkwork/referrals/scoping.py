"""Fetching one referral as a case, through the access gate (`linkwork.accounts.gate`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from linkwork.accounts import gate
from linkwork.accounts.permissions import Ability
from linkwork.referrals.models import Referral


def get_case_or_404(
    request: HttpRequest, referral_id: Any, *, ability: Ability = Ability.DO_CASEWORK
) -> Referral:
    """A referral whose casework the user may do: 403 for a role that does no casework, 404
    for a referral of another scheme (or none), each refusal audited by the gate. Referrers
    see their organisation's referrals but not the casework. `ability` narrows the page, for
    example to the scheme's leads (`MANAGE_CAPACITY`)."""
    return gate.get_visible_or_404(request, Referral, ability=ability, pk=referral_id)
