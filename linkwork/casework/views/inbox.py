"""The provider's side of connections: the inbox of requests to its organisation's services,
one request with only what the person agreed to share, and the availability of its services.

Only providers reach these pages (anyone else gets 403), and only for their own organisation's
services (another organisation's connection or service is 404); the gate audits each refusal.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from linkwork.accounts import gate, permissions
from linkwork.accounts.gate import AuthenticatedHttpRequest
from linkwork.accounts.models import Role
from linkwork.accounts.permissions import Ability
from linkwork.audit import auditor
from linkwork.casework import actions, notices, presenters, provider
from linkwork.casework.actions import CaseworkError
from linkwork.casework.forms_inbox import AnswerForm, AttendanceForm, AvailabilityForm
from linkwork.casework.lifecycle import ConnectionStatus, Decision
from linkwork.casework.models import Connection
from linkwork.core import concurrency
from linkwork.core.lifecycle import InvalidTransition
from linkwork.core.paging import paging
from linkwork.core.presenters import date_uk
from linkwork.directory.models import Service, ServiceQuerySet

# What a provider counts as still open on its services: drafts never reach it.
PROVIDER_OPEN_STATUSES = (
    ConnectionStatus.REQUESTED,
    ConnectionStatus.ACCEPTED,
    ConnectionStatus.IN_PROGRESS,
    ConnectionStatus.ON_HOLD,
)


def _own_services(request: HttpRequest) -> ServiceQuerySet:
    """The services of the user's own provider organisations. Curators may edit every
    listing, but these pages are a provider's view of its own services."""
    own = permissions.organisation_ids(request.user, Role.PROVIDER)
    return Service.objects.editable_by(request.user).filter(
        organization__account_organisation_id__in=own
    )


def _own_connection(request: HttpRequest, connection_id: Any) -> Connection:
    return gate.get_visible_or_404(
        request,
        # Joined: what the scope already joins, and the person. The rest arrive by key in
        # small queries of their own: one statement joining all eight tables cost PostgreSQL
        # some 9 ms to plan (choosing a join order), for 0.4 ms of work.
        Connection.objects.for_provider(request.user)
        .select_related("referral__person", "service")
        .prefetch_related("referral__scheme", "referral__link_worker", "referral__plan"),
        ability=Ability.ANSWER_CONNECTIONS,
        pk=connection_id,
    )


@login_required
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Requests to the provider's services, one section at a time."""
    gate.require(request, Ability.ANSWER_CONNECTIONS)
    chosen = request.GET.get("show", "")
    section = provider.SECTIONS_BY_SLUG.get(chosen, provider.SECTIONS[0])
    mine = Connection.objects.for_provider(request.user)
    today = timezone.localdate()
    counts = mine.aggregate(
        **{
            # Aliases must not clash with field names such as `waiting_list`.
            # Counting the service (never empty) rather than the id: every column the counts
            # read is then in `connection_service_status_idx`, so PostgreSQL counts a
            # provider's thousands of connections from the index alone.
            f"count_{s.slug}": Count("service", filter=Q(**provider.section_filters(s.slug)))
            for s in provider.SECTIONS
        },
        overdue=Count(
            "service",
            filter=Q(status=ConnectionStatus.REQUESTED, respond_by__lt=today),
        ),
    )
    found = (
        mine.filter(**provider.section_filters(section.slug))
        .select_related("referral", "service")
        .order_by(*provider.section_ordering(section.slug), "pk")
    )
    page = Paginator(found, provider.PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [provider.inbox_row(connection, today) for connection in page.object_list]
    auditor.record(
        action="inbox.viewed",
        request=request,
        detail={"section": section.slug, "rows": len(rows), "page": page.number},
    )
    return render(
        request,
        "casework/inbox.jinja",
        {
            "page_title": f"Inbox: {section.title.lower()}",
            "section": section,
            "sections": [
                {
                    "slug": s.slug,
                    "title": s.title,
                    "count": counts[f"count_{s.slug}"],
                    "current": s.slug == section.slug,
                }
                for s in provider.SECTIONS
            ],
            "rows": rows,
            "page": page,
            "paging": paging(request.GET, page, label=f"Pages of {section.title.lower()}"),
            "inbox_table": provider.inbox_table(section, rows),
            "overdue": counts["overdue"] if section.slug == "answer" else 0,
        },
    )


ANSWERED = {
    Decision.ACCEPT: "You accepted referral {reference}",
    Decision.WAITING_LIST: "You accepted referral {reference} onto your waiting list",
    Decision.DECLINE: "You declined referral {reference}",
}


@login_required
def inbox_connection(request: AuthenticatedHttpRequest, connection_id: Any) -> HttpResponse:
    """One request: what the provider may know, its answer, and attendance once accepted."""
    connection = _own_connection(request, connection_id)
    reference = connection.referral.reference
    posted = request.POST.get("form", "") if request.method == "POST" else ""
    answer_form = AnswerForm(request.POST if posted == "answer" else None)
    attendance_form = AttendanceForm(request.POST if posted == "attendance" else None)
    problem = ""
    status = 200
    conflict: concurrency.EditConflict | None = None
    if request.method == "POST":
        try:
            if posted == "answer" and answer_form.is_valid():
                data = answer_form.cleaned_data
                actions.respond_to_connection(
                    by=request.user,
                    connection=connection,
                    decision=data["decision"],
                    reason=data["reason"],
                    detail=data["detail"],
                    version=concurrency.sent_version(request.POST),
                )
                messages.success(
                    request,
                    ANSWERED[Decision(data["decision"])].format(reference=reference)
                    + ". The link worker has been told.",
                )
                return redirect("casework:inbox_connection", connection.pk)
            if posted == "attendance" and attendance_form.is_valid():
                data = attendance_form.cleaned_data
                actions.record_attendance(
                    by=request.user,
                    connection=connection,
                    session_on=data["session_on"],
                    attended=data["attended"],
                )
                messages.success(request, f"Attendance on {date_uk(data['session_on'])} recorded")
                return redirect("casework:inbox_connection", connection.pk)
            if posted not in ("answer", "attendance"):
                problem = "Choose whether to answer the referral or record attendance"
            status = 400
        except InvalidTransition as error:
            problem, status = str(error), 409
        except concurrency.EditConflict as found_conflict:
            conflict = found_conflict
            problem, status = conflict.message, 409
        except CaseworkError as error:
            problem, status = str(error), 400
        if problem:
            # Someone else may have answered meanwhile: show the connection as it is now.
            connection = _own_connection(request, connection_id)
    shared = provider.shared_details(connection)
    auditor.record(
        action="connection.viewed_by_provider",
        request=request,
        target=connection,
        scheme_id=connection.referral.scheme_id,
        detail={"shared": sorted(connection.shared_fields) if shared else []},
    )
    can_answer = connection.status == ConnectionStatus.REQUESTED
    can_record = connection.status in (ConnectionStatus.ACCEPTED, ConnectionStatus.IN_PROGRESS)
    sessions = list(connection.attendance.all())
    return render(
        request,
        "casework/inbox_connection.jinja",
        {
            "page_title": f"Referral {reference} to {connection.service.name}",
            "connection": connection,
            "tag": provider.tag(connection),
            "deadline": date_uk(connection.respond_by) if can_answer else "",
            "overdue": provider.is_overdue(connection),
            "request_details": provider.request_details(connection),
            "shared_details": shared,
            "paused_because": notices.paused_because(connection.service),
            "closed": connection.status in provider.CLOSED_STATUSES,
            "can_answer": can_answer,
            "can_record": can_record,
            "answer_form": answer_form,
            "attendance_form": attendance_form,
            "sessions": sessions,
            "sessions_table": presenters.sessions_table(
                sessions,
                caption="Sessions recorded, newest first",
                attended=("Attended", "Did not attend"),
                caption_size="s",
            ),
            "problem": problem,
            "form_errors": status != 200,
            "version": concurrency.version_to_show(
                stored=connection.version,
                posted=request.POST if request.method == "POST" else None,
                conflict=conflict,
            ),
        },
        status=status,
    )


@login_required
def provider_services(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The provider's services: whether each is running and taking people, and how many
    referrals to it are open."""
    gate.require(request, Ability.ANSWER_CONNECTIONS)
    services = list(
        _own_services(request)
        .annotate(
            open_connections=Count(
                "connections", filter=Q(connections__status__in=PROVIDER_OPEN_STATUSES)
            ),
            on_hold=Count("connections", filter=Q(connections__status=ConnectionStatus.ON_HOLD)),
        )
        .order_by("name")
    )
    return render(
        request,
        "casework/provider_services.jinja",
        {
            "page_title": "Your services",
            "services": services,
            "services_table": provider.services_table(services),
        },
    )


def _saved(service: Service, affected: list[Connection]) -> str:
    count = len(affected)
    referrals = "1 referral" if count == 1 else f"{count} referrals"
    paused = notices.paused_because(service)
    if affected and paused:
        return (
            f"{service.name} is now {paused}. {referrals} to it went on hold, and "
            f"{'its link worker was' if count == 1 else 'their link workers were'} told."
        )
    if affected:
        return (
            f"{service.name} is taking people again. The link workers of {referrals} on hold "
            "were told it reopened, so they can resume them."
        )
    return f"Availability of {service.name} saved"


@login_required
def service_availability(request: AuthenticatedHttpRequest, service_id: Any) -> HttpResponse:
    """Whether one of the provider's services is running and taking people."""
    gate.require(request, Ability.ANSWER_CONNECTIONS)
    service = gate.get_visible_or_404(request, _own_services(request), pk=service_id)
    form = AvailabilityForm(
        request.POST if request.method == "POST" else None,
        initial={"status": service.status, "capacity": service.capacity},
    )
    problem = ""
    if request.method == "POST" and form.is_valid():
        try:
            affected = actions.set_service_availability(
                by=request.user,
                service=service,
                status=form.cleaned_data["status"],
                capacity=form.cleaned_data["capacity"],
            )
        except (InvalidTransition, CaseworkError) as error:
            problem = str(error)
        else:
            messages.success(request, _saved(service, affected))
            return redirect("casework:provider_services")
    invalid = bool(form.errors or problem)
    return render(
        request,
        "casework/service_availability.jinja",
        {
            "page_title": f"Availability of {service.name}",
            "service": service,
            "form": form,
            "problem": problem,
            "form_errors": invalid,
        },
        status=(409 if problem else 400) if invalid else 200,
    )
