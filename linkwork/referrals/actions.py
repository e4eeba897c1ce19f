"""Every write to a referral: creating it, triage, assignment and each later status change.

Each action is one transaction that checks the lifecycle, writes an immutable status-history
row and an audit event, and writes any message it causes (sent after commit).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from linkwork.accounts import permissions
from linkwork.accounts.models import Membership, Role, Scheme, User
from linkwork.accounts.permissions import Ability
from linkwork.audit import auditor
from linkwork.core import concurrency
from linkwork.core.text import has_control_characters
from linkwork.notifications import actions as notification_actions
from linkwork.notifications import centre
from linkwork.notifications.models import AlertKind, InboundMessage
from linkwork.people.models import (
    Consent,
    MatchStatus,
    Person,
    PersonChange,
    PersonMatch,
    current_consents,
)
from linkwork.referrals.capacity import CapacityWarning, load_of, over_limit_message
from linkwork.referrals.lifecycle import (
    OPEN_STATUSES,
    ClosureReason,
    Complexity,
    DeclineReason,
    InvalidTransition,
    Status,
    check_transition,
)
from linkwork.referrals.messages import referral_event
from linkwork.referrals.models import Channel, CodedEvent, Referral, StatusChange, Urgency
from linkwork.referrals.working_days import working_days_after

# What other apps do with a new referral, inside its transaction: outcomes raises a safety flag
# for a safeguarding concern given at intake. Registered from their AppConfig.ready().
ReceivedHook = Callable[[Referral, "User | None"], None]
_on_received: list[ReceivedHook] = []


def on_received(hook: ReceivedHook) -> None:
    """Run `hook(referral, by)` for every new referral, in the transaction that creates it."""
    if hook not in _on_received:
        _on_received.append(hook)


# What other apps do when a referral is withdrawn, inside its transaction: casework cancels
# the connections nobody has started and closes open follow-ups. Registered from their
# AppConfig.ready().
WithdrawnHook = Callable[[Referral, "User | None"], None]
_on_withdrawn: list[WithdrawnHook] = []


def on_withdrawn(hook: WithdrawnHook) -> None:
    """Run `hook(referral, by)` for every withdrawal, in the transaction that makes it."""
    if hook not in _on_withdrawn:
        _on_withdrawn.append(hook)


class AssignmentError(ValueError):
    """The chosen link worker cannot take this referral; the message says why."""


def _tell(referral: Referral, event: str, by: User | None) -> None:
    """Write the messages for this event in the change's own transaction (an outbox): they
    commit with the change or not at all, so a crash just after the commit cannot lose them.
    The task worker is handed each one on commit; `linkwork retry-messages` finds any whose
    hand-over was lost."""
    referral_event(referral.pk, event, by=_actor(by))


def _actor(by: User | None) -> User | None:
    return by if by is not None and getattr(by, "is_authenticated", False) else None


def _alert_assigned(referral: Referral, link_worker: User, by: User | None) -> None:
    """Tell the link worker in the notification centre that the case is theirs now (not when
    they assigned it to themselves). The reference only, never the person."""
    if by is not None and by.pk == link_worker.pk:
        return
    centre.tell(
        [link_worker],
        AlertKind.CASE_ASSIGNED,
        f"Referral {referral.reference} is assigned to you",
        reverse("referrals:detail", args=[referral.pk]),
        referral,
    )


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
    safeguarding_concern: str = "",
    submitted_person: dict[str, str] | None = None,
) -> Referral:
    """Receive a referral from any route into `scheme`. A safeguarding concern given with it
    is kept on the referral and raises a safety flag (through the `on_received` hooks).

    The referral is validated (`ValidationError`) before anything is written; the writes then
    join the caller's transaction, if any, without a savepoint of their own."""
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
        safeguarding_concern=safeguarding_concern.strip(),
        submitted_person=submitted_person or {},
        triage_due=working_days_after(today, scheme.triage_working_days),
        created_by=_actor(by),
    )
    # Records handed in are known to exist: only an organisation given by its id is looked up.
    given = ["person", "scheme"]
    if isinstance(referring_organisation, models.Model):
        given.append("referring_organisation")
    referral.full_clean(exclude=given)
    with transaction.atomic(savepoint=False):
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
        for hook in _on_received:
            hook(referral, _actor(by))
        _tell(referral, "received", by)
    return referral


def _locked_for(referral: Referral, to: Status, version: str | None) -> Referral:
    """The referral, locked, once it is known that nobody changed it since `version` (when
    given: else `concurrency.EditConflict`) and that it may move to `to`."""
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    concurrency.check(
        sent=version,
        current=locked.version,
        what="referral",
        last_change=lambda: last_change(locked),
    )
    check_transition(locked.status, to)
    return locked


def _move(
    referral: Referral, to: Status, *, by: User, reason: str = "", version: str | None = None
) -> Referral:
    """Change status under a row lock so two people triaging at once cannot both succeed.
    `version`, the referral's version the page was opened on, raises
    `concurrency.EditConflict` naming the other change when someone changed it since."""
    locked = _locked_for(referral, to, version)
    previous = locked.status
    locked.status = to
    locked.version += 1
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


def last_change(referral: Referral) -> concurrency.LastChange:
    """Who last changed the referral's status, when and to what."""
    latest = referral.history.select_related("changed_by").order_by("-changed_at", "-id").first()
    if latest is None:
        return concurrency.name_of(referral.created_by), referral.received_at
    status = Status(latest.to_status).label.lower()
    return concurrency.name_of(latest.changed_by), latest.changed_at, f"to {status}"


def _code(referral: Referral, code: tuple[str, str], by: User) -> None:
    CodedEvent.objects.get_or_create(
        referral=referral,
        code=code[0],
        defaults={"display": code[1], "recorded_by": _actor(by)},
    )


@transaction.atomic
def accept_referral(
    *, by: User, referral: Referral, link_worker: User | None, version: str | None = None
) -> Referral:
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
    referral = _move(referral, Status.ACCEPTED, by=by, reason=reason, version=version)
    referral.link_worker = link_worker
    referral.waiting_since = timezone.now() if link_worker is None else None
    referral.save(update_fields=["status", "link_worker", "waiting_since", "version"])
    _tell(referral, "accepted", by)
    if link_worker is not None:
        _alert_assigned(referral, link_worker, by)
    return referral


@transaction.atomic
def add_to_waiting_list(*, by: User, referral: Referral, version: str | None = None) -> Referral:
    """Accept a received referral with no link worker: the person joins the scheme's waiting
    list, from when a lead assigns them (`assign_link_worker`). Meant for when
    `scheme_is_full`, but a lead may choose it at any time."""
    return accept_referral(by=by, referral=referral, link_worker=None, version=version)


@transaction.atomic
def assign_link_worker(
    *,
    by: User,
    referral: Referral,
    link_worker: User,
    complexity: str | None = None,
    over_limit_ok: bool = False,
) -> Referral:
    """Give an open referral to a link worker of its scheme (from the waiting list, or from
    another link worker), optionally setting its complexity.

    Raises `AssignmentError` when the user is not an active link worker of the scheme or the
    referral is not open, and `CapacityWarning` when the link worker would go over the
    scheme's active or yearly limit, unless `over_limit_ok`.
    """
    # Assignments to one link worker are made one at a time, so two leads cannot both fill
    # the last place; the referral row is locked against a concurrent change of status.
    User.objects.select_for_update().filter(pk=link_worker.pk).first()
    locked = Referral.objects.select_for_update().select_related("scheme").get(pk=referral.pk)
    if locked.status not in OPEN_STATUSES:
        raise AssignmentError(
            f"Referral {locked.reference} is {locked.get_status_display().lower()}: only a "
            "referral that is accepted, active or on hold can be assigned."
        )
    if not Membership.objects.filter(
        user=link_worker, scheme_id=locked.scheme_id, role=Role.LINK_WORKER, user__is_active=True
    ).exists():
        raise AssignmentError("Choose a link worker who works in this scheme.")
    if complexity is None:
        complexity = locked.complexity
    if complexity not in Complexity.values:
        raise AssignmentError("Choose how complex the person's needs are.")
    load = load_of(link_worker, locked.scheme)
    warning = over_limit_message(load, locked, complexity)
    if warning is not None and not over_limit_ok:
        raise CapacityWarning(warning, load)
    previous = locked.link_worker_id
    locked.link_worker = link_worker
    locked.complexity = complexity
    locked.waiting_since = None
    locked.version += 1
    locked.save(update_fields=["link_worker", "complexity", "waiting_since", "version"])
    auditor.record(
        action="referral.assigned",
        actor=_actor(by),
        target=locked,
        scheme_id=locked.scheme_id,
        detail={
            "from": previous,
            "to": link_worker.pk,
            "complexity": complexity,
            "over_limit": warning is not None,
        },
    )
    if previous != link_worker.pk:
        _alert_assigned(locked, link_worker, by)
    return locked


@transaction.atomic
def decline_referral(
    *,
    by: User,
    referral: Referral,
    reason: DeclineReason,
    note: str = "",
    version: str | None = None,
) -> Referral:
    referral = _move(
        referral,
        Status.DECLINED,
        by=by,
        reason=note or DeclineReason(reason).label,
        version=version,
    )
    referral.decline_reason = reason
    referral.save(update_fields=["status", "decline_reason", "version"])
    if reason == DeclineReason.PERSON_DECLINED:
        _code(referral, CodedEvent.DECLINED, by)
    _tell(referral, "declined", by)
    return referral


@transaction.atomic
def redirect_referral(
    *, by: User, referral: Referral, to: str, note: str = "", version: str | None = None
) -> Referral:
    """Send the person to a more suitable service instead."""
    if not to.strip():
        raise ValueError("Say which service the referral is redirected to.")
    referral = _move(
        referral, Status.REDIRECTED, by=by, reason=note or f"Redirected to {to}", version=version
    )
    referral.redirected_to = to.strip()
    referral.save(update_fields=["status", "redirected_to", "version"])
    _tell(referral, "redirected", by)
    return referral


@transaction.atomic
def start_support(*, by: User, referral: Referral) -> Referral:
    """The first contact with the person: the episode becomes active and is coded."""
    referral = _move(referral, Status.ACTIVE, by=by, reason="First contact")
    referral.save(update_fields=["status", "version"])
    _code(referral, CodedEvent.REFERRED, by)
    _tell(referral, "first_contact", by)
    return referral


@transaction.atomic
def put_on_hold(*, by: User, referral: Referral, reason: str) -> Referral:
    referral = _move(referral, Status.ON_HOLD, by=by, reason=reason)
    referral.save(update_fields=["status", "version"])
    return referral


@transaction.atomic
def resume_support(*, by: User, referral: Referral, reason: str = "") -> Referral:
    referral = _move(referral, Status.ACTIVE, by=by, reason=reason or "Support resumed")
    referral.save(update_fields=["status", "version"])
    return referral


@transaction.atomic
def close_referral(
    *, by: User, referral: Referral, reason: ClosureReason, note: str = ""
) -> Referral:
    referral = _move(referral, Status.CLOSED, by=by, reason=note or ClosureReason(reason).label)
    referral.closure_reason = reason
    referral.save(update_fields=["status", "closure_reason", "version"])
    _tell(referral, "closed", by)
    return referral


class WithdrawalRefused(PermissionError):
    """The caller may not withdraw this referral: it is not one their organisation sent, nor
    one of a scheme they lead."""


# The reason given when a sender marks its referral as sent in error (FHIR entered-in-error).
SENT_IN_ERROR = "Sent in error"
REASON_MAX_LENGTH = 1000


def withdraw_referral(
    *,
    who: Any,
    referral: Referral,
    reason: str,
    version: str | None = None,
    detail: dict[str, Any] | None = None,
) -> Referral:
    """The referring organisation takes its referral back, with a reason; a scheme lead of
    the referral's scheme may do it on the referrer's behalf.

    `who` is whoever asks: a signed-in user, or an organisation's API client (a token is
    not a user, so the history and audit name nobody and `detail` names the token). Only
    a referral that has not ended may be withdrawn (received, accepted, active or on hold).

    In one transaction: the status change and its history row, the audit event, what other
    apps do (`on_withdrawn`: casework cancels unstarted connections), the messages (a
    notice to the link worker, or to the scheme's leads while nobody is assigned, and a
    confirmation to the referrer), and through the history row the webhook outbox. A
    refusal (`WithdrawalRefused`, `InvalidTransition`, `ValueError` for a missing reason, or
    `EditConflict`) changes nothing and is audited as `referral.withdrawal_refused`.
    """
    by = who if isinstance(who, User) else None
    try:
        return _withdraw(
            who=who, by=by, referral=referral, reason=reason, version=version, detail=detail or {}
        )
    except WITHDRAWAL_REFUSALS as error:
        # Written after the rollback, so the refusal is kept though nothing else is.
        audit_withdrawal_refused(by=by, referral=referral, error=error, detail=detail)
        raise


# What `withdraw_referral` raises when it refuses, having changed nothing.
WITHDRAWAL_REFUSALS = (WithdrawalRefused, InvalidTransition, concurrency.EditConflict, ValueError)


@transaction.atomic
def audit_withdrawal_refused(
    *, by: User | None, referral: Referral, error: Exception, detail: dict[str, Any] | None
) -> None:
    """The audit event of a refused withdrawal: its kind of refusal, never the reason text.
    A caller whose own transaction rolled the action's event back (an idempotent API
    request) writes it again with this, after its rollback."""
    auditor.record(
        action="referral.withdrawal_refused",
        actor=_actor(by),
        target=referral,
        scheme_id=referral.scheme_id,
        detail={**(detail or {}), "why": type(error).__name__},
    )


@transaction.atomic
def _withdraw(
    *,
    who: Any,
    by: User | None,
    referral: Referral,
    reason: str,
    version: str | None,
    detail: dict[str, Any],
) -> Referral:
    if not permissions.may(who, Ability.WITHDRAW_REFERRAL, referral):
        raise WithdrawalRefused(
            f"Only the organisation that sent referral {referral.reference} may withdraw it."
        )
    locked = _locked_for(referral, Status.WITHDRAWN, version)
    reason = reason.strip()
    if not reason:
        raise ValueError("Say why the referral is withdrawn.")
    if len(reason) > REASON_MAX_LENGTH:
        raise ValueError(f"Say why in {REASON_MAX_LENGTH} characters or fewer.")
    previous = locked.status
    locked.status = Status.WITHDRAWN
    locked.version += 1
    # Off the waiting list: nobody is waiting for a referral that was taken back. The link
    # worker stays named, as for a closed referral, so the history says who had the case.
    locked.waiting_since = None
    locked.save(update_fields=["status", "version", "waiting_since"])
    StatusChange.objects.create(
        referral=locked,
        from_status=previous,
        to_status=Status.WITHDRAWN,
        changed_by=by,
        reason=reason,
    )
    on_behalf = by is not None and locked.referring_organisation_id not in (
        permissions.organisation_ids(by, Role.REFERRER)
    )
    auditor.record(
        action="referral.withdrawn",
        actor=by,
        target=locked,
        scheme_id=locked.scheme_id,
        detail={**detail, "from": previous, "on_behalf_of_referrer": on_behalf},
    )
    for hook in _on_withdrawn:
        hook(locked, by)
    _tell(locked, "withdrawn", by)
    return locked


class MatchDecided(ValueError):
    """Someone else already confirmed or rejected this match."""


def _pending_match(referral: Referral) -> PersonMatch:
    match = (
        PersonMatch.objects.select_for_update()
        .filter(candidate_id=referral.person_id)
        .order_by("-found_at", "-id")
        .first()
    )
    if match is None or match.status != MatchStatus.PENDING:
        raise MatchDecided("This referral's person has already been checked.")
    return match


@transaction.atomic
def confirm_match(*, by: User, referral: Referral) -> PersonMatch:
    """The person on `referral` is the one already on record: every referral of the record
    made at intake moves to the existing person, and the consents given at intake are
    recorded there as new decisions (the latest in force), each kept with how it was given.
    The record made at intake is then removed. Audited with record ids and consent kinds."""
    match = _pending_match(referral)
    if match.candidate_id is None:
        raise MatchDecided("This referral's person has already been checked.")
    candidate = Person.objects.select_for_update().get(pk=match.candidate_id)
    existing = Person.objects.select_for_update().get(pk=match.existing_id)
    moved = list(Referral.objects.filter(person=candidate).values_list("pk", flat=True))
    Referral.objects.filter(pk__in=moved).update(
        person=existing, joined_by_match=True, version=F("version") + 1
    )
    latest: dict[str, Consent] = {}
    for consent in candidate.consents.order_by("-recorded_at", "-id"):
        latest.setdefault(consent.kind, consent)
    in_force = current_consents(existing)
    decisions = [c for kind, c in latest.items() if in_force.get(kind) != c.given]
    Consent.objects.bulk_create(
        Consent(
            person=existing,
            kind=consent.kind,
            given=consent.given,
            method=consent.method,
            recorded_by=consent.recorded_by,
        )
        for consent in decisions
    )
    kinds = [f"consent:{consent.kind}" for consent in decisions]
    if kinds:
        PersonChange.objects.create(person=existing, changed_by=_actor(by), fields=kinds)
    match.status = MatchStatus.CONFIRMED
    match.decided_by = _actor(by)
    match.decided_at = timezone.now()
    match.save(update_fields=["status", "decided_by", "decided_at"])
    candidate_id = str(candidate.pk)
    candidate.delete()
    auditor.record(
        action="person.match_confirmed",
        actor=_actor(by),
        target=match,
        scheme_id=referral.scheme_id,
        detail={
            "candidate": candidate_id,
            "existing": str(existing.pk),
            "referrals": [str(pk) for pk in moved],
            "consents": kinds,
        },
    )
    return match


@transaction.atomic
def reject_match(*, by: User, referral: Referral) -> PersonMatch:
    """The person on `referral` is not the one on record: the record made at intake from what
    was submitted stands as a person of their own, and the existing record is untouched."""
    match = _pending_match(referral)
    match.status = MatchStatus.REJECTED
    match.decided_by = _actor(by)
    match.decided_at = timezone.now()
    match.save(update_fields=["status", "decided_by", "decided_at"])
    auditor.record(
        action="person.match_rejected",
        actor=_actor(by),
        target=match,
        scheme_id=referral.scheme_id,
        detail={"candidate": str(match.candidate_id), "existing": str(match.existing_id)},
    )
    return match


@transaction.atomic
def match_reply_to_reference(*, by: User, reply: InboundMessage, reference: str) -> Referral:
    """Thread an unmatched reply on the open referral with `reference`, as an admin matched it
    by hand (`notifications.actions.match_reply`: audited, the link worker told). ValueError,
    in words for the admin, when no open referral has that reference."""
    if not reference:
        raise ValueError("Enter the reference of the referral the reply is about")
    if has_control_characters(reference) or len(reference) > 20:
        raise ValueError("Enter the reference as it is written, such as LW-7K3M-Q9TD")
    referral = Referral.objects.filter(reference=reference).first()
    if referral is None:
        raise ValueError(f"No referral has the reference {reference}")
    if referral.status not in OPEN_STATUSES:
        raise ValueError(f"Referral {reference} is not open, so it cannot take a reply")
    notification_actions.match_reply(by=by, reply=reply, referral=referral)
    return referral
