"""Every write of casework: contacts, notes, the support plan, connections to services and
their answers, attendance, service disruption, follow-ups and discharge.

Each action is one transaction that writes its own audit event and queues any notice after
commit. Connection status changes go through `_move`, which checks the lifecycle and writes the
immutable history row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from linkwork.accounts.models import User
from linkwork.audit import auditor
from linkwork.casework import notices
from linkwork.casework.lifecycle import (
    OPEN_STATUSES,
    PAUSABLE_STATUSES,
    ConnectionStatus,
    Decision,
    FailureReason,
    RejectionReason,
    check_transition,
)
from linkwork.casework.models import (
    ActionStatus,
    Appointment,
    AppointmentStatus,
    Attendance,
    CalendarFeed,
    CaseNote,
    Connection,
    ConnectionStatusChange,
    Contact,
    FollowUp,
    Goal,
    GoalRating,
    GoalStatus,
    Mode,
    Outcome,
    PlanAction,
    SharedField,
    SupportPlan,
)
from linkwork.core import concurrency
from linkwork.directory.models import Capacity, ReferralRoute, Service, ServiceStatus
from linkwork.notifications.models import Event
from linkwork.outcomes import actions as outcome_actions
from linkwork.outcomes.models import FlagKind, SafetyFlag
from linkwork.people.models import ConsentKind, current_consents, is_restricted
from linkwork.referrals import messages as referral_messages
from linkwork.referrals.actions import assign_link_worker, close_referral, start_support
from linkwork.referrals.lifecycle import OPEN_STATUSES as OPEN_REFERRAL_STATUSES
from linkwork.referrals.lifecycle import ClosureReason, Status
from linkwork.referrals.models import Referral
from linkwork.referrals.working_days import working_days_after


class CaseworkError(ValueError):
    """A casework change that cannot be made; the message is for people."""


def _notify(event: Event, connection_id: Any) -> None:
    """Write the notice in the change's own transaction (an outbox), so it commits with the
    change or not at all; the task worker is handed it on commit."""
    notices.send_notice(
        Connection.objects.select_related(
            "referral__scheme", "referral__link_worker", "service__organization"
        ).get(pk=connection_id),
        event,
    )


def _require_open(referral: Referral) -> None:
    if referral.status not in OPEN_REFERRAL_STATUSES:
        raise CaseworkError(
            f"Referral {referral.reference} is {referral.get_status_display().lower()}: "
            "casework can only be recorded while the person is supported."
        )


def _require_unrestricted(referral: Referral) -> None:
    """Refuse a new connection while the scheme's organisation has restricted the processing
    of the person's record (UK GDPR Article 18): sharing their details with a service is
    processing the restriction stops, until the restriction is lifted."""
    if is_restricted(referral.person_id, referral.scheme.host_id):
        raise CaseworkError(
            "Processing of this person's record is restricted: no new connections can be "
            "made until your information governance lead lifts the restriction."
        )


# Contacts and notes


@transaction.atomic
def record_contact(
    *,
    by: User,
    referral: Referral,
    occurred_at: dt.datetime,
    mode: Mode,
    duration_minutes: int,
    outcome: Outcome,
    note: str = "",
) -> Contact:
    """Record a contact. The first attended contact of an accepted referral starts support:
    the referral becomes active, is coded, and the first-contact message goes back."""
    contact = Contact.objects.create(
        referral=referral,
        occurred_at=occurred_at,
        mode=mode,
        duration_minutes=duration_minutes,
        outcome=outcome,
        note=note,
        recorded_by=by,
    )
    auditor.record(
        action="contact.recorded",
        actor=by,
        target=contact,
        scheme_id=referral.scheme_id,
        detail={"referral": str(referral.pk), "mode": mode, "outcome": outcome},
    )
    if referral.status == Status.ACCEPTED and outcome == Outcome.ATTENDED:
        start_support(by=by, referral=referral)
    return contact


def missed_in_a_row(contacts: Iterable[Contact]) -> int:
    """How many of the latest contacts (newest first) in a row did not happen."""
    missed = 0
    for contact in contacts:
        if contact.outcome == Outcome.ATTENDED:
            break
        missed += 1
    return missed


@transaction.atomic
def add_case_note(*, by: User, referral: Referral, text: str, safeguarding: bool) -> CaseNote:
    if not text.strip():
        raise CaseworkError("Enter the note")
    note = CaseNote.objects.create(
        referral=referral, text=text.strip(), safeguarding=safeguarding, written_by=by
    )
    auditor.record(
        action="case_note.written",
        actor=by,
        target=note,
        scheme_id=referral.scheme_id,
        detail={"referral": str(referral.pk), "safeguarding": safeguarding},
    )
    if safeguarding:
        # A concern stays in view, and the leads hear of it, until someone records the response.
        outcome_actions.raise_flag(by=by, referral=referral, kind=FlagKind.SAFEGUARDING)
    return note


# The support plan


def plan_for(referral: Referral) -> SupportPlan | None:
    return SupportPlan.objects.filter(referral=referral).first()


@transaction.atomic
def save_plan(
    *,
    by: User,
    referral: Referral,
    what_matters: str,
    strengths: str,
    needs_and_concerns: str,
    review_on: dt.date | None,
    agreed: bool,
    version: str | None = None,
) -> SupportPlan:
    """Create or update the episode's plan; `agreed` records that the person agreed it today
    (an earlier agreement date is kept). `version` is the plan's version the form was opened
    on ("0" for no plan yet): a plan saved by someone else since raises
    `concurrency.EditConflict`, and their save stands."""
    _require_open(referral)
    # Lock the referral so two first saves of a plan cannot both create it.
    Referral.objects.select_for_update().filter(pk=referral.pk).first()
    plan, created = SupportPlan.objects.select_for_update().get_or_create(
        referral=referral, defaults={"updated_by": by, "version": 0}
    )
    concurrency.check(
        sent=version,
        current=plan.version,
        what="support plan",
        last_change=lambda: (concurrency.name_of(plan.updated_by), plan.updated_at),
    )
    plan.version += 1
    plan.what_matters = what_matters.strip()
    plan.strengths = strengths.strip()
    plan.needs_and_concerns = needs_and_concerns.strip()
    plan.review_on = review_on
    if agreed and plan.agreed_on is None:
        plan.agreed_on = timezone.localdate()
    elif not agreed:
        plan.agreed_on = None
    plan.updated_by = by
    plan.updated_at = timezone.now()
    plan.save()
    auditor.record(
        action="plan.created" if created else "plan.updated",
        actor=by,
        target=plan,
        scheme_id=referral.scheme_id,
        detail={"referral": str(referral.pk), "agreed": plan.agreed_on is not None},
    )
    return plan


def _plan(by: User, referral: Referral) -> SupportPlan:
    _require_open(referral)
    plan, _ = SupportPlan.objects.get_or_create(referral=referral, defaults={"updated_by": by})
    return plan


@transaction.atomic
def add_goal(
    *,
    by: User,
    referral: Referral,
    description: str,
    importance: int,
    progress: int | None = None,
    rated_on: dt.date | None = None,
) -> Goal:
    """Add a goal in the person's words, with how much it matters and, optionally, where
    they feel they are now (their first 0-10 rating)."""
    if not description.strip():
        raise CaseworkError("Enter the goal")
    if not 0 <= importance <= 10:
        raise CaseworkError("Importance must be between 0 and 10")
    goal = Goal.objects.create(
        plan=_plan(by, referral), description=description.strip(), importance=importance
    )
    auditor.record(
        action="goal.added", actor=by, target=goal, scheme_id=referral.scheme_id, detail={}
    )
    if progress is not None:
        rate_goal(by=by, goal=goal, score=progress, rated_on=rated_on or timezone.localdate())
    return goal


@transaction.atomic
def rate_goal(*, by: User, goal: Goal, score: int, rated_on: dt.date) -> GoalRating:
    """Add the person's 0-10 rating of progress; earlier ratings stay as they were."""
    _require_open(goal.plan.referral)
    if not 0 <= score <= 10:
        raise CaseworkError("Progress must be between 0 and 10")
    if rated_on > timezone.localdate():
        raise CaseworkError("The date of the rating must be today or in the past")
    rating = GoalRating.objects.create(goal=goal, score=score, rated_on=rated_on, recorded_by=by)
    auditor.record(
        action="goal.rated",
        actor=by,
        target=goal,
        scheme_id=goal.plan.referral.scheme_id,
        detail={"score": score},
    )
    return rating


@transaction.atomic
def set_goal_status(*, by: User, goal: Goal, status: GoalStatus) -> Goal:
    _require_open(goal.plan.referral)
    goal.status = GoalStatus(status)
    goal.save(update_fields=["status"])
    auditor.record(
        action="goal.status",
        actor=by,
        target=goal,
        scheme_id=goal.plan.referral.scheme_id,
        detail={"status": goal.status},
    )
    return goal


@transaction.atomic
def add_plan_action(
    *, by: User, referral: Referral, what: str, who: str, due_on: dt.date | None
) -> PlanAction:
    if not what.strip():
        raise CaseworkError("Enter what will be done")
    if not who.strip():
        raise CaseworkError("Enter who will do it")
    action = PlanAction.objects.create(
        plan=_plan(by, referral), what=what.strip(), who=who.strip(), due_on=due_on
    )
    auditor.record(
        action="plan_action.added", actor=by, target=action, scheme_id=referral.scheme_id, detail={}
    )
    return action


@transaction.atomic
def set_action_status(*, by: User, action: PlanAction, status: ActionStatus) -> PlanAction:
    _require_open(action.plan.referral)
    action.status = ActionStatus(status)
    action.save(update_fields=["status"])
    auditor.record(
        action="plan_action.status",
        actor=by,
        target=action,
        scheme_id=action.plan.referral.scheme_id,
        detail={"status": action.status},
    )
    return action


# Connections


def shareable_fields(referral: Referral) -> list[SharedField]:
    """What the link worker may choose to share with a provider: nothing unless the person
    consented to share their details with the services they are connected to."""
    if not current_consents(referral.person).get(ConsentKind.SHARE_WITH_PROVIDERS):
        return []
    return list(SharedField)


def _move(
    connection: Connection,
    to: ConnectionStatus,
    *,
    by: User | None,
    reason: str = "",
    version: str | None = None,
) -> Connection:
    """Change status under a row lock, writing the history row and the audit event.
    `version`, the connection's version the page was opened on, raises
    `concurrency.EditConflict` when someone else changed it since."""
    locked = Connection.objects.select_for_update().get(pk=connection.pk)
    concurrency.check(
        sent=version,
        current=locked.version,
        what="connection",
        last_change=lambda: connection_last_change(locked),
    )
    check_transition(locked.status, to)
    previous = locked.status
    locked.status = to
    locked.version += 1
    locked.updated_at = timezone.now()
    ConnectionStatusChange.objects.create(
        connection=locked, from_status=previous, to_status=to, changed_by=by, reason=reason
    )
    auditor.record(
        action=f"connection.{to}",
        actor=by,
        target=locked,
        scheme_id=connection.referral.scheme_id,
        detail={"from": previous, "service": str(locked.service_id)},
    )
    locked.referral = connection.referral
    locked.service = connection.service
    return locked


def why_not_requestable(service: Service) -> str:
    """Why a referral to `service` cannot be requested now, or an empty string."""
    reason = notices.paused_because(service)
    return f"{service.name} is {reason}" if reason else ""


@transaction.atomic
def create_connection(
    *,
    by: User,
    referral: Referral,
    service: Service,
    shared_fields: Iterable[str] = (),
    supported_linking: bool = False,
    message_to_provider: str = "",
    send: bool = True,
) -> Connection:
    """Connect the person to a service. A service that takes referrals gets a request (or a
    draft when `send` is false) with only the details the person consented to share; a
    signpost-only service gets a `signposted` record and nothing is sent."""
    _require_open(referral)
    _require_unrestricted(referral)
    shared = list(dict.fromkeys(shared_fields))
    unknown = set(shared) - set(SharedField.values)
    if unknown:
        raise CaseworkError(f"Unknown details to share: {', '.join(sorted(unknown))}")
    if shared and not shareable_fields(referral):
        raise CaseworkError(
            "The person has not consented to share their details with services, so none "
            "can be shared. Record their consent first, or share nothing."
        )
    # Only a service stated to take referrals gets a request; a route not stated is signposted.
    signpost = service.referral_route != ReferralRoute.REFERRAL
    if not signpost and send and (reason := why_not_requestable(service)):
        raise CaseworkError(f"{reason}: choose another service, or save a draft for later.")
    if Connection.objects.filter(referral=referral, service=service, status__in=OPEN_STATUSES):
        raise CaseworkError(f"There is already an open connection to {service.name}.")
    connection = Connection.objects.create(
        referral=referral,
        service=service,
        status=ConnectionStatus.SIGNPOSTED if signpost else ConnectionStatus.DRAFT,
        shared_fields=[] if signpost else shared,
        supported_linking=supported_linking,
        message_to_provider="" if signpost else message_to_provider.strip(),
        created_by=by,
    )
    ConnectionStatusChange.objects.create(
        connection=connection, to_status=connection.status, changed_by=by
    )
    auditor.record(
        action="connection.created",
        actor=by,
        target=connection,
        scheme_id=referral.scheme_id,
        detail={
            "referral": str(referral.pk),
            "service": str(service.pk),
            "status": connection.status,
            "shared": connection.shared_fields,
        },
    )
    if not signpost and send:
        connection = request_connection(by=by, connection=connection)
    return connection


def connection_last_change(connection: Connection) -> concurrency.LastChange:
    """Who last changed the connection's status, when and to what."""
    latest = connection.history.select_related("changed_by").order_by("-changed_at", "-id").first()
    if latest is None:
        return concurrency.name_of(connection.created_by), connection.created_at
    status = ConnectionStatus(latest.to_status).label.lower()
    return concurrency.name_of(latest.changed_by), latest.changed_at, f"to {status}"


@transaction.atomic
def request_connection(
    *, by: User, connection: Connection, version: str | None = None
) -> Connection:
    """Send a draft to the provider, with a deadline in working days (bank holidays
    respected): a reminder at the scheme's reminder day, escalation after the deadline."""
    if reason := why_not_requestable(connection.service):
        raise CaseworkError(f"{reason}: choose another service.")
    _require_unrestricted(connection.referral)
    connection = _move(connection, ConnectionStatus.REQUESTED, by=by, version=version)
    scheme = connection.referral.scheme
    today = timezone.localdate()
    connection.requested_at = timezone.now()
    connection.remind_on = working_days_after(today, scheme.provider_reminder_working_days)
    connection.respond_by = working_days_after(today, scheme.provider_response_working_days)
    connection.save(
        update_fields=[
            "status",
            "updated_at",
            "requested_at",
            "remind_on",
            "respond_by",
            "version",
        ]
    )
    _notify(Event.CONNECTION_REQUESTED, connection.pk)
    return connection


@transaction.atomic
def respond_to_connection(
    *,
    by: User | None,
    connection: Connection,
    decision: Decision,
    reason: RejectionReason | str = "",
    detail: str = "",
    version: str | None = None,
) -> Connection:
    """The provider's answer: accept, accept onto its waiting list, or decline with a reason.
    Accepting schedules the link worker's check-in with the person."""
    decision = Decision(decision)
    if decision == Decision.DECLINE:
        if reason not in RejectionReason.values:
            raise CaseworkError("Select why the referral is declined")
        connection = _move(
            connection, ConnectionStatus.REJECTED, by=by, reason=detail, version=version
        )
        connection.rejection_reason = reason
        connection.reason_detail = detail.strip()
    else:
        connection = _move(
            connection,
            ConnectionStatus.ACCEPTED,
            by=by,
            reason="Waiting list" if decision == Decision.WAITING_LIST else detail,
            version=version,
        )
        connection.waiting_list = decision == Decision.WAITING_LIST
        connection.reason_detail = detail.strip()
        scheme = connection.referral.scheme
        FollowUp.objects.create(
            referral=connection.referral,
            connection=connection,
            due_on=timezone.localdate() + dt.timedelta(days=scheme.follow_up_days_after_connection),
            reason=f"Check how the person is getting on with {connection.service.name}",
        )
    connection.responded_at = timezone.now()
    connection.save()
    # The link worker hears in the notification centre, and by email unless they switched
    # that off (the email is the connection-answered notice, as before the centre).
    notices.alert_answered(
        Connection.objects.select_related(
            "referral__scheme", "referral__link_worker", "service__organization"
        ).get(pk=connection.pk)
    )
    return connection


@transaction.atomic
def record_attendance(
    *, by: User, connection: Connection, session_on: dt.date, attended: bool
) -> Attendance:
    """Record one session. The first attended session of an accepted connection means the
    person has started: the connection becomes in progress."""
    if connection.status not in (ConnectionStatus.ACCEPTED, ConnectionStatus.IN_PROGRESS):
        raise CaseworkError(
            "Attendance can be recorded once the referral is accepted and until it ends"
        )
    if session_on > timezone.localdate():
        raise CaseworkError("The date of the session must be today or in the past")
    attendance, created = Attendance.objects.update_or_create(
        connection=connection,
        session_on=session_on,
        defaults={"attended": attended, "recorded_by": by, "recorded_at": timezone.now()},
    )
    auditor.record(
        action="attendance.recorded" if created else "attendance.corrected",
        actor=by,
        target=connection,
        scheme_id=connection.referral.scheme_id,
        detail={"session_on": session_on.isoformat(), "attended": attended},
    )
    if attended and connection.status == ConnectionStatus.ACCEPTED:
        connection = _move(connection, ConnectionStatus.IN_PROGRESS, by=by, reason="Attended")
        connection.waiting_list = False
        connection.save(update_fields=["status", "updated_at", "waiting_list", "version"])
    return attendance


@transaction.atomic
def end_connection(
    *,
    by: User | None,
    connection: Connection,
    status: ConnectionStatus,
    reason: FailureReason | str = "",
    detail: str = "",
    version: str | None = None,
) -> Connection:
    """End a connection: completed, did not work out (with a reason) or cancelled."""
    status = ConnectionStatus(status)
    if status not in (
        ConnectionStatus.COMPLETED,
        ConnectionStatus.FAILED,
        ConnectionStatus.CANCELLED,
    ):
        raise CaseworkError("A connection ends completed, not working out, or cancelled")
    if status == ConnectionStatus.FAILED and reason not in FailureReason.values:
        raise CaseworkError("Select why the connection did not work out")
    connection = _move(connection, status, by=by, reason=detail, version=version)
    connection.held_from = ""
    if status == ConnectionStatus.FAILED:
        connection.failure_reason = reason
    connection.reason_detail = detail.strip()
    connection.save()
    return connection


@transaction.atomic
def start_connection(
    *, by: User | None, connection: Connection, version: str | None = None
) -> Connection:
    """The person has started with the service, as the provider tells it without recording a
    session (recording an attended session starts it too, `record_attendance`)."""
    connection = _move(connection, ConnectionStatus.IN_PROGRESS, by=by, version=version)
    connection.waiting_list = False
    connection.held_from = ""
    connection.save(update_fields=["status", "updated_at", "waiting_list", "held_from", "version"])
    return connection


@transaction.atomic
def hold_connection(
    *, by: User | None, connection: Connection, reason: str, version: str | None = None
) -> Connection:
    """The provider pauses one connection (the person is unwell, a place is held); resuming
    (`resume_connection`) returns it to where it was."""
    if not reason.strip():
        raise CaseworkError("Say why the connection is on hold")
    if connection.status not in PAUSABLE_STATUSES:
        check_transition(connection.status, ConnectionStatus.ON_HOLD)
    held_from = connection.status
    connection = _move(
        connection, ConnectionStatus.ON_HOLD, by=by, reason=reason.strip(), version=version
    )
    connection.held_from = held_from
    connection.save(update_fields=["status", "updated_at", "held_from", "version"])
    return connection


@transaction.atomic
def resume_connection(
    *, by: User | None, connection: Connection, version: str | None = None
) -> Connection:
    """Take a connection off hold, back to where it was paused; a request gets a new
    deadline from today."""
    if reason := why_not_requestable(connection.service):
        raise CaseworkError(f"{reason}: it cannot be resumed yet.")
    back_to = ConnectionStatus(connection.held_from or ConnectionStatus.REQUESTED)
    connection = _move(connection, back_to, by=by, reason="Service reopened", version=version)
    connection.held_from = ""
    if back_to == ConnectionStatus.REQUESTED:
        scheme = connection.referral.scheme
        today = timezone.localdate()
        connection.remind_on = working_days_after(today, scheme.provider_reminder_working_days)
        connection.respond_by = working_days_after(today, scheme.provider_response_working_days)
        connection.reminded_at = connection.escalated_at = None
    connection.save()
    return connection


@transaction.atomic
def set_service_availability(
    *, by: User, service: Service, status: ServiceStatus, capacity: Capacity
) -> list[Connection]:
    """A provider or curator changes whether a service is running and taking people.

    When it becomes temporarily closed or full, every open connection to it goes on hold and
    the link workers concerned are told. When it takes people again, the held connections stay
    on hold and their link workers are offered to resume them. Returns the connections
    affected.
    """
    was_paused = bool(notices.paused_because(service))
    service.status = ServiceStatus(status)
    service.capacity = Capacity(capacity)
    service.last_modified = timezone.now()
    service.save(update_fields=["status", "capacity", "last_modified"])
    auditor.record(
        action="service.availability",
        actor=by,
        target=service,
        detail={"status": service.status, "capacity": service.capacity},
    )
    paused_now = bool(notices.paused_because(service))
    affected: list[Connection] = []
    if paused_now and not was_paused:
        for connection in (
            Connection.objects.filter(service=service, status__in=PAUSABLE_STATUSES)
            .select_related("referral", "service")
            .order_by("created_at")
        ):
            held_from = connection.status
            connection = _move(
                connection,
                ConnectionStatus.ON_HOLD,
                by=by,
                reason=f"{service.name} is {notices.paused_because(service)}",
            )
            connection.held_from = held_from
            connection.save(update_fields=["status", "updated_at", "held_from", "version"])
            _notify(Event.SERVICE_PAUSED, connection.pk)
            affected.append(connection)
    elif was_paused and not paused_now:
        for connection in Connection.objects.filter(
            service=service, status=ConnectionStatus.ON_HOLD
        ).select_related("referral", "service"):
            _notify(Event.SERVICE_REOPENED, connection.pk)
            affected.append(connection)
    return affected


# Follow-ups and the daily chase


@transaction.atomic
def schedule_follow_up(*, by: User, referral: Referral, due_on: dt.date, reason: str) -> FollowUp:
    _require_open(referral)
    if not reason.strip():
        raise CaseworkError("Enter what the follow-up is for")
    follow_up = FollowUp.objects.create(referral=referral, due_on=due_on, reason=reason.strip())
    auditor.record(
        action="follow_up.scheduled",
        actor=by,
        target=follow_up,
        scheme_id=referral.scheme_id,
        detail={"due_on": due_on.isoformat()},
    )
    return follow_up


@transaction.atomic
def complete_follow_up(*, by: User, follow_up: FollowUp) -> FollowUp:
    if follow_up.done_at is None:
        follow_up.done_at = timezone.now()
        follow_up.done_by = by
        follow_up.save(update_fields=["done_at", "done_by"])
        auditor.record(
            action="follow_up.done",
            actor=by,
            target=follow_up,
            scheme_id=follow_up.referral.scheme_id,
            detail={},
        )
    return follow_up


def chase_connections(today: dt.date | None = None) -> dict[str, int]:
    """Remind providers of requests unanswered at the reminder day, and tell the link worker
    and scheme leads of requests still unanswered after the deadline. Each is sent once."""
    today = today or timezone.localdate()
    reminded = escalated = 0
    waiting = Connection.objects.filter(status=ConnectionStatus.REQUESTED).select_related(
        "referral__scheme", "referral__link_worker", "service__organization"
    )
    for connection in waiting.filter(
        remind_on__lte=today, respond_by__gte=today, reminded_at__isnull=True
    ):
        with transaction.atomic():
            notices.send_notice(connection, Event.CONNECTION_REMINDER)
            Connection.objects.filter(pk=connection.pk).update(reminded_at=timezone.now())
            reminded += 1
    for connection in waiting.filter(respond_by__lt=today, escalated_at__isnull=True):
        with transaction.atomic():
            notices.send_notice(connection, Event.CONNECTION_OVERDUE)
            notices.alert_overdue(connection)
            Connection.objects.filter(pk=connection.pk).update(escalated_at=timezone.now())
            auditor.record(
                action="connection.escalated",
                target=connection,
                scheme_id=connection.referral.scheme_id,
                detail={"respond_by": connection.respond_by.isoformat()}
                if connection.respond_by
                else {},
            )
            escalated += 1
    return {"reminded": reminded, "escalated": escalated}


# Discharge


@transaction.atomic
def discharge(*, by: User, referral: Referral, reason: ClosureReason, note: str = "") -> Referral:
    """End the episode: drafts are cancelled, open follow-ups closed, and the referral closes,
    which sends the message back to the referrer and GP. Connections the person still
    attends stay as they are: support from the service does not end with ours.

    "Goals met" is refused while a safety flag is open: the risk must be answered first."""
    if (
        reason == ClosureReason.GOALS_MET
        and SafetyFlag.objects.filter(referral=referral).open().exists()
    ):
        raise CaseworkError(
            'You cannot end support as "goals met" while a safety flag is open. Record how '
            'you handled the flag first (use "Record what you did" in the safety flag box at '
            "the top of this page), or choose another reason, such as escalated to clinical care."
        )
    for draft in Connection.objects.filter(referral=referral, status=ConnectionStatus.DRAFT):
        draft.referral = referral
        end_connection(by=by, connection=draft, status=ConnectionStatus.CANCELLED)
    FollowUp.objects.filter(referral=referral, done_at__isnull=True).update(
        done_at=timezone.now(), done_by=by
    )
    cancel_booked_appointments(by=by, referral=referral, because="referral_closed")
    return close_referral(by=by, referral=referral, reason=reason, note=note)


# Withdrawal

# Connections a withdrawal cancels: those the person has not started with. A connection the
# person attends stays as it is, as at discharge: the service's support does not end with
# the referral, and its history is kept either way.
UNSTARTED = frozenset(
    {ConnectionStatus.DRAFT, ConnectionStatus.REQUESTED, ConnectionStatus.ACCEPTED}
)
WITHDRAWN_NOTE = "The referral was withdrawn"


def end_withdrawn_casework(referral: Referral, by: User | None) -> None:
    """What a withdrawal ends, in its own transaction (`referrals.actions.on_withdrawn`):
    unstarted connections are cancelled, with their history and the providers' webhooks,
    and open follow-ups are marked done. Plans, notes, contacts and measures are kept."""
    for connection in Connection.objects.filter(referral=referral).order_by("created_at", "id"):
        unstarted = connection.status in UNSTARTED or (
            connection.status == ConnectionStatus.ON_HOLD
            and connection.held_from != ConnectionStatus.IN_PROGRESS
        )
        if unstarted:
            connection.referral = referral
            end_connection(
                by=by,
                connection=connection,
                status=ConnectionStatus.CANCELLED,
                detail=WITHDRAWN_NOTE,
            )
    FollowUp.objects.filter(referral=referral, done_at__isnull=True).update(
        done_at=timezone.now(), done_by=by
    )
    cancel_booked_appointments(by=by, referral=referral, because="referral_withdrawn")


# Appointments: contacts booked for the future


@transaction.atomic
def reassign_case(
    *,
    by: User,
    referral: Referral,
    link_worker: User,
    complexity: str | None = None,
    over_limit_ok: bool = False,
) -> Referral:
    """Give the referral to `link_worker` (`referrals.actions.assign_link_worker`, with its
    refusals and capacity warning) and move the appointments still to come into their diary,
    in one transaction. Past appointments stay with whoever held them."""
    assigned = assign_link_worker(
        by=by,
        referral=referral,
        link_worker=link_worker,
        complexity=complexity,
        over_limit_ok=over_limit_ok,
    )
    ahead = list(
        Appointment.objects.select_for_update()
        .filter(referral=referral, status=AppointmentStatus.BOOKED, starts_at__gt=timezone.now())
        .exclude(link_worker=link_worker)
    )
    for appointment in ahead:
        moved_from = appointment.link_worker_id
        appointment.link_worker = link_worker
        _save_change(appointment, by, ["link_worker"])
        auditor.record(
            action="appointment.moved",
            actor=by,
            target=appointment,
            scheme_id=referral.scheme_id,
            detail={"from": moved_from, "to": link_worker.pk},
        )
    return assigned


@transaction.atomic
def cancel_booked_appointments(*, by: User | None, referral: Referral, because: str) -> int:
    """Cancel every appointment still booked for an episode that ends (closed or withdrawn),
    so no reminder goes and calendars drop them; each is audited. Returns how many."""
    cancelled = 0
    for appointment in Appointment.objects.select_for_update().filter(
        referral=referral, status=AppointmentStatus.BOOKED
    ):
        appointment.status = AppointmentStatus.CANCELLED
        _save_change(appointment, by, ["status"])
        auditor.record(
            action="appointment.cancelled",
            actor=by,
            target=appointment,
            scheme_id=referral.scheme_id,
            detail={"because": because},
        )
        cancelled += 1
    return cancelled


def _appointment_last_change(appointment: Appointment) -> concurrency.LastChange:
    return (concurrency.name_of(appointment.updated_by), appointment.updated_at)


def _require_future(starts_at: dt.datetime) -> None:
    """Refuse an appointment booked or moved to a time that has passed."""
    if starts_at <= timezone.now():
        raise CaseworkError(
            "The appointment must be in the future. To note a contact that has happened, "
            "record a contact instead."
        )


@transaction.atomic
def book_appointment(
    *,
    by: User,
    referral: Referral,
    starts_at: dt.datetime,
    duration_minutes: int,
    mode: Mode,
    place: str = "",
    link_worker: User | None = None,
) -> Appointment:
    """Book a contact in the future with the person, in the diary of their link worker (the
    referral's, else the one booking). A contact that has happened is recorded instead."""
    _require_open(referral)
    _require_future(starts_at)
    worker = link_worker or referral.link_worker or by
    appointment = Appointment.objects.create(
        referral=referral,
        link_worker=worker,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        mode=mode,
        place=place.strip(),
        created_by=by,
        updated_by=by,
    )
    auditor.record(
        action="appointment.booked",
        actor=by,
        target=appointment,
        scheme_id=referral.scheme_id,
        detail={"referral": str(referral.pk), "mode": mode, "link_worker": worker.pk},
    )
    return appointment


@dataclass(frozen=True)
class Recorded:
    """What recording an appointment did: the contact it became, and how many contacts in a
    row the person has now missed against the scheme's number before a review."""

    appointment: Appointment
    contact: Contact
    missed_in_a_row: int
    review_after: int

    @property
    def review_due(self) -> bool:
        return self.missed_in_a_row >= self.review_after


def _booked_for_change(appointment: Appointment, version: str | None, only: str) -> Appointment:
    """The appointment locked for a change, refused unless it is still booked (`only` says
    why) or when someone changed it since the form was shown (`version`)."""
    locked = (
        Appointment.objects.select_for_update()
        .select_related("referral__scheme")
        .get(pk=appointment.pk)
    )
    concurrency.check(
        sent=version,
        current=locked.version,
        what="appointment",
        last_change=lambda: _appointment_last_change(locked),
    )
    if locked.status != AppointmentStatus.BOOKED:
        raise CaseworkError(
            f"This appointment is already {locked.get_status_display().lower()}: {only}"
        )
    return locked


def _save_change(appointment: Appointment, by: User | None, fields: list[str]) -> None:
    """Save `fields` with a new version and who changed the appointment (kept as it was when
    the change is the system's own), and when."""
    appointment.version += 1
    if by is not None:
        appointment.updated_by = by
    appointment.updated_at = timezone.now()
    appointment.save(update_fields=[*fields, "version", "updated_by", "updated_at"])


@transaction.atomic
def record_appointment(
    *,
    by: User,
    appointment: Appointment,
    attended: bool,
    note: str = "",
    duration_minutes: int | None = None,
    version: str | None = None,
) -> Recorded:
    """Record that the person came (or did not): the appointment becomes a contact, once.
    A second record of the same appointment is refused. When the person has now missed the
    scheme's number of contacts in a row (`Scheme.missed_contacts_before_review`), a review is
    put on the case as a follow-up due today."""
    locked = _booked_for_change(appointment, version, "it can be recorded only once.")
    if locked.starts_at > timezone.now() + dt.timedelta(minutes=5):
        raise CaseworkError("An appointment can be recorded once its time has come.")
    referral = locked.referral
    _require_open(referral)
    contact = record_contact(
        by=by,
        referral=referral,
        occurred_at=locked.starts_at,
        mode=Mode(locked.mode),
        duration_minutes=locked.duration_minutes if duration_minutes is None else duration_minutes,
        outcome=Outcome.ATTENDED if attended else Outcome.DID_NOT_ATTEND,
        note=note,
    )
    locked.status = AppointmentStatus.ATTENDED if attended else AppointmentStatus.DID_NOT_ATTEND
    locked.contact = contact
    _save_change(locked, by, ["status", "contact"])
    auditor.record(
        action="appointment.recorded",
        actor=by,
        target=locked,
        scheme_id=referral.scheme_id,
        detail={"status": locked.status, "contact": str(contact.pk)},
    )
    missed = missed_in_a_row(Contact.objects.filter(referral=referral).order_by("-occurred_at"))
    review_after = referral.scheme.missed_contacts_before_review
    if not attended and missed == review_after:
        # The count reached the scheme's number with this miss: put the review on the case
        # once (a further miss is already past it, and the review is open).
        schedule_follow_up(
            by=by,
            referral=referral,
            due_on=timezone.localdate(),
            reason=f"Review: {missed} contacts missed in a row",
        )
    return Recorded(locked, contact, missed, review_after)


@transaction.atomic
def cancel_appointment(
    *, by: User, appointment: Appointment, version: str | None = None
) -> Appointment:
    """Cancel a booked appointment; it stays in the history, and no contact is recorded."""
    locked = _booked_for_change(appointment, version, "only a booked appointment can be cancelled.")
    locked.status = AppointmentStatus.CANCELLED
    _save_change(locked, by, ["status"])
    auditor.record(
        action="appointment.cancelled",
        actor=by,
        target=locked,
        scheme_id=appointment.referral.scheme_id,
        detail={},
    )
    return locked


@transaction.atomic
def move_appointment(
    *,
    by: User,
    appointment: Appointment,
    starts_at: dt.datetime,
    duration_minutes: int,
    mode: Mode,
    place: str = "",
    version: str | None = None,
) -> Appointment:
    """Move a booked appointment to another time, length, way or place, keeping it (and its
    history) rather than cancelling and booking again. The person is reminded the day before
    the new time, even if they were reminded of the old one."""
    locked = _booked_for_change(appointment, version, "only a booked appointment can be moved.")
    referral = locked.referral
    _require_open(referral)
    _require_future(starts_at)
    place = place.strip()
    before = (locked.starts_at, locked.duration_minutes, locked.mode, locked.place)
    if before == (starts_at, duration_minutes, mode, place):
        raise CaseworkError(
            "Nothing has changed. Change the date, time, length, way or place to move the "
            "appointment."
        )
    moved_from = locked.starts_at
    locked.starts_at = starts_at
    locked.duration_minutes = duration_minutes
    locked.mode = mode
    locked.place = place
    locked.reminded_at = None
    _save_change(locked, by, ["starts_at", "duration_minutes", "mode", "place", "reminded_at"])
    # The place is left out: it may be an address or a telephone number.
    auditor.record(
        action="appointment.rescheduled",
        actor=by,
        target=locked,
        scheme_id=referral.scheme_id,
        detail={
            "referral": str(referral.pk),
            # In UTC both: the stored time comes back in UTC, the new one as it was typed.
            "starts_at_from": moved_from.astimezone(dt.UTC).isoformat(),
            "starts_at_to": starts_at.astimezone(dt.UTC).isoformat(),
            "duration_minutes": duration_minutes,
            "mode": mode,
        },
    )
    return locked


def reminder_place(appointment: Appointment) -> str:
    """Where the person is told the appointment is: the place for a meeting, their home for a
    home visit, nothing for a call (the reminder names the date and time)."""
    if appointment.mode == Mode.HOME_VISIT:
        return "your home"
    if appointment.mode in (Mode.IN_PERSON, Mode.GROUP):
        return appointment.place
    return ""


def remind_appointments(today: dt.date | None = None) -> int:
    """Queue the day-before reminder to the person for each booked appointment tomorrow, by
    their chosen channel, once per appointment however often this runs. Returns how many
    appointments were reminded."""
    today = today or timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    start = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time.min))
    end = start + dt.timedelta(days=1)
    due = Appointment.objects.filter(
        status=AppointmentStatus.BOOKED,
        reminded_at__isnull=True,
        starts_at__gte=start,
        starts_at__lt=end,
        referral__status__in=OPEN_REFERRAL_STATUSES,
    ).values_list("pk", flat=True)
    reminded = 0
    for appointment_id in list(due):
        with transaction.atomic():
            # Claim the appointment first: a second run, or a worker alongside, finds it taken.
            claimed = Appointment.objects.filter(
                pk=appointment_id, reminded_at__isnull=True
            ).update(reminded_at=timezone.now())
            if not claimed:
                continue
            appointment = Appointment.objects.select_related("referral").get(pk=appointment_id)
            referral_messages.referral_event(
                appointment.referral_id,
                Event.APPOINTMENT,
                appointment_at=appointment.starts_at,
                appointment_place=reminder_place(appointment),
            )
            auditor.record(
                action="appointment.reminded",
                target=appointment,
                scheme_id=appointment.referral.scheme_id,
                detail={"referral": str(appointment.referral_id)},
            )
            reminded += 1
    return reminded


# The link worker's calendar feed


def calendar_token_hash(token: str) -> str:
    """The stored form of a feed secret: SHA-256, enough for a random 256-bit secret."""
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def issue_calendar_feed(*, by: User) -> str:
    """Give `by` a new secret calendar address, ending any earlier one; return the secret,
    which is shown once and never stored."""
    revoked = CalendarFeed.objects.filter(user=by, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(user=by, token_hash=calendar_token_hash(token))
    auditor.record(
        action="calendar_feed.issued", actor=by, target=feed, detail={"replaced": revoked}
    )
    return token


@transaction.atomic
def revoke_calendar_feed(*, by: User) -> int:
    """End `by`'s calendar address: calendar apps using it get nothing more."""
    revoked = CalendarFeed.objects.filter(user=by, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    auditor.record(
        action="calendar_feed.revoked",
        actor=by,
        object_type="casework.calendarfeed",
        object_id=str(by.pk),
        detail={"revoked": revoked},
    )
    return revoked
