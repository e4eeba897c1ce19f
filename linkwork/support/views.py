"""The link worker support pages, under /support/.

Every page passes the access gate. A supervision session is reached through
`SupervisionSession.objects.visible_to` (the two people and the scheme's leads); its notes
through `notes_visible_to` (the two people only: anyone else gets 404, the refusal audited).
Every read of notes is audited, and so is every page showing support records."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from linkwork.accounts import gate, permissions
from linkwork.accounts.gate import AuthenticatedHttpRequest
from linkwork.accounts.models import Role
from linkwork.accounts.permissions import Ability
from linkwork.audit import auditor
from linkwork.casework.models import Connection
from linkwork.directory.models import Service
from linkwork.referrals import capacity
from linkwork.support import actions, presenters
from linkwork.support.forms import CheckInForm, PeerForm, SessionForm, SettingsForm, TrainingForm
from linkwork.support.models import (
    PeerProfile,
    SupervisionSession,
    TrainingRecord,
    WellbeingCheckIn,
    month_of,
    support_settings,
)
from linkwork.support.staff import schemes_of
from linkwork.support.training import worker_statuses


def _status(form: object) -> int:
    return 400 if getattr(form, "errors", None) else 200


@login_required
@require_http_methods(["GET"])
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The link worker's support page: their supervision, training, load and check-in; for a
    lead, the way to the overview."""
    gate.require(request, Ability.USE_SUPPORT)
    user = request.user
    today = timezone.localdate()
    worked = schemes_of(user, Role.LINK_WORKER)
    sessions = list(
        SupervisionSession.objects.visible_to(user)
        .filter(supervisee=user)
        .select_related("supervisor")[:20]
    )
    given = list(
        SupervisionSession.objects.visible_to(user)
        .filter(supervisor=user)
        .select_related("supervisee")[:20]
    )
    courses = worker_statuses(user, worked, today) if worked else []
    loads = capacity.worker_loads(user, worked) if worked else []
    profile = PeerProfile.objects.filter(worker=user).first()
    answered = WellbeingCheckIn.objects.filter(worker=user, month=month_of(today)).exists()
    auditor.record(action="support.viewed", request=request)
    return render(
        request,
        "support/index.jinja",
        {
            "page_title": "Support",
            "is_worker": bool(worked),
            "is_lead": permissions.may(user, Ability.LEAD_SUPPORT),
            "sessions": presenters.sessions_table("Your supervision", sessions, show="supervisor"),
            "given": presenters.sessions_table("Supervision you gave", given, show="supervisee"),
            "has_sessions": bool(sessions),
            "has_given": bool(given),
            "overdue": [status for status in courses if status.overdue],
            "loads": presenters.loads_table(loads),
            "has_loads": bool(loads),
            "opted_in": bool(profile and profile.opted_in),
            "answered": answered,
        },
    )


@login_required
@require_http_methods(["GET"])
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The lead's support overview: prompts, sessions, training and wellbeing, by scheme."""
    gate.require(request, Ability.LEAD_SUPPORT)
    today = timezone.localdate()
    schemes = [
        presenters.scheme_overview(scheme, today, request.user)
        for scheme in schemes_of(request.user, Role.SCHEME_LEAD)
    ]
    auditor.record(action="support.overview_viewed", request=request)
    return render(
        request, "support/overview.jinja", {"page_title": "Support overview", "schemes": schemes}
    )


@login_required
@require_http_methods(["GET", "POST"])
def new_session(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Record a supervision session: a lead for any link worker of their schemes, a link
    worker for one they supervised."""
    gate.require(request, Ability.USE_SUPPORT)
    user = request.user
    form = SessionForm(
        request.POST or None,
        user=user,
        led=schemes_of(user, Role.SCHEME_LEAD),
        worked=schemes_of(user, Role.LINK_WORKER),
    )
    if request.method == "POST" and form.is_valid():
        scheme, supervisee, supervisor = form.people()
        data = form.cleaned_data
        session = actions.record_session(
            by=user,
            scheme=scheme,
            supervisee=supervisee,
            supervisor=supervisor,
            held_on=data["held_on"],
            kind=data["kind"],
            duration_minutes=data["duration_minutes"],
            notes=data["notes"],
            request=request,
        )
        messages.success(request, "Supervision session recorded.")
        return redirect("support:session", session_id=session.pk)
    return render(
        request,
        "support/new_session.jinja",
        {
            "page_title": "Record a supervision session",
            "form": form,
            "form_errors": bool(form.errors),
            "nobody": not form.supervisees,
        },
        status=_status(form),
    )


@login_required
def session(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    """That a session happened: when, what kind, how long, who. The notes are on their own
    page, for the two people only."""
    scope = SupervisionSession.objects.visible_to(request.user).select_related(
        "scheme", "supervisor", "supervisee"
    )
    found = gate.get_visible_or_404(request, scope, ability=Ability.USE_SUPPORT, pk=session_id)
    auditor.record(
        action="supervision.viewed", request=request, target=found, scheme_id=found.scheme_id
    )
    return render(
        request,
        "support/session.jinja",
        {
            "page_title": "Supervision session",
            "session": found,
            "rows": presenters.session_rows(found),
            "may_read_notes": found.notes_readable_by(request.user),
        },
    )


@login_required
def session_notes(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    """A session's private notes: the supervisor and the supervisee only; 404 for anyone
    else, the lead included, and the refusal audited. Every read is audited."""
    scope = SupervisionSession.objects.notes_visible_to(request.user).select_related(
        "supervisor", "supervisee"
    )
    found = gate.get_visible_or_404(request, scope, ability=Ability.USE_SUPPORT, pk=session_id)
    auditor.record(
        action="supervision.notes_viewed",
        request=request,
        target=found,
        scheme_id=found.scheme_id,
    )
    return render(
        request,
        "support/notes.jinja",
        {
            "page_title": "Supervision notes",
            "session": found,
            "rows": presenters.session_rows(found),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def training(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The link worker's training record: the courses their schemes require, and the courses
    they completed, with a form to add one."""
    gate.require(request, Ability.WORKER_SUPPORT)
    user = request.user
    form = TrainingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actions.record_training(
            by=user,
            course=data["course"],
            provider=data["provider"],
            completed_on=data["completed_on"],
            expires_on=data["expires_on"],
            request=request,
        )
        messages.success(request, "Course added to your training record.")
        return redirect("support:training")
    today = timezone.localdate()
    worked = schemes_of(user, Role.LINK_WORKER)
    courses = worker_statuses(user, worked, today)
    records = list(TrainingRecord.objects.filter(worker=user))
    auditor.record(action="training.viewed", request=request)
    return render(
        request,
        "support/training.jinja",
        {
            "page_title": "Your training",
            "form": form,
            "form_errors": bool(form.errors),
            "required": presenters.required_table(courses),
            "has_required": bool(courses),
            "records": presenters.records_table(records),
            "has_records": bool(records),
            "course_names": [status.course.name for status in courses],
        },
        status=_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def wellbeing(request: AuthenticatedHttpRequest) -> HttpResponse:
    """This month's wellbeing check-in, and the link worker's own past answers."""
    gate.require(request, Ability.WORKER_SUPPORT)
    user = request.user
    today = timezone.localdate()
    answered = WellbeingCheckIn.objects.filter(worker=user, month=month_of(today)).exists()
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and answered:
        messages.info(request, "You have answered this month's check-in already.")
        return redirect("support:wellbeing")
    if request.method == "POST" and form.is_valid():
        try:
            actions.check_in(by=user, on=today, answers=form.answers(), request=request)
        except actions.AlreadyAnswered as error:
            messages.info(request, str(error))
        else:
            messages.success(request, "Thank you: your answers are saved.")
        return redirect("support:wellbeing")
    past = list(WellbeingCheckIn.objects.filter(worker=user)[:12])
    auditor.record(action="wellbeing.viewed", request=request)
    return render(
        request,
        "support/wellbeing.jinja",
        {
            "page_title": "Wellbeing check-in",
            "form": form,
            "form_errors": bool(form.errors),
            "answered": answered,
            "month": month_of(today),
            "past": presenters.check_ins_table(past),
            "has_past": bool(past),
        },
        status=_status(form),
    )


@login_required
@require_http_methods(["GET"])
def peers(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Link workers of every scheme who opted in to the peer network, with what they know."""
    gate.require(request, Ability.USE_SUPPORT)
    profiles = list(
        PeerProfile.objects.filter(
            opted_in=True,
            worker__is_active=True,
            worker__memberships__role=Role.LINK_WORKER,
        )
        .distinct()
        .select_related("worker")
        .prefetch_related("services", "worker__memberships__scheme")
        .order_by("worker__full_name", "pk")
    )
    auditor.record(action="peer_network.viewed", request=request)
    return render(
        request,
        "support/peers.jinja",
        {
            "page_title": "Peer network",
            "peers": presenters.peers_table(profiles),
            "has_peers": bool(profiles),
            "is_worker": permissions.may(request.user, Ability.WORKER_SUPPORT),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def peer_profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The link worker's own entry in the peer network: off until they opt in."""
    gate.require(request, Ability.WORKER_SUPPORT)
    user = request.user
    profile = PeerProfile.objects.filter(worker=user).first()
    chosen = list(profile.services.values_list("pk", flat=True)) if profile else []
    connected = Connection.objects.visible_to(user).order_by().values("service_id")
    options = Service.objects.filter(Q(pk__in=connected) | Q(pk__in=chosen)).order_by("name")
    initial = (
        {"opted_in": profile.opted_in, "needs": profile.needs, "services": chosen}
        if profile
        else {}
    )
    form = PeerForm(request.POST or None, initial=initial, services=options)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actions.set_peer_profile(
            by=user,
            opted_in=data["opted_in"],
            needs=data["needs"],
            services=data["services"],
            request=request,
        )
        messages.success(
            request,
            "You are listed in the peer network."
            if data["opted_in"]
            else "You are not listed in the peer network.",
        )
        return redirect("support:index")
    return render(
        request,
        "support/peer_profile.jinja",
        {
            "page_title": "Your peer network entry",
            "form": form,
            "form_errors": bool(form.errors),
        },
        status=_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """When a scheme's lead is prompted about its link workers."""
    gate.require(request, Ability.LEAD_SUPPORT)
    schemes = schemes_of(request.user, Role.SCHEME_LEAD)
    first = support_settings(schemes[0]) if schemes else None
    initial = (
        {
            "scheme": first.scheme_id,
            "supervision_gap_weeks": first.supervision_gap_weeks,
            "complex_share_percent": first.complex_share_percent,
            "complex_count": first.complex_count,
        }
        if first
        else {}
    )
    form = SettingsForm(request.POST or None, initial=initial, schemes=schemes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actions.save_settings(
            by=request.user,
            scheme=form.chosen(),
            supervision_gap_weeks=data["supervision_gap_weeks"],
            complex_share_percent=data["complex_share_percent"],
            complex_count=data["complex_count"],
            request=request,
        )
        messages.success(request, "Support settings saved.")
        return redirect(reverse("support:overview"))
    return render(
        request,
        "support/settings.jinja",
        {
            "page_title": "Support settings",
            "form": form,
            "form_errors": bool(form.errors),
            "current": presenters.settings_table([support_settings(s) for s in schemes]),
        },
        status=_status(form),
    )
