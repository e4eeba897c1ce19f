"""What comes straight after triage accepts a referral, for apps above referrals to offer.

Casework, for one, offers booking the first appointment. Each app registers a step in its
`AppConfig.ready()`, so referrals imports nothing of theirs. A step gives the address to go
to next, or None when it has nothing for this user and referral; the triage page shows each
step's hint under "Accept".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

from linkwork.referrals.models import Referral


@dataclass(frozen=True)
class NextStep:
    hint: str
    address: Callable[[HttpRequest, Referral], str | None]


_steps: list[NextStep] = []


def register(step: NextStep) -> None:
    """Offer `step` after a referral is accepted at triage (once, however often `ready()`
    runs)."""
    if step not in _steps:
        _steps.append(step)


def hints() -> list[str]:
    return [step.hint for step in _steps]


def after_accept(request: HttpRequest, referral: Referral) -> str | None:
    """The address of the first step offered for `referral`, or None."""
    for step in _steps:
        address = step.address(request, referral)
        if address:
            return address
    return None
