"""What the closing message back reports, read through small functions.

Casework (support plans, connections, contacts) and outcome measures are not recorded yet, so
these functions return what Linkwork knows today: the needs on the referral, and empty lists
elsewhere, which the message reports honestly as "None recorded". When casework and outcomes
arrive, only these functions change; the message builder and its tests stay as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from linkwork.referrals.needs import Need

if TYPE_CHECKING:
    from linkwork.referrals.models import Referral


@dataclass(frozen=True)
class ConnectionMade:
    """A connection to a service, and whether the person went (None: not known)."""

    service: str
    attended: bool | None


@dataclass(frozen=True)
class OutcomeScore:
    """One outcome measure's score at the start and at the end of support."""

    measure: str
    start: str
    end: str


def plan_and_actions(referral: Referral) -> list[str]:
    """The agreed plan and any action asked of the referrer or GP, most important first."""
    return []


def needs_identified(referral: Referral) -> list[str]:
    """The needs identified, as labels: for now, those given on the referral."""
    return [Need(slug).label for slug in referral.needs if slug in Need.values]


def support_offered(referral: Referral) -> list[str]:
    """The support the link worker offered, in words."""
    return []


def connections_for(referral: Referral) -> list[ConnectionMade]:
    """Connections made to services during the episode."""
    return []


def outcome_summary(referral: Referral) -> list[OutcomeScore]:
    """Outcome scores at the start and end of support, one per measure."""
    return []
