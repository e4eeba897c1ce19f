"""Casework's side of the referral pages for appointments: booking the first one straight
after triage accepts a referral, and the next appointment shown on the referral page. Both
are registered with referrals in `AppConfig.ready()`."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from linkwork.accounts import permissions
from linkwork.accounts.permissions import Ability
from linkwork.casework.models import Appointment, AppointmentStatus
from linkwork.core.presenters import datetime_uk
from linkwork.referrals.lifecycle import OPEN_STATUSES
from linkwork.referrals.models import Referral
from linkwork.referrals.next_steps import NextStep

FIRST_APPOINTMENT_HINT = (
    "After accepting, you can book the first appointment with the person in the link "
    "worker's diary."
)


def first_appointment_address(request: HttpRequest, referral: Referral) -> str | None:
    """Booking the first appointment, for a referral accepted with a link worker, when the
    user may do its casework."""
    if referral.link_worker_id is None or referral.status not in OPEN_STATUSES:
        return None
    if not permissions.may(request.user, Ability.DO_CASEWORK, referral):
        return None
    return reverse("casework:appointments", args=[referral.pk]) + "?after=triage"


FIRST_APPOINTMENT = NextStep(hint=FIRST_APPOINTMENT_HINT, address=first_appointment_address)


def referral_page_panel(request: HttpRequest, referral: Referral) -> str | None:
    """The next appointment, and the way to book one, at the top of the referral page for
    the scheme's team."""
    if referral.status not in OPEN_STATUSES:
        return None
    if not permissions.may(request.user, Ability.DO_CASEWORK, referral):
        return None
    upcoming = (
        Appointment.objects.visible_to(request.user)
        .filter(referral=referral, status=AppointmentStatus.BOOKED, starts_at__gte=timezone.now())
        .order_by("starts_at")
        .first()
    )
    return render_to_string(
        "casework/_appointments_panel.jinja",
        {
            "next_when": datetime_uk(upcoming.starts_at) if upcoming else "",
            "next_how": upcoming.get_mode_display() if upcoming else "",
            "appointments_href": reverse("casework:appointments", args=[referral.pk]),
        },
    )
