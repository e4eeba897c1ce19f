"""Appointments on a case (booking, recording, cancelling, the .ics file), the link worker's
diary by day and week, the scheme's diary for its leads, and the link worker's calendar feed
at a secret address."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from linkwork.accounts import gate, permissions
from linkwork.accounts.gate import AuthenticatedHttpRequest
from linkwork.accounts.models import Role
from linkwork.accounts.permissions import Ability
from linkwork.audit import auditor
from linkwork.casework import actions, diary, presenters
from linkwork.casework.forms_diary import AppointmentForm, DiaryForm, RecordAppointmentForm
from linkwork.casework.models import (
    Appointment,
    AppointmentQuerySet,
    AppointmentStatus,
    CalendarFeed,
)
from linkwork.casework.safeguarding import safeguarding_concerns
from linkwork.core import concurrency
from linkwork.core.presenters import date_uk, datetime_uk
from linkwork.referrals.models import Referral
from linkwork.referrals.scoping import get_case_or_404

CALENDAR_TYPE = "text/calendar; charset=utf-8"


def _first_booking(referral: Referral) -> bool:
    return not referral.contacts.exists() and not referral.appointments.exists()


@login_required
@require_http_methods(["GET", "POST"])
def appointments(request: AuthenticatedHttpRequest, referral_id: str) -> HttpResponse:
    """A case's appointments, and booking another (the first, straight after triage)."""
    referral = get_case_or_404(request, referral_id)
    person = referral.person
    form = AppointmentForm(request.POST if request.method == "POST" else None, person=person)
    after_triage = request.GET.get("after") == "triage"
    if request.method == "POST" and form.is_valid():
        try:
            booked = actions.book_appointment(by=request.user, referral=referral, **form.booking())
        except actions.CaseworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Appointment booked for {datetime_uk(booked.starts_at)}")
            if after_triage:
                return redirect("referrals:triage_queue")
            return redirect("casework:appointments", referral.pk)
    auditor.record(
        action="appointments.viewed", request=request, target=referral, scheme_id=referral.scheme_id
    )
    found = list(
        Appointment.objects.visible_to(request.user)
        .filter(referral=referral)
        .select_related("link_worker")
        .order_by("starts_at")
    )
    first = _first_booking(referral)
    return render(
        request,
        "casework/appointments.jinja",
        {
            "page_title": ("Book the first appointment" if first else "Appointments")
            + f" for referral {referral.reference}",
            "referral": referral,
            "person": person,
            "first": first,
            "after_triage": after_triage,
            "appointments_table": presenters.appointments_table(
                found, caption="Appointments, soonest first"
            )
            if found
            else None,
            "safeguarding": safeguarding_concerns(request.user, referral),
            "form": form,
            "form_errors": bool(form.errors),
        },
        status=400 if form.errors else 200,
    )


def _appointment(request: HttpRequest, referral: Referral, appointment_id: str) -> Appointment:
    found = gate.get_visible_or_404(
        request,
        Appointment.objects.visible_to(request.user).select_related(
            "link_worker", "contact", "referral__person"
        ),
        pk=appointment_id,
        referral=referral,
    )
    found.referral = referral
    return found


def _as_booked(appointment: Appointment) -> dict[str, Any]:
    """The move form's starting values: the appointment as it is booked now."""
    local = timezone.localtime(appointment.starts_at)
    return {
        "date": local.date(),
        "time": local.strftime("%H:%M"),
        "mode": appointment.mode,
        "place": appointment.place,
        "duration_minutes": appointment.duration_minutes,
    }


@login_required
@require_http_methods(["GET", "POST"])
def appointment(
    request: AuthenticatedHttpRequest, referral_id: str, appointment_id: str
) -> HttpResponse:
    """One appointment: record what happened (it becomes a contact), move it to another time,
    or cancel it."""
    referral = get_case_or_404(request, referral_id)
    found = _appointment(request, referral, appointment_id)
    moving = request.method == "POST" and request.POST.get("action") == "move"
    form = RecordAppointmentForm(
        request.POST if request.method == "POST" and "outcome" in request.POST else None
    )
    move_form = AppointmentForm(
        request.POST if moving else None, person=referral.person, initial=_as_booked(found)
    )
    conflict = None
    if moving:
        try:
            if move_form.is_valid():
                moved = actions.move_appointment(
                    by=request.user,
                    appointment=found,
                    version=concurrency.sent_version(request.POST),
                    **move_form.booking(),
                )
                messages.success(request, f"Appointment moved to {datetime_uk(moved.starts_at)}")
                return redirect("casework:appointment", referral.pk, found.pk)
        except actions.CaseworkError as error:
            move_form.add_error(None, str(error))
        except concurrency.EditConflict as error:
            conflict = error
            found = _appointment(request, referral, appointment_id)
            move_form.add_error(None, error.message)
    elif request.method == "POST":
        version = concurrency.sent_version(request.POST)
        try:
            if request.POST.get("action") == "cancel":
                actions.cancel_appointment(by=request.user, appointment=found, version=version)
                messages.success(request, "Appointment cancelled")
                return redirect("casework:appointments", referral.pk)
            if form.is_valid():
                recorded = actions.record_appointment(
                    by=request.user,
                    appointment=found,
                    attended=form.cleaned_data["outcome"] == "attended",
                    note=form.cleaned_data["note"],
                    version=version,
                )
                messages.success(request, "Recorded as a contact")
                if recorded.review_due:
                    messages.warning(
                        request,
                        f"The last {recorded.missed_in_a_row} contacts did not happen. "
                        "Review the plan with the person, put support on hold, or end support.",
                    )
                return redirect("casework:appointment", referral.pk, found.pk)
            if "outcome" not in request.POST:
                form = RecordAppointmentForm(request.POST)
                form.is_valid()
        except actions.CaseworkError as error:
            form = RecordAppointmentForm(request.POST)
            form.is_valid()
            form.add_error(None, str(error))
        except concurrency.EditConflict as error:
            conflict = error
            found = _appointment(request, referral, appointment_id)
            form = RecordAppointmentForm(request.POST)
            form.is_valid()
            form.add_error(None, error.message)
    auditor.record(
        action="appointment.viewed",
        request=request,
        target=found,
        scheme_id=referral.scheme_id,
        detail={"referral": str(referral.pk)},
    )
    recordable = found.status == AppointmentStatus.BOOKED and found.starts_at <= (
        timezone.now() + dt.timedelta(minutes=5)
    )
    return render(
        request,
        "casework/appointment.jinja",
        {
            "page_title": f"Appointment on {datetime_uk(found.starts_at)}",
            "referral": referral,
            "person": referral.person,
            "appointment": found,
            "when": datetime_uk(found.starts_at),
            "tag": presenters.appointment_tag(found),
            "booked": found.status == AppointmentStatus.BOOKED,
            "recordable": recordable,
            "safeguarding": safeguarding_concerns(request.user, referral),
            "form": form,
            "move_form": move_form,
            "failed_form": move_form if move_form.errors else form,
            "form_errors": bool(form.errors or move_form.errors),
            "version": concurrency.version_to_show(
                stored=found.version,
                posted=request.POST if request.method == "POST" else None,
                conflict=conflict,
            ),
        },
        status=409 if conflict else 400 if form.errors or move_form.errors else 200,
    )


@login_required
@require_GET
def appointment_ics(
    request: AuthenticatedHttpRequest, referral_id: str, appointment_id: str
) -> HttpResponse:
    """The appointment as an .ics file, to add to a calendar by hand."""
    referral = get_case_or_404(request, referral_id)
    found = _appointment(request, referral, appointment_id)
    auditor.record(
        action="appointment.downloaded",
        request=request,
        target=found,
        scheme_id=referral.scheme_id,
    )
    body = diary.calendar_of([found], name=f"Appointment {referral.reference}")
    response = HttpResponse(body, content_type=CALENDAR_TYPE)
    response["Content-Disposition"] = f'attachment; filename="appointment-{referral.reference}.ics"'
    return response


def _diary_span(request: HttpRequest) -> tuple[diary.Span, DiaryForm]:
    form = DiaryForm(request.GET)
    day = timezone.localdate()
    view = diary.DAY
    if form.is_valid():
        day = form.cleaned_data["date"] or day
        view = form.cleaned_data["view"] or view
    return diary.span_of(day, view), form


def _diary_context(span: diary.Span, form: DiaryForm, url_name: str) -> dict[str, Any]:
    def link(day: Any, view: str) -> str:
        return f"{reverse(url_name)}?date={day.isoformat()}&view={view}"

    return {
        "span": span,
        "week": span.view == diary.WEEK,
        "previous_href": link(span.previous, span.view),
        "next_href": link(span.next, span.view),
        "day_href": link(span.first, diary.DAY),
        "week_href": link(span.first, diary.WEEK),
        "today_href": link(timezone.localdate(), span.view),
        "form": form,
        "form_errors": bool(form.errors),
    }


def _span_title(span: diary.Span) -> str:
    if span.view == diary.WEEK:
        return f"week beginning {span.first:%A} {date_uk(span.first)}"
    return f"{span.first:%A} {date_uk(span.first)}"


@login_required
@require_GET
def my_diary(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The link worker's own appointments, by day (`?date=`) or by week (`?view=week`)."""
    gate.require(request, Ability.KEEP_DIARY)
    return _diary(
        request,
        Appointment.objects.visible_to(request.user).filter(link_worker=request.user),
        action="diary.viewed",
        heading="Your diary",
        url_name="casework:diary",
        show_worker=False,
        extra={"scheme_diary": permissions.may(request.user, Ability.VIEW_SCHEME_DIARY)},
    )


@login_required
@require_GET
def scheme_diary(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every link worker's appointments in the schemes the lead leads."""
    gate.require(request, Ability.VIEW_SCHEME_DIARY)
    schemes = permissions.scheme_ids(request.user, Role.SCHEME_LEAD)
    return _diary(
        request,
        Appointment.objects.visible_to(request.user).filter(referral__scheme_id__in=schemes),
        action="diary.scheme_viewed",
        heading="The scheme's diary",
        url_name="casework:scheme_diary",
        show_worker=True,
        extra={"scheme_view": True},
    )


def _diary(
    request: AuthenticatedHttpRequest,
    appointments: AppointmentQuerySet,
    *,
    action: str,
    heading: str,
    url_name: str,
    show_worker: bool,
    extra: dict[str, object],
) -> HttpResponse:
    """A diary page: the day or week asked for, its appointments, the read audited with the
    referrals it showed."""
    span, form = _diary_span(request)
    found = list(
        appointments.in_diary(span.start, span.end).select_related(
            "referral__person", "link_worker"
        )
    )
    auditor.record(
        action=action,
        request=request,
        detail={
            "view": span.view,
            "from": span.first.isoformat(),
            "referrals": sorted({str(a.referral_id) for a in found}),
        },
    )
    return render(
        request,
        "casework/diary.jinja",
        {
            "page_title": f"{heading}: {_span_title(span)}",
            "heading": heading,
            "span_title": _span_title(span),
            "days": presenters.diary_days(span.dates(), found, show_worker=show_worker),
            "count": len(found),
            **extra,
            **_diary_context(span, form, url_name),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def calendar_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The link worker's calendar address: make one (shown once), replace it, or stop it."""
    gate.require(request, Ability.KEEP_DIARY)
    feed_url = ""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            actions.revoke_calendar_feed(by=request.user)
            messages.success(request, "Your calendar address is stopped")
            return redirect("casework:calendar")
        token = actions.issue_calendar_feed(by=request.user)
        feed_url = request.build_absolute_uri(reverse("casework:calendar_feed", args=[token]))
    live = CalendarFeed.objects.filter(user=request.user, revoked_at__isnull=True).first()
    return render(
        request,
        "casework/calendar.jinja",
        {
            "page_title": "Your diary in your calendar app",
            "live": live,
            "feed_url": feed_url,
            "issued_on": datetime_uk(live.created_at) if live else "",
            "last_read": datetime_uk(live.last_read_at) if live and live.last_read_at else "",
        },
    )


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The link worker's appointments as an iCalendar feed, for a calendar app: no sign-in,
    the secret address is the key. A stopped or unknown address is 404."""
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(
            token_hash=actions.calendar_token_hash(token),
            revoked_at__isnull=True,
            user__is_active=True,
        )
        .first()
    )
    if feed is None:
        raise Http404("No such calendar")
    user = feed.user
    found = list(diary.feed_appointments(user))
    CalendarFeed.objects.filter(pk=feed.pk).update(last_read_at=timezone.now())
    auditor.record(
        action="calendar_feed.read",
        request=request,
        actor=user,
        target=feed,
        detail={"appointments": len(found)},
    )
    body = diary.calendar_of(found, name=f"Linkwork: {user.full_name}")
    response = HttpResponse(body, content_type=CALENDAR_TYPE)
    response["Cache-Control"] = "private, no-store"
    return response
