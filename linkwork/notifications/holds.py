"""Reasons a message about a referral must not leave the organisation.

Delivery knows no referral, so the apps that do register a rule at start-up (in their
`AppConfig.ready()`): `rule(referral_id)` answers why messages about that referral are held,
or "". A held message is still kept, cancelled with the reason, so the record shows what was
not sent and why. Messages to the scheme's own staff (link workers, scheme leads) are never
held: a safety flag must always reach them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

HoldRule = Callable[[Any], str]
_rules: list[HoldRule] = []
# Audiences inside the scheme's organisation; every other audience is outside it.
STAFF_AUDIENCES = frozenset({"link_worker", "scheme_lead"})


def register(rule: HoldRule) -> None:
    """Let `rule(referral_id)` hold messages about a referral (a non-empty reason)."""
    if rule not in _rules:
        _rules.append(rule)


def held_because(referral_id: Any, audience: str) -> str:
    """Why a message to `audience` about `referral_id` must not be sent, or ""."""
    if referral_id is None or audience in STAFF_AUDIENCES:
        return ""
    for rule in _rules:
        if reason := rule(referral_id):
            return reason
    return ""
