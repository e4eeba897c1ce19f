"""Audit actions in words for the people who read the log ("person.viewed" -> "Person
viewed"). Codes stay what is stored and searched; only the page shows the words."""

from __future__ import annotations

from typing import Final

# Codes whose words are not their parts read aloud.
WORDS: Final[dict[str, str]] = {
    "access.denied": "Access refused",
    "api.referral_received": "Referral received through the API",
    "appointment.moved": "Appointment moved to another link worker's diary",
    "appointment.rescheduled": "Appointment moved to another time",
    "audit.searched": "Audit log searched",
    "connection.viewed_by_provider": "Connection viewed by the provider",
    "goal.status": "Goal status changed",
    "login.failed": "Sign-in failed",
    "login.locked_out": "Sign-in locked after too many tries",
    "login.refused": "Sign-in refused: the organisation is inactive",
    "login.succeeded": "Signed in",
    "logout": "Signed out",
    "message.failed_list_viewed": "Failed messages viewed",
    "message.list_viewed": "Messages viewed",
    "organisation.deactivated": "Organisation made inactive",
    "organisation.reactivated": "Organisation made active again",
    "password.changed": "Password changed by its owner",
    "password.change_failed": "Password change refused: current password wrong",
    "password_reset.completed": "Password reset with an emailed link",
    "password_reset.limited": "Password reset refused: too many from this address",
    "password_reset.link_refused": "Password reset link refused",
    "password_reset.requested": "Password reset link asked for",
    "plan_action.status": "Plan action status changed",
    "referral.list_viewed": "Referrals list viewed",
    "referral.self_referred": "Self-referral received",
    "referral.triage_queue_viewed": "Triage queue viewed",
    "scheme.link_worker_added": "Link worker added to the scheme",
    "scheme.link_worker_removed": "Link worker removed from the scheme",
    "service.availability": "Service availability changed",
    "two_factor.enrolled": "Security code app set up",
    "two_factor.failed": "Security code wrong",
    "two_factor.reset": "Security code app reset by an admin",
    "two_factor.verified": "Security code accepted",
}

# Subjects spelt as the rest of Linkwork spells them.
SUBJECTS: Final[dict[str, str]] = {
    "api_token": "API token",
    "case_note": "Case note",
    "follow_up": "Follow-up",
    "plan_action": "Plan action",
    "two_factor": "Security code",
}


def action_words(code: str) -> str:
    """The action in words: from `WORDS`, else its subject and verb read as words."""
    if code in WORDS:
        return WORDS[code]
    subject, _, verb = code.partition(".")
    words = SUBJECTS.get(subject, subject.replace("_", " "))
    if verb:
        words = f"{words} {verb.replace('_', ' ')}"
    return words[:1].upper() + words[1:]
