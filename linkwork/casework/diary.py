"""The diary: a link worker's appointments by day or by week, the scheme's for its leads, and
the same appointments as iCalendar (RFC 5545) for a calendar app.

What goes to a calendar app leaves Linkwork: a phone syncs it, shows it on a lock screen and
may back it up elsewhere. So an event names the person by their initials and the referral's
reference only, never their name, and a home visit by "Home visit", never the address. The
link to the case needs signing in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from linkwork.casework.models import Appointment, AppointmentStatus, Mode

DAY = "day"
WEEK = "week"
# How far back a calendar feed reaches: recent appointments stay visible in the phone's
# calendar; older ones drop off.
FEED_DAYS_BACK = 30
PRODUCT_ID = "-//Linkwork//Appointments//EN"


@dataclass(frozen=True)
class Span:
    """The days a diary page shows: one day, or a week from Monday."""

    view: str
    first: dt.date
    days: int

    @property
    def last(self) -> dt.date:
        return self.first + dt.timedelta(days=self.days - 1)

    @property
    def start(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.first, dt.time.min))

    @property
    def end(self) -> dt.datetime:
        return timezone.make_aware(
            dt.datetime.combine(self.first + dt.timedelta(days=self.days), dt.time.min)
        )

    @property
    def previous(self) -> dt.date:
        return self.first - dt.timedelta(days=self.days)

    @property
    def next(self) -> dt.date:
        return self.first + dt.timedelta(days=self.days)

    def dates(self) -> list[dt.date]:
        return [self.first + dt.timedelta(days=n) for n in range(self.days)]


def span_of(day: dt.date, view: str) -> Span:
    if view == WEEK:
        return Span(WEEK, day - dt.timedelta(days=day.weekday()), 7)
    return Span(DAY, day, 1)


def initials(appointment: Appointment) -> str:
    person = appointment.referral.person
    return "".join(part[:1].upper() for part in (person.given_name, person.family_name) if part)


def _case_url(appointment: Appointment) -> str:
    base = settings.LINKWORK_BASE_URL.rstrip("/")
    return base + reverse("casework:appointment", args=[appointment.referral_id, appointment.pk])


def where(appointment: Appointment) -> str:
    """The event's location: the place for a meeting; never a home address."""
    if appointment.mode == Mode.HOME_VISIT:
        return "Home visit"
    if appointment.mode in (Mode.IN_PERSON, Mode.GROUP):
        return appointment.place
    return Mode(appointment.mode).label


def event_for(appointment: Appointment, *, stamp: dt.datetime) -> Event:
    """One appointment as a VEVENT: initials and reference, never the person's name."""
    event = Event()
    event.add("uid", f"{appointment.pk}@linkwork")
    event.add("dtstamp", stamp)
    event.add("dtstart", appointment.starts_at)
    event.add("dtend", appointment.ends_at)
    event.add(
        "summary",
        f"{initials(appointment)} ({appointment.referral.reference}): "
        f"{Mode(appointment.mode).label}",
    )
    location = where(appointment)
    if location:
        event.add("location", location)
    event.add(
        "description",
        f"Referral {appointment.referral.reference}. "
        f"Open the case in Linkwork (sign in): {_case_url(appointment)}",
    )
    event.add("url", _case_url(appointment))
    event.add("sequence", appointment.version)
    event.add(
        "status",
        "CANCELLED" if appointment.status == AppointmentStatus.CANCELLED else "CONFIRMED",
    )
    return event


def calendar_of(appointments: Iterable[Appointment], *, name: str) -> bytes:
    """An iCalendar file holding `appointments`."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now()
    for appointment in appointments:
        calendar.add_component(event_for(appointment, stamp=stamp))
    return calendar.to_ical()


def feed_appointments(user: Any) -> Any:
    """The appointments in `user`'s own calendar feed: theirs, in the schemes where they still
    work, from a month ago on."""
    since = timezone.now() - dt.timedelta(days=FEED_DAYS_BACK)
    return (
        Appointment.objects.visible_to(user)
        .filter(link_worker=user, starts_at__gte=since)
        .select_related("referral__person")
        .order_by("starts_at")
    )
