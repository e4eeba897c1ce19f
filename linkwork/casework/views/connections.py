"""Connections to community services for one episode, follow-ups, and discharge."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from linkwork.accounts import gate
from linkwork.accounts.gate import AuthenticatedHttpRequest
from linkwork.audit import auditor
from linkwork.casework import actions, notices, presenters
from linkwork.casework.alternatives import alternatives_for
from linkwork.casework.forms import ConnectForm, DischargeForm, EndConnectionForm
from linkwork.casework.forms_inbox import AttendanceForm
from linkwork.casework.lifecycle import (
    OPEN_STATUSES,
    TRANSITIONS,
    ConnectionStatus,
)
from linkwork.casework.matching import recommend_for_referral
from linkwork.casework.models import Connection, FollowUp, SharedField
from linkwork.casework.safeguarding import safeguarding_concerns
from linkwork.core import concurrency
from linkwork.core.lifecycle import InvalidTransition
from linkwork.core.presenters import date_uk
from linkwork.core.tables import status_history_table
from linkwork.directory.models import ReferralRoute, Service
from linkwork.directory.presenters import connect_action
from linkwork.notifications.addressing import Recipient
from linkwork.outcomes.licensing import recordable, scheme_switched_off
from linkwork.outcomes.models import OutcomeMeasure, TimePoint
from linkwork.outcomes.schedules import parse_schedule
from linkwork.outcomes.scoring import INSTRUMENTS
from linkwork.people.models import current_consents
from linkwork.referrals import addressing
from linkwork.referrals.lifecycle import OPEN_STATUSES as OPEN_REFERRAL_STATUSES
from linkwork.referrals.lifecycle import Status
from linkwork.referrals.models import Referral
from linkwork.referrals.scoping import get_case_or_404

CaseworkFailure = (actions.CaseworkError, InvalidTransition)
# Services suggested by matching on the connections page.
SUGGESTIONS = 5
# What a one-click connection from a suggestion shares, when the person consented to sharing.
ONE_CLICK_SHARE = (SharedField.NAME, SharedField.CONTACT)


def _search_url(referral: Referral) -> str:
    query = {"for": str(referral.pk)}
    if referral.person.postcode:
        query["postcode"] = referral.person.postcode
    return f"{reverse('directory:search')}?{urlencode(query)}"


@login_required
def connections(request: AuthenticatedHttpRequest, referral_id: str) -> HttpResponse:
    """The episode's connections, newest first; paused ones with alternatives; follow-ups."""
    referral = get_case_or_404(request, referral_id)
    found = list(
        Connection.objects.visible_to(request.user)
        .filter(referral=referral)
        .select_related("service__organization")
    )
    paused = [c for c in found if c.status == ConnectionStatus.ON_HOLD]
    paused_because = {c.pk: notices.paused_because(c.service) for c in paused}
    open_connections = [c for c in found if c.status in OPEN_STATUSES]
    ended_connections = [c for c in found if c.status not in OPEN_STATUSES]
    today = timezone.localdate()
    auditor.record(
        action="connections.viewed", request=request, target=referral, scheme_id=referral.scheme_id
    )
    is_open = referral.status in OPEN_REFERRAL_STATUSES
    shareable = actions.shareable_fields(referral)
    one_click = [field for field in ONE_CLICK_SHARE if field in shareable]
    suggested = (
        recommend_for_referral(
            referral,
            k=SUGGESTIONS,
            shown_to=request.user,
            skip={str(c.service_id) for c in found if c.status in OPEN_STATUSES},
        ).results
        if is_open
        else []
    )
    routes = {
        str(pk): route
        for pk, route in Service.objects.filter(
            pk__in=[result.service_id for result in suggested]
        ).values_list("pk", "referral_route")
    }
    return render(
        request,
        "casework/connections.jinja",
        {
            "page_title": f"Connections for referral {referral.reference}",
            "referral": referral,
            "person": referral.person,
            "safeguarding": safeguarding_concerns(request.user, referral),
            "open_connections": open_connections,
            "open_connections_table": presenters.open_connections_table(
                open_connections, paused_because=paused_because, today=today
            ),
            "ended_connections": ended_connections,
            "ended_connections_table": presenters.ended_connections_table(ended_connections),
            "alternatives": alternatives_for(
                paused, connected_service_ids={c.service_id for c in found}
            ),
            "follow_ups": list(
                FollowUp.objects.visible_to(request.user)
                .due()
                .filter(referral=referral)
                .select_related("connection__service")
            ),
            "today": today,
            "search_url": _search_url(referral),
            "is_open": is_open,
            "suggested": [
                (result, connect_action(routes.get(result.service_id, ""))) for result in suggested
            ],
            "connect_action": connect_action,
            "one_click_shares": [f.label.lower() for f in one_click],
            "one_click_shares_values": [f.value for f in one_click],
        },
    )


def _service(request: HttpRequest, service_id: str) -> Service:
    return gate.get_visible_or_404(
        request, Service.objects.select_related("organization"), pk=service_id
    )


@login_required
def connect(request: AuthenticatedHttpRequest, referral_id: str, service_id: str) -> HttpResponse:
    """Connect the person to one service: a request (or a draft) for a service that takes
    referrals, a signposted record for one that does not."""
    referral = get_case_or_404(request, referral_id)
    service = _service(request, service_id)
    # Only a service stated to take referrals gets a request; a route not stated is signposted.
    signpost = service.referral_route != ReferralRoute.REFERRAL
    shareable = actions.shareable_fields(referral)
    form = ConnectForm(request.POST if request.method == "POST" else None, shareable=shareable)
    if request.method == "POST" and form.is_valid():
        try:
            connection = actions.create_connection(
                by=request.user,
                referral=referral,
                service=service,
                shared_fields=form.cleaned_data["shared_fields"],
                supported_linking=form.cleaned_data["supported_linking"],
                message_to_provider=form.cleaned_data["message_to_provider"],
                send=request.POST.get("send") != "draft",
            )
        except CaseworkFailure as error:
            form.add_error(None, str(error))
        else:
            if connection.status == ConnectionStatus.SIGNPOSTED:
                done = f"Signposting to {service.name} recorded"
            elif connection.status == ConnectionStatus.DRAFT:
                done = f"Draft connection to {service.name} saved"
            else:
                done = (
                    f"Request sent to {service.name}: they have until "
                    f"{date_uk(connection.respond_by)} to answer"
                )
            messages.success(request, done)
            return redirect("casework:connections", referral.pk)
    auditor.record(
        action="connect.viewed",
        request=request,
        target=referral,
        scheme_id=referral.scheme_id,
        detail={"service": str(service.pk)},
    )
    return render(
        request,
        "casework/connect.jinja",
        {
            "page_title": f"Connect to {service.name}",
            "referral": referral,
            "person": referral.person,
            "service": service,
            "signpost": signpost,
            "unavailable": actions.why_not_requestable(service),
            "consented": bool(shareable),
            "form": form,
            "form_errors": bool(form.errors),
        },
        status=400 if form.errors else 200,
    )


@login_required
def connection(
    request: AuthenticatedHttpRequest, referral_id: str, connection_id: str
) -> HttpResponse:
    """One connection: what was shared, its history and attendance, and what can be done next."""
    referral = get_case_or_404(request, referral_id)
    found = gate.get_visible_or_404(request, Connection, pk=connection_id, referral=referral)
    found.referral = referral
    attendance_form = AttendanceForm(prefix="attendance")
    end_form = EndConnectionForm(prefix="end")
    error = ""
    conflict: concurrency.EditConflict | None = None
    version = concurrency.sent_version(request.POST) if request.method == "POST" else None
    if request.method == "POST":
        step = request.POST.get("step", "")
        try:
            if step == "attendance":
                attendance_form = AttendanceForm(request.POST, prefix="attendance")
                if attendance_form.is_valid():
                    actions.record_attendance(
                        by=request.user,
                        connection=found,
                        session_on=attendance_form.cleaned_data["session_on"],
                        attended=attendance_form.cleaned_data["attended"],
                    )
                    messages.success(request, "Attendance recorded")
                    return redirect("casework:connection", referral.pk, found.pk)
            elif step == "end":
                end_form = EndConnectionForm(request.POST, prefix="end")
                if end_form.is_valid():
                    actions.end_connection(
                        by=request.user,
                        connection=found,
                        status=end_form.cleaned_data["outcome"],
                        reason=end_form.cleaned_data["failure_reason"],
                        detail=end_form.cleaned_data["detail"],
                        version=version,
                    )
                    messages.success(request, "Connection ended")
                    return redirect("casework:connections", referral.pk)
            elif step == "send":
                actions.request_connection(by=request.user, connection=found, version=version)
                messages.success(request, f"Request sent to {found.service.name}")
                return redirect("casework:connections", referral.pk)
            elif step == "resume":
                actions.resume_connection(by=request.user, connection=found, version=version)
                messages.success(request, f"Connection to {found.service.name} resumed")
                return redirect("casework:connections", referral.pk)
            elif step == "cancel":
                actions.end_connection(
                    by=request.user,
                    connection=found,
                    status=ConnectionStatus.CANCELLED,
                    version=version,
                )
                messages.success(request, f"Connection to {found.service.name} cancelled")
                return redirect("casework:connections", referral.pk)
            else:
                error = "Choose what to do with this connection"
        except CaseworkFailure as failure:
            error = str(failure)
        except concurrency.EditConflict as found_conflict:
            # Show the connection as it now is, with the other change named.
            conflict = found_conflict
            error = conflict.message
            found.refresh_from_db()
            found.referral = referral
    else:
        auditor.record(
            action="connection.viewed",
            request=request,
            target=found,
            scheme_id=referral.scheme_id,
        )
    allowed = TRANSITIONS[ConnectionStatus(found.status)]
    attendance = list(found.attendance.all())
    invalid = bool(error or attendance_form.errors or end_form.errors)
    return render(
        request,
        "casework/connection.jinja",
        {
            "page_title": f"Connection to {found.service.name}",
            "referral": referral,
            "person": referral.person,
            "connection": found,
            "shared": [SharedField(value).label for value in found.shared_fields],
            "history_table": status_history_table(
                found.history.select_related("changed_by"), nobody="Linkwork"
            ),
            "attendance": attendance,
            "attendance_table": presenters.sessions_table(
                attendance, caption="Sessions, newest first"
            ),
            "can_send": ConnectionStatus.REQUESTED in allowed
            and found.status == ConnectionStatus.DRAFT,
            "can_resume": found.status == ConnectionStatus.ON_HOLD,
            "paused_because": notices.paused_because(found.service),
            "can_record_attendance": found.status
            in (ConnectionStatus.ACCEPTED, ConnectionStatus.IN_PROGRESS),
            "can_end": found.status in (ConnectionStatus.ACCEPTED, ConnectionStatus.IN_PROGRESS),
            "can_cancel": ConnectionStatus.CANCELLED in allowed,
            "attendance_form": attendance_form,
            "end_form": end_form,
            "error": error,
            "form_errors": invalid,
            "version": concurrency.version_to_show(
                stored=found.version,
                posted=request.POST if request.method == "POST" else None,
                conflict=conflict,
            ),
        },
        status=409 if error else 400 if invalid else 200,
    )


@login_required
@require_POST
def follow_up(
    request: AuthenticatedHttpRequest, referral_id: str, follow_up_id: str
) -> HttpResponse:
    """Mark a follow-up done."""
    referral = get_case_or_404(request, referral_id)
    found = gate.get_visible_or_404(request, FollowUp, pk=follow_up_id, referral=referral)
    actions.complete_follow_up(by=request.user, follow_up=found)
    messages.success(request, "Follow-up marked as done")
    return redirect("casework:connections", referral.pk)


def _message_back_to(referral: Referral) -> list[str]:
    """Who the message back will go to, in words, as the referral addressing rules decide."""
    consents = current_consents(referral.person)
    found = []
    for recipient in (
        addressing.referrer_recipient(referral),
        addressing.gp_recipient(referral, consents),
    ):
        if isinstance(recipient, Recipient):
            found.append(f"{recipient.name} ({recipient.audience.label.lower()})")
    return found


@login_required
def discharge(request: AuthenticatedHttpRequest, referral_id: str) -> HttpResponse:
    """End support: the reason, the final outcome measures, and the message back."""
    referral = get_case_or_404(request, referral_id)
    if referral.status not in (Status.ACTIVE, Status.ON_HOLD):
        messages.info(request, "Only a person being supported can be discharged.")
        return redirect("referrals:detail", referral.pk)
    form = DischargeForm(request.POST if request.method == "POST" else None)
    recipients = _message_back_to(referral)
    if request.method == "POST" and form.is_valid():
        try:
            actions.discharge(
                by=request.user,
                referral=referral,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except CaseworkFailure as failure:
            form.add_error(None, str(failure))
        else:
            sent = (
                f" The message back to {' and '.join(recipients)} is on its way."
                if recipients
                else ""
            )
            messages.success(request, f"Support ended.{sent}")
            return redirect("referrals:detail", referral.pk)
    auditor.record(
        action="discharge.viewed", request=request, target=referral, scheme_id=referral.scheme_id
    )
    measured = set(
        OutcomeMeasure.objects.visible_to(request.user)
        .filter(referral=referral, time_point=TimePoint.DISCHARGE)
        .values_list("instrument", flat=True)
    )
    open_connections = list(
        Connection.objects.visible_to(request.user)
        .filter(referral=referral)
        .open()
        .select_related("service")
    )
    return render(
        request,
        "casework/discharge.jinja",
        {
            "page_title": f"End support for referral {referral.reference}",
            "referral": referral,
            "person": referral.person,
            "form": form,
            "form_errors": bool(form.errors),
            "recipients": recipients,
            "measured": sorted(measured),
            "final_measures": _final_measures(referral, measured),
            "open_connections": open_connections,
        },
        status=400 if form.errors else 200,
    )


def _final_measures(referral: Referral, measured: set[str]) -> list[dict[str, Any]]:
    """The measures the scheme asks for at discharge that it may record, and whether each
    is recorded."""
    schedule = parse_schedule(referral.scheme.outcome_schedule)
    asked = [INSTRUMENTS[slug] for slug in schedule.discharge]
    licensed = any(instrument.requires_registration for instrument in asked)
    off = scheme_switched_off(referral.scheme_id) if licensed else frozenset()
    return [
        {"id": instrument.id, "name": instrument.name, "done": instrument.id in measured}
        for instrument in asked
        if recordable(instrument, off=off)
    ]
