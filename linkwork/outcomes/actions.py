"""Writes for outcome measures and safety flags: each in one transaction with its own audit
event."""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from linkwork.accounts.models import Membership, Role, User
from linkwork.audit import auditor
from linkwork.notifications import centre
from linkwork.notifications.models import AlertKind, Audience
from linkwork.outcomes.models import FlagHandling, FlagKind, OutcomeMeasure, SafetyFlag, TimePoint
from linkwork.outcomes.scoring import get_instrument, score
from linkwork.referrals.models import Referral

# Instrument flags (the definitions' `[[flags]]` ids) that are risks to the person: each raises
# a safety flag that stays open until handled. Caseness and the like are not risks.
SAFETY_FLAGS = {"self_harm_risk": FlagKind.SELF_HARM}


class FlagError(ValueError):
    """A flag change that cannot be made; the message is for people."""


@transaction.atomic
def record_measure(
    *,
    by: User,
    referral: Referral,
    instrument: str,
    time_point: str,
    responses: Mapping[str, object],
    context: Mapping[str, object] | None = None,
) -> OutcomeMeasure:
    """Score `responses` (with `context`, e.g. the EQ-5D-5L method, sex and age) and store them
    with the result. A `ScoreError` (naming the field) propagates before anything is written."""
    result = score(instrument, responses, **dict(context or {}))
    definition = get_instrument(instrument)
    measure = OutcomeMeasure.objects.create(
        referral=referral,
        instrument=definition.id,
        instrument_version=definition.version,
        time_point=TimePoint(time_point),
        responses=dict(responses),
        result=result.to_dict(),
        flags=list(result.flags or ()),
        recorded_by=by,
    )
    auditor.record(
        action="outcome.recorded",
        actor=by,
        target=measure,
        scheme_id=referral.scheme_id,
        detail={
            "referral": str(referral.pk),
            "instrument": definition.id,
            "version": definition.version,
        },
    )
    for flag_id in measure.flags:
        if flag_id in SAFETY_FLAGS:
            raise_flag(by=by, referral=referral, kind=SAFETY_FLAGS[flag_id], measure=measure)
    return measure


@transaction.atomic
def raise_flag(
    *, by: User | None, referral: Referral, kind: FlagKind, measure: OutcomeMeasure | None = None
) -> SafetyFlag:
    """Open a safety flag on `referral` and tell the scheme's leads at once."""
    flag = SafetyFlag.objects.create(referral=referral, kind=kind, measure=measure, raised_by=by)
    auditor.record(
        action="safety_flag.raised",
        actor=by,
        target=flag,
        scheme_id=referral.scheme_id,
        detail={"referral": str(referral.pk), "kind": flag.kind},
    )
    _tell_leads(flag, by)
    return flag


def flag_concern_at_intake(referral: Referral, by: User | None) -> None:
    """A safeguarding concern given with a new referral opens a safeguarding flag at once, so
    the lead hears of it before triage and it stays on the record until handled."""
    if referral.safeguarding_concern:
        raise_flag(by=by, referral=referral, kind=FlagKind.SAFEGUARDING)


def flag_notice(reference: str, scheme: str, kind: str, link: str) -> tuple[str, str]:
    """The subject and body of the email to a scheme's leads about a safety flag, as
    `_tell_leads` writes it: for the admins' page of message templates."""
    subject = f"Safety flag on referral {reference}: {kind}"
    body = (
        f"A safety flag ({kind}) was raised on referral {reference} in "
        f"{scheme}. The flag stays on the person's record until the link worker "
        "records how it was handled. Please check the link worker has the support they "
        f"need:\n{link}\n"
    )
    return subject, body


def example_flag_notice() -> tuple[str, str]:
    """The notice with made-up details, for the admins' page of message templates."""
    link = settings.LINKWORK_BASE_URL.rstrip("/") + "/referrals/"
    return flag_notice(
        "LW-7K3M-Q9TD",
        "Example Social Prescribing",
        FlagKind.SELF_HARM.label.lower(),
        link,
    )


def _tell_leads(flag: SafetyFlag, by: User | None = None) -> None:
    """Alert each active lead of the scheme in the notification centre, and the referral's link
    worker unless they raised it; each also by email unless they switched that kind off (it
    is on by default). The alert and the email name the reference and the kind of flag, never
    the person: the reader signs in to see more."""
    referral = flag.referral
    path = reverse("referrals:detail", args=[referral.pk])
    link = settings.LINKWORK_BASE_URL.rstrip("/") + path
    kind = FlagKind(flag.kind).label.lower()
    subject = f"Safety flag on referral {referral.reference}: {kind}"
    text = f"Safety flag ({kind}) raised on referral {referral.reference}"
    leads = [
        membership.user
        for membership in Membership.objects.filter(
            role=Role.SCHEME_LEAD, scheme_id=referral.scheme_id, user__is_active=True
        ).select_related("user")
    ]
    centre.tell(
        leads,
        AlertKind.SAFETY_FLAG,
        text,
        path,
        referral,
        email=centre.Email(
            subject=subject,
            body=(
                f"A safety flag ({kind}) was raised on referral {referral.reference} in "
                f"{referral.scheme.name}. The flag stays on the person's record until the link "
                "worker records how it was handled. Please check the link worker has the "
                f"support they need:\n{link}\n"
            ),
            audience=Audience.SCHEME_LEAD,
        ),
    )
    worker = referral.link_worker
    if worker is None or (by is not None and by.pk == worker.pk) or worker in leads:
        return
    centre.tell(
        [worker],
        AlertKind.SAFETY_FLAG,
        text,
        path,
        referral,
        email=centre.Email(
            subject=subject,
            body=(
                f"A safety flag ({kind}) was raised on referral {referral.reference}, one of "
                "your cases. The flag stays on the person's record until you record how it "
                f"was handled:\n{link}\n"
            ),
            audience=Audience.LINK_WORKER,
        ),
    )


@transaction.atomic
def record_flag_handled(*, by: User, flag: SafetyFlag, action_taken: str) -> FlagHandling:
    """Close `flag` with what was done about it, by whom and when."""
    if not action_taken.strip():
        raise FlagError("Enter what you did about the flag")
    if FlagHandling.objects.filter(flag=flag).exists():
        raise FlagError("This flag has already been recorded as handled")
    handling = FlagHandling.objects.create(
        flag=flag, action_taken=action_taken.strip(), handled_by=by
    )
    auditor.record(
        action="safety_flag.handled",
        actor=by,
        target=flag,
        scheme_id=flag.referral.scheme_id,
        detail={"referral": str(flag.referral_id), "kind": flag.kind},
    )
    return handling
