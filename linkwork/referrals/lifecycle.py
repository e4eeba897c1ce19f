"""The referral lifecycle: the one module that knows which status changes are allowed."""

from __future__ import annotations

from django.db import models

from linkwork.core.lifecycle import InvalidTransition as BaseInvalidTransition


class Status(models.TextChoices):
    RECEIVED = "received", "Received"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    REDIRECTED = "redirected", "Redirected"
    ACTIVE = "active", "Active"
    ON_HOLD = "on_hold", "On hold"
    CLOSED = "closed", "Closed"
    # The referring organisation took the referral back (or a scheme lead did on its behalf).
    WITHDRAWN = "withdrawn", "Withdrawn"


class ClosureReason(models.TextChoices):
    GOALS_MET = "goals_met", "Goals met"
    PERSON_ENDED = "person_ended", "Person chose to end support"
    UNABLE_TO_CONTACT = "unable_to_contact", "Unable to contact"
    MOVED = "moved", "Moved out of area"
    TRANSFERRED = "transferred", "Transferred to another service"
    ESCALATED = "escalated", "Escalated to clinical care"


class DeclineReason(models.TextChoices):
    PERSON_DECLINED = "person_declined", "The person declined social prescribing"
    OUTSIDE_AREA = "outside_area", "Outside the scheme's area"
    NOT_ELIGIBLE = "not_eligible", "Not eligible for the scheme"
    NEEDS_CLINICAL_CARE = "needs_clinical_care", "Needs clinical care first"
    DUPLICATE = "duplicate", "Already referred"
    UNABLE_TO_CONTACT = "unable_to_contact", "Unable to contact the person"
    # Only for referrals declined before reasons were recorded; never offered in triage.
    NOT_RECORDED = "not_recorded", "Reason not recorded"


class Complexity(models.TextChoices):
    """How much support the person needs; weights the link worker's caseload."""

    STANDARD = "standard", "Standard"
    COMPLEX = "complex", "Complex"
    VERY_COMPLEX = "very_complex", "Very complex"

    @property
    def weight(self) -> float:
        return COMPLEXITY_WEIGHTS[self]


# A complex person counts as one and a half people on a caseload, a very complex one as two.
COMPLEXITY_WEIGHTS: dict[str, float] = {
    Complexity.STANDARD: 1.0,
    Complexity.COMPLEX: 1.5,
    Complexity.VERY_COMPLEX: 2.0,
}


TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.RECEIVED: frozenset(
        {Status.ACCEPTED, Status.DECLINED, Status.REDIRECTED, Status.WITHDRAWN}
    ),
    Status.ACCEPTED: frozenset({Status.ACTIVE, Status.WITHDRAWN}),
    Status.ACTIVE: frozenset({Status.ON_HOLD, Status.CLOSED, Status.WITHDRAWN}),
    Status.ON_HOLD: frozenset({Status.ACTIVE, Status.CLOSED, Status.WITHDRAWN}),
    Status.DECLINED: frozenset(),
    # A redirected referral has left the scheme for another service: there is nothing here
    # left to withdraw, so the referrer asks that service instead.
    Status.REDIRECTED: frozenset(),
    Status.CLOSED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}

# Statuses in which the person is on a link worker's caseload.
OPEN_STATUSES = frozenset({Status.ACCEPTED, Status.ACTIVE, Status.ON_HOLD})
# Statuses the referrer may still withdraw from: every status that has not ended.
WITHDRAWABLE_STATUSES = frozenset({Status.RECEIVED, *OPEN_STATUSES})
# Statuses in which the referral has ended, one way or another.
ENDED_STATUSES = frozenset({Status.DECLINED, Status.REDIRECTED, Status.CLOSED, Status.WITHDRAWN})


class InvalidTransition(BaseInvalidTransition):
    """A referral status change the lifecycle does not allow; the message is for people."""

    noun = "referral"
    statuses = Status
    transitions = TRANSITIONS


def check_transition(current: str, wanted: str) -> None:
    InvalidTransition.check(current, wanted)
