"""Every write to a referral: creating it, triage and each later status change.

Each action is one transaction that checks the lifecycle, writes an immutable status-history
row and an audit event, and queues any message after commit.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone

from linkwork.accounts.models import Membership, Role, Scheme, User
from linkwork.audit import auditor
from linkwork.notifications.api import referral_event
from linkwork.people.models import Person
from linkwork.referrals.lifecycle import ClosureReason, DeclineReason, Status, check_transition
from linkwork.referrals.models import Channel, CodedEvent, Referral, StatusChange, Urgency
from linkwork.referrals.working_days import working_days_after


class AssignmentError(ValueError):
    """The chosen link worker cannot take this referral; the message says why."""


def _tell(referral: Referral, event: str, by: User | None) -> None:
    """Queue the messages for this event once the change is committed. A failure to queue
    is logged, never undoes the change: the message can be sent again from the failed list."""
    transaction.on_commit(partial(referral_event, referral.pk, event, by=_actor(by)), robust=True)


def _actor(by: User | None) -> User | None:
    return by if by is not None and getattr(by, "is_authenticated", False) else None


@transaction.atomic
def create_referral(
    *,
    by: User | None,
    person: Person,
    scheme: Scheme,
    route: str,
    channel: Channel,
    needs: list[str],
    reason: str = "",
    what_matters: str = "",
    urgency: Urgency = Urgency.ROUTINE,
    consent_to_refer: bool,
    referring_organisation: Any = None,
    referrer: dict[str, str] | None = None,
    response_to: dict[str, str] | None = None,
) -> Referral:
    """Receive a referral from any route into `scheme`."""
    if not consent_to_refer:
        raise ValueError("A referral needs the person's consent.")
    referrer = referrer or {}
    response_to = response_to or {}
    today = timezone.localdate()
    referral = Referral(
        person=person,
        scheme=scheme,
        route=route,
        channel=channel,
        needs=list(dict.fromkeys(needs)),
        reason=reason,
        what_matters=what_matters,
        urgency=urgency,
        consent_to_refer=True,
        referring_organisation=referring_organisation,
        referrer_name=referrer.get("name", ""),
        referrer_role=referrer.get("role", ""),
        referrer_email=referrer.get("email", ""),
        referrer_phone=referrer.get("phone", ""),
        referrer_organisation_name=referrer.get("organisation", ""),
        response_to_name=response_to.get("name", ""),
        response_to_email=response_to.get("email", ""),
        response_to_address=response_to.get("address", ""),
        triage_due=working_days_after(today, scheme.triage_working_days),
        created_by=_actor(by),
    )
    referral.full_clean(exclude=["person", "scheme"])
    referral.save()
    StatusChange.objects.create(
        referral=referral,
        to_status=Status.RECEIVED,
        changed_by=_actor(by),
        reason="Referral received",
    )
    auditor.record(
        action="referral.created",
        actor=_actor(by),
        target=referral,
        scheme_id=scheme.pk,
        detail={"route": route, "channel": channel},
    )
    _tell(referral, "received", by)
    return referral


def _move(referral: Referral, to: Status, *, by: User, reason: str = "") -> Referral:
    """Change status under a row lock so two people triaging at once cannot both succeed."""
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    check_transition(locked.status, to)
    previous = locked.status
    locked.status = to
    StatusChange.objects.create(
        referral=locked, from_status=previous, to_status=to, changed_by=_actor(by), reason=reason
    )
    auditor.record(
        action=f"referral.{to}",
        actor=_actor(by),
        target=locked,
        scheme_id=locked.scheme_id,
        detail={"from": previous},
    )
    return locked


def _code(referral: Referral, code: tuple[str, str], by: User) -> None:
    CodedEvent.objects.get_or_create(
        referral=referral,
        code=code[0],
        defaults={"display": code[1], "recorded_by": _actor(by)},
    )


@transaction.atomic
def accept_referral(*, by: User, referral: Referral, link_worker: User | None) -> Referral:
    """Accept into the scheme and assign a link worker of that scheme, or, with no link
    worker (`None`), put the person on the scheme's waiting list."""
    if (
        link_worker is not None
        and not Membership.objects.filter(
            user=link_worker,
            scheme_id=referral.scheme_id,
            role=Role.LINK_WORKER,
            user__is_active=True,
        ).exists()
    ):
        raise AssignmentError("Choose a link worker who works in this scheme.")
    reason = "Added to the waiting list" if link_worker is None else f"Assigned to {link_worker}"
    referral = _move(referral, Status.ACCEPTED, by=by, reason=reason)
    referral.link_worker = link_worker
    referral.waiting_since = timezone.now() if link_worker is None else None
    referral.save(update_fields=["status", "link_worker", "waiting_since"])
    _tell(referral, "accepted", by)
    return referral


@transaction.atomic
def decline_referral(
    *, by: User, referral: Referral, reason: DeclineReason, note: str = ""
) -> Referral:
    referral = _move(referral, Status.DECLINED, by=by, reason=note or DeclineReason(reason).label)
    referral.decline_reason = reason
    referral.save(update_fields=["status", "decline_reason"])
    if reason == DeclineReason.PERSON_DECLINED:
        _code(referral, CodedEvent.DECLINED, by)
    _tell(referral, "declined", by)
    return referral


@transaction.atomic
def redirect_referral(*, by: User, referral: Referral, to: str, note: str = "") -> Referral:
    """Send the person to a more suitable service instead."""
    if not to.strip():
        raise ValueError("Say which service the referral is redirected to.")
    referral = _move(referral, Status.REDIRECTED, by=by, reason=note or f"Redirected to {to}")
    referral.redirected_to = to.strip()
    referral.save(update_fields=["status", "redirected_to"])
    _tell(referral, "redirected", by)
    return referral


@transaction.atomic
def start_support(*, by: User, referral: Referral) -> Referral:
    """The first contact with the person: the episode becomes active and is coded."""
    referral = _move(referral, Status.ACTIVE, by=by, reason="First contact")
    referral.save(update_fields=["status"])
    _code(referral, CodedEvent.REFERRED, by)
    _tell(referral, "first_contact", by)
    return referral


@transaction.atomic
def put_on_hold(*, by: User, referral: Referral, reason: str) -> Referral:
    referral = _move(referral, Status.ON_HOLD, by=by, reason=reason)
    referral.save(update_fields=["status"])
    return referral


@transaction.atomic
def resume_support(*, by: User, referral: Referral, reason: str = "") -> Referral:
    referral = _move(referral, Status.ACTIVE, by=by, reason=reason or "Support resumed")
    referral.save(update_fields=["status"])
    return referral


@transaction.atomic
def close_referral(
    *, by: User, referral: Referral, reason: ClosureReason, note: str = ""
) -> Referral:
    referral = _move(referral, Status.CLOSED, by=by, reason=note or ClosureReason(reason).label)
    referral.closure_reason = reason
    referral.save(update_fields=["status", "closure_reason"])
    _tell(referral, "closed", by)
    return referral
